"""niic-sched where / move: alternatives of one session, one move checked, written, pinned."""
from __future__ import annotations

import datetime as dt
import difflib
import re
import shutil
from pathlib import Path

import pytest
import yaml

from niic_sched import app, whatif
from niic_sched.check import check_schedule
from niic_sched.generate import generate_conference
from niic_sched.io import load
from niic_sched.io.pin_writer import PinError, pinned_text
from niic_sched.io.schedule_file import read_schedule
from niic_sched.model import Pin, hhmm
from niic_sched.quality import evaluate

from conftest import ROOT

LINE = re.compile(r"^  (\d{4}-\d\d-\d\d \d\d:\d\d \S+)\s+([+-]\d+)  (.*)$")


def _copy_sample(out: Path) -> Path:
    out.mkdir(parents=True)
    for name in ("conference.yaml", "rooms.yaml", "speakers.yaml"):
        shutil.copy2(ROOT / name, out / name)
    shutil.copytree(ROOT / "sessions", out / "sessions")
    return out


@pytest.fixture(scope="module")
def solved_sample(tmp_path_factory):
    """The bundled sample (the repository root), solved once with a short limit."""
    folder = _copy_sample(tmp_path_factory.mktemp("whatif") / "niic2014")
    app.solve(folder, time_limit=3, workers=1)
    return folder


@pytest.fixture
def sample(solved_sample, tmp_path):
    """A private copy of the solved sample, for tests that write."""
    out = tmp_path / "niic2014"
    shutil.copytree(solved_sample, out)
    return out


@pytest.fixture(scope="module")
def small_generated(tmp_path_factory):
    """A generated conference with interests and its reference timetable as program/schedule.yaml."""
    folder = tmp_path_factory.mktemp("gen") / "conf"
    generate_conference(folder, sessions=40, rooms=6, days=2, slots=5, seed=4,
                        reference=folder / "program" / "schedule.yaml")
    return folder


@pytest.fixture
def generated_copy(small_generated, tmp_path):
    out = tmp_path / "conf"
    shutil.copytree(small_generated, out)
    return out


def _alternatives(stdout: str) -> list[tuple[str, int, str]]:
    return [(m.group(1), int(m.group(2)), m.group(3)) for m in map(LINE.match, stdout.splitlines()) if m]


# -- where ----------------------------------------------------------------------------------------------------
def test_where_on_the_sample_lists_alternatives_that_move_accepts(solved_sample, cli):
    """Must-show 2: where lists placements with their cost deltas; each --to string goes back into move,
    which keeps every hard rule there and finds the same change of the objective."""
    result = cli("where", "s0013", solved_sample, "--top", "4")
    assert result.exit_code == 0, result.stderr
    assert "s0013 “The Economic Contributions of Immigrants" in result.stdout
    rows = _alternatives(result.stdout)
    assert 1 <= len(rows) <= 4, result.stdout
    assert "keep every hard rule" in result.stdout
    for to, cost, goals in rows:
        assert goals == "no soft goal changes" or re.fullmatch(r"[a-z -]+ [+-]\d+(, [a-z -]+ [+-]\d+)*", goals), goals
        moved = cli("move", "s0013", "--to", *to.split(), solved_sample)
        assert moved.exit_code == 0, moved.stdout + moved.stderr
        assert "Every hard rule holds." in moved.stdout
        total = re.search(r"total (\d+) -> (\d+), ([+-]\d+)\)", moved.stdout)
        assert int(total.group(3)) == cost == int(total.group(2)) - int(total.group(1))
        assert "Nothing written (a preview)" in moved.stdout
    assert f"niic-sched move s0013 --to {rows[0][0]}" in result.stdout


def test_where_all_lists_breaking_placements_with_check_sentences(solved_sample, cli):
    result = cli("where", "s0023", solved_sample, "--all", "--top", "3")   # pinned to room san-fernando
    assert result.exit_code == 0, result.stderr
    assert "It is pinned (room san-fernando" in result.stdout
    assert "Breaking a hard rule" in result.stdout
    broken = [line for line in result.stdout.splitlines() if line.startswith("      breaks [")]
    assert broken and all(re.match(r"      breaks \[(\w+)\] .*s0023", line) for line in broken), result.stdout


