"""Shared fixtures: the project's conference generator, a CLI runner, small conferences."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from niic_sched.generate import generate_conference

ROOT = Path(__file__).resolve().parents[1]


def make_conference(out: Path, **kw) -> Path:
    """Write a synthetic feasible conference with niic_sched.generate (sessions=, rooms=, days=,
    slots=, attendees=, late=, seed=, as `niic-sched generate` takes them); returns the folder."""
    generate_conference(Path(out), **kw)
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
