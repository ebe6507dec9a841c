"""A room has every feature the session requires (projector, interpretation...)."""
from __future__ import annotations

from .base import Reason, Requirement, Restriction, Rule, uniq, where_of
from .grid import hall_violator
from .room_availability import closures as room_closures
from .words import alternatives, join, listing, plural, room_label, session_label


def key(sid: str, feature: str) -> str:
    return f"features:{sid}:{feature}"


class Features(Rule):
    name = "features"
    drop_rank = 2

    def requirements(self, conf):
        for s in conf.sessions:
            for f in sorted(s.requires):
                yield Requirement(key(s.id, f), self.name, session=s.id, feature=f, where=s.at("requires"))

    def room_forbids(self, grid, s, room):
        return [frozenset({key(s.id, f)}) for f in sorted(s.requires - room.features)]

    def allows_room(self, grid, s, room) -> bool:
        return s.requires <= room.features

    def room_signature(self, conf, req, room):
        return req.feature in room.features

    def restriction(self, pc, s, keys, subject):
        needs = [f for f in sorted(s.requires) if key(s.id, f) in keys]
        if not needs:
            return None
        return Restriction(room_needs=needs, where=[s.at("requires")] * len(needs))

    def prechecks(self, pc) -> list[Reason]:
        conf = pc.conf
        out = []
        for f in sorted({f for s in pc.placeable for f in s.requires}):
            sessions = [s for s in pc.placeable if f in s.requires]
            rooms = [r for r in conf.rooms if f in r.features]
            adj = {s.id: pc.room_slots(s, rooms) for s in sessions}
            got = hall_violator([s.id for s in sessions], adj)
            if got is None:
                continue
            zs, ns = got
            zsess = [conf.session[z] for z in zs]
            closures = room_closures(pc, rooms, zsess)
            grid_keys, grid_where = pc.grid_keys(zsess)
            sentence = (f"{plural(len(zs), 'session')} need{'s' if len(zs) == 1 else ''} {f} "
                        f"({listing(session_label(s) for s in zsess)}) but the "
                        f"{'room' if len(rooms) == 1 else 'rooms'} with {f} "
                        f"({listing(room_label(r) for r in rooms)}) {'has' if len(rooms) == 1 else 'have'} only "
                        f"{plural(len(ns), 'free slot')} for them"
                        + (": " + "; ".join(closures.texts) if closures.texts else "") + ".")
            out.append(Reason(self.name, sentence,
                              alternatives([f"drop {f} from a session", f"add {f} to another room in rooms.yaml"]
                                           + (["open a room"] if closures.texts else [])),
                              sessions=tuple(zs), rooms=tuple(r.id for r in rooms),
                              requirements=tuple([key(z, f) for z in zs] + closures.keys + grid_keys),
                              where=uniq([s.at("requires") for s in zsess] + closures.where + grid_where),
                              title="feature shortage"))
        return out

    def describe(self, conf, reqs) -> list[Reason]:
        by_feature: dict[str, list[Requirement]] = {}
        for r in reqs:
            if r.rule == self.name:
                by_feature.setdefault(r.feature, []).append(r)
        out = []
        for f, rs in sorted(by_feature.items()):
            sessions = [conf.session[r.session] for r in rs]
            have = [x for x in conf.rooms if f in x.features]
            verb = "needs" if len(sessions) == 1 else "need"
            rooms_text = (f"which only {listing(room_label(x) for x in have)} {'has' if len(have) == 1 else 'have'}"
                          if have else "which no room has")
            out.append(Reason(self.name, f"{join(session_label(s) for s in sessions)} {verb} {f}, {rooms_text}.",
                              alternatives([f"drop {f} from {'it' if len(sessions) == 1 else 'one of them'}",
                                            f"add {f} to another room"]),
                              sessions=tuple(s.id for s in sessions), rooms=tuple(x.id for x in have),
                              requirements=tuple(r.key for r in rs), where=where_of(rs)))
        return out


RULE = Features()
