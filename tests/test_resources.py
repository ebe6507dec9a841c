"""Resources (interpreter teams, headsets...): at every moment the sessions running use
no more of a resource than the conference has (issue 12, must-show 3)."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from niic_sched.check import check_schedule
from niic_sched.io import load
from niic_sched.io.schedule_file import read_schedule
from niic_sched.model import hhmm

from helpers import DAY1, write_conf

ROOMS = [{"id": f"r{i}", "name": f"Room {i}", "capacity": 100, "features": []} for i in range(1, 4)]


def spanish_six(folder: Path, pins=None, uses_by_interpretation=True, quantity=2) -> Path:
    """Six Spanish sessions, each using one Spanish-English team (by its interpretation, or
    by ``uses``), three rooms and three slots: two teams allow exactly two at once."""
    sessions = []
    for i in range(6):
        s = {"title": f"Taller {i + 1}", "language": "es"}
        if uses_by_interpretation:
            s["interpretation"] = ["en"]
        else:
            s["uses"] = {"interpreters-es-en": 1}
        if pins and i in pins:
            s["pin"] = pins[i]
        sessions.append(s)
    return write_conf(folder, sessions=sessions, rooms=ROOMS,
                      conference={"resources": {"interpreters-es-en": quantity}})


def most_at_once(conf, schedule, resource: str) -> int:
    """The largest use of ``resource`` at any moment (counted here, from the slots)."""
    best = 0
    for a in schedule.assignments:
        for slot in conf.covered_slots(conf.session[a.session], a.day, a.start):
            t = (a.day, slot.start)
            n = 0
            for b in schedule.assignments:
                run = conf.covered_slots(conf.session[b.session], b.day, b.start)
                if b.day == t[0] and any(x.start <= t[1] < x.end for x in run):
                    n += conf.uses(conf.session[b.session]).get(resource, 0)
            best = max(best, n)
    return best


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
@pytest.mark.parametrize("by_interpretation", [True, False], ids=["interpretation", "uses"])
def test_no_solve_runs_three_of_six_at_once(tmp_path, cli, seed, by_interpretation):
    folder = spanish_six(tmp_path / "c", uses_by_interpretation=by_interpretation)
    out = tmp_path / "s.yaml"
    result = cli("solve", folder, "-o", out, "--time-limit", "5", "--seed", seed, "--workers", "1", "-q")
    assert result.exit_code == 0, result.output
    conf, schedule = load(folder), read_schedule(out)
    assert most_at_once(conf, schedule, "interpreters-es-en") == 2
    assert check_schedule(conf, schedule) == []


def test_pins_forcing_three_at_once_are_explained(tmp_path, cli):
    pin = {"day": DAY1, "start": "10:30"}
    folder = spanish_six(tmp_path / "c", pins={0: pin, 1: pin, 2: pin})
    result = cli("solve", folder, "-o", tmp_path / "s.yaml", "--time-limit", "10", "-q")
    assert result.exit_code == 3, result.output
    text = result.output
    assert "interpreters-es-en" in text and "Spanish–English interpreters" in text
    assert "there are 2" in text
    assert "s001" in text and "s002" in text and "s003" in text
    assert not (tmp_path / "s.yaml").exists()
    explained = cli("explain", folder, "--format", "json")
    assert explained.exit_code == 3
    assert '"rule": "resources"' in explained.output


def test_a_session_that_needs_more_than_there_is(tmp_path, cli):
    folder = write_conf(tmp_path / "c", rooms=ROOMS, conference={"resources": {"headsets": 50}},
                        sessions=[{"uses": {"headsets": 80}}, {}])
    result = cli("explain", folder)
    assert result.exit_code == 3, result.output
    assert "(s001) has no possible start: it uses 80 of headsets, and there are 50." in result.output
    assert "Add to headsets in conference.yaml's resources" in result.output


def test_check_reports_three_at_once_in_a_hand_made_schedule(tmp_path, cli):
    folder = spanish_six(tmp_path / "c")
    rows = [{"session": f"s00{i + 1}", "day": DAY1, "start": "10:30" if i < 3 else "13:30",
             "room": f"r{i % 3 + 1}"} for i in range(6)]
    sched = tmp_path / "hand.yaml"
    sched.write_text(yaml.safe_dump({"assignments": rows}))
    result = cli("check", folder, "--schedule", sched)
    assert result.exit_code != 0
    assert "[resources]" in result.output
    assert "s001, s002, s003 run at 2014-12-08 10:30 and use 3 of interpreters-es-en, of which there are 2" \
        in result.output
    conf = load(folder)
    assert {v.rule for v in check_schedule(conf, read_schedule(sched))} == {"resources"}


def test_a_multi_slot_session_holds_its_team_for_its_whole_length(tmp_path):
    folder = write_conf(tmp_path / "c", rooms=ROOMS, conference={"resources": {"kit": 1}},
                        sessions=[{"duration": 150, "uses": {"kit": 1}}, {"uses": {"kit": 1}}])
    from niic_sched.solve.solver import SolveOptions, solve
    conf = load(folder)
    result = solve(conf, SolveOptions(time_limit=5, seed=1, workers=1))
    a, b = sorted(result.schedule.assignments, key=lambda x: x.session)
    long_run = conf.covered_slots(conf.session["s001"], a.day, a.start)
    assert all(not (x.start <= b.start < x.end) for x in long_run), (hhmm(a.start), hhmm(b.start))
