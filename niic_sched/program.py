"""The placed program: a Conference and one of its Schedules, joined and checked once.

Every output (the HTML site, the PDF booklet, the xlsx agenda, ics, frab, CSV)
reads the program from one ``PlacedProgram``:

    program = PlacedProgram.build(conf, schedule, source="program/schedule.yaml")
    for p in program.placements:          # by day, start, room (rooms.yaml order)
        p.session, p.room, p.speakers, p.slots, p.begins, p.ends

Building it checks the *structure* of the schedule against the conference, once,
and raises ``ScheduleMismatch`` (an InputError: exit 2) listing every problem:
a session or a room the conference does not know, a session scheduled twice, a
start from which no run of slots covers the session (not a conference day, no
slot starts there, or the slots that follow are too short). A schedule that is
well formed but breaks hard rules (two sessions in one room at once, a speaker
in two places) builds: judging rules is ``check.py``'s work, and
``placed(conf, schedule, force=...)`` is the one policy that applies it (refuse
unless ``--force``).

Local times: the conference's ``time_zone`` (an IANA name) read with zoneinfo, in
one place (``PlacedProgram.local``). Without one (empty: conference.yaml gives no
``time_zone``, which every command warns about) times are *floating*: naive
datetimes, the venue's clock times with no zone, which the exports write as such
(never as UTC). A start written past 24:00 ("25:15") is 1:15 the next morning but
stays on its conference day. An unknown zone is an InputError naming the zone (the
loaders already refuse one).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from functools import cached_property
from types import MappingProxyType
from typing import Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import InputError, Problem
from .model import Conference, Room, Schedule, Session, Slot, Speaker, hhmm


class ScheduleMismatch(InputError):
    """The schedule does not fit the conference (unknown session or room, a session
    twice, a start that is no run of slots); ``problems`` lists every one."""


class BrokenRules(InputError):
    """The schedule breaks hard rules and was not forced; ``violations`` are check.py's."""

    def __init__(self, violations, source: str = "schedule"):
        self.violations = tuple(violations)
        self.source = source
        super().__init__([Problem(source, str(v)) for v in self.violations])

    def summary(self) -> str:
        n = len(self.violations)
        return "\n".join([f"{self.source}: {n} broken hard rule{'s' if n != 1 else ''}:"]
                         + [f"  {v}" for v in self.violations]
                         + ["    fix: re-solve (niic-sched solve) or correct the schedule; --force uses it anyway"])


def zone_of(conf: Conference) -> ZoneInfo | None:
    """The conference's time zone; None for "" (floating local times); an unknown name
    is an InputError."""
    name = conf.time_zone
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise InputError([Problem("conference", f"time zone {name!r} is unknown",
                                  "use an IANA name such as America/Los_Angeles")]) from None


def local_time(zone: dt.tzinfo | None, day: dt.date, minutes: int) -> dt.datetime:
    """Minutes after midnight of a conference day (possibly >= 24:00) -> aware local
    datetime (naive, floating, when there is no zone)."""
    return (dt.datetime.combine(day, dt.time(0)) + dt.timedelta(minutes=minutes)).replace(tzinfo=zone)


def speakers_of(conf: Conference, session: Session) -> tuple[Speaker, ...]:
    """The speakers of a session in its order; an id speakers.yaml lacks stands as a
    Speaker named by its id (the loaders refuse such ids; hand-built conferences may not)."""
    return tuple(conf.speaker.get(pid) or Speaker(id=pid, name=pid) for pid in session.speakers)


@dataclass(frozen=True, eq=False)
class Placement:
    """One assignment of the schedule, joined with what it names."""
    session: Session
    room: Room
    speakers: tuple[Speaker, ...]
    day: dt.date                 # the conference day (a 25:15 session still belongs to it)
    start: int                   # minutes after midnight of ``day``; may be >= 24:00
    end: int                     # the end of its last covered slot
    slots: tuple[Slot, ...]      # the consecutive slots it covers
    begins: dt.datetime          # aware, in the conference's time zone: the real date and time (naive without one)
    ends: dt.datetime

    @property
    def id(self) -> str:
        return self.session.id

    @property
    def minutes(self) -> int:
        return self.end - self.start


