#!/usr/bin/env python3
"""Adapter: solve a niic-sched conference with Timefold Solver (PyPI ``timefold``,
the community edition, through its Python bindings on a JVM) and write its program
as a niic-sched schedule.yaml, for ``niic-sched check`` to judge.

    pip install '.[bench]'     # timefold (beta Python bindings; needs a JDK/JRE >= 17: `java`)
    .venv/bin/python benchmarks/adapter_timefold.py CONF_DIR -o timefold.yaml --time-limit 30

The model, shaped like Timefold's quickstarts (school timetabling, conference
scheduling):

* problem facts: ``Run`` (a start: the run of consecutive slots of one day, from
  the slot it starts in, that covers a duration; one list of runs per duration,
  from niic-sched's slot grid), ``Room``, ``Speaker``, and the links ``AfterLink``
  and ``NotWithLink``;
* one ``@planning_entity`` per session (``Talk``) with two planning variables,
  ``run`` (its value range is the runs of the session's duration, an entity value
  range: so "consecutive slots" holds by construction and "once" because every
  talk gets exactly one value) and ``room`` (all rooms); a session pinned to a day,
  a start and a room is a ``PlanningPin``-ned entity placed there;
* ``@constraint_provider``: one named constraint stream per hard rule of
  niic-sched (niic_sched/solve/rules/): room conflict, speaker conflict, plenary
  overlap, plenary slots, pins, speaker unavailability, room unavailability,
  features, capacity, after, not_with (each ``ONE_HARD`` per broken instance, as
  ``niic-sched check`` counts them); soft: attendee conflicts, the pairs of
  overlapping sessions weighted by the attendees who want both
  (``Conference.shared_interest()``), nothing else (niic-sched's other soft goals,
  such as same-track overlaps or preferred times, are not modelled);
* the solver's default phases (construction heuristic, then local search: late
  acceptance over change and swap moves), single-threaded (multi-threaded solving
  is a feature of the enterprise edition), default environment mode and random
  seed, terminated by the time limit.

The clock: the whole command is held to ``--time-limit``, counted (as niic-sched's
``--time-limit`` is) after niic-sched's own imports and without the loading of the
conference. The start-up (importing timefold and starting the JVM; the bindings'
translation of the Python domain, constraints and lambdas to Java classes, at the
decorators and in ``SolverFactory.create``; building the problem) is measured and
counts against the limit: Timefold's own termination (a spent limit) gets
``limit - start-up - 0.5 s`` (the 0.5 s for building the solver, and copying and
writing the solution), and a timer calls ``terminate_early`` at the deadline, since
the conversion of the problem to Java comes before the spent limit starts. A
start-up that takes the whole limit means no schedule (exit 3).
``--startup-not-counted`` gives Timefold's termination the whole limit instead.

Exit codes: 0 written (every session placed); 1 written with sessions left
unplaced (the limit ran out in the construction heuristic); 2 bad input, or
timefold or Java missing; 3 the start-up used up the time limit.
"""
from __future__ import annotations

T_PROCESS = __import__("time").monotonic()   # the clock of this process, before any import

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Annotated, Optional  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from niic_sched.errors import InputError  # noqa: E402
from niic_sched.io import load  # noqa: E402
from niic_sched.io.schedule_file import write_schedule  # noqa: E402
from niic_sched.model import Assignment, Conference, Schedule  # noqa: E402

DAY = 24 * 60
# seconds kept back from Timefold's termination: building the solver, copying the solution back, writing it
RESERVE = 0.5
T_NIIC = time.monotonic()   # niic-sched's own imports end here (not counted, as niic-sched's are not)


def _java_home() -> str | None:
    """JAVA_HOME, or the JDK/JRE that `java` on the PATH belongs to."""
    if os.environ.get("JAVA_HOME"):
        return os.environ["JAVA_HOME"]
    java = shutil.which("java")
    if java is None:
        return None
    return str(Path(os.path.realpath(java)).parents[1])


