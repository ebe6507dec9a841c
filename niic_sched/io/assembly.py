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
from .validate import Incomplete, language_warnings, unavailable_outside_conference, validate


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
    """Records -> a checked Conference; raises InputError listing every problem, and
    the warnings with them.

    Every check runs in one pass: an object with a field that does not parse is still
    built from the fields that do (and marked partial, in ``Incomplete``), so that its
    cross-references are checked too; only the checks that need what did not parse
    are left out (``validate``)."""
    problems, warnings = list(raw.problems), list(raw.warnings)
    n = len(problems)
    meta = build_meta(raw.meta, raw.default_name, problems, warnings)
    meta_partial = len(problems) > n
    weights = build_weights(raw.weights, problems, set(DEFAULT_WEIGHTS))
    days, days_partial, dates_unknown = _days(raw.days, problems)
    rooms, rooms_partial, rooms_anonymous = _built(build_room, raw.rooms, problems, warnings)
    speakers, speakers_partial, speakers_anonymous = _built(build_speaker, raw.speakers, problems, warnings)
    sessions, sessions_partial, sessions_anonymous = _built(build_session, raw.sessions, problems, warnings)
    incomplete = Incomplete(sessions=sessions_partial, rooms=rooms_partial, speakers=speakers_partial,
                            anonymous=frozenset(k for k, a in (("session", sessions_anonymous), ("room", rooms_anonymous),
                                                               ("speaker", speakers_anonymous)) if a),
                            days=days_partial or dates_unknown, dates=dates_unknown, conference=meta_partial)

    interests = _interests(raw.interests, {s.id for s in sessions}, raw.terms, problems, warnings,
                           complete=not sessions_anonymous)
    conf = Conference(days=tuple(sorted(days, key=lambda d: d.date)), rooms=tuple(rooms), speakers=tuple(speakers),
                      sessions=tuple(sessions), weights=weights, interests=interests, folder=raw.folder, **meta)
    problems += validate(conf, raw.terms, incomplete)
    if not incomplete.dates:
        warnings += unavailable_outside_conference(conf)
    if problems:
        raise InputError(problems, warnings)
    warnings += language_warnings(conf, raw.terms)
    if not sessions:
        warnings.append(raw.terms.no_sessions)
    return replace(conf, warnings=tuple(warnings))


def _built(build, records: list[Record], problems: list[Problem], warnings: list[str]):
    """Build each record: (the objects, the ids of those with a field that did not
    parse, whether a record had no usable id at all)."""
    out, partial, anonymous = [], set(), False
    for rec in records:
        n = len(problems)
        item = build(rec, problems, warnings)
        if item is None:
            anonymous = True
            continue
        out.append(item)
        if len(problems) > n:
            partial.add(item.id)
    return out, frozenset(partial), anonymous


def _days(records: list[Record], problems: list[Problem]) -> tuple[list[Day], bool, bool]:
    """The days, whether one of them lost a slot, whether a day's date is unknown."""
    days: dict = {}
    partial = unknown = False
    for rec in records:
        n = len(problems)
        day = build_day(rec, problems)
        partial = partial or len(problems) > n
        if day is None:
            unknown = True
            continue
        days.setdefault(day.date, []).append((day, rec.where("date")))
    for date, listed in days.items():
        if len(listed) > 1:
            problems.append(Problem(listed[1][1], f"day {date} is listed {len(listed)} times (first at {listed[0][1]})",
                                    "list each date once"))
    return [listed[0][0] for listed in days.values()], partial, unknown


def _interests(records: list[Record], known: set[str], terms: Terms, problems: list[Problem],
               warnings: list[str], complete: bool = True) -> tuple[tuple[str, str], ...]:
    """The (attendee, session) rows that name known sessions; the others are
    skipped with one warning (a survey may name sessions added later; not said
    when a session without a usable id makes ``known`` incomplete)."""
    out, skipped = [], 0
    for rec in records:
        row = build_interest(rec, problems)
        if row is None:
            continue
        if row[1] not in known:
            skipped += 1
            continue
        out.append(row)
    if skipped and complete:
        warnings.append(f"{terms.interests}: {skipped} row{'s' if skipped != 1 else ''} name sessions that are not in "
                        f"{terms.sessions} (skipped; they count once those sessions are added)")
    return tuple(out)