@dataclass(frozen=True, eq=False)
class PlacedProgram:
    """A conference and one schedule of it, structurally valid. Immutable: build it
    with ``PlacedProgram.build`` (or ``placed``), read its views."""
    conf: Conference
    schedule: Schedule
    zone: ZoneInfo | None                  # None: no time zone given, times are floating
    placements: tuple[Placement, ...]     # by day, start, room (rooms.yaml order), end, session id
    unplaced: tuple[Session, ...]         # sessions of the conference the schedule does not place
    warnings: tuple[str, ...] = ()
    broken: tuple = ()                    # check.Violation objects when built by placed(..., force=True)
    source: str = "schedule"

    @classmethod
    def build(cls, conf: Conference, schedule: Schedule, source: str = "schedule") -> "PlacedProgram":
        """Join and check; raises ScheduleMismatch listing every structural problem,
        InputError for an unknown time zone."""
        zone = zone_of(conf)
        problems: list[Problem] = []
        out: list[Placement] = []
        seen: set[str] = set()
        for a in schedule.assignments:
            s = conf.session.get(a.session)
            if s is None:
                problems.append(Problem(source, f"session '{a.session}' is scheduled but is not in the conference",
                                        "solve again, or remove it from the schedule"))
                continue
            if a.session in seen:
                problems.append(Problem(source, f"session '{a.session}' is scheduled twice", "keep one of the two"))
                continue
            seen.add(a.session)
            room = conf.room.get(a.room)
            if room is None:
                problems.append(Problem(source, f"session {a.session} is in room '{a.room}', which is not a room "
                                        "of the conference", "solve again, or correct the room id"))
                continue
            run = conf.covered_slots(s, a.day, a.start)
            if not run:
                problems.append(Problem(source, f"session {a.session} starts {a.day} {hhmm(a.start)}, where no run of "
                                        f"slots covers its {s.duration} minutes",
                                        "solve again, or move it to the start of a slot"))
                continue
            end = run[-1].end
            out.append(Placement(s, room, speakers_of(conf, s), a.day, a.start, end, tuple(run),
                                 local_time(zone, a.day, a.start), local_time(zone, a.day, end)))
        if problems:
            raise ScheduleMismatch(problems)
        order = {r.id: i for i, r in enumerate(conf.rooms)}
        out.sort(key=lambda p: (p.day, p.start, order[p.room.id], p.end, p.session.id))
        warnings = []
        missing = [s.id for s in conf.sessions if s.id not in seen and s.id not in schedule.unscheduled]
        if missing:
            warnings.append(f"{len(missing)} session{'s are' if len(missing) != 1 else ' is'} not in the schedule "
                            f"({', '.join(missing[:5])}{', ...' if len(missing) > 5 else ''}): solve again to "
                            "place them")
        return cls(conf=conf, schedule=schedule, zone=zone, placements=tuple(out),
                   unplaced=tuple(s for s in conf.sessions if s.id not in seen), warnings=tuple(warnings),
                   source=source)

    # -- times ------------------------------------------------------------------------------
    def local(self, day: dt.date, minutes: int) -> dt.datetime:
        """Minutes after midnight of a conference day -> aware datetime in the conference's zone
        (naive, floating, when it has none)."""
        return local_time(self.zone, day, minutes)

    # -- views (sorted as ``placements``; every mapping is read-only) --------------------------
    def speakers_of(self, session: Session) -> tuple[Speaker, ...]:
        """The speakers of any session of the conference, placed or not."""
        return speakers_of(self.conf, session)

    @cached_property
    def by_session(self) -> Mapping[str, Placement]:
        return MappingProxyType({p.session.id: p for p in self.placements})

    @cached_property
    def by_day(self) -> Mapping[dt.date, tuple[Placement, ...]]:
        """Every conference day (in the conference's order) -> its placements."""
        return self._group([d.date for d in self.conf.days], lambda p: p.day)

    @cached_property
    def by_room(self) -> Mapping[str, tuple[Placement, ...]]:
        """Every room id (rooms.yaml order) -> its placements."""
        return self._group([r.id for r in self.conf.rooms], lambda p: p.room.id)

    @cached_property
    def by_track(self) -> Mapping[str, tuple[Placement, ...]]:
        """Every track of the conference's sessions (first-seen order) -> its placements."""
        return self._group(list(dict.fromkeys(s.track for s in self.conf.sessions)), lambda p: p.session.track)

    @cached_property
    def by_speaker(self) -> Mapping[str, tuple[Placement, ...]]:
        """Every speaker id with a placed session -> those placements."""
        out: dict[str, list[Placement]] = {}
        for p in self.placements:
            for sp in p.speakers:
                out.setdefault(sp.id, []).append(p)
        return MappingProxyType({k: tuple(v) for k, v in out.items()})

    def _group(self, keys, key_of) -> Mapping:
        out: dict = {k: [] for k in keys}
        for p in self.placements:
            out.setdefault(key_of(p), []).append(p)
        return MappingProxyType({k: tuple(v) for k, v in out.items()})


def placed(conf: Conference, schedule: Schedule, *, force: bool, source: str = "schedule") -> PlacedProgram:
    """The policy of every command that publishes a schedule: build the placed program
    (ScheduleMismatch when it does not fit the conference: never forced), judge it with
    the independent checker, and refuse a schedule that breaks hard rules (BrokenRules)
    unless ``force``; forced, the violations ride along in ``broken``."""
    from .check import check_schedule

    program = PlacedProgram.build(conf, schedule, source)
    violations = tuple(check_schedule(conf, schedule))
    if violations and not force:
        raise BrokenRules(violations, source)
    return replace(program, broken=violations)
