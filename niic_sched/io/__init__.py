"""Loaders and writers: the only code that touches files."""
from __future__ import annotations

import os
from pathlib import Path

from ..model import Conference
from .folder import load_folder


def load(path: str | os.PathLike) -> Conference:
    """A conference folder (or, where supported, a workbook) -> Conference.

    Raises InputError listing every problem found."""
    return load_folder(Path(path))
