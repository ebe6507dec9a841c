"""What if one session moved? Pure: a conference and a schedule in, ranked
alternatives (``where``) or a verdict on one move (``move``) out. No I/O.

    alts = where(conf, schedule, "s0013", top=10)
    for alt in alts.feasible:
        print(alt.spot.to, alt.cost, [d.text for d in alt.changed])
    verdict = move(conf, schedule, "s0013", date(2014, 12, 8), 810, "r101")
    verdict.violations, verdict.deltas, verdict.speakers

How ``where`` stays fast on a thousand sessions:

* Hard rules: every start of the slot grid that holds the session, times every
  room, is screened with the hard-rule registry (``solve/rules``): the families'
  unary tests (``allows_start``, ``allows_room``, ``allows_room_at``), their
  pairwise tests (``links`` + ``clashes``) against the sessions as they are now
  placed, and the room's current occupant (the ``rooms`` family counts, it has
  no pairwise test). Every placement the screen lets through, and every
  breaking one that is listed, is then judged by ``check.py`` (the independent
  checker) on the session and those around it (every session that overlaps it,
  and those linked to it by a family that is not about overlaps, such as
  ``after``): its sentences are what is printed, and a placement the screen let
  through but ``check.py`` refuses (a counting family such as ``resources`` has
  no unary or pairwise test) counts as breaking.
* Soft goals: the goal registry's recounts (``Goal.count``, as
  ``quality.evaluate`` runs them) on the schedule with the session moved, each
  goal at its level: a timetable goal once per start (the registry's timetable
  goals depend on times only, which is what lets the solver's timetable step
  ignore rooms); a room goal on the day the session leaves and the day it goes
  to (the solver's room step optimises them day by day: they add up over
  days); any other goal on the whole schedule, for every placement.
  ``move`` recounts with ``quality.evaluate`` on the whole schedule.

Baseline goals (published sessions moved) are not counted: the schedule itself
is what a move departs from.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field

from .check import Violation, check_schedule
from .goals import GOALS, ROOMS, TIMETABLE
from .model import Assignment, Conference, Pin, Schedule, Session, Speaker, hhmm
from .program import speakers_of
from .quality import Placed, evaluate
from .solve import rules
from .solve.rules.grid import Grid
from .solve.space import Space

__all__ = ["Spot", "GoalDelta", "Alternative", "Alternatives", "Verdict", "where", "move", "with_pin",
           "involving", "goal_label"]

# the family that keeps one session per room at a time: it counts (no pairwise
# test), so the screen asks the room's current occupant directly
OCCUPANCY = rules.BY_NAME["rooms"].name


@dataclass(frozen=True, order=True)
class Spot:
    """A day, a start and a room: where a session can be put."""
    day: dt.date
    start: int
    room: str

    @property
    def to(self) -> str:
        """What ``niic-sched move SESSION --to`` takes: "2014-12-08 13:30 r101"."""
        return f"{self.day.isoformat()} {hhmm(self.start)} {self.room}"

    def assignment(self, sid: str) -> Assignment:
        return Assignment(sid, self.day, self.start, self.room)

    @classmethod
    def of(cls, a: Assignment | None) -> "Spot | None":
        return None if a is None else cls(a.day, a.start, a.room)


def goal_label(goal) -> str:
    """The short name of a goal: its report text up to the parenthesis."""
    return goal.text.split(" (")[0]


@dataclass(frozen=True)
class GoalDelta:
    """One soft goal before and after a move (counts), with its weight."""
    goal: str
    label: str
    before: int
    after: int
    weight: int

    @property
    def delta(self) -> int:
        return self.after - self.before

    @property
    def cost(self) -> int:
        return self.delta * self.weight

    @property
    def text(self) -> str:
        """"attendee conflicts -3"."""
        return f"{self.label} {self.delta:+d}"


def _changed(deltas) -> tuple[GoalDelta, ...]:
    return tuple(d for d in deltas if d.delta)


@dataclass
class Alternative:
    """One placement of the session, its goal deltas and what it breaks.

    ``broken`` names the rule families the registry's screen finds broken;
    ``violations`` are check.py's sentences (filled for the placements listed)."""
    spot: Spot
    deltas: tuple[GoalDelta, ...] = ()
    broken: tuple[str, ...] = ()
    violations: tuple[Violation, ...] = ()
    room_broken: tuple[str, ...] = field(default=(), repr=False)   # the part of ``broken`` due to the room

    @property
    def cost(self) -> int:
        return sum(d.cost for d in self.deltas)

    @property
    def changed(self) -> tuple[GoalDelta, ...]:
        return _changed(self.deltas)

    @property
    def feasible(self) -> bool:
        return not self.broken and not self.violations


