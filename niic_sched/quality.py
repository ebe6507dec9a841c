"""How good is a program? Soft-goal figures for any schedule (solver-made or
hand-made), computed from the conference and the schedule alone.

`solve` and `check` print the same table, so a committee can compare its
spreadsheet with the solver's program.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from .model import Conference, Schedule, hhmm

POPULAR_SHARE = 0.2

GOAL_TEXT = {
    "attendee_conflict": "attendee conflicts (an attendee wants two overlapping sessions)",
    "track_overlap": "same-track overlaps",
    "popular_overlap": "overlaps between popular sessions",
    "preferred": "sessions outside their preferred times",
    "track_rooms": "extra rooms used by a track on a day",
    "room_fit": "room fit (per 10 % of a room left empty beyond half)",
    "moved_time": "published sessions retimed",
    "moved_room": "published sessions moved to another room",
}


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


def _ranges(conf: Conference, sid: str, a):
    run = conf.covered_slots(conf.session[sid], a.day, a.start)
    return [(s.start, s.end) for s in run] if run else []


def popular_sessions(conf: Conference) -> list[str]:
    """Without interests: the most attended 20 % of the non-plenary sessions (ids, sorted)."""
    regular = sorted((s for s in conf.sessions if not s.is_plenary), key=lambda s: (-s.expected_attendance, s.id))
    return sorted(s.id for s in regular[:max(2, int(len(regular) * POPULAR_SHARE))])


def room_fit_units(capacity: int, attendance: int) -> int:
    if capacity <= 0:
        return 0
    return max(0, int((1 - attendance / capacity - 0.5) * 10 + 1e-9))


def evaluate(conf: Conference, schedule: Schedule, baseline: Schedule | None = None, top: int = 10) -> Quality:
    w = conf.weight
    at = {a.session: a for a in schedule.assignments if a.session in conf.session}
    rng = {sid: _ranges(conf, sid, a) for sid, a in at.items()}

    def overlap(x: str, y: str) -> bool:
        ax, ay = at.get(x), at.get(y)
        if ax is None or ay is None or ax.day != ay.day:
            return False
        return any(a < d and c < b for a, b in rng[x] for c, d in rng[y])

    def when(x: str, y: str) -> str:
        ax, ay = at[x], at[y]
        return f"{ax.day} {hhmm(max(ax.start, ay.start))}"

    named: list[tuple[int, str]] = []
    interest = conf.shared_interest()
    conflicts = 0
    for (x, y), n in interest.items():
        if overlap(x, y):
            conflicts += n
            named.append((n * w["attendee_conflict"],
                          f"{n} attendee{'s' if n != 1 else ''} want both {x} and {y}, both on {when(x, y)}"))
    track_pairs = 0
    by_track: dict[str, list[str]] = defaultdict(list)
    for s in sorted(conf.sessions, key=lambda s: s.id):
        if s.track and not s.is_plenary:
            by_track[s.track].append(s.id)
    for track, ids in by_track.items():
        for i, x in enumerate(ids):
            for y in ids[i + 1:]:
                if overlap(x, y):
                    track_pairs += 1
                    named.append((w["track_overlap"], f"{x} and {y} of track {track} overlap on {when(x, y)}"))
    popular_pairs = 0
    if not interest:
        popular = popular_sessions(conf)
        for i, x in enumerate(popular):
            for y in popular[i + 1:]:
                if overlap(x, y):
                    popular_pairs += 1
                    named.append((w["popular_overlap"], f"popular sessions {x} and {y} overlap on {when(x, y)}"))
    preferred = 0
    for s in conf.sessions:
        a = at.get(s.id)
        if a and s.preferred and not any(p.matches(a.day, a.start) for p in s.preferred):
            preferred += 1
            named.append((w["preferred"], f"{s.id} is on {a.day} {hhmm(a.start)}, outside its preferred times"))
    rooms_used: dict[tuple[str, object], set[str]] = defaultdict(set)
    fit = 0
    for sid, a in at.items():
        s = conf.session[sid]
        if s.track and not s.is_plenary:
            rooms_used[(s.track, a.day)].add(a.room)
        room = conf.room.get(a.room)
        if room:
            units = room_fit_units(room.capacity, s.expected_attendance)
            fit += units
            if units >= 3:
                named.append((units * w["room_fit"], f"{sid} ({s.expected_attendance} expected) is in {room.id} "
                              f"({room.capacity} seats)"))
    extra_rooms = sum(len(r) - 1 for r in rooms_used.values() if r)
    goals = [GoalFigure("attendee_conflict", conflicts, w["attendee_conflict"]),
             GoalFigure("track_overlap", track_pairs, w["track_overlap"])]
    if not interest:
        goals.append(GoalFigure("popular_overlap", popular_pairs, w["popular_overlap"]))
    goals += [GoalFigure("preferred", preferred, w["preferred"]),
              GoalFigure("track_rooms", extra_rooms, w["track_rooms"]),
              GoalFigure("room_fit", fit, w["room_fit"])]
    if baseline is not None:
        old = {a.session: a for a in baseline.assignments}
        moved_time = moved_room = 0
        for sid, a in at.items():
            b = old.get(sid)
            if b is None:
                continue
            if (b.day, b.start) != (a.day, a.start):
                moved_time += 1
            elif b.room != a.room:
                moved_room += 1
        goals += [GoalFigure("moved_time", moved_time, w["moved_time"]),
                  GoalFigure("moved_room", moved_room, w["moved_room"])]
    named.sort(key=lambda t: (-t[0], t[1]))
    return Quality(goals, named[:top])


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
    """The solver's figures for the report table: bound, gap, status, time."""
    f = result.figures
    out = {}
    value = f.get("timetable_objective")
    bound = f.get("lower_bound")
    if value is not None:
        out["timetable objective (times only)"] = value
    if bound is not None:
        gap = (value - bound) / value if value else 0.0
        out["lower bound on it"] = f"{bound:g} ({f.get('bound_method')}), gap {gap:.1%}"
    if f.get("conflict_lower_bound") is not None:
        out["attendee conflicts: proven lower bound"] = f"{f['conflict_lower_bound']:g}"
    out["status"] = f.get("status", result.status)
    out["seconds"] = f.get("seconds")
    return out


def solve_meta(q: Quality, result, *, deterministic: bool, seed: int, workers: int) -> dict:
    """What goes under meta: in schedule.yaml. Wall-clock figures are left out of
    deterministic runs so that the file is the same byte for byte."""
    f = result.figures
    meta = as_meta(q)
    meta["timetable_objective"] = f.get("timetable_objective")
    if f.get("lower_bound") is not None:
        meta["lower_bound"] = f["lower_bound"]
        meta["bound_method"] = f.get("bound_method")
    if f.get("conflict_lower_bound") is not None and "attendee_conflict" in meta["goals"]:
        meta["goals"]["attendee_conflict"]["lower_bound"] = f["conflict_lower_bound"]
    meta["status"] = f.get("status", result.status)
    meta["seed"] = seed
    if deterministic:
        meta["deterministic"] = True
        meta["workers"] = workers
    else:
        meta["seconds"] = f.get("seconds")
    if f.get("retimed") is not None:
        meta["retimed"] = f["retimed"]
    meta["top_penalties"] = [text for _, text in q.top[:5]]
    return meta