def _agree(conf, schedule, sids):
    """Differential, over every placement of each session: its goal changes equal quality.evaluate on
    the whole moved schedule; it is listed as keeping every hard rule exactly when check.py on the whole
    moved schedule finds none broken that names the session, else with the rules check.py names."""
    q0 = evaluate(conf, schedule)
    for sid in sids:
        found = whatif.where(conf, schedule, sid, top=10 ** 6, include_breaking=True)
        assert len(found.feasible) == found.n_feasible and len(found.breaking) == found.n_breaking
        assert [a.cost for a in found.feasible] == sorted(a.cost for a in found.feasible)
        for alt in found.feasible + found.breaking:
            moved = whatif._moved_schedule(schedule, sid, alt.spot)
            q1 = evaluate(conf, moved)
            assert alt.cost == q1.total - q0.total, (sid, alt.spot)
            for d in alt.deltas:
                assert (d.before, d.after) == (q0.figure(d.goal).count, q1.figure(d.goal).count), (sid, alt.spot, d)
            full = whatif.involving(check_schedule(conf, moved), sid)
            assert (alt in found.feasible) == (not full), (sid, alt.spot, full)
            assert {v.rule for v in full} == {v.rule for v in alt.violations}, (sid, alt.spot)
            assert set(alt.broken) <= {v.rule for v in full}


def test_where_deltas_are_the_registry_recounts_and_the_screen_agrees_with_check(small_generated):
    conf = load(small_generated)
    schedule = read_schedule(small_generated / "program" / "schedule.yaml")
    assert evaluate(conf, schedule).figure("attendee_conflict") is not None     # interests: in play
    regular = sorted(s.id for s in conf.sessions if not s.is_plenary)
    _agree(conf, schedule, regular[::16] + [sorted(s.id for s in conf.sessions if s.is_plenary)[0]])


def test_where_agrees_with_check_on_the_samples_interpreter_teams(solved_sample):
    """The sample has two Spanish and one Arabic interpreter team (resources): a counting rule
    without a pairwise test for three sessions, which check.py judges on every placement."""
    conf = load(solved_sample)
    schedule = read_schedule(solved_sample / "program" / "schedule.yaml")
    users = sorted(s.id for s in conf.sessions if conf.uses(s) and not s.is_plenary)
    assert users
    _agree(conf, schedule, users[:3])


def test_where_counts_every_placement_the_grid_allows(small_generated):
    conf = load(small_generated)
    schedule = read_schedule(small_generated / "program" / "schedule.yaml")
    s = next(x for x in sorted(conf.sessions, key=lambda x: x.id) if not x.is_plenary and x.duration <= 75)
    found = whatif.where(conf, schedule, s.id, top=1000, include_breaking=True)
    regular_starts = sum(1 for sl in conf.slots if not sl.is_plenary)
    assert found.n_starts == regular_starts                 # a workshop is never offered a plenary slot
    assert found.n_feasible + found.n_breaking == regular_starts * len(conf.rooms) - 1   # all but where it is
    spots = [a.spot for a in found.feasible + found.breaking]
    assert len(set(spots)) == len(spots) and found.current not in spots


# -- move: breaking, writing, pinning ---------------------------------------------------------------------------
def _unavailable_target(conf, schedule):
    """A session, one of its speakers and a slot start (of a regular slot) when that speaker is unavailable."""
    at = schedule.by_session
    for s in sorted(conf.sessions, key=lambda x: x.id):
        if s.is_plenary or s.id not in at:
            continue
        for pid in s.speakers:
            sp = conf.speaker[pid]
            for sl in conf.slots:
                run = conf.covered_slots(s, sl.day, sl.start)
                if not sl.is_plenary and run and (sl.day, sl.start) != (at[s.id].day, at[s.id].start) \
                        and any(not sp.free(sl.day, x.start, x.end) for x in run):
                    return s, sp, sl
    raise AssertionError("the generated conference has no unavailable speaker")


def test_move_onto_an_unavailable_speaker_names_them_and_writes_nothing(generated_copy, cli):
    """Must-show 2: exit 1, the speaker and the rule named, nothing written even with --write."""
    conf = load(generated_copy)
    path = generated_copy / "program" / "schedule.yaml"
    before = path.read_bytes()
    s, sp, sl = _unavailable_target(conf, read_schedule(path))
    result = cli("move", s.id, "--to", sl.day.isoformat(), hhmm(sl.start), "--dir", generated_copy, "--write")
    assert result.exit_code == 1, result.stdout + result.stderr
    assert re.search(rf"\[speaker_availability\] {re.escape(sp.name)} \({sp.id}\) speaks in {s.id} at "
                     rf"{sl.day} {hhmm(sl.start)} but is unavailable then", result.stdout), result.stdout
    assert "Nothing written: the move breaks" in result.stdout
    assert f"{sp.name} ({sp.id})" in result.stdout.split("Speakers affected:")[1]
    assert path.read_bytes() == before
    assert not (generated_copy / "program" / "versions").exists()


