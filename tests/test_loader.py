"""The YAML loader: every field of the spec, and every class of bad input."""
from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest

from helpers import write_conf
from niic_sched.errors import InputError
from niic_sched.io import load

ROOT = Path(__file__).resolve().parents[1]


def test_sample_conference_loads_with_every_field():
    conf = load(ROOT)
    assert conf.name.startswith("National Immigrant Integration Conference")
    assert conf.time_zone == "America/Los_Angeles" and conf.acronym == "NIIC2014"
    assert len(conf.days) == 3 and all(d.slots[0].is_plenary for d in conf.days)
    assert len([s for s in conf.sessions if not s.is_plenary]) >= 45
    assert 10 <= len(conf.rooms) <= 14 and len(conf.speakers) >= 60
    assert {s.track for s in conf.sessions} >= {"citizenship", "economy", "education", "media-arts-culture",
                                                 "migration", "receiving-communities", "rights-freedom", "workforce"}
    # unquoted 10:30 in conference.yaml (YAML 1.1 would say 630) still means 10:30
    day2 = conf.day[dt.date(2014, 12, 8)]
    assert [s.start for s in day2.slots][:2] == [9 * 60, 10 * 60 + 30]
    assert any(any("\u0600" <= ch <= "\u06ff" for ch in p.name) for p in conf.speakers)  # Arabic script
    assert any("ễ" in p.name or "ạ" in p.name or "ư" in p.name or "ơ" in p.name for p in conf.speakers)
    assert any(s.language == "es" and "interpretation" in s.requires for s in conf.sessions)
    assert not (ROOT / "sessions" / "late").exists() and len(list((ROOT / "late").glob("*.yaml"))) == 16


def test_every_session_field_is_read(tmp_path):
    folder = write_conf(tmp_path / "c", sessions=[
        {"id": "a", "title": "Título: María", "format": "panel", "track": "economy", "duration": 165,
         "expected_attendance": 40, "speakers": ["p1", "p2"], "requires": ["projector"], "after": ["b"],
         "not_with": ["c"], "pin": {"day": "2014-12-08", "start": "10:30", "room": "r1"}, "language": "es",
         "preferred": [{"day": "2014-12-08", "start": "1:30 PM"}], "abstract": "Una sesión."},
        {"id": "b"}, {"id": "c"}])
    conf = load(folder)
    s = conf.session["a"]
    assert (s.title, s.format, s.track, s.duration, s.expected_attendance) == ("Título: María", "panel", "economy", 165, 40)
    assert s.speakers == ("p1", "p2") and s.requires == frozenset({"projector"})
    assert s.after == ("b",) and s.not_with == ("c",) and s.language == "es" and s.abstract == "Una sesión."
    assert s.pin.day == dt.date(2014, 12, 8) and s.pin.start == 630 and s.pin.room == "r1"
    assert s.preferred[0].start == 13 * 60 + 30
    assert (s.where.file, s.where.line) == ("sessions/a.yaml", 1)
    assert s.where == f"{folder}/sessions/a.yaml:1"       # shown from the working directory


@pytest.mark.parametrize("text,minutes", [("10:30", 630), ("9:00", 540), ("09:00", 540), ("9:00 AM", 540),
                                          ("12:15 PM", 735), ("1:30 pm", 810), ("12:00 AM", 0), ("25:15", 1515)])
def test_times_quoted(tmp_path, text, minutes):
    folder = write_conf(tmp_path / "c", sessions=[{"id": "a"}],
                        days=[{"date": "2014-12-08", "slots": [{"start": text, "end": "47:00"}]}])
    assert load(folder).slots[0].start == minutes


def test_times_unquoted_and_lists_in_one_file(tmp_path):
    folder = write_conf(tmp_path / "c", sessions=[])
    (folder / "conference.yaml").write_text(
        "name: X\ndays:\n  - date: 2014-12-08\n    slots:\n      - {start: 10:30, end: 11:45}\n"
        "      - start: 9:00 AM\n        end: 10:15 AM\n")
    (folder / "sessions" / "deep").mkdir(parents=True)
    (folder / "sessions" / "deep" / "two.yml").write_text(
        "- {id: a, title: A, duration: 75}\n- {id: b, title: B, duration: 75}\n")
    conf = load(folder)
    assert [(s.start, s.end) for s in conf.slots] == [(540, 615), (630, 705)]
    assert sorted(conf.session) == ["a", "b"]


