"""A proven lower bound on the timetable objective, by column generation.

The relaxation (every valid timetable maps to a feasible point of it that costs
no more than the timetable, so the relaxation's optimum is a valid lower bound):

* Time is cut into the segments of ``Space``. For a segment g, a *group* is the
  set of sessions present in g, each marked ``start`` (its option begins in g)
  or ``cont`` (its option began in an earlier segment). A group must be possible
  in every valid timetable: each member has an option covering g in that role,
  no two members are a pair that a rule family's pairwise test forbids to be
  there together (``Rule.clashes``, through ``Space.links``), and the members
  respect every family's counting limits on the segment (``Rule.segment_caps``:
  for rooms, Hall's condition on the rooms they could use there).
* The cost of a group is the sum of ``pair[(i, j)]`` over its members, except
  pairs where both members continue. Two overlapping sessions share the segment
  where the later one starts and are charged there only (never twice: a session
  is absent before its first segment). The segment costs of a timetable add up
  to at most its pair cost, exactly that on ordinary grids.
* Master LP: x[i, k] (session i takes option k, cost ``unary[(i, k)]``),
  sum_k x[i, k] = 1; per segment at most one group (the empty group costs 0);
  per (session, segment, role) the groups holding it cover the options that put
  it there; pairs a family orders in time (not only "never together") as
  x[i, k] <= sum of the x[j, q] compatible with it.
* Pricing per segment: the group of best reduced cost, by a heuristic (greedy
  plus local search) while it finds columns, and by exact branch and bound
  (pair weights are nonnegative, so a member's marginal value only falls as the
  group grows and the pruning bound is valid) when it finds none.

The bound returned is the Lagrangian value L(pi, rho) of the linking and
ordering rows at the LP duals: the sum over segments of min(0, min over groups
of cost - pi) plus, per session, its cheapest option once the relaxed rows are
priced in. It is valid for ANY nonnegative multipliers, so neither LP
tolerances nor an unconverged master can make it wrong; it only needs an upper
bound on each segment's best group value, which the branch and bound gives
even when cut short by the time limit. At LP convergence it equals the LP
optimum. All costs integral: rounded up to a multiple of their gcd.
"""
from __future__ import annotations

import math
import time
from functools import reduce
from typing import Callable

from ortools.linear_solver import pywraplp

from ..text import plural
from . import rules
from .goals import TimeObjective, evaluate_times
from .space import Space

EPS = 1e-7
START, CONT = 0, 1

HEURISTIC_COLUMNS = 10      # columns per segment per heuristic pricing round
EXACT_COLUMNS = 30          # ... per exact pricing round
GREEDY_SEEDS = 60           # greedy groups grown from the best items
LOCAL_SEARCH_STARTS = 20    # best greedy groups improved by local search
STALL_ROUNDS, STALL_RATIO = 3, 0.01   # exact pricing when the LP fell < 1 % in 3 rounds
EXACT_EVERY = 0.3           # ... and at least every 30 % of the time limit, for a bound
SMOOTHING = 0.5             # exact rounds price at this mix of the best point so far and the LP's duals
MAX_PAIR_ENTRIES = 8_000_000          # sum over classes of (session, option) entries squared (memory guard)


MERGE_SIMILARITY = 0.6    # segments whose sessions overlap this much (Jaccard) share one pricing problem
MERGE_ABOVE_ITEMS = 300   # ... when the segments hold more (session, segment) items than this in all


def _classes(space: Space, similarity: float = MERGE_SIMILARITY) -> list[list[int]]:
    """Segments grouped into classes that share one pricing problem (a segment joins the
    first class whose possible sessions it shares with this Jaccard similarity). Small
    conferences keep one class per segment: merging loses which segment follows which
    (two sessions over two segments each may then seem to overlap nowhere) and they do
    not need the speed."""
    present = [frozenset(i for i, _ in space.cover[g]) for g in range(len(space.segments))]
    if sum(len(p) for p in present) <= MERGE_ABOVE_ITEMS:
        return [[g] for g in range(len(present)) if present[g]]
    out: list[tuple[set, list[int]]] = []
    for g in sorted(range(len(present)), key=lambda g: (-len(present[g]), g)):
        if not present[g]:
            continue
        for union, members in out:
            if len(union & present[g]) >= similarity * len(union | present[g]):
                members.append(g)
                union |= present[g]
                break
        else:
            out.append((set(present[g]), [g]))
    return sorted(sorted(m) for _, m in out)


