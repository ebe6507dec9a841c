"""niic-sched render: the view model, the HTML site and the PDF booklet (issue 5)."""
from __future__ import annotations

import json
import re
import tomllib
import unicodedata
from pathlib import Path

import pytest
import yaml
from lxml import html as lxml_html
from pypdf import PdfReader

from conftest import ROOT, run_cli
from helpers import DAY1, default_days, write_conf
from niic_sched.io import load
from niic_sched.io.schedule_file import read_schedule
from niic_sched.model import Assignment, Schedule
from niic_sched.program import PlacedProgram, ScheduleMismatch
from niic_sched.render import PACKAGE_TEMPLATES, environment
from niic_sched.render.pdf import css_string, door_sheet_pages, grid_pages, index_pages
from niic_sched.render.view import anchor, program_view
from niic_sched.i18n import text_direction as direction

SITE_PAGES = ("index.html", "sessions.html", "tracks.html", "rooms.html", "speakers.html", "agenda.html")
XSS = "<script>alert(1)</script>"


def plain(text: str) -> str:
    """A time range with its narrow and thin spaces as plain spaces."""
    return text.replace("\u202f", " ").replace("\u2009", " ")


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()


def html_text(path: Path) -> str:
    return norm(lxml_html.fromstring(path.read_bytes()).text_content())


def pdf_pages(path: Path) -> list[str]:
    return [norm(p.extract_text() or "") for p in PdfReader(str(path)).pages]


def in_pdf_text(needle: str, text: str) -> bool:
    """True when ``needle`` is in the extracted text. Right-to-left runs may come out in visual
    order: then every run between punctuation must be there, as written or reversed."""
    n = norm(needle)
    if n in text:
        return True
    pieces = [p.strip() for p in re.split(r"[:;,()]", n) if p.strip()]
    return bool(pieces) and all(p in text or p[::-1] in text for p in pieces)


# ---------------------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """The bundled sample conference solved and rendered once (HTML, PDF and door sheets)."""
    tmp = tmp_path_factory.mktemp("sample")
    sched = tmp / "schedule.yaml"
    r = run_cli("solve", ROOT, "-o", sched, "--time-limit", 10, "--seed", 1, "--quiet")
    assert r.exit_code == 0, r.stderr
    out = tmp / "program"
    r = run_cli("render", ROOT, "--schedule", sched, "-o", out, "--door-sheets", "--quiet")
    assert r.exit_code == 0, r.stderr
    return {"conf": load(ROOT), "schedule": read_schedule(sched), "schedule_path": sched, "out": out}


def view_of(conf, schedule):
    """The render view model of a schedule (PlacedProgram checks it first)."""
    return program_view(PlacedProgram.build(conf, schedule))


def small_conf(folder: Path, **kw) -> Path:
    """Two rooms, one day with a plenary slot and three regular slots."""
    sessions = kw.pop("sessions", None) or [
        {"id": "s001", "title": "Opening", "format": "plenary", "track": "plenary", "speakers": ["p1"]},
        {"id": "s002", "title": "Clinic", "track": "citizenship", "duration": 165, "speakers": ["p2"],
         "language": "es"},
        {"id": "s003", "title": "Jobs", "track": "workforce", "speakers": ["p3"]},
        {"id": "s004", "title": "Schools", "track": "education", "speakers": ["p1"]},
    ]
    speakers = kw.pop("speakers", None) or [
        {"id": "p1", "name": "María Núñez", "organization": "CHIRLA"},
        {"id": "p2", "name": "فاطمة الحسيني", "organization": "AAANY"},
        {"id": "p3", "name": "Nguyễn Thị Minh", "organization": "BPSOS"},
    ]
    return write_conf(folder, sessions=sessions, speakers=speakers, days=default_days(1, plenary=True),
                      conference={"city": "Los Angeles", "hosts": ["CHIRLA"], "acronym": "T1"}, **kw)


SMALL_PLACEMENT = [("s001", "09:00", "r1"), ("s002", "10:30", "r1"), ("s003", "10:30", "r2"),
                   ("s004", "15:00", "r2")]


