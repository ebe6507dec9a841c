"""Exports: xlsx agenda, ics, frab XML and JSON, CSV."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import uuid
from dataclasses import replace
from pathlib import Path

import icalendar
import jsonschema
import openpyxl
import pytest
from lxml import etree

from helpers import write_conf
from niic_sched.export import render
from niic_sched.export.common import session_uid
from niic_sched.export.csv import guard
from niic_sched.generate import generate_conference
from niic_sched.io import load
from niic_sched.io.schedule_file import read_schedule
from niic_sched.model import FORMATS

# The c3voc frab schemas (an oracle kept beside the project's own checkout, not part of it).
FRAB = Path(__file__).resolve().parents[2] / "shared" / "spec" / "frab"
ARABIC_TITLE = "ليلة الحوار: الهجرة والمجتمع"
VIETNAMESE = "Nguyễn Thị Minh"
ACCENTED = "José Ramírez-Peña"
TITLES = {"s1": "Opening plenary", "s2": "Ciudadanía para todos", "s3": ARABIC_TITLE,
          "s4": "=HYPERLINK(\"http://x\",\"click\")", "s5": "Đào tạo: tổ chức cộng đồng", "s6": "@SUM(A1) and more",
          "s7": "Long training (two slots)", "s8": "+1 panel", "s9": "Workers' rights"}


def conference(folder: Path) -> Path:
    return write_conf(
        folder,
        conference={"acronym": "NIIC2014", "language": "en", "url": "https://example.org/niic2014",
                    "city": "Los Angeles"},
        days=[{"date": "2014-12-08", "slots": [{"start": "09:00", "end": "10:15", "kind": "plenary"},
                                               {"start": "10:30", "end": "11:45"},
                                               {"start": "13:30", "end": "14:45"},
                                               {"start": "15:00", "end": "16:15"},
                                               {"start": "25:00", "end": "26:15"}]},     # 1:00-2:15 at night
              {"date": "2014-12-09", "slots": [{"start": "10:30", "end": "11:45"},
                                               {"start": "13:30", "end": "14:45"}]}],
        rooms=[{"id": "hall", "name": "Salle Élysée", "capacity": 300, "features": ["interpretation", "projector"]},
               {"id": "r2", "name": "Phòng Hội Nghị 2", "capacity": 80, "features": ["projector"]},
               {"id": "r3", "name": "قاعة ٣", "capacity": 60}],
        speakers=[{"id": "p1", "name": "فاطمة الحسيني", "organization": "ACCESS"},
                  {"id": "p2", "name": VIETNAMESE, "organization": "Boat People SOS"},
                  {"id": "p3", "name": ACCENTED, "organization": "CASA"}],
        sessions=[
            {"id": "s1", "title": TITLES["s1"], "format": "plenary", "track": "plenary", "duration": 75,
             "expected_attendance": 250, "speakers": ["p3"]},
            {"id": "s2", "title": TITLES["s2"], "track": "citizenship", "language": "es", "speakers": ["p3"],
             "requires": ["interpretation"], "abstract": "Un taller práctico.\nSegunda línea."},
            {"id": "s3", "title": TITLES["s3"], "track": "community", "speakers": ["p1"],
             "pin": {"day": "2014-12-08", "start": "25:00"}, "language": "ar"},
            {"id": "s4", "title": TITLES["s4"], "track": "citizenship"},
            {"id": "s5", "title": TITLES["s5"], "track": "community", "speakers": ["p2"]},
            {"id": "s6", "title": TITLES["s6"], "track": "workforce", "speakers": ["p2"]},
            {"id": "s7", "title": TITLES["s7"], "format": "training", "track": "workforce", "duration": 165,
             "speakers": ["p1", "p2"]},
            {"id": "s8", "title": TITLES["s8"], "format": "panel", "track": "workforce"},
            {"id": "s9", "title": TITLES["s9"], "track": "citizenship"},
        ],
        interests=[("a1", "s2"), ("a1", "s4"), ("a2", "s5"), ("a2", "s6")])


@pytest.fixture(scope="module")
def solved(tmp_path_factory):
    """The conference, solved twice with different seeds."""
    from conftest import run_cli
    folder = conference(tmp_path_factory.mktemp("exp") / "conf")
    for seed, name in ((1, "schedule.yaml"), (2, "reseeded.yaml")):
        r = run_cli("solve", folder, "-o", folder / "program" / name, "--deterministic", "--seed", seed,
                    "--workers", "1", "--time-limit", "20", "-q")
        assert r.exit_code == 0, r.stderr
    return folder


def _export(cli, folder: Path, fmt: str, out: Path, schedule: str = "schedule.yaml") -> Path:
    r = cli("export", folder, "--schedule", folder / "program" / schedule, "--format", fmt, "-o", out)
    assert r.exit_code == 0, r.stderr
    assert out.is_file()
    return out


# -- frab ---------------------------------------------------------------------------
def _frab_oracle() -> Path:
    if not (FRAB / "schedule.xml.xsd").is_file() or not (FRAB / "schedule.schema.json").is_file():
        pytest.skip("../shared/spec/frab not present: the c3voc schema oracle is only beside the project's checkout")
    return FRAB


HHMM = re.compile(r"^\d\d:\d\d$")


def _aware(text: str) -> dt.datetime:
    """An ISO date and time with its UTC offset."""
    value = dt.datetime.fromisoformat(text)
    assert value.tzinfo is not None, text
    return value


def frab_xml_structure(doc) -> list:
    """Check a frab XML document's structure without the XSD: <schedule> with <conference>
    (acronym, title, start, end, days) and <day index date start end> holding <room name>
    elements whose <event guid id> each have date, start, duration, room, title, type and
    persons. Returns the events."""
    root = doc.getroot()
    assert root.tag == "schedule"
    conf = root.find("conference")
    assert conf is not None
    for tag in ("acronym", "title", "start", "end", "days"):
        assert (conf.findtext(tag) or "").strip(), tag
    assert re.fullmatch(r"[a-z0-9_]{4,}", conf.findtext("acronym"))
    start, end = dt.date.fromisoformat(conf.findtext("start")), dt.date.fromisoformat(conf.findtext("end"))
    days = root.findall("day")
    assert int(conf.findtext("days")) == len(days) >= 1 and start <= end
    assert [int(d.get("index")) for d in days] == list(range(1, len(days) + 1))
    events = []
    for day in days:
        date = dt.date.fromisoformat(day.get("date"))
        assert start <= date <= end
        day_start, day_end = _aware(day.get("start")), _aware(day.get("end"))
        assert day_start < day_end and day_start.date() == date
        rooms = day.findall("room")
        assert set(ch.tag for ch in day) <= {"room"}
        assert len({r.get("name") for r in rooms}) == len(rooms)
        for room in rooms:
            assert room.get("name")
            assert room.findall("event"), room.get("name")
            for ev in room.findall("event"):
                uuid.UUID(ev.get("guid"))
                assert int(ev.get("id")) >= 0
                for tag in ("date", "start", "duration", "room", "title", "type"):
                    assert ev.find(tag) is not None, (ev.get("id"), tag)
                begins = _aware(ev.findtext("date"))
                assert day_start <= begins < day_end
                assert HHMM.match(ev.findtext("start")) and ev.findtext("start") == begins.strftime("%H:%M")
                assert HHMM.match(ev.findtext("duration")) and ev.findtext("duration") != "00:00"
                assert ev.findtext("room") == room.get("name")
                assert ev.findtext("title") and ev.findtext("type") in FORMATS
                persons = ev.find("persons")
                assert persons is not None
                for person in persons:
                    assert person.tag == "person" and int(person.get("id")) >= 0 and (person.text or "").strip()
                    uuid.UUID(person.get("guid"))
                events.append(ev)
    assert len({e.get("guid") for e in events}) == len(events) and len({e.get("id") for e in events}) == len(events)
    return events


def frab_json_structure(doc: dict) -> list:
    """The same check for frab JSON: schedule.conference with acronym, title, start, end,
    daysCount and days[] of {index, date, day_start, day_end, rooms: {name: [events]}}.
    Returns the events."""
    assert isinstance(doc["schedule"]["version"], str) and doc["schedule"]["version"]
    conf = doc["schedule"]["conference"]
    for key in ("acronym", "title", "start", "end"):
        assert isinstance(conf[key], str) and conf[key], key
    assert re.fullmatch(r"[a-z0-9_]{4,}", conf["acronym"])
    start, end = dt.date.fromisoformat(conf["start"]), dt.date.fromisoformat(conf["end"])
    assert conf["daysCount"] == len(conf["days"]) >= 1 and start <= end
    assert [d["index"] for d in conf["days"]] == list(range(1, len(conf["days"]) + 1))
    room_names = {r["name"] for r in conf["rooms"]}
    events = []
    for day in conf["days"]:
        date = dt.date.fromisoformat(day["date"])
        assert start <= date <= end
        day_start, day_end = _aware(day["day_start"]), _aware(day["day_end"])
        assert day_start < day_end and day_start.date() == date
        assert isinstance(day["rooms"], dict)
        for name, evs in day["rooms"].items():
            assert name in room_names and isinstance(evs, list) and evs
            for ev in evs:
                uuid.UUID(ev["guid"])
                assert isinstance(ev["id"], int) and ev["id"] >= 0
                begins, ends = _aware(ev["date"]), _aware(ev["end"])
                assert day_start <= begins < ends <= day_end
                assert HHMM.match(ev["start"]) and ev["start"] == begins.strftime("%H:%M")
                h, m = map(int, ev["duration"].split(":"))
                assert HHMM.match(ev["duration"]) and dt.timedelta(hours=h, minutes=m) == ends - begins
                assert ev["room"] == name and isinstance(ev["title"], str) and ev["title"]
                assert ev["type"] in FORMATS
                assert isinstance(ev["persons"], list)
                for person in ev["persons"]:
                    assert isinstance(person["id"], int) and person["public_name"]
                    uuid.UUID(person["guid"])
                events.append(ev)
    assert len({e["guid"] for e in events}) == len(events) and len({e["id"] for e in events}) == len(events)
    return events


def _run_length(folder: Path, session: str) -> str:
    """HH:MM from the session's start to the end of the last slot of its run, as placed
    (a two-slot training may run across a break: the grid allows any two consecutive slots)."""
    conf = load(folder)
    a = read_schedule(folder / "program" / "schedule.yaml").by_session[session]
    minutes = conf.covered_slots(conf.session[session], a.day, a.start)[-1].end - a.start
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _check_frab_xml_content(doc, folder: Path) -> None:
    events = doc.findall(".//event")
    assert len(events) == len(TITLES)
    titles = {e.findtext("title") for e in events}
    assert titles == set(TITLES.values())                       # Arabic, Vietnamese, accents intact
    persons = {p.text for p in doc.findall(".//person")}
    assert {"فاطمة الحسيني", VIETNAMESE, ACCENTED} <= persons
    assert doc.findtext("conference/acronym") == "niic2014"
    assert doc.findtext("conference/time_zone_name") == "America/Los_Angeles"
    # the session after midnight: the real date and time, the next morning, inside its conference day
    night = next(e for e in events if e.findtext("title") == ARABIC_TITLE)
    assert night.findtext("date") == "2014-12-09T01:00:00-08:00" and night.findtext("start") == "01:00"
    assert night.getparent().getparent().get("date") == "2014-12-08"
    training = next(e for e in events if e.findtext("title") == TITLES["s7"])
    assert training.findtext("duration") == _run_length(folder, "s7")


def _check_frab_json_content(doc: dict, out: Path) -> None:
    conf = doc["schedule"]["conference"]
    events = [ev for day in conf["days"] for evs in day["rooms"].values() for ev in evs]
    assert sorted(ev["title"] for ev in events) == sorted(TITLES.values())
    assert len({ev["guid"] for ev in events}) == len(events) and len({ev["id"] for ev in events}) == len(events)
    assert ARABIC_TITLE in out.read_text(encoding="utf-8")       # written as UTF-8, not \u escapes
    night = next(ev for ev in events if ev["title"] == ARABIC_TITLE)
    assert night["date"] == "2014-12-09T01:00:00-08:00" and night["end"] == "2014-12-09T02:15:00-08:00"
    assert conf["days"][0]["day_end"] == "2014-12-09T02:15:00-08:00"


def test_frab_xml_validates_against_the_xsd(solved, cli, tmp_path):
    frab = _frab_oracle()
    out = _export(cli, solved, "frab-xml", tmp_path / "schedule.xml")
    schema = etree.XMLSchema(etree.parse(str(frab / "schedule.xml.xsd")))
    doc = etree.parse(str(out))
    assert schema.validate(doc), schema.error_log
    _check_frab_xml_content(doc, solved)


def test_frab_xml_structure_and_content(solved, cli, tmp_path):
    """Always runs (no schema needed): the structure frab readers rely on, and the content."""
    out = _export(cli, solved, "frab-xml", tmp_path / "schedule.xml")
    doc = etree.parse(str(out))
    assert len(frab_xml_structure(doc)) == len(TITLES)
    _check_frab_xml_content(doc, solved)


def test_frab_json_validates_against_the_schema(solved, cli, tmp_path):
    frab = _frab_oracle()
    out = _export(cli, solved, "frab-json", tmp_path / "schedule.json")
    schema = json.loads((frab / "schedule.schema.json").read_text())
    validator = jsonschema.Draft6Validator(schema, format_checker=jsonschema.Draft6Validator.FORMAT_CHECKER)
    doc = json.loads(out.read_text(encoding="utf-8"))
    errors = [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(doc)]
    assert errors == []
    _check_frab_json_content(doc, out)


def test_frab_json_structure_and_content(solved, cli, tmp_path):
    """Always runs (no schema needed): the structure frab readers rely on, and the content."""
    out = _export(cli, solved, "frab-json", tmp_path / "schedule.json")
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert len(frab_json_structure(doc)) == len(TITLES)
    _check_frab_json_content(doc, out)


def test_the_pretalx_example_passes_the_same_json_check():
    """The oracle itself: a real pretalx export passes, a broken copy does not."""
    frab = _frab_oracle()
    schema = json.loads((frab / "schedule.schema.json").read_text())
    validator = jsonschema.Draft6Validator(schema)
    example = json.loads((frab / "example-pretalx.json").read_text())
    assert not list(validator.iter_errors(example))
    example["schedule"]["conference"]["acronym"] = "Not An Acronym!"
    assert list(validator.iter_errors(example))


def test_the_structure_checks_reject_broken_documents(solved, cli, tmp_path):
    doc = json.loads(_export(cli, solved, "frab-json", tmp_path / "s.json").read_text(encoding="utf-8"))
    day = doc["schedule"]["conference"]["days"][0]
    room = next(iter(day["rooms"]))
    for breaks in (lambda d: d["schedule"]["conference"].pop("title"),
                   lambda d: d["schedule"]["conference"]["days"][0]["rooms"][room][0].pop("guid"),
                   lambda d: d["schedule"]["conference"]["days"][0]["rooms"][room][0].update(room="elsewhere"),
                   lambda d: d["schedule"]["conference"]["days"][0]["rooms"][room][0].update(duration="1 h"),
                   lambda d: d["schedule"]["conference"].update(daysCount=7)):
        broken = json.loads(json.dumps(doc))
        breaks(broken)
        with pytest.raises((AssertionError, KeyError, ValueError)):
            frab_json_structure(broken)
    xml = _export(cli, solved, "frab-xml", tmp_path / "s.xml")
    for breaks in (lambda r: r.find("conference").remove(r.find("conference/title")),
                   lambda r: r.find(".//event").attrib.pop("guid"),
                   lambda r: r.find(".//event/room").__setattr__("text", "elsewhere"),
                   lambda r: r.find(".//event").remove(r.find(".//event/persons")),
                   lambda r: r.find("day").set("index", "9")):
        tree = etree.parse(str(xml))
        breaks(tree.getroot())
        with pytest.raises((AssertionError, KeyError, ValueError, TypeError)):
            frab_xml_structure(tree)


def test_frab_of_a_generated_conference(tmp_path, cli):
    """A generated conference (international names, trainings, 3 days) placed at its
    reference timetable: both frab exports have the structure and every session once."""
    folder = tmp_path / "gen"
    summary = generate_conference(folder, sessions=40, rooms=6, days=3, slots=5, attendees=50, seed=7,
                                  reference=tmp_path / "ref.yaml")
    conf = load(folder)
    xml = _export(cli, folder, "frab-xml", tmp_path / "g.xml", schedule=str(tmp_path / "ref.yaml"))
    js = _export(cli, folder, "frab-json", tmp_path / "g.json", schedule=str(tmp_path / "ref.yaml"))
    events = frab_xml_structure(etree.parse(str(xml)))
    assert sorted(e.findtext("title") for e in events) == sorted(s.title for s in conf.sessions)
    events = frab_json_structure(json.loads(js.read_text(encoding="utf-8")))
    assert len(events) == summary.sessions == len(conf.sessions)
    names = {p["public_name"] for ev in events for p in ev["persons"]}
    assert any(not n.isascii() for n in names)
    if (FRAB / "schedule.schema.json").is_file():      # and the oracle agrees, when it is there
        schema = json.loads((FRAB / "schedule.schema.json").read_text())
        validator = jsonschema.Draft6Validator(schema, format_checker=jsonschema.Draft6Validator.FORMAT_CHECKER)
        assert [e.message for e in validator.iter_errors(json.loads(js.read_text(encoding="utf-8")))] == []
        xsd = etree.XMLSchema(etree.parse(str(FRAB / "schedule.xml.xsd")))
        assert xsd.validate(etree.parse(str(xml))), xsd.error_log


def test_frab_guids_are_stable_across_re_solves(solved, cli, tmp_path):
    a = json.loads(_export(cli, solved, "frab-json", tmp_path / "a.json").read_text())
    b = json.loads(_export(cli, solved, "frab-json", tmp_path / "b.json", "reseeded.yaml").read_text())

    def guids(doc):
        return {ev["title"]: (ev["guid"], ev["id"]) for day in doc["schedule"]["conference"]["days"]
                for evs in day["rooms"].values() for ev in evs}
    assert guids(a) == guids(b)


# -- ics ------------------------------------------------------------------------------
def _events(path: Path) -> list:
    cal = icalendar.Calendar.from_ical(path.read_bytes())
    return list(cal.walk("VEVENT")), cal


def test_ics_one_event_per_session_with_tzid_location_and_speakers(solved, cli, tmp_path):
    out = _export(cli, solved, "ics", tmp_path / "schedule.ics")
    events, cal = _events(out)
    conf = load(solved)
    schedule = read_schedule(solved / "program" / "schedule.yaml")
    assert len(events) == len(conf.sessions) == len(schedule.assignments)
    uids = [str(e["uid"]) for e in events]
    assert len(set(uids)) == len(uids)
    assert [str(tz["tzid"]) for tz in cal.walk("VTIMEZONE")] == ["America/Los_Angeles"]
    assert "DTSTART;TZID=America/Los_Angeles:" in out.read_text(encoding="utf-8")
    by_title = {str(e["summary"]): e for e in events}
    assert set(by_title) == set(TITLES.values())
    rooms = {r.id: r.name for r in conf.rooms}
    for a in schedule.assignments:
        e = by_title[conf.session[a.session].title]
        assert str(e["location"]) == rooms[a.room]
        assert str(e["uid"]) == session_uid(conf, a.session) == f"{a.session}@niic2014.niic-sched"
        assert str(e["url"]) == f"https://example.org/niic2014/sessions.html#session-{a.session}"
    assert "فاطمة الحسيني (ACCESS)" in str(by_title[ARABIC_TITLE]["description"])
    assert VIETNAMESE in str(by_title[TITLES["s7"]]["description"])
    night = by_title[ARABIC_TITLE]
    start = night["dtstart"].dt
    assert (start.year, start.month, start.day, start.hour, start.minute) == (2014, 12, 9, 1, 0)
    assert str(start.tzinfo) == "America/Los_Angeles"
    assert night["dtend"].dt - start == __import__("datetime").timedelta(minutes=75)


def test_ics_uids_stay_the_same_after_a_re_solve(solved, cli, tmp_path):
    first, _ = _events(_export(cli, solved, "ics", tmp_path / "a.ics"))
    again, _ = _events(_export(cli, solved, "ics", tmp_path / "b.ics", "reseeded.yaml"))
    assert {str(e["summary"]): str(e["uid"]) for e in first} == {str(e["summary"]): str(e["uid"]) for e in again}
    # and the UID depends on neither time nor room: move one session by hand
    conf = load(solved)
    schedule = read_schedule(solved / "program" / "schedule.yaml")
    moved = [replace(a, room="r3", start=a.start) if a.session == "s4" else a for a in schedule.assignments]
    data, _ = render(conf, replace(schedule, assignments=tuple(moved)), "ics")
    cal = icalendar.Calendar.from_ical(data)
    uid = {str(e["summary"]): str(e["uid"]) for e in cal.walk("VEVENT")}
    assert uid[TITLES["s4"]] == {str(e["summary"]): str(e["uid"]) for e in first}[TITLES["s4"]]


# -- xlsx -------------------------------------------------------------------------------
def test_xlsx_agenda_holds_every_session_and_prints_landscape(solved, cli, tmp_path):
    out = _export(cli, solved, "xlsx", tmp_path / "agenda.xlsx")
    wb = openpyxl.load_workbook(out)
    conf = load(solved)
    assert wb.sheetnames == ["Mon 2014-12-08", "Tue 2014-12-09", "All sessions"]
    day_text = "\n".join(str(c.value) for ws in wb.worksheets[:2] for row in ws.iter_rows() for c in row if c.value)
    for title in TITLES.values():
        assert title in day_text
    listing = wb["All sessions"]
    ids = [listing.cell(r, 10).value for r in range(2, listing.max_row + 1)]
    assert sorted(ids) == sorted(s.id for s in conf.sessions)
    formula = next(r for r in range(2, listing.max_row + 1) if listing.cell(r, 10).value == "s4")
    cell = listing.cell(formula, 5)
    assert cell.value == TITLES["s4"] and cell.data_type == "s"      # text, not a formula
    day1 = wb["Mon 2014-12-08"]
    rooms = [c.value for c in day1[2][1:]]
    assert set(rooms) <= {"Salle Élysée", "Phòng Hội Nghị 2", "قاعة ٣"} and rooms
    # the slot after midnight, as a clock time (English: the 12 h clock)
    assert day1["A7"].value.startswith("1:00\u202fAM\u2009–\u20092:15\u202fAM")
    # the two-slot training spans merged rows; the plenary spans every room column
    schedule = read_schedule(solved / "program" / "schedule.yaml")
    training = schedule.by_session["s7"]
    sheet = wb["Mon 2014-12-08"] if training.day.day == 8 else wb["Tue 2014-12-09"]
    spans = [(m.max_row - m.min_row, m.max_col - m.min_col) for m in sheet.merged_cells.ranges if m.min_row > 2]
    assert any(rows >= 1 for rows, _ in spans)
    plenary = [m for m in day1.merged_cells.ranges if m.min_row == 3]
    assert plenary and plenary[0].max_col - plenary[0].min_col + 1 == len(rooms)
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.print_area
    titled = [c for row in day1.iter_rows(min_row=3, min_col=2) for c in row
              if c.value and any(t in str(c.value) for t in TITLES.values())]
    assert titled and all(c.alignment.wrap_text for c in titled)


# -- csv ----------------------------------------------------------------------------------
def test_csv_one_row_per_session_utf8_bom_and_no_formulas(solved, cli, tmp_path):
    out = _export(cli, solved, "csv", tmp_path / "sessions.csv")
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert sorted(r["session"] for r in rows) == sorted(TITLES)
    by_id = {r["session"]: r for r in rows}
    assert by_id["s3"]["title"] == ARABIC_TITLE and by_id["s5"]["title"] == TITLES["s5"]
    assert ACCENTED in by_id["s1"]["speakers"] and VIETNAMESE in by_id["s7"]["speakers"]
    for sid in ("s4", "s6", "s8"):        # = @ + at the start: prefixed so spreadsheets show text
        assert by_id[sid]["title"] == "'" + TITLES[sid]
    assert by_id["s9"]["title"] == TITLES["s9"]
    assert (by_id["s3"]["day"], by_id["s3"]["start"], by_id["s3"]["begins"]) == ("2014-12-08", "25:00",
                                                                                 "2014-12-09 01:00")
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r"))


@pytest.mark.parametrize("text,safe", [("=1+1", "'=1+1"), ("+1", "'+1"), ("-2", "'-2"), ("@x", "'@x"),
                                       ("\tx", "'\tx"), ("\rx", "'\rx"), ("a=b", "a=b"), ("", ""),
                                       ("ليلة", "ليلة")])
def test_csv_guard(text, safe):
    assert guard(text) == safe


def test_unscheduled_sessions_are_listed_without_a_time(solved):
    conf = load(solved)
    schedule = read_schedule(solved / "program" / "schedule.yaml")
    partial = replace(schedule, assignments=tuple(a for a in schedule.assignments if a.session != "s9"),
                      unscheduled=("s9",))
    data, warnings = render(conf, partial, "csv")
    rows = {r["session"]: r for r in csv.DictReader(io.StringIO(data.decode("utf-8-sig")))}
    assert rows["s9"]["start"] == "" and rows["s9"]["room"] == "" and not warnings
    ics, _ = render(conf, partial, "ics")
    assert len(icalendar.Calendar.from_ical(ics).walk("VEVENT")) == len(TITLES) - 1


# -- bad schedules --------------------------------------------------------------------------
def test_export_of_a_schedule_naming_an_unknown_session_is_exit_2(solved, cli, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("assignments:\n  - {session: s0999, day: 2014-12-08, start: '10:30', room: r2}\n")
    out = tmp_path / "x.ics"
    r = cli("export", solved, "--schedule", bad, "--format", "ics", "-o", out)
    assert r.exit_code == 2 and "s0999" in r.stderr and "Traceback" not in r.stderr
    assert not out.exists()
    r = cli("export", solved, "--schedule", tmp_path / "missing.yaml", "--format", "csv", "-o", out)
    assert r.exit_code == 2 and "missing.yaml" in r.stderr and not out.exists()


def test_export_refuses_a_schedule_that_breaks_rules_unless_forced(solved, cli, tmp_path):
    schedule = read_schedule(solved / "program" / "schedule.yaml")
    clash = next(b for b in schedule.assignments if b.session not in ("s1", "s4", "s7"))
    moved = tmp_path / "moved.yaml"
    rows = [f"  - {{session: {x.session}, day: {x.day}, start: '{x.start // 60:02d}:{x.start % 60:02d}', "
            f"room: {x.room}}}" for x in schedule.assignments if x.session != "s4"]
    rows.append(f"  - {{session: s4, day: {clash.day}, start: '{clash.start // 60:02d}:{clash.start % 60:02d}', "
                f"room: {clash.room}}}")
    moved.write_text("assignments:\n" + "\n".join(rows) + "\n")
    r = cli("export", solved, "--schedule", moved, "--format", "xlsx", "-o", tmp_path / "a.xlsx")
    assert r.exit_code == 2 and "broken hard rule" in r.stderr and "--force" in r.stderr
    assert not (tmp_path / "a.xlsx").exists()
    r = cli("export", solved, "--schedule", moved, "--format", "xlsx", "-o", tmp_path / "a.xlsx", "--force")
    assert r.exit_code == 0 and "breaks" in r.stderr and "hard rule" in r.stderr
    wb = openpyxl.load_workbook(tmp_path / "a.xlsx")
    text = "\n".join(str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value)
    assert TITLES["s4"] in text and load(solved).session[clash.session].title in text


def test_export_from_a_workbook_uses_its_folder(solved, cli, tmp_path):
    book = tmp_path / "book.xlsx"
    assert cli("convert", solved, book).exit_code == 0
    (tmp_path / "program").mkdir()
    (tmp_path / "program" / "schedule.yaml").write_bytes((solved / "program" / "schedule.yaml").read_bytes())
    r = cli("export", book, "--format", "frab-json")
    assert r.exit_code == 0, r.stderr
    assert (tmp_path / "program" / "schedule.json").is_file()