def test_move_on_the_sample_onto_a_day_its_speaker_is_away(sample, cli):
    """Michael O'Brien (p0047), who speaks in s0013, is unavailable on 2014-12-09 (speakers.yaml)."""
    path = sample / "program" / "schedule.yaml"
    before = path.read_bytes()
    result = cli("move", "s0013", "--to", "2014-12-09", "10:30", "--dir", sample, "--write", "--pin")
    assert result.exit_code == 1
    assert "[speaker_availability] Michael O'Brien (p0047) speaks in s0013 at 2014-12-09 10:30 but is " \
           "unavailable then" in result.stdout
    assert "Speakers affected: Michael O'Brien (p0047), Jennifer Tran (p0048)." in result.stdout
    assert path.read_bytes() == before and not (sample / "program" / "versions").exists()
    assert "pin:" not in (sample / "sessions" / "economy" / "s0013.yaml").read_text()


def test_move_force_writes_a_breaking_move_and_still_exits_1(generated_copy, cli):
    conf = load(generated_copy)
    path = generated_copy / "program" / "schedule.yaml"
    s, sp, sl = _unavailable_target(conf, read_schedule(path))
    result = cli("move", s.id, "--to", f"{sl.day} {hhmm(sl.start)}", generated_copy, "--write", "--force")
    assert result.exit_code == 1
    assert "(--force: it breaks hard rules)" in result.stdout
    assert read_schedule(path).by_session[s.id].start == sl.start
    assert (generated_copy / "program" / "versions" / "schedule-1.yaml").is_file()


def _feasible(folder, sid):
    conf = load(folder)
    schedule = read_schedule(folder / "program" / "schedule.yaml")
    found = whatif.where(conf, schedule, sid, top=3)
    assert found.feasible, f"{sid} has no other feasible placement"
    return found.feasible[0], schedule


def test_move_write_keeps_the_previous_version(sample, cli):
    path = sample / "program" / "schedule.yaml"
    published = path.read_bytes()
    alt, old = _feasible(sample, "s0013")
    result = cli("move", "s0013", "--to", alt.spot.to, "--dir", sample, "--write")
    assert result.exit_code == 0, result.stdout + result.stderr
    version = sample / "program" / "versions" / "schedule-1.yaml"
    assert version.read_bytes() == published
    assert f"kept the previous schedule as {version}" in result.stdout
    new = read_schedule(path)
    a = new.by_session["s0013"]
    assert whatif.Spot(a.day, a.start, a.room) == alt.spot
    assert {x for x in new.assignments if x.session != "s0013"} == {x for x in old.assignments if x.session != "s0013"}
    assert new.meta["status"] == "edited" and new.meta["baseline"] == "program/versions/schedule-1.yaml"
    assert new.meta["objective"] == evaluate(load(sample), new).total
    assert new.meta["moved"][-1] == {"session": "s0013", "from": whatif.Spot.of(old.by_session["s0013"]).to,
                                     "to": alt.spot.to}
    assert cli("check", sample, "--schedule", path).exit_code == 0
    again = cli("move", "s0013", "--to", whatif.Spot.of(old.by_session["s0013"]).to, "--dir", sample, "--write")
    assert again.exit_code == 0, again.stdout
    assert (sample / "program" / "versions" / "schedule-2.yaml").read_bytes() != published
    assert [x for x in read_schedule(path).assignments] == list(old.assignments)


def test_move_write_pin_keeps_the_files_comments(sample, cli):
    """Must-show 2: --write --pin writes the pin with a round trip that keeps comments and layout."""
    f = sample / "sessions" / "economy" / "s0013.yaml"
    original = f.read_text(encoding="utf-8")
    commented = ("# Session s0013 -- reviewed by the committee on 2014-10-02\n"
                 + original.replace("format: workshop\n", "format: workshop   # not a panel: one speaker leads\n"))
    f.write_text(commented, encoding="utf-8")
    alt, _ = _feasible(sample, "s0013")
    result = cli("move", "s0013", "--to", alt.spot.to, "--dir", sample, "--write", "--pin")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert f"pinned s0013 in {f}" in result.stdout
    text = f.read_text(encoding="utf-8")
    assert "# Session s0013 -- reviewed by the committee on 2014-10-02\n" in text
    assert "format: workshop   # not a panel: one speaker leads\n" in text
    changed = [line for line in difflib.ndiff(commented.splitlines(), text.splitlines()) if line[:1] in "+-"]
    assert changed == [f'+ pin: {{day: {alt.spot.day}, start: "{hhmm(alt.spot.start)}", room: {alt.spot.room}}}']
    conf = load(sample)
    assert conf.session["s0013"].pin == Pin(alt.spot.day, alt.spot.start, alt.spot.room)
    assert cli("check", sample, "--schedule", sample / "program" / "schedule.yaml").exit_code == 0


