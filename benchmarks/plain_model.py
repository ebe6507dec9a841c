#!/usr/bin/env python3
"""The "plain CP-SAT model" of issue 8: the formulation that first comes to mind,
kept as a yardstick for niic-sched's solver.

* one boolean per (session, start, room) that the unary hard rules allow (the
  candidate starts and rooms come from niic_sched.solve.space.Space: slot kinds,
  pins, speaker and room availability, capacity, features);
* an occupancy boolean per (session, time segment), equal to the sum of the
  placements that cover the segment;
* every hard rule of the spec: each session once; one session per room and
  segment; speakers never double-booked; a plenary overlaps nothing; ``after``;
  ``not_with``;
* one boolean per pair of sessions with shared interest that can overlap, forced
  to 1 when both occupy a common segment;
* objective: attendee conflicts only (sum over pairs of attendees-wanting-both
  times the pair boolean), so that the comparison with niic-sched is on conflicts.

The clock starts after the conference is loaded (as niic-sched's --time-limit
does) and includes building the model. With ``--mark SECONDS=FILE`` the best
solution found by each mark is written to FILE (one run, several marks).

    .venv/bin/python benchmarks/plain_model.py CONF_DIR -o plain.yaml --time-limit 30
    .venv/bin/python benchmarks/plain_model.py CONF_DIR --mark 10=p10.yaml --mark 60=p60.yaml \\
        --json plain.json --workers 2 --seed 1

Exit codes: 0 a schedule was written for every mark; 1 no solution by some mark
(that file is not written); 2 bad input.
"""
from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

from ortools.sat.python import cp_model

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from niic_sched.errors import InputError  # noqa: E402
from niic_sched.io import load  # noqa: E402
from niic_sched.io.schedule_file import write_schedule  # noqa: E402
from niic_sched.model import Assignment, Conference, Schedule  # noqa: E402
from niic_sched.solve.space import Space  # noqa: E402