# -- start-up: the JVM, then the Python domain translated to Java classes (the decorators below) -----
MISSING: str | None = None
JVM_SECONDS: float | None = None
try:
    import timefold.solver as _tf
except ImportError:
    MISSING = "timefold is not installed: pip install '.[bench]' (PyPI `timefold`)"
if MISSING is None:
    home = _java_home()
    libjvm = next((p for p in (Path(home) / "lib" / "server" / "libjvm.so", Path(home) / "jre" / "lib" / "server"
                               / "libjvm.so", Path(home) / "lib" / "server" / "libjvm.dylib") if p.is_file()),
                  None) if home else None
    if home is None:
        MISSING = "Java is missing (no `java` on the PATH, no JAVA_HOME): install a JRE >= 17 " \
                  "(Debian: apt-get install openjdk-17-jre-headless, or `make bench-deps` as root)"
    elif libjvm is None:
        MISSING = f"the JVM did not start: no lib/server/libjvm.so under JAVA_HOME={home} (a JRE >= 17 is needed)"
    else:
        os.environ["JAVA_HOME"] = home
        try:
            _tf.init(str(libjvm))
        except Exception as exc:   # jpype's JVMNotFoundException and the like
            MISSING = f"the JVM did not start ({type(exc).__name__}: {exc}); JAVA_HOME={home}"
        JVM_SECONDS = time.monotonic() - T_NIIC     # importing timefold and starting the JVM

