"""The printed program (issue 14): the paper, grid titles never clipped, the speaker index by family name."""
from __future__ import annotations

import re
import subprocess
import unicodedata
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from conftest import run_cli
from helpers import write_conf
from niic_sched.io import load
from niic_sched.io.schedule_file import read_schedule
from niic_sched.names import index_letter, sort_key
from niic_sched.program import PlacedProgram
from niic_sched.render import environment, fit
from niic_sched.render.pdf import _Booklet, _weasyprint
from niic_sched.render.view import program_view
from niic_sched.versions import keep
from sample_fixtures import pdf_text, printed_and_added  # noqa: F401 (a fixture)

POINTS = {"letter": (612, 792), "a4": (595, 842)}      # portrait, in PDF points (rounded)
ARABIC = "الجاليات العربية بعد النزوح: Supporting Iraqi and Syrian Refugee Families"
LONG = ("Implementing Administrative Relief: Setting Up DAPA and Expanded DACA Application Clinics With "
        "Attorneys, Volunteers, Interpreters and Community Partners Across Southern California")


def sizes(pdf: Path) -> set[tuple[int, int]]:
    """The page sizes of a PDF, each as (short side, long side) in points."""
    out = set()
    for page in PdfReader(str(pdf)).pages:
        w, h = round(float(page.mediabox.width)), round(float(page.mediabox.height))
        out.add((min(w, h), max(w, h)))
    return out


def squash(text: str) -> str:
    """Text without spaces, line breaks and hyphens (a title wrapped, broken inside a word, or after a
    hyphen that pdftotext then joins up, compares whole)."""
    return re.sub(r"[\s\-\u00ad\u2010]+", "", unicodedata.normalize("NFKC", text))


def conference(folder: Path, **conf) -> Path:
    sessions = [dict(id=f"s{i:02d}", title=t, speakers=[f"p{i % 3 + 1}"], track=f"track-{i % 3}")
                for i, t in enumerate(["Citizenship clinic", ARABIC, LONG, "Census outreach", "Youth leadership",
                                       "Workers' rights"], 1)]
    return write_conf(folder, conference=conf, sessions=sessions, speakers=[
        {"id": "p1", "name": "María Núñez García", "email": "maria@example.org", "language": "es"},
        {"id": "p2", "name": "Ludwig van Beethoven"}, {"id": "p3", "name": "김민지", "phone": "+1 555 0100"}])


# -- the paper ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("paper, zone", [("letter", "Europe/Berlin"), ("a4", "America/Los_Angeles"),
                                         ("", "America/Chicago"), ("", "Europe/Madrid")])
def test_every_printed_output_is_on_the_conference_paper(tmp_path, paper, zone):
    folder = conference(tmp_path / "conf", time_zone=zone, **({"paper": paper} if paper else {}))
    expected = paper or ("letter" if zone.startswith("America/") else "a4")
    assert load(folder).paper_size == expected
    assert run_cli("solve", folder, "--time-limit", "3", "-q").exit_code == 0
    keep(folder / "program" / "schedule.yaml")                    # a printed version: the handout is made
    r = run_cli("render", folder, "--door-sheets", "-q")
    assert r.exit_code == 0, r.stderr
    r = run_cli("letters", folder, "-q", "--format", "pdf")
    assert r.exit_code == 0, r.stderr
    program = folder / "program"
    made = [program / n for n in ("program.pdf", "door-sheets.pdf", "changes.pdf")] + \
        sorted((program / "letters").glob("*.pdf"))
    assert len(made) == 6
    for pdf in made:
        assert sizes(pdf) == {POINTS[expected]}, pdf.name            # grid pages: the same paper, landscape


# -- grid titles are never clipped -------------------------------------------------------------------------------
def grids_of(folder: Path, schedule: Path):
    conf = load(folder)
    program = program_view(PlacedProgram.build(conf, read_schedule(schedule)))
    b = _Booklet(_weasyprint(), program, environment(None, program.language), folder)
    document, unfit = b.grids_document(3, {})
    return b, document, unfit


def check_cells(document, tmp_path: Path) -> list[str]:
    """Every session cell of a laid-out grids document: its content fits inside (WeasyPrint's boxes),
    its titles are laid out whole, and pdftotext finds each title whole inside the cell's rectangle
    on the written page (text drawn outside a cell would be clipped on paper). Returns the titles."""
    pdf = tmp_path / "grids.pdf"
    document.write_pdf(pdf)
    checked = []
    for page, _, box in fit.cells(document):
        ratio, sideways, laid_out = fit.measure(box)
        assert ratio <= 1.01 and not sideways, (page, laid_out, ratio, sideways)
        titles = [el for el in box.element.iter() if "pc-title" in (el.get("class") or "")]
        assert titles
        expected = squash("".join("".join(el.itertext()) for el in titles).replace("(cont.)", ""))
        assert squash(laid_out).replace("(cont.)", "") == expected          # no line clamped away
        pt = 0.75                                                            # CSS px -> PDF points
        x, y = box.position_x * pt, box.position_y * pt
        w, h = box.margin_width() * pt, box.margin_height() * pt
        crop = subprocess.run(["pdftotext", "-enc", "UTF-8", "-f", str(page + 1), "-l", str(page + 1),
                               "-x", str(int(x)), "-y", str(int(y)), "-W", str(int(w) + 1), "-H", str(int(h) + 1),
                               str(pdf), "-"], check=True, capture_output=True).stdout.decode("utf-8")
        for el in titles:
            title = squash("".join(el.itertext()).replace("(cont.)", ""))
            words = [squash(wd) for wd in re.split(r"[\s:]+", "".join(el.itertext())) if wd and wd != "(cont.)"]
            flat = squash(crop)
            assert title in flat or all(wd in flat or wd[::-1] in flat for wd in words), (title, crop)
            checked.append("".join(el.itertext()))
    return checked


