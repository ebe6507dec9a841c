"""Soft goals, as named and weighted terms: the solver's side of the goal
registry (``niic_sched/goals.py``), which says what each goal costs.

The timetable step's objective depends only on which start each session gets:
* pair terms: sessions i and j overlapping costs ``pair[(i, j)]``
  (attendee conflicts from interests.csv, same-track overlaps, and, without
  interests, overlaps between popular sessions);
* unary terms: session i at option k costs ``unary[(i, k)]`` (preferred
  times; when re-solving against a baseline, a retimed published session is
  counted separately, see ``baseline_moves``).

The room step's goals (room size fit, a track staying in few rooms, moved
rooms) are Penalty literals added to the room model by ``room_goals``.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ..goals import BASELINE, BY_NAME, GOALS, TIMETABLE
from ..model import Conference, Schedule
from .cpmodel import Model, Penalty
from .space import Space


@dataclass
class TimeObjective:
    pair: dict[tuple[int, int], int] = field(default_factory=dict)
    unary: dict[tuple[int, int], int] = field(default_factory=dict)
    # session index -> option k of the published (baseline) schedule, if any
    baseline: dict[int, int] = field(default_factory=dict)

    def partners(self) -> dict[int, list[tuple[int, int]]]:
        out: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for (i, j), w in self.pair.items():
            out[i].append((j, w))
            out[j].append((i, w))
        return out


def overlap(space: Space, i: int, k: int, j: int, q: int) -> bool:
    a, b = space.options[i][k], space.options[j][q]
    return a.day == b.day and bool(set(a.segs) & set(b.segs))


def time_objective(space: Space, conf: Conference, baseline: Schedule | None = None) -> TimeObjective:
    """The timetable goals of the registry (``niic_sched.goals``), weighted."""
    w = conf.weight
    pair: dict[tuple[int, int], int] = defaultdict(int)
    unary: dict[tuple[int, int], int] = defaultdict(int)
    for goal in GOALS:
        if goal.level != TIMETABLE or not w[goal.name]:
            continue
        for key, units in (goal.pairs(conf, space) if goal.pairs else {}).items():
            pair[key] += w[goal.name] * units
        for key, units in (goal.unary(conf, space) if goal.unary else {}).items():
            unary[key] += w[goal.name] * units
    obj = TimeObjective({p: v for p, v in pair.items() if v > 0}, {u: v for u, v in unary.items() if v})
    if baseline is not None:
        for a in baseline.assignments:
            i = space.index.get(a.session)
            if i is None:
                continue
            k = space.option_at(i, a.day, a.start)
            obj.baseline[i] = -1 if k is None else k
    return obj


def evaluate_times(space: Space, obj: TimeObjective, times: dict[int, int]) -> int:
    total = sum(obj.unary.get((i, k), 0) for i, k in times.items())
    for (i, j), w in obj.pair.items():
        if i in times and j in times and overlap(space, i, times[i], j, times[j]):
            total += w
    return total


def moved_count(obj: TimeObjective, times: dict[int, int]) -> int:
    return sum(1 for i, k in obj.baseline.items() if i in times and times[i] != k)


# -- room step -----------------------------------------------------------------------------------
def room_goals(m: Model, conf: Conference, baseline_rooms: dict[int, int] | None = None) -> None:
    """Adds the room goals' Penalty terms (registry entries with ``rooms``) to a room model."""
    w = conf.weight
    for goal in GOALS:
        if goal.rooms is not None and w[goal.name]:
            goal.rooms(m, conf, w[goal.name], baseline_rooms or {})


def objective_levels(m: Model) -> list[list[Penalty]]:
    """Lexicographic levels of the room step: the baseline goals first, then the rest."""
    first = [p for p in m.penalties if BY_NAME[p.goal].level == BASELINE]
    rest = [p for p in m.penalties if BY_NAME[p.goal].level != BASELINE]
    return [lvl for lvl in (first, rest) if lvl]