def test_rooms_and_speakers_fields(tmp_path):
    folder = write_conf(tmp_path / "c", sessions=[{"id": "a", "speakers": ["p1"]}],
                        rooms={"rooms": [{"id": "r1", "name": "Hall", "capacity": 600,
                                          "features": ["interpretation", "stage"],
                                          "unavailable": [{"day": "2014-12-08", "start": "13:00", "end": "14:15"}]}]},
                        speakers=[{"id": "p1", "name": "Nguyễn Thị Minh", "organization": "VAYLA",
                                   "unavailable": [{"day": "2014-12-08"}, {"day": "2014-12-08", "start": "09:00", "end": "12:00"}]}])
    conf = load(folder)
    r = conf.room["r1"]
    assert (r.name, r.capacity, r.features) == ("Hall", 600, frozenset({"interpretation", "stage"}))
    assert r.unavailable[0].start == 780 and r.unavailable[0].end == 855
    p = conf.speaker["p1"]
    assert p.name == "Nguyễn Thị Minh" and p.organization == "VAYLA"
    assert p.unavailable[0].start is None and p.unavailable[1].end == 720


def test_interests_rows_for_unknown_sessions_are_skipped_with_one_warning(tmp_path):
    folder = write_conf(tmp_path / "c", sessions=[{"id": "a"}, {"id": "b"}],
                        interests=[("x", "a"), ("x", "b"), ("y", "zzz"), ("z", "zzz")])
    conf = load(folder)
    assert conf.interests == (("x", "a"), ("x", "b"))
    assert conf.shared_interest() == {("a", "b"): 1}
    assert sum("2 rows" in w for w in conf.warnings) == 1


# -- bad input: every class gives exit 2, a message with file (and line), nothing written --------------
def _tree_digest(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(folder)).encode() + p.read_bytes())
    return h.hexdigest()


def _bad(tmp_path, edit):
    folder = write_conf(tmp_path / "c", sessions=[
        {"id": "s001", "speakers": ["p1"]}, {"id": "s002", "speakers": ["p2"]}])
    edit(folder)
    return folder


def _set_session(folder: Path, sid: str, text: str):
    (folder / "sessions" / f"{sid}.yaml").write_text(text)


