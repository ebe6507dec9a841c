"""Text helpers of the command line's messages: English counts and what a message may print.

One home for each rule:

* counts: ``plural`` ("1 day", "3 days"), ``agrees`` (the verb);
* control characters in messages: ``printable`` (a whole message: its lines
  kept) and ``one_line`` (a value put into a message: its newlines escaped too).

Writing direction (right-to-left detection, isolation) and the names of dates,
in every language, are niic_sched.i18n's.
"""
from __future__ import annotations


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
