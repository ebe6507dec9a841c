"""Excel in and out: the workbook loader, `template`, `convert` both ways."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from helpers import write_conf
from niic_sched.errors import InputError
from niic_sched.io import load
from niic_sched.io.excel import time_cell
from niic_sched.io.schedule_file import read_schedule
from niic_sched.io.workbook_writer import example_conference, write_workbook
from niic_sched.model import hhmm

ROOT = Path(__file__).resolve().parents[1]


# -- a workbook written by hand, as a committee's spreadsheet would be ------------------
def _excel_time(minutes: int):
    """A real Excel time cell value (hours past 24 as a duration, as Excel shows [h]:mm)."""
    if minutes < 24 * 60:
        return dt.time(minutes // 60, minutes % 60), "h:mm"
    return dt.timedelta(minutes=minutes), "[h]:mm"


def _range_text(items) -> str:
    return "; ".join(str(u) for u in items)


def hand_made_workbook(conf, path: Path) -> Path:
    """The conference as a committee might type it: capitalised headers in their own
    order, Excel date and time cells, a blank row, no Lists or Read me sheet."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "CONFERENCE"
    ws.append(["Key", "Value"])
    ws.append(["Name", conf.name])
    ws.append(["Acronym", conf.acronym])
    ws.append(["Time Zone", conf.time_zone])
    ws.append([None, None])
    for key, value in (("City", conf.city), ("Venue", conf.venue), ("Hosts", "; ".join(conf.hosts)),
                       ("Language", conf.language), ("URL", conf.url)):
        if value:
            ws.append([key, value])
    for k, v in conf.weights:
        ws.append([f"Weights.{k}", v])
    ws = wb.create_sheet("Slots")
    ws.append(["Date", "Start", "End", "Kind"])
    for d in conf.days:
        for s in d.slots:
            ws.append([d.date, None, None, "Plenary" if s.is_plenary else None])
            r = ws.max_row
            ws.cell(r, 1).number_format = "yyyy-mm-dd"
            for col, minutes in ((2, s.start), (3, s.end)):
                value, fmt = _excel_time(minutes)
                ws.cell(r, col, value).number_format = fmt
    ws = wb.create_sheet("Rooms")
    ws.append(["ID", "Name", "Capacity", "Features", "Unavailable"])
    for r in conf.rooms:
        ws.append([r.id, r.name, r.capacity, ", ".join(sorted(r.features)), _range_text(r.unavailable) or None])
    ws = wb.create_sheet("Speakers")
    ws.append(["Id", "Name", "Organization", "Unavailable"])
    for p in conf.speakers:
        ws.append([p.id, p.name, p.organization, _range_text(p.unavailable) or None])
    ws = wb.create_sheet("Sessions")
    ws.append(["ID", "Title", "Format", "Track", "Duration", "Expected Attendance", "Speakers", "Requires",
               "After", "Not_With", "Pin_Day", "Pin_Start", "Pin_Room", "Language", "Abstract", "Preferred"])
    for i, s in enumerate(conf.sessions):
        if i == 3:
            ws.append([None] * 16)          # a blank row is skipped
        pin_start = None
        if s.pin and s.pin.start is not None:
            pin_start = _excel_time(s.pin.start)[0]
        preferred = "; ".join(" ".join(x for x in (p.day.isoformat() if p.day else "",
                                                   hhmm(p.start) if p.start is not None else "") if x)
                              for p in s.preferred)
        ws.append([s.id, s.title, s.format, s.track, s.duration, s.expected_attendance or None,
                   ", ".join(s.speakers), ", ".join(sorted(s.requires)), ", ".join(s.after), ", ".join(s.not_with),
                   s.pin.day if s.pin else None, pin_start, s.pin.room if s.pin else None, s.language,
                   s.abstract or None, preferred or None])
    ws = wb.create_sheet("Interests")
    ws.append(["ATTENDEE", "SESSION"])
    for a, sid in conf.interests:
        ws.append([a, sid])
    wb.save(path)
    return path


