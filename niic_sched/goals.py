"""The soft-goal registry: one entry per goal, with its name (the weight key of
``weights:`` in conference.yaml), default weight, report text, its terms for the
solver and its recount for the quality report of any schedule.

* Timetable goals give ``pairs`` (two sessions overlapping costs weight x units),
  ``unary`` (a session at a start costs weight x units) and/or ``groups`` (a set
  of sessions: at each time point, every one of them running beyond the first
  costs weight x units) terms; the timetable step's objective is their weighted
  sum (``solve/goals.py``).

Time points (the ``groups`` terms and their recount): the *segments* of the slot
grid, i.e. per day the pieces between consecutive slot boundaries (every slot's
start and end) that lie inside some slot. A session runs at a segment when the
segment lies inside one of its covered slots. On a grid whose slots do not
overlap (the usual one) the segments are the slots; a multi-slot session counts
at each of its slots; where slots overlap, a slot is cut into pieces, so a
session overlapping two others that do not overlap each other meets each at a
different point, and two sessions sharing a cut slot meet at each of its pieces.
* Room goals add named ``Penalty`` terms to the room step's model (``rooms``).
* Baseline goals (a published program re-solved) are served lexicographically
  before all others, by the solver's baseline phases; their recount is here.

Every goal's ``count(conf, view, baseline)`` recounts it on a placed schedule
from the conference alone: ``(count, [(units, sentence), ...])``. The report
(``quality.evaluate``), ``check`` and the benchmarks read these entries; the
solver reads ``pairs``/``unary``/``rooms``. No other code names a goal.

Adding a soft goal: an entry in ``GOALS`` below, and its row in the README's
weights table (see docs/architecture.md).
"""
from __future__ import annotations

import dataclasses
from collections import defaultdict
from dataclasses import dataclass
from typing import Callable

from .text import agrees, plural

POPULAR_SHARE = 0.2
TIMETABLE, ROOMS, BASELINE = "timetable", "rooms", "baseline"


@dataclass(frozen=True)
class Goal:
    name: str                  # weight key
    default: int               # default weight
    text: str                  # the report's row
    level: str                 # TIMETABLE | ROOMS | BASELINE
    count: Callable            # (conf, view, baseline) -> (count, [(units, sentence)])
    pairs: Callable | None = None     # (conf, space) -> {(i, j): units}, i < j session indices of space
    unary: Callable | None = None     # (conf, space) -> {(i, k): units}
    groups: Callable | None = None    # (conf, space) -> {(i, j, ...): units}, sorted session indices: at each
    #                                   time point, each of them running beyond the first costs units
    rooms: Callable | None = None     # (m, conf, weight, baseline_rooms) -> None: adds Penalty terms to m
    applies: Callable = lambda conf, baseline: True   # noqa: E731 - is it reported for this conference?


# -- shared definitions (the solver's terms and the recount use the same ones) ---------------------
def popular_sessions(conf) -> list[str]:
    """Without interests: the most attended 20 % of the non-plenary sessions (ids, sorted)."""
    regular = sorted((s for s in conf.sessions if not s.is_plenary), key=lambda s: (-s.expected_attendance, s.id))
    return sorted(s.id for s in regular[:max(2, int(len(regular) * POPULAR_SHARE))])


def room_fit_units(capacity: int, attendance: int) -> int:
    """Per 10 % of a room left empty beyond half."""
    if capacity <= 0:
        return 0
    return max(0, int((1 - attendance / capacity - 0.5) * 10 + 1e-9))


def track_members(sessions) -> dict[str, list]:
    """Track -> its non-plenary sessions, in the given order."""
    out: dict[str, list] = defaultdict(list)
    for s in sessions:
        if s.track and not s.is_plenary:
            out[s.track].append(s)
    return out


def _all_pairs(items):
    for x, a in enumerate(items):
        for b in items[x + 1:]:
            yield a, b


