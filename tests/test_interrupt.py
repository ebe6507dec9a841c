"""Interrupted runs (issue 7): `solve`, `add` and `render` stopped by Ctrl-C (SIGINT)
or killed outright (SIGKILL) at random moments leave the previous outputs intact
and readable, and a second run works.

Each command runs as a real process (its own process group, SIGINT at its default
action: a process started by a shell in the background would ignore it). Ctrl-C
goes to the whole group, as a terminal sends it; SIGKILL goes to the main process
only, as `kill -9 PID` does; what it leaves running (a search child) is then
killed so that it does not slow the rest of the suite.

The full must-show (20 SIGKILLs during the solve of a 1000-session conference) is
benchmarks/bench_kill.py; here a 150-session conference takes 5 kills.
Kill moments come from a seeded generator (NIIC_KILL_SEED changes the seed).
"""
from __future__ import annotations

import hashlib
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import make_conference, run_cli
from niic_sched.check import check_schedule
from niic_sched.io import load
from niic_sched.io.schedule_file import read_schedule

NIIC = Path(sys.executable).parent / "niic-sched"
SEED = int(os.environ.get("NIIC_KILL_SEED", "7"))
SOLVE_LIMIT = "3"            # seconds of search per solve: a full run takes about 5 s


def _default_sigint():
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class Run:
    """A niic-sched process whose output lines are collected while it runs."""

    def __init__(self, *args):
        self.proc = subprocess.Popen([str(NIIC), *map(str, args)], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, preexec_fn=_default_sigint,
                                     start_new_session=True)
        self.began = time.monotonic()
        self.lines: list[str] = []
        self.cond = threading.Condition()
        self.pumps = [threading.Thread(target=self._pump, args=(s,), daemon=True)
                      for s in (self.proc.stdout, self.proc.stderr)]
        for t in self.pumps:
            t.start()

    def _pump(self, stream):
        for line in stream:
            with self.cond:
                self.lines.append(line)
                self.cond.notify_all()

    def wait_for(self, pattern: str, timeout: float = 60) -> bool:
        rx = re.compile(pattern)
        end = time.monotonic() + timeout
        with self.cond:
            while not any(rx.search(line) for line in self.lines):
                left = end - time.monotonic()
                if left <= 0 or self.proc.poll() is not None:
                    return any(rx.search(line) for line in self.lines)
                self.cond.wait(min(left, 0.2))
        return True

    def interrupt(self) -> None:
        """Ctrl-C in a terminal: SIGINT to the whole process group."""
        os.killpg(self.proc.pid, signal.SIGINT)

    def kill(self) -> None:
        """kill -9 PID: the main process only; then whatever it left running."""
        try:
            self.proc.send_signal(signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(30)
        self.cleanup()

    def cleanup(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass

    def finish(self, timeout: float = 90) -> tuple[int, str]:
        try:
            rc = self.proc.wait(timeout)
        finally:
            self.cleanup()
        for t in self.pumps:
            t.join(5)
        return rc, "".join(self.lines)


def _digest(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


def _snapshot(folder: Path) -> dict[str, str]:
    """Every file under sessions/ and program/ (but the hidden temporaries of an
    interrupted write), with its content's digest."""
    out = {}
    for sub in ("sessions", "program"):
        for p in sorted((folder / sub).rglob("*")):
            rel = p.relative_to(folder)
            if p.is_file() and not any(part.startswith(".") for part in rel.parts):
                out[rel.as_posix()] = _digest(p)
    return out


def _valid_program(folder: Path, path: Path) -> None:
    """The schedule parses and keeps every hard rule of the folder's conference."""
    schedule = read_schedule(path)
    assert check_schedule(load(folder), schedule) == [], path


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    """A 150-session conference (3 late proposals in late/) with a published
    program/schedule.yaml and a rendered program (site and PDF)."""
    folder = make_conference(tmp_path_factory.mktemp("interrupt") / "conf", sessions=150, rooms=14, days=2,
                             slots=8, seed=3, late=3)
    r = run_cli("solve", folder, "--time-limit", SOLVE_LIMIT, "--seed", 1, "--quiet")
    assert r.exit_code == 0, r.stderr
    r = run_cli("render", folder, "--quiet")
    assert r.exit_code == 0, r.stderr
    return folder


@pytest.fixture
def folder(published, tmp_path) -> Path:
    dst = tmp_path / "conf"
    shutil.copytree(published, dst)
    return dst


# -- solve --------------------------------------------------------------------------------------------
def test_ctrl_c_during_solve_writes_nothing(folder):
    out = folder / "program" / "schedule.yaml"
    before = _digest(out)
    run = Run("solve", folder, "-o", out, "--time-limit", "20")
    assert run.wait_for(r"first timetable", 60), "".join(run.lines)
    run.interrupt()
    rc, text = run.finish(60)
    assert rc == 130, text
    assert re.search(r"Interrupted[.:] [Nn]othing written", text) and "Traceback" not in text, text
    assert _digest(out) == before
    assert not list(out.parent.glob(".schedule.yaml.*"))    # no temporary file left behind


def test_ctrl_c_with_keep_partial_writes_the_best_program_so_far(folder):
    out = folder / "program" / "schedule.yaml"
    before = _digest(out)
    run = Run("solve", folder, "-o", out, "--time-limit", "20", "--keep-partial")
    assert run.wait_for(r"first timetable", 60), "".join(run.lines)
    time.sleep(1.0)                                 # the search is under way
    run.interrupt()
    rc, text = run.finish(60)
    assert rc == 130, text
    assert "kept the best program found so far" in text and "Traceback" not in text
    assert _digest(out) != before
    _valid_program(folder, out)


def test_ctrl_c_right_after_the_first_timetable_keeps_it(folder):
    out = folder / "program" / "schedule.yaml"
    before = _digest(out)
    run = Run("solve", folder, "-o", out, "--time-limit", "20", "--keep-partial")
    assert run.wait_for(r"first timetable", 60), "".join(run.lines)
    run.interrupt()
    rc, text = run.finish(60)
    assert rc == 130, text
    assert "kept the best program found so far" in text, text
    assert _digest(out) != before
    _valid_program(folder, out)


def test_sigkill_during_solve_keeps_the_previous_program(folder):
    """5 kills at random moments of `solve -o program/schedule.yaml`: after each, the
    file there is a whole, valid program (the previous one, or the new one if the
    run had finished); then a full run works."""
    rng = random.Random(SEED)
    out = folder / "program" / "schedule.yaml"
    moments = []
    for _ in range(5):
        before = _digest(out)
        run = Run("solve", folder, "-o", out, "--time-limit", SOLVE_LIMIT, "--seed", str(rng.randrange(100)),
                  "--quiet")
        moment = rng.uniform(0.2, 5.0)
        time.sleep(moment)
        finished = run.proc.poll() is not None
        run.kill()
        moments.append((round(moment, 2), "finished" if finished else "killed"))
        _valid_program(folder, out)                 # whole and valid: the previous program, or a new one
        if finished:
            assert _digest(out) != before               # a run that ended wrote its program
    rc, text = Run("solve", folder, "-o", out, "--time-limit", SOLVE_LIMIT, "--quiet").finish()
    assert rc == 0, (moments, text)
    _valid_program(folder, out)
    assert any(state == "killed" for _, state in moments), moments


# -- add ----------------------------------------------------------------------------------------------
def test_ctrl_c_during_add_changes_nothing(folder):
    before = _snapshot(folder)
    run = Run("add", folder / "late" / "s0151.yaml", "--dir", folder, "--time-limit", "60")
    assert run.wait_for(r"solving against", 60), "".join(run.lines)
    time.sleep(0.5)
    run.interrupt()
    rc, text = run.finish(60)
    assert rc == 130, text
    assert "Nothing changed" in text and "Traceback" not in text
    assert _snapshot(folder) == before


def test_sigkill_during_add_keeps_a_valid_program_and_a_second_add_works(folder):
    rng = random.Random(SEED + 1)
    out = folder / "program" / "schedule.yaml"
    late = folder / "late" / "s0151.yaml"
    _valid_program(folder, out)
    old = _digest(out)
    for _ in range(3):
        run = Run("add", late, "--dir", folder, "--time-limit", SOLVE_LIMIT, "--quiet")
        time.sleep(rng.uniform(0.2, 5.0))
        run.kill()
        read_schedule(out)                          # whole and readable
        if _digest(out) == old:                     # the published program, untouched
            continue
        _valid_program(folder, out)                 # or the new one, complete, with s0151 placed
        assert "s0151" in {a.session for a in read_schedule(out).assignments}
        old = _digest(out)
    run = Run("add", late, "--dir", folder, "--time-limit", SOLVE_LIMIT, "--quiet")
    rc, text = run.finish()
    assert rc in (0, 2), text
    if rc == 2:   # an earlier add had completed before its kill: s0151 is in the folder and the program
        assert "s0151" in text
    _valid_program(folder, out)
    assert "s0151" in {a.session for a in read_schedule(out).assignments}
    assert (folder / "sessions" / "s0151.yaml").read_bytes() == late.read_bytes()


# -- render -------------------------------------------------------------------------------------------
SITE = ("index.html", "sessions.html", "tracks.html", "rooms.html", "speakers.html", "agenda.html")


def _outputs_whole(program: Path) -> None:
    from pypdf import PdfReader
    for name in SITE:
        text = (program / name).read_text(encoding="utf-8")
        assert text.lstrip().lower().startswith("<!doctype html>") and text.rstrip().endswith("</html>"), name
    pdf = program / "program.pdf"
    assert len(PdfReader(pdf).pages) > 3
    assert pdf.read_bytes().rstrip().endswith(b"%%EOF")


def test_ctrl_c_during_render_leaves_the_previous_outputs(folder):
    program = folder / "program"
    before = _snapshot(folder)
    run = Run("render", folder)
    assert run.wait_for(r"^site: ", 90), "".join(run.lines)      # the PDF is being made now
    run.interrupt()
    rc, text = run.finish(60)
    assert rc == 130, text
    assert "previous outputs are left as they were" in text and "Traceback" not in text
    assert _snapshot(folder) == before
    _outputs_whole(program)


def test_sigkill_during_render_leaves_whole_outputs_and_a_second_render_works(folder):
    rng = random.Random(SEED + 2)
    program = folder / "program"
    for _ in range(3):
        run = Run("render", folder, "--quiet")
        time.sleep(rng.uniform(0.3, 8.0))
        run.kill()
        _outputs_whole(program)                     # each file the old or the new version, never half of one
    rc, text = Run("render", folder, "--quiet").finish(120)
    assert rc == 0, text
    _outputs_whole(program)
