#!/usr/bin/env python3
"""Issue 7, must-show 2: 20 SIGKILLs at random moments during
`niic-sched solve -o program/schedule.yaml` of a 1000-session conference; after
each, program/schedule.yaml must parse and pass `niic-sched check --schedule`.
Writes benchmarks/kill.json.

    .venv/bin/python benchmarks/bench_kill.py                  # 20 kills, about 10 minutes
    .venv/bin/python benchmarks/bench_kill.py --kills 5 --sessions 300

A published program is solved first; its solve time T sets the kill window:
each kill comes at a uniform random moment in [0.3 s, 1.15 T], so some runs are
killed while loading, some while searching, some while writing, and some have
finished just before (their new program must then be valid too). SIGKILL goes
to the main process only (as `kill -9 PID`); the report also counts processes of
its group still alive 0.5 s later (the solver's search child, which a SIGKILL of
the parent does not reach), which are then killed.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent / "niic-sched"


def digest(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


def group_alive(pgid: int) -> int:
    """Processes still in the process group (zombies not counted)."""
    n = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[2]) == pgid and fields[0] != "Z":
            n += 1
    return n


def check(folder: Path, schedule: Path) -> tuple[int, str]:
    proc = subprocess.run([str(BIN), "check", str(folder), "--schedule", str(schedule), "-q"],
                          capture_output=True, text=True)
    return proc.returncode, (proc.stdout + proc.stderr).strip()


def solve_cmd(folder: Path, out: Path, time_limit: float, seed: int) -> list[str]:
    return [str(BIN), "solve", str(folder), "-o", str(out), "--time-limit", str(time_limit), "--seed", str(seed),
            "--quiet"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sessions", type=int, default=1000)
    ap.add_argument("--kills", type=int, default=20)
    ap.add_argument("--time-limit", type=float, default=20.0)
    ap.add_argument("--seed", type=int, default=2014)
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "kill.json")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    began = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="niic-kill-") as tmp:
        folder = Path(tmp) / "conf"
        gen = ["--sessions", str(args.sessions), "--rooms", "40", "--days", "3", "--slots", "11",
               "--attendees", "5000", "--seed", "11"]
        from niic_sched.generate import generate_conference
        generate_conference(folder, sessions=args.sessions, rooms=40, days=3, slots=11, attendees=5000, seed=11)
        out = folder / "program" / "schedule.yaml"

        t = time.monotonic()
        first = subprocess.run(solve_cmd(folder, out, args.time_limit, 0), capture_output=True, text=True)
        full_run = time.monotonic() - t
        assert first.returncode == 0, first.stderr
        rc, msg = check(folder, out)
        assert rc == 0, msg
        print(f"published program: solve took {full_run:.1f} s; check passes", flush=True)

        kills = []
        for i in range(1, args.kills + 1):
            before = digest(out)
            temps_before = set(out.parent.glob(".schedule.yaml.*"))
            moment = rng.uniform(0.3, 1.15 * full_run)
            proc = subprocess.Popen(solve_cmd(folder, out, args.time_limit, i), stdout=subprocess.DEVNULL,
                                    stderr=subprocess.PIPE, start_new_session=True)
            time.sleep(moment)
            finished = proc.poll() is not None
            try:
                proc.send_signal(signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait()
            stderr = proc.stderr.read().decode("utf-8", "replace")
            time.sleep(0.5)
            left_running = group_alive(proc.pid)
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            rc, msg = check(folder, out)
            after = digest(out)
            temps = set(out.parent.glob(".schedule.yaml.*")) - temps_before
            row = {"kill": i, "moment_s": round(moment, 2), "state": "finished" if finished else "killed",
                   "exit_code": proc.returncode, "check_exit_code": rc, "schedule": (
                       "previous" if after == before else "new"), "processes_left_running": left_running,
                   "temporary_files_left": len(temps), "traceback_in_stderr": "Traceback" in stderr}
            if rc != 0:
                row["check_message"] = msg[-500:]
            kills.append(row)
            print(json.dumps(row), flush=True)

        t = time.monotonic()
        final = subprocess.run(solve_cmd(folder, out, args.time_limit, 99), capture_output=True, text=True)
        final_seconds = time.monotonic() - t
        final_check, msg = check(folder, out)

    report = {
        "what": "SIGKILL at random moments of `niic-sched solve -o program/schedule.yaml`; after each kill, "
                "`niic-sched check --schedule program/schedule.yaml` on the file that is there",
        "instance": f"niic-sched generate DIR {' '.join(gen)}",
        "time_limit_s": args.time_limit,
        "published_solve_s": round(full_run, 1),
        "kills": len(kills),
        "killed_while_running": sum(k["state"] == "killed" for k in kills),
        "finished_before_the_kill": sum(k["state"] == "finished" for k in kills),
        "check_passed_after_kill": sum(k["check_exit_code"] == 0 for k in kills),
        "check_failed_after_kill": sum(k["check_exit_code"] != 0 for k in kills),
        "previous_program_kept": sum(k["schedule"] == "previous" for k in kills),
        "replaced_by_a_complete_new_program": sum(k["schedule"] == "new" for k in kills),
        "kills_that_left_processes_running": sum(k["processes_left_running"] > 0 for k in kills),
        "kills_that_left_temporary_files": sum(k["temporary_files_left"] > 0 for k in kills),
        "second_run_exit_code": final.returncode,
        "second_run_s": round(final_seconds, 1),
        "second_run_check_exit_code": final_check,
        "details": kills,
        "seed": args.seed,
        "machine": {"cores": os.cpu_count(), "python": platform.python_version(),
                    "load_average_at_end": [round(x, 2) for x in os.getloadavg()]},
        "wall_s": round(time.monotonic() - began, 1),
        "note": "the CPU is shared with other work; timings are indicative only",
    }
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {args.out}: {report['check_passed_after_kill']}/{report['kills']} checks passed after a kill; "
          f"second run exit {report['second_run_exit_code']}, check {report['second_run_check_exit_code']}")
    if report["check_failed_after_kill"] or final.returncode != 0 or final_check != 0:
        sys.exit(1)


if __name__ == "__main__":
    main()
