"""Issue 14, "the defects a new user hit": one test (or a few) per defect, each written
to fail before its fix. The browser ones drive Debian's /usr/bin/chromium with
Playwright, as tests/test_browser.py does, and skip, saying why, without them.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings, strategies as st

from conftest import run_cli
from helpers import default_days, write_conf
from niic_sched.errors import InputError
from niic_sched.io import load

DAY1, DAY2, DAY3 = "2014-12-08", "2014-12-09", "2014-12-10"


def _session_file(folder: Path, sid: str, text: str) -> Path:
    path = folder / "sessions" / f"{sid}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


# == 1. every problem at once ==========================================================================
FOUR_MISTAKES = """\
id: s001
title: Four mistakes
format: workshop
track: t
duration: seventy
expected_attendance: 20
speakers: [p1, p2x]
speaker: p1
pin: {day: 2014-12-20, room: hall-z}
"""


def test_1_four_mistakes_in_one_session_file_are_reported_by_one_check(tmp_path):
    folder = write_conf(tmp_path / "c", sessions=[{"id": "s001", "speakers": ["p1"]}, {"id": "s002"}])
    _session_file(folder, "s001", FOUR_MISTAKES)
    r = run_cli("check", folder)
    assert r.exit_code == 2, r.stderr
    err = r.stderr
    assert "duration 'seventy' is not a number" in err
    assert "speaker 'p2x' is not in speakers.yaml" in err
    assert "pinned day 2014-12-20 is not a conference day" in err
    assert "pinned room 'hall-z' is not in rooms.yaml" in err
    assert "unknown session key 'speaker' ignored" in err
    assert re.search(r"^4 problems in the inputs:", err, re.M), err


# planted problems: kind -> (what it edits, a fragment of the message it must give, is it a warning)
def _edit_session(sid, **changes):
    def edit(conf):
        s = conf["sessions"][sid]
        for k, v in changes.items():
            if v is None:
                s.pop(k, None)
            else:
                s[k] = v
    return edit


def _edit_list(kind, oid, **changes):
    def edit(conf):
        item = next(x for x in conf[kind] if x["id"] == oid)
        item.update(changes)
    return edit


def _edit_conf(fn):
    return fn


PLANTED = {
    "session duration": (_edit_session("s001", duration="seventy"), "s001.yaml:", "duration 'seventy' is not a number", False),
    "session speaker typo": (_edit_session("s002", speakers=["p9x"]), "s002.yaml:", "speaker 'p9x' is not in speakers.yaml", False),
    "session pin day": (_edit_session("s003", pin={"day": "2014-12-20"}), "s003.yaml:", "pinned day 2014-12-20 is not a conference day", False),
    "session pin room": (_edit_session("s004", pin={"room": "hall-z"}), "s004.yaml:", "pinned room 'hall-z' is not in rooms.yaml", False),
    "session unknown key": (_edit_session("s005", speaker="p1"), "s005.yaml:", "unknown session key 'speaker' ignored", True),
    "session after unknown": (_edit_session("s006", after=["s404"]), "s006.yaml:", "'s404', which is not a session", False),
    "session attendance": (_edit_session("s007", expected_attendance="lots"), "s007.yaml:", "expected_attendance 'lots' is not a number", False),
    "session after cycle": (lambda c: (c["sessions"]["s008"].update(after=["s009"]), c["sessions"]["s009"].update(after=["s008"])),
                            "s008.yaml:", "s008 -> s009 -> s008", False),
    "speaker range backwards": (_edit_list("speakers", "p1", unavailable=[{"day": DAY1, "start": "12:00", "end": "09:00"}]),
                                "speakers.yaml:", "ends (09:00) before it starts (12:00)", False),
    "speaker bad date": (_edit_list("speakers", "p2", unavailable=[{"day": "2014-13-01"}]), "speakers.yaml:",
                         "'2014-13-01' is not a real date", False),
    "speaker unknown key": (_edit_list("speakers", "p3", emial="x@example.org"), "speakers.yaml:",
                            "unknown speaker key 'emial' ignored", True),
    "room capacity": (_edit_list("rooms", "r2", capacity="big"), "rooms.yaml:", "capacity 'big' is not a number", False),
    "room bad time": (_edit_list("rooms", "r3", unavailable=[{"day": DAY1, "start": "25:99", "end": "26:00"}]),
                      "rooms.yaml:", "'25:99' is not a time of day", False),
    "conference time zone": (lambda c: c["conference"].update(time_zone="Mars/Olympus_Mons"), "conference.yaml:",
                             "time zone 'Mars/Olympus_Mons' is unknown", False),
    "conference slot": (lambda c: c["conference"]["days"][1]["slots"][1].update(start="15:00", end="14:00"),
                        "conference.yaml:", "slot ends (14:00) before it starts (15:00)", False),
    "conference weight": (lambda c: c["conference"].update(weights={"room_fitt": 3}), "conference.yaml:",
                          "unknown weight 'room_fitt'", False),
    "conference unknown key": (lambda c: c["conference"].update(venu="Hall"), "conference.yaml:",
                               "unknown conference key 'venu' ignored", True),
}


def _base_conference() -> dict:
    """A small sound conference as plain data (written by _write)."""
    days = default_days(2, slots=(("10:30", "11:45"), ("13:30", "14:45"), ("15:00", "16:15")))
    return {
        "conference": {"name": "Planted", "time_zone": "America/Los_Angeles", "days": days},
        "rooms": [{"id": f"r{i}", "name": f"Room {i}", "capacity": 100, "features": []} for i in (1, 2, 3, 4)],
        "speakers": [{"id": f"p{i}", "name": f"Speaker {i}"} for i in (1, 2, 3, 4, 5)],
        "sessions": {f"s{i:03d}": {"id": f"s{i:03d}", "title": f"Session {i}", "format": "workshop", "track": "t",
                                   "duration": 75, "expected_attendance": 20, "speakers": [f"p{i % 5 + 1}"]}
                     for i in range(1, 11)},
    }


def _write(folder: Path, conf: dict) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    dump = lambda data: yaml.safe_dump(data, sort_keys=False, allow_unicode=True)   # noqa: E731
    (folder / "conference.yaml").write_text(dump(conf["conference"]))
    (folder / "rooms.yaml").write_text(dump(conf["rooms"]))
    (folder / "speakers.yaml").write_text(dump(conf["speakers"]))
    (folder / "sessions").mkdir(exist_ok=True)
    for sid, s in conf["sessions"].items():
        (folder / "sessions" / f"{sid}.yaml").write_text(dump(s))
    return folder


def test_1_the_base_of_the_planted_conference_is_sound(tmp_path):
    r = run_cli("check", _write(tmp_path / "c", _base_conference()))
    assert r.exit_code == 0, r.stderr
    assert "warning" not in r.stderr


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sets(st.sampled_from(sorted(PLANTED)), min_size=1, max_size=8))
@example({"session duration", "session speaker typo", "session unknown key", "speaker range backwards",
          "room capacity", "room bad time", "conference time zone", "conference slot"})   # 8 kinds, 4 files
def test_1_property_n_planted_problems_are_all_reported_by_one_check(kinds):
    conf = _base_conference()
    for kind in kinds:
        PLANTED[kind][0](conf)
    with tempfile.TemporaryDirectory() as tmp:
        folder = _write(Path(tmp) / "c", conf)
        r = run_cli("check", folder)
    errors = [k for k in kinds if not PLANTED[k][3]]
    assert r.exit_code == (2 if errors else 0), (kinds, r.stdout, r.stderr)
    lines = r.stderr.splitlines()
    for kind in kinds:
        _, file, fragment, _ = PLANTED[kind]
        assert any(file in line and fragment in line for line in lines), (kind, r.stderr)
    if errors:   # exactly one problem per planted mistake: nothing lost, nothing made up
        n = len(errors)
        assert f"{n} problem{'s' if n != 1 else ''} in the inputs:" in r.stderr, (kinds, r.stderr)


# == 2. no time zone ===================================================================================
def _two_session_conference(folder: Path, **conference) -> Path:
    return write_conf(folder, conference=conference, sessions=[
        {"id": "s001", "title": "Opening", "speakers": ["p1"]}, {"id": "s002", "title": "Second", "speakers": ["p2"]}])


def test_2_without_a_time_zone_check_warns_and_ics_writes_floating_local_times(tmp_path):
    folder = _two_session_conference(tmp_path / "c")
    text = (folder / "conference.yaml").read_text()
    (folder / "conference.yaml").write_text(text.replace("time_zone: America/Los_Angeles\n", ""))
    r = run_cli("check", folder)
    assert r.exit_code == 0, r.stderr
    assert re.search(r"warning: .*conference\.yaml.*time_zone", r.stderr), r.stderr
    assert "time_zone: America/Los_Angeles" in r.stderr     # the fix, as it is written
    r = run_cli("solve", folder, "--time-limit", 5)
    assert r.exit_code == 0 and "time_zone" in r.stderr, r.stderr
    out = tmp_path / "s.ics"
    r = run_cli("export", folder, "--format", "ics", "-o", out)
    assert r.exit_code == 0 and "time_zone" in r.stderr, r.stderr
    ics = out.read_text()
    starts = re.findall(r"^DTSTART[^\r\n]*", ics, re.M)
    assert starts and all(not s.endswith("Z") and "TZID" not in s for s in starts), starts
    assert "DTSTART:20141208T103000" in ics or "DTSTART:20141208T133000" in ics, ics
    for fmt in ("frab-json", "frab-xml"):    # frab's dates must carry an offset: refused rather than made up
        r = run_cli("export", folder, "--format", fmt, "-o", tmp_path / f"s.{fmt}")
        assert r.exit_code == 2 and "time_zone" in r.stderr and not (tmp_path / f"s.{fmt}").exists(), r.stderr
    r = run_cli("render", folder, "--no-pdf", "-o", tmp_path / "site")
    assert r.exit_code == 0 and "time_zone" in r.stderr, r.stderr
    data = (tmp_path / "site" / "assets" / "program-data.js").read_text()
    assert not re.search(r'"utcStart": "\d{8}T\d{6}Z"', data), "the site's calendar must not invent UTC times"


def test_2_with_a_time_zone_nothing_is_said_and_times_carry_it(tmp_path):
    folder = _two_session_conference(tmp_path / "c")
    r = run_cli("check", folder)
    assert r.exit_code == 0 and "time_zone" not in r.stderr, r.stderr


# == 3. messages name the speaker, room or session =============================================================
def test_3_a_backwards_range_names_the_speaker_and_the_room(tmp_path):
    folder = write_conf(tmp_path / "c", sessions=[{"id": "s001", "title": "Caf\u00e9 talk", "speakers": ["p1"]}],
                        speakers=[{"id": "p1", "name": "Mar\u00eda N\u00fa\u00f1ez",
                                   "unavailable": [{"day": DAY1, "start": "12:00", "end": "09:00"}]}],
                        rooms=[{"id": "r1", "name": "Room One", "capacity": 100,
                                "unavailable": [{"day": DAY1, "start": "16:00", "end": "15:00"}]}])
    with pytest.raises(InputError) as info:
        load(folder)
    by_file = {p.file: p for p in info.value.problems}
    sp, room = by_file["speakers.yaml"], by_file["rooms.yaml"]
    assert "p1" in sp.what and "Mar\u00eda N\u00fa\u00f1ez" in sp.what and sp.speaker == "p1", sp
    assert "r1" in room.what and "Room One" in room.what and room.room == "r1", room


def test_3_a_bad_field_of_a_session_names_the_session_and_its_title(tmp_path):
    folder = write_conf(tmp_path / "c", sessions=[{"id": "s001", "title": "Caf\u00e9 talk", "duration": "long"}])
    with pytest.raises(InputError) as info:
        load(folder)
    (p,) = info.value.problems
    assert "s001" in p.what and "Caf\u00e9 talk" in p.what, p


# == 4. the explanation's sentences =====================================================================
def _explain(folder: Path) -> str:
    r = run_cli("explain", folder, "--time-limit", 20)
    assert r.exit_code == 3, r.stdout + r.stderr
    return r.stdout


def _three_days(folder: Path, **kw) -> Path:
    days = default_days(3, slots=(("10:30", "11:45"), ("14:00", "15:15"), ("15:30", "16:45")))
    return write_conf(folder, days=days, **kw)


def test_4_a_room_pin_reads_without_a_stray_comma(tmp_path):
    folder = _three_days(tmp_path / "c", sessions=[
        {"id": "s1", "title": "First", "speakers": ["p1"], "pin": {"day": DAY3, "room": "r1"}}],
        speakers=[{"id": "p1", "name": "Ana Ruiz", "unavailable": [{"day": DAY3}]}])
    text = _explain(folder)
    assert ",." not in text and ", ." not in text and ",;" not in text, text
    assert "Room 1 (r1)" in text


def test_4_sessions_pinned_to_a_room_only_read_well(tmp_path):
    folder = write_conf(tmp_path / "c", sessions=[
        {"id": f"s{i}", "title": f"S{i}", "speakers": [f"p{i}"], "pin": {"room": "r1"}} for i in range(1, 5)])
    text = _explain(folder)
    assert "pinned to in " not in text, text
    assert "pinned to Room 1 (r1)" in text, text


def _count_matches_items(text: str) -> None:
    items = re.findall(r"^  \d+\. ", text, re.M)
    said = re.search(r"these (\d+) ", text)
    if said:
        assert int(said.group(1)) == len(items), text


def test_4_the_header_counts_what_is_listed(tmp_path):
    folder = write_conf(tmp_path / "c", sessions=[
        {"id": f"s{i}", "title": f"S{i}", "speakers": [f"p{i}"], "pin": {"room": "r1"}} for i in range(1, 5)])
    _count_matches_items(_explain(folder))


CHAIN = dict(
    sessions=[{"id": "s1", "title": "First", "speakers": ["p1"], "requires": ["projector"]},
              {"id": "s2", "title": "Second", "speakers": ["p2"], "requires": ["projector"],
               "pin": {"day": DAY3, "start": "14:00"}},
              {"id": "s3", "title": "Third", "speakers": ["p3"]}],
    rooms=[{"id": "r1", "name": "Room 1", "capacity": 100, "features": ["projector"],
            "unavailable": [{"day": DAY3, "start": "10:30", "end": "11:45"}, {"day": DAY3, "start": "15:30", "end": "16:45"}]},
           {"id": "r2", "name": "Room 2", "capacity": 50}],
    speakers=[{"id": "p1", "name": "Ana Ruiz", "unavailable": [{"day": DAY1}, {"day": DAY2}]},
              {"id": "p2", "name": "Bo"}, {"id": "p3", "name": "Cy"}])


def test_4_a_chain_of_restrictions_is_one_sentence_with_its_because(tmp_path):
    text = _explain(_three_days(tmp_path / "c", **CHAIN))
    _count_matches_items(text)
    chained = [line for line in text.splitlines() if "because" in line]
    assert chained, text
    line = chained[0]
    # day 3 only (the speaker), because; there only 14:00 is free (the room); which s2 takes (its pin)
    assert "(s1) can only be on 2014-12-10 because" in line, text
    assert "Ana Ruiz (p1)" in line and "14:00" in line and "(s2)" in line, text
    assert line.index("2014-12-10 because") < line.index("14:00") < line.rindex("(s2)"), text


# == 5, 6, 11: the site in a real browser ===================================================================
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not at /usr/bin/chromium (make system-deps installs it)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[test]')")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A one-day conference with a plenary and a long day (nine slots, three rooms), solved and rendered."""
    tmp = tmp_path_factory.mktemp("site14")
    slots = [{"start": "09:00", "end": "10:00", "kind": "plenary"}]
    slots += [{"start": f"{h:02d}:15", "end": f"{h + 1:02d}:00"} for h in range(10, 19)]
    sessions = [{"id": "s001", "title": "Opening plenary", "format": "plenary", "track": "plenary",
                 "duration": 45, "expected_attendance": 300, "speakers": ["p1"]}]
    sessions += [{"id": f"s{i:03d}", "title": f"Workshop number {i} on a long subject", "duration": 45,
                  "track": "t", "speakers": [f"p{i}"]} for i in range(2, 29)]
    folder = write_conf(tmp / "c", days=[{"date": DAY1, "slots": slots}], sessions=sessions,
                        conference={"acronym": "NIIC2014", "url": "https://example.org/niic2014"},
                        rooms=[{"id": "bonaventure-ballroom", "name": "Bonaventure Ballroom", "capacity": 1300},
                               {"id": "r2", "name": "Room 2", "capacity": 100},
                               {"id": "r3", "name": "Room 3", "capacity": 100}])
    r = run_cli("solve", folder, "--time-limit", 10, "--quiet")
    assert r.exit_code == 0, r.stderr
    r = run_cli("render", folder, "--no-pdf", "--quiet")
    assert r.exit_code == 0, r.stderr
    return folder


