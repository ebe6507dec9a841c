#!/usr/bin/env python3
"""`niic-sched explain` at scale: wall time, peak memory and Ctrl-C stop latency, on
generated conferences with one planted contradiction (issue 13, must-show 6:
1000 sessions / 40 rooms / 3 days x 11 slots, < 15 s, < 1 GiB, Ctrl-C stops it
within a second).

    python benchmarks/bench_explain.py                 # 1000/40/3/11, every scenario; writes benchmarks/explain.json
    python benchmarks/bench_explain.py --sessions 300 --rooms 24 --days 4 --slots 5 --seed 3
    python benchmarks/bench_explain.py --scenario speaker-pins --interrupts 5

For each scenario a fresh conference is written by niic_sched.generate (`niic-sched generate`)
(feasible by construction), one contradiction is planted in its files (or none: the
control), and ``niic-sched explain DIR --format json`` runs in a subprocess, one run
at a time:

* wall time from process start to exit (interpreter start and loading included) and
  the peak resident set size of that process (``os.wait4``: what /usr/bin/time -v
  reports as "Maximum resident set size");
* the stage that found it, the requirement keys named, and whether they are exactly
  the planted ones;
* Ctrl-C: the same command again, SIGINT to its process group (as a terminal sends
  it) at moments spread over the measured run (``--interrupts``), and the time from
  the signal to the process's exit, its exit code (130: interrupted) and message.

Scenarios:
  speaker-pins         a speaker's two sessions pinned to one day on which she is free
                       in one slot only (found by the solver, then shrunk to a minimum)
  big-sessions-pinned  two sessions only the biggest room seats, pinned to one time (solver)
  big-sessions-one-day one more such session than day 1 has slots, all pinned to day 1 (solver)
  speaker-overload     a speaker's sessions outnumber her free slots (a pre-check)
  pin-clash            two sessions pinned to the same room and time (a pre-check)
  none                 no contradiction (the control: a program exists)
The load average (1 min) is recorded before and after each run: the machine may be shared.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def generate(out: Path, sessions: int, rooms: int, days: int, slots: int, seed: int) -> Path:
    """The project's generator (niic_sched.generate, as `niic-sched generate`)."""
    from niic_sched.generate import generate_conference
    generate_conference(out, sessions=sessions, rooms=rooms, days=days, slots=slots, seed=seed)
    return out


# -- planting ------------------------------------------------------------------------------------
def _read(folder: Path):
    conf = yaml.safe_load((folder / "conference.yaml").read_text())
    speakers = yaml.safe_load((folder / "speakers.yaml").read_text())
    sessions = {}
    for path in sorted((folder / "sessions").rglob("*.yaml")):   # sessions/<track>/<id>.yaml
        doc = yaml.safe_load(path.read_text())
        sessions[doc["id"]] = (path, doc)
    return conf, speakers, sessions


def _write(path: Path, doc) -> None:
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True))


def _regular_slots(day: dict) -> list[dict]:
    return [s for s in day["slots"] if s.get("kind") != "plenary"]


def _hhmm(value) -> str:
    """The generator writes unquoted 09:00 (YAML reads some as minutes): back to HH:MM."""
    if isinstance(value, int):
        return f"{value // 60:02d}:{value % 60:02d}"
    return str(value)


def _linked(sessions: dict) -> set[str]:
    out = set()
    for _, doc in sessions.values():
        for key in ("after", "not_with"):
            if doc.get(key):
                out.add(doc["id"])
                out.update(doc[key])
    return out


def _speaker_with_two(conf, speakers, sessions, want: int = 2):
    """A speaker with at least ``want`` plain sessions (one slot, no links, co-speakers always free)."""
    slot_len = min(_minutes(s["end"]) - _minutes(s["start"]) for d in conf["days"] for s in _regular_slots(d))
    linked = _linked(sessions)
    busy = {p["id"] for p in speakers if p.get("unavailable")}
    by_speaker: dict[str, list[str]] = {}
    for sid, (_, doc) in sessions.items():
        if doc.get("format") == "plenary" or doc["duration"] > slot_len or sid in linked or doc.get("pin"):
            continue
        for p in doc.get("speakers") or []:
            by_speaker.setdefault(p, []).append(sid)
    for p in sorted(by_speaker):
        mine = by_speaker[p]
        if len(mine) < want:
            continue
        co = {q for sid in mine for q in sessions[sid][1].get("speakers") or [] if q != p}
        if co & busy:
            continue
        return p, sorted(mine)
    raise SystemExit("no speaker suits the plant; try another --seed")


