"""The search space: for every session, the (time, room) placements that the
unary hard rules allow.

One small filter per unary rule family (slot kind, pins, speaker availability,
room capacity / features / availability). Rules that link sessions (rooms,
speakers, plenaries, ``after``, ``not_with``) are constraints in ``rules.py``.

Time is cut into *segments*: the pieces between consecutive slot boundaries of
a day that lie inside some slot. Two placements overlap when they share a
segment, which also covers grids whose slots overlap each other.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..model import Conference, Room, Session, Slot

DAY_MINUTES = 24 * 60


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

    @property
    def t0(self) -> int:       # a global clock, for ordering across days
        return self.day * DAY_MINUTES + self.start

    @property
    def t1(self) -> int:
        return self.day * DAY_MINUTES + self.end


# -- unary rule families: each says whether a placement is allowed -------------------
def slot_kind_allows(s: Session, run: tuple[Slot, ...], has_plenary_slots: bool) -> bool:
    """Plenary slots hold plenaries only; plenaries use plenary slots when there are any."""
    if not has_plenary_slots:
        return True
    return all(sl.is_plenary == s.is_plenary for sl in run)


def pin_allows_time(s: Session, date: dt.date, start: int) -> bool:
    if s.pin is None:
        return True
    return (s.pin.day is None or s.pin.day == date) and (s.pin.start is None or s.pin.start == start)


def speakers_available(conf: Conference, s: Session, date: dt.date, run: tuple[Slot, ...]) -> bool:
    for p in s.speakers:
        sp = conf.speaker[p]
        if any(not sp.free(date, sl.start, sl.end) for sl in run):
            return False
    return True


def room_allows(s: Session, room: Room, date: dt.date, run: tuple[Slot, ...]) -> bool:
    return (room.capacity >= s.expected_attendance
            and s.requires <= room.features
            and (s.pin is None or s.pin.room is None or s.pin.room == room.id)
            and all(room.free(date, sl.start, sl.end) for sl in run))


# -- requirement groups (used by the infeasibility explanation, ``relax=True``) -------
# A requirement group is one thing a committee can drop: a pin, a speaker's
# unavailable range, a speaker's part in a session, an ``after`` link... Each has
# a key. In relax mode the space keeps the placements that unary rules forbid and
# records, per placement, the sets of keys that forbid it together (a speaker's
# unavailable range forbids a start only while that speaker speaks in the session).
def key_pin(sid: str) -> str:
    return f"pin:{sid}"


def key_plenary(sid: str) -> str:
    return f"plenary:{sid}"


def key_speaks(pid: str, sid: str) -> str:
    return f"speaks:{pid}@{sid}"


def key_speaker_unavailable(pid: str, rng) -> str:
    return f"speaker-unavailable:{pid}@{rng}"


def key_room_unavailable(rid: str, rng) -> str:
    return f"room-unavailable:{rid}@{rng}"


def key_capacity(sid: str) -> str:
    return f"capacity:{sid}"


def key_requires(sid: str, feature: str) -> str:
    return f"requires:{sid}:{feature}"


def key_after(sid: str, other: str) -> str:
    return f"after:{sid}>{other}"


def key_not_with(a: str, b: str) -> str:
    a, b = sorted((a, b))
    return f"not-with:{a}|{b}"


# the same unary rule families, saying which requirement groups forbid a placement
# (an empty list exactly when the ``*_allows`` function above says True). The slot
# grid itself is never relaxed: sessions that are not plenaries stay out of plenary
# slots; a plenary leaves them only when its ``plenary:`` requirement is dropped.
def slot_kind_forbids(s: Session, run: tuple[Slot, ...], has_plenary_slots: bool) -> list[frozenset[str]]:
    if slot_kind_allows(s, run, has_plenary_slots):
        return []
    return [frozenset({key_plenary(s.id)})] if s.is_plenary else [frozenset()]


def pin_forbids_time(s: Session, date: dt.date, start: int) -> list[frozenset[str]]:
    return [] if pin_allows_time(s, date, start) else [frozenset({key_pin(s.id)})]


def speakers_unavailable(conf: Conference, s: Session, date: dt.date, run: tuple[Slot, ...]) -> list[frozenset[str]]:
    out = []
    for p in s.speakers:
        for u in conf.speaker[p].unavailable:
            if any(u.covers(date, sl.start, sl.end) for sl in run):
                out.append(frozenset({key_speaks(p, s.id), key_speaker_unavailable(p, u)}))
    return out


def room_forbids(s: Session, room: Room, date: dt.date, run: tuple[Slot, ...]) -> list[frozenset[str]]:
    return room_forbids_session(s, room) + room_closed(room, date, run)


def room_forbids_session(s: Session, room: Room) -> list[frozenset[str]]:
    """Capacity, features and a room pin: whatever the time."""
    out = []
    if room.capacity < s.expected_attendance:
        out.append(frozenset({key_capacity(s.id)}))
    for f in sorted(s.requires - room.features):
        out.append(frozenset({key_requires(s.id, f)}))
    if s.pin is not None and s.pin.room is not None and s.pin.room != room.id:
        out.append(frozenset({key_pin(s.id)}))
    return out


def room_closed(room: Room, date: dt.date, run: tuple[Slot, ...]) -> list[frozenset[str]]:
    return [frozenset({key_room_unavailable(room.id, u)}) for u in room.unavailable
            if any(u.covers(date, sl.start, sl.end) for sl in run)]


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
        self.sessions: list[Session] = sorted(conf.sessions, key=lambda s: s.id)
        self.index = {s.id: i for i, s in enumerate(self.sessions)}
        self.rooms: list[Room] = list(conf.rooms)
        self.room_index = {r.id: i for i, r in enumerate(self.rooms)}
        self.slots: list[Slot] = list(conf.slots)
        slot_index = {(sl.day, sl.start, sl.end): i for i, sl in enumerate(self.slots)}
        self.has_plenary_slots = any(sl.is_plenary for sl in self.slots)

        # segments
        self.segments: list[tuple[int, int, int]] = []      # (day index, start, end)
        seg_of_slot: dict[int, list[int]] = {}
        for d, day in enumerate(conf.days):
            bounds = sorted({t for sl in day.slots for t in (sl.start, sl.end)})
            for a, b in zip(bounds, bounds[1:]):
                inside = [slot_index[(sl.day, sl.start, sl.end)] for sl in day.slots if sl.start <= a and b <= sl.end]
                if not inside:
                    continue
                g = len(self.segments)
                self.segments.append((d, a, b))
                for si in inside:
                    seg_of_slot.setdefault(si, []).append(g)

        self.options: list[list[Option]] = []
        for s in self.sessions:
            if relax:
                self.options.append(self._relaxed_options(s, slot_index, seg_of_slot))
                continue
            opts = []
            for d, day in enumerate(conf.days):
                for sl in day.slots:
                    run = conf.covered_slots(s, day.date, sl.start)
                    if run is None or not slot_kind_allows(s, run, self.has_plenary_slots) \
                            or not pin_allows_time(s, day.date, sl.start) \
                            or not speakers_available(conf, s, day.date, run):
                        continue
                    rooms = tuple(i for i, r in enumerate(self.rooms) if room_allows(s, r, day.date, run))
                    if not rooms:
                        continue
                    gslots = tuple(slot_index[(x.day, x.start, x.end)] for x in run)
                    segs = tuple(sorted({g for si in gslots for g in seg_of_slot.get(si, [])}))
                    opts.append(Option(d, day.date, sl.start, run[-1].end, gslots, segs, rooms))
            self.options.append(opts)

        # which (session, option) cover each segment
        self.cover: list[list[tuple[int, int]]] = [[] for _ in self.segments]
        for i, opts in enumerate(self.options):
            for k, o in enumerate(opts):
                for g in o.segs:
                    self.cover[g].append((i, k))

    def _relaxed_options(self, s: Session, slot_index, seg_of_slot) -> list[Option]:
        """Relax mode: every run of the grid, every room, with what forbids each."""
        conf, i = self.conf, len(self.options)
        opts: list[Option] = []
        static = [room_forbids_session(s, room) for room in self.rooms]
        for d, day in enumerate(conf.days):
            for sl in day.slots:
                run = conf.covered_slots(s, day.date, sl.start)
                if run is None or (not s.is_plenary and not slot_kind_allows(s, run, self.has_plenary_slots)):
                    continue
                k = len(opts)
                why = (slot_kind_forbids(s, run, self.has_plenary_slots) + pin_forbids_time(s, day.date, sl.start)
                       + speakers_unavailable(conf, s, day.date, run))
                if why:
                    self.forbid[(i, k)] = tuple(dict.fromkeys(why))
                for r, room in enumerate(self.rooms):
                    closed = room_closed(room, day.date, run) if room.unavailable else []
                    rwhy = static[r] + closed if closed else static[r]
                    if rwhy:
                        self.room_forbid[(i, k, r)] = tuple(dict.fromkeys(rwhy))
                gslots = tuple(slot_index[(x.day, x.start, x.end)] for x in run)
                segs = tuple(sorted({g for si in gslots for g in seg_of_slot.get(si, [])}))
                opts.append(Option(d, day.date, sl.start, run[-1].end, gslots, segs, tuple(range(len(self.rooms)))))
        return opts

    def without_options(self) -> list[Session]:
        return [s for s, opts in zip(self.sessions, self.options) if not opts]

    def option_at(self, i: int, date: dt.date, start: int) -> int | None:
        for k, o in enumerate(self.options[i]):
            if o.date == date and o.start == start:
                return k
        return None

    def size(self) -> int:
        return sum(len(o.rooms) for opts in self.options for o in opts)