def _page(browser, width=1366, height=900):
    context = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True)
    return context, context.new_page()


def test_5_a_session_anchor_shows_its_title_below_the_sticky_time_heading(site, browser):
    context, page = _page(browser, 1366, 700)
    try:
        for sid in ("s010", "s014", "s020"):
            page.goto((site / "program" / "sessions.html").as_uri() + f"#session-{sid}")
            page.wait_for_timeout(100)
            title = page.locator(f"#session-{sid} .detail-title").bounding_box()
            assert 0 <= title["y"] and title["y"] + title["height"] <= 700, (sid, title)
            heads = page.evaluate("""() => [...document.querySelectorAll('.time-heading')]
                .map(h => h.getBoundingClientRect()).filter(r => r.bottom > 0 && r.top < innerHeight)
                .map(r => [r.top, r.bottom])""")
            covered = [h for h in heads if h[0] < title["y"] + title["height"] and title["y"] < h[1]]
            assert not covered, (sid, title, covered)        # no time heading lies over the title
            at = page.evaluate("([x, y]) => !!document.elementFromPoint(x, y).closest('.detail-title')",
                               [title["x"] + 5, title["y"] + 3])
            assert at, (sid, title, heads)
    finally:
        context.close()


def test_6_on_a_phone_the_plenary_star_does_not_sit_on_the_room_name(site, browser):
    context, page = _page(browser, 390, 844)
    try:
        page.goto((site / "program" / "index.html").as_uri())
        card = page.locator(".card-wide").first
        card.scroll_into_view_if_needed()
        star = card.locator(".star").bounding_box()
        room = card.locator(".card-when span", has_text="Bonaventure Ballroom").bounding_box()
        assert star and room
        apart = (star["x"] >= room["x"] + room["width"] or room["x"] >= star["x"] + star["width"]
                 or star["y"] >= room["y"] + room["height"] or room["y"] >= star["y"] + star["height"])
        assert apart, (star, room)
    finally:
        context.close()


