"""The explanation's CP-SAT models: every requirement group enforced by its own literal.

``Relaxation``: the conference with rooms (``PartSpace`` + ``Model(guards=...)`` +
every rule family's guarded encoding). Solving with every literal assumed true
is the real problem; ``sufficient_assumptions_for_infeasibility`` names a set of
groups that together leave no program, and ``shrink`` (a deletion filter) makes
it minimal: dropping any one of them makes the rest satisfiable.

``RoomClasses``: a smaller and equally exact model for the subsets of a set of
groups (every other group dropped, its constraints not even built): rooms that
none of them tells apart are merged into one class, so a session picks a start
and a class instead of a room.

Both can hold a *part* of the conference (``sessions``): the sub-conference of
those sessions, every other one left out. No program for a part means none for
the whole (leaving sessions out only removes constraints), so the explanation
looks for the contradiction in growing parts, starting with the most
constrained sessions, and only then checks, on the whole conference, that
dropping any one of the named groups leaves a program.

``Clock``: the time limit and the interruption. Building a model checks it
between steps; a solve runs in a thread that the caller's thread watches, so
Ctrl-C (or the caller's ``interrupted`` flag) stops CP-SAT within a fraction of
a second and raises KeyboardInterrupt.
"""
from __future__ import annotations

import random
import threading
import time
from typing import Callable, Iterable

from ortools.sat.python import cp_model

from ..model import Conference
from . import rules
from .cpmodel import Model, cp_solver
from .rules import Requirement
from .space import Space

FEASIBLE, INFEASIBLE, UNKNOWN = "feasible", "infeasible", "unknown"
WATCH_SECONDS = 0.05          # how often a solve's watcher looks at the interruption flag
LP_LITERALS = 40_000          # up to this many placement literals a model's solves may use the LP relaxation
QUICK_SECONDS = 0.5           # a small model's first try, without the LP


class OutOfTime(Exception):
    """The time limit ended a model's building (the caller reports an unfinished answer)."""


class Clock:
    """The explanation's deadline (``time.monotonic()``) and interruption.

    ``interrupted``: a flag the caller may raise (a function returning True once
    the explanation should stop). Ctrl-C raises KeyboardInterrupt by itself in
    Python code; during a solve ``solve`` turns it into a stopped search and the
    same exception."""

    def __init__(self, deadline: float | None = None, interrupted: Callable[[], bool] | None = None):
        self.deadline = deadline if deadline is not None else time.monotonic() + 3600.0
        self.interrupted = interrupted

    def left(self) -> float:
        return self.deadline - time.monotonic()

    def out(self) -> bool:
        return self.left() <= 0

    def check(self) -> None:
        """KeyboardInterrupt once the caller's flag is raised."""
        if self.interrupted is not None and self.interrupted():
            raise KeyboardInterrupt

    def step(self) -> None:
        """Between two steps of building a model: interrupted, or out of time?"""
        self.check()
        if self.out():
            raise OutOfTime

    def solve(self, solver: cp_model.CpSolver, cp: cp_model.CpModel):
        """``solver.solve(cp)`` in a thread, watched from here: Ctrl-C or the flag
        stops the search and raises KeyboardInterrupt."""
        self.check()
        done = threading.Event()
        got: dict = {}

        def run() -> None:
            try:
                got["status"] = solver.solve(cp)
            except BaseException as exc:   # pragma: no cover - handed to the caller
                got["error"] = exc
            finally:
                done.set()

        threading.Thread(target=run, name="niic-explain-solve", daemon=True).start()
        try:
            while not done.wait(WATCH_SECONDS):
                self.check()
        except KeyboardInterrupt as exc:
            solver.stop_search()
            while True:              # CP-SAT ends its search at once; a second Ctrl-C does not leave it running
                try:
                    if done.wait(WATCH_SECONDS):
                        break
                except KeyboardInterrupt:
                    continue
            raise exc
        if "error" in got:
            raise got["error"]
        return got["status"]


