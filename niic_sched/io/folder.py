"""Load a conference folder (the spec's YAML layout) into the model."""
from __future__ import annotations

import csv
import io
import os
import stat
from pathlib import Path

from ..errors import InputError, Problem
from ..model import Conference, DEFAULT_WEIGHTS
from .build import (CONFERENCE_KEYS, Where, build_day, build_room, build_session, build_speaker, build_weights,
                    unknown_keys)
from .validate import unavailable_outside_conference, validate
from .values import parse_id_list, parse_str
from .yamlfile import LineDict, read_yaml

MAX_CSV_BYTES = 50 * 1024 * 1024


def _where(rel: str, mapping) -> Where:
    if isinstance(mapping, LineDict):
        return Where(f"{rel}:{mapping.line}", {k: f"{rel}:{ln}" for k, ln in mapping.key_lines.items()})
    return Where(rel)


def _list_of_mappings(data, rel: str, key: str, problems: list[Problem]) -> list:
    """rooms.yaml / speakers.yaml: a list, or {key: [...]}."""
    if data is None:
        return []
    if isinstance(data, dict) and key in data:
        data = data[key]
    if not isinstance(data, list):
        problems.append(Problem(rel, f"must hold a list of {key}", f"write '- id: ...' entries, or '{key}:' followed by them"))
        return []
    out = []
    for item in data:
        if isinstance(item, dict):
            out.append(item)
        else:
            problems.append(Problem(rel, f"entry {item!r} is not a mapping", "write each entry as 'id: ...' lines"))
    return out


def session_files(folder: Path) -> list[Path]:
    root = folder / "sessions"
    files = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            if name.endswith((".yaml", ".yml")):
                files.append(Path(dirpath) / name)
    return files


def read_interests(path: Path, rel: str, known: set[str], problems: list[Problem],
                   warnings: list[str]) -> tuple[tuple[str, str], ...]:
    if not os.path.lexists(path):
        return ()
    try:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):   # a folder, a pipe or a device would block or never end
            problems.append(Problem(rel, "is not a plain file (it is a folder, a pipe or a device)",
                                    "replace it by the survey's CSV export, or remove it"))
            return ()
        if st.st_size > MAX_CSV_BYTES:
            problems.append(Problem(rel, f"is {st.st_size / 1e6:.0f} MB, larger than the {MAX_CSV_BYTES // 2**20} MiB "
                                    "interests.csv may have", "trim the survey export"))
            return ()
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.append(Problem(rel, f"is not UTF-8 text (offset {exc.start})", "export the CSV as UTF-8"))
        return ()
    except OSError as exc:
        problems.append(Problem(rel, f"cannot be read: {exc.strerror or exc}", "check that the file is readable"))
        return ()
    reader = csv.reader(io.StringIO(text))
    try:
        rows = list(reader)
    except csv.Error as exc:   # e.g. a cell longer than the csv module's field limit
        problems.append(Problem(f"{rel}:{reader.line_num}", f"cannot be read as CSV: {exc}",
                                "export the survey again as CSV with the columns attendee,session"))
        return ()
    if not rows:
        return ()
    header = [h.strip().lower() for h in rows[0]]
    if "attendee" not in header or "session" not in header:
        problems.append(Problem(f"{rel}:1", "the header row must name the columns attendee and session",
                                "make the first line: attendee,session"))
        return ()
    ia, isess = header.index("attendee"), header.index("session")
    out, skipped = [], 0
    for n, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) <= max(ia, isess):
            problems.append(Problem(f"{rel}:{n}", f"row {row!r} has no {'session' if len(row) <= isess else 'attendee'}",
                                    "write attendee,session on each line"))
            continue
        sid = row[isess].strip()
        if sid not in known:
            skipped += 1
            continue
        out.append((row[ia].strip(), sid))
    if skipped:
        warnings.append(f"{rel}: {skipped} row{'s' if skipped != 1 else ''} name sessions that are not in the folder "
                        "(skipped; they count once those sessions are added)")
    return tuple(out)