class _Segment:
    """The static pricing data of one class of segments: items (session, role), their
    pair weights, conflicts and the counting limits. A group of the class is a group
    possible in at least one of its segments (a superset of them: a relaxation)."""

    def __init__(self, space: Space, members, weights: dict[int, dict[int, float]],
                 links: dict[int, dict[int, tuple]]):
        self.members = tuple(members)
        self.copies = len(self.members)
        self.g = self.members[0]
        pos = {g: p for p, g in enumerate(self.members)}
        roles: dict[tuple[int, int], dict[int, list[int]]] = {}   # (i, role) -> segment -> options of i there
        for g in self.members:
            for i, k in space.cover[g]:
                o = space.options[i][k]
                roles.setdefault((i, START if o.segs[0] == g else CONT), {}).setdefault(g, []).append(k)
        self.roles = roles
        self.items: list[tuple[int, int]] = sorted(roles)
        n = len(self.items)
        of_session: dict[int, list[int]] = {}
        presence: list[int] = []
        for a, (i, role) in enumerate(self.items):
            of_session.setdefault(i, []).append(a)
            presence.append(sum(1 << pos[g] for g in roles[(i, role)]))
        self.W: list[list[float]] = []
        for a, (i, role) in enumerate(self.items):
            row = [0] * n
            for j, w in weights.get(i, {}).items():
                for b in of_session.get(j, ()):
                    if role == START or self.items[b][1] == START:
                        row[b] = w
            self.W.append(row)
        by_presence: dict[int, int] = {}
        for a, p in enumerate(presence):
            by_presence[p] = by_presence.get(p, 0) | (1 << a)
        self.conflict: list[int] = []
        sessions, options = space.sessions, space.options
        for a, (i, role) in enumerate(self.items):
            clash = 0
            for p, mask in by_presence.items():
                if not p & presence[a]:            # never present in one segment together
                    clash |= mask
            for b in of_session[i]:
                clash |= 1 << b
            for j, linking in links.get(i, {}).items():
                for b in of_session.get(j, ()):
                    if clash >> b & 1:
                        continue
                    ri, rj = roles[(i, role)], roles[self.items[b]]
                    # a conflict when in every segment where both can be, every pair of their options breaks a rule
                    if all(rules.clash(linking, sessions[i], options[i][k], sessions[j], options[j][q])
                           for g in ri.keys() & rj.keys() for k in ri[g] for q in rj[g]):
                        clash |= 1 << b
            self.conflict.append(clash & ~(1 << a))
        # counting limits of the rule families: at most cap of these items together
        self.hall_cap: list[int] = []
        self.fam_of: list[list[int]] = [[] for _ in range(n)]
        self.fam_mask: list[int] = []
        self.capacity = len({i for i, _ in self.items})
        item_options = [(i, sorted({k for ks in roles[(i, role)].values() for k in ks})) for i, role in self.items]
        for rule in rules.RULES:
            for inside, cap in rule.segment_caps(space, self.g, item_options):
                if len(inside) == n:
                    self.capacity = min(self.capacity, cap)
                if len({self.items[a][0] for a in inside}) <= cap:
                    continue
                f = len(self.hall_cap)
                self.hall_cap.append(cap)
                self.fam_mask.append(sum(1 << a for a in inside))
                for a in inside:
                    self.fam_of[a].append(f)
        self.fam_bits = [sum(1 << f for f in fs) for fs in self.fam_of]

    def cost(self, members) -> float:
        members = list(members)
        return sum(self.W[a][b] for x, a in enumerate(members) for b in members[x + 1:])

    # -- heuristic pricing -----------------------------------------------------------------
    def greedy(self, pi: list[float], cand: list[int], seeds: int) -> dict[tuple[int, ...], float]:
        """From each of the first ``seeds`` candidates, add the item of best marginal
        value while one is positive. Returns {members: gain}."""
        W, conflict, fam_of, hall_cap, fam_mask = self.W, self.conflict, self.fam_of, self.hall_cap, self.fam_mask
        found: dict[tuple[int, ...], float] = {}
        for seed in cand[:seeds]:
            cnt = [0] * len(hall_cap)
            members, gain = [], 0.0
            banned = 0
            marg = {d: pi[d] for d in cand}
            pick, value = seed, pi[seed]
            while True:
                members.append(pick)
                gain += value
                banned |= conflict[pick] | (1 << pick)
                for f in fam_of[pick]:
                    cnt[f] += 1
                    if cnt[f] >= hall_cap[f]:
                        banned |= fam_mask[f]         # those rooms are all taken
                if len(members) >= self.capacity:
                    break
                Wp = W[pick]
                marg = {d: v for d, m in marg.items() if not banned >> d & 1 and (v := m - Wp[d]) > EPS}
                if not marg:
                    break
                pick = max(marg, key=marg.__getitem__)
                value = marg[pick]
            found[tuple(sorted(members))] = gain
        return found

    def improve(self, pi: list[float], cand: list[int], members) -> tuple[float, tuple[int, ...]]:
        """Local search from a group: the best add, drop or swap until none gains."""
        W, conflict, fam_of, hall_cap = self.W, self.conflict, self.fam_of, self.hall_cap
        fams = self.fam_bits
        S = list(members)
        marg = {e: pi[e] - sum(W[e][d] for d in S) for e in set(cand) | set(S)}   # for d in S: its contribution
        cnt = [0] * len(hall_cap)
        smask = 0
        for c in S:
            smask |= 1 << c
            for f in fam_of[c]:
                cnt[f] += 1
        while True:
            full = 0
            for f, c in enumerate(cnt):
                if c >= hall_cap[f]:
                    full |= 1 << f
            move, delta = None, EPS
            for c in S:
                if -marg[c] > delta:
                    move, delta = (c, None), -marg[c]
            room = len(S) < self.capacity
            for e in cand:
                if smask >> e & 1:
                    continue
                m = marg[e]
                clash = conflict[e] & smask
                blocked = fams[e] & full
                if m > delta and not clash and room and not blocked:
                    move, delta = (None, e), m
                We = W[e]
                for c in S:
                    d = m + We[c] - marg[c]
                    if d > delta and clash & ~(1 << c) == 0 and blocked & ~fams[c] == 0:
                        move, delta = (c, e), d
            if move is None:
                break
            out, into = move
            if out is not None:
                S.remove(out)
                smask &= ~(1 << out)
                for f in fam_of[out]:
                    cnt[f] -= 1
                Wo = W[out]
                for e in marg:
                    marg[e] += Wo[e]
            if into is not None:
                S.append(into)
                smask |= 1 << into
                for f in fam_of[into]:
                    cnt[f] += 1
                Wi = W[into]
                for e in marg:
                    marg[e] -= Wi[e]
        return sum(pi[a] for a in S) - self.cost(S), tuple(sorted(S))

    def heuristic(self, pi: list[float], threshold: float, max_cols: int) -> list[tuple[float, tuple[int, ...]]]:
        """Greedy groups, then local search from the best of them when none is good
        enough: [(gain, members)] with gain > threshold, best first."""
        cand = sorted((a for a in range(len(self.items)) if pi[a] > EPS), key=lambda a: -pi[a])
        if not cand:
            return []
        found = self.greedy(pi, cand, GREEDY_SEEDS)
        for members, _ in sorted(found.items(), key=lambda kv: -kv[1])[:LOCAL_SEARCH_STARTS]:
            gain, better = self.improve(pi, cand, members)
            found[better] = gain
        return sorted(((g, m) for m, g in found.items() if g > threshold), reverse=True)[:max_cols]

    # -- exact pricing -----------------------------------------------------------------------
    def exact(self, pi: list[float], threshold: float, deadline: float, max_cols: int, start: float = 0.0,
              max_nodes: int | None = None):
        """Branch and bound for the max over feasible groups of sum(pi) - cost (0 for
        the empty group). Returns (upper bound on that max, [(gain, members)] with
        gain > threshold, finished, nodes searched). Past the deadline (or ``max_nodes``
        nodes) the subtrees left open add their bounds: the upper bound stays valid,
        only weaker."""
        W, conflict, fam_of, hall_cap, fam_mask = self.W, self.conflict, self.fam_of, self.hall_cap, self.fam_mask
        capacity = self.capacity
        cnt = [0] * len(hall_cap)
        best = [start]
        open_bound = [0.0]
        expired = [time.monotonic() > deadline]
        found: dict[tuple[int, ...], float] = {}
        chosen: list[int] = []
        nodes = [0]

        def dfs(cands: list[tuple[float, int]], gain: float, size: int, blocked: int) -> None:
            # cands: (marginal value, item), best first; all > 0, none clashing or blocked
            nodes[0] += 1
            if nodes[0] & 511 == 0 and not expired[0] and time.monotonic() > deadline:
                expired[0] = True
            if max_nodes is not None and nodes[0] > max_nodes:
                expired[0] = True
            r = capacity - size
            L = len(cands)
            prefix = [0.0] * (L + 1)
            acc = 0.0
            for x, (m, _) in enumerate(cands):
                acc += m
                prefix[x + 1] = acc
            for x, (m, c) in enumerate(cands):
                # marginal values only fall deeper down: at most r of cands[x:] more
                ub = gain + prefix[min(x + r, L)] - prefix[x]
                if ub <= best[0] + EPS:
                    return
                if expired[0]:
                    open_bound[0] = max(open_bound[0], ub)
                    return
                ng = gain + m
                excl = blocked | conflict[c]
                fs = fam_of[c]
                for f in fs:
                    cnt[f] += 1
                    if cnt[f] >= hall_cap[f]:
                        excl |= fam_mask[f]        # those rooms are all taken
                chosen.append(c)
                if ng > best[0]:
                    best[0] = ng
                if ng > threshold:
                    found[tuple(sorted(chosen))] = ng
                if r > 1:
                    Wc = W[c]
                    child = [(v, d) for mm, d in cands[x + 1:] if not excl >> d & 1 and (v := mm - Wc[d]) > EPS]
                    if child:
                        child.sort(reverse=True)
                        if ng + sum([v for v, _ in child[:r - 1]]) > best[0] + EPS:
                            dfs(child, ng, size + 1, excl)
                chosen.pop()
                for f in fs:
                    cnt[f] -= 1

        cand = sorted(((pi[a], a) for a in range(len(self.items)) if pi[a] > EPS), reverse=True)
        if cand and capacity > 0:
            dfs(cand, 0.0, 0, 0)
        cols = sorted(found.items(), key=lambda kv: -kv[1])[:max_cols]
        # pruning at best + EPS: the true max may exceed best by that much
        upper = max(best[0] + EPS, open_bound[0])
        return upper, [(gain, members) for members, gain in cols], not expired[0], nodes[0]


