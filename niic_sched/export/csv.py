"""CSV: one row per session, for spreadsheets, mail merges and badge printers.

UTF-8 with a byte-order mark, so that Excel opens accents and Arabic script
correctly. Sessions that the schedule does not place get a row with empty time
and room. ``day``/``start``/``end`` are as in schedule.yaml (a start of 25:15 is
1:15 after midnight of that conference day); ``begins``/``ends`` are the real
local date and time ("2014-12-09 01:15").

Formula injection: a cell that begins with = + - @, a tab or a carriage return
would be run as a formula by Excel or LibreOffice, so such cells are written
with a leading apostrophe (``'=1+1``), which spreadsheets show as plain text.
"""
from __future__ import annotations

import csv
import io

from ..model import hhmm
from ..program import PlacedProgram

COLUMNS = ("session", "title", "format", "track", "day", "start", "end", "begins", "ends", "room", "room_name",
           "speakers", "organizations", "language", "expected_attendance", "abstract")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def guard(value) -> str:
    """A cell that a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def rows(program: PlacedProgram) -> list[list[str]]:
    def people(s) -> list[str]:
        speakers = program.speakers_of(s)
        return ["; ".join(p.name for p in speakers),
                "; ".join(dict.fromkeys(p.organization for p in speakers if p.organization))]

    out = []
    for p in program.placements:
        s = p.session
        out.append([s.id, s.title, s.format, s.track, p.day.isoformat(), hhmm(p.start), hhmm(p.end),
                    p.begins.strftime("%Y-%m-%d %H:%M"), p.ends.strftime("%Y-%m-%d %H:%M"), p.room.id, p.room.name,
                    *people(s), s.language or "", s.expected_attendance or "", s.abstract])
    for s in program.unplaced:
        out.append([s.id, s.title, s.format, s.track, "", "", "", "", "", "", "",
                    *people(s), s.language or "", s.expected_attendance or "", s.abstract])
    return out


def spreadsheet_csv(header, body) -> bytes:
    """CSV that spreadsheets open right: UTF-8 with a BOM, CRLF, no cell run as a formula."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header)
    for row in body:
        w.writerow([guard(v) for v in row])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def csv_bytes(program: PlacedProgram, lang: str | None = None) -> bytes:
    """One row per session (``lang`` is accepted and ignored: CSV is data, the same in every language)."""
    return spreadsheet_csv(COLUMNS, rows(program))
