"""Orchestration: timetable step, then room step, with fall-backs.

1. Timetable: which start each session gets. Rooms enter only as counting cuts
   (Hall's condition), so a room can be found for every slot. The objective is
   the soft goals that depend on times (attendee conflicts, same-track
   overlaps, preferred times). A first timetable comes from CP-SAT, a lower
   bound (the decomposition bound of ``decompose.py``, then column generation on
   the whole, ``bound.py``), then large-neighbourhood
   search (``lns.py``) improves it until the time is up or the bound is met.
   Against a baseline (a published schedule) the fewest sessions are retimed
   first, lexicographically.
2. Rooms: per day, times fixed, optimising the room goals (fewest moved
   rooms first against a baseline, then room fit and tracks in few rooms).
3. If a day's rooms cannot be assigned (rare: multi-slot sessions, room
   closures), that day is re-solved with times and rooms together; as a last
   resort the whole conference is. Both keep every soft goal and the cap on
   retimed published sessions.

``solve`` runs these as phases, each a function of a :class:`Job` (the
conference, its search space and objective, the options and the
:class:`Budget`) that returns a typed result:

    check_options -> baseline_phase -> first_timetable -> improve_phase
        -> rooms_phase -> fallback_phase -> fewer_room_moves -> Result

``--time-limit`` is the whole budget, explanation included: when no first
timetable is found within its share, the explanation runs with what is left
of the same budget and the solver raises NoProgram (proven impossible) or
NotFound (undecided). Every share of the budget is in :data:`SHARES`.
"""
from __future__ import annotations

import dataclasses
import os
import time
from dataclasses import dataclass, field
from typing import Callable, NoReturn

from ortools.sat.python import cp_model

from ..errors import NoProgram
from ..goals import BASELINE, BOUNDED, BY_NAME as GOAL, only as only_goal
from ..model import Assignment, Conference, Schedule
from ..text import plural
from .cpmodel import Model, Penalty, cp_solver
from .goals import TimeObjective, evaluate_times, moved_count, objective_levels, room_goals, time_objective
from .lns import SearchState, TimeSearch, cap_moves, time_terms
from .portfolio import Improvement, LowerBound, Outcome, improve
from .rules import add_hard_rules
from .space import Space


class NotFound(Exception):
    """No program was found within the limits (one may still exist). ``explanation``,
    when given, is the solve.explain.Explanation that could not decide either."""

    def __init__(self, message: str, explanation=None):
        super().__init__(message)
        self.explanation = explanation


@dataclass
class SolveOptions:
    time_limit: float = 60.0             # the whole budget, explanation included
    seed: int = 0
    workers: int = 0                     # 0: all cores
    deterministic: bool = False
    progress: Callable[[str], None] | None = None
    baseline: Schedule | None = None     # a published schedule to stay close to
    bound: bool = True                   # compute a lower bound (decomposition, column generation)
    keep_partial: bool = False           # on Ctrl-C, finish the best timetable so far (else re-raise)
    start_method: str | None = None      # multiprocessing start method of the second search (None: the best here)
    started: float | None = None         # time.monotonic() when the command began (its loading counts); None: now


# -- the budget -------------------------------------------------------------------------------------
#: Every share of ``--time-limit``, in one place (fractions). "limit" is the whole
#: budget; "timetable" is what the timetable step may use: the limit less the
#: room-step reserve (see ``room_reserve``).
FIRST_TIMETABLE_AT_LEAST = 5.0     # seconds: see Budget.first_timetable

SHARES: dict[str, float] = {
    # against a baseline, of the timetable budget: the fewest published sessions retimed
    # (a first timetable at the same time); long enough to prove the minimum on most
    "baseline": 0.3,
    # of the timetable budget: the first timetable, polished by CP-SAT on the whole
    # objective, is done by then; the start matters, but the searches gain more per second
    "start": 0.1,
    # of the limit: held back for the explanation. When no first timetable is found by
    # (1 - this) of the limit the solver stops searching and explains with what is left;
    # half is enough for a 300-session explanation (about 5 s) at --time-limit 20, and a
    # feasible 1000-session conference finds its first timetable in about 3 s
    "explanation": 0.5,
    # of the time left for the explanation: when its relaxed model (built at once, it
    # cannot be interrupted) is estimated to take longer than this share, the explanation
    # runs in a process of its own, stopped at the deadline; else here (no process start)
    "explanation_inline": 0.25,
    # of what is left to improve, for the lower bound (decomposition, column generation; in this process
    # while the other one searches): up to 150 sessions it converges within about half of a 60 s solve
    # (120 sessions) and can end the search early; above, it gains less (from 250 sessions the
    # relaxation usually forces no conflict at all, and it says so as soon as it sees it)
    "bound": 0.5,
    "bound_large": 0.15,
    # --deterministic: the improve phase's work limit (CP-SAT deterministic time), of the limit
    "improve_deterministic": 0.6,
    # the room-step reserve, at least / at most these shares of the limit
    "rooms_min": 0.05,
    "rooms_max": 0.5,
    # against a baseline, of the limit: at most this for the model that keeps every published
    # session in place (day, start and room) and places the new ones around them; it is
    # small (only the new sessions are free) and usually proves its answer in a second
    "in_place": 0.6,
    # ... but it gives up after this share (of the limit, or of what is left) when it has found
    # nothing yet: the steps after it need that time
    "in_place_give_up": 0.2,
    # after Ctrl-C with --keep-partial: the room step's time, of the limit (at least 5 s)
    "after_interrupt": 0.1,
    # of what is left for the fall-backs: re-solving the failed days (the rest: everything)
    "fallback_days": 0.5,
    # of one fall-back solve: at most this for any valid placement (no objective; it
    # stops at the first one), before the soft goals are minimised from it
    "fallback_feasible": 0.5,
}
FALLBACK_MIN_SECONDS = 1.0           # a fall-back solve's floor: without rooms there is no program at all
# the room step: building and solving a day's room model takes about 6 ms a session
# (1000 sessions / 40 rooms / 3 days: 0.6-0.8 s a day was too little, every day timed out)
ROOM_SECONDS_PER_SESSION = 0.006
ROOM_SECONDS_PER_DAY = 0.4
BOUND_LARGE_SESSIONS = 150           # above this the bound gets the "bound_large" share
AFTER_INTERRUPT_MIN = 5.0            # seconds
BOUND_WORK_PER_SECOND = 20           # --deterministic: the bound's work units (LPs, thousands of nodes) a second
BOUND_SAFETY = 5.0                   # ... and its clock limit, a safety net, this many times its share
EXACT_ROOMS_LITERALS = 60_000        # session x start x room placements up to which room moves are decided exactly
# above this the column generation on the whole is not run (the decomposition bound alone): at 250
# sessions (bench_bound, seed 11) its relaxation is 0, proven after about 20 s, more than its share
CG_MAX_SESSIONS = 200
DECOMPOSITION_SHARE = 0.2            # of the bound's time: the decomposition bound first, when the CG follows
# The stopping rule of a re-solve against a baseline ("done when done"): once the baseline's
# levels are settled, the soft goals are polished until CP-SAT proves them optimal, or until
# they have not improved for PATIENCE_SECONDS or PATIENCE_SHARE of the time spent so far,
# whichever is longer; --time-limit stays the maximum. Not with --deterministic (a work limit).
PATIENCE_SECONDS = 1.0
PATIENCE_SHARE = 0.2


