"""A printable agenda workbook: one sheet per day (rooms as columns, slots as
rows, a session over several slots in merged cells, a plenary across every
room) and an "All sessions" sheet listing every session, sortable and
filterable. Pages are landscape, fitted to the page width, with the header rows
repeated on every page. Text that looks like a formula is stored as text.

Its words (sheet names, headings, labels), dates and the grid's times are in the
export's language, titles in it when translated; a right-to-left language gets
right-to-left sheets. The "All sessions" listing keeps sortable 24 h times.
With ``SOURCE_DATE_EPOCH`` or ``--deterministic`` the workbook's own dates are
that stamp (common.export_stamp), so that two exports are the same bytes.
"""
from __future__ import annotations

import io
import math
import os
import re

from ..i18n import N_, capitalize, lang_of, text_direction as direction
from ..labels import format_label, shown, spoken
from ..program import PlacedProgram
from .common import clock, export_stamp, speaker_names

LISTING_HEADERS = (N_("Day"), N_("Start"), N_("End"), N_("Room"), N_("Title"), N_("Speakers"), N_("Track"),
                   N_("Format"), N_("Language"), N_("Session"))

TRACK_FILLS = ("DCEAF7", "FBE3D6", "E2F0D9", "EDE3F3", "FFF2CC", "DDF1F4", "EFE2D8", "FADBEB", "E7E6E6",
               "F1F3D0", "D9DDEE", "E4EBD6")
ROOM_WIDTH = 30       # characters
TIME_WIDTH = 14
LINE_POINTS = 15


def _lines(text: str, width: int) -> int:
    return sum(max(1, math.ceil(len(line) / max(1, width - 2))) for line in text.split("\n"))


def _sheet_title(day, used: set[str], L=None) -> str:
    L = L or lang_of()
    title = f"{capitalize(L.weekday_short(day))} {day.isoformat()}"
    title = "".join(c for c in title if c not in "[]:*?/\\")[:31]
    base, n = title, 2
    while title in used:
        title = f"{base} ({n})"
        n += 1
    used.add(title)
    return title


def _top_left(ws, row: int, column: int) -> tuple[int, int]:
    """The cell that holds the value of (row, column): itself, or its merged range's first."""
    for rng in ws.merged_cells.ranges:
        if rng.min_row <= row <= rng.max_row and rng.min_col <= column <= rng.max_col:
            return rng.min_row, rng.min_col
    return row, column