if MISSING is None:
    from timefold.solver import SolutionManager, SolverFactory
    from timefold.solver.config import (Duration, ScoreDirectorFactoryConfig, SolverConfig,
                                        SolverConfigOverride, TerminationConfig)
    from timefold.solver.domain import (PlanningEntityCollectionProperty, PlanningId, PlanningPin,
                                        PlanningScore, PlanningVariable, ProblemFactCollectionProperty,
                                        ValueRangeProvider, planning_entity, planning_solution)
    from timefold.solver.score import (Constraint, ConstraintFactory, HardSoftScore, Joiners,
                                       constraint_provider)

    # -- problem facts ---------------------------------------------------------------------------
    # (eq=False: identity, as Java objects without equals(); a dataclass's field-by-field __eq__ and
    # __hash__ would run on every index look-up of the constraint streams)
    @dataclass(eq=False)
    class Run:
        """A start: the consecutive slots of one day from ``start`` that cover a duration."""
        id: Annotated[int, PlanningId]
        day: int
        start: int           # minutes after midnight
        begin: int           # absolute minutes (day * 1440 + start)
        end: int             # absolute minutes of the end of the last covered slot
        slots: int           # bit per slot of the grid (for unavailability)
        pieces: int          # bit per elementary piece of time (for overlaps on irregular days)
        simple: bool         # the day's slots do not overlap each other: [begin, end) decides overlaps
        plenary_slots: bool  # covers a plenary slot (grid with plenary slots only)
        regular_slots: bool  # covers a regular slot (grid with plenary slots only)

    @dataclass(eq=False)
    class Room:
        id: Annotated[str, PlanningId]
        capacity: int
        features: int        # bit per feature
        closed: int          # slots (bits) when the room is unavailable

    @dataclass(eq=False)
    class Speaker:
        id: Annotated[str, PlanningId]
        unavailable: int     # slots (bits) when the speaker is unavailable

    @dataclass(eq=False)
    class AfterLink:
        id: Annotated[int, PlanningId]
        later: str           # session that must start after ...
        earlier: str         # ... this one ends

    @dataclass(eq=False)
    class NotWithLink:
        id: Annotated[int, PlanningId]
        first: str
        second: str

    # -- the planning entity -------------------------------------------------------------------------
    @planning_entity
    @dataclass(eq=False)
    class Talk:
        id: Annotated[str, PlanningId]
        attendance: int
        requires: int                    # bit per required feature
        co_speakers: dict                # other session id -> speakers the two share
        speakers_off: int                # slots (bits) when one of its speakers is unavailable
        speaker_unavailable: list[int]   # per speaker: the slots (bits) when they are unavailable
        plenary: bool
        pin_day: int                     # -1: not pinned
        pin_start: int                   # -1: not pinned
        pin_room: str                    # "": not pinned
        interest: dict                   # other session id -> attendees who want both
        runs: Annotated[list[Run], ValueRangeProvider(id="runRange")]
        pinned: Annotated[bool, PlanningPin] = field(default=False)
        run: Annotated[Optional[Run], PlanningVariable(value_range_provider_refs=["runRange"])] = \
            field(default=None)
        room: Annotated[Optional[Room], PlanningVariable(value_range_provider_refs=["roomRange"])] = \
            field(default=None)

        def overlaps(self, other: "Talk") -> bool:
            """Covered slots meet (as niic-sched's checker has it); called on pairs whose
            [begin, end) overlap."""
            return self.run.simple or (self.run.pieces & other.run.pieces) != 0

        def unavailable_speakers(self) -> int:
            n = 0
            for mask in self.speaker_unavailable:
                if (mask & self.run.slots) != 0:
                    n += 1
            return n

        def pin_broken(self) -> bool:
            return ((self.pin_day >= 0 and self.pin_day != self.run.day)
                    or (self.pin_start >= 0 and self.pin_start != self.run.start)
                    or (self.pin_room != "" and self.pin_room != self.room.id))

        def wrong_slot_kind(self) -> bool:
            return self.run.regular_slots if self.plenary else self.run.plenary_slots

    @planning_solution
    @dataclass
    class Program:
        runs: Annotated[list[Run], ProblemFactCollectionProperty]
        rooms: Annotated[list[Room], ProblemFactCollectionProperty, ValueRangeProvider(id="roomRange")]
        speakers: Annotated[list[Speaker], ProblemFactCollectionProperty]
        after_links: Annotated[list[AfterLink], ProblemFactCollectionProperty]
        not_with_links: Annotated[list[NotWithLink], ProblemFactCollectionProperty]
        talks: Annotated[list[Talk], PlanningEntityCollectionProperty]
        score: Annotated[Optional[HardSoftScore], PlanningScore] = field(default=None)

    # -- constraints: one stream per hard rule of niic-sched, soft = attendee conflicts -------------
    # The pair rules start from the same stream (named functions, so that Bavet shares its join):
    # unique pairs of talks whose runs overlap. Absolute minutes keep days apart.
    def _begin(t: Talk) -> int:
        return t.run.begin

    def _end(t: Talk) -> int:
        return t.run.end

    def _room(t: Talk) -> Room:
        return t.room

    def _overlap(a: Talk, b: Talk) -> bool:
        return a.overlaps(b)

    def _overlapping_pairs(f: ConstraintFactory, *joiners):
        return (f.for_each_unique_pair(Talk, *joiners, Joiners.overlapping(_begin, _end))
                .filter(_overlap))

    def room_conflict(f: ConstraintFactory) -> Constraint:
        return (_overlapping_pairs(f, Joiners.equal(_room))
                .penalize(HardSoftScore.ONE_HARD)
                .as_constraint("rooms: one session per room at a time"))

    def speaker_conflict(f: ConstraintFactory) -> Constraint:
        return (_overlapping_pairs(f)
                .filter(lambda a, b: b.id in a.co_speakers)
                .penalize(HardSoftScore.ONE_HARD, lambda a, b: a.co_speakers[b.id])
                .as_constraint("speakers: never in two places at once"))

    def plenary_overlap(f: ConstraintFactory) -> Constraint:
        return (_overlapping_pairs(f)
                .filter(lambda a, b: a.plenary or b.plenary)
                .penalize(HardSoftScore.ONE_HARD)
                .as_constraint("plenaries: nothing beside a plenary"))

    def plenary_slots(f: ConstraintFactory) -> Constraint:
        return (f.for_each(Talk)
                .filter(lambda t: t.wrong_slot_kind())
                .penalize(HardSoftScore.ONE_HARD)
                .as_constraint("plenaries: plenary slots for plenaries only"))

    def pins(f: ConstraintFactory) -> Constraint:
        return (f.for_each(Talk)
                .filter(lambda t: t.pin_broken())
                .penalize(HardSoftScore.ONE_HARD)
                .as_constraint("pins: pinned day, start and room"))

    def speaker_unavailable(f: ConstraintFactory) -> Constraint:
        return (f.for_each(Talk)
                .filter(lambda t: (t.speakers_off & t.run.slots) != 0)
                .penalize(HardSoftScore.ONE_HARD, lambda t: t.unavailable_speakers())
                .as_constraint("speaker_availability: speakers' unavailable times"))

    def room_unavailable(f: ConstraintFactory) -> Constraint:
        return (f.for_each(Talk)
                .filter(lambda t: (t.room.closed & t.run.slots) != 0)
                .penalize(HardSoftScore.ONE_HARD)
                .as_constraint("room_availability: rooms' closed times"))

    def features(f: ConstraintFactory) -> Constraint:
        return (f.for_each(Talk)
                .filter(lambda t: (t.requires & t.room.features) != t.requires)
                .penalize(HardSoftScore.ONE_HARD)
                .as_constraint("features: the room has the required features"))

    def capacity(f: ConstraintFactory) -> Constraint:
        return (f.for_each(Talk)
                .filter(lambda t: t.attendance > t.room.capacity)
                .penalize(HardSoftScore.ONE_HARD)
                .as_constraint("capacity: the room seats the expected attendance"))

    def after(f: ConstraintFactory) -> Constraint:
        return (f.for_each(AfterLink)
                .join(Talk, Joiners.equal(lambda link: link.later, lambda t: t.id))
                .join(Talk, Joiners.equal(lambda link, later: link.earlier, lambda t: t.id))
                .filter(lambda link, later, earlier: later.run.begin < earlier.run.end)
                .penalize(HardSoftScore.ONE_HARD)
                .as_constraint("after: starts after the other ends"))

    def not_with(f: ConstraintFactory) -> Constraint:
        return (f.for_each(NotWithLink)
                .join(Talk, Joiners.equal(lambda link: link.first, lambda t: t.id))
                .join(Talk, Joiners.equal(lambda link, a: link.second, lambda t: t.id))
                .filter(lambda link, a, b: a.run.begin < b.run.end and b.run.begin < a.run.end and a.overlaps(b))
                .penalize(HardSoftScore.ONE_HARD)
                .as_constraint("not_with: never at the same time"))

    def attendee_conflict(f: ConstraintFactory) -> Constraint:
        return (_overlapping_pairs(f)
                .filter(lambda a, b: b.id in a.interest)
                .penalize(HardSoftScore.ONE_SOFT, lambda a, b: a.interest[b.id])
                .as_constraint("attendee conflicts: overlapping sessions an attendee wants both of"))

    @constraint_provider
    def niic_constraints(f: ConstraintFactory) -> list[Constraint]:
        return [room_conflict(f), speaker_conflict(f), plenary_overlap(f), plenary_slots(f), pins(f),
                speaker_unavailable(f), room_unavailable(f), features(f), capacity(f), after(f), not_with(f),
                attendee_conflict(f)]