def _minutes(value) -> int:
    text = _hhmm(value)
    h, m = text.split(":")
    return int(h) * 60 + int(m)


def plant_speaker_pins(folder: Path) -> dict:
    """Pin a speaker's session A to day 1's first regular slot and session B to day 1,
    and make the speaker unavailable for the rest of day 1."""
    conf, speakers, sessions = _read(folder)
    p, (a, b, *_) = _speaker_with_two(conf, speakers, sessions)
    day = conf["days"][0]
    regular = _regular_slots(day)
    date = str(day["date"])
    first, second, last = _hhmm(regular[0]["start"]), _hhmm(regular[1]["start"]), _hhmm(regular[-1]["end"])
    for sid, pin in ((a, {"day": date, "start": first}), (b, {"day": date})):
        path, doc = sessions[sid]
        doc["pin"] = pin
        _write(path, doc)
    for sp in speakers:
        if sp["id"] == p:
            sp["unavailable"] = [{"day": date, "start": second, "end": last}]
    _write(folder / "speakers.yaml", speakers)
    return {"speaker": p, "sessions": [a, b],
            "keys": sorted([f"pins:{a}", f"pins:{b}", f"speakers:{p}@{a}", f"speakers:{p}@{b}",
                            f"speaker_availability:{p}@{date} {second}-{last}"])}


def plant_speaker_overload(folder: Path) -> dict:
    """A speaker with three sessions who is available on day 1's first two regular slots only."""
    conf, speakers, sessions = _read(folder)
    p, mine = _speaker_with_two(conf, speakers, sessions, want=3)
    mine = mine[:3]
    dates = [str(d["date"]) for d in conf["days"]]
    regular = _regular_slots(conf["days"][0])
    away = [{"day": dates[0], "start": _hhmm(regular[2]["start"]), "end": _hhmm(regular[-1]["end"])}] + \
        [{"day": d} for d in dates[1:]]
    for sp in speakers:
        if sp["id"] == p:
            sp["unavailable"] = away
    _write(folder / "speakers.yaml", speakers)
    return {"speaker": p, "sessions": mine, "keys": None}


def plant_pin_clash(folder: Path) -> dict:
    """Two sessions pinned to the same room and time."""
    conf, speakers, sessions = _read(folder)
    rooms = yaml.safe_load((folder / "rooms.yaml").read_text())
    big = max(rooms, key=lambda r: r["capacity"])["id"]
    linked = _linked(sessions)
    plain = [sid for sid, (_, d) in sessions.items()
             if d.get("format") != "plenary" and sid not in linked and not d.get("requires")][:2]
    day = conf["days"][0]
    start = _hhmm(_regular_slots(day)[0]["start"])
    for sid in plain:
        path, doc = sessions[sid]
        doc["pin"] = {"day": str(day["date"]), "start": start, "room": big}
        _write(path, doc)
    return {"sessions": plain, "keys": sorted(f"pins:{s}" for s in plain)}


