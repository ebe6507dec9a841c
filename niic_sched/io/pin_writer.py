"""Write a session's pin into its YAML file, keeping the file's comments and layout.

    write_pin(Path("sessions/economy/s0013.yaml"), "s0013", Pin(date(2014, 12, 8), 810, "r101"))

A ruamel.yaml round trip: the file is read with its comments, quotes and block
scalars, ``pin: {day: 2014-12-08, start: "13:30", room: r101}`` is set on the
mapping whose ``id`` is the session (a file may hold a list of sessions), and the
file is written back atomically. An existing ``pin`` keeps its place, its style
(flow or block) and its comments; a new one goes where the input format lists it
(after ``not_with``/``after``/``requires``/... whichever the file has). Before
anything is written the new text is read back: every other value must be as it
was and the pin as asked, or nothing is written (``PinError``).

Workbook conferences have no session files: ``niic-sched move --pin`` refuses them
(see app.move).
"""
from __future__ import annotations

import difflib
import io
import os
import re
from pathlib import Path

import yaml

from ..model import Pin, hhmm
from .atomic import write_bytes_atomic

# the keys of a session in the input format's order (docs/input-format.md); a new pin goes after the
# last of those before it that the mapping has
ORDER = ("id", "title", "format", "track", "duration", "expected_attendance", "speakers", "requires", "after",
         "not_with", "pin")


class PinError(ValueError):
    """The pin cannot be written into this file (no such session in it, not YAML
    that round-trips...); the message says why. Nothing was written."""


def _yaml(text: str):
    from ruamel.yaml import YAML
    rt = YAML()               # round trip: comments, quotes, flow/block styles, key order
    rt.preserve_quotes = True
    rt.width = 4096           # never re-wrap a long line
    seq = re.search(r"^( *)([\w-]+):[ \t]*\n( *)- ", text, re.M)
    if seq:                   # keep the file's block-sequence indentation
        offset = max(0, len(seq.group(3)) - len(seq.group(1)))
        rt.indent(mapping=2, sequence=offset + 2, offset=offset)
    return rt


def _pin_map(pin: Pin, into=None):
    from ruamel.yaml.comments import CommentedMap
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString
    m = into if into is not None else CommentedMap()
    for k in list(m):
        del m[k]
    if pin.day is not None:
        m["day"] = pin.day
    if pin.start is not None:
        m["start"] = DoubleQuotedScalarString(hhmm(pin.start))   # unquoted, YAML 1.1 reads 13:30 as a number
    if pin.room is not None:
        m["room"] = pin.room
    if into is None:
        m.fa.set_flow_style()
    return m


def _expected(pin: Pin) -> dict:
    out: dict = {}
    if pin.day is not None:
        out["day"] = pin.day
    if pin.start is not None:
        out["start"] = hhmm(pin.start)
    if pin.room is not None:
        out["room"] = pin.room
    return out


def _items(doc):
    return doc if isinstance(doc, list) else [doc]


def _find(doc, sid: str):
    for item in _items(doc):
        if isinstance(item, dict) and str(item.get("id", "")).strip() == sid:
            return item
    return None


def pinned_text(text: str, sid: str, pin: Pin, shown: str = "the file") -> str:
    """``text`` (a session file) with session ``sid`` pinned to ``pin``; raises PinError."""
    from ruamel.yaml.comments import CommentedMap
    from ruamel.yaml.error import YAMLError as RuamelError
    bom = text.startswith("\ufeff")
    body = text[1:] if bom else text
    crlf = "\r\n" in body
    rt = _yaml(body.replace("\r\n", "\n"))
    try:
        doc = rt.load(body.replace("\r\n", "\n"))
    except RuamelError as exc:
        raise PinError(f"{shown}: cannot be read for a round trip ({exc.__class__.__name__}); write the pin by hand: "
                       f"pin: {{day: {pin.day}, start: \"{hhmm(pin.start)}\", room: {pin.room}}}") from None
    item = _find(doc, sid)
    if item is None:
        raise PinError(f"{shown}: holds no session with id {sid}")
    old = item.get("pin")
    if isinstance(old, CommentedMap):
        _pin_map(pin, old)                       # in place: its style and comments stay
    elif "pin" in item:
        item["pin"] = _pin_map(pin)
    else:
        keys = list(item)
        before = [k for k in ORDER[:ORDER.index("pin")] if k in item]
        at = keys.index(before[-1]) + 1 if before else len(keys)
        item.insert(at, "pin", _pin_map(pin))
    out = io.StringIO()
    rt.dump(doc, out)
    dumped = out.getvalue()
    source = body.replace("\r\n", "\n")
    # the round trip may restyle other lines (ruamel writes [{day: x}] as [day: x]): keep the file's
    # own lines everywhere but where the pin is
    for new in (_only_pin(source, dumped, sid, rt), dumped):
        if new is None:
            continue
        if crlf:
            new = new.replace("\n", "\r\n")
        if bom:
            new = "\ufeff" + new
        if _verify(text, new, sid, pin):
            return new
    raise PinError(f"{shown}: writing the pin would change more than the pin; nothing written. Write it by hand: "
                   f"pin: {{day: {pin.day}, start: \"{hhmm(pin.start)}\", room: {pin.room}}}")