def _assignments(path: Path) -> set:
    return {(a.session, a.day, a.start, a.room) for a in read_schedule(path).assignments}


def test_hand_made_workbook_solves_to_the_same_schedule_as_its_yaml_twin(generated, cli, tmp_path):
    folder = generated(sessions=16, rooms=4, days=2, slots=5, attendees=30, seed=4)
    twin = load(folder)
    book = hand_made_workbook(twin, tmp_path / "book.xlsx")
    wb = openpyxl.load_workbook(book)
    assert isinstance(wb["Slots"]["B2"].value, dt.time) and wb["Sessions"]["A1"].value == "ID"
    assert load(book) == twin, "the workbook and its YAML twin must load to the same conference"

    args = ("--deterministic", "--seed", "1", "--workers", "1", "--time-limit", "30", "-q")
    r1 = cli("solve", folder, "-o", tmp_path / "yaml.yaml", *args)
    r2 = cli("solve", book, "-o", tmp_path / "book.yaml", *args)
    assert r1.exit_code == 0 and r2.exit_code == 0, r1.stderr + r2.stderr
    a1, a2 = _assignments(tmp_path / "yaml.yaml"), _assignments(tmp_path / "book.yaml")
    assert len(a1) == len(twin.sessions) and a1 == a2


@pytest.mark.parametrize("value,text", [
    (dt.time(10, 30), "10:30"),
    (dt.time(10, 14, 59, 997000), "10:15"),          # openpyxl's rounding of 10:15
    (dt.time(23, 59, 59, 999000), "24:00"),
    (dt.datetime(1900, 1, 1, 1, 15), "25:15"),        # an Excel time past 24:00 read as a datetime
    (dt.timedelta(hours=25, minutes=15), "25:15"),    # the same with an [h]:mm format
    (dt.datetime(2014, 12, 8, 9, 30), "09:30"),        # a full date and time: its time of day
    (0.4375, "10:30"),                                 # a day fraction without a time format
    ("9:00 AM", "9:00 AM"),                            # text passes through to the shared parser
    (9, "9"),                                          # a bare number is not a time: rejected later
])
def test_time_cells(value, text):
    assert time_cell(value) == text


def _book(tmp_path: Path, conf=None) -> Path:
    path = tmp_path / "book.xlsx"
    write_workbook(conf or example_conference(), path)
    return path


def _edit(path: Path, edit) -> Path:
    wb = openpyxl.load_workbook(path)
    edit(wb)
    wb.save(path)
    return path


def test_text_times_am_pm_and_date_text_are_read(tmp_path):
    def edit(wb):
        wb["Slots"]["A3"] = "2026-10-20"
        wb["Slots"]["B3"] = "10:30 AM"
        wb["Slots"]["C3"] = dt.time(11, 45)
        wb["Sessions"]["L4"] = "1:30 PM"          # pin_start as text
    conf = load(_edit(_book(tmp_path), edit))
    assert conf.slots[1].start == 630 and conf.slots[1].end == 705
    assert conf.session["s0003"].pin.start == 13 * 60 + 30


BAD_CELLS = [
    # (sheet, cell, new value, expected where, expected words)
    ("Slots", "B3", "nine", "Slots!B3", "slot start 'nine' is not a time of day"),
    ("Slots", "C2", "25:99", "Slots!C2", "slot end '25:99' is not a time of day"),
    ("Slots", "A2", "2026-13-40", "Slots!A2", "is not a real date"),
    ("Sessions", "E3", "seventy", "Sessions!E3", "duration 'seventy' is not a number of minutes"),
    ("Sessions", "F2", "lots", "Sessions!F2", "expected_attendance 'lots' is not a number of people"),
    ("Sessions", "G3", "p0002, p0999", "Sessions!G3", "speaker 'p0999' is not in the Speakers sheet"),
    ("Sessions", "M4", "hall-z", "Sessions!M4", "pinned room 'hall-z' is not in the Rooms sheet"),
    ("Sessions", "L4", "nope", "Sessions!L4", "pin start 'nope' is not a time of day"),
    ("Sessions", "I4", "s0042", "Sessions!I4", "after names 's0042', which is not a session"),
    ("Rooms", "C3", "-5", "Rooms!C3", "capacity '-5' is not a number of seats"),
    ("Speakers", "D2", "monday", "Speakers!D2", "unavailable entry 'monday' is not a day"),
    ("Conference", "B4", "Mars/Olympus", "Conference!B4", "time zone 'Mars/Olympus' is unknown"),
    ("Interests", "B2", None, "Interests!B2", "session is missing or empty"),
]


