"""Exports of a solved program: a printable agenda workbook, iCalendar, frab
XML and JSON (conference apps), and CSV, as UTF-8 bytes (the caller writes
them atomically, io/atomic.py).

    data, warnings = render(conf, schedule, "ics", "program/schedule.yaml")
    data = render_placed(PlacedProgram.build(conf, schedule), "ics")      # the same bytes
    data = render_placed(program, "xlsx", lang="es")                     # the agenda in Spanish

The words a reader sees (the xlsx agenda's labels, the ics and frab descriptions, the
titles) are in ``lang``, a language of the conference (default: its main language): the
titles are their translations into it when the sessions have them. CSV is data: its
columns and values are the same in every language.
"""
from __future__ import annotations

from importlib import import_module
from typing import Callable

from ..model import Conference, Schedule
from ..program import PlacedProgram


def _lazy(module: str, function: str, stamped: bool = False) -> Callable[..., bytes]:
    """The writer ``function`` of ``module``, imported on first use (openpyxl, icalendar are slow to load);
    ``stamped``: it writes when it was made, and takes ``deterministic`` (common.export_stamp)."""
    def write(program: PlacedProgram, lang: str | None = None, deterministic: bool = False) -> bytes:
        writer = getattr(import_module(f".{module}", __name__), function)
        if stamped:
            return writer(program, lang=lang, deterministic=deterministic)
        return writer(program, lang=lang)
    write.__name__ = write.__qualname__ = function
    return write


# format -> (writer of a PlacedProgram (and a language) -> bytes, default file name under program/)
FORMATS: dict[str, tuple[Callable[..., bytes], str]] = {
    "xlsx": (_lazy("xlsx", "xlsx_bytes", stamped=True), "agenda.xlsx"),
    "ics": (_lazy("ics", "ics_bytes", stamped=True), "schedule.ics"),
    "frab-xml": (_lazy("frab", "frab_xml_bytes"), "schedule.xml"),
    "frab-json": (_lazy("frab", "frab_json_bytes"), "schedule.json"),
    "csv": (_lazy("csv", "csv_bytes"), "sessions.csv"),
}


def render_placed(program: PlacedProgram, fmt: str, lang: str | None = None, deterministic: bool = False) -> bytes:
    """The bytes of one export of a placed program, its words in ``lang`` (default: the main
    language); ``deterministic`` (or SOURCE_DATE_EPOCH): the same bytes for the same program,
    whenever it is exported."""
    return FORMATS[fmt][0](program, lang, deterministic)


def render(conf: Conference, schedule: Schedule, fmt: str, source: str = "schedule",
           lang: str | None = None) -> tuple[bytes, list[str]]:
    """The export's bytes and any warnings (ScheduleMismatch, an InputError, when the
    schedule does not fit the conference; hard rules are not judged here)."""
    program = PlacedProgram.build(conf, schedule, source)
    return render_placed(program, fmt, lang), list(program.warnings)
