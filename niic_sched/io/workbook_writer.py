"""Write a conference as a workbook (``convert DIR book.xlsx``) and the blank
template a committee starts from (``template OUT.xlsx``).

The workbook has the sheets that ``io/excel.py`` reads (Conference, Slots,
Rooms, Speakers, Sessions, Interests), plus "Read me" and "Lists" (tracks and
room features for the dropdowns), which the loader ignores. Header rows are
frozen and carry a comment on what the column takes; format, kind, track,
features, speakers and room ids get data-validation dropdowns. Text that would
look like a formula to Excel ("=...") is stored as text.
"""
from __future__ import annotations

import datetime as dt
import io
import os

from ..model import (DEFAULT_WEIGHTS, FORMATS, Conference, Day, Pin, Preference, Room, Session, Slot, Speaker,
                     TimeRange, hhmm)
from .atomic import write_bytes_atomic
from .excel import CONFERENCE_SHEET_KEYS, EXTRA_SESSION_COLUMNS, SESSION_COLUMNS, SPEAKER_COLUMNS, WEIGHT_PREFIX

MIN_VALIDATED_ROWS = 1000

HELP = {
    ("Conference", "key"): "name, acronym, time_zone, city, venue, hosts, language, url; "
                           "soft-goal weights as weights.attendee_conflict etc.",
    ("Slots", "date"): "YYYY-MM-DD (a date cell is fine). One row per slot; the rows of one date form that day.",
    ("Slots", "start"): "HH:MM, 24 h (10:30) or an Excel time. 25:15 means 1:15 after midnight.",
    ("Slots", "end"): "HH:MM, 24 h, or an Excel time.",
    ("Slots", "kind"): "plenary for a plenary slot (only plenaries run then); leave empty otherwise.",
    ("Rooms", "id"): "A short unique id, e.g. hall-a. Sessions name rooms by id.",
    ("Rooms", "capacity"): "Seats (a whole number).",
    ("Rooms", "features"): "Comma-separated, e.g. interpretation, wheelchair, projector.",
    ("Rooms", "unavailable"): "2014-12-08 (whole day) or 2014-12-09 09:00-12:00; several separated by ;",
    ("Speakers", "id"): "A short unique id, e.g. p0001. Sessions name speakers by id.",
    ("Speakers", "unavailable"): "2014-12-08 (whole day) or 2014-12-09 09:00-12:00; several separated by ;",
    ("Sessions", "id"): "A short unique id, e.g. s0001.",
    ("Sessions", "format"): "plenary, workshop, panel or training.",
    ("Sessions", "duration"): "Minutes, e.g. 75. Longer than a slot: consecutive slots, same room and day.",
    ("Sessions", "expected_attendance"): "People expected; must fit the room's capacity. Empty: fits any room.",
    ("Sessions", "speakers"): "Speaker ids from the Speakers sheet, comma-separated.",
    ("Sessions", "requires"): "Room features the session needs, comma-separated.",
    ("Sessions", "after"): "Session ids this one must start after (they end first), comma-separated.",
    ("Sessions", "not_with"): "Session ids this one must never overlap, comma-separated.",
    ("Sessions", "pin_day"): "Fix the day (YYYY-MM-DD). Any of pin_day, pin_start, pin_room may be used.",
    ("Sessions", "pin_start"): "Fix the start time (HH:MM); must be the start of a slot.",
    ("Sessions", "pin_room"): "Fix the room (a room id).",
    ("Sessions", "language"): "Optional language code, e.g. es.",
    ("Sessions", "abstract"): "Optional description shown in the printed program and the exports.",
    ("Sessions", "interpretation"): "Optional: languages offered through interpretation, e.g. en.",
    ("Sessions", "uses"): "Optional: resources used while it runs, e.g. interpreters-es-en: 1; headsets: 80.",
    ("Speakers", "email"): "Optional, private: letters and notices only, never printed or published.",
    ("Speakers", "phone"): "Optional, private: never printed or published.",
    ("Speakers", "language"): "Optional: the language of this speaker's letters and notices, e.g. es.",
    ("Speakers", "sort_name"): "Optional: the speaker index's sort key, e.g. Núñez, María.",
    ("Resources", "resource"): "Something in limited supply, e.g. interpreters-es-en (interpreter teams).",
    ("Resources", "quantity"): "How many there are: sessions running at once use no more than this.",
    ("Tracks", "id"): "A track id as the Sessions sheet writes it; then one column per language (en, es, ...).",
    ("Sessions", "preferred"): "Optional soft wish: 2014-12-08; 2014-12-09 10:30; 10:30 (days, day and start, or start).",
    ("Interests", "attendee"): "Any attendee id. One row per (attendee, wanted session).",
    ("Interests", "session"): "A session id from the Sessions sheet.",
}