def room_reserve(limit: float, sessions: int, days: int) -> float:
    """Seconds of ``limit`` kept for the room step."""
    need = ROOM_SECONDS_PER_SESSION * sessions + ROOM_SECONDS_PER_DAY * days
    return min(SHARES["rooms_max"] * limit, max(SHARES["rooms_min"] * limit, need))


@dataclass
class Budget:
    """The whole time budget of one solve: ``limit`` seconds from ``start`` (time.monotonic()).

    Phases ask it for seconds: ``left()`` until the deadline, ``share(name)`` of a
    named share (:data:`SHARES`), ``until(at)`` until ``at`` seconds after the start.
    With ``deterministic`` the phases that can stop on a work limit take fixed shares
    instead of what the clock leaves (same inputs, same work, same answer)."""
    limit: float
    deterministic: bool = False
    start: float = field(default_factory=time.monotonic)
    rooms_reserve: float = 0.0
    deadline: float = 0.0                # start + limit, unless an interruption shortened it

    def __post_init__(self) -> None:
        if not self.deadline:
            self.deadline = self.start + self.limit

    @classmethod
    def for_conference(cls, limit: float, deterministic: bool, sessions: int, days: int,
                       start: float | None = None) -> Budget:
        return cls(limit, deterministic, time.monotonic() if start is None else start,
                   room_reserve(limit, sessions, days))

    @property
    def timetable(self) -> float:
        """Seconds after the start by which the timetable step ends."""
        return self.limit - self.rooms_reserve

    @property
    def first_timetable(self) -> float:
        """Seconds after the start by which a first timetable must be found (else: explain).
        The first FIRST_TIMETABLE_AT_LEAST seconds are always the search's (the whole
        limit when it is shorter): short limits are for conferences that have a program,
        and a 150-session timetable can take a few seconds on a loaded machine."""
        return max(self.limit * (1 - SHARES["explanation"]), min(self.limit, FIRST_TIMETABLE_AT_LEAST))

    def elapsed(self) -> float:
        return time.monotonic() - self.start

    def left(self) -> float:
        return max(0.0, self.deadline - time.monotonic())

    def share(self, name: str, of: float | None = None) -> float:
        """Seconds: share ``name`` of ``of`` (default: the whole limit)."""
        return SHARES[name] * (self.limit if of is None else of)

    def until(self, at: float) -> float:
        """Seconds from now until ``at`` seconds after the start (0 when past)."""
        return max(0.0, self.start + at - time.monotonic())

    def shorten(self, seconds: float) -> None:
        """From now on, ``seconds`` are left (an interruption: finish soon)."""
        self.deadline = time.monotonic() + seconds


# -- the result -------------------------------------------------------------------------------------
@dataclass
class Result:
    schedule: Schedule
    status: str                                   # "optimal" | "feasible"
    timetable_objective: int                      # the time objective of the schedule's times
    lower_bound: float | None = None              # on the timetable objective
    bound_method: str = "none"
    conflict_lower_bound: float | None = None     # with interests: on attendee conflicts alone
    lns_moves: int = 0
    improving_moves: int = 0
    first_valid_seconds: float = 0.0
    seconds: float = 0.0                          # wall time of the solve
    history: list[tuple[float, int]] = field(default_factory=list)   # (seconds, timetable objective)
    retimed: int | None = None                    # against a baseline: published sessions retimed
    retimed_proven_minimal: bool | None = None    # ... and no valid program retimes fewer
    interrupted: bool = False                     # Ctrl-C with --keep-partial: the best timetable so far
    fallback: str = ""                            # which fall-back placed the rooms ("": none was needed)
    stopped: str = ""                             # why the search ended (proven optimal, stopping rule, time limit)


# -- the job and its phases' results ----------------------------------------------------------------
@dataclass
class Job:
    """What every phase works on."""
    conf: Conference
    opts: SolveOptions
    space: Space
    obj: TimeObjective
    budget: Budget
    search: TimeSearch
    baseline_rooms: dict[int, int]
    say: Callable[[str], None]

    @classmethod
    def create(cls, conf: Conference, opts: SolveOptions, start: float | None = None) -> Job:
        if start is None:
            start = opts.started if opts.started is not None else time.monotonic()
        space = Space(conf)
        budget = Budget.for_conference(opts.time_limit, opts.deterministic, len(space.sessions), len(conf.days),
                                       start)
        say = opts.progress or (lambda _m: None)
        obj = time_objective(space, conf, opts.baseline)
        search = TimeSearch(space, obj, seed=opts.seed, workers=_workers(opts), deterministic=opts.deterministic,
                            t0=start, say=say)
        return cls(conf, opts, space, obj, budget, search, _baseline_rooms(space, opts.baseline), say)

    @property
    def t0(self) -> float:
        return self.budget.start

    def stamp(self) -> str:
        return f"[{self.budget.elapsed():6.1f}s]"


@dataclass
class BaselineMoves:
    """Against a baseline: a timetable with the fewest published sessions retimed."""
    times: dict[int, int] | None
    cap: int | None                  # the most published sessions any later phase may retime
    proven: bool                     # the cap is the proven minimum


@dataclass
class FirstTimetable:
    times: dict[int, int]
    value: int
    first_valid_seconds: float       # when CP-SAT found its first valid timetable
    found_at: float                  # when this phase ended (seconds after the start)
    bound: LowerBound                # CP-SAT's bound, when it saw the whole objective


@dataclass
class Rooms:
    placement: dict[int, tuple[int, int]]
    failed: list[int]                # days whose rooms could not be assigned


