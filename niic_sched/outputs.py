"""Which outputs exist, what each was made from, and which are stale.

Every command that writes outputs (``render``, ``export``, ``letters``) records
a *job* in ``program/.niic-outputs.json``: what it wrote, with which options,
from which schedule, and the fingerprints (SHA-256) of what it read: the
schedule file, the conference's inputs (conference.yaml, rooms.yaml,
speakers.yaml and every file under sessions/, or the workbook) and, for
``render``, the version its "What changed" page compares with. An output is
*stale* when what its job would read now differs from what it read then.

``add`` and ``move --write`` change the schedule (and ``add`` the inputs), so
they make every output stale; they then re-run each stale job that was made
from the default schedule (``app.refresh``), or, told not to, name each stale
file and the command that brings it up to date (``stale_lines``).

Outputs written before this record existed (no job) are judged by their
modification time: older than the schedule or any input means stale.

The record holds paths, options and hashes only (nothing private); it starts
with a dot so that a site copied from ``program/`` leaves it behind easily.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from .io.atomic import write_bytes_atomic
from .io.excel import conference_home, is_workbook_path

MANIFEST = ".niic-outputs.json"
VERSION = 1
INPUT_FILES = ("conference.yaml", "rooms.yaml", "speakers.yaml")
# the site's pages: any of them in a folder means a render was made there
SITE_MARKER = "index.html"
# default export file names under program/ (export.FORMATS, kept here so that this module loads fast)
EXPORT_FILES = {"xlsx": "agenda.xlsx", "ics": "schedule.ics", "frab-xml": "schedule.xml",
                "frab-json": "schedule.json", "csv": "sessions.csv"}


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_sha(path: str | os.PathLike | None) -> str | None:
    """The SHA-256 of a file, None when there is none."""
    if path is None:
        return None
    try:
        return _sha(Path(path).read_bytes())
    except OSError:
        return None


def input_files(folder: str | os.PathLike) -> list[Path]:
    """The files the conference is read from: a workbook, or the folder's YAML files."""
    folder = Path(folder)
    if is_workbook_path(folder):
        return [folder]
    out = [folder / name for name in INPUT_FILES if (folder / name).is_file()]
    sessions = folder / "sessions"
    if sessions.is_dir():
        out += sorted(p for p in sessions.rglob("*") if p.is_file() and p.suffix in (".yaml", ".yml")
                      and not any(part.startswith(".") for part in p.relative_to(sessions).parts))
    return out


def inputs_sha(folder: str | os.PathLike) -> str:
    """One fingerprint of every input file (its path inside the folder and its bytes)."""
    folder = Path(folder)
    h = hashlib.sha256()
    base = folder.parent if is_workbook_path(folder) else folder
    for p in input_files(folder):
        h.update(p.relative_to(base).as_posix().encode("utf-8") + b"\0")
        try:
            h.update(p.read_bytes())
        except OSError:
            h.update(b"<unreadable>")
        h.update(b"\0")
    return h.hexdigest()


def program_dir(folder) -> Path:
    return conference_home(folder) / "program"


def default_schedule(folder) -> Path:
    return program_dir(folder) / "schedule.yaml"


def rel(home: Path, path: str | os.PathLike) -> str:
    """``path`` as recorded: relative to the conference's home when inside it, else absolute."""
    path = Path(os.path.abspath(path))
    try:
        return path.relative_to(Path(os.path.abspath(home))).as_posix()
    except ValueError:
        return str(path)


def absolute(home: Path, recorded: str) -> Path:
    p = Path(recorded)
    return p if p.is_absolute() else Path(home) / p


@dataclass
class Job:
    """One command's outputs: ``key`` "render:program", "export:ics:program/schedule.ics",
    "letters:pdf", "letters:csv"; ``kind`` render | export | letters."""
    key: str
    kind: str
    files: list[str]                           # recorded paths (see rel)
    options: dict = field(default_factory=dict)
    schedule: str = ""                         # the schedule it was made from (recorded path)
    made_from: dict = field(default_factory=dict)   # {"schedule": sha, "inputs": sha, "since": sha|None}
    legacy: bool = False                       # found on disk, not recorded: judged by modification times

    def to_json(self) -> dict:
        return {"kind": self.kind, "files": self.files, "options": self.options, "schedule": self.schedule,
                "made_from": self.made_from}

    def paths(self, home: Path) -> list[Path]:
        return [absolute(home, f) for f in self.files]


@dataclass
class Stale:
    job: Job
    files: list[Path]                          # the job's files that exist
    why: str                                   # "the schedule changed", ...

    def command(self, folder) -> str:
        """The command that brings these files up to date."""
        return command_for(self.job, folder)


