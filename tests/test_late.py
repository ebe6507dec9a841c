"""Late sessions after publication: solve --baseline, add, diff, versions."""
from __future__ import annotations

import csv
import io
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from helpers import DAY1, write_conf
from niic_sched.check import check_schedule
from niic_sched.diff import CSV_COLUMNS, compare, csv_bytes, markdown, read_extras, text
from niic_sched.io import load
from niic_sched.io.schedule_file import read_schedule
from niic_sched.model import Assignment, Schedule
from niic_sched.quality import evaluate
from niic_sched.solve import SolveOptions, solve

ROOT = Path(__file__).resolve().parents[1]
SLOTS3 = [{"start": "10:30", "end": "11:45"}, {"start": "13:30", "end": "14:45"}, {"start": "15:00", "end": "16:15"}]


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under folder -> its bytes (to prove that nothing changed)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def session_yaml(path: Path, sid: str, **kw) -> Path:
    doc = {"id": sid, "title": f"Late {sid}", "format": "workshop", "track": "late", "duration": 75,
           "expected_attendance": 20, "speakers": []}
    doc.update(kw)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def write_schedule_rows(path: Path, rows: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump({"assignments": rows, "unscheduled": []}, sort_keys=False, allow_unicode=True),
                    encoding="utf-8")
    return path


@pytest.fixture
def sample(tmp_path):
    """A copy of the bundled sample (never the repository's own sessions/ or program/)."""
    out = tmp_path / "niic2014"
    out.mkdir()
    for name in ("conference.yaml", "rooms.yaml", "speakers.yaml"):
        shutil.copy2(ROOT / name, out / name)
    for name in ("sessions", "late"):
        shutil.copytree(ROOT / name, out / name)
    return out


def small(folder: Path) -> Path:
    """One day, three slots, two rooms; four published sessions with one speaker each."""
    return write_conf(folder, days=[{"date": DAY1, "slots": SLOTS3}], sessions=[
        dict(id="a", speakers=["p1"], track="t1"), dict(id="b", speakers=["p2"], track="t2"),
        dict(id="c", speakers=["p3"], track="t3"), dict(id="d", speakers=["p4"], track="t4")],
        speakers=[{"id": "p1", "name": "María Núñez", "organization": "CHIRLA"},
                  {"id": "p2", "name": "سامي حداد", "organization": "ACCESS"},
                  {"id": "p3", "name": "=Ann Lee", "organization": "+Org"},
                  {"id": "p4", "name": "Dan Ortiz"},
                  {"id": "p9", "name": "Late Speaker", "organization": "NPNA"}])


# Published: slot 1 is full (a in r1, b in r2); c at 13:30 in r1; d at 15:00 in r2.
PUBLISHED = [{"session": "a", "day": DAY1, "start": "10:30", "room": "r1"},
             {"session": "b", "day": DAY1, "start": "10:30", "room": "r2"},
             {"session": "c", "day": DAY1, "start": "13:30", "room": "r1"},
             {"session": "d", "day": DAY1, "start": "15:00", "room": "r2"}]


