"""Soft goals, as named and weighted terms.

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

from ..model import Conference, Schedule
from ..quality import popular_sessions, room_fit_units
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
    w = conf.weight
    idx = space.index
    pair: dict[tuple[int, int], int] = defaultdict(int)
    interest = conf.shared_interest()
    for (a, b), n in interest.items():
        i, j = sorted((idx[a], idx[b]))
        pair[(i, j)] += w["attendee_conflict"] * n
    by_track: dict[str, list[int]] = defaultdict(list)
    for i, s in enumerate(space.sessions):
        if s.track and not s.is_plenary:
            by_track[s.track].append(i)
    if w["track_overlap"]:
        for members in by_track.values():
            for x, i in enumerate(members):
                for j in members[x + 1:]:
                    pair[(i, j)] += w["track_overlap"]
    if not interest and w["popular_overlap"]:
        popular = sorted(idx[sid] for sid in popular_sessions(conf))
        for x, i in enumerate(popular):
            for j in popular[x + 1:]:
                pair[(i, j)] += w["popular_overlap"]
    unary: dict[tuple[int, int], int] = {}
    if w["preferred"]:
        for i, s in enumerate(space.sessions):
            if not s.preferred:
                continue
            for k, o in enumerate(space.options[i]):
                if not any(p.matches(o.date, o.start) for p in s.preferred):
                    unary[(i, k)] = w["preferred"]
    obj = TimeObjective({p: v for p, v in pair.items() if v > 0}, unary)
    if baseline is not None:
        for a in baseline.assignments:
            i = idx.get(a.session)
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
    """Adds Penalty terms to a room model (m.with_rooms)."""
    w = conf.weight
    space = m.space
    if w["room_fit"]:
        for (i, k), ys in m.y.items():
            s = space.sessions[i]
            for r, lit in ys.items():
                units = room_fit_units(space.rooms[r].capacity, s.expected_attendance)
                if units:
                    m.penalties.append(Penalty(f"room fit {s.id} in {space.rooms[r].id}", w["room_fit"] * units,
                                               lit, "room_fit", units))
    if w["track_rooms"]:
        used: dict[tuple[str, int, int], list] = defaultdict(list)
        for (i, k), ys in m.y.items():
            s = space.sessions[i]
            if not s.track or s.is_plenary:
                continue
            for r, lit in ys.items():
                used[(s.track, space.options[i][k].day, r)].append(lit)
        per_track_day: dict[tuple[str, int], list] = defaultdict(list)
        for (track, day, r), lits in sorted(used.items()):
            u = m.cp.new_bool_var(f"uses[{track},{day},{r}]")
            for lit in lits:
                m.cp.add_implication(lit, u)
            per_track_day[(track, day)].append(u)
        for (track, day), us in per_track_day.items():
            if len(us) > 1:
                # the first room is free; each further room costs
                extra = m.cp.new_int_var(0, len(us), f"extra_rooms[{track},{day}]")
                m.cp.add(extra >= sum(us) - 1)
                m.penalties.append(Penalty(f"track {track} uses extra rooms on day {day + 1}", w["track_rooms"],
                                           extra, "track_rooms"))
    if baseline_rooms:
        for (i, k), ys in m.y.items():
            r0 = baseline_rooms.get(i)
            if r0 is None:
                continue
            stay = ys.get(r0)
            moved = m.cp.new_bool_var(f"moved_room[{space.sessions[i].id}]")
            if stay is None:
                m.cp.add(moved == m.x[i][k])
            else:
                m.cp.add(moved >= m.x[i][k] - stay)
            m.penalties.append(Penalty(f"{space.sessions[i].id} moved room", w["moved_room"], moved, "moved_room"))


def objective_levels(m: Model) -> list[list[Penalty]]:
    """Lexicographic levels of the room step: moved rooms first, then the rest."""
    first = [p for p in m.penalties if p.goal == "moved_room"]
    rest = [p for p in m.penalties if p.goal != "moved_room"]
    return [lvl for lvl in (first, rest) if lvl]
