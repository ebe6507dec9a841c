"""One assembly behind both loaders: a conference written as a folder and as a
workbook loads to the same Conference, and the same mistake gives the same
problem, said in the source's own terms of place (file:line or Sheet!cell)."""
from __future__ import annotations

import dataclasses
import datetime as dt
import pickle
from pathlib import Path

import openpyxl
import pytest
import yaml

from niic_sched.errors import InputError, Location, Problem
from niic_sched.io import load
from niic_sched.io.build import label
from niic_sched.io.folder_writer import dump_yaml, session_paths, write_folder
from niic_sched.io.workbook_writer import example_conference, write_workbook
from niic_sched.model import Conference, Pin


def both(tmp_path: Path, conf: Conference) -> tuple[Path, Path]:
    folder, book = tmp_path / "folder", tmp_path / "book.xlsx"
    write_folder(conf, folder)
    write_workbook(conf, book)
    return folder, book


# -- the same conference, two sources ---------------------------------------------------
@pytest.mark.parametrize("hosts", [(), ("Host organization",), ("NPNA", "CHIRLA", "OCAPICA"),
                                   ("Asian Americans Advancing Justice, Los Angeles", "CHIRLA")],
                         ids=["none", "one", "several", "a comma in a name"])
def test_folder_and_workbook_load_to_equal_conferences(tmp_path, hosts):
    conf = dataclasses.replace(example_conference(), hosts=hosts)
    folder, book = both(tmp_path, conf)
    from_folder, from_book = load(folder), load(book)
    assert from_folder == from_book == conf
    assert from_folder.hosts == from_book.hosts == hosts


@pytest.mark.parametrize("text,hosts", [
    ("CHIRLA", ("CHIRLA",)),
    ("NPNA, CHIRLA", ("NPNA", "CHIRLA")),                            # list cells are comma-separated
    ("Alpha, Inc.; Beta", ("Alpha, Inc.", "Beta")),                  # ; when a name holds a comma
    (" NPNA ,  CHIRLA , ", ("NPNA", "CHIRLA")),
])
def test_hosts_as_one_text_read_the_same_in_yaml_and_in_a_cell(tmp_path, text, hosts):
    folder, book = both(tmp_path, example_conference())
    conference_yaml = folder / "conference.yaml"
    doc = yaml.safe_load(conference_yaml.read_text(encoding="utf-8"))
    doc["hosts"] = text
    conference_yaml.write_bytes(dump_yaml(doc))
    wb = openpyxl.load_workbook(book)
    ws = wb["Conference"]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == "hosts")
    ws.cell(row, 2).value = text
    wb.save(book)
    assert load(folder).hosts == load(book).hosts == hosts
    assert load(folder) == load(book)


def test_hosts_as_a_yaml_list_keep_their_commas(tmp_path):
    conf = dataclasses.replace(example_conference(), hosts=("Alpha, Inc.", "Beta; Gamma"))
    folder = tmp_path / "folder"
    write_folder(conf, folder)
    assert load(folder).hosts == ("Alpha, Inc.", "Beta; Gamma")


def test_locations_are_structured_and_name_their_object(tmp_path):
    folder, book = both(tmp_path, example_conference())
    s_folder, s_book = load(folder).session["s0003"], load(book).session["s0003"]
    assert s_folder.at("duration") == f"{folder}/sessions/s0003.yaml:5"      # shown from the working directory
    loc = s_folder.at("duration")
    assert (loc.file, loc.line, loc.sheet, loc.key, loc.session) == ("sessions/s0003.yaml", 5, None, "duration", "s0003")
    loc = s_book.at("duration")
    assert loc == "Sessions!E4"
    assert (loc.file, loc.sheet, loc.cell, loc.key, loc.session) == (None, "Sessions", "E4", "duration", "s0003")
    # the pin: the key in YAML, its column in the workbook
    assert s_folder.at("pin.room").line == 10 and s_book.at("pin.room") == "Sessions!M4"
    assert s_book.at("pin") == "Sessions!M4"
    pinned = dataclasses.replace(example_conference().session["s0003"], pin=Pin(dt.date(2026, 10, 20), None, "hall-a"))
    write_workbook(dataclasses.replace(example_conference(), sessions=example_conference().sessions[:2] + (pinned,)),
                   tmp_path / "pinned.xlsx")
    s_pinned = load(tmp_path / "pinned.xlsx").session["s0003"]
    assert s_pinned.at("pin") == "Sessions!K4:M4" and s_pinned.at("pin.day") == "Sessions!K4"   # day and room
    room = load(book).room["r101"]
    assert room.at("capacity") == "Rooms!C3" and room.at("capacity").room == "r101"
    # Locations survive the trip to a solver process
    again = pickle.loads(pickle.dumps(s_book.at("duration")))
    assert isinstance(again, Location) and again == "Sessions!E4" and again.session == "s0003"


# -- the same mistake, two sources --------------------------------------------------------
def _yaml_line(text: str, start: str, key: str) -> int:
    """The line (1-based) of ``key:`` at or after the first line holding ``start``."""
    lines = text.splitlines()
    first = next(i for i, line in enumerate(lines) if start in line)
    return next(i for i, line in enumerate(lines[first:], start=first) if f"{key}:" in line) + 1