@dataclass
class Alternatives:
    """``where``'s answer: the best placements that keep every hard rule (ranked by
    cost change, lowest first), and with ``include_breaking`` the best that break
    rules (the fewest rule families broken first, then by cost change)."""
    session: Session
    current: Spot | None
    feasible: list[Alternative]
    breaking: list[Alternative]
    n_feasible: int                 # placements that keep every hard rule (listed or not)
    n_breaking: int                 # placements that break a hard rule
    n_starts: int                   # starts of the grid that hold the session


@dataclass
class Verdict:
    """``move``'s answer for one move."""
    session: Session
    current: Spot | None
    target: Spot
    conf: Conference                # the conference the move is judged in (with the new pin under pin=True)
    schedule: Schedule              # the schedule with the session moved
    violations: tuple[Violation, ...]   # hard rules the session breaks after the move
    fixed: tuple[Violation, ...]        # those it broke before and no longer does
    deltas: tuple[GoalDelta, ...]
    speakers: tuple[Speaker, ...]   # the speakers of the moved session
    room_given: bool                # the room was asked for; else chosen (see room_note)
    room_note: str = ""             # how the room was chosen, in a sentence
    before_total: int = 0           # the whole objective before and after
    after_total: int = 0
    pinned: Pin | None = None       # the pin the move writes (pin=True)

    @property
    def breaks(self) -> bool:
        return bool(self.violations)

    @property
    def cost(self) -> int:
        return sum(d.cost for d in self.deltas)

    @property
    def changed(self) -> tuple[GoalDelta, ...]:
        return _changed(self.deltas)

    @property
    def moves(self) -> bool:
        return self.current != self.target


# -- helpers ------------------------------------------------------------------------------------------------------
class _Memo:
    """The conference, its aggregated interests computed once: every recount asks
    for them, and a thousand-session conference takes milliseconds to aggregate."""

    def __init__(self, conf: Conference):
        self._conf = conf
        self._shared = None

    def __getattr__(self, name):           # asked once per name: the conference is immutable
        value = getattr(self._conf, name)
        setattr(self, name, value)
        return value

    def shared_interest(self):
        if self._shared is None:
            self._shared = self._conf.shared_interest()
        return self._shared


class _Moved(Placed):
    """A ``quality.Placed`` view with one session put at ``a`` (None: taken out),
    sharing everything else with ``base``."""

    def __init__(self, base: Placed, conf, sid: str, a: Assignment | None):
        self.conf = conf
        self._pieces = base._pieces          # the grid's segments per day: the same for every move
        self.at = dict(base.at)
        self.ranges = dict(base.ranges)
        if a is None:
            self.at.pop(sid, None)
            self.ranges.pop(sid, None)
        else:
            run = conf.covered_slots(conf.session[sid], a.day, a.start)
            self.at[sid] = a
            self.ranges[sid] = [(x.start, x.end) for x in run] if run else []


def involving(violations, sid: str) -> tuple[Violation, ...]:
    """The violations that name session ``sid``."""
    return tuple(v for v in violations if sid in v.sessions)


def with_pin(conf: Conference, sid: str, pin: Pin) -> Conference:
    """The conference with session ``sid`` pinned to ``pin`` (what ``move --pin`` writes)."""
    return dataclasses.replace(conf, sessions=tuple(dataclasses.replace(s, pin=pin) if s.id == sid else s
                                                    for s in conf.sessions))


def _moved_schedule(schedule: Schedule, sid: str, spot: Spot) -> Schedule:
    rows = [a for a in schedule.assignments if a.session != sid] + [spot.assignment(sid)]
    rows.sort(key=lambda a: (a.day, a.start, a.room, a.session))
    return dataclasses.replace(schedule, assignments=tuple(rows),
                               unscheduled=tuple(u for u in schedule.unscheduled if u != sid))


