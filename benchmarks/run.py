#!/usr/bin/env python3
"""Program-quality benchmark (issues 8 and 13): niic-sched against a plain CP-SAT model,
Timefold Solver and the PyCon UK conference-scheduler package, on the same instances in
the same run.

    make bench                                   # full run -> benchmarks/results.md + results.json
    .venv/bin/python benchmarks/run.py --quick   # smoke test: sizes 60 and 120, 10 s only
                                                 #   -> benchmarks/results-quick.md + .json
    .venv/bin/python benchmarks/run.py --sizes 60,1000 --only niic,plain,timefold
    .venv/bin/python benchmarks/run.py --only must1
    .venv/bin/python benchmarks/run.py --sizes 1000 --only niic --merge   # re-measure some rows only
    .venv/bin/python benchmarks/run.py --render benchmarks/results.json   # rewrite results.md only

Parts (``--only``, comma-separated; default all):
  niic     niic-sched solve at each time limit (default 10 and 60 s), --seed 1
  plain    the plain CP-SAT model (benchmarks/plain_model.py), one run recording the
           best solution at each limit
  timefold Timefold Solver through benchmarks/adapter_timefold.py at each time limit (the
           JVM start-up and the domain translation count against the limit; see
           --timefold-startup-not-counted)
  cs       conference-scheduler through benchmarks/adapter_conference_scheduler.py,
           CBC time limit 60 s (sizes whose LP would be too large are skipped, with why)
  must1    issue 13's must-show 1: seeds 101-106 (--seeds) of 60/12/3/5 at 30 s, niic-sched,
           Timefold and the plain model each, totals and ratios; seed 11 of 60/12/3/5 at
           30 s, niic-sched 3 times (--seed 1, 2, 3; --seed11-runs) and Timefold once
  compare  this tree against an earlier revision (--compare-rev, default the last commit
           before the rule registry), side by side on the same instances: seed 11 at 30 s,
           the 1000-session first valid timetable, late sessions, a planted contradiction
           (benchmarks/bench_compare.py; writes benchmarks/compare.md and .json)

Every schedule written is judged by ``niic-sched check DIR --schedule FILE`` (exit
0 = valid, else the number of broken hard rules) and its attendee conflicts (and missed
attendance, where niic_sched.quality has that goal) are recounted with
niic_sched.quality.evaluate; no solver's own figure is trusted.
Peak memory is /usr/bin/time -v's maximum resident set size of each process.
Instances are written by niic_sched.generate (`niic-sched generate`) into a temporary
folder (``--keep DIR`` keeps them with every schedule). Results are rewritten
after every run, so an interrupted run leaves what it measured.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from niic_sched.check import check_schedule  # noqa: E402
from niic_sched.errors import InputError  # noqa: E402
from niic_sched.generate import generate_conference  # noqa: E402
from niic_sched.io import load  # noqa: E402
from niic_sched.io.atomic import write_text_atomic  # noqa: E402
from niic_sched.io.schedule_file import read_schedule  # noqa: E402
from niic_sched.quality import evaluate  # noqa: E402

PY = Path(sys.executable)
NIIC = PY.parent / "niic-sched"
PLAIN = ROOT / "benchmarks" / "plain_model.py"
ADAPTER = ROOT / "benchmarks" / "adapter_conference_scheduler.py"
TIMEFOLD = ROOT / "benchmarks" / "adapter_timefold.py"
TIME = Path("/usr/bin/time")

# (sessions, rooms, days, slots per day, attendees)
LADDER = [(60, 12, 3, 5, 1200), (120, 16, 3, 6, 1200), (250, 24, 3, 8, 1200), (500, 30, 3, 10, 1200),
          (1000, 40, 3, 11, 5000)]
PARTS = ("niic", "plain", "timefold", "cs", "must1", "compare")
# issue 13, must show 1: on 60/12/3/5 seeds 101-106 at 30 s, niic-sched's total attendee conflicts
# <= 0.97 x Timefold's and <= 0.90 x the plain model's; seed 11 at 30 s: the median of 3 runs <= 317
TARGET_VS_TIMEFOLD, TARGET_VS_PLAIN, TARGET_SEED11_MEDIAN = 0.97, 0.90, 317
MUST1_LIMIT = 30.0
# issue 13 measured on the instances of ../shared/bench/make_conference.py: when it is there,
# must1 runs on them too (and on niic-sched's own generator's, which a bare clone has)
SHARED_GENERATOR = ROOT.parent / "shared" / "bench" / "make_conference.py"
SHARED_TAG = ", make_conference.py"
# must1's seeded comparison: niic-sched with attendee conflicts alone weighted, the objective of
# Timefold's adapter and of the plain model (as issue 13 measured); seed 11 keeps the default weights
CONFLICTS_ONLY = (("attendee_conflict", 1), ("missed_attendance", 0), ("track_overlap", 0), ("popular_overlap", 0),
                  ("preferred", 0), ("track_rooms", 0), ("room_fit", 0))
# issue 8 (kept where they still make sense): seed 11's lower bound >= 290; at 1000 sessions the first
# valid timetable < 15 s and fewer conflicts than the plain model at 60 s
TARGET_BOUND, TARGET_FIRST_1000 = 290, 15.0
TIMEFOLD_SOLVER = "Timefold Solver"
NIIC_SOLVER, PLAIN_SOLVER = "niic-sched", "plain CP-SAT model"


# -- running one process ---------------------------------------------------------------
def run_measured(cmd: list[str], timeout: float, workdir: Path) -> dict:
    """Run ``cmd`` under /usr/bin/time -v; returns exit code, stderr, wall time, peak RSS.
    On timeout the whole process group is killed."""
    tfile = workdir / f".time-{time.monotonic_ns()}"
    full = [str(TIME), "-v", "-o", str(tfile)] + cmd if TIME.exists() else cmd
    t0 = time.monotonic()
    proc = subprocess.Popen(full, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    timed_out = False
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
    wall = time.monotonic() - t0
    rss = None
    if tfile.exists():
        m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", tfile.read_text(errors="replace"))
        rss = round(int(m.group(1)) / 1024, 1) if m else None
        tfile.unlink()
    return {"cmd": " ".join(str(c) for c in cmd), "rc": None if timed_out else proc.returncode,
            "timed_out": timed_out, "wall_seconds": round(wall, 2), "peak_rss_mib": rss,
            "stdout": out, "stderr": err}


def judge(folder: Path, schedule: Path, conf) -> dict:
    """niic-sched's checker (exit code, and the number of broken rules) and an
    independent recount of attendee conflicts."""
    if not schedule.is_file():
        return {"written": False}
    proc = subprocess.run([str(NIIC), "check", str(folder), "--schedule", str(schedule), "--quiet"],
                          capture_output=True, text=True)
    out = {"written": True, "check_rc": proc.returncode, "valid": proc.returncode == 0}
    try:
        sched = read_schedule(schedule)
    except InputError as exc:
        out.update(readable=False, problem=exc.summary())
        return out
    out["readable"] = True
    violations = check_schedule(conf, sched)
    out["violations"] = len(violations)
    out["violation_rules"] = sorted({v.rule for v in violations})
    q = evaluate(conf, sched)
    out["attendee_conflicts"] = q.figure("attendee_conflict").count
    out["track_overlaps"] = q.figure("track_overlap").count
    missed = missed_attendance(q)
    if missed is not None:
        out["missed_attendance"] = missed
    out["meta"] = sched.meta
    out["placed"] = len(sched.assignments)
    return out


def missed_attendance(q) -> int | None:
    """Missed attendance (an attendee with k+1 wanted sessions at one time misses k), when
    niic_sched.quality recounts that goal; None where it does not (yet)."""
    fig = q.figure("missed_attendance") if hasattr(q, "figure") else None
    if fig is not None:
        return fig.count
    value = getattr(q, "missed_attendance", None)
    if isinstance(value, dict):
        value = value.get("count")
    if isinstance(value, (int, float)):
        return int(value)
    return None


def timefold_ready() -> str | None:
    """Why Timefold cannot run here (None when it can)."""
    import importlib.util
    if importlib.util.find_spec("timefold") is None:
        return "timefold is not installed (pip install '.[bench]')"
    if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        return "Java is missing (`make bench-deps` installs openjdk-17-jre-headless)"
    return None


def conflict_bound(meta: dict, conf) -> tuple[float | None, str]:
    """A lower bound on attendee conflicts from niic-sched's meta, and where it came from."""
    goal = (meta.get("goals") or {}).get("attendee_conflict") or {}
    for key, src in ((goal.get("lower_bound"), "meta.goals.attendee_conflict.lower_bound"),
                     (meta.get("conflict_lower_bound"), "meta.conflict_lower_bound")):
        if isinstance(key, (int, float)):
            return float(key), src
    lb = meta.get("lower_bound")
    if isinstance(lb, (int, float)):
        w = goal.get("weight") or conf.weight.get("attendee_conflict") or 1
        return lb / w, f"meta.lower_bound / {w} (bound on the weighted timetable objective)"
    return None, "none reported"


