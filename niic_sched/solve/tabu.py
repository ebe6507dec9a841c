"""Tabu search on the timetable (single-session moves and swaps), and a greedy first timetable.

Complements the CP-SAT neighbourhoods of ``lns.py``: the whole neighbourhood of
single moves is judged at each step from a cost table (``CostTable``), and the
move made is checked against the hard rules through the rule registry: the
pairwise clash test of every family that links the moved session to another,
and every counting family's tracker (a room for everyone in every segment: an
exact bipartite matching, kept incrementally). A move just made may not be
undone for a while (the tabu tenure), unless it leads to a new best.

The objective's group terms (``goals.group_excess``) are kept exactly by
counters: per group and segment, how many of its members run there, and per
session and segment, the weight of the groups where another member runs there
(what placing the session there costs); a move updates both where a count
passes 0-1 or 1-2. The tabu search keeps them in arrays (``GroupTerms``), the
timetable's ``cost_at`` in dictionaries.
"""
from __future__ import annotations

import dataclasses
import random
import time
from typing import Callable

from . import rules
from .goals import TimeObjective, evaluate_times
from .space import Space


CLASH_MEMO = 2_000_000     # clash tests remembered per timetable state (they depend on the options only)
# fast_tabu_search: the tenure (steps) of returning to the start just left, plus 0-9 at random and
# half the number of sessions in conflict; on 3 make_conference.py instances (12 s each, load 2-3)
# tenures 2, 5 and 10 and restarts after 800-8,000 steps or with 2-8 sessions shaken were all
# within 2 % of each other (totals 1,228-1,257); these are the best of those runs
FAST_TENURE = 10
GREEDY_EVICTIONS = 3       # ... and per session, how many placed sessions it may push back into the queue
GREEDY_TRIES = 8           # greedy_timetable: tries, each with the sessions that failed before placed first
FAST_STALL_AT_LEAST, FAST_STALL_PER_SESSION = 2_000, 40
FAST_SHAKE_ONE_IN = 15     # a restart moves one movable session in this many (at least 3)
# from this many sessions a step judges only the moves of the sessions that pay something where they are
# (a move of any other costs >= 0) and of a random FAST_FOCUS_EXTRA share of the others (for the moves that
# free a room or a start): a few hundred options instead of every option
FAST_FOCUS_FROM = 200
FAST_FOCUS_EXTRA = 0.05


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
        self._clashes: dict[tuple[int, int, int, int], bool] = {}   # (i, k, j, q) -> do they clash
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
        n = len(self.space.sessions)
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
        moved = moved or {}
        memo = self._clashes
        for j, linking in self.links.get(i, {}).items():
            q = moved.get(j)
            if q is None:
                if j == ignore or j not in self.times:
                    continue
                q = self.times[j]
            key = (i, k, j, q)
            hit = memo.get(key)
            if hit is None:
                hit = rules.clash(linking, space.sessions[i], space.options[i][k], space.sessions[j],
                                  space.options[j][q])
                if len(memo) < CLASH_MEMO:
                    memo[key] = hit
            if hit:
                return False
        return True

    # -- moves ------------------------------------------------------------------------------------------
    def place(self, i: int, k: int) -> bool:
        """Place session i, not placed yet, at option k if every counting rule admits it
        in every segment; else change nothing. (Pair and unary terms only: not for
        objectives with group terms, whose counters it does not update.)"""
        placed = []
        self.times[i] = k
        for g in self.segs[i][k]:
            if self._admit(g, i, k):
                self.occ[g].add(i)
                placed.append(g)
                continue
            for p in placed:
                self.occ[p].discard(i)
                self._release(p, i)
            del self.times[i]
            return False
        return True

    def unplace(self, i: int) -> None:
        """Take session i off the timetable (the inverse of ``place``)."""
        k = self.times.pop(i)
        for g in self.segs[i][k]:
            self.occ[g].discard(i)
            self._release(g, i)

    def relocate(self, i: int, k: int) -> bool:
        """Move session i to option k if every counting rule admits it in every segment; else change nothing."""
        old = self.times[i]
        self.unplace(i)
        if self.place(i, k):
            self._group_move(i, self.segs[i][old], self.segs[i][k])
            return True
        if not self.place(i, old):   # pragma: no cover - the old place was admitted
            raise RuntimeError("lost a place while undoing a move")
        return False


