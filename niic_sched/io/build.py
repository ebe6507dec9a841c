"""Raw mappings (from YAML files or workbook rows) -> model objects.

Both loaders hand plain dicts with the spec's keys to these builders, together
with a ``where`` for the object and one for each key, and a list that collects
problems. Cross-references are checked afterwards by ``validate``.
"""
from __future__ import annotations

import difflib

from ..errors import Problem
from ..model import Day, Pin, Preference, Room, Session, Slot, Speaker
from .values import (parse_date, parse_id_list, parse_positive_int, parse_ranges, parse_str,
                     parse_time)

SESSION_KEYS = {"id", "title", "format", "track", "duration", "expected_attendance", "speakers", "requires",
                "after", "not_with", "pin", "language", "preferred", "abstract"}
ROOM_KEYS = {"id", "name", "capacity", "features", "unavailable"}
SPEAKER_KEYS = {"id", "name", "organization", "unavailable"}
CONFERENCE_KEYS = {"name", "acronym", "time_zone", "city", "venue", "hosts", "language", "url", "days", "weights"}


class Where:
    """Where an object and each of its keys stand."""

    def __init__(self, base: str, keys: dict[str, str] | None = None):
        self.base = base
        self.keys = keys or {}

    def __call__(self, key: str) -> str:
        return self.keys.get(key, self.base)