READ_ME: list[tuple[str, str]] = [
    ("How to use this workbook", ""),
    ("", ""),
    ("", "This workbook is a whole conference for niic-sched. Fill in the sheets, then run:"),
    ("", "niic-sched check book.xlsx   - lists every problem with its sheet and cell"),
    ("", "niic-sched solve book.xlsx   - writes program/schedule.yaml next to the workbook"),
    ("", ""),
    ("Conference", "One row per setting (key, value): name, acronym, time_zone (e.g. America/Los_Angeles), city, "
                   "venue, hosts (comma-separated), language, url; optional weights.attendee_conflict etc."),
    ("Slots", "One row per time slot: date, start, end, kind (plenary, or empty). Days may differ."),
    ("Rooms", "id, name, capacity, features (comma-separated), unavailable."),
    ("Speakers", "id, name, organization, unavailable."),
    ("Sessions", "id, title, format, track, duration (minutes), expected_attendance, speakers (ids), requires "
                 "(room features), after, not_with (session ids), pin_day, pin_start, pin_room, language; "
                 "optional: abstract, preferred."),
    ("Interests", "Optional: attendee, session - who wants to attend what (from a registration survey)."),
    ("Resources", "Optional: resource, quantity - interpreter teams, headsets...: sessions running at once use "
                  "no more than the quantity (Sessions column uses)."),
    ("Tracks", "Optional: id, then one column per language (en, es, ar) with the track's display name."),
    ("Lists", "Tracks and room features offered in the dropdowns; add your own."),
    ("", ""),
    ("Times", "HH:MM in 24 hours (13:30), 1:30 PM, or an Excel time; 25:15 is 1:15 after midnight."),
    ("Dates", "YYYY-MM-DD or an Excel date."),
    ("Lists in a cell", "Separated by commas: p0001, p0002."),
    ("Unavailable", "2014-12-08 (the whole day) or 2014-12-09 09:00-12:00; several separated by ;"),
    ("Also", "Header names may be written in any case; empty rows are skipped; other sheets (like this one) "
             "are ignored. The filled rows are examples: overwrite or delete them. Each header has a comment "
             "saying what its column takes."),
]

COLUMN_WIDTHS = {"id": 14, "title": 48, "name": 30, "organization": 34, "features": 34, "unavailable": 34,
                 "speakers": 24, "requires": 22, "abstract": 60, "key": 28, "value": 52, "date": 12,
                 "track": 22, "preferred": 24, "format": 12, "attendee": 14, "session": 14}


