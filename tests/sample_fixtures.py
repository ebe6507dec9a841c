"""The sample conference as a committee uses it after printing, made once per test session.

``printed_and_added`` (session scope): a copy of the repository's sample in which
every speaker has an email and a phone (the sample gives only a few), solved,
rendered with the booklet and the door sheets, exported in every format (the
"printed" program), then ``add late/*.yaml`` (the 16 late sessions), which brings
every one of those outputs up to date. Tests read it; none may change it.

Import the fixture into a test module: ``from sample_fixtures import printed_and_added``.
"""
from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, run_cli

EXPORTS = ("xlsx", "ics", "frab-xml", "frab-json", "csv")


def email_of(pid: str) -> str:
    return f"{pid}.private@example.org"


def phone_of(pid: str) -> str:
    return f"+1 213 555 {int(pid[1:]) % 10000:04d}"


def sample_copy(dest: Path, *, contacts: bool = True) -> Path:
    """The repository's sample conference copied to ``dest`` (inputs and late/ only); with
    ``contacts`` every speaker gets an email and a phone (kept if the sample gives them)."""
    dest.mkdir(parents=True)
    for name in ("conference.yaml", "rooms.yaml", "speakers.yaml"):
        shutil.copy2(ROOT / name, dest / name)
    for name in ("sessions", "late"):
        shutil.copytree(ROOT / name, dest / name)
    if contacts:
        speakers = yaml.safe_load((dest / "speakers.yaml").read_text(encoding="utf-8"))
        for p in speakers:
            p.setdefault("email", email_of(p["id"]))
            p.setdefault("phone", phone_of(p["id"]))
        (dest / "speakers.yaml").write_text(yaml.safe_dump(speakers, sort_keys=False, allow_unicode=True),
                                            encoding="utf-8")
    return dest


@dataclass
class SampleRun:
    folder: Path
    printed: dict[str, bytes]          # program/<name> -> bytes right after the first render and exports
    add: object                        # click Result of `add late/*.yaml`
    late_ids: list[str]


def pdf_text(path: Path, first: int | None = None, last: int | None = None) -> str:
    args = ["pdftotext", "-enc", "UTF-8"]
    if first is not None:
        args += ["-f", str(first)]
    if last is not None:
        args += ["-l", str(last)]
    return subprocess.run(args + [str(path), "-"], check=True, capture_output=True).stdout.decode("utf-8")


def pdf_pages(path: Path) -> int:
    out = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    return int(next(line.split()[-1] for line in out.splitlines() if line.startswith("Pages:")))


@pytest.fixture(scope="session")
def printed_and_added(tmp_path_factory) -> SampleRun:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed: make system-deps")
    folder = sample_copy(tmp_path_factory.mktemp("printed") / "niic2014")
    r = run_cli("solve", folder, "--time-limit", "3", "-q")
    assert r.exit_code == 0, r.stderr
    r = run_cli("render", folder, "--door-sheets", "-q")
    assert r.exit_code == 0, r.stderr
    for fmt in EXPORTS:
        r = run_cli("export", folder, "--format", fmt, "-q")
        assert r.exit_code == 0, r.stderr
    program = folder / "program"
    printed = {p.relative_to(program).as_posix(): p.read_bytes() for p in program.rglob("*") if p.is_file()}
    late = sorted((folder / "late").glob("*.yaml"))
    late_ids = [yaml.safe_load(p.read_text(encoding="utf-8"))["id"] for p in late]
    add = run_cli("add", *late, "--dir", folder, "--time-limit", "20")
    assert add.exit_code == 0, add.stderr
    return SampleRun(folder, printed, add, late_ids)
