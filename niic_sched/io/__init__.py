"""Loaders and writers: the only code that touches files."""
from __future__ import annotations

import os
from pathlib import Path

from ..model import Conference
from .folder import load_folder


def load(path: str | os.PathLike) -> Conference:
    """A conference folder, or a workbook (a path ending in .xlsx) -> Conference.

    Raises InputError listing every problem found."""
    from .excel import is_workbook_path, load_workbook, other_spreadsheet
    if is_workbook_path(path):
        return load_workbook(Path(path))
    if (error := other_spreadsheet(path)) is not None:
        raise error
    return load_folder(Path(path))
