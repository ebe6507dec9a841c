"""Grid cells that show every title whole: measured in WeasyPrint's layout, shrunk to fit.

A grid page of the booklet is a set of absolutely positioned cells of fixed size
(render/pdf.py ``layout_grid``); a cell clips what does not fit. Titles are
never clamped: they wrap (right-to-left ones too). After a layout, ``overflows``
reads WeasyPrint's boxes and finds every cell whose text runs past its bottom or
its sides; ``fit`` then sets such a cell's text smaller (``Box.scale``: a
font-size on the cell, which every size inside it follows, in em), down to a
readable minimum (``MIN_FONT_PT``), and the grids are laid out again. A cell that
still does not fit at the minimum leaves out its speakers line, then its meta
line (page, track, format; both are in the listing the cell points to). A title
that does not fit even then (a cell far too small for it) is reported, with
its session, so that nothing is silently cut.
"""
from __future__ import annotations

from dataclasses import dataclass

MIN_FONT_PT = 5.0           # the smallest text of a grid cell
BASE_FONT_PT = {"dense": 6.6, "medium": 6.6, "roomy": 7.0}   # program.css: .pgrid, .roomy
PASSES = 5                  # layouts at most, the first included
EPS = 0.5                   # CSS px of tolerance (rounding of line heights)


@dataclass
class Overflow:
    page: int                # index of the page in the laid-out grids document
    style: str               # the cell's style attribute (its position: unique on a page)
    ratio: float             # height its content needs / height it has (> 1: too tall)
    sideways: bool           # some text runs past its left or right edge
    title: str               # the text of its titles as laid out


def _walk(box):
    yield box
    for child in getattr(box, "children", None) or ():
        yield from _walk(child)


def _classes(box) -> list[str]:
    el = getattr(box, "element", None)
    return (el.get("class") or "").split() if el is not None else []


def cells(document):
    """(page index, style attribute, box) of every session cell of a grids document."""
    for i, page in enumerate(document.pages):
        seen: set[int] = set()
        for box in _walk(page._page_box):
            cls = _classes(box)
            if cls[:1] == ["pc"] and "empty" not in cls and id(box.element) not in seen:
                seen.add(id(box.element))
                yield i, box.element.get("style") or "", box


def measure(box) -> tuple[float, bool, str]:
    """(needed / available height, text past a side, title text) of one cell box."""
    top, height = box.content_box_y(), box.height
    left, width = box.content_box_x(), box.width
    bottom = top
    sideways = False
    titles: list[str] = []
    for sub in _walk(box):
        if sub is box:
            continue
        name = type(sub).__name__
        if name == "LineBox":
            bottom = max(bottom, sub.position_y + sub.height)
        elif name == "TextBox":
            if sub.position_x < left - EPS or sub.position_x + sub.width > left + width + EPS:
                sideways = True
        if name == "TextBox" and "pc-title" in _classes(sub):
            titles.append(sub.text)
    needed = bottom - top
    return (needed / height if height > 0 else 1.0), sideways, " ".join(titles)


def overflows(document) -> list[Overflow]:
    out = []
    for page, style, box in cells(document):
        ratio, sideways, title = measure(box)
        if ratio > 1 + EPS / max(box.height, 1) or sideways:
            out.append(Overflow(page, style, ratio, sideways, title))
    return out


def fit(layout, grid_pages: list, document=None):
    """Lay the grids out (``layout()`` returns a document) until every cell fits or cannot
    shrink further. ``grid_pages``: the GridPage objects in page order (their cell Boxes are
    changed in place). Returns (document, [Box that still overflows])."""
    document = document if document is not None else layout()
    for _ in range(PASSES - 1):
        over = overflows(document)
        if not over:
            return document, []
        if len(document.pages) != len(grid_pages):
            return document, []            # a user template that spills: leave it as it is
        changed = False
        for o in over:
            page = grid_pages[o.page]
            box = next((b for b in page.cells if b.style == o.style), None)
            if box is None:
                continue
            changed |= shrink(box, page.density, o)
        if not changed:
            break
        document = layout()
    rest = overflows(document)
    boxes = []
    for o in rest:
        if o.page < len(grid_pages):
            box = next((b for b in grid_pages[o.page].cells if b.style == o.style), None)
            if box is not None:
                boxes.append(box)
    return document, boxes


def shrink(box, density: str, o: Overflow) -> bool:
    """Set one cell's text smaller (or leave out its secondary lines); False when nothing is left."""
    base = BASE_FONT_PT.get(density, 6.6)
    floor = MIN_FONT_PT / base
    if box.scale > floor + 1e-6:
        step = (1 / o.ratio) ** 0.5 * 0.97 if o.ratio > 1 else 0.92
        box.scale = max(floor, box.scale * max(0.7, min(0.95, step)))
        return True
    for part in ("speakers", "meta"):
        if part not in box.hide:
            box.hide = box.hide + (part,)
            return True
    return False


__all__ = ["MIN_FONT_PT", "Overflow", "cells", "measure", "overflows", "fit", "shrink"]
