"""Fast checks that prove "no program exists" before any search, each with its own message.

Each rule family contributes its own checks (``Rule.prechecks``); this module
runs them in the registry's order and gives them what they share: the runs of
the grid, every placement with the requirement keys that forbid it, and the
words for what some requirements take away from a session.

Every check is *sound*: it reports only what no program can satisfy (a counting
or matching argument over the placements the unary rules allow), never a mere
difficulty. What these checks miss, the solver-based explanation finds.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ..model import Conference, Room, Session
from . import rules
from .rules import Reason
from .rules.words import join, listing, range_text, room_label
from .space import Space


@dataclass
class Words:
    """What some requirements take away from a session, composed over the families."""
    parts: list[str]
    fixes: list[str]
    speakers: tuple[str, ...]
    rooms: tuple[str, ...]
    where: tuple[str, ...]


def _uniq(items) -> tuple:
    return tuple(dict.fromkeys(i for i in items if i))


class Prechecks:
    def __init__(self, conf: Conference, space: Space | None = None):
        self.conf = conf
        self.space = space if space is not None else Space(conf)
        self.grid = self.space.grid
        self.rules = rules.RULES
        self.requirements = rules.requirements(conf)
        self.placeable = [s for s, opts in zip(self.space.sessions, self.space.options) if opts]
        self.placeable_ids = {s.id for s in self.placeable}

    def run(self, until: Callable[[], bool] | None = None) -> list[Reason]:
        """Every family's findings, in the registry's order; ``until`` (asked between
        families) ends the checks early when it returns True: what was found so far."""
        out: list[Reason] = []
        for rule in self.rules:
            if until is not None and until():
                break
            out += rule.prechecks(self)
        return out

    # -- what the families share ----------------------------------------------------------------
    by_rank = staticmethod(rules.by_rank)

    def runs(self, s: Session):
        """The runs of the grid ``s`` may start in, by the families that shape the grid."""
        return [r for r in self.grid.runs(s) if rules.in_grid(self.grid, s, r)]

    def in_grid(self, s: Session, run) -> bool:
        return rules.in_grid(self.grid, s, run)

    def grid_keys(self, sessions) -> tuple[list[str], list[str]]:
        """Requirements that keep ``sessions`` to their runs of the grid (a plenary's claim
        on the plenary slots): their keys and where they are written."""
        keys = []
        for s in sessions:
            for d, st, run in self.grid.runs(s):
                for c in rules.start_forbids(self.grid, s, d, st, run, rules.GRID_RULES):
                    keys += [k for k in sorted(c) if k not in keys]
        return keys, [self.requirements[k].where for k in keys if k in self.requirements]

    def linked(self, rule, a: Session, b: Session) -> bool:
        index = self.space.index
        return rule in self.space.links.get(index[a.id], {}).get(index[b.id], ())

    def room_slots(self, s: Session, rooms: list[Room]) -> list[tuple[str, object, int]]:
        """(room, day, start) of the grid's runs for ``s`` where the room is open."""
        return [(r.id, d, st) for d, st, run in self.runs(s) for r in rooms
                if rules.room_at_allowed(self.grid, s, r, d, run)]

    def placements(self, s: Session) -> list[tuple[int, int, list[frozenset[str]]]]:
        """Every (run, room) the slot grid allows ``s``: (start, end on the global clock,
        the sets of requirement keys that forbid it), as in Space(relax=True)."""
        grid = self.grid
        out = []
        for d, st, run in grid.runs(s):
            why = rules.start_forbids(grid, s, d, st, run)
            if frozenset() in why:
                continue          # forbidden by the grid itself: never relaxed
            t0, t1 = grid.t0(d, st), grid.t0(d, run[-1].end)
            for room in self.conf.rooms:
                out.append((t0, t1, why + rules.room_forbids(grid, s, room)
                            + rules.room_at_forbids(grid, s, room, d, run)))
        return out

    def restrictions(self, s: Session, keys: set[str], subject: str, closed_words: str = "") -> Words:
        """What the requirement ``keys`` take away from session ``s``, in words (``closed_words``:
        how the suitable rooms' closures read, default "closed whenever <subject> could run")."""
        conf = self.conf
        parts, fixes, speakers, rooms, where = [], [], [], [], []
        needs, closed, pinned_room = [], {}, None
        for rule in self.rules:
            got = rule.restriction(self, s, keys, subject)
            if got is None:
                continue
            parts += got.parts
            fixes += [f for f in got.fixes if f not in fixes]
            speakers += got.speakers
            where += got.where
            needs += got.room_needs
            closed.update(got.closed)
            pinned_room = pinned_room or got.pinned_room
        if closed or needs or pinned_room:
            suitable = [r for r in conf.rooms
                        if not any(c <= keys for c in rules.room_forbids(self.grid, s, r))]
            # which rooms are left: a head ("the only room with projector") and the rooms it names
            if pinned_room:
                head, named, one = f"the room {subject} is pinned to", room_label(conf.room[pinned_room]), True
            elif len(suitable) == 1:
                head = f"the only room with {join(needs)}" if needs else "the only room"
                named, one = room_label(suitable[0]), True
            else:
                head = f"the rooms with {join(needs)}" if needs else "the rooms"
                named, one = listing(room_label(r) for r in suitable), False
            if closed:
                what = f"{head}, {named}," if one else f"{head} ({named})"
                parts.append(f"{what} {'is' if one else 'are'} {closed_words or f'closed whenever {subject} could run'} ("
                             + "; ".join(f"{room_label(conf.room[rid])} " + join(range_text(u) for u in us)
                                         for rid, us in closed.items()) + ")")
                for rid in closed:
                    rooms.append(rid)
                    where.append(conf.room[rid].at("unavailable"))
                fixes.append("open a suitable room then")
            elif pinned_room:
                if s.pin.day is None and s.pin.start is None:   # else the pin's own words name the room
                    parts.append(f"{subject} must be in {head}, {named}")
            elif needs:
                parts.append(f"{subject} needs {join(needs)}, which only {named} {'has' if one else 'have'}")
        return Words(parts, fixes, _uniq(speakers), _uniq(rooms), _uniq(where))


def prechecks(conf: Conference, space: Space | None = None,
              until: Callable[[], bool] | None = None) -> list[Reason]:
    """Every pre-check's findings (empty when none proves the program impossible;
    ``until``: see ``Prechecks.run``)."""
    return Prechecks(conf, space).run(until)
