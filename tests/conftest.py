"""Shared fixtures: the generator from ../shared, a CLI runner, small conferences."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
GENERATOR = SHARED / "bench" / "make_conference.py"


def make_conference(out: Path, **kw) -> Path:
    """Write a synthetic feasible conference with ../shared/bench/make_conference.py."""
    args = [sys.executable, str(GENERATOR), str(out)]
    for key, value in kw.items():
        args += [f"--{key.replace('_', '-')}", str(value)]
    subprocess.run(args, check=True, capture_output=True)
    return out


@pytest.fixture
def generated(tmp_path):
    """Factory: generated(sessions=60, rooms=12, ...) -> folder."""
    def make(name="conf", **kw):
        return make_conference(tmp_path / name, **kw)
    return make


def run_cli(*args, cwd: Path | None = None):
    """Run niic-sched in-process; returns click's Result (exit_code, stdout, stderr)."""
    from niic_sched.cli import cli
    runner = CliRunner()
    old = os.getcwd()
    try:
        if cwd:
            os.chdir(cwd)
        return runner.invoke(cli, [str(a) for a in args], catch_exceptions=False)
    finally:
        os.chdir(old)


@pytest.fixture
def cli():
    return run_cli