def write_schedule_file(path: Path, rows) -> Path:
    path.write_text(yaml.safe_dump({"assignments": [
        {"session": s, "day": DAY1, "start": t, "room": r} for s, t, r in rows]}))
    return path


def schedule_of(rows) -> Schedule:
    import datetime as dt
    return Schedule(tuple(Assignment(s, dt.date.fromisoformat(DAY1), int(t[:2]) * 60 + int(t[3:]), r)
                          for s, t, r in rows))


# ---------------------------------------------------------------------------------------- view model
def test_grid_spans_rows_for_long_sessions_and_width_for_plenaries(tmp_path):
    conf = load(small_conf(tmp_path / "c"))
    program = view_of(conf, schedule_of(SMALL_PLACEMENT))
    day = program.days[0]
    assert [r.id for r in day.rooms] == ["r1", "r2"]
    rows = day.grid.rows
    assert [plain(r.label) for r in rows] == ["9:00 AM – 10:15 AM", "10:30 AM – 11:45 AM", "1:30 PM – 2:45 PM",
                                              "3:00 PM – 4:15 PM"]                # English: the 12 h clock
    # the plenary is one cell across both rooms
    assert [(c.kind, c.colspan, [s.id for s in c.sessions]) for c in rows[0].cells] == [("wide", 2, ["s001"])]
    # the 165-minute clinic covers two slots in r1; r1 has no cell of its own in the next row
    first = {c.room.id: c for c in rows[1].cells}
    assert first["r1"].rowspan == 2 and [s.id for s in first["r1"].sessions] == ["s002"]
    assert [c.room.id for c in rows[2].cells] == ["r2"] and rows[2].cells[0].kind == "empty"
    s2 = next(s for s in program.sessions if s.id == "s002")
    assert (plain(s2.time_label), s2.slot_count, s2.language_name) == ("10:30 AM – 2:45 PM", 2, "Spanish")
    es = program_view(PlacedProgram.build(conf, schedule_of(SMALL_PLACEMENT)), "es")
    assert [r.label for r in es.days[0].grid.rows][:2] == ["9:00–10:15", "10:30–11:45"]   # Spanish: 24 h


def test_sessions_that_collide_in_a_forced_schedule_share_a_cell(tmp_path):
    conf = load(small_conf(tmp_path / "c"))
    rows = SMALL_PLACEMENT[:3] + [("s004", "10:30", "r2")]          # s003 and s004 both in r2 at 10:30
    program = view_of(conf, schedule_of(rows))
    cell = next(c for c in program.days[0].grid.rows[1].cells if c.room.id == "r2")
    assert sorted(s.id for s in cell.sessions) == ["s003", "s004"]


def test_unplaceable_assignments_are_refused_before_anything_is_drawn(tmp_path):
    conf = load(small_conf(tmp_path / "c"))
    with pytest.raises(ScheduleMismatch) as caught:
        view_of(conf, schedule_of(SMALL_PLACEMENT[:3] + [("s004", "15:00", "nowhere")]))
    assert any("s004" in p.what and "nowhere" in p.what for p in caught.value.problems)
    program = view_of(conf, schedule_of(SMALL_PLACEMENT[:3]))       # left out: listed, not drawn
    assert [s.id for s in program.unscheduled] == ["s004"]


def test_grid_pages_cut_columns_evenly_and_mark_continued_cells(tmp_path):
    conf = load(small_conf(tmp_path / "c"))
    day = view_of(conf, schedule_of(SMALL_PLACEMENT)).days[0]
    pages = day.grid_pages(max_cols=1, max_rows=2)
    assert [(len(g.rooms), len(g.rows)) for g in pages] == [(1, 2), (1, 2), (1, 2), (1, 2)]
    assert [g.part for g in pages] == [1, 2, 3, 4] and {g.parts for g in pages} == {4}
    # the clinic (rows 1-2) is cut by the row break: its second half is marked as continued
    cells = [(c.kind, c.rowspan, c.continued, [s.id for s in c.sessions])
             for g in pages if g.rooms[0].id == "r1" for r in g.rows for c in r.cells]
    assert ("session", 1, False, ["s002"]) in cells and ("session", 1, True, ["s002"]) in cells


