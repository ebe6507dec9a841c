"""The column-generation lower bound (niic_sched/solve/bound.py) is valid: never
above the true optimum of the timetable objective, found here by an exhaustive
CP-SAT model with every hard rule and real rooms, and never above the value of
a schedule the solver found; and it is not trivially 0 where conflicts are forced."""
from __future__ import annotations

import dataclasses
import random
import time

import pytest
from ortools.sat.python import cp_model

from helpers import default_days, schedule_times, write_conf
from niic_sched.io import load
from niic_sched.solve import SolveOptions, solve
from niic_sched.solve import bound as bound_module
from niic_sched.solve.bound import lower_bound
from niic_sched.solve.cpmodel import Model
from niic_sched.solve.goals import evaluate_times, time_objective
from niic_sched.solve.rules import add_hard_rules
from niic_sched.solve.space import Space

ONLY_ATTENDEES = (("attendee_conflict", 1), ("track_overlap", 0), ("popular_overlap", 0), ("preferred", 0))
FOUR_SLOTS = (("09:00", "10:15"), ("10:30", "11:45"), ("13:30", "14:45"), ("15:00", "16:15"))


def true_optimum(space: Space, obj) -> tuple[int, dict[int, int]]:
    """min of evaluate_times over every valid timetable (rooms included), by CP-SAT."""
    m = Model(space, with_rooms=True)
    add_hard_rules(m)
    terms = []
    for (i, j), w in obj.pair.items():
        common = {g for o in space.options[i] for g in o.segs} & {g for o in space.options[j] for g in o.segs}
        if not common:
            continue
        both = m.cp.new_bool_var(f"overlap[{i},{j}]")
        for g in common:
            m.cp.add(sum(m.occupies(i, g)) + sum(m.occupies(j, g)) - 1 <= both)
        terms.append(w * both)
    terms += [w * m.x[i][k] for (i, k), w in obj.unary.items() if k in m.x[i]]
    m.cp.minimize(sum(terms))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 30
    solver.parameters.num_workers = 2
    assert solver.solve(m.cp) == cp_model.OPTIMAL
    times = {i: k for i, (k, _) in m.read(solver).items()}
    value = round(solver.objective_value)
    assert evaluate_times(space, obj, times) == value      # the model above counts what evaluate_times counts
    return value, times


def load_space(folder, weights=None):
    conf = load(folder)
    if weights is not None:
        conf = dataclasses.replace(conf, weights=weights)
    space = Space(conf)
    return conf, space, time_objective(space, conf)


def test_one_attendee_wanting_five_sessions_in_three_slots(tmp_path):
    # 5 sessions, 3 slots x 2 rooms: at best slots hold 2, 2 and 1 sessions, so 2 pairs overlap
    folder = write_conf(tmp_path / "c", sessions=[{"id": f"s{i}"} for i in range(5)],
                        interests=[("ana", f"s{i}") for i in range(5)])
    conf, space, obj = load_space(folder, ONLY_ATTENDEES)
    best, _ = true_optimum(space, obj)
    assert best == 2
    bound, method = lower_bound(space, obj, time_limit=10)
    assert bound == 2, method
    # default weights: attendee conflict 10 + same track 5 per pair; integral, rounded to multiples of 5
    conf, space, obj = load_space(folder)
    bound, _ = lower_bound(space, obj, time_limit=10)
    assert bound == true_optimum(space, obj)[0] == 30


def test_stop_at_returns_once_the_incumbent_is_proven(tmp_path):
    folder = write_conf(tmp_path / "c", sessions=[{"id": f"s{i}"} for i in range(5)],
                        interests=[("ana", f"s{i}") for i in range(5)])
    conf, space, obj = load_space(folder, ONLY_ATTENDEES)
    value, times = true_optimum(space, obj)
    bound, method = lower_bound(space, obj, incumbent=times, stop_at=value, time_limit=10)
    assert bound == value and "incumbent" in method


def _random_conference(folder, rng: random.Random):
    """Small, feasible by construction: at most one session per room-slot of the grid."""
    n_days = rng.choice((1, 2))
    slots = FOUR_SLOTS if rng.random() < 0.5 else FOUR_SLOTS[1:]
    n_rooms = rng.choice((2, 3))
    rooms = [{"id": f"r{r}", "name": f"Room {r}", "capacity": (120, 60, 40)[r], "features": ["projector"] if r == 0 else []}
             for r in range(n_rooms)]
    cells = n_days * len(slots) * n_rooms
    sessions, used, talks = [], 0, {f"p{k}": 0 for k in range(1, 13)}
    while used < cells * 0.8:
        s = {"id": f"s{len(sessions):02d}", "track": rng.choice("ab"),
             "expected_attendance": rng.choice((20, 20, 20, 50)), "speakers": []}
        if rng.random() < 0.2 and used + 2 <= cells * 0.8:
            s["duration"] = 165 if slots[1][0] == "10:30" and len(slots) == 3 else 150
            used += 2
        else:   # speakers in one-slot sessions only, two sessions each at most: always placeable
            s["speakers"] = rng.sample([p for p, k in talks.items() if k < 2], rng.choice((0, 1, 1, 2)))
            for p in s["speakers"]:
                talks[p] += 1
            used += 1
        sessions.append(s)
    # a few order and separation requirements, and preferred times
    ids = [s["id"] for s in sessions]
    if rng.random() < 0.5:
        sessions[-1]["not_with"] = [ids[0]]
    if rng.random() < 0.5 and n_days == 2:
        sessions[1]["after"] = [ids[2]]
    if rng.random() < 0.5:
        sessions[3]["preferred"] = [{"day": "2014-12-08"}]
    attendees = [(f"a{a}", sid) for a in range(12) for sid in rng.sample(ids, rng.choice((2, 3, 4)))]
    return write_conf(folder, sessions=sessions, rooms=rooms, interests=attendees,
                      days=default_days(n_days, slots=slots))