def command_for(job: Job, folder) -> str:
    o = job.options
    home = conference_home(folder)
    where = str(folder)
    sched = "" if Path(absolute(home, job.schedule or "program/schedule.yaml")) == default_schedule(folder) \
        else f" --schedule {absolute(home, job.schedule)}"
    if job.kind == "render":
        outdir = absolute(home, o.get("outdir", "program"))
        parts = [f"niic-sched render {where}{sched}"]
        if outdir != program_dir(folder):
            parts.append(f"-o {outdir}")
        if o.get("templates"):
            parts.append(f"--templates {o['templates']}")
        if o.get("door_sheets"):
            parts.append("--door-sheets")
        if not o.get("pdf", True):
            parts.append("--no-pdf")
        if o.get("since") is not None:
            parts.append(f"--since {o['since']}")
        return " ".join(parts)
    if job.kind == "export":
        out = absolute(home, o.get("output", ""))
        default = program_dir(folder) / EXPORT_FILES.get(o.get("fmt", ""), "")
        lang = f" --language {o['language']}" if o.get("language") else ""
        return (f"niic-sched export {where}{sched} --format {o.get('fmt')}{lang}"
                + ("" if out == default else f" -o {out}"))
    if job.kind == "letters":
        fmts = o.get("formats") or ["pdf", "csv"]
        fmt = "".join(f" --format {f}" for f in fmts) if set(fmts) != {"pdf", "csv"} else ""
        return f"niic-sched letters {where}{sched}{fmt}"
    return f"niic-sched {job.kind} {where}"


# -- the record ---------------------------------------------------------------------------------------------
def manifest_path(folder) -> Path:
    return program_dir(folder) / MANIFEST


def load_jobs(folder) -> dict[str, Job]:
    """The recorded jobs (an unreadable or foreign record counts as none)."""
    path = manifest_path(folder)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != VERSION or not isinstance(data.get("jobs"), dict):
        return {}
    out = {}
    for key, j in data["jobs"].items():
        if isinstance(j, dict) and isinstance(j.get("files"), list):
            out[key] = Job(key, str(j.get("kind", "")), [str(f) for f in j["files"]], dict(j.get("options") or {}),
                           str(j.get("schedule", "")), dict(j.get("made_from") or {}))
    return out


def save_jobs(folder, jobs: dict[str, Job]) -> None:
    data = {"version": VERSION, "about": "outputs made by niic-sched and what they were made from "
                                         "(see niic_sched/outputs.py); safe to delete",
            "jobs": {k: jobs[k].to_json() for k in sorted(jobs)}}
    write_bytes_atomic(manifest_path(folder), (json.dumps(data, indent=1, ensure_ascii=False) + "\n").encode("utf-8"))


def fingerprint(folder, schedule_path, since_path=None) -> dict:
    return {"schedule": file_sha(schedule_path), "inputs": inputs_sha(folder),
            "since": file_sha(since_path)}


def record(folder, kind: str, key_target: str, files, *, options: dict, schedule_path, since_path=None) -> Job:
    """Record (replace) the job that just wrote ``files`` from ``schedule_path``."""
    home = conference_home(folder)
    key = f"{kind}:{key_target}"
    job = Job(key, kind, sorted({rel(home, f) for f in files}), options, rel(home, schedule_path),
              fingerprint(folder, schedule_path, since_path))
    jobs = load_jobs(folder)
    jobs[key] = job
    save_jobs(folder, jobs)
    return job


def render_key(folder, outdir) -> str:
    return rel(conference_home(folder), outdir)


def export_key(folder, fmt: str, output) -> str:
    return f"{fmt}:{rel(conference_home(folder), output)}"


# -- what is stale -----------------------------------------------------------------------------------------------
def legacy_jobs(folder, known: dict[str, Job]) -> list[Job]:
    """Outputs in program/ that no job records (made before the record existed)."""
    home, prog = conference_home(folder), program_dir(folder)
    recorded = {absolute(home, f) for j in known.values() for f in j.files}
    out = []
    if (prog / SITE_MARKER).is_file() and prog / SITE_MARKER not in recorded and f"render:program" not in known:
        files = [p for p in prog.rglob("*.html") if "letters" not in p.relative_to(prog).parts]
        files += [p for p in prog.glob("*.pdf")] + [p for p in (prog / "assets").glob("*") if p.is_file()]
        out.append(Job("render:program", "render", sorted({rel(home, p) for p in files}),
                       {"outdir": "program", "door_sheets": (prog / "door-sheets.pdf").is_file(),
                        "pdf": (prog / "program.pdf").is_file()}, "program/schedule.yaml", legacy=True))
    for fmt, name in EXPORT_FILES.items():
        p = prog / name
        key = f"export:{fmt}:{rel(home, p)}"
        if p.is_file() and p not in recorded and key not in known:
            out.append(Job(key, "export", [rel(home, p)], {"fmt": fmt, "output": rel(home, p)},
                           "program/schedule.yaml", legacy=True))
    for fmt, files in (("pdf", sorted((prog / "letters").glob("*.pdf"))), ("csv", [prog / "letters.csv"])):
        files = [p for p in files if p.is_file()]
        if files and f"letters:{fmt}" not in known and not any(p in recorded for p in files):
            out.append(Job(f"letters:{fmt}", "letters", [rel(home, p) for p in files], {"formats": [fmt]},
                           "program/schedule.yaml", legacy=True))
    return out


