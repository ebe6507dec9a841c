"""The timetable step's search: a start, then large-neighbourhood search.

Each move frees a few sessions (all sessions of two slots, k random sessions,
or the sessions around the worst conflict), keeps every other start fixed, and
re-solves the small CP-SAT model exactly; equal-cost moves are kept so the
search drifts across plateaus. Costs between a free and a fixed session are
folded into the free session's starts, so a move's model stays small even in
a 1000-session conference.
"""
from __future__ import annotations

import random
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Callable

from ortools.sat.python import cp_model

from .cpmodel import Model, cp_solver
from .goals import TimeObjective, evaluate_times, group_costs, group_terms, moved_count
from .rules import add_hard_rules
from .space import Space
from .tabu import greedy_timetable

FULL_MODEL_PAIR_LIMIT = 20_000    # (pairs + group members) x 4 rows above which the start ignores the objective
# (at 500 sessions, 10,555 pairs, building and solving that model took 9 s and ended at 25 times the
# objective the tabu search reaches in 2 s from the plain start: above this it is not worth building)
# group members above which the start optimises the groups' pair surrogate (TimeObjective.as_pairs):
# CP-SAT gets further on it in the start's seconds than on the exact group terms (60 sessions,
# 1,200 attendees: 543 missed against 732 after the same work); below it the start is exact and
# its bound counts (a small conference is proven optimal there)
GROUP_EXACT_START_LIMIT = 1_000


@dataclass
class SearchState:
    times: dict[int, int]
    value: int
    history: list[tuple[float, int]] = field(default_factory=list)   # (seconds, objective) at each improvement
    moves: int = 0
    improving_moves: int = 0


def time_terms(m: Model, obj: TimeObjective, free: set[int], current: dict[int, int] | None, *,
               with_pairs: bool = True, partners=None, segsets=None, groups_of=None) -> list[tuple[int, object]]:
    """The time objective over the starts of model ``m`` (with or without rooms), as
    (weight, literal) terms: unary terms (preferred times) of the sessions in ``free``,
    pair terms (overlaps) and group terms (``goals.group_terms``). A pair of two free
    sessions gets an overlap literal; a free session's overlaps with a session kept at
    ``current`` fold into its starts' literals; a pair of two kept sessions is a
    constant and left out."""
    space = m.space
    partners = obj.partners() if partners is None else partners
    segsets = [[frozenset(o.segs) for o in opts] for opts in space.options] if segsets is None else segsets
    terms: list[tuple[int, object]] = []
    for i in sorted(free):
        for k, lit in m.x[i].items():
            c = obj.unary.get((i, k))
            if c:
                terms.append((c, lit))
    if not with_pairs:
        return terms
    occ: dict[int, dict[int, list]] = {}
    for i in free:
        per: dict[int, list] = {}
        for k, lit in m.x[i].items():
            for g in space.options[i][k].segs:
                per.setdefault(g, []).append(lit)
        occ[i] = per
    for i in sorted(free):
        for j, w in partners.get(i, ()):
            if j in free:
                if j < i:
                    continue
                common = occ[i].keys() & occ[j].keys()
                if not common:
                    continue
                o = m.cp.new_bool_var(f"overlap[{i},{j}]")
                for g in sorted(common):
                    m.cp.add(o >= sum(occ[i][g]) + sum(occ[j][g]) - 1)
                terms.append((w, o))
            elif current is not None:
                segs_q = segsets[j][current[j]]
                for k, lit in m.x[i].items():
                    if segsets[i][k] & segs_q:
                        terms.append((w, lit))
    if obj.group:
        terms += group_terms(m, obj, free, current, groups_of)
    return terms


def cap_moves(m: Model, obj: TimeObjective, free: set[int], current: dict[int, int] | None, cap: int) -> None:
    """At most ``cap`` published (baseline) sessions retimed: the free ones that leave
    their published start plus the kept ones that ``current`` already moved."""
    if not obj.baseline:
        return
    fixed_moved = sum(1 for i, k in obj.baseline.items() if i not in free and current is not None and current[i] != k)
    lits = [lit for i, k0 in obj.baseline.items() if i in free for k, lit in m.x[i].items() if k != k0]
    m.cp.add(sum(lits) <= cap - fixed_moved)