def test_speaker_index_columns_respect_capacity_and_never_end_with_a_letter(tmp_path):
    speakers = [{"id": f"p{i}", "name": f"{chr(65 + i % 7)}name {i:02d}"} for i in range(40)]
    sessions = [{"id": f"s{i:03d}", "speakers": [f"p{i}"], "duration": 50} for i in range(40)]
    days = default_days(2, slots=tuple((f"{8 + h}:00", f"{8 + h}:50") for h in range(10)))
    rooms = [{"id": "r1", "name": "Room 1", "capacity": 100}, {"id": "r2", "name": "Room 2", "capacity": 100}]
    conf = load(write_conf(tmp_path / "c", sessions=sessions, speakers=speakers, days=days, rooms=rooms))
    rows = [Assignment(f"s{i:03d}", conf.days[i // 20].date, conf.days[0].slots[(i // 2) % 10].start, f"r{i % 2 + 1}")
            for i in range(40)]
    program = view_of(conf, Schedule(tuple(rows)))
    assert not program.warnings
    pages = index_pages(program, columns=3, lines=9, first=7)
    columns = [col for page in pages for col in page]
    assert all(len(page) <= 3 for page in pages)
    assert len(columns[0]) <= 7 and all(len(c) <= 9 for c in columns)
    assert all(c[-1][0] == "speaker" and c[0][0] != "gap" for c in columns)
    listed = [item.name for c in columns for kind, item in c if kind == "speaker"]
    assert listed == [p.name for p in program.speakers] and len(listed) == 40


def test_helpers_for_ids_directions_and_css_strings():
    assert anchor("session", "s 1/é") == "session-s_20_1_2f__e9_"
    assert anchor("room", "a-b") != anchor("room", "a_b")
    assert direction("الجاليات: Supporting") == "rtl" and direction("12: María") == "ltr"
    assert css_string('Say "hi"\\\n') == '"Say \\"hi\\"\\\\\\a "'


# ---------------------------------------------------------------------------------------- templates
def test_repository_templates_are_the_package_defaults():
    link = ROOT / "templates"
    assert link.is_symlink() and not Path(link.readlink()).is_absolute()
    assert link.resolve() == PACKAGE_TEMPLATES.resolve()
    files = sorted(p.relative_to(PACKAGE_TEMPLATES) for p in PACKAGE_TEMPLATES.rglob("*") if p.is_file()
                   and "__pycache__" not in p.parts)
    assert files == sorted(p.relative_to(link) for p in link.rglob("*") if p.is_file()
                           and "__pycache__" not in p.parts)
    assert {"html/base.html", "html/index.html", "pdf/program.html", "static/site.css"} <= {str(f) for f in files}
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    assert any(pat.startswith("templates/") for pat in data["niic_sched"])


def test_every_template_explains_itself_and_autoescaping_is_on():
    for path in PACKAGE_TEMPLATES.rglob("*"):
        if not path.is_file():
            continue
        head = path.read_text(encoding="utf-8")[:600]
        assert head.startswith(("{#", "/*")), f"{path} has no comment header"
        assert path.relative_to(PACKAGE_TEMPLATES).as_posix() in head, f"{path}: header does not name the file"
        assert "|safe" not in path.read_text(encoding="utf-8").replace(" ", ""), f"{path} uses |safe"
    env = environment()
    assert env.from_string("{{ x }}").render(x=XSS) == "&lt;script&gt;alert(1)&lt;/script&gt;"


# ---------------------------------------------------------------------------------------- the sample
def test_sample_site_and_pdf_show_every_title_and_speaker(sample):
    conf, out = sample["conf"], sample["out"]
    for name in SITE_PAGES + ("program.pdf", "door-sheets.pdf", "assets/site.css", "assets/app.js",
                              "assets/program-data.js", "assets/tracks.css"):
        assert (out / name).is_file(), name
    index = html_text(out / "index.html")
    site = " ".join(html_text(out / p) for p in SITE_PAGES)
    pdf = " ".join(pdf_pages(out / "program.pdf"))
    speakers = {p for s in conf.sessions for p in s.speakers}   # speakers of late/ proposals are not in the program
    assert len(speakers) > 50
    for s in conf.sessions:                 # the English edition: English titles where a session has one
        title = s.translated("en") or s.title
        assert norm(title) in index, title
        assert in_pdf_text(title, pdf), title
        if title != s.title:                # ... and the original beside it in the full listing
            assert norm(s.title) in site and in_pdf_text(s.title, pdf), s.title
    for pid in speakers:
        name = conf.speaker[pid].name
        assert norm(name) in index and norm(name) in site, name
        assert in_pdf_text(name, pdf), name
    # organizations and abstracts are in the session pages and the booklet
    assert "CHIRLA (Coalition for Humane Immigrant Rights of Los Angeles)" in site
    assert "Coalition for Humane Immigrant Rights" in pdf
    s1 = conf.session["s0001"]
    assert norm(s1.abstract) in html_text(out / "sessions.html")


def test_sample_pdf_structure(sample):
    conf, out = sample["conf"], sample["out"]
    reader = PdfReader(str(out / "program.pdf"))
    pages = [norm(p.extract_text() or "") for p in reader.pages]
    cover = pages[0]
    for text in (conf.name, "December 7–9, 2014", conf.venue, *conf.hosts):
        assert norm(text) in cover, text
    program = view_of(conf, sample["schedule"])
    n_grids = sum(len(g) for _, g in grid_pages(program))
    landscape = [i for i, p in enumerate(reader.pages) if float(p.mediabox.width) > float(p.mediabox.height)]
    assert len(landscape) == n_grids == 3                        # one grid page per day for the sample
    assert landscape == list(range(landscape[0], landscape[0] + n_grids))
    assert any("Speaker index" in p for p in pages) and any("Rooms and accessibility" in p for p in pages)
    assert [o.title for o in reader.outline if not isinstance(o, list)][:2] == ["Contents", "Sunday, December 7, 2014"]
    # printed page numbers are the real ones: the footer of page i reads i
    for i, text in enumerate(pages[1:], start=2):
        assert re.search(rf"(^|\s){i}($|\s)", text), f"page {i} does not show its number"
    # the speaker index gives the page where the session is described
    listing_start = next(i for i, p in enumerate(pages) if "Sessions by day and time" in p and i > 1)
    described = {}
    for s in program.sessions:
        for i in range(listing_start, len(pages)):
            if in_pdf_text(s.title, pages[i]):
                described[s.id] = i + 1
                break
    index_text = next(p for i, p in enumerate(pages) if i > listing_start and "Speaker index" in p)
    maria = next(p for p in program.speakers if p.name == "María Núñez")
    expected = ", ".join(dict.fromkeys(str(described[s.id]) for s in maria.sessions))
    assert re.search(re.escape(expected) + r"\s*María Núñez", index_text) or \
        re.search(r"María Núñez[^0-9]*" + re.escape(expected), index_text), (expected, index_text[:400])


def test_sample_door_sheets_one_page_per_room_and_day(sample):
    program = view_of(sample["conf"], sample["schedule"])
    sheets = door_sheet_pages(program)
    pages = pdf_pages(sample["out"] / "door-sheets.pdf")
    assert len(pages) == len(sheets)
    for (room, day, sessions), text in zip(sheets, pages):
        assert norm(room.name) in text and day.label in text
        assert all(norm(s.start_label) in text for s in sessions)


def test_sample_html_markup(sample):
    out = sample["out"]
    doc = lxml_html.fromstring((out / "index.html").read_bytes())
    assert doc.get("lang") == "en" and doc.get("dir") == "ltr"
    assert len(doc.xpath("//h1")) == 1
    assert doc.xpath("//table[@class='grid']//thead//th[@scope='col']")
    assert doc.xpath("//table[@class='grid']//tbody//th[@scope='row']")
    for control in doc.xpath("//form[@data-filter]//select | //form[@data-filter]//input"):
        assert doc.xpath(f"//label[@for='{control.get('id')}']"), control.get("id")
    # an Arabic session: its English title in the English edition, the Arabic original beside it
    # in the full listing, each marked with its language and direction
    english = doc.xpath("//a[starts-with(normalize-space(), 'Arab communities after displacement')]")
    assert english and english[0].get("lang") == "en" and english[0].get("dir") == "ltr"
    listing = lxml_html.fromstring((out / "sessions.html").read_bytes())
    arabic = listing.xpath("//p[@class='original-title']/span[starts-with(normalize-space(), 'الجاليات')]")
    assert arabic and arabic[0].get("dir") == "rtl" and arabic[0].get("lang") == "ar"
    names = doc.xpath("//span[@class='speaker-name'][normalize-space()='محمد العلي']")
    assert names and names[0].get("dir") == "auto"
    # nothing is fetched from elsewhere: every asset is a relative file
    for page in SITE_PAGES:
        text = (out / page).read_text(encoding="utf-8")
        assert not re.search(r"""(src|href)=["'](https?:)?//""", text.replace(
            'href="https://example.org/niic2014"', "")), page
        assert "fetch(" not in text
    assert "fetch(" not in (out / "assets" / "app.js").read_text()
    data = (out / "assets" / "program-data.js").read_text(encoding="utf-8")
    payload = json.loads(data[data.index("window.NIIC_PROGRAM =") + 21:].strip().rstrip(";"))
    assert len(payload["sessions"]) == len(sample["conf"].sessions)
    assert payload["sessions"]["s0001"]["utcStart"].endswith("Z")


# ---------------------------------------------------------------------------------------- the command
def test_render_shows_script_titles_as_text(tmp_path, cli):
    folder = small_conf(tmp_path / "c", sessions=[
        {"id": "s001", "title": XSS, "track": "t", "speakers": ["p1"], "abstract": "<b>bold</b> & more"},
        {"id": "s002", "title": "Ok", "track": "t2", "speakers": ["p2"]},
    ], speakers=[{"id": "p1", "name": '<img src=x onerror="alert(2)">', "organization": "</p>"},
                 {"id": "p2", "name": "Ana"}])
    sched = write_schedule_file(tmp_path / "s.yaml", [("s001", "10:30", "r1"), ("s002", "10:30", "r2")])
    out = tmp_path / "out"
    r = cli("render", folder, "--schedule", sched, "-o", out, "-q")
    assert r.exit_code == 0, r.stderr
    for page in SITE_PAGES:
        raw = (out / page).read_text(encoding="utf-8")
        assert XSS not in raw and "<img src=x" not in raw and "<b>bold</b>" not in raw, page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in (out / "index.html").read_text(encoding="utf-8")
    assert XSS in html_text(out / "index.html")
    assert "<script" not in (out / "assets" / "program-data.js").read_text().split("=", 1)[1]
    assert in_pdf_text(XSS, " ".join(pdf_pages(out / "program.pdf")))


def test_render_refuses_a_schedule_that_breaks_hard_rules(tmp_path, cli):
    folder = small_conf(tmp_path / "c")
    rows = SMALL_PLACEMENT[:3] + [("s004", "10:30", "r2")]              # two sessions in r2 at 10:30
    sched = write_schedule_file(tmp_path / "bad.yaml", rows)
    out = tmp_path / "out"
    r = cli("render", folder, "--schedule", sched, "-o", out, "--no-pdf")
    assert r.exit_code == 2
    assert "both in r2" in r.stderr and "s003" in r.stderr and "--force" in r.stderr
    assert not (out / "index.html").exists()
    r = cli("render", folder, "--schedule", sched, "-o", out, "--no-pdf", "--force")
    assert r.exit_code == 0, r.stderr
    assert "breaks" in r.stderr and (out / "index.html").is_file() and not (out / "program.pdf").exists()


def test_render_input_errors_exit_2(tmp_path, cli):
    folder = small_conf(tmp_path / "c")
    r = cli("render", folder, "--schedule", tmp_path / "missing.yaml", "-o", tmp_path / "out")
    assert r.exit_code == 2 and "missing.yaml" in r.stderr and "Traceback" not in r.stderr
    (folder / "rooms.yaml").write_text("- id: r1\n  name: Room 1\n  capacity: lots\n")
    r = cli("render", folder, "--schedule", tmp_path / "missing.yaml")
    assert r.exit_code == 2 and "rooms.yaml" in r.stderr
    assert not (tmp_path / "out").exists()


def test_user_templates_override_by_name_and_errors_name_the_file(tmp_path, cli):
    folder = small_conf(tmp_path / "c")
    sched = write_schedule_file(tmp_path / "s.yaml", SMALL_PLACEMENT)
    mine = tmp_path / "mine"
    (mine / "html").mkdir(parents=True)
    base = (PACKAGE_TEMPLATES / "html" / "base.html").read_text(encoding="utf-8")
    (mine / "html" / "base.html").write_text(base.replace("Made with niic-sched.", "Printed by the committee."))
    out = tmp_path / "out"
    r = cli("render", folder, "--schedule", sched, "-o", out, "--templates", mine, "--no-pdf", "-q")
    assert r.exit_code == 0, r.stderr
    assert "Printed by the committee." in (out / "index.html").read_text(encoding="utf-8")
    assert (out / "assets" / "site.css").read_text() == (PACKAGE_TEMPLATES / "static" / "site.css").read_text()
    before = (out / "index.html").read_bytes()
    (mine / "html" / "index.html").write_text("{# broken #}\n{% extends 'html/base.html' %}\n{% block main %}{% if %}{% endblock %}\n")
    r = cli("render", folder, "--schedule", sched, "-o", out, "--templates", mine, "--no-pdf")
    assert r.exit_code == 2
    assert "html/index.html:3" in r.stderr and "Traceback" not in r.stderr
    assert (out / "index.html").read_bytes() == before          # previous outputs untouched
    assert not [p for p in out.iterdir() if p.name.startswith(".render-")]
    r = cli("render", folder, "--schedule", sched, "--templates", tmp_path / "nope", "-o", out, "--no-pdf")
    assert r.exit_code == 2


def test_a_failed_pdf_leaves_the_previous_outputs(tmp_path, cli):
    folder = small_conf(tmp_path / "c")
    sched = write_schedule_file(tmp_path / "s.yaml", SMALL_PLACEMENT)
    out = tmp_path / "out"
    assert cli("render", folder, "--schedule", sched, "-o", out, "--no-pdf", "-q").exit_code == 0
    old = {p.name: p.read_bytes() for p in out.glob("*.html")}
    mine = tmp_path / "mine"
    (mine / "pdf").mkdir(parents=True)
    (mine / "pdf" / "program.html").write_text("{# pdf #}\n{{ no_such_variable }}\n")
    conf_yaml = folder / "conference.yaml"
    conf_yaml.write_text(conf_yaml.read_text().replace("Test Conference", "Renamed Conference"))
    r = cli("render", folder, "--schedule", sched, "-o", out, "--templates", mine)
    assert r.exit_code == 2 and "no_such_variable" in r.stderr
    assert {p.name: p.read_bytes() for p in out.glob("*.html")} == old
    assert not (out / "program.pdf").exists()
    assert not [p for p in out.iterdir() if p.name.startswith(".render-")]


def test_render_help_has_an_example(cli):
    r = cli("render", "--help")
    assert r.exit_code == 0 and "niic-sched render" in r.stdout and "--door-sheets" in r.stdout


def test_a_wide_program_prints_each_grid_on_its_own_landscape_pages(tmp_path, generated, cli):
    ref = tmp_path / "reference.yaml"
    folder = generated(sessions=150, rooms=20, days=2, slots=11, attendees=60, reference=ref)
    out = tmp_path / "out"
    r = cli("render", folder, "--schedule", ref, "-o", out, "-q")
    assert r.exit_code == 0, r.stderr
    conf = load(folder)
    program = view_of(conf, read_schedule(ref))
    grids = grid_pages(program)
    assert [len(pages) for _, pages in grids] == [3, 3]                 # 20 rooms -> 3 pages of 6-7 rooms
    assert {len(p.grid.rooms) for _, pages in grids for p in pages} == {6, 7}
    reader = PdfReader(str(out / "program.pdf"))
    landscape = [i for i, p in enumerate(reader.pages) if float(p.mediabox.width) > float(p.mediabox.height)]
    assert len(landscape) == 6
    for (day, pages), first in zip(grids, (landscape[0], landscape[3])):
        for k, page in enumerate(pages):
            text = norm(reader.pages[first + k].extract_text())
            assert day.label in text and page.grid.rooms[0].name in text
            assert all(norm(b.item.sessions[0].title)[:12] in text for b in page.cells if b.item.kind != "empty")
