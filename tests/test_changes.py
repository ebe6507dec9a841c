"""What changed (issue 14): the marks, changes.html and changes.pdf, and outputs kept in step."""
from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import pytest
import yaml
from lxml import html as lxml_html

from conftest import run_cli
from helpers import DAY1, write_conf
from niic_sched import app, outputs
from niic_sched.changes import NoReference, changes_since, reference
from niic_sched.i18n import lang_of
from niic_sched.io import load
from niic_sched.labels import shown
from niic_sched.io.schedule_file import read_schedule
from niic_sched.model import Assignment, Schedule
from niic_sched.versions import keep
from sample_fixtures import pdf_pages, pdf_text, printed_and_added  # noqa: F401 (a fixture)

SLOTS3 = [{"start": "10:30", "end": "11:45"}, {"start": "13:30", "end": "14:45"}, {"start": "15:00", "end": "16:15"}]


def small(folder: Path) -> Path:
    """One day, three slots, two rooms; sessions a-d; e is only in the new program."""
    return write_conf(folder, days=[{"date": DAY1, "slots": SLOTS3}], sessions=[
        dict(id="a", title="Alpha clinic", speakers=["p1"]), dict(id="b", title="Beta panel", speakers=["p2"]),
        dict(id="c", title="الجاليات العربية: Gamma", speakers=["p3"]),
        dict(id="e", title="Epsilon late")],
        speakers=[{"id": "p1", "name": "María Núñez"}, {"id": "p2", "name": "سامي حداد"},
                  {"id": "p3", "name": "Dan Ortiz"}])


def rows(*items) -> list[dict]:
    return [{"session": s, "day": DAY1, "start": t, "room": r} for s, t, r in items]