def _edit_yaml(path: Path, edit) -> str:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(doc)
    path.write_bytes(dump_yaml(doc))
    return path.read_text(encoding="utf-8")


def _set(items: list, oid: str, key: str, value) -> None:
    item = next(x for x in items if x["id"] == oid)
    if "." in key:
        outer, inner = key.split(".")
        item.setdefault(outer, {})[inner] = value
    else:
        item[key] = value


def break_folder(conf: Conference, folder: Path, kind: str, oid, key: str, value) -> tuple[str, int]:
    """Write ``value`` into the folder; returns the file and line it stands on."""
    if kind == "session":
        rel = "sessions/" + session_paths(conf.sessions)[[s.id for s in conf.sessions].index(oid)]
        text = _edit_yaml(folder / rel, lambda doc: _set([doc], oid, key, value))
        return rel, _yaml_line(text, f"id: {oid}", key.split(".")[0])
    if kind in ("room", "speaker"):
        rel = f"{kind}s.yaml"
        text = _edit_yaml(folder / rel, lambda doc: _set(doc, oid, key, value))
        return rel, _yaml_line(text, f"id: {oid}", key)
    if kind == "conference":
        text = _edit_yaml(folder / "conference.yaml", lambda doc: doc.__setitem__(key, value))
        return "conference.yaml", _yaml_line(text, "name:", key)
    if kind == "weights":
        text = _edit_yaml(folder / "conference.yaml", lambda doc: doc["weights"].__setitem__(key, value))
        return "conference.yaml", _yaml_line(text, "weights:", "weights")
    if kind == "slot":   # oid: the slot's position in the day
        text = _edit_yaml(folder / "conference.yaml", lambda doc: doc["days"][0]["slots"][oid].__setitem__(key, value))
        return "conference.yaml", _yaml_line(text, "slots:", "start") + oid
    raise AssertionError(kind)


COLUMNS = {"pin.day": "pin_day", "pin.start": "pin_start", "pin.room": "pin_room"}


def break_book(book: Path, kind: str, oid, key: str, value) -> tuple[str, str]:
    """Write ``value`` into the workbook; returns the sheet and cell it stands in."""
    from openpyxl.utils import get_column_letter

    wb = openpyxl.load_workbook(book)
    sheet = {"session": "Sessions", "room": "Rooms", "speaker": "Speakers", "conference": "Conference",
             "weights": "Conference", "slot": "Slots"}[kind]
    ws = wb[sheet]
    if kind in ("conference", "weights"):
        name = key if kind == "conference" else f"weights.{key}"
        row = next((r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == name), ws.max_row + 1)
        ws.cell(row, 1).value = name
        col = 2
    else:
        headers = [c.value for c in ws[1]]
        col = headers.index(COLUMNS.get(key, key)) + 1
        row = oid + 2 if kind == "slot" else next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == oid)
    ws.cell(row, col).value = value
    wb.save(book)
    return sheet, f"{get_column_letter(col)}{row}"


MISTAKES = [
    # (kind, id, key, value in YAML, value in a cell, what, fix)
    ("session", "s0002", "duration", "seventy", "seventy",
     "duration 'seventy' is not a number of minutes", "write a whole number of minutes, e.g. 75"),
    ("session", "s0002", "expected_attendance", "lots", "lots",
     "expected_attendance 'lots' is not a number of people", "write a whole number of people, e.g. 75"),
    ("session", "s0002", "after", ["keynote"], "keynote",
     "after names 'keynote', which is not a session", "correct the id or remove it"),
    ("session", "s0003", "pin.start", "nope", "nope",
     "pin start 'nope' is not a time of day", "write it as HH:MM in 24 hours, e.g. \"13:30\", or as \"1:30 PM\""),
    ("session", "s0003", "pin.day", "2026-10-21", "2026-10-21",
     "pinned day 2026-10-21 is not a conference day", "use one of 2026-10-20"),
    ("room", "r101", "capacity", "big", "big",
     "capacity 'big' is not a number of seats", "write a whole number of seats, e.g. 75"),
    ("speaker", "p0003", "unavailable", "monday", "monday",
     "unavailable entry 'monday' is not a day or a day with a time range",
     "write 2014-12-08 or 2014-12-09 09:00-12:00, several separated by ;"),
    ("conference", None, "time_zone", "Mars/Olympus", "Mars/Olympus",
     "time zone 'Mars/Olympus' is unknown", "use an IANA name such as America/Los_Angeles"),
    ("weights", None, "attendee_conflicts", 3, 3,
     "unknown weight 'attendee_conflicts' (did you mean 'attendee_conflict'?)", None),
    ("slot", 1, "start", "nine", "nine",
     "slot start 'nine' is not a time of day", "write it as HH:MM in 24 hours, e.g. \"13:30\", or as \"1:30 PM\""),
]