def test_11_the_room_header_stays_visible_when_a_long_day_scrolls(site, browser):
    context, page = _page(browser, 1366, 600)
    try:
        page.goto((site / "program" / "index.html").as_uri())
        grid = page.locator(".grid-scroll").first
        grid.scroll_into_view_if_needed()
        box = grid.bounding_box()
        page.evaluate("el => el.scrollIntoView({block: 'start'})", grid.element_handle())
        box = grid.bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, max(box["y"], 0) + 200)
        for _ in range(4):
            page.mouse.wheel(0, 150)
            page.wait_for_timeout(80)
        head = page.locator(".grid thead th", has_text="Room 2").first
        hb = head.bounding_box()
        assert hb and 0 <= hb["y"] and hb["y"] + hb["height"] <= 600, hb
        top = page.evaluate("([x, y]) => { const e = document.elementFromPoint(x, y); return e && e.closest('th') "
                            "&& e.closest('th').textContent; }", [hb["x"] + hb["width"] / 2, hb["y"] + hb["height"] / 2])
        assert top and "Room 2" in top, top
        # and the grid did scroll: the first rows went out of view under the header
        first = page.locator(".grid tbody tr").first.bounding_box()
        assert first["y"] + first["height"] < hb["y"] + hb["height"] + 1, (first, hb)
    finally:
        context.close()