# -- diff on hand-made schedules -----------------------------------------------------------------------------
def test_diff_kinds_notices_and_csv(tmp_path):
    folder = small(tmp_path / "c")
    session_yaml(folder / "sessions" / "n.yaml", "n", speakers=["p9", "p1"])
    (folder / "sessions" / "d.yaml").unlink()               # d is cancelled
    conf = load(folder)
    old = write_schedule_rows(tmp_path / "old.yaml", [
        dict(PUBLISHED[0], title="A"), dict(PUBLISHED[1], title="B"), dict(PUBLISHED[2], title="C"),
        dict(PUBLISHED[3], title="Session D (cancelled)", speakers=["p4"], end="16:15")])
    new = write_schedule_rows(tmp_path / "new.yaml", [
        {"session": "a", "day": DAY1, "start": "13:30", "room": "r2"},     # retimed (and another room)
        {"session": "b", "day": DAY1, "start": "10:30", "room": "r2"},     # unchanged
        {"session": "c", "day": DAY1, "start": "13:30", "room": "r1"},     # unchanged
        {"session": "n", "day": DAY1, "start": "10:30", "room": "r1"}])    # added
    d = compare(conf, read_schedule(old), read_schedule(new), old_extras=read_extras(old),
                new_extras=read_extras(new))
    assert [(c.kind, c.session) for c in d.changes] == [("added", "n"), ("cancelled", "d"), ("retimed", "a")]
    assert d.unchanged == ["b", "c"]
    cancelled = d.of("cancelled")[0]
    assert cancelled.title == "Session D (cancelled)" and cancelled.speakers == ("p4",)
    assert cancelled.old.text() == "Monday 2014-12-08, 15:00-16:15, Room 2"
    retimed = d.of("retimed")[0]
    assert (retimed.old.text(), retimed.new.text()) == ("Monday 2014-12-08, 10:30-11:45, Room 1",
                                                         "Monday 2014-12-08, 13:30-14:45, Room 2")
    # notices: p1 (a retimed, n added), p4 (d cancelled), p9 (n added); never p2 or p3 (untouched)
    assert [(n.speaker, [c.session for c in n.changes]) for n in d.notices] == \
        [("p1", ["n", "a"]), ("p4", ["d"]), ("p9", ["n"])]
    out = text(d)
    assert "To María Núñez (CHIRLA) [p1]:" in out and "سامي" not in out and "Ann Lee" not in out
    assert d.counts() == {"added": 1, "cancelled": 1, "retimed": 1, "moved": 0, "unchanged": 2, "notices": 3}
    md = markdown(d)
    assert "## Retimed (new day or time) (1)" in md and "| a | Session 1 | María Núñez |" in md
    data = csv_bytes(d)
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert [(r[0], r[3], r[5]) for r in rows[1:]] == [("p1", "n", "added"), ("p1", "a", "retimed"),
                                                      ("p4", "d", "cancelled"), ("p9", "n", "added")]
    assert rows[2][6] == "Monday 2014-12-08, 10:30-11:45, Room 1" and rows[3][7] == ""


def test_diff_csv_guards_formulas_and_keeps_arabic(tmp_path):
    folder = small(tmp_path / "c")
    conf = load(folder)
    old = Schedule(tuple(Assignment(r["session"], conf.days[0].date, 630 if r["start"] == "10:30" else
                                    810 if r["start"] == "13:30" else 900, r["room"]) for r in PUBLISHED))
    new = Schedule(tuple(Assignment(a.session, a.day, a.start, "r2" if a.session == "c" else
                                    "r1" if a.session == "b" else a.room) for a in old.assignments
                         if a.session != "a") + (Assignment("a", conf.days[0].date, 900, "r1"),))
    d = compare(conf, old, new)
    assert {(c.kind, c.session) for c in d.changes} == {("moved", "b"), ("moved", "c"), ("retimed", "a")}
    rows = list(csv.reader(io.StringIO(csv_bytes(d).decode("utf-8-sig"))))
    by_id = {r[0]: r for r in rows[1:]}
    assert by_id["p2"][1] == "سامي حداد" and by_id["p2"][5] == "moved"
    assert by_id["p3"][1] == "'=Ann Lee" and by_id["p3"][2] == "'+Org"     # never run as a formula
    assert "p4" not in by_id                                                 # d did not change


def test_cancelled_without_speakers_in_the_old_file_is_said(tmp_path):
    folder = small(tmp_path / "c")
    (folder / "sessions" / "d.yaml").unlink()
    conf = load(folder)
    old = write_schedule_rows(tmp_path / "old.yaml", [dict(r) for r in PUBLISHED])
    new = write_schedule_rows(tmp_path / "new.yaml", [dict(r) for r in PUBLISHED[:3]])
    d = compare(conf, read_schedule(old), read_schedule(new), old_extras=read_extras(old))
    assert [(c.kind, c.session, c.speakers) for c in d.changes] == [("cancelled", "d", ())]
    assert d.notices == []
    assert "Cancelled sessions whose speakers are unknown (they are neither in the folder nor in old): d; " \
        "tell their speakers yourself." in text(d)


