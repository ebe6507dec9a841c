"""Published versions of the program, and adding late proposals without losing anything.

``program/versions/schedule-<N>.yaml`` keeps every schedule that ``niic-sched add``
replaced, numbered 1, 2, 3... in the order they were replaced.

Adding late sessions is a transaction in three steps:

1. ``stage``: check the new files (YAML files, no id or file-name clash with the
   folder or with each other), copy the folder's inputs and the new files into a
   temporary staging folder outside the conference and load it there, so every
   input problem is found while the conference folder is still untouched;
2. the caller solves the staged conference against the published schedule;
3. ``commit``: keep the published schedule as the next version, copy the new
   files into ``sessions/`` and write the new schedule (its ``meta.baseline``
   naming the version it replaced) as ``program/schedule.yaml`` (each write is
   atomic). If anything fails or is interrupted during the commit, the files it
   created are removed again, so the folder is as it was.

A process killed outright (SIGKILL, power cut) during the commit can leave the
copied proposals in ``sessions/`` beside the previous, intact schedule. Running
the same ``add`` again finishes the job: a file already in ``sessions/`` with
the same name and the same bytes counts as added, not as a clash.
A killed process also leaves its staging copy (``niic-add-*`` in the system's
temporary folder, never in the conference folder); nothing reads it again.
"""
from __future__ import annotations

import dataclasses
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from .errors import InputError, Location, Problem, shown_path
from .io import load
from .io.folder import load_folder
from .io.atomic import write_bytes_atomic
from .io.schedule_file import write_schedule
from .io.yamlfile import LineDict, read_yaml
from .model import Conference, Schedule

VERSION_NAME = re.compile(r"^schedule-(\d+)\.yaml$")
INPUT_FILES = ("conference.yaml", "rooms.yaml", "speakers.yaml", "interests.csv")


def versions_dir(program: Path) -> Path:
    return Path(program) / "versions"


def versions(program: Path) -> list[tuple[int, Path]]:
    """(N, path) of program/versions/schedule-<N>.yaml, oldest first."""
    folder = versions_dir(program)
    if not folder.is_dir():
        return []
    out = []
    for p in folder.iterdir():
        m = VERSION_NAME.match(p.name)
        if m and p.is_file():
            out.append((int(m.group(1)), p))
    return sorted(out)


def next_version(program: Path) -> int:
    have = versions(program)
    return have[-1][0] + 1 if have else 1


def keep(schedule_path: Path) -> Path:
    """Copy the schedule to program/versions/schedule-<N>.yaml (N: the next number); atomic."""
    schedule_path = Path(schedule_path)
    program = schedule_path.parent
    target = versions_dir(program) / f"schedule-{next_version(program)}.yaml"
    write_bytes_atomic(target, schedule_path.read_bytes())
    return target


# -- adding late proposals -------------------------------------------------------------------------
@dataclass
class Staged:
    folder: Path                          # the conference folder
    staging: Path                         # temporary copy with the new files in it
    conf: Conference                      # loaded from the staging copy
    copies: list[tuple[Path, Path]]       # (source file, destination in folder/sessions/) to write
    already: list[Path] = field(default_factory=list)   # identical files already in sessions/
    new_ids: list[str] = field(default_factory=list)

    def cleanup(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)


def _ids_in(path: Path, shown: str, problems: list[Problem]) -> list[tuple[str, str]]:
    """(session id, where) of each session in a proposal file."""
    data = read_yaml(path, shown, problems)
    items = data if isinstance(data, list) else [data] if data is not None else []
    out = []
    for raw in items:
        if isinstance(raw, dict) and raw.get("id") is not None:
            line = raw.key_lines.get("id", raw.line) if isinstance(raw, LineDict) else None
            out.append((str(raw["id"]).strip(), f"{shown}:{line}" if line else shown))
    return out