T_DOMAIN = time.monotonic()   # the JVM is up and the decorators have translated the domain


# -- from a niic-sched Conference to the planning problem, and back -------------------------------------
class Problem:
    """The planning problem of ``conf`` (built with the Timefold domain above)."""

    def __init__(self, conf: Conference):
        self.conf = conf
        slots = list(conf.slots)
        slot_bit = {(sl.day, sl.index): 1 << n for n, sl in enumerate(slots)}
        has_plenary_slots = any(sl.is_plenary for sl in slots)
        # elementary pieces of time: between consecutive slot boundaries of a day, inside some slot
        piece_bits: dict[tuple, int] = {}        # (date, a, b) -> bit
        slot_time: dict[tuple, int] = {}
        for day in conf.days:
            cuts = sorted({t for sl in day.slots for t in (sl.start, sl.end)})
            pieces = [(a, b) for a, b in zip(cuts, cuts[1:]) if any(sl.start <= a and b <= sl.end for sl in day.slots)]
            for a, b in pieces:
                piece_bits[(day.date, a, b)] = 1 << len(piece_bits)
            for sl in day.slots:
                slot_time[(sl.day, sl.index)] = sum(bit for (d, a, b), bit in piece_bits.items()
                                                    if d == day.date and sl.start <= a and b <= sl.end)
        self.day_of = {n: d.date for n, d in enumerate(conf.days)}
        day_index = {d.date: n for n, d in enumerate(conf.days)}
        # a day whose slots do not overlap each other: runs overlap exactly when their [begin, end) do
        simple = {d.date: all(x.end <= y.start or y.end <= x.start for x in d.slots for y in d.slots if x is not y)
                  for d in conf.days}

        self.runs: list = []
        runs_by_duration: dict[int, list] = {}
        for s in conf.sessions:
            if s.duration in runs_by_duration:
                continue
            mine = []
            for n, day in enumerate(conf.days):
                for start in sorted({sl.start for sl in day.slots}):
                    covered = conf.covered_slots(s, day.date, start)
                    if covered is None:
                        continue
                    kinds = {c.is_plenary for c in covered}
                    mine.append(Run(id=len(self.runs) + len(mine), day=n, start=start, begin=n * DAY + start,
                                    end=n * DAY + covered[-1].end,
                                    slots=sum(slot_bit[(c.day, c.index)] for c in covered),
                                    pieces=_or(slot_time[(c.day, c.index)] for c in covered),
                                    simple=simple[day.date],
                                    plenary_slots=has_plenary_slots and True in kinds,
                                    regular_slots=has_plenary_slots and False in kinds))
            self.runs += mine
            runs_by_duration[s.duration] = mine
        # the same start may be listed in several durations' lists (one Run object per list)
        features = sorted({f for r in conf.rooms for f in r.features} | {f for s in conf.sessions for f in s.requires})
        feature_bit = {f: 1 << n for n, f in enumerate(features)}

        def closed(ranges) -> int:      # the slots (bits) that some range meets
            return sum(slot_bit[(sl.day, sl.index)] for sl in slots
                       if any(u.covers(sl.day, sl.start, sl.end) for u in ranges))

        self.rooms = [Room(id=r.id, capacity=r.capacity, features=sum(feature_bit[f] for f in r.features),
                           closed=closed(r.unavailable)) for r in conf.rooms]
        room_of = {r.id: r for r in self.rooms}
        self.speakers = [Speaker(id=p.id, unavailable=closed(p.unavailable)) for p in conf.speakers]
        unavailable = {p.id: p.unavailable for p in self.speakers}
        shared = conf.shared_interest()
        interest: dict[str, dict] = {s.id: {} for s in conf.sessions}
        for (a, b), k in shared.items():
            if a in interest and b in interest:
                interest[a][b] = k
                interest[b][a] = k
        co_speakers: dict[str, dict] = {s.id: {} for s in conf.sessions}
        for group in conf.sessions_by_speaker().values():
            ids = sorted({x.id for x in group})
            for x in ids:
                for y in ids:
                    if x != y:
                        co_speakers[x][y] = co_speakers[x].get(y, 0) + 1
        self.talks = []
        self.unplaceable: list[str] = []
        for s in conf.sessions:
            runs = runs_by_duration[s.duration]
            if not runs:
                self.unplaceable.append(s.id)
            pin = s.pin
            talk = Talk(id=s.id, attendance=s.expected_attendance,
                        requires=sum(feature_bit[f] for f in s.requires), co_speakers=co_speakers[s.id],
                        speakers_off=_or(unavailable.get(p, 0) for p in s.speakers),
                        speaker_unavailable=[unavailable.get(p, 0) for p in s.speakers], plenary=s.is_plenary,
                        pin_day=day_index.get(pin.day, -1) if pin and pin.day else -1,
                        pin_start=pin.start if pin and pin.start is not None else -1,
                        pin_room=pin.room if pin and pin.room else "", interest=interest[s.id], runs=list(runs))
            if pin and pin.day and pin.start is not None and pin.room and pin.room in room_of:
                fixed = next((r for r in runs if self.day_of[r.day] == pin.day and r.start == pin.start), None)
                if fixed is not None:   # fully pinned: placed there, never moved (Timefold's @PlanningPin)
                    talk.run, talk.room, talk.pinned = fixed, room_of[pin.room], True
            self.talks.append(talk)
        links = [(s.id, b) for s in conf.sessions for b in s.after if b in conf.session]
        self.after = [AfterLink(id=n, later=a, earlier=b) for n, (a, b) in enumerate(links)]
        pairs = sorted({tuple(sorted((s.id, o))) for s in conf.sessions for o in s.not_with if o in conf.session})
        self.not_with = [NotWithLink(id=n, first=a, second=b) for n, (a, b) in enumerate(pairs)]

    def program(self):
        return Program(runs=self.runs, rooms=self.rooms, speakers=self.speakers, after_links=self.after,
                       not_with_links=self.not_with, talks=self.talks)

    def schedule(self, solution, meta: dict) -> Schedule:
        out, unplaced = [], []
        for t in solution.talks:
            if t.run is None or t.room is None:
                unplaced.append(t.id)
                continue
            out.append(Assignment(t.id, self.day_of[t.run.day], t.run.start, t.room.id))
        return Schedule(tuple(out), tuple(sorted(unplaced)), meta)


