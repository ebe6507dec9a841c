"""The one placed program (niic_sched.program) and what outputs share of it (the text helpers: tests/test_i18n.py)."""
from __future__ import annotations

import dataclasses
import datetime as dt

import icalendar
import pytest

from conftest import ROOT, run_cli
from helpers import DAY1, write_conf
from niic_sched.errors import InputError
from niic_sched.export import render as export
from niic_sched.export.common import session_uid
from niic_sched.io import load
from niic_sched.io.schedule_file import read_schedule
from niic_sched.model import Assignment, Schedule
from niic_sched.program import BrokenRules, PlacedProgram, ScheduleMismatch, placed
from niic_sched.render.view import program_view

D1 = dt.date.fromisoformat(DAY1)


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """The repository's sample conference and a solved schedule of it."""
    out = tmp_path_factory.mktemp("sample") / "schedule.yaml"
    r = run_cli("solve", ROOT, "-o", out, "--time-limit", 10, "--seed", 1, "--quiet")
    assert r.exit_code == 0, r.stderr
    return load(ROOT), read_schedule(out)


def small(tmp_path, **kw):
    """Two rooms, one day of three slots, a night slot at 25:00 (1:00 the next morning)."""
    days = [{"date": DAY1, "slots": [{"start": "10:30", "end": "11:45"}, {"start": "13:30", "end": "14:45"},
                                     {"start": "15:00", "end": "16:15"}, {"start": "25:00", "end": "26:15"}]}]
    sessions = [{"id": "s1", "speakers": ["p1"], "track": "b"}, {"id": "s2", "speakers": ["p2"], "track": "a"},
                {"id": "s3", "speakers": ["p1", "p2"], "duration": 150, "track": "b"},
                {"id": "s4", "track": "a"}]
    return load(write_conf(tmp_path / "c", sessions=sessions, days=days, **kw))


def at(sid, hhmm, room, day=D1):
    h, m = hhmm.split(":")
    return Assignment(sid, day, int(h) * 60 + int(m), room)


GOOD = (at("s1", "10:30", "r1"), at("s2", "10:30", "r2"), at("s3", "13:30", "r1"), at("s4", "25:00", "r2"))


# -- building ---------------------------------------------------------------------------------------
def test_the_sample_has_the_local_times_of_the_ics_export(sample):
    conf, schedule = sample
    program = PlacedProgram.build(conf, schedule)
    assert len(program.placements) == len(schedule.assignments) == len(conf.sessions)
    events = icalendar.Calendar.from_ical(export(conf, schedule, "ics")[0]).walk("VEVENT")
    ics = {str(e["uid"]): (e["dtstart"].dt, e["dtend"].dt) for e in events}
    for p in program.placements:
        start, end = ics[session_uid(conf, p.session.id)]
        assert (p.begins, p.ends) == (start, end), p.session.id
        assert p.begins.replace(tzinfo=None) == start.replace(tzinfo=None)      # the same wall clock too
        assert str(p.begins.tzinfo) == conf.time_zone == str(start.tzinfo)
    # the site's calendar data is the same instant, in UTC
    view = program_view(program)
    for sv, p in zip(view.sessions, program.placements):
        assert sv.id == p.session.id
        assert sv.utc_start == p.begins.astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def test_placements_join_session_room_speakers_slots_and_times(tmp_path):
    conf = small(tmp_path)
    program = PlacedProgram.build(conf, Schedule(GOOD))
    assert [p.session.id for p in program.placements] == ["s1", "s2", "s3", "s4"]
    s3 = program.by_session["s3"]
    assert s3.room is conf.room["r1"] and [q.name for q in s3.speakers] == ["Speaker p1", "Speaker p2"]
    assert [sl.start for sl in s3.slots] == [13 * 60 + 30, 15 * 60] and (s3.end, s3.minutes) == (16 * 60 + 15, 165)
    assert s3.begins == dt.datetime(2014, 12, 8, 13, 30, tzinfo=program.zone)
    night = program.by_session["s4"]
    assert night.day == D1 and night.begins.isoformat() == "2014-12-09T01:00:00-08:00"
    assert night.ends.isoformat() == "2014-12-09T02:15:00-08:00"
    assert program.local(D1, 25 * 60) == night.begins
    assert program.unplaced == () and program.warnings == () and program.broken == ()