# -- solve --baseline ----------------------------------------------------------------------------------------
def test_unavoidable_move_is_minimal_and_notice_names_the_speakers(tmp_path, cli):
    """A late session pinned into r1 at 10:30, where a is published. Slot 10:30 has two
    rooms, both taken (a, b): one published session must leave it. Moving b would also
    force a into r2 (a retime and a room change); retiming a alone is the minimum:
    exactly one published session moves, and it is a."""
    folder = small(tmp_path / "c")
    old = write_schedule_rows(tmp_path / "s1.yaml", [dict(r) for r in PUBLISHED])
    assert check_schedule(load(folder), read_schedule(old)) == []
    session_yaml(folder / "sessions" / "late.yaml", "late", speakers=["p9"],
                 pin={"day": DAY1, "start": "10:30", "room": "r1"})
    new = tmp_path / "s2.yaml"
    result = cli("solve", folder, "--baseline", old, "-o", new, "--time-limit", "3")
    assert result.exit_code == 0, result.stderr
    assert "No placement was found that keeps every published session where it was" in result.stderr
    assert "1 published session moved" in result.stderr
    assert 'a "Session 1": new time: was Monday 2014-12-08, 10:30-11:45, Room 1' in result.stderr
    conf = load(folder)
    schedule = read_schedule(new)
    assert check_schedule(conf, schedule) == []
    q = evaluate(conf, schedule, baseline=read_schedule(old))
    assert (q.figure("moved_time").count, q.figure("moved_room").count) == (1, 0)
    assert yaml.safe_load(new.read_text())["meta"]["retimed"] == 1
    result = cli("diff", old, new, "--dir", folder)
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "Retimed (new day or time): 1" in out and "Moved to another room (same time): none" in out
    assert "To María Núñez (CHIRLA) [p1]:" in out          # a's speaker
    assert "To Late Speaker (NPNA) [p9]:" in out            # the new session's speaker
    for untouched in ("[p2]", "[p3]", "[p4]"):
        assert untouched not in out


def test_no_moves_when_room_is_free_and_cancelled_sessions_are_reported(tmp_path, cli):
    folder = small(tmp_path / "c")
    old = write_schedule_rows(tmp_path / "s1.yaml", [dict(r, title=f"T{r['session']}") for r in PUBLISHED])
    (folder / "sessions" / "c.yaml").unlink()                               # cancelled
    session_yaml(folder / "sessions" / "late.yaml", "late", speakers=["p9"])
    new = tmp_path / "s2.yaml"
    result = cli("solve", folder, "--baseline", old, "-o", new, "--time-limit", "1", "-q")
    assert result.exit_code == 0, result.stderr
    assert "cancelled (in the published schedule, no longer in the folder): c" in result.stderr
    assert "Every published session keeps its day, time and room." in result.stderr
    after = read_schedule(new).by_session
    for r in PUBLISHED:
        if r["session"] != "c":
            a = after[r["session"]]
            assert (a.start, a.room) == ({"10:30": 630, "13:30": 810, "15:00": 900}[r["start"]], r["room"])
    assert set(after) == {"a", "b", "d", "late"}
    result = cli("diff", old, new, "--dir", folder, "--format", "markdown")
    assert result.exit_code == 0
    assert "## Cancelled (1)" in result.stdout and "| c | Tc |" in result.stdout
    assert "## Added (1)" in result.stdout


