"""A lower bound that scales: the sum of bounds on disjoint parts of the conference.

Pair weights are nonnegative, so for any partition of the sessions into disjoint
parts S1..Sm, every valid timetable restricted to a part Sm is a valid timetable
of the sub-problem on Sm (the same hard rules restricted to Sm: dropping sessions
only removes links between them and loosens counting rules such as rooms), and
its cost splits into the pair terms inside the parts, the pair terms between
parts (>= 0, dropped) and the unary terms (each session in exactly one part).
Group terms (missed attendance) restrict too: for disjoint parts the excesses
max(0, r_m - 1) of a group's members in each part add up to at most the whole
group's max(0, sum r_m - 1). Hence

    min over timetables >= sum over parts of (a lower bound on the part's minimum).

The parts are clusters of sessions dense in pair weight (and in links, which force
sessions apart), a few times more sessions than distinct starts, so that conflicts
are forced inside them. Each part is bounded by the column generation of
``bound.py`` on the part alone (a sub-``Space`` with the parent's options), which
converges on 40-80 sessions where it does not on the whole of a large conference,
or, for the small parts, by CP-SAT's proven bound.
"""
from __future__ import annotations

import math
import time
from functools import reduce
from typing import Callable

from ..text import plural
from .goals import TimeObjective
from .space import Space

PART_STARTS_RATIO = 3.5      # a part holds about this many times as many sessions as the grid has starts
REFINE_PASSES = 8            # local moves between parts after the greedy assignment
LINK_WEIGHT = 1.0            # a link between two sessions (any family's pairs) weighs this x the mean pair weight
WORK_PER_SECOND = 20         # with a work limit, CP-SAT parts get work / this deterministic seconds


class SubSpace(Space):
    """The parent's space restricted to some sessions (indices ``members``, sorted):
    the same options (so option k of a member is the parent's option k), segments,
    rooms and grid; the links between members only."""

    def __init__(self, parent: Space, members: list[int]):  # noqa: super().__init__ is not called on purpose
        self.parent, self.members = parent, list(members)
        self.relax = False
        self.forbid, self.room_forbid = {}, {}
        self.conf, self.grid = parent.conf, parent.grid
        self.sessions = [parent.sessions[i] for i in self.members]
        self.index = {s.id: x for x, s in enumerate(self.sessions)}
        self.rooms, self.room_index, self.slots = parent.rooms, parent.room_index, parent.slots
        self._slot_index, self._seg_of_slot = parent._slot_index, parent._seg_of_slot
        self.segments = parent.segments
        self.options = [parent.options[i] for i in self.members]
        self.cover = [[] for _ in self.segments]
        for x, opts in enumerate(self.options):
            for k, o in enumerate(opts):
                for g in o.segs:
                    self.cover[g].append((x, k))
        local = {i: x for x, i in enumerate(self.members)}
        self.__dict__["links"] = {local[i]: {local[j]: r for j, r in linked.items() if j in local}
                                  for i, linked in parent.links.items() if i in local}


def restrict(obj: TimeObjective, members: list[int], renumber: bool = True) -> TimeObjective:
    """The objective's terms inside ``members`` (sorted parent indices), renumbered as
    in ``SubSpace`` (or kept, ``renumber=False``)."""
    local = {i: x if renumber else i for x, i in enumerate(members)}
    pair = {(local[i], local[j]): w for (i, j), w in obj.pair.items() if i in local and j in local}
    unary = {(local[i], k): w for (i, k), w in obj.unary.items() if i in local}
    group: dict[tuple[int, ...], int] = {}
    for g, w in obj.group.items():
        inside = tuple(sorted(local[i] for i in g if i in local))
        if len(inside) >= 2:
            group[inside] = group.get(inside, 0) + w
    return TimeObjective(pair, unary, group=group)


def starts(space: Space) -> int:
    """How many distinct starts (date, time) the sessions may take."""
    return len({(o.date, o.start) for opts in space.options for o in opts})


def parts(space: Space, obj: TimeObjective, size: int) -> list[list[int]]:
    """A partition of the sessions into parts of at most ``size``, dense in pair weight
    and links: a greedy assignment (sessions by weighted degree, each to the part it is
    most tied to, scaled by the room left there), then moves of single sessions to the
    part they are most tied to while a part has room. Deterministic."""
    n = len(space.sessions)
    if n == 0:
        return []
    m = max(1, math.ceil(n / max(1, size)))
    cap = math.ceil(n / m)
    tie: dict[int, dict[int, float]] = {i: {} for i in range(n)}
    mean = (sum(obj.pair.values()) / len(obj.pair)) if obj.pair else 1.0
    for (i, j), w in obj.pair.items():
        tie[i][j] = tie[i].get(j, 0.0) + w
        tie[j][i] = tie[j].get(i, 0.0) + w
    for i, linked in space.links.items():
        for j in linked:
            tie[i][j] = tie[i].get(j, 0.0) + LINK_WEIGHT * mean
    degree = [sum(t.values()) for t in (tie[i] for i in range(n))]
    order = sorted(range(n), key=lambda i: (-degree[i], i))
    part = [-1] * n
    sizes = [0] * m
    for i in order:
        score = [0.0] * m
        for j, w in tie[i].items():
            if part[j] >= 0:
                score[part[j]] += w
        best = max((p for p in range(m) if sizes[p] < cap),
                   key=lambda p: (score[p] * (1 - sizes[p] / cap), -sizes[p], -p))
        part[i] = best
        sizes[best] += 1
    for _ in range(REFINE_PASSES):
        moved = 0
        for i in order:
            score = [0.0] * m
            for j, w in tie[i].items():
                score[part[j]] += w
            here = part[i]
            best = max((p for p in range(m) if p == here or sizes[p] < cap), key=lambda p: (score[p], p == here, -p))
            if best != here and score[best] > score[here] + 1e-9:
                sizes[here] -= 1
                sizes[best] += 1
                part[i] = best
                moved += 1
        if not moved:
            break
    out = [[i for i in range(n) if part[i] == p] for p in range(m)]
    return [p for p in out if p]


