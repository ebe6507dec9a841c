#!/usr/bin/env python3
"""Before and after, side by side in one run: the current tree against an earlier
revision (default: the last commit before the rule registry), on the same
instances written by the current generator, one command at a time.

    .venv/bin/python benchmarks/run.py --only compare [--compare-rev REV]
    .venv/bin/python benchmarks/bench_compare.py [--rev REV]     (the same, alone)

Measured for each side:
  seed11     60/12/3/5, seed 11: solve --time-limit 30 --seed 1; attendee conflicts
             (recounted by this tree's quality.evaluate), valid by this tree's check
  first1000  1000/40/3/11 with 5000 attendees, seed 1: solve --time-limit 60; the
             first valid timetable's time (from the progress line), valid
  late       150/16/3/6 + 16 late, seed 5: a published program (--deterministic),
             then solve --baseline with --time-limit 30: published sessions moved, wall
  planted    300/24/4/5, seed 3, with a planted contradiction (a speaker's two sessions
             pinned together): solve --time-limit 20: exit code and wall seconds
The earlier revision runs from a git worktree with this tree's virtual
environment (same libraries). Writes benchmarks/compare.json and .md.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from niic_sched.check import check_schedule  # noqa: E402
from niic_sched.diff import compare  # noqa: E402
from niic_sched.generate import generate_conference  # noqa: E402
from niic_sched.io import load  # noqa: E402
from niic_sched.io.schedule_file import read_schedule  # noqa: E402
from niic_sched.quality import evaluate  # noqa: E402

DEFAULT_REV = "7767e7d"     # main before "One home per rule" (issue 11)


CLI = "import sys; from niic_sched.cli import main; sys.argv[0] = 'niic-sched'; main()"


def run(tree: Path | None, args: list[str]) -> tuple[subprocess.CompletedProcess, float]:
    """niic-sched of this tree (None) or of a worktree (first on PYTHONPATH), with this interpreter."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(tree or ROOT)
    began = time.monotonic()
    proc = subprocess.run([sys.executable, "-c", CLI] + [str(a) for a in args], capture_output=True, text=True,
                          env=env)
    return proc, round(time.monotonic() - began, 2)


def judged(folder: Path, schedule: Path, baseline: Path | None = None) -> dict:
    conf = load(folder)
    sched = read_schedule(schedule)
    q = evaluate(conf, sched, baseline=read_schedule(baseline) if baseline else None)
    return {"valid": not check_schedule(conf, sched), "broken": len(check_schedule(conf, sched)),
            "attendee_conflicts": q.figure("attendee_conflict").count}


def seed11(tree, work: Path) -> dict:
    folder = work / "seed11"
    out = work / f"seed11-{'new' if tree is None else 'old'}.yaml"
    proc, wall = run(tree, ["solve", folder, "-o", out, "--time-limit", 30, "--seed", 1, "-q"])
    return {"exit": proc.returncode, "wall_seconds": wall, **(judged(folder, out) if out.exists() else {})}


def first1000(tree, work: Path) -> dict:
    folder = work / "large"
    out = work / f"large-{'new' if tree is None else 'old'}.yaml"
    proc, wall = run(tree, ["solve", folder, "-o", out, "--time-limit", 60, "--seed", 1])
    first = re.search(r"\[\s*([\d.]+)s\] first timetable", proc.stderr)
    res = {"exit": proc.returncode, "wall_seconds": wall, "first_valid_seconds": float(first.group(1)) if first else None}
    if out.exists():
        res.update(judged(folder, out))
    return res


def late(tree, work: Path) -> dict:
    side = "new" if tree is None else "old"
    folder = work / f"late-{side}"
    shutil.copytree(work / "late", folder)
    s1, s2 = work / f"late-s1-{side}.yaml", work / f"late-s2-{side}.yaml"
    p1, _ = run(tree, ["solve", folder, "-o", s1, "--time-limit", 20, "--seed", 1, "--deterministic", "-q"])
    if p1.returncode != 0:
        return {"exit": p1.returncode, "stderr": p1.stderr[-400:]}
    (folder / "sessions" / "late").mkdir(parents=True, exist_ok=True)
    for f in sorted((folder / "late").glob("*.yaml")):
        shutil.copy(f, folder / "sessions" / "late" / f.name)
    proc, wall = run(tree, ["solve", folder, "--baseline", s1, "-o", s2, "--time-limit", 30, "--seed", 1, "-q"])
    res = {"exit": proc.returncode, "wall_seconds": wall}
    if s2.exists():
        conf = load(folder)
        d = compare(conf, read_schedule(s1), read_schedule(s2))
        res.update(valid=not check_schedule(conf, read_schedule(s2)), sessions=len(conf.sessions),
                   published_retimed=len(d.of("retimed")), published_moved_room=len(d.of("moved")))
    return res


