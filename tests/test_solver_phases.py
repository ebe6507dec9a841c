"""The solver's phases: the budget and its shares, the fall-backs (every soft goal and
the cap on retimed published sessions kept), --time-limit as the whole budget
(explanation included), and the second search under a 'spawn' start."""
from __future__ import annotations

import importlib.util
import itertools
import multiprocessing
import time

import pytest
from ortools.sat.python import cp_model

from conftest import ROOT
from helpers import DAY1, write_conf
from niic_sched.check import check_schedule
from niic_sched.errors import NoProgram
from niic_sched.io import load
from niic_sched.model import Assignment, Schedule
from niic_sched.quality import evaluate
from niic_sched.solve import NotFound, SolveOptions, solve
from niic_sched.solve import solver as solver_module
from niic_sched.solve.goals import evaluate_times, moved_count
from niic_sched.solve.lns import TimeSearch
from niic_sched.solve.portfolio import improve
from niic_sched.solve.solver import (FIRST_TIMETABLE_AT_LEAST, ROOM_SECONDS_PER_DAY, ROOM_SECONDS_PER_SESSION, SHARES,
                                     Budget, Job, baseline_phase, fallback_phase, first_timetable,
                                     resolve_with_rooms, room_reserve, rooms_phase, to_schedule)

SLACK = 4.0     # process start, loading, model building that cannot be interrupted, a shared CPU