def xlsx_bytes(program: PlacedProgram, lang: str | None = None, deterministic: bool = False) -> bytes:
    import openpyxl
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    from ..io.workbook_writer import put

    conf = program.conf
    L = lang_of(lang or conf.language)
    tr = L.gettext

    def title_of(s) -> str:
        return shown(conf, L, s, "title")[0]

    def track_of(s) -> str:
        return conf.track_name(s.track, L.code) if s.track else ""

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    thin = Side(style="thin", color="999999")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    head_fill = PatternFill("solid", fgColor="DDE7F0")
    tracks = list(dict.fromkeys(s.track for s in conf.sessions if s.track))
    fills = {t: PatternFill("solid", fgColor=TRACK_FILLS[i % len(TRACK_FILLS)]) for i, t in enumerate(tracks)}

    def align(text: str, horizontal: str | None = None) -> Alignment:
        return Alignment(wrap_text=True, vertical="top", horizontal=horizontal,
                         readingOrder=2 if direction(text) == "rtl" else 0)

    def page_setup(ws, last_col: int, last_row: int, title_rows: str) -> None:
        ws.print_area = f"A1:{get_column_letter(last_col)}{last_row}"
        ws.print_title_rows = title_rows
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        ws.print_options.horizontalCentered = True
        ws.page_margins.left = ws.page_margins.right = 0.4
        ws.page_margins.top = ws.page_margins.bottom = 0.5
        ws.oddFooter.center.text = "&P / &N"
        ws.oddFooter.left.text = conf.name.replace("&", "&&")
        if L.rtl:
            ws.sheet_view.rightToLeft = True

    used_titles: set[str] = set()
    by_day = program.by_day
    for d in conf.days:
        placed = by_day.get(d.date, [])
        ws = wb.create_sheet(_sheet_title(d.date, used_titles, L))
        room_ids = [r.id for r in conf.rooms if any(p.room.id == r.id for p in placed)] or [r.id for r in conf.rooms]
        col = {rid: i + 2 for i, rid in enumerate(room_ids)}
        last_col = 1 + len(room_ids)
        slots = sorted(d.slots, key=lambda s: (s.start, s.end))
        row_of = {(s.start, s.end): i + 3 for i, s in enumerate(slots)}
        last_row = 2 + len(slots)
        heading = f"{conf.name} · {capitalize(L.date_long(d.date))}"
        c = put(ws, 1, 1, heading)
        c.font = Font(bold=True, size=14)
        c.alignment = align(heading)
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(2, last_col))
        ws.row_dimensions[1].height = 24
        c = put(ws, 2, 1, tr(N_("Time")))
        c.font, c.fill, c.border = Font(bold=True), head_fill, box
        for rid, ci in col.items():
            name = conf.room[rid].name
            c = put(ws, 2, ci, name)
            c.font, c.fill, c.border = Font(bold=True), head_fill, box
            c.alignment = align(name, "center")
            ws.column_dimensions[get_column_letter(ci)].width = ROOM_WIDTH
        ws.column_dimensions["A"].width = TIME_WIDTH
        for s in slots:
            r = row_of[(s.start, s.end)]
            label = (L.time_range(s.start, s.end) + ("\n" + tr(N_("plenary")) if s.is_plenary else "")
                     + ("\n" + tr(N_("after midnight")) if s.start >= 24 * 60 else ""))
            c = put(ws, r, 1, label)
            c.font, c.border, c.alignment = Font(bold=True), box, align(label)
            for ci in col.values():
                ws.cell(row=r, column=ci).border = box
        taken: set[tuple[int, int]] = set()
        lines_needed: dict[int, float] = {}
        for p in placed:
            s = p.session
            rows = sorted(row_of[(sl.start, sl.end)] for sl in p.slots if (sl.start, sl.end) in row_of)
            if not rows:
                continue
            r0, r1 = rows[0], rows[-1]
            alone = all(q is p or not (q.start < p.end and p.start < q.end) for q in placed)
            across = s.is_plenary and alone and len(col) > 1
            c0, c1 = (2, last_col) if across else (col[p.room.id], col[p.room.id])
            cells = {(r, ci) for r in range(r0, r1 + 1) for ci in range(c0, c1 + 1)}
            speakers = speaker_names(program, s)
            lang_name = (capitalize(L.language_name(spoken(conf, s)))
                         if s.language or s.interpretation else "")
            text = "\n".join(x for x in (title_of(s), speakers,
                                         " · ".join(y for y in (track_of(s), format_label(L, s.format), lang_name)
                                                    if y),
                                         p.room.name if across else "",
                                         L._("until %(time)s", time=L.time(p.end)) if r1 > r0 else "") if x)
            if cells & taken:      # a clash (the schedule breaks a rule): keep both readable
                r0, c0 = _top_left(ws, r0, col[p.room.id])
                cell = ws.cell(row=r0, column=c0)
                text = f"{cell.value}\n—\n{text}" if cell.value else text
                r1, c1 = r0, c0
            elif len(cells) > 1:
                ws.merge_cells(start_row=r0, start_column=c0, end_row=r1, end_column=c1)
            taken |= cells
            c = put(ws, r0, c0, text)
            c.alignment = align(text, "center" if across else None)
            c.border = box
            if s.track in fills:
                c.fill = fills[s.track]
            width = ROOM_WIDTH * (c1 - c0 + 1)
            per_row = _lines(text, width) / (r1 - r0 + 1)
            for r in range(r0, r1 + 1):
                lines_needed[r] = max(lines_needed.get(r, 1), per_row)
        for r in range(3, last_row + 1):
            ws.row_dimensions[r].height = max(2, math.ceil(lines_needed.get(r, 2))) * LINE_POINTS
        ws.freeze_panes = "B3"
        page_setup(ws, max(2, last_col), last_row, "1:2")

    # the full listing
    ws = wb.create_sheet(tr(N_("All sessions"))[:31])
    headers = tuple(tr(h) for h in LISTING_HEADERS)
    widths = (12, 8, 8, 24, 50, 36, 20, 11, 9, 11)
    for i, (h, w) in enumerate(zip(headers, widths), start=1):
        c = put(ws, 1, i, h)
        c.font, c.fill, c.border = Font(bold=True), head_fill, box
        ws.column_dimensions[get_column_letter(i)].width = w

    def listing_row(ws, r: int, values) -> None:
        lines = 1
        for i, v in enumerate(values, start=1):
            if v:
                c = put(ws, r, i, v)
                c.alignment = align(str(v))
                lines = max(lines, _lines(str(v), widths[i - 1]))
        ws.row_dimensions[r].height = lines * LINE_POINTS

    r = 1
    for p in program.placements:
        s = p.session
        r += 1
        values = (p.begins.date().isoformat(), clock(p.start), clock(p.end), p.room.name, title_of(s),
                  speaker_names(program, s), track_of(s), format_label(L, s.format), s.language or "", s.id)
        listing_row(ws, r, values)
    for s in program.unplaced:
        r += 1
        listing_row(ws, r, (tr(N_("not scheduled")), "", "", "", title_of(s), speaker_names(program, s),
                            track_of(s), format_label(L, s.format), s.language or "", s.id))
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{max(r, 2)}"
    page_setup(ws, len(headers), max(r, 1), "1:1")
    if not wb.worksheets:
        wb.create_sheet(tr(N_("Agenda"))[:31])
    buf = io.BytesIO()
    wb.save(buf)
    if deterministic or os.environ.get("SOURCE_DATE_EPOCH", "").strip():
        return _stamped(buf.getvalue(), export_stamp(conf, deterministic))
    return buf.getvalue()


def _stamped(data: bytes, stamp) -> bytes:
    """The workbook with one time in it (``stamp``): the created and modified dates of
    docProps/core.xml and the date of every zip member, so that two exports of one
    schedule are the same bytes (openpyxl writes the time of saving)."""
    import zipfile
    when = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    date_time = max(stamp.timetuple()[:6], (1980, 1, 1, 0, 0, 0))    # zip dates start in 1980
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:(created|modified)\b[^>]*>)[^<]*", rb"\g<1>" + when.encode(), body)
            member = zipfile.ZipInfo(info.filename, date_time=date_time)
            member.compress_type, member.external_attr = zipfile.ZIP_DEFLATED, info.external_attr
            dst.writestr(member, body)
    return out.getvalue()

