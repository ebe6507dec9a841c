"""The printed program (program.pdf) and the door sheets (door-sheets.pdf), made with WeasyPrint.

program.pdf: cover, contents, one landscape grid per day (cut into pages of at
most 8-12 rooms and 12 slots, with fixed row heights and clamped text, so that
a grid never splits across pages), the full listing by day and time, a speaker
index with page numbers, and the rooms with their features. door-sheets.pdf
(``--door-sheets``): one page per room and day, to post on the door.

One booklet per edition, in its language; on the conference's paper
(``Conference.paper_size``: Letter or A4). In a right-to-left edition the grid is
mirrored (times on the right, the first room next to them) and the running
header swaps sides.

Speed: the booklet is laid out in four WeasyPrint documents (front, grids,
listing, back) that are joined page by page into one PDF. The listing is laid
out first, so the page of every session is known before the grids and the
speaker index print it as plain text: CSS target-counter and multi-column
layout, which make WeasyPrint re-lay pages, are not used. A 1000-session
program renders in a fraction of the time of a single-document layout
(benchmarks/bench_render.py).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from . import RenderError, asset
from .fit import MIN_FONT_PT, fit as fit_titles
from .view import DayView, Grid, ProgramView

MAX_ROWS = 12          # slots on one grid page (landscape)
# speaker index: items are one line of fixed height (4 mm in program.css), laid out in three
# columns per page; CSS multi-column layout would be far slower in WeasyPrint
INDEX_COLUMNS = 3
INDEX_LINES = 62        # lines per column on a full A4 page (264 mm of text area / 4 mm, with a margin)
INDEX_LINES_FIRST = 57  # the first page also holds the section title
# paper -> (grid width, grid height below the page title (mm, inside the landscape margins),
#           speaker index lines per column, on the first page); Letter: 246 mm of portrait text area
PAPER = {"a4": (277.0, 171.0, INDEX_LINES, INDEX_LINES_FIRST), "letter": (259.4, 176.9, 57, 52)}
PAGE_SIZE = {"a4": "A4", "letter": "letter"}


def max_cols(rows: int) -> int:
    """Rooms on one grid page: more when the day has few slots (taller cells)."""
    if rows <= 6:
        return 12
    if rows <= 8:
        return 10
    return 8


def grid_pages(program: ProgramView) -> list[tuple[DayView, list[GridPage]]]:
    """Each day with sessions and its grid pages, laid out (mirrored in a right-to-left edition)."""
    out = []
    width, height, _, _ = PAPER.get(program.paper, PAPER["a4"])
    time_w = GRID_TIME_12 if program.L is not None and program.L.clock == "12" else GRID_TIME
    for day in program.days:
        if not day.sessions:
            continue
        rows = min(len(day.slots), MAX_ROWS)
        out.append((day, [layout_grid(day, g, width=width, height=height, time_width=time_w, rtl=program.rtl)
                          for g in day.grid_pages(max_cols(rows), MAX_ROWS)]))
    return out


# grid page geometry (mm), inside the text area of an A4 landscape page (277 x 186 mm)
GRID_HEIGHT = 171.0     # below the page title
GRID_HEAD = 11.0        # the row of room names (two lines of name, one of seats)
GRID_TIME = 12.0        # the column of times (24 h clock: "10:15")
GRID_TIME_12 = 16.0     # ... 12 h clock: "10:15 AM"
GRID_WIDTH = 277.0
GRID_MAX_ROW = 32.0     # a row is never taller than this


@dataclass
class Box:
    """A rectangle of a grid page, in mm from the top left corner of the grid."""
    x: float
    y: float
    w: float
    h: float
    item: object = None     # view.RoomView, view.Row or view.Cell
    scale: float = 1.0      # text size of a cell, set by render/fit.py so that its title fits whole
    hide: tuple = ()        # lines a cell leaves out to fit ("speakers", "meta"; render/fit.py)

    @property
    def style(self) -> str:
        out = f"left:{self.x:.2f}mm;top:{self.y:.2f}mm;width:{self.w:.2f}mm;height:{self.h:.2f}mm"
        if self.scale != 1.0:
            out += f";font-size:{self.scale * 100:.1f}%"
        return out + "".join(f";--pc-{part}:none" for part in self.hide)


@dataclass
class GridPage:
    """One grid page laid out as absolutely positioned boxes: WeasyPrint places these far faster
    than a table, and a box clips what does not fit, so a grid page never runs onto a second page."""
    day: DayView
    grid: Grid
    density: str                       # "roomy" | "medium" | "dense": font size and lines per cell
    height: float
    heads: list[Box] = field(default_factory=list)
    times: list[Box] = field(default_factory=list)
    cells: list[Box] = field(default_factory=list)
    corner: Box | None = None          # the "Time" heading above the times


def layout_grid(day: DayView, grid: Grid, *, width: float = GRID_WIDTH, height: float = GRID_HEIGHT,
                time_width: float = GRID_TIME, rtl: bool = False) -> GridPage:
    """The boxes of one grid page: times in the first column, rooms after it, in reading
    order (left to right, or mirrored: right to left)."""
    n_rows = max(1, len(grid.rows))
    n_cols = max(1, len(grid.rooms))
    row_h = min(GRID_MAX_ROW, (height - GRID_HEAD) / n_rows)
    col_w = (width - time_width) / n_cols
    density = "dense" if n_rows > 8 else ("medium" if n_rows > 6 else "roomy")
    page = GridPage(day, grid, density, GRID_HEAD + row_h * n_rows)

    def box(x: float, y: float, w: float, h: float, item) -> Box:
        return Box(width - x - w if rtl else x, y, w, h, item)

    page.heads = [box(time_width + j * col_w, 0, col_w, GRID_HEAD, room) for j, room in enumerate(grid.rooms)]
    for i, row in enumerate(grid.rows):
        page.times.append(box(0, GRID_HEAD + i * row_h, time_width, row_h, row))
        for cell in row.cells:
            page.cells.append(box(time_width + cell.col * col_w, GRID_HEAD + cell.row * row_h,
                                  col_w * cell.colspan, row_h * cell.rowspan, cell))
    page.corner = box(0, 0, time_width, GRID_HEAD, None)
    return page


def index_pages(program: ProgramView, columns: int = INDEX_COLUMNS, lines: int | None = None,
                first: int | None = None) -> list[list[list[tuple[str, object]]]]:
    """The speaker index cut into pages -> columns -> items ("letter", "A") / ("gap", "") /
    ("speaker", SpeakerView). A letter heading never ends a column; no column starts with a gap.
    Lines per column: the paper's (PAPER) unless given."""
    _, _, paper_lines, paper_first = PAPER.get(program.paper, PAPER["a4"])
    lines = paper_lines if lines is None else lines
    first = paper_first if first is None else first
    items: list[tuple[str, object]] = []
    last = None
    for p in program.speakers:
        if p.initial != last:
            items.append(("letter", p.initial))
            last = p.initial
        items.append(("speaker", p))
    pages: list[list[list[tuple[str, object]]]] = []
    page: list[list[tuple[str, object]]] = []
    col: list[tuple[str, object]] = []
    capacity = first

    def close_column():
        nonlocal col, page, capacity
        page.append(col)
        col = []
        if len(page) == columns:
            pages.append(page)
            page = []
            capacity = lines

    for kind, item in items:
        if kind == "letter":
            needed = 2 + (1 if col else 0)          # (gap), heading, and at least one name
            if len(col) + needed > capacity:
                close_column()
            if col:
                col.append(("gap", ""))
        elif len(col) + 1 > capacity:
            close_column()
        col.append((kind, item))
    if col:
        page.append(col)
    if page:
        pages.append(page)
    return pages


