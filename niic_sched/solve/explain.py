"""Why no program exists, in plain sentences that name sessions, speakers and rooms.

1. Fast pre-checks (``precheck.py``: each rule family's own), each with its own message.
2. What they miss: every requirement group (a session's pin, a speaker's part in
   a session, one unavailable range of a speaker or a room, an ``after`` or
   ``not_with`` link, a session's capacity or feature need, a plenary's claim on
   the plenary slots) gets an enforcement literal in a CP-SAT model (``relax.py``),
   and a minimal clashing set is found. The model first holds only a part of the
   conference: the most constrained sessions (fewest placements) and the sessions
   linked to them, then parts four times as large, until a part has no program
   (then the whole has none) or the part is the whole conference. Only the
   requirements of that part get literals; rooms that none of them tells apart are
   one class (``RoomClasses``).
3. The clashing set is shrunk to a minimum in that part, then confirmed on the
   whole conference (a model of just those requirements, every other one dropped):
   dropping any one of them leaves a program.
4. The minimal set becomes sentences: each family words its own requirements
   (``Rule.describe``). Text and JSON are written from the same objects.

What is never relaxed: the slot grid (each session once, at slot starts, in a run
of consecutive slots; plenary slots hold plenaries only), the rooms (one session
per room at a time). When those alone leave no program, the explanation says the
grid is too small.

The time limit holds for all of it: model building looks at the clock between
steps, every solve gets what is left, and an answer cut short says so
(``cut_short``; undecided, or a clashing set not yet shrunk to the fewest).
Ctrl-C, or the caller's ``interrupted`` flag, stops it within a fraction of a
second with KeyboardInterrupt.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable

from ortools.sat.python import cp_model

from ..errors import NoProgram
from ..model import Conference
from . import rules
from .because import chained
from .precheck import prechecks
from .cpmodel import Model, cp_solver
from .relax import (FEASIBLE, INFEASIBLE, UNKNOWN, Clock, OutOfTime, PartSpace, Relaxation, RoomClasses,
                    Whole, _Guarded, encode)
from .rules import Reason, Requirement
from .rules.words import plural
from .space import Space

__all__ = ["Explanation", "Reason", "Relaxation", "Requirement", "RoomClasses", "describe", "explain",
           "no_program", "prechecks"]

FIRST_PART = 24        # sessions in the first part of the conference the solver looks at
GROWTH = 4             # each next part is this many times larger (the last: the whole conference)
# before a part of more placements than this (sessions x slots x rooms) is modelled, a program
# of the whole is looked for directly, for this share of the time left (at least DIRECT_SECONDS)
DIRECT_PLACEMENTS = 100_000
DIRECT_SHARE = 0.5
DIRECT_SECONDS = 5.0


@dataclass
class Explanation:
    status: str                              # "feasible" | "infeasible" | "unknown"
    reasons: list[Reason] = field(default_factory=list)
    stage: str = ""                          # "pre-check" | "solver"
    minimal: bool | None = None              # the solver's set was shrunk to a proven minimum
    seconds: float = 0.0
    summary: str = ""
    cut_short: bool = False                  # the time limit ended it before a complete answer

    @property
    def requirements(self) -> list[str]:
        return list(dict.fromkeys(k for r in self.reasons for k in r.requirements))

    def to_dict(self) -> dict:
        return {"program_exists": {FEASIBLE: True, INFEASIBLE: False}.get(self.status),
                "status": self.status, "stage": self.stage, "minimal": self.minimal,
                "cut_short": self.cut_short, "seconds": round(self.seconds, 3), "summary": self.summary,
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


def explain(conf: Conference, *, time_limit: float = 60.0, space: Space | None = None,
            interrupted: Callable[[], bool] | None = None, started: float | None = None) -> Explanation:
    """Does a program exist, and if not, why not? Within ``time_limit`` seconds of
    ``started`` (``time.monotonic()``; default now); ``interrupted``: a flag that,
    once it returns True, ends it with KeyboardInterrupt (as Ctrl-C does)."""
    t0 = started if started is not None else time.monotonic()
    clock = Clock(t0 + time_limit, interrupted)

    def undecided(stage: str = "solver") -> Explanation:
        return Explanation(UNKNOWN, [], stage, None, time.monotonic() - t0,
                           f"Could not decide within {time_limit:g} s whether a program exists; "
                           "raise --time-limit.", cut_short=True)

    clock.check()
    space = space if space is not None else Space(conf)

    def until() -> bool:
        clock.check()
        return clock.out()

    found = prechecks(conf, space, until)
    if found:
        return Explanation(INFEASIBLE, found, "pre-check", None, time.monotonic() - t0, "No program exists:")
    if clock.out():
        return undecided("pre-check")
    try:
        got = _find(conf, space, clock)
    except OutOfTime:
        return undecided()
    if got is None:
        return undecided()
    if got.status == FEASIBLE:
        return Explanation(FEASIBLE, [], "solver", None, time.monotonic() - t0,
                           "A program exists: every hard rule can be met at once.")
    keys, minimal = got.keys, got.minimal
    reasons = describe(conf, got.requirements, keys)
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
    return Explanation(INFEASIBLE, reasons, "solver", minimal, time.monotonic() - t0, summary,
                       cut_short=not minimal)


@dataclass
class _Found:
    status: str                              # FEASIBLE or INFEASIBLE
    requirements: dict[str, Requirement]
    keys: list[str] = field(default_factory=list)
    minimal: bool = True


def parts(space: Space) -> list[list[str]]:
    """The growing parts of the conference the solver looks at (session ids), the last
    the whole. The first holds the FIRST_PART sessions with the fewest placements in
    ``space`` (the most constrained); each next one, GROWTH times larger, first the
    sessions linked to those the part before added (a shared speaker, a link; not
    through a session linked to a quarter of the conference or more, as a plenary is
    to every session), then again the most constrained of the rest."""
    n = len(space.sessions)
    links = space.links
    hub = max(8, n // 4)
    tight = sorted(range(n), key=lambda i: (sum(len(o.rooms) for o in space.options[i]), space.sessions[i].id))
    rank = {i: r for r, i in enumerate(tight)}
    order: list[int] = []
    seen: set[int] = set()
    out: list[list[str]] = []
    rest = iter(tight)
    size, added = FIRST_PART, []
    while size < n:
        block = len(order)
        for i in added:
            if len(links.get(i, {})) >= hub:
                continue
            for j in sorted(links.get(i, {}), key=rank.__getitem__):
                if len(order) < size and j not in seen and len(links.get(j, {})) < hub:
                    seen.add(j)
                    order.append(j)
        for i in rest:
            if len(order) >= size:
                break
            if i not in seen:
                seen.add(i)
                order.append(i)
        added = order[block:]
        out.append([space.sessions[i].id for i in order])
        size *= GROWTH
    out.append([s.id for s in space.sessions])
    return out


def _model(conf: Conference, reqs: dict[str, Requirement], sessions: list[str] | None, clock: Clock,
           exact: bool) -> tuple[_Guarded, list[str]]:
    """The guarded model of a part (``sessions``; None: the whole conference) with
    every requirement that can matter for it, and those requirements' keys."""
    space = PartSpace(conf, only=sessions, clock=clock)
    keys = space.keys_in_force(reqs)
    if exact:
        return RoomClasses(conf, reqs, keys, space=space, clock=clock), keys
    return Relaxation(conf, reqs, sessions=sessions, keys=keys, clock=clock), keys


