"""Each hard rule: a small case the solver must respect, judged by the independent
checker and by a direct assertion; and the checker itself catches each broken rule."""
from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from helpers import default_days, write_conf
from niic_sched.check import check_schedule
from niic_sched.errors import NoProgram
from niic_sched.io import load
from niic_sched.model import Assignment, Schedule
from niic_sched.solve import SolveOptions, solve

D1 = dt.date(2014, 12, 8)
T1, T2, T3 = 630, 810, 900   # 10:30, 13:30, 15:00


def solved(folder):
    conf = load(folder)
    result = solve(conf, SolveOptions(time_limit=10, workers=1, seed=1))
    assert check_schedule(conf, result.schedule) == []
    return conf, result.schedule.by_session


def test_capacity_and_features(tmp_path):
    conf, at = solved(write_conf(tmp_path / "c", sessions=[
        {"id": "big", "expected_attendance": 80}, {"id": "proj", "requires": ["projector"]}],
        days=default_days(slots=(("10:30", "11:45"), ("13:30", "14:45")))))
    assert at["big"].room == "r1" and at["proj"].room == "r1"
    assert at["big"].start != at["proj"].start


def test_one_session_per_room_and_slot(tmp_path):
    conf, at = solved(write_conf(tmp_path / "c", sessions=[{"id": f"s{i}"} for i in range(6)]))
    cells = {(a.day, a.start, a.room) for a in at.values()}
    assert len(cells) == 6   # 2 rooms x 3 slots, all used once


def test_room_and_speaker_unavailability(tmp_path):
    rooms = [{"id": "r1", "name": "R1", "capacity": 100, "unavailable": [{"day": "2014-12-08", "start": "10:00", "end": "12:00"}]}]
    speakers = [{"id": "p1", "name": "María Núñez", "unavailable": [{"day": "2014-12-08", "start": "13:00", "end": "14:00"}]}]
    conf, at = solved(write_conf(tmp_path / "c", rooms=rooms, speakers=speakers, sessions=[{"id": "a", "speakers": ["p1"]}]))
    assert at["a"].start == T3


def test_speakers_never_double_booked(tmp_path):
    conf, at = solved(write_conf(tmp_path / "c", sessions=[{"id": x, "speakers": ["p1"]} for x in "abc"]))
    assert sorted(a.start for a in at.values()) == [T1, T2, T3]


def test_multi_slot_sessions_take_consecutive_slots_of_one_room(tmp_path):
    conf, at = solved(write_conf(tmp_path / "c", sessions=[{"id": "long", "duration": 165}, {"id": "x"}, {"id": "y"},
                                                           {"id": "z"}, {"id": "w"}]))
    long = at["long"]
    assert long.start in (T1, T2)
    run = conf.covered_slots(conf.session["long"], long.day, long.start)
    assert len(run) == 2
    others = [a for k, a in at.items() if k != "long" and a.room == long.room]
    assert all(a.start not in [s.start for s in run] for a in others)


def test_plenary_slots_and_plenaries_overlap_nothing(tmp_path):
    conf, at = solved(write_conf(tmp_path / "c", days=default_days(2, plenary=True), sessions=[
        {"id": "p", "format": "plenary", "expected_attendance": 90}, {"id": "q", "format": "plenary"},
        {"id": "a"}, {"id": "b"}]))
    assert at["p"].start == 540 and at["q"].start == 540 and at["p"].day != at["q"].day
    assert at["a"].start != 540 and at["b"].start != 540


def test_plenary_without_plenary_slots_blocks_the_whole_slot(tmp_path):
    conf, at = solved(write_conf(tmp_path / "c", sessions=[
        {"id": "p", "format": "plenary"}, {"id": "a"}, {"id": "b"}, {"id": "c"}, {"id": "d"}]))
    assert all(a.start != at["p"].start for k, a in at.items() if k != "p")


def test_pins(tmp_path):
    conf, at = solved(write_conf(tmp_path / "c", days=default_days(2), sessions=[
        {"id": "a", "pin": {"day": "2014-12-09", "start": "13:30"}}, {"id": "b", "pin": {"room": "r2"}},
        {"id": "c", "pin": {"day": "2014-12-08", "start": "15:00", "room": "r1"}}]))
    assert (at["a"].day, at["a"].start) == (dt.date(2014, 12, 9), T2)
    assert at["b"].room == "r2"
    assert (at["c"].day, at["c"].start, at["c"].room) == (D1, T3, "r1")


def test_after_and_not_with(tmp_path):
    conf, at = solved(write_conf(tmp_path / "c", rooms=[{"id": "r1", "name": "R", "capacity": 100},
                                                         {"id": "r2", "name": "S", "capacity": 100},
                                                         {"id": "r3", "name": "T", "capacity": 100}], sessions=[
        {"id": "part2", "after": ["part1"]}, {"id": "part1", "after": ["part0"]}, {"id": "part0"},
        {"id": "x", "not_with": ["y"]}, {"id": "y"}]))
    assert at["part0"].start < at["part1"].start < at["part2"].start
    assert at["x"].start != at["y"].start


