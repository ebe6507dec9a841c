"""The CP-SAT model: variables over the search space, plus helpers that the rule
families in ``rules.py`` and the goals in ``goals.py`` use.

Two modes share every rule:
* ``with_rooms=False`` (the timetable step): one literal per session and start;
  rooms enter only as counting cuts, so the room step that follows can succeed;
* ``with_rooms=True``: one literal per session, start and room.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from ortools.sat.python import cp_model

from .space import Space


def cp_solver(*, workers: int, seed: int, deterministic: bool, seconds: float,
              minimum: float = 0.05) -> cp_model.CpSolver:
    """A CP-SAT solver with niic-sched's settings: a wall-clock limit, or with
    ``deterministic`` a work limit (same inputs, seed, workers -> same answer);
    Ctrl-C is left to Python, which keeps the best program so far."""
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.num_workers = workers
    p.random_seed = seed
    p.catch_sigint_signal = False
    if deterministic:
        p.interleave_search = workers > 1
        p.max_deterministic_time = max(minimum, seconds)
    else:
        p.max_time_in_seconds = max(minimum, seconds)
    return solver


@dataclass(frozen=True)
class Penalty:
    name: str                   # "attendee conflict s0014/s0031"
    weight: int
    literal: object             # a CP-SAT literal or integer expression
    goal: str = ""              # which soft goal it belongs to
    count: int = 1              # how many (attendees, seats...) one unit of the literal stands for


class Model:
    def __init__(self, space: Space, *, with_rooms: bool, allowed: dict[int, set[int]] | None = None,
                 rooms_allowed: dict[int, set[int]] | None = None, active: set[int] | None = None,
                 guards: Iterable[str] | None = None):
        self.space = space
        self.active = set(range(len(space.sessions))) if active is None else set(active)
        self.with_rooms = with_rooms
        self.cp = cp_model.CpModel()
        self.penalties: list[Penalty] = []
        # the explanation's relaxed model: requirement key -> the literal that enforces
        # it (see Space(relax=True)); None, as in the solver: every rule is hard
        self.guards: dict[str, cp_model.IntVar] | None = None
        if guards is not None:
            self.guards = {key: self.cp.new_bool_var(f"req[{key}]") for key in guards}
        # x[i][k]: session i starts with option k
        self.x: list[dict[int, cp_model.IntVar]] = []
        for i, opts in enumerate(space.options):
            keep = allowed.get(i) if allowed is not None and i in allowed else None
            if i not in self.active:
                self.x.append({})
                continue
            self.x.append({k: self.cp.new_bool_var(f"x[{space.sessions[i].id},{o.date},{o.start}]")
                           for k, o in enumerate(opts) if keep is None or k in keep})
        # y[(i, k)][r]: ... and uses room r
        self.y: dict[tuple[int, int], dict[int, cp_model.IntVar]] = {}
        if with_rooms:
            for i, xs in enumerate(self.x):
                rkeep = rooms_allowed.get(i) if rooms_allowed is not None and i in rooms_allowed else None
                for k, lit in xs.items():
                    rooms = [r for r in space.options[i][k].rooms if rkeep is None or r in rkeep]
                    if len(rooms) == 1:
                        self.y[(i, k)] = {rooms[0]: lit}
                    else:
                        self.y[(i, k)] = {r: self.cp.new_bool_var(f"y[{space.sessions[i].id},{k},{space.rooms[r].id}]")
                                          for r in rooms}
        if guards is not None:
            self._forbid_guarded()

    # -- guarded requirements (relax mode) ---------------------------------------------
    def guard(self, key: str):
        """The literal that enforces requirement ``key``, or None when it is simply hard
        (the solver's models) or dropped (see ``dropped``)."""
        return None if self.guards is None else self.guards.get(key)

    def dropped(self, key: str) -> bool:
        """In the explanation's models a requirement without a literal is dropped: its
        constraints are not built at all (the smaller models of a few requirements)."""
        return self.guards is not None and key not in self.guards

    def _forbid_guarded(self) -> None:
        """Relax mode: a placement that requirements forbid is allowed once one is dropped.
        One constraint per set of keys: every literal it forbids is false while all hold.
        Without rooms (``with_rooms=False``) only the time-level requirements are added;
        the room-level ones (``space.room_forbid``) are then the caller's."""
        space = self.space
        groups: dict[frozenset[str], list] = {}
        for (i, k), why in space.forbid.items():
            lit = self.x[i].get(k)
            if lit is not None:
                for keys in why:
                    groups.setdefault(keys, []).append(lit)
        if self.with_rooms:
            for (i, k, r), why in space.room_forbid.items():
                lit = self.y.get((i, k), {}).get(r)
                if lit is not None:
                    for keys in why:
                        groups.setdefault(keys, []).append(lit)
        for keys, lits in groups.items():
            if any(self.dropped(key) for key in keys):
                continue             # a dropped requirement: the set forbids nothing
            enforce = [self.guards[key] for key in sorted(keys)]
            c = self.cp.add_bool_and([lit.Not() for lit in lits])
            if enforce:
                c.only_enforce_if(enforce)

    # -- views ----------------------------------------------------------------------
    def covering(self, seg: int, sessions=None):
        """(i, k, literal) of placements that cover segment ``seg``."""
        for i, k in self.space.cover[seg]:
            if sessions is not None and i not in sessions:
                continue
            lit = self.x[i].get(k)
            if lit is not None:
                yield i, k, lit

    def occupies(self, i: int, seg: int) -> list:
        """Literals of session i's starts that cover ``seg`` (at most one is true)."""
        return [self.x[i][k] for k in self.x[i] if seg in self.space.options[i][k].segs]

    # -- hints and reading back ------------------------------------------------------
    def hint(self, placement: dict[int, tuple[int, int | None]]) -> None:
        """placement: session index -> (option k, room index or None)."""
        for i, xs in enumerate(self.x):
            if i not in placement:
                continue
            k0, r0 = placement[i]
            for k, lit in xs.items():
                self.cp.add_hint(lit, k == k0)
            if self.with_rooms:
                for k in xs:
                    for r, lit in self.y[(i, k)].items():
                        if lit is xs[k]:
                            continue
                        self.cp.add_hint(lit, k == k0 and r == r0)

    def read(self, solver: cp_model.CpSolver) -> dict[int, tuple[int, int | None]]:
        out = {}
        for i, xs in enumerate(self.x):
            for k, lit in xs.items():
                if solver.boolean_value(lit):
                    room = None
                    if self.with_rooms:
                        room = next(r for r, y in self.y[(i, k)].items() if solver.boolean_value(y))
                    out[i] = (k, room)
                    break
        return out
