"""The fast tabu search (niic_sched/solve/tabu.py): its cost table stays exact through
moves and swaps, and what it returns keeps every hard rule and never costs more than
where it started."""
from __future__ import annotations

import random
import time

import pytest

from niic_sched.check import check_schedule
from niic_sched.generate import generate_conference
from niic_sched.io import load
from niic_sched.solve import SolveOptions
from niic_sched.solve import solver as s
from niic_sched.solve.goals import evaluate_times, time_objective
from niic_sched.solve.lns import TimeSearch
from niic_sched.solve.space import Space
from niic_sched.solve.tabu import CostTable, Timetable, _trade_delta, fast_tabu_search


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tabu") / "conf"
    generate_conference(folder, sessions=40, rooms=8, days=2, slots=5, seed=5)
    conf = load(folder)
    space = Space(conf)
    obj = time_objective(space, conf)
    search = TimeSearch(space, obj, seed=1, workers=1, deterministic=True, t0=time.monotonic(), say=None)
    times, _ = search.start(0.0)
    return conf, space, obj, times


def test_the_cost_table_follows_every_move_exactly(small):
    conf, space, obj, times = small
    table = CostTable(space, obj, times)
    now = dict(times)
    assert table.value() == evaluate_times(space, obj, now)
    rng = random.Random(3)
    for _ in range(300):
        i = rng.randrange(len(space.sessions))
        k = rng.randrange(len(space.options[i]))
        before = table.value()
        delta = float(table.deltas()[table.first[i] + k])
        table.move(i, k)
        now[i] = k
        assert table.value() == evaluate_times(space, obj, now)
        assert table.value() - before == round(delta)


def test_a_trade_of_starts_is_priced_exactly(small):
    conf, space, obj, times = small
    table = CostTable(space, obj, times)
    now = dict(times)
    rng = random.Random(4)
    tried = 0
    while tried < 100:
        i, j = rng.sample(range(len(space.sessions)), 2)
        oi, oj = space.options[i][now[i]], space.options[j][now[j]]
        k, q = space.option_at(i, oj.date, oj.start), space.option_at(j, oi.date, oi.start)
        if k is None or q is None:
            continue
        tried += 1
        before = evaluate_times(space, obj, now)
        d = _trade_delta(space, table, i, now[i], k, j, now[j], q)
        after = {**now, i: k, j: q}
        assert evaluate_times(space, obj, after) - before == round(d)


@pytest.mark.parametrize("focus", [None, True])
def test_the_search_keeps_every_rule_and_improves(small, focus):
    # focus None: the default at 40 sessions (every option judged); True: the sessions that pay only
    conf, space, obj, times = small
    start = evaluate_times(space, obj, times)
    steps = [0]

    def stop():
        steps[0] += 1
        return steps[0] > 400

    best, value = fast_tabu_search(space, obj, times, stop, seed=2, focus=focus)
    assert value == evaluate_times(space, obj, best) < start
    tt = Timetable(space, obj, best)          # every counting rule admits it (raises otherwise)
    assert all(tt.allowed(i, k) for i, k in best.items())
    # the whole program, rooms from the room step, judged by the independent checker
    job = s.Job.create(conf, SolveOptions(time_limit=20, seed=1, workers=1))
    placement = s.rooms_phase(job, best).placement
    schedule = s.to_schedule(job.space, placement)
    assert len(schedule.assignments) == len(conf.sessions)
    assert check_schedule(conf, schedule) == []


def test_the_same_seed_gives_the_same_timetable(small):
    conf, space, obj, times = small

    def runs(n):
        count = [0]

        def stop():
            count[0] += 1
            return count[0] > n
        return stop

    a = fast_tabu_search(space, obj, times, runs(300), seed=9)
    b = fast_tabu_search(space, obj, times, runs(300), seed=9)
    assert a == b


def test_the_greedy_start_keeps_every_rule(small):
    conf, space, obj, _ = small
    from niic_sched.solve.tabu import greedy_timetable
    times = greedy_timetable(space, obj, seed=3)
    assert times is not None and sorted(times) == list(range(len(space.sessions)))
    assert greedy_timetable(space, obj, seed=3) == times           # the same seed, the same start
    Timetable(space, obj, times)                                   # every counting rule admits it
    job = s.Job.create(conf, SolveOptions(time_limit=20, seed=1, workers=1))
    schedule = s.to_schedule(job.space, s.rooms_phase(job, times).placement)
    assert check_schedule(conf, schedule) == []


