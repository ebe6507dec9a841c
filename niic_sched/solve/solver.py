"""Orchestration: timetable step, then room step, with fall-backs.

1. Timetable: which start each session gets (rooms only as counting cuts).
2. Rooms: per day, which room each session gets, times fixed.
3. If a day's rooms cannot be assigned (rare: multi-slot sessions, room
   closures), that day is re-solved with times and rooms together; as a last
   resort the whole conference is.
"""
from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass, field
from typing import Callable

from ortools.sat.python import cp_model

from ..errors import NoProgram
from ..model import Assignment, Conference, Schedule
from .cpmodel import Model
from .rules import add_hard_rules
from .space import Space


class NotFound(Exception):
    """No program was found within the limits (one may still exist)."""


@dataclass
class SolveOptions:
    time_limit: float = 60.0
    seed: int = 0
    workers: int = 0                     # 0: all cores
    deterministic: bool = False
    progress: Callable[[str], None] | None = None


@dataclass
class Result:
    schedule: Schedule
    status: str                          # "optimal" | "feasible"
    figures: dict = field(default_factory=dict)


class _Progress(cp_model.CpSolverSolutionCallback):
    def __init__(self, stage: str, say: Callable[[str], None] | None, t0: float):
        super().__init__()
        self.stage, self.say, self.t0 = stage, say, t0
        self.solutions = 0
        self.first_at: float | None = None

    def on_solution_callback(self) -> None:
        self.solutions += 1
        now = time.monotonic() - self.t0
        if self.first_at is None:
            self.first_at = now
        if self.say:
            obj, bound = self.objective_value, self.best_objective_bound
            self.say(f"[{now:6.1f}s] {self.stage}: solution {self.solutions}, objective {obj:g}, bound {bound:g}")


def _params(opts: SolveOptions, seconds: float) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.num_workers = opts.workers or max(1, os.cpu_count() or 1)
    p.random_seed = opts.seed
    p.log_search_progress = False
    if opts.deterministic:
        p.interleave_search = True
        p.max_deterministic_time = max(0.5, seconds)
    else:
        p.max_time_in_seconds = max(0.5, seconds)
    return solver


def _run(m: Model, opts: SolveOptions, seconds: float, stage: str, t0: float):
    solver = _params(opts, seconds)
    cb = _Progress(stage, opts.progress, t0)
    status = solver.solve(m.cp, cb)
    return solver, status, cb


def _fixed_day_rooms(space: Space, times: dict[int, int], day: int, opts: SolveOptions, seconds: float, t0: float):
    active = {i for i, k in times.items() if space.options[i][k].day == day}
    if not active:
        return {}
    m = Model(space, with_rooms=True, allowed={i: {times[i]} for i in active}, active=active)
    add_hard_rules(m)
    solver, status, _ = _run(m, opts, seconds, f"rooms day {day + 1}", t0)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return m.read(solver)
    return None


def solve(conf: Conference, opts: SolveOptions | None = None) -> Result:
    opts = opts or SolveOptions()
    t0 = time.monotonic()
    deadline = t0 + opts.time_limit
    say = opts.progress or (lambda _m: None)
    space = Space(conf)
    stuck = space.without_options()
    if stuck:
        raise NoProgram([f"{s.id} ({s.title}) has no start where its speakers are free and a suitable room is open"
                         for s in stuck])

    # 1. timetable
    m = Model(space, with_rooms=False)
    add_hard_rules(m)
    say(f"timetable: {len(space.sessions)} sessions, {sum(len(x) for x in m.x)} possible starts, "
        f"{len(space.rooms)} rooms")
    solver, status, cb = _run(m, opts, (deadline - time.monotonic()) * 0.7, "timetable", t0)
    if status == cp_model.INFEASIBLE:
        raise NoProgram(["no timetable satisfies every hard rule at once (speakers, rooms, plenaries, pins, order)"])
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise NotFound(f"no timetable found within {opts.time_limit:g} s; raise --time-limit")
    times = {i: k for i, (k, _) in m.read(solver).items()}
    first_valid = cb.first_at

    # 2. rooms, day by day
    placement: dict[int, tuple[int, int]] = {}
    failed = []
    for d in range(len(conf.days)):
        left = max(1.0, (deadline - time.monotonic()) / max(1, len(conf.days) - d))
        got = _fixed_day_rooms(space, times, d, opts, left, t0)
        if got is None:
            failed.append(d)
        else:
            placement.update(got)

    # 3. fall-backs: re-solve failed days with times and rooms together, then everything
    if failed:
        say(f"rooms: day(s) {', '.join(str(d + 1) for d in failed)} need new times; re-solving them with rooms")
        allowed, rooms_allowed = {}, {}
        for i, k in times.items():
            if space.options[i][k].day in failed:
                allowed[i] = {q for q, o in enumerate(space.options[i]) if o.day == space.options[i][k].day}
            else:
                allowed[i] = {k}
                rooms_allowed[i] = {placement[i][1]}
        placement = _full(space, opts, deadline, t0, allowed, rooms_allowed, times) \
            or _full(space, opts, deadline, t0, None, None, times)
        if placement is None:
            raise NotFound("no room assignment found for the timetable; raise --time-limit")

    schedule = to_schedule(space, placement)
    figures = {"sessions": len(space.sessions), "seconds": round(time.monotonic() - t0, 2),
               "first_valid_seconds": round(first_valid, 2) if first_valid is not None else None}
    return Result(schedule, "feasible", figures)


def _full(space: Space, opts: SolveOptions, deadline: float, t0: float, allowed, rooms_allowed, times):
    m = Model(space, with_rooms=True, allowed=allowed, rooms_allowed=rooms_allowed)
    add_hard_rules(m)
    m.hint({i: (k, None) for i, k in times.items()})
    solver, status, _ = _run(m, opts, max(1.0, deadline - time.monotonic()), "times and rooms", t0)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return m.read(solver)
    return None


def to_schedule(space: Space, placement: dict[int, tuple[int, int]], meta: dict | None = None) -> Schedule:
    out = []
    for i, (k, r) in sorted(placement.items()):
        o = space.options[i][k]
        out.append(Assignment(space.sessions[i].id, o.date, o.start, space.rooms[r].id))
    return Schedule(tuple(out), (), meta or {})


def eprint(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)