def door_sheet_pages(program: ProgramView):
    """[(room, day, sessions)] for every room and day with sessions there."""
    out = []
    for room in program.rooms:
        for day in program.days:
            sessions = [s for s in room.sessions if s.day is day]
            if sessions:
                out.append((room, day, sessions))
    return out


def page_css(program: ProgramView, running: bool) -> str:
    """The page rules that depend on the edition: the paper, and the running header (the
    conference's name on the outer side, the section on the other; swapped right to left)."""
    size = PAGE_SIZE.get(program.paper, "A4")
    css = f"@page {{ size: {size}; }} @page grid {{ size: {size} landscape; }} @page cover {{ size: {size}; }}"
    if running:
        name = css_string(program.acronym or program.name)
        if program.rtl:
            css += (f" @page {{ @top-right {{ content: {name}; }} @top-left {{ content: string(section); }} }}"
                    " @page cover { @top-right { content: none; } @top-left { content: none; } }")
        else:
            css += f" @page {{ @top-left {{ content: {name}; }} }}"
    return css


def css_string(text: str) -> str:
    """A CSS string literal holding ``text`` (quotes, backslashes and line breaks escaped)."""
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch in "\n\r\f" or ord(ch) < 0x20 or ord(ch) == 0x7f:
            out.append(f"\\{ord(ch):x} ")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _weasyprint():
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # missing pango/harfbuzz system libraries
        raise RenderError(f"the PDF engine WeasyPrint cannot start ({exc}).\n"
                          "    fix: run `make system-deps` (installs pango and the fonts), or pass --no-pdf") from None
    return weasyprint


