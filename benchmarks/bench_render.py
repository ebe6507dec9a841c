#!/usr/bin/env python3
"""Benchmark `niic-sched render` on a large program: HTML site + program.pdf.

    .venv/bin/python benchmarks/bench_render.py            # 1000 sessions, 40 rooms, 3 days, 11 slots
    .venv/bin/python benchmarks/bench_render.py --sessions 300 --rooms 20

Steps: niic_sched.generate (`niic-sched generate`) writes a synthetic conference,
`niic-sched solve` schedules it (not timed as part of the render), then
`niic-sched render` runs as a fresh process, exactly as a committee would run
it; its wall time (imports, loading, checking, HTML and PDF, atomic moves) is
the figure compared with the 30 s goal. CPU seconds of that process, the
machine's load average and core count are recorded too: on a shared machine
the wall time is inflated by other work. Writes benchmarks/render.json.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent / "niic-sched"
GOAL_SECONDS = 30.0


def run(args: list[str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, **kw)


def children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sessions", type=int, default=1000)
    ap.add_argument("--rooms", type=int, default=40)
    ap.add_argument("--days", type=int, default=3)
    ap.add_argument("--slots", type=int, default=11)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--solve-time-limit", type=float, default=90.0)
    ap.add_argument("--door-sheets", action="store_true", help="also time door-sheets.pdf")
    ap.add_argument("-o", "--output", type=Path, default=ROOT / "benchmarks" / "render.json")
    ap.add_argument("--keep", type=Path, help="copy nothing, but render into this folder and keep it")
    a = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-render-") as tmp:
        tmp = Path(tmp)
        conf = tmp / "conf"
        from niic_sched.errors import InputError
        from niic_sched.generate import generate_conference
        try:
            generate_conference(conf, sessions=a.sessions, rooms=a.rooms, days=a.days, slots=a.slots, seed=a.seed)
        except InputError as exc:
            print(exc, file=sys.stderr)
            return 1
        sched = tmp / "schedule.yaml"
        t = time.perf_counter()
        r = run([BIN, "solve", conf, "-o", sched, "--time-limit", a.solve_time_limit, "--seed", a.seed, "--quiet"])
        solve_seconds = time.perf_counter() - t
        if r.returncode:
            print(f"solve failed ({r.returncode}):\n{r.stderr}", file=sys.stderr)
            return 1
        out = a.keep or tmp / "program"
        load_before = os.getloadavg()
        cpu0 = children_cpu()
        t = time.perf_counter()
        args = [BIN, "render", conf, "--schedule", sched, "-o", out] + (["--door-sheets"] if a.door_sheets else [])
        r = run(args)
        wall = time.perf_counter() - t
        cpu = children_cpu() - cpu0
        load_after = os.getloadavg()
        if r.returncode:
            print(f"render failed ({r.returncode}):\n{r.stderr}", file=sys.stderr)
            return 1
        html_s = re.search(r"site: \d+ files in ([\d.]+) s", r.stderr)
        pdf_s = re.search(r"pdf: (.*) in ([\d.]+) s", r.stderr)
        pages = {m.group(1): int(m.group(2)) for m in re.finditer(r"([\w-]+\.pdf) (\d+) pages", r.stderr)}
        site_bytes = sum(p.stat().st_size for p in out.rglob("*") if p.is_file() and p.suffix in (".html", ".js", ".css"))
        try:
            import weasyprint
            wp_version = weasyprint.__version__
        except Exception:  # noqa: BLE001 - only for the report
            wp_version = None
        report = {
            "what": "niic-sched render (HTML site + program.pdf) of a synthetic program, as a fresh process",
            "sessions": a.sessions + a.days,   # the generator adds one plenary per day
            "rooms": a.rooms, "days": a.days, "slots_per_day": a.slots, "seed": a.seed,
            "door_sheets": a.door_sheets,
            "render_wall_seconds": round(wall, 2),
            "render_cpu_seconds": round(cpu, 2),
            "html_seconds": float(html_s.group(1)) if html_s else None,
            "pdf_seconds": float(pdf_s.group(2)) if pdf_s else None,
            "pdf_pages": pages,
            "pdf_bytes": {p.name: p.stat().st_size for p in out.glob("*.pdf")},
            "site_bytes": site_bytes,
            "goal_seconds": GOAL_SECONDS,
            "under_goal": wall < GOAL_SECONDS,
            "solve_seconds_not_counted": round(solve_seconds, 2),
            "machine": {"cores": os.cpu_count(), "load_average_before": [round(x, 2) for x in load_before],
                        "load_average_after": [round(x, 2) for x in load_after],
                        "python": platform.python_version(), "weasyprint": wp_version,
                        "note": "the CPU is shared with other work: load averages above the core count inflate "
                                "the wall time; render_cpu_seconds is the render's own CPU use"},
            "date": time.strftime("%Y-%m-%d %H:%M:%S"),
        }
    a.output.parent.mkdir(parents=True, exist_ok=True)
    a.output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"render of {report['sessions']} sessions, {a.rooms} rooms, {a.days} days x {a.slots} slots:")
    print(f"  wall {report['render_wall_seconds']} s (goal < {GOAL_SECONDS:g} s: "
          f"{'met' if report['under_goal'] else 'NOT met'}), CPU {report['render_cpu_seconds']} s")
    print(f"  html {report['html_seconds']} s, pdf {report['pdf_seconds']} s, pages {pages}")
    print(f"  load average before/after: {report['machine']['load_average_before']} / "
          f"{report['machine']['load_average_after']} on {os.cpu_count()} cores")
    print(f"wrote {a.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
