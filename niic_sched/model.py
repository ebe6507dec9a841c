"""Domain objects: plain, typed and immutable. No I/O, no solver.

Times of day are minutes after midnight (``int``); dates are ``datetime.date``.
Every object that came from a file carries ``where`` ("sessions/s0001.yaml:3" or
"Sessions!A7") so that later stages (the checker, the explanation) can point at it.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from .goals import DEFAULT_WEIGHTS   # the soft-goal registry's default weights (goals.py imports nothing here)

PLENARY = "plenary"
FORMATS = ("plenary", "workshop", "panel", "training")
PAPERS = ("letter", "a4")
# time zones whose printed programs default to US Letter (the Americas)
LETTER_ZONES = ("America/", "US/", "Canada/", "Pacific/Honolulu")



def hhmm(minutes: int) -> str:
    """Minutes after midnight -> "HH:MM" (past midnight stays on the day: "25:15")."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass(frozen=True)
class TimeRange:
    """A whole day (start and end None) or a range of one day."""
    day: dt.date
    start: int | None = None
    end: int | None = None

    def covers(self, day: dt.date, start: int, end: int) -> bool:
        """True when [start, end) on ``day`` intersects this range."""
        if day != self.day:
            return False
        if self.start is None:
            return True
        return start < self.end and self.start < end

    def __str__(self) -> str:
        if self.start is None:
            return self.day.isoformat()
        return f"{self.day.isoformat()} {hhmm(self.start)}-{hhmm(self.end)}"


@dataclass(frozen=True)
class Slot:
    day: dt.date
    index: int            # position in the day
    start: int
    end: int
    kind: str = "regular"  # "regular" | "plenary"
    where: str = field(default="", compare=False)

    @property
    def is_plenary(self) -> bool:
        return self.kind == PLENARY

    @property
    def label(self) -> str:
        return f"{self.day.isoformat()} {hhmm(self.start)}"


@dataclass(frozen=True)
class Day:
    date: dt.date
    slots: tuple[Slot, ...]


@dataclass(frozen=True)
class Room:
    id: str
    name: str
    capacity: int
    features: frozenset[str] = frozenset()
    unavailable: tuple[TimeRange, ...] = ()
    where: str = field(default="", compare=False)
    where_keys: dict = field(default_factory=dict, compare=False, hash=False, repr=False)

    def at(self, key: str) -> str:
        """Where ``key`` of this object was written (falls back to the object itself)."""
        return self.where_keys.get(key, self.where)

    def free(self, day: dt.date, start: int, end: int) -> bool:
        return not any(u.covers(day, start, end) for u in self.unavailable)


@dataclass(frozen=True)
class Speaker:
    id: str
    name: str
    organization: str = ""
    unavailable: tuple[TimeRange, ...] = ()
    # private: letters and notices only, never a public output (site, PDF, exports)
    email: str = ""
    phone: str = ""
    language: str | None = None      # the language of this speaker's letters and notices
    sort_name: str = ""              # the speaker index's sort key ("Núñez, María"); "" = a family-name guess
    where: str = field(default="", compare=False)
    where_keys: dict = field(default_factory=dict, compare=False, hash=False, repr=False)

    def at(self, key: str) -> str:
        """Where ``key`` of this object was written (falls back to the object itself)."""
        return self.where_keys.get(key, self.where)

    def free(self, day: dt.date, start: int, end: int) -> bool:
        return not any(u.covers(day, start, end) for u in self.unavailable)


@dataclass(frozen=True)
class Pin:
    day: dt.date | None = None
    start: int | None = None
    room: str | None = None

    def __str__(self) -> str:
        parts = [self.day.isoformat() if self.day else None,
                 hhmm(self.start) if self.start is not None else None,
                 f"room {self.room}" if self.room else None]
        return " ".join(p for p in parts if p)


@dataclass(frozen=True)
class Preference:
    day: dt.date | None = None
    start: int | None = None

    def matches(self, day: dt.date, start: int) -> bool:
        return (self.day is None or self.day == day) and (self.start is None or self.start == start)


@dataclass(frozen=True)
class Session:
    id: str
    title: str
    format: str
    track: str
    duration: int
    expected_attendance: int
    speakers: tuple[str, ...] = ()
    requires: frozenset[str] = frozenset()
    after: tuple[str, ...] = ()
    not_with: tuple[str, ...] = ()
    pin: Pin | None = None
    language: str | None = None
    preferred: tuple[Preference, ...] = ()
    abstract: str = ""
    interpretation: tuple[str, ...] = ()               # languages offered through interpretation
    uses: tuple[tuple[str, int], ...] = ()             # (resource, quantity) as written; see Conference.uses
    translations: tuple[tuple[str, str, str], ...] = ()   # (language, title, abstract); "" = not translated
    where: str = field(default="", compare=False)
    where_keys: dict = field(default_factory=dict, compare=False, hash=False, repr=False)

    def at(self, key: str) -> str:
        """Where ``key`` of this object was written (falls back to the object itself)."""
        return self.where_keys.get(key, self.where)

    @property
    def is_plenary(self) -> bool:
        return self.format == PLENARY

    def translated(self, language: str, part: str = "title") -> str:
        """The session's ``part`` (title or abstract) in ``language``, or "" when not translated."""
        for lang, title, abstract in self.translations:
            if lang == language:
                return title if part == "title" else abstract
        return ""


