"""Tabu search on the timetable: fast single-session moves and swaps.

Complements the CP-SAT neighbourhoods of ``lns.py``: thousands of cheap moves
per second, each checked against the hard rules through the rule registry: the
pairwise clash test of every family that links the moved session to another,
and every counting family's tracker (a room for everyone in every segment: an
exact bipartite matching, kept incrementally). A move just made may not be
undone for a while (the tabu tenure), unless it leads to a new best.

The objective's group terms (``goals.group_excess``) are kept exactly by
counters: per group and segment, how many of its members run there, and per
session and segment, the weight of the groups where another member runs there
(what placing the session there costs); a move updates both where a count
passes 0-1 or 1-2.
"""
from __future__ import annotations

import random
import time
from typing import Callable

from . import rules
from .goals import TimeObjective, evaluate_times
from .space import Space


class NoRoomMatching(Exception):
    """The given timetable has a segment where a counting rule (a room for every
    session) cannot admit its sessions (the timetable step's counting cuts are
    capped); the tabu search cannot start from it, and the room step's fall-back
    repairs it."""


class Timetable:
    """The incremental state: who occupies each segment, and each counting rule's
    tracker (``Rule.tracker``) of what fits there."""

    def __init__(self, space: Space, obj: TimeObjective, times: dict[int, int]):
        self.space, self.obj = space, obj
        n = len(space.sessions)
        self.segs = [[o.segs for o in opts] for opts in space.options]
        self.partner: list[dict[int, int]] = [dict() for _ in range(n)]
        for (i, j), w in obj.pair.items():
            self.partner[i][j] = w
            self.partner[j][i] = w
        # i -> j -> the rule families that link them (their pairwise clash tests)
        self.links = space.links
        self.times = dict(times)
        self.occ: list[set[int]] = [set() for _ in space.segments]
        self.trackers = [t for r in rules.RULES if (t := r.tracker(space, self.times)) is not None]
        for i, k in self.times.items():
            for g in self.segs[i][k]:
                self.occ[g].add(i)
        for g in range(len(space.segments)):
            for i in sorted(self.occ[g]):
                if not self._admit(g, i, self.times[i]):
                    raise NoRoomMatching(f"segment {g}: a counting rule cannot admit its sessions")
        self._init_groups()
        self.value = evaluate_times(space, obj, self.times)

    # -- group terms: per (group, segment) counters ---------------------------------------------------
    def _init_groups(self) -> None:
        space, n = self.space, len(self.space.sessions)
        self.groups = list(self.obj.group.items())               # (members, weight)
        self.gof: list[list[int]] = [[] for _ in range(n)]       # session -> its groups
        self.gcount: list[dict[int, int]] = []                   # group -> segment -> members running there
        self.gcost: list[dict[int, int]] = [dict() for _ in range(n)]   # session -> segment -> its cost there
        for gi, (members, w) in enumerate(self.groups):
            count: dict[int, int] = {}
            for i in members:
                self.gof[i].append(gi)
                if i in self.times:
                    for g in self.segs[i][self.times[i]]:
                        count[g] = count.get(g, 0) + 1
            self.gcount.append(count)
            for g, c in count.items():
                for i in members:
                    if c - self._runs(i, g) >= 1:
                        self.gcost[i][g] = self.gcost[i].get(g, 0) + w

    def _runs(self, i: int, g: int) -> int:
        k = self.times.get(i)
        return int(k is not None and g in self.space.options[i][k].segset)

    def _bump(self, i: int, g: int, w: int) -> None:
        cost = self.gcost[i]
        v = cost.get(g, 0) + w
        if v:
            cost[g] = v
        else:
            cost.pop(g, None)

    def _group_move(self, j: int, old: tuple[int, ...], new: tuple[int, ...]) -> None:
        """Session j (already at its new option in ``times``) left segments ``old`` for ``new``."""
        if not self.gof[j]:
            return
        gone, came = set(old) - set(new), set(new) - set(old)
        for gi in self.gof[j]:
            members, w = self.groups[gi]
            count = self.gcount[gi]
            for g in gone:
                c = count[g]
                if c == 1:           # no member left there: the others' cost there goes
                    del count[g]
                    for x in members:
                        if x != j:
                            self._bump(x, g, -w)
                    continue
                count[g] = c - 1
                if c == 2:           # one member left there: it runs alone now
                    for x in members:
                        if x != j and self._runs(x, g):
                            self._bump(x, g, -w)
            for g in came:
                c = count.get(g, 0)
                count[g] = c + 1
                if c == 0:           # the first member there: the others would now pay there
                    for x in members:
                        if x != j:
                            self._bump(x, g, w)
                elif c == 1:         # the member already there no longer runs alone
                    for x in members:
                        if x != j and self._runs(x, g):
                            self._bump(x, g, w)

    def _group_cost(self, i: int, k: int, ignore: int) -> int:
        cost = self.gcost[i]
        total = sum(cost.get(g, 0) for g in self.segs[i][k])
        if ignore >= 0 and total and self.gof[ignore]:
            # without ``ignore``: the groups of both where it is the only other member running
            mine = set(self.gof[i])
            for gi in self.gof[ignore]:
                if gi not in mine:
                    continue
                count, w = self.gcount[gi], self.groups[gi][1]
                for g in self.segs[i][k]:
                    if self._runs(ignore, g) and count.get(g, 0) - self._runs(i, g) == 1:
                        total -= w
        return total

    # -- counting rules: every tracker admits, or none ----------------------------------------------
    def _admit(self, g: int, i: int, k: int) -> bool:
        for n, t in enumerate(self.trackers):
            if not t.admit(g, i, k):
                for done in self.trackers[:n]:
                    done.release(g, i)
                return False
        return True

    def _release(self, g: int, i: int) -> None:
        for t in self.trackers:
            t.release(g, i)

    # -- costs ----------------------------------------------------------------------------------------
    def cost_at(self, i: int, k: int, ignore: int = -1) -> int:
        seen: set[int] = set()
        total = self.obj.unary.get((i, k), 0)
        partner = self.partner[i]
        for g in self.segs[i][k]:
            for j in self.occ[g]:
                if j != i and j != ignore and j not in seen:
                    seen.add(j)
                    total += partner.get(j, 0)
        if self.gof[i]:
            total += self._group_cost(i, k, ignore)
        return total

    # -- feasibility of the pairwise rules --------------------------------------------------------------
    def allowed(self, i: int, k: int, ignore: int = -1, moved: dict[int, int] | None = None) -> bool:
        """May session i take option k? Checked against every session a rule links it
        to, at its current option (or its option in ``moved``; ``ignore``: a session
        about to leave, when it is not in ``moved``)."""
        space = self.space
        si, oi = space.sessions[i], space.options[i][k]
        moved = moved or {}
        for j, linking in self.links.get(i, {}).items():
            q = moved.get(j)
            if q is None:
                if j == ignore or j not in self.times:
                    continue
                q = self.times[j]
            if rules.clash(linking, si, oi, space.sessions[j], space.options[j][q]):
                return False
        return True

    # -- moves ------------------------------------------------------------------------------------------
    def relocate(self, i: int, k: int) -> bool:
        """Move session i to option k if every counting rule admits it in every segment; else change nothing."""
        old = self.times[i]
        for g in self.segs[i][old]:
            self.occ[g].discard(i)
            self._release(g, i)
        self.times[i] = k
        placed = []
        for g in self.segs[i][k]:
            if self._admit(g, i, k):
                self.occ[g].add(i)
                placed.append(g)
                continue
            for p in placed:
                self.occ[p].discard(i)
                self._release(p, i)
            self.times[i] = old
            for p in self.segs[i][old]:
                self.occ[p].add(i)
                if not self._admit(p, i, old):   # pragma: no cover - the old place was admitted
                    raise RuntimeError("lost a place while undoing a move")
            return False
        self._group_move(i, self.segs[i][old], self.segs[i][k])
        return True


