"""Text helpers that every output shares: writing direction, names of dates, counts
and what a message may print.

One home for each rule:

* right-to-left detection (Arabic, Hebrew, ... letters: Unicode bidirectional
  classes R and AL): ``has_rtl`` (any such letter), ``direction`` (the first
  strong letter decides, as HTML's dir="auto" does), ``language_direction``
  (a BCP 47 code), ``isolate`` (first-strong isolates around right-to-left text);
* weekday and month names (English, locale-independent: the same whatever the
  machine's locale): ``weekday_name``, ``month_name``, ``date_long``,
  ``date_short``, ``date_range``. Translated names (Babel) go here, behind the
  same functions;
* counts: ``plural`` ("1 day", "3 days"), ``agrees`` (the verb);
* control characters in messages: ``printable`` (a whole message: its lines
  kept) and ``one_line`` (a value put into a message: its newlines escaped too).
"""
from __future__ import annotations

import datetime as dt
import unicodedata

_RTL_CLASSES = ("R", "AL")
# base language codes written right to left
RTL_LANGUAGES = frozenset({"ar", "fa", "ur", "he", "ps", "yi", "dv", "ckb", "sd", "ug"})

FSI, PDI = "\u2068", "\u2069"    # FIRST STRONG ISOLATE, POP DIRECTIONAL ISOLATE

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")


# -- direction -------------------------------------------------------------------------------
def has_rtl(text: str) -> bool:
    """True when ``text`` holds any right-to-left letter."""
    return any(unicodedata.bidirectional(c) in _RTL_CLASSES for c in text)


def direction(text: str) -> str:
    """"rtl" when the first letter with a direction is right-to-left, else "ltr"
    (what dir="auto" does; for engines and formats without it: the PDF, xlsx)."""
    for c in text:
        d = unicodedata.bidirectional(c)
        if d in _RTL_CLASSES:
            return "rtl"
        if d == "L":
            return "ltr"
    return "ltr"


def language_direction(code: str | None) -> str:
    """"rtl" for a language written right to left ("ar", "fa-IR", ...), else "ltr"."""
    return "rtl" if code and code.split("-")[0].lower() in RTL_LANGUAGES else "ltr"


def isolate(text: str) -> str:
    """Right-to-left text (Arabic, Hebrew names) wrapped in Unicode first-strong
    isolates, so that the ids and punctuation around it keep their order; other
    text as it is."""
    return f"{FSI}{text}{PDI}" if has_rtl(text) else text


# -- dates -----------------------------------------------------------------------------------
def weekday_name(d: dt.date) -> str:
    """2014-12-07 -> "Sunday"."""
    return _WEEKDAYS[d.weekday()]


def weekday_short(d: dt.date) -> str:
    """2014-12-07 -> "Sun"."""
    return _WEEKDAYS[d.weekday()][:3]


def month_name(d: dt.date) -> str:
    """2014-12-07 -> "December"."""
    return _MONTHS[d.month - 1]


def date_long(d: dt.date) -> str:
    """2014-12-07 -> "Sunday 7 December 2014"."""
    return f"{weekday_name(d)} {d.day} {month_name(d)} {d.year}"


def date_short(d: dt.date) -> str:
    """2014-12-07 -> "Sun 7 Dec"."""
    return f"{weekday_short(d)} {d.day} {month_name(d)[:3]}"


def date_range(dates) -> str:
    """7–9 December 2014, 30 November – 2 December 2014, or across years ("" for none)."""
    dates = list(dates)
    if not dates:
        return ""
    a, b = min(dates), max(dates)
    if a == b:
        return f"{a.day} {month_name(a)} {a.year}"
    if (a.year, a.month) == (b.year, b.month):
        return f"{a.day}–{b.day} {month_name(a)} {a.year}"
    if a.year == b.year:
        return f"{a.day} {month_name(a)} – {b.day} {month_name(b)} {a.year}"
    return f"{a.day} {month_name(a)} {a.year} – {b.day} {month_name(b)} {b.year}"


# -- counts and control characters -----------------------------------------------------------
def plural(n: int, word: str, many: str | None = None) -> str:
    """"1 day", "3 days", "0 slots"; ``many`` for an irregular plural ("plenaries")."""
    return f"{n} {word if n == 1 else (many or word + 's')}"


def agrees(n: int, one: str, many: str) -> str:
    """The verb that agrees with a count: agrees(1, "wants", "want") -> "wants"."""
    return one if n == 1 else many


def _is_control(ch: str) -> bool:
    o = ord(ch)
    return o < 0x20 or 0x7F <= o <= 0x9F


def printable(text: str, *, lines: bool = True) -> str:
    """``text`` safe for a terminal: every control character (C0, DEL, C1: terminal
    escape sequences, carriage returns, bells) shown escaped as ``\\u001b``; tabs
    stay, and line ends (newlines, CRLF) stay when ``lines`` (a message of several
    lines), else a newline reads ``\\n``. Right-to-left isolates and every other character are kept.
    The ``\\uXXXX`` form keeps JSON valid and meaning the same."""
    if not any(_is_control(ch) for ch in text):
        return text
    out = []
    for i, ch in enumerate(text):
        if ch == "\t" or (lines and (ch == "\n" or (ch == "\r" and text[i + 1:i + 2] == "\n"))):
            out.append(ch)
        elif ch == "\n":
            out.append("\\n")
        elif _is_control(ch):
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "".join(out)


def one_line(text: str) -> str:
    """A value (a title, a name) put into a message: its control characters escaped,
    its newlines too, so that it can neither move the cursor nor forge a line."""
    return printable(str(text), lines=False)