def test_move_pin_where_it_is_writes_only_the_pin(sample, cli):
    path = sample / "program" / "schedule.yaml"
    before = path.read_bytes()
    here = whatif.Spot.of(read_schedule(path).by_session["s0013"])
    result = cli("move", "s0013", "--to", here.to, "--dir", sample, "--write", "--pin")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "s0013 is already there." in result.stdout and "Pinned s0013 in" in result.stdout
    assert path.read_bytes() == before and not (sample / "program" / "versions").exists()
    assert load(sample).session["s0013"].pin == Pin(here.day, here.start, here.room)


def test_move_of_a_pinned_session_breaks_its_pin_unless_pinned_again(sample, cli):
    conf = load(sample)
    schedule = read_schedule(sample / "program" / "schedule.yaml")
    found = whatif.where(conf, schedule, "s0023", top=50, include_breaking=True)   # pinned to room san-fernando
    only_pin = [a for a in found.breaking if {v.rule for v in a.violations} == {"pins"}]
    assert only_pin, "s0023 has no placement that breaks its pin alone"
    to = only_pin[0].spot.to
    plain = cli("move", "s0023", "--to", to, "--dir", sample)
    assert plain.exit_code == 1
    assert "[pins] s0023 is pinned to room san-fernando but placed at" in plain.stdout
    pinned = cli("move", "s0023", "--to", to, "--dir", sample, "--pin")
    assert pinned.exit_code == 0, pinned.stdout
    assert "Every hard rule holds (with the new pin)." in pinned.stdout
    assert "Nothing written (a preview): add --write to write the schedule and the pin in" in pinned.stdout
    assert "pin: {room: san-fernando}" in (sample / "sessions" / "media-arts-culture" / "s0023.yaml").read_text()


def test_move_without_room_keeps_the_room_or_says_which_it_chose(generated_copy):
    conf = load(generated_copy)
    schedule = read_schedule(generated_copy / "program" / "schedule.yaml")
    kept = chosen = 0
    for s in sorted(conf.sessions, key=lambda x: x.id):
        mine = schedule.by_session[s.id]
        if s.is_plenary or s.pin is not None or len(conf.covered_slots(s, mine.day, mine.start)) > 1:
            continue
        for sl in conf.slots:
            if sl.is_plenary or (sl.day, sl.start) == (mine.day, mine.start):
                continue
            v = whatif.move(conf, schedule, s.id, sl.day, sl.start)
            assert not v.room_given
            taken = any(b.room == mine.room and b.day == sl.day and sl in conf.covered_slots(conf.session[b.session],
                                                                                             b.day, b.start)
                        for b in schedule.assignments)
            if taken:
                assert v.room_note.startswith(f"its room {mine.room} does not suit it then ([rooms] ")
                if "no room is free then and fits it" in v.room_note:
                    assert v.violations
                    continue
                assert v.target.room != mine.room and v.room_note.endswith(
                    f"chose {v.target.room}, the best room that is free then and fits it"), v.room_note
                assert not [x for x in v.violations if x.rule in ("rooms", "capacity", "features")]
                chosen += 1
            elif not v.violations:
                assert v.target.room == mine.room and v.room_note.startswith(f"kept its room {mine.room}")
                kept += 1
        if kept and chosen:
            return
    raise AssertionError("no session to try both cases on")


# -- bad requests: exit 2, nothing written ---------------------------------------------------------------------
@pytest.mark.parametrize("args, words", [
    (["move", "s9999", "--to", "2014-12-08", "13:30"], "session s9999: is not a session of"),
    (["move", "s0013", "--to", "2099-01-01", "13:30"], "day 2099-01-01: is not a conference day"),
    (["move", "s0013", "--to", "2014-12-08", "13:31"], "start 13:31: is not the start of a slot on 2014-12-08"),
    (["move", "s0013", "--to", "2014-12-08", "13:30", "nowhere"], "room nowhere: is not a room of rooms.yaml"),
    (["move", "s0013", "--to", "Funday", "13:30"], "day Funday: is not a date (YYYY-MM-DD) or a weekday"),
    (["where", "s0O13"], "session s0O13: is not a session of"),
])
def test_unknown_session_day_start_or_room_is_exit_2(sample, cli, args, words):
    path = sample / "program" / "schedule.yaml"
    before = path.read_bytes()
    result = cli(*args, "--dir", sample) if args[0] == "move" else cli(*args, sample)
    assert result.exit_code == 2, result.stdout + result.stderr
    assert words in result.stderr
    assert "fix:" in result.stderr
    assert path.read_bytes() == before and not (sample / "program" / "versions").exists()