class PartSpace(Space):
    """``Space(relax=True)`` for the explanation's models, optionally smaller:

    * ``only`` (session ids): the sub-conference of these sessions, every other
      one without placements (left out of the model: ``active``);
    * ``keys``: only the sets of requirement keys within ``keys`` forbid (any
      other set holds a dropped requirement, so it forbids nothing);
    * ``rooms`` (room indices): ``room_forbid`` only for these rooms (the
      representatives of ``RoomClasses``' classes);
    * ``spread``: every session but those in ``free`` gets only that many of its
      runs, spread over the grid (a *restriction*: a program found in such a
      space is a program of the whole conference; none found proves nothing).
    """

    def __init__(self, conf: Conference, *, only: Iterable[str] | None = None, keys: Iterable[str] | None = None,
                 rooms: Iterable[int] | None = None, spread: int | None = None, free: Iterable[str] = (),
                 clock: Clock | None = None):
        self.only = None if only is None else set(only)
        self.keys = None if keys is None else frozenset(keys)
        self.rep_rooms = None if rooms is None else sorted(set(rooms))
        self.spread, self.free = spread, set(free)
        self.clock = clock
        super().__init__(conf, relax=True)
        self.active = None if self.only is None else {self.index[sid] for sid in self.only}

    def _keep(self, sets):
        return sets if self.keys is None else [c for c in sets if c <= self.keys]

    def _relaxed_options(self, s):
        if self.only is not None and s.id not in self.only:
            return []
        if self.clock is not None:
            self.clock.step()
        grid, i = self.grid, self.index[s.id]
        rooms = range(len(self.rooms)) if self.rep_rooms is None else self.rep_rooms
        static = {r: self._keep(rules.room_forbids(grid, s, self.rooms[r])) for r in rooms}
        opts = []
        for date, start, run, why in self._runs(s, i):
            why = self._keep(why)
            k = len(opts)
            if why:
                self.forbid[(i, k)] = tuple(dict.fromkeys(why))
            for r in rooms:
                rwhy = static[r] + self._keep(rules.room_at_forbids(grid, s, self.rooms[r], date, run))
                if rwhy:
                    self.room_forbid[(i, k, r)] = tuple(dict.fromkeys(rwhy))
            opts.append(self._option(date, start, run, range(len(self.rooms))))
        return opts

    def _runs(self, s, i: int):
        """(date, start, run, what forbids it) for the runs of the grid ``s`` may take:
        all of them, or (``spread``) a few."""
        grid = self.grid
        runs = list(grid.runs(s))
        n = len(runs)
        few = self.spread is not None and s.id not in self.free and n > self.spread
        # a few: in an order of its own (seeded by the session's index: the same every time),
        # so that the sessions share the grid out evenly
        picks = random.Random(i).sample(range(n), n) if few else range(n)
        out = []
        for p in picks:
            date, start, run = runs[p]
            why = rules.start_forbids(grid, s, date, start, run)
            if frozenset() in why:
                continue          # forbidden by the grid itself: never relaxed
            out.append((p, (date, start, run, why)))
            if few and len(out) >= self.spread:
                break
        return [run for _, run in sorted(out, key=lambda x: x[0])]

    def keys_in_force(self, requirements: dict[str, Requirement]) -> list[str]:
        """The requirement keys that can matter for this part: those that forbid one of
        its placements, and those of its sessions (their links, speakers' parts, claims)."""
        used = {k for why in list(self.forbid.values()) + list(self.room_forbid.values()) for c in why for k in c}
        mine = self.only if self.only is not None else {s.id for s in self.sessions}
        return sorted(k for k, req in requirements.items() if k in used or req.session in mine)


def encode(m: Model, clock: Clock | None) -> None:
    """Every family's constraints (as rules.add_hard_rules), looking at the clock between families."""
    for rule in rules.RULES:
        if clock is not None:
            clock.step()
        rule.encode(m)


