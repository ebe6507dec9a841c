"""Read a conference workbook (.xlsx) into Records for ``assembly``.

The workbook holds the same data as a conference folder (see
docs/input-format.md, "Excel workbook"): sheets ``Conference`` (key, value),
``Slots`` (date, start, end, kind), ``Rooms``, ``Speakers``, ``Sessions`` and the
optional ``Interests`` (attendee, session). Beyond the spec, the Sessions sheet
also accepts the optional columns ``abstract`` (text) and ``preferred``
(``2014-12-08; 2014-12-09 10:30; 10:30``: days, days with a start, or starts).

Only reading happens here: the file, its sheets and header rows, and cells
turned into the values a YAML file would hold (Excel times, datetimes, day
fractions and durations become "HH:MM" text; date cells become dates; the pin
columns become one ``pin``; the rows of a date become one day). Every value is
then parsed by the assembly the folder loader uses too, and every Location is a
sheet and cell, so each problem names its cell:
``Sessions!E12: duration 'seventy' is not a number of minutes``.
"""
from __future__ import annotations

import datetime as dt
import difflib
import os
import re
import stat
import warnings as _pywarnings
from pathlib import Path

from ..errors import InputError, Location, Problem
from ..model import Conference, hhmm
from .assembly import RawConference, assemble
from .build import META_KEYS, Record, Terms
from .values import parse_date

MAX_WORKBOOK_BYTES = 50 * 1024 * 1024
MAX_UNPACKED_BYTES = 100 * 1024 * 1024   # an .xlsx is a zip: what its parts may unpack to (a 5,000-session
                                         # workbook unpacks to about 4 MB; a zip bomb to gigabytes)
MAX_ROWS = 100_000
MAX_MERGED_CELLS = 1_000_000   # merged ranges of one sheet, counted in cells (openpyxl creates each one)

SESSION_COLUMNS = ("id", "title", "format", "track", "duration", "expected_attendance", "speakers", "requires",
                   "after", "not_with", "pin_day", "pin_start", "pin_room", "language")
EXTRA_SESSION_COLUMNS = ("abstract", "preferred", "interpretation", "uses")
SPEAKER_COLUMNS = ("id", "name", "organization", "unavailable", "email", "phone", "language", "sort_name")

# sheet -> (columns in the spec's order, required columns)
SHEETS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "Conference": (("key", "value"), ("key", "value")),
    "Slots": (("date", "start", "end", "kind"), ("date", "start", "end")),
    "Rooms": (("id", "name", "capacity", "features", "unavailable"), ("id", "capacity")),
    "Speakers": (SPEAKER_COLUMNS, ("id",)),
    "Sessions": (SESSION_COLUMNS + EXTRA_SESSION_COLUMNS, ("id", "title", "duration")),
    "Interests": (("attendee", "session"), ("attendee", "session")),
    "Resources": (("resource", "quantity"), ("resource", "quantity")),
    "Tracks": (("id",), ("id",)),
}
OPTIONAL_SHEETS = ("Interests", "Resources", "Tracks")
# columns named by a pattern: a Sessions column per translated part and language, a Tracks column per language
PATTERN_COLUMNS = {"Sessions": re.compile(r"^(title|abstract)_[a-z]{2,3}(-[a-z0-9]{2,8})*$"),
                   "Tracks": re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})*$")}
CONFERENCE_SHEET_KEYS = tuple(k for k in META_KEYS if k not in ("tracks", "resources"))   # those have sheets
WEIGHT_PREFIX = "weights."
PIN_COLUMNS = {"pin_day": "pin.day", "pin_start": "pin.start", "pin_room": "pin.room"}

TERMS = Terms(speakers="the Speakers sheet", rooms="the Rooms sheet", slots="the Slots sheet",
              sessions="the Sessions sheet", interests="Interests", no_sessions="Sessions: the sheet lists no sessions",
              resources="the Resources sheet", translation="a title_L column of the Sessions sheet")

_EXCEL_EPOCH = dt.datetime(1899, 12, 31)   # openpyxl's date for Excel serial 1 is 1900-01-01


