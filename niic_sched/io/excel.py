"""Load a conference workbook (.xlsx) into the model.

The workbook holds the same data as a conference folder (see
docs/input-format.md, "Excel workbook"): sheets ``Conference`` (key, value),
``Slots`` (date, start, end, kind), ``Rooms``, ``Speakers``, ``Sessions`` and the
optional ``Interests`` (attendee, session). Beyond the spec, the Sessions sheet
also accepts the optional columns ``abstract`` (text) and ``preferred``
(``2014-12-08; 2014-12-09 10:30; 10:30``: days, days with a start, or starts).

Cells are normalised here (Excel times, datetimes, day fractions and durations
become "HH:MM" text; date cells become dates) and then handed, as plain dicts
with the spec's keys, to the builders that the YAML loader uses too
(``io/build.py``), followed by the shared cross-reference checks
(``io/validate.py``). Every problem names its sheet and cell:
``Sessions!E12: duration 'seventy' is not a number of minutes``.
"""
from __future__ import annotations

import datetime as dt
import difflib
import os
import re
import stat
import warnings as _pywarnings
from dataclasses import replace
from pathlib import Path

from ..errors import InputError, Problem
from ..model import DEFAULT_WEIGHTS, Conference, hhmm
from .build import (Where, build_day, build_room, build_session, build_speaker, build_weights,
                    unknown_keys)
from .validate import unavailable_outside_conference, validate
from .values import parse_date, parse_id_list, parse_str, parse_time

MAX_WORKBOOK_BYTES = 50 * 1024 * 1024
MAX_UNPACKED_BYTES = 100 * 1024 * 1024   # an .xlsx is a zip: what its parts may unpack to (a 5,000-session
                                         # workbook unpacks to about 4 MB; a zip bomb to gigabytes)
MAX_ROWS = 100_000
MAX_MERGED_CELLS = 1_000_000   # merged ranges of one sheet, counted in cells (openpyxl creates each one)

SESSION_COLUMNS = ("id", "title", "format", "track", "duration", "expected_attendance", "speakers", "requires",
                   "after", "not_with", "pin_day", "pin_start", "pin_room", "language")
EXTRA_SESSION_COLUMNS = ("abstract", "preferred")

# sheet -> (columns in the spec's order, required columns)
SHEETS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "Conference": (("key", "value"), ("key", "value")),
    "Slots": (("date", "start", "end", "kind"), ("date", "start", "end")),
    "Rooms": (("id", "name", "capacity", "features", "unavailable"), ("id", "capacity")),
    "Speakers": (("id", "name", "organization", "unavailable"), ("id",)),
    "Sessions": (SESSION_COLUMNS + EXTRA_SESSION_COLUMNS, ("id", "title", "duration")),
    "Interests": (("attendee", "session"), ("attendee", "session")),
}
OPTIONAL_SHEETS = ("Interests",)
CONFERENCE_SHEET_KEYS = ("name", "acronym", "time_zone", "city", "venue", "hosts", "language", "url")
WEIGHT_PREFIX = "weights."

_EXCEL_EPOCH = dt.datetime(1899, 12, 31)   # openpyxl's date for Excel serial 1 is 1900-01-01


def is_workbook_path(path) -> bool:
    return str(path).lower().endswith(".xlsx")


def other_spreadsheet(path) -> InputError | None:
    """A spreadsheet in a format the loader does not read (.xls, .ods, ...): say how to fix it."""
    suffix = Path(path).suffix.lower()
    if suffix in (".xls", ".xlsm", ".xlsb", ".ods", ".numbers") and Path(path).is_file():
        return InputError([Problem(str(path), f"is a {suffix} spreadsheet; niic-sched reads .xlsx workbooks",
                                   "save it as an Excel Workbook (.xlsx) and give that file")])
    return None


def norm_header(value) -> str:
    """'Expected attendance' / 'Pin-Day' / ' ID ' -> 'expected_attendance' / 'pin_day' / 'id'."""
    return re.sub(r"[\s\-]+", "_", str(value).strip().lower())


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# -- cell values -> what the shared parsers read ------------------------------------
def time_cell(value):
    """An Excel time, datetime, duration or day fraction -> "HH:MM" (minutes past
    midnight, so 25:15 is 1:15 after midnight); text passes through; a bare number
    that is not a day fraction becomes text so that the parser rejects it."""
    if _blank(value):
        return None
    if isinstance(value, dt.datetime):
        if value < dt.datetime(1900, 3, 1):   # a time cell beyond 24:00 (serial >= 1)
            minutes = round((value - _EXCEL_EPOCH).total_seconds() / 60)
        else:                                 # a real date and time: its time of day
            minutes = round((value.hour * 3600 + value.minute * 60 + value.second
                             + value.microsecond / 1e6) / 60)
        return hhmm(minutes)
    if isinstance(value, dt.time):
        return hhmm(round((value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6) / 60))
    if isinstance(value, dt.timedelta):
        return hhmm(round(value.total_seconds() / 60)) if value.total_seconds() >= 0 else str(value)
    if isinstance(value, float) and 0 <= value < 2:
        return hhmm(round(value * 24 * 60))
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value


