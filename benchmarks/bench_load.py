#!/usr/bin/env python3
"""Issue 7, must-show 3: loading a conference folder of 5,000 session files
(`niic_sched.io.load`), target under 5 s. Writes benchmarks/load.json.

    .venv/bin/python benchmarks/bench_load.py
    .venv/bin/python benchmarks/bench_load.py --sessions 2000 --repeat 3

Each measurement runs in a fresh Python process (imports done before the clock
starts; the files are in the OS page cache after the first run), so it is the
time a `niic-sched check` spends loading. Measured with libyaml (PyYAML's C
parser, what niic-sched uses when it is there) and with the pure-Python parser
(the fall-back when PyYAML was built without libyaml), and the same conference
as a workbook (.xlsx) for comparison.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_S = 5.0

PROBE = r"""
import json, resource, sys, time
import niic_sched.io.yamlfile as yamlfile
from niic_sched.io import load
if sys.argv[2] == "python":
    yamlfile._FastLoader = None
t = time.perf_counter()
conf = load(sys.argv[1])
seconds = time.perf_counter() - t
print(json.dumps({"seconds": seconds, "sessions": len(conf.sessions),
                  "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def measure(target: Path, parser: str, repeat: int) -> dict:
    runs = []
    for _ in range(repeat):
        out = subprocess.run([sys.executable, "-c", PROBE, str(target), parser], capture_output=True, text=True,
                             check=True)
        runs.append(json.loads(out.stdout))
    secs = [r["seconds"] for r in runs]
    return {"parser": parser, "median_s": round(statistics.median(secs), 2), "min_s": round(min(secs), 2),
            "max_s": round(max(secs), 2), "runs": len(secs), "sessions": runs[0]["sessions"],
            "peak_rss_mib": round(max(r["peak_rss_mib"] for r in runs), 1)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sessions", type=int, default=5000)
    ap.add_argument("--rooms", type=int, default=120)
    ap.add_argument("--days", type=int, default=3)
    ap.add_argument("--slots", type=int, default=16)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "load.json")
    args = ap.parse_args()
    import yaml
    with tempfile.TemporaryDirectory(prefix="niic-load-") as tmp:
        folder = Path(tmp) / "conf"
        gen = ["--sessions", str(args.sessions), "--rooms", str(args.rooms), "--days", str(args.days),
               "--slots", str(args.slots), "--seed", "1"]
        from niic_sched.generate import generate_conference
        generate_conference(folder, sessions=args.sessions, rooms=args.rooms, days=args.days, slots=args.slots,
                            seed=1)
        files = list((folder / "sessions").rglob("*.yaml"))
        size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
        measure(folder, "libyaml", 1)                      # warm the page cache
        results = [measure(folder, "libyaml", args.repeat) if yaml.__with_libyaml__ else None,
                   measure(folder, "python", max(1, args.repeat // 2))]
        book = Path(tmp) / "conf.xlsx"
        subprocess.run([str(Path(sys.executable).parent / "niic-sched"), "convert", str(folder), str(book), "-q"],
                       check=True, capture_output=True)
        workbook = measure(book, "libyaml", max(1, args.repeat // 2))
        workbook["parser"] = "openpyxl (workbook)"
    folder_result = results[0] or results[1]
    report = {
        "what": "niic_sched.io.load(folder) in a fresh process, imports excluded",
        "instance": f"niic-sched generate DIR {' '.join(gen)}",
        "session_files": len(files),
        "folder_mib": round(size / 2 ** 20, 1),
        "target_s": TARGET_S,
        "within_target": folder_result["median_s"] < TARGET_S,
        "folder": [r for r in results if r],
        "workbook": workbook,
        "machine": {"cores": os.cpu_count(), "python": platform.python_version(), "pyyaml": yaml.__version__,
                    "libyaml": bool(yaml.__with_libyaml__),
                    "load_average": [round(x, 2) for x in os.getloadavg()]},
        "date": time.strftime("%Y-%m-%d"),
        "note": "the CPU is shared with other work; timings are indicative only",
    }
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    for r in report["folder"]:
        print(f"{len(files)} session files, {r['parser']}: median {r['median_s']} s over {r['runs']} runs "
              f"(min {r['min_s']}, max {r['max_s']}), peak RSS {r['peak_rss_mib']} MiB")
    print(f"workbook: median {workbook['median_s']} s; wrote {args.out}")
    if not report["within_target"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
