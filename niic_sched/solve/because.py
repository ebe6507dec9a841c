"""A chain of restrictions said as one sentence, with its because.

The families word their requirements one by one (``Rule.describe``), so a minimal
clashing set such as "a speaker is away on days 1 and 2", "the only room with a
projector is closed on day 3 but at 14:00", "another session is pinned to day 3
14:00 and needs the projector too" reads as separate facts, and the reader has
to find the chain. ``chained`` finds it and says it:

    “First” (s1) can only be on 2014-12-10 because Ana Ruiz (p1), who speaks in it,
    is unavailable on 2014-12-08 and on 2014-12-09; and there only 14:00 is free
    because the only room with projector, Room 1 (r1), is closed at the other times
    (...); which “Second” (s2) takes: it is pinned to 2014-12-10 14:00, and it
    needs projector, which only Room 1 (r1) has.

A chain is: one session whose time requirements in the set leave it one day (the
because), whose room requirements leave it a few starts there (the second
because), each of them taken by another session of the set that is pinned there.
The families' words for what requirements take away from a session
(``Prechecks.restrictions``) make the parts. The requirements the sentence says
replace the facts they make up; facts it does not say stay listed. Anything else
is left as it was.
"""
from __future__ import annotations

from . import rules
from .precheck import Prechecks
from .rules import Reason
from .rules.base import uniq
from .rules.grid import Grid
from .rules.words import hhmm, join, session_label, speaker_label, when

MAX_KEYS = 24          # a larger clashing set is no chain to narrate
MAX_STARTS = 3         # "there only 14:00 and 15:30 are free": a few starts, not many


class _Words(Prechecks):
    """The families' words for restrictions, without the placement space the pre-checks build."""

    def __init__(self, conf):
        self.conf = conf
        self.space = None
        self.grid = Grid(conf)
        self.rules = rules.RULES
        self.requirements = rules.requirements(conf)
        self.placeable, self.placeable_ids = [], set()


def _places(pc: Prechecks, s):
    """(day, start, room, keys that forbid the start, keys that forbid the room there) for every
    run of the grid (the grid itself never relaxed) and room."""
    grid, out = pc.grid, []
    for d, st, run in grid.runs(s):
        at = rules.start_forbids(grid, s, d, st, run)
        if frozenset() in at:
            continue
        for room in pc.conf.rooms:
            out.append((d, st, room.id, at, rules.room_forbids(grid, s, room) + rules.room_at_forbids(grid, s, room, d,
                                                                                                       run)))
    return out


def _free(places, keys: set[str], time: bool = True, room: bool = True):
    return [(d, st, r) for d, st, r, at, inroom in places
            if not (time and any(c <= keys for c in at)) and not (room and any(c <= keys for c in inroom))]


def chained(conf, chosen: list, reasons: list[Reason]) -> list[Reason]:
    """``reasons`` with a chain of restrictions of the minimal set ``chosen`` (Requirement
    objects) joined into one sentence (first), the facts it says dropped; unchanged when
    the set is no such chain."""
    keys = {r.key for r in chosen}
    if not keys or len(keys) > MAX_KEYS:
        return reasons
    pc = None
    for sid in dict.fromkeys(r.session for r in chosen if r.session):
        s = conf.session.get(sid)
        if s is None or s.pin is not None:
            continue
        pc = pc or _Words(conf)
        got = _chain(pc, s, keys, chosen)
        if got is not None:
            sentence, fix, said, sessions, speakers, rooms, where = got
            kept = [r for r in reasons if not set(r.requirements) <= said]
            return [Reason("once", sentence, fix, sessions=sessions, speakers=speakers, rooms=rooms,
                           requirements=tuple(k for k in (r.key for r in chosen) if k in said), where=where,
                           title="no place left")] + kept
    return reasons


def _chain(pc: Prechecks, s, keys: set[str], chosen: list):
    places = _places(pc, s)
    mine_time = {k for *_, at, _ in places for c in at for k in c if k in keys}
    mine_room = {k for *_, inroom in places for c in inroom for k in c if k in keys}
    if not mine_time:
        return None
    free_time = _free(places, mine_time, room=False)
    days = sorted({d for d, _, _ in free_time})
    if len(days) != 1 or len(pc.conf.days) < 2:
        return None
    day = days[0]
    left = _free(places, mine_time | mine_room) if mine_room else free_time
    starts = sorted({st for d, st, _ in left})
    day_starts = sorted({st for d, st, _ in free_time})
    if not starts or len(starts) > MAX_STARTS:
        return None
    # who takes what is left: other sessions of the set pinned to those starts of that day
    takers = []
    pinned = [o for o in (pc.conf.session.get(r.session) for r in chosen if r.key == f"pins:{r.session}")
              if o is not None and o.id != s.id and o.pin.day == day and o.pin.start is not None]
    for st in starts:
        run_end = max(sl.end for d, s0, run in pc.grid.runs(s) if d == day and s0 == st for sl in run)
        found = [o for o in pinned if o.pin.start < run_end and st < o.pin.start + o.duration]
        if not found or len({r for _, s0, r in left if s0 == st}) > len(found):
            return None          # someone else must take it, or the set says more than this
        takers += [o for o in found if o not in takers]
    words_time = pc.restrictions(s, mine_time, "it")
    parts = [f"{session_label(s)} can only be on {day.isoformat()} because " + "; ".join(words_time.parts)]
    said = set(mine_time)
    where, speakers, rooms = list(words_time.where), list(words_time.speakers), list(words_time.rooms)
    if mine_room and starts != day_starts:
        words_room = pc.restrictions(s, mine_room, "it", closed_words="closed at the other times")
        shown = join([hhmm(st) for st in starts])
        parts.append(f"and there only {shown} {'is' if len(starts) == 1 else 'are'} free because "
                     + "; ".join(words_room.parts))
        said |= mine_room
        where += words_room.where
        rooms += words_room.rooms
    elif mine_room:
        return None
    for o in takers:
        pin = f"pins:{o.id}"
        said.add(pin)
        words = [f"it is pinned to {when(o.pin.day, o.pin.start)}"]
        shared = [p for p in s.speakers if p in o.speakers and f"speakers:{p}@{s.id}" in keys
                  and f"speakers:{p}@{o.id}" in keys]
        for p in shared:
            words.append(f"{speaker_label(pc.conf.speaker[p])} speaks in both")
            said |= {f"speakers:{p}@{s.id}", f"speakers:{p}@{o.id}"}
            speakers.append(p)
        o_room = {k for room in pc.conf.rooms for c in rules.room_forbids(pc.grid, o, room) for k in c
                  if k in keys} - said
        o_words = pc.restrictions(o, o_room, "it") if o_room else None
        if o_words and o_words.parts:
            words += o_words.parts
            said |= o_room
            where += o_words.where
        where.append(o.at("pin"))
        parts.append(f"which {session_label(o)} takes: " + ", and ".join(words))
    sentence = "; ".join(parts) + "."
    fix = ("Free a speaker on another day, open a suitable room at another time, or move a pin "
           ".")
    sessions = (s.id,) + tuple(o.id for o in takers)
    return sentence, fix, said, sessions, tuple(uniq(speakers)), tuple(uniq(rooms)), tuple(uniq(where))