# -- the parts ---------------------------------------------------------------------------
class Bench:
    def __init__(self, args, work: Path):
        self.a, self.work = args, work
        self.records: list[dict] = []
        self.instances: dict[str, dict] = {}
        self.started = dt.datetime.now().isoformat(timespec="seconds")
        self.load_at_start = os.getloadavg()
        self.machine = machine(self.load_at_start)   # once: it starts a JVM (java -version) and reads versions

    def instance(self, n, rooms, days, slots, attendees, seed, generator: str = "niic",
                 conflicts_only: bool = False) -> tuple[str, Path]:
        """A generated conference: ``generator`` "niic" (niic-sched generate) or "shared"
        (../shared/bench/make_conference.py, the instances the issues measured on);
        ``conflicts_only``: weights with attendee conflicts alone (what the peers optimise)."""
        name = f"{n}/{rooms}/{days}/{slots} seed {seed}" + (f", {attendees} attendees" if attendees != 1200 else "")
        name += SHARED_TAG if generator == "shared" else ""
        folder = self.work / (f"c{n}-{rooms}-{days}-{slots}-s{seed}-a{attendees}" + ("-shared" if generator == "shared"
                                                                                     else "") + ("-conflicts" if conflicts_only else ""))
        if not folder.exists():
            if generator == "shared":
                subprocess.run([str(PY), str(SHARED_GENERATOR), str(folder), "--sessions", str(n), "--rooms", str(rooms),
                                "--days", str(days), "--slots", str(slots), "--attendees", str(attendees), "--seed",
                                str(seed)], check=True, capture_output=True)
            else:
                generate_conference(folder, sessions=n, rooms=rooms, days=days, slots=slots, attendees=attendees,
                                    seed=seed)
            if conflicts_only:
                with open(folder / "conference.yaml", "a", encoding="utf-8") as fh:
                    fh.write("# benchmark: attendee conflicts alone, as the peers optimise\n"
                             "weights: {" + ", ".join(f"{k}: {v}" for k, v in CONFLICTS_ONLY) + "}\n")
        if name not in self.instances:
            conf = load(folder)
            self.instances[name] = {"folder": folder.name, "sessions": len(conf.sessions), "rooms": len(conf.rooms),
                                    "slots": len(conf.slots), "interest_rows": len(conf.interests),
                                    "generator": f"niic-sched generate DIR --sessions {n} --rooms {rooms} "
                                                 f"--days {days} --slots {slots} --attendees {attendees} "
                                                 f"--seed {seed}" if generator == "niic" else
                                                 f"python ../shared/bench/make_conference.py DIR --sessions {n} "
                                                 f"--rooms {rooms} --days {days} --slots {slots} --attendees "
                                                 f"{attendees} --seed {seed}",
                                    "weights": "attendee conflicts only" if conflicts_only else "default"}
        return name, folder

    def save(self) -> None:
        doc = {"started": self.started, "finished": dt.datetime.now().isoformat(timespec="seconds"),
               "machine": self.machine, "instances": self.instances, "runs": self.records}
        write_text_atomic(self.a.json, json.dumps(doc, indent=2, default=str) + "\n")
        write_text_atomic(self.a.out, render(doc, self.a))

    def add(self, rec: dict) -> None:
        rec.setdefault("measured_at", dt.datetime.now().isoformat(timespec="seconds"))
        rec.setdefault("git_commit", self.machine["git_commit"])
        rec.setdefault("run", 0)
        key = record_key(rec)
        self.records = [r for r in self.records if record_key(r) != key]
        self.records.append(rec)
        j = rec.get("judged") or {}
        print(f"  {rec['instance']:<34} {rec['solver']:<22} {rec['limit']:>4}s  conflicts "
              f"{j.get('attendee_conflicts', '-')!s:>5}  missed {j.get('missed_attendance', '-')!s:>5}  "
              f"valid {j.get('valid', '-')!s:<5} "
              f"violations {j.get('violations', '-')!s:>3}  wall {rec.get('wall_seconds', '-')}s  "
              f"rss {rec.get('peak_rss_mib', '-')} MiB  {rec.get('note', '')}", flush=True)
        self.save()

    def niic(self, name: str, folder: Path, limit: float, part: str, seed: int = 1, run: int = 0) -> dict:
        conf = load(folder)
        out = folder / (f"niic-{limit:g}s.yaml" if seed == 1 else f"niic-{limit:g}s-seed{seed}.yaml")
        r = run_measured([str(NIIC), "solve", str(folder), "-o", str(out), "--time-limit", f"{limit:g}",
                          "--seed", str(seed)], timeout=limit * 3 + 300, workdir=self.work)
        first = re.search(r"\[\s*([\d.]+)s\] (?:timetable: a first valid one|first timetable)", r["stderr"])
        rec = {"part": part, "instance": name, "solver": NIIC_SOLVER, "limit": limit, "run": run, "seed": seed,
               "rc": r["rc"], "timed_out": r["timed_out"], "wall_seconds": r["wall_seconds"],
               "peak_rss_mib": r["peak_rss_mib"], "first_valid_seconds": float(first.group(1)) if first else None,
               "judged": judge(folder, out, conf)}
        meta = rec["judged"].get("meta") or {}
        bound, src = conflict_bound(meta, conf)
        if isinstance(meta.get("first_valid_seconds"), (int, float)):   # the solver's own mark, when written
            rec["first_valid_seconds"] = float(meta["first_valid_seconds"])
        rec.update(status=meta.get("status"), solver_seconds=meta.get("seconds"), conflict_bound=bound,
                   bound_source=src, timetable_objective=meta.get("timetable_objective"),
                   timetable_bound=meta.get("lower_bound"), bound_method=meta.get("bound_method"))
        if r["rc"] != 0:
            rec["note"] = "exit %s: %s" % (r["rc"], tail(r["stderr"]))
            rec["stderr_tail"] = r["stderr"].strip().splitlines()[-25:]
        self.add(rec)
        return rec

    def plain(self, name: str, folder: Path, limits: list[float], part: str) -> list[dict]:
        conf = load(folder)
        files = {m: folder / f"plain-{m:g}s.yaml" for m in limits}
        js = folder / "plain.json"
        cmd = [str(PY), str(PLAIN), str(folder), "--json", str(js), "--seed", "1", "--workers", "2", "--quiet"]
        for m, f in files.items():
            cmd += ["--mark", f"{m:g}={f}"]
        r = run_measured(cmd, timeout=max(limits) * 3 + 600, workdir=self.work)
        fig = json.loads(js.read_text()) if js.is_file() else {}
        out = []
        for m in limits:
            mark = (fig.get("marks") or {}).get(str(float(m)))
            rec = {"part": part, "instance": name, "solver": PLAIN_SOLVER, "limit": m, "rc": r["rc"],
                   "timed_out": r["timed_out"], "wall_seconds": r["wall_seconds"], "peak_rss_mib": r["peak_rss_mib"],
                   "first_valid_seconds": fig.get("first_solution_seconds"), "status": fig.get("status"),
                   "build_seconds": fig.get("build_seconds"), "model_size": fig.get("size"),
                   "conflict_bound": fig.get("bound"), "bound_source": "CP-SAT best bound of the plain model",
                   "found_at": mark.get("found_at") if mark else None, "judged": judge(folder, files[m], conf)}
            if mark is None:
                rec["note"] = (f"no solution within {m:g} s" if r["rc"] in (0, 1)
                               else f"exit {r['rc']}: {tail(r['stderr'])}")
            self.add(rec)
            out.append(rec)
        return out

    def timefold(self, name: str, folder: Path, limit: float, part: str) -> dict:
        conf = load(folder)
        out, js = folder / f"timefold-{limit:g}s.yaml", folder / f"timefold-{limit:g}s.json"
        rec = {"part": part, "instance": name, "solver": TIMEFOLD_SOLVER, "limit": limit}
        why = timefold_ready()
        if why:
            rec.update(skipped=True, note=f"skipped: {why}")
            self.add(rec)
            return rec
        for stale in (out, js):
            stale.unlink(missing_ok=True)
        cmd = [str(PY), str(TIMEFOLD), str(folder), "-o", str(out), "--time-limit", f"{limit:g}", "--json", str(js)]
        if self.a.timefold_startup_not_counted:
            cmd.append("--startup-not-counted")
        r = run_measured(cmd, timeout=limit * 3 + 300, workdir=self.work)
        fig = json.loads(js.read_text()) if js.is_file() else {}
        rec.update(rc=r["rc"], timed_out=r["timed_out"], wall_seconds=r["wall_seconds"],
                   peak_rss_mib=r["peak_rss_mib"], adapter=fig, startup_seconds=fig.get("startup_seconds"),
                   jvm_start_seconds=fig.get("jvm_start_seconds"), solve_seconds=fig.get("solve_seconds"),
                   startup_counted=fig.get("startup_counted"), score=fig.get("score"),
                   judged=judge(folder, out, conf))
        if r["timed_out"]:
            rec["note"] = f"killed after {r['wall_seconds']:g} s"
        elif r["rc"] == 3:
            rec["note"] = f"no schedule: {fig.get('why', tail(r['stderr']))}"
        elif r["rc"] == 1:
            rec["note"] = (f"the limit ended the construction heuristic: {fig.get('unplaced')} sessions unplaced; "
                           f"start-up {fmt(fig.get('startup_seconds'))} s")
        elif r["rc"] != 0:
            rec["note"] = f"exit {r['rc']}: {tail(r['stderr'])}"
            rec["stderr_tail"] = r["stderr"].strip().splitlines()[-25:]
        else:
            rec["note"] = (f"start-up {fmt(fig.get('startup_seconds'))} s (JVM {fmt(fig.get('jvm_start_seconds'))} s)"
                           f"{'' if fig.get('startup_counted', True) else ' not counted'}, solving "
                           f"{fmt(fig.get('solve_seconds'))} s, {fmt(fig.get('counted_seconds'))} s in all after "
                           f"loading; score {fig.get('score')}")
        self.add(rec)
        return rec

    def cs(self, name: str, folder: Path, limit: float, part: str) -> dict:
        conf = load(folder)
        out, js = folder / "cs.yaml", folder / "cs.json"
        rec = {"part": part, "instance": name, "solver": "conference-scheduler", "limit": limit}
        try:
            import conference_scheduler  # noqa: F401
        except ImportError:
            rec.update(skipped=True, note="skipped: conference-scheduler is not installed (pip install '.[bench]')")
            self.add(rec)
            return rec
        r = run_measured([str(PY), str(ADAPTER), str(folder), "-o", str(out), "--time-limit", f"{limit:g}",
                          "--json", str(js), "--max-constraints", str(self.a.cs_max_constraints)]
                         + (["--no-tags"] if self.a.cs_no_tags else []),
                         timeout=limit * 3 + self.a.cs_build_timeout, workdir=self.work)
        fig = json.loads(js.read_text()) if js.is_file() else {}
        rec.update(rc=r["rc"], timed_out=r["timed_out"], wall_seconds=r["wall_seconds"],
                   peak_rss_mib=r["peak_rss_mib"], adapter=fig, judged=judge(folder, out, conf))
        if r["rc"] == 3:
            rec.update(skipped=True, note="skipped: " + fig.get("why", tail(r["stderr"])))
        elif r["timed_out"]:
            rec["note"] = f"killed after {r['wall_seconds']:g} s (PuLP model building + CBC did not finish)"
        elif r["rc"] == 1:
            rec["note"] = (f"no solution from CBC within its {limit:g} s limit "
                           f"(LP of {fig.get('estimated_constraints', 0):,} constraints)")
        elif r["rc"] != 0:
            rec["note"] = f"exit {r['rc']}: {tail(r['stderr'])}"
        self.add(rec)
        return rec