@dataclass
class Fallback:
    placement: dict[int, tuple[int, int]] | None
    scope: str                       # "day 2", "everything", "everything, fewest retimed first", "" (none found)


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


@dataclass
class Solved:
    """A lexicographic solve's answer: the placement of the last level that found one."""
    placement: dict[int, tuple[int, int | None]] | None
    status: int                      # CP-SAT status of the last level solved
    objective: float = 0.0           # of that level


def _solve_levels(m: Model, levels, opts: SolveOptions, seconds: float, stage: str, t0: float) -> Solved:
    """Lexicographic: minimise each level of penalties, then hold it while minimising the
    next. A level that finds nothing within its time leaves the previous level's answer."""
    deadline = time.monotonic() + seconds
    out = Solved(None, cp_model.UNKNOWN)
    for n, level in enumerate(levels or [[]]):
        expr = sum(p.weight * p.literal for p in level) if level else None
        if expr is not None:
            m.cp.minimize(expr)
        solver = _solver(opts, max(0.2, (deadline - time.monotonic()) / (len(levels or [[]]) - n)))
        status = solver.solve(m.cp, _Progress(stage, None, t0))
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            if out.placement is not None and status == cp_model.UNKNOWN:
                out.status = cp_model.FEASIBLE
                return out
            return Solved(None, status)
        got = m.read(solver)
        out = Solved(got, status, solver.objective_value if expr is not None else 0.0)
        if expr is not None and n + 1 < len(levels):
            m.cp.add(expr <= int(round(solver.objective_value)))
            m.cp.clear_hints()
            m.hint(got)
    return out


# -- done when done ---------------------------------------------------------------------------------
def patience(elapsed: float) -> float:
    """Seconds without improvement after which the soft goals count as settled (the stopping rule)."""
    return max(PATIENCE_SECONDS, PATIENCE_SHARE * elapsed)


class _Patient(cp_model.CpSolverSolutionCallback):
    """Records when the objective last improved; a watcher thread stops the search
    (``stop_search``) once it has not for ``patience(elapsed)`` seconds."""

    def __init__(self, t0: float):
        super().__init__()
        self.t0 = t0
        self.last = time.monotonic()
        self.best: float | None = None
        self.stalled = False

    def on_solution_callback(self) -> None:
        value = self.objective_value
        if self.best is None or value < self.best - 1e-9:
            self.best = value
            self.last = time.monotonic()


def solve_patiently(solver: cp_model.CpSolver, cp: cp_model.CpModel, t0: float, patient: bool,
                    give_up: float | None = None) -> tuple[int, str]:
    """Solve; with ``patient``, stop once the objective stalls (the stopping rule) as well as
    at the solver's own limit; with ``give_up`` (a time.monotonic() instant), stop then if
    nothing was found yet (what comes after needs the time). Returns (CP-SAT status, why
    it stopped)."""
    import threading
    watcher = _Patient(t0)
    if not patient and give_up is None:
        status = solver.solve(cp, watcher)
        return status, ("proven optimal" if status == cp_model.OPTIMAL else
                        "proven infeasible" if status == cp_model.INFEASIBLE else "its limit")
    done = threading.Event()

    def watch() -> None:
        while not done.wait(0.05):
            now = time.monotonic()
            if watcher.best is None:
                if give_up is not None and now > give_up:
                    solver.stop_search()
                    return
            elif patient and now - watcher.last > patience(now - t0):
                watcher.stalled = True
                solver.stop_search()
                return

    thread = threading.Thread(target=watch, name="niic-patience", daemon=True)
    thread.start()
    try:
        status = solver.solve(cp, watcher)
    finally:
        done.set()
        thread.join()
    if status == cp_model.OPTIMAL:
        return status, "proven optimal"
    if status == cp_model.INFEASIBLE:
        return status, "proven infeasible"
    if watcher.stalled:
        return status, (f"stopping rule: no improvement for {patience(watcher.last - t0):.1f} s "
                        f"(the longer of {PATIENCE_SECONDS:g} s and {PATIENCE_SHARE:.0%} of the time spent)")
    return status, "time limit"


@dataclass
class InPlace:
    """Against a baseline: every published session at its day, start and room (those whose
    start or room no longer exists excepted), the others placed around them."""
    placement: dict[int, tuple[int, int]] | None
    status: int                      # CP-SAT status: OPTIMAL (soft goals proven too), FEASIBLE, INFEASIBLE, UNKNOWN
    stopped: str
    objective: float = 0.0
    first_proven: bool = False       # its first level (fewest retimed, or the only one) was proven optimal


def keep_in_place(job: Job, moving: set[int] = frozenset(), seconds: float | None = None,
                  give_up: float | None = None) -> InPlace:
    """Against a baseline, exact: can every published session keep its day, start and room
    (but those in ``moving``, and those whose start or room no longer exists)? If so, the
    lexicographic levels are settled: no fewer published sessions can be retimed or moved
    than ``moving`` and the vanished ones (which ``baseline_phase`` proved, or which must
    move). What is left is the placement of the other sessions around the kept ones: the
    sessions of ``moving`` first as few retimed, then as few moved room, as possible, then
    every soft goal (timetable and room goals together, with their weights). The model is
    small (only those sessions are free); its last level is solved until CP-SAT proves it
    optimal or the stopping rule (``patience``) ends it."""
    space, obj = job.space, job.obj
    allowed: dict[int, set[int]] = {}
    rooms_allowed: dict[int, set[int]] = {}
    for i, k0 in obj.baseline.items():
        if k0 < 0 or i in moving:
            continue                 # its published start is gone (it moves whatever we do), or it may move
        allowed[i] = {k0}
        r0 = job.baseline_rooms.get(i)
        if r0 is not None and r0 in space.options[i][k0].rooms:
            rooms_allowed[i] = {r0}
    m = Model(space, with_rooms=True, allowed=allowed, rooms_allowed=rooms_allowed)
    add_hard_rules(m)
    return _lexicographic(job, m, {i: k for i, ks in allowed.items() for k in ks}, moving, seconds, give_up)