def verify_random(problem: "Problem", factory, n: int, seed: int = 1) -> list[str]:
    """Score ``n`` random complete placements with the constraint streams (Timefold's
    SolutionManager) and compare with niic-sched's checker and recount: the hard
    score must be minus the number of broken rules ``check_schedule`` finds, the
    soft score minus the attendee conflicts. Returns the disagreements."""
    import random

    from niic_sched.check import check_schedule
    from niic_sched.quality import evaluate

    rnd = random.Random(seed)
    manager = SolutionManager.create(factory)
    out = []
    for k in range(n):
        for t in problem.talks:
            if not t.pinned:
                t.run, t.room = rnd.choice(t.runs), rnd.choice(problem.rooms)
        sched = problem.schedule(problem.program(), {})
        violations = check_schedule(problem.conf, sched)
        conflicts = evaluate(problem.conf, sched).figure("attendee_conflict").count
        score = manager.update(problem.program())
        if score.hard_score != -len(violations) or score.soft_score != -conflicts:
            rules = sorted({v.rule for v in violations})
            out.append(f"placement {k}: Timefold {score}, check {len(violations)} broken ({', '.join(rules)}), "
                       f"{conflicts} attendee conflicts")
    for t in problem.talks:
        if not t.pinned:
            t.run = t.room = None
    return out


