"""A room seats the session's expected attendance."""
from __future__ import annotations

from .base import Reason, Requirement, Restriction, Rule, uniq, where_of
from .grid import hall_violator
from .room_availability import closures as room_closures
from .words import join, listing, plural, room_seats, session_label


def key(sid: str) -> str:
    return f"capacity:{sid}"


class Capacity(Rule):
    name = "capacity"
    drop_rank = 1

    def requirements(self, conf):
        for s in conf.sessions:
            yield Requirement(key(s.id), self.name, session=s.id, where=s.at("expected_attendance"))

    def room_forbids(self, grid, s, room):
        return [frozenset({key(s.id)})] if room.capacity < s.expected_attendance else []

    def allows_room(self, grid, s, room) -> bool:
        return room.capacity >= s.expected_attendance

    def room_signature(self, conf, req, room):
        return room.capacity >= conf.session[req.session].expected_attendance

    def restriction(self, pc, s, keys, subject):
        if key(s.id) not in keys:
            return None
        return Restriction(room_needs=[f"{s.expected_attendance} seats"], where=[s.at("expected_attendance")])

    def prechecks(self, pc) -> list[Reason]:
        conf = pc.conf
        sessions = [s for s in pc.placeable if any(r.capacity < s.expected_attendance for r in conf.rooms)]
        if not sessions:
            return []
        adj = {s.id: pc.room_slots(s, [r for r in conf.rooms if r.capacity >= s.expected_attendance])
               for s in sessions}
        got = hall_violator([s.id for s in sessions], adj)
        if got is None:
            return []
        zs, ns = got
        zsess = [conf.session[z] for z in zs]
        least = min(s.expected_attendance for s in zsess)
        rooms = [r for r in conf.rooms if r.capacity >= least]
        closures = room_closures(pc, rooms, zsess)
        grid_keys, grid_where = pc.grid_keys(zsess)
        sentence = (f"{plural(len(zs), 'session')} expect{'s' if len(zs) == 1 else ''} {least} or more people "
                    f"({listing(f'{session_label(s)}: {s.expected_attendance}' for s in zsess)}) but the "
                    f"{'room' if len(rooms) == 1 else 'rooms'} that seat{'s' if len(rooms) == 1 else ''} them "
                    f"({listing(room_seats(r) for r in rooms)}) "
                    f"{'has' if len(rooms) == 1 else 'have'} only {plural(len(ns), 'free slot')} for them"
                    + (": " + "; ".join(closures.texts) if closures.texts else "") + ".")
        return [Reason(self.name, sentence,
                       "Lower an expected attendance, make a room bigger in rooms.yaml"
                       + (", or open a room." if closures.texts else ", or add a room."),
                       sessions=tuple(zs), rooms=tuple(r.id for r in rooms),
                       requirements=tuple([key(z) for z in zs] + closures.keys + grid_keys),
                       where=uniq([s.at("expected_attendance") for s in zsess] + closures.where + grid_where),
                       title="capacity shortage")]

    def describe(self, conf, reqs) -> list[Reason]:
        seats: dict[tuple[str, ...], list[Requirement]] = {}
        S, R = conf.session, conf.room
        for r in reqs:
            if r.rule == self.name:
                big = tuple(x.id for x in conf.rooms if x.capacity >= S[r.session].expected_attendance)
                seats.setdefault(big, []).append(r)
        out = []
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
            out.append(Reason(self.name, sentence,
                              "Lower its expected attendance or make a bigger room available." if len(sessions) == 1
                              else "Lower one of these expected attendances or make another room big enough.",
                              sessions=tuple(s.id for s in sessions), rooms=big, requirements=tuple(r.key for r in rs),
                              where=where_of(rs)))
        return out


RULE = Capacity()