def wish_lists(conf) -> dict[tuple[str, ...], int]:
    """Interests grouped by wish list: the sorted sessions an attendee wants (two or
    more) -> how many attendees want exactly those."""
    wants: dict[str, set[str]] = defaultdict(set)
    for attendee, sid in conf.interests:
        wants[attendee].add(sid)
    out: dict[tuple[str, ...], int] = defaultdict(int)
    for sids in wants.values():
        if len(sids) >= 2:
            out[tuple(sorted(sids))] += 1
    return dict(out)


# -- attendee conflicts ----------------------------------------------------------------------------
def _attendee_pairs(conf, space):
    idx = space.index
    return {tuple(sorted((idx[a], idx[b]))): n for (a, b), n in conf.shared_interest().items()}


def _attendee_count(conf, view, baseline):
    named, total = [], 0
    for (x, y), n in conf.shared_interest().items():
        if view.overlap(x, y):
            total += n
            named.append((n, f"{plural(n, 'attendee')} {agrees(n, 'wants', 'want')} both {x} and {y}, both on {view.when(x, y)}"))
    return total, named


# -- missed attendance (Vangerven et al. 2018): k+1 wanted sessions at one time point miss k ---------
def _missed_groups(conf, space):
    idx = space.index
    return {tuple(sorted(idx[sid] for sid in sids)): n for sids, n in wish_lists(conf).items()}


def _missed_count(conf, view, baseline):
    named, total = [], 0
    for sids, n in sorted(wish_lists(conf).items()):
        running: dict = defaultdict(list)        # time point -> the wanted sessions running then
        for sid in sids:
            for point in view.points(sid):
                running[point].append(sid)
        missed = sum(len(at) - 1 for at in running.values() if len(at) > 1)
        if missed:
            total += n * missed
            worst = max(sorted(running), key=lambda p: len(running[p]))
            who = f"{n} attendee{'s' if n != 1 else ''}"
            named.append((n * missed, f"{who} miss{'es' if n == 1 else ''} {missed} of {', '.join(sids)} "
                                      f"(e.g. {', '.join(running[worst])} at once on {view.point_text(worst)})"))
    return total, named


# -- same-track overlaps -----------------------------------------------------------------------------
def _track_pairs(conf, space):
    out = {}
    for members in track_members(space.sessions).values():
        for a, b in _all_pairs([space.index[s.id] for s in members]):
            out[(min(a, b), max(a, b))] = 1
    return out


def _track_count(conf, view, baseline):
    named = []
    for track, members in track_members(sorted(conf.sessions, key=lambda s: s.id)).items():
        for a, b in _all_pairs([s.id for s in members]):
            if view.overlap(a, b):
                named.append((1, f"{a} and {b} of track {track} overlap on {view.when(a, b)}"))
    return len(named), named


# -- popular sessions (a stand-in for interests) -----------------------------------------------------
def _popular_pairs(conf, space):
    if conf.shared_interest():
        return {}
    return {(a, b): 1 for a, b in _all_pairs(sorted(space.index[sid] for sid in popular_sessions(conf)))}


def _popular_count(conf, view, baseline):
    named = [(1, f"popular sessions {a} and {b} overlap on {view.when(a, b)}")
             for a, b in _all_pairs(popular_sessions(conf)) if view.overlap(a, b)]
    return len(named), named


# -- preferred times -----------------------------------------------------------------------------------
def _preferred_unary(conf, space):
    out = {}
    for i, s in enumerate(space.sessions):
        if s.preferred:
            for k, o in enumerate(space.options[i]):
                if not any(p.matches(o.date, o.start) for p in s.preferred):
                    out[(i, k)] = 1
    return out


def _preferred_count(conf, view, baseline):
    named = []
    for s in conf.sessions:
        a = view.at.get(s.id)
        if a and s.preferred and not any(p.matches(a.day, a.start) for p in s.preferred):
            named.append((1, f"{s.id} is on {a.day} {view.clock(a.start)}, outside its preferred times"))
    return len(named), named


# -- rooms: a track in few rooms, room fit ----------------------------------------------------------------
def _track_rooms_terms(m, conf, weight, baseline_rooms):
    from .solve.cpmodel import Penalty
    space = m.space
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
            m.penalties.append(Penalty(f"track {track} uses extra rooms on day {day + 1}", weight, extra, "track_rooms"))