# == 7. one id scheme, one URL scheme ===================================================================
def _program_data(site_dir: Path) -> dict:
    text = (site_dir / "assets" / "program-data.js").read_text(encoding="utf-8")
    return json.loads(text[text.index("{"):text.rindex("}") + 1])


def test_7_one_uid_and_one_url_per_session_in_every_output(tmp_path):
    import icalendar
    folder = _two_session_conference(tmp_path / "c", acronym="NIIC2014", url="https://example.org/niic2014")
    assert run_cli("solve", folder, "--time-limit", 5, "-q").exit_code == 0
    assert run_cli("render", folder, "--no-pdf", "-q").exit_code == 0
    assert run_cli("export", folder, "--format", "ics", "-q").exit_code == 0
    assert run_cli("export", folder, "--format", "frab-json", "-q").exit_code == 0
    cal = icalendar.Calendar.from_ical((folder / "program" / "schedule.ics").read_bytes())
    ics = {str(e["uid"]).split("@")[0]: (str(e["uid"]), str(e["url"])) for e in cal.walk("VEVENT")}
    frab = json.loads((folder / "program" / "schedule.json").read_text())
    frab_url = {ev["slug"]: ev["url"] for day in frab["schedule"]["conference"]["days"]
                for evs in day["rooms"].values() for ev in evs}
    site = _program_data(folder / "program")["sessions"]
    for sid in ("s001", "s002"):
        want_url = f"https://example.org/niic2014/sessions.html#session-{sid}"
        assert ics[sid] == (f"{sid}@niic2014.niic-sched", want_url), ics
        assert site[sid]["uid"] == ics[sid][0] and site[sid]["url"] == want_url, site[sid]
    assert sorted(frab_url.values()) == [f"https://example.org/niic2014/sessions.html#session-{sid}"
                                         for sid in ("s001", "s002")]