def plant_big_sessions_pinned_together(folder: Path, n: int = 2, whole_day: bool = False) -> dict:
    """``n`` sessions that only the biggest room seats, pinned to day 1's first regular
    slot (or, ``whole_day``, to day 1: one more than it has regular slots)."""
    conf, speakers, sessions = _read(folder)
    rooms = yaml.safe_load((folder / "rooms.yaml").read_text())
    caps = sorted((r["capacity"] for r in rooms), reverse=True)
    linked = _linked(sessions)
    day1 = str(conf["days"][0]["date"])
    busy = {p["id"] for p in speakers if any(str(u["day"]) == day1 for u in p.get("unavailable") or [])}
    slot_len = min(_minutes(x["end"]) - _minutes(x["start"]) for d in conf["days"] for x in _regular_slots(d))
    big = [sid for sid, (_, d) in sessions.items()
           if d.get("format") != "plenary" and d["expected_attendance"] > caps[1] and sid not in linked
           and d["duration"] <= slot_len and not set(d.get("speakers") or []) & busy]
    day = conf["days"][0]
    if whole_day:
        n = len(_regular_slots(day)) + 1
    big = big[:n]
    if len(big) < n:
        raise SystemExit(f"not {n} sessions that only the biggest room seats; try another --seed")
    start = _hhmm(_regular_slots(day)[0]["start"])
    for sid in big:
        path, doc = sessions[sid]
        doc["pin"] = {"day": str(day["date"])} if whole_day else {"day": str(day["date"]), "start": start}
        _write(path, doc)
    return {"sessions": big, "keys": sorted([f"pins:{x}" for x in big] + [f"capacity:{x}" for x in big])}


def plant_nothing(folder: Path) -> dict:
    """The control: the generated conference as it is (a program exists)."""
    return {"keys": None}


SCENARIOS = {"speaker-pins": plant_speaker_pins, "big-sessions-pinned": plant_big_sessions_pinned_together,
             "big-sessions-one-day": lambda folder: plant_big_sessions_pinned_together(folder, whole_day=True),
             "speaker-overload": plant_speaker_overload, "pin-clash": plant_pin_clash, "none": plant_nothing}
WALL_GOAL, RSS_GOAL_MIB, STOP_GOAL = 15.0, 1024.0, 1.0


def _command(folder: Path, time_limit: float) -> list[str]:
    return [sys.executable, "-m", "niic_sched", "explain", str(folder), "--format", "json",
            "--time-limit", str(time_limit)]


def _default_sigint():
    signal.signal(signal.SIGINT, signal.SIG_DFL)   # a process started in the background may ignore SIGINT


def _start(folder: Path, time_limit: float, out, err) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.Popen(_command(folder, time_limit), stdout=out, stderr=err, cwd=ROOT, env=env,
                            preexec_fn=_default_sigint, start_new_session=True, bufsize=0)


def _wait(proc: subprocess.Popen) -> tuple[int, float]:
    """Exit code and peak RSS (MiB) of ``proc``, reaped with os.wait4."""
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, usage.ru_maxrss / 1024.0          # Linux: kilobytes


