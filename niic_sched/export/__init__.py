"""Exports of a solved program: a printable agenda workbook, iCalendar, frab
XML and JSON (conference apps), and CSV, as UTF-8 bytes (the caller writes
them atomically, io/atomic.py).

    data, warnings = render(conf, schedule, "ics", "program/schedule.yaml")
    data = render_placed(PlacedProgram.build(conf, schedule), "ics")      # the same bytes
"""
from __future__ import annotations

from importlib import import_module
from typing import Callable

from ..model import Conference, Schedule
from ..program import PlacedProgram


def _lazy(module: str, function: str, stamped: bool = False) -> Callable[..., bytes]:
    """The writer ``function`` of ``module``, imported on first use (openpyxl, icalendar are slow to load);
    ``stamped``: it writes when it was made, and takes ``deterministic`` (common.export_stamp)."""
    def write(program: PlacedProgram, deterministic: bool = False) -> bytes:
        writer = getattr(import_module(f".{module}", __name__), function)
        return writer(program, deterministic=deterministic) if stamped else writer(program)
    write.__name__ = write.__qualname__ = function
    return write


# format -> (writer of a PlacedProgram -> bytes, default file name under program/)
FORMATS: dict[str, tuple[Callable[[PlacedProgram], bytes], str]] = {
    "xlsx": (_lazy("xlsx", "xlsx_bytes", stamped=True), "agenda.xlsx"),
    "ics": (_lazy("ics", "ics_bytes", stamped=True), "schedule.ics"),
    "frab-xml": (_lazy("frab", "frab_xml_bytes"), "schedule.xml"),
    "frab-json": (_lazy("frab", "frab_json_bytes"), "schedule.json"),
    "csv": (_lazy("csv", "csv_bytes"), "sessions.csv"),
}


def render_placed(program: PlacedProgram, fmt: str, deterministic: bool = False) -> bytes:
    """The bytes of one export of a placed program; ``deterministic`` (or SOURCE_DATE_EPOCH):
    the same bytes for the same program, whenever it is exported."""
    return FORMATS[fmt][0](program, deterministic)


def render(conf: Conference, schedule: Schedule, fmt: str, source: str = "schedule") -> tuple[bytes, list[str]]:
    """The export's bytes and any warnings (ScheduleMismatch, an InputError, when the
    schedule does not fit the conference; hard rules are not judged here)."""
    program = PlacedProgram.build(conf, schedule, source)
    return render_placed(program, fmt), list(program.warnings)
