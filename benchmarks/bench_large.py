#!/usr/bin/env python3
"""Issue 2, must-show 3: a 1000-session conference (40 rooms, 3 days x 11 slots,
5,000 attendees) solved within --time-limit 60; wall time and peak memory
measured with /usr/bin/time -v. Writes benchmarks/large.json.

    .venv/bin/python benchmarks/bench_large.py
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent / "niic-sched"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "c1000"
        from niic_sched.generate import generate_conference
        generate_conference(folder, sessions=1000, rooms=40, days=3, slots=11, attendees=5000, seed=11)
        out = folder / "s.yaml"
        proc = subprocess.run(["/usr/bin/time", "-v", str(BIN), "solve", str(folder), "-o", str(out),
                               "--time-limit", "60", "--workers", "2"], capture_output=True, text=True)
        err = proc.stderr
        rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", err).group(1))
        wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)", err).group(1)
        parts = [float(x) for x in wall.split(":")]
        seconds = sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
        first = re.search(r"\[\s*([\d.]+)s\] first timetable", err)
        check = subprocess.run([str(BIN), "check", str(folder), "--schedule", str(out)], capture_output=True, text=True)
        result = {"instance": "niic-sched generate DIR --sessions 1000 --rooms 40 --days 3 --slots 11 "
                              "--attendees 5000 --seed 11",
                  "exit_code": proc.returncode, "check_exit_code": check.returncode,
                  "wall_seconds": round(seconds, 2), "first_valid_timetable_seconds": float(first.group(1)) if first else None,
                  "peak_rss_mib": round(rss / 1024, 1), "cores": os.cpu_count()}
    (ROOT / "benchmarks" / "large.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