def stage(folder: Path, files: list[Path]) -> Staged:
    """Check and stage late proposals; raises InputError naming every problem.

    Nothing in ``folder`` is written."""
    folder = Path(folder)
    problems: list[Problem] = []
    current = load(folder)                 # the folder as it is must be sound (InputError otherwise)
    sessions_dir = folder / "sessions"
    existing_where = {s.id: s.at("id") for s in current.sessions}
    copies: list[tuple[Path, Path]] = []
    already: list[Path] = []
    seen_names: dict[str, Path] = {}
    seen_ids: dict[str, str] = {}
    new_ids: list[str] = []
    for src in files:
        src = Path(src)
        shown = str(src)
        if not src.is_file():
            problems.append(Problem(shown, "does not exist or is not a file", "give the path of a late proposal (.yaml)"))
            continue
        if not src.name.endswith((".yaml", ".yml")) or src.name.startswith("."):
            problems.append(Problem(shown, "is not a session file: its name must end in .yaml or .yml "
                                    "(and not start with a dot)", "rename it, e.g. s0101.yaml"))
            continue
        if src.name in seen_names:
            problems.append(Problem(shown, f"has the same file name as {seen_names[src.name]}; both would be "
                                    f"copied to {shown_path(str(folder), 'sessions/' + src.name)}", "rename one of them"))
            continue
        seen_names[src.name] = src
        dest = sessions_dir / src.name
        identical = dest.is_file() and dest.read_bytes() == src.read_bytes()
        if dest.exists() and not identical:
            there = shown_path(str(folder), f"sessions/{src.name}")
            problems.append(Problem(shown, f"would replace {there}, a different file already in "
                                    "the folder", f"rename {src.name}, or remove {there} first if "
                                    "the new file replaces it"))
            continue
        n = len(problems)
        ids = _ids_in(src, shown, problems)
        if len(problems) > n:
            continue
        clash = False
        for sid, where in ids:
            other = existing_where.get(sid)
            if other is not None and not identical:
                problems.append(Problem(where, f"session id '{sid}' is already used by {other}",
                                        f"give the late session another id (and file name), or remove {other.split(':')[0]} "
                                        "first if the late session replaces it"))
                clash = True
            elif sid in seen_ids:
                problems.append(Problem(where, f"session id '{sid}' is also used by {seen_ids[sid]}",
                                        "give one of the two late sessions another id"))
                clash = True
            else:
                seen_ids[sid] = where
        if clash:
            continue
        if identical:            # copied by an earlier, interrupted add: nothing to copy
            already.append(dest)
        else:
            copies.append((src, dest))
            new_ids += [sid for sid, _ in ids]
    if problems:
        raise InputError(problems)

    staging = Path(tempfile.mkdtemp(prefix="niic-add-"))
    try:
        for name in INPUT_FILES:
            if (folder / name).is_file():
                shutil.copy2(folder / name, staging / name)
        shutil.copytree(sessions_dir, staging / "sessions", symlinks=False)
        for src, dest in copies:
            shutil.copyfile(src, staging / "sessions" / dest.name)
        try:   # messages name the conference folder, never the staging copy
            conf = load_folder(staging, base=str(folder))
        except InputError as exc:   # and the files the committee gave, not their copies in sessions/
            names = {f"sessions/{dest.name}": str(src) for src, dest in copies}

            def back(p: Problem) -> Problem:
                if p.file not in names:
                    return p
                at = Location(names[p.file], p.line, key=p.key, session=p.session, speaker=p.speaker, room=p.room)
                return dataclasses.replace(p, where=at, file=at.file)

            def back_text(w: str) -> str:
                for rel, src in names.items():
                    here = f"{shown_path(str(folder), rel)}:"
                    if w.startswith(here):
                        return f"{src}:{w[len(here):]}"
                return w
            raise InputError([back(p) for p in exc.problems], [back_text(w) for w in exc.warnings]) from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    conf = dataclasses.replace(conf, folder=str(folder))
    return Staged(folder, staging, conf, copies, already, new_ids)


class Committed(NamedTuple):
    version: Path            # program/versions/schedule-<N>.yaml: the schedule that was replaced
    schedule: Schedule       # the schedule written, its meta naming the version as baseline


def commit(staged: Staged, schedule_path: Path, schedule: Schedule) -> Committed:
    """Keep the current schedule as the next version, copy the new files into
    sessions/, then write ``schedule`` to ``schedule_path`` (atomically), with
    ``meta.baseline`` set to the version's path inside the folder. On any failure
    or interruption, what was created is removed again and the exception goes on."""
    created: list[Path] = []
    new_dir = versions_dir(Path(schedule_path).parent)
    new_dir = None if new_dir.exists() else new_dir        # the first version: remove the folder too on failure
    try:
        version = keep(schedule_path)
        created.append(version)
        for src, dest in staged.copies:
            data = src.read_bytes()
            write_bytes_atomic(dest, data)
            created.append(dest)
        baseline = version.relative_to(staged.folder).as_posix()
        schedule = dataclasses.replace(schedule, meta={**schedule.meta, "baseline": baseline})
        write_schedule(schedule, schedule_path, staged.conf)
    except BaseException:
        for p in reversed(created):
            try:
                os.unlink(p)
            except FileNotFoundError:
                pass
        if new_dir is not None:
            try:
                new_dir.rmdir()
            except OSError:
                pass
        raise
    return Committed(version, schedule)
