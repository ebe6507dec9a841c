"""Rooms: every placed session gets one room, and a room holds one session at a time.

The timetable model has no room variables: there the family adds counting cuts
(Hall's condition for every union R of usable-room sets and every segment: the
sessions that can only use rooms of R number at most |R|), so that the room
step that follows can succeed. The local search keeps an exact bipartite
matching per segment (``RoomMatching``); the lower bound uses the same counts.
"""
from __future__ import annotations

from functools import reduce

from .base import Reason, Rule, Tracker
from .grid import hall_violator, union_closure
from .words import plural


def _mask(rooms) -> int:
    mask = 0
    for r in rooms:
        mask |= 1 << r
    return mask


class RoomMatching(Tracker):
    """Per segment, a matching of its sessions to rooms, kept by augmenting paths.
    ``times`` is the caller's (session -> option) map, read for the sessions
    already placed."""

    def __init__(self, space, times: dict[int, int]):
        self.rooms = [[o.rooms for o in opts] for opts in space.options]
        self.times = times
        self.match: list[dict[int, int]] = [dict() for _ in space.segments]    # segment -> session -> room
        self.holder: list[dict[int, int]] = [dict() for _ in space.segments]   # segment -> room -> session

    def admit(self, g: int, i: int, k: int) -> bool:
        """An augmenting path changes the matching only when it succeeds."""
        match, holder, rooms, times = self.match[g], self.holder[g], self.rooms, self.times
        seen: set[int] = set()

        def try_place(x: int, q: int) -> bool:
            for r in rooms[x][q]:
                if r in seen:
                    continue
                seen.add(r)
                y = holder.get(r)
                if y is None or try_place(y, times[y]):
                    holder[r] = x
                    match[x] = r
                    return True
            return False

        return try_place(i, k)

    def release(self, g: int, i: int) -> None:
        r = self.match[g].pop(i, None)
        if r is not None and self.holder[g].get(r) == i:
            del self.holder[g][r]


class Rooms(Rule):
    name = "rooms"

    def encode(self, m) -> None:
        if m.with_rooms:
            self._one_room_per_start(m)
        space = m.space
        cache: dict[frozenset, list] = {}
        for g in range(len(space.segments)):
            if m.with_rooms:
                per_room: dict[int, list] = {}
                for i, k, _ in m.covering(g):
                    for r, y in m.y[(i, k)].items():
                        per_room.setdefault(r, []).append(y)
                for lits in per_room.values():
                    if len(lits) > 1:
                        m.cp.add_at_most_one(lits)
                continue
            entries = list(m.covering(g))
            if all(len(m.x[i]) == 1 for i, _, _ in entries):
                # only sessions whose start is fixed: nothing to decide, but they must fit
                self._fixed_fit(m, g, entries)
                continue
            by_mask: dict[int, list] = {}
            for i, k, lit in entries:
                by_mask.setdefault(_mask(space.options[i][k].rooms), []).append(lit)
            if not by_mask:
                continue
            base = frozenset(by_mask)
            family = cache.get(base)
            if family is None:   # each union R with the usable-room sets inside it
                family = cache[base] = [(R, R.bit_count(), [mask for mask in base if mask & ~R == 0])
                                        for R in union_closure(sorted(base))]
            for R, size, inside in family:
                if sum(len(by_mask[mask]) for mask in inside) > size:
                    m.cp.add(sum(lit for mask in inside for lit in by_mask[mask]) <= size)

    @staticmethod
    def _fixed_fit(m, g: int, entries) -> None:
        """Sessions whose start is fixed in segment g: when no matching gives each a
        room, the Hall violator's count cut (a constant that fails) makes the model
        infeasible, as it is. Cached per space and set of placements (the local
        search builds many models that fix the same segments)."""
        space = m.space
        cache = space.__dict__.setdefault("_rooms_fixed_fit", {})
        key = frozenset((i, k) for i, k, _ in entries)
        if key not in cache:
            left = sorted(key)
            cache[key] = hall_violator(left, {(i, k): space.options[i][k].rooms for i, k in left})
        got = cache[key]
        if got is not None:
            zs, ns = got
            lits = {(i, k): lit for i, k, lit in entries}
            m.cp.add(sum(lits[z] for z in zs) <= len(ns))

    @staticmethod
    def _one_room_per_start(m) -> None:
        for (i, k), ys in m.y.items():
            lit = m.x[i][k]
            if len(ys) == 1 and next(iter(ys.values())) is lit:
                continue
            m.cp.add(sum(ys.values()) == lit)

    def tracker(self, space, times):
        return RoomMatching(space, times)

    def segment_caps(self, space, g, items):
        """Hall's condition on the items (session, options) present in segment g:
        for every union R of their usable-room sets, the items whose rooms all lie
        in R hold at most |R| sessions."""
        masks = [_mask(r for k in ks for r in space.options[i][k].rooms) for i, ks in items]
        if not masks:
            return []
        union = reduce(lambda x, y: x | y, masks, 0)
        out = []
        for R in sorted(set(union_closure(sorted(set(masks)))) | {union}, key=lambda m: (m.bit_count(), m)):
            inside = [a for a, mask in enumerate(masks) if mask & ~R == 0]
            if len({items[a][0] for a in inside}) > R.bit_count() or R == union:
                out.append((inside, R.bit_count()))
        return out

    def prechecks(self, pc) -> list[Reason]:
        """More sessions than room-slots."""
        conf = pc.conf
        for day in conf.days:
            slots = sorted(day.slots, key=lambda x: x.start)
            if any(b.start < a.end for a, b in zip(slots, slots[1:])):
                return []          # overlapping slots: counting slots says nothing
        from .plenaries import RULE as plenaries
        regular_grid = pc.grid.has_plenary_slots
        regular = [sl for sl in conf.slots if not (regular_grid and sl.is_plenary)]
        sessions = [s for s in conf.sessions if not (regular_grid and s.is_plenary)]
        supply = len(conf.rooms) * len(regular)
        if not regular_grid:   # a plenary takes every room of its slots
            supply -= len(conf.rooms) * sum(min((len(r[2]) for r in pc.runs(s)), default=0)
                                            for s in sessions if s.is_plenary)
            sessions = [s for s in sessions if not s.is_plenary]
        demand = sum(min((len(r[2]) for r in pc.runs(s)), default=0) for s in sessions)
        if demand <= supply:
            return []
        kind = plenaries.slot_kind(pc.grid, sessions)
        return [Reason(self.name,
                       f"{len(sessions)} sessions need at least {demand} room-slots, but {plural(len(conf.rooms), 'room')} "
                       f"× {plural(len(regular), kind + 'slot')} give only {supply}.",
                       "Add rooms to rooms.yaml or slots to conference.yaml, or drop sessions.", title="grid too small")]

    def describe(self, conf, reqs) -> list[Reason]:
        """With no requirement left to drop, the grid and the rooms alone leave no program."""
        if reqs:
            return []
        regular = [sl for sl in conf.slots if not sl.is_plenary] if any(sl.is_plenary for sl in conf.slots) \
            else list(conf.slots)
        return [Reason(self.name,
                       f"Even with every pin, unavailability, link and room need set aside, the {len(conf.sessions)} "
                       f"sessions do not fit in {plural(len(conf.rooms), 'room')} × {plural(len(regular), 'slot')}.",
                       "Add rooms or slots, shorten sessions, or drop sessions.", title="grid too small")]


RULE = Rooms()
