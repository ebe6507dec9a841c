"""The explanation's CP-SAT models: every requirement group enforced by its own literal.

``Relaxation``: the whole conference (``Space(relax=True)`` + ``Model(guards=...)``
+ every rule family's guarded encoding). Solving with every literal assumed true
is the real problem; ``sufficient_assumptions_for_infeasibility`` names a set of
groups that together leave no program, and ``shrink`` (a deletion filter) makes
it minimal: dropping any one of them makes the rest satisfiable. The filter runs
on ``RoomClasses``, a smaller and equally exact model: with only that set's
groups in force, rooms that none of them tells apart are merged.
"""
from __future__ import annotations

import time

from ortools.sat.python import cp_model

from ..model import Conference
from . import rules
from .cpmodel import Model, cp_solver
from .rules import Requirement
from .space import Space

FEASIBLE, INFEASIBLE, UNKNOWN = "feasible", "infeasible", "unknown"


class _Guarded:
    """A CP-SAT model whose requirement groups each have an enforcement literal."""

    conf: Conference
    requirements: dict[str, Requirement]
    model: Model

    def _index(self) -> None:
        self.by_index = {lit.index: key for key, lit in self.model.guards.items()}
        self.solves = 0

    def solve(self, on, seconds: float) -> tuple[str, list[str] | None]:
        """(FEASIBLE, None), (UNKNOWN, None) or (INFEASIBLE, keys of ``on`` that suffice)."""
        on = set(on)
        unknown = on - set(self.model.guards)
        if unknown:
            raise KeyError(f"not requirement keys of this conference: {sorted(unknown)}")
        cp = self.model.cp
        cp.clear_assumptions()
        cp.add_assumptions([lit if key in on else lit.Not() for key, lit in self.model.guards.items()])
        # assumptions run one worker anyway; without presolve the cores stay exact
        # and the many small solves stay fast
        solver = cp_solver(workers=1, seed=0, deterministic=False, seconds=seconds, minimum=0.1)
        p = solver.parameters
        p.cp_model_presolve = False
        p.symmetry_level = 0
        p.cp_model_probing_level = 0
        p.linearization_level = 0
        self.solves += 1
        status = solver.solve(cp)
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
        proven = True

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
        # one by one: what stays is needed
        needed: set[str] = set()
        while True:
            todo = [k for k in current if k not in needed]
            if not todo:
                break
            if left() <= 0:
                return current, False
            k = todo[0]
            trial = [x for x in current if x != k]
            status, core = self.solve(trial, left())
            if status == INFEASIBLE:
                keep = set(core)
                current = [x for x in trial if x in keep or x in needed]
            else:
                needed.add(k)
                proven = proven and status == FEASIBLE
        return current, proven


class Relaxation(_Guarded):
    """The whole conference as one CP-SAT model (times and rooms) in which every
    requirement group is enforced by its own literal.

    ``solve(on)`` enforces exactly the groups in ``on`` and drops every other one;
    with every group on it is the real problem."""

    def __init__(self, conf: Conference, reqs: dict[str, Requirement] | None = None):
        self.conf = conf
        self.requirements = reqs if reqs is not None else rules.requirements(conf)
        self.space = Space(conf, relax=True)
        self.model = Model(self.space, with_rooms=True, guards=sorted(self.requirements))
        rules.add_hard_rules(self.model)
        self._index()

    def narrowed(self, keys) -> _Guarded:
        """An equally exact, much smaller model for sets within ``keys`` (every other
        requirement dropped): RoomClasses when the slot grid allows it, else self."""
        if RoomClasses.exact_for(self.conf):
            return RoomClasses(self, keys)
        return self


class RoomClasses(_Guarded):
    """The relaxation for subsets of ``keys`` only (every other requirement dropped),
    with rooms that no requirement of ``keys`` tells apart merged into one class.

    A session picks a start and a class; at any time a class holds at most as many
    sessions as it has rooms. That is exact: the rooms of a class are alike for
    every requirement that can be in force, and when no two slots of a day overlap
    a session occupies an interval of slots, so sessions that never exceed a
    class's size at any time can be given its rooms (interval graphs need no more
    colours than their largest overlap)."""

    @staticmethod
    def exact_for(conf: Conference) -> bool:
        for day in conf.days:
            slots = sorted(day.slots, key=lambda x: x.start)
            if any(b.start < a.end for a, b in zip(slots, slots[1:])):
                return False
        return True

    def __init__(self, relax: Relaxation, keys):
        self.conf, self.requirements, space = relax.conf, relax.requirements, relax.space
        chosen = [self.requirements[k] for k in sorted(set(keys))]

        def signature(room) -> tuple:
            sig = (rules.rule_of(q.key).room_signature(self.conf, q, room) for q in chosen)
            return tuple(v for v in sig if v is not None)

        classes: dict[tuple, list[int]] = {}
        for r, room in enumerate(space.rooms):
            classes.setdefault(signature(room), []).append(r)
        self.classes = list(classes.values())
        # every requirement keeps its literal (those outside ``keys`` are assumed dropped)
        m = self.model = Model(space, with_rooms=False, guards=sorted(self.requirements))
        rules.add_hard_rules(m)
        z: dict[tuple[int, int], list] = {}
        groups: dict[frozenset[str], list] = {}
        for i, xs in enumerate(m.x):
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
            c = m.cp.add_bool_and([lit.Not() for lit in lits])
            enforce = [m.guards[key] for key in sorted(why) if key in m.guards]
            if enforce:
                c.only_enforce_if(enforce)
        for g, covering in enumerate(space.cover):
            for c, members in enumerate(self.classes):
                lits = [z[(i, k)][c] for i, k in covering if (i, k) in z]
                if len(lits) > len(members):
                    m.cp.add(sum(lits) <= len(members))
        self._index()