def exact_baseline(job: Job, hint: dict[int, int] | None, seconds: float, give_up: float | None = None,
                   retimed_at_least: int | None = None) -> InPlace:
    """Against a baseline, exact for a small conference: one model of every session, start
    and room; fewest published sessions retimed, then fewest moved to another room, then
    every soft goal. ``hint``: a timetable with the fewest retimed (``baseline_phase``).
    ``retimed_at_least``: a proven lower bound on the retimed (``baseline_phase``'s minimum
    without rooms): the model first holds the retimed at it instead of minimising them
    (a minimisation CP-SAT must prove: 5.3 s on 150 + 16 sessions, bench_late seed 4);
    at 0, every published session keeps its start and only rooms are free (that model
    builds in 0.2 s, the whole one in 1.7 s). Only when rooms make the bound impossible
    are the retimed minimised on the whole model."""
    end = time.monotonic() + seconds

    def model(allowed: dict[int, set[int]] | None = None) -> Model:
        m = Model(job.space, with_rooms=True, allowed=allowed or {})
        add_hard_rules(m)
        if hint:
            m.hint({i: (k, job.baseline_rooms.get(i) if job.obj.baseline.get(i) == k else None)
                    for i, k in hint.items()})
        return m
    if retimed_at_least is not None:
        # none retimed: every published session at its published start, its room free
        held = {i: {k0} for i, k0 in job.obj.baseline.items() if k0 >= 0} if retimed_at_least == 0 else {}
        kept = _lexicographic(job, model(held), {i: k0 for i, (k0,) in held.items()}, set(job.obj.baseline),
                              seconds, give_up, retimed_cap=retimed_at_least)
        if kept.status != cp_model.INFEASIBLE:
            return kept
        seconds = max(0.5, end - time.monotonic())
    return _lexicographic(job, model(), {}, set(job.obj.baseline), seconds, give_up)


def _lexicographic(job: Job, m: Model, fixed: dict[int, int], moving: set[int], seconds: float | None,
                   give_up: float | None = None, retimed_cap: int | None = None) -> InPlace:
    """Solve ``m`` (sessions outside ``fixed`` free): the published sessions of ``moving``
    as few retimed, then as few moved to another room, as possible, then the soft goals,
    each level held while the next is minimised; the last with the stopping rule. With
    ``give_up`` (seconds), the first level stops after that long if it found nothing.
    ``retimed_cap``: the retimed are held at most at this proven minimum instead of being
    minimised (INFEASIBLE when the model cannot: the caller minimises them then)."""
    space, obj, budget = job.space, job.obj, job.budget
    free = {i for i in range(len(space.sessions)) if i not in fixed}
    room_goals(m, job.conf, job.baseline_rooms)
    levels: list[list[tuple[int, object]]] = []
    retimed = [lit for i in sorted(moving) if obj.baseline.get(i, -1) >= 0
               for k, lit in m.x[i].items() if k != obj.baseline[i]]
    if retimed and retimed_cap is not None:
        m.cp.add(sum(retimed) <= retimed_cap)      # proven: no fewer can be retimed; held, not minimised
    elif retimed:
        levels.append([(1, lit) for lit in retimed])
    roomed = [(1, p.literal) for p in m.penalties if GOAL[p.goal].level == BASELINE]
    if roomed and moving:
        levels.append(roomed)
    soft = [(p.weight, p.literal) for p in m.penalties if GOAL[p.goal].level != BASELINE]
    soft += time_terms(m, obj, free, fixed)
    levels.append(soft)
    if seconds is None:
        seconds = budget.share("in_place") if budget.deterministic else \
            min(budget.share("in_place"), budget.until(budget.limit))
    end = time.monotonic() + max(0.5, seconds)
    placement, proven, stopped, objective, first = None, True, "", 0.0, False
    for n, level in enumerate(levels):
        last = n == len(levels) - 1
        expr = sum(w * lit for w, lit in level) if level else None
        if expr is not None:
            m.cp.minimize(expr)
        left = max(0.2, end - time.monotonic())
        solver = _solver(job.opts, left if last else max(0.2, left / (len(levels) - n)))
        got, stopped = solve_patiently(solver, m.cp, budget.start, patient=last and not budget.deterministic,
                                       give_up=time.monotonic() + give_up if give_up is not None and n == 0
                                       and not budget.deterministic else None)
        if got not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            if placement is not None and got == cp_model.UNKNOWN:
                proven = False           # the level before stands: keep its placement
                break
            return InPlace(None, got, stopped)
        placement = {i: (k, r) for i, (k, r) in m.read(solver).items()}
        proven &= got == cp_model.OPTIMAL
        first = first or (n == 0 and (got == cp_model.OPTIMAL or retimed_cap is not None))
        objective = solver.objective_value if expr is not None else 0.0
        if not last:
            if expr is not None:
                m.cp.add(expr <= int(round(solver.objective_value)))
            m.cp.clear_hints()
            m.hint(placement)
    status = cp_model.OPTIMAL if proven else cp_model.FEASIBLE
    return InPlace(placement, status, stopped, objective, first)


# -- the explanation: when no first timetable was found ----------------------------------------------
EXPLAIN_GRACE = 0.5     # seconds past the deadline before an explanation still running is stopped
# seconds per session x slot x room to build the explanation's relaxed model (measured on 2
# shared cores: 1.4 s for 300 sessions x 20 slots x 24 rooms, 35 s for 1000 x 33 x 40)
EXPLAIN_BUILD_SECONDS = 3e-5


def _explanation_may_overrun(job: Job, seconds: float) -> bool:
    units = len(job.space.sessions) * len(job.conf.slots) * max(1, len(job.space.rooms))
    return units * EXPLAIN_BUILD_SECONDS > SHARES["explanation_inline"] * seconds


@dataclass(frozen=True)
class _Explained:
    """What the explanation process sends back (an exception does not pickle its fields)."""
    explanation: object              # solve.explain.Explanation
    reasons: list[str]


def _explain_here(conf: Conference, space: Space, seconds: float, proven: bool, fallback: str | None) -> _Explained:
    """The explanation in this process: a NoProgram's (``proven``) or explain()'s verdict."""
    from .explain import explain, no_program
    if proven:
        exc = no_program(conf, space, seconds, *([fallback] if fallback is not None else []))
        return _Explained(exc.explanation, exc.reasons)
    ex = explain(conf, time_limit=seconds, space=space)
    return _Explained(ex, [str(r) for r in ex.reasons])


def _explain_child(conn, conf: Conference, space: Space, seconds: float, proven: bool, fallback: str | None) -> None:
    """The explanation, in a process of its own (module level, so that ``spawn`` can import it)."""
    import signal

    from .portfolio import _die_with_parent
    signal.signal(signal.SIGINT, signal.SIG_IGN)   # Ctrl-C is the parent's to handle
    _die_with_parent()
    try:
        conn.send(_explain_here(conf, space, seconds, proven, fallback))
    except BaseException as exc:   # pragma: no cover - reported to the parent
        conn.send(exc)
    finally:
        conn.close()


