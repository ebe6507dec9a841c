"""Why no program exists, in plain sentences that name sessions, speakers and rooms.

1. Fast pre-checks (``precheck.py``: each rule family's own), each with its own message.
2. What they miss: every requirement group (a session's pin, a speaker's part in
   a session, one unavailable range of a speaker or a room, an ``after`` or
   ``not_with`` link, a session's capacity or feature need, a plenary's claim on
   the plenary slots) gets an enforcement literal in one CP-SAT model of the whole
   conference (``relax.py``), and a minimal clashing set is found.
3. The minimal set becomes sentences: each family words its own requirements
   (``Rule.describe``). Text and JSON are written from the same objects.

What is never relaxed: the slot grid (each session once, at slot starts, in a run
of consecutive slots; plenary slots hold plenaries only), the rooms (one session
per room at a time). When those alone leave no program, the explanation says the
grid is too small.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

from ..errors import NoProgram
from ..model import Conference
from . import rules
from .because import chained
from .precheck import prechecks
from .relax import FEASIBLE, INFEASIBLE, UNKNOWN, Relaxation, RoomClasses
from .rules import Reason, Requirement
from .rules.words import plural
from .space import Space

__all__ = ["Explanation", "Reason", "Relaxation", "Requirement", "RoomClasses", "describe", "explain",
           "impossible", "no_program", "prechecks"]


@dataclass
class Explanation:
    status: str                              # "feasible" | "infeasible" | "unknown"
    reasons: list[Reason] = field(default_factory=list)
    stage: str = ""                          # "pre-check" | "solver"
    minimal: bool | None = None              # the solver's set was shrunk to a proven minimum
    seconds: float = 0.0
    summary: str = ""

    @property
    def requirements(self) -> list[str]:
        return list(dict.fromkeys(k for r in self.reasons for k in r.requirements))

    def to_dict(self) -> dict:
        return {"program_exists": {FEASIBLE: True, INFEASIBLE: False}.get(self.status),
                "status": self.status, "stage": self.stage, "minimal": self.minimal,
                "seconds": round(self.seconds, 3), "summary": self.summary,
                "requirements": self.requirements, "reasons": [r.to_dict() for r in self.reasons]}

    def text(self) -> str:
        if self.status == FEASIBLE:
            return self.summary
        lines = [self.summary]
        for n, r in enumerate(self.reasons, start=1):
            lines.append(f"  {n}. [{r.heading}] {r.sentence}")
            if r.fix:
                lines.append(f"     fix: {r.fix}")
            if r.where:
                lines.append(f"     see: {', '.join(r.where)}")
        return "\n".join(lines)


def explain(conf: Conference, *, time_limit: float = 60.0, space: Space | None = None) -> Explanation:
    """Does a program exist, and if not, why not?"""
    t0 = time.monotonic()
    deadline = t0 + time_limit
    found = prechecks(conf, space)
    if found:
        return Explanation(INFEASIBLE, found, "pre-check", None, time.monotonic() - t0, "No program exists:")
    relax = Relaxation(conf)
    status, core = relax.solve(relax.requirements, deadline - time.monotonic())
    if status == FEASIBLE:
        return Explanation(FEASIBLE, [], "solver", None, time.monotonic() - t0,
                           "A program exists: every hard rule can be met at once.")
    if status == UNKNOWN:
        return Explanation(UNKNOWN, [], "solver", None, time.monotonic() - t0,
                           f"Could not decide within {time_limit:g} s whether a program exists; "
                           "raise --time-limit.")
    # the core is a hint: check it before shrinking (and fall back to every requirement)
    check, smaller = relax.solve(core, deadline - time.monotonic())
    if check == INFEASIBLE:
        core = smaller
    elif check == FEASIBLE:
        core = list(relax.requirements)
    keys, minimal = relax.narrowed(core).shrink(core, deadline) if core else ([], True)
    minimal = minimal and check != UNKNOWN
    reasons = describe(conf, relax.requirements, keys)
    n = len(reasons)             # what is listed (a fact may hold several requirements)
    these = f"these {plural(n, 'requirement')}" if n > 1 else "these requirements"
    if not keys:
        summary = "No program exists: the sessions do not fit in the slot grid and rooms at all."
    elif minimal:
        summary = (f"No program exists: {these} cannot all hold at once; "
                   "drop any one of them and the others can be met together:" if len(keys) > 1 else
                   "No program exists: this requirement cannot be met:")
    else:
        summary = (f"No program exists: {these} cannot all hold at once "
                   "(time ran out before narrowing them down to the fewest):")
    return Explanation(INFEASIBLE, reasons, "solver", minimal, time.monotonic() - t0, summary)


def describe(conf: Conference, reqs: dict[str, Requirement], keys: list[str]) -> list[Reason]:
    """The requirement keys of a (minimal) infeasible set as sentences: each family
    words its own (none left: the grid is too small)."""
    chosen = [reqs[k] for k in keys]
    return chained(conf, chosen, [reason for rule in rules.RULES for reason in rule.describe(conf, chosen)])


def no_program(conf: Conference, space: Space | None = None, time_limit: float = 60.0,
               fallback: str = "no timetable satisfies every hard rule at once") -> NoProgram:
    """The NoProgram the solver raises: sentences in ``reasons``, the Explanation in
    ``explanation``."""
    ex = explain(conf, time_limit=time_limit, space=space)
    if ex.status != INFEASIBLE:
        ex = Explanation(INFEASIBLE, [Reason("once", fallback[:1].upper() + fallback[1:] + ".",
                                             "Run `niic-sched explain` with a larger --time-limit to find out why.",
                                             title="no program")],
                         "solver", None, ex.seconds, "No program exists:")
    return NoProgram([str(r) for r in ex.reasons], explanation=ex)


def impossible(conf: Conference, time_limit: float = 60.0) -> NoProgram | None:
    """After the solver gave up within its limits: the NoProgram to report when no
    program exists at all, None when one may exist."""
    ex = explain(conf, time_limit=time_limit)
    if ex.status != INFEASIBLE:
        return None
    return NoProgram([str(r) for r in ex.reasons], explanation=ex)
