"""Soft goals, as named and weighted terms: the solver's side of the goal
registry (``niic_sched/goals.py``), which says what each goal costs.

The timetable step's objective depends only on which start each session gets:
* pair terms: sessions i and j overlapping costs ``pair[(i, j)]``
  (attendee conflicts from interests.csv, same-track overlaps, and, without
  interests, overlaps between popular sessions);
* unary terms: session i at option k costs ``unary[(i, k)]`` (preferred
  times; when re-solving against a baseline, a retimed published session is
  counted separately, see ``baseline_moves``);
* group terms: a set of sessions G costs ``group[G]`` for each of them running
  at a segment of the grid beyond the first (missed attendance: one group per
  wish list, weighted by how many attendees have it). Per group and segment t,
  excess(G, t) = max(0, running(G, t) - 1), summed over the segments; in the
  CP-SAT model (``group_terms``) an integer e >= sum of the literals covering t
  - 1, e >= 0, only where two or more of G's sessions can run.

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
    # sorted session indices -> weight: each beyond the first running at one segment costs it
    group: dict[tuple[int, ...], int] = field(default_factory=dict)

    def groups_of(self) -> dict[int, list[tuple[tuple[int, ...], int]]]:
        """Session index -> the groups (members, weight) it belongs to."""
        out: dict[int, list[tuple[tuple[int, ...], int]]] = defaultdict(list)
        for members, w in self.group.items():
            for i in members:
                out[i].append((members, w))
        return out

    def as_pairs(self) -> "TimeObjective":
        """The pair surrogate: each group's members cost its weight per overlapping pair
        (C(c, 2) >= c - 1 where c of them run at once; equal while at most two do), and no
        group terms; a cheaper model for a first timetable, never a bound."""
        pair = defaultdict(int, self.pair)
        for members, w in self.group.items():
            for x, a in enumerate(members):
                for b in members[x + 1:]:
                    pair[(a, b)] += w
        return TimeObjective(dict(pair), dict(self.unary), dict(self.baseline))

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
    group: dict[tuple[int, ...], int] = defaultdict(int)
    for goal in GOALS:
        if goal.level != TIMETABLE or not w[goal.name]:
            continue
        for key, units in (goal.pairs(conf, space) if goal.pairs else {}).items():
            pair[key] += w[goal.name] * units
        for key, units in (goal.unary(conf, space) if goal.unary else {}).items():
            unary[key] += w[goal.name] * units
        for key, units in (goal.groups(conf, space) if goal.groups else {}).items():
            if len(key) >= 2:
                group[key] += w[goal.name] * units
    obj = TimeObjective({p: v for p, v in pair.items() if v > 0}, {u: v for u, v in unary.items() if v},
                        group={g: v for g, v in group.items() if v > 0})
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
    for members, w in obj.group.items():
        total += w * group_excess(space, members, times)
    return total


def group_excess(space: Space, members, times: dict[int, int]) -> int:
    """Sum over the segments of max(0, members running there - 1): the segments the
    placed members cover, counted with multiplicity, minus the distinct ones."""
    covered, distinct = 0, set()
    for i in members:
        k = times.get(i)
        if k is not None:
            segs = space.options[i][k].segs
            covered += len(segs)
            distinct.update(segs)
    return covered - len(distinct)


def group_costs(space: Space, obj: TimeObjective, times: dict[int, int]) -> dict[int, int]:
    """Session index -> the weight of the group terms it takes part in (a member running at a
    segment where another member runs), for picking the worst sessions."""
    out: dict[int, int] = defaultdict(int)
    for members, w in obj.group.items():
        at: dict[int, list[int]] = defaultdict(list)
        for i in members:
            if i in times:
                for g in space.options[i][times[i]].segs:
                    at[g].append(i)
        for here in at.values():
            if len(here) > 1:
                for i in here:
                    out[i] += w
    return out


def group_terms(m: Model, obj: TimeObjective, free: set[int], current: dict[int, int] | None,
                groups_of=None) -> list[tuple[int, object]]:
    """The group terms over the starts of model ``m`` as (weight, expression) terms, exact
    up to a constant. For each group with a free member and each segment t, with f of its
    kept members (at ``current``) running at t and the free members' literals L covering t,
    the excess max(0, f + sum(L) - 1) is (f - 1) + sum(L) when f >= 1 (each literal costs
    the weight; the constant is left out), and when f = 0 and two or more free members S
    can run at t, a new integer e >= sum(L) - 1, e >= 0. Groups whose free members at t are
    the same S share one e (their weights add up), and a literal's weights add up too; for
    S a pair of sessions that run at one segment whatever their start (so meet at one at
    most), one overlap literal serves every segment of the same weight, as a pair term's
    does. A neighbourhood's model stays about the size of the pair terms' one."""
    space = m.space
    groups_of = obj.groups_of() if groups_of is None else groups_of
    occ: dict[int, dict[int, list]] = {}
    for i in free:
        per: dict[int, list] = {}
        for k, lit in m.x[i].items():
            for g in space.options[i][k].segs:
                per.setdefault(g, []).append(lit)
        occ[i] = per
    now = {} if current is None else {i: space.options[i][k].segs for i, k in current.items() if i not in free}
    seen: set[tuple[int, ...]] = set()
    at: dict[tuple[int, int], int] = defaultdict(int)   # (free session, segment) -> weight of its literals there
    excess: dict[tuple[tuple[int, ...], int], int] = defaultdict(int)   # (free members S, segment) -> weight
    for i0 in sorted(free):
        for members, w in groups_of.get(i0, ()):
            if members in seen:
                continue
            seen.add(members)
            mine = [i for i in members if i in free]
            kept: dict[int, int] = {}
            for i in members:
                for g in now.get(i, ()):
                    kept[g] = kept.get(g, 0) + 1
            for i in mine:
                per = occ[i]
                for g in kept:
                    if g in per:
                        at[(i, g)] += w
            if len(mine) >= 2:
                here: dict[int, list[int]] = defaultdict(list)   # segment -> free members that can run there
                for i in mine:
                    for g in occ[i]:
                        if g not in kept:
                            here[g].append(i)
                for g, who in here.items():
                    if len(who) >= 2:
                        excess[(tuple(who), g)] += w
    linear: dict[int, list] = {}                       # literal index -> [literal, weight]
    for (i, g), w in at.items():
        for lit in occ[i][g]:
            entry = linear.setdefault(lit.index, [lit, 0])
            entry[1] += w
    terms: list[tuple[int, object]] = [(w, lit) for lit, w in linear.values()]
    # the current timetable, a hint of every variable added here (CP-SAT starts from it)
    hinted = current is not None and all(i in current for i in free)

    def runs(i: int, g: int) -> bool:
        return g in space.options[i][current[i]].segset
    # two free sessions that each run at one segment whatever their start meet at one segment
    # at most: one overlap literal per pair and weight serves all the segments of that weight
    single = {i for i in free if all(len(space.options[i][k].segs) == 1 for k in m.x[i])}
    paired: dict[tuple[tuple[int, ...], int], list[int]] = defaultdict(list)
    for (who, g), w in sorted(excess.items()):
        if len(who) == 2 and who[0] in single and who[1] in single:
            paired[(who, w)].append(g)
            continue
        e = m.cp.new_int_var(0, len(who) - 1, f"excess[{','.join(map(str, who))}@{g}]")
        m.cp.add(e >= sum(lit for i in who for lit in occ[i][g]) - 1)
        if hinted:
            m.cp.add_hint(e, max(0, sum(runs(i, g) for i in who) - 1))
        terms.append((w, e))
    for ((i, j), w), segs in paired.items():
        o = m.cp.new_bool_var(f"meet[{i},{j}]x{w}")
        for g in segs:
            m.cp.add(o >= sum(occ[i][g]) + sum(occ[j][g]) - 1)
        if hinted:
            m.cp.add_hint(o, any(runs(i, g) and runs(j, g) for g in segs))
        terms.append((w, o))
    return terms


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
