"""What changed since the printed program: the marks of the site and the handout's lists.

Pure logic over ``niic_sched.diff.compare`` (no files are written here):

* ``reference(program_dir, since)``: the version a "What changed" page is made
  against. By default the *printed* program, that is the first version kept in
  ``program/versions/`` (``add`` and ``move --write`` keep the schedule they
  replace there, so ``schedule-1.yaml`` is the program as it was first
  published); ``since`` picks another: a version number (``2``), a version's
  file name (``schedule-2.yaml``) or the path of any schedule file.
* ``changes_since(conf, reference, schedule)``: the sessions that are NEW (not in
  the reference), MOVED (another day, time or room: old -> new) and CANCELLED
  (in the reference, no longer placed), with ``marks`` (session id -> ``"new"``
  or ``"moved"``) for the badges of the grid and the lists.

The reference's titles of cancelled sessions come from the conference when the
session is still in the folder, else from the ``title:`` key of the reference's
row (``diff.read_extras``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .diff import Change, Diff, compare, read_extras
from .errors import InputError, Problem
from .model import Conference, Schedule
from .versions import versions

NEW, MOVED, CANCELLED = "new", "moved", "cancelled"
MARKS = (NEW, MOVED, CANCELLED)
# diff kinds -> the mark a reader sees (a new time and a new room are both "moved")
MARK_OF = {"added": NEW, "retimed": MOVED, "moved": MOVED, "cancelled": CANCELLED}


class NoReference(InputError):
    """``--since`` names no version (exit 2, nothing written)."""


@dataclass(frozen=True)
class Reference:
    path: Path                    # the schedule file compared against
    number: int | None            # its version number in program/versions/, or None for another file
    printed: bool                 # the first version: the printed program

    @property
    def label(self) -> str:
        """"the printed program" / "version 2" / "other.yaml" (English, for the command line)."""
        if self.printed:
            return "the printed program"
        return f"version {self.number}" if self.number is not None else self.path.name


@dataclass
class Changes:
    """What changed from ``reference`` to the current schedule."""
    reference: Reference
    diff: Diff
    new: list[Change] = field(default_factory=list)
    moved: list[Change] = field(default_factory=list)        # retimed or another room: old and new place
    cancelled: list[Change] = field(default_factory=list)

    @property
    def marks(self) -> dict[str, str]:
        """session id -> "new" | "moved" for the sessions of the current program that changed."""
        out = {c.session: NEW for c in self.new}
        out.update({c.session: MOVED for c in self.moved})
        return out

    @property
    def count(self) -> int:
        return len(self.new) + len(self.moved) + len(self.cancelled)

    def summary(self) -> str:
        return (f"{len(self.new)} new, {len(self.moved)} moved, {len(self.cancelled)} cancelled "
                f"since {self.reference.label}")


_NUMBER = re.compile(r"^\d+$")


def reference(program_dir: str | Path, since: str | int | Path | None = None) -> Reference | None:
    """The schedule a "What changed" page compares with: ``since`` (a version number, a
    version's file name, or a path), else the first version in ``program_dir/versions/``
    (the printed program); None when there is no version yet (nothing has changed since
    printing). A ``since`` that names nothing is a NoReference (exit 2)."""
    program_dir = Path(program_dir)
    have = versions(program_dir)
    if since is None:
        if not have:
            return None
        n, path = have[0]
        return Reference(path, n, printed=True)
    text = str(since).strip()
    if _NUMBER.match(text):
        n = int(text)
        for number, path in have:
            if number == n:
                return Reference(path, number, printed=number == have[0][0])
        listed = ", ".join(str(k) for k, _ in have) or "none yet"
        raise NoReference([Problem("--since", f"there is no version {n} in {program_dir / 'versions'} "
                                   f"(versions: {listed})",
                                   "give one of them, or the path of a schedule file")])
    by_name = {path.name: (number, path) for number, path in have}
    if text in by_name:
        number, path = by_name[text]
        return Reference(path, number, printed=number == have[0][0])
    path = Path(text)
    if not path.is_file():
        raise NoReference([Problem("--since", f"{text!r} is neither a version number, a file in "
                                   f"{program_dir / 'versions'}, nor a schedule file",
                                   "give a version number (--since 1) or a path to a schedule.yaml")])
    resolved = path.resolve()
    for number, p in have:
        if p.resolve() == resolved:
            return Reference(p, number, printed=number == have[0][0])
    return Reference(path, None, printed=False)


def changes_since(conf: Conference, ref: Reference, old: Schedule, new: Schedule,
                  new_extras: dict | None = None) -> Changes:
    """The NEW, MOVED and CANCELLED sessions from ``old`` (the schedule of ``ref``) to ``new``."""
    d = compare(conf, old, new, old_extras=read_extras(ref.path), new_extras=new_extras,
                old_label=str(ref.path))
    out = Changes(ref, d)
    for c in d.changes:
        getattr(out, MARK_OF[c.kind]).append(c)
    return out


__all__ = ["NEW", "MOVED", "CANCELLED", "MARKS", "MARK_OF", "Reference", "Changes", "NoReference", "reference",
           "changes_since"]