def _bench():
    spec = importlib.util.spec_from_file_location("bench_explain", ROOT / "benchmarks" / "bench_explain.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


# -- the budget -------------------------------------------------------------------------------------------
def test_budget_shares_and_clock():
    b = Budget(limit=60.0, start=time.monotonic() - 10.0, rooms_reserve=3.0)
    assert b.share("explanation") == pytest.approx(60.0 * SHARES["explanation"])
    assert b.share("start", of=b.timetable) == pytest.approx(57.0 * SHARES["start"])
    assert b.timetable == 57.0 and b.first_timetable == pytest.approx(60.0 * (1 - SHARES["explanation"]))
    # a short limit is the first timetable's for its first seconds
    assert Budget(3.0, False).first_timetable == pytest.approx(3.0)
    assert Budget(8.0, False).first_timetable == pytest.approx(FIRST_TIMETABLE_AT_LEAST)
    assert 49.0 < b.left() <= 50.0
    assert 9.0 < b.until(20.0) <= 10.0 and b.until(5.0) == 0.0
    b.shorten(2.0)
    assert 1.5 < b.left() <= 2.0
    # the room reserve: so much a session and a day, between 5 % and 50 % of the limit
    assert room_reserve(60.0, 100, 2) == pytest.approx(60.0 * SHARES["rooms_min"])
    assert room_reserve(600.0, 5000, 40) == pytest.approx(ROOM_SECONDS_PER_SESSION * 5000 + ROOM_SECONDS_PER_DAY * 40)
    assert room_reserve(4.0, 1000, 3) == pytest.approx(4.0 * SHARES["rooms_max"])
    assert all(0 < v < 1 for v in SHARES.values())


# -- the fall-backs keep the cap and the goals --------------------------------------------------------
ROOMS3 = [{"id": f"r{n}", "name": f"Room {n}", "capacity": 40} for n in (1, 2, 3)]
SLOTS = ("10:30", "13:30", "15:00")


def _small_with_baseline(tmp_path):
    """One day, three slots, three equal rooms. Published: a and b together at 10:30
    (5 attendees want both), c at 13:30, d at 15:00. New: e and f (4 attendees want
    both; e prefers 15:00). Distinct tracks: only the attendee conflicts and
    e's preferred time cost anything."""
    sessions = [{"id": x, "track": f"t{x}"} for x in "abcdef"]
    sessions[4]["preferred"] = [{"day": DAY1, "start": "15:00"}]
    interests = [(f"A{n}", s) for n in range(5) for s in "ab"] + [(f"B{n}", s) for n in range(4) for s in "ef"]
    conf = load(write_conf(tmp_path / "c", sessions=sessions, rooms=ROOMS3, interests=interests))
    day = conf.days[0].date
    baseline = Schedule((Assignment("a", day, 10 * 60 + 30, "r1"), Assignment("b", day, 10 * 60 + 30, "r2"),
                         Assignment("c", day, 13 * 60 + 30, "r1"), Assignment("d", day, 15 * 60, "r1")), (), {})
    return conf, baseline


def _best_cost(conf, cap_published: bool) -> int:
    """Brute force over the starts: the least weighted cost of attendee conflicts and
    preferred times (each slot holds at most three sessions)."""
    w = conf.weight
    starts = [10 * 60 + 30, 13 * 60 + 30, 15 * 60]
    published = {"a": starts[0], "b": starts[0], "c": starts[1], "d": starts[2]}
    ids = "abcdef"
    best = None
    for combo in itertools.product(starts, repeat=len(ids)):
        at = dict(zip(ids, combo))
        if any(combo.count(s) > 3 for s in starts):
            continue
        if cap_published and any(at[x] != published[x] for x in published):
            continue
        cost = 5 * w["attendee_conflict"] * (at["a"] == at["b"]) + 4 * w["attendee_conflict"] * (at["e"] == at["f"])
        cost += w["preferred"] * (at["e"] != 15 * 60)
        best = cost if best is None else min(best, cost)
    return best


def _job_with_cap(conf, baseline):
    job = Job.create(conf, SolveOptions(time_limit=20, workers=1, baseline=baseline))
    base = baseline_phase(job)
    assert base.cap == 0 and base.proven          # the published schedule is valid: nothing need move
    return job, base


def _soft_cost(conf, schedule) -> int:
    q = evaluate(conf, schedule)
    return sum(g.cost for g in q.goals if g.goal in ("attendee_conflict", "preferred"))


def test_fallback_phase_keeps_the_cap_and_minimises_every_goal(tmp_path):
    conf, baseline = _small_with_baseline(tmp_path)
    job, base = _job_with_cap(conf, baseline)
    # the room step failed on day 1 (the only day): re-solve it with times and rooms together
    fb = fallback_phase(job, base.times, {}, [0])
    assert fb.placement is not None and fb.scope == "day 1"
    times = {i: k for i, (k, _) in fb.placement.items()}
    assert moved_count(job.obj, times) <= base.cap
    schedule = to_schedule(job.space, fb.placement)
    assert check_schedule(conf, schedule) == []
    by = schedule.by_session
    assert (by["a"].start, by["b"].start) == (10 * 60 + 30, 10 * 60 + 30)    # published: kept, conflict and all
    assert by["e"].start != by["f"].start and by["e"].start == 15 * 60        # new: apart, e at its preferred time
    assert _soft_cost(conf, schedule) == _best_cost(conf, cap_published=True)
    # room goals too: published sessions keep their rooms
    assert evaluate(conf, schedule, baseline=baseline).figure("moved_room").count == 0


def test_last_resort_keeps_the_cap_and_the_goals(tmp_path):
    conf, baseline = _small_with_baseline(tmp_path)
    job, base = _job_with_cap(conf, baseline)
    got, status = resolve_with_rooms(job, base.times, {}, None, 10.0, base.cap)
    assert status == cp_model.OPTIMAL
    times = {i: k for i, (k, _) in got.items()}
    assert moved_count(job.obj, times) == 0
    schedule = to_schedule(job.space, got)
    assert check_schedule(conf, schedule) == []
    assert _soft_cost(conf, schedule) == _best_cost(conf, cap_published=True)
    assert evaluate(conf, schedule, baseline=baseline).figure("moved_room").count == 0
    # without the cap the goals alone would retime a published session (a and b apart)
    free, _ = resolve_with_rooms(job, base.times, {}, None, 10.0, None)
    assert moved_count(job.obj, {i: k for i, (k, _) in free.items()}) >= 1
    assert _soft_cost(conf, to_schedule(job.space, free)) == _best_cost(conf, cap_published=False) \
        < _best_cost(conf, cap_published=True)


def test_a_failed_room_step_goes_through_the_fallback_with_the_cap(tmp_path, monkeypatch):
    conf, baseline = _small_with_baseline(tmp_path)
    monkeypatch.setattr(solver_module, "_rooms_for_day", lambda *a, **k: None)   # every day's room step fails
    # and the exact models with rooms that come first against a baseline find nothing either
    nothing = solver_module.InPlace(None, cp_model.UNKNOWN, "")
    monkeypatch.setattr(solver_module, "keep_in_place", lambda *a, **k: nothing)
    monkeypatch.setattr(solver_module, "exact_baseline", lambda *a, **k: nothing)
    result = solve(conf, SolveOptions(time_limit=10, workers=1, baseline=baseline))
    assert result.fallback == "day 1"
    assert check_schedule(conf, result.schedule) == []
    assert result.retimed == 0 and result.retimed_proven_minimal is True
    assert _soft_cost(conf, result.schedule) == _best_cost(conf, cap_published=True)


# -- --time-limit is the whole budget, explanation included --------------------------------------------
def _planted(generated, name="speaker-pins", **kw):
    folder = generated(**{"sessions": 60, "rooms": 8, "days": 2, "slots": 5, "seed": 3, **kw})
    planted = getattr(_bench(), {"speaker-pins": "plant_speaker_pins",
                                 "big-sessions": "plant_big_sessions_pinned_together"}[name])(folder)
    return folder, planted


def test_solve_on_a_planted_contradiction_exits_3_within_the_limit(generated, cli, tmp_path):
    folder, planted = _planted(generated)
    limit = 8
    t = time.monotonic()
    r = cli("solve", folder, "-o", tmp_path / "s.yaml", "--time-limit", limit, "-q")
    elapsed = time.monotonic() - t
    assert r.exit_code == 3, r.stderr
    assert "No program exists" in r.stderr and planted["sessions"][0] in r.stderr
    assert elapsed < limit + SLACK, elapsed
    assert not (tmp_path / "s.yaml").exists()


def _undecided_start(monkeypatch):
    """CP-SAT cannot find a first timetable, nor refute one, within its share."""
    def start(self, seconds, hint=None, progress=None, feasible_seconds=60):
        time.sleep(feasible_seconds)
        return None, cp_model.UNKNOWN
    monkeypatch.setattr(TimeSearch, "start", start)


def test_no_first_timetable_explains_with_what_is_left(generated, monkeypatch):
    folder, planted = _planted(generated, "big-sessions")
    conf = load(folder)
    _undecided_start(monkeypatch)
    limit = 8.0
    t = time.monotonic()
    with pytest.raises(NoProgram) as info:
        solve(conf, SolveOptions(time_limit=limit, workers=1))
    elapsed = time.monotonic() - t
    assert elapsed < limit + SLACK, elapsed
    assert elapsed >= Budget(limit, False).first_timetable - 0.5          # it searched its share first
    assert set(info.value.explanation.requirements) <= set(planted["keys"])


def test_no_first_timetable_on_a_feasible_conference_is_not_found_within_the_limit(generated, monkeypatch):
    conf = load(generated(sessions=40, rooms=8, days=2, slots=5, seed=4))
    _undecided_start(monkeypatch)
    limit = 6.0
    t = time.monotonic()
    with pytest.raises(NotFound) as info:
        solve(conf, SolveOptions(time_limit=limit, workers=1))
    assert time.monotonic() - t < limit + SLACK
    assert info.value.explanation is not None and info.value.explanation.status in ("feasible", "unknown")


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="the patch reaches the child by fork")
def test_an_explanation_that_overruns_is_stopped_at_the_deadline(tmp_path, monkeypatch):
    from niic_sched.solve import explain as explain_module

    def slow(conf, *, time_limit=60.0, space=None):   # model building that takes far longer than the budget
        time.sleep(120)
    monkeypatch.setattr(explain_module, "explain", slow)
    monkeypatch.setattr(solver_module, "EXPLAIN_BUILD_SECONDS", 1e6)   # as for a large conference: in a process
    conf = load(write_conf(tmp_path / "c", sessions=[{"id": x, "speakers": ["p1"]} for x in "abcd"]))
    limit = 3.0
    t = time.monotonic()
    with pytest.raises(NoProgram) as info:    # CP-SAT proved it: no program, even without the explanation
        solve(conf, SolveOptions(time_limit=limit, workers=1))
    assert time.monotonic() - t < limit + SLACK
    assert info.value.explanation is None and "time ran out" in info.value.reasons[0]
    # undecided, and no time to decide: not found, within the limit too
    _undecided_start(monkeypatch)
    t = time.monotonic()
    with pytest.raises(NotFound):
        solve(load(_three_free_sessions(tmp_path)), SolveOptions(time_limit=limit, workers=1))
    assert time.monotonic() - t < limit + SLACK