def _only_problem(target: Path) -> Problem:
    with pytest.raises(InputError) as err:
        load(target)
    assert len(err.value.problems) == 1, err.value.summary()
    return err.value.problems[0]


@pytest.mark.parametrize("kind,oid,key,in_yaml,in_cell,what,fix", MISTAKES, ids=[f"{m[0]}.{m[2]}" for m in MISTAKES])
def test_the_same_mistake_gives_the_same_problem_in_its_own_place(tmp_path, kind, oid, key, in_yaml, in_cell,
                                                                  what, fix):
    conf = example_conference()
    folder, book = both(tmp_path, conf)
    file, line = break_folder(conf, folder, kind, oid, key, in_yaml)
    sheet, cell = break_book(book, kind, oid, key, in_cell)
    in_folder, in_book = _only_problem(folder), _only_problem(book)

    if kind in ("session", "room", "speaker"):      # every message names its object, by id and name
        what = f"{label(getattr(conf, kind)[oid])}: {what}"
    assert in_folder.what == in_book.what == what
    assert in_folder.fix == in_book.fix
    if fix is not None:
        assert in_folder.fix == fix
    assert in_folder.where == f"{folder}/{file}:{line}" and (in_folder.file, in_folder.line) == (file, line)
    assert in_book.where == f"{sheet}!{cell}" and (in_book.sheet, in_book.cell) == (sheet, cell)
    assert in_folder.sheet is None and in_folder.cell is None and in_book.file is None and in_book.line is None
    spec_key = f"weights.{key}" if kind == "weights" else key
    assert in_folder.key == in_book.key == spec_key
    subject = {k: getattr(in_folder, k) for k in ("session", "speaker", "room")}
    assert subject == {k: getattr(in_book, k) for k in ("session", "speaker", "room")}
    assert subject == {k: (oid if k == kind else None) for k in ("session", "speaker", "room")}
    assert str(in_folder) == f"{folder}/{file}:{line}: {what}\n    fix: {in_folder.fix}"


def test_references_name_the_source_s_own_parts(tmp_path):
    conf = example_conference()
    folder, book = both(tmp_path, conf)
    break_folder(conf, folder, "session", "s0002", "speakers", ["p0002", "p0999"])
    break_book(book, "session", "s0002", "speakers", "p0002, p0999")
    in_folder, in_book = _only_problem(folder), _only_problem(book)
    who = label(conf.session["s0002"])
    assert in_folder.what == f"{who}: speaker 'p0999' is not in speakers.yaml"
    assert in_folder.fix == "add p0999 to speakers.yaml or correct the id"
    assert in_book.what == f"{who}: speaker 'p0999' is not in the Speakers sheet"
    assert in_book.fix == "add p0999 to the Speakers sheet or correct the id"
    assert (in_folder.key, in_folder.session) == (in_book.key, in_book.session) == ("speakers", "s0002")
    assert (in_book.sheet, in_book.cell) == ("Sessions", "G3")


def test_every_problem_of_both_sources_is_reported_at_once(tmp_path):
    conf = example_conference()
    folder, book = both(tmp_path, conf)
    for kind, oid, key, in_yaml, in_cell, *_ in MISTAKES[:3] + MISTAKES[5:8]:
        break_folder(conf, folder, kind, oid, key, in_yaml)
        break_book(book, kind, oid, key, in_cell)
    problems = {}
    for target in (folder, book):
        with pytest.raises(InputError) as err:
            load(target)
        problems[target] = err.value.problems
    assert sorted(p.what for p in problems[folder]) == sorted(p.what for p in problems[book])
    assert all(p.file and p.line for p in problems[folder])
    assert all(p.sheet and p.cell for p in problems[book])


# -- Problem itself --------------------------------------------------------------------------
def test_problem_keeps_its_three_field_form_and_fills_the_structured_fields():
    plain = Problem("sessions/s0014.yaml:7", "speaker 'p0999' is not in speakers.yaml", "add p0999")
    assert str(plain) == "sessions/s0014.yaml:7: speaker 'p0999' is not in speakers.yaml\n    fix: add p0999"
    assert plain.file is None and plain.session is None and Problem("x", "y").fix == ""

    at = Location("sessions/s0014.yaml", 7, key="speakers", session="s0014")
    p = Problem(at, "speaker 'p0999' is not in speakers.yaml", "add p0999")
    assert p == plain.__class__(at, p.what, p.fix) and p.where == plain.where
    assert (p.file, p.line, p.key, p.session, p.sheet, p.cell) == ("sessions/s0014.yaml", 7, "speakers", "s0014",
                                                                 None, None)
    cell = Problem("", "duration 'x' is not a number of minutes", sheet="Sessions", cell="E12", session="s1")
    assert cell.where == "Sessions!E12" and (cell.sheet, cell.cell, cell.session) == ("Sessions", "E12", "s1")

    # a new text for ``where`` (as `add` does for a staged file) drops the place it no longer names
    moved = dataclasses.replace(p, where="late/s0014.yaml:7")
    assert moved.where == "late/s0014.yaml:7" and moved.file is None and moved.line is None
    assert moved.session == "s0014"