def _since_path(folder, job: Job):
    """The version a render job's "What changed" page would compare with now."""
    if job.kind != "render":
        return None
    from .changes import NoReference, reference
    try:
        ref = reference(program_dir(folder), job.options.get("since"))
    except NoReference:
        return None
    return ref.path if ref is not None else None


def why_stale(folder, job: Job, cache: dict | None = None) -> str:
    """"" when the job's outputs are current, else why they are not. ``cache`` (a dict kept
    across calls) spares reading every input file again for each job."""
    home = conference_home(folder)
    schedule = absolute(home, job.schedule or "program/schedule.yaml")
    if job.legacy:
        made = [p.stat().st_mtime for p in job.paths(home) if p.is_file()]
        sources = [p for p in [schedule] + input_files(folder) if p.is_file()]
        if made and sources and min(made) < max(p.stat().st_mtime for p in sources):
            return "made before the latest change of the schedule or the inputs"
        return ""
    cache = {} if cache is None else cache
    since = _since_path(folder, job)
    for key, make in (("inputs", lambda: inputs_sha(folder)), (("schedule", str(schedule)), lambda: file_sha(schedule)),
                      (("since", str(since)), lambda: file_sha(since))):
        if key not in cache:
            cache[key] = make()
    now = {"schedule": cache[("schedule", str(schedule))], "inputs": cache["inputs"],
           "since": cache[("since", str(since))]}
    was = job.made_from
    if now["schedule"] != was.get("schedule"):
        return "the schedule changed since" if now["schedule"] else f"its schedule {job.schedule} is gone"
    if now["inputs"] != was.get("inputs"):
        return "the conference's inputs changed since"
    if now["since"] != was.get("since"):
        return "the version its \"What changed\" page compares with is another now"
    return ""


def all_jobs(folder) -> list[Job]:
    known = load_jobs(folder)
    return list(known.values()) + legacy_jobs(folder, known)


def stale(folder, *, skip: set[str] = frozenset()) -> list[Stale]:
    """Every job (but those in ``skip``) whose existing outputs are stale."""
    home = conference_home(folder)
    out = []
    cache: dict = {}
    for job in all_jobs(folder):
        if job.key in skip:
            continue
        files = [p for p in job.paths(home) if p.exists()]
        if not files:
            continue
        why = why_stale(folder, job, cache)
        if why:
            out.append(Stale(job, files, why))
    return out


def stale_lines(folder, items: list[Stale], home_label: str | None = None) -> list[str]:
    """"program/ is now stale: ..." with each stale file and the command that refreshes it."""
    if not items:
        return []
    home = conference_home(folder)
    lines = ["These outputs are stale (made from an earlier program or inputs); bring them up to date with:"]
    order = {"render": 0, "export": 1, "letters": 2}
    for s in sorted(items, key=lambda s: (order.get(s.job.kind, 3), s.job.key)):
        lines.append(f"  {s.command(folder)}    # {files_label(home, s.files)} ({s.why})")
    return lines


def files_label(home: Path, files: list[Path]) -> str:
    """"the site in program/ (10 files), program/program.pdf" -- pages and assets counted, documents named."""
    named = [p for p in files if p.suffix in (".pdf", ".csv", ".xlsx", ".ics", ".xml", ".json")
             and p.parent.name not in ("assets", "letters")]
    letters = [p for p in files if p.parent.name == "letters"]
    site = [p for p in files if p not in named and p not in letters]
    parts = []
    if site:
        folders = sorted({rel(home, p.parent) for p in site if p.suffix == ".html"}) or [rel(home, site[0].parent)]
        parts.append(f"the site in {', '.join(f + '/' for f in folders)} ({len(site)} files)")
    parts += [rel(home, p) for p in named]
    if letters:
        parts.append(f"{len(letters)} letters in {rel(home, letters[0].parent)}/")
    return ", ".join(parts)


__all__ = ["MANIFEST", "Job", "Stale", "record", "load_jobs", "stale", "stale_lines", "why_stale", "all_jobs",
           "inputs_sha", "file_sha", "fingerprint", "render_key", "export_key", "command_for", "program_dir"]