def test_7_the_my_agenda_calendar_uses_the_same_uids_as_schedule_ics(site, browser, tmp_path):
    import icalendar
    out = tmp_path / "schedule.ics"
    assert run_cli("export", site, "--format", "ics", "-o", out, "-q").exit_code == 0
    published = {str(e["summary"]): (str(e["uid"]), str(e.get("url"))) for e in
                 icalendar.Calendar.from_ical(out.read_bytes()).walk("VEVENT")}
    context, page = _page(browser)
    try:
        page.goto((site / "program" / "index.html").as_uri())
        page.locator("[data-star='s002']").first.click()
        page.goto((site / "program" / "agenda.html").as_uri())
        with page.expect_download() as info:
            page.click("[data-ics]")
        mine = icalendar.Calendar.from_ical(Path(info.value.path()).read_bytes())
    finally:
        context.close()
    (event,) = list(mine.walk("VEVENT"))
    assert (str(event["uid"]), str(event["url"])) == published[str(event["summary"])]


# == 8. singular and plural =============================================================================
ONE_BAD = re.compile(r"(?<![\d.])1 (sessions|rooms|speakers|slots|days|files|attendees|plenaries|problems|"
                     r"requirements|trainings)\b|(?<![\d.])1 attendee want\b")


def test_8_counts_of_one_are_singular(tmp_path):
    folder = write_conf(tmp_path / "c", days=default_days(1, slots=(("10:30", "11:45"),)),
                        rooms=[{"id": "r1", "name": "Room 1", "capacity": 100},
                               {"id": "r2", "name": "Room 2", "capacity": 100}],
                        sessions=[{"id": "s001", "speakers": ["p1"]}, {"id": "s002", "speakers": ["p2"]}],
                        interests=[("a1", "s001"), ("a1", "s002")])
    r = run_cli("check", folder)
    assert r.exit_code == 0 and "1 slot over 1 day." in r.stdout, r.stdout
    r = run_cli("solve", folder, "--time-limit", 5)
    assert r.exit_code == 0, r.stderr
    assert "1 attendee wants both" in r.stderr, r.stderr
    for text in (r.stdout, r.stderr):
        assert not ONE_BAD.search(text), ONE_BAD.search(text)
    r = run_cli("generate", tmp_path / "g", "--sessions", 1, "--days", 2)
    assert not ONE_BAD.search(r.stdout + r.stderr), r.stdout + r.stderr


