"""Plenaries: nothing runs alongside a plenary; plenary slots hold plenaries
only, and plenaries keep to them (when the grid has any).

Requirement ``plenaries:<session>``: a plenary's claim (it may be made a workshop)."""
from __future__ import annotations

from .base import NEVER, Reason, Requirement, Restriction, Rule, uniq, where_of
from .grid import hall_violator
from .words import join, listing, plural, session_label, when


def key(sid: str) -> str:
    return f"plenaries:{sid}"


class Plenaries(Rule):
    name = "plenaries"
    drop_rank = 0
    shapes_grid = True

    def requirements(self, conf):
        for s in conf.sessions:
            if s.is_plenary:
                yield Requirement(key(s.id), self.name, session=s.id, where=s.at("format"))

    # -- the grid --------------------------------------------------------------------------------
    def allows_start(self, grid, s, date, start, run) -> bool:
        return not grid.has_plenary_slots or all(sl.is_plenary == s.is_plenary for sl in run)

    def start_forbids(self, grid, s, date, start, run):
        if self.allows_start(grid, s, date, start, run):
            return []
        # a plenary leaves the plenary slots once its claim is dropped; nothing else enters them
        return [frozenset({key(s.id)})] if s.is_plenary else NEVER

    # -- nothing alongside -------------------------------------------------------------------------
    def pairs(self, conf):
        ids = [s.id for s in conf.sessions]
        for s in conf.sessions:
            if s.is_plenary:
                for other in ids:
                    if other != s.id:
                        yield s.id, other

    def encode(self, m) -> None:
        space = m.space
        n_rooms = len(space.rooms)
        for g in range(len(space.segments)):
            covering = list(m.covering(g))
            plen = [lit for i, _, lit in covering if space.sessions[i].is_plenary]
            if not plen:
                continue
            if m.guards is not None:
                self._guarded(m, covering, n_rooms)
                continue
            other = [lit for i, _, lit in covering if not space.sessions[i].is_plenary]
            if len(plen) > 1:
                m.cp.add_at_most_one(plen)
            if other:
                m.cp.add(sum(other) + n_rooms * sum(plen) <= n_rooms)

    def _guarded(self, m, covering, n_rooms: int) -> None:
        """Relax mode: plenary i overlaps nothing while ``plenaries:i`` holds."""
        space = m.space
        for i in sorted({i for i, _, _ in covering if space.sessions[i].is_plenary}):
            guard = m.guard(key(space.sessions[i].id))
            if guard is None:
                continue             # its claim is dropped (no literal)
            mine = [lit for j, _, lit in covering if j == i]
            rest = [lit for j, _, lit in covering if j != i]
            if not rest:
                continue
            m.cp.add(sum(rest) + n_rooms * sum(mine) <= n_rooms).only_enforce_if(guard)

    # -- explanation ---------------------------------------------------------------------------------
    def restriction(self, pc, s, keys, subject):
        if key(s.id) not in keys:
            return None
        return Restriction(parts=[f"as a plenary {subject} keeps to the plenary slots"], where=[s.at("format")],
                           fixes=["make it a workshop or panel"])

    def slot_kind(self, grid, sessions) -> str:
        """"plenary " / "regular " when the grid tells slots apart and the sessions are all of one kind."""
        if not grid.has_plenary_slots:
            return ""
        if all(s.is_plenary for s in sessions):
            return "plenary "
        return "regular " if not any(s.is_plenary for s in sessions) else ""

    def prechecks(self, pc) -> list[Reason]:
        """More plenaries than plenary slots (or than slots, when each runs alone)."""
        plen = [s for s in pc.placeable if s.is_plenary]
        if len(plen) < 2:
            return []
        adj = {s.id: [(d, st) for d, st, _ in pc.runs(s)] for s in plen}
        got = hall_violator([s.id for s in plen], adj)
        if got is None:
            return []
        zs, ns = got
        slots = sorted(ns, key=lambda x: (x[0], x[1]))
        what = plural(len(ns), "plenary slot") if pc.grid.has_plenary_slots else \
            plural(len(ns), "slot") + " in the whole grid (a plenary runs alone)"
        sessions = [pc.conf.session[z] for z in zs]
        sentence = (f"{plural(len(zs), 'plenary', 'plenaries')} ({listing(session_label(s) for s in sessions)}) "
                    f"{'needs a slot of its own' if len(zs) == 1 else 'each need a slot of their own'}, "
                    f"but there {'is' if len(ns) == 1 else 'are'} only {what}"
                    + (f" ({listing(when(d, st) for d, st in slots)})" if slots else "") + ".")
        return [Reason(self.name, sentence,
                       "Make one of them a workshop or panel, or add a plenary slot to conference.yaml.",
                       sessions=tuple(zs), requirements=tuple(key(z) for z in zs),
                       where=uniq(s.at("format") for s in sessions), title="plenary overflow")]

    def clash_reason(self, pc, a, b, both, keys, where):
        for pl, other in ((a, b), (b, a)):
            if pl.is_plenary:
                return Reason(self.name, f"{both}, but nothing may run alongside the plenary {session_label(pl)}.",
                              "Move or remove one of the two pins.", sessions=(pl.id, other.id),
                              requirements=tuple(keys + [key(pl.id)]), where=uniq(where + [pl.at("format")]),
                              title="pin clash")
        return None

    def describe(self, conf, reqs) -> list[Reason]:
        plen = [r for r in reqs if r.rule == self.name]
        if not plen:
            return []
        slots = [sl for sl in conf.slots if sl.is_plenary]
        sessions = [conf.session[r.session] for r in plen]
        if slots:
            where_ = f"in one of the {plural(len(slots), 'plenary slot')} ({listing(when(sl.day, sl.start) for sl in slots)})"
        else:
            where_ = "in a slot of its own"
        sentence = (f"{join(session_label(s) for s in sessions)} {'is a plenary' if len(sessions) == 1 else 'are plenaries'}: "
                    f"each runs {where_} with nothing alongside.")
        return [Reason(self.name, sentence, "Make one of them a workshop or panel, or add a plenary slot.",
                       sessions=tuple(s.id for s in sessions), requirements=tuple(r.key for r in plen),
                       where=where_of(plen), title="plenary")]


RULE = Plenaries()
