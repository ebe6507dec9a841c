"""Fast checks that prove "no program exists" before any search, each with its own message.

Every check is *sound*: it reports only what no program can satisfy (a counting
or matching argument over the placements the unary rules allow), never a mere
difficulty. Each message is a :class:`Reason` that names the sessions, speakers
and rooms by id and by title or name, says which requirement groups are
involved (the keys of ``space.py``) and how to fix it. What these checks miss,
the solver-based explanation in ``explain.py`` finds.

Checks (in the order they are reported):
  no possible start   a session with no start where its speakers and a suitable room are free
  pin clash           two sessions pinned so that they overlap while they may not
  plenary overflow    more plenaries than plenary slots
  speaker overload    a speaker in more sessions than slots where they are free
  feature shortage    more sessions needing a feature than free slots of rooms that have it
  capacity shortage   more big sessions than free slots of rooms that seat them
  after chain         ``after`` links longer than the grid (or the sessions' other rules) allow
  grid too small      more sessions than room-slots
"""
from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import asdict, dataclass

from ..model import Conference, Pin, Room, Session, Slot, Speaker, TimeRange, hhmm
from .space import (DAY_MINUTES, Space, key_after, key_capacity, key_not_with, key_pin, key_plenary, key_requires,
                    key_room_unavailable, key_speaker_unavailable, key_speaks, pin_allows_time, pin_forbids_time,
                    room_forbids, slot_kind_allows, slot_kind_forbids, speakers_unavailable)


@dataclass(frozen=True)
class Reason:
    """One sentence of an explanation, with the ids and requirement keys it names."""
    rule: str                              # "speaker overload", "pin", "after chain", ...
    sentence: str                          # names sessions, speakers and rooms by id and name
    fix: str = ""                          # what the committee can change
    sessions: tuple[str, ...] = ()
    speakers: tuple[str, ...] = ()
    rooms: tuple[str, ...] = ()
    requirements: tuple[str, ...] = ()     # requirement keys (see space.py key_* functions)
    where: tuple[str, ...] = ()            # files and lines where those requirements are written

    def __str__(self) -> str:
        return f"[{self.rule}] {self.sentence}" + (f" {self.fix}" if self.fix else "")

    def to_dict(self) -> dict:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}


# -- words -----------------------------------------------------------------------------
def isolate(text: str) -> str:
    """Wrap right-to-left text (Arabic, Hebrew names) in Unicode isolates so that the
    ids and punctuation around it keep their order."""
    if any(unicodedata.bidirectional(c) in ("R", "AL") for c in text):
        return f"\u2068{text}\u2069"
    return text


def session_label(s: Session) -> str:
    return f"“{isolate(s.title)}” ({s.id})" if s.title else s.id


def speaker_label(p: Speaker) -> str:
    return f"{isolate(p.name)} ({p.id})" if p.name and p.name != p.id else p.id


def room_label(r: Room) -> str:
    return f"{isolate(r.name)} ({r.id})" if r.name and r.name != r.id else r.id


def room_seats(r: Room) -> str:
    """Room 101 (r101, 80 seats)"""
    return f"{isolate(r.name)} ({r.id}, {r.capacity} seats)" if r.name and r.name != r.id else f"{r.id} ({r.capacity} seats)"


def when(date: dt.date, start: int) -> str:
    return f"{date.isoformat()} {hhmm(start)}"


def range_text(u: TimeRange) -> str:
    return f"on {u}"


def pin_text(conf: Conference, pin: Pin) -> str:
    parts = []
    if pin.day is not None:
        parts.append(pin.day.isoformat())
    if pin.start is not None:
        parts.append(("at " if pin.day is None else "") + hhmm(pin.start))
    if pin.room is not None:
        r = conf.room.get(pin.room)
        parts.append(f"in {room_label(r) if r else pin.room}")
    return " ".join(parts)


def join(items, word: str = "and") -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {word} " + items[-1]


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def alternatives(fixes: list[str]) -> str:
    """["move the pin", "free a day"] -> "Move the pin, or free a day." """
    fixes = list(fixes)
    text = fixes[0] if len(fixes) == 1 else ", ".join(fixes[:-1]) + ", or " + fixes[-1]
    return upper_first(text) + "."