def test_8_one_plural_helper():
    from niic_sched.text import plural
    assert plural(1, "day") == "1 day" and plural(3, "day") == "3 days" and plural(0, "slot") == "0 slots"
    assert plural(1, "plenary", "plenaries") == "1 plenary" and plural(2, "plenary", "plenaries") == "2 plenaries"


# == 9. paths from the working directory ================================================================
def test_9_every_path_in_messages_is_relative_to_the_working_directory(tmp_path):
    folder = write_conf(tmp_path / "conf", sessions=[{"id": "s001", "speakers": ["p1"]}, {"id": "s002"}])
    _session_file(folder, "s001", "id: s001\ntitle: T\nduration: seventy\nspeakers: [p1]\nspekers: [p2]\n")
    r = run_cli("check", "conf", cwd=tmp_path)
    assert r.exit_code == 2
    assert "conf/sessions/s001.yaml:3: session s001" in r.stderr, r.stderr           # a Problem
    assert "warning: conf/sessions/s001.yaml:5: session s001" in r.stderr, r.stderr   # a warning
    assert not re.search(r"(?m)^  sessions/", r.stderr), r.stderr
    _session_file(folder, "s001", "id: s001\ntitle: T\nduration: 75\nspeakers: [p1]\nspekers: [p2]\n")
    r = run_cli("solve", "conf", "--time-limit", 5, cwd=tmp_path)
    assert r.exit_code == 0, r.stderr
    assert "warning: conf/sessions/s001.yaml:5" in r.stderr and "Wrote conf/program/schedule.yaml" in r.stderr