@pytest.mark.parametrize("sheet,cell,value,where,words", BAD_CELLS, ids=[f"{b[0]}!{b[1]}" for b in BAD_CELLS])
def test_bad_cells_name_sheet_and_cell(tmp_path, cli, sheet, cell, value, words, where):
    def edit(wb):
        wb[sheet][cell] = value
    book = _edit(_book(tmp_path), edit)
    r = cli("solve", book, "-q")
    assert r.exit_code == 2
    assert f"{where}: " in r.stderr and words in r.stderr, r.stderr
    assert "Traceback" not in r.stderr
    assert not (tmp_path / "program").exists(), "nothing may be written on bad input"


def test_missing_sheet_and_missing_column(tmp_path, cli):
    def edit(wb):
        del wb["Rooms"]
        wb["Sessions"]["E1"] = "length"           # the duration column renamed
    r = cli("check", _edit(_book(tmp_path), edit))
    assert r.exit_code == 2
    assert "Rooms: the workbook has no sheet 'Rooms'" in r.stderr
    assert "Sessions!1:1: the header row has no column 'duration'" in r.stderr


def test_misspelt_sheet_is_suggested(tmp_path):
    def edit(wb):
        wb["Speakers"].title = "Speaker"
    with pytest.raises(InputError) as exc:
        load(_edit(_book(tmp_path), edit))
    assert "no sheet 'Speakers' (is 'Speaker' meant to be it?)" in exc.value.summary()


def test_every_problem_is_listed_at_once(tmp_path):
    def edit(wb):
        wb["Slots"]["B3"] = "nine"
        wb["Sessions"]["E2"] = "seventy"
        wb["Rooms"]["C2"] = "big"
    with pytest.raises(InputError) as exc:
        load(_edit(_book(tmp_path), edit))
    wheres = {p.where for p in exc.value.problems}
    assert {"Slots!B3", "Sessions!E2", "Rooms!C2"} <= wheres


@pytest.mark.parametrize("content", [None, b"", b"PK\x03\x04 not really a zip", b"just text"])
def test_missing_or_corrupt_workbook_is_exit_2(tmp_path, cli, content):
    book = tmp_path / "book.xlsx"
    if content is not None:
        book.write_bytes(content)
    r = cli("check", book)
    assert r.exit_code == 2 and "Traceback" not in r.stderr
    assert str(book) in r.stderr
    assert ("does not exist" if content is None else "is not a readable .xlsx workbook") in r.stderr


def test_unknown_columns_and_keys_warn(tmp_path, cli):
    def edit(wb):
        wb["Sessions"]["R1"] = "Speaker"           # a typo'd extra column
        wb["Conference"].append(["venu", "Hall"])
    r = cli("check", _edit(_book(tmp_path), edit))
    assert r.exit_code == 0, r.stderr
    assert "Sessions!R1: unknown column 'Speaker' ignored (did you mean 'speakers'?)" in r.stderr
    assert "unknown conference key 'venu' ignored (did you mean 'venue'?)" in r.stderr