def record_key(r: dict) -> tuple:
    return (r["part"], r["instance"], r["solver"], r["limit"], r.get("run", 0))


def tail(text: str, n: int = 200) -> str:
    lines = [ln for ln in (text or "").strip().splitlines() if ln.strip()]
    return (lines[-1] if lines else "")[:n]


def machine(load) -> dict:
    cpu = ""
    try:
        cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                    if ln.startswith("model name")), "")
    except OSError:
        pass
    versions = {}
    for pkg in ("ortools", "conference-scheduler", "pulp", "timefold"):
        try:
            from importlib.metadata import version
            versions[pkg] = version(pkg)
        except Exception:
            versions[pkg] = None
    commit = None
    try:
        commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True).stdout.strip() or None
    except OSError:
        pass
    java = None
    try:
        java_bin = str(Path(os.environ["JAVA_HOME"]) / "bin" / "java") if os.environ.get("JAVA_HOME") else "java"
        proc = subprocess.run([java_bin, "-version"], capture_output=True, text=True, timeout=30)
        java = (proc.stderr.strip().splitlines() or [None])[0]
    except (OSError, subprocess.SubprocessError):
        pass
    versions["java"] = java
    return {"cores": os.cpu_count(), "cpu": cpu, "python": platform.python_version(),
            "load_average_at_start": [round(x, 2) for x in load], "versions": versions, "git_commit": commit}