def test_9_the_explanation_points_at_files_from_the_working_directory(tmp_path):
    write_conf(tmp_path / "conf", sessions=[
        {"id": f"s{i}", "title": f"S{i}", "speakers": [f"p{i}"], "pin": {"room": "r1"}} for i in range(1, 5)])
    r = run_cli("explain", "conf", "--time-limit", 20, cwd=tmp_path)
    assert r.exit_code == 3
    assert "see: conf/sessions/s1.yaml:" in r.stdout, r.stdout


# == 10. control characters are shown escaped ============================================================
HOSTILE_TITLE = 'Evil\\e]0;pwned\\a\\e[2J title\\x9b31m'      # YAML escapes: ESC, BEL, CSI


def test_10_control_characters_in_titles_and_names_are_escaped_in_messages(tmp_path):
    folder = write_conf(tmp_path / "c", sessions=[
        {"id": f"s{i}", "title": f"S{i}", "speakers": [f"p{i}"], "pin": {"room": "r1"}} for i in range(1, 5)])
    _session_file(folder, "s1", 'id: s1\ntitle: "' + HOSTILE_TITLE + '"\nduration: 75\nspeakers: [p1]\n'
                                'pin: {room: r1}\n"k\\e[31m": 1\n')
    _session_file(folder, "s2", 'id: s2\ntitle: "S2\\nwarning: forged line"\nduration: 75\nspeakers: [p2]\n'
                                'pin: {room: r1}\n')
    for args in (("check", folder), ("explain", folder, "--time-limit", 20),
                 ("explain", folder, "--time-limit", 20, "--format", "json")):
        r = run_cli(*args)
        out = r.stdout + r.stderr
        assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", out), (args, out)
        if args[0] == "check":
            assert r.exit_code == 0 and "unknown session key 'k\\u001b[31m'" in r.stderr, out
        elif "json" in args:
            json.loads(r.stdout)          # still JSON
        else:
            assert "Evil\\u001b]0;pwned\\u0007\\u001b[2J title\\u009b31m" in out, out
            assert "\nwarning: forged line" not in out and "S2\\nwarning: forged line" in out, out