def _order_rows(space: Space, links: dict[int, dict[int, tuple]]) -> list[tuple[int, int, int, list[int]]]:
    """Pairs linked by a rule that is more than "never overlap" (an order between
    them): (i, k, j, the options q of j compatible with i at k), one row each."""
    out = []
    sessions, options = space.sessions, space.options
    for i, linked in sorted(links.items()):
        for j, linking in sorted(linked.items()):
            ordered = tuple(r for r in linking if not r.overlap_only)
            if not ordered:
                continue
            for k, o in enumerate(options[i]):
                ok = [q for q, oj in enumerate(options[j]) if not rules.clash(ordered, sessions[i], o, sessions[j], oj)]
                out.append((i, k, j, ok))
    return out


def trivial(space: Space, obj: TimeObjective) -> tuple[float, str] | None:
    """The cases where a bound needs no relaxation (or none is valid): nothing to count,
    a session without a possible start, a negative weight; else None. (bound, method)."""
    if not space.sessions or (not obj.pair and not obj.unary):
        return 0.0, "trivial (nothing to count)"
    if any(not opts for opts in space.options):
        return 0.0, "none (a session has no possible start)"
    if any(w < 0 for w in obj.pair.values()) or any(w < 0 for w in obj.group.values()):
        return 0.0, "none (negative pair weights)"
    return None


