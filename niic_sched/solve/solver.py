"""Orchestration: timetable step, then room step, with fall-backs.

1. Timetable: which start each session gets. Rooms enter only as counting cuts
   (Hall's condition), so a room can be found for every slot. The objective is
   the soft goals that depend on times (attendee conflicts, same-track
   overlaps, preferred times). A first timetable comes from CP-SAT, a lower
   bound from column generation (``bound.py``), then large-neighbourhood
   search (``lns.py``) improves it until the time is up or the bound is met.
   Against a baseline (a published schedule) the fewest sessions are retimed
   first, lexicographically.
2. Rooms: per day, times fixed, optimising the room goals (fewest moved
   rooms first against a baseline, then room fit and tracks in few rooms).
3. If a day's rooms cannot be assigned (rare: multi-slot sessions, room
   closures), that day is re-solved with times and rooms together; as a last
   resort the whole conference is.
"""
from __future__ import annotations

import dataclasses
import os
import time
from dataclasses import dataclass, field
from typing import Callable

from ortools.sat.python import cp_model

from ..model import Assignment, Conference, Schedule
from .cpmodel import Model, cp_solver
from .goals import TimeObjective, evaluate_times, moved_count, objective_levels, room_goals, time_objective
from .lns import SearchState, TimeSearch
from .portfolio import improve
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
    baseline: Schedule | None = None     # a published schedule to stay close to
    bound: bool = True                   # compute a lower bound (column generation)
    keep_partial: bool = False           # on Ctrl-C, finish the best timetable so far (else re-raise)


@dataclass
class Result:
    schedule: Schedule
    status: str                          # "optimal" | "feasible"
    figures: dict = field(default_factory=dict)
    interrupted: bool = False            # Ctrl-C with --keep-partial: the best timetable so far
    seconds: float = 0.0                 # wall time of the solve, explanation included


class _Progress(cp_model.CpSolverSolutionCallback):
    def __init__(self, stage: str, say: Callable[[str], None] | None, t0: float):
        super().__init__()
        self.stage, self.say, self.t0 = stage, say, t0
        self.first_at: float | None = None
        self.last = None

    def on_solution_callback(self) -> None:
        now = time.monotonic() - self.t0
        if self.first_at is None:
            self.first_at = now
        obj = self.objective_value
        if self.say and obj != self.last:
            self.last = obj
            self.say(f"[{now:6.1f}s] {self.stage}: objective {obj:g}, bound {self.best_objective_bound:g}")


def _workers(opts: SolveOptions) -> int:
    return opts.workers or max(1, os.cpu_count() or 1)


def _solver(opts: SolveOptions, seconds: float) -> cp_model.CpSolver:
    return cp_solver(workers=_workers(opts), seed=opts.seed, deterministic=opts.deterministic, seconds=seconds,
                     minimum=0.2)


def _solve_levels(m: Model, levels, opts: SolveOptions, seconds: float, stage: str, t0: float):
    """Lexicographic: minimise each level of penalties, then hold it while minimising the next."""
    deadline = time.monotonic() + seconds
    solver, status = None, cp_model.UNKNOWN
    for n, level in enumerate(levels or [[]]):
        expr = sum(p.weight * p.literal for p in level) if level else None
        if expr is not None:
            m.cp.minimize(expr)
        solver = _solver(opts, max(0.2, (deadline - time.monotonic()) / (len(levels or [[]]) - n)))
        status = solver.solve(m.cp, _Progress(stage, None, t0))
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return solver, status
        if expr is not None and n + 1 < len(levels):
            m.cp.add(expr <= int(round(solver.objective_value)))
            m.cp.clear_hints()
            for i, (k, r) in m.read(solver).items():
                m.hint({i: (k, r)})
    return solver, status