def test_bad_baseline_is_exit_2_and_nothing_written(tmp_path, cli):
    folder = small(tmp_path / "c")
    bad = tmp_path / "old.yaml"
    bad.write_text("assignments:\n  - {session: a, day: 2014-13-40, start: '10:30', room: r1}\n")
    out = tmp_path / "s2.yaml"
    result = cli("solve", folder, "--baseline", bad, "-o", out, "--time-limit", "1")
    assert result.exit_code == 2 and "old.yaml:2" in result.stderr and not out.exists()
    result = cli("diff", bad, bad, "--dir", folder)
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_room_move_is_never_traded_for_a_soft_goal(tmp_path):
    folder = write_conf(tmp_path / "c", days=[{"date": DAY1, "slots": SLOTS3[:2]}],
                        conference={"weights": {"preferred": 50}},
                        sessions=[dict(id="a", track="x"),
                                  dict(id="late", track="y", requires=["projector"],
                                       preferred=[{"day": DAY1, "start": "10:30"}])])
    conf = load(folder)
    baseline = Schedule((Assignment("a", conf.days[0].date, 630, "r1"),))
    result = solve(conf, SolveOptions(time_limit=1, baseline=baseline, workers=2))
    assert evaluate(conf, result.schedule, baseline=baseline).figure("moved_room").count == 0