# -- the report ---------------------------------------------------------------------------
def fmt(v, nd: int = 1) -> str:
    if v is None:
        return "–"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        return f"{v:.{nd}f}"
    return str(v)


def checker_cell(j: dict) -> str:
    if not j or not j.get("written"):
        return "no schedule"
    if j.get("valid"):
        return "valid"
    if not j.get("readable", True):
        return "unreadable"
    return f"{j.get('violations')} broken ({', '.join(j.get('violation_rules', []))})"


def gap(conflicts, bound) -> str:
    if conflicts is None or bound is None:
        return "–"
    if conflicts == 0:
        return "0.0 %"
    return f"{max(0.0, (conflicts - bound) / conflicts) * 100:.1f} %"


def conflicts_of(rec: dict | None):
    """Recounted attendee conflicts of a valid schedule (None when there is none, or it breaks rules:
    a figure of an invalid program is not comparable)."""
    if rec is None:
        return None
    j = rec.get("judged") or {}
    return j.get("attendee_conflicts") if j.get("valid") else None


def find(runs, part, instance, solver, limit, run: int = 0):
    return next((r for r in runs if r["part"] == part and r["instance"] == instance and r["solver"] == solver
                 and r["limit"] == limit and r.get("run", 0) == run), None)


SOLVER_ORDER = {NIIC_SOLVER: 0, PLAIN_SOLVER: 1, TIMEFOLD_SOLVER: 2, "conference-scheduler": 3}


def _order(r: dict):
    head = r["instance"].split(" ")[0]
    n = int(head.split("/")[0]) if head.split("/")[0].isdigit() else 0
    return ({"ladder": 0, "must1": 1}.get(r["part"], 9), n, r["instance"],
            SOLVER_ORDER.get(r["solver"], 9), r["limit"], r.get("run", 0))


def has_missed(runs) -> bool:
    return any("missed_attendance" in (r.get("judged") or {}) for r in runs)


def row_note(r: dict, m: dict) -> str:
    """A row's note, and the commit it was measured at when that is not the header's."""
    note = r.get("note", "")
    if r.get("git_commit") != m.get("git_commit"):
        at = f"measured at git {r.get('git_commit')}, {r.get('measured_at', '?')}"
        note = f"{at}; {note}" if note else at
    return note