def test_unknown_session_suggests_the_near_id(sample, cli):
    result = cli("where", "s0O13", sample)
    assert "did you mean s0013" in result.stderr


def test_weekday_names_a_conference_day(sample):
    moved = app.move("s0013", "Monday", "13:30", folder=sample)           # 2014-12-08 is a Monday
    assert moved.verdict.target.day == dt.date(2014, 12, 8) and not moved.written


def test_to_parts_may_be_quoted_and_followed_by_the_folder(sample, cli):
    alt, _ = _feasible(sample, "s0013")
    quoted = cli("move", "s0013", "--to", alt.spot.to, sample)
    split = cli("move", "s0013", "--to", *alt.spot.to.split(), sample)
    assert quoted.exit_code == split.exit_code == 0
    assert quoted.stdout == split.stdout
    assert cli("move", "s0013", "--to", "2014-12-08").exit_code == 2     # a usage error: START is missing


def test_pin_on_a_workbook_is_refused(small_generated, tmp_path, cli):
    book = tmp_path / "conf.xlsx"
    assert cli("convert", small_generated, book).exit_code == 0
    (tmp_path / "program").mkdir()
    shutil.copy2(small_generated / "program" / "schedule.yaml", tmp_path / "program" / "schedule.yaml")
    conf = load(book)
    schedule = read_schedule(tmp_path / "program" / "schedule.yaml")
    sid, alt = next((s.id, found.feasible[0]) for s in sorted(conf.sessions, key=lambda x: x.id)
                    if (found := whatif.where(conf, schedule, s.id)).feasible)
    before = (tmp_path / "program" / "schedule.yaml").read_bytes()
    result = cli("move", sid, "--to", alt.spot.to, "--dir", book, "--write", "--pin")
    assert result.exit_code == 2
    assert "--pin writes the pin into the session's YAML file" in result.stderr and "workbook" in result.stderr
    assert "pin_day, pin_start and pin_room cells of row" in result.stderr
    assert (tmp_path / "program" / "schedule.yaml").read_bytes() == before
    moved = cli("move", sid, "--to", alt.spot.to, "--dir", book, "--write")     # without --pin it works
    assert moved.exit_code == 0, moved.stdout + moved.stderr
    assert (tmp_path / "program" / "versions" / "schedule-1.yaml").read_bytes() == before


# -- the pin writer ------------------------------------------------------------------------------------------------
PIN = Pin(dt.date(2014, 12, 8), 810, "r101")
PIN_LINE = 'pin: {day: 2014-12-08, start: "13:30", room: r101}'


@pytest.mark.parametrize("path", sorted((ROOT / "sessions").rglob("*.yaml")), ids=lambda p: p.name)
def test_pin_writer_changes_only_the_pin_line_of_every_sample_file(path):
    text = path.read_text(encoding="utf-8")
    sid = yaml.safe_load(text)["id"]
    new = pinned_text(text, sid, PIN)
    changed = [line for line in difflib.ndiff(text.splitlines(), new.splitlines()) if line[:1] in "+-"]
    had = [line for line in text.splitlines() if line.startswith("pin:")]
    assert changed == [f"- {line}" for line in had] + [f"+ {PIN_LINE}"]


def test_pin_writer_keeps_a_block_pin_its_comments_and_a_list_of_sessions():
    text = ("# two sessions in one file\n- id: a\n  title: A\n- id: b   # the second\n  title: B\n"
            "  speakers:\n    - p1  # lead\n    - p2\n  pin:   # the chair asked\n    room: r9\n"
            "  preferred: [{day: 2014-12-07}]\n  abstract: >-\n    Two lines\n    folded.\n")
    new = pinned_text(text, "b", PIN)
    assert new == text.replace("    room: r9\n", '    day: 2014-12-08\n    start: "13:30"\n    room: r101\n')
    assert yaml.safe_load(new)[1]["pin"] == {"day": dt.date(2014, 12, 8), "start": "13:30", "room": "r101"}
    crlf = "id: q\r\ntitle: Q   # kept\r\nabstract: x\r\n"
    assert pinned_text(crlf, "q", PIN) == f"id: q\r\ntitle: Q   # kept\r\n{PIN_LINE}\r\nabstract: x\r\n"
    with pytest.raises(PinError, match="holds no session with id zz"):
        pinned_text(text, "zz", PIN)