def date_cell(value):
    """A date or datetime cell -> date; an unformatted Excel serial in a plausible
    range -> date; anything else passes through to the parser."""
    if _blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 30000 <= value <= 80000:
        from openpyxl.utils.datetime import from_excel
        converted = from_excel(value)
        return converted.date() if isinstance(converted, dt.datetime) else value
    return value


def duration_cell(value):
    """Minutes; a cell that Excel turned into a time (1:15) counts as 75 minutes."""
    if isinstance(value, dt.time):
        return value.hour * 60 + value.minute + round(value.second / 60)
    if isinstance(value, dt.timedelta):
        return round(value.total_seconds() / 60)
    if isinstance(value, dt.datetime) and value < dt.datetime(1900, 3, 1):
        return round((value - _EXCEL_EPOCH).total_seconds() / 60)
    return value


def text_cell(value):
    """Dates typed into text cells stay readable: 2014-12-08, not 2014-12-08 00:00:00."""
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date().isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return value


def ranges_cell(value):
    """An unavailability cell: text ('2014-12-08; 2014-12-09 09:00-12:00') or one date cell."""
    if isinstance(value, dt.datetime):
        return value.date()
    return value


_PREF = re.compile(r"^\s*(\d{4}-\d{1,2}-\d{1,2})?\s*(.*?)\s*$")


def preferred_cell(value, where: str, problems: list[Problem]) -> list[dict]:
    """'2014-12-08; 2014-12-09 10:30; 10:30' -> [{day}, {day, start}, {start}]."""
    if _blank(value):
        return []
    if isinstance(value, (dt.date, dt.datetime)):
        return [{"day": date_cell(value)}]
    if isinstance(value, (dt.time, dt.timedelta, float)):
        return [{"start": time_cell(value)}]
    out = []
    for part in str(value).split(";"):
        if not part.strip():
            continue
        m = _PREF.match(part)
        day, start = m.group(1), m.group(2)
        if not day and not start:
            continue
        item: dict = {}
        if day:
            item["day"] = day
        if start:
            n = len(problems)
            parse_time(start, where, problems, "preferred start")
            if len(problems) > n:
                continue
            item["start"] = start
        out.append(item)
    return out


# -- sheets --------------------------------------------------------------------------
class Row:
    """One data row: normalised header -> value, and header -> "Sheet!B7"."""

    def __init__(self, sheet: str, number: int, values: dict, cells: dict):
        self.sheet, self.number, self.values, self.cells = sheet, number, values, cells

    def get(self, key):
        return self.values.get(key)

    def at(self, key: str) -> str:
        return self.cells.get(key) or f"{self.sheet}!A{self.number}"

    def where(self, first: str) -> Where:
        return Where(self.at(first), dict(self.cells))


def _find_sheet(wb, name: str):
    for ws in wb.worksheets:
        if ws.title.strip().lower() == name.lower():
            return ws
    return None