# -- add -----------------------------------------------------------------------------------------------------
def test_add_sample_late_sessions_moves_nothing(sample, cli, tmp_path):
    """Must-show 2: the 16 administrative-relief sessions of the sample."""
    assert cli("solve", sample, "--time-limit", "3", "-q").exit_code == 0
    published = (sample / "program" / "schedule.yaml").read_bytes()
    late = sorted((sample / "late").glob("*.yaml"))
    assert len(late) == 16
    result = cli("add", *late, "--dir", sample, "--time-limit", "4", "-q")
    assert result.exit_code == 0, result.stderr
    assert "published sessions: 54 kept their day, time and room; 0 retimed; 0 moved" in result.stderr
    version = sample / "program" / "versions" / "schedule-1.yaml"
    assert version.read_bytes() == published
    assert sorted(p.name for p in (sample / "sessions").glob("s01*.yaml")) == [p.name for p in late]
    conf = load(sample)
    schedule = read_schedule(sample / "program" / "schedule.yaml")
    assert check_schedule(conf, schedule) == [] and len(schedule.assignments) == 70
    assert yaml.safe_load((sample / "program" / "schedule.yaml").read_text())["meta"]["baseline"] == \
        "program/versions/schedule-1.yaml"
    out = tmp_path / "notices.csv"
    result = cli("diff", version, sample / "program" / "schedule.yaml", "--dir", sample, "--format", "csv", "-o", out)
    assert result.exit_code == 0, result.stderr
    assert "16 added, 0 cancelled, 0 retimed, 0 moved to another room, 54 unchanged" in result.stdout
    rows = list(csv.DictReader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    late_ids = {yaml.safe_load(p.read_text())["id"] for p in late}
    assert {r["session"] for r in rows} == late_ids and {r["change"] for r in rows} == {"added"}
    late_speakers = {p for sid in late_ids for p in conf.session[sid].speakers}
    assert {r["speaker_id"] for r in rows} == late_speakers         # nobody untouched gets a notice
    assert len(rows) == sum(len(conf.session[sid].speakers) for sid in late_ids)
    assert all(r["new"] and not r["old"] for r in rows)
    text_out = cli("diff", version, sample / "program" / "schedule.yaml", "--dir", sample).stdout
    assert "Added: 16" in text_out and "Retimed (new day or time): none" in text_out


def test_add_refuses_id_clash_and_changes_nothing(sample, tmp_path, cli):
    write_schedule_rows(sample / "program" / "schedule.yaml", [])   # a (trivial) published program
    before = snapshot(sample)
    clash = session_yaml(tmp_path / "new" / "extra.yaml", "s0005")         # s0005 is a sample session
    twin_a = session_yaml(tmp_path / "x" / "t1.yaml", "s0900")
    twin_b = session_yaml(tmp_path / "y" / "t2.yaml", "s0900")
    result = cli("add", clash, twin_a, twin_b, "--dir", sample, "--time-limit", "1")
    assert result.exit_code == 2
    err = result.stderr
    assert f"{clash}:1: session id 's0005' is already used by {sample}/sessions/citizenship/s0005.yaml:1" in err
    assert f"{twin_b}:1: session id 's0900' is also used by {twin_a}:1" in err
    assert "Nothing changed." in err and "Traceback" not in err
    assert snapshot(sample) == before
    # a file of the same name as one in sessions/ but other content
    (sample / "sessions" / "s0777.yaml").write_text((sample / "late" / "s0101.yaml").read_text().replace("s0101", "s0777"))
    before = snapshot(sample)
    same_name = session_yaml(tmp_path / "z" / "s0777.yaml", "s0778")
    result = cli("add", same_name, "--dir", sample, "--time-limit", "1")
    assert result.exit_code == 2 and f"would replace {sample}/sessions/s0777.yaml" in result.stderr
    assert snapshot(sample) == before


def test_add_bad_proposal_names_the_given_file(sample, tmp_path, cli):
    write_schedule_rows(sample / "program" / "schedule.yaml", [])
    before = snapshot(sample)
    bad = session_yaml(tmp_path / "new" / "s0200.yaml", "s0200", speakers=["p9999"])
    result = cli("add", bad, "--dir", sample, "--time-limit", "1")
    assert result.exit_code == 2
    assert f"{bad}:" in result.stderr and "p9999" in result.stderr and "niic-add-" not in result.stderr
    assert snapshot(sample) == before
    result = cli("add", tmp_path / "missing.yaml", "--dir", sample)
    assert result.exit_code == 2 and "missing.yaml: does not exist" in result.stderr
    assert snapshot(sample) == before


def test_add_needs_a_published_schedule(sample, cli):
    result = cli("add", sample / "late" / "s0101.yaml", "--dir", sample)
    assert result.exit_code == 2 and "there is no published program" in result.stderr
    assert not (sample / "sessions" / "s0101.yaml").exists()


@pytest.fixture
def published_small(tmp_path):
    folder = small(tmp_path / "c")
    write_schedule_rows(folder / "program" / "schedule.yaml", [dict(r) for r in PUBLISHED])
    late = session_yaml(tmp_path / "late" / "late.yaml", "late", speakers=["p9"])
    return folder, late


def test_add_interrupted_during_solve_leaves_everything(published_small, cli, monkeypatch):
    folder, late = published_small
    before = snapshot(folder)

    def interrupted(conf, opts):
        assert "late" in conf.session           # the staged conference, with the new session
        raise KeyboardInterrupt
    monkeypatch.setattr("niic_sched.app.run_solver", interrupted)
    result = cli("add", late, "--dir", folder, "--time-limit", "1")
    assert result.exit_code == 130 and "Nothing changed" in result.stderr
    assert snapshot(folder) == before


def test_add_failing_while_writing_rolls_back(published_small, cli, monkeypatch):
    folder, late = published_small
    before = snapshot(folder)

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr("niic_sched.versions.write_schedule", disk_full)
    result = cli("add", late, "--dir", folder, "--time-limit", "1", "-q")
    assert result.exit_code == 2 and "No space left on device" in result.stderr
    assert snapshot(folder) == before               # no copied proposal, no version file left behind


def test_add_killed_midway_leaves_everything_and_a_rerun_finishes(published_small, cli, tmp_path):
    folder, late = published_small
    before = snapshot(folder)
    # the killed process cannot remove its staging copy: keep it in this test's tmp folder
    env = dict(os.environ, PYTHONPATH=str(ROOT), TMPDIR=str(tmp_path))
    proc = subprocess.Popen([sys.executable, "-m", "niic_sched", "add", str(late), "--dir", str(folder),
                             "--time-limit", "10"], stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, env=env,
                            text=True, start_new_session=True)   # its own group: the kill reaches its workers
    try:
        deadline = time.monotonic() + 60
        line = ""
        while "solving against" not in line and time.monotonic() < deadline:
            line = proc.stderr.readline()
            if not line and proc.poll() is not None:
                break
        assert "solving against" in line, "add did not reach the solve step"
        os.killpg(proc.pid, signal.SIGKILL)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(30)
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    assert snapshot(folder) == before
    # a kill during the commit can leave the copied proposal beside the old schedule: add again finishes
    shutil.copyfile(late, folder / "sessions" / late.name)
    result = cli("add", late, "--dir", folder, "--time-limit", "1")
    assert result.exit_code == 0, result.stderr
    assert "already there with the same content" in result.stderr
    assert "late" in read_schedule(folder / "program" / "schedule.yaml").by_session


def test_full_grid_exit_3_then_an_evening_slot(tmp_path, cli):
    """One room, two slots, both published: a late session fits nowhere (exit 3, nothing
    changed). The committee adds an evening slot: the published assignments stay valid and
    stay where they were; the late session takes the evening."""
    days = [{"date": DAY1, "slots": SLOTS3[:2]}]
    folder = write_conf(tmp_path / "c", days=days, rooms=[{"id": "r1", "name": "Room 1", "capacity": 100}],
                        sessions=[dict(id="a", speakers=["p1"]), dict(id="b", speakers=["p2"])])
    published = [{"session": "a", "day": DAY1, "start": "10:30", "room": "r1"},
                 {"session": "b", "day": DAY1, "start": "13:30", "room": "r1"}]
    write_schedule_rows(folder / "program" / "schedule.yaml", published)
    late = session_yaml(tmp_path / "late" / "l.yaml", "l")
    before = snapshot(folder)
    result = cli("add", late, "--dir", folder, "--time-limit", "1")
    assert result.exit_code == 3, result.stderr
    assert "No program exists" in result.stderr and "Nothing changed" in result.stderr
    assert snapshot(folder) == before
    conf_doc = yaml.safe_load((folder / "conference.yaml").read_text())
    conf_doc["days"][0]["slots"].append({"start": "19:00", "end": "20:15"})
    (folder / "conference.yaml").write_text(yaml.safe_dump(conf_doc, sort_keys=False))
    result = cli("check", folder, "--schedule", folder / "program" / "schedule.yaml")
    assert result.exit_code == 0, result.stderr                    # published assignments still valid
    result = cli("add", late, "--dir", folder, "--time-limit", "1", "-q")
    assert result.exit_code == 0, result.stderr
    after = read_schedule(folder / "program" / "schedule.yaml").by_session
    assert (after["a"].start, after["b"].start, after["l"].start) == (630, 810, 19 * 60)
    assert "Every published session keeps its day, time and room." in result.stderr
    assert [n for n, _ in __import__("niic_sched.versions", fromlist=["versions"]).versions(folder / "program")] == [1]


def test_versions_are_numbered_on(published_small, tmp_path, cli):
    folder, late = published_small
    assert cli("add", late, "--dir", folder, "--time-limit", "1", "-q").exit_code == 0
    second = session_yaml(tmp_path / "more" / "late2.yaml", "late2")
    result = cli("add", second, "--dir", folder, "--time-limit", "1", "-q")
    assert result.exit_code == 0, result.stderr
    v = folder / "program" / "versions"
    assert sorted(p.name for p in v.iterdir()) == ["schedule-1.yaml", "schedule-2.yaml"]
    assert {a.session for a in read_schedule(v / "schedule-2.yaml").assignments} == {"a", "b", "c", "d", "late"}
    assert "schedule-2.yaml" in result.stdout


def test_add_on_a_workbook_is_refused(tmp_path, cli):
    result = cli("add", tmp_path / "x.yaml", "--dir", tmp_path / "book.xlsx")
    assert result.exit_code == 2 and "workbook" in result.stderr