# -- the fast search: every move's cost kept in one array ------------------------------------------
class CostTable:
    """``cost[o]``: what placing option o's session at o costs against everyone else
    where they are now (unary + pair terms; not the group terms), for every option o
    of every session at once (options numbered session by session). A move of one
    session updates only the options that overlap its old or its new start, so the
    whole neighbourhood's deltas are one array subtraction: thousands of moves
    judged per millisecond, where ``Timetable.cost_at`` judges one."""

    def __init__(self, space: Space, obj: TimeObjective, times: dict[int, int]):
        import numpy as np
        self.np = np
        n = len(space.sessions)
        self.first = np.zeros(n + 1, dtype=np.int64)
        for i, opts in enumerate(space.options):
            self.first[i + 1] = self.first[i] + len(opts)
        total = int(self.first[n])
        self.owner = np.repeat(np.arange(n), np.diff(self.first))
        # per segment: the options covering it; per option: the options overlapping it (computed on demand)
        cover: list[list[int]] = [[] for _ in space.segments]
        for i, opts in enumerate(space.options):
            base = int(self.first[i])
            for k, o in enumerate(opts):
                for g in o.segs:
                    cover[g].append(base + k)
        self.cover = [np.array(c, dtype=np.int64) for c in cover]
        self.segs = [o.segs for opts in space.options for o in opts]
        self._over: dict[int, object] = {}
        self.w = np.zeros((n, n), dtype=np.float64)
        for (i, j), v in obj.pair.items():
            self.w[i, j] += v
            self.w[j, i] += v
        self.unary = np.zeros(total, dtype=np.float64)
        for (i, k), v in obj.unary.items():
            self.unary[self.first[i] + k] += v
        self.cost = self.unary.copy()
        self.cur = np.array([self.first[i] + times[i] for i in range(n)], dtype=np.int64)
        for j in range(n):
            idx = self.overlapping(int(self.cur[j]))
            self.cost[idx] += self.w[self.owner[idx], j]
        # group terms (missed attendance), kept by ``GroupTerms``: what each option would cost its
        # session in the groups, and their total
        self.groups = GroupTerms(space, obj, self) if obj.group else None
        self.group = self.groups.gopt if self.groups is not None else None

    def overlapping(self, o: int):
        """The options (of every session, o's own included) that share a segment with option o."""
        got = self._over.get(o)
        if got is None:
            segs = self.segs[o]
            got = self.cover[segs[0]] if len(segs) == 1 else self.np.unique(
                self.np.concatenate([self.cover[g] for g in segs]))
            if len(self._over) < 200_000:
                self._over[o] = got
        return got

    def move(self, j: int, k: int) -> None:
        """Session j now runs at its option k."""
        old, new = int(self.cur[j]), int(self.first[j] + k)
        a, b = self.overlapping(old), self.overlapping(new)
        self.cost[a] -= self.w[self.owner[a], j]
        self.cost[b] += self.w[self.owner[b], j]
        self.cur[j] = new
        if self.groups is not None:
            self.groups.move(j, self.segs[old], self.segs[new])

    def value(self) -> int:
        """The objective where everyone is now: unary terms once, each pair term seen from
        both of its sessions (exact: integer sums in floating point)."""
        here = self.cur
        pairs = int(round((float(self.cost[here].sum()) + float(self.unary[here].sum())) / 2))
        return pairs + (self.groups.value() if self.groups is not None else 0)

    def deltas_of(self, idx):
        """For the options ``idx`` (an index array, or a slice): each one's cost minus its
        session's cost where it is now."""
        here = self.cur[self.owner[idx]]
        d = self.cost[idx] - self.cost[here]
        if self.group is not None:
            d += self.group[idx] - self.group[here]
        return d

    def paying(self):
        """The sessions that pay something where they are now (the only ones a move can make
        cheaper)."""
        c = self.cost[self.cur]
        if self.group is not None:
            c = c + self.group[self.cur]
        return self.np.flatnonzero(c > 0)

    def deltas(self):
        """``deltas_of`` every option."""
        return self.deltas_of(slice(None))