def _or(masks) -> int:
    out = 0
    for m in masks:
        out |= m
    return out


def solver_config(seed: int | None):
    """The quickstarts' configuration: the solution and entity classes, the constraint
    provider, a spent limit (set per run, see ``spent_limit``); every phase the default."""
    return SolverConfig(solution_class=Program, entity_class_list=[Talk],
                        score_director_factory_config=ScoreDirectorFactoryConfig(
                            constraint_provider_function=niic_constraints),
                        **({"random_seed": seed} if seed is not None else {}))


def spent_limit(seconds: float):
    return SolverConfigOverride(termination_config=TerminationConfig(
        spent_limit=Duration(milliseconds=max(1, int(seconds * 1000)))))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folder", type=Path)
    ap.add_argument("-o", "--output", type=Path, required=True, help="schedule.yaml to write")
    ap.add_argument("--time-limit", type=float, default=30.0,
                    help="seconds for everything but niic-sched's imports and the loading of the conference "
                         "(as niic-sched's --time-limit): Timefold's termination gets what the start-up (JVM, "
                         "domain translation, building the problem) leaves of it (default 30)")
    ap.add_argument("--startup-not-counted", action="store_true",
                    help="give Timefold's termination the whole --time-limit, on top of the start-up")
    ap.add_argument("--seed", type=int, default=None, help="Timefold's random seed (default: its own fixed seed)")
    ap.add_argument("--json", type=Path, help="also write the figures (start-up, solving, score) here")
    ap.add_argument("--quiet", action="store_true", help="no progress on stderr")
    ap.add_argument("--verify-random", type=int, default=0, metavar="N",
                    help="first score N random placements with the constraint streams and compare with "
                         "niic-sched's checker and recount (exit 4 on any difference); not counted in the limit")
    a = ap.parse_args(argv)
    figures: dict = {"solver": "Timefold Solver (community edition, Python bindings)",
                     "startup_counted": not a.startup_not_counted, "time_limit": a.time_limit}
    say = (lambda *_: None) if a.quiet else (lambda msg: print(f"timefold: {msg}", file=sys.stderr, flush=True))

    def finish(rc: int, **more) -> int:
        figures.update(more)
        figures["process_seconds"] = round(time.monotonic() - T_PROCESS, 2)
        if a.json:
            a.json.write_text(json.dumps(figures, indent=2, default=str) + "\n")
        return rc

    if MISSING is not None:
        print(f"timefold adapter: {MISSING}", file=sys.stderr)
        return finish(2, outcome="missing", why=MISSING)
    try:
        from importlib.metadata import version
        figures["timefold_version"] = version("timefold")
    except Exception:
        pass
    t_main = time.monotonic()
    figures.update(niic_import_seconds=round(T_NIIC - T_PROCESS, 2), jvm_start_seconds=round(JVM_SECONDS, 2),
                   domain_translate_seconds=round(T_DOMAIN - T_NIIC - JVM_SECONDS, 2))
    try:
        conf = load(a.folder)
    except InputError as exc:
        print(exc.summary(), file=sys.stderr)
        return finish(2, outcome="bad input")
    t_loaded = time.monotonic()
    figures["load_seconds"] = round(t_loaded - t_main, 2)
    problem = Problem(conf)
    if problem.unplaceable:
        why = "no run of consecutive slots holds " + ", ".join(problem.unplaceable[:10])
        print(f"timefold adapter: {why}", file=sys.stderr)
        return finish(2, outcome="bad input", why=why)
    t_problem = time.monotonic()
    so_far = (t_problem - T_NIIC) - (t_loaded - t_main)
    if not a.startup_not_counted and so_far >= a.time_limit - RESERVE:   # no need to translate the rest
        figures.update(problem_seconds=round(t_problem - t_loaded, 2), startup_seconds=round(so_far, 2))
        why = f"the start-up used up the time limit ({a.time_limit:g} s) before the solver was built " \
              f"({so_far:.1f} s: timefold import and JVM {JVM_SECONDS:.1f} s, domain translation " \
              f"{T_DOMAIN - T_NIIC - JVM_SECONDS:.1f} s so far)"
        print(f"timefold adapter: {why}; nothing written", file=sys.stderr)
        return finish(3, outcome="no time", why=why)
    factory = SolverFactory.create(solver_config(a.seed))    # translates the rest (solution, constraints)
    t_factory = time.monotonic()
    verify_seconds = 0.0
    if a.verify_random:
        wrong = verify_random(problem, factory, a.verify_random)
        for line in wrong:
            print(f"timefold adapter: verify: {line}", file=sys.stderr)
        figures["verify"] = {"placements": a.verify_random, "disagreements": len(wrong)}
        say(f"verify: {a.verify_random} random placements, {len(wrong)} disagreements with niic-sched's checker")
        if wrong:
            return finish(4, outcome="constraint streams disagree with niic-sched check", disagreements=wrong)
        verify_seconds = time.monotonic() - t_factory      # not counted against the limit
    # the start-up: everything since niic-sched's imports but the loading of the conference
    startup = (t_factory - T_NIIC) - (t_loaded - t_main)
    figures.update(problem_seconds=round(t_problem - t_loaded, 2), factory_seconds=round(t_factory - t_problem, 2),
                   startup_seconds=round(startup, 2))
    spent = a.time_limit - RESERVE - (0.0 if a.startup_not_counted else startup)
    say(f"start-up {startup:.2f} s (timefold import and JVM {JVM_SECONDS:.2f} s, domain translation "
        f"{T_DOMAIN - T_NIIC - JVM_SECONDS + t_factory - t_problem:.2f} s, problem {t_problem - t_loaded:.2f} s); "
        f"{'not counted: ' if a.startup_not_counted else ''}{max(spent, 0):.2f} s left for solving "
        f"({len(problem.talks)} talks, {len(problem.runs)} runs, {len(problem.rooms)} rooms)")
    if spent <= 0.1:
        why = f"the start-up ({startup:.1f} s) used up the time limit ({a.time_limit:g} s)"
        print(f"timefold adapter: {why}; nothing written", file=sys.stderr)
        return finish(3, outcome="no time", why=why)
    t_build = time.monotonic()
    solver = factory.build_solver(spent_limit(spent))
    # Timefold's spent limit starts once the problem is in Java; converting it there (and the
    # solution back) takes time too, so a timer also stops the solver at the wall-clock deadline
    deadline = T_NIIC + (t_loaded - t_main) + verify_seconds + a.time_limit - RESERVE
    timer = threading.Timer(max(0.0, deadline - time.monotonic()), solver.terminate_early)
    timer.daemon = True
    t_solve = time.monotonic()
    if not a.startup_not_counted:
        timer.start()
    try:
        solution = solver.solve(problem.program())
    finally:
        timer.cancel()
    t_solved = time.monotonic()
    score = solution.score
    figures.update(build_seconds=round(t_solve - t_build, 2), termination_seconds=round(spent, 2),
                   solve_seconds=round(t_solved - t_solve, 2), score=str(score),
                   hard=score.hard_score if score is not None else None,
                   soft=score.soft_score if score is not None else None)
    meta = {"solver": "Timefold Solver via benchmarks/adapter_timefold.py",
            "timefold": figures.get("timefold_version"), "score": str(score),
            "startup_seconds": figures["startup_seconds"], "jvm_start_seconds": figures["jvm_start_seconds"],
            "termination_seconds": figures["termination_seconds"], "solve_seconds": figures["solve_seconds"],
            "startup_counted": figures["startup_counted"], "soft_goals": ["attendee_conflict"]}
    sched = problem.schedule(solution, meta)
    write_schedule(sched, a.output, conf)
    # the command's time as the limit counts it: since niic-sched's imports, without loading (and --verify-random)
    figures["counted_seconds"] = round(time.monotonic() - T_NIIC - (t_loaded - t_main) - verify_seconds, 2)
    say(f"wrote {a.output}: score {score} ({len(sched.assignments)} placed, {len(sched.unscheduled)} unplaced); "
        f"solving {t_solved - t_solve:.2f} s, {figures['counted_seconds']:.2f} s in all after loading "
        f"(limit {a.time_limit:g} s{', start-up not counted' if a.startup_not_counted else ''})")
    rc = 1 if sched.unscheduled else 0
    return finish(rc, outcome="written" if rc == 0 else "written, some unplaced", placed=len(sched.assignments),
                  unplaced=len(sched.unscheduled))


if __name__ == "__main__":
    sys.exit(main())
