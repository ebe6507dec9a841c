"""How good is a program? Soft-goal figures for any schedule (solver-made or
hand-made), computed from the conference and the schedule alone.

`solve` and `check` print the same table, so a committee can compare its
spreadsheet with the solver's program.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .goals import BOUNDED, GOALS
from .model import Conference, Schedule, hhmm

# the report's row of each goal, from the goal registry
GOAL_TEXT = {g.name: g.text for g in GOALS}


@dataclass
class GoalFigure:
    goal: str
    count: int
    weight: int

    @property
    def cost(self) -> int:
        return self.count * self.weight


@dataclass
class Quality:
    goals: list[GoalFigure]
    top: list[tuple[int, str]] = field(default_factory=list)   # (weighted cost, sentence)

    @property
    def total(self) -> int:
        return sum(g.cost for g in self.goals)

    def figure(self, goal: str) -> GoalFigure | None:
        return next((g for g in self.goals if g.goal == goal), None)


class Placed:
    """A schedule as the goals' recounts read it: where each known session is, which
    of them overlap (their covered slots share time on one day), and the time points
    each runs at (the grid's segments, see ``niic_sched.goals``)."""

    def __init__(self, conf: Conference, schedule: Schedule):
        self.conf = conf
        self.at = {a.session: a for a in schedule.assignments if a.session in conf.session}
        self.ranges = {}
        for sid, a in self.at.items():
            run = conf.covered_slots(conf.session[sid], a.day, a.start)
            self.ranges[sid] = [(s.start, s.end) for s in run] if run else []
        self._pieces: dict = {}

    def _day_pieces(self, day) -> list[tuple[int, int]]:
        """The day's segments: pieces between consecutive slot boundaries inside some slot."""
        got = self._pieces.get(day)
        if got is None:
            d = self.conf.day.get(day)
            slots = d.slots if d else ()
            bounds = sorted({t for sl in slots for t in (sl.start, sl.end)})
            got = self._pieces[day] = [(a, b) for a, b in zip(bounds, bounds[1:])
                                       if any(sl.start <= a and b <= sl.end for sl in slots)]
        return got

    def points(self, x: str) -> list[tuple]:
        """(day, start, end) of every segment of the grid session ``x`` runs at."""
        a = self.at.get(x)
        if a is None:
            return []
        return [(a.day, p, q) for p, q in self._day_pieces(a.day)
                if any(st <= p and q <= en for st, en in self.ranges[x])]

    @staticmethod
    def point_text(point) -> str:
        day, start, end = point
        return f"{day} {hhmm(start)}-{hhmm(end)}"

    def overlap(self, x: str, y: str) -> bool:
        ax, ay = self.at.get(x), self.at.get(y)
        if ax is None or ay is None or ax.day != ay.day:
            return False
        return any(a < d and c < b for a, b in self.ranges[x] for c, d in self.ranges[y])

    def when(self, x: str, y: str) -> str:
        ax, ay = self.at[x], self.at[y]
        return f"{ax.day} {hhmm(max(ax.start, ay.start))}"

    @staticmethod
    def clock(minutes: int) -> str:
        return hhmm(minutes)


def evaluate(conf: Conference, schedule: Schedule, baseline: Schedule | None = None, top: int = 10) -> Quality:
    """Every soft goal of the registry that applies, recounted on ``schedule``."""
    w = conf.weight
    view = Placed(conf, schedule)
    figures, named = [], []
    for goal in GOALS:
        if not goal.applies(conf, baseline):
            continue
        count, penalties = goal.count(conf, view, baseline)
        figures.append(GoalFigure(goal.name, count, w[goal.name]))
        named += [(units * w[goal.name], text) for units, text in penalties if units * w[goal.name]]
    named.sort(key=lambda t: (-t[0], t[1]))
    return Quality(figures, named[:top])


def table(q: Quality, extra: dict | None = None) -> str:
    """The quality report as a plain-text table."""
    lines = [f"{'soft goal':<64} {'count':>7} {'weight':>6} {'cost':>8}"]
    for g in q.goals:
        lines.append(f"{GOAL_TEXT.get(g.goal, g.goal):<64} {g.count:>7} {g.weight:>6} {g.cost:>8}")
    lines.append(f"{'total objective':<64} {'':>7} {'':>6} {q.total:>8}")
    for key, value in (extra or {}).items():
        lines.append(f"{key:<64} {value}")
    if q.top:
        lines.append("largest penalties:")
        lines += [f"  {text} (cost {cost})" for cost, text in q.top]
    return "\n".join(lines)


def as_meta(q: Quality) -> dict:
    return {"objective": q.total,
            "goals": {g.goal: {"count": g.count, "weight": g.weight, "cost": g.cost} for g in q.goals}}


def report_lines(result) -> dict:
    """The solver's figures for the report table: bound, gap, status, time
    (``result``: a solve.Result)."""
    out = {}
    value = result.timetable_objective
    bound = result.lower_bound
    if value is not None:
        out["timetable objective (times only)"] = value
    if bound is not None:
        gap = (value - bound) / value if value else 0.0
        out["lower bound on it"] = f"{bound:g} ({result.bound_method}), gap {gap:.1%}"
    if result.conflict_lower_bound is not None:
        out["attendee conflicts: proven lower bound"] = f"{result.conflict_lower_bound:g}"
    out["status"] = result.status
    if getattr(result, "stopped", ""):
        out["stopped"] = result.stopped
    out["seconds"] = result.seconds
    return out


def solve_meta(q: Quality, result, *, deterministic: bool, seed: int, workers: int) -> dict:
    """What goes under meta: in schedule.yaml (``result``: a solve.Result). Wall-clock
    figures are left out of deterministic runs so that the file is the same byte for byte."""
    meta = as_meta(q)
    meta["timetable_objective"] = result.timetable_objective
    if result.lower_bound is not None:
        meta["lower_bound"] = result.lower_bound
        meta["bound_method"] = result.bound_method
    if result.conflict_lower_bound is not None and BOUNDED in meta["goals"]:
        meta["goals"][BOUNDED]["lower_bound"] = result.conflict_lower_bound
    meta["status"] = result.status
    meta["seed"] = seed
    if deterministic:
        meta["deterministic"] = True
        meta["workers"] = workers
    else:
        meta["seconds"] = result.seconds
        if getattr(result, "stopped", ""):
            meta["stopped"] = result.stopped
    if result.retimed is not None:
        meta["retimed"] = result.retimed
    meta["top_penalties"] = [text for _, text in q.top[:5]]
    return meta