class PlainModel:
    """The plain formulation of ``conf``; ``choices[i]`` lists (option k, room r, literal)."""

    def __init__(self, conf: Conference):
        self.conf = conf
        self.space = space = Space(conf)
        self.cp = cp = cp_model.CpModel()
        missing = space.without_options()
        if missing:
            raise ValueError("no start and room satisfies the unary hard rules for "
                             + ", ".join(s.id for s in missing[:10]))
        n = len(space.sessions)
        self.choices: list[list[tuple[int, int, cp_model.IntVar]]] = []
        for i, s in enumerate(space.sessions):
            row = []
            for k, o in enumerate(space.options[i]):
                for r in o.rooms:
                    row.append((k, r, cp.new_bool_var(f"x[{s.id},{k},{space.rooms[r].id}]")))
            self.choices.append(row)
            cp.add_exactly_one(v for _, _, v in row)            # each session exactly once

        # occupancy of segments; per-room and per-speaker cover
        covering: dict[tuple[int, int], list] = defaultdict(list)        # (i, g) -> literals
        room_seg: dict[tuple[int, int], list] = defaultdict(list)        # (r, g) -> literals
        for i in range(n):
            for k, r, v in self.choices[i]:
                for g in space.options[i][k].segs:
                    covering[(i, g)].append(v)
                    room_seg[(r, g)].append(v)
        self.occ: dict[tuple[int, int], cp_model.IntVar] = {}
        for (i, g), lits in covering.items():
            o = cp.new_bool_var(f"occ[{space.sessions[i].id},{g}]")
            cp.add(sum(lits) == o)
            self.occ[(i, g)] = o
        for lits in room_seg.values():                                 # one session per room
            if len(lits) > 1:
                cp.add_at_most_one(lits)
        segs_of: dict[int, set[int]] = defaultdict(set)
        for i, g in self.occ:
            segs_of[i].add(g)

        by_speaker: dict[str, list[int]] = defaultdict(list)          # speakers never double-booked
        for i, s in enumerate(space.sessions):
            for p in s.speakers:
                by_speaker[p].append(i)
        for p, sessions in sorted(by_speaker.items()):
            if len(sessions) < 2:
                continue
            per_seg: dict[int, list] = defaultdict(list)
            for i in sessions:
                for g in segs_of[i]:
                    per_seg[g].append(self.occ[(i, g)])
            for lits in per_seg.values():
                if len(lits) > 1:
                    cp.add_at_most_one(lits)

        on_seg: dict[int, list[int]] = defaultdict(list)               # a plenary overlaps nothing
        for i, g in self.occ:
            on_seg[g].append(i)
        for g, members in on_seg.items():
            plen = [i for i in members if space.sessions[i].is_plenary]
            for p in plen:
                others = [self.occ[(j, g)] for j in members if j != p]
                if others:
                    cp.add(sum(others) == 0).only_enforce_if(self.occ[(p, g)])

        starts: dict[tuple[int, int], list] = defaultdict(list)       # after: starts after b ends
        for i in range(n):
            for k, _, v in self.choices[i]:
                starts[(i, k)].append(v)
        for i, s in enumerate(space.sessions):
            for b in s.after:
                j = space.index[b]
                for k, o in enumerate(space.options[i]):
                    ok = [v for q, _, v in self.choices[j] if space.options[j][q].t1 <= o.t0]
                    for v in starts[(i, k)]:
                        if ok:
                            cp.add_bool_or(ok).only_enforce_if(v)
                        else:
                            cp.add(v == 0)
        done = set()                                                   # not_with: never overlap
        for i, s in enumerate(space.sessions):
            for other in s.not_with:
                j = space.index[other]
                pair = (min(i, j), max(i, j))
                if pair in done:
                    continue
                done.add(pair)
                for g in segs_of[i] & segs_of[j]:
                    cp.add_bool_or([self.occ[(i, g)].Not(), self.occ[(j, g)].Not()])

        # attendee conflicts: a boolean per pair with shared interest that can overlap
        self.pairs: list[tuple[str, str, int, cp_model.IntVar]] = []
        for (a, b), w in sorted(conf.shared_interest().items()):
            i, j = space.index[a], space.index[b]
            common = segs_of[i] & segs_of[j]
            if not common or w <= 0:
                continue
            z = cp.new_bool_var(f"conflict[{a},{b}]")
            for g in sorted(common):
                cp.add_bool_or([self.occ[(i, g)].Not(), self.occ[(j, g)].Not(), z])
            self.pairs.append((a, b, w, z))
        cp.minimize(sum(w * z for _, _, w, z in self.pairs))

    def size(self) -> dict:
        proto = self.cp.proto
        return {"booleans": len(proto.variables), "constraints": len(proto.constraints),
                "placements": sum(len(c) for c in self.choices), "conflict_pairs": len(self.pairs)}

    def schedule(self, picks: list[tuple[int, int]], meta: dict | None = None) -> Schedule:
        space = self.space
        out = []
        for i, (k, r) in enumerate(picks):
            o = space.options[i][k]
            out.append(Assignment(space.sessions[i].id, o.date, o.start, space.rooms[r].id))
        return Schedule(tuple(out), (), dict(meta or {}))


class _Recorder(cp_model.CpSolverSolutionCallback):
    """Keeps every improving solution's time and objective, and the best solution
    found before each mark."""

    def __init__(self, model: PlainModel, t0: float, marks: list[float], say):
        super().__init__()
        self.model, self.t0, self.marks, self.say = model, t0, sorted(marks), say
        self.trace: list[tuple[float, int]] = []
        self.at_mark: dict[float, tuple[float, int, list[tuple[int, int]]]] = {}
        self.lock = threading.Lock()

    def on_solution_callback(self) -> None:
        now = time.monotonic() - self.t0
        obj = int(round(self.objective_value))
        picks = []
        for row in self.model.choices:
            picks.append(next(((k, r) for k, r, v in row if self.boolean_value(v)), (row[0][0], row[0][1])))
        with self.lock:
            self.trace.append((round(now, 2), obj))
            for m in self.marks:
                if now <= m:
                    self.at_mark[m] = (now, obj, picks)
        if self.say:
            self.say(f"[{now:6.1f}s] plain model: objective {obj}, bound {self.best_objective_bound:g}")


