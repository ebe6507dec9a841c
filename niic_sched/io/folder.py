"""Read a conference folder (the spec's YAML layout) into Records for ``assembly``.

Only reading happens here: which files there are, YAML and CSV syntax, and the
folder's shape (``days:`` is a list of days with slots, rooms.yaml a list of
rooms, ...). Every value is parsed by the assembly, the same way as a workbook's.
"""
from __future__ import annotations

import csv
import io
import os
import stat
from pathlib import Path

from ..errors import InputError, Location, Problem
from ..model import Conference
from .assembly import RawConference, assemble
from .build import Record, Terms
from .yamlfile import LineDict, read_yaml

MAX_CSV_BYTES = 50 * 1024 * 1024

TERMS = Terms(speakers="speakers.yaml", rooms="rooms.yaml", slots="conference.yaml", sessions="the folder",
              interests="interests.csv", no_sessions="sessions/: no session files found")

# mappings inside an object whose keys are Located too: pin.day, pin.start, pin.room, uses.headsets, ...
NESTED = ("pin", "uses", "translations", "tracks", "resources")


def record(rel: str, mapping, at: Location | None = None, prefix: str = "", base: str | None = None) -> Record:
    """A mapping read from ``rel`` -> a Record whose Locations are its lines (``at``:
    where the mapping stands, when its own line is not the place to name; ``prefix``:
    the spec's path to its keys, e.g. "weights."; ``base``: the conference folder as
    given, which messages show the file from)."""
    if not isinstance(mapping, LineDict):
        return Record(mapping, at or Location(rel, base=base))
    keys = {k: Location(rel, ln, key=f"{prefix}{k}", base=base) for k, ln in mapping.key_lines.items()}
    for name in NESTED:
        inner = mapping.get(name)
        if isinstance(inner, LineDict):
            keys.update({f"{name}.{k}": Location(rel, ln, key=f"{prefix}{name}.{k}", base=base)
                         for k, ln in inner.key_lines.items()})
    return Record(mapping, at or Location(rel, mapping.line or None, base=base), keys)


def _list_of_mappings(data, rel: str, key: str, problems: list[Problem], base: str | None = None) -> list[Record]:
    """rooms.yaml / speakers.yaml: a list, or {key: [...]}."""
    if data is None:
        return []
    if isinstance(data, dict) and key in data:
        data = data[key]
    if not isinstance(data, list):
        problems.append(Problem(Location(rel, base=base), f"must hold a list of {key}",
                                f"write '- id: ...' entries, or '{key}:' followed by them"))
        return []
    out = []
    for item in data:
        if isinstance(item, dict):
            out.append(record(rel, item, base=base))
        else:
            problems.append(Problem(Location(rel, base=base), f"entry {item!r} is not a mapping",
                                    "write each entry as 'id: ...' lines"))
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


def read_interests(path: Path, rel: str, problems: list[Problem], base: str | None = None) -> list[Record]:
    """interests.csv -> one Record (attendee, session) per row that is not blank."""
    if not os.path.lexists(path):
        return []
    where = Location(rel, base=base)
    try:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):   # a folder, a pipe or a device would block or never end
            problems.append(Problem(where, "is not a plain file (it is a folder, a pipe or a device)",
                                    "replace it by the survey's CSV export, or remove it"))
            return []
        if st.st_size > MAX_CSV_BYTES:
            problems.append(Problem(where, f"is {st.st_size / 1e6:.0f} MB, larger than the {MAX_CSV_BYTES // 2**20} MiB "
                                    "interests.csv may have", "trim the survey export"))
            return []
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.append(Problem(where, f"is not UTF-8 text (offset {exc.start})", "export the CSV as UTF-8"))
        return []
    except OSError as exc:
        problems.append(Problem(where, f"cannot be read: {exc.strerror or exc}", "check that the file is readable"))
        return []
    reader = csv.reader(io.StringIO(text))
    try:
        rows = list(reader)
    except csv.Error as exc:   # e.g. a cell longer than the csv module's field limit
        problems.append(Problem(Location(rel, reader.line_num, base=base), f"cannot be read as CSV: {exc}",
                                "export the survey again as CSV with the columns attendee,session"))
        return []
    if not rows:
        return []
    header = [h.strip().lower() for h in rows[0]]
    if "attendee" not in header or "session" not in header:
        problems.append(Problem(Location(rel, 1, base=base), "the header row must name the columns attendee and session",
                                "make the first line: attendee,session"))
        return []
    columns = {"attendee": header.index("attendee"), "session": header.index("session")}
    out = []
    for n, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        values = {k: row[i].strip() for k, i in columns.items() if i < len(row)}
        out.append(Record(values, Location(rel, n, base=base), {k: Location(rel, n, key=k, base=base) for k in columns}))
    return out


