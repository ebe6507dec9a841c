#!/usr/bin/env python3
"""Adapter: solve a niic-sched conference with the PyCon UK ``conference-scheduler``
package (PyPI, PuLP + CBC) and write its program as a niic-sched schedule.yaml.

    pip install '.[bench]'      # conference-scheduler (and PuLP, which ships CBC)
    .venv/bin/python benchmarks/adapter_conference_scheduler.py CONF_DIR -o cs.yaml --time-limit 60

The mapping:
* each (slot of the grid, room) cell -> one ``Slot(venue=room, starts_at=day+start,
  duration=slot length, capacity=room capacity, session=day)``;
* each session -> one ``Event(name=id, duration, demand=expected_attendance,
  tags=[track], unavailability=[...])``. conference-scheduler treats events that
  share a tag as never concurrent (a hard rule there, not a soft goal);
* what it can express only as unavailability (cells the event may not take):
  capacity (its LP does not compare demand with capacity), required room
  features, room and speaker unavailability, pins, plenary-only slots, and the
  slots where a multi-slot session's run does not fit. Those cells are exactly
  the ones that niic-sched's unary hard rules forbid (niic_sched.solve.space);
* sessions that share a speaker, ``not_with`` pairs, and plenaries (when the grid
  has no plenary slots) -> each other's unavailability (never concurrent).

What it cannot express (the checker then reports what breaks):
* multi-slot sessions: an event fills one slot, so a 165-minute training gets one
  75-minute slot in the model; the following slot of its room may be given to
  another event, and speakers/interests are not blocked there;
* ``after`` (order between sessions);
* partial overlaps: two slots are concurrent for it only when one contains the
  other, so on grids with overlapping slots of different lengths, and for
  multi-slot runs, clashes go unseen;
* attendee interests: it has no attendee-conflict objective. It runs here as a
  feasibility problem (or with ``--objective efficiency``, its capacity-demand
  objective), so its conflicts are whatever a valid answer happens to have.

Its LP has a constraint per concurrent slot pair per pair of events that may not
be concurrent, so it grows quickly; ``--max-constraints`` refuses (exit 3, with
the reason on stderr) instances whose model would exceed it rather than run out
of memory.

Exit codes: 0 written; 1 no solution (infeasible or none within the time limit);
2 bad input or the package is missing; 3 too large for it (nothing built).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from niic_sched.errors import InputError  # noqa: E402
from niic_sched.io import load  # noqa: E402
from niic_sched.io.schedule_file import write_schedule  # noqa: E402
from niic_sched.model import Assignment, Conference, Schedule  # noqa: E402
from niic_sched.solve.space import Space  # noqa: E402

CANNOT_EXPRESS = [
    "capacity (only as unavailability of too-small rooms)",
    "required features (only as unavailability)",
    "multi-slot sessions (an event fills one slot)",
    "`after` order",
    "partial overlaps (only containment counts as concurrent)",
    "attendee interests (no attendee-conflict objective; tracks as tags are never concurrent instead)",
]


class TooLarge(Exception):
    pass


class Adapter:
    """Builds the package's Events and Slots for ``conf``."""

    def __init__(self, conf: Conference, *, tags: bool = True):
        from conference_scheduler.resources import Event, Slot

        self.conf = conf
        self.space = space = Space(conf)
        missing = space.without_options()
        if missing:
            raise ValueError("no start and room satisfies the unary hard rules for "
                             + ", ".join(s.id for s in missing[:10]))
        self.cells: list[tuple[int, int]] = []         # slot index -> (grid slot index, room index)
        self.slots = []
        for si, sl in enumerate(space.slots):
            starts = dt.datetime.combine(sl.day, dt.time()) + dt.timedelta(minutes=sl.start)
            for r, room in enumerate(space.rooms):
                self.cells.append((si, r))
                self.slots.append(Slot(venue=room.id, starts_at=starts, duration=sl.end - sl.start,
                                       capacity=room.capacity, session=sl.day.isoformat()))
        cell_index = {c: n for n, c in enumerate(self.cells)}
        first_slot = {(sl.day, sl.start): si for si, sl in enumerate(space.slots)}
        shortest = min(sl.end - sl.start for sl in space.slots)
        self.clamped: list[str] = []
        self.events = []
        for i, s in enumerate(space.sessions):
            allowed = set()
            for o in space.options[i]:
                si = o.slots[0]
                assert first_slot[(o.date, o.start)] == si
                for r in o.rooms:
                    allowed.add(cell_index[(si, r)])
            if s.duration > shortest:
                self.clamped.append(s.id)
            unavailable = [self.slots[n] for n in range(len(self.slots)) if n not in allowed]
            self.events.append(Event(name=s.id, duration=min(s.duration, shortest),
                                     demand=s.expected_attendance,
                                     tags=[s.track] if (tags and s.track) else [],
                                     unavailability=unavailable))
        # events that may never be concurrent
        self.never_together: set[tuple[int, int]] = set()
        by_speaker = defaultdict(list)
        for i, s in enumerate(space.sessions):
            for p in s.speakers:
                by_speaker[p].append(i)
        for group in by_speaker.values():
            for a in group:
                for b in group:
                    if a < b:
                        self.never_together.add((a, b))
        for i, s in enumerate(space.sessions):
            for other in s.not_with:
                j = space.index[other]
                self.never_together.add((min(i, j), max(i, j)))
        plenaries = [i for i, s in enumerate(space.sessions) if s.is_plenary]
        everyone = range(len(space.sessions)) if not space.grid.has_plenary_slots else plenaries
        for p in plenaries:
            for j in everyone:
                if j != p:
                    self.never_together.add((min(p, j), max(p, j)))
        for a, b in sorted(self.never_together):
            self.events[a].add_unavailability(self.events[b])
            self.events[b].add_unavailability(self.events[a])

    def estimate_constraints(self) -> int:
        """The number of constraints conference_scheduler.scheduler.solution builds,
        counted without building them."""
        n_ev, n_sl = len(self.events), len(self.slots)
        # concurrent slot pairs (one contains the other, same day), by time interval
        per_interval = Counter((s.starts_at, s.duration) for s in self.slots)
        keys = sorted(per_interval)
        pairs = 0
        for x, a in enumerate(keys):
            pairs += per_interval[a] * (per_interval[a] - 1) // 2
            ea = a[0] + dt.timedelta(minutes=a[1])
            for b in keys[x + 1:]:
                eb = b[0] + dt.timedelta(minutes=b[1])
                if (a[0] >= b[0] and ea <= eb) or (b[0] >= a[0] and eb <= ea):
                    pairs += per_interval[a] * per_interval[b]
        # ordered event pairs that may not be concurrent, counted for rows with unavailability
        tag_of: dict[str, list[int]] = defaultdict(list)
        for n, e in enumerate(self.events):
            for t in e.tags:
                tag_of[t].append(n)
        conflicting: set[tuple[int, int]] = set(self.never_together)
        for group in tag_of.values():
            for a in group:
                for b in group:
                    if a < b:
                        conflicting.add((a, b))
        has_unav = [bool(e.unavailability) for e in self.events]
        ordered = sum(has_unav[a] + has_unav[b] for a, b in conflicting)
        slot_zeros = sum(sum(1 for u in e.unavailability if not hasattr(u, "tags")) for e in self.events)
        return n_ev + n_sl + slot_zeros + pairs * ordered + n_ev * n_sl

    def solve(self, time_limit: float, objective: str = "none", threads: int = 2):
        import pulp
        from conference_scheduler import scheduler
        from conference_scheduler.lp_problem import objective_functions as of

        func = {"none": None, "efficiency": of.efficiency_capacity_demand_difference,
                "equity": of.equity_capacity_demand_difference}[objective]
        solver = pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit, threads=threads)
        try:
            return scheduler.solution(self.events, self.slots, objective_function=func, solver=solver)
        except ValueError:   # the package's "No valid solution found"
            return None

    def schedule(self, solution, meta: dict) -> Schedule:
        space = self.space
        out = []
        for e, n in sorted(solution):
            si, r = self.cells[n]
            sl = space.slots[si]
            out.append(Assignment(self.events[e].name, sl.day, sl.start, space.rooms[r].id))
        placed = {a.session for a in out}
        unplaced = tuple(s.id for s in space.sessions if s.id not in placed)
        return Schedule(tuple(out), unplaced, meta)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folder", type=Path)
    ap.add_argument("-o", "--output", type=Path, required=True, help="schedule.yaml to write")
    ap.add_argument("--time-limit", type=float, default=60.0, help="CBC's time limit in seconds (model building "
                    "in PuLP comes on top)")
    ap.add_argument("--objective", choices=["none", "efficiency", "equity"], default="none",
                    help="none: a feasibility problem (default); efficiency/equity: its capacity-demand objectives")
    ap.add_argument("--no-tags", action="store_true", help="do not give events their track as a tag")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--max-constraints", type=int, default=2_000_000,
                    help="refuse (exit 3) when its LP would have more constraints than this")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    a = ap.parse_args(argv)
    figures: dict = {"solver": "conference-scheduler (PuLP + CBC)", "cannot_express": CANNOT_EXPRESS}

    def finish(rc: int, **more) -> int:
        figures.update(more)
        if a.json:
            a.json.write_text(json.dumps(figures, indent=2, default=str) + "\n")
        return rc

    try:
        import conference_scheduler  # noqa: F401
    except ImportError:
        print("conference-scheduler is not installed: pip install '.[bench]'", file=sys.stderr)
        return finish(2, outcome="not installed")
    try:
        conf = load(a.folder)
    except InputError as exc:
        print(exc.summary(), file=sys.stderr)
        return finish(2, outcome="bad input")
    t0 = time.monotonic()
    try:
        ad = Adapter(conf, tags=not a.no_tags)
    except ValueError as exc:
        print(f"conference-scheduler adapter: {exc}", file=sys.stderr)
        return finish(2, outcome=str(exc))
    estimate = ad.estimate_constraints()
    figures.update(events=len(ad.events), slots=len(ad.slots), estimated_constraints=estimate,
                   multi_slot_sessions=len(ad.clamped), tags=not a.no_tags, objective=a.objective)
    print(f"conference-scheduler: {len(ad.events)} events, {len(ad.slots)} slots, about {estimate:,} LP "
          f"constraints", file=sys.stderr)
    if estimate > a.max_constraints:
        why = (f"its LP would have about {estimate:,} constraints (one per concurrent slot pair and pair of events "
               f"that may not be concurrent), over --max-constraints {a.max_constraints:,}")
        print(f"conference-scheduler: skipped: {why}", file=sys.stderr)
        return finish(3, outcome="skipped", why=why, seconds=round(time.monotonic() - t0, 2))
    solution = ad.solve(a.time_limit, a.objective, a.threads)
    seconds = round(time.monotonic() - t0, 2)
    if solution is None:
        print(f"conference-scheduler: no solution (infeasible for it, or none within {a.time_limit:g} s)",
              file=sys.stderr)
        return finish(1, outcome="no solution", seconds=seconds)
    meta = {"solver": "conference-scheduler (PuLP + CBC) via benchmarks/adapter_conference_scheduler.py",
            "seconds": seconds, "multi_slot_sessions_given_one_slot": ad.clamped[:50],
            "ignored": ["after", "multi-slot runs", "partial overlaps", "attendee interests"]}
    write_schedule(ad.schedule(solution, meta), a.output, conf)
    print(f"conference-scheduler: wrote {a.output} ({len(solution)} events placed, {seconds} s)", file=sys.stderr)
    return finish(0, outcome="written", seconds=seconds, placed=len(solution))


if __name__ == "__main__":
    sys.exit(main())