def test_without_a_greedy_start_cp_sat_finds_one(small, monkeypatch):
    conf = small[0]
    from niic_sched.solve import lns
    monkeypatch.setattr(lns, "greedy_timetable", lambda *a, **k: None)
    result = s.solve(conf, SolveOptions(time_limit=8, seed=1, workers=1))
    assert check_schedule(conf, result.schedule) == []


def test_missed_attendance_terms_stay_exact_through_moves(small):
    import dataclasses
    conf = small[0]
    weighted = dataclasses.replace(conf, weights=tuple((k, v) for k, v in conf.weights if k != "missed_attendance")
                                   + (("missed_attendance", 7),))
    space = Space(weighted)
    obj = time_objective(space, weighted)
    assert obj.group                                   # the goal has terms here
    times = small[3]
    tt = Timetable(space, obj, times)
    table = CostTable(space, obj, tt.times)
    assert table.value() == evaluate_times(space, obj, tt.times)
    rng = random.Random(5)
    moved = 0
    while moved < 150:
        i = rng.randrange(len(space.sessions))
        k = rng.randrange(len(space.options[i]))
        if k == tt.times[i]:
            continue
        predicted = table.value() + round(float(table.deltas()[table.first[i] + k]))
        if not tt.relocate(i, k):
            continue
        table.move(i, k)
        moved += 1
        assert table.value() == evaluate_times(space, obj, tt.times) == predicted
    steps = [0]

    def stop():
        steps[0] += 1
        return steps[0] > 200
    best, value = fast_tabu_search(space, obj, times, stop, seed=1)
    assert value == evaluate_times(space, obj, best) <= evaluate_times(space, obj, times)


def test_with_missed_attendance_the_search_is_surrogate_then_exact_and_reports_exact_values(small):
    """run_search on group terms searches their pair surrogate, then the exact terms: every
    value it reports (on the way and at the end) is the exact objective of its timetable."""
    import dataclasses
    from niic_sched.solve.portfolio import run_search
    conf = small[0]
    weighted = dataclasses.replace(conf, weights=tuple((k, v) for k, v in conf.weights
                                                       if k not in ("missed_attendance", "attendee_conflict"))
                                   + (("missed_attendance", 10), ("attendee_conflict", 0)))
    space = Space(weighted)
    obj = time_objective(space, weighted)
    assert obj.group and obj.as_pairs().pair != obj.pair
    times = small[3]
    seen = []
    out = run_search(space, obj, times, seed=1, seconds=2.0, deterministic=True, moved_cap=None,
                     bound=lambda: None, say=None, t0=time.monotonic(), step=0.5,
                     on_best=lambda t, v: seen.append((dict(t), v)))
    start = evaluate_times(space, obj, times)
    assert out.value == evaluate_times(space, obj, out.times) <= start
    assert seen and all(v == evaluate_times(space, obj, t) for t, v in seen)
    assert [v for _, v in seen] == sorted({v for _, v in seen}, reverse=True)   # improvements only
    assert check_schedule(weighted, s.solve(weighted, SolveOptions(time_limit=4, seed=1, workers=2)).schedule) == []


def test_the_focused_neighbourhood_prices_the_same_moves_and_finds_the_paying_sessions(small):
    conf, space, obj, times = small
    table = CostTable(space, obj, times)
    np = table.np
    idx = np.arange(len(table.cost))
    assert np.array_equal(table.deltas_of(idx), table.deltas())
    paying = set(table.paying().tolist())
    tt = Timetable(space, obj, times)
    assert paying == {i for i in range(len(space.sessions)) if tt.cost_at(i, times[i]) > 0}
    assert paying and len(paying) < len(space.sessions)
    # only a paying session can lower the objective by a move of its own
    d = table.deltas()
    for o in np.flatnonzero(d < 0):
        assert int(table.owner[o]) in paying
