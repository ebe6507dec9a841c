"""Pins: a session pinned to a day, a start and/or a room is placed there.

Its pre-check: two pinned sessions whose pins make them break another family's
rule (each family words its own clash, see ``Rule.clash_reason``)."""
from __future__ import annotations

from .base import Reason, Requirement, Restriction, Rule, where_of
from .words import join, pin_text, session_label


def key(sid: str) -> str:
    return f"pins:{sid}"


class Pins(Rule):
    name = "pins"
    drop_rank = 8

    def requirements(self, conf):
        for s in conf.sessions:
            if s.pin is not None:
                yield Requirement(key(s.id), self.name, session=s.id, where=s.at("pin"))

    def allows_start(self, grid, s, date, start, run) -> bool:
        return s.pin is None or ((s.pin.day is None or s.pin.day == date)
                                 and (s.pin.start is None or s.pin.start == start))

    def start_forbids(self, grid, s, date, start, run):
        return [] if self.allows_start(grid, s, date, start, run) else [frozenset({key(s.id)})]

    def allows_room(self, grid, s, room) -> bool:
        return s.pin is None or s.pin.room is None or s.pin.room == room.id

    def room_forbids(self, grid, s, room):
        return [] if self.allows_room(grid, s, room) else [frozenset({key(s.id)})]

    def room_signature(self, conf, req, room):
        pin = conf.session[req.session].pin
        return None if pin.room is None else room.id == pin.room

    def restriction(self, pc, s, keys, subject):
        if key(s.id) not in keys or s.pin is None:
            return None
        words = Restriction(fixes=["move or remove the pin"])
        if s.pin.day is not None or s.pin.start is not None:
            pinned = [r for r in pc.grid.runs(s) if self.allows_start(pc.grid, s, r[0], r[1], r[2])]
            text = f"{subject} is pinned to {pin_text(pc.conf, s.pin)}"
            if not pinned:
                text += f", where its {s.duration} minutes do not fit in the slots"
            elif not s.is_plenary and not any(pc.in_grid(s, r) for r in pinned):
                text += ", which is reserved for plenaries"
            words.parts.append(text)
            words.where.append(s.at("pin"))
        if s.pin.room is not None:
            words.pinned_room = s.pin.room
            if s.at("pin") not in words.where:
                words.where.append(s.at("pin"))
        return words

    def prechecks(self, pc) -> list[Reason]:
        """Two sessions pinned so that they clash."""
        conf, space = pc.conf, pc.space
        pinned = []
        for s in pc.placeable:
            if s.pin is not None and s.pin.day is not None and s.pin.start is not None:
                i = space.index[s.id]
                k = space.option_at(i, s.pin.day, s.pin.start)
                if k is not None:
                    pinned.append((s, space.options[i][k]))
        out = []
        for n, (a, pa) in enumerate(pinned):
            for b, pb in pinned[n + 1:]:
                both = f"{session_label(a)} is pinned to {pin_text(conf, a.pin)} and {session_label(b)} " \
                       f"to {pin_text(conf, b.pin)}"
                keys, where = [key(a.id), key(b.id)], [a.at("pin"), b.at("pin")]
                if pa.overlaps(pb) and a.pin.room is not None and a.pin.room == b.pin.room:
                    out.append(Reason(self.name, f"{both}: one room cannot hold both at once.",
                                      "Move or remove one of the two pins.", sessions=(a.id, b.id),
                                      rooms=(a.pin.room,), requirements=tuple(keys), where=tuple(dict.fromkeys(where)),
                                      title="pin clash"))
                for rule in pc.rules:
                    if rule is not self and pc.linked(rule, a, b) and rule.clashes(a, pa, b, pb):
                        reason = rule.clash_reason(pc, a, b, both, keys, where)
                        if reason is not None:
                            out.append(reason)
        return out

    def describe(self, conf, reqs) -> list[Reason]:
        pins = [r for r in reqs if r.rule == self.name]
        if not pins:
            return []
        sessions = [conf.session[r.session] for r in pins]
        texts = [pin_text(conf, s.pin) for s in sessions]
        if len(pins) == 1:
            sentence = f"{session_label(sessions[0])} is pinned to {texts[0]}."
        elif len(set(texts)) == 1:
            sentence = f"{join(session_label(s) for s in sessions)} are pinned to {texts[0]}."
        else:
            sentence = "; ".join(f"{session_label(s)} is pinned to {t}" for s, t in zip(sessions, texts)) + "."
        return [Reason(self.name, sentence, "Move or remove the pin." if len(pins) == 1 else
                       "Move or remove one of these pins.", sessions=tuple(s.id for s in sessions),
                       rooms=tuple(dict.fromkeys(s.pin.room for s in sessions if s.pin.room)),
                       requirements=tuple(r.key for r in pins), where=where_of(pins), title="pin")]


RULE = Pins()