def read_sheet(wb, name: str, problems: list[Problem], warnings: list[str]) -> list[Row] | None:
    """The data rows of sheet ``name`` (blank rows skipped), or None when it is
    missing or its header row lacks a required column (a problem is recorded)."""
    from openpyxl.utils import get_column_letter

    columns, required = SHEETS[name]
    ws = _find_sheet(wb, name)
    if ws is None:
        if name in OPTIONAL_SHEETS:
            return []
        titles = [w.title for w in wb.worksheets]
        close = difflib.get_close_matches(name, titles, n=1, cutoff=0.6)
        hint = f" (is '{close[0]}' meant to be it?)" if close else ""
        problems.append(Problem(name, f"the workbook has no sheet '{name}'{hint}",
                                f"add a sheet named {name} whose first row holds the headers "
                                f"{', '.join(columns)} (niic-sched template writes a workbook with every sheet)"))
        return None
    title = ws.title
    last_row = ws.max_row
    rows = _stored_rows(ws, last=MAX_ROWS)
    header_cells = None
    header_row = 0
    for number, cells in rows:
        if any(not _blank(c.value) for c in cells):
            header_cells = cells
            header_row = number
            break
    if header_cells is None:
        problems.append(Problem(f"{title}!A1", f"sheet '{title}' is empty: it needs a header row",
                                f"write the headers {', '.join(columns)} into the first row"))
        return None
    index: dict[str, int] = {}
    letters: dict[str, str] = {}
    for i, c in enumerate(header_cells):
        if _blank(c.value):
            continue
        key = norm_header(c.value)
        letter = get_column_letter(i + 1)
        if key in index:
            problems.append(Problem(f"{title}!{letter}{header_row}",
                                    f"column '{c.value}' appears twice (also in column {letters[key]})",
                                    "keep one of the two columns"))
            continue
        if key not in columns:
            close = difflib.get_close_matches(key, columns, n=1)
            warnings.append(f"{title}!{letter}{header_row}: unknown column '{c.value}' ignored"
                            + (f" (did you mean '{close[0]}'?)" if close else ""))
            continue
        index[key] = i
        letters[key] = letter
    missing = [c for c in required if c not in index]
    if missing:
        problems.append(Problem(f"{title}!{header_row}:{header_row}",
                                f"the header row has no column {', '.join(repr(m) for m in missing)}",
                                f"add the column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
                                f"(headers: {', '.join(columns)})"))
        return None
    out: list[Row] = []
    for number, cells in rows:
        values, where = {}, {}
        for key, i in index.items():
            v = cells[i].value if i < len(cells) else None
            if isinstance(v, str):
                v = v.strip()
            if not _blank(v):
                values[key] = v
            where[key] = f"{title}!{letters[key]}{number}"
        if values:
            out.append(Row(title, number, values, where))
    if last_row > MAX_ROWS:
        for n, cells in _stored_rows(ws, first=MAX_ROWS + 1):
            if any(not _blank(c.value) for c in cells):
                problems.append(Problem(f"{title}!A{n}", f"sheet '{title}' has data beyond row {MAX_ROWS}",
                                        f"keep the data within the first {MAX_ROWS} rows"))
                break
    return out


class _StoredRow:
    """One row of a sheet as stored: its cells by 0-based column; the columns in
    between read as blank cells and are never created."""

    class _Blank:
        value = None

    def __init__(self, by_column: dict):
        self.by_column = by_column
        self.width = max(by_column) + 1

    def __len__(self) -> int:
        return self.width

    def __getitem__(self, i: int):
        return self.by_column.get(i, self._Blank)

    def __iter__(self):
        return (self[i] for i in range(self.width))


def _stored_rows(ws, first: int = 1, last: int | None = None):
    """(row number, _StoredRow) for each row from ``first`` to ``last`` that holds a
    stored cell, in order. openpyxl's iter_rows would create every cell of the
    used rectangle: one stray value at XFD1048576 would make that 17 billion."""
    cells = getattr(ws, "_cells", None)
    if not isinstance(cells, dict):   # pragma: no cover - an openpyxl without the cell store
        for row in ws.iter_rows(min_row=first, max_row=last):
            if row:
                yield row[0].row, _StoredRow({i: c for i, c in enumerate(row)})
        return
    by_row: dict[int, dict] = {}
    for (r, c), cell in cells.items():
        if r >= first and (last is None or r <= last):
            by_row.setdefault(r, {})[c - 1] = cell
    for r in sorted(by_row):
        yield r, _StoredRow(by_row[r])


# -- the sheets' contents -> builders --------------------------------------------
def _conference(rows: list[Row], problems: list[Problem], warnings: list[str]):
    raw: dict = {}
    where: dict[str, str] = {}
    weights: dict = {}
    wweights: dict[str, str] = {}
    for row in rows:
        key_raw = row.get("key")
        if _blank(key_raw):
            problems.append(Problem(row.at("key"), f"value {row.get('value')!r} has no key",
                                    "write the key (name, acronym, time_zone, ...) in the key column"))
            continue
        key = norm_header(key_raw)
        if key.startswith(("weights.", "weight.")):
            name = key.split(".", 1)[1]
            target, twhere = weights, wweights
        else:
            name = key
            target, twhere = raw, where
        if name in target:
            problems.append(Problem(row.at("key"), f"key '{key_raw}' appears twice (also at {twhere[name]})",
                                    "keep one of the two rows"))
            continue
        target[name] = row.get("value")
        twhere[name] = row.at("value") if "value" in row.values else row.at("key")
    return raw, Where("Conference!A1", where), weights, Where("Conference!A1", wweights)


