"""One conference assembly behind both loaders.

``folder.py`` (the YAML layout) and ``excel.py`` (the workbook) only read: each
turns its source into a ``RawConference`` of Records (the conference's own keys,
its weights, days with their slots, rooms, speakers, sessions and interests,
each with its Location). ``assemble`` parses every field the same way for both
(``build``), checks the cross-references (``validate``) and returns the
Conference, or raises one InputError with every problem: those the reader found
and those found here.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from ..errors import InputError, Problem
from ..model import DEFAULT_WEIGHTS, Conference, Day
from .build import (Record, Terms, build_day, build_interest, build_meta, build_room, build_session, build_speaker,
                    build_weights)
from .validate import language_warnings, unavailable_outside_conference, validate


@dataclass
class RawConference:
    """What a reader found: Records, and the problems and warnings of reading."""
    terms: Terms
    folder: str                      # where the conference's outputs go (Conference.folder)
    default_name: str                # the conference's name when it gives none
    meta: Record                     # name, acronym, time_zone, city, venue, hosts, language, url
    weights: Record | None = None    # goal -> weight
    days: list[Record] = field(default_factory=list)       # date, slots (a list of Records: start, end, kind)
    rooms: list[Record] = field(default_factory=list)
    speakers: list[Record] = field(default_factory=list)
    sessions: list[Record] = field(default_factory=list)
    interests: list[Record] = field(default_factory=list)  # attendee, session
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def assemble(raw: RawConference) -> Conference:
    """Records -> a checked Conference; raises InputError listing every problem."""
    problems, warnings = list(raw.problems), list(raw.warnings)
    meta = build_meta(raw.meta, raw.default_name, problems, warnings)
    weights = build_weights(raw.weights, problems, set(DEFAULT_WEIGHTS))
    days = _days(raw.days, problems)
    rooms = [r for rec in raw.rooms if (r := build_room(rec, problems, warnings))]
    speakers = [p for rec in raw.speakers if (p := build_speaker(rec, problems, warnings))]
    sessions = [s for rec in raw.sessions if (s := build_session(rec, problems, warnings))]
    if problems:
        raise InputError(problems)

    interests = _interests(raw.interests, {s.id for s in sessions}, raw.terms, problems, warnings)
    conf = Conference(days=tuple(sorted(days, key=lambda d: d.date)), rooms=tuple(rooms), speakers=tuple(speakers),
                      sessions=tuple(sessions), weights=weights, interests=interests, folder=raw.folder, **meta)
    problems += validate(conf, raw.terms)
    if problems:
        raise InputError(problems)
    warnings += unavailable_outside_conference(conf) + language_warnings(conf, raw.terms)
    if not sessions:
        warnings.append(raw.terms.no_sessions)
    return replace(conf, warnings=tuple(warnings))


def _days(records: list[Record], problems: list[Problem]) -> list[Day]:
    days: dict = {}
    for rec in records:
        day = build_day(rec, problems)
        if day is not None:
            days.setdefault(day.date, []).append((day, rec.where("date")))
    for date, listed in days.items():
        if len(listed) > 1:
            problems.append(Problem(listed[1][1], f"day {date} is listed {len(listed)} times (first at {listed[0][1]})",
                                    "list each date once"))
    return [listed[0][0] for listed in days.values()]


def _interests(records: list[Record], known: set[str], terms: Terms, problems: list[Problem],
               warnings: list[str]) -> tuple[tuple[str, str], ...]:
    """The (attendee, session) rows that name known sessions; the others are
    skipped with one warning (a survey may name sessions added later)."""
    out, skipped = [], 0
    for rec in records:
        row = build_interest(rec, problems)
        if row is None:
            continue
        if row[1] not in known:
            skipped += 1
            continue
        out.append(row)
    if skipped:
        warnings.append(f"{terms.interests}: {skipped} row{'s' if skipped != 1 else ''} name sessions that are not in "
                        f"{terms.sessions} (skipped; they count once those sessions are added)")
    return tuple(out)