def render(doc: dict, a) -> str:
    runs = sorted((r for r in doc["runs"] if r["part"] in ("ladder", "must1")), key=_order)
    m = doc["machine"]
    v = m.get("versions", {})
    missed = has_missed(runs)
    L: list[str] = []
    L.append("# Program-quality benchmark (issues 8 and 13)")
    L.append("")
    who = "`benchmarks/run.py --quick`" if getattr(a, "quick", False) else "`benchmarks/run.py` (`make bench`)"
    L.append(f"Written by {who}, started {doc['started']}, "
             f"last run finished {doc['finished']}. Machine: {m['cores']} cores ({m['cpu']}), Python {m['python']}, "
             f"OR-Tools {v.get('ortools')}, Timefold {v.get('timefold')} on {v.get('java') or 'no Java'}, "
             f"conference-scheduler {v.get('conference-scheduler')} with PuLP {v.get('pulp')}; git "
             f"{m['git_commit']}; load average at start {', '.join(str(x) for x in m['load_average_at_start'])}.")
    L.append("")
    earlier = sorted({str(r.get("git_commit")) for r in runs if r.get("git_commit") != m["git_commit"]})
    if earlier:
        L.append(f"Some rows were kept from an earlier run (`--merge`): those measured at another commit "
                 f"({', '.join(earlier)}) say so in their note, with the time they were measured.")
        L.append("")
    L.append("Every schedule below was judged by `niic-sched check DIR --schedule FILE` (\"valid\" = exit 0) and its "
             "attendee conflicts recounted with `niic_sched.quality.evaluate` from the written file; no solver's own "
             "figure is used" + (", and so is its missed attendance (an attendee with k+1 wanted sessions at one "
                                 "time misses k)" if missed else "") + ". Times are wall-clock seconds; \"first "
             "valid\" is the solver's clock (after loading): for niic-sched the first complete timetable (its room "
             "step then places it), for the plain model its first CP-SAT solution (model building included); "
             "Timefold reports none. Peak memory is the process's maximum resident set size.")
    L.append("")

    ladder = [r for r in runs if r["part"] == "ladder"]
    if ladder:
        L.append("## Size ladder")
        L.append("")
        mh, ms = (" missed attendance |", "--:|") if missed else ("", "")
        L.append("| instance | solver | limit (s) | first valid (s) | attendee conflicts |" + mh + " checker | lower "
                 "bound on conflicts | gap | status | wall (s) | peak memory (MiB) | note |")
        L.append("|---|---|--:|--:|--:|" + ms + "---|--:|--:|---|--:|--:|---|")
        for r in ladder:
            j = r.get("judged") or {}
            c = j.get("attendee_conflicts")
            b = r.get("conflict_bound") if j.get("written") else None
            status = r.get("status") if j.get("written") else None
            mc = f" {fmt(j.get('missed_attendance'))} |" if missed else ""
            L.append(f"| {r['instance']} | {r['solver']} | {fmt(r['limit'], 0)} | {fmt(r.get('first_valid_seconds'))} "
                     f"| {fmt(c)} |{mc} {checker_cell(j) if not r.get('skipped') else 'skipped'} | {fmt(b)} | "
                     f"{gap(c, b)} | {fmt((status or '').lower() or None)} | {fmt(r.get('wall_seconds'))} | "
                     f"{fmt(r.get('peak_rss_mib'))} | {row_note(r, m)} |")
        L.append("")
        L.append("niic-sched's lower bound is reported on its weighted timetable objective (attendee conflicts x "
                 "weight + same-track overlaps + preferred times); the column divides it by the conflict weight "
                 "unless a bound on conflicts alone is under `meta:` (the source is in results.json, "
                 "`bound_source`). The plain model's bound is CP-SAT's best bound on its own objective (conflicts).")
        L.append("")

    L += must_show(runs, doc)
    L += what_it_shows(runs, a)
    L.append("## Timefold Solver: what the adapter models")
    L.append("")
    L.append("`benchmarks/adapter_timefold.py` models the conference as Timefold's quickstarts (school timetabling, "
             "conference scheduling) do: one `@planning_entity` per session with two planning variables, its start "
             "(a run of consecutive slots of one day that covers its duration; the value range is the runs of its "
             "duration, so consecutive slots and \"once\" hold by construction) and its room; rooms, speakers, runs "
             "and the `after`/`not_with` links as problem facts; sessions pinned to a day, a start and a room are "
             "`PlanningPin`-ned there. A `@constraint_provider` has one named constraint stream per hard rule of "
             "niic-sched (one session per room at a time, speakers in one place, nothing beside a plenary, plenary "
             "slots, pins, speaker and room unavailability, features, capacity, `after`, `not_with`; one hard point "
             "per broken instance, as `check` counts them: `--verify-random N` compares the two on random "
             "placements) and one soft stream: attendee conflicts (overlapping pairs weighted by the attendees who "
             "want both). Default construction heuristic and local search, single-threaded, terminated by the "
             "time limit.")
    L.append("")
    L.append("## conference-scheduler: what it cannot express")
    L.append("")
    L.append("The adapter (`benchmarks/adapter_conference_scheduler.py`) maps each session to an `Event` (duration, "
             "demand = expected attendance, tags = [track], unavailability) and each (slot, room) cell to a `Slot` "
             "(venue = room, capacity, start, duration, session = day), runs its PuLP/CBC model "
             "(`scheduler.solution`, CBC time limit as shown, no objective: a feasibility problem) and writes its "
             "answer as a schedule.yaml. Its model cannot express:")
    L.append("")
    L.append("* **capacity** and **required features**: its LP never compares demand with capacity; both are "
             "encoded as unavailability of the cells that are too small or lack a feature (so they hold);")
    L.append("* **multi-slot sessions**: an event fills one slot; a 165-minute training gets one 75-minute cell, "
             "and the next slot of its room, its speakers and its attendees are not blocked (\"one session per "
             "room\" and \"speaker double-booked\" breaks);")
    L.append("* **`after`** (order between sessions): ignored (\"after\" breaks);")
    L.append("* **partial overlaps**: slots are concurrent for it only when one contains the other;")
    L.append("* **attendee interests**: it has no conflict objective; tracks as tags become a hard \"never "
             "concurrent\" rule instead, and speakers' other sessions, `not_with` and plenaries are each other's "
             "unavailability;")
    L.append("* **size**: one LP row per concurrent slot pair and pair of events that may not be concurrent. Sizes "
             "whose LP would exceed `--cs-max-constraints` are skipped, with the count.")
    L.append("")
    L += bound_section()
    L.append("## Caveats")
    L.append("")
    L.append(f"* {m['cores']} cores, shared: other engineers' jobs may have run on the same machine during this run "
             "(load average at start above), so every figure is wall-clock under whatever contention there was; "
             "CP-SAT and Timefold results also vary from run to run with time limits on the wall clock.")
    L.append("* Each solver runs alone, one after another: CP-SAT with 2 workers, CBC with 2 threads, Timefold on "
             "one thread (multi-threaded solving is in its enterprise edition only).")
    L.append("* Timefold's clock: the whole command is held to the limit like the others (after niic-sched's "
             "imports and the loading of the conference, as niic-sched's `--time-limit`). Its start-up (the JVM, "
             "and the translation of the Python domain and constraints to Java classes by the beta Python "
             "bindings: several seconds, shown in the note) counts against the limit, and Timefold's own "
             "termination gets what is left; a timer stops it at the deadline. Where the start-up takes the whole "
             "limit there is no schedule. `--timefold-startup-not-counted` gives it the whole limit for solving "
             "instead.")
    L.append("* niic-sched optimizes its weighted objective (conflicts, same-track overlaps, preferred times, room "
             "goals); the plain model and Timefold see attendee conflicts only, and conference-scheduler no "
             "interests at all, so the comparison on conflicts slightly favours the others.")
    L.append("* The plain model records the best solution at each time limit within one run up to the largest "
             "limit (its 10-s figure is the best of that run at 10 s, not a separate run); its wall time and "
             "memory are those of the whole run.")
    L.append("")
    return "\n".join(L) + "\n"


def bound_section() -> list[str]:
    """The lower bounds' section, from benchmarks/bound.json (benchmarks/bench_bound.py), if it was run."""
    path = ROOT / "benchmarks" / "bound.json"
    if not path.is_file():
        return []
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench_bound import results_section
    try:
        return results_section(json.loads(path.read_text(encoding="utf-8")))
    except (KeyError, TypeError, ValueError):      # a bound.json of an earlier version of bench_bound.py
        return []


def verdict(ok: bool | None) -> str:
    return "**PASS**" if ok else "**MISS**"


def median(values: list) -> float | None:
    vals = sorted(values)
    if not vals:
        return None
    mid = len(vals) // 2
    return float(vals[mid]) if len(vals) % 2 else (vals[mid - 1] + vals[mid]) / 2