class _Explorer:
    """Everything ``where`` and ``move`` ask about one session of one schedule."""

    def __init__(self, conf: Conference, schedule: Schedule, sid: str):
        self.conf = conf
        self.memo = _Memo(conf)
        self.schedule = schedule
        self.sid = sid
        self.s = conf.session[sid]
        self.grid = Grid(conf)
        self.space = Space(dataclasses.replace(conf, sessions=()))   # the slot grid's segments, for placements
        self.at = {a.session: a for a in schedule.assignments if a.session in conf.session}
        self.current = Spot.of(self.at.get(sid))
        # the other sessions as they are placed now
        self.placed = {}
        for x, a in self.at.items():
            if x == sid:
                continue
            run = conf.covered_slots(conf.session[x], a.day, a.start)
            if run:
                self.placed[x] = self.space.placement(a.day, a.start, run)
        sessions = sorted(conf.sessions, key=lambda x: x.id)
        me = next(i for i, x in enumerate(sessions) if x.id == sid)
        self.links = [(sessions[j], fams) for j, fams in sorted(rules.links(conf, sessions).get(me, {}).items())
                      if sessions[j].id in self.placed]
        self.ordered = {x.id for x, fams in self.links if any(not r.overlap_only for r in fams)}
        self.rooms = list(conf.rooms)
        self.room_order = {r.id: n for n, r in enumerate(self.rooms)}
        self.static_room = {r.id: tuple(rule.name for rule in rules.ROOM_RULES
                                        if not rule.allows_room(self.grid, self.s, r)) for r in self.rooms}
        # the goals, by how their recount can be shared between placements
        applying = [g for g in GOALS if g.applies(self.memo, None)]
        self.goals = applying
        self.weight = conf.weight
        self.full = Placed(self.memo, schedule)
        self.before_full = self._counts(applying, self.full)
        self._per_start: dict[tuple, dict] = {}
        self._days: dict[dt.date, tuple] = {}
        self._around: dict[tuple, list[Assignment]] = {}

    # -- soft goals -----------------------------------------------------------------------------------------------
    def _counts(self, goals, view) -> dict[str, int]:
        return {g.name: g.count(self.memo, view, None)[0] for g in goals}

    def deltas(self, spot: Spot) -> tuple[GoalDelta, ...]:
        a = spot.assignment(self.sid)
        timetable = [g for g in self.goals if g.level == TIMETABLE]
        room = [g for g in self.goals if g.level == ROOMS]
        other = [g for g in self.goals if g.level not in (TIMETABLE, ROOMS)]
        after: dict[str, int] = {}
        before = self.before_full
        key = (spot.day, spot.start)
        if key not in self._per_start:
            self._per_start[key] = self._counts(timetable, _Moved(self.full, self.memo, self.sid, a))
        after.update(self._per_start[key])
        if room:       # room goals add up over days: the day it leaves and the day it goes to
            base, without = self._day(spot.day)
            change = self._counts(room, _Moved(base[0], self.memo, self.sid, a))
            change = {g: n - base[1][g] for g, n in change.items()}
            if self.current is not None and self.current.day != spot.day:
                old, gone = self._day(self.current.day)
                change = {g: n + gone[g] - old[1][g] for g, n in change.items()}
            after.update({g: before[g] + n for g, n in change.items()})
        if other:
            after.update(self._counts(other, _Moved(self.full, self.memo, self.sid, a)))
        return tuple(GoalDelta(g.name, goal_label(g), before[g.name], after[g.name], self.weight[g.name])
                     for g in self.goals)

    def _day(self, day: dt.date):
        """The room goals on one day: ((its view, their counts), their counts without the session)."""
        got = self._days.get(day)
        if got is None:
            room = [g for g in self.goals if g.level == ROOMS]
            view = Placed(self.memo, dataclasses.replace(
                self.schedule, assignments=tuple(x for x in self.schedule.assignments if x.day == day)))
            counts = self._counts(room, view)
            without = self._counts(room, _Moved(view, self.memo, self.sid, None)) if self.sid in view.at else counts
            got = self._days[day] = ((view, counts), without)
        return got

    # -- hard rules: the registry's screen ----------------------------------------------------------------------
    def runs(self):
        """The runs of the grid that hold the session and that the grid itself allows
        (a workshop is never offered a plenary slot; a plenary is offered the rest, as breaking)."""
        s, grid = self.s, self.grid
        return [(d, st, run) for d, st, run in grid.runs(s)
                if frozenset() not in rules.start_forbids(grid, s, d, st, run, rules.GRID_RULES)]

    def screen(self, date, start, run) -> list[Alternative]:
        """Every room at one start, with the families the registry finds broken."""
        s, grid = self.s, self.grid
        po = self.space.placement(date, start, run)
        at_start = [r.name for r in rules.START_RULES if not r.allows_start(grid, s, date, start, run)]
        for other, fams in self.links:
            pb = self.placed[other.id]
            at_start += [r.name for r in fams if r.clashes(s, po, other, pb)]
        taken = {self.at[x].room for x, pb in self.placed.items() if self.at[x].day == date and po.overlaps(pb)}
        out = []
        for room in self.rooms:
            here = list(self.static_room[room.id])
            here += [r.name for r in rules.ROOM_AT_RULES if not r.allows_room_at(grid, s, room, date, run)]
            if room.id in taken:
                here.append(OCCUPANCY)
            room_broken = tuple(dict.fromkeys(here))
            out.append(Alternative(Spot(date, start, room.id), broken=tuple(dict.fromkeys(at_start + here)),
                                   room_broken=room_broken))
        return out

    # -- hard rules: check.py on the sessions around a placement ----------------------------------------------------
    def judge(self, spot: Spot, conf: Conference | None = None) -> tuple[Violation, ...]:
        """check.py's violations naming the session at ``spot``, among the sessions that
        overlap it and those linked to it by an ordering family (``after``)."""
        conf = conf or self.conf
        around = self._around.get((spot.day, spot.start))
        if around is None:
            run = conf.covered_slots(self.s, spot.day, spot.start)
            if run is not None:
                po = self.space.placement(spot.day, spot.start, run)
                around = [self.at[x] for x, pb in self.placed.items()
                          if (self.at[x].day == spot.day and po.overlaps(pb)) or x in self.ordered]
            else:
                around = [self.at[x] for x in self.ordered]
            self._around[(spot.day, spot.start)] = around
        mini = Schedule((spot.assignment(self.sid), *around))
        # the conference cut down to those sessions: check.py then has only them to go through
        near = {self.sid, *(a.session for a in around)}
        sub = dataclasses.replace(conf, sessions=tuple(x for x in conf.sessions if x.id in near))
        return involving(check_schedule(sub, mini), self.sid)

    def order_key(self, alt: Alternative):
        same_room = self.current is not None and alt.spot.room == self.current.room
        return (alt.cost, not same_room, alt.spot.day, alt.spot.start, self.room_order.get(alt.spot.room, 0))


