"""Raw records (what a loader read) -> model objects.

Both loaders turn their source into ``Record``s: the spec's keys with the values
as written (YAML values, or workbook cells already turned into the same kinds
of values), the Location of the object and of each key. The builders here parse
every field once, the same way for both sources, appending problems that point
at those Locations. ``assembly.assemble`` puts the objects together and runs the
cross-reference checks (``validate``).
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field, replace
from typing import Any

from ..errors import Location, Problem
from ..i18n import isolate
from ..model import PAPERS, Day, Pin, Preference, Room, Session, Slot, Speaker
from ..text import one_line
from .values import (parse_date, parse_id_list, parse_names, parse_positive_int, parse_quantities, parse_ranges,
                     parse_str, parse_time)

SESSION_KEYS = {"id", "title", "format", "track", "duration", "expected_attendance", "speakers", "requires",
                "after", "not_with", "pin", "language", "preferred", "abstract", "interpretation", "uses", "translations"}
ROOM_KEYS = {"id", "name", "capacity", "features", "unavailable"}
SPEAKER_KEYS = {"id", "name", "organization", "unavailable", "email", "phone", "language", "sort_name"}
# the conference's own keys; its days (slots) and weights are records of their own
META_KEYS = ("name", "acronym", "time_zone", "city", "venue", "hosts", "language", "url", "languages", "paper",
             "tracks", "resources")
TEXT_META_KEYS = ("acronym", "time_zone", "city", "venue", "language", "url", "paper")
_LANGUAGE = re.compile(r"^[a-z]{2,3}([-_][A-Za-z0-9]{2,8})*$")


@dataclass(frozen=True)
class Terms:
    """How a source names its parts, for the messages that must name one."""
    speakers: str      # "speakers.yaml" | "the Speakers sheet"
    rooms: str         # "rooms.yaml" | "the Rooms sheet"
    slots: str         # "conference.yaml" | "the Slots sheet"
    sessions: str      # "the folder" | "the Sessions sheet"
    interests: str     # "interests.csv" | "Interests"
    no_sessions: str   # the warning when there are no sessions at all
    resources: str = "conference.yaml's resources"   # | "the Resources sheet"
    translation: str = "translations: {L: {title: ...}} in the session's file"   # | "a title_L column"


@dataclass
class Record:
    """One object as its source wrote it.

    ``values``: the spec's keys -> values as read (a mapping; for weights, whatever
    was written there). ``at``: where the object stands; ``keys``: where each key
    stands (``pin.day`` for a key inside ``pin``)."""
    values: Any
    at: Location
    keys: dict[str, Location] = field(default_factory=dict)

    def get(self, key: str, default=None):
        return self.values.get(key, default)

    def where(self, key: str, *fallbacks: str) -> Location:
        """Where ``key`` was written; else the first fallback key written; else the object."""
        for k in (key,) + fallbacks:
            if k in self.keys:
                return self.keys[k]
        return self.at.but(key=key)

    def about(self, **subject) -> "Record":
        """The same record whose Locations name the object they belong to (session=..., ...)."""
        return Record(self.values, self.at.but(**subject), {k: v.but(**subject) for k, v in self.keys.items()})


# -- naming the object a message is about --------------------------------------------------------------
TITLE_CHARS = 50      # a session's title in a message is cut after this many characters


def subject(kind: str, oid: str, name: str | None = None) -> str:
    """How a message names a session, speaker or room: its id and its name (a
    session's title), e.g. 'speaker p0001 (María Núñez)', 'session s0004 “Naturalization
    Drives”'. Names are put on one line, control characters escaped, right-to-left
    text isolated."""
    oid = one_line(oid)
    name = one_line(name).strip() if name else ""
    if not name or name == oid:
        return f"{kind} {oid}"
    if kind == "session":
        if len(name) > TITLE_CHARS:
            name = name[:TITLE_CHARS - 1].rstrip() + "…"
        return f"{kind} {oid} “{isolate(name)}”"
    return f"{kind} {oid} ({isolate(name)})"


def label(item) -> str:
    """``subject`` of a model Session, Speaker or Room."""
    if isinstance(item, Session):
        return subject("session", item.id, item.title)
    return subject("speaker" if isinstance(item, Speaker) else "room", item.id, item.name)


def name_problems(problems: list[Problem], since: int, who: str) -> None:
    """Problems ``since`` that index were found in one object's fields: each begins by naming it."""
    for i in range(since, len(problems)):
        p = problems[i]
        if not p.what.startswith(who):
            problems[i] = replace(p, what=f"{who}: {p.what}")


def unknown_keys(rec: Record, known, kind: str, warnings: list[str], who: str = "") -> None:
    for key in rec.values:
        if key in known:
            continue
        close = difflib.get_close_matches(str(key), sorted(known), n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        warnings.append(f"{rec.where(str(key))}: {who + ': ' if who else ''}unknown {kind} key '{key}' ignored{hint}")


def _identified(rec: Record, kind: str, problems: list[Problem]) -> tuple[str | None, Record]:
    """The object's id, and the record whose Locations name it."""
    oid = parse_str(rec.get("id"), rec.where("id"), problems, f"{kind} id")
    return oid, (rec.about(**{kind: oid}) if oid is not None else rec)


def _name_of(rec: Record, key: str) -> str | None:
    value = rec.get(key)
    return value.strip() if isinstance(value, str) and value.strip() else None


def build_session(rec: Record, problems: list[Problem], warnings: list[str]) -> Session | None:
    """The session, or None when it has no id. A field that does not parse adds its
    problem (naming the session) and is left at its default, so that the rest of the
    session can still be checked; the caller tells a partial session by the problems."""
    n = len(problems)
    sid, rec = _identified(rec, "session", problems)
    who = subject("session", sid or "?", _name_of(rec, "title"))
    unknown_keys(rec, SESSION_KEYS, "session", warnings, who)
    where = rec.where
    title = parse_str(rec.get("title"), where("title"), problems, "title")
    fmt = parse_str(rec.get("format", "workshop"), where("format"), problems, "format", required=False) or "workshop"
    track = parse_str(rec.get("track"), where("track"), problems, "track", required=False) or ""
    duration = None
    if rec.get("duration") is None:
        problems.append(Problem(where("duration"), "has no duration", "add duration: 75 (minutes)"))
    else:
        duration = parse_positive_int(rec.get("duration"), where("duration"), problems, "duration", "minutes")
    attendance = 0
    if rec.get("expected_attendance") is not None:
        attendance = parse_positive_int(rec.get("expected_attendance"), where("expected_attendance"), problems,
                                        "expected_attendance", "people")
    speakers = parse_id_list(rec.get("speakers"), where("speakers"), problems, "speakers")
    requires = parse_id_list(rec.get("requires"), where("requires"), problems, "requires")
    after = parse_id_list(rec.get("after"), where("after"), problems, "after")
    not_with = parse_id_list(rec.get("not_with"), where("not_with"), problems, "not_with")
    pin = _pin(rec, problems)
    preferred = _preferred(rec, problems)
    language = parse_str(rec.get("language"), where("language"), problems, "language", required=False)
    if language is not None:
        language = _language(language, where("language"), problems, "language")
    abstract = rec.get("abstract") or ""
    if not isinstance(abstract, str):
        abstract = str(abstract)
    interpretation = tuple(_language(x, where("interpretation"), problems, "interpretation")
                           for x in parse_id_list(rec.get("interpretation"), where("interpretation"), problems,
                                                  "interpretation"))
    uses = parse_quantities(rec.get("uses"), where("uses"), problems, "uses")
    translations = _translations(rec, problems)
    name_problems(problems, n, who)
    if sid is None:
        return None
    return Session(id=sid, title=title or "", format=fmt, track=track, duration=duration or 0,
                   expected_attendance=attendance or 0, speakers=speakers, requires=frozenset(requires),
                   after=after, not_with=not_with, pin=pin, language=language, preferred=tuple(preferred),
                   abstract=abstract.strip(), interpretation=interpretation, uses=uses, translations=translations,
                   where=rec.at, where_keys=dict(rec.keys))


def _language(code: str, where: Location, problems: list[Problem], what: str) -> str:
    """A language code as written (en, es, ar, pt-BR), lower-cased; a problem when it is not one."""
    if not _LANGUAGE.match(code.strip()):
        problems.append(Problem(where, f"{what} {code!r} is not a language code",
                                "write a code such as en, es or ar (ISO 639)"))
    return code.strip().replace("_", "-")


def _translations(rec: Record, problems: list[Problem]) -> tuple[tuple[str, str, str], ...]:
    """``translations: {es: {title: ..., abstract: ...}}`` (a plain text is the title)."""
    raw = rec.get("translations")
    if raw in (None, {}, ""):
        return ()
    where = rec.where("translations")
    if not isinstance(raw, dict):
        problems.append(Problem(where, "translations must be a mapping of language: {title, abstract}",
                                "write translations: {es: {title: \"Renovación de DACA\"}}"))
        return ()
    out = []
    for lang, text in raw.items():
        at = rec.where(f"translations.{lang}", "translations")
        lang = _language(str(lang), at, problems, "translation language")
        if isinstance(text, str):
            text = {"title": text}
        if not isinstance(text, dict) or set(text) - {"title", "abstract"}:
            problems.append(Problem(at, f"the {lang} translation must hold title and/or abstract",
                                    f"write {lang}: {{title: \"...\", abstract: \"...\"}}"))
            continue
        title = parse_str(text.get("title"), at, problems, f"{lang} title", required=False) or ""
        abstract = str(text.get("abstract") or "").strip()
        if title or abstract:
            out.append((lang, title, abstract))
    return tuple(sorted(out))


def _pin(rec: Record, problems: list[Problem]) -> Pin | None:
    p = rec.get("pin")
    if p in (None, {}, ""):
        return None
    if not isinstance(p, dict):
        problems.append(Problem(rec.where("pin"), f"pin {p!r} is not a mapping",
                                "write pin: {day: 2014-12-08, start: \"10:30\", room: r101} (any of the three)"))
        return None
    day = parse_date(p["day"], rec.where("pin.day", "pin"), problems, "pin day") \
        if p.get("day") not in (None, "") else None
    start = parse_time(p["start"], rec.where("pin.start", "pin"), problems, "pin start") \
        if p.get("start") not in (None, "") else None
    room = parse_str(p.get("room"), rec.where("pin.room", "pin"), problems, "pin room", required=False)
    extra = set(p) - {"day", "start", "room"}
    if extra:
        problems.append(Problem(rec.where("pin"), f"pin has unknown keys {sorted(map(str, extra))}",
                                "a pin takes day, start and room only"))
    return Pin(day, start, room)


def _preferred(rec: Record, problems: list[Problem]) -> list[Preference]:
    where = rec.where("preferred")
    raw = rec.get("preferred") or []
    if isinstance(raw, dict):
        raw = [raw]
    if not isinstance(raw, list):
        problems.append(Problem(where, "preferred must be a list of {day, start} entries",
                                "write preferred: [{day: 2014-12-08}]"))
        return []
    out = []
    for item in raw:
        if not isinstance(item, dict):
            problems.append(Problem(where, f"preferred entry {item!r} is not a {{day, start}} mapping",
                                    "write preferred: [{day: 2014-12-08, start: \"10:30\"}]"))
            continue
        day = parse_date(item["day"], where, problems, "preferred day") if item.get("day") else None
        start = parse_time(item["start"], where, problems, "preferred start") \
            if item.get("start") not in (None, "") else None
        out.append(Preference(day, start))
    return out


def build_room(rec: Record, problems: list[Problem], warnings: list[str]) -> Room | None:
    """The room, or None when it has no id (a field that does not parse: as build_session)."""
    n = len(problems)
    rid, rec = _identified(rec, "room", problems)
    who = subject("room", rid or "?", _name_of(rec, "name"))
    unknown_keys(rec, ROOM_KEYS, "room", warnings, who)
    name = parse_str(rec.get("name"), rec.where("name"), problems, "room name", required=False) or rid
    capacity = parse_positive_int(rec.get("capacity"), rec.where("capacity"), problems, "capacity", "seats")
    features = parse_id_list(rec.get("features"), rec.where("features"), problems, "features")
    unavailable = parse_ranges(rec.get("unavailable"), rec.where("unavailable"), problems)
    name_problems(problems, n, who)
    if rid is None:
        return None
    return Room(rid, name or rid, capacity or 0, frozenset(features), unavailable, where=rec.at,
                where_keys=dict(rec.keys))


def build_speaker(rec: Record, problems: list[Problem], warnings: list[str]) -> Speaker | None:
    """The speaker, or None when it has no id (a field that does not parse: as build_session)."""
    n = len(problems)
    pid, rec = _identified(rec, "speaker", problems)
    who = subject("speaker", pid or "?", _name_of(rec, "name"))
    unknown_keys(rec, SPEAKER_KEYS, "speaker", warnings, who)
    name = parse_str(rec.get("name"), rec.where("name"), problems, "speaker name", required=False) or pid
    org = parse_str(rec.get("organization"), rec.where("organization"), problems, "organization",
                    required=False) or ""
    unavailable = parse_ranges(rec.get("unavailable"), rec.where("unavailable"), problems)
    private = {k: parse_str(rec.get(k), rec.where(k), problems, k, required=False) or ""
               for k in ("email", "phone", "language", "sort_name")}
    if private["email"] and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", private["email"]):
        problems.append(Problem(rec.where("email"), f"email {private['email']!r} is not an address",
                                "write it as name@example.org, or leave email out"))
    if private["language"]:
        private["language"] = _language(private["language"], rec.where("language"), problems, "language")
    name_problems(problems, n, who)
    if pid is None:
        return None
    return Speaker(pid, name or pid, org, unavailable, email=private["email"], phone=private["phone"],
                   language=private["language"] or None, sort_name=private["sort_name"], where=rec.at,
                   where_keys=dict(rec.keys))


def build_day(rec: Record, problems: list[Problem]) -> Day | None:
    """A day: ``date`` and ``slots``, a list of slot Records (start, end, kind); None
    when its date is unusable. A slot that does not parse adds its problem and is
    left out (the caller tells a partial day by the problems)."""
    if rec.get("date") in (None, ""):
        problems.append(Problem(rec.where("date"), "day has no date", "write the date as YYYY-MM-DD, e.g. 2014-12-08"))
        date = None
    else:
        date = parse_date(rec.get("date"), rec.where("date"), problems, "day date")
    slots_raw = rec.get("slots")
    if not isinstance(slots_raw, list) or not slots_raw:
        problems.append(Problem(rec.where("slots"), "a day needs a list of slots",
                                "write slots: [{start: \"10:30\", end: \"11:45\"}]"))
        return Day(date, ()) if date is not None else None
    pending = []
    for item in slots_raw:
        if not isinstance(item, Record):
            problems.append(Problem(rec.where("slots"), f"slot {item!r} is not a {{start, end}} mapping",
                                    "write {start: \"10:30\", end: \"11:45\"}"))
            continue
        times = []
        for key in ("start", "end"):
            if item.get(key) in (None, ""):
                problems.append(Problem(item.where(key), f"slot has no {key} time",
                                        "write the time as HH:MM, e.g. 10:30"))
                times.append(None)
            else:
                times.append(parse_time(item.get(key), item.where(key), problems, f"slot {key}"))
        start, end = times
        kind = str(item.get("kind") or "regular").strip().lower()
        if kind not in ("regular", "plenary"):
            problems.append(Problem(item.where("kind"), f"slot kind {item.get('kind')!r} is unknown",
                                    "use kind: plenary, or leave kind out for a regular slot"))
            continue
        if start is not None and end is not None:
            if end <= start:
                problems.append(Problem(item.at, f"slot ends ({item.get('end')}) before it starts "
                                        f"({item.get('start')})", "swap start and end, or correct one of them"))
                continue
            pending.append((start, end, kind, item.at))
    if date is None:
        return None
    pending.sort(key=lambda x: x[:2])
    kept = []
    for slot in pending:
        if kept and kept[-1][0] == slot[0]:
            problems.append(Problem(slot[3], f"two slots of {date} start at the same time",
                                    "remove the duplicate slot"))
            continue
        kept.append(slot)
    return Day(date, tuple(Slot(date, i, s, e, k, where=w) for i, (s, e, k, w) in enumerate(kept)))


def build_weights(rec: Record | None, problems: list[Problem], known: set[str]) -> tuple[tuple[str, int], ...]:
    """``weights``: a mapping of goal -> whole number; its keys are Located by goal name."""
    if rec is None or rec.values in (None, {}):
        return ()
    if not isinstance(rec.values, dict):
        problems.append(Problem(rec.at, "weights must be a mapping of goal: number",
                                "write weights: {attendee_conflict: 10, track_overlap: 5}"))
        return ()
    out = []
    for key, value in rec.values.items():
        where = rec.where(str(key))
        if str(key) not in known:
            close = difflib.get_close_matches(str(key), sorted(known), n=1)
            problems.append(Problem(where, f"unknown weight '{key}'" + (f" (did you mean '{close[0]}'?)" if close else ""),
                                    "use one of: " + ", ".join(sorted(known))))
            continue
        w = parse_positive_int(value, where, problems, f"weight {key}", allow_zero=True)
        if w is not None:
            out.append((str(key), w))
    return tuple(sorted(out))


def build_meta(rec: Record, default_name: str, problems: list[Problem], warnings: list[str]) -> dict:
    """The conference's own fields (name, hosts, time zone, ...) as Conference keyword arguments."""
    unknown_keys(rec, META_KEYS, "conference", warnings)
    meta = {k: parse_str(rec.get(k), rec.where(k), problems, k, required=False) or "" for k in TEXT_META_KEYS}
    if meta["time_zone"]:
        try:
            import zoneinfo
            zoneinfo.ZoneInfo(meta["time_zone"])
        except Exception:
            problems.append(Problem(rec.where("time_zone"), f"time zone {meta['time_zone']!r} is unknown",
                                    "use an IANA name such as America/Los_Angeles"))
    if not meta["time_zone"]:   # said loudly: without it no output can say what the times mean
        at = rec.at
        place = Location(at.file, base=at.base) if at.file else Location(sheet=at.sheet or "Conference")
        warnings.append(f"{place}: no time_zone: the times are the venue's clock times, but no output can say "
                        "which zone that is, so ics and the site's calendar write them as floating local times (shown "
                        "at that clock time in every zone) and frab cannot be exported; add the venue's IANA zone, e.g. "
                        + ("time_zone: America/Los_Angeles" if at.file else
                           "a row with the key time_zone and the value America/Los_Angeles"))
    meta["language"] = _language(meta["language"], rec.where("language"), problems, "language") \
        if meta["language"] else "en"
    if meta["paper"]:
        meta["paper"] = meta["paper"].lower().replace(" ", "")
        if meta["paper"] not in PAPERS:
            problems.append(Problem(rec.where("paper"), f"paper {rec.get('paper')!r} is unknown",
                                    "write paper: letter or paper: a4 (or leave it out: Letter in the Americas)"))
    languages = tuple(_language(x, rec.where("languages"), problems, "languages")
                      for x in parse_id_list(rec.get("languages"), rec.where("languages"), problems, "languages"))
    if languages and meta["language"] not in languages:
        problems.append(Problem(rec.where("languages"), f"languages {list(languages)} do not include the main "
                                f"language {meta['language']!r}", f"add {meta['language']} to languages (first)"))
    if len(set(languages)) < len(languages):
        problems.append(Problem(rec.where("languages"), "languages lists a language twice", "list each language once"))
    # the main language first: its edition is the one at the program's root
    meta["languages"] = tuple(sorted(set(languages), key=lambda x: (x != meta["language"], languages.index(x))))
    meta["resources"] = parse_quantities(rec.get("resources"), rec.where("resources"), problems, "resources",
                                         allow_zero=True)
    meta["tracks"] = _tracks(rec, problems)
    meta["name"] = parse_str(rec.get("name"), rec.where("name"), problems, "conference name",
                             required=False) or default_name
    meta["hosts"] = parse_names(rec.get("hosts"), rec.where("hosts"), problems, "hosts")
    return meta


def _tracks(rec: Record, problems: list[Problem]) -> tuple:
    """``tracks: {citizenship: {en: Citizenship, es: Ciudadanía}}`` (a plain text: the name in every language)."""
    raw = rec.get("tracks")
    if raw in (None, {}, ""):
        return ()
    if not isinstance(raw, dict):
        problems.append(Problem(rec.where("tracks"), "tracks must be a mapping of track: {language: name}",
                                "write tracks: {citizenship: {en: Citizenship, es: Ciudadanía}}"))
        return ()
    out = []
    for track, names in raw.items():
        at = rec.where(f"tracks.{track}", "tracks")
        if isinstance(names, str):
            names = {"*": names}
        if not isinstance(names, dict):
            problems.append(Problem(at, f"track {track}: names must be a mapping of language: name",
                                    f"write {track}: {{en: ..., es: ...}}"))
            continue
        pairs = []
        for lang, name in names.items():
            text = parse_str(name, at, problems, f"track {track} name", required=False)
            if text:
                pairs.append((str(lang), text))
        out.append((str(track), tuple(sorted(pairs))))
    return tuple(sorted(out))


def build_interest(rec: Record, problems: list[Problem]) -> tuple[str, str] | None:
    """One (attendee, session) row."""
    attendee = parse_str(rec.get("attendee"), rec.where("attendee"), problems, "attendee")
    sid = parse_str(rec.get("session"), rec.where("session"), problems, "session")
    return (attendee, sid) if attendee is not None and sid is not None else None