# -- template -----------------------------------------------------------------------
def test_template_is_a_fillable_workbook_that_checks_and_solves(tmp_path, cli):
    out = tmp_path / "t.xlsx"
    r = cli("template", out)
    assert r.exit_code == 0 and out.is_file()
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[0] == "Read me"
    assert {"Conference", "Slots", "Rooms", "Speakers", "Sessions", "Interests"} <= set(wb.sheetnames)
    sessions = wb["Sessions"]
    assert [c.value for c in sessions[1]][:14] == ["id", "title", "format", "track", "duration",
                                                   "expected_attendance", "speakers", "requires", "after",
                                                   "not_with", "pin_day", "pin_start", "pin_room", "language"]
    for name in ("Conference", "Slots", "Rooms", "Speakers", "Sessions", "Interests"):
        assert wb[name].freeze_panes == "A2" and wb[name].max_row >= 2, name   # frozen header, an example row
    lists = {str(dv.sqref)[0]: dv.formula1 for dv in sessions.data_validations.dataValidation}
    assert "plenary" in lists["C"] and "workshop" in lists["C"]          # format
    assert lists["D"].startswith("Lists!") and lists["H"].startswith("Lists!")   # track, requires
    assert lists["M"].startswith("Rooms!")                               # pin_room: room ids
    rooms_dv = [dv.formula1 for dv in wb["Rooms"].data_validations.dataValidation]
    assert any(f.startswith("Lists!$B") for f in rooms_dv)               # features
    assert r.exit_code == 0 and cli("template", out).exit_code == 2      # never overwritten by accident

    r = cli("check", out)
    assert r.exit_code == 0, r.stderr
    r = cli("solve", out, "-q", "--time-limit", "10")
    assert r.exit_code == 0, r.stderr
    assert (tmp_path / "program" / "schedule.yaml").is_file()            # beside the workbook


# -- convert --------------------------------------------------------------------------
def edge_case_folder(path: Path) -> Path:
    return write_conf(
        path,
        conference={"acronym": "EDGE26", "city": "Hà Nội", "venue": "Trung tâm Hội nghị",
                    "hosts": ["Alpha, Inc.", "Beta"], "language": "vi", "url": "https://example.org/edge",
                    "weights": {"attendee_conflict": 7, "room_fit": 0}},
        days=[{"date": "2014-12-08", "slots": [{"start": "09:00", "end": "10:15", "kind": "plenary"},
                                               {"start": "10:30", "end": "11:45"},
                                               {"start": "23:30", "end": "24:45"},
                                               {"start": "25:00", "end": "26:15"}]},
              {"date": "2014-12-09", "slots": [{"start": "10:30", "end": "11:45"}, {"start": "13:30", "end": "14:45"}]}],
        rooms=[{"id": "r1", "name": "Salle Élysée", "capacity": 100, "features": ["projector", "interpretation"],
                "unavailable": [{"day": "2014-12-09", "start": "13:30", "end": "14:45"}]},
               {"id": "r2", "name": "Phòng 2", "capacity": 50}],
        speakers=[{"id": "p1", "name": "فاطمة الحسيني", "organization": "ACCESS",
                   "unavailable": [{"day": "2014-12-09"}, {"day": "2014-12-08", "start": "25:00", "end": "26:15"}]},
                  {"id": "007", "name": "Nguyễn Thị Minh"}],
        sessions=[
            {"id": "z-last", "title": "=1+2 looks like a formula", "format": "plenary", "track": "",
             "duration": 75, "speakers": ["p1"]},
            {"id": "a1", "title": "Tiếng Việt: chào", "track": "x, y track", "speakers": ["007"],
             "pin": {"day": "2014-12-08", "start": "25:00"}, "language": "vi", "expected_attendance": 10,
             "abstract": "Line one.\nLine two: ñ, ü, ư.", "preferred": [{"day": "2014-12-08"}, {"start": "10:30"}]},
            {"id": "m", "title": "Moved", "requires": ["projector"], "after": ["a1"], "not_with": ["z-last"],
             "pin": {"room": "r1"}, "duration": 150},
            {"id": "b", "title": "Session b"},
        ],
        interests=[("a1", "a1"), ("a1", "m"), ("x", "m")])


