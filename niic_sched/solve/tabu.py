"""Tabu search on the timetable: fast single-session moves and swaps.

Complements the CP-SAT neighbourhoods of ``lns.py``: thousands of cheap moves
per second, each checked against the timetable's hard rules (speakers,
``not_with``, plenaries, ``after``, and a room for everyone in every segment:
an exact bipartite matching, kept incrementally). A move just made may not be
undone for a while (the tabu tenure), unless it leads to a new best.
"""
from __future__ import annotations

import random
import time
from collections import defaultdict
from typing import Callable

from .goals import TimeObjective, evaluate_times
from .space import Space


class NoRoomMatching(Exception):
    """The given timetable has a segment where not every session can get a room
    (the timetable step's counting cuts are capped); the tabu search cannot start
    from it, and the room step's fall-back repairs it."""


class Timetable:
    """The incremental state: who occupies each segment, and a room matching per segment."""

    def __init__(self, space: Space, obj: TimeObjective, times: dict[int, int]):
        self.space, self.obj = space, obj
        n = len(space.sessions)
        self.segs = [[o.segs for o in opts] for opts in space.options]
        self.rooms = [[o.rooms for o in opts] for opts in space.options]
        self.partner: list[dict[int, int]] = [dict() for _ in range(n)]
        for (i, j), w in obj.pair.items():
            self.partner[i][j] = w
            self.partner[j][i] = w
        self.speakers = [frozenset(s.speakers) for s in space.sessions]
        self.plenary = [s.is_plenary for s in space.sessions]
        self.not_with = [set() for _ in range(n)]
        self.after = [[] for _ in range(n)]        # i must start after each of these ends
        self.before = [[] for _ in range(n)]       # these must start after i ends
        for i, s in enumerate(space.sessions):
            for b in s.not_with:
                j = space.index[b]
                self.not_with[i].add(j)
                self.not_with[j].add(i)
            for b in s.after:
                j = space.index[b]
                self.after[i].append(j)
                self.before[j].append(i)
        self.by_speaker: dict[str, list[int]] = defaultdict(list)
        for i, s in enumerate(space.sessions):
            for p in s.speakers:
                self.by_speaker[p].append(i)
        self.times = dict(times)
        self.occ: list[set[int]] = [set() for _ in space.segments]
        self.match: list[dict[int, int]] = [dict() for _ in space.segments]    # segment -> session -> room
        self.holder: list[dict[int, int]] = [dict() for _ in space.segments]   # segment -> room -> session
        for i, k in self.times.items():
            for g in self.segs[i][k]:
                self.occ[g].add(i)
        for g in range(len(space.segments)):
            for i in sorted(self.occ[g]):
                if not self._augment(g, i, self.times[i]):
                    raise NoRoomMatching(f"segment {g}: no room matching for its sessions")
        self.value = evaluate_times(space, obj, self.times)

    # -- rooms: incremental bipartite matching per segment -------------------------------------------
    def _augment(self, g: int, i: int, k: int, hold: dict | None = None) -> bool:
        match, holder = self.match[g], self.holder[g]
        seen: set[int] = set()
        options = {i: k}
        if hold:
            options.update(hold)

        def rooms_of(x: int):
            return self.rooms[x][options.get(x, self.times.get(x))]

        def try_place(x: int) -> bool:
            for r in rooms_of(x):
                if r in seen:
                    continue
                seen.add(r)
                y = holder.get(r)
                if y is None or try_place(y):
                    holder[r] = x
                    match[x] = r
                    return True
            return False

        return try_place(i)

    def _remove(self, g: int, i: int) -> None:
        r = self.match[g].pop(i, None)
        if r is not None and self.holder[g].get(r) == i:
            del self.holder[g][r]

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
        return total

    # -- feasibility (all but rooms) ------------------------------------------------------------------
    def allowed(self, i: int, k: int, ignore: int = -1, moved: dict[int, int] | None = None) -> bool:
        opt = self.space.options[i][k]
        spk, nw = self.speakers[i], self.not_with[i]
        for g in self.segs[i][k]:
            for j in self.occ[g]:
                if j == i or j == ignore:
                    continue
                if self.plenary[i] or self.plenary[j] or j in nw or (spk and spk & self.speakers[j]):
                    return False
        moved = moved or {}
        for j in self.after[i]:
            if self.space.options[j][moved.get(j, self.times[j])].t1 > opt.t0:
                return False
        for j in self.before[i]:
            if opt.t1 > self.space.options[j][moved.get(j, self.times[j])].t0:
                return False
        return True

    # -- moves ------------------------------------------------------------------------------------------
    def relocate(self, i: int, k: int) -> bool:
        """Move session i to option k if a room is found in every segment; else change nothing."""
        old = self.times[i]
        for g in self.segs[i][old]:
            self.occ[g].discard(i)
            self._remove(g, i)
        self.times[i] = k
        placed = []
        ok = True
        for g in self.segs[i][k]:
            snapshot = (dict(self.match[g]), dict(self.holder[g]))
            if self._augment(g, i, k):
                self.occ[g].add(i)
                placed.append((g, snapshot))
            else:
                self.match[g], self.holder[g] = snapshot
                ok = False
                break
        if ok:
            return True
        for g, snapshot in placed:
            self.occ[g].discard(i)
            self.match[g], self.holder[g] = snapshot
        self.times[i] = old
        for g in self.segs[i][old]:
            self.occ[g].add(i)
            if not self._augment(g, i, old):   # pragma: no cover - the old place had a room
                raise RuntimeError("lost a room while undoing a move")
        return False


def tabu_search(space: Space, obj: TimeObjective, times: dict[int, int], stop: Callable[[], bool], *,
                seed: int = 0, sample: int = 60, say: Callable[[str], None] | None = None,
                t0: float | None = None, bound: float | None = None, on_best=None) -> tuple[dict[int, int], int]:
    """Improve ``times``; returns the best timetable found and its objective."""
    tt = Timetable(space, obj, times)
    rng = random.Random(seed)
    n = len(space.sessions)
    movable = [i for i in range(n) if len(space.options[i]) > 1 and not space.sessions[i].is_plenary]
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
                    if q is None or tt.plenary[j] or not tt.allowed(j, q, ignore=i, moved={i: k}) \
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