_NOTE_PSEUDOS = re.compile(r"^::(footnote-call|footnote-marker|note-call|note-marker|note-callback)\s*\{[^}]*\}[ \t]*$",
                           re.M)


def html_class(weasyprint):
    """WeasyPrint's HTML class with a lighter user-agent stylesheet, when the installed
    WeasyPrint allows it: its stylesheet gives every element six pseudo-elements (list
    marker, footnote and note calls) whose styles WeasyPrint then computes; the program
    uses no footnotes and markers only on list items. This cuts the style work of a large
    booklet several times. Any other WeasyPrint falls back to the plain HTML class."""
    try:
        from weasyprint import html as wp_html
        ua = wp_html.UA
        counter_style = wp_html.UA_COUNTER_STYLE
    except (ImportError, AttributeError):
        return weasyprint.HTML
    if not callable(getattr(weasyprint.HTML, "_ua_stylesheets", None)):
        return weasyprint.HTML
    light = _NOTE_PSEUDOS.sub("", ua)
    light = re.sub(r"^::marker(\s*\{)", r"li::marker\1", light, flags=re.M)
    sheet = weasyprint.CSS(string=light, counter_style=counter_style)

    class LightHTML(weasyprint.HTML):
        def _ua_stylesheets(self, forms=False):
            return [sheet]

    return LightHTML


class _Booklet:
    """Lays out the parts of program.pdf with one font configuration and shared stylesheets."""

    def __init__(self, weasyprint, program: ProgramView, env: jinja2.Environment, base: Path):
        self.wp, self.program, self.base = weasyprint, program, base
        self.html = html_class(weasyprint)
        self.fonts = weasyprint.text.fonts.FontConfiguration()
        self.sheets = [weasyprint.CSS(string=css, font_config=self.fonts)
                       for css in (asset(env, "pdf/program.css"),
                                   env.get_template("static/tracks.css").render(program=program),
                                   page_css(program, running=True))]
        self.template = env.get_template("pdf/program.html")
        self.grids = grid_pages(program)
        self.index = index_pages(program)

    def grids_document(self, first_page: int, pages: dict[str, int], document=None):
        """The grid pages laid out with every cell fitted to its text (render/fit.py):
        (document, the cell boxes whose title does not fit even at the smallest size)."""
        return fit_titles(lambda: self.layout("grids", first_page, pages),
                          [g for _, gs in self.grids for g in gs], document)

    def layout(self, part: str, first_page: int, pages: dict[str, int]):
        html = self.template.render(program=self.program, part=part, pages=pages, grids=self.grids,
                                    index_pages=self.index)
        start = self.wp.CSS(string=f"@page :first {{ counter-reset: page {first_page}; }}", font_config=self.fonts)
        return self.html(string=html, base_url=str(self.base)).render(
            stylesheets=self.sheets + [start], font_config=self.fonts)