CASES = {
    "malformed yaml": (lambda f: _set_session(f, "s001", "id: s001\ntitle: [unclosed\nduration: 75\n"),
                       "sessions/s001.yaml:", "not valid YAML"),
    "not utf-8": (lambda f: (f / "sessions" / "s001.yaml").write_bytes(
        "id: s001\ntitle: Caf\u00e9\nduration: 75\n".encode("latin-1")), "sessions/s001.yaml:2", "not UTF-8"),
    "unknown speaker": (lambda f: _set_session(f, "s001", "id: s001\ntitle: T\nduration: 75\nspeakers: [p9]\n"),
                        "sessions/s001.yaml:4", "speaker 'p9' is not in speakers.yaml"),
    "unknown room": (lambda f: _set_session(f, "s001", "id: s001\ntitle: T\nduration: 75\npin: {room: hall-z}\n"),
                     "sessions/s001.yaml:4", "'hall-z' is not in rooms.yaml"),
    "unknown session": (lambda f: _set_session(f, "s001", "id: s001\ntitle: T\nduration: 75\nafter: [s404]\n"),
                        "sessions/s001.yaml:4", "'s404', which is not a session"),
    "duplicate id": (lambda f: _set_session(f, "s002", "id: s001\ntitle: T\nduration: 75\n"),
                     "sessions/s002.yaml:1", "'s001' is used twice"),
    "impossible date": (lambda f: _set_session(f, "s001", "id: s001\ntitle: T\nduration: 75\npin: {day: 2014-02-30}\n"),
                        "sessions/s001.yaml:4", "not a real date"),
    "impossible time": (lambda f: (f / "conference.yaml").write_text(
        "name: X\ndays:\n- date: 2014-12-08\n  slots:\n  - {start: '10:30', end: '11:45'}\n  - {start: '13:75', end: '14:00'}\n"),
        "conference.yaml:6", "'13:75' is not a time of day"),
    "non-numeric duration": (lambda f: _set_session(f, "s001", "id: s001\ntitle: T\nduration: seventy\n"),
                             "sessions/s001.yaml:3", "duration 'seventy' is not a number"),
    "non-positive duration": (lambda f: _set_session(f, "s001", "id: s001\ntitle: T\nduration: 0\n"),
                              "sessions/s001.yaml:3", "must be more than 0"),
    "non-positive attendance": (lambda f: _set_session(f, "s001", "id: s001\ntitle: T\nduration: 75\nexpected_attendance: -5\n"),
                                "sessions/s001.yaml:4", "expected_attendance"),
    "unavailability ends before it starts": (lambda f: (f / "speakers.yaml").write_text(
        "- id: p1\n  name: A\n  unavailable: [{day: 2014-12-08, start: '12:00', end: '09:00'}]\n- {id: p2, name: B}\n"),
        "speakers.yaml:3", "ends (09:00) before it starts (12:00)"),
    "after cycle": (lambda f: (_set_session(f, "s001", "id: s001\ntitle: T\nduration: 75\nafter: [s002]\n"),
                               _set_session(f, "s002", "id: s002\ntitle: T\nduration: 75\nafter: [s001]\n")),
                    "sessions/s001.yaml:4", "s001 -> s002 -> s001"),
    "fits no room (capacity)": (lambda f: _set_session(f, "s001", "id: s001\ntitle: T\nduration: 75\nexpected_attendance: 500\n"),
                                "sessions/s001.yaml:4", "fits no room"),
    "fits no room (features)": (lambda f: _set_session(f, "s001", "id: s001\ntitle: T\nduration: 75\nrequires: [interpretation]\n"),
                                "sessions/s001.yaml:4", "fits no room"),
    "longer than any run of slots": (lambda f: _set_session(f, "s001", "id: s001\ntitle: T\nduration: 600\n"),
                                     "sessions/s001.yaml:3", "longer than any run"),
    "missing file": (lambda f: (f / "rooms.yaml").unlink(), "rooms.yaml", "is missing"),
    "wrong type": (lambda f: _set_session(f, "s001", "id: s001\ntitle: {a: 1}\nduration: 75\n"),
                   "sessions/s001.yaml:2", "must be plain text"),
    "duplicate key": (lambda f: _set_session(f, "s001", "id: s001\ntitle: T\nduration: 75\nduration: 90\n"),
                      "sessions/s001.yaml:4", "appears twice"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_exit_2_names_the_place_and_writes_nothing(tmp_path, cli, case):
    edit, where, what = CASES[case]
    folder = _bad(tmp_path, edit)
    before = _tree_digest(folder)
    out = tmp_path / "out" / "schedule.yaml"
    for args in (["check", folder], ["solve", folder, "-o", out, "--time-limit", "5", "-q"]):
        result = cli(*args)
        assert result.exit_code == 2, (case, result.stderr)
        assert where in result.stderr and what in result.stderr, (case, result.stderr)
        assert "fix:" in result.stderr
        assert "Traceback" not in result.stderr + result.stdout
    assert not out.exists() and not (tmp_path / "out").exists()
    assert not (folder / "program").exists()
    assert _tree_digest(folder) == before


def test_all_problems_are_listed_at_once(tmp_path):
    folder = write_conf(tmp_path / "c", sessions=[{"id": "a", "speakers": ["p1"]}, {"id": "b"}])
    _set_session(folder, "a", "id: a\ntitle: T\nduration: seventy\nspeakers: [p1]\n")
    _set_session(folder, "b", "id: b\ntitle: T\nduration: 75\nexpected_attendance: lots\n")
    with pytest.raises(InputError) as err:
        load(folder)
    wheres = {(p.file, p.line) for p in err.value.problems}
    assert {("sessions/a.yaml", 3), ("sessions/b.yaml", 4)} <= wheres


def test_missing_folder(cli, tmp_path):
    result = cli("check", tmp_path / "nope")
    assert result.exit_code == 2 and "nope" in result.stderr and "Traceback" not in result.stderr