def _explain_within(job: Job, proven: bool, fallback: str | None) -> _Explained | None:
    """Run the explanation with what is left of the budget. When its model may take
    too long to build (``_explanation_may_overrun``), in a process that is stopped at
    the deadline (plus EXPLAIN_GRACE) if it is still building or solving: None then.
    Else, or when this process may not start one (a daemon process itself), here."""
    import multiprocessing as mp

    from .portfolio import choose_start_method
    seconds = max(0.1, job.budget.left())
    if not _explanation_may_overrun(job, seconds) or mp.current_process().daemon:
        return _explain_here(job.conf, job.space, seconds, proven, fallback)
    ctx = mp.get_context(choose_start_method(job.opts.start_method))
    parent_conn, child_conn = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_explain_child, args=(child_conn, job.conf, job.space, seconds, proven, fallback),
                       daemon=True, name="niic-explain")
    proc.start()
    child_conn.close()
    got = None
    try:
        if parent_conn.poll(max(0.0, job.budget.deadline + EXPLAIN_GRACE - time.monotonic())):
            try:
                got = parent_conn.recv()
            except EOFError:   # it died without a word
                got = None
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join()
        parent_conn.close()
    if isinstance(got, BaseException):
        raise got
    return got


def explain_and_raise(job: Job, *, proven: bool, fallback: str | None = None) -> NoReturn:
    """Explain with what is left of the budget, then raise NoProgram (no program exists)
    or NotFound (undecided). ``proven``: CP-SAT already proved that none exists (or,
    with ``fallback``, the reason why is known)."""
    if not proven:
        job.say(f"{job.stamp()} no timetable found; checking whether one exists at all "
                f"({job.budget.left():.1f} s left)")
    got = _explain_within(job, proven, fallback)
    later = "Run `niic-sched explain` with a larger --time-limit to find out why."
    if proven:
        if got is None:
            why = fallback or "no timetable satisfies every hard rule at once"
            raise NoProgram([f"{why[:1].upper()}{why[1:]} (time ran out before the explanation). {later}"])
        raise NoProgram(got.reasons, explanation=got.explanation)
    if got is None:
        raise NotFound(f"no timetable found within {job.opts.time_limit:g} s, and the time ran out before "
                       "deciding whether one exists; raise --time-limit")
    ex = got.explanation
    if ex.status == "infeasible":
        raise NoProgram(got.reasons, explanation=ex)
    if ex.status == "feasible":
        raise NotFound(f"a program exists, but none was found within {job.opts.time_limit:g} s; raise --time-limit",
                       ex)
    raise NotFound(f"no timetable found within {job.opts.time_limit:g} s, and none proven impossible; "
                   "raise --time-limit", ex)


# -- phases -----------------------------------------------------------------------------------------
def check_options(job: Job) -> None:
    """Every session needs at least one start where its speakers are free and a room suits it."""
    stuck = job.space.without_options()
    if stuck:
        explain_and_raise(job, proven=True, fallback="; ".join(
            f"{s.id} ({s.title}) has no start where its speakers are free and a suitable room is open"
            for s in stuck))


def baseline_phase(job: Job) -> BaselineMoves:
    """Against a baseline: fewest published sessions retimed, then hold that number."""
    if not job.obj.baseline:
        return BaselineMoves(None, None, False)
    seconds = job.budget.share("baseline", of=job.budget.timetable)
    if not job.budget.deterministic:
        seconds = min(seconds, max(0.5, job.budget.until(job.budget.first_timetable)))
    times, status = job.search.fewest_moves(seconds)
    if times is None and status == cp_model.UNKNOWN and not job.budget.deterministic \
            and job.budget.until(job.budget.first_timetable) > 0.2:
        # nothing yet in its share: it is the first timetable too, so it may take until that deadline
        times, status = job.search.fewest_moves(job.budget.until(job.budget.first_timetable))
    if status == cp_model.INFEASIBLE:
        explain_and_raise(job, proven=True)
    if times is None:
        explain_and_raise(job, proven=False)
    proven = status == cp_model.OPTIMAL
    job.say(f"{job.stamp()} baseline: {job.search.moved_cap} published session(s) "
            f"{'must' if proven else 'will'} be retimed")
    return BaselineMoves(times, job.search.moved_cap, proven)


def first_timetable(job: Job, baseline: BaselineMoves) -> FirstTimetable:
    """A valid timetable: any one first, then CP-SAT on the whole objective until the start share."""
    budget = job.budget
    start_at = budget.share("start", of=budget.timetable)
    if budget.deterministic:   # a work limit: what the phases before it were given, not what they took
        seconds = max(0.5, start_at - (budget.share("baseline", of=budget.timetable) if baseline.times else 0.0))
    else:
        seconds = max(0.5, budget.until(start_at))
    progress = _Progress("timetable", job.say, job.t0)
    times, status = job.search.start(seconds, baseline.times, progress,
                                     feasible_seconds=max(0.5, budget.until(budget.first_timetable)))
    if status == cp_model.INFEASIBLE:
        explain_and_raise(job, proven=True)
    if times is None:
        explain_and_raise(job, proven=False)
    first_valid = (job.search.greedy_at if job.search.greedy_at is not None else
                   progress.first_at if progress.first_at is not None else budget.elapsed())
    bound = LowerBound()
    if job.search.start_bound is not None:
        bound = LowerBound(int(job.search.start_bound + 0.999999), "CP-SAT")
    return FirstTimetable(times, evaluate_times(job.space, job.obj, times), first_valid, round(budget.elapsed(), 2),
                          bound)


def improve_phase(job: Job, first: FirstTimetable) -> Improvement:
    """Two searches (tabu, then CP-SAT neighbourhoods) in parallel; this process first
    computes the lower bound (decomposition, column generation). Ends on the budget or the bound."""
    budget, opts = job.budget, job.opts
    state = SearchState(first.times, first.value)
    if state.value <= 0 or (first.bound.value is not None and state.value <= first.bound.value):
        return Improvement(Outcome(first.times, first.value), first.bound)

    def find_bound() -> LowerBound:
        if first.bound.value is not None and state.value <= first.bound.value:
            return first.bound
        cg = _lower_bound(job, state)
        if cg.value is not None and (first.bound.value is None or cg.value > first.bound.value):
            return cg
        return dataclasses.replace(first.bound, conflicts=cg.conflicts)

    step = min(1.0, max(0.15, opts.time_limit / 100))
    seconds = budget.until(budget.timetable) if not budget.deterministic else budget.share("improve_deterministic")
    try:
        got = improve(job.space, job.obj, state.times, seed=opts.seed, seconds=max(0.2, seconds),
                      workers=_workers(opts), deterministic=opts.deterministic, moved_cap=job.search.moved_cap,
                      say=opts.progress, t0=job.t0, step=step, lower_bound=find_bound if opts.bound else None,
                      start_method=opts.start_method,
                      patience=(PATIENCE_SECONDS, PATIENCE_SHARE) if job.obj.baseline else None)
    except KeyboardInterrupt:   # outside the searches' own handlers (starting them, reporting)
        return Improvement(Outcome(first.times, first.value, interrupted=True), first.bound)
    if got.best.value > state.value:   # the searches' moves and history count; the first timetable stays
        return dataclasses.replace(got, best=dataclasses.replace(got.best, times=first.times, value=first.value))
    return got


