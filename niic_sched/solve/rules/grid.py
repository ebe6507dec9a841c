"""The slot grid, enumerated once: the runs of consecutive slots a session may
start (by its duration), the global clock, and Hall's condition (a matching
argument every counting family shares)."""
from __future__ import annotations

import datetime as dt

from ...model import Conference, Session, Slot, hhmm

DAY_MINUTES = 24 * 60
Run = tuple[dt.date, int, tuple[Slot, ...]]   # (date, start, covered slots)


class Grid:
    """Every run of the grid by duration (cached), and the conference's clock."""

    def __init__(self, conf: Conference):
        self.conf = conf
        self.has_plenary_slots = any(sl.is_plenary for sl in conf.slots)
        self.day_index = {d.date: n for n, d in enumerate(conf.days)}
        self._runs: dict[int, list[Run]] = {}

    def runs(self, s: Session) -> list[Run]:
        """(date, start, covered slots) of every run of consecutive slots that holds ``s``."""
        out = self._runs.get(s.duration)
        if out is None:
            out = self._runs[s.duration] = [(day.date, sl.start, run) for day in self.conf.days for sl in day.slots
                                            if (run := self.conf.covered_slots(s, day.date, sl.start)) is not None]
        return out

    def t0(self, date: dt.date, start: int) -> int:
        return self.day_index[date] * DAY_MINUTES + start

    def clock(self, t: int) -> str:
        return f"{self.conf.days[t // DAY_MINUTES].date.isoformat()} {hhmm(t % DAY_MINUTES)}"


def covers(u, date: dt.date, run) -> bool:
    """Does the time range ``u`` meet the run of slots?"""
    return any(u.covers(date, x.start, x.end) for x in run)


def hall_violator(left: list, adj: dict) -> tuple[list, set] | None:
    """Left vertices that cannot each get a distinct resource.

    ``adj[u]`` lists the resources left vertex ``u`` may use. Returns (Z, N): Z the
    left vertices reachable by alternating paths from those a maximum matching
    leaves out, N their resources, with len(Z) > len(N); None when every vertex
    can be matched."""
    match_l: dict = {}
    match_r: dict = {}
    for u in left:
        for v in adj[u]:
            if v not in match_r:
                match_l[u], match_r[v] = v, u
                break
    for u in left:
        if u in match_l:
            continue
        parent: dict = {}
        seen = {u}
        frontier = [u]
        found = None
        while frontier and found is None:
            nxt = []
            for a in frontier:
                for v in adj[a]:
                    if v in parent:
                        continue
                    parent[v] = a
                    if v not in match_r:
                        found = v
                        break
                    b = match_r[v]
                    if b not in seen:
                        seen.add(b)
                        nxt.append(b)
                if found is not None:
                    break
            frontier = nxt
        v = found
        while v is not None:
            a = parent[v]
            prev = match_l.get(a)
            match_l[a], match_r[v] = v, a
            v = None if a == u else prev
    unmatched = [u for u in left if u not in match_l]
    if not unmatched:
        return None
    zs, ns = set(unmatched), set()
    stack = list(unmatched)
    while stack:
        a = stack.pop()
        for v in adj[a]:
            if v in ns:
                continue
            ns.add(v)
            b = match_r[v]
            if b not in zs:
                zs.add(b)
                stack.append(b)
    return [u for u in left if u in zs], ns


HALL_FAMILY_LIMIT = 400


def union_closure(base: list[int]) -> list[int]:
    """Unions of the given bit sets, smallest first, at most HALL_FAMILY_LIMIT."""
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
