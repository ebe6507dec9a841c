"""Benchmark of the column-generation lower bound (niic_sched/solve/bound.py).

For each instance of niic_sched.generate (`niic-sched generate`, seed 11) and two weightings
(attendee conflicts only, weight 1, which is what `solve` bounds when there are interests;
the default weights), runs lower_bound() without an incumbent and reports the bound, how
it ended (the method: LP optimum, LP optimum 0, time limit), how many classes of segments
share a pricing problem, wall-clock and CPU seconds, and the load average (the machine
may be shared: wall-clock times are inflated when it is busy, CPU seconds much less so).
In `solve` the bound gets half of the improvement time up to 150 sessions (about 25 s of
a 60 s solve at 120 sessions), 15 % up to 400 sessions, and is skipped above.

    .venv/bin/python benchmarks/bench_bound.py                      # all sizes, 30 s each
    .venv/bin/python benchmarks/bench_bound.py --sizes 60/12/3/5 --time-limit 10

Writes benchmarks/bound.json and prints a Markdown table.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from niic_sched.generate import generate_conference  # noqa: E402
from niic_sched.io import load  # noqa: E402
from niic_sched.io.atomic import write_text_atomic  # noqa: E402
from niic_sched.solve.bound import _classes, lower_bound  # noqa: E402
from niic_sched.solve.goals import time_objective  # noqa: E402
from niic_sched.solve.space import Space  # noqa: E402

ONLY_ATTENDEES = (("attendee_conflict", 1), ("track_overlap", 0), ("popular_overlap", 0), ("preferred", 0))
SIZES = ("60/12/3/5", "120/16/3/6", "250/24/3/8")    # add 1000/40/3/11 (5,000 attendees) with --sizes
# best programs known, per instance of the project's generator (317 was for the former generator's instance)
BEST_KNOWN: dict[tuple[str, str], int] = {}


def generate(size: str, out: Path, seed: int) -> Path:
    sessions, rooms, days, slots = size.split("/")
    attendees = 5000 if int(sessions) >= 1000 else None     # the 1000-session instance
    generate_conference(out, sessions=int(sessions), rooms=int(rooms), days=int(days), slots=int(slots), seed=seed,
                        attendees=attendees)
    return out


def run(size: str, weights_name: str, folder: Path, time_limit: float) -> dict:
    conf = load(folder)
    if weights_name == "attendee conflicts only":
        conf = dataclasses.replace(conf, weights=ONLY_ATTENDEES)
    space = Space(conf)
    obj = time_objective(space, conf)
    wall, cpu = time.monotonic(), time.process_time()
    bound, method = lower_bound(space, obj, time_limit=time_limit)
    return {"instance": size, "weights": weights_name, "bound": bound, "method": method,
            "pricing_classes": len(_classes(space)), "segments": sum(1 for c in space.cover if c),
            "seconds": round(time.monotonic() - wall, 2), "cpu_seconds": round(time.process_time() - cpu, 2),
            "load_average": round(os.getloadavg()[0], 2), "time_limit": time_limit,
            "best_known": BEST_KNOWN.get((size, weights_name))}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", nargs="*", default=list(SIZES), help="sessions/rooms/days/slots")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--time-limit", type=float, default=30.0)
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "bound.json")
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            folder = generate(size, Path(tmp) / size.replace("/", "-"), args.seed)
            for weights_name in ("attendee conflicts only", "default weights"):
                row = run(size, weights_name, folder, args.time_limit)
                rows.append(row)
                print(f"{size:>11} {weights_name:<24} bound {row['bound']:>8g}  {row['seconds']:6.1f} s "
                      f"(cpu {row['cpu_seconds']:.1f} s, load {row['load_average']})  {row['method']}", flush=True)
    report = {"machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
              "seed": args.seed, "results": rows}
    write_text_atomic(args.out, json.dumps(report, indent=2) + "\n")
    print("\n| instance | weights | bound | best known | wall s | CPU s | load | method |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['instance']} | {r['weights']} | {r['bound']:g} | {r['best_known'] or ''} | {r['seconds']} "
              f"| {r['cpu_seconds']} | {r['load_average']} | {r['method']} |")
    print(f"\nwritten: {args.out}")


if __name__ == "__main__":
    main()