def dense(folder: Path) -> Path:
    """Eleven slots in one day (dense grids), two rooms, long titles (an Arabic one) in every cell,
    two speakers each; the schedule is written by hand (every slot of both rooms taken)."""
    slots = [{"start": f"{8 + i:02d}:00", "end": f"{8 + i:02d}:50"} for i in range(11)]
    titles = [LONG, ARABIC, LONG + " (repeated)", "Rights & Freedom: " + LONG.lower()]
    names = ["Alejandro Muñoz-Reyes", "فاطمة الحسيني", "Marie-Josée Pierre-Louis", "Nguyễn Thị Minh"]
    sessions = [dict(id=f"s{i:02d}", title=titles[i % 4], speakers=[f"p{2 * i}", f"p{2 * i + 1}"],
                     duration=50, track=f"t{i % 3}") for i in range(22)]
    write_conf(folder, days=[{"date": "2014-12-08", "slots": slots}], sessions=sessions,
               speakers=[{"id": f"p{i}", "name": f"{names[i % 4]} {i}"} for i in range(44)],
               rooms=[{"id": "r1", "name": "California Ballroom A", "capacity": 400},
                      {"id": "r2", "name": "Santa Anita B", "capacity": 120}])
    rows = [{"session": f"s{i:02d}", "day": "2014-12-08", "start": slots[i % 11]["start"],
             "room": "r1" if i < 11 else "r2"} for i in range(22)]
    (folder / "program").mkdir()
    (folder / "program" / "schedule.yaml").write_text(yaml.safe_dump({"assignments": rows, "unscheduled": []},
                                                                     sort_keys=False), encoding="utf-8")
    return folder


def test_dense_grid_shows_every_long_and_right_to_left_title_whole(tmp_path):
    folder = dense(tmp_path / "dense")
    b, document, unfit = grids_of(folder, folder / "program" / "schedule.yaml")
    assert unfit == []
    titles = check_cells(document, tmp_path)
    assert len(titles) == 22 and ARABIC in titles
    cells = [box for _, pages in b.grids for g in pages for box in g.cells if box.item.kind != "empty"]
    assert any(box.scale < 1 for box in cells)                       # some were set smaller to fit ...
    floor = fit.MIN_FONT_PT / fit.BASE_FONT_PT["dense"]
    assert all(box.scale >= floor - 1e-9 for box in cells)           # ... never below the readable minimum


def test_a_title_too_long_for_any_cell_is_reported_not_hidden(tmp_path):
    folder = dense(tmp_path / "dense")
    path = folder / "sessions" / "s00.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc["title"] = " ".join(["Administrative relief"] * 40)
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    r = run_cli("render", folder)
    assert r.exit_code == 0, r.stderr
    assert "warning: program.pdf: the grid cell of s00 is too small for its title even at 5 pt" in r.stderr
    _, document, unfit = grids_of(folder, folder / "program" / "schedule.yaml")
    assert [s.id for box in unfit for s in box.item.sessions] == ["s00"]
    assert "speakers" in unfit[0].hide and "meta" in unfit[0].hide    # everything else gave way first


def test_the_sample_grid_shows_every_title_whole(printed_and_added, tmp_path):
    folder = printed_and_added.folder
    b, document, unfit = grids_of(folder, folder / "program" / "schedule.yaml")
    assert unfit == []
    titles = check_cells(document, tmp_path)
    assert len(titles) == 70                                        # every session of the grids, once
    assert ARABIC in titles                                         # the sample's Arabic title among them


# -- the speaker index ---------------------------------------------------------------------------------------------
def test_the_index_files_speakers_by_family_name_and_keeps_its_heading(printed_and_added):
    program = printed_and_added.folder / "program" / "program.pdf"
    pages = PdfReader(str(program)).pages
    assert {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in pages} <= {(612, 792),
                                                                                                (792, 612)}
    texts = [pdf_text(program, i, i) for i in range(1, len(pages) + 1)]
    heading = [i for i, t in enumerate(texts) if "Speaker index" in t and "Contents" not in t]
    assert heading, "no page starts the speaker index"
    page = " ".join(texts[heading[0]].split())
    assert "María Núñez" in page and "Ángela Peña" in page            # the heading is not alone on its page
    # by family name: Núñez (N) before Peña (P), though Ángela comes before María
    assert page.index("María Núñez") < page.index("Ángela Peña")
    conf = load(printed_and_added.folder)
    assert index_letter("김민지") == "김" and sort_key("김민지")[0] == "김"     # a Hangul syllable stays whole
    names = [p.name for p in conf.speakers]
    letters = {index_letter(n, "") for n in names}
    assert "김" in letters and not any(0x1100 <= ord(c) <= 0x11FF for c in "".join(letters))


def test_track_names_are_the_conferences_in_what_is_printed(printed_and_added):
    folder = printed_and_added.folder
    handout = " ".join(pdf_text(folder / "program" / "changes.pdf").split())
    assert "Rights & Freedom" in handout and "Rights Freedom" not in handout
    spanish = " ".join(pdf_text(folder / "program" / "changes-es.pdf").split())
    assert "Ciudadanía" in spanish and "Cambios desde el programa impreso" in spanish