def _rooms_for_day(space: Space, conf: Conference, times: dict[int, int], day: int, opts: SolveOptions,
                   seconds: float, t0: float, baseline_rooms: dict[int, int]):
    active = {i for i, k in times.items() if space.options[i][k].day == day}
    if not active:
        return {}
    m = Model(space, with_rooms=True, allowed={i: {times[i]} for i in active}, active=active)
    add_hard_rules(m)
    room_goals(m, conf, baseline_rooms)
    if baseline_rooms:
        m.hint({i: (times[i], baseline_rooms[i]) for i in active if i in baseline_rooms})
    solver, status = _solve_levels(m, objective_levels(m), opts, seconds, f"rooms day {day + 1}", t0)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        if opts.progress:
            opts.progress(f"[{time.monotonic() - t0:6.1f}s] rooms day {day + 1}: {len(active)} sessions placed, "
                          f"room objective {solver.objective_value:g}")
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
        from .explain import no_program   # the explanation: pre-checks name why, with ids and names
        raise no_program(conf, space, max(10.0, deadline - time.monotonic()),
                         "; ".join(f"{s.id} ({s.title}) has no start where its speakers are free and a suitable "
                                   "room is open" for s in stuck))
    obj = time_objective(space, conf, opts.baseline)
    search = TimeSearch(space, obj, seed=opts.seed, workers=_workers(opts), deterministic=opts.deterministic,
                        t0=t0, say=say)
    say(f"timetable: {len(space.sessions)} sessions, {sum(len(o) for o in space.options)} possible starts, "
        f"{len(space.rooms)} rooms, {len(obj.pair)} weighted pairs")
    # the rest is for the room step: about 2 ms a session and 0.3 s a day to build and solve
    rooms_need = 0.002 * len(space.sessions) + 0.3 * len(conf.days)
    time_budget = opts.time_limit - min(0.5 * opts.time_limit, max(0.05 * opts.time_limit, rooms_need))

    # 1a. against a baseline: fewest published sessions retimed, then hold that number
    hint = None
    retimed_proven = False
    if obj.baseline:
        hint, status = search.fewest_moves(time_budget * 0.3)
        if status == cp_model.INFEASIBLE:
            from .explain import no_program   # the explanation: a minimal set of clashing requirements
            raise no_program(conf, space, max(10.0, deadline - time.monotonic()))
        if hint is None:
            raise NotFound(f"no timetable found within {opts.time_limit:g} s; raise --time-limit")
        retimed_proven = status == cp_model.OPTIMAL
        say(f"[{time.monotonic() - t0:6.1f}s] baseline: {search.moved_cap} published session(s) "
            f"{'must' if retimed_proven else 'will'} be retimed")

    # 1b. a first timetable
    progress = _Progress("timetable", say, t0)
    start_share = 0.1
    times, status = search.start(max(0.5, time_budget * start_share - (time.monotonic() - t0)), hint, progress,
                                 feasible_seconds=max(1.0, deadline - time.monotonic()))
    if status == cp_model.INFEASIBLE:
        from .explain import no_program   # the explanation: a minimal set of clashing requirements
        raise no_program(conf, space, max(10.0, deadline - time.monotonic()))
    if times is None:
        raise NotFound(f"no timetable found within {opts.time_limit:g} s; raise --time-limit")
    first_valid = progress.first_at if progress.first_at is not None else time.monotonic() - t0
    state = SearchState(times, evaluate_times(space, obj, times))
    state.history.append((round(time.monotonic() - t0, 2), state.value))
    interrupted = False
    try:    # from here on a valid timetable exists: Ctrl-C keeps the best one (with --keep-partial)
        say(f"[{time.monotonic() - t0:6.1f}s] first timetable: objective {state.value}")
    except KeyboardInterrupt:
        interrupted = True

    # 1c. improve: two searches (tabu, then CP-SAT neighbourhoods) in parallel; this
    #     process first computes the lower bound (column generation)
    bound, bound_method = None, "none"
    if search.start_bound is not None:
        bound, bound_method = int(search.start_bound + 0.999999), "CP-SAT"

    conflict_bound: list = [None]

    def find_bound():
        if bound is not None and state.value <= bound:
            return bound, bound_method
        cg, cg_method, conflict_bound[0] = _lower_bound(space, conf, obj, state, opts, t0, time_budget, say)
        if cg is not None and (bound is None or cg > bound):
            return cg, cg_method
        return bound, bound_method

    step = min(1.0, max(0.15, opts.time_limit / 100))
    seconds = time_budget - (time.monotonic() - t0) if not opts.deterministic else opts.time_limit * 0.6
    if not interrupted and state.value > 0 and (bound is None or state.value > bound):
        try:
            best, (bound, bound_method) = improve(
                space, obj, state.times, seed=opts.seed, seconds=max(0.2, seconds), workers=_workers(opts),
                deterministic=opts.deterministic, moved_cap=search.moved_cap, say=opts.progress, t0=t0, step=step,
                lower_bound=find_bound if opts.bound else None)
        except KeyboardInterrupt:   # outside the searches' own handlers (starting them, reporting)
            interrupted = True
        else:
            interrupted = best.interrupted
            if best.value <= state.value:
                state.times, state.value = best.times, best.value
            state.moves, state.improving_moves = best.moves, best.improving
            state.history += best.history
    times = state.times

    if interrupted and not opts.keep_partial:
        raise KeyboardInterrupt
    if interrupted:
        say(f"[{time.monotonic() - t0:6.1f}s] interrupted: assigning rooms to the best timetable so far "
            "(Ctrl-C again to abandon)")
        deadline = time.monotonic() + max(5.0, 0.1 * opts.time_limit)

    # 2. rooms, day by day
    baseline_rooms = _baseline_rooms(space, opts.baseline)
    placement: dict[int, tuple[int, int]] = {}
    failed = []
    for d in range(len(conf.days)):
        left = max(0.5, (deadline - time.monotonic()) / max(1, len(conf.days) - d))
        got = _rooms_for_day(space, conf, times, d, opts, left, t0, baseline_rooms)
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
        times = {i: k for i, (k, _) in placement.items()}

    if baseline_rooms:
        placement = _fewer_room_moves(space, conf, obj, placement, baseline_rooms, opts, t0,
                                      max(1.0, deadline - time.monotonic()))
        times = {i: k for i, (k, _) in placement.items()}

    value = evaluate_times(space, obj, times)
    optimal = bound is not None and value <= bound
    figures = {"sessions": len(space.sessions),
               "timetable_objective": value,
               "lower_bound": bound, "bound_method": bound_method,
               "conflict_lower_bound": conflict_bound[0],
               "status": "optimal" if optimal else "feasible",
               "lns_moves": state.moves, "improving_moves": state.improving_moves,
               "first_valid_seconds": round(first_valid, 2),
               "seconds": round(time.monotonic() - t0, 2),
               "history": state.history}
    if obj.baseline:
        figures["retimed"] = moved_count(obj, times)
        figures["retimed_proven_minimal"] = bool(retimed_proven) and figures["retimed"] == search.moved_cap
    if interrupted:
        figures["interrupted"] = True
    return Result(to_schedule(space, placement), figures["status"], figures, interrupted=interrupted,
                  seconds=figures["seconds"])


