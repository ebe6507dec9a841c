"""The Timefold Solver benchmark peer (benchmarks/adapter_timefold.py) and how
benchmarks/run.py reports it.

The adapter runs in a subprocess (a JVM cannot be restarted in one process, and
its start-up and class translation take seconds): it solves a tiny conference in
which every hard rule of niic-sched binds, after scoring random placements with
its constraint streams against niic-sched's own checker. It is skipped, saying
why, where `timefold` is not installed or there is no Java (`make test` needs
neither)."""
from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import write_conf
from niic_sched.check import check_schedule
from niic_sched.io import load
from niic_sched.io.schedule_file import read_schedule
from niic_sched.quality import evaluate

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"
ADAPTER = BENCH / "adapter_timefold.py"

_spec = importlib.util.spec_from_file_location("niic_bench_run_tf", BENCH / "run.py")
bench_run = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_run)

HAVE_TIMEFOLD = importlib.util.find_spec("timefold") is not None
HAVE_JAVA = bool(os.environ.get("JAVA_HOME") or shutil.which("java"))
needs_timefold = pytest.mark.skipif(not HAVE_TIMEFOLD, reason="timefold is not installed (pip install '.[bench]')")
needs_java = pytest.mark.skipif(not HAVE_JAVA, reason="no Java (java on the PATH or JAVA_HOME): "
                                                      "`make bench-deps` installs openjdk-17-jre-headless")


def _env() -> dict:
    root = str(Path(__file__).resolve().parents[1])
    return {**os.environ, "PYTHONPATH": root + os.pathsep + os.environ.get("PYTHONPATH", "")}


@pytest.fixture(scope="module")
def every_rule(tmp_path_factory) -> Path:
    """8 sessions, 3 rooms, one day of a plenary slot and 3 regular slots: every one of the 8
    regular room-slots is needed (the training s004 takes two), and pins, a shared speaker, a
    speaker away at 15:00, a room closed at 10:30, a feature, capacities, `after` and
    `not_with` all bind."""
    days = [{"date": "2014-12-08", "slots": [{"start": "09:00", "end": "10:15", "kind": "plenary"},
                                             {"start": "10:30", "end": "11:45"}, {"start": "13:30", "end": "14:45"},
                                             {"start": "15:00", "end": "16:15"}]}]
    rooms = [{"id": "r1", "name": "Room 1", "capacity": 100, "features": ["projector"]},
             {"id": "r2", "name": "Room 2", "capacity": 50, "features": []},
             {"id": "r3", "name": "Room 3", "capacity": 30, "features": ["projector"],
              "unavailable": [{"day": "2014-12-08", "start": "10:30", "end": "11:45"}]}]
    speakers = [{"id": "p1", "name": "Speaker One"},
                {"id": "p2", "name": "Speaker Two", "unavailable": [{"day": "2014-12-08", "start": "15:00",
                                                                      "end": "16:15"}]}]
    sessions = [
        {"format": "plenary", "expected_attendance": 80, "pin": {"day": "2014-12-08"}},   # s001
        {"speakers": ["p1"], "requires": ["projector"]},                                  # s002
        {"speakers": ["p1"]},                                                              # s003
        {"format": "training", "duration": 150, "expected_attendance": 40},               # s004: two slots
        {"after": ["s002"]},                                                               # s005
        {"not_with": ["s005"]},                                                            # s006
        {"pin": {"room": "r2"}},                                                           # s007
        {"speakers": ["p2"], "expected_attendance": 60},                                   # s008
    ]
    interests = [(f"a{n}", s) for n, pair in enumerate([("s003", "s005"), ("s003", "s006"), ("s005", "s006"),
                                                        ("s002", "s007"), ("s004", "s008"), ("s003", "s004")] * 3)
                 for s in pair]
    return write_conf(tmp_path_factory.mktemp("timefold") / "every-rule", sessions=sessions, rooms=rooms,
                      speakers=speakers, days=days, interests=interests)