def test_10_the_escape_keeps_lines_and_isolates():
    from niic_sched.text import printable
    assert printable("a\nb\tc") == "a\nb\tc"
    assert printable("x\x1b[2Jy\r\x9b") == "x\\u001b[2Jy\\u000d\\u009b"
    assert printable("\u2068\u0645\u0631\u062d\u0628\u0627\u2069") == "\u2068\u0645\u0631\u062d\u0628\u0627\u2069"


# == 12. reproducible exports ===========================================================================
def _exported(folder: Path, out: Path, *extra, env=None, fmt="ics") -> bytes:
    old = dict(os.environ)
    try:
        os.environ.pop("SOURCE_DATE_EPOCH", None)
        os.environ.update(env or {})
        r = run_cli("export", folder, "--format", fmt, "-o", out, "-q", *extra)
    finally:
        os.environ.clear()
        os.environ.update(old)
    assert r.exit_code == 0, r.stderr
    return out.read_bytes()


def test_12_ics_exports_are_reproducible_with_source_date_epoch_or_deterministic(tmp_path, monkeypatch):
    folder = _two_session_conference(tmp_path / "c")
    assert run_cli("solve", folder, "--time-limit", 5, "-q").exit_code == 0
    env = {"SOURCE_DATE_EPOCH": "1577836800"}
    a = _exported(folder, tmp_path / "a.ics", env=env)
    b = _exported(folder, tmp_path / "b.ics", env=env)
    assert a == b and b"DTSTAMP:20200101T000000Z" in a
    c = _exported(folder, tmp_path / "c.ics", "--deterministic")
    import time
    time.sleep(1.1)
    d = _exported(folder, tmp_path / "d.ics", "--deterministic")
    assert c == d
    stamps = set(re.findall(rb"DTSTAMP:(\S+)", c))
    assert len(stamps) == 1 and stamps != {dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ").encode()}
    # the xlsx agenda too: its own dates (docProps, zip members) are the stamp
    e = _exported(folder, tmp_path / "e.xlsx", "--deterministic", fmt="xlsx")
    time.sleep(1.1)
    assert _exported(folder, tmp_path / "f.xlsx", "--deterministic", fmt="xlsx") == e
    assert _exported(folder, tmp_path / "g.xlsx", env=env, fmt="xlsx") == _exported(folder, tmp_path / "h.xlsx", env=env,
                                                                                       fmt="xlsx")
