"""The search space: for every session, the (time, room) placements that the
unary hard rules allow.

Each rule family of ``rules/`` says whether a start, a room, or a room at a time
is allowed; the space keeps the placements every family allows. Families that
link sessions add their constraints to the CP-SAT model instead.

Time is cut into *segments*: the pieces between consecutive slot boundaries of
a day that lie inside some slot. Two placements overlap when they share a
segment, which also covers grids whose slots overlap each other.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

from ..model import Conference, Room, Session, Slot
from . import rules
from .rules.grid import DAY_MINUTES, Grid


@dataclass(frozen=True)
class Option:
    """One start for one session: the slots it covers and the rooms it may use."""
    day: int                  # index into conf.days
    date: dt.date
    start: int                # minutes after midnight
    end: int
    slots: tuple[int, ...]    # global slot indices covered
    segs: tuple[int, ...]     # global segment indices covered
    rooms: tuple[int, ...]    # indices into Space.rooms, usable for the whole run
    segset: frozenset = field(default=frozenset(), compare=False, repr=False)

    @property
    def t0(self) -> int:       # a global clock, for ordering across days
        return self.day * DAY_MINUTES + self.start

    @property
    def t1(self) -> int:
        return self.day * DAY_MINUTES + self.end

    def overlaps(self, other: "Option") -> bool:
        return not self.segset.isdisjoint(other.segset)


class Space:
    """``Space(conf)``: the placements every unary rule allows (what the solver uses).

    ``Space(conf, relax=True)``: every placement the slot grid allows, with every
    room; ``forbid[(i, k)]`` and ``room_forbid[(i, k, r)]`` list the sets of
    requirement keys that forbid a start / a room there (all keys of one set
    must hold for it to forbid). The explanation guards each key with a literal.
    """

    def __init__(self, conf: Conference, *, relax: bool = False):
        self.relax = relax
        self.forbid: dict[tuple[int, int], tuple[frozenset[str], ...]] = {}
        self.room_forbid: dict[tuple[int, int, int], tuple[frozenset[str], ...]] = {}
        self.conf = conf
        self.grid = Grid(conf)
        self.sessions: list[Session] = sorted(conf.sessions, key=lambda s: s.id)
        self.index = {s.id: i for i, s in enumerate(self.sessions)}
        self.rooms: list[Room] = list(conf.rooms)
        self.room_index = {r.id: i for i, r in enumerate(self.rooms)}
        self.slots: list[Slot] = list(conf.slots)
        self._slot_index = {(sl.day, sl.start, sl.end): i for i, sl in enumerate(self.slots)}

        # segments
        self.segments: list[tuple[int, int, int]] = []      # (day index, start, end)
        self._seg_of_slot: dict[int, list[int]] = {}
        for d, day in enumerate(conf.days):
            bounds = sorted({t for sl in day.slots for t in (sl.start, sl.end)})
            for a, b in zip(bounds, bounds[1:]):
                inside = [self._slot_index[(sl.day, sl.start, sl.end)] for sl in day.slots
                          if sl.start <= a and b <= sl.end]
                if not inside:
                    continue
                g = len(self.segments)
                self.segments.append((d, a, b))
                for si in inside:
                    self._seg_of_slot.setdefault(si, []).append(g)

        self.options: list[list[Option]] = [self._relaxed_options(s) if relax else self._options(s)
                                            for s in self.sessions]

        # which (session, option) cover each segment
        self.cover: list[list[tuple[int, int]]] = [[] for _ in self.segments]
        for i, opts in enumerate(self.options):
            for k, o in enumerate(opts):
                for g in o.segs:
                    self.cover[g].append((i, k))

    def _option(self, date: dt.date, start: int, run, rooms) -> Option:
        gslots = tuple(self._slot_index[(x.day, x.start, x.end)] for x in run)
        segs = tuple(sorted({g for si in gslots for g in self._seg_of_slot.get(si, [])}))
        return Option(self.grid.day_index[date], date, start, run[-1].end, gslots, segs, tuple(rooms), frozenset(segs))

    def placement(self, date: dt.date, start: int, run, rooms=()) -> Option:
        """The Option of any run of the grid, allowed or not (what-if placements:
        niic_sched.whatif asks the families' clash tests about them)."""
        return self._option(date, start, run, rooms)

    def _options(self, s: Session) -> list[Option]:
        grid = self.grid
        suitable = [r for r, room in enumerate(self.rooms) if rules.room_allowed(grid, s, room)]
        opts = []
        for date, start, run in grid.runs(s):
            if not rules.start_allowed(grid, s, date, start, run):
                continue
            rooms = [r for r in suitable if rules.room_at_allowed(grid, s, self.rooms[r], date, run)]
            if rooms:
                opts.append(self._option(date, start, run, rooms))
        return opts

    def _relaxed_options(self, s: Session) -> list[Option]:
        """Relax mode: every run of the grid, every room, with what forbids each.
        A run forbidden by the grid itself (an empty set of keys) stays out."""
        grid, i = self.grid, self.index[s.id]
        opts: list[Option] = []
        static = [rules.room_forbids(grid, s, room) for room in self.rooms]
        for date, start, run in grid.runs(s):
            why = rules.start_forbids(grid, s, date, start, run)
            if frozenset() in why:
                continue
            k = len(opts)
            if why:
                self.forbid[(i, k)] = tuple(dict.fromkeys(why))
            for r, room in enumerate(self.rooms):
                rwhy = static[r] + rules.room_at_forbids(grid, s, room, date, run)
                if rwhy:
                    self.room_forbid[(i, k, r)] = tuple(dict.fromkeys(rwhy))
            opts.append(self._option(date, start, run, range(len(self.rooms))))
        return opts

    @cached_property
    def links(self) -> dict[int, dict[int, tuple]]:
        """Session index -> linked session index -> the rule families linking them."""
        return rules.links(self.conf, self.sessions)

    def without_options(self) -> list[Session]:
        return [s for s, opts in zip(self.sessions, self.options) if not opts]

    def option_at(self, i: int, date: dt.date, start: int) -> int | None:
        for k, o in enumerate(self.options[i]):
            if o.date == date and o.start == start:
                return k
        return None