def _must1_section(seeded, seed11, m1, missed, m: dict) -> list[str]:
    L: list[str] = []
    if seeded:
        solvers = (NIIC_SOLVER, TIMEFOLD_SOLVER, PLAIN_SOLVER)
        head = "| instance |" + "".join(f" {s} conflicts |" + (f" {s} missed |" if missed else "") for s in solvers)
        L.append(head + " niic / Timefold | niic / plain |")
        L.append("|---|" + "--:|" * (len(solvers) * (2 if missed else 1) + 2))
        totals = {s: 0 for s in solvers}
        complete = {s: True for s in solvers}
        notes = []
        for inst in seeded:
            cells, figs = [], {}
            for sv in solvers:
                r = find(m1, "must1", inst, sv, MUST1_LIMIT)
                c = conflicts_of(r)
                figs[sv] = c
                if c is None:
                    complete[sv] = False
                    why = "not run" if r is None else (r.get("note") or checker_cell(r.get("judged") or {}))
                    notes.append(f"{inst}, {sv}: {why}")
                else:
                    totals[sv] += c
                cells.append(fmt(c))
                if missed:
                    cells.append(fmt(((r or {}).get("judged") or {}).get("missed_attendance")))
            rt = f"{figs[NIIC_SOLVER] / figs[TIMEFOLD_SOLVER]:.3f}" if figs[NIIC_SOLVER] is not None and \
                figs[TIMEFOLD_SOLVER] else "–"
            rp = f"{figs[NIIC_SOLVER] / figs[PLAIN_SOLVER]:.3f}" if figs[NIIC_SOLVER] is not None and \
                figs[PLAIN_SOLVER] else "–"
            L.append(f"| {inst} | " + " | ".join(cells) + f" | {rt} | {rp} |")
        tot_cells = []
        for sv in solvers:
            tot_cells.append(f"**{totals[sv]}**" + ("" if complete[sv] else " (incomplete)"))
            if missed:
                tot_cells.append("")
        tn, tt, tp = totals[NIIC_SOLVER], totals[TIMEFOLD_SOLVER], totals[PLAIN_SOLVER]
        both_t = complete[NIIC_SOLVER] and complete[TIMEFOLD_SOLVER] and tt > 0
        both_p = complete[NIIC_SOLVER] and complete[PLAIN_SOLVER] and tp > 0
        L.append("| **total** | " + " | ".join(tot_cells) + f" | {f'**{tn / tt:.3f}**' if both_t else '–'} | "
                 f"{f'**{tn / tp:.3f}**' if both_p else '–'} |")
        L.append("")
        for line in notes:
            L.append(f"* {line}")
        if notes:
            L.append("")
        ok_t = both_t and tn / tt <= TARGET_VS_TIMEFOLD
        ok_p = both_p and tn / tp <= TARGET_VS_PLAIN
        L.append(f"* niic-sched / Timefold, total attendee conflicts: target <= {TARGET_VS_TIMEFOLD}, measured "
                 f"{f'{tn / tt:.3f} ({tn} / {tt})' if both_t else 'no complete total'}: {verdict(ok_t)}")
        L.append(f"* niic-sched / plain model, total attendee conflicts: target <= {TARGET_VS_PLAIN}, measured "
                 f"{f'{tn / tp:.3f} ({tn} / {tp})' if both_p else 'no complete total'}: {verdict(ok_p)}")
        L.append("")
    if seed11:
        inst = seed11[0]["instance"]
        niic_runs = sorted((r for r in seed11 if r["solver"] == NIIC_SOLVER), key=lambda r: r.get("run", 0))
        figs = [conflicts_of(r) for r in niic_runs]
        valid = [c for c in figs if c is not None]
        med = median(valid) if len(valid) == len(figs) and figs else None
        tf = find(seed11, "must1", inst, TIMEFOLD_SOLVER, MUST1_LIMIT)
        L.append(f"**Seed 11 ({inst}), {MUST1_LIMIT:g} s:**")
        L.append("")
        L.append("| run | solver | seed | attendee conflicts |" + (" missed attendance |" if missed else "")
                 + " checker | lower bound on conflicts | wall (s) | note |")
        L.append("|--:|---|--:|--:|" + ("--:|" if missed else "") + "---|--:|--:|---|")
        for r in niic_runs + ([tf] if tf else []):
            j = r.get("judged") or {}
            mc = f" {fmt(j.get('missed_attendance'))} |" if missed else ""
            L.append(f"| {r.get('run', 0) + 1} | {r['solver']} | {fmt(r.get('seed'))} | {fmt(conflicts_of(r))} |{mc} "
                     f"{checker_cell(j) if not r.get('skipped') else 'skipped'} | {fmt(r.get('conflict_bound'))} | "
                     f"{fmt(r.get('wall_seconds'))} | {row_note(r, m)} |")
        L.append("")
        shown = ", ".join(fmt(c) for c in figs)
        L.append(f"* niic-sched, median of {len(figs)} run{'s' if len(figs) != 1 else ''} (conflicts {shown}): "
                 f"target <= {TARGET_SEED11_MEDIAN}, "
                 f"measured {fmt(med) if med is not None else 'no median (a run without a valid schedule)'}: "
                 f"{verdict(med is not None and len(figs) >= 3 and med <= TARGET_SEED11_MEDIAN)}"
                 + ("" if len(figs) >= 3 else f" (only {len(figs)} run{'s' if len(figs) != 1 else ''}; 3 needed)"))
        if tf:
            L.append(f"* Timefold once: {fmt(conflicts_of(tf))} conflicts ({checker_cell(tf.get('judged') or {})}).")
        L.append("")
    return L


def _bound_targets(ladder) -> list[str]:
    """Issue 13's must-show 3 from the ladder's `solve --time-limit 60` runs: the bound
    niic-sched reports (meta) against the conflicts of the program it wrote."""
    rows = {r["instance"].split(" seed")[0]: r for r in ladder if r["solver"] == NIIC_SOLVER and r["limit"] == 60}
    if not rows:
        return []
    L = ["**Target 3 (lower bounds), from the ladder's niic-sched runs at 60 s:** a gap <= 25 % at 120/16/3/6; "
         "at 250/24/3/8 and 1000/40/3/11 a bound above 0, or the program proven optimal.", ""]
    for size, rule in (("120/16/3/6", "gap"), ("250/24/3/8", "positive"), ("1000/40/3/11", "positive")):
        r = rows.get(size)
        if r is None:
            L.append(f"* {size}: not run")
            continue
        c, b = conflicts_of(r), r.get("conflict_bound")
        if c is None:
            L.append(f"* {size}: no valid program: **MISS**")
            continue
        if rule == "gap":
            ok = b is not None and (c == 0 or (c - b) / c <= 0.25)
            L.append(f"* {size}: {c} conflicts, bound {fmt(b)}, gap {gap(c, b)}: {verdict(ok)}")
        else:
            ok = c == 0 or (b is not None and b > 0)
            L.append(f"* {size}: {c} conflicts, bound {fmt(b)}"
                     f"{' (0 conflicts: optimal)' if c == 0 else ''}: {verdict(ok)}")
    L.append("")
    r5, r10 = rows.get("500/30/3/10"), rows.get("1000/40/3/11")
    if r5 or r10:
        L.append("**Target 5 (scale), from the same runs:** 500/30/3/10: 0 conflicts within 60 s; "
                 "1000/40/3/11 with 5,000 attendees: <= 30 conflicts at 60 s and the first valid program < 3 s "
                 "after loading.")
        L.append("")
        if r5:
            c = conflicts_of(r5)
            L.append(f"* 500/30/3/10: {fmt(c)} conflicts at 60 s: {verdict(c == 0)}")
        if r10:
            c, first = conflicts_of(r10), r10.get("first_valid_seconds")
            L.append(f"* 1000/40/3/11: {fmt(c)} conflicts at 60 s: {verdict(c is not None and c <= 30)}; first valid "
                     f"program at {fmt(first)} s: {verdict(first is not None and first < 3)}")
        L.append("")
    return L


def generator_of(instance: str) -> str:
    return "make_conference.py (../shared)" if instance.endswith(SHARED_TAG) else "niic-sched generate"