CG_MAX_SESSIONS = 400      # above this the column-generation bound is too slow to pay for itself


def _lower_bound(space: Space, conf: Conference, obj: TimeObjective, state: SearchState, opts: SolveOptions,
                 t0: float, time_budget: float, say):
    """(bound on the timetable objective, method, bound on attendee conflicts or None).

    With interests, the bound is computed on attendee conflicts alone: every other
    timetable goal costs at least 0, so weight x that bound also bounds the objective."""
    if not opts.bound or not obj.pair:
        return (0 if not obj.pair and not obj.unary else None), "none", None
    n = len(space.sessions)
    if n > CG_MAX_SESSIONS:
        return None, f"none (skipped above {CG_MAX_SESSIONS} sessions)", None
    from .bound import lower_bound
    left = time_budget - (time.monotonic() - t0)
    share = 0.4 if n <= 150 else 0.15
    seconds = max(1.0, left * share) if not opts.deterministic else max(1.0, opts.time_limit)
    w = conf.weight["attendee_conflict"]
    interest = conf.shared_interest()
    if interest and w > 0:
        only = dataclasses.replace(conf, weights=(("attendee_conflict", 1), ("popular_overlap", 0),
                                                  ("preferred", 0), ("track_overlap", 0)))
        att = time_objective(space, only)
        conflicts = evaluate_times(space, att, state.times)
        b, method = lower_bound(space, att, state.times, time_limit=seconds, stop_at=conflicts)
        bound, conflict_bound = w * b, b
    else:
        bound, method = lower_bound(space, obj, state.times, time_limit=seconds, stop_at=state.value)
        conflict_bound = None
    if opts.deterministic and not ("LP optimum" in method or "incumbent" in method):
        # cut short by the clock: its value would differ from run to run
        return None, "none (not converged; left out of a deterministic run)", None
    say(f"[{time.monotonic() - t0:6.1f}s] lower bound {bound:g} ({method}); timetable objective {state.value}")
    return bound, method, conflict_bound