def write_rows(path: Path, items, extra=None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = {"assignments": rows(*items), "unscheduled": []}
    for row in doc["assignments"]:
        row.update((extra or {}).get(row["session"], {}))
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


# printed: a 10:30 r1, b 10:30 r2, c 13:30 r1, d 15:00 r1 (d is cancelled: no longer in the folder)
PRINTED = (("a", "10:30", "r1"), ("b", "10:30", "r2"), ("c", "13:30", "r1"), ("d", "15:00", "r1"))
# now: a kept; b retimed (15:00, same room r2); c moved to r2 (same time); e added (15:00 r1)
NOW = (("a", "10:30", "r1"), ("b", "15:00", "r2"), ("c", "13:30", "r2"), ("e", "15:00", "r1"))
LATER = NOW[:3] + (("e", "13:30", "r1"),)           # then e moves to 13:30


def _has(cls: str) -> str:
    return f'contains(concat(" ", normalize-space(@class), " "), " {cls} ")'


def select(doc, *classes: str, attr: str = ""):
    """Elements of class ``classes[-1]`` inside elements of the classes before it (a CSS
    descendant selector, in XPath); ``attr``: an extra XPath predicate on the last."""
    path = "".join(f"//*[{_has(c)}]" for c in classes)
    return doc.xpath(path[:-1] + (f" and {attr}]" if attr else "]"))


def session_of(el) -> str:
    """The data-session of the nearest element around ``el`` that has one."""
    return next(a.get("data-session") for a in el.iterancestors() if a.get("data-session"))


@pytest.fixture
def changed(tmp_path):
    folder = small(tmp_path / "conf")
    printed = write_rows(folder / "program" / "schedule.yaml", PRINTED, {"d": {"title": "Delta, cancelled"}})
    keep(printed)                                      # program/versions/schedule-1.yaml: the printed program
    write_rows(printed, NOW)
    return folder


# -- the logic ----------------------------------------------------------------------------------------------
def test_reference_is_the_printed_program_or_the_version_asked_for(changed, tmp_path):
    program = changed / "program"
    assert reference(tmp_path / "nothing") is None                 # no version yet: nothing has changed
    first = reference(program)
    assert first.path == program / "versions" / "schedule-1.yaml" and first.printed and first.number == 1
    second = keep(program / "schedule.yaml")
    assert reference(program).path == first.path                   # still the first, the printed one
    assert reference(program, "2").path == second and not reference(program, 2).printed
    assert reference(program, "schedule-2.yaml").number == 2
    other = write_rows(tmp_path / "other.yaml", PRINTED)
    assert reference(program, other).number is None and reference(program, str(second)).number == 2
    with pytest.raises(NoReference) as e:
        reference(program, "7")
    assert "no version 7" in e.value.summary() and "versions: 1, 2" in e.value.summary()
    with pytest.raises(NoReference):
        reference(program, tmp_path / "missing.yaml")


def test_new_moved_and_cancelled_with_old_and_new_places(changed):
    conf = load(changed)
    ref = reference(changed / "program")
    ch = changes_since(conf, ref, read_schedule(ref.path), read_schedule(changed / "program" / "schedule.yaml"))
    assert [c.session for c in ch.new] == ["e"] and [c.session for c in ch.cancelled] == ["d"]
    assert sorted(c.session for c in ch.moved) == ["b", "c"]
    assert ch.marks == {"e": "new", "b": "moved", "c": "moved"}            # a is unchanged, d is not placed
    b = next(c for c in ch.moved if c.session == "b")
    assert (b.old.start, b.new.start, b.old.room, b.new.room) == (630, 900, "r2", "r2")
    assert ch.cancelled[0].title == "Delta, cancelled"                       # from the printed file's row
    assert ch.summary() == "1 new, 2 moved, 1 cancelled since the printed program"


# -- the site, changes.html and the handout ---------------------------------------------------------------------
def test_site_marks_changes_and_changes_page_lists_them(changed, cli):
    r = cli("render", changed, "--no-pdf", "-q")
    assert r.exit_code == 0, r.stderr
    out = changed / "program"
    index = lxml_html.fromstring((out / "index.html").read_bytes())
    marked = {session_of(el): el.get("class") for el in select(index, "card", "change-badge")}
    assert marked == {"e": "change-badge change-new", "b": "change-badge change-moved",
                      "c": "change-badge change-moved"}
    for page, words in (("sessions.html", {"NEW", "MOVED"}), ("tracks.html", {"NEW", "MOVED"}),
                        ("speakers.html", {"MOVED"})):                     # the lists too (e has no speaker)
        doc = lxml_html.fromstring((out / page).read_bytes())
        assert {el.text for el in select(doc, "change-badge")} == words, page
    assert 'href="changes.html"' in (out / "index.html").read_text(encoding="utf-8")       # in the navigation
    page = lxml_html.fromstring((out / "changes.html").read_bytes())
    items = {li.get("data-session"): " ".join(li.text_content().split()) for li in select(page, "change-item")}
    assert set(items) == {"e", "b", "c", "d"}
    assert "NEW Epsilon late" in items["e"] and "3:00" in items["e"] and "Room 1" in items["e"]
    assert "New time and room" not in items["b"] and "New time" in items["b"]
    assert "Was: Mon, Dec 8, 10:30" in items["b"] and "3:00" in items["b"]
    assert "New room" in items["c"] and "Room 2" in items["c"] and "Room 1" in items["c"]
    assert "CANCELLED Delta, cancelled" in items["d"] and "Was: Mon, Dec 8, 3:00" in items["d"]
    assert select(page, "change-item", attr='@data-session="e"')[0].xpath(".//a")[0].get("href") == \
        "sessions.html#session-e"
    assert not (out / "changes.pdf").exists()                               # --no-pdf: no handout


def test_since_compares_with_another_version_and_no_version_means_no_page(changed, tmp_path, cli):
    program = changed / "program"
    keep(program / "schedule.yaml")                                           # version 2 = the current program
    r = cli("render", changed, "--no-pdf", "--since", "2", "-q")
    assert r.exit_code == 0, r.stderr
    text = " ".join(lxml_html.fromstring((program / "changes.html").read_bytes()).text_content().split())
    assert "Nothing has changed since version 2" in text
    assert not select(lxml_html.fromstring((program / "index.html").read_bytes()), "change-badge")
    r = cli("render", changed, "--no-pdf", "--since", "9", "-q")
    assert r.exit_code == 2 and "no version 9" in r.stderr
    fresh = small(tmp_path / "fresh")
    write_rows(fresh / "program" / "schedule.yaml", NOW)
    assert cli("render", fresh, "--no-pdf", "-q").exit_code == 0
    assert not (fresh / "program" / "changes.html").exists()
    assert 'href="changes.html"' not in (fresh / "program" / "index.html").read_text(encoding="utf-8")


# -- outputs kept in step -------------------------------------------------------------------------------------
def test_outputs_are_recorded_and_judged_stale_when_what_they_read_changes(changed, cli):
    assert outputs.stale(changed) == []
    assert cli("render", changed, "--no-pdf", "-q").exit_code == 0
    assert cli("export", changed, "--format", "ics", "-q").exit_code == 0
    assert outputs.stale(changed) == []
    record = json.loads((changed / "program" / outputs.MANIFEST).read_text())
    assert set(record["jobs"]) == {"render:program", "export:ics:program/schedule.ics"}
    write_rows(changed / "program" / "schedule.yaml", LATER)
    assert {s.job.key: s.why for s in outputs.stale(changed)} == {
        "render:program": "the schedule changed since", "export:ics:program/schedule.ics": "the schedule changed since"}
    lines = outputs.stale_lines(changed, outputs.stale(changed))
    assert any(f"niic-sched render {changed} --no-pdf" in line and "the site in program/" in line for line in lines)
    assert any(f"niic-sched export {changed} --format ics" in line and "program/schedule.ics" in line for line in lines)
    refreshed = app.refresh(changed)                        # what add and move --write call
    assert sorted(job.key for job, _ in refreshed.done) == ["export:ics:program/schedule.ics", "render:program"]
    assert outputs.stale(changed) == [] and not refreshed.failed
    e = changed / "sessions" / "e.yaml"                     # an input changes: stale again
    e.write_text(e.read_text(encoding="utf-8").replace("Epsilon late", "Epsilon, renamed"), encoding="utf-8")
    assert {x.why for x in outputs.stale(changed)} == {"the conference's inputs changed since"}


def test_outputs_made_before_the_record_are_judged_by_their_age(changed):
    program = changed / "program"
    (program / "index.html").write_text("<p>old site</p>", encoding="utf-8")
    (program / "schedule.ics").write_text("BEGIN:VCALENDAR", encoding="utf-8")
    old = time.time() - 3600
    for name in ("index.html", "schedule.ics"):
        os.utime(program / name, (old, old))
    assert {s.job.key for s in outputs.stale(changed)} == {"render:program", "export:ics:program/schedule.ics"}
    for p in program.iterdir():
        if p.is_file():
            os.utime(p, None)
    for name in ("index.html", "schedule.ics"):          # newer than the schedule and every input: current
        later = time.time() + 60
        os.utime(program / name, (later, later))
    assert outputs.stale(changed) == []


def test_render_no_pdf_removes_a_stale_booklet_and_keeps_a_current_one(changed, cli):
    r = cli("render", changed, "-q")
    assert r.exit_code == 0, r.stderr
    program = changed / "program"
    assert (program / "program.pdf").is_file() and (program / "changes.pdf").is_file()
    assert pdf_pages(program / "changes.pdf") == 1
    handout = pdf_text(program / "changes.pdf")
    assert "Changes since the printed program" in handout and "Epsilon late" in handout
    assert "Delta, cancelled" in handout and "Was:" in handout
    r = cli("render", changed, "--no-pdf", "-q")               # nothing changed: the booklet is still current
    assert r.exit_code == 0 and (program / "program.pdf").is_file() and "Removed" not in r.stderr
    write_rows(program / "schedule.yaml", LATER)             # a new program, rendered without the PDF
    r = cli("render", changed, "--no-pdf", "-q")
    assert r.exit_code == 0, r.stderr
    assert not (program / "program.pdf").exists() and not (program / "changes.pdf").exists()
    assert "Removed program/program.pdf: it showed an earlier program (render without --no-pdf" in r.stderr
    assert outputs.stale(changed) == []


def test_add_no_render_names_each_stale_output(tmp_path, cli):
    folder = small(tmp_path / "conf")
    (folder / "sessions" / "e.yaml").unlink()
    write_rows(folder / "program" / "schedule.yaml", PRINTED[:3])
    assert cli("render", folder, "--no-pdf", "-q").exit_code == 0
    assert cli("export", folder, "--format", "csv", "-q").exit_code == 0
    before = (folder / "program" / "index.html").read_bytes()
    late = tmp_path / "late" / "e.yaml"
    late.parent.mkdir()
    late.write_text(yaml.safe_dump({"id": "e", "title": "Epsilon late", "format": "workshop", "track": "t",
                                    "duration": 75, "expected_attendance": 20, "speakers": []}))
    r = cli("add", late, "--dir", folder, "--time-limit", "3", "--no-render", "-q")
    assert r.exit_code == 0, r.stderr
    assert (folder / "program" / "index.html").read_bytes() == before
    assert "These outputs are stale" in r.stderr
    assert f"niic-sched render {folder} --no-pdf" in r.stderr and f"niic-sched export {folder} --format csv" in r.stderr
    r = cli("add", late, "--dir", folder, "--time-limit", "3", "-q")     # the same file again: already there
    assert r.exit_code == 0, r.stderr
    assert "Brought up to date: program/sessions.csv" in r.stdout and "program/changes.html" in r.stdout
    assert outputs.stale(folder) == []
    assert "e" in {el.get("data-session") for el in select(lxml_html.fromstring(
        (folder / "program" / "changes.html").read_bytes()), "change-item")}


# -- must-show 3: the sample, after add late/*.yaml --------------------------------------------------------------
def test_after_adding_the_late_sessions_every_output_is_current_and_shows_them(printed_and_added):
    run = printed_and_added
    program = run.folder / "program"
    assert len(run.late_ids) == 16
    out = run.add.stdout
    assert "Brought up to date:" in out and "program/program.pdf" in out and "program/changes.pdf" in out
    assert "program/door-sheets.pdf" in out and "program/schedule.ics" in out and "program/agenda.xlsx" in out
    assert outputs.stale(run.folder) == []                                   # every output is current
    for name in ("index.html", "program.pdf", "door-sheets.pdf", "schedule.ics", "sessions.csv", "agenda.xlsx",
                 "schedule.xml", "schedule.json"):
        assert (program / name).read_bytes() != run.printed[name], name      # made again, from the new program
    index = lxml_html.fromstring((program / "index.html").read_bytes())
    new = {session_of(el) for el in select(index, "card", "change-new")}
    assert new == set(run.late_ids)                                          # the 16, and only they, are NEW
    assert not select(index, "change-moved")                                 # nothing published moved
    sessions = lxml_html.fromstring((program / "sessions.html").read_bytes())
    assert {session_of(el) for el in select(sessions, "change-new")} == new
    page = lxml_html.fromstring((program / "changes.html").read_bytes())
    assert {li.get("data-session") for li in page.xpath(f'//*[@id="changes-new"]//*[{_has("change-item")}]')} == new
    assert "16 new, 0 moved, 0 cancelled" in " ".join(page.text_content().split())
    handout = pdf_text(program / "changes.pdf")
    assert pdf_pages(program / "changes.pdf") <= 2 and "Changes since the printed program" in handout
    conf = load(run.folder)
    flat = re.sub(r"[\s-]+", "", handout)
    english = lang_of(conf.language)
    for sid in run.late_ids:                                                 # every new session is listed,
        title = shown(conf, english, conf.session[sid], "title")[0]          # titled in the edition's language
        assert re.sub(r"[\s-]+", "", title) in flat, sid
    ics = (program / "schedule.ics").read_text(encoding="utf-8")
    assert all(f"{sid}@" in ics or sid in ics for sid in run.late_ids)
    assert ics.count("BEGIN:VEVENT") == 70


def test_move_write_brings_the_outputs_up_to_date(changed, cli):
    assert cli("render", changed, "--no-pdf", "-q").exit_code == 0
    assert cli("export", changed, "--format", "csv", "-q").exit_code == 0
    r = cli("move", "e", "--to", DAY1, "13:30", "r1", "--dir", changed, "--write")
    assert r.exit_code == 0, r.stderr
    assert "Brought up to date:" in r.stdout and "program/changes.html" in r.stdout
    assert "program/sessions.csv" in r.stdout
    assert outputs.stale(changed) == []
    assert read_schedule(changed / "program" / "schedule.yaml").by_session["e"].start == 13 * 60 + 30
    page = lxml_html.fromstring((changed / "program" / "changes.html").read_bytes())
    e = " ".join(select(page, "change-item", attr='@data-session="e"')[0].text_content().split())
    assert "NEW" in e and "1:30" in e                       # still new since the printed program, at its new time
    rows = (changed / "program" / "sessions.csv").read_text(encoding="utf-8-sig").splitlines()
    assert any(line.startswith("e,") and ",13:30," in line for line in rows)      # the export: made again
    r = cli("move", "e", "--to", DAY1, "15:00", "r1", "--dir", changed, "--write", "--no-render")
    assert r.exit_code == 0, r.stderr
    assert "These outputs are stale" in r.stderr and f"niic-sched export {changed} --format csv" in r.stderr