def test_overlapping_slot_grid(tmp_path):
    """Slots that overlap in time (a 90-minute and a 60-minute grid) never hold one speaker twice."""
    days = [{"date": "2014-12-08", "slots": [{"start": "10:00", "end": "11:30"}, {"start": "10:30", "end": "11:30"},
                                             {"start": "13:00", "end": "14:00"}]}]
    conf, at = solved(write_conf(tmp_path / "c", days=days, sessions=[{"id": "a", "speakers": ["p"], "duration": 60},
                                                                       {"id": "b", "speakers": ["p"], "duration": 60}]))
    assert {at["a"].start, at["b"].start} & {13 * 60}


def test_no_program_when_rules_contradict(tmp_path):
    conf = load(write_conf(tmp_path / "c", sessions=[{"id": x, "speakers": ["p1"]} for x in "abcd"]))
    with pytest.raises(NoProgram):
        solve(conf, SolveOptions(time_limit=5, workers=1))


# -- the checker catches every broken rule ----------------------------------------------------------------
@pytest.fixture
def small(tmp_path):
    rooms = [{"id": "r1", "name": "R1", "capacity": 100, "features": ["projector"]},
             {"id": "r2", "name": "R2", "capacity": 30, "unavailable": [{"day": "2014-12-08", "start": "15:00", "end": "16:00"}]},
             {"id": "r3", "name": "R3", "capacity": 50}]
    speakers = [{"id": "p1", "name": "P1", "unavailable": [{"day": "2014-12-08", "start": "13:30", "end": "14:00"}]},
                {"id": "p2", "name": "P2"}]
    return load(write_conf(tmp_path / "c", rooms=rooms, speakers=speakers, days=default_days(1, plenary=True), sessions=[
        {"id": "a", "speakers": ["p1"], "expected_attendance": 50},
        {"id": "b", "speakers": ["p1", "p2"], "requires": ["projector"]},
        {"id": "c", "after": ["a"], "not_with": ["b"]},
        {"id": "d", "pin": {"room": "r3"}},
        {"id": "e", "duration": 165},
        {"id": "pl", "format": "plenary"}]))


def _sched(**placed):
    return Schedule(tuple(Assignment(k, D1, t, r) for k, (t, r) in placed.items()))


GOOD = dict(pl=(540, "r1"), a=(T1, "r1"), b=(T3, "r1"), c=(T2, "r3"), d=(T1, "r3"), e=(T1, "r2"))


def test_checker_accepts_a_valid_schedule(small):
    assert check_schedule(small, _sched(**GOOD)) == []


@pytest.mark.parametrize("change,rule,text", [
    (dict(a=None), "once", "is not scheduled"),
    (dict(a=(T1 + 5, "r1")), "consecutive", "where no slot starts"),
    (dict(e=(T3, "r2")), "consecutive", "does not fit in the consecutive slots"),
    (dict(d=(T1, "r9")), "rooms", "which is not in rooms.yaml"),
    (dict(a=(T2, "r2")), "capacity", "people but r2 holds"),
    (dict(b=(T3, "r3")), "features", "which r3 lacks"),
    (dict(e=(T2, "r2")), "room_availability", "when the room is unavailable"),
    (dict(b=(T2, "r1")), "speaker_availability", "but is unavailable then"),
    (dict(e=(T1, "r3")), "rooms", "are both in r3"),
    (dict(a=(T3, "r3")), "speakers", "speaks in both"),
    (dict(d=(540, "r3")), "plenaries", "in a plenary slot"),
    (dict(d=(540, "r3")), "plenaries", "runs during plenary"),
    (dict(d=(T2, "r1")), "pins", "is pinned to"),
    (dict(c=(T1, "r3"), d=(T2, "r3")), "after", "must start after"),
    (dict(c=(T3, "r3")), "not_with", "must not overlap"),
])
def test_checker_catches_each_rule(small, change, rule, text):
    placed = dict(GOOD)
    for k, v in change.items():
        if v is None:
            placed.pop(k)
        else:
            placed[k] = v
    violations = check_schedule(small, _sched(**placed))
    assert any(v.rule == rule and text in v.text for v in violations), violations


def test_checker_flags_duplicates_and_unknown_sessions(small):
    s = _sched(**GOOD)
    s = dataclasses.replace(s, assignments=s.assignments + (Assignment("a", D1, T2, "r2"), Assignment("zz", D1, T1, "r1")))
    found = {(v.rule, v.text) for v in check_schedule(small, s)}
    assert any(rule == "once" and "is scheduled 2 times" in text for rule, text in found), found
    assert any(rule == "once" and "is not a session of the folder" in text for rule, text in found), found