def read_folder(folder: Path, base: str | None = None) -> RawConference:
    """The folder's files -> Records (raises InputError when a file the folder needs is missing).
    Messages show files from the working directory: ``base/sessions/s1.yaml``, ``base``
    being the folder as given (or ``base`` when the files are read from a copy)."""
    base = str(folder) if base is None else base
    problems: list[Problem] = []
    if not folder.is_dir():
        raise InputError([Problem(Location(str(folder)), "is not a conference folder (it does not exist or is not a folder)",
                                  "give the folder that holds conference.yaml, or a .xlsx workbook")])
    for name in ("conference.yaml", "rooms.yaml", "speakers.yaml"):
        if not (folder / name).is_file():
            problems.append(Problem(Location(name, base=base), "is missing",
                                    f"create {name} (see docs/input-format.md) or run niic-sched in the conference folder"))
    if not (folder / "sessions").is_dir():
        problems.append(Problem(Location("sessions", base=base), "is missing",
                                "create a sessions/ folder with one YAML file per session"))
    if problems:
        raise InputError(problems)

    conf = read_yaml(folder / "conference.yaml", "conference.yaml", problems, base)
    if conf is not None and not isinstance(conf, dict):
        problems.append(Problem(Location("conference.yaml", base=base), "must be a mapping (name:, days:, ...)",
                                "see docs/input-format.md"))
        conf = None
    conf = record("conference.yaml", conf if conf is not None else LineDict(), base=base)
    raw = RawConference(terms=TERMS, folder=str(folder), default_name=folder.resolve().name, problems=problems,
                        meta=Record({k: v for k, v in conf.values.items() if k not in ("days", "weights")},
                                    conf.at, conf.keys))
    if "weights" in conf.values:
        raw.weights = record("conference.yaml", conf.get("weights"), conf.where("weights"), prefix="weights.",
                             base=base)
    days = conf.get("days")
    if not isinstance(days, list) or not days:
        problems.append(Problem(conf.where("days"), "the conference needs a list of days with their slots",
                                "write days: [{date: 2014-12-08, slots: [{start: \"10:30\", end: \"11:45\"}]}]"))
        days = []
    for d in days:
        if not isinstance(d, dict):
            problems.append(Problem(conf.where("days"), f"day {d!r} is not a {{date, slots}} mapping",
                                    "see docs/input-format.md"))
            continue
        day = record("conference.yaml", d, base=base)
        if isinstance(d.get("slots"), list):
            day.values = {**d, "slots": [record("conference.yaml", s, base=base) if isinstance(s, dict) else s
                                         for s in d["slots"]]}
        raw.days.append(day)

    raw.rooms = _list_of_mappings(read_yaml(folder / "rooms.yaml", "rooms.yaml", problems, base), "rooms.yaml",
                                  "rooms", problems, base)
    raw.speakers = _list_of_mappings(read_yaml(folder / "speakers.yaml", "speakers.yaml", problems, base),
                                     "speakers.yaml", "speakers", problems, base)
    for path in session_files(folder):
        rel = path.relative_to(folder).as_posix()
        data = read_yaml(path, rel, problems, base)
        if data is None:
            continue
        for item in data if isinstance(data, list) else [data]:
            if isinstance(item, dict):
                raw.sessions.append(record(rel, item, base=base))
            else:
                problems.append(Problem(Location(rel, base=base), "must hold one session (a mapping) or a list of sessions",
                                        "start the file with 'id: s0001'"))
    raw.interests = read_interests(folder / "interests.csv", "interests.csv", problems, base)
    return raw


def load_folder(folder: str | os.PathLike, base: str | None = None) -> Conference:
    """A conference folder -> Conference; raises InputError listing every problem.
    ``base``: how messages name the folder [default: as given]."""
    return assemble(read_folder(Path(folder), base))