# -- where ----------------------------------------------------------------------------------------------------------
def where(conf: Conference, schedule: Schedule, sid: str, *, top: int = 10,
          include_breaking: bool = False) -> Alternatives:
    """The ``top`` best other placements of session ``sid`` in ``schedule``: those
    that keep every hard rule first, ranked by the change of the weighted soft
    goals (lowest first); with ``include_breaking`` also the ``top`` best that
    break one, each with check.py's sentences. ``sid`` must be a session of
    ``conf``, and ``schedule`` fit ``conf`` (program.PlacedProgram.build)."""
    ex = _Explorer(conf, schedule, sid)
    candidates: list[Alternative] = []
    runs = ex.runs()
    for date, start, run in runs:
        candidates += [c for c in ex.screen(date, start, run) if c.spot != ex.current]
    ok = [c for c in candidates if not c.broken]
    bad = [c for c in candidates if c.broken]
    for c in ok + (bad if include_breaking else []):
        c.deltas = ex.deltas(c.spot)
    ok.sort(key=ex.order_key)
    feasible: list[Alternative] = []
    refused: list[Alternative] = []
    for c in ok:                  # each judged by check.py: a counting family (resources) has no screen
        c.violations = ex.judge(c.spot)
        (refused if c.violations else feasible).append(c)
    n_feasible = len(feasible)
    feasible = feasible[:top]
    breaking: list[Alternative] = []
    if include_breaking:
        pool = sorted(bad + refused, key=lambda c: (len(set(c.broken) | {v.rule for v in c.violations}),
                                                    *ex.order_key(c)))
        for c in pool[:top]:
            if not c.violations:
                c.violations = ex.judge(c.spot)
            breaking.append(c)
    return Alternatives(ex.s, ex.current, feasible, breaking, n_feasible, len(bad) + len(refused), len(runs))