def planted(tree, work: Path) -> dict:
    out = work / f"planted-{'new' if tree is None else 'old'}.yaml"
    proc, wall = run(tree, ["solve", work / "planted", "-o", out, "--time-limit", 20, "-q"])
    return {"exit": proc.returncode, "wall_seconds": wall, "written": out.exists(),
            "explained": "No program exists" in proc.stderr}


PARTS = {"seed11": seed11, "first1000": first1000, "late": late, "planted": planted}


def instances(work: Path) -> None:
    generate_conference(work / "seed11", sessions=60, rooms=12, days=3, slots=5, seed=11)
    generate_conference(work / "large", sessions=1000, rooms=40, days=3, slots=11, attendees=5000, seed=1)
    generate_conference(work / "late", sessions=150, rooms=16, days=3, slots=6, late=16, seed=5)
    generate_conference(work / "planted", sessions=300, rooms=24, days=4, slots=5, seed=3)
    import bench_explain
    bench_explain.plant_speaker_pins(work / "planted")


def measure(rev: str = DEFAULT_REV, parts=tuple(PARTS), say=print) -> dict:
    work = Path(tempfile.mkdtemp(prefix="niic-compare-"))
    old = work / "old-tree"
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-f", str(old), rev],
                   check=True, capture_output=True)
    try:
        instances(work)
        load_avg = os.getloadavg()
        result = {"rev": rev, "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                                          "load_before": [round(x, 2) for x in load_avg]},
                  "date": time.strftime("%Y-%m-%d %H:%M"), "parts": {}}
        for name in parts:
            for label, tree in (("before", old), ("after", None)):
                say(f"{name}: {label} ...")
                got = PARTS[name](tree, work)
                got["load_1min"] = round(os.getloadavg()[0], 2)
                result["parts"].setdefault(name, {})[label] = got
                say(f"  {got}")
        return result
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(old)], capture_output=True)
        shutil.rmtree(work, ignore_errors=True)


def markdown(result: dict) -> str:
    lines = [f"# Before and after, one run ({result['date']})", "",
             f"Earlier revision `{result['rev']}` against this tree, same instances (this tree's generator), "
             f"one command at a time on {result['machine']['cpus']} cores; load average before: "
             f"{result['machine']['load_before']}.", "",
             "| measure | before | after |", "|---|---|---|"]
    p = result["parts"]

    def cell(part, side, keys):
        got = p.get(part, {}).get(side, {})
        return ", ".join(f"{k} {got.get(k)}" for k in keys)
    rows = [("seed 11, 60 sessions, --time-limit 30", "seed11", ["attendee_conflicts", "valid", "wall_seconds"]),
            ("1000 sessions, first valid timetable (s)", "first1000", ["first_valid_seconds", "valid", "wall_seconds"]),
            ("150 + 16 late, published sessions moved", "late",
             ["published_retimed", "published_moved_room", "valid", "wall_seconds"]),
            ("planted contradiction, solve --time-limit 20", "planted", ["exit", "wall_seconds", "explained"])]
    for title, part, keys in rows:
        if part in p:
            lines.append(f"| {title} | {cell(part, 'before', keys)} | {cell(part, 'after', keys)} |")
    return "\n".join(lines) + "\n"


def write(result: dict) -> None:
    from niic_sched.io.atomic import write_text_atomic
    write_text_atomic(ROOT / "benchmarks" / "compare.json", json.dumps(result, indent=2) + "\n")
    write_text_atomic(ROOT / "benchmarks" / "compare.md", markdown(result))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rev", default=DEFAULT_REV)
    ap.add_argument("--parts", default=",".join(PARTS))
    a = ap.parse_args()
    result = measure(a.rev, a.parts.split(","))
    write(result)
    print(markdown(result))


if __name__ == "__main__":
    main()
