"""What every export needs: the placed sessions with real start and end times,
and identifiers that stay the same when the program is re-solved.

Times of day in the model are minutes after midnight of the conference day and
may pass 24:00 (a slot written "25:15" is 1:15 the next morning); here they
become real, time-zone-aware datetimes.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
import uuid
import zoneinfo
from dataclasses import dataclass
from functools import cached_property

from ..errors import InputError, Problem
from ..model import Conference, Room, Schedule, Session, Slot, hhmm

# uuid5 namespace of niic-sched exports (itself uuid5(NAMESPACE_URL, "https://niic-sched/export"))
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://niic-sched/export")


def conference_key(conf: Conference) -> str:
    """What identifies the conference across re-solves: its acronym, else its name."""
    return (conf.acronym or conf.name).strip()


def session_uuid(conf: Conference, session_id: str) -> uuid.UUID:
    """Stable across re-solves: derived from the conference and the session id only,
    never from a time or a room."""
    return uuid.uuid5(NAMESPACE, f"{conference_key(conf)}/session/{session_id}")


def room_uuid(conf: Conference, room_id: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"{conference_key(conf)}/room/{room_id}")


def speaker_uuid(conf: Conference, speaker_id: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"{conference_key(conf)}/speaker/{speaker_id}")


def tz_of(conf: Conference) -> dt.tzinfo:
    try:
        return zoneinfo.ZoneInfo(conf.time_zone or "UTC")
    except Exception:
        raise InputError([Problem("conference", f"time zone {conf.time_zone!r} is unknown",
                                  "use an IANA name such as America/Los_Angeles")]) from None


def at(conf: Conference, day: dt.date, minutes: int) -> dt.datetime:
    """Minutes after midnight of a conference day (possibly >= 24:00) -> aware datetime."""
    local = dt.datetime.combine(day, dt.time(0)) + dt.timedelta(minutes=minutes)
    return local.replace(tzinfo=tz_of(conf))


def clock(minutes: int) -> str:
    """The wall-clock time of day: 25:15 -> "01:15"."""
    return hhmm(minutes % (24 * 60))


def ascii_slug(text: str, allowed: str = "a-z0-9", sep: str = "-") -> str:
    """'Ciudadanía para todos' -> 'ciudadania-para-todos' (letters outside Latin drop out)."""
    folded = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(f"[^{allowed}]+", sep, folded).strip(sep + "_-")


def numeric_ids(ids: list[str], salt: str) -> dict[str, int]:
    """Positive integer ids, stable across re-solves: the trailing number of each id
    (s0014 -> 14) when those are unique and positive, else a hash of the id."""
    nums = {}
    for i in ids:
        m = re.search(r"(\d+)$", i)
        if not m or int(m.group(1)) <= 0 or int(m.group(1)) >= 2**31:
            break
        nums[i] = int(m.group(1))
    else:
        if len(set(nums.values())) == len(ids):
            return nums
    out: dict[str, int] = {}
    used: set[int] = set()
    for i in sorted(ids):
        n = int.from_bytes(hashlib.sha256(f"{salt}/{i}".encode()).digest()[:4], "big") % 999_999_999 + 1
        while n in used:
            n = n % 999_999_999 + 1
        used.add(n)
        out[i] = n
    return out


@dataclass(frozen=True)
class Placed:
    """A session with its room and its real times."""
    session: Session
    room: Room
    day: dt.date                 # the conference day (a 25:15 session still belongs to it)
    start: int                   # minutes after midnight of ``day``; may be >= 24:00
    end: int
    slots: tuple[Slot, ...]
    begins: dt.datetime          # aware, real date and time
    ends: dt.datetime

    @property
    def minutes(self) -> int:
        return self.end - self.start


class Program:
    """A conference and one of its schedules, ready to export."""

    def __init__(self, conf: Conference, schedule: Schedule, source: str = "schedule"):
        self.conf = conf
        self.schedule = schedule
        self.warnings: list[str] = []
        problems: list[Problem] = []
        placed: list[Placed] = []
        seen: set[str] = set()
        for a in schedule.assignments:
            where = source
            s = conf.session.get(a.session)
            if s is None:
                problems.append(Problem(where, f"session '{a.session}' is scheduled but is not in the conference",
                                        "solve again, or remove it from the schedule"))
                continue
            if a.session in seen:
                problems.append(Problem(where, f"session '{a.session}' is scheduled twice", "keep one of the two"))
                continue
            seen.add(a.session)
            room = conf.room.get(a.room)
            if room is None:
                problems.append(Problem(where, f"session {a.session} is in room '{a.room}', which is not a room "
                                        "of the conference", "solve again, or correct the room id"))
                continue
            run = conf.covered_slots(s, a.day, a.start)
            if not run:
                problems.append(Problem(where, f"session {a.session} starts {a.day} {hhmm(a.start)}, where no run of "
                                        f"slots covers its {s.duration} minutes",
                                        "solve again, or move it to the start of a slot"))
                continue
            placed.append(Placed(s, room, a.day, a.start, run[-1].end, run, at(conf, a.day, a.start),
                                 at(conf, a.day, run[-1].end)))
        if problems:
            raise InputError(problems)
        order = {r.id: i for i, r in enumerate(conf.rooms)}
        placed.sort(key=lambda p: (p.day, p.start, order[p.room.id], p.session.id))
        self.placed = placed
        missing = [s.id for s in conf.sessions if s.id not in seen and s.id not in schedule.unscheduled]
        if missing:
            self.warnings.append(f"{len(missing)} session{'s are' if len(missing) != 1 else ' is'} not in the schedule "
                                 f"({', '.join(missing[:5])}{', ...' if len(missing) > 5 else ''}): solve again to "
                                 "place them")

    @cached_property
    def unplaced(self) -> list[Session]:
        placed = {p.session.id for p in self.placed}
        return [s for s in self.conf.sessions if s.id not in placed]

    def speakers(self, s: Session) -> list[tuple[str, str, str]]:
        """(id, name, organization) of each speaker of ``s``."""
        out = []
        for pid in s.speakers:
            p = self.conf.speaker.get(pid)
            out.append((pid, p.name if p else pid, p.organization if p else ""))
        return out

    def speaker_names(self, s: Session) -> str:
        return ", ".join(name for _, name, _ in self.speakers(s))

    def by_day(self) -> dict[dt.date, list[Placed]]:
        out: dict[dt.date, list[Placed]] = {d.date: [] for d in self.conf.days}
        for p in self.placed:
            out.setdefault(p.day, []).append(p)
        return out