def _lower_bound(job: Job, state: SearchState) -> LowerBound:
    """The lower bound on the timetable objective: the decomposition bound
    (``decompose.py``: the sum of bounds on disjoint parts, which scales), then up to
    CG_MAX_SESSIONS sessions the column generation on the whole (``bound.py``) with
    the rest of the time; the larger of the two.

    With interests, the bound is computed on attendee conflicts alone: every other
    timetable goal costs at least 0, so weight x that bound also bounds the objective."""
    space, conf, obj, opts, budget = job.space, job.conf, job.obj, job.opts, job.budget
    if not opts.bound or not obj.pair:
        return LowerBound(0 if not obj.pair and not obj.unary else None, "none")
    n = len(space.sessions)
    from .bound import lower_bound
    from .decompose import decomposition_bound
    name = "bound" if n <= BOUND_LARGE_SESSIONS else "bound_large"
    work = None
    began = time.monotonic()
    if opts.deterministic:     # a work limit, from shares of the limit only: the same every run
        share = budget.share(name, of=budget.timetable)
        work = max(10, int(BOUND_WORK_PER_SECOND * share))
        seconds = BOUND_SAFETY * max(1.0, share)
    else:
        seconds = max(1.0, budget.share(name, of=budget.until(budget.timetable)))
    w = conf.weight[BOUNDED]
    interest = conf.shared_interest()
    if interest and w > 0:
        target = time_objective(space, only_goal(conf, BOUNDED))
        stop = evaluate_times(space, target, state.times)
        scale = w
    else:
        target, stop, scale = obj, state.value, 1
    whole = n <= CG_MAX_SESSIONS      # the column generation on the whole conference follows
    first = DECOMPOSITION_SHARE if whole else 1.0
    b, method = decomposition_bound(space, target, time_limit=seconds * first, stop_at=stop,
                                    work=None if work is None else max(1, int(work * first)))
    if whole and b < stop:
        left = seconds - (time.monotonic() - began) if work is None else seconds
        cg, cg_method = lower_bound(space, target, state.times, time_limit=max(1.0, left), stop_at=stop,
                                    work=None if work is None else max(1, work - int(work * first)))
        if cg >= b:
            method = f"{cg_method}; the decomposition bound before it: {b:g}"
            b = cg
        else:
            method = f"{method}; column generation on the whole: {cg:g} ({cg_method})"
    elif not whole:
        method += f"; no column generation on the whole above {CG_MAX_SESSIONS} sessions"
    bound = scale * b
    conflict_bound = b if target is not obj else None
    if opts.deterministic:
        if "time limit" in method:
            # cut short by the clock (its safety net): its value would differ from run to run
            return LowerBound(None, "none (cut short by the clock; left out of a deterministic run)")
        method = method.split(":")[0]     # without the counts and seconds, which vary from run to run
    job.say(f"{job.stamp()} lower bound {bound:g} ({method}); timetable objective {state.value}")
    return LowerBound(bound, method, conflict_bound)


def rooms_phase(job: Job, times: dict[int, int]) -> Rooms:
    """Rooms, day by day, times fixed."""
    placement: dict[int, tuple[int, int]] = {}
    failed = []
    days = len(job.conf.days)
    for d in range(days):
        if job.budget.deterministic:
            seconds = max(0.5, job.budget.rooms_reserve / max(1, days))
        else:
            seconds = max(0.5, job.budget.left() / max(1, days - d))
        got = _rooms_for_day(job, times, d, seconds)
        if got is None:
            failed.append(d)
        else:
            placement.update(got)
    return Rooms(placement, failed)


def _rooms_for_day(job: Job, times: dict[int, int], day: int, seconds: float):
    space = job.space
    active = {i for i, k in times.items() if space.options[i][k].day == day}
    if not active:
        return {}
    m = Model(space, with_rooms=True, allowed={i: {times[i]} for i in active}, active=active)
    add_hard_rules(m)
    room_goals(m, job.conf, job.baseline_rooms)
    if job.baseline_rooms:
        m.hint({i: (times[i], job.baseline_rooms[i]) for i in active if i in job.baseline_rooms})
    got = _solve_levels(m, objective_levels(m), job.opts, seconds, f"rooms day {day + 1}", job.t0)
    if got.placement is not None:
        job.say(f"{job.stamp()} rooms day {day + 1}: {plural(len(active), 'session')} placed, "
                f"room objective {got.objective:g}")
    return got.placement


def fallback_phase(job: Job, times: dict[int, int], placement: dict[int, tuple[int, int]],
                   failed: list[int]) -> Fallback:
    """Re-solve the failed days with times and rooms together (other days kept), then,
    if that fails, everything. Both keep every soft goal and the cap on retimed
    published sessions; only when the cap is proven impossible with rooms does the
    last attempt retime the fewest published sessions first instead."""
    cap = job.search.moved_cap
    left = job.budget.left()
    days = ", ".join(str(d + 1) for d in failed)
    got, status = resolve_with_rooms(job, times, placement, set(failed),
                                     max(FALLBACK_MIN_SECONDS, job.budget.share("fallback_days", of=left)), cap)
    if got is not None:
        return Fallback(got, f"day{'s' if len(failed) > 1 else ''} {days}")
    job.say(f"{job.stamp()} rooms: re-solving every day with times and rooms together")
    got, status = resolve_with_rooms(job, times, placement, None, max(FALLBACK_MIN_SECONDS, job.budget.left()), cap)
    if got is not None:
        return Fallback(got, "everything")
    if status == cp_model.INFEASIBLE and cap is not None:
        job.say(f"{job.stamp()} rooms: no program retimes only {cap} published session(s) once rooms are "
                "assigned; retiming the fewest possible")
        got, status = resolve_with_rooms(job, times, placement, None, max(FALLBACK_MIN_SECONDS, job.budget.left()),
                                         None, retimed_first=True)
        if got is not None:
            return Fallback(got, "everything, fewest retimed first")
    return Fallback(None, "")