def _time_zone_problem(tz: str, where: str) -> Problem | None:
    try:
        import zoneinfo
        zoneinfo.ZoneInfo(tz)
    except Exception:
        return Problem(where, f"time zone {tz!r} is unknown", "use an IANA name such as America/Los_Angeles")
    return None


def _days(rows: list[Row], problems: list[Problem]):
    by_date: dict[dt.date, list[Row]] = {}
    for row in rows:
        date = parse_date(date_cell(row.get("date")), row.at("date"), problems, "slot date") \
            if "date" in row.values else None
        if "date" not in row.values:
            problems.append(Problem(row.at("date"), "slot has no date", "write the date as YYYY-MM-DD, e.g. 2014-12-08"))
        if date is not None:
            by_date.setdefault(date, []).append(row)
    days = []
    for date, day_rows in sorted(by_date.items()):
        slots, slot_rows = [], []
        for row in day_rows:
            missing = [k for k in ("start", "end") if k not in row.values]
            for key in missing:
                problems.append(Problem(row.at(key), f"slot has no {key} time",
                                        "write the time as HH:MM, e.g. 10:30, or as an Excel time"))
            if missing:
                continue
            item = {"start": time_cell(row.get("start")), "end": time_cell(row.get("end"))}
            if "kind" in row.values:
                item["kind"] = row.get("kind")
            slots.append(item)
            slot_rows.append(row)
        if not slots:
            continue
        first = day_rows[0]
        day = build_day({"date": date, "slots": slots}, Where(first.at("date"), {"date": first.at("date")}),
                        [r.where("date") for r in slot_rows], problems)
        if day:
            days.append(day)
    return days


def _room_raw(row: Row) -> dict:
    raw = {k: text_cell(v) for k, v in row.values.items() if k in ("id", "name", "features")}
    if "capacity" in row.values:
        raw["capacity"] = row.get("capacity")
    if "unavailable" in row.values:
        raw["unavailable"] = ranges_cell(row.get("unavailable"))
    return raw


def _speaker_raw(row: Row) -> dict:
    raw = {k: text_cell(v) for k, v in row.values.items() if k in ("id", "name", "organization")}
    if "unavailable" in row.values:
        raw["unavailable"] = ranges_cell(row.get("unavailable"))
    return raw


def _session_raw(row: Row, problems: list[Problem], pin_cells: dict[str, dict[str, str]]) -> tuple[dict, Where]:
    raw: dict = {}
    for key in ("id", "title", "format", "track", "speakers", "requires", "after", "not_with", "language"):
        if key in row.values:
            raw[key] = text_cell(row.get(key))
    if "duration" in row.values:
        raw["duration"] = duration_cell(row.get("duration"))
    if "expected_attendance" in row.values:
        raw["expected_attendance"] = row.get("expected_attendance")
    if "abstract" in row.values:
        raw["abstract"] = str(text_cell(row.get("abstract")))
    if "preferred" in row.values:
        raw["preferred"] = preferred_cell(row.get("preferred"), row.at("preferred"), problems)
    keys = dict(row.cells)
    pin: dict = {}
    present = [k for k in ("pin_day", "pin_start", "pin_room") if k in row.values]
    if "pin_day" in row.values:
        day = parse_date(date_cell(row.get("pin_day")), row.at("pin_day"), problems, "pin day")
        if day is not None:
            pin["day"] = day
    if "pin_start" in row.values:
        start = time_cell(row.get("pin_start"))
        n = len(problems)
        parse_time(start, row.at("pin_start"), problems, "pin start")
        if len(problems) == n:
            pin["start"] = start
    if "pin_room" in row.values:
        pin["room"] = text_cell(row.get("pin_room"))
    if pin:
        raw["pin"] = pin
    if present:
        # one token for the whole pin; problems found later are pointed at the right cell
        token = ", ".join(row.at(k) for k in present)
        keys["pin"] = token
        pin_cells[token] = {k: row.at(k) for k in present}
    return raw, Where(row.at("id"), keys)