def _track_rooms_count(conf, view, baseline):
    used: dict[tuple[str, object], set[str]] = defaultdict(set)
    for sid, a in view.at.items():
        s = conf.session[sid]
        if s.track and not s.is_plenary:
            used[(s.track, a.day)].add(a.room)
    return sum(len(r) - 1 for r in used.values() if r), []


def _room_fit_terms(m, conf, weight, baseline_rooms):
    from .solve.cpmodel import Penalty
    space = m.space
    for (i, k), ys in m.y.items():
        s = space.sessions[i]
        for r, lit in ys.items():
            units = room_fit_units(space.rooms[r].capacity, s.expected_attendance)
            if units:
                m.penalties.append(Penalty(f"room fit {s.id} in {space.rooms[r].id}", weight * units, lit,
                                           "room_fit", units))


def _room_fit_count(conf, view, baseline):
    total, named = 0, []
    for sid, a in view.at.items():
        s, room = conf.session[sid], conf.room.get(a.room)
        if room:
            units = room_fit_units(room.capacity, s.expected_attendance)
            total += units
            if units >= 3:
                named.append((units, f"{sid} ({s.expected_attendance} expected) is in {room.id} ({room.capacity} seats)"))
    return total, named


# -- against a published program ---------------------------------------------------------------------------------
def _moved_room_terms(m, conf, weight, baseline_rooms):
    if not baseline_rooms:
        return
    from .solve.cpmodel import Penalty
    space = m.space
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
        m.penalties.append(Penalty(f"{space.sessions[i].id} moved room", weight, moved, "moved_room"))


def _moves(view, baseline):
    old = {a.session: a for a in baseline.assignments}
    timed = roomed = 0
    for sid, a in view.at.items():
        b = old.get(sid)
        if b is None:
            continue
        if (b.day, b.start) != (a.day, a.start):
            timed += 1
        elif b.room != a.room:
            roomed += 1
    return timed, roomed


def _has_baseline(conf, baseline) -> bool:
    return baseline is not None


GOALS: tuple[Goal, ...] = (
    Goal("attendee_conflict", 10, "attendee conflicts (an attendee wants two overlapping sessions)", TIMETABLE,
         _attendee_count, pairs=_attendee_pairs),
    Goal("missed_attendance", 0, "missed attendance (k+1 wanted sessions at one time miss k)", TIMETABLE,
         _missed_count, groups=_missed_groups),
    Goal("track_overlap", 5, "same-track overlaps", TIMETABLE, _track_count, pairs=_track_pairs),
    Goal("popular_overlap", 2, "overlaps between popular sessions", TIMETABLE, _popular_count,
         pairs=_popular_pairs, applies=lambda conf, baseline: not conf.shared_interest()),
    Goal("preferred", 2, "sessions outside their preferred times", TIMETABLE, _preferred_count,
         unary=_preferred_unary),
    Goal("track_rooms", 1, "extra rooms used by a track on a day", ROOMS, _track_rooms_count, rooms=_track_rooms_terms),
    Goal("room_fit", 1, "room fit (per 10 % of a room left empty beyond half)", ROOMS, _room_fit_count,
         rooms=_room_fit_terms),
    Goal("moved_time", 1000, "published sessions retimed", BASELINE,
         lambda conf, view, baseline: (_moves(view, baseline)[0], []), applies=_has_baseline),
    Goal("moved_room", 100, "published sessions moved to another room", BASELINE,
         lambda conf, view, baseline: (_moves(view, baseline)[1], []), rooms=_moved_room_terms,
         applies=_has_baseline),
)
BY_NAME: dict[str, Goal] = {g.name: g for g in GOALS}
# the goal that the solver proves a lower bound on, separately, and the report gives it beside the count
BOUNDED = "attendee_conflict"
DEFAULT_WEIGHTS: dict[str, int] = {g.name: g.default for g in GOALS}


def only(conf, name: str):
    """The conference with goal ``name`` alone weighted 1 and every other weighted 0
    (the lower bound counts one goal)."""
    return dataclasses.replace(conf, weights=tuple((g.name, int(g.name == name)) for g in GOALS))