@dataclass(frozen=True)
class Conference:
    name: str
    days: tuple[Day, ...]
    rooms: tuple[Room, ...]
    speakers: tuple[Speaker, ...]
    sessions: tuple[Session, ...]
    acronym: str = ""
    time_zone: str = "UTC"
    city: str = ""
    venue: str = ""
    hosts: tuple[str, ...] = ()
    language: str = "en"
    url: str = ""
    weights: tuple[tuple[str, int], ...] = ()
    languages: tuple[str, ...] = ()      # the editions to render, the main language first; () = (language,)
    paper: str = ""                      # "letter" | "a4"; "" = from the time zone (see paper_size)
    # track id -> ((language, display name), ...)
    tracks: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()
    resources: tuple[tuple[str, int], ...] = ()   # things in limited supply: (name, quantity)
    # (attendee, session) rows of interests.csv that name known sessions
    interests: tuple[tuple[str, str], ...] = ()
    folder: str = field(default="", compare=False)
    warnings: tuple[str, ...] = field(default=(), compare=False)

    # -- look-ups (derived, cached) -------------------------------------------------
    @cached_property
    def session(self) -> dict[str, Session]:
        return {s.id: s for s in self.sessions}

    @cached_property
    def room(self) -> dict[str, Room]:
        return {r.id: r for r in self.rooms}

    @cached_property
    def speaker(self) -> dict[str, Speaker]:
        return {p.id: p for p in self.speakers}

    @cached_property
    def slots(self) -> tuple[Slot, ...]:
        return tuple(s for d in self.days for s in d.slots)

    @cached_property
    def day(self) -> dict[dt.date, Day]:
        return {d.date: d for d in self.days}

    @cached_property
    def weight(self) -> dict[str, int]:
        w = dict(DEFAULT_WEIGHTS)
        w.update(dict(self.weights))
        return w

    @property
    def editions(self) -> tuple[str, ...]:
        """The languages the program is rendered in, the main language first."""
        return self.languages or (self.language,)

    @property
    def paper_size(self) -> str:
        """The printed program's paper: as set, else Letter in the Americas (by the time zone), else A4."""
        if self.paper:
            return self.paper
        return "letter" if self.time_zone.startswith(LETTER_ZONES) else "a4"

    def track_name(self, track: str, language: str | None = None) -> str:
        """A track's display name in ``language`` (else in the main language, else one name for
        every language ("*"), else the id title-cased)."""
        names = dict(dict(self.tracks).get(track, ()))
        for lang in (language or self.language, self.language, "*"):
            if names.get(lang):
                return names[lang]
        return track.replace("-", " ").replace("_", " ").title() if track else ""

    @cached_property
    def resource(self) -> dict[str, int]:
        return dict(self.resources)

    def uses(self, session: Session) -> dict[str, int]:
        """What ``session`` uses of each declared resource while it runs: its ``uses``, and
        one team of ``interpreters-<spoken>-<offered>`` (or ``interpreters-<offered>-<spoken>``)
        for each language of its ``interpretation`` when the conference declares that resource
        and ``uses`` does not name it already."""
        out = dict(session.uses)
        spoken = session.language or self.language
        for offered in session.interpretation:
            if offered == spoken:
                continue
            pair = (f"interpreters-{spoken}-{offered}", f"interpreters-{offered}-{spoken}")
            if any(p in out for p in pair):
                continue
            name = next((p for p in pair if p in self.resource), None)
            if name is not None:
                out[name] = out.get(name, 0) + 1
        return {k: v for k, v in out.items() if v > 0}

    def sessions_by_speaker(self) -> dict[str, list[Session]]:
        out: dict[str, list[Session]] = defaultdict(list)
        for s in self.sessions:
            for p in s.speakers:
                out[p].append(s)
        return dict(out)

    def shared_interest(self) -> dict[tuple[str, str], int]:
        """Aggregated interests: (a, b) with a < b -> attendees who want both."""
        wants: dict[str, list[str]] = defaultdict(list)
        for attendee, sid in self.interests:
            wants[attendee].append(sid)
        pairs: dict[tuple[str, str], int] = defaultdict(int)
        for sids in wants.values():
            uniq = sorted(set(sids))
            for i, a in enumerate(uniq):
                for b in uniq[i + 1:]:
                    pairs[(a, b)] += 1
        return dict(pairs)

    def covered_slots(self, session: Session, day: dt.date, start: int) -> tuple[Slot, ...] | None:
        """The consecutive slots of ``day`` from the slot starting at ``start`` that
        cover the session's duration, or None when there is no such run."""
        d = self.day.get(day)
        if d is None:
            return None
        slots = sorted(d.slots, key=lambda s: (s.start, s.end))
        first = next((i for i, s in enumerate(slots) if s.start == start), None)
        if first is None:
            return None
        run: list[Slot] = []
        for s in slots[first:]:
            if run and s.start < run[-1].end:   # overlapping slot: not the next one
                continue
            run.append(s)
            if s.end - start >= session.duration:
                return tuple(run)
        return None


@dataclass(frozen=True)
class Assignment:
    session: str
    day: dt.date
    start: int
    room: str


@dataclass(frozen=True)
class Schedule:
    assignments: tuple[Assignment, ...]
    unscheduled: tuple[str, ...] = ()
    meta: dict = field(default_factory=dict, compare=False, hash=False)

    @cached_property
    def by_session(self) -> dict[str, Assignment]:
        return {a.session: a for a in self.assignments}