def _interests(rows: list[Row], known: set[str], problems: list[Problem], warnings: list[str]):
    out, skipped = [], 0
    for row in rows:
        attendee = parse_str(text_cell(row.get("attendee")), row.at("attendee"), problems, "attendee")
        sid = parse_str(text_cell(row.get("session")), row.at("session"), problems, "session")
        if attendee is None or sid is None:
            continue
        if sid not in known:
            skipped += 1
            continue
        out.append((attendee, sid))
    if skipped:
        warnings.append(f"Interests: {skipped} row{'s' if skipped != 1 else ''} name sessions that are not in the "
                        "Sessions sheet (skipped; they count once those sessions are added)")
    return tuple(out)


_SHEET_NAMES = (("speakers.yaml", "the Speakers sheet"), ("rooms.yaml", "the Rooms sheet"),
                ("conference.yaml", "the Slots sheet"), ("sessions/", "the Sessions sheet"))


def _in_workbook_terms(p: Problem, pin_cells: dict[str, dict[str, str]]) -> Problem:
    """The shared checks speak of YAML files; say sheets instead, and point a pin
    problem at the pin cell it is about."""
    what, fix, where = p.what, p.fix, p.where
    for old, new in _SHEET_NAMES:
        what, fix = what.replace(old, new), fix.replace(old, new)
    if where in pin_cells:
        cells = pin_cells[where]
        for word, key in (("pinned room", "pin_room"), ("pinned day", "pin_day"), ("pinned time", "pin_start")):
            if word in what and key in cells:
                where = cells[key]
                break
    return Problem(where, what, fix)


# -- the loader --------------------------------------------------------------------------
def open_workbook(path: Path):
    """openpyxl's workbook, or InputError naming the file and what to do."""
    import openpyxl

    where = str(path)
    try:
        st = path.stat()
        size = st.st_size
    except FileNotFoundError:
        raise InputError([Problem(where, "does not exist",
                                  "give the path of the workbook, or start one with: niic-sched template book.xlsx")])
    except OSError as exc:
        raise InputError([Problem(where, f"cannot be read: {exc.strerror or exc}", "check the path and permissions")])
    if path.is_dir():
        raise InputError([Problem(where, "is a folder, not a workbook",
                                  "give the .xlsx file, or a conference folder without the .xlsx ending")])
    if not stat.S_ISREG(st.st_mode):   # a pipe or a device would block or never end
        raise InputError([Problem(where, "is not a plain file (it is a pipe or a device)", "give the .xlsx file")])
    if size > MAX_WORKBOOK_BYTES:
        raise InputError([Problem(where, f"is {size / 1e6:.0f} MB, more than the {MAX_WORKBOOK_BYTES // 2**20} MiB "
                                  "a conference workbook may have", "remove pictures and unused sheets")])
    unpacked, merged = _zip_sizes(path)
    if unpacked > MAX_UNPACKED_BYTES:
        raise InputError([Problem(where, f"unpacks to {unpacked / 1e6:,.0f} MB, more than the "
                                  f"{MAX_UNPACKED_BYTES // 2**20} MiB a conference workbook may hold: "
                                  "refused as a possible zip bomb",
                                  "remove pictures, unused sheets and formatting beyond the data, or use a "
                                  "conference folder of YAML files")])
    if merged is not None:
        cells, ref = merged
        raise InputError([Problem(where, f"merges {cells:,} cells ({ref}), more than the {MAX_MERGED_CELLS:,} "
                                  "merged cells a conference workbook may hold", "unmerge those cells")])
    try:
        with _pywarnings.catch_warnings():
            _pywarnings.simplefilter("ignore")
            return openpyxl.load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on damaged files
        detail = f"{type(exc).__name__}: {str(exc)[:120] or 'damaged'}"
        raise InputError([Problem(where, f"is not a readable .xlsx workbook ({detail})",
                                  "open it in Excel or LibreOffice and save it again as an Excel Workbook (.xlsx)")]
                         ) from None


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s[^>]*?ref="\$?([A-Z]{1,3})\$?(\d{1,7}):\$?([A-Z]{1,3})\$?(\d{1,7})"')