def must_show(runs, doc) -> list[str]:
    L: list[str] = []
    m1 = [r for r in runs if r["part"] == "must1"]
    ladder = [r for r in runs if r["part"] == "ladder"]
    big = [r for r in ladder if r["instance"].startswith("1000/")]
    if not (m1 or big):
        return L
    missed = has_missed(runs)
    every11 = [r for r in m1 if " seed 11" in r["instance"]]
    if m1:
        L.append("## Must show (issue 13)")
        L.append("")
        L.append(f"Target 1: on 60/12/3/5 seeds 101-106 at "
                 f"{MUST1_LIMIT:g} s, niic-sched's total attendee conflicts <= {TARGET_VS_TIMEFOLD} x Timefold's "
                 f"total and <= {TARGET_VS_PLAIN} x the plain model's; seed 11 at {MUST1_LIMIT:g} s: the median of 3 "
                 f"niic-sched runs <= {TARGET_SEED11_MEDIAN}. A schedule that breaks a hard rule (or none) has no "
                 "figure here, and a total with a missing figure is not compared.")
        L.append("")
    for gen in dict.fromkeys(generator_of(r["instance"]) for r in m1):
        seeded = [inst for inst in dict.fromkeys(r["instance"] for r in m1 if generator_of(r["instance"]) == gen)
                  if " seed 11" not in inst]
        seed11 = [r for r in every11 if generator_of(r["instance"]) == gen]
        L.append(f"### Instances of {gen}")
        L.append("")
        if seeded:
            L.append(f"Seeds {', '.join(i.split('seed ')[-1].split(',')[0] for i in seeded)}: niic-sched with "
                     "attendee conflicts alone weighted (the objective of the Timefold adapter and of the plain "
                     "model); seed 11 with the default weights.")
            L.append("")
        L.extend(_must1_section(seeded, seed11, m1, missed, doc.get("machine", {})))
    L.extend(_bound_targets(ladder))
    earlier = []
    seed11 = every11
    bounds = [r.get("conflict_bound") for r in seed11 if r["solver"] == NIIC_SOLVER
              and isinstance(r.get("conflict_bound"), (int, float))]
    if seed11 and any(r["solver"] == NIIC_SOLVER for r in seed11):
        b = max(bounds) if bounds else None
        earlier.append(f"**Seed 11, 60/12/3/5, `--time-limit 30`, lower bound** (issue 8): best of the runs "
                       f"{fmt(b)} (target >= {TARGET_BOUND}: {'met' if b is not None and b >= TARGET_BOUND else 'not met'}).")
    if big:
        rn = next((r for r in big if r["solver"] == NIIC_SOLVER and r["limit"] == 60), None)
        rp = next((r for r in big if r["solver"] == PLAIN_SOLVER and r["limit"] == 60), None)
        if rn and not (rn.get("judged") or {}).get("valid"):
            earlier.append(f"**1000/40/3/11, 5,000 attendees** (issue 8): not met: niic-sched with `--time-limit 60` "
                           f"wrote no valid schedule (checker: {checker_cell(rn.get('judged') or {})}; "
                           f"{rn.get('note', '')}).")
        elif rn:
            first = rn.get("first_valid_seconds")
            cn, cp = conflicts_of(rn), conflicts_of(rp)
            ok1 = first is not None and first < TARGET_FIRST_1000
            ok2 = cn is not None and (cp is None or cn < cp)
            earlier.append(f"**1000/40/3/11, 5,000 attendees** (issue 8): first valid timetable at {fmt(first)} s "
                           f"(target < {TARGET_FIRST_1000:g} s: {'met' if ok1 else 'not met'}); conflicts at 60 s "
                           f"{fmt(cn)} vs the plain model's {fmt(cp) if cp is not None else 'none (no solution)'} "
                           f"({'met' if ok2 else 'not met'}).")
    if earlier:
        L.append("## Earlier targets (issue 8)")
        L.append("")
        for line in earlier:
            L.append(line)
            L.append("")
    return L


def what_it_shows(runs, a) -> list[str]:
    ladder = [r for r in runs if r["part"] == "ladder"]
    if not ladder:
        return []
    lines = []
    limits = sorted({r["limit"] for r in ladder if r["solver"] != "conference-scheduler"})
    for inst in dict.fromkeys(r["instance"] for r in ladder):
        for lim in limits:
            rn = find(ladder, "ladder", inst, NIIC_SOLVER, lim)
            cn = conflicts_of(rn)
            parts = []
            for sv, short in ((PLAIN_SOLVER, "plain"), (TIMEFOLD_SOLVER, "Timefold")):
                ro = find(ladder, "ladder", inst, sv, lim)
                if ro is None or ro.get("skipped"):
                    continue
                co = conflicts_of(ro)
                if co is None:
                    parts.append(f"{short} no valid program")
                elif cn is not None and co:
                    parts.append(f"{short} {co} ({cn / co:.2f}x)")
                else:
                    parts.append(f"{short} {co}")
            if rn is None and not parts:
                continue
            niic_txt = "not run" if rn is None else cn if cn is not None else "no valid program"
            lines.append(f"{inst} at {lim:g} s: niic-sched {niic_txt}"
                         + (" vs " + ", ".join(parts) if parts else ""))
    cs = [r for r in ladder if r["solver"] == "conference-scheduler"]
    cs_txt = []
    for r in cs:
        j = r.get("judged") or {}
        if r.get("skipped"):
            cs_txt.append(f"{r['instance']}: skipped")
        elif j.get("written"):
            cs_txt.append(f"{r['instance']}: {j.get('attendee_conflicts')} conflicts, {checker_cell(j)}")
        else:
            cs_txt.append(f"{r['instance']}: {r.get('note', 'no schedule')}")
    summary = []
    niic_failed = [f"{r['instance'].split(' ')[0]} at {r['limit']:g} s" for r in ladder
                   if r["solver"] == NIIC_SOLVER and conflicts_of(r) is None]
    for sv, short in ((PLAIN_SOLVER, "the plain CP-SAT model"), (TIMEFOLD_SOLVER, "Timefold")):
        both = wins = 0
        only_niic, only_other = [], []
        for r in ladder:
            if r["solver"] != NIIC_SOLVER:
                continue
            ro = find(ladder, "ladder", r["instance"], sv, r["limit"])
            if ro is None or ro.get("skipped"):
                continue
            cn, co = conflicts_of(r), conflicts_of(ro)
            label = f"{r['instance'].split(' ')[0]} at {r['limit']:g} s"
            if cn is not None and co is not None:
                both += 1
                wins += cn < co
            elif cn is not None:
                only_niic.append(label)
            elif co is not None:
                only_other.append(label)
        if both:
            summary.append(f"where both produced a valid program, niic-sched had fewer attendee conflicts than "
                           f"{short} in {wins} of {both} cases")
        if only_niic:
            summary.append(f"only niic-sched (not {short}) produced a valid program for " + ", ".join(only_niic))
        if only_other:
            summary.append(f"only {short} (not niic-sched) produced a valid program for " + ", ".join(only_other))
    if niic_failed:
        summary.append("niic-sched wrote no valid program for " + ", ".join(niic_failed) + " (see the notes)")
    L = ["## What this shows", ""]
    if summary:
        text = "; ".join(summary)
        L.append(text[0].upper() + text[1:] + ".")
    if lines:
        L.append("Attendee conflicts (recounted) on the same instance and time limit: " + "; ".join(lines) + ".")
    if cs_txt:
        L.append("conference-scheduler, which cannot see interests nor express multi-slot sessions or `after`: "
                 + "; ".join(cs_txt) + ".")
    L.append("Ratios below 1 mean fewer conflicts for niic-sched. These are single runs on a shared 2-core machine; "
             "differences of a few percent are within run-to-run noise.")
    L.append("")
    return L


