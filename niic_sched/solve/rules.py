"""Hard rules that link sessions: one function per rule family.

Unary rules (slot kinds, pins, availability, capacity, features) already shaped
the search space (``space.py``); these add the constraints between placements.
"""
from __future__ import annotations

from .cpmodel import Model

HALL_FAMILY_LIMIT = 400


def each_session_exactly_once(m: Model) -> None:
    for i in sorted(m.active):
        m.cp.add_exactly_one(m.x[i].values())


def each_start_gets_one_room(m: Model) -> None:
    if not m.with_rooms:
        return
    for (i, k), ys in m.y.items():
        lit = m.x[i][k]
        if len(ys) == 1 and next(iter(ys.values())) is lit:
            continue
        m.cp.add(sum(ys.values()) == lit)


def one_session_per_room(m: Model) -> None:
    """With rooms: at most one session in a room at a time. Without rooms:
    counting cuts (Hall's condition) for every union R of usable-room sets and
    every segment: the sessions that can only use rooms of R number at most |R|."""
    space = m.space
    cache: dict[frozenset, list[int]] = {}
    for g in range(len(space.segments)):
        if m.with_rooms:
            per_room: dict[int, list] = {}
            for i, k, _ in m.covering(g):
                for r, y in m.y[(i, k)].items():
                    per_room.setdefault(r, []).append(y)
            for lits in per_room.values():
                if len(lits) > 1:
                    m.cp.add_at_most_one(lits)
            continue
        by_mask: dict[int, list] = {}
        for i, k, lit in m.covering(g):
            mask = 0
            for r in space.options[i][k].rooms:
                mask |= 1 << r
            by_mask.setdefault(mask, []).append(lit)
        if not by_mask:
            continue
        base = frozenset(by_mask)
        family = cache.get(base)
        if family is None:
            family = cache[base] = _union_closure(sorted(base))
        for R in family:
            lits = [lit for mask, ls in by_mask.items() if mask & ~R == 0 for lit in ls]
            if len(lits) > R.bit_count():
                m.cp.add(sum(lits) <= R.bit_count())


def _union_closure(base: list[int]) -> list[int]:
    """Unions of the usable-room sets, smallest first, at most HALL_FAMILY_LIMIT."""
    family = set(base)
    frontier = list(base)
    while frontier and len(family) < HALL_FAMILY_LIMIT:
        nxt = []
        for a in frontier:
            for b in base:
                u = a | b
                if u not in family:
                    family.add(u)
                    nxt.append(u)
                    if len(family) >= HALL_FAMILY_LIMIT:
                        break
            if len(family) >= HALL_FAMILY_LIMIT:
                break
        frontier = nxt
    return sorted(family, key=lambda r: (r.bit_count(), r))


def speakers_never_double_booked(m: Model) -> None:
    space = m.space
    by_speaker: dict[str, set[int]] = {}
    for i, s in enumerate(space.sessions):
        for p in s.speakers:
            by_speaker.setdefault(p, set()).add(i)
    for p, sessions in sorted(by_speaker.items()):
        if len(sessions) < 2:
            continue
        for g in range(len(space.segments)):
            lits = [lit for _, _, lit in m.covering(g, sessions)]
            if len(lits) > 1:
                m.cp.add_at_most_one(lits)


def plenaries_overlap_nothing(m: Model) -> None:
    space = m.space
    n_rooms = len(space.rooms)
    for g in range(len(space.segments)):
        plen, other = [], []
        for i, _, lit in m.covering(g):
            (plen if space.sessions[i].is_plenary else other).append(lit)
        if not plen:
            continue
        if len(plen) > 1:
            m.cp.add_at_most_one(plen)
        if other:
            m.cp.add(sum(other) + n_rooms * sum(plen) <= n_rooms)


def after_order(m: Model) -> None:
    """``after: [b]``: each start of s implies that b ends no later."""
    space = m.space
    for i, s in enumerate(space.sessions):
        for b in s.after:
            j = space.index[b]
            if i not in m.active or j not in m.active:
                continue
            for k, lit in m.x[i].items():
                t0 = space.options[i][k].t0
                ok = [m.x[j][q] for q in m.x[j] if space.options[j][q].t1 <= t0]
                if ok:
                    m.cp.add_bool_or(ok).only_enforce_if(lit)
                else:
                    m.cp.add(lit == 0)


def not_with(m: Model) -> None:
    space = m.space
    done = set()
    for i, s in enumerate(space.sessions):
        for other in s.not_with:
            j = space.index[other]
            pair = (min(i, j), max(i, j))
            if pair in done or i not in m.active or j not in m.active:
                continue
            done.add(pair)
            segs = {g for o in space.options[i] for g in o.segs} & {g for o in space.options[j] for g in o.segs}
            for g in sorted(segs):
                lits = m.occupies(i, g) + m.occupies(j, g)
                if len(lits) > 1:
                    m.cp.add_at_most_one(lits)


HARD_RULES = (each_session_exactly_once, each_start_gets_one_room, one_session_per_room,
              speakers_never_double_booked, plenaries_overlap_nothing, after_order, not_with)


def add_hard_rules(m: Model) -> None:
    for rule in HARD_RULES:
        rule(m)
