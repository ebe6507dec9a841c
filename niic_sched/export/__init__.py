"""Exports of a solved program: a printable agenda workbook, iCalendar, frab
XML and JSON (conference apps), and CSV. Each is written atomically, in UTF-8.

    export(conf, schedule, "ics", "program/schedule.ics")
"""
from __future__ import annotations

import os
from typing import Callable

from ..io.atomic import write_bytes_atomic
from ..model import Conference, Schedule
from .common import Program


def _xlsx(p: Program) -> bytes:
    from .xlsx import xlsx_bytes
    return xlsx_bytes(p)


def _ics(p: Program) -> bytes:
    from .ics import ics_bytes
    return ics_bytes(p)


def _frab_xml(p: Program) -> bytes:
    from .frab import frab_xml_bytes
    return frab_xml_bytes(p)


def _frab_json(p: Program) -> bytes:
    from .frab import frab_json_bytes
    return frab_json_bytes(p)


def _csv(p: Program) -> bytes:
    from .csv import csv_bytes
    return csv_bytes(p)


# format -> (renderer, default file name under program/)
FORMATS: dict[str, tuple[Callable[[Program], bytes], str]] = {
    "xlsx": (_xlsx, "agenda.xlsx"),
    "ics": (_ics, "schedule.ics"),
    "frab-xml": (_frab_xml, "schedule.xml"),
    "frab-json": (_frab_json, "schedule.json"),
    "csv": (_csv, "sessions.csv"),
}


def render(conf: Conference, schedule: Schedule, fmt: str, source: str = "schedule") -> tuple[bytes, list[str]]:
    """The export's bytes and any warnings (InputError when the schedule does not fit the conference)."""
    program = Program(conf, schedule, source)
    return FORMATS[fmt][0](program), program.warnings


def export(conf: Conference, schedule: Schedule, fmt: str, out: str | os.PathLike,
           source: str = "schedule") -> list[str]:
    """Render and write atomically; returns warnings."""
    data, warnings = render(conf, schedule, fmt, source)
    write_bytes_atomic(out, data)
    return warnings
