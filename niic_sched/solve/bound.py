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
GREEDY_SEEDS = 25           # greedy groups grown from the best items
LOCAL_SEARCH_STARTS = 10    # best greedy groups improved by local search
STALL_ROUNDS, STALL_RATIO = 3, 0.01   # exact pricing when the LP fell < 1 % in 3 rounds
EXACT_EVERY = 0.3           # ... and at least every 30 % of the time limit, for a bound
MAX_PAIR_ENTRIES = 8_000_000          # sum over segments of items squared (memory guard)


class _Segment:
    """The static pricing data of one segment: items (session, role), their pair
    weights, conflicts and Hall counting constraints."""

    def __init__(self, space: Space, g: int, weights: dict[int, dict[int, float]],
                 links: dict[int, dict[int, tuple]]):
        self.g = g
        roles: dict[tuple[int, int], list[int]] = {}    # (i, role) -> options of i covering g in that role
        for i, k in space.cover[g]:
            o = space.options[i][k]
            roles.setdefault((i, START if o.segs[0] == g else CONT), []).append(k)
        self.items: list[tuple[int, int]] = sorted(roles)
        n = len(self.items)
        of_session: dict[int, list[int]] = {}
        for a, (i, _) in enumerate(self.items):
            of_session.setdefault(i, []).append(a)
        self.W: list[list[float]] = []
        self.conflict: list[int] = []
        sessions, options = space.sessions, space.options
        for a, (i, role) in enumerate(self.items):
            row = [0] * n
            for j, w in weights.get(i, {}).items():
                for b in of_session.get(j, ()):
                    if role == START or self.items[b][1] == START:
                        row[b] = w
            self.W.append(row)
            clash = 0
            for b in of_session[i]:
                clash |= 1 << b
            for j, linking in links.get(i, {}).items():
                for b in of_session.get(j, ()):
                    # both present in g: a conflict when every pair of their options there breaks a rule
                    if all(rules.clash(linking, sessions[i], options[i][k], sessions[j], options[j][q])
                           for k in roles[(i, role)] for q in roles[self.items[b]]):
                        clash |= 1 << b
            self.conflict.append(clash & ~(1 << a))
        # counting limits of the rule families: at most cap of these items together
        self.hall_cap: list[int] = []
        self.fam_of: list[list[int]] = [[] for _ in range(n)]
        self.fam_mask: list[int] = []
        self.capacity = len({i for i, _ in self.items})
        item_options = [(i, roles[(i, role)]) for i, role in self.items]
        for rule in rules.RULES:
            for inside, cap in rule.segment_caps(space, g, item_options):
                if len(inside) == n:
                    self.capacity = min(self.capacity, cap)
                if len({self.items[a][0] for a in inside}) <= cap:
                    continue
                f = len(self.hall_cap)
                self.hall_cap.append(cap)
                self.fam_mask.append(sum(1 << a for a in inside))
                for a in inside:
                    self.fam_of[a].append(f)

    def cost(self, members) -> float:
        members = list(members)
        return sum(self.W[a][b] for x, a in enumerate(members) for b in members[x + 1:])

    # -- heuristic pricing -----------------------------------------------------------------
    def greedy(self, pi: list[float], cand: list[int], seeds: int) -> dict[tuple[int, ...], float]:
        """From each of the first ``seeds`` candidates, add the item of best marginal
        value while one is positive. Returns {members: gain}."""
        W, conflict, fam_of, hall_cap = self.W, self.conflict, self.fam_of, self.hall_cap
        found: dict[tuple[int, ...], float] = {}
        for seed in cand[:seeds]:
            cnt = [0] * len(hall_cap)
            members, gain = [seed], pi[seed]
            for f in fam_of[seed]:
                cnt[f] += 1
            banned = conflict[seed] | (1 << seed)
            Ws = W[seed]
            marg = {d: pi[d] - Ws[d] for d in cand if not banned >> d & 1 and pi[d] - Ws[d] > EPS}
            while marg and len(members) < self.capacity:
                pick, value = None, EPS
                for d, m in marg.items():
                    if m > value and all(cnt[f] < hall_cap[f] for f in fam_of[d]):
                        pick, value = d, m
                if pick is None:
                    break
                members.append(pick)
                gain += value
                for f in fam_of[pick]:
                    cnt[f] += 1
                banned |= conflict[pick] | (1 << pick)
                Wp = W[pick]
                marg = {d: m - Wp[d] for d, m in marg.items() if not banned >> d & 1 and m - Wp[d] > EPS}
            found[tuple(sorted(members))] = gain
        return found

    def improve(self, pi: list[float], cand: list[int], members) -> tuple[float, tuple[int, ...]]:
        """Local search from a group: the best add, drop or swap until none gains."""
        W, conflict, fam_of, hall_cap = self.W, self.conflict, self.fam_of, self.hall_cap
        S = list(members)
        while True:
            cnt = [0] * len(hall_cap)
            smask = 0
            for c in S:
                smask |= 1 << c
                for f in fam_of[c]:
                    cnt[f] += 1
            contrib = {c: pi[c] - sum(W[c][d] for d in S if d != c) for c in S}
            move, delta = None, EPS
            for c in S:
                if -contrib[c] > delta:
                    move, delta = (c, None), -contrib[c]
            for e in cand:
                if smask >> e & 1:
                    continue
                We = W[e]
                m = pi[e] - sum(We[d] for d in S)
                clash = conflict[e] & smask
                if m > delta and not clash and len(S) < self.capacity \
                        and all(cnt[f] < hall_cap[f] for f in fam_of[e]):
                    move, delta = (None, e), m
                for c in S:
                    d = m + We[c] - contrib[c]
                    if d > delta and clash & ~(1 << c) == 0 \
                            and all(cnt[f] - (f in fam_of[c]) < hall_cap[f] for f in fam_of[e]):
                        move, delta = (c, e), d
            if move is None:
                break
            out, into = move
            if out is not None:
                S.remove(out)
            if into is not None:
                S.append(into)
        return sum(pi[a] for a in S) - self.cost(S), tuple(sorted(S))

    def heuristic(self, pi: list[float], threshold: float, max_cols: int) -> list[tuple[float, tuple[int, ...]]]:
        """Greedy groups, then local search from the best of them when none is good
        enough: [(gain, members)] with gain > threshold, best first."""
        cand = sorted((a for a in range(len(self.items)) if pi[a] > EPS), key=lambda a: -pi[a])
        if not cand:
            return []
        found = self.greedy(pi, cand, GREEDY_SEEDS)
        if not any(g > threshold for g in found.values()):
            for members, _ in sorted(found.items(), key=lambda kv: -kv[1])[:LOCAL_SEARCH_STARTS]:
                gain, better = self.improve(pi, cand, members)
                found[better] = gain
        return sorted(((g, m) for m, g in found.items() if g > threshold), reverse=True)[:max_cols]

    # -- exact pricing -----------------------------------------------------------------------
    def exact(self, pi: list[float], threshold: float, deadline: float, max_cols: int):
        """Branch and bound for the max over feasible groups of sum(pi) - cost (0 for
        the empty group). Returns (upper bound on that max, [(gain, members)] with
        gain > threshold, finished). Past the deadline the subtrees left open add
        their bounds: the upper bound stays valid, only weaker."""
        W, conflict, fam_of, hall_cap, fam_mask = self.W, self.conflict, self.fam_of, self.hall_cap, self.fam_mask
        capacity = self.capacity
        cnt = [0] * len(hall_cap)
        best = [0.0]
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
        return upper, [(gain, members) for members, gain in cols], not expired[0]


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