# -- move ------------------------------------------------------------------------------------------------------------
def _choose_room(ex: _Explorer, date: dt.date, start: int) -> tuple[str, str]:
    """The room for a move whose room was not given, and a sentence saying why: the
    current room when it fits then, else the best room that fits (lowest cost)."""
    run = ex.conf.covered_slots(ex.s, date, start)
    current = ex.current.room if ex.current else None
    if run is None:
        room = current or ex.rooms[0].id
        return room, (f"kept its room {room}" if current else f"put it in {room}, the first room of rooms.yaml")
    options = ex.screen(date, start, run)
    mine = next((c for c in options if c.spot.room == current), None)
    if mine is not None and not mine.room_broken:
        return current, f"kept its room {current} (free then, and it fits)"
    fits = [c for c in options if not c.room_broken]
    for c in fits:
        c.deltas = ex.deltas(c.spot)
    why = ""
    if mine is not None:
        room_rules = set(mine.room_broken)
        said = [v for v in ex.judge(mine.spot) if v.rule in room_rules]
        why = (f"its room {current} does not suit it then ("
               + "; ".join(str(v) for v in said or mine.room_broken) + "); ")
    if fits:
        best = min(fits, key=ex.order_key)
        return best.spot.room, why + f"chose {best.spot.room}, the best room that is free then and fits it"
    for c in options:
        c.deltas = ex.deltas(c.spot)
    best = min(options, key=lambda c: (len(c.room_broken), ex.order_key(c)))
    return best.spot.room, (why + f"no room is free then and fits it; chose {best.spot.room}, "
                            "which breaks the fewest rules")


def move(conf: Conference, schedule: Schedule, sid: str, day: dt.date, start: int, room: str | None = None, *,
         pin: bool = False) -> Verdict:
    """Session ``sid`` moved to ``day`` ``start`` in ``room`` (None: its current room if it
    fits then, else the best room that does): every hard rule it would break (check.py on
    the whole schedule), the rules it no longer breaks, each soft goal before and after
    (quality.evaluate) and its speakers. With ``pin`` the move is judged with the session
    pinned to its new place (what ``move --pin`` writes). ``day``, ``start`` and ``room``
    must be a day, a slot start of that day and a room of ``conf``."""
    ex = _Explorer(conf, schedule, sid)
    given = room is not None
    note = ""
    if room is None:
        room, note = _choose_room(ex, day, start)
    target = Spot(day, start, room)
    new_pin = Pin(day, start, room) if pin else None
    judged = with_pin(conf, sid, new_pin) if pin else conf
    moved = _moved_schedule(schedule, sid, target)
    before_v = involving(check_schedule(conf, schedule), sid)
    after_v = involving(check_schedule(judged, moved), sid)
    still = {(v.rule, frozenset(v.sessions)) for v in after_v}
    fixed = tuple(v for v in before_v if (v.rule, frozenset(v.sessions)) not in still)
    q0, q1 = evaluate(conf, schedule), evaluate(conf, moved)
    deltas = []
    for g in GOALS:
        f0, f1 = q0.figure(g.name), q1.figure(g.name)
        if f0 is not None and f1 is not None:
            deltas.append(GoalDelta(g.name, goal_label(g), f0.count, f1.count, f1.weight))
    return Verdict(ex.s, ex.current, target, judged, moved, after_v, fixed, tuple(deltas), speakers_of(conf, ex.s),
                   given, note, q0.total, q1.total, new_pin)