class _Guarded:
    """A CP-SAT model whose requirement groups each have an enforcement literal."""

    conf: Conference
    requirements: dict[str, Requirement]
    model: Model
    clock: Clock

    def _index(self, literals: int) -> None:
        """After building: the guards by literal index; ``literals``, the model's
        placement literals, decide whether its solves use the LP relaxation (it proves
        pigeon-hole cores, n sessions for n - 1 places, at once, but slows a big model)."""
        self.by_index = {lit.index: key for key, lit in self.model.guards.items()}
        self.solves = 0
        self.small = literals <= LP_LITERALS

    @property
    def keys(self) -> list[str]:
        """The requirement keys this model can enforce (every other one is dropped)."""
        return list(self.model.guards)

    def solve(self, on, seconds: float | None = None, *, proof: bool = False) -> tuple[str, list[str] | None]:
        """(FEASIBLE, None), (UNKNOWN, None) or (INFEASIBLE, keys of ``on`` that suffice).
        ``proof``: "no program" is the expected answer (a small model uses the LP at once)."""
        on = set(on)
        unknown = on - set(self.model.guards)
        if unknown:
            raise KeyError(f"not requirement keys of this model: {sorted(unknown)}")
        seconds = self.clock.left() if seconds is None else min(seconds, self.clock.left())
        if seconds <= 0:
            self.clock.check()
            return UNKNOWN, None
        cp = self.model.cp
        cp.clear_assumptions()
        cp.add_assumptions([lit if key in on else lit.Not() for key, lit in self.model.guards.items()])
        end = time.monotonic() + seconds
        # without the LP first (fast); a small model, once more with it: the LP proves
        # pigeon-hole cores (n sessions for n - 1 places) at once, which search alone cannot
        # (with it alone when a proof is expected)
        attempts = ([2] if proof else [0, 2]) if self.small else [0]
        for n, lp in enumerate(attempts):
            left = end - time.monotonic()
            if left <= 0:
                break
            limit = min(left, QUICK_SECONDS) if n < len(attempts) - 1 else left
            status, core = self._solve_once(cp, on, limit, lp)
            if status != UNKNOWN:
                return status, core
        self.clock.check()
        return UNKNOWN, None

    def _solve_once(self, cp, on: set[str], seconds: float, linearization: int) -> tuple[str, list[str] | None]:
        # assumptions run one worker anyway; without presolve the cores stay exact
        # and the many small solves stay fast
        solver = cp_solver(workers=1, seed=0, deterministic=False, seconds=seconds, minimum=0.05)
        p = solver.parameters
        p.cp_model_presolve = False
        p.symmetry_level = 0
        p.cp_model_probing_level = 0
        p.linearization_level = linearization
        self.solves += 1
        status = self.clock.solve(solver, cp)
        if status == cp_model.INFEASIBLE:
            core = {self.by_index[i] for i in solver.sufficient_assumptions_for_infeasibility() if i in self.by_index}
            return INFEASIBLE, [k for k in self.model.guards if k in core and k in on]
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return FEASIBLE, None
        return UNKNOWN, None

    def feasible(self, on, seconds: float = 60.0) -> bool | None:
        status, _ = self.solve(on, seconds)
        return None if status == UNKNOWN else status == FEASIBLE

    def order(self, keys) -> list[str]:
        """Deletion order (see Rule.drop_rank): first tried, first dropped."""
        return rules.by_rank(keys)

    def shrink(self, keys, deadline: float) -> tuple[list[str], bool]:
        """A subset of the infeasible set ``keys`` that is minimal (dropping any one
        element makes it feasible): (subset, True); (smaller set, False) when time
        ran out first."""
        current = self.order(keys)

        def left() -> float:
            return deadline - time.monotonic()

        # large sets: drop chunks first
        size = len(current) // 2
        while len(current) > 16 and size >= 2 and left() > 0:
            pos = 0
            while pos < len(current) and left() > 0:
                trial = current[:pos] + current[pos + size:]
                status, core = self.solve(trial, left())
                if status == INFEASIBLE:
                    keep = set(core)
                    current = [k for k in trial if k in keep]
                else:
                    pos += size
            size //= 2
        return self.confirm(current, deadline)

    def confirm(self, keys, deadline: float) -> tuple[list[str], bool]:
        """The one-by-one deletion filter: each key of the infeasible set ``keys`` is
        dropped in turn; what stays is needed. (subset, True) when every remaining key
        is proven needed; (subset, False) when time ran out or a solve was undecided."""
        current = self.order(keys)
        needed: set[str] = set()
        proven = True
        while True:
            todo = [k for k in current if k not in needed]
            if not todo:
                break
            if deadline - time.monotonic() <= 0:
                return current, False
            k = todo[0]
            trial = [x for x in current if x != k]
            status, core = self.solve(trial, deadline - time.monotonic())
            if status == INFEASIBLE:
                keep = set(core)
                current = [x for x in trial if x in keep or x in needed]
            else:
                needed.add(k)
                proven = proven and status == FEASIBLE
        return current, proven