@pytest.mark.parametrize("seed", range(8))
def test_bound_never_above_the_true_optimum(tmp_path, seed):
    rng = random.Random(seed)
    folder = _random_conference(tmp_path / "c", rng)
    conf, space, obj = load_space(folder)
    best, times = true_optimum(space, obj)
    bound, method = lower_bound(space, obj, time_limit=10)
    assert 0 <= bound <= best, method
    with_incumbent, _ = lower_bound(space, obj, incumbent=times, time_limit=10)
    assert with_incumbent <= best
    if best > 0:
        assert bound > 0, (best, method)


@pytest.mark.parametrize("seed", range(8, 16))
def test_merged_segments_never_above_the_true_optimum(tmp_path, seed, monkeypatch):
    # large conferences price similar segments together (one pricing problem per class of
    # segments, a relaxation): forced here on small ones, where the optimum is known
    monkeypatch.setattr(bound_module, "MERGE_ABOVE_ITEMS", 0)
    rng = random.Random(seed)
    folder = _random_conference(tmp_path / "c", rng)
    for weights in ((None,) if seed % 2 else (ONLY_ATTENDEES,)):
        conf, space, obj = load_space(folder, weights)
        assert len(bound_module._classes(space)) < sum(1 for c in space.cover if c)   # some segments merged
        best, _ = true_optimum(space, obj)
        bound, method = lower_bound(space, obj, time_limit=10)
        assert 0 <= bound <= best, (bound, best, method)


def test_bound_is_zero_at_once_when_the_relaxation_forces_nothing(generated):
    # 40 sessions in 3 days x 6 slots of 8 rooms, few attendees: no conflict is forced
    folder = generated(sessions=40, rooms=8, days=3, slots=6, attendees=100, seed=5)
    conf, space, obj = load_space(folder, ONLY_ATTENDEES)
    bound, method = lower_bound(space, obj, time_limit=20)
    assert bound == 0 and "LP optimum" in method, method


def test_two_long_sessions_in_three_slots_must_overlap(tmp_path):
    # two 2-slot sessions in a 3-slot day both cover the middle slot: their attendees clash.
    # The LP may mix half of "both start at 10:30" with half of "both start at 13:30"
    # (half the clash in each), so the bound is positive but may stay below 3.
    sessions = [{"id": "long1", "duration": 165}, {"id": "long2", "duration": 165}, {"id": "x"}, {"id": "y"}]
    interests = [(f"a{k}", sid) for k in range(3) for sid in ("long1", "long2")] + [("b", "x"), ("b", "y")]
    folder = write_conf(tmp_path / "c", sessions=sessions, interests=interests)
    conf, space, obj = load_space(folder, ONLY_ATTENDEES)
    best, _ = true_optimum(space, obj)
    assert best == 3
    bound, method = lower_bound(space, obj, time_limit=10)
    assert 0 < bound <= 3, method


def test_three_long_sessions_in_two_rooms(tmp_path):
    # 4 slots x 2 rooms, three 2-slot sessions: one room takes two of them back to back,
    # the third overlaps one of them fully (aligned) or two of them partly (shifted by a
    # slot). The cheapest is to overlap the pair with the fewest common attendees (1);
    # shifted placements share one slot with each of two sessions and must cost more.
    sessions = [{"id": "l1", "duration": 150}, {"id": "l2", "duration": 150}, {"id": "l3", "duration": 150},
                {"id": "x"}, {"id": "y"}]
    interests = ([(f"a{k}", sid) for k in range(3) for sid in ("l1", "l2")]
                 + [(f"b{k}", sid) for k in range(2) for sid in ("l1", "l3")] + [("c", "l2"), ("c", "l3")])
    folder = write_conf(tmp_path / "c", sessions=sessions, interests=interests, days=default_days(1, slots=FOUR_SLOTS))
    conf, space, obj = load_space(folder, ONLY_ATTENDEES)
    best, _ = true_optimum(space, obj)
    assert best == 1
    bound, method = lower_bound(space, obj, time_limit=10)
    assert bound == 1, method


def test_bound_below_solver_schedule_on_generated_conference(generated):
    folder = generated(sessions=30, rooms=5, days=2, slots=5, seed=3)
    for weights in (None, ONLY_ATTENDEES):
        conf, space, obj = load_space(folder, weights)
        result = solve(conf, SolveOptions(time_limit=2, workers=2, seed=1, bound=False))
        times = schedule_times(space, result.schedule)
        value = evaluate_times(space, obj, times)
        bound, method = lower_bound(space, obj, incumbent=times, time_limit=8)
        assert 0 < bound <= value, (bound, value, method)


def test_time_limit_is_kept_and_bound_stays_valid(generated):
    folder = generated(sessions=60, rooms=12, days=3, slots=5, seed=11)
    conf, space, obj = load_space(folder, ONLY_ATTENDEES)
    started = time.monotonic()
    bound, method = lower_bound(space, obj, time_limit=0.5)
    assert time.monotonic() - started < 3
    assert bound >= 0 and method
    # 317 attendee conflicts is the best program known for this instance
    assert bound <= 317
