"""The project's synthetic conference generator (niic_sched.generate, `niic-sched generate`):
feasible by construction (its hidden reference timetable keeps every hard rule),
deterministic, international, and strict about its arguments."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from niic_sched.check import check_schedule
from niic_sched.errors import InputError
from niic_sched.generate import TRACKS, GeneratedSummary, generate_conference
from niic_sched.io import load
from niic_sched.io.schedule_file import read_schedule
from niic_sched.model import Schedule

ROOT = Path(__file__).resolve().parents[1]


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def with_late(folder: Path) -> Path:
    """Add the late proposals to sessions/ (as a committee does once they are accepted)."""
    for p in sorted((folder / "late").glob("*.yaml")):
        (folder / "sessions" / "late").mkdir(parents=True, exist_ok=True)
        shutil.copy2(p, folder / "sessions" / "late" / p.name)
    return folder


def full_reference(summary: GeneratedSummary) -> Schedule:
    return Schedule(summary.reference.assignments + summary.late_reference.assignments)


SIZES = [dict(sessions=60, rooms=12, days=3, slots=5, seed=1),
         dict(sessions=60, rooms=12, days=3, slots=5, seed=11),
         dict(sessions=40, rooms=6, days=2, slots=5, seed=3),
         dict(sessions=150, rooms=16, days=3, slots=6, late=16, seed=5),
         dict(sessions=150, rooms=14, days=2, slots=8, late=3, seed=3),
         dict(sessions=12, rooms=4, days=1, slots=5, attendees=200, seed=5),
         dict(sessions=30, rooms=6, days=2, slots=4, seed=2),
         dict(sessions=300, rooms=24, days=4, slots=5, seed=3),
         dict(sessions=200, rooms=8, days=2, slots=16, seed=102),
         dict(sessions=64, rooms=3, days=4, slots=6, seed=101)]      # every regular room-slot taken


@pytest.mark.parametrize("size", SIZES, ids=lambda s: "-".join(f"{k}{v}" for k, v in s.items()))
def test_the_reference_keeps_every_hard_rule(tmp_path, size):
    summary = generate_conference(tmp_path / "c", **size)
    conf = load(tmp_path / "c")
    assert check_schedule(conf, summary.reference) == []
    assert summary.sessions == size["sessions"] == len(conf.sessions)
    assert summary.plenaries == size["days"] == sum(1 for s in conf.sessions if s.is_plenary)
    assert (summary.rooms, summary.speakers) == (len(conf.rooms), len(conf.speakers))
    assert summary.interests == len(conf.interests) + sum(
        1 for _, sid in _rows(tmp_path / "c") if sid not in conf.session)
    assert summary.folder == tmp_path / "c" and summary.late == size.get("late", 0)
    assert summary.trainings == sum(1 for s in conf.sessions if s.duration > conf.slots[1].end - conf.slots[1].start)
    # the reference's late proposals fit beside it: every hard rule holds once they are added
    if summary.late:
        conf = load(with_late(tmp_path / "c"))
        assert len(conf.sessions) == size["sessions"] + size["late"]
        assert check_schedule(conf, full_reference(summary)) == []


def _rows(folder: Path) -> list[tuple[str, str]]:
    lines = (folder / "interests.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "attendee,session"
    return [tuple(line.split(",")) for line in lines[1:]]


def test_1000_sessions_generate_in_seconds_and_the_reference_holds(tmp_path):
    t = time.monotonic()
    summary = generate_conference(tmp_path / "big", sessions=1000, rooms=40, days=3, slots=11, attendees=5000,
                                  seed=11)
    took = time.monotonic() - t
    assert took < 30, f"{took:.1f} s"          # about 1.5 s on an idle machine; generous for a shared one
    conf = load(tmp_path / "big")
    assert len(conf.sessions) == 1000 and len(conf.rooms) == 40 and summary.attendees == 5000
    assert len({a for a, _ in conf.interests}) == 5000
    assert check_schedule(conf, summary.reference) == []
    print(f"1000 sessions generated in {took:.2f} s: {summary}"[:300])


def test_the_distribution_has_what_a_real_program_has(tmp_path):
    summary = generate_conference(tmp_path / "c", sessions=300, rooms=24, days=4, slots=5, late=12, seed=3)
    conf = load(tmp_path / "c")
    regular = [s for s in conf.sessions if not s.is_plenary]
    assert {s.track for s in regular} >= set(TRACKS)
    assert {s.format for s in regular} == {"workshop", "panel", "training"}
    slot = conf.slots[1].end - conf.slots[1].start
    trainings = [s for s in regular if s.duration > slot]
    assert 0.02 * len(regular) <= len(trainings) <= 0.2 * len(regular) and summary.trainings == len(trainings)
    assert all(s.format == "training" for s in trainings)
    assert sum(1 for p in conf.speakers if p.unavailable) >= 0.1 * len(conf.speakers)
    assert any(p.unavailable and p.unavailable[0].start is None for p in conf.speakers)      # a whole day
    assert any(p.unavailable and p.unavailable[0].start is not None for p in conf.speakers)  # part of one
    assert any(r.unavailable for r in conf.rooms)
    assert {f for s in regular for f in s.requires} >= {"projector", "interpretation"}
    assert any(s.after for s in regular) and any(s.not_with for s in regular) and any(s.pin for s in regular)
    assert any(s.language and s.language != "en" for s in regular)
    assert all(s.speakers for s in regular)
    assert max(r.capacity for r in conf.rooms) >= 400 and min(r.capacity for r in conf.rooms) <= 60
    # every day: one plenary slot first, holding that day's plenary
    for day in conf.days:
        assert day.slots[0].is_plenary and not any(s.is_plenary for s in day.slots[1:])
    days = {a.day for a in summary.reference.assignments if conf.session[a.session].is_plenary}
    assert len(days) == len(conf.days)
    # layout: sessions/<track>/<id>.yaml, late/<id>.yaml
    assert all(p.parent.parent.name == "sessions" for p in (tmp_path / "c" / "sessions").rglob("*.yaml"))
    assert len(list((tmp_path / "c" / "late").glob("*.yaml"))) == 12


def test_names_are_international(tmp_path):
    generate_conference(tmp_path / "c", sessions=80, rooms=8, days=2, slots=6, seed=4)
    conf = load(tmp_path / "c")
    names = [p.name for p in conf.speakers]
    text = "".join(names)
    assert any(not n.isascii() for n in names)
    assert any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in text), "no right-to-left (Arabic) names"
    assert any(ch in text for ch in "áéíóúñÁÉÍÓÚÑ"), "no Spanish accents"
    assert any(ch in text for ch in "ễạươđĐươầậ"), "no Vietnamese diacritics"
    assert any("\uac00" <= ch <= "\ud7a3" for ch in text), "no Korean (Hangul) names"
    assert len(set(names)) == len(names)
    assert any(not s.title.isascii() for s in conf.sessions)
    assert any(not r.name.isascii() for r in conf.rooms)


def test_same_arguments_same_bytes_whatever_the_hash_seed(tmp_path):
    """Byte-identical output for the same arguments, in another process with another
    PYTHONHASHSEED too (nothing depends on set order)."""
    args = dict(sessions=60, rooms=12, days=3, slots=5, late=4, seed=7)
    generate_conference(tmp_path / "a", **args)
    generate_conference(tmp_path / "b", **args)
    assert snapshot(tmp_path / "a") == snapshot(tmp_path / "b")
    code = ("import sys; from pathlib import Path; from niic_sched.generate import generate_conference; "
            f"generate_conference(Path(sys.argv[1]), **{args!r})")
    for hash_seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=hash_seed)
        subprocess.run([sys.executable, "-c", code, str(tmp_path / f"h{hash_seed}")], check=True, env=env)
        assert snapshot(tmp_path / f"h{hash_seed}") == snapshot(tmp_path / "a")


def test_different_seeds_differ(tmp_path):
    a = generate_conference(tmp_path / "a", sessions=40, rooms=6, days=2, slots=5, seed=101)
    b = generate_conference(tmp_path / "b", sessions=40, rooms=6, days=2, slots=5, seed=102)
    sa, sb = snapshot(tmp_path / "a"), snapshot(tmp_path / "b")
    for name in ("rooms.yaml", "speakers.yaml", "interests.csv"):
        assert sa[name] != sb[name], name
    assert a.reference != b.reference


def test_late_proposals_load_and_are_not_in_the_program_until_added(tmp_path):
    summary = generate_conference(tmp_path / "c", sessions=60, rooms=12, days=3, slots=5, late=8, seed=2)
    late = sorted(p.stem for p in (tmp_path / "c" / "late").glob("*.yaml"))
    assert len(late) == 8 == len(summary.late_reference.assignments)
    assert sorted(a.session for a in summary.late_reference.assignments) == late
    conf = load(tmp_path / "c")
    assert not set(late) & set(conf.session)
    assert any("not in the folder" in w for w in conf.warnings)     # the survey already names some
    # a published session never refers to a late one (it would not load)
    for s in conf.sessions:
        assert not (set(s.after) | set(s.not_with)) & set(late)
    conf = load(with_late(tmp_path / "c"))
    assert set(late) <= set(conf.session)
    assert check_schedule(conf, full_reference(summary)) == []
    assert not [w for w in conf.warnings if "not in the folder" in w]


def test_reference_file_is_a_schedule_the_checker_accepts(tmp_path, cli):
    summary = generate_conference(tmp_path / "c", sessions=30, rooms=6, days=2, slots=4, seed=5,
                                  reference=tmp_path / "ref.yaml")
    assert set(read_schedule(tmp_path / "ref.yaml").assignments) == set(summary.reference.assignments)
    r = cli("check", tmp_path / "c", "--schedule", tmp_path / "ref.yaml")
    assert r.exit_code == 0, r.stderr
    assert not list(tmp_path.glob(".*.tmp")) and not list(tmp_path.glob(".*"))   # no temporary left


def test_no_attendees_no_interests(tmp_path):
    summary = generate_conference(tmp_path / "c", sessions=10, rooms=3, days=1, slots=5, attendees=0, seed=1)
    assert not (tmp_path / "c" / "interests.csv").exists()
    assert summary.attendees == 0 and summary.interests == 0
    assert load(tmp_path / "c").interests == ()


def test_only_plenaries(tmp_path):
    summary = generate_conference(tmp_path / "c", sessions=2, rooms=1, days=2, slots=2, seed=1)
    conf = load(tmp_path / "c")
    assert all(s.is_plenary for s in conf.sessions) and check_schedule(conf, summary.reference) == []


@pytest.mark.parametrize("kw,where,words", [
    (dict(sessions=200, rooms=12, days=3, slots=5), "--sessions", "do not fit"),
    (dict(sessions=60, rooms=12, days=3, slots=5, late=90), "--sessions", "late"),
    (dict(sessions=2, days=3), "--sessions", "plenary"),
    (dict(rooms=0), "--rooms", "at least one room"),
    (dict(days=0), "--days", "1 to"),
    (dict(slots=1), "--slots", "plenary slot"),
    (dict(slots=21), "--slots", "2 to"),
    (dict(late=-1), "--late", "negative"),
    (dict(attendees=-5), "--attendees", "negative"),
    (dict(sessions="many"), "--sessions", "whole number"),
    (dict(seed=1.5), "--seed", "whole number"),
])
def test_bad_arguments_are_input_errors(tmp_path, kw, where, words):
    with pytest.raises(InputError) as info:
        generate_conference(tmp_path / "c", **kw)
    problems = info.value.problems
    assert problems and problems[0].where == where and words in problems[0].what, problems
    assert problems[0].fix
    assert not (tmp_path / "c").exists()


def test_the_fit_problem_says_how_many_fit(tmp_path):
    with pytest.raises(InputError) as info:
        generate_conference(tmp_path / "c", sessions=200, rooms=12, days=3, slots=5)
    p = info.value.problems[0]
    assert "144" in p.what and "--sessions 147" in p.fix          # 12 x 3 x 4 regular + 3 plenaries


def test_existing_folder_needs_force(tmp_path):
    folder = tmp_path / "c"
    folder.mkdir()
    generate_conference(folder, sessions=20, rooms=4, days=2, slots=4, seed=1)      # an empty folder is fine
    before = snapshot(folder)
    with pytest.raises(InputError) as info:
        generate_conference(folder, sessions=10, rooms=3, days=1, slots=5, seed=2)
    assert info.value.problems[0].where == str(folder) and "--force" in info.value.problems[0].fix
    assert snapshot(folder) == before
    (folder / "notes.txt").write_text("the committee's notes")
    summary = generate_conference(folder, sessions=10, rooms=3, days=1, slots=5, seed=2, attendees=0, force=True)
    conf = load(folder)
    assert len(conf.sessions) == 10 and check_schedule(conf, summary.reference) == []
    assert (folder / "notes.txt").read_text() == "the committee's notes"          # not ours: kept
    assert not (folder / "interests.csv").exists()                                 # stale: removed
    fresh = tmp_path / "fresh"
    generate_conference(fresh, sessions=10, rooms=3, days=1, slots=5, seed=2, attendees=0)
    assert {k: v for k, v in snapshot(folder).items() if k != "notes.txt"} == snapshot(fresh)
    (tmp_path / "file").write_text("x")
    with pytest.raises(InputError, match="not a folder"):
        generate_conference(tmp_path / "file", force=True)


@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(rooms=st.integers(1, 6), days=st.integers(1, 3), slots=st.integers(2, 7), fill=st.floats(0, 1),
       late_share=st.floats(0, 1), attendees=st.integers(0, 60), seed=st.integers(-1000, 10_000))
def test_property_every_small_instance_is_feasible_by_construction(tmp_path_factory, rooms, days, slots, fill,
                                                                   late_share, attendees, seed):
    cells = rooms * days * (slots - 1)
    regular = int(fill * cells)
    late = int(late_share * (cells - regular))
    folder = tmp_path_factory.mktemp("prop") / "c"
    summary = generate_conference(folder, sessions=days + regular, rooms=rooms, days=days, slots=slots,
                                  attendees=attendees, late=late, seed=seed)
    conf = load(folder)
    assert len(conf.sessions) == days + regular
    assert check_schedule(conf, summary.reference) == []
    conf = load(with_late(folder))
    assert check_schedule(conf, full_reference(summary)) == []