# -- main ----------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="smoke test: sizes 60 and 120, 10 s only, no must-show "
                    "parts, conference-scheduler only where its LP is small; writes results-quick.md/.json")
    ap.add_argument("--sizes", help="comma-separated session counts of the ladder to run (default all: "
                    + ",".join(str(s[0]) for s in LADDER) + ")")
    ap.add_argument("--only", help="comma-separated parts: " + ",".join(PARTS))
    ap.add_argument("--limits", help="time limits of the ladder for niic-sched and the plain model (default 10,60)")
    ap.add_argument("--cs-limit", type=float, help="CBC time limit for conference-scheduler (default 60)")
    ap.add_argument("--cs-max-constraints", type=int, default=None,
                    help="skip conference-scheduler when its LP would be larger (default 3,500,000; --quick 1,000,000)")
    ap.add_argument("--cs-build-timeout", type=float, default=600, help="seconds allowed for PuLP model building "
                    "on top of 3x the CBC limit before the adapter is killed")
    ap.add_argument("--cs-no-tags", action="store_true", help="conference-scheduler without tracks as tags")
    ap.add_argument("--seeds", default="101,102,103,104,105,106",
                    help="the seeds of 60/12/3/5 for must1 (default 101-106)")
    ap.add_argument("--generators", default="shared,niic",
                    help="must1's instance generators, comma-separated: shared (../shared/bench/make_conference.py, "
                         "the instances issue 13 measured on; skipped with a note when absent) and niic "
                         "(niic-sched generate); default both")
    ap.add_argument("--seed11-runs", type=int, default=3, help="niic-sched runs on seed 11 in must1 (--seed 1, 2, "
                    "...; default 3)")
    ap.add_argument("--timefold-startup-not-counted", action="store_true",
                    help="give Timefold's termination the whole time limit, its JVM start-up and domain "
                         "translation on top (default: they count against the limit)")
    ap.add_argument("--compare-rev", default=None, help="the earlier revision of the compare part "
                    "(default: the last commit before the rule registry)")
    ap.add_argument("--keep", type=Path, help="keep the instances and every schedule in this folder")
    ap.add_argument("--out", type=Path, help="Markdown report (default benchmarks/results.md, "
                    "--quick: benchmarks/results-quick.md)")
    ap.add_argument("--json", type=Path, help="JSON twin (default next to --out, .json)")
    ap.add_argument("--merge", action="store_true", help="update the existing --json/--out: keep the rows of an "
                    "earlier run and replace those measured now (e.g. --sizes 1000 --only niic --merge)")
    ap.add_argument("--render", type=Path, metavar="JSON",
                    help="run nothing: rewrite --out (default benchmarks/results.md) from this results.json")
    a = ap.parse_args(argv)
    if a.render:
        if not a.render.is_file():
            print(f"benchmark: {a.render} is missing; give the results.json of an earlier run", file=sys.stderr)
            return 2
        a.out = a.out or ROOT / "benchmarks" / "results.md"
        write_text_atomic(a.out, render(json.loads(a.render.read_text()), a))
        print(f"benchmark: wrote {a.out} from {a.render}")
        return 0

    stem = "results-quick" if a.quick else "results"
    a.out = a.out or ROOT / "benchmarks" / f"{stem}.md"
    a.json = a.json or a.out.with_suffix(".json")
    parts = set(PARTS) if not a.only else {p.strip() for p in a.only.split(",") if p.strip()}
    unknown = parts - set(PARTS)
    if unknown:
        ap.error(f"unknown part(s) {', '.join(sorted(unknown))}; choose from {', '.join(PARTS)}")
    if a.quick and not a.only:
        parts = {"niic", "plain", "timefold", "cs"}
    try:
        limits = [float(x) for x in (a.limits or ("10" if a.quick else "10,60")).split(",")]
        seeds = [int(x) for x in a.seeds.split(",")]
        wanted = [int(x) for x in a.sizes.split(",")] if a.sizes else None
    except ValueError:
        ap.error("--limits, --seeds and --sizes take comma-separated numbers, e.g. --sizes 60,120")
    ladder = LADDER[:2] if a.quick else LADDER
    if wanted:
        ladder = [s for s in LADDER if s[0] in wanted]
        if not ladder:
            ap.error(f"--sizes: none of {wanted} is on the ladder ({', '.join(str(s[0]) for s in LADDER)})")
    a.cs_limit = a.cs_limit or (10.0 if a.quick else 60.0)
    if a.cs_max_constraints is None:
        a.cs_max_constraints = 1_000_000 if a.quick else 3_500_000

    tmp = None
    if a.keep:
        work = a.keep
        work.mkdir(parents=True, exist_ok=True)
    else:
        tmp = tempfile.mkdtemp(prefix="niic-bench-")
        work = Path(tmp)
    bench = Bench(a, work)
    if a.merge and a.json.is_file():      # keep the other rows of an earlier run, replace the ones re-measured
        old = json.loads(a.json.read_text())
        bench.records, bench.instances = old.get("runs", []), old.get("instances", {})
        for r in bench.records:          # rows of a run from before rows kept their own commit
            r.setdefault("git_commit", old.get("machine", {}).get("git_commit"))
        bench.started = old.get("started", bench.started)
    print(f"benchmark: parts {', '.join(p for p in PARTS if p in parts)}; work folder {work}; "
          f"report {a.out}", flush=True)
    try:
        if parts & {"niic", "plain", "timefold", "cs"}:
            for n, rooms, days, slots, att in ladder:
                name, folder = bench.instance(n, rooms, days, slots, att, 11)
                if "niic" in parts:
                    for lim in limits:
                        bench.niic(name, folder, lim, "ladder")
                if "plain" in parts:
                    bench.plain(name, folder, limits, "ladder")
                if "timefold" in parts:
                    for lim in limits:
                        bench.timefold(name, folder, lim, "ladder")
                if "cs" in parts:
                    bench.cs(name, folder, a.cs_limit, "ladder")
        if "must1" in parts:
            generators = [g.strip() for g in a.generators.split(",") if g.strip()]
            if "shared" in generators and not SHARED_GENERATOR.is_file():
                print(f"benchmark: must1 on niic-sched's generator only: {SHARED_GENERATOR} is absent",
                      flush=True)
                generators = [g for g in generators if g != "shared"]
            for gen in generators:
                for seed in seeds:
                    name, folder = bench.instance(60, 12, 3, 5, 1200, seed, gen, conflicts_only=True)
                    bench.niic(name, folder, MUST1_LIMIT, "must1")
                    bench.timefold(name, folder, MUST1_LIMIT, "must1")
                    bench.plain(name, folder, [MUST1_LIMIT], "must1")
                name, folder = bench.instance(60, 12, 3, 5, 1200, 11, gen)
                for k in range(a.seed11_runs):
                    bench.niic(name, folder, MUST1_LIMIT, "must1", seed=k + 1, run=k)
                bench.timefold(name, folder, MUST1_LIMIT, "must1")
        bench.save()
        if "compare" in parts:
            import bench_compare
            result = bench_compare.measure(a.compare_rev or bench_compare.DEFAULT_REV,
                                           say=lambda line: print(f"benchmark: compare: {line}", flush=True))
            bench_compare.write(result)
            print(bench_compare.markdown(result))
    except KeyboardInterrupt:
        print("benchmark: interrupted; the report holds what was measured", file=sys.stderr)
        bench.save()
        return 130
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"benchmark: wrote {a.out} and {a.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