class GroupTerms:
    """The group terms (``goals.group_excess``: each member of a group beyond the first
    running at one segment costs the group's weight) for ``CostTable``, in arrays: per
    group and segment, how many members run there (``count``); per session and segment,
    what the session would pay there against the others (``at``: the weights of its
    groups with another member running there); per option, the sum over its segments
    (``gopt``). A move of session j changes only its groups' counts at the segments it
    left or entered; the sessions they touch are found at once (``_mates``), so a move
    costs a few array operations, not a loop over every member of every group."""

    def __init__(self, space: Space, obj: TimeObjective, table: "CostTable"):
        np = table.np
        self.np, self.table = np, table
        n, nseg = len(space.sessions), len(space.segments)
        members = list(obj.group.items())
        self.w = np.array([w for _, w in members], dtype=np.float64)
        ng = len(members)
        self.count = np.zeros((ng, nseg), dtype=np.int64)
        self.here = np.zeros((n, nseg), dtype=np.float64)        # 1 where the session runs now
        for i in range(n):
            self.here[i, list(table.segs[int(table.cur[i])])] = 1.0
        of: list[list[int]] = [[] for _ in range(n)]
        for gi, (ms, _) in enumerate(members):
            for i in ms:
                of[i].append(gi)
                self.count[gi] += self.here[i].astype(np.int64)
        self.of = [np.array(g, dtype=np.int64) for g in of]
        # per session j: for every (group of j, member of it) pair, the group's place in of[j] and the member
        self._mates = []
        for j in range(n):
            loc, mate = [], []
            for x, gi in enumerate(of[j]):
                for i in members[gi][0]:
                    loc.append(x)
                    mate.append(i)
            self._mates.append((np.array(loc, dtype=np.int64), np.array(mate, dtype=np.int64)))
        # one[i, s]: weight of i's groups with a member at s; alone[i, s]: ... with exactly one
        self.one = np.zeros((n, nseg), dtype=np.float64)
        self.alone = np.zeros((n, nseg), dtype=np.float64)
        for gi, (ms, w) in enumerate(members):
            c = self.count[gi]
            idx = list(ms)
            self.one[idx] += w * (c >= 1)
            self.alone[idx] += w * (c == 1)
        self.at = self.one - self.here * self.alone
        self.total = float((self.w[:, None] * np.maximum(self.count - 1, 0)).sum())
        self.gopt = np.zeros(len(table.cost), dtype=np.float64)
        for o, segs in enumerate(table.segs):
            self.gopt[o] = self.at[int(table.owner[o]), list(segs)].sum()

    def value(self) -> int:
        return int(round(self.total))

    def move(self, j: int, old: tuple[int, ...], new: tuple[int, ...]) -> None:
        """Session j left segments ``old`` for ``new``."""
        np, table = self.np, self.table
        gj = self.of[j]
        n = self.here.shape[0]
        loc, mate = self._mates[j]
        changed = []
        for segs, step in ((set(old) - set(new), -1), (set(new) - set(old), 1)):
            for s in segs:
                self.here[j, s] = 1.0 if step > 0 else 0.0
                changed.append(s)
                if not len(gj):
                    continue
                before = self.count[gj, s]
                after = before + step
                self.count[gj, s] = after
                w = self.w[gj]
                self.total += float((w * (np.maximum(after - 1, 0) - np.maximum(before - 1, 0))).sum())
                d1 = w * ((after >= 1).astype(np.float64) - (before >= 1))
                d2 = w * ((after == 1).astype(np.float64) - (before == 1))
                if d1.any():
                    self.one[:, s] += np.bincount(mate, weights=d1[loc], minlength=n)
                if d2.any():
                    self.alone[:, s] += np.bincount(mate, weights=d2[loc], minlength=n)
        for s in changed:
            col = self.one[:, s] - self.here[:, s] * self.alone[:, s]
            diff = col - self.at[:, s]
            self.at[:, s] = col
            idx = table.cover[s]
            self.gopt[idx] += diff[table.owner[idx]]