def unknown_keys(raw: dict, known: set[str], where: Where, kind: str, warnings: list[str]) -> None:
    for key in raw:
        if key in known:
            continue
        close = difflib.get_close_matches(str(key), sorted(known), n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        warnings.append(f"{where(key)}: unknown {kind} key '{key}' ignored{hint}")


def build_session(raw: dict, where: Where, problems: list[Problem], warnings: list[str]) -> Session | None:
    n = len(problems)
    unknown_keys(raw, SESSION_KEYS, where, "session", warnings)
    sid = parse_str(raw.get("id"), where("id"), problems, "session id")
    title = parse_str(raw.get("title"), where("title"), problems, "title")
    fmt = parse_str(raw.get("format", "workshop"), where("format"), problems, "format", required=False) or "workshop"
    track = parse_str(raw.get("track"), where("track"), problems, "track", required=False) or ""
    duration = parse_positive_int(raw.get("duration"), where("duration"), problems, "duration", "minutes") \
        if raw.get("duration") is not None else None
    if raw.get("duration") is None:
        problems.append(Problem(where("id"), f"session {sid or '?'} has no duration",
                                "add duration: 75 (minutes)"))
    attendance = 0
    if raw.get("expected_attendance") is not None:
        attendance = parse_positive_int(raw.get("expected_attendance"), where("expected_attendance"), problems,
                                        "expected_attendance", "people")
    speakers = parse_id_list(raw.get("speakers"), where("speakers"), problems, "speakers")
    requires = parse_id_list(raw.get("requires"), where("requires"), problems, "requires")
    after = parse_id_list(raw.get("after"), where("after"), problems, "after")
    not_with = parse_id_list(raw.get("not_with"), where("not_with"), problems, "not_with")
    pin = None
    if raw.get("pin") not in (None, {}, ""):
        p = raw["pin"]
        if not isinstance(p, dict):
            problems.append(Problem(where("pin"), f"pin {p!r} is not a mapping",
                                    "write pin: {day: 2014-12-08, start: \"10:30\", room: r101} (any of the three)"))
        else:
            day = parse_date(p["day"], where("pin"), problems, "pin day") if p.get("day") not in (None, "") else None
            start = parse_time(p["start"], where("pin"), problems, "pin start") if p.get("start") not in (None, "") else None
            room = parse_str(p.get("room"), where("pin"), problems, "pin room", required=False)
            extra = set(p) - {"day", "start", "room"}
            if extra:
                problems.append(Problem(where("pin"), f"pin has unknown keys {sorted(map(str, extra))}",
                                        "a pin takes day, start and room only"))
            pin = Pin(day, start, room)
    preferred = []
    pref_raw = raw.get("preferred") or []
    if isinstance(pref_raw, dict):
        pref_raw = [pref_raw]
    if not isinstance(pref_raw, list):
        problems.append(Problem(where("preferred"), "preferred must be a list of {day, start} entries",
                                "write preferred: [{day: 2014-12-08}]"))
        pref_raw = []
    for item in pref_raw:
        if not isinstance(item, dict):
            problems.append(Problem(where("preferred"), f"preferred entry {item!r} is not a {{day, start}} mapping",
                                    "write preferred: [{day: 2014-12-08, start: \"10:30\"}]"))
            continue
        day = parse_date(item["day"], where("preferred"), problems, "preferred day") if item.get("day") else None
        start = parse_time(item["start"], where("preferred"), problems, "preferred start") \
            if item.get("start") not in (None, "") else None
        preferred.append(Preference(day, start))
    language = parse_str(raw.get("language"), where("language"), problems, "language", required=False)
    abstract = raw.get("abstract") or ""
    if not isinstance(abstract, str):
        abstract = str(abstract)
    if len(problems) > n or sid is None:
        return None
    return Session(id=sid, title=title or "", format=fmt, track=track, duration=duration or 0,
                   expected_attendance=attendance or 0, speakers=speakers, requires=frozenset(requires),
                   after=after, not_with=not_with, pin=pin, language=language, preferred=tuple(preferred),
                   abstract=abstract.strip(), where=where.base, where_keys=dict(where.keys))


def build_room(raw: dict, where: Where, problems: list[Problem], warnings: list[str]) -> Room | None:
    n = len(problems)
    unknown_keys(raw, ROOM_KEYS, where, "room", warnings)
    rid = parse_str(raw.get("id"), where("id"), problems, "room id")
    name = parse_str(raw.get("name"), where("name"), problems, "room name", required=False) or rid
    capacity = parse_positive_int(raw.get("capacity"), where("capacity"), problems, "capacity", "seats")
    features = parse_id_list(raw.get("features"), where("features"), problems, "features")
    unavailable = parse_ranges(raw.get("unavailable"), where("unavailable"), problems)
    if len(problems) > n or rid is None:
        return None
    return Room(rid, name or rid, capacity or 0, frozenset(features), unavailable, where=where.base,
                where_keys=dict(where.keys))


def build_speaker(raw: dict, where: Where, problems: list[Problem], warnings: list[str]) -> Speaker | None:
    n = len(problems)
    unknown_keys(raw, SPEAKER_KEYS, where, "speaker", warnings)
    pid = parse_str(raw.get("id"), where("id"), problems, "speaker id")
    name = parse_str(raw.get("name"), where("name"), problems, "speaker name", required=False) or pid
    org = parse_str(raw.get("organization"), where("organization"), problems, "organization", required=False) or ""
    unavailable = parse_ranges(raw.get("unavailable"), where("unavailable"), problems)
    if len(problems) > n or pid is None:
        return None
    return Speaker(pid, name or pid, org, unavailable, where=where.base, where_keys=dict(where.keys))


def build_day(raw: dict, where: Where, slot_wheres: list[Where], problems: list[Problem]) -> Day | None:
    n = len(problems)
    date = parse_date(raw.get("date"), where("date"), problems, "day date")
    slots_raw = raw.get("slots")
    if not isinstance(slots_raw, list) or not slots_raw:
        problems.append(Problem(where("slots"), "a day needs a list of slots",
                                "write slots: [{start: \"10:30\", end: \"11:45\"}]"))
        return None
    pending = []
    for i, item in enumerate(slots_raw):
        sw = slot_wheres[i] if i < len(slot_wheres) else where
        if not isinstance(item, dict):
            problems.append(Problem(sw.base, f"slot {item!r} is not a {{start, end}} mapping",
                                    "write {start: \"10:30\", end: \"11:45\"}"))
            continue
        start = parse_time(item.get("start"), sw("start"), problems, "slot start")
        end = parse_time(item.get("end"), sw("end"), problems, "slot end")
        kind = str(item.get("kind") or "regular").strip().lower()
        if kind not in ("regular", "plenary"):
            problems.append(Problem(sw("kind"), f"slot kind {item.get('kind')!r} is unknown",
                                    "use kind: plenary, or leave kind out for a regular slot"))
        if start is not None and end is not None:
            if end <= start:
                problems.append(Problem(sw.base, f"slot ends ({item.get('end')}) before it starts ({item.get('start')})",
                                        "swap start and end, or correct one of them"))
                continue
            pending.append((start, end, kind, sw.base))
    if len(problems) > n or date is None:
        return None
    pending.sort()
    for a, b in zip(pending, pending[1:]):
        if a[0] == b[0]:
            problems.append(Problem(b[3], f"two slots of {date} start at the same time",
                                    "remove the duplicate slot"))
            return None
    slots = tuple(Slot(date, i, s, e, k, where=w) for i, (s, e, k, w) in enumerate(pending))
    return Day(date, slots)


def build_weights(raw, where: Where, problems: list[Problem], known: set[str]) -> tuple[tuple[str, int], ...]:
    if raw in (None, {}):
        return ()
    if not isinstance(raw, dict):
        problems.append(Problem(where.base, "weights must be a mapping of goal: number",
                                "write weights: {attendee_conflict: 10, track_overlap: 5}"))
        return ()
    out = []
    for key, value in raw.items():
        if str(key) not in known:
            close = difflib.get_close_matches(str(key), sorted(known), n=1)
            problems.append(Problem(where(key), f"unknown weight '{key}'" + (f" (did you mean '{close[0]}'?)" if close else ""),
                                    "use one of: " + ", ".join(sorted(known))))
            continue
        w = parse_positive_int(value, where(key), problems, f"weight {key}", allow_zero=True)
        if w is not None:
            out.append((str(key), w))
    return tuple(sorted(out))
