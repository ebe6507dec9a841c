"""Hard rules that link sessions: one function per rule family.

Unary rules (slot kinds, pins, availability, capacity, features) already shaped
the search space (``space.py``); these add the constraints between placements.
"""
from __future__ import annotations

from .cpmodel import Model
from .space import key_after, key_not_with, key_plenary, key_speaks

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
        entries = list(m.covering(g))
        if all(len(m.x[i]) == 1 for i, _, _ in entries):
            continue   # only sessions whose start is fixed: nothing to decide here
        by_mask: dict[int, list] = {}
        for i, k, lit in entries:
            mask = 0
            for r in space.options[i][k].rooms:
                mask |= 1 << r
            by_mask.setdefault(mask, []).append(lit)
        if not by_mask:
            continue
        base = frozenset(by_mask)
        family = cache.get(base)
        if family is None:   # each union R with the usable-room sets inside it
            family = cache[base] = [(R, R.bit_count(), [mask for mask in base if mask & ~R == 0])
                                     for R in _union_closure(sorted(base))]
        for R, size, inside in family:
            if sum(len(by_mask[mask]) for mask in inside) > size:
                m.cp.add(sum(lit for mask in inside for lit in by_mask[mask]) <= size)


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
    if m.guards is not None:
        _speakers_guarded(m, by_speaker)
        return
    for p, sessions in sorted(by_speaker.items()):
        if len(sessions) < 2:
            continue
        per_seg: dict[int, list] = {}
        for i in sorted(sessions):
            for k, lit in m.x[i].items():
                for g in space.options[i][k].segs:
                    per_seg.setdefault(g, []).append(lit)
        for g, lits in sorted(per_seg.items()):
            if len(lits) > 1:
                m.cp.add_at_most_one(lits)


def _speakers_guarded(m: Model, by_speaker: dict[str, set[int]]) -> None:
    """Relax mode: session i counts for speaker p only while ``speaks:p@i`` holds."""
    space = m.space
    for p, sessions in sorted(by_speaker.items()):
        if len(sessions) < 2:
            continue
        for g in range(len(space.segments)):
            per: dict[int, list] = {}
            for i, _, lit in m.covering(g, sessions):
                per.setdefault(i, []).append(lit)
            if len(per) < 2:
                continue
            terms = []
            for i, lits in sorted(per.items()):
                guard = m.guard(key_speaks(p, space.sessions[i].id))
                if guard is None:
                    terms += lits
                    continue
                w = m.cp.new_bool_var(f"busy[{p},{space.sessions[i].id},{g}]")
                m.cp.add(sum(lits) <= w).only_enforce_if(guard)
                terms.append(w)
            m.cp.add_at_most_one(terms)


def plenaries_overlap_nothing(m: Model) -> None:
    space = m.space
    n_rooms = len(space.rooms)
    for g in range(len(space.segments)):
        plen, other = [], []
        for i, _, lit in m.covering(g):
            (plen if space.sessions[i].is_plenary else other).append(lit)
        if not plen:
            continue
        if m.guards is not None:
            _plenary_guarded(m, g, n_rooms)
            continue
        if len(plen) > 1:
            m.cp.add_at_most_one(plen)
        if other:
            m.cp.add(sum(other) + n_rooms * sum(plen) <= n_rooms)


def _plenary_guarded(m: Model, g: int, n_rooms: int) -> None:
    """Relax mode: plenary i overlaps nothing while ``plenary:i`` holds."""
    space = m.space
    covering = list(m.covering(g))
    for i in sorted({i for i, _, _ in covering if space.sessions[i].is_plenary}):
        mine = [lit for j, _, lit in covering if j == i]
        rest = [lit for j, _, lit in covering if j != i]
        if not rest:
            continue
        c = m.cp.add(sum(rest) + n_rooms * sum(mine) <= n_rooms)
        guard = m.guard(key_plenary(space.sessions[i].id))
        if guard is not None:
            c.only_enforce_if(guard)


def after_order(m: Model) -> None:
    """``after: [b]``: each start of s implies that b ends no later."""
    space = m.space
    for i, s in enumerate(space.sessions):
        for b in s.after:
            j = space.index[b]
            if i not in m.active or j not in m.active:
                continue
            guard = m.guard(key_after(s.id, b))
            for k, lit in m.x[i].items():
                t0 = space.options[i][k].t0
                ok = [m.x[j][q] for q in m.x[j] if space.options[j][q].t1 <= t0]
                if guard is not None:
                    if ok:
                        m.cp.add_bool_or(ok).only_enforce_if([lit, guard])
                    else:
                        m.cp.add_bool_or([lit.Not(), guard.Not()])
                elif ok:
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
            guard = m.guard(key_not_with(s.id, other))
            for g in sorted(segs):
                lits = m.occupies(i, g) + m.occupies(j, g)
                if len(lits) > 1:
                    if guard is None:
                        m.cp.add_at_most_one(lits)
                    else:
                        m.cp.add(sum(lits) <= 1).only_enforce_if(guard)


HARD_RULES = (each_session_exactly_once, each_start_gets_one_room, one_session_per_room,
              speakers_never_double_booked, plenaries_overlap_nothing, after_order, not_with)


def add_hard_rules(m: Model) -> None:
    for rule in HARD_RULES:
        rule(m)