def test_sorted_views_per_day_room_track_and_speaker(tmp_path):
    conf = small(tmp_path)
    program = PlacedProgram.build(conf, Schedule(GOOD[:3]))
    ids = lambda ps: [p.session.id for p in ps]          # noqa: E731
    assert list(program.by_day) == [D1] and ids(program.by_day[D1]) == ["s1", "s2", "s3"]
    assert list(program.by_room) == ["r1", "r2"]
    assert ids(program.by_room["r1"]) == ["s1", "s3"] and ids(program.by_room["r2"]) == ["s2"]
    assert ids(program.by_track["b"]) == ["s1", "s3"] and ids(program.by_track["a"]) == ["s2"]
    assert ids(program.by_speaker["p1"]) == ["s1", "s3"] and ids(program.by_speaker["p2"]) == ["s2", "s3"]
    assert [s.id for s in program.unplaced] == ["s4"]
    assert any("s4" in w for w in program.warnings)                # not in the schedule: solve again
    with pytest.raises(TypeError):
        program.by_room["r1"] = ()                                  # read-only
    with pytest.raises(dataclasses.FrozenInstanceError):
        program.placements = ()


def test_unknown_sessions_and_rooms_are_one_clear_error(tmp_path):
    conf = small(tmp_path)
    bad = GOOD[:2] + (at("s0999", "10:30", "r1"), at("s3", "13:30", "attic"))
    with pytest.raises(ScheduleMismatch) as caught:
        PlacedProgram.build(conf, Schedule(bad), source="program/schedule.yaml")
    err = caught.value
    assert isinstance(err, InputError)                               # exit 2 in the CLI
    assert [p.where for p in err.problems] == ["program/schedule.yaml"] * 2
    assert "s0999" in err.problems[0].what and "not in the conference" in err.problems[0].what
    assert "'attic'" in err.problems[1].what and "not a room" in err.problems[1].what
    assert "2 problems" in str(err) and all(p.fix for p in err.problems)


def test_twice_and_starts_that_are_no_slot_are_mismatches(tmp_path):
    conf = small(tmp_path)
    bad = GOOD + (at("s1", "13:30", "r2"), )
    with pytest.raises(ScheduleMismatch, match="s1' is scheduled twice"):
        PlacedProgram.build(conf, Schedule(bad))
    for wrong in (at("s1", "10:45", "r1"), at("s1", "10:30", "r1", D1 + dt.timedelta(days=5)),
                  at("s3", "25:00", "r1")):                      # no slot there / no such day / too short a run
        with pytest.raises(ScheduleMismatch, match="no run of slots covers"):
            PlacedProgram.build(conf, Schedule((wrong,) + GOOD[1:2]))


def test_an_unknown_time_zone_is_an_input_error(tmp_path):
    conf = dataclasses.replace(small(tmp_path), time_zone="Mars/Olympus_Mons")
    with pytest.raises(InputError, match="Mars/Olympus_Mons"):
        PlacedProgram.build(conf, Schedule(GOOD))
    # no time zone: floating local times (naive), never UTC
    floating = PlacedProgram.build(dataclasses.replace(conf, time_zone=""), Schedule(GOOD))
    first = floating.placements[0]
    assert first.begins.tzinfo is None and (first.begins.hour, first.begins.minute) == (10, 30)


# -- the policy -------------------------------------------------------------------------------------
def test_placed_refuses_two_sessions_in_one_room_unless_forced(tmp_path):
    conf = small(tmp_path)
    clash = (at("s1", "10:30", "r1"), at("s2", "10:30", "r1")) + GOOD[2:]
    with pytest.raises(BrokenRules) as caught:
        placed(conf, Schedule(clash), force=False, source="bad.yaml")
    err = caught.value
    assert isinstance(err, InputError)
    assert len(err.violations) == 1 and "both in r1" in err.violations[0].text
    assert set(err.violations[0].sessions) == {"s1", "s2"}
    assert "bad.yaml: 1 broken hard rule" in str(err) and "--force" in str(err)
    program = placed(conf, Schedule(clash), force=True)
    assert program.broken == err.violations
    assert [p.session.id for p in program.by_room["r1"]] == ["s1", "s2", "s3"]
    assert placed(conf, Schedule(GOOD), force=False).broken == ()


def test_placed_never_forces_a_mismatch(tmp_path):
    conf = small(tmp_path)
    with pytest.raises(ScheduleMismatch):
        placed(conf, Schedule(GOOD + (at("s0999", "10:30", "r1"),)), force=True)