def run(folder: Path, time_limit: float) -> tuple[float, int, float, dict, str]:
    """One explanation: (wall seconds, exit code, peak RSS MiB, its JSON, stderr)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        t0 = time.monotonic()
        proc = _start(folder, time_limit, out, err)
        code, rss = _wait(proc)
        seconds = time.monotonic() - t0
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    doc = json.loads(stdout) if stdout.strip().startswith("{") else {"error": stderr[-2000:]}
    return seconds, code, rss, doc, stderr


def interrupt(folder: Path, time_limit: float, at: float) -> dict:
    """The explanation again, SIGINT to its process group ``at`` seconds after its start:
    how long until it says so (its last line on stderr) and until it has exited, with
    which code and message."""
    import threading
    marks: dict = {}
    t0 = time.monotonic()
    proc = _start(folder, time_limit, subprocess.DEVNULL, subprocess.PIPE)

    def pump() -> None:
        for line in iter(proc.stderr.readline, b""):
            marks["said"] = time.monotonic()
            marks["line"] = line.decode(errors="replace").strip()
    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    time.sleep(max(0.0, t0 + at - time.monotonic()))
    # has it exited already? (asked without reaping it: _wait reaps it, with its rusage)
    finished_first = os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None
    sent = time.monotonic()
    if not finished_first:
        os.killpg(proc.pid, signal.SIGINT)
    try:
        code, _ = _wait(proc)
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)          # anything it left behind
        except (ProcessLookupError, PermissionError):
            pass
    ended = time.monotonic()
    reader.join(5)
    proc.stderr.close()
    return {"at_seconds": round(at, 2), "finished_before_the_signal": finished_first,
            "message_seconds": None if finished_first or "said" not in marks else round(marks["said"] - sent, 3),
            "stop_seconds": None if finished_first else round(ended - sent, 3), "exit_code": code,
            "message": marks.get("line", "")[:200]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sessions", type=int, default=1000)
    ap.add_argument("--rooms", type=int, default=40)
    ap.add_argument("--days", type=int, default=3)
    ap.add_argument("--slots", type=int, default=11)
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--interrupts", type=int, default=3,
                    help="Ctrl-C moments per scenario, spread over its run (0: none) [default: 3]")
    ap.add_argument("--scenario", action="append", choices=sorted(SCENARIOS),
                    help="run only these (repeatable) [default: all]")
    ap.add_argument("--work", type=Path, default=Path("/tmp/niic-bench-explain"))
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "explain.json")
    a = ap.parse_args()

    results = []
    for name in a.scenario or list(SCENARIOS):
        folder = a.work / name
        if folder.exists():
            import shutil
            shutil.rmtree(folder)
        generate(folder, a.sessions, a.rooms, a.days, a.slots, a.seed)
        planted = SCENARIOS[name](folder)
        load_before = os.getloadavg()[0]
        seconds, code, rss, doc, stderr = run(folder, a.time_limit)
        load_after = os.getloadavg()[0]
        named = doc.get("requirements", [])
        # Ctrl-C at moments spread over the run (never before 0.3 s: the interpreter is still starting)
        moments = [max(0.3, seconds * (n + 1) / (a.interrupts + 1)) for n in range(a.interrupts)]
        stops = [interrupt(folder, a.time_limit, at) for at in moments]
        latencies = [x["stop_seconds"] for x in stops if x["stop_seconds"] is not None]
        row = {"scenario": name, "seconds": round(seconds, 2), "explain_seconds": doc.get("seconds"),
               "peak_rss_mib": round(rss, 1), "exit_code": code, "status": doc.get("status"),
               "stage": doc.get("stage"), "minimal": doc.get("minimal"), "cut_short": doc.get("cut_short"),
               "rules": [r["rule"] for r in doc.get("reasons", [])], "named": named, "planted": planted,
               "only_planted": (set(named) <= set(planted["keys"])) if planted.get("keys") else None,
               "exactly_planted": (set(named) == set(planted["keys"])) if planted.get("keys") else None,
               "loadavg_1min_before_after": [round(load_before, 2), round(load_after, 2)],
               "under_15_s": seconds < WALL_GOAL, "under_1_gib": rss < RSS_GOAL_MIB,
               "interrupts": stops,
               "ctrl_c_max_message_seconds": max((x["message_seconds"] for x in stops
                                                   if x["message_seconds"] is not None), default=None),
               "ctrl_c_max_stop_seconds": max(latencies) if latencies else None,
               "ctrl_c_within_1_s": (all(x < STOP_GOAL for x in latencies)
                                     and all(x["exit_code"] == 130 for x in stops if x["stop_seconds"] is not None))
               if latencies else None}
        if "error" in doc:
            row["error"] = doc["error"]
        results.append(row)
        print(f"{name:20s} exit {code}  {seconds:6.2f} s  {rss:7.1f} MiB  stage {row['stage']}  "
              f"named {len(named)}  only planted: {row['only_planted']}  "
              f"Ctrl-C: {row['ctrl_c_max_stop_seconds']} s max ({len(latencies)} stops)  "
              f"load {load_before:.1f}/{load_after:.1f}", file=sys.stderr)
    report = {"benchmark": "explain", "sessions": a.sessions, "rooms": a.rooms, "days": a.days,
              "slots_per_day": a.slots, "seed": a.seed, "time_limit": a.time_limit,
              "python": platform.python_version(), "cpus": os.cpu_count(),
              "goals": {"seconds": WALL_GOAL, "peak_rss_mib": RSS_GOAL_MIB, "ctrl_c_stop_seconds": STOP_GOAL},
              "note": "wall time and peak RSS of `niic-sched explain --format json` in a subprocess, "
              "interpreter start and loading included, one run at a time; Ctrl-C: SIGINT to its process group "
              "at the given moments, time to exit; the machine's CPU may be shared (see the load averages), "
              "so times may be inflated",
              "results": results}
    a.out.parent.mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(ROOT))
    from niic_sched.io.atomic import write_text_atomic
    write_text_atomic(a.out, json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {a.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
