"""The HTML program in a real headless Chromium (Playwright driving Debian's /usr/bin/chromium).

Screenshots go to test-artifacts/ (git-ignored). `make test` installs chromium through
the Makefile's system-deps; without it these tests are skipped, saying so.
"""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, run_cli
from helpers import DAY1, default_days, write_conf

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = ROOT / "test-artifacts"
PAGES = ("index.html", "sessions.html", "tracks.html", "rooms.html", "speakers.html", "agenda.html")
XSS = "<script>alert(1)</script>"

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="Debian's chromium is not at /usr/bin/chromium (make system-deps installs it)")
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[test]')")


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The sample conference solved and rendered as a site (no PDF: not needed here)."""
    tmp = tmp_path_factory.mktemp("site")
    sched = tmp / "schedule.yaml"
    r = run_cli("solve", ROOT, "-o", sched, "--time-limit", 10, "--seed", 1, "--quiet")
    assert r.exit_code == 0, r.stderr
    r = run_cli("render", ROOT, "--schedule", sched, "-o", tmp / "program", "--no-pdf", "--quiet")
    assert r.exit_code == 0, r.stderr
    return tmp / "program"


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, accept_downloads=True)
    pg = context.new_page()
    pg.errors = []
    pg.on("console", lambda m: pg.errors.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning") else None)
    pg.on("pageerror", lambda e: pg.errors.append(f"page error: {e}"))
    pg.on("requestfailed", lambda r: pg.errors.append(f"request failed: {r.url}"))
    yield pg
    context.close()


def url(site: Path, name: str) -> str:
    return (site / name).as_uri()


def visible_sessions(pg, scope: str = ".grid"):
    return pg.eval_on_selector_all(
        f"{scope} [data-session]",
        "els => els.filter(e => e.offsetParent !== null).map(e => [e.dataset.session, e.dataset.track, e.dataset.lang])")


def test_every_page_loads_without_console_errors(site, page):
    for name in PAGES:
        page.goto(url(site, name))
        page.wait_for_load_state("load")
        assert page.evaluate("document.documentElement.classList.contains('js')"), f"{name}: app.js did not run"
        assert page.evaluate("typeof window.NIIC_PROGRAM") == "object", name
    assert page.errors == []


def test_filter_narrows_the_grid_to_one_track(site, page):
    data = yaml.safe_load(open(ROOT / "sessions" / "migration" / "s0029.yaml"))
    track = data["track"]
    expected = {p.stem for p in (ROOT / "sessions" / "migration").glob("*.yaml")}
    page.goto(url(site, "index.html"))
    everything = visible_sessions(page)
    assert len(everything) == 54
    page.select_option("#f-track", track)
    shown = visible_sessions(page)
    assert {sid for sid, _, _ in shown} == expected
    assert {t for _, t, _ in shown} == {track}
    assert page.inner_text("[data-filter-status]") == f"Showing {len(expected)} of 54 sessions."
    # free text ignores accents and case; language narrows further
    page.select_option("#f-track", "")
    page.fill("#f-q", "RAMIREZ")
    texts = page.eval_on_selector_all(".grid [data-session]", "els => els.filter(e => e.offsetParent !== null)"
                                      ".map(e => e.textContent)")
    assert texts and all("Ramírez" in t for t in texts)
    page.fill("#f-q", "")
    # a language: every session a person can follow in it, held in it or interpreted into it
    page.select_option("#f-language", "ar")
    follows = {yaml.safe_load(p.read_text())["id"] for p in (ROOT / "sessions").rglob("*.yaml")
               if "ar" in [yaml.safe_load(p.read_text()).get("language")] + yaml.safe_load(p.read_text()).get(
                   "interpretation", [])}
    shown = visible_sessions(page)
    assert {sid for sid, _, _ in shown} == follows and ("s0034", "ar") in [(sid, lang) for sid, _, lang in shown]
    assert len(follows) > 1                          # the plenaries are interpreted into Arabic
    page.click("button[type=reset]")
    sync_api.expect(page.locator("[data-filter-status]")).to_have_text("")
    assert len(visible_sessions(page)) == 54
    assert page.errors == []


def test_a_starred_session_survives_a_reload_and_exports_as_ics(site, page):
    page.goto(url(site, "index.html"))
    star = page.locator("[data-star='s0029']").first
    star.click()
    assert star.get_attribute("aria-pressed") == "true"
    page.locator("[data-star='s0001']").first.click()
    page.reload()
    assert page.locator("[data-star='s0029']").first.get_attribute("aria-pressed") == "true"
    assert page.locator("[data-star='s0004']").first.get_attribute("aria-pressed") == "false"
    assert page.inner_text(".nav-agenda [data-agenda-count]") == "2"
    # the same agenda on another page of the site
    page.goto(url(site, "sessions.html"))
    assert page.locator("article#session-s0029 [data-star]").get_attribute("aria-pressed") == "true"
    page.check("#f-starred")
    assert sorted(sid for sid, _, _ in visible_sessions(page, "main")) == ["s0001", "s0029"]
    page.goto(url(site, "agenda.html"))
    items = page.eval_on_selector_all("[data-agenda-item]", "els => els.map(e => e.dataset.agendaItem)")
    assert sorted(items) == ["s0001", "s0029"]
    with page.expect_download() as info:
        page.click("[data-ics]")
    ics = Path(info.value.path()).read_bytes()
    import icalendar
    cal = icalendar.Calendar.from_ical(ics)
    events = {str(e["SUMMARY"]): e for e in cal.walk("VEVENT")}
    title = yaml.safe_load(open(ROOT / "sessions" / "migration" / "s0029.yaml"))["title"]
    assert set(events) == {title, yaml.safe_load(open(ROOT / "sessions" / "plenary" / "s0001.yaml"))["title"]}
    start = events[title].decoded("DTSTART")
    assert start.tzinfo is not None and start.utcoffset() == dt.timedelta(0)
    assert all(len(line) <= 75 for line in ics.split(b"\r\n"))
    # unstarring on the agenda page removes it everywhere
    page.locator("[data-agenda-item='s0029'] [data-star]").click()
    assert page.eval_on_selector_all("[data-agenda-item]", "els => els.map(e => e.dataset.agendaItem)") == ["s0001"]
    assert page.errors == []


def test_screenshots_phone_and_desktop(site, browser):
    ARTIFACTS.mkdir(exist_ok=True)
    for name, viewport in (("phone-375", {"width": 375, "height": 812}), ("desktop", {"width": 1366, "height": 900})):
        context = browser.new_context(viewport=viewport, device_scale_factor=1)
        pg = context.new_page()
        errors = []
        pg.on("pageerror", lambda e: errors.append(str(e)))
        for page_name in ("index.html", "sessions.html"):
            pg.goto(url(site, page_name))
            shot = ARTIFACTS / f"{Path(page_name).stem}-{name}.png"
            pg.screenshot(path=str(shot), full_page=(page_name == "index.html"))
            assert shot.stat().st_size > 10_000
            # nothing wider than the screen: no sideways scrolling of the page itself
            assert pg.evaluate("document.documentElement.scrollWidth") <= viewport["width"], (name, page_name)
        if viewport["width"] == 375:
            # on a phone the grid is a list: the room is printed in each card, empty cells are gone
            assert pg.goto(url(site, "index.html")) is not None
            assert pg.locator(".grid .card-room").first.is_visible()
            assert not pg.locator(".grid td.cell-empty").first.is_visible()
        context.close()
        assert errors == []


def test_a_script_title_shows_as_text_and_nothing_runs(tmp_path, page):
    folder = write_conf(tmp_path / "c", sessions=[
        {"id": "s001", "title": XSS, "track": "t", "speakers": ["p1"], "abstract": "<img src=x onerror=alert(3)>"},
        {"id": "s002", "title": "الجاليات العربية", "track": "t", "language": "ar", "speakers": ["p2"]},
    ], speakers=[{"id": "p1", "name": "<b onmouseover=alert(2)>Eve</b>"}, {"id": "p2", "name": "محمد العلي"}],
        days=default_days(1))
    sched = tmp_path / "s.yaml"
    sched.write_text(yaml.safe_dump({"assignments": [
        {"session": "s001", "day": DAY1, "start": "10:30", "room": "r1"},
        {"session": "s002", "day": DAY1, "start": "10:30", "room": "r2"}]}))
    out = tmp_path / "out"
    r = run_cli("render", folder, "--schedule", sched, "-o", out, "--no-pdf", "--quiet")
    assert r.exit_code == 0, r.stderr
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    for name in ("index.html", "sessions.html", "speakers.html"):
        page.goto(url(out, name))
        page.wait_for_load_state("load")
        assert XSS in page.inner_text("main"), name
        assert page.evaluate("document.querySelectorAll('main script, main img').length") == 0
    page.goto(url(out, "index.html"))
    page.locator("[data-star='s001']").click()
    page.goto(url(out, "agenda.html"))
    assert XSS in page.inner_text("[data-agenda]")
    assert page.evaluate("document.querySelectorAll('[data-agenda] script').length") == 0
    # right to left: the Arabic title and name are laid out right to left
    page.goto(url(out, "sessions.html"))
    assert page.evaluate("getComputedStyle(document.querySelector('#session-s002-h')).direction") == "rtl"
    assert page.evaluate("getComputedStyle([...document.querySelectorAll('.speaker-name')]"
                         ".find(e => e.textContent.includes('محمد'))).direction") == "rtl"
    assert dialogs == []
    assert page.errors == []
    shutil.rmtree(out)


def test_print_stylesheet_landscape_grid_without_controls(site, page, tmp_path):
    page.goto(url(site, "index.html"))
    page.emulate_media(media="print")
    assert not page.locator("form[data-filter]").is_visible()
    assert not page.locator("[data-star]").first.is_visible()
    assert page.locator(".legend").is_visible()                   # the legend prints: patterns and names
    pdf = tmp_path / "printed.pdf"
    page.pdf(path=str(pdf), prefer_css_page_size=True)
    from pypdf import PdfReader
    pages = PdfReader(str(pdf)).pages
    assert len(pages) >= 3
    assert all(float(p.mediabox.width) > float(p.mediabox.height) for p in pages)
    assert page.errors == []
