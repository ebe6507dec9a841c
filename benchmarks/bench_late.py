#!/usr/bin/env python3
"""Issue 3, must-show 1: late sessions after publication.

    niic-sched generate OUT --sessions 150 --rooms 16 --days 3 --slots 6 --late 16 --seed 5
    niic-sched solve OUT -o s1.yaml                      (the published program)
    cp OUT/late/*.yaml OUT/sessions/late/
    niic-sched solve OUT --baseline s1.yaml -o s2.yaml   (timed: wall clock of the whole command)

s1.yaml is solved with --deterministic so that every run starts from the same
published program. The re-solve is repeated (--repeat, default 3: it is
clock-limited, so its result varies). For each run: sessions in the folder and
placed, `check` of s2.yaml, published sessions retimed / moved room, wall seconds
(target: under 10 s on 2 cores, so the re-solve runs with --time-limit 6
--workers 2). Also an exact check of the minimum: is there a program that keeps
every published session at its day, time AND room (a CP-SAT model with all of
them fixed)? Then the same through `niic-sched add` on a fresh copy
(program/schedule.yaml = s1.yaml). Writes benchmarks/late.json.

    .venv/bin/python benchmarks/bench_late.py [--time-limit 6] [--repeat 3]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent / "niic-sched"
INSTANCE = ["--sessions", "150", "--rooms", "16", "--days", "3", "--slots", "6", "--late", "16", "--seed", "5"]


def run(args: list[str]) -> tuple[subprocess.CompletedProcess, float]:
    t = time.monotonic()
    proc = subprocess.run(args, capture_output=True, text=True)
    return proc, round(time.monotonic() - t, 2)


def figures(folder: Path, old: Path, new: Path) -> dict:
    from niic_sched.check import check_schedule
    from niic_sched.diff import compare
    from niic_sched.io import load
    from niic_sched.io.schedule_file import read_schedule
    conf = load(folder)
    before, after = read_schedule(old), read_schedule(new)
    d = compare(conf, before, after)
    placed = {a.session for a in after.assignments}
    return {"sessions_in_folder": len(conf.sessions), "sessions_placed": len(placed & set(conf.session)),
            "published": len(before.assignments), "new": len(d.of("added")),
            "published_retimed": len(d.of("retimed")), "published_moved_room": len(d.of("moved")),
            "published_moved_total": len(d.published_moves),
            "hard_rule_violations": len(check_schedule(conf, after))}


def zero_moves_possible(folder: Path, old: Path, seconds: float = 30.0) -> str:
    """Exact: can every published session keep its day, time and room? CP-SAT status name."""
    from ortools.sat.python import cp_model
    from niic_sched.io import load
    from niic_sched.io.schedule_file import read_schedule
    from niic_sched.solve.cpmodel import Model
    from niic_sched.solve.rules import add_hard_rules
    from niic_sched.solve.space import Space
    conf = load(folder)
    space = Space(conf)
    allowed, rooms = {}, {}
    for a in read_schedule(old).assignments:
        i = space.index.get(a.session)
        k = space.option_at(i, a.day, a.start) if i is not None else None
        if k is not None and a.room in space.room_index:
            allowed[i], rooms[i] = {k}, {space.room_index[a.room]}
    m = Model(space, with_rooms=True, allowed=allowed, rooms_allowed=rooms)
    add_hard_rules(m)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = 2
    return solver.status_name(solver.solve(m.cp))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--time-limit", type=float, default=6.0)
    ap.add_argument("--publish-time-limit", type=float, default=4.0,
                    help="deterministic work limit of the first solve (s1.yaml)")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    tl = f"{args.time_limit:g}"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "late"
        from niic_sched.generate import generate_conference
        generate_conference(folder, sessions=150, rooms=16, days=3, slots=6, late=16, seed=5)   # = INSTANCE
        pristine = Path(tmp) / "pristine"
        shutil.copytree(folder, pristine)
        s1, s2 = folder / "s1.yaml", folder / "s2.yaml"
        proc, publish_seconds = run([str(BIN), "solve", str(folder), "-o", str(s1), "--time-limit",
                                     f"{args.publish_time_limit:g}", "--workers", "2", "--deterministic", "-q"])
        assert proc.returncode == 0, proc.stderr
        (folder / "sessions" / "late").mkdir()
        for p in sorted((folder / "late").glob("*.yaml")):
            shutil.copyfile(p, folder / "sessions" / "late" / p.name)
        runs = []
        for n in range(args.repeat):
            proc, seconds = run([str(BIN), "solve", str(folder), "--baseline", str(s1), "-o", str(s2),
                                 "--time-limit", tl, "--workers", "2", "--seed", str(n)])
            if proc.returncode != 0:
                runs.append({"seed": n, "exit_code": proc.returncode, "wall_seconds": seconds,
                             "stderr": proc.stderr[-3000:]})
                continue
            check, _ = run([str(BIN), "check", str(folder), "--schedule", str(s2)])
            lines = proc.stderr.splitlines()
            at = next((i for i, ln in enumerate(lines) if ln.startswith("published sessions:")), len(lines))
            runs.append({"seed": n, "exit_code": proc.returncode, "check_exit_code": check.returncode,
                         "wall_seconds": seconds, **figures(folder, s1, s2), "report": lines[at:]})
        baseline = {"command": f"niic-sched solve DIR --baseline s1.yaml -o s2.yaml --time-limit {tl} "
                               "--workers 2 --seed N",
                    "zero_moves_possible": zero_moves_possible(folder, s1),
                    "max_wall_seconds": max(r["wall_seconds"] for r in runs),
                    "max_published_moved_total": max((r.get("published_moved_total", -1) for r in runs)),
                    "runs": runs}
        # the same through `add`
        (pristine / "program").mkdir()
        shutil.copyfile(s1, pristine / "program" / "schedule.yaml")
        late = [str(p) for p in sorted((pristine / "late").glob("*.yaml"))]
        proc, add_seconds = run([str(BIN), "add", *late, "--dir", str(pristine), "--time-limit", tl,
                                 "--workers", "2", "-q"])
        new = pristine / "program" / "schedule.yaml"
        check2, _ = run([str(BIN), "check", str(pristine), "--schedule", str(new)])
        add = {"command": f"niic-sched add late/*.yaml --dir DIR --time-limit {tl} --workers 2",
               "exit_code": proc.returncode, "check_exit_code": check2.returncode, "wall_seconds": add_seconds,
               **(figures(pristine, pristine / "program" / "versions" / "schedule-1.yaml", new)
                  if proc.returncode == 0 else {"stderr": proc.stderr[-2000:]})}
    result = {"instance": "niic-sched generate OUT " + " ".join(INSTANCE),
              "note": "sessions_in_folder: the 150 sessions (3 of them plenaries) + 16 late = 166",
              "publish": {"command": f"niic-sched solve DIR -o s1.yaml --time-limit {args.publish_time_limit:g} "
                                     "--workers 2 --deterministic", "wall_seconds": publish_seconds},
              "solve_baseline": baseline, "add": add,
              "targets": {"published_moved_total_at_most": 3, "wall_seconds_under": 10},
              "cores": os.cpu_count(),
              "caveat": "wall clock on a machine shared with other engineers' jobs; times may be inflated"}
    (ROOT / "benchmarks" / "late.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