def _room_moves(space: Space, obj: TimeObjective, placement, baseline_rooms: dict[int, int], day: int) -> int:
    return sum(1 for i, (k, r) in placement.items()
               if space.options[i][k].day == day and obj.baseline.get(i) == k and baseline_rooms.get(i) != r)


def _fewer_room_moves(space: Space, conf: Conference, obj: TimeObjective, placement, baseline_rooms, opts,
                      t0: float, seconds: float):
    """Lexicographic order against a baseline: a published session keeps its room before
    any soft goal is served. Where the room step had to move published sessions, re-solve
    that day with the new sessions free to take other starts of the day."""
    end = time.monotonic() + seconds
    for d in range(len(conf.days)):
        before = _room_moves(space, obj, placement, baseline_rooms, d)
        if not before or time.monotonic() >= end:
            continue
        allowed, rooms_allowed = {}, {}
        for i, (k, r) in placement.items():
            o = space.options[i][k]
            if o.day == d and i not in obj.baseline:
                allowed[i] = {q for q, x in enumerate(space.options[i]) if x.day == d}
            else:
                allowed[i] = {k}
                if o.day != d:
                    rooms_allowed[i] = {r}
        m = Model(space, with_rooms=True, allowed=allowed, rooms_allowed=rooms_allowed)
        add_hard_rules(m)
        room_goals(m, conf, baseline_rooms)
        m.hint(placement)
        solver, status = _solve_levels(m, objective_levels(m), opts, max(0.5, end - time.monotonic()),
                                       f"room moves day {d + 1}", t0)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            got = m.read(solver)
            if _room_moves(space, obj, got, baseline_rooms, d) < before:
                placement = got
                if opts.progress:
                    opts.progress(f"[{time.monotonic() - t0:6.1f}s] day {d + 1}: room moves {before} -> "
                                  f"{_room_moves(space, obj, got, baseline_rooms, d)} by retiming new sessions")
    return placement


def _baseline_rooms(space: Space, baseline: Schedule | None) -> dict[int, int]:
    if baseline is None:
        return {}
    out = {}
    for a in baseline.assignments:
        i, r = space.index.get(a.session), space.room_index.get(a.room)
        if i is not None and r is not None:
            out[i] = r
    return out


def _full(space: Space, opts: SolveOptions, deadline: float, t0: float, allowed, rooms_allowed, times):
    m = Model(space, with_rooms=True, allowed=allowed, rooms_allowed=rooms_allowed)
    add_hard_rules(m)
    m.hint({i: (k, None) for i, k in times.items()})
    solver = _solver(opts, max(1.0, deadline - time.monotonic()))
    status = solver.solve(m.cp, _Progress("times and rooms", opts.progress, t0))
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return m.read(solver)
    return None


def to_schedule(space: Space, placement: dict[int, tuple[int, int]], meta: dict | None = None) -> Schedule:
    out = []
    for i, (k, r) in sorted(placement.items()):
        o = space.options[i][k]
        out.append(Assignment(space.sessions[i].id, o.date, o.start, space.rooms[r].id))
    return Schedule(tuple(out), (), meta or {})
