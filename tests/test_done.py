"""Done when done (issue 13): a re-solve against a published program stops once its
lexicographic levels are settled and the soft goals stop improving (it says why it
stopped), a proven optimum ends the search, and no published session ever moves where
an exact model keeps them all in place."""
from __future__ import annotations

import shutil

from ortools.sat.python import cp_model

from helpers import DAY1, DAY2, write_conf
from niic_sched.check import check_schedule
from niic_sched.io import load
from niic_sched.io.schedule_file import read_schedule
from niic_sched.model import Assignment, Schedule
from niic_sched.quality import evaluate
from niic_sched.solve import SolveOptions, solve
from niic_sched.solve.cpmodel import Model
from niic_sched.solve.rules import add_hard_rules
from niic_sched.solve.space import Space

DONE = ("proven optimal", "stopping rule")


def everything_can_stay(conf, baseline: Schedule) -> bool:
    """Exact, apart from the solver: a CP-SAT model with rooms in which every published
    session is fixed at its day, start and room."""
    space = Space(conf)
    allowed, rooms = {}, {}
    for a in baseline.assignments:
        i = space.index.get(a.session)
        k = space.option_at(i, a.day, a.start) if i is not None else None
        if k is None or a.room not in space.room_index:
            return False
        allowed[i], rooms[i] = {k}, {space.room_index[a.room]}
    m = Model(space, with_rooms=True, allowed=allowed, rooms_allowed=rooms)
    add_hard_rules(m)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 30
    solver.parameters.num_workers = 2
    status = solver.solve(m.cp)
    assert status in (cp_model.OPTIMAL, cp_model.INFEASIBLE)
    return status == cp_model.OPTIMAL


def moves(conf, result, baseline) -> tuple[int, int]:
    q = evaluate(conf, result.schedule, baseline=baseline)
    return q.figure("moved_time").count, q.figure("moved_room").count


def test_resolve_with_late_sessions_stops_because_it_is_done(generated, tmp_path):
    folder = generated(sessions=40, rooms=8, days=2, slots=5, late=4, seed=6)
    published = solve(load(folder), SolveOptions(time_limit=2, workers=2, bound=False)).schedule
    (folder / "sessions" / "late").mkdir()
    for p in sorted((folder / "late").glob("*.yaml")):
        shutil.copyfile(p, folder / "sessions" / "late" / p.name)
    conf = load(folder)
    result = solve(conf, SolveOptions(time_limit=30, workers=2, baseline=published))
    assert check_schedule(conf, result.schedule) == []
    assert result.stopped.startswith(DONE), result.stopped          # not "time limit"
    assert result.retimed_proven_minimal is True
    if everything_can_stay(conf, published):
        assert moves(conf, result, published) == (0, 0)
        assert {a.session for a in published.assignments} <= {a.session for a in result.schedule.assignments}


def test_a_published_session_keeps_its_room_when_a_new_one_can_go_elsewhere(tmp_path):
    """Day 1 has one slot, where p is published in r1, the only room with a projector. The
    new session n needs a projector and shares attendees with q (day 2): on day 1 it would
    cost nothing, but only by pushing p into r2. Day 2's r1 is free: there n keeps every
    published session in place, at the price of the attendee conflict, which is the order
    (moves before soft goals)."""
    days = [{"date": DAY1, "slots": [{"start": "10:30", "end": "11:45"}]},
            {"date": DAY2, "slots": [{"start": "10:30", "end": "11:45"}]}]
    folder = write_conf(tmp_path / "c", days=days, sessions=[
        dict(id="p", track="a"), dict(id="q", track="b"), dict(id="n", track="c", requires=["projector"])],
        interests=[(f"x{k}", s) for k in range(5) for s in ("n", "q")])
    conf = load(folder)
    d1, d2 = conf.days[0].date, conf.days[1].date
    published = Schedule((Assignment("p", d1, 630, "r1"), Assignment("q", d2, 630, "r2")))
    assert everything_can_stay(conf, published)
    result = solve(conf, SolveOptions(time_limit=30, workers=2, baseline=published))
    assert check_schedule(conf, result.schedule) == []
    assert moves(conf, result, published) == (0, 0)
    at = result.schedule.by_session
    assert (at["n"].day, at["n"].room) == (d2, "r1")
    assert result.status == "optimal" and result.stopped == "proven optimal"


def test_a_proven_optimum_ends_the_search_long_before_the_limit(tmp_path):
    # a program without any conflict exists (two sessions, two slots): once found, it is optimal
    folder = write_conf(tmp_path / "c", sessions=[dict(id="a"), dict(id="b")],
                        interests=[("x", "a"), ("x", "b")])
    result = solve(load(folder), SolveOptions(time_limit=30, workers=2))
    assert result.timetable_objective == 0 and result.status == "optimal"
    assert result.lower_bound == 0 and result.stopped != "time limit", result.stopped


def test_the_report_and_meta_say_why_the_solve_stopped(tmp_path, cli):
    folder = write_conf(tmp_path / "c", sessions=[dict(id="a"), dict(id="b"), dict(id="c")])
    old = tmp_path / "s1.yaml"
    assert cli("solve", folder, "-o", old, "--time-limit", "5", "-q").exit_code == 0
    (folder / "sessions" / "late.yaml").write_text("id: late\ntitle: Late\nduration: 75\n", encoding="utf-8")
    new = tmp_path / "s2.yaml"
    r = cli("solve", folder, "--baseline", old, "-o", new, "--time-limit", "30")
    assert r.exit_code == 0, r.stderr
    meta = read_schedule(new).meta
    assert str(meta["stopped"]).startswith(DONE), meta
    assert "stopped" in r.stderr


def test_a_room_change_alone_is_decided_with_every_start_held(tmp_path, monkeypatch):
    """No published session needs a new time, but one must change room: n needs the only
    projector room on the only day it may run (pinned to day 1), where p is published in
    it. The re-solve keeps every start (0 retimed, proven), moves p alone to the other
    room, and says the placement is optimal: the room level is solved with every published
    start held (``exact_baseline``'s held model), not re-minimised over every start."""
    days = [{"date": DAY1, "slots": [{"start": "10:30", "end": "11:45"}]},
            {"date": DAY2, "slots": [{"start": "10:30", "end": "11:45"}]}]
    folder = write_conf(tmp_path / "c", days=days, sessions=[
        dict(id="p", track="a"), dict(id="q", track="b"),
        dict(id="n", track="c", requires=["projector"], pin={"day": DAY1})])
    conf = load(folder)
    d1, d2 = conf.days[0].date, conf.days[1].date
    published = Schedule((Assignment("p", d1, 630, "r1"), Assignment("q", d2, 630, "r2")))
    assert not everything_can_stay(conf, published)
    from niic_sched.solve import solver as phases
    caps = []
    real = phases._lexicographic
    monkeypatch.setattr(phases, "_lexicographic", lambda *a, **k: caps.append(k.get("retimed_cap")) or real(*a, **k))
    result = solve(conf, SolveOptions(time_limit=30, workers=2, baseline=published))
    assert 0 in caps                     # the held model: retimed at their proven 0, not minimised
    assert check_schedule(conf, result.schedule) == []
    assert moves(conf, result, published) == (0, 1)
    at = result.schedule.by_session
    assert (at["p"].day, at["p"].room) == (d1, "r2") and (at["n"].day, at["n"].room) == (d1, "r1")
    assert (at["q"].day, at["q"].room) == (d2, "r2")
    assert result.retimed == 0 and result.retimed_proven_minimal is True
    assert result.status == "optimal" and result.stopped == "proven optimal", result.stopped