def listing(items, limit: int = 8) -> str:
    items = list(items)
    if len(items) > limit:
        return ", ".join(items[:limit]) + f" and {len(items) - limit} more"
    return join(items)


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


def _uniq(items) -> tuple:
    return tuple(dict.fromkeys(i for i in items if i))


# -- the grid ---------------------------------------------------------------------------
Run = tuple[dt.date, int, tuple[Slot, ...]]   # (date, start, covered slots)


class Grid:
    """Runs of consecutive slots a session may start, by the slot grid alone
    (duration and slot kind), cached per (duration, plenary)."""

    def __init__(self, conf: Conference):
        self.conf = conf
        self.has_plenary_slots = any(sl.is_plenary for sl in conf.slots)
        self.day_index = {d.date: n for n, d in enumerate(conf.days)}
        self._runs: dict[tuple[int, bool], list[Run]] = {}

    def runs(self, s: Session) -> list[Run]:
        key = (s.duration, s.is_plenary)
        if key not in self._runs:
            out = []
            for day in self.conf.days:
                for sl in day.slots:
                    run = self.conf.covered_slots(s, day.date, sl.start)
                    if run is not None and slot_kind_allows(s, run, self.has_plenary_slots):
                        out.append((day.date, sl.start, run))
            self._runs[key] = out
        return self._runs[key]

    def all_runs(self, s: Session) -> list[Run]:
        """Runs by duration alone, whatever the slot kind."""
        out = []
        for day in self.conf.days:
            for sl in day.slots:
                run = self.conf.covered_slots(s, day.date, sl.start)
                if run is not None:
                    out.append((day.date, sl.start, run))
        return out

    def t0(self, date: dt.date, start: int) -> int:
        return self.day_index[date] * DAY_MINUTES + start

    def clock(self, t: int) -> str:
        return when(self.conf.days[t // DAY_MINUTES].date, t % DAY_MINUTES)


# the order in which a shrinking step tries to drop requirements (first tried, first dropped):
# what a committee set on purpose (pins, unavailability, links) is what we would rather name
KIND_ORDER = ("plenary", "capacity", "requires", "speaks", "room-unavailable", "speaker-unavailable",
              "not-with", "after", "pin")
_RANK = {kind: n for n, kind in enumerate(KIND_ORDER)}


def key_kind(key: str) -> str:
    return key.split(":", 1)[0]


def by_kind(keys) -> list[str]:
    return sorted(keys, key=lambda k: (_RANK.get(key_kind(k), -1), k))


def _covers(u: TimeRange, date: dt.date, run) -> bool:
    return any(u.covers(date, x.start, x.end) for x in run)


def _overlap(a: Run, b: Run) -> bool:
    return a[0] == b[0] and any(x.start < y.end and y.start < x.end for x in a[2] for y in b[2])


# -- matching (Hall's condition) ------------------------------------------------------------
def hall_violator(left: list, adj: dict) -> tuple[list, set] | None:
    """Sessions that cannot each get a distinct resource.

    ``adj[u]`` lists the resources left vertex ``u`` may use. Returns (Z, N): Z the
    left vertices reachable by alternating paths from those a maximum matching
    leaves out, N their resources, with len(Z) > len(N); None when every vertex
    can be matched."""
    match_l: dict = {}
    match_r: dict = {}
    for u in left:
        for v in adj[u]:
            if v not in match_r:
                match_l[u], match_r[v] = v, u
                break
    for u in left:
        if u in match_l:
            continue
        parent: dict = {}
        seen = {u}
        frontier = [u]
        found = None
        while frontier and found is None:
            nxt = []
            for a in frontier:
                for v in adj[a]:
                    if v in parent:
                        continue
                    parent[v] = a
                    if v not in match_r:
                        found = v
                        break
                    b = match_r[v]
                    if b not in seen:
                        seen.add(b)
                        nxt.append(b)
                if found is not None:
                    break
            frontier = nxt
        v = found
        while v is not None:
            a = parent[v]
            prev = match_l.get(a)
            match_l[a], match_r[v] = v, a
            v = None if a == u else prev
    unmatched = [u for u in left if u not in match_l]
    if not unmatched:
        return None
    zs, ns = set(unmatched), set()
    stack = list(unmatched)
    while stack:
        a = stack.pop()
        for v in adj[a]:
            if v in ns:
                continue
            ns.add(v)
            b = match_r[v]
            if b not in zs:
                zs.add(b)
                stack.append(b)
    return [u for u in left if u in zs], ns


# -- the checks ---------------------------------------------------------------------------
class Prechecks:
    def __init__(self, conf: Conference, space: Space | None = None):
        self.conf = conf
        self.space = space if space is not None else Space(conf)
        self.grid = Grid(conf)
        self.placeable = [s for s, opts in zip(self.space.sessions, self.space.options) if opts]
        self.placeable_ids = {s.id for s in self.placeable}

    def run(self) -> list[Reason]:
        out: list[Reason] = []
        for check in (self.no_start, self.pin_clashes, self.plenary_overflow, self.speaker_overload,
                      self.feature_shortage, self.capacity_shortage, self.after_chains, self.grid_too_small):
            out += check()
        return out

    def _kind(self, sessions) -> tuple[list[str], list[str]]:
        """Plenaries keep to the plenary slots only while their plenary requirement holds:
        its keys (and where) for the plenaries among ``sessions``."""
        pl = [s for s in sessions if s.is_plenary] if self.grid.has_plenary_slots else []
        return [key_plenary(s.id) for s in pl], [s.at("format") for s in pl]

    # a session with no possible start ---------------------------------------------------
    def _placements(self, s: Session) -> list[tuple[int, int, list[frozenset[str]]]]:
        """Every (run, room) the slot grid allows ``s``: (start, end on the global clock,
        the sets of requirement keys that forbid it), as in Space(relax=True)."""
        conf, grid = self.conf, self.grid
        out = []
        for d, st, run in grid.all_runs(s):
            if not s.is_plenary and not slot_kind_allows(s, run, grid.has_plenary_slots):
                continue          # plenary slots hold plenaries only: never relaxed
            why = (slot_kind_forbids(s, run, grid.has_plenary_slots) + pin_forbids_time(s, d, st)
                   + speakers_unavailable(conf, s, d, run))
            t0, t1 = grid.t0(d, st), grid.t0(d, run[-1].end)
            for room in conf.rooms:
                out.append((t0, t1, why + room_forbids(s, room, d, run)))
        return out

    def no_start(self) -> list[Reason]:
        out = []
        for s in self.space.without_options():
            places = self._placements(s)
            keys = {k for _, _, why in places for c in why for k in c}

            def stuck(ks: set[str]) -> bool:
                return all(any(c <= ks for c in why) for _, _, why in places)

            for k in by_kind(keys):          # the fewest that still leave no start
                if stuck(keys - {k}):
                    keys.discard(k)
            parts, speakers, rooms, where = self._restrictions(s, keys, "it")
            fixes = []
            if key_pin(s.id) in keys:
                fixes.append("move or remove the pin")
            if speakers:
                fixes += ["ask a speaker to free a slot", "hand the session to a co-speaker"]
            if rooms:
                fixes.append("open a suitable room then")
            if key_plenary(s.id) in keys:
                fixes.append("make it a workshop or panel")
            out.append(Reason("no possible start", f"{session_label(s)} has no possible start: " + "; ".join(parts) + ".",
                              alternatives(fixes or ["change one of these requirements"]),
                              sessions=(s.id,), speakers=speakers, rooms=rooms,
                              requirements=tuple(by_kind(keys)), where=where))
        return out

    def _restrictions(self, s: Session, keys: set[str], subject: str):
        """What the requirement ``keys`` take away from session ``s``, in words:
        (parts, speaker ids, room ids, where)."""
        conf = self.conf
        parts, speakers, rooms, where = [], [], [], []
        if key_plenary(s.id) in keys:
            parts.append(f"as a plenary {subject} keeps to the plenary slots")
            where.append(s.at("format"))
        if key_pin(s.id) in keys and s.pin is not None and (s.pin.day is not None or s.pin.start is not None):
            pinned = [r for r in self.grid.all_runs(s) if pin_allows_time(s, r[0], r[1])]
            text = f"{subject} is pinned to {pin_text(conf, s.pin)}"
            if not pinned:
                text += f", where its {s.duration} minutes do not fit in the slots"
            elif not s.is_plenary and not any(slot_kind_allows(s, r[2], self.grid.has_plenary_slots) for r in pinned):
                text += ", which is reserved for plenaries"
            parts.append(text)
            where.append(s.at("pin"))
        for p in dict.fromkeys(s.speakers):
            if key_speaks(p, s.id) not in keys:
                continue
            sp = conf.speaker[p]
            ranges = list(dict.fromkeys(u for u in sp.unavailable if key_speaker_unavailable(p, u) in keys))
            if ranges:
                who = "it" if subject == "it" else s.id
                parts.append(f"{speaker_label(sp)}, who speaks in {who}, is unavailable "
                             + join(range_text(u) for u in ranges))
                speakers.append(p)
                where += [s.at("speakers"), sp.at("unavailable")]
        closed = {}
        for r in conf.rooms:
            us = list(dict.fromkeys(u for u in r.unavailable if key_room_unavailable(r.id, u) in keys))
            if us:
                closed[r.id] = us
        needs = []
        if key_capacity(s.id) in keys:
            needs.append(f"{s.expected_attendance} seats")
            where.append(s.at("expected_attendance"))
        for f in sorted(s.requires):
            if key_requires(s.id, f) in keys:
                needs.append(f)
                where.append(s.at("requires"))
        pin_room = s.pin is not None and s.pin.room is not None and key_pin(s.id) in keys
        if pin_room and s.at("pin") not in where:
            where.append(s.at("pin"))
        if closed or needs or pin_room:
            suitable = [r for r in conf.rooms if (key_capacity(s.id) not in keys or r.capacity >= s.expected_attendance)
                        and all(f in r.features for f in s.requires if key_requires(s.id, f) in keys)
                        and (not pin_room or r.id == s.pin.room)]
            if pin_room:
                what = f"the room {subject} is pinned to, {room_label(conf.room[s.pin.room])},"
            elif len(suitable) == 1:
                what = (f"the only room with {join(needs)}, " if needs else "the only room, ") \
                    + f"{room_label(suitable[0])},"
            else:
                what = (f"the rooms with {join(needs)}" if needs else "the rooms") \
                    + f" ({listing(room_label(r) for r in suitable)})"
            if closed:
                parts.append(f"{what} {'is' if pin_room or len(suitable) == 1 else 'are'} closed whenever "
                             f"{subject} could run ("
                             + "; ".join(f"{room_label(conf.room[rid])} " + join(range_text(u) for u in us)
                                         for rid, us in closed.items()) + ")")
                for rid in closed:
                    rooms.append(rid)
                    where.append(conf.room[rid].at("unavailable"))
            else:
                parts.append(f"{subject} needs {what.replace('the rooms with ', '').replace('the only room with ', '')}")
        return parts, _uniq(speakers), _uniq(rooms), _uniq(where)

    # pins that clash ---------------------------------------------------------------------
    def pin_clashes(self) -> list[Reason]:
        conf = self.conf
        pinned: list[tuple[Session, Run]] = []
        for s in self.placeable:
            if s.pin is not None and s.pin.day is not None and s.pin.start is not None:
                run = conf.covered_slots(s, s.pin.day, s.pin.start)
                if run is not None:
                    pinned.append((s, (s.pin.day, s.pin.start, run)))
        out = []
        for n, (a, ra) in enumerate(pinned):
            for b, rb in pinned[n + 1:]:
                out += self._pin_pair(a, ra, b, rb)
        return out

    def _pin_pair(self, a: Session, ra: Run, b: Session, rb: Run) -> list[Reason]:
        conf = self.conf
        out = []
        both = (f"{session_label(a)} is pinned to {pin_text(conf, a.pin)} and {session_label(b)} "
                f"to {pin_text(conf, b.pin)}")
        base_keys = [key_pin(a.id), key_pin(b.id)]
        base_where = [a.at("pin"), b.at("pin")]
        fix = "Move or remove one of the two pins."
        if _overlap(ra, rb):
            if a.pin.room is not None and a.pin.room == b.pin.room:
                out.append(Reason("pin clash", f"{both}: one room cannot hold both at once.", fix,
                                  sessions=(a.id, b.id), rooms=(a.pin.room,), requirements=tuple(base_keys),
                                  where=_uniq(base_where)))
            for p in sorted(set(a.speakers) & set(b.speakers)):
                sp = conf.speaker[p]
                out.append(Reason("pin clash", f"{both}, and {speaker_label(sp)} speaks in both: they overlap.",
                                  fix[:-1] + ", or hand one session to a co-speaker.",
                                  sessions=(a.id, b.id), speakers=(p,),
                                  requirements=tuple(base_keys + [key_speaks(p, a.id), key_speaks(p, b.id)]),
                                  where=_uniq(base_where + [a.at("speakers"), b.at("speakers")])))
            if b.id in a.not_with or a.id in b.not_with:
                out.append(Reason("pin clash", f"{both}, but they must not overlap (not_with).",
                                  fix[:-1] + ", or remove the not_with link.", sessions=(a.id, b.id),
                                  requirements=tuple(base_keys + [key_not_with(a.id, b.id)]),
                                  where=_uniq(base_where + [a.at("not_with") if b.id in a.not_with else b.at("not_with")])))
            for pl, other in ((a, b), (b, a)):
                if pl.is_plenary:
                    out.append(Reason("pin clash", f"{both}, but nothing may run alongside the plenary {session_label(pl)}.",
                                      fix, sessions=(pl.id, other.id),
                                      requirements=tuple(base_keys + [key_plenary(pl.id)]),
                                      where=_uniq(base_where + [pl.at("format")])))
                    break
        for later, ra_, earlier, rb_ in ((a, ra, b, rb), (b, rb, a, ra)):
            if earlier.id in later.after:
                end = rb_[2][-1].end
                if (self.grid.day_index[ra_[0]], ra_[1]) < (self.grid.day_index[rb_[0]], end):
                    out.append(Reason("pin clash", f"{both}, but {later.id} must start after {earlier.id} ends "
                                      f"({when(rb_[0], end)}).", fix[:-1] + ", or remove the after link.",
                                      sessions=(later.id, earlier.id),
                                      requirements=tuple(base_keys + [key_after(later.id, earlier.id)]),
                                      where=_uniq(base_where + [later.at("after")])))
        return out

    # more plenaries than plenary slots -------------------------------------------------------
    def plenary_overflow(self) -> list[Reason]:
        plen = [s for s in self.placeable if s.is_plenary]
        if len(plen) < 2:
            return []
        adj = {s.id: [(d, st) for d, st, _ in self.grid.runs(s)] for s in plen}
        got = hall_violator([s.id for s in plen], adj)
        if got is None:
            return []
        zs, ns = got
        slots = sorted(ns, key=lambda x: (x[0], x[1]))
        what = plural(len(ns), "plenary slot") if self.grid.has_plenary_slots else \
            plural(len(ns), "slot") + " in the whole grid (a plenary runs alone)"
        sessions = [self.conf.session[z] for z in zs]
        sentence = (f"{len(zs)} plenaries ({listing(session_label(s) for s in sessions)}) each need a slot of their own, "
                    f"but there {'is' if len(ns) == 1 else 'are'} only {what}"
                    + (f" ({listing(when(d, st) for d, st in slots)})" if slots else "") + ".")
        return [Reason("plenary overflow", sentence,
                       "Make one of them a workshop or panel, or add a plenary slot to conference.yaml.",
                       sessions=tuple(zs), requirements=tuple(key_plenary(z) for z in zs),
                       where=_uniq(s.at("format") for s in sessions))]

    # a speaker in more sessions than free slots ---------------------------------------------
    def speaker_overload(self) -> list[Reason]:
        conf = self.conf
        out = []
        for p, sessions in sorted(conf.sessions_by_speaker().items()):
            sessions = list({s.id: s for s in sessions if s.id in self.placeable_ids}.values())
            if len(sessions) < 2:
                continue
            sp = conf.speaker[p]
            adj = {s.id: [(d, st) for d, st, run in self.grid.runs(s) if all(sp.free(d, x.start, x.end) for x in run)]
                   for s in sessions}
            got = hall_violator([s.id for s in sessions], adj)
            if got is None:
                continue
            zs, ns = got
            zsess = [conf.session[z] for z in zs]
            # the unavailable ranges that take away a slot these sessions could use
            ranges = list(dict.fromkeys(sp.unavailable))

            def free(away) -> set:
                return {(d, st) for s in zsess for d, st, run in self.grid.runs(s)
                        if not any(_covers(u, d, run) for u in away)}
            biting = [u for u in ranges if len(free([x for x in ranges if x != u])) > len(ns)]
            kkeys, kwhere = self._kind(zsess)
            kind = ""
            if self.grid.has_plenary_slots:
                kind = "plenary " if all(s.is_plenary for s in zsess) else \
                    ("regular " if not any(s.is_plenary for s in zsess) else "")
            sentence = (f"{speaker_label(sp)} speaks in {len(zs)} sessions "
                        f"({listing(session_label(s) for s in zsess)}) but is free in only "
                        f"{plural(len(ns), kind + 'slot')}")
            if biting:
                sentence += ": unavailable " + join(range_text(u) for u in biting)
            fix = "Drop a session, add a co-speaker to take one over" + (", or free a day." if biting else ".")
            out.append(Reason("speaker overload", sentence + ".", fix, sessions=tuple(zs), speakers=(p,),
                              requirements=tuple([key_speaks(p, z) for z in zs]
                                                 + [key_speaker_unavailable(p, u) for u in biting] + kkeys),
                              where=_uniq([s.at("speakers") for s in zsess] + ([sp.at("unavailable")] if biting else [])
                                          + kwhere)))
        return out

    # rooms with a feature / rooms big enough: fewer free slots than sessions ---------------------
    def _room_slots(self, s: Session, rooms: list[Room]) -> list[tuple[str, dt.date, int]]:
        return [(r.id, d, st) for d, st, run in self.grid.runs(s) for r in rooms
                if all(r.free(d, x.start, x.end) for x in run)]

    def _closures(self, rooms: list[Room], zsess: list[Session]) -> tuple[list[str], list[str], list[str]]:
        """Closures of ``rooms`` that take away slots the sessions could use: (texts, keys, room ids)."""
        texts, keys, ids = [], [], []
        for r in rooms:
            ranges = list(dict.fromkeys(r.unavailable))

            def free(away) -> int:
                return len({(d, st) for s in zsess for d, st, run in self.grid.runs(s)
                            if not any(_covers(u, d, run) for u in away)})
            now = free(ranges)
            us = [u for u in ranges if free([x for x in ranges if x != u]) > now]
            if us:
                texts.append(f"{room_label(r)} is closed " + join(range_text(u) for u in us))
                keys += [key_room_unavailable(r.id, u) for u in us]
                ids.append(r.id)
        return texts, keys, ids

    def feature_shortage(self) -> list[Reason]:
        conf = self.conf
        out = []
        for f in sorted({f for s in self.placeable for f in s.requires}):
            sessions = [s for s in self.placeable if f in s.requires]
            rooms = [r for r in conf.rooms if f in r.features]
            adj = {s.id: self._room_slots(s, rooms) for s in sessions}
            got = hall_violator([s.id for s in sessions], adj)
            if got is None:
                continue
            zs, ns = got
            zsess = [conf.session[z] for z in zs]
            texts, ckeys, cids = self._closures(rooms, zsess)
            sentence = (f"{len(zs)} sessions need {f} ({listing(session_label(s) for s in zsess)}) but the "
                        f"{'room' if len(rooms) == 1 else 'rooms'} with {f} "
                        f"({listing(room_label(r) for r in rooms)}) {'has' if len(rooms) == 1 else 'have'} only "
                        f"{plural(len(ns), 'free slot')} for them" + (": " + "; ".join(texts) if texts else "") + ".")
            out.append(Reason("feature shortage", sentence,
                              alternatives([f"drop {f} from a session", f"add {f} to another room in rooms.yaml"]
                                           + (["open a room"] if texts else [])),
                              sessions=tuple(zs), rooms=tuple(r.id for r in rooms),
                              requirements=tuple([key_requires(z, f) for z in zs] + ckeys + self._kind(zsess)[0]),
                              where=_uniq([s.at("requires") for s in zsess]
                                          + [conf.room[rid].at("unavailable") for rid in cids]
                                          + self._kind(zsess)[1])))
        return out

    def capacity_shortage(self) -> list[Reason]:
        conf = self.conf
        sessions = [s for s in self.placeable if any(r.capacity < s.expected_attendance for r in conf.rooms)]
        if not sessions:
            return []
        adj = {s.id: self._room_slots(s, [r for r in conf.rooms if r.capacity >= s.expected_attendance])
               for s in sessions}
        got = hall_violator([s.id for s in sessions], adj)
        if got is None:
            return []
        zs, ns = got
        zsess = [conf.session[z] for z in zs]
        least = min(s.expected_attendance for s in zsess)
        rooms = [r for r in conf.rooms if r.capacity >= least]
        texts, ckeys, cids = self._closures(rooms, zsess)
        sentence = (f"{len(zs)} sessions expect {least} or more people "
                    f"({listing(f'{session_label(s)}: {s.expected_attendance}' for s in zsess)}) but the "
                    f"{'room' if len(rooms) == 1 else 'rooms'} that seat{'s' if len(rooms) == 1 else ''} them "
                    f"({listing(room_seats(r) for r in rooms)}) "
                    f"{'has' if len(rooms) == 1 else 'have'} only {plural(len(ns), 'free slot')} for them"
                    + (": " + "; ".join(texts) if texts else "") + ".")
        return [Reason("capacity shortage", sentence,
                       "Lower an expected attendance, make a room bigger in rooms.yaml"
                       + (", or open a room." if texts else ", or add a room."),
                       sessions=tuple(zs), rooms=tuple(r.id for r in rooms),
                       requirements=tuple([key_capacity(z) for z in zs] + ckeys + self._kind(zsess)[0]),
                       where=_uniq([s.at("expected_attendance") for s in zsess]
                                   + [conf.room[rid].at("unavailable") for rid in cids] + self._kind(zsess)[1]))]

    # after chains ------------------------------------------------------------------------------
    def after_chains(self) -> list[Reason]:
        conf, space = self.conf, self.space
        if not any(s.after for s in conf.sessions):
            return []
        order = _topological(conf)
        earliest_end: dict[str, int] = {}
        binding: dict[str, str | None] = {}
        broken: set[str] = set()
        out = []
        for sid in order:
            s = conf.session[sid]
            i = space.index[sid]
            if not space.options[i] or any(b in broken for b in s.after):
                broken.add(sid)
                continue
            bound, who = max(((earliest_end[b], b) for b in s.after), default=(None, None))
            opts = [o for o in space.options[i] if bound is None or o.t0 >= bound]
            if not opts:
                broken.add(sid)
                chain = [sid]
                b = who
                while b is not None:
                    chain.append(b)
                    b = binding.get(b)
                chain.reverse()
                out.append(self._chain_reason(chain, bound))
                continue
            earliest_end[sid] = min(o.t1 for o in opts)
            binding[sid] = who
        return out

    def _chain_reason(self, chain: list[str], bound: int) -> Reason:
        conf, grid = self.conf, self.grid
        sessions = [conf.session[c] for c in chain]
        links = [key_after(a, b) for b, a in zip(chain, chain[1:])]
        places = [self._placements(s) for s in sessions]
        keys = {k for pl in places for _, _, why in pl for c in why for k in c}

        def broken(ks: set[str]) -> bool:
            t = None
            for pl in places:
                ends = [t1 for t0, t1, why in pl if (t is None or t0 >= t) and not any(c <= ks for c in why)]
                if not ends:
                    return True
                t = min(ends)
            return False

        for k in by_kind(keys):                # the fewest restrictions that still break the chain
            if broken(keys - {k}):
                keys.discard(k)
        text = " → ".join(session_label(s) for s in sessions)
        where = [conf.session[a].at("after") for a in chain[1:]]
        if not keys:
            kind = "regular " if grid.has_plenary_slots and not any(s.is_plenary for s in sessions) else ""
            starts = {(d, st) for s in sessions for d, st, _ in grid.runs(s)}
            sentence = (f"{text} must run one after another ({len(chain)} sessions in a row), but the conference has "
                        f"only {plural(len(starts), kind + 'slot')} for them.")
            return Reason("after chain", sentence, "Remove an after link, or add slots to conference.yaml.",
                          sessions=tuple(chain), requirements=tuple(links), where=_uniq(where))
        parts, speakers, rooms = [], [], []
        for s, pl in zip(sessions, places):
            mine = keys & {k for _, _, why in pl for c in why for k in c}
            if mine:
                ps, sps, rs, ws = self._restrictions(s, mine, session_label(s))
                parts += ps
                speakers += sps
                rooms += rs
                where += ws
        last, prev = sessions[-1], sessions[-2]
        sentence = (f"{text} must run one after another, but {last.id} has no possible start after {prev.id} "
                    f"ends (at the earliest {grid.clock(bound)})" + (": " + "; ".join(parts) if parts else "") + ".")
        return Reason("after chain", sentence,
                      "Remove an after link, move a pin, or free the speakers or rooms at a later time.",
                      sessions=tuple(chain), speakers=_uniq(speakers), rooms=_uniq(rooms),
                      requirements=tuple(links + by_kind(keys)), where=_uniq(where))

    # more sessions than room-slots ------------------------------------------------------------
    def grid_too_small(self) -> list[Reason]:
        conf, grid = self.conf, self.grid
        for day in conf.days:
            slots = sorted(day.slots, key=lambda x: x.start)
            if any(b.start < a.end for a, b in zip(slots, slots[1:])):
                return []          # overlapping slots: counting slots says nothing
        regular = [sl for sl in conf.slots if not (grid.has_plenary_slots and sl.is_plenary)]
        sessions = [s for s in conf.sessions if not (grid.has_plenary_slots and s.is_plenary)]
        supply = len(conf.rooms) * len(regular)
        if not grid.has_plenary_slots:   # a plenary takes every room of its slots
            supply -= len(conf.rooms) * sum(min((len(r[2]) for r in grid.runs(s)), default=0)
                                            for s in sessions if s.is_plenary)
            sessions = [s for s in sessions if not s.is_plenary]
        demand = sum(min((len(r[2]) for r in grid.runs(s)), default=0) for s in sessions)
        if demand <= supply:
            return []
        kind = "regular " if grid.has_plenary_slots else ""
        return [Reason("grid too small",
                       f"{len(sessions)} sessions need at least {demand} room-slots, but {plural(len(conf.rooms), 'room')} "
                       f"× {plural(len(regular), kind + 'slot')} give only {supply}.",
                       "Add rooms to rooms.yaml or slots to conference.yaml, or drop sessions.")]


def _topological(conf: Conference) -> list[str]:
    """Session ids, each after the sessions it must follow (``after`` has no loop: validated)."""
    done: set[str] = set()
    out: list[str] = []
    for root in sorted(conf.session):
        if root in done:
            continue
        stack = [(root, iter(conf.session[root].after))]
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                stack.pop()
                if node not in done:
                    done.add(node)
                    out.append(node)
            elif nxt not in done and nxt in conf.session:
                stack.append((nxt, iter(conf.session[nxt].after)))
    return out


def prechecks(conf: Conference, space: Space | None = None) -> list[Reason]:
    """Every pre-check's findings (empty when none proves the program impossible)."""
    return Prechecks(conf, space).run()