class TimeSearch:
    def __init__(self, space: Space, obj: TimeObjective, *, seed: int, workers: int, deterministic: bool,
                 t0: float, say: Callable[[str], None] | None = None):
        self.space, self.obj = space, obj
        self.partners = obj.partners()
        self.groups_of = obj.groups_of()
        self.segsets = [[frozenset(o.segs) for o in opts] for opts in space.options]
        self.rng = random.Random(seed)
        self.seed, self.workers, self.deterministic = seed, workers, deterministic
        self.t0 = t0
        self.say = say or (lambda _m: None)
        self.work = 0.0          # deterministic time spent in CP-SAT
        self.moved_cap: int | None = None     # at most this many published sessions retimed (a baseline)
        self.start_bound: float | None = None   # CP-SAT's bound from the start, when it saw the whole objective
        self.greedy_at: float | None = None     # seconds after t0 when the greedy start was found, if it was

    # -- models --------------------------------------------------------------------------------
    def _solver(self, seconds: float, workers: int | None = None) -> cp_model.CpSolver:
        return cp_solver(workers=workers or self.workers, seed=self.seed, deterministic=self.deterministic,
                         seconds=seconds)

    def build(self, free: set[int] | None, current: dict[int, int] | None,
              allowed_free: dict[int, set[int]] | None = None, with_pairs: bool = True,
              obj: TimeObjective | None = None) -> Model:
        """A timetable model where sessions outside ``free`` keep their current start
        (``obj``: another objective than the search's, e.g. its pair surrogate)."""
        obj = self.obj if obj is None else obj
        n = len(self.space.sessions)
        free_set = set(range(n)) if free is None else set(free)
        allowed: dict[int, set[int]] = {}
        if current is not None:
            for i in range(n):
                if i not in free_set:
                    allowed[i] = {current[i]}
        if allowed_free:
            for i, ks in allowed_free.items():
                allowed[i] = set(ks) | ({current[i]} if current is not None else set())
        m = Model(self.space, with_rooms=False, allowed=allowed)
        add_hard_rules(m)
        own = obj is self.obj
        terms = [w * lit for w, lit in time_terms(m, obj, free_set, current, with_pairs=with_pairs,
                                                  partners=self.partners if own else None, segsets=self.segsets,
                                                  groups_of=self.groups_of if own else None)]
        if self.moved_cap is not None:
            cap_moves(m, self.obj, free_set, current, self.moved_cap)
        if terms:
            m.cp.minimize(sum(terms))
        if current is not None:
            m.hint({i: (k, None) for i, k in current.items()})
        return m

    def _solve(self, m: Model, seconds: float, workers: int | None = None, callback=None, presolve: bool = True):
        solver = self._solver(seconds, workers)
        solver.parameters.cp_model_presolve = presolve
        status = solver.solve(m.cp, callback) if callback else solver.solve(m.cp)
        self.work += solver.deterministic_time
        return solver, status

    # -- phases --------------------------------------------------------------------------------
    def fewest_moves(self, seconds: float) -> tuple[dict[int, int] | None, int]:
        """Baseline re-solve, first level: the fewest published sessions retimed."""
        m = Model(self.space, with_rooms=False)
        add_hard_rules(m)
        lits = [lit for i, k0 in self.obj.baseline.items() for k, lit in m.x[i].items() if k != k0]
        m.cp.minimize(sum(lits))
        m.hint({i: (k, None) for i, k in self.obj.baseline.items() if k >= 0})
        solver, status = self._solve(m, seconds)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None, status
        times = {i: k for i, (k, _) in m.read(solver).items()}
        self.moved_cap = moved_count(self.obj, times)
        return times, status

    def start(self, seconds: float, hint: dict[int, int] | None = None, progress=None, feasible_seconds: float = 60):
        """A first valid timetable: any valid one first (no objective, fast), then, when
        the whole objective fits in one model, CP-SAT optimises from it for ``seconds``."""
        times = hint
        status = cp_model.FEASIBLE
        if times is None:
            # no model first: the greedy start (tabu.greedy_timetable) is found in a fraction of
            # the time a CP-SAT model takes to build; CP-SAT when it gets stuck
            times = greedy_timetable(self.space, self.obj, seed=self.seed)
            if times is not None:
                self.greedy_at = time.monotonic() - self.t0
                self.say(f"[{self.greedy_at:6.1f}s] timetable: a first valid one, objective "
                         f"{evaluate_times(self.space, self.obj, times)} (greedy)")
        if times is None:
            m = self.build(None, None, with_pairs=False)
            m.cp.clear_objective()
            # big conferences: presolve costs more than it saves on the way to a first timetable
            solver, status = self._solve(m, feasible_seconds, callback=progress,
                                         presolve=len(self.space.sessions) < 200)
            if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                return None, status
            times = {i: k for i, (k, _) in m.read(solver).items()}
        model_obj = self.obj
        if sum(len(members) for members in self.obj.group) > GROUP_EXACT_START_LIMIT:
            model_obj = self.obj.as_pairs()
        rows = len(model_obj.pair) + sum(len(members) for members in model_obj.group)
        full_objective = rows * 4 <= FULL_MODEL_PAIR_LIMIT
        if full_objective and seconds > 0.2:
            m = self.build(None, times, with_pairs=True, obj=model_obj)
            solver, status2 = self._solve(m, seconds, callback=progress)
            if status2 in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                better = {i: k for i, (k, _) in m.read(solver).items()}
                if evaluate_times(self.space, self.obj, better) <= evaluate_times(self.space, self.obj, times):
                    times = better
                if self.moved_cap is None and model_obj is self.obj:
                    self.start_bound = solver.best_objective_bound
        return times, status

    # -- large-neighbourhood search --------------------------------------------------------------
    def _slots(self, times: dict[int, int], n: int):
        """Free every session in n random slots; they may move only among those slots."""
        space = self.space
        regular = sorted({sl for i, k in times.items() for sl in space.options[i][k].slots
                          if not space.sessions[i].is_plenary})
        if len(regular) < 2:
            return None
        chosen = set(self.rng.sample(regular, min(n, len(regular))))
        free = {i for i, k in times.items() if set(space.options[i][k].slots) & chosen}
        allowed = {i: {k for k, o in enumerate(space.options[i]) if set(o.slots) <= chosen} for i in free}
        return free, allowed

    def _random(self, times: dict[int, int], k: int):
        candidates = [i for i in times if len(self.space.options[i]) > 1]
        if not candidates:
            return None
        return set(self.rng.sample(candidates, min(k, len(candidates)))), None

    def _worst(self, times: dict[int, int], k: int):
        cost: dict[int, int] = dict(group_costs(self.space, self.obj, times)) if self.obj.group else {}
        for (i, j), w in self.obj.pair.items():
            if self.segsets[i][times[i]] & self.segsets[j][times[j]]:
                cost[i] = cost.get(i, 0) + w
                cost[j] = cost.get(j, 0) + w
        if not cost:
            return None
        ranked = sorted(cost, key=lambda i: (-cost[i], i))[:max(1, k // 2)]
        pick = self.rng.choice(ranked)
        free = {pick}
        tie: dict[int, int] = defaultdict(int)    # who shares goals with it, and how much
        for j, w in self.partners.get(pick, ()):
            tie[j] += w
        for members, w in self.groups_of.get(pick, ()):
            for j in members:
                if j != pick:
                    tie[j] += w
        near = sorted(tie, key=lambda j: -tie[j])   # stable: ties keep the partners' order
        for j in near:
            if len(free) >= k:
                break
            free.add(j)
        others = [i for i in times if i not in free and len(self.space.options[i]) > 1]
        while len(free) < k and others:
            free.add(others.pop(self.rng.randrange(len(others))))
        return free, None

    def improve(self, state: SearchState, stop: Callable[[], bool], bound: float | None = None,
                step_seconds: float = 1.0, on_best: Callable[[dict, int], None] | None = None) -> SearchState:
        """Move until ``stop()`` or the bound is met. Neighbourhood kinds are picked by
        how much they gained per second so far (an epsilon-greedy bandit); the
        size of the random ones grows while their models solve fast."""
        kinds = ("pair", "triple", "random", "worst")
        gain = {kind: 1.0 for kind in kinds}
        spent = {kind: 0.01 for kind in kinds}
        k, kmax = 12, 25
        while not stop():
            if bound is not None and state.value <= bound:
                break
            if state.moves < 2 * len(kinds) or self.rng.random() < 0.2:
                kind = kinds[state.moves % len(kinds)] if state.moves < 2 * len(kinds) else self.rng.choice(kinds)
            else:
                kind = max(kinds, key=lambda x: (gain[x] / spent[x], x))
            pick = (self._slots(state.times, 2) if kind == "pair" else
                    self._slots(state.times, 3) if kind == "triple" else
                    self._random(state.times, k) if kind == "random" else self._worst(state.times, k))
            state.moves += 1
            if pick is None:
                continue
            free, allowed = pick
            began = time.monotonic()
            m = self.build(free, state.times, allowed)
            solver, status = self._solve(m, step_seconds, workers=1)   # small models: one thread is fastest
            took = time.monotonic() - began if not self.deterministic else solver.deterministic_time + 0.001
            spent[kind] = 0.9 * spent[kind] + took
            gain[kind] *= 0.9
            if kind in ("random", "worst"):
                if status == cp_model.OPTIMAL and took < step_seconds * 0.1:
                    k = min(k + 1, kmax)
                elif status != cp_model.OPTIMAL:
                    k = max(6, k - 2)
            if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                continue
            new = dict(state.times)
            new.update({i: kk for i, (kk, _) in m.read(solver).items() if i in free})
            value = evaluate_times(self.space, self.obj, new)
            if value <= state.value:
                if value < state.value:
                    gain[kind] += state.value - value
                    state.improving_moves += 1
                    elapsed = time.monotonic() - self.t0
                    state.history.append((round(elapsed, 2), value))
                    msg = f"[{elapsed:6.1f}s] timetable search: objective {value}"
                    if bound is not None:
                        msg += f", bound {bound:g}"
                    self.say(msg)
                improved = value < state.value
                state.times, state.value = new, value
                if improved and on_best:
                    on_best(new, value)
        return state