def _three_free_sessions(tmp_path):
    return write_conf(tmp_path / "feasible", sessions=[{"id": x} for x in "abc"])


def test_a_small_explanation_runs_in_this_process_and_a_large_one_in_its_own(tmp_path, generated):
    small = Job.create(load(write_conf(tmp_path / "c", sessions=[{"id": x} for x in "abc"])), SolveOptions())
    assert not solver_module._explanation_may_overrun(small, 10.0)
    large = Job.create(load(generated(sessions=300, rooms=24, days=4, slots=5, seed=3)), SolveOptions())
    assert solver_module._explanation_may_overrun(large, 10.0)


def test_a_session_without_any_start_is_explained_at_once(tmp_path):
    conf = load(write_conf(tmp_path / "c", sessions=[{"id": "a", "speakers": ["p1"]}, {"id": "b"}],
                           speakers=[{"id": "p1", "name": "P1", "unavailable": [{"day": DAY1}]}]))
    t = time.monotonic()
    with pytest.raises(NoProgram):
        solve(conf, SolveOptions(time_limit=30, workers=1))
    assert time.monotonic() - t < 5.0


# -- the second search under 'spawn' ---------------------------------------------------------------------
def test_two_process_search_under_spawn_gives_a_valid_timetable(generated):
    conf = load(generated(sessions=40, rooms=8, days=2, slots=5, seed=2))
    job = Job.create(conf, SolveOptions(time_limit=10, workers=2, seed=1))
    first = first_timetable(job, baseline_phase(job))
    lines = []
    got = improve(job.space, job.obj, first.times, seed=1, seconds=3.0, workers=2, deterministic=False,
                  moved_cap=None, say=lines.append, t0=job.t0, step=0.3, start_method="spawn")
    assert got.searches == 2                                     # the spawned search reported back
    assert got.best.value == evaluate_times(job.space, job.obj, got.best.times) <= first.value
    rooms = rooms_phase(job, got.best.times)
    assert rooms.failed == []
    assert check_schedule(conf, to_schedule(job.space, rooms.placement)) == []


def test_solve_with_a_spawned_second_search(generated):
    conf = load(generated(sessions=30, rooms=6, days=2, slots=5, seed=5))
    result = solve(conf, SolveOptions(time_limit=6, workers=2, seed=2, start_method="spawn"))
    assert check_schedule(conf, result.schedule) == []
    assert result.timetable_objective == evaluate_times_of(*_space_obj(conf), result.schedule)


def _space_obj(conf):
    job = Job.create(conf, SolveOptions())
    return job.space, job.obj


def evaluate_times_of(space, obj, schedule):
    times = {}
    for a in schedule.assignments:
        i = space.index[a.session]
        times[i] = space.option_at(i, a.day, a.start)
    return evaluate_times(space, obj, times)
