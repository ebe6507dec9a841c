"""Missed attendance (issue 13): an attendee with k+1 wanted sessions running at one
time point misses k, summed over attendees and time points.

The time points are the pieces of a day between consecutive slot boundaries that
lie inside a slot (``niic_sched.goals``). The brute force below recounts it from
that definition alone (per attendee, minute by minute), and is compared with the
quality report, with the solver's objective (``evaluate_times``), with the CP-SAT
objective of a fixed schedule and with the tabu search's incremental counters.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import random
import time
from collections import defaultdict

import pytest
import yaml
from hypothesis import HealthCheck, given, settings, strategies as st
from ortools.sat.python import cp_model

from helpers import default_days, schedule_times, write_conf
from niic_sched.goals import BY_NAME, GOALS, only
from niic_sched.io import load
from niic_sched.model import Assignment, Conference, Day, Room, Schedule, Session, Slot
from niic_sched.quality import evaluate, table
from niic_sched.solve import SolveOptions, solve
from niic_sched.solve.cpmodel import cp_solver
from niic_sched.solve.goals import evaluate_times, time_objective
from niic_sched.solve.lns import TimeSearch
from niic_sched.solve.space import Space
from niic_sched.solve.tabu import Timetable, fast_tabu_search

D0 = dt.date(2026, 10, 20)
GOAL = "missed_attendance"


# -- the brute force, from the definition --------------------------------------------------------
def brute_missed(conf: Conference, schedule: Schedule) -> int:
    """Per attendee, per minute of each day: a new time point begins at every slot start or
    end; a minute inside no slot is no time point. At each time point an attendee whose
    wanted sessions run c at once misses c - 1 (the running set is the same at every minute
    of a point: checked)."""
    wants: dict[str, set[str]] = defaultdict(set)
    for attendee, sid in conf.interests:
        wants[attendee].add(sid)
    at = {a.session: a for a in schedule.assignments}
    spans: dict[str, list[tuple[int, int]]] = {}
    for sid, a in at.items():
        run = conf.covered_slots(conf.session[sid], a.day, a.start)
        spans[sid] = [(s.start, s.end) for s in run]
    total = 0
    for sids in wants.values():
        for day in conf.days:
            bounds = {t for sl in day.slots for t in (sl.start, sl.end)}
            point, running_at = -1, {}
            for minute in range(24 * 60):
                if minute in bounds:
                    point += 1
                if not any(sl.start <= minute < sl.end for sl in day.slots):
                    continue
                running = frozenset(sid for sid in sids if sid in at and at[sid].day == day.date
                                    and any(st <= minute < en for st, en in spans[sid]))
                assert running_at.setdefault(point, running) == running
            total += sum(max(0, len(r) - 1) for r in running_at.values())
    return total


def _fixed_cp_objective(space: Space, obj, times: dict[int, int]) -> int:
    """The CP-SAT timetable model with every session fixed at ``times``, optimised: its objective."""
    search = TimeSearch(space, obj, seed=0, workers=1, deterministic=True, t0=time.monotonic())
    m = search.build(None, None, allowed_free={i: {k} for i, k in times.items()})
    solver = cp_solver(workers=1, seed=0, deterministic=True, seconds=5)
    assert solver.solve(m.cp) == cp_model.OPTIMAL
    return round(solver.objective_value)


# -- random small conferences and schedules ------------------------------------------------------
@st.composite
def placed_conferences(draw):
    """A grid whose slots may overlap (and leave gaps), sessions of one or two slots'
    length, random wish lists, and a random start for every session."""
    days = []
    for d in range(draw(st.integers(1, 2))):
        date = D0 + dt.timedelta(days=d)
        starts = sorted(set(draw(st.lists(st.sampled_from([540, 570, 600, 630, 660, 690, 720]), min_size=2,
                                          max_size=5))))
        spans = sorted({(a, a + draw(st.sampled_from([30, 60, 60, 90]))) for a in starts})
        days.append(Day(date, tuple(Slot(date, k, a, b) for k, (a, b) in enumerate(spans))))
    n = draw(st.integers(2, 7))
    rooms = tuple(Room(f"r{i}", f"Room {i}", 1000) for i in range(n))   # a room for everyone: any timetable
    sessions = tuple(Session(f"s{i}", f"Session {i}", "workshop", "t", draw(st.sampled_from([30, 60, 60, 90, 150])),
                             10) for i in range(n))
    interests = []
    for a in range(draw(st.integers(1, 6))):
        for sid in draw(st.sets(st.sampled_from([s.id for s in sessions]), max_size=5)):
            interests.append((f"a{a}", sid))
    conf = Conference("Missed", tuple(days), rooms, (), sessions, interests=tuple(interests),
                      weights=((GOAL, 1),))
    space = Space(conf)
    assignments = []
    for i, s in enumerate(space.sessions):
        if not space.options[i]:
            continue
        o = draw(st.sampled_from(space.options[i]))
        assignments.append(Assignment(s.id, o.date, o.start, "r0"))
    return conf, space, Schedule(tuple(assignments))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(placed_conferences())
def test_missed_equals_the_brute_force(case):
    conf, space, schedule = case
    expected = brute_missed(conf, schedule)
    assert evaluate(conf, schedule).figure(GOAL).count == expected
    times = schedule_times(space, schedule)
    obj = time_objective(space, only(conf, GOAL))
    assert evaluate_times(space, obj, times) == expected
    if not space.without_options():     # else the model has no timetable at all
        assert _fixed_cp_objective(space, obj, times) == expected


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(placed_conferences(), st.integers(0, 10_000))
def test_the_tabu_counters_and_neighbourhood_models_are_exact(case, seed):
    """Single moves and swaps keep the tabu search's value equal to the brute force; a
    neighbourhood model (two sessions free, the others kept) finds the best of all their
    placements, counted by brute force."""
    conf, space, schedule = case
    if len(schedule.assignments) < len(space.sessions):
        return
    obj = time_objective(space, only(conf, GOAL))
    times = schedule_times(space, schedule)
    rng = random.Random(seed)

    def brute(ts):
        return brute_missed(conf, Schedule(tuple(Assignment(space.sessions[i].id, space.options[i][k].date,
                                                            space.options[i][k].start, "r0") for i, k in ts.items())))

    tt = Timetable(space, obj, times)
    assert tt.value == brute(tt.times)
    n = len(space.sessions)
    for _ in range(12):
        i, j = rng.randrange(n), rng.randrange(n)
        k, q = rng.randrange(len(space.options[i])), rng.randrange(len(space.options[j]))
        if i == j or rng.random() < 0.5:      # a single move
            tt.value += tt.cost_at(i, k) - tt.cost_at(i, tt.times[i])
            assert tt.relocate(i, k)
        else:                                 # a swap, costed as the tabu search does
            k0, q0 = tt.times[i], tt.times[j]
            before = tt.cost_at(i, k0) + tt.cost_at(j, q0, ignore=i)
            assert tt.relocate(j, q) and tt.relocate(i, k)
            tt.value += tt.cost_at(i, k) + tt.cost_at(j, q, ignore=i) - before
        assert tt.value == brute(tt.times)

    # a neighbourhood: 2 or 3 sessions free, the others kept; its optimum is the best of
    # every placement of the free ones (the objective: evaluate_times, equal to the brute force above)
    free = sorted(rng.sample(range(n), min(n, rng.choice([2, 3]))))
    search = TimeSearch(space, obj, seed=0, workers=1, deterministic=True, t0=time.monotonic())
    m = search.build(set(free), tt.times)
    solver = cp_solver(workers=1, seed=0, deterministic=True, seconds=5)
    assert solver.solve(m.cp) == cp_model.OPTIMAL
    found = dict(tt.times)
    found.update({i: k for i, (k, _) in m.read(solver).items() if i in free})
    best = min(evaluate_times(space, obj, {**tt.times, **dict(zip(free, ks))})
               for ks in itertools.product(*(range(len(space.options[i])) for i in free)))
    assert evaluate_times(space, obj, found) == best
    assert brute(found) == best


def test_tabu_search_reports_the_value_of_its_timetable(generated):
    """On a generated conference with both attendee goals weighted, the tabu search's
    incremental value is the brute-force recount of the timetable it returns."""
    conf = load(generated(sessions=24, rooms=5, days=2, slots=4, seed=5))
    weights = {g.name: 0 for g in GOALS} | {GOAL: 3, "attendee_conflict": 1}
    conf = dataclasses.replace(conf, weights=tuple(weights.items()))
    space = Space(conf)
    obj = time_objective(space, conf)
    assert obj.group and obj.pair
    search = TimeSearch(space, obj, seed=1, workers=1, deterministic=True, t0=time.monotonic())
    times, _ = search.start(0.0)
    steps = [0]

    def stop():
        steps[0] += 1
        return steps[0] > 200

    best, value = fast_tabu_search(space, obj, times, stop, seed=3)
    assert value == evaluate_times(space, obj, best)
    sched = Schedule(tuple(Assignment(space.sessions[i].id, space.options[i][k].date, space.options[i][k].start, "x")
                           for i, k in best.items()))
    pairs_only = time_objective(space, only(conf, "attendee_conflict"))
    assert value == 3 * brute_missed(conf, sched) + evaluate_times(space, pairs_only, best)
    assert value <= evaluate_times(space, obj, times)


# -- the registry entry, the report, check and meta -------------------------------------------------
def test_the_goal_is_a_timetable_goal_of_the_registry():
    goal = BY_NAME[GOAL]
    assert goal.level == "timetable" and goal.groups is not None and "missed" in goal.text


def test_the_weights_key_is_accepted_and_an_unknown_one_is_not(tmp_path, cli):
    ok = write_conf(tmp_path / "ok", sessions=[{"id": "x"}, {"id": "y"}], conference={"weights": {GOAL: 7}})
    assert load(ok).weight[GOAL] == 7
    assert cli("check", ok).exit_code == 0
    bad = write_conf(tmp_path / "bad", sessions=[{"id": "x"}], conference={"weights": {"missed_atendance": 7}})
    result = cli("check", bad)
    assert result.exit_code == 2 and "missed_atendance" in result.output


def _recount_from_files(folder, schedule_path) -> int:
    """From interests.csv and schedule.yaml (each session's day, start, end): the grid's
    slots from conference.yaml; the brute force's definition, on what the files say."""
    doc = yaml.safe_load(schedule_path.read_text())
    conf_doc = yaml.safe_load((folder / "conference.yaml").read_text())
    rows = {r["session"]: r for r in doc["assignments"]}

    def minutes(v):
        if isinstance(v, int):       # YAML 1.1 reads 10:30 as a sexagesimal number
            return v
        h, m = str(v).split(":")
        return int(h) * 60 + int(m)

    slots = {str(d["date"]): [(minutes(s["start"]), minutes(s["end"])) for s in d["slots"]] for d in conf_doc["days"]}
    wants = defaultdict(set)
    for line in (folder / "interests.csv").read_text().splitlines()[1:]:
        attendee, sid = line.split(",")
        if sid in rows:
            wants[attendee].add(sid)
    total = 0
    for sids in wants.values():
        for day, day_slots in slots.items():
            bounds = sorted({t for sl in day_slots for t in sl})
            for a, b in zip(bounds, bounds[1:]):
                if not any(p <= a and b <= q for p, q in day_slots):
                    continue
                running = [sid for sid in sids if str(rows[sid]["day"]) == day
                           and minutes(rows[sid]["start"]) <= a and b <= minutes(rows[sid]["end"])]
                total += max(0, len(running) - 1)
    return total


def test_solve_meta_report_and_check_show_missed_attendance(generated, cli, tmp_path):
    folder = generated(sessions=20, rooms=4, days=2, slots=4, seed=7)
    out = tmp_path / "s.yaml"
    result = cli("solve", folder, "-o", out, "--time-limit", "3", "--seed", "1")
    assert result.exit_code == 0, result.stderr
    meta = yaml.safe_load(out.read_text())["meta"]
    recount = _recount_from_files(folder, out)
    assert meta["goals"][GOAL]["count"] == recount
    assert meta["goals"][GOAL]["weight"] == BY_NAME[GOAL].default
    text = BY_NAME[GOAL].text
    row = next(x for x in result.stderr.splitlines() if x.startswith(text))
    assert int(row.split()[-3]) == recount
    checked = cli("check", folder, "--schedule", out)
    assert checked.exit_code == 0
    row = next(x for x in checked.stdout.splitlines() if x.startswith(text))
    assert int(row.split()[-3]) == recount


def test_the_largest_penalties_name_the_attendees_who_miss(tmp_path):
    folder = write_conf(tmp_path / "c", sessions=[{"id": "x"}, {"id": "y"}, {"id": "z"}],
                        days=default_days(1, slots=(("10:30", "11:45"),)),
                        rooms=[{"id": f"r{i}", "name": f"R{i}", "capacity": 100} for i in range(3)],
                        interests=[("ann", "x"), ("ann", "y"), ("ann", "z"), ("bob", "x")],
                        conference={"weights": {GOAL: 4}})
    conf = load(folder)
    sched = Schedule(tuple(Assignment(s, dt.date(2014, 12, 8), 630, f"r{n}") for n, s in enumerate("xyz")))
    q = evaluate(conf, sched)
    assert q.figure(GOAL).count == 2 and q.figure(GOAL).cost == 8
    assert (8, "1 attendee misses 2 of x, y, z (e.g. x, y, z at once on 2014-12-08 10:30-11:45)") in q.top
    assert "missed attendance" in table(q)


# -- the weight steers the program: both proven optimal on a tiny instance ---------------------------
# 2 slots x 3 rooms, 6 sessions: each slot holds 3. Found by enumerating every timetable: the
# fewest attendee conflicts (12 pairs) miss 12, the fewest misses are 10 (at 13 or 15 pairs).
WISHES = [("adef", 3), ("cf", 3), ("bcef", 2), ("bf", 2)]


def _tiny(tmp_path, name, weights):
    interests, n = [], 0
    for wish, count in WISHES:
        for _ in range(count):
            interests += [(f"a{n}", f"s{c}") for c in wish]
            n += 1
    return write_conf(tmp_path / name, sessions=[{"id": f"s{c}"} for c in "abcdef"],
                      days=default_days(1, slots=(("10:30", "11:45"), ("13:30", "14:45"))),
                      rooms=[{"id": f"r{i}", "name": f"R{i}", "capacity": 100} for i in range(3)],
                      interests=interests, conference={"weights": weights})


@pytest.mark.parametrize("workers", [1])
def test_weighting_missed_attendance_misses_no_more(tmp_path, workers):
    off = {"track_overlap": 0, "track_rooms": 0, "room_fit": 0, "preferred": 0}
    got = {}
    for goal, other in ((GOAL, "attendee_conflict"), ("attendee_conflict", GOAL)):
        conf = load(_tiny(tmp_path, goal, {**off, goal: 1, other: 0}))
        result = solve(conf, SolveOptions(time_limit=10, workers=workers, seed=1, deterministic=True))
        assert result.status == "optimal", goal
        q = evaluate(conf, result.schedule)
        assert q.figure(GOAL).count == brute_missed(conf, result.schedule)
        got[goal] = (q.figure(GOAL).count, q.figure("attendee_conflict").count)
    assert got[GOAL][0] <= got["attendee_conflict"][0]
    assert got["attendee_conflict"][1] <= got[GOAL][1]
    assert got == {GOAL: (10, got[GOAL][1]), "attendee_conflict": (12, 12)}     # as enumerated above
