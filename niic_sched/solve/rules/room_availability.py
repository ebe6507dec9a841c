"""A room is used only while it is open (``unavailable`` ranges in rooms.yaml)."""
from __future__ import annotations

from typing import NamedTuple

from .base import Reason, Requirement, Restriction, Rule, where_of
from .grid import covers
from .words import join, range_text, room_label


def key(rid: str, rng) -> str:
    return f"room_availability:{rid}@{rng}"


class Closures(NamedTuple):
    texts: list[str]
    keys: list[str]
    where: list[str]


def closures(pc, rooms, zsess) -> Closures:
    """Closures of ``rooms`` that take away slots the sessions ``zsess`` could use."""
    texts, keys, where = [], [], []
    for r in rooms:
        ranges = list(dict.fromkeys(r.unavailable))

        def free(away) -> int:
            return len({(d, st) for s in zsess for d, st, run in pc.runs(s)
                        if not any(covers(u, d, run) for u in away)})
        now = free(ranges)
        us = [u for u in ranges if free([x for x in ranges if x != u]) > now]
        if us:
            texts.append(f"{room_label(r)} is closed " + join(range_text(u) for u in us))
            keys += [key(r.id, u) for u in us]
            where.append(r.at("unavailable"))
    return Closures(texts, keys, where)


class RoomAvailability(Rule):
    name = "room_availability"
    drop_rank = 4

    def requirements(self, conf):
        for r in conf.rooms:
            for u in r.unavailable:
                if u.day in conf.day:
                    yield Requirement(key(r.id, u), self.name, room=r.id, range=u, where=r.at("unavailable"))

    def room_at_forbids(self, grid, s, room, date, run):
        return [frozenset({key(room.id, u)}) for u in room.unavailable if covers(u, date, run)]

    def allows_room_at(self, grid, s, room, date, run) -> bool:
        return not room.unavailable or all(room.free(date, sl.start, sl.end) for sl in run)

    def room_signature(self, conf, req, room):
        return req.room == room.id

    def restriction(self, pc, s, keys, subject):
        closed = {}
        for r in pc.conf.rooms:
            us = list(dict.fromkeys(u for u in r.unavailable if key(r.id, u) in keys))
            if us:
                closed[r.id] = us
        if not closed:
            return None
        return Restriction(closed=closed)

    def describe(self, conf, reqs) -> list[Reason]:
        closed: dict[str, list[Requirement]] = {}
        for r in reqs:
            if r.rule == self.name:
                closed.setdefault(r.room, []).append(r)
        return [Reason(self.name, f"{room_label(conf.room[rid])} is unavailable "
                       + join(range_text(r.range) for r in rs) + ".",
                       "Open the room " + join([range_text(r.range) for r in rs], "or") + ".",
                       rooms=(rid,), requirements=tuple(r.key for r in rs), where=where_of(rs),
                       title="room unavailable")
                for rid, rs in sorted(closed.items())]


RULE = RoomAvailability()
