"""End to end on conferences written by the project's generator (niic_sched.generate)."""
from __future__ import annotations

import pytest
import yaml

from niic_sched.check import check_schedule
from niic_sched.io import load
from niic_sched.io.schedule_file import read_schedule


@pytest.mark.parametrize("size", [dict(sessions=60, rooms=12, days=3, slots=5, seed=11),
                                  dict(sessions=150, rooms=16, days=3, slots=6, seed=5),
                                  dict(sessions=40, rooms=6, days=2, slots=5, seed=3)])
def test_solve_then_check(generated, cli, tmp_path, size):
    folder = generated(**size)
    out = tmp_path / "s.yaml"
    result = cli("solve", folder, "-o", out, "--time-limit", "4", "--quiet")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""       # --quiet means quiet
    result = cli("check", folder, "--schedule", out)
    assert result.exit_code == 0, result.stderr
    conf = load(folder)
    schedule = read_schedule(out)
    assert check_schedule(conf, schedule) == []
    assert {a.session for a in schedule.assignments} == {s.id for s in conf.sessions}
    doc = yaml.safe_load(out.read_text())
    assert set(doc["assignments"][0]) >= {"session", "day", "start", "room"}


def test_progress_on_stderr(generated, cli, tmp_path):
    folder = generated(sessions=30, rooms=6, days=2, slots=4, seed=2)
    result = cli("solve", folder, "-o", tmp_path / "s.yaml", "--time-limit", "5")
    assert result.exit_code == 0 and "timetable" in result.stderr and "Wrote" in result.stderr


def test_default_output_is_program_schedule_yaml(generated, cli):
    folder = generated(sessions=20, rooms=5, days=2, slots=4, seed=4)
    assert cli("solve", folder, "--time-limit", "2", "-q").exit_code == 0
    assert (folder / "program" / "schedule.yaml").is_file()


def test_deterministic_runs_are_byte_identical(generated, cli, tmp_path):
    folder = generated(sessions=60, rooms=12, days=3, slots=5, seed=11)
    outs = []
    for n in range(2):
        out = tmp_path / f"s{n}.yaml"
        r = cli("solve", folder, "-o", out, "--deterministic", "--seed", "3", "--workers", "2",
                "--time-limit", "2", "-q")
        assert r.exit_code == 0, r.stderr
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]


def test_check_reports_broken_rules_of_a_hand_edited_schedule(generated, cli, tmp_path):
    folder = generated(sessions=30, rooms=6, days=2, slots=4, seed=2)
    out = tmp_path / "s.yaml"
    assert cli("solve", folder, "-o", out, "-q", "--time-limit", "2").exit_code == 0
    doc = yaml.safe_load(out.read_text())
    a, b = doc["assignments"][3], doc["assignments"][4]
    b.update(day=a["day"], start=a["start"], room=a["room"])   # two sessions in one room at once
    out.write_text(yaml.safe_dump(doc))
    r = cli("check", folder, "--schedule", out)
    assert r.exit_code == 1 and "[rooms]" in r.stderr and f"are both in {a['room']}" in r.stderr