class Relaxation(_Guarded):
    """The conference (or the part of it holding ``sessions``) as one CP-SAT model of
    times and rooms in which every requirement group is enforced by its own literal.

    ``solve(on)`` enforces exactly the groups in ``on`` and drops every other one;
    with every group on it is the real problem."""

    def __init__(self, conf: Conference, reqs: dict[str, Requirement] | None = None, *,
                 sessions: Iterable[str] | None = None, keys: Iterable[str] | None = None,
                 clock: Clock | None = None):
        self.conf = conf
        self.clock = clock if clock is not None else Clock()
        self.requirements = reqs if reqs is not None else rules.requirements(conf)
        self.space = PartSpace(conf, only=sessions, keys=keys, clock=self.clock)
        guards = sorted(self.requirements) if keys is None else sorted(set(keys) & set(self.requirements))
        self.clock.step()
        self.model = Model(self.space, with_rooms=True, guards=guards, active=self.space.active)
        encode(self.model, self.clock)
        self._index(sum(len(ys) for ys in self.model.y.values()))

    def narrowed(self, keys) -> _Guarded:
        """An equally exact, much smaller model for sets within ``keys`` (every other
        requirement dropped): RoomClasses when the slot grid allows it, else self."""
        if RoomClasses.exact_for(self.conf):
            return RoomClasses(self.conf, self.requirements, keys, space=self.space, clock=self.clock)
        return self


def room_classes(conf: Conference, chosen: list[Requirement]) -> list[list[int]]:
    """Room indices grouped by how the requirements ``chosen`` tell them apart."""
    def signature(room) -> tuple:
        sig = (rules.rule_of(q.key).room_signature(conf, q, room) for q in chosen)
        return tuple(v for v in sig if v is not None)

    classes: dict[tuple, list[int]] = {}
    for r, room in enumerate(conf.rooms):
        classes.setdefault(signature(room), []).append(r)
    return list(classes.values())