def run(conf: Conference, marks: list[float], *, seed: int = 1, workers: int = 2, say=None) -> dict:
    """Build and solve; returns figures and the best picks at each mark."""
    t0 = time.monotonic()
    model = PlainModel(conf)
    built = time.monotonic() - t0
    size = model.size()
    if say:
        say(f"[{built:6.1f}s] plain model built: {size}")
    horizon = max(marks)
    rec = _Recorder(model, t0, marks, say)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, horizon - (time.monotonic() - t0))
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    status = solver.solve(model.cp, rec)
    seconds = time.monotonic() - t0
    bound = solver.best_objective_bound if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None
    return {"model": model, "status": solver.status_name(status), "build_seconds": round(built, 2),
            "seconds": round(seconds, 2), "bound": bound, "size": size, "trace": rec.trace,
            "first_solution_seconds": rec.trace[0][0] if rec.trace else None, "at_mark": rec.at_mark}


def _parse_mark(text: str) -> tuple[float, Path]:
    sec, _, path = text.partition("=")
    try:
        return float(sec), Path(path)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--mark wants SECONDS=FILE, got {text!r}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folder", type=Path, help="conference folder (or .xlsx workbook)")
    ap.add_argument("-o", "--output", type=Path, help="schedule.yaml of the best solution at --time-limit")
    ap.add_argument("--time-limit", type=float, default=None, help="seconds (default: the last mark, else 30)")
    ap.add_argument("--mark", type=_parse_mark, action="append", default=[],
                    help="SECONDS=FILE: write the best solution found by SECONDS to FILE (repeatable)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--json", type=Path, help="also write the figures (trace, bound, size) here")
    ap.add_argument("-q", "--quiet", action="store_true")
    a = ap.parse_args(argv)
    say = None if a.quiet else (lambda msg: print(msg, file=sys.stderr, flush=True))
    try:
        conf = load(a.folder)
    except InputError as exc:
        print(exc.summary(), file=sys.stderr)
        return 2
    marks = dict(a.mark)
    limit = a.time_limit if a.time_limit is not None else (max(marks) if marks else 30.0)
    if a.output:
        marks[limit] = a.output
    if not marks:
        marks[limit] = None
    try:
        res = run(conf, list(marks), seed=a.seed, workers=a.workers, say=say)
    except ValueError as exc:
        print(f"plain model: {exc}", file=sys.stderr)
        return 2
    model = res["model"]
    figures = {k: v for k, v in res.items() if k not in ("model", "at_mark")}
    figures["marks"] = {}
    rc = 0
    for m, path in sorted(marks.items()):
        got = res["at_mark"].get(m)
        if got is None:
            figures["marks"][str(m)] = None
            rc = 1
            if say:
                say(f"plain model: no solution within {m:g} s")
            continue
        at, obj, picks = got
        figures["marks"][str(m)] = {"found_at": round(at, 2), "objective": obj}
        if path is not None:
            meta = {"solver": "plain CP-SAT model (benchmarks/plain_model.py)", "attendee_conflicts": obj,
                    "found_at_seconds": round(at, 2), "mark_seconds": m, "status": res["status"],
                    "lower_bound": res["bound"], "seed": a.seed}
            write_schedule(model.schedule(picks, meta), path, conf)
    if a.json:
        a.json.write_text(json.dumps(figures, indent=2) + "\n")
    if say:
        say(f"plain model: {res['status']}, {res['seconds']} s, bound {res['bound']}, marks "
            + ", ".join(f"{m:g}s: {v['objective'] if v else 'none'}" for m, v in
                        ((float(k), v) for k, v in figures["marks"].items())))
    return rc


if __name__ == "__main__":
    sys.exit(main())