def load_folder(folder: str | os.PathLike) -> Conference:
    folder = Path(folder)
    problems: list[Problem] = []
    warnings: list[str] = []
    if not folder.is_dir():
        raise InputError([Problem(str(folder), "is not a conference folder (it does not exist or is not a folder)",
                                  "give the folder that holds conference.yaml, or a .xlsx workbook")])
    for name in ("conference.yaml", "rooms.yaml", "speakers.yaml"):
        if not (folder / name).is_file():
            problems.append(Problem(str(folder / name), "is missing",
                                    f"create {name} (see docs/input-format.md) or run niic-sched in the conference folder"))
    if not (folder / "sessions").is_dir():
        problems.append(Problem(str(folder / "sessions"), "is missing", "create a sessions/ folder with one YAML file per session"))
    if problems:
        raise InputError(problems)

    # conference.yaml
    conf_raw = read_yaml(folder / "conference.yaml", "conference.yaml", problems)
    if conf_raw is not None and not isinstance(conf_raw, dict):
        problems.append(Problem("conference.yaml", "must be a mapping (name:, days:, ...)", "see docs/input-format.md"))
        conf_raw = None
    conf_raw = conf_raw or LineDict()
    cw = _where("conference.yaml", conf_raw)
    unknown_keys(conf_raw, CONFERENCE_KEYS, cw, "conference", warnings)
    name = parse_str(conf_raw.get("name"), cw("name"), problems, "conference name", required=False) or folder.resolve().name
    days = []
    days_raw = conf_raw.get("days")
    if not isinstance(days_raw, list) or not days_raw:
        problems.append(Problem(cw("days"), "the conference needs a list of days with their slots",
                                "write days: [{date: 2014-12-08, slots: [{start: \"10:30\", end: \"11:45\"}]}]"))
        days_raw = []
    for d in days_raw:
        if not isinstance(d, dict):
            problems.append(Problem(cw("days"), f"day {d!r} is not a {{date, slots}} mapping", "see docs/input-format.md"))
            continue
        slots = d.get("slots") if isinstance(d.get("slots"), list) else []
        day = build_day(d, _where("conference.yaml", d), [_where("conference.yaml", s) for s in slots], problems)
        if day:
            days.append(day)
    weights = build_weights(conf_raw.get("weights"), _where("conference.yaml", conf_raw.get("weights")), problems,
                            set(DEFAULT_WEIGHTS))
    hosts = parse_id_list(conf_raw.get("hosts"), cw("hosts"), problems, "hosts") if not isinstance(conf_raw.get("hosts"), str) \
        else (conf_raw["hosts"].strip(),)
    meta = {k: parse_str(conf_raw.get(k), cw(k), problems, k, required=False) or ""
            for k in ("acronym", "time_zone", "city", "venue", "language", "url")}
    if meta["time_zone"]:
        try:
            import zoneinfo
            zoneinfo.ZoneInfo(meta["time_zone"])
        except Exception:
            problems.append(Problem(cw("time_zone"), f"time zone {meta['time_zone']!r} is unknown",
                                    "use an IANA name such as America/Los_Angeles"))

    rooms = []
    data = read_yaml(folder / "rooms.yaml", "rooms.yaml", problems)
    for raw in _list_of_mappings(data, "rooms.yaml", "rooms", problems):
        room = build_room(raw, _where("rooms.yaml", raw), problems, warnings)
        if room:
            rooms.append(room)
    speakers = []
    data = read_yaml(folder / "speakers.yaml", "speakers.yaml", problems)
    for raw in _list_of_mappings(data, "speakers.yaml", "speakers", problems):
        sp = build_speaker(raw, _where("speakers.yaml", raw), problems, warnings)
        if sp:
            speakers.append(sp)
    sessions = []
    for path in session_files(folder):
        rel = path.relative_to(folder).as_posix()
        data = read_yaml(path, rel, problems)
        if data is None:
            continue
        items = data if isinstance(data, list) else [data]
        for raw in items:
            if not isinstance(raw, dict):
                problems.append(Problem(rel, "must hold one session (a mapping) or a list of sessions",
                                        "start the file with 'id: s0001'"))
                continue
            s = build_session(raw, _where(rel, raw), problems, warnings)
            if s:
                sessions.append(s)
    if problems:
        raise InputError(problems)

    interests = read_interests(folder / "interests.csv", "interests.csv", {s.id for s in sessions}, problems, warnings)
    conf = Conference(name=name, days=tuple(sorted(days, key=lambda d: d.date)), rooms=tuple(rooms),
                      speakers=tuple(speakers), sessions=tuple(sessions), hosts=tuple(hosts),
                      weights=weights, interests=interests, folder=str(folder),
                      time_zone=meta["time_zone"] or "UTC", language=meta["language"] or "en",
                      **{k: meta[k] for k in ("acronym", "city", "venue", "url")})
    problems += validate(conf)
    if problems:
        raise InputError(problems)
    warnings += unavailable_outside_conference(conf)
    if not sessions:
        warnings.append("sessions/: no session files found")
    return _with_warnings(conf, warnings)


def _with_warnings(conf: Conference, warnings: list[str]) -> Conference:
    from dataclasses import replace
    return replace(conf, warnings=tuple(warnings))