class RoomClasses(_Guarded):
    """The relaxation for subsets of ``keys`` only (every other requirement dropped),
    with rooms that no requirement of ``keys`` tells apart merged into one class;
    of the whole conference, or of the part holding ``sessions``.

    A session picks a start and a class; at any time a class holds at most as many
    sessions as it has rooms. That is exact: the rooms of a class are alike for
    every requirement that can be in force, and when no two slots of a day overlap
    a session occupies an interval of slots, so sessions that never exceed a
    class's size at any time can be given its rooms (interval graphs need no more
    colours than their largest overlap).

    ``space``: a relaxed space to build on (one with every room's ``room_forbid``);
    without it, a ``PartSpace`` of just what ``keys`` need is built."""

    @staticmethod
    def exact_for(conf: Conference) -> bool:
        for day in conf.days:
            slots = sorted(day.slots, key=lambda x: x.start)
            if any(b.start < a.end for a, b in zip(slots, slots[1:])):
                return False
        return True

    def __init__(self, conf: Conference, reqs: dict[str, Requirement], keys, *,
                 sessions: Iterable[str] | None = None, space: Space | None = None, clock: Clock | None = None):
        self.conf, self.requirements = conf, reqs
        self.clock = clock if clock is not None else Clock()
        keys = sorted(set(keys))
        self.classes = room_classes(conf, [reqs[k] for k in keys])
        if space is None:
            space = PartSpace(conf, only=sessions, keys=keys, rooms=[c[0] for c in self.classes], clock=self.clock)
        self.space = space
        self.clock.step()
        m = self.model = Model(space, with_rooms=False, guards=keys, active=getattr(space, "active", None))
        encode(m, self.clock)
        z: dict[tuple[int, int], list] = {}
        groups: dict[frozenset[str], list] = {}
        for i, xs in enumerate(m.x):
            if xs:
                self.clock.step()
            for k, lit in xs.items():
                zs = []
                for c, members in enumerate(self.classes):
                    zc = m.cp.new_bool_var(f"z[{space.sessions[i].id},{k},{c}]")
                    zs.append(zc)
                    for why in space.room_forbid.get((i, k, members[0]), ()):
                        groups.setdefault(why, []).append(zc)
                m.cp.add(sum(zs) == lit)
                z[(i, k)] = zs
        for why, lits in groups.items():
            if any(m.dropped(key) for key in why):
                continue             # a dropped requirement: the set forbids nothing
            c = m.cp.add_bool_and([lit.Not() for lit in lits])
            enforce = [m.guards[key] for key in sorted(why)]
            if enforce:
                c.only_enforce_if(enforce)
        self.clock.step()
        for g, covering in enumerate(space.cover):
            for c, members in enumerate(self.classes):
                lits = [z[(i, k)][c] for i, k in covering if (i, k) in z]
                if len(lits) > len(members):
                    m.cp.add(sum(lits) <= len(members))
        self._index(len(z) * (1 + len(self.classes)))


class Whole(_Guarded):
    """The whole conference with only ``keys`` in force, to confirm a clashing set found
    in a part (``part``: its session ids) by the one-by-one deletion filter (``confirm``).

    Dropping one key should leave a program, and a program is quicker found than
    proven absent: on a large conference each solve first tries a *witness* model
    (the part's sessions with every run, every other session with a few of its
    runs: a program found there is a program of the whole), and only when that
    finds none the whole model (built then; from then on it alone). Cores come
    from the whole model only."""

    SPREAD = 3                # runs of the grid each session outside the part keeps in the witness model
    WITNESS_SECONDS = 2.0     # at most this for a witness solve (it only saves time; the whole model decides)

    def __init__(self, conf: Conference, reqs: dict[str, Requirement], keys, part: Iterable[str], *,
                 exact: bool, clock: Clock | None = None):
        self.conf, self.requirements = conf, reqs
        self.clock = clock if clock is not None else Clock()
        self.keys_, self.part, self.exact = sorted(set(keys)), set(part), exact
        self._whole: _Guarded | None = None
        self.witness: _Guarded | None = None
        classes = room_classes(conf, [reqs[k] for k in self.keys_])
        # the whole model's size, at most: small, and it is built at once
        if exact and len(conf.sessions) * len(conf.slots) * (1 + len(classes)) > LP_LITERALS:
            space = PartSpace(conf, keys=self.keys_, rooms=[c[0] for c in classes], spread=self.SPREAD,
                              free=self.part, clock=self.clock)
            self.witness = RoomClasses(conf, reqs, self.keys_, space=space, clock=self.clock)
            self.witness.small = False        # a search for a program: the LP would only slow it down
            self.model = self.witness.model
        else:
            self.model = self.whole().model

    def whole(self) -> _Guarded:
        if self._whole is None:
            if self.exact:
                self._whole = RoomClasses(self.conf, self.requirements, self.keys_, clock=self.clock)
            else:
                self._whole = Relaxation(self.conf, self.requirements, keys=self.keys_, clock=self.clock)
        return self._whole

    @property
    def keys(self) -> list[str]:
        return list(self.keys_)

    def solve(self, on, seconds: float | None = None, *, proof: bool = False) -> tuple[str, list[str] | None]:
        if self.witness is not None and self._whole is None and not proof:
            left = self.clock.left() if seconds is None else seconds
            status, _ = self.witness.solve(on, min(self.WITNESS_SECONDS, left))
            if status == FEASIBLE:
                return FEASIBLE, None
        return self.whole().solve(on, seconds, proof=proof)