def resolve_with_rooms(job: Job, times: dict[int, int], placement: dict[int, tuple[int, int]],
                       days: set[int] | None, seconds: float, cap: int | None, *, retimed_first: bool = False):
    """Times and rooms together, for the sessions of ``days`` (None: every session; the
    others keep their start and room from ``times`` and ``placement``; a session of
    ``days`` may take any start of its day). The objective is every soft goal: the
    time objective's pair and unary terms and the room goals, summed with their
    weights (against a baseline, fewest moved rooms first, as in the room step). At
    most ``cap`` published sessions are retimed; ``retimed_first``: instead of a
    cap, retime the fewest first. Returns (placement or None, CP-SAT status)."""
    space, obj = job.space, job.obj
    allowed = rooms_allowed = None
    if days is not None:
        allowed, rooms_allowed = {}, {}
        for i, k in times.items():
            day = space.options[i][k].day
            if day in days:
                allowed[i] = {q for q, o in enumerate(space.options[i]) if o.day == day}
            else:
                allowed[i] = {k}
                rooms_allowed[i] = {placement[i][1]}
    m = Model(space, with_rooms=True, allowed=allowed, rooms_allowed=rooms_allowed)
    add_hard_rules(m)
    free = {i for i, xs in enumerate(m.x) if len(xs) > 1}
    if cap is not None:
        cap_moves(m, obj, free, times, cap)
    room_goals(m, job.conf, job.baseline_rooms)
    levels = objective_levels(m)
    timed = [Penalty("time objective", w, lit, "time") for w, lit in time_terms(m, obj, free, times)]
    if timed:
        if levels and GOAL[levels[-1][0].goal].level != BASELINE:
            levels[-1] = levels[-1] + timed
        else:
            levels.append(timed)
    if retimed_first and obj.baseline:
        levels.insert(0, [Penalty("retimed", 1, lit, "moved_time") for i, k0 in sorted(obj.baseline.items())
                          for k, lit in m.x[i].items() if k != k0])
    m.hint({i: (k, placement[i][1] if i in placement else None) for i, k in times.items()})
    stage = "times and rooms"
    if days is not None:
        stage += f", day(s) {', '.join(str(d + 1) for d in sorted(days))}"
    # any valid placement first (no objective: fast), then the goals from there
    end = time.monotonic() + seconds
    solver = _solver(job.opts, seconds * SHARES["fallback_feasible"])
    status = solver.solve(m.cp, _Progress(stage, None, job.t0))
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, status
    found = m.read(solver)
    m.cp.clear_hints()
    m.hint(found)
    got = _solve_levels(m, levels, job.opts, max(0.5, end - time.monotonic()), stage, job.t0)
    if got.placement is None:   # the goals' levels ran out of time: the valid placement stays
        job.say(f"{job.stamp()} {stage}: a valid placement (no time left to optimise it)")
        return found, cp_model.FEASIBLE
    job.say(f"{job.stamp()} {stage}: objective {got.objective:g}")
    return got.placement, got.status


def _room_moves(space: Space, obj: TimeObjective, placement, baseline_rooms: dict[int, int], day: int | None) -> int:
    """Published sessions at their published start but in another room (on ``day``; None: every day)."""
    return sum(1 for i, (k, r) in placement.items()
               if (day is None or space.options[i][k].day == day) and obj.baseline.get(i) == k
               and baseline_rooms.get(i) != r)


def fewer_room_moves(job: Job, placement: dict[int, tuple[int, int]]) -> dict[int, tuple[int, int]]:
    """Lexicographic order against a baseline: a published session keeps its room before
    any soft goal is served. Where the room step had to move published sessions, re-solve
    that day with the new sessions free to take other starts of the day."""
    space, obj, baseline_rooms = job.space, job.obj, job.baseline_rooms
    end = time.monotonic() + max(1.0, job.budget.left())
    for d in range(len(job.conf.days)):
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
        room_goals(m, job.conf, baseline_rooms)
        m.hint(placement)
        got = _solve_levels(m, objective_levels(m), job.opts, max(0.5, end - time.monotonic()),
                            f"room moves day {d + 1}", job.t0).placement
        if got is not None:
            after = _room_moves(space, obj, got, baseline_rooms, d)
            if after < before:
                placement = got
                job.say(f"{job.stamp()} day {d + 1}: room moves {before} -> {after} by retiming new sessions")
    return placement


def exact_room_moves(job: Job, placement: dict[int, tuple[int, int]]) -> dict[int, tuple[int, int]]:
    """Published sessions still moved to another room: when the conference is small enough
    for one model of every session, start and room (EXACT_ROOMS_LITERALS), decide their
    number exactly: times and rooms together, retimed sessions capped, fewest moved rooms
    first, then every soft goal (``resolve_with_rooms``)."""
    space, obj = job.space, job.obj
    before = _room_moves(space, obj, placement, job.baseline_rooms, None)
    if not before or _with_rooms_size(space) > EXACT_ROOMS_LITERALS or job.budget.left() < FALLBACK_MIN_SECONDS:
        return placement
    times = {i: k for i, (k, _) in placement.items()}
    got, _ = resolve_with_rooms(job, times, placement, None, job.budget.left(), job.search.moved_cap)
    if got is None:
        return placement
    after = _room_moves(space, obj, got, job.baseline_rooms, None)
    if after < before and moved_count(obj, {i: k for i, (k, _) in got.items()}) <= moved_count(obj, times):
        job.say(f"{job.stamp()} room moves {before} -> {after} (times and rooms together)")
        return got
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


def to_schedule(space: Space, placement: dict[int, tuple[int, int]]) -> Schedule:
    out = []
    for i, (k, r) in sorted(placement.items()):
        o = space.options[i][k]
        out.append(Assignment(space.sessions[i].id, o.date, o.start, space.rooms[r].id))
    return Schedule(tuple(out), (), {})


def _nonnegative(obj: TimeObjective) -> bool:
    return all(w >= 0 for w in obj.pair.values()) and all(w >= 0 for w in obj.unary.values())


def _with_rooms_size(space: Space) -> int:
    """Placements (session, start, room) of a model with rooms for every session."""
    return sum(len(o.rooms) for opts in space.options for o in opts)