def _cpsat_bound(space: Space, obj: TimeObjective, members: list[int], seconds: float,
                 deterministic: bool) -> tuple[float, bool]:
    """CP-SAT's proven bound on the part's minimum (one worker): (bound, optimal). The
    parent's model with only ``members`` active (every family encodes the rules among
    active sessions only); ``obj``: the terms inside the part, in the parent's indices."""
    from ortools.sat.python import cp_model

    from .cpmodel import Model, cp_solver
    from .lns import time_terms
    from .rules import add_hard_rules
    m = Model(space, with_rooms=False, active=set(members))
    add_hard_rules(m)
    terms = [w * lit for w, lit in time_terms(m, obj, set(members), None)]
    if not terms:
        return 0.0, True
    m.cp.minimize(sum(terms))
    solver = cp_solver(workers=1, seed=0, deterministic=deterministic, seconds=seconds)
    status = solver.solve(m.cp)
    if status == cp_model.OPTIMAL:
        return float(solver.objective_value), True
    if status == cp_model.INFEASIBLE:      # cannot happen for a part of a feasible conference
        return 0.0, False
    return max(0.0, math.ceil(solver.best_objective_bound - 1e-6)), False


def decomposition_bound(space: Space, obj: TimeObjective, *, time_limit: float = 10.0, work: int | None = None,
                        size: int | None = None, sub: str = "cg", stop_at: float | None = None,
                        log: Callable[[str], None] | None = None) -> tuple[float, str]:
    """A valid lower bound on min over valid timetables of evaluate_times(space, obj, .):
    the sum of bounds on the parts of ``parts`` (see the module's docstring).

    ``sub``: "cg" (column generation on each part, ``bound.lower_bound``) or "cpsat".
    ``time_limit`` is shared among the parts in proportion to their sizes (a part that
    finishes early leaves its time to the next); ``work`` (with --deterministic): the
    column generation's work units, shared the same way, and CP-SAT's deterministic time,
    so the same inputs give the same bound. Returns (bound, method)."""
    from .bound import lower_bound, trivial
    say = log or (lambda _line: None)
    t0 = time.monotonic()
    deadline = t0 + time_limit
    n = len(space.sessions)
    if (answer := trivial(space, obj)) is not None:
        return answer
    if size is None:
        size = max(2, round(PART_STARTS_RATIO * starts(space)))
    groups = parts(space, obj, size)
    values = list(obj.pair.values()) + list(obj.unary.values()) + list(obj.group.values())
    integral = all(float(w).is_integer() for w in values)
    step = (reduce(math.gcd, [int(w) for w in values if w], 0) or 1) if integral else 1
    total, done, proven = 0.0, 0, 0
    clock = False          # a part cut short by the clock, or parts left unbounded at the deadline
    left_sessions = n
    left_work = work
    for members in groups:
        now = time.monotonic()
        if now >= deadline or (left_work is not None and left_work <= 0):
            clock |= now >= deadline
            break
        share = len(members) / left_sessions
        left_sessions -= len(members)
        sub_space = SubSpace(space, members)
        sub_obj = restrict(obj, members)
        seconds = (deadline - now) * share
        if not sub_obj.pair and not sub_obj.unary:
            value, finished = 0.0, True
        elif sub == "cpsat":
            value, finished = _cpsat_bound(space, restrict(obj, members, renumber=False), members,
                                           seconds if work is None else work * share / WORK_PER_SECOND,
                                           deterministic=work is not None)
            clock |= work is None and not finished
        else:
            part_work = None if left_work is None else max(1, int(left_work * share))
            value, method = lower_bound(sub_space, sub_obj, time_limit=max(0.1, seconds), work=part_work)
            finished = "LP optimum" in method or "proven" in method
            clock |= "time limit" in method
            if left_work is not None:
                left_work -= part_work
        total += value
        done += 1
        proven += finished
        say(f"[{time.monotonic() - t0:6.2f}s] part {done}/{len(groups)}: {plural(len(members), 'session')}, "
            f"bound {value:g}{'' if finished else ' (cut short)'}, total {total:g}")
        if stop_at is not None and total >= stop_at - 1e-9:
            break
    if integral and total > 0:
        total = float(step * math.ceil((total - 1e-6) / step))
    how = "column generation" if sub == "cg" else "CP-SAT"
    status = "cut short by its time limit, " if clock else ""
    method = (f"decomposition into {plural(len(groups), 'part')} of up to {max(map(len, groups))} sessions, "
              f"each bounded by {how}: {status}{done} bounded, {proven} to the end, {time.monotonic() - t0:.1f} s")
    return total, method