def lower_bound(space: Space, obj: TimeObjective, incumbent: dict[int, int] | None = None,
                time_limit: float = 10.0, stop_at: float | None = None, work: int | None = None,
                log: Callable[[str], None] | None = None, similarity: float = MERGE_SIMILARITY) -> tuple[float, str]:
    """A valid lower bound on min over valid timetables of evaluate_times(...).

    Returns (bound, method). ``stop_at``: return as soon as the bound reaches it
    (the incumbent's value, i.e. optimality proven); ``incumbent`` (a valid
    timetable) gives that value when ``stop_at`` is None. Stays within ``time_limit`` seconds (checked between
    steps; one LP solve or a few hundred search nodes may run past it). ``work``: also stop
    after that much work (LP solves plus thousands of branch-and-bound nodes), and decide
    everything by work, not by the clock: the same inputs give the same bound (for
    --deterministic; ``time_limit`` is then only a safety net).
    ``log``, if given, receives one line per LP solve and per exact pricing round."""
    say = log or (lambda _line: None)
    t0 = time.monotonic()
    deadline = t0 + time_limit
    n = len(space.sessions)
    if (answer := trivial(space, obj)) is not None:
        return answer
    classes = _classes(space, similarity)
    # a class's items: its sessions, twice for those that may also continue there
    sizes = [len({(i, len(space.options[i][k].segs) > 1) for g in members for i, k in space.cover[g]})
             for members in classes]
    if sum(s * s for s in sizes) > MAX_PAIR_ENTRIES:
        return 0.0, "none (too large for the column-generation bound)"

    values = list(obj.pair.values()) + list(obj.unary.values())
    integral = all(float(w).is_integer() for w in values)
    step = (reduce(math.gcd, [int(w) for w in values if w], 0) or 1) if integral else 1

    def rounded(value: float) -> float:
        if not integral or not math.isfinite(value):
            return value
        return float(step * math.ceil((value - 1e-6) / step))

    # -- pricing data per segment --------------------------------------------------------------
    links = space.links
    weights: dict[int, dict[int, float]] = {}
    for (i, j), w in obj.pair.items():
        if w:
            weights.setdefault(i, {})[j] = w
            weights.setdefault(j, {})[i] = w
    segs: list[_Segment] = []
    for members in classes:
        if time.monotonic() > deadline:
            return 0.0, f"none (time limit of {time_limit:g} s reached while setting up)"
        sg = _Segment(space, members, weights, links)
        if sg.items:
            segs.append(sg)
    seg_pos = {g: p for p, sg in enumerate(segs) for g in sg.members}
    item_index = [{it: a for a, it in enumerate(sg.items)} for sg in segs]
    opt_rows: dict[tuple[int, int], list[tuple[int, int, int]]] = {}   # option -> (class, item, times) it fills
    for i, opts in enumerate(space.options):
        for k, o in enumerate(opts):
            count: dict[tuple[int, int], int] = {}
            for g in o.segs:
                key = (seg_pos[g], item_index[seg_pos[g]][(i, START if g == o.segs[0] else CONT)])
                count[key] = count.get(key, 0) + 1
            opt_rows[(i, k)] = [(p, a, c) for (p, a), c in count.items()]
    unary = {key: obj.unary.get(key, 0) for key in opt_rows}

    # -- master LP -------------------------------------------------------------------------------
    lp = pywraplp.Solver.CreateSolver("GLOP")
    if lp is None:
        return 0.0, "none (GLOP unavailable)"
    # without presolve GLOP restarts from the last basis when columns are added
    lp.SetSolverSpecificParametersAsString("use_preprocessing: false")
    inf = lp.infinity()
    objective = lp.Objective()
    link = [[lp.Constraint(0, inf) for _ in sg.items] for sg in segs]
    conv_seg = [lp.Constraint(-inf, sg.copies) for sg in segs]
    conv_x = [lp.Constraint(1, 1) for _ in range(n)]
    for i in range(n):
        # an expensive way out, so that the LP is feasible before the columns come
        skip = lp.NumVar(0, inf, "")
        objective.SetCoefficient(skip, 1 + sum(weights.get(i, {}).values())
                                 + max(unary[(i, k)] for k in range(len(space.options[i]))))
        conv_x[i].SetCoefficient(skip, 1)
    xvar = {}
    for (i, k), rows in opt_rows.items():
        v = xvar[(i, k)] = lp.NumVar(0, inf, "")
        objective.SetCoefficient(v, unary[(i, k)])
        conv_x[i].SetCoefficient(v, 1)
        for p, a, c in rows:
            link[p][a].SetCoefficient(v, -c)
    order_rows = []                                   # (row, i, k, j, options q of j compatible with it)
    for i, k, j, ok in _order_rows(space, links):
        row = lp.Constraint(-inf, 0)
        row.SetCoefficient(xvar[(i, k)], 1)
        for q in ok:
            row.SetCoefficient(xvar[(j, q)], -1)
        order_rows.append((row, i, k, j, ok))
    objective.SetMinimization()

    known: set[tuple[int, tuple[int, ...]]] = set()

    def add_column(p: int, members: tuple[int, ...]) -> bool:
        if (p, members) in known:
            return False
        known.add((p, members))
        v = lp.NumVar(0, inf, "")
        objective.SetCoefficient(v, segs[p].cost(members))
        conv_seg[p].SetCoefficient(v, 1)
        for a in members:
            link[p][a].SetCoefficient(v, 1)
        return True

    # The incumbent's groups are NOT added as columns: the master then sits on them,
    # degenerate, for dozens of LPs (measured on 120/16/3/6: LP stuck at the
    # incumbent's value for 40 LPs, bound 0 after 60 s; 144 without them). The
    # ``skip`` variables keep the master feasible instead; the incumbent's value
    # serves as ``stop_at`` when none is given (no bound can pass it).
    if incumbent and stop_at is None:
        stop_at = evaluate_times(space, obj, incumbent)

    def lagrangian(pi: list[list[float]], rho: list[float], uppers: list[float]) -> float:
        """L(pi, rho): per segment minus the upper bound on its best group value, plus
        per session its cheapest option once the relaxed rows are priced in."""
        xcost = {key: unary[key] + sum(c * pi[p][a] for p, a, c in rows) for key, rows in opt_rows.items()}
        for (_row, i, k, j, ok), r in zip(order_rows, rho):
            if r > 0:
                xcost[(i, k)] += r
                for q in ok:
                    xcost[(j, q)] -= r
        total = -sum(sg.copies * u for sg, u in zip(segs, uppers))
        for i, opts in enumerate(space.options):
            total += min(xcost[(i, k)] for k in range(len(opts)))
        return total

    # -- column generation ---------------------------------------------------------------------------
    best_bound = -math.inf
    status = "cut short by its time limit"
    lps = exact_rounds = 0
    last_exact = t0
    exact_seconds = 0.0
    history: list[float] = []
    center = None          # (pi, rho, sigma) of the best Lagrangian value so far: exact rounds price near it
    spent = 0              # work done (with ``work``): LP solves plus thousands of branch-and-bound nodes
    lps_at_exact = 0
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        if work is not None and spent >= work:
            status = "cut short by its work limit"
            break
        spent += 1
        lp.SetTimeLimit(max(1, int(left * 1000)))
        lps += 1
        if lp.Solve() != pywraplp.Solver.OPTIMAL:
            status = "cut short by its time limit (in an LP solve)"
            break
        lp_value = objective.Value()
        say(f"[{time.monotonic() - t0:6.2f}s] LP {lps}: {lp_value:.2f}, {plural(len(known), 'column')}")
        if rounded(best_bound) >= rounded(lp_value) - 1e-9:
            status = "LP optimum (rounded, the bound meets the LP value)"      # no better one can come
            break
        if lp_value <= EPS:
            # the relaxation already has a solution of cost 0: 0 is its optimum and the best it proves
            best_bound = max(best_bound, 0.0)
            status = "LP optimum 0 (the relaxation forces no cost)"
            break
        pi = [[max(0.0, c.dual_value()) for c in row] for row in link]
        sigma = [-min(0.0, c.dual_value()) for c in conv_seg]   # what a column must beat
        rho = [max(0.0, -row.dual_value()) for row, *_ in order_rows]
        history.append(lp_value)
        now = time.monotonic()
        # the heuristic has stalled when the LP value hardly falls any more
        stalled = len(history) > STALL_ROUNDS and history[-1 - STALL_ROUNDS] - lp_value < STALL_RATIO * lp_value
        if work is None:
            heuristic = now - last_exact < EXACT_EVERY * time_limit \
                and deadline - now > max(0.1 * time_limit, 2 * exact_seconds)
        else:      # the same rule in work instead of seconds: the same inputs, the same bound
            heuristic = lps - lps_at_exact < EXACT_EVERY * work and work - spent > 0.1 * work
        if not stalled and heuristic:
            added = 0
            for p, sg in enumerate(segs):
                for _, members in sg.heuristic(pi[p], sigma[p] + 1e-6, HEURISTIC_COLUMNS * sg.copies):
                    added += add_column(p, members)
                if time.monotonic() > deadline:
                    break
            if added:
                continue
        # exact pricing: columns, and a valid bound. Priced at a point between the LP's
        # duals and the best point so far (Wentges smoothing): the LP's duals jump from
        # vertex to vertex, and the bound at them is poor until the very end.
        exact_rounds += 1
        last_exact = time.monotonic()
        lps_at_exact = lps
        history.clear()
        if center is None:
            at_pi, at_rho, at_sigma = pi, rho, sigma
        else:
            a, b = SMOOTHING, 1 - SMOOTHING
            at_pi = [[a * u + b * v for u, v in zip(cu, cv)] for cu, cv in zip(center[0], pi)]
            at_rho = [a * u + b * v for u, v in zip(center[1], rho)]
            at_sigma = [a * u + b * v for u, v in zip(center[2], sigma)]
        uppers, found, finished = [], [], True
        for p, sg in enumerate(segs):
            upper, cols, done, nodes = sg.exact(at_pi[p], at_sigma[p] + 1e-6, deadline, EXACT_COLUMNS * sg.copies,
                                                max_nodes=None if work is None else max(0, work - spent) * 1000)
            spent += nodes // 1000
            finished &= done
            uppers.append(upper)
            # the columns that improve the LP (negative reduced cost at its duals)
            found += [(p, members) for _, members in cols
                      if sum(pi[p][x] for x in members) - sg.cost(members) > sigma[p] + 1e-6]
        exact_seconds = time.monotonic() - last_exact
        value = lagrangian(at_pi, at_rho, uppers)
        if value > best_bound:
            best_bound = value
            center = (at_pi, at_rho, at_sigma)
        say(f"[{time.monotonic() - t0:6.2f}s] exact pricing round {exact_rounds}: bound {value:.2f} "
            f"(best {best_bound:.2f}) in {exact_seconds:.2f} s, {plural(len(found), 'column')}{'' if finished else ', cut short'}")
        if stop_at is not None and rounded(best_bound) >= stop_at - 1e-9:
            status = "reached the incumbent's value (proven optimal)"
            break
        if not finished:
            break
        if not found:
            if at_pi is pi:
                status = "LP optimum (the relaxation is solved)"
                break
            # priced off the LP's duals and found nothing for it: next round nearer to them
            center = (at_pi, at_rho, at_sigma) if value >= best_bound - 1e-9 else center
            if center is not None and center[0] is not at_pi:
                center = None     # the best point is far: price at the LP's duals
            continue
        for p, members in found:
            add_column(p, members)
    method = (f"LP relaxation by column generation, {status}: {plural(lps, 'LP')}, "
              f"{plural(exact_rounds, 'exact pricing round')}, {plural(len(known), 'column')}, "
              f"{time.monotonic() - t0:.1f} s")
    if best_bound == -math.inf:
        return 0.0, (f"none (no exact pricing round within its {'work' if work is not None else 'time'} limit); "
                     + method)
    return max(0.0, rounded(best_bound)), method