def _safe_text(value: str) -> str:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def put(ws, row: int, col: int, value, number_format: str | None = None):
    """Write one cell; text is always stored as text (never as a formula)."""
    if isinstance(value, str):
        value = _safe_text(value)
    cell = ws.cell(row=row, column=col, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    if number_format:
        cell.number_format = number_format
    return cell


def _ranges(items: tuple[TimeRange, ...]) -> str:
    return "; ".join(str(u) for u in items)


def _preferred(items: tuple[Preference, ...]) -> str:
    parts = []
    for p in items:
        bits = [p.day.isoformat() if p.day else "", hhmm(p.start) if p.start is not None else ""]
        parts.append(" ".join(b for b in bits if b))
    return "; ".join(p for p in parts if p)


def _hosts(hosts: tuple[str, ...]) -> str:
    sep = "; " if any("," in h for h in hosts) else ", "
    return sep.join(hosts)


def _sheet_rows(conf: Conference) -> dict[str, tuple[tuple[str, ...], list[list]]]:
    conference = [["name", conf.name], ["acronym", conf.acronym], ["time_zone", conf.time_zone],
                  ["city", conf.city], ["venue", conf.venue], ["hosts", _hosts(conf.hosts)],
                  ["language", conf.language], ["url", conf.url], ["languages", ", ".join(conf.languages)],
                  ["paper", conf.paper]]
    assert [k for k, _ in conference] == list(CONFERENCE_SHEET_KEYS)
    conference += [[f"{WEIGHT_PREFIX}{k}", v] for k, v in conf.weights]
    slots = [[d.date, hhmm(s.start), hhmm(s.end), "plenary" if s.is_plenary else None]
             for d in conf.days for s in d.slots]
    rooms = [[r.id, r.name, r.capacity, ", ".join(sorted(r.features)), _ranges(r.unavailable)] for r in conf.rooms]
    speakers = [[p.id, p.name, p.organization, _ranges(p.unavailable), p.email, p.phone, p.language, p.sort_name]
                for p in conf.speakers]
    translated = sorted({(lang, part) for s in conf.sessions for lang, title, abstract in s.translations
                         for part, text in (("title", title), ("abstract", abstract)) if text})
    translation_columns = tuple(f"{part}_{lang}" for lang, part in translated)
    sessions = []
    for s in conf.sessions:
        pin = s.pin or Pin()
        sessions.append([s.id, s.title, s.format, s.track, s.duration, s.expected_attendance or None,
                         ", ".join(s.speakers), ", ".join(sorted(s.requires)), ", ".join(s.after),
                         ", ".join(s.not_with), pin.day, hhmm(pin.start) if pin.start is not None else None,
                         pin.room, s.language, s.abstract, _preferred(s.preferred), ", ".join(s.interpretation),
                         "; ".join(f"{k}: {v}" for k, v in s.uses)]
                        + [s.translated(lang, part) for lang, part in translated])
    interests = [[a, sid] for a, sid in conf.interests]
    track_languages = tuple(sorted({lang for _, names in conf.tracks for lang, _ in names}))
    tracks = [[t] + [dict(names).get(lang) for lang in track_languages] for t, names in conf.tracks]
    return {
        "Conference": (("key", "value"), conference),
        "Slots": (("date", "start", "end", "kind"), slots),
        "Rooms": (("id", "name", "capacity", "features", "unavailable"), rooms),
        "Speakers": (SPEAKER_COLUMNS, speakers),
        "Sessions": (SESSION_COLUMNS + EXTRA_SESSION_COLUMNS + translation_columns, sessions),
        "Interests": (("attendee", "session"), interests),
        "Resources": (("resource", "quantity"), [[k, v] for k, v in conf.resources]),
        "Tracks": (("id",) + track_languages, tracks),
    }


def _style_header(ws, sheet: str, headers: tuple[str, ...]) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    fill = PatternFill("solid", fgColor="DDE7F0")
    for i, h in enumerate(headers, start=1):
        cell = put(ws, 1, i, h)
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.border = Border(bottom=Side(style="thin"))
        cell.alignment = Alignment(vertical="center")
        if (sheet, h) in HELP:
            cell.comment = Comment(HELP[(sheet, h)], "niic-sched", width=260, height=90)
        ws.column_dimensions[get_column_letter(i)].width = COLUMN_WIDTHS.get(h, 14)
    ws.freeze_panes = "A2"


def _col(headers: tuple[str, ...], name: str) -> str:
    from openpyxl.utils import get_column_letter
    return get_column_letter(headers.index(name) + 1)


def _validations(wb, sheets: dict[str, tuple[tuple[str, ...], list[list]]]) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    def add(sheet: str, column: str, n_rows: int, **kw) -> None:
        headers = sheets[sheet][0]
        ws = wb[sheet]
        letter = _col(headers, column)
        last = max(MIN_VALIDATED_ROWS, n_rows + 500)
        kw.setdefault("showErrorMessage", True)
        dv = DataValidation(allow_blank=True, **kw)
        dv.add(f"{letter}2:{letter}{last}")
        ws.add_data_validation(dv)

    n = {name: len(rows) for name, (_, rows) in sheets.items()}
    room_ids = f"Rooms!$A$2:$A${max(MIN_VALIDATED_ROWS, n['Rooms'] + 500)}"
    speaker_ids = f"Speakers!$A$2:$A${max(5000, n['Speakers'] + 500)}"
    session_ids = f"Sessions!$A$2:$A${max(5000, n['Sessions'] + 500)}"
    loose = {"showErrorMessage": False}   # a list cell holds several values: suggest, never refuse
    add("Slots", "kind", n["Slots"], type="list", formula1='"regular,plenary"', errorStyle="warning",
        error="kind is plenary, or empty for a regular slot", errorTitle="Slot kind")
    add("Sessions", "format", n["Sessions"], type="list", formula1='"' + ",".join(FORMATS) + '"',
        errorStyle="warning", error="format is one of " + ", ".join(FORMATS), errorTitle="Format")
    add("Sessions", "track", n["Sessions"], type="list", formula1="Lists!$A$2:$A$500", **loose)
    add("Sessions", "requires", n["Sessions"], type="list", formula1="Lists!$B$2:$B$200", **loose)
    add("Rooms", "features", n["Rooms"], type="list", formula1="Lists!$B$2:$B$200", **loose)
    add("Sessions", "pin_room", n["Sessions"], type="list", formula1=room_ids, errorStyle="warning",
        error="pin_room must be a room id from the Rooms sheet", errorTitle="Room")
    add("Sessions", "speakers", n["Sessions"], type="list", formula1=speaker_ids, **loose)
    add("Sessions", "after", n["Sessions"], type="list", formula1=session_ids, **loose)
    add("Sessions", "not_with", n["Sessions"], type="list", formula1=session_ids, **loose)
    add("Sessions", "duration", n["Sessions"], type="whole", operator="greaterThan", formula1="0",
        errorStyle="warning", error="duration is a whole number of minutes, e.g. 75", errorTitle="Duration")
    add("Rooms", "capacity", n["Rooms"], type="whole", operator="greaterThan", formula1="0",
        errorStyle="warning", error="capacity is a whole number of seats", errorTitle="Capacity")


def workbook_bytes(conf: Conference, *, tracks: tuple[str, ...] = (), features: tuple[str, ...] = ()) -> bytes:
    """The conference as .xlsx bytes. ``tracks``/``features`` add dropdown entries
    beyond those the conference already uses."""
    import openpyxl
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.properties import PageSetupProperties

    sheets = _sheet_rows(conf)
    wb = openpyxl.Workbook()
    readme = wb.active
    readme.title = "Read me"
    wrap = Alignment(wrap_text=True, vertical="top")
    for i, (label, text) in enumerate(READ_ME, start=1):
        cell = put(readme, i, 1, label)
        cell.font = Font(bold=True, size=14 if i == 1 else 11)
        if i == 1:
            readme.merge_cells("A1:B1")
            readme.row_dimensions[1].height = 22
            continue
        cell.alignment = wrap
        put(readme, i, 2, text).alignment = wrap
        readme.row_dimensions[i].height = 15 * max(1, -(-len(text) // 90))
    readme.column_dimensions["A"].width = 16
    readme.column_dimensions["B"].width = 95
    readme.page_setup.orientation = "landscape"
    readme.page_setup.fitToWidth = 1
    readme.page_setup.fitToHeight = 0
    readme.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    for name, (headers, rows) in sheets.items():
        ws = wb.create_sheet(name)
        _style_header(ws, name, headers)
        for r, values in enumerate(rows, start=2):
            for c, value in enumerate(values, start=1):
                if value is None or value == "":
                    continue
                cell = put(ws, r, c, value, "yyyy-mm-dd" if isinstance(value, dt.date) else None)
                if headers[c - 1] in ("abstract",):
                    cell.alignment = wrap
    lists = wb.create_sheet("Lists")
    all_tracks = list(dict.fromkeys([s.track for s in conf.sessions if s.track] + list(tracks)))
    all_features = list(dict.fromkeys(sorted({f for r in conf.rooms for f in r.features}
                                              | {f for s in conf.sessions for f in s.requires}) + list(features)))
    _style_header(lists, "Lists", ("tracks", "features"))
    lists.column_dimensions["A"].width = lists.column_dimensions["B"].width = 30
    for i, t in enumerate(all_tracks, start=2):
        put(lists, i, 1, t)
    for i, f in enumerate(all_features, start=2):
        put(lists, i, 2, f)
    _validations(wb, sheets)
    wb.active = 0
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def write_workbook(conf: Conference, path: str | os.PathLike, **kw) -> None:
    write_bytes_atomic(path, workbook_bytes(conf, **kw))


def example_conference() -> Conference:
    """The filled example rows of the template: a tiny conference that checks and solves."""
    d = dt.date(2026, 10, 20)
    slots = (Slot(d, 0, 9 * 60, 10 * 60 + 15, "plenary"), Slot(d, 1, 10 * 60 + 30, 11 * 60 + 45),
             Slot(d, 2, 13 * 60 + 30, 14 * 60 + 45))
    rooms = (Room("hall-a", "Hall A", 400, frozenset({"interpretation", "wheelchair", "projector", "stage"})),
             Room("r101", "Room 101", 60, frozenset({"wheelchair", "projector"}),
                  (TimeRange(d, 13 * 60 + 30, 14 * 60 + 45),)))
    speakers = (Speaker("p0001", "María Núñez", "CHIRLA", email="maria@example.org", language="es",
                        sort_name="Núñez, María"),
                Speaker("p0002", "فاطمة الحسيني", "Arab American Association of New York", (TimeRange(d, 9 * 60, 10 * 60 + 15),)),
                Speaker("p0003", "Nguyễn Thị Minh", "Boat People SOS"))
    sessions = (
        Session("s0001", "Opening plenary: welcome", "plenary", "plenary", 75, 300, ("p0001",)),
        Session("s0002", "Naturalization drives that work", "workshop", "citizenship", 75, 50,
                ("p0002", "p0003"), frozenset({"projector"}), abstract="Organizers share what worked."),
        Session("s0003", "Ciudadanía para todos: taller práctico", "workshop", "citizenship", 75, 80, ("p0001",),
                frozenset({"interpretation"}), after=("s0002",), language="es",
                pin=Pin(room="hall-a"), preferred=(Preference(d, 13 * 60 + 30),), interpretation=("en",),
                translations=(("en", "Citizenship for all: a hands-on workshop", ""),)),
    )
    return Conference(name="My Conference 2026", days=(Day(d, slots),), rooms=rooms, speakers=speakers,
                      sessions=sessions, acronym="MYCONF2026", time_zone="America/Los_Angeles", city="Los Angeles",
                      venue="Convention Center", hosts=("Host organization",), language="en",
                      url="https://example.org/myconf2026", languages=("en", "es"),
                      tracks=(("citizenship", (("en", "Citizenship"), ("es", "Ciudadanía"))),),
                      resources=(("interpreters-es-en", 1),),
                      weights=tuple(sorted((k, DEFAULT_WEIGHTS[k]) for k in ("attendee_conflict", "track_overlap"))),
                      interests=(("a0001", "s0002"), ("a0001", "s0003")))


def template_bytes() -> bytes:
    return workbook_bytes(example_conference(),
                          tracks=("citizenship", "economy", "education", "migration", "workforce"),
                          features=("interpretation", "wheelchair", "projector", "stage", "computer-lab"))


def write_template(path: str | os.PathLike) -> None:
    write_bytes_atomic(path, template_bytes())