@needs_timefold
@needs_java
def test_timefold_adapter_writes_a_valid_schedule_and_its_streams_agree_with_the_checker(every_rule, tmp_path):
    out, js = tmp_path / "timefold.yaml", tmp_path / "timefold.json"
    proc = subprocess.run([sys.executable, str(ADAPTER), str(every_rule), "-o", str(out), "--time-limit", "5",
                           "--startup-not-counted", "--verify-random", "25", "--json", str(js)],
                          capture_output=True, text=True, env=_env(), timeout=900)
    assert proc.returncode == 0, proc.stderr
    figures = json.loads(js.read_text())
    # the constraint streams score random placements exactly as niic-sched's checker and recount do
    assert figures["verify"] == {"placements": 25, "disagreements": 0}
    conf = load(every_rule)
    sched = read_schedule(out)
    assert check_schedule(conf, sched) == []
    assert sorted(a.session for a in sched.assignments) == [s.id for s in conf.sessions]
    # its soft score is minus the attendee conflicts that niic-sched recounts
    assert figures["hard"] == 0
    assert -figures["soft"] == evaluate(conf, sched).figure("attendee_conflict").count
    for key in ("jvm_start_seconds", "startup_seconds", "solve_seconds"):
        assert figures[key] > 0
    assert sched.meta["startup_counted"] is False and figures["startup_counted"] is False


@needs_timefold
def test_timefold_adapter_without_a_jvm_says_so_and_writes_nothing(every_rule, tmp_path):
    out = tmp_path / "timefold.yaml"
    env = {**_env(), "JAVA_HOME": str(tmp_path / "no-such-jdk")}
    proc = subprocess.run([sys.executable, str(ADAPTER), str(every_rule), "-o", str(out), "--time-limit", "5"],
                          capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 2
    assert "JVM did not start" in proc.stderr and "no-such-jdk" in proc.stderr
    assert not out.exists()


# -- how run.py reports Timefold beside niic-sched and the plain model (no solver runs) ----------------
def _rec(instance, solver, conflicts, *, valid=True, run=0, missed=None, note=""):
    judged = {"written": True, "readable": True, "valid": valid, "attendee_conflicts": conflicts,
              "violations": 0 if valid else 2, "violation_rules": [] if valid else ["rooms"]}
    if missed is not None:
        judged["missed_attendance"] = missed
    return {"part": "must1", "instance": instance, "solver": solver, "limit": 30.0, "run": run, "seed": run + 1,
            "judged": judged, "note": note, "wall_seconds": 30.0}


def test_must_show_states_targets_ratios_and_pass_or_miss():
    seeds = [f"60/12/3/5 seed {s}" for s in (101, 102)]
    runs = [_rec(seeds[0], "niic-sched", 400, missed=350), _rec(seeds[0], "Timefold Solver", 420, missed=360),
            _rec(seeds[0], "plain CP-SAT model", 460, missed=380),
            _rec(seeds[1], "niic-sched", 410, missed=351), _rec(seeds[1], "Timefold Solver", 425, missed=361),
            _rec(seeds[1], "plain CP-SAT model", 470, missed=381)]
    runs += [_rec("60/12/3/5 seed 11", "niic-sched", c, run=k) for k, c in enumerate((320, 316, 318))]
    runs.append(_rec("60/12/3/5 seed 11", "Timefold Solver", 321))
    text = "\n".join(bench_run.must_show(runs, {}))
    # 810 / 845 = 0.959 <= 0.97; 810 / 930 = 0.871 <= 0.90; median of 320, 316, 318 is 318 > 317
    assert "measured 0.959 (810 / 845): **PASS**" in text
    assert "measured 0.871 (810 / 930): **PASS**" in text
    assert "measured 318.0: **MISS**" in text
    assert "| 60/12/3/5 seed 101 | 400 | 350 | 420 | 360 | 460 | 380 | 0.952 | 0.870 |" in text
    assert "Timefold once: 321 conflicts (valid)" in text


def test_must_show_has_no_total_when_a_schedule_breaks_rules():
    inst = "60/12/3/5 seed 101"
    runs = [_rec(inst, "niic-sched", 400), _rec(inst, "Timefold Solver", 380, valid=False, note=""),
            _rec(inst, "plain CP-SAT model", 460)]
    text = "\n".join(bench_run.must_show(runs, {}))
    # Timefold's 380 broke rules: it is no figure, its total is incomplete, the target is not claimed
    assert "niic-sched / Timefold, total attendee conflicts: target <= 0.97, measured no complete total: **MISS**" \
        in text
    assert "2 broken (rooms)" in text
    assert "measured 0.870 (400 / 460): **PASS**" in text


def test_missed_attendance_is_read_when_quality_has_it_and_absent_otherwise():
    class Fig:
        count = 7

    class WithGoal:
        def figure(self, goal):
            return Fig() if goal == "missed_attendance" else None

    class Without:
        def figure(self, goal):
            return None

    assert bench_run.missed_attendance(WithGoal()) == 7
    assert bench_run.missed_attendance(Without()) is None
