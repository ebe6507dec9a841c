"""Why no program exists, in plain sentences that name sessions, speakers and rooms.

1. Fast pre-checks (``precheck.py``), each with its own message.
2. What they miss: every *requirement group* (a session's pin, a speaker's part in
   a session, one unavailable range of a speaker or a room, an ``after`` or
   ``not_with`` link, a session's capacity or feature need, a plenary's claim on
   the plenary slots) gets an enforcement literal in one CP-SAT model of the whole
   conference (``Space(relax=True)`` + ``Model(guards=...)`` + the rule families
   of ``rules.py``). Solving with every literal assumed true is the real problem;
   ``sufficient_assumptions_for_infeasibility`` names a set of groups that
   together leave no program, and a deletion filter shrinks it until dropping any
   one of them makes the rest satisfiable (each step is a solve). The filter runs
   on a smaller, equally exact model (:class:`RoomClasses`): with only that set's
   groups in force, rooms that none of them tells apart are merged.
3. The minimal set becomes sentences (:class:`Reason`), grouped by speaker, pin,
   room, link... Text and JSON are written from the same objects.

What is never relaxed: the slot grid (each session once, at slot starts, in a run
of consecutive slots; plenary slots hold plenaries only), the rooms (one session
per room at a time). When those alone leave no program, the explanation says the
grid is too small.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from ..errors import NoProgram
from ..model import Conference, TimeRange
from .cpmodel import Model
from .precheck import (Reason, alternatives, by_kind, isolate, join, listing, pin_text, plural, prechecks,
                       range_text, room_label, room_seats, session_label, speaker_label, when)
from .rules import add_hard_rules
from .space import (Space, key_after, key_capacity, key_not_with, key_pin, key_plenary, key_requires,
                    key_room_unavailable, key_speaker_unavailable, key_speaks)

__all__ = ["Explanation", "Reason", "Relaxation", "Requirement", "RoomClasses", "explain", "impossible",
           "no_program", "prechecks", "requirements"]

@dataclass(frozen=True)
class Requirement:
    """One requirement group that the explanation may drop."""
    key: str
    kind: str                     # one of precheck.KIND_ORDER
    session: str | None = None
    other: str | None = None      # the other session of an after / not_with link
    speaker: str | None = None
    room: str | None = None
    feature: str | None = None
    range: TimeRange | None = None
    where: str = ""


def requirements(conf: Conference) -> dict[str, Requirement]:
    """Every requirement group of the conference that can matter, by key."""
    out: dict[str, Requirement] = {}

    def add(r: Requirement) -> None:
        out.setdefault(r.key, r)

    for s in conf.sessions:
        if s.pin is not None:
            add(Requirement(key_pin(s.id), "pin", session=s.id, where=s.at("pin")))
        if s.is_plenary:
            add(Requirement(key_plenary(s.id), "plenary", session=s.id, where=s.at("format")))
        for p in s.speakers:
            add(Requirement(key_speaks(p, s.id), "speaks", session=s.id, speaker=p, where=s.at("speakers")))
        add(Requirement(key_capacity(s.id), "capacity", session=s.id, where=s.at("expected_attendance")))
        for f in sorted(s.requires):
            add(Requirement(key_requires(s.id, f), "requires", session=s.id, feature=f, where=s.at("requires")))
        for b in s.after:
            add(Requirement(key_after(s.id, b), "after", session=s.id, other=b, where=s.at("after")))
        for b in s.not_with:
            add(Requirement(key_not_with(s.id, b), "not-with", session=min(s.id, b), other=max(s.id, b),
                            where=s.at("not_with")))
    for p in conf.speakers:
        for u in p.unavailable:
            if u.day in conf.day:
                add(Requirement(key_speaker_unavailable(p.id, u), "speaker-unavailable", speaker=p.id, range=u,
                                where=p.at("unavailable")))
    for r in conf.rooms:
        for u in r.unavailable:
            if u.day in conf.day:
                add(Requirement(key_room_unavailable(r.id, u), "room-unavailable", room=r.id, range=u,
                                where=r.at("unavailable")))
    return out


# -- the relaxed model ---------------------------------------------------------------------------
FEASIBLE, INFEASIBLE, UNKNOWN = "feasible", "infeasible", "unknown"


class _Guarded:
    """A CP-SAT model whose requirement groups each have an enforcement literal."""

    conf: Conference
    requirements: dict[str, Requirement]
    model: Model

    def _index(self) -> None:
        self.by_index = {lit.index: key for key, lit in self.model.guards.items()}
        self.solves = 0

    def solve(self, on, seconds: float) -> tuple[str, list[str] | None]:
        """(FEASIBLE, None), (UNKNOWN, None) or (INFEASIBLE, keys of ``on`` that suffice)."""
        on = set(on)
        unknown = on - set(self.model.guards)
        if unknown:
            raise KeyError(f"not requirement keys of this conference: {sorted(unknown)}")
        cp = self.model.cp
        cp.clear_assumptions()
        cp.add_assumptions([lit if key in on else lit.Not() for key, lit in self.model.guards.items()])
        solver = cp_model.CpSolver()
        p = solver.parameters
        # assumptions run one worker anyway; without presolve the cores stay exact
        # and the many small solves stay fast
        p.num_workers = 1
        p.cp_model_presolve = False
        p.symmetry_level = 0
        p.cp_model_probing_level = 0
        p.linearization_level = 0
        p.max_time_in_seconds = max(0.1, seconds)
        self.solves += 1
        status = solver.solve(cp)
        if status == cp_model.INFEASIBLE:
            core = {self.by_index[i] for i in solver.sufficient_assumptions_for_infeasibility() if i in self.by_index}
            return INFEASIBLE, [k for k in self.model.guards if k in core and k in on]
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return FEASIBLE, None
        return UNKNOWN, None

    def feasible(self, on, seconds: float = 60.0) -> bool | None:
        status, _ = self.solve(on, seconds)
        return None if status == UNKNOWN else status == FEASIBLE

    def order(self, keys) -> list[str]:
        """Deletion order (see precheck.KIND_ORDER): first tried, first dropped."""
        return by_kind(keys)

    def shrink(self, keys, deadline: float) -> tuple[list[str], bool]:
        """A subset of the infeasible set ``keys`` that is minimal (dropping any one
        element makes it feasible): (subset, True); (smaller set, False) when time
        ran out first."""
        current = self.order(keys)
        proven = True

        def left() -> float:
            return deadline - time.monotonic()

        # large sets: drop chunks first
        size = len(current) // 2
        while len(current) > 16 and size >= 2 and left() > 0:
            pos = 0
            while pos < len(current) and left() > 0:
                trial = current[:pos] + current[pos + size:]
                status, core = self.solve(trial, left())
                if status == INFEASIBLE:
                    keep = set(core)
                    current = [k for k in trial if k in keep]
                else:
                    pos += size
            size //= 2
        # one by one: what stays is needed
        needed: set[str] = set()
        while True:
            todo = [k for k in current if k not in needed]
            if not todo:
                break
            if left() <= 0:
                return current, False
            k = todo[0]
            trial = [x for x in current if x != k]
            status, core = self.solve(trial, left())
            if status == INFEASIBLE:
                keep = set(core)
                current = [x for x in trial if x in keep or x in needed]
            else:
                needed.add(k)
                proven = proven and status == FEASIBLE
        return current, proven


class Relaxation(_Guarded):
    """The whole conference as one CP-SAT model (times and rooms) in which every
    requirement group is enforced by its own literal.

    ``solve(on)`` enforces exactly the groups in ``on`` and drops every other one;
    with every group on it is the real problem."""

    def __init__(self, conf: Conference, reqs: dict[str, Requirement] | None = None):
        self.conf = conf
        self.requirements = reqs if reqs is not None else requirements(conf)
        self.space = Space(conf, relax=True)
        self.model = Model(self.space, with_rooms=True, guards=sorted(self.requirements))
        add_hard_rules(self.model)
        self._index()

    def narrowed(self, keys) -> _Guarded:
        """An equally exact, much smaller model for sets within ``keys`` (every other
        requirement dropped): RoomClasses when the slot grid allows it, else self."""
        if RoomClasses.exact_for(self.conf):
            return RoomClasses(self, keys)
        return self


class RoomClasses(_Guarded):
    """The relaxation for subsets of ``keys`` only (every other requirement dropped),
    with rooms that no requirement of ``keys`` tells apart merged into one class.

    A session picks a start and a class; at any time a class holds at most as many
    sessions as it has rooms. That is exact: the rooms of a class are alike for
    every requirement that can be in force, and when no two slots of a day overlap
    a session occupies an interval of slots, so sessions that never exceed a
    class's size at any time can be given its rooms (interval graphs need no more
    colours than their largest overlap)."""

    @staticmethod
    def exact_for(conf: Conference) -> bool:
        for day in conf.days:
            slots = sorted(day.slots, key=lambda x: x.start)
            if any(b.start < a.end for a, b in zip(slots, slots[1:])):
                return False
        return True

    def __init__(self, relax: Relaxation, keys):
        self.conf, self.requirements, space = relax.conf, relax.requirements, relax.space
        keys = set(keys)
        sessions = self.conf.session

        def signature(room) -> tuple:
            sig = []
            for k in sorted(keys):
                q = self.requirements[k]
                if q.kind == "room-unavailable":
                    sig.append(q.room == room.id)
                elif q.kind == "capacity":
                    sig.append(room.capacity >= sessions[q.session].expected_attendance)
                elif q.kind == "requires":
                    sig.append(q.feature in room.features)
                elif q.kind == "pin" and sessions[q.session].pin.room is not None:
                    sig.append(room.id == sessions[q.session].pin.room)
            return tuple(sig)

        classes: dict[tuple, list[int]] = {}
        for r, room in enumerate(space.rooms):
            classes.setdefault(signature(room), []).append(r)
        self.classes = list(classes.values())
        # every requirement keeps its literal (those outside ``keys`` are assumed dropped)
        m = self.model = Model(space, with_rooms=False, guards=sorted(self.requirements))
        add_hard_rules(m)
        z: dict[tuple[int, int], list] = {}
        groups: dict[frozenset[str], list] = {}
        for i, xs in enumerate(m.x):
            for k, lit in xs.items():
                zs = []
                for c, members in enumerate(self.classes):
                    zc = m.cp.new_bool_var(f"z[{space.sessions[i].id},{k},{c}]")
                    zs.append(zc)
                    for why in space.room_forbid.get((i, k, members[0]), ()):
                        groups.setdefault(why, []).append(zc)
                m.cp.add(sum(zs) == lit)
                z[(i, k)] = zs
        for why, lits in groups.items():
            c = m.cp.add_bool_and([lit.Not() for lit in lits])
            enforce = [m.guards[key] for key in sorted(why) if key in m.guards]
            if enforce:
                c.only_enforce_if(enforce)
        for g, covering in enumerate(space.cover):
            for c, members in enumerate(self.classes):
                lits = [z[(i, k)][c] for i, k in covering if (i, k) in z]
                if len(lits) > len(members):
                    m.cp.add(sum(lits) <= len(members))
        self._index()


# -- the explanation ------------------------------------------------------------------------------
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
            lines.append(f"  {n}. [{r.rule}] {r.sentence}")
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
    n = len(keys)
    if not keys:
        summary = "No program exists: the sessions do not fit in the slot grid and rooms at all."
    elif minimal:
        summary = (f"No program exists: these {plural(n, 'requirement')} cannot all hold at once; "
                   "drop any one of them and the others can be met together:" if n > 1 else
                   "No program exists: this requirement cannot be met:")
    else:
        summary = (f"No program exists: these {plural(n, 'requirement')} cannot all hold at once "
                   "(time ran out before narrowing them down to the fewest):")
    return Explanation(INFEASIBLE, reasons, "solver", minimal, time.monotonic() - t0, summary)


def no_program(conf: Conference, space: Space | None = None, time_limit: float = 60.0,
               fallback: str = "no timetable satisfies every hard rule at once") -> NoProgram:
    """The NoProgram the solver raises: sentences in ``reasons``, the Explanation in
    ``explanation``."""
    ex = explain(conf, time_limit=time_limit, space=space)
    if ex.status != INFEASIBLE:
        ex = Explanation(INFEASIBLE, [Reason("no program", fallback[:1].upper() + fallback[1:] + ".",
                                             "Run `niic-sched explain` with a larger --time-limit to find out why.")],
                         "solver", None, ex.seconds, "No program exists:")
    return NoProgram([str(r) for r in ex.reasons], explanation=ex)


def impossible(conf: Conference, time_limit: float = 60.0) -> NoProgram | None:
    """After the solver gave up within its limits: the NoProgram to report when no
    program exists at all, None when one may exist."""
    ex = explain(conf, time_limit=time_limit)
    if ex.status != INFEASIBLE:
        return None
    return NoProgram([str(r) for r in ex.reasons], explanation=ex)


# -- sentences for a minimal set --------------------------------------------------------------------
def describe(conf: Conference, reqs: dict[str, Requirement], keys: list[str]) -> list[Reason]:
    """The requirement keys of a (minimal) infeasible set as sentences, grouped."""
    if not keys:
        regular = [sl for sl in conf.slots if not sl.is_plenary] if any(sl.is_plenary for sl in conf.slots) \
            else list(conf.slots)
        return [Reason("grid too small",
                       f"Even with every pin, unavailability, link and room need set aside, the {len(conf.sessions)} "
                       f"sessions do not fit in {plural(len(conf.rooms), 'room')} × {plural(len(regular), 'slot')}.",
                       "Add rooms or slots, shorten sessions, or drop sessions.")]
    chosen = [reqs[k] for k in keys]
    groups: dict[str, list[Requirement]] = {}
    for r in chosen:
        groups.setdefault(r.kind, []).append(r)
    out: list[Reason] = []
    S, P, R = conf.session, conf.speaker, conf.room

    # speakers: their parts in sessions and their unavailable ranges, one sentence each
    speakers = sorted({r.speaker for r in chosen if r.speaker})
    for p in speakers:
        sp = P[p]
        parts = [r for r in groups.get("speaks", []) if r.speaker == p]
        away = [r for r in groups.get("speaker-unavailable", []) if r.speaker == p]
        sessions = [S[r.session] for r in parts]
        labels = [session_label(s) for s in sessions]
        if len(sessions) >= 2:
            sentence = f"{speaker_label(sp)} speaks in {join(labels)}, so these cannot overlap"
            if away:
                sentence += ", and is unavailable " + join(range_text(r.range) for r in away)
        elif sessions and away:
            sentence = f"{speaker_label(sp)} speaks in {labels[0]} and is unavailable " + \
                join(range_text(r.range) for r in away)
        elif sessions:
            sentence = f"{speaker_label(sp)} speaks in {labels[0]}"
        else:
            sentence = f"{speaker_label(sp)} is unavailable " + join(range_text(r.range) for r in away)
        fixes = []
        if sessions:
            fixes.append("hand " + ("one of these sessions" if len(sessions) > 1 else "the session")
                         + " to a co-speaker")
        if away:
            fixes.append(f"ask {isolate(sp.name)} to be available " + join([range_text(r.range) for r in away], "or"))
        out.append(Reason("speaker", sentence + ".", alternatives(fixes),
                          sessions=tuple(s.id for s in sessions), speakers=(p,),
                          requirements=tuple(r.key for r in parts + away),
                          where=_where(parts + away)))

    pins = groups.get("pin", [])
    if pins:
        sessions = [S[r.session] for r in pins]
        texts = [pin_text(conf, s.pin) for s in sessions]
        if len(pins) == 1:
            sentence = f"{session_label(sessions[0])} is pinned to {texts[0]}."
        elif len(set(texts)) == 1:
            sentence = f"{join(session_label(s) for s in sessions)} are pinned to {texts[0]}."
        else:
            sentence = "; ".join(f"{session_label(s)} is pinned to {t}" for s, t in zip(sessions, texts)) + "."
        out.append(Reason("pin", sentence, "Move or remove the pin." if len(pins) == 1 else
                          "Move or remove one of these pins.", sessions=tuple(s.id for s in sessions),
                          rooms=_uniq(s.pin.room for s in sessions), requirements=tuple(r.key for r in pins),
                          where=_where(pins)))

    plen = groups.get("plenary", [])
    if plen:
        slots = [sl for sl in conf.slots if sl.is_plenary]
        sessions = [S[r.session] for r in plen]
        if slots:
            where_ = f"in one of the {plural(len(slots), 'plenary slot')} ({listing(when(sl.day, sl.start) for sl in slots)})"
        else:
            where_ = "in a slot of its own"
        sentence = (f"{join(session_label(s) for s in sessions)} {'is a plenary' if len(sessions) == 1 else 'are plenaries'}: "
                    f"each runs {where_} with nothing alongside.")
        out.append(Reason("plenary", sentence, "Make one of them a workshop or panel, or add a plenary slot.",
                          sessions=tuple(s.id for s in sessions), requirements=tuple(r.key for r in plen),
                          where=_where(plen)))

    seats: dict[tuple[str, ...], list[Requirement]] = {}
    for r in groups.get("capacity", []):
        big = tuple(x.id for x in conf.rooms if x.capacity >= S[r.session].expected_attendance)
        seats.setdefault(big, []).append(r)
    for big, rs in seats.items():
        sessions = [S[r.session] for r in rs]
        holds = (f"only {listing(room_seats(R[x]) for x in big)} {'holds' if len(big) == 1 else 'hold'} that many"
                 if big else "no room holds that many")
        counts = sorted(s.expected_attendance for s in sessions)
        if len(sessions) == 1:
            sentence = f"{session_label(sessions[0])} expects {counts[0]} people; {holds}."
        else:
            each = f"{counts[0]}" if counts[0] == counts[-1] else f"{counts[0]} to {counts[-1]}"
            sentence = f"{join(session_label(s) for s in sessions)} expect {each} people each; {holds}."
        out.append(Reason("capacity", sentence,
                          "Lower its expected attendance or make a bigger room available." if len(sessions) == 1 else
                          "Lower one of these expected attendances or make another room big enough.",
                          sessions=tuple(s.id for s in sessions), rooms=big, requirements=tuple(r.key for r in rs),
                          where=_where(rs)))

    features: dict[str, list[Requirement]] = {}
    for r in groups.get("requires", []):
        features.setdefault(r.feature, []).append(r)
    for f, rs in sorted(features.items()):
        sessions = [S[r.session] for r in rs]
        have = [x for x in conf.rooms if f in x.features]
        verb = "needs" if len(sessions) == 1 else "need"
        rooms_text = (f"which only {listing(room_label(x) for x in have)} {'has' if len(have) == 1 else 'have'}"
                      if have else "which no room has")
        out.append(Reason("features", f"{join(session_label(s) for s in sessions)} {verb} {f}, {rooms_text}.",
                          alternatives([f"drop {f} from {'it' if len(sessions) == 1 else 'one of them'}",
                                        f"add {f} to another room"]),
                          sessions=tuple(s.id for s in sessions), rooms=tuple(x.id for x in have),
                          requirements=tuple(r.key for r in rs), where=_where(rs)))

    closed: dict[str, list[Requirement]] = {}
    for r in groups.get("room-unavailable", []):
        closed.setdefault(r.room, []).append(r)
    for rid, rs in sorted(closed.items()):
        out.append(Reason("room unavailable", f"{room_label(R[rid])} is unavailable "
                          + join(range_text(r.range) for r in rs) + ".",
                          "Open the room " + join([range_text(r.range) for r in rs], "or") + ".",
                          rooms=(rid,), requirements=tuple(r.key for r in rs), where=_where(rs)))

    links: dict[str, list[Requirement]] = {}
    for r in groups.get("after", []):
        links.setdefault(r.session, []).append(r)
    for sid, rs in links.items():
        a, before = S[sid], [S[r.other] for r in rs]
        out.append(Reason("after", f"{session_label(a)} must start after {join(session_label(b) for b in before)} "
                          f"end{'s' if len(before) == 1 else ''}.",
                          f"Remove {join([b.id for b in before], 'or')} from the after list of {a.id}.",
                          sessions=(a.id, *(b.id for b in before)), requirements=tuple(r.key for r in rs),
                          where=_where(rs)))
    apart = groups.get("not-with", [])
    if apart:
        ids = sorted({x for r in apart for x in (r.session, r.other)})
        if len(apart) > 1 and len(apart) == len(ids) * (len(ids) - 1) // 2:
            sentence = f"{join(session_label(S[x]) for x in ids)} must not overlap each other."
        else:
            sentence = "; ".join(f"{session_label(S[r.session])} and {session_label(S[r.other])} must not overlap"
                                 for r in apart) + "."
        out.append(Reason("not_with", sentence, "Remove the not_with link." if len(apart) == 1 else
                          "Remove one of these not_with links.", sessions=tuple(ids),
                          requirements=tuple(r.key for r in apart), where=_where(apart)))
    return out


def _where(rs) -> tuple[str, ...]:
    return tuple(dict.fromkeys(r.where for r in rs if r.where))


def _uniq(items) -> tuple:
    return tuple(dict.fromkeys(i for i in items if i))