@pytest.mark.parametrize("source", ["sample", "edge"])
def test_convert_round_trip_keeps_the_model_equal(tmp_path, cli, source):
    folder = ROOT if source == "sample" else edge_case_folder(tmp_path / "edge")
    original = load(folder)
    book, back = tmp_path / "book.xlsx", tmp_path / "back"
    r = cli("convert", folder, book)
    assert r.exit_code == 0, r.stderr
    r = cli("convert", book, back)
    assert r.exit_code == 0, r.stderr
    from_book, from_back = load(book), load(back)
    assert from_book == original
    assert from_back == original
    # and once more through a workbook written from the converted folder
    r = cli("convert", back, tmp_path / "again.xlsx")
    assert r.exit_code == 0 and load(tmp_path / "again.xlsx") == original
    if source == "edge":
        ws = openpyxl.load_workbook(book)["Sessions"]
        row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == "z-last")
        cell = ws.cell(row, 2)
        assert cell.value == "=1+2 looks like a formula" and cell.data_type == "s"
        assert original.session["a1"].pin.start == 25 * 60 and original.hosts == ("Alpha, Inc.", "Beta")


def test_convert_keeps_session_order_when_rows_are_not_sorted(tmp_path):
    from dataclasses import replace

    from niic_sched.io.folder_writer import session_paths, write_folder
    conf = load(edge_case_folder(tmp_path / "edge"))
    # rows in reverse order ("z-last" first), as after sorting a workbook by hand: no
    # alphabetical layout keeps this order, so the session files are numbered
    conf = replace(conf, sessions=tuple(reversed(conf.sessions)))
    assert conf.sessions[0].id == "z-last"
    paths = session_paths(conf.sessions)
    assert paths == sorted(paths) and paths[0] == "0001-z-last.yaml"
    write_folder(conf, tmp_path / "out")
    assert load(tmp_path / "out") == conf
    # sorted by track then id, sessions go to sessions/<track>/<id>.yaml as in the sample
    sample = load(ROOT)
    assert session_paths(sample.sessions)[0].startswith("citizenship/")


def test_convert_refuses_to_overwrite_and_force_replaces(tmp_path, cli):
    book = tmp_path / "book.xlsx"
    write_workbook(example_conference(), book)
    dst = write_conf(tmp_path / "dst", sessions=[{"id": "old1"}, {"id": "old2"}])
    r = cli("convert", book, dst)
    assert r.exit_code == 2 and "already holds a conference" in r.stderr
    assert (dst / "sessions" / "old1.yaml").exists()
    r = cli("convert", book, dst, "--force")
    assert r.exit_code == 0, r.stderr
    assert not (dst / "sessions" / "old1.yaml").exists()
    assert load(dst) == example_conference()
    r = cli("convert", dst, book)
    assert r.exit_code == 2 and "already exists" in r.stderr
    r = cli("convert", dst, tmp_path / "other")
    assert r.exit_code == 2 and "one side must be a .xlsx workbook" in r.stderr


def test_convert_of_bad_workbook_writes_nothing(tmp_path, cli):
    book = _edit(_book(tmp_path), lambda wb: wb["Sessions"].__setitem__("E2", "seventy"))
    r = cli("convert", book, tmp_path / "out")
    assert r.exit_code == 2 and "Sessions!E2" in r.stderr
    assert not (tmp_path / "out").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["book.xlsx"]


def test_times_past_midnight_in_workbook(tmp_path):
    conf = load(_edit(_book(tmp_path), lambda wb: wb["Slots"].append(["2026-10-20", "25:15", dt.timedelta(hours=26, minutes=30)])))
    assert [hhmm(s.start) for s in conf.slots][-1] == "25:15" and conf.slots[-1].end == 26 * 60 + 30


def test_other_spreadsheet_formats_say_save_as_xlsx(tmp_path, cli):
    old = tmp_path / "book.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0 an old binary workbook")
    r = cli("check", old)
    assert r.exit_code == 2 and "save it as an Excel Workbook (.xlsx)" in r.stderr
