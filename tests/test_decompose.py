"""The decomposition bound (niic_sched/solve/decompose.py) is valid: never above the
true optimum of the timetable objective (an exhaustive CP-SAT model with rooms),
never above the value of a program the solver found; its parts are a partition; it
is deterministic with a work limit; and `solve` reports it where the column
generation on the whole does not run."""
from __future__ import annotations

import random

import pytest

from helpers import schedule_times
from niic_sched.check import check_schedule
from niic_sched.solve import SolveOptions, solve
from niic_sched.solve import solver as solver_module
from niic_sched.solve.bound import lower_bound
from niic_sched.solve.decompose import SubSpace, decomposition_bound, parts, restrict
from niic_sched.solve.goals import evaluate_times
from test_bound import ONLY_ATTENDEES, _random_conference, load_space, true_optimum


def test_parts_are_a_partition_and_the_objective_splits(generated):
    folder = generated(sessions=40, rooms=6, days=2, slots=5, seed=4)
    conf, space, obj = load_space(folder)
    groups = parts(space, obj, 12)
    assert sorted(i for g in groups for i in g) == list(range(len(space.sessions)))
    assert all(len(g) <= 12 for g in groups) and len(groups) >= 4
    # any timetable: the parts' objectives add up to at most the whole (the pairs between parts are dropped)
    rng = random.Random(1)
    times = {i: rng.randrange(len(opts)) for i, opts in enumerate(space.options)}
    total = 0
    for g in groups:
        sub = SubSpace(space, g)
        assert [s.id for s in sub.sessions] == [space.sessions[i].id for i in g]
        total += evaluate_times(sub, restrict(obj, g), {x: times[i] for x, i in enumerate(g)})
    between = sum(w for (i, j), w in obj.pair.items()
                  if any(i in g and j not in g for g in map(set, groups))
                  and space.options[i][times[i]].overlaps(space.options[j][times[j]]))
    assert total + between == evaluate_times(space, obj, times)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("sub", ["cg", "cpsat"])
def test_never_above_the_true_optimum(tmp_path, seed, sub):
    rng = random.Random(seed)
    folder = _random_conference(tmp_path / "c", rng)
    conf, space, obj = load_space(folder, None if seed % 2 else ONLY_ATTENDEES)
    best, _ = true_optimum(space, obj)
    n = len(space.sessions)
    for size in (3, n // 2, n):
        bound, method = decomposition_bound(space, obj, time_limit=10, size=size, sub=sub)
        assert 0 <= bound <= best, (size, bound, best, method)
    # one part holding every session: the column generation on the whole (or CP-SAT's proof)
    whole, _ = decomposition_bound(space, obj, time_limit=10, size=n, sub=sub)
    if sub == "cg":
        assert whole == lower_bound(space, obj, time_limit=10)[0]
    else:     # CP-SAT proves these tiny ones optimal without rooms (Hall's cuts): at most the optimum with them
        assert whole <= best


def test_forced_conflicts_inside_a_part_are_found(tmp_path):
    # one attendee wants 5 sessions in 3 slots x 2 rooms (2 pairs must overlap), another
    # 2 sessions with nothing forced: the part holding the five proves 2
    from helpers import write_conf
    sessions = [{"id": f"s{i}"} for i in range(5)]
    folder = write_conf(tmp_path / "c", sessions=sessions, interests=[("ana", f"s{i}") for i in range(5)])
    conf, space, obj = load_space(folder, ONLY_ATTENDEES)
    assert true_optimum(space, obj)[0] == 2
    for sub in ("cg", "cpsat"):
        bound, method = decomposition_bound(space, obj, time_limit=10, size=5, sub=sub)
        assert bound == 2, method


def test_below_the_solver_programs_and_deterministic_with_a_work_limit(generated):
    for seed, size in ((3, (40, 6, 2, 5)), (8, (50, 8, 2, 6))):
        sessions, rooms, days, slots = size
        folder = generated(name=f"c{seed}", sessions=sessions, rooms=rooms, days=days, slots=slots, seed=seed)
        for weights in (None, ONLY_ATTENDEES):
            conf, space, obj = load_space(folder, weights)
            result = solve(conf, SolveOptions(time_limit=2, workers=2, seed=1, bound=False))
            times = schedule_times(space, result.schedule)
            value = evaluate_times(space, obj, times)
            bound, method = decomposition_bound(space, obj, time_limit=10)
            assert 0 <= bound <= value, (bound, value, method)
        first = decomposition_bound(space, obj, time_limit=30, work=40)
        again = decomposition_bound(space, obj, time_limit=30, work=40)
        assert first[0] == again[0] and first[1].split(":")[0] == again[1].split(":")[0]


def test_solve_reports_the_decomposition_bound_above_the_column_generation_limit(generated, monkeypatch):
    # the column generation on the whole runs only up to CG_MAX_SESSIONS sessions; above,
    # the bound is the decomposition's alone (forced here on a small conference)
    monkeypatch.setattr(solver_module, "CG_MAX_SESSIONS", 10)
    folder = generated(sessions=40, rooms=6, days=2, slots=5, seed=2)
    conf, space, obj = load_space(folder)
    result = solve(conf, SolveOptions(time_limit=6, workers=2, seed=1, deterministic=True))
    assert result.bound_method.startswith("decomposition into"), result.bound_method
    assert result.lower_bound is not None and 0 <= result.lower_bound <= result.timetable_objective
    assert result.conflict_lower_bound is not None and result.conflict_lower_bound * 10 == result.lower_bound


def test_solve_deterministic_reports_the_same_decomposition_bound(generated, monkeypatch):
    monkeypatch.setattr(solver_module, "CG_MAX_SESSIONS", 10)
    folder = generated(sessions=40, rooms=6, days=2, slots=5, seed=6)
    conf, _, _ = load_space(folder)
    got = [solve(conf, SolveOptions(time_limit=3, workers=2, seed=2, deterministic=True)) for _ in range(2)]
    # the bound on conflicts is the decomposition's (the objective's may be CP-SAT's, from the first timetable)
    assert got[0].conflict_lower_bound == got[1].conflict_lower_bound is not None
    assert got[0].bound_method == got[1].bound_method and got[0].lower_bound == got[1].lower_bound is not None
    assert got[0].lower_bound <= got[0].timetable_objective


def test_ctrl_c_in_the_decomposition_keeps_the_best_program(generated, monkeypatch):
    # Ctrl-C while a part is being bounded: the solver's handling keeps the best program so far
    from niic_sched.solve import bound as bound_module
    monkeypatch.setattr(solver_module, "CG_MAX_SESSIONS", 10)
    calls = []
    real = bound_module.lower_bound

    def interrupted(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(*args, **kwargs)
    monkeypatch.setattr(bound_module, "lower_bound", interrupted)
    folder = generated(sessions=40, rooms=6, days=2, slots=5, seed=2)
    conf, _, _ = load_space(folder)
    result = solve(conf, SolveOptions(time_limit=6, workers=2, seed=1, keep_partial=True))
    assert len(calls) == 2 and result.interrupted
    assert len(result.schedule.assignments) == len(conf.sessions)
    assert check_schedule(conf, result.schedule) == []