def _key_column(text: str, sid: str, rt) -> int:
    """The column at which the session's keys start in ``text``."""
    item = _find(rt.load(text), sid)
    return item.lc.key(next(iter(item)))[1]


def _pin_lines(text: str, sid: str, rt) -> tuple[int, int] | None:
    """The lines [first, end) of the session's pin in ``text`` (key, value and what follows up to the next key)."""
    doc = rt.load(text)
    item = _find(doc, sid)
    if item is None or "pin" not in item:
        return None
    keys = list(item)
    at = keys.index("pin")
    first = item.lc.key("pin")[0]
    if at + 1 < len(keys):
        end = item.lc.key(keys[at + 1])[0]
    elif isinstance(doc, list) and doc.index(item) + 1 < len(doc):
        end = doc.lc.item(doc.index(item) + 1)[0]
    else:
        end = len(text.splitlines())
    return first, end


def _only_pin(old: str, new: str, sid: str, rt) -> str | None:
    """``old`` with the pin's lines of ``new`` in place of its own (or inserted where
    ``new`` has them): every other line stays as the file had it."""
    try:
        new_pin = _pin_lines(new, sid, rt)
        old_pin = _pin_lines(old, sid, rt)
    except Exception:                           # noqa: BLE001 - any doubt: the plain round trip is tried next
        return None
    if new_pin is None:
        return None
    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    if a and not a[-1].endswith("\n"):
        a[-1] += "\n"
    shift = _key_column(old, sid, rt) - _key_column(new, sid, rt)    # the dump may indent a list differently
    pin_lines = [(" " * shift + line if shift > 0 else line[-shift:] if line[:-shift].strip() == "" else line)
                 if line.strip() else line for line in b[new_pin[0]:new_pin[1]]]
    if old_pin is not None:                    # lines of the old pin that stay ("pin:", comments) keep their spacing
        own = {" ".join(line.split()): line for line in reversed(a[old_pin[0]:old_pin[1]])}
        pin_lines = [own.get(" ".join(line.split()), line) for line in pin_lines]
    rest_b = b[:new_pin[0]] + b[new_pin[1]:]
    rest_a = a[:old_pin[0]] + a[old_pin[1]:] if old_pin is not None else a
    at = len(rest_a)                           # where the pin goes among the file's other lines
    matcher = difflib.SequenceMatcher(None, [" ".join(x.split()) for x in rest_a],
                                      [" ".join(x.split()) for x in rest_b], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if j1 <= new_pin[0] < j2 or (j1 == j2 == new_pin[0]):
            at = i1 + (new_pin[0] - j1) if op == "equal" else i1
            break
    return "".join(rest_a[:at] + pin_lines + rest_a[at:])


def _verify(old_text: str, new_text: str, sid: str, pin: Pin) -> bool:
    """Every value as it was but the pin, and the pin as asked (read as the loader reads YAML)."""
    try:
        before = yaml.safe_load(old_text.lstrip("\ufeff"))
        after = yaml.safe_load(new_text.lstrip("\ufeff"))
    except yaml.YAMLError:
        return False
    b, a = _find(before, sid), _find(after, sid)
    if a is None or b is None or a.get("pin") != _expected(pin):
        return False
    return ({k: v for k, v in a.items() if k != "pin"} == {k: v for k, v in b.items() if k != "pin"}
            and [x for x in _items(after) if x is not a] == [x for x in _items(before) if x is not b])


def write_pin(path: str | os.PathLike, sid: str, pin: Pin, shown: str | None = None) -> None:
    """Pin session ``sid`` in its file ``path`` (atomically); raises PinError, OSError."""
    path = Path(path)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise PinError(f"{shown or path}: is not UTF-8 text") from None
    write_bytes_atomic(path, pinned_text(text, sid, pin, shown or str(path)).encode("utf-8"))