def lower_bound(space: Space, obj: TimeObjective, incumbent: dict[int, int] | None = None,
                time_limit: float = 10.0, stop_at: float | None = None,
                log: Callable[[str], None] | None = None) -> tuple[float, str]:
    """A valid lower bound on min over valid timetables of evaluate_times(...).

    Returns (bound, method). ``stop_at``: return as soon as the bound reaches it
    (the incumbent's value, i.e. optimality proven); ``incumbent`` (a valid
    timetable) gives that value when ``stop_at`` is None. Stays within ``time_limit`` seconds (checked between
    steps; one LP solve or a few hundred search nodes may run past it).
    ``log``, if given, receives one line per LP solve and per exact pricing round."""
    say = log or (lambda _line: None)
    t0 = time.monotonic()
    deadline = t0 + time_limit
    n = len(space.sessions)
    if n == 0 or (not obj.pair and not obj.unary):
        return 0.0, "trivial (nothing to count)"
    if any(not opts for opts in space.options):
        return 0.0, "none (a session has no possible start)"
    if any(w < 0 for w in obj.pair.values()):
        return 0.0, "none (negative pair weights)"
    sizes = [len(c) for c in space.cover]
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
    for g in range(len(space.segments)):
        if time.monotonic() > deadline:
            return 0.0, f"none (time limit of {time_limit:g} s reached while setting up)"
        sg = _Segment(space, g, weights, links)
        if sg.items:
            segs.append(sg)
    seg_pos = {sg.g: p for p, sg in enumerate(segs)}
    item_index = [{it: a for a, it in enumerate(sg.items)} for sg in segs]
    opt_rows: dict[tuple[int, int], list[tuple[int, int]]] = {}   # option -> (segment, item) it fills
    for i, opts in enumerate(space.options):
        for k, o in enumerate(opts):
            opt_rows[(i, k)] = [(seg_pos[g], item_index[seg_pos[g]][(i, START if g == o.segs[0] else CONT)])
                                for g in o.segs]
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
    conv_seg = [lp.Constraint(-inf, 1) for _ in segs]
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
        for p, a in rows:
            link[p][a].SetCoefficient(v, -1)
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
        xcost = {key: unary[key] + sum(pi[p][a] for p, a in rows) for key, rows in opt_rows.items()}
        for (_row, i, k, j, ok), r in zip(order_rows, rho):
            if r > 0:
                xcost[(i, k)] += r
                for q in ok:
                    xcost[(j, q)] -= r
        total = -sum(uppers)
        for i, opts in enumerate(space.options):
            total += min(xcost[(i, k)] for k in range(len(opts)))
        return total

    # -- column generation ---------------------------------------------------------------------------
    best_bound = -math.inf
    status = "time limit"
    lps = exact_rounds = 0
    last_exact = t0
    exact_seconds = 0.0
    history: list[float] = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        lp.SetTimeLimit(max(1, int(left * 1000)))
        lps += 1
        if lp.Solve() != pywraplp.Solver.OPTIMAL:
            status = "LP solver stopped"
            break
        lp_value = objective.Value()
        say(f"[{time.monotonic() - t0:6.2f}s] LP {lps}: {lp_value:.2f}, {plural(len(known), 'column')}")
        if rounded(best_bound) >= rounded(lp_value) - 1e-9:
            status = "bound meets the LP value"      # this master cannot give a better one
            break
        pi = [[max(0.0, c.dual_value()) for c in row] for row in link]
        sigma = [-min(0.0, c.dual_value()) for c in conv_seg]   # what a column must beat
        rho = [max(0.0, -row.dual_value()) for row, *_ in order_rows]
        history.append(lp_value)
        now = time.monotonic()
        # the heuristic has stalled when the LP value hardly falls any more
        stalled = len(history) > STALL_ROUNDS and history[-1 - STALL_ROUNDS] - lp_value < STALL_RATIO * lp_value
        if not stalled and now - last_exact < EXACT_EVERY * time_limit \
                and deadline - now > max(0.1 * time_limit, 2 * exact_seconds):
            added = 0
            for p, sg in enumerate(segs):
                for _, members in sg.heuristic(pi[p], sigma[p] + 1e-6, HEURISTIC_COLUMNS):
                    added += add_column(p, members)
                if time.monotonic() > deadline:
                    break
            if added:
                continue
        # exact pricing: columns, and a valid bound
        exact_rounds += 1
        last_exact = time.monotonic()
        history.clear()
        uppers, found, finished = [], [], True
        for p, sg in enumerate(segs):
            upper, cols, done = sg.exact(pi[p], sigma[p] + 1e-6, deadline, EXACT_COLUMNS)
            finished &= done
            uppers.append(upper)
            found += [(p, members) for _, members in cols]
        exact_seconds = time.monotonic() - last_exact
        value = lagrangian(pi, rho, uppers)
        best_bound = max(best_bound, value)
        say(f"[{time.monotonic() - t0:6.2f}s] exact pricing round {exact_rounds}: bound {value:.2f} "
            f"(best {best_bound:.2f}) in {exact_seconds:.2f} s, {plural(len(found), 'column')}{'' if finished else ', cut short'}")
        if stop_at is not None and rounded(best_bound) >= stop_at - 1e-9:
            status = "reached the incumbent's value"
            break
        if not finished:
            break
        if not found:
            status = "LP optimum"
            break
        for p, members in found:
            add_column(p, members)
    method = (f"column generation, {status}: {lps} LPs, {exact_rounds} exact pricing rounds, "
              f"{plural(len(known), 'column')}, {time.monotonic() - t0:.1f} s")
    if best_bound == -math.inf:
        return 0.0, "none (no exact pricing round in time); " + method
    return max(0.0, rounded(best_bound)), method