def program(space: Space, clock: Clock, seconds: float) -> str:
    """Is there a program, looked for directly as the solver does (no literals): a
    timetable in its model (rooms as counting cuts, which every program meets), then
    rooms for those times. FEASIBLE (one was found), INFEASIBLE (no timetable
    exists, so no program does) or UNKNOWN (none found within ``seconds``, or no
    rooms for the timetable found)."""
    end = time.monotonic() + seconds

    def run(m: Model) -> tuple[int, object]:
        solver = cp_solver(workers=1, seed=0, deterministic=False, seconds=max(0.05, end - time.monotonic()))
        # big conferences: presolve costs more than it saves on the way to a first timetable
        solver.parameters.cp_model_presolve = len(space.sessions) < 200
        return clock.solve(solver, m.cp), solver

    m = Model(space, with_rooms=False)
    encode(m, clock)
    status, solver = run(m)
    if status == cp_model.INFEASIBLE:
        return INFEASIBLE
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE) or time.monotonic() >= end:
        return UNKNOWN
    times = {i: k for i, (k, _) in m.read(solver).items()}
    clock.step()
    rooms = Model(space, with_rooms=True, allowed={i: {k} for i, k in times.items()})
    encode(rooms, clock)
    status, _ = run(rooms)
    return FEASIBLE if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) else UNKNOWN


def _find(conf: Conference, space: Space, clock: Clock) -> _Found | None:
    """The solver's stage: FEASIBLE, or INFEASIBLE with a (minimal) clashing set;
    None when the time ran out before deciding."""
    reqs = rules.requirements(conf)
    exact = RoomClasses.exact_for(conf)
    every = parts(space)
    looked = False
    for n, part in enumerate(every):
        whole = n == len(every) - 1
        if (not looked and len(part) * len(conf.slots) * len(conf.rooms) > DIRECT_PLACEMENTS
                and clock.left() >= 2 * DIRECT_SECONDS):
            # the small parts have programs and the next models are large: a program of the
            # whole may be found directly, sooner than a part is proven to have none (its
            # model is built at once: not when the time left is short)
            looked = True
            if program(space, clock, max(DIRECT_SECONDS, DIRECT_SHARE * clock.left())) == FEASIBLE:
                return _Found(FEASIBLE, reqs)
        model, keys = _model(conf, reqs, None if whole else part, clock, exact)
        status, core = model.solve(keys)
        if status == UNKNOWN:
            return None
        if status == INFEASIBLE:
            break
        if whole:
            return _Found(FEASIBLE, reqs)
    if not core:
        return _Found(INFEASIBLE, reqs, [], True)
    # the core is a hint: check it (in the smaller model of just its requirements) before
    # shrinking, and fall back to every requirement of the part
    narrow = RoomClasses(conf, reqs, core, space=model.space, clock=clock) if exact else model
    check, smaller = narrow.solve(core, proof=True)
    if check == INFEASIBLE:
        core = smaller
    elif check == FEASIBLE:
        narrow, core = model, keys
    found, minimal = narrow.shrink(core, clock.deadline)
    minimal = minimal and check != UNKNOWN
    if found and minimal and not whole:
        # minimal for the part; on the whole conference, dropping one of them must leave a program too
        found, minimal = Whole(conf, reqs, found, part, exact=exact, clock=clock).confirm(found, clock.deadline)
    return _Found(INFEASIBLE, reqs, found, minimal)


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
                         "solver", None, ex.seconds, "No program exists:", cut_short=ex.cut_short)
    return NoProgram([str(r) for r in ex.reasons], explanation=ex)