def anchor_pages(document, first_page: int) -> dict[str, int]:
    """{anchor: printed page number} of a laid-out document whose first page is ``first_page``."""
    out: dict[str, int] = {}
    for i, page in enumerate(document.pages):
        for name in page.anchors:
            out.setdefault(name, first_page + i)
    return out


def write_program_pdf(program: ProgramView, env: jinja2.Environment, target: Path) -> int:
    """Lay out the four parts, number them, join them into ``target``; returns the page count."""
    b = _Booklet(_weasyprint(), program, env, target.parent)
    front = b.layout("front", 1, {})                         # the front's length does not depend on numbers
    f = len(front.pages)
    n_grids = sum(len(g) for _, g in b.grids)
    pages: dict[str, int] = {}
    listing = None
    if program.sessions:
        listing = b.layout("listing", f + n_grids + 1, {})
        pages.update(anchor_pages(listing, f + n_grids + 1))
    grids = b.layout("grids", f + 1, pages) if n_grids else None
    if grids is not None and len(grids.pages) != n_grids:
        # a grid table spilled onto a second page (very long names in a user template): renumber
        n_grids = len(grids.pages)
        listing = b.layout("listing", f + n_grids + 1, {})
        pages = anchor_pages(listing, f + n_grids + 1)
        grids = b.layout("grids", f + 1, pages)
    if grids is not None:                 # every title whole: cells whose text does not fit are set smaller
        grids, unfit = b.grids_document(f + 1, pages, grids)
        for box in unfit:
            ids = ", ".join(s.id for s in box.item.sessions)
            program.warnings.append(f"program.pdf: the grid cell of {ids} is too small for its title even at "
                                    f"{MIN_FONT_PT:g} pt: part of it is cut in the grid (the listing has it whole)")
        pages.update(anchor_pages(grids, f + 1))
    back_first = f + n_grids + (len(listing.pages) if listing else 0) + 1
    back = b.layout("back", back_first, pages)
    pages.update(anchor_pages(back, back_first))
    front = b.layout("front", 1, pages)
    parts = [front] + [d for d in (grids, listing) if d is not None] + [back]
    document = front.copy([p for d in parts for p in d.pages])
    document.write_pdf(target)
    return len(document.pages)


def write_door_sheets(program: ProgramView, env: jinja2.Environment, target: Path) -> int:
    wp = _weasyprint()
    fonts = wp.text.fonts.FontConfiguration()
    sheets = [wp.CSS(string=css, font_config=fonts)
              for css in (asset(env, "pdf/door-sheets.css"),
                          env.get_template("static/tracks.css").render(program=program),
                          page_css(program, running=False))]
    html = env.get_template("pdf/door-sheets.html").render(program=program, sheets=door_sheet_pages(program))
    document = html_class(wp)(string=html, base_url=str(target.parent)).render(stylesheets=sheets, font_config=fonts)
    document.write_pdf(target)
    return len(document.pages)


def write_pdfs(program: ProgramView, env: jinja2.Environment, dest: Path, door_sheets: bool = False,
               names: tuple[str, str] = ("program.pdf", "door-sheets.pdf")) -> tuple[list[str], dict[str, int]]:
    """Write the booklet (and the door sheets) into ``dest`` under ``names``; returns (names, pages per file)."""
    booklet, doors = names
    written, pages = [booklet], {}
    pages[booklet] = write_program_pdf(program, env, dest / booklet)
    if door_sheets:
        pages[doors] = write_door_sheets(program, env, dest / doors)
        written.append(doors)
    return written, pages