def _zip_sizes(path: Path) -> tuple[int, tuple[int, str] | None]:
    """What its parts unpack to, as the zip directory declares it (Python's zipfile
    never unpacks more than declared), and, when a sheet merges more than
    MAX_MERGED_CELLS cells (openpyxl would create every one), their count and the
    largest range. (0, None) when it is not a zip, which openpyxl then reports."""
    import zipfile

    from openpyxl.utils import column_index_from_string
    try:
        z = zipfile.ZipFile(path)
    except Exception:   # not a zip, or a damaged one: openpyxl says so
        return 0, None
    with z:
        infos = z.infolist()
        unpacked = sum(max(0, info.file_size) for info in infos)
        if unpacked > MAX_UNPACKED_BYTES:
            return unpacked, None
        for info in infos:
            if not info.filename.startswith("xl/worksheets/") or not info.filename.endswith(".xml"):
                continue
            try:
                xml = z.read(info)
            except Exception:   # a damaged part: openpyxl says so
                continue
            total, largest = 0, (0, b"")
            for m in _MERGE.finditer(xml):
                c1, r1, c2, r2 = (column_index_from_string(m.group(1).decode()), int(m.group(2)),
                                  column_index_from_string(m.group(3).decode()), int(m.group(4)))
                area = (abs(c2 - c1) + 1) * (abs(r2 - r1) + 1)
                total += area
                largest = max(largest, (area, b"%s%s:%s%s" % m.groups()), key=lambda x: x[0])
            if total > MAX_MERGED_CELLS:
                return unpacked, (total, largest[1].decode())
    return unpacked, None


def load_workbook(path: str | os.PathLike) -> Conference:
    """A conference workbook -> Conference; raises InputError listing every problem."""
    path = Path(path)
    wb = open_workbook(path)
    problems: list[Problem] = []
    warnings: list[str] = []
    try:
        sheets = {name: read_sheet(wb, name, problems, warnings) for name in SHEETS}
    finally:
        wb.close()
    if problems:
        raise InputError(problems)

    # Conference and Slots
    raw, cw, wraw, ww = _conference(sheets["Conference"], problems, warnings)
    unknown_keys(raw, set(CONFERENCE_SHEET_KEYS), cw, "conference", warnings)
    name = parse_str(text_cell(raw.get("name")), cw("name"), problems, "conference name", required=False) \
        or path.stem
    hosts_raw = text_cell(raw.get("hosts"))
    if isinstance(hosts_raw, str) and ";" in hosts_raw:
        hosts = tuple(h.strip() for h in hosts_raw.split(";") if h.strip())
    else:
        hosts = parse_id_list(hosts_raw, cw("hosts"), problems, "hosts")
    meta = {k: parse_str(text_cell(raw.get(k)), cw(k), problems, k, required=False) or ""
            for k in ("acronym", "time_zone", "city", "venue", "language", "url")}
    if meta["time_zone"]:
        p = _time_zone_problem(meta["time_zone"], cw("time_zone"))
        if p:
            problems.append(p)
    weights = build_weights(wraw, ww, problems, set(DEFAULT_WEIGHTS))
    days = _days(sheets["Slots"], problems)
    if not sheets["Slots"]:
        problems.append(Problem("Slots!A2", "the Slots sheet lists no slots",
                                "add one row per slot: date, start, end (and kind: plenary for plenary slots)"))

    rooms = []
    for row in sheets["Rooms"]:
        room = build_room(_room_raw(row), row.where("id"), problems, warnings)
        if room:
            rooms.append(room)
    speakers = []
    for row in sheets["Speakers"]:
        sp = build_speaker(_speaker_raw(row), row.where("id"), problems, warnings)
        if sp:
            speakers.append(sp)
    sessions = []
    pin_cells: dict[str, dict[str, str]] = {}
    for row in sheets["Sessions"]:
        n = len(problems)
        raw_s, where = _session_raw(row, problems, pin_cells)
        s = build_session(raw_s, where, problems, warnings)
        if s and len(problems) == n:
            sessions.append(s)
    if problems:
        raise InputError(problems)

    interests = _interests(sheets["Interests"], {s.id for s in sessions}, problems, warnings)
    conf = Conference(name=name, days=tuple(days), rooms=tuple(rooms), speakers=tuple(speakers),
                      sessions=tuple(sessions), hosts=tuple(hosts), weights=weights, interests=interests,
                      folder=str(path.resolve().parent), time_zone=meta["time_zone"] or "UTC",
                      language=meta["language"] or "en", **{k: meta[k] for k in ("acronym", "city", "venue", "url")})
    problems += [_in_workbook_terms(p, pin_cells) for p in validate(conf)]
    if problems:
        raise InputError(problems)
    warnings += unavailable_outside_conference(conf)
    if not sessions:
        warnings.append("Sessions: the sheet lists no sessions")
    return replace(conf, warnings=tuple(warnings))


def conference_home(path: str | os.PathLike) -> Path:
    """Where a conference's outputs go: the folder itself, or a workbook's folder."""
    path = Path(path)
    return path.parent if is_workbook_path(path) else path