def is_workbook_path(path) -> bool:
    return str(path).lower().endswith(".xlsx")


def other_spreadsheet(path) -> InputError | None:
    """A spreadsheet in a format the loader does not read (.xls, .ods, ...): say how to fix it."""
    suffix = Path(path).suffix.lower()
    if suffix in (".xls", ".xlsm", ".xlsb", ".ods", ".numbers") and Path(path).is_file():
        return InputError([Problem(Location(str(path)), f"is a {suffix} spreadsheet; niic-sched reads .xlsx workbooks",
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


def preferred_cell(value) -> list[dict]:
    """'2014-12-08; 2014-12-09 10:30; 10:30' -> [{day}, {day, start}, {start}]."""
    if _blank(value):
        return []
    if isinstance(value, (dt.date, dt.datetime)):
        return [{"day": date_cell(value)}]
    if isinstance(value, (dt.time, dt.timedelta, float)):
        return [{"start": time_cell(value)}]
    out = []
    for part in str(value).split(";"):
        day, start = _PREF.match(part).groups()
        item = {k: v for k, v in (("day", day), ("start", start)) if v}
        if item:
            out.append(item)
    return out


# -- sheets --------------------------------------------------------------------------
class Row:
    """One data row: normalised header -> value, and header -> its cell's Location."""

    def __init__(self, sheet: str, number: int, values: dict, cells: dict[str, Location]):
        self.sheet, self.number, self.values, self.cells = sheet, number, values, cells

    def get(self, key):
        return self.values.get(key)

    def at(self, key: str | None = None) -> Location:
        """The cell of column ``key``; without a key (or with a missing column), the row's id cell or first cell."""
        cell = self.cells.get(key) or self.cells.get("id")
        return cell.but(key=key) if cell is not None else Location(sheet=self.sheet, cell=f"A{self.number}", key=key)

    def record(self, values: dict, keys: dict[str, Location] | None = None) -> Record:
        return Record(values, self.at(), dict(self.cells) if keys is None else keys)


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
        problems.append(Problem(Location(sheet=name), f"the workbook has no sheet '{name}'{hint}",
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
        problems.append(Problem(Location(sheet=title, cell="A1"), f"sheet '{title}' is empty: it needs a header row",
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
            problems.append(Problem(Location(sheet=title, cell=f"{letter}{header_row}", key=key),
                                    f"column '{c.value}' appears twice (also in column {letters[key]})",
                                    "keep one of the two columns"))
            continue
        if key not in columns and not (name in PATTERN_COLUMNS and PATTERN_COLUMNS[name].match(key)):
            close = difflib.get_close_matches(key, columns, n=1)
            warnings.append(f"{title}!{letter}{header_row}: unknown column '{c.value}' ignored"
                            + (f" (did you mean '{close[0]}'?)" if close else ""))
            continue
        index[key] = i
        letters[key] = letter
    missing = [c for c in required if c not in index]
    if missing:
        problems.append(Problem(Location(sheet=title, cell=f"{header_row}:{header_row}"),
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
            where[key] = Location(sheet=title, cell=f"{letters[key]}{number}", key=key)
        if values:
            out.append(Row(title, number, values, where))
    if last_row > MAX_ROWS:
        for n, cells in _stored_rows(ws, first=MAX_ROWS + 1):
            if any(not _blank(c.value) for c in cells):
                problems.append(Problem(Location(sheet=title, cell=f"A{n}"), f"sheet '{title}' has data beyond row {MAX_ROWS}",
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


# -- the sheets' rows -> Records ----------------------------------------------------
def _conference(rows: list[Row], problems: list[Problem]) -> tuple[Record, Record]:
    """The key, value rows -> the conference's keys and its weights (``weights.<goal>`` rows)."""
    top = Location(sheet=rows[0].sheet if rows else "Conference", cell="A1")
    meta, weights = Record({}, top), Record({}, top)
    for row in rows:
        key_raw = row.get("key")
        if _blank(key_raw):
            problems.append(Problem(row.at("key"), f"value {row.get('value')!r} has no key",
                                    "write the key (name, acronym, time_zone, ...) in the key column"))
            continue
        key = norm_header(key_raw)
        if key.startswith(("weights.", "weight.")):
            target, name, value = weights, key.split(".", 1)[1], row.get("value")
            spec_key = f"{WEIGHT_PREFIX}{name}"
        else:
            target, name, value = meta, key, text_cell(row.get("value"))
            spec_key = key
        if name in target.values:
            problems.append(Problem(row.at("key"), f"key '{key_raw}' appears twice (also at {target.keys[name]})",
                                    "keep one of the two rows"))
            continue
        target.values[name] = value
        target.keys[name] = row.at("value" if "value" in row.values else "key").but(key=spec_key)
    return meta, weights


def _days(rows: list[Row], problems: list[Problem]) -> list[Record]:
    """The Slots rows -> one day Record per date, its rows the day's slots."""
    by_date: dict = {}
    for row in rows:
        if "date" not in row.values:
            problems.append(Problem(row.at("date"), "slot has no date", "write the date as YYYY-MM-DD, e.g. 2014-12-08"))
            continue
        value = date_cell(row.get("date"))
        date = parse_date(value, row.at("date"), [], "day date")   # only to group; the assembly reports a bad date
        by_date.setdefault(date if date is not None else ("row", row.number), []).append((value, row))
    days = []
    for group in by_date.values():
        value, first = group[0]
        slots = [row.record({k: time_cell(row.get(k)) if k in ("start", "end") else row.get(k)
                             for k in ("start", "end", "kind") if k in row.values}) for _, row in group]
        days.append(Record({"date": value, "slots": slots}, first.at("date"), {"date": first.at("date")}))
    return days


def _room(row: Row) -> Record:
    values = {k: text_cell(v) for k, v in row.values.items() if k in ("id", "name", "features")}
    if "capacity" in row.values:
        values["capacity"] = row.get("capacity")
    if "unavailable" in row.values:
        values["unavailable"] = ranges_cell(row.get("unavailable"))
    return row.record(values)


def _speaker(row: Row) -> Record:
    values = {k: text_cell(v) for k, v in row.values.items() if k in SPEAKER_COLUMNS and k != "unavailable"}
    if "unavailable" in row.values:
        values["unavailable"] = ranges_cell(row.get("unavailable"))
    return row.record(values)


def _session(row: Row) -> Record:
    values: dict = {}
    for key in ("id", "title", "format", "track", "speakers", "requires", "after", "not_with", "language",
                "interpretation", "uses"):
        if key in row.values:
            values[key] = text_cell(row.get(key))
    translations: dict = {}
    for key in row.values:
        if PATTERN_COLUMNS["Sessions"].match(key):
            part, lang = key.split("_", 1)
            translations.setdefault(lang, {})[part] = str(text_cell(row.get(key)))
    if translations:
        values["translations"] = translations
    if "duration" in row.values:
        values["duration"] = duration_cell(row.get("duration"))
    if "expected_attendance" in row.values:
        values["expected_attendance"] = row.get("expected_attendance")
    if "abstract" in row.values:
        values["abstract"] = str(text_cell(row.get("abstract")))
    if "preferred" in row.values:
        values["preferred"] = preferred_cell(row.get("preferred"))
    keys = {k: v for k, v in row.cells.items() if k not in PIN_COLUMNS}
    for lang in translations:
        keys[f"translations.{lang}"] = row.at(next(k for k in (f"title_{lang}", f"abstract_{lang}")
                                                  if k in row.values)).but(key=f"translations.{lang}")
    pin: dict = {}
    for column, spec_key in PIN_COLUMNS.items():
        if column in row.cells:
            keys[spec_key] = row.at(column).but(key=spec_key)
        if column in row.values:
            value = row.get(column)
            part = spec_key.split(".")[1]
            pin[part] = date_cell(value) if part == "day" else time_cell(value) if part == "start" else text_cell(value)
    if pin:
        values["pin"] = pin
        keys["pin"] = _pin_cells([row.cells[c] for c in PIN_COLUMNS if c in row.cells],
                                 [row.cells[c] for c in PIN_COLUMNS if c in row.values])
    return row.record(values, keys)


def _pin_cells(columns: list[Location], filled: list[Location]) -> Location:
    """Where a row's pin stands: its one filled pin cell ("Sessions!M4"), or the
    range of pin columns from the first filled to the last ("Sessions!K4:M4")
    when no other column stands between them, else the first filled one."""
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

    def index(loc: Location) -> int:
        return column_index_from_string(coordinate_from_string(loc.cell)[0])

    first, last = min(filled, key=index), max(filled, key=index)
    if first is last or set(range(index(first), index(last) + 1)) - {index(c) for c in columns}:
        return first.but(key="pin")
    return first.but(cell=f"{first.cell}:{last.cell}", key="pin")


def _named_sheet(rows: list[Row], meta: Record, key: str, problems: list[Problem]) -> None:
    """The Resources sheet (resource, quantity) or the Tracks sheet (id, a column per
    language) -> ``meta[key]``, each entry Located at its row."""
    if not rows:
        return
    out: dict = {}
    for row in rows:
        name_col = "resource" if key == "resources" else "id"
        name = text_cell(row.get(name_col))
        if _blank(name):
            problems.append(Problem(row.at(name_col), f"a row of the {row.sheet} sheet has no {name_col}",
                                    f"write the {name_col} in column A, or delete the row"))
            continue
        name = str(name).strip()
        if name in out:
            problems.append(Problem(row.at(name_col), f"{name} is listed twice", "keep one of the two rows"))
            continue
        if key == "resources":
            out[name] = row.get("quantity")
            meta.keys[f"resources.{name}"] = row.at("quantity").but(key=f"resources.{name}")
        else:
            out[name] = {k: str(text_cell(v)) for k, v in row.values.items() if k != "id"}
            meta.keys[f"tracks.{name}"] = row.at("id").but(key=f"tracks.{name}")
    meta.values[key] = out
    meta.keys.setdefault(key, rows[0].at(name_col).but(key=key))


def _interest(row: Row) -> Record:
    return row.record({k: text_cell(row.get(k)) for k in ("attendee", "session") if k in row.values})


# -- the loader --------------------------------------------------------------------------
def open_workbook(path: Path):
    """openpyxl's workbook, or InputError naming the file and what to do."""
    import openpyxl

    where = Location(str(path))
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


def read_workbook(path: Path) -> RawConference:
    """The workbook's sheets -> Records (raises InputError when the file, a sheet or
    a required column cannot be read)."""
    wb = open_workbook(path)
    problems: list[Problem] = []
    warnings: list[str] = []
    try:
        sheets = {name: read_sheet(wb, name, problems, warnings) for name in SHEETS}
    finally:
        wb.close()
    if problems:
        raise InputError(problems, warnings)
    meta, weights = _conference(sheets["Conference"], problems)
    _named_sheet(sheets["Resources"], meta, "resources", problems)
    _named_sheet(sheets["Tracks"], meta, "tracks", problems)
    if not sheets["Slots"]:
        problems.append(Problem(Location(sheet="Slots", cell="A2"), "the Slots sheet lists no slots",
                                "add one row per slot: date, start, end (and kind: plenary for plenary slots)"))
    return RawConference(terms=TERMS, folder=str(path.resolve().parent), default_name=path.stem,
                         meta=meta, weights=weights, days=_days(sheets["Slots"], problems),
                         rooms=[_room(r) for r in sheets["Rooms"]], speakers=[_speaker(r) for r in sheets["Speakers"]],
                         sessions=[_session(r) for r in sheets["Sessions"]],
                         interests=[_interest(r) for r in sheets["Interests"]], problems=problems, warnings=warnings)


def load_workbook(path: str | os.PathLike) -> Conference:
    """A conference workbook -> Conference; raises InputError listing every problem."""
    return assemble(read_workbook(Path(path)))


def conference_home(path: str | os.PathLike) -> Path:
    """Where a conference's outputs go: the folder itself, or a workbook's folder."""
    path = Path(path)
    return path.parent if is_workbook_path(path) else path