def tabu_search(space: Space, obj: TimeObjective, times: dict[int, int], stop: Callable[[], bool], *,
                seed: int = 0, sample: int = 60, say: Callable[[str], None] | None = None,
                t0: float | None = None, bound: float | None = None, on_best=None) -> tuple[dict[int, int], int]:
    """Improve ``times``; returns the best timetable found and its objective."""
    tt = Timetable(space, obj, times)
    rng = random.Random(seed)
    n = len(space.sessions)
    movable = [i for i in range(n) if len(space.options[i]) > 1]
    if not movable:
        return dict(tt.times), tt.value
    best_times, best_value = dict(tt.times), tt.value
    tabu: dict[tuple[int, int], int] = {}
    it = 0
    since_best = 0
    last_said = 0.0
    while not stop():
        if bound is not None and best_value <= bound:
            break
        it += 1
        cand = movable if len(movable) <= sample else rng.sample(movable, sample)
        moves = []
        for i in cand:
            k0 = tt.times[i]
            here = tt.cost_at(i, k0)
            for k in range(len(space.options[i])):
                if k == k0:
                    continue
                delta = tt.cost_at(i, k) - here
                moves.append((delta, rng.random(), i, k))
        moves.sort()
        done = False
        for delta, _, i, k in moves:
            aspiration = tt.value + delta < best_value
            if tabu.get((i, k), 0) > it and not aspiration:
                continue
            if not tt.allowed(i, k):
                continue
            k0 = tt.times[i]
            if tt.relocate(i, k):
                tt.value += delta
                tabu[(i, k0)] = it + 7 + rng.randrange(10)
                done = True
                break
        if not done:
            # a swap of two sessions between their starts, when no single move fits
            i = rng.choice(movable)
            k0 = tt.times[i]
            for k in rng.sample(range(len(space.options[i])), len(space.options[i])):
                if k == k0:
                    continue
                others = {j for g in tt.segs[i][k] for j in tt.occ[g]}
                for j in sorted(others):
                    q0 = tt.times[j]
                    q = space.option_at(j, space.options[i][k0].date, space.options[i][k0].start)
                    if q is None or not tt.allowed(j, q, ignore=i, moved={i: k}) \
                            or not tt.allowed(i, k, ignore=j, moved={j: q}):
                        continue
                    before = tt.cost_at(i, k0) + tt.cost_at(j, q0, ignore=i)
                    if not tt.relocate(j, q):
                        continue
                    if not tt.relocate(i, k):
                        tt.relocate(j, q0)
                        continue
                    after = tt.cost_at(i, k) + tt.cost_at(j, q, ignore=i)
                    tt.value += after - before
                    tabu[(i, k0)] = tabu[(j, q0)] = it + 7 + rng.randrange(10)
                    done = True
                    break
                if done:
                    break
        since_best += 1
        if tt.value < best_value:
            best_value, best_times = tt.value, dict(tt.times)
            since_best = 0
            if on_best:
                on_best(best_times, best_value)
            if say and t0 is not None and time.monotonic() - last_said >= 0.5:   # progress, not a flood
                last_said = time.monotonic()
                say(f"[{last_said - t0:6.1f}s] timetable tabu search: objective {best_value}")
        if since_best > 400:      # stuck: shake a few sessions at random, from the best
            tt = Timetable(space, obj, best_times)
            for i in rng.sample(movable, min(len(movable), 4)):
                k = rng.randrange(len(space.options[i]))
                if tt.allowed(i, k):
                    tt.relocate(i, k)
            tt.value = evaluate_times(space, obj, tt.times)
            since_best = 0
    return best_times, best_value