def fast_tabu_search(space: Space, obj: TimeObjective, times: dict[int, int], stop: Callable[[], bool], *,
                     seed: int = 0, say: Callable[[str], None] | None = None, t0: float | None = None,
                     bound: float | None = None, on_best=None, candidates: int = 24,
                     focus: bool | None = None) -> tuple[dict[int, int], int]:
    """Tabu search over single moves with the whole neighbourhood judged at each step
    (``CostTable``): the best non-tabu move that every hard rule admits is made, even
    when it costs; a move to a new best ignores the tabu. A session just moved may not
    return to where it was for a tenure that grows with the number of sessions in
    conflict. When no single move is allowed, two sessions swap starts. Stuck for
    long, it restarts from its best with a few random moves. Group terms (missed
    attendance) are kept exactly by the cost table's ``GroupTerms``.

    ``focus`` (by default from ``FAST_FOCUS_FROM`` sessions): a step judges only the moves
    of the sessions that pay something where they are (``CostTable.paying``; no other
    move can lower the objective) and of a random few others, as tabu searches for graph
    colouring do. Measured on 250/24/3/8 seed 11 (one process, 30 s, 6 seeds): 178-220
    with it against 240-289 without; at 60 and 120 sessions, where almost every session
    pays, it was slightly worse (2640 against 2635, 2184 against 2174), hence the size."""
    import numpy as np
    # the group terms are the cost table's alone (GroupTerms): the timetable keeps the rules' state
    plain = dataclasses.replace(obj, group={}) if obj.group else obj
    tt = Timetable(space, plain, times)
    table = CostTable(space, obj, tt.times)
    rng = random.Random(seed)
    nrng = np.random.default_rng(seed)
    n = len(space.sessions)
    movable = [i for i in range(n) if len(space.options[i]) > 1]
    if not movable:
        return dict(tt.times), table.value()
    total = len(table.cost)
    fixed = np.ones(total, dtype=bool)            # options of sessions that cannot move, never candidates
    for i in movable:
        fixed[table.first[i]:table.first[i + 1]] = False
    tabu_until = np.zeros(total, dtype=np.int64)
    focus = focus if focus is not None else n >= FAST_FOCUS_FROM
    movable_arr = np.array(movable, dtype=np.int64)
    is_movable = np.zeros(n, dtype=bool)
    is_movable[movable_arr] = True
    options_of = [np.arange(table.first[i], table.first[i + 1]) for i in range(n)]
    extra = max(1, int(FAST_FOCUS_EXTRA * len(movable)))
    best_times, best_value = dict(tt.times), table.value()
    value = best_value
    it = since_best = 0
    last_said = 0.0
    stall = max(FAST_STALL_AT_LEAST, FAST_STALL_PER_SESSION * len(movable))   # steps without a new best: restart
    shake = max(3, len(movable) // FAST_SHAKE_ONE_IN)
    while not stop():
        if bound is not None and best_value <= bound:
            break
        it += 1
        paying = table.paying() if focus else None
        if paying is not None and len(paying := paying[is_movable[paying]]):
            who = np.union1d(paying, nrng.choice(movable_arr, min(extra, len(movable_arr)), replace=False))
            idx = np.concatenate([options_of[i] for i in who])
            delta, staying, tenure = table.deltas_of(idx), idx == table.cur[table.owner[idx]], tabu_until[idx]
        else:
            idx = None
            delta, staying, tenure = table.deltas(), table.cur, tabu_until
            delta[fixed] = np.inf
        delta[staying] = np.inf                    # staying is not a move
        delta[(tenure > it) & (value + delta >= best_value)] = np.inf
        delta += nrng.random(len(delta)) * 0.5    # ties broken at random (the terms are integers)
        m = min(candidates, len(delta) - 1)
        top = np.argpartition(delta, m)[:m + 1] if m > 0 else np.arange(len(delta))
        top = top[np.argsort(delta[top])]
        moved = False
        for x in top:
            d = delta[x]
            o = x if idx is None else idx[x]
            if not np.isfinite(d):
                break
            i = int(table.owner[o])
            k = int(o - table.first[i])
            if not tt.allowed(i, k):
                continue
            k0 = tt.times[i]
            if tt.relocate(i, k):
                table.move(i, k)
                conflicts = int(np.count_nonzero(table.cost[table.cur] > 0))
                tabu_until[table.first[i] + k0] = it + FAST_TENURE + rng.randrange(10) + conflicts // 2
                moved = True
                break
        if not moved:
            moved = _swap(space, tt, table, rng, movable, tabu_until, it)
        value = table.value()
        since_best += 1
        if value < best_value:
            best_value, best_times = value, dict(tt.times)
            since_best = 0
            if on_best:
                on_best(best_times, best_value)
            if say and t0 is not None and time.monotonic() - last_said >= 0.5:
                last_said = time.monotonic()
                say(f"[{last_said - t0:6.1f}s] timetable tabu search: objective {best_value}")
        if since_best > stall:                     # stuck: from the best, a few random moves
            memo = tt._clashes
            tt = Timetable(space, plain, best_times)
            tt._clashes = memo
            for i in rng.sample(movable, min(len(movable), shake)):
                k = rng.randrange(len(space.options[i]))
                if tt.allowed(i, k):
                    tt.relocate(i, k)
            table = CostTable(space, obj, tt.times)
            value = table.value()
            tabu_until[:] = 0
            since_best = 0
    return best_times, best_value



def _swap(space: Space, tt: Timetable, table: CostTable, rng: random.Random, movable: list[int],
          tabu_until, it: int) -> bool:
    """Two sessions trade starts (each takes its option at the other's start), the
    cheapest such trade for one session drawn at random that every hard rule admits;
    for when no single move is allowed (every room of a start taken, say)."""
    i = rng.choice(movable)
    k0 = tt.times[i]
    oi = space.options[i][k0]
    trades = []
    for j in movable:
        if j == i:
            continue
        q0 = tt.times[j]
        oj = space.options[j][q0]
        if oj.date == oi.date and oj.start == oi.start:
            continue
        k = space.option_at(i, oj.date, oj.start)
        q = space.option_at(j, oi.date, oi.start)
        if k is None or q is None:
            continue
        trades.append((_trade_delta(space, table, i, k0, k, j, q0, q), rng.random(), j, k, q, q0))
    trades.sort()
    for d, _, j, k, q, q0 in trades[:12]:
        if not tt.allowed(j, q, ignore=i, moved={i: k}) or not tt.allowed(i, k, ignore=j, moved={j: q}):
            continue
        if not tt.relocate(j, q):
            continue
        if not tt.relocate(i, k):
            tt.relocate(j, q0)
            continue
        table.move(j, q)
        table.move(i, k)
        tabu_until[table.first[i] + k0] = it + 5 + rng.randrange(10)
        tabu_until[table.first[j] + q0] = it + 5 + rng.randrange(10)
        return True
    return False


def _trade_delta(space: Space, table: CostTable, i: int, a: int, b: int, j: int, c: int, d: int) -> float:
    """The objective's change when i goes from option a to b and j from c to d."""
    oa, ob, oc, od = space.options[i][a], space.options[i][b], space.options[j][c], space.options[j][d]
    w = table.w[i, j]
    fi, fj = int(table.first[i]), int(table.first[j])
    di = (table.cost[fi + b] - w * ob.overlaps(oc)) - (table.cost[fi + a] - w * oa.overlaps(oc))
    dj = (table.cost[fj + d] - w * od.overlaps(oa)) - (table.cost[fj + c] - w * oc.overlaps(oa))
    return float(di + dj + w * (ob.overlaps(od) - oa.overlaps(oc)))


# -- a first timetable without a model ----------------------------------------------------------
def greedy_timetable(space: Space, obj: TimeObjective, *, seed: int = 0, tries: int = GREEDY_TRIES,
                     stop: Callable[[], bool] | None = None) -> dict[int, int] | None:
    """A first valid timetable by placing one session at a time, the most constrained
    first (fewest starts, then most links to others), each at the start that costs
    least against those placed so far (pair and unary terms; ties: the least crowded
    start, then at random), checked by the same pairwise clash tests and counting
    trackers as every tabu move. A session that finds no start goes first in the next
    try ("squeaky wheel"), up to ``tries``; ``None`` then, or when ``stop()`` (the caller
    asks CP-SAT, which searches instead of committing). At 1,000 sessions a try takes
    a fifth of a second where building the CP-SAT model alone takes three."""
    n = len(space.sessions)
    if any(not opts for opts in space.options):
        return None
    rng = random.Random(seed)
    links = space.links
    first: list[int] = []
    base = sorted(range(n), key=lambda i: (len(space.options[i]), -len(links.get(i, ())), rng.random()))
    for _ in range(tries):
        if stop is not None and stop():
            return None
        head = set(first)
        got, failed = _greedy_try(space, obj, first + [i for i in base if i not in head], rng)
        if got is not None:
            return got
        first = [failed] + [i for i in first if i != failed]
    return None


def _greedy_try(space: Space, obj: TimeObjective, order: list[int], rng: random.Random):
    """One pass in ``order``. A session with no allowed start takes the cheapest start
    that a single placed session blocks through a pairwise rule, and that session goes
    back in the queue (at most ``GREEDY_EVICTIONS`` per session in all)."""
    from collections import deque
    tt = Timetable(space, obj, {})
    crowd = [0] * len(space.segments)
    queue = deque(order)
    evictions = 0
    budget = GREEDY_EVICTIONS * len(order)
    while queue:
        i = queue.popleft()
        opts = space.options[i]
        ranked = []
        for k, o in enumerate(opts):
            ranked.append((tt.cost_at(i, k), sum(crowd[g] for g in o.segs) / len(o.segs), rng.random(), k))
        ranked.sort()
        done = False
        for *_, k in ranked:
            if tt.allowed(i, k) and tt.place(i, k):
                done = True
                break
        if not done and evictions < budget:
            for *_, k in ranked:
                blockers = [j for j in tt.links.get(i, {}) if j in tt.times and _clashes_with(tt, i, k, j)]
                if len(blockers) != 1:
                    continue
                j = blockers[0]
                q = tt.times[j]
                tt.unplace(j)
                if tt.allowed(i, k) and tt.place(i, k):
                    for g in space.options[j][q].segs:
                        crowd[g] -= 1
                    queue.append(j)
                    evictions += 1
                    done = True
                    break
                tt.place(j, q)
        if not done:
            return None, i
        for g in opts[k].segs:
            crowd[g] += 1
    return dict(tt.times), -1


def _clashes_with(tt: Timetable, i: int, k: int, j: int) -> bool:
    space = tt.space
    return rules.clash(tt.links[i][j], space.sessions[i], space.options[i][k], space.sessions[j],
                       space.options[j][tt.times[j]])