def _in_place_result(job: Job, kept: InPlace, retimed_proven: bool) -> Result:
    times = {i: k for i, (k, _) in kept.placement.items()}
    retimed = moved_count(job.obj, times)
    moved = _room_moves(job.space, job.obj, kept.placement, job.baseline_rooms, None)
    proven = kept.status == cp_model.OPTIMAL
    job.say(f"{job.stamp()} baseline: every published session kept in place"
            + (f" but {retimed} retimed and {moved} moved to another room" if retimed + moved else "")
            + f"; the others placed around them ({kept.stopped})")
    value = evaluate_times(job.space, job.obj, times)
    return Result(
        schedule=to_schedule(job.space, kept.placement),
        status="optimal" if proven else "feasible",
        timetable_objective=value, lower_bound=None,
        bound_method=("none needed: CP-SAT proved the placement around the published program optimal for "
                      "every soft goal together" if proven else "none (published program kept; soft goals "
                      "not proven optimal)"),
        first_valid_seconds=round(job.budget.elapsed(), 2), seconds=round(job.budget.elapsed(), 2),
        history=[(round(job.budget.elapsed(), 2), value)], retimed=retimed, retimed_proven_minimal=retimed_proven,
        stopped=kept.stopped)


# -- the whole solve --------------------------------------------------------------------------------
def solve(conf: Conference, opts: SolveOptions | None = None) -> Result:
    opts = opts or SolveOptions()
    job = Job.create(conf, opts)
    check_options(job)
    job.say(f"timetable: {plural(len(job.space.sessions), 'session')}, "
            f"{plural(sum(len(o) for o in job.space.options), 'possible start')}, "
            f"{plural(len(job.space.rooms), 'room')}, {plural(len(job.obj.pair), 'weighted pair')}"
            + (f", {plural(len(job.obj.group), 'weighted group')}" if job.obj.group else ""))

    if job.obj.baseline:
        kept = keep_in_place(job, give_up=job.budget.share("in_place_give_up"))
        if kept.placement is not None:
            return _in_place_result(job, kept, True)
        job.say(f"{job.stamp()} baseline: not every published session can stay in place "
                f"({'proven' if kept.status == cp_model.INFEASIBLE else 'none found in time'}); "
                "finding the fewest moves")

    baseline = baseline_phase(job)
    if baseline.times is not None:
        # the fewest retimed: keep every other published session in place, rooms included
        moving = {i for i, k0 in job.obj.baseline.items() if k0 >= 0 and baseline.times.get(i) != k0}
        kept = keep_in_place(job, moving, seconds=job.budget.share("in_place", of=job.budget.left()),
                             give_up=job.budget.share("in_place_give_up", of=job.budget.left()))
        if kept.placement is not None:
            if not baseline.proven:
                kept.status = cp_model.FEASIBLE
            return _in_place_result(job, kept, baseline.proven)
        job.say(f"{job.stamp()} baseline: the other published sessions cannot all keep their rooms "
                f"({'proven' if kept.status == cp_model.INFEASIBLE else 'none found in time'})")
        if _with_rooms_size(job.space) <= EXACT_ROOMS_LITERALS:
            # half of what is left: the timetable and room steps after it need the rest when it fails
            left = job.budget.left() - job.budget.rooms_reserve
            kept = exact_baseline(job, baseline.times, max(0.5, left / 2),
                                  give_up=job.budget.share("in_place_give_up", of=left),
                                  retimed_at_least=baseline.cap if baseline.proven else None)
            if kept.placement is not None:
                return _in_place_result(job, kept, kept.first_proven)
        job.say(f"{job.stamp()} baseline: re-solving times, then rooms")
    first = first_timetable(job, baseline)
    interrupted = False
    try:    # from here on a valid timetable exists: Ctrl-C keeps the best one (with --keep-partial)
        job.say(f"{job.stamp()} first timetable: objective {first.value}")
    except KeyboardInterrupt:
        interrupted = True
    improved = (Improvement(Outcome(first.times, first.value, interrupted=True), first.bound) if interrupted
                else improve_phase(job, first))
    best = improved.best
    times = best.times

    if best.interrupted and not opts.keep_partial:
        raise KeyboardInterrupt
    if best.interrupted:
        job.say(f"{job.stamp()} interrupted: assigning rooms to the best timetable so far "
                "(Ctrl-C again to abandon)")
        job.budget.shorten(max(AFTER_INTERRUPT_MIN, job.budget.share("after_interrupt")))

    rooms = rooms_phase(job, times)
    placement, fallback = rooms.placement, ""
    if rooms.failed:
        job.say(f"rooms: day(s) {', '.join(str(d + 1) for d in rooms.failed)} need new times; "
                "re-solving them with rooms")
        fb = fallback_phase(job, times, placement, rooms.failed)
        if fb.placement is None:
            raise NotFound("no room assignment found for the timetable; raise --time-limit")
        placement, fallback = fb.placement, fb.scope
        times = {i: k for i, (k, _) in placement.items()}

    if job.baseline_rooms:
        placement = exact_room_moves(job, fewer_room_moves(job, placement))
        times = {i: k for i, (k, _) in placement.items()}

    value = evaluate_times(job.space, job.obj, times)
    bound = improved.bound
    if (bound.value is None or bound.value < 0) and value <= 0 and _nonnegative(job.obj):
        bound = LowerBound(0, "trivial: no timetable costs less than 0", bound.conflicts)
    if bound.conflicts is None and job.conf.shared_interest() and job.conf.weight[BOUNDED] > 0:
        bound = dataclasses.replace(bound, conflicts=0)     # trivial, but proven: it makes 0 conflicts optimal
    retimed = moved_count(job.obj, times) if job.obj.baseline else None
    stopped = best.stopped or ("proven optimal" if bound.value is not None and value <= bound.value else "")
    return Result(
        schedule=to_schedule(job.space, placement),
        status="optimal" if bound.value is not None and value <= bound.value else "feasible",
        timetable_objective=value, lower_bound=bound.value, bound_method=bound.method,
        conflict_lower_bound=bound.conflicts, lns_moves=best.moves, improving_moves=best.improving,
        first_valid_seconds=round(first.first_valid_seconds, 2), seconds=round(job.budget.elapsed(), 2),
        history=[(first.found_at, first.value)] + best.history,
        retimed=retimed,
        retimed_proven_minimal=(baseline.proven and retimed == baseline.cap) if retimed is not None else None,
        interrupted=best.interrupted, fallback=fallback, stopped=stopped)
