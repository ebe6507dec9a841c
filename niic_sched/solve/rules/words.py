"""Words for the explanation's sentences: labels of sessions, speakers and rooms,
lists, plurals. Right-to-left names are isolated so ids and punctuation keep
their order; titles and names are put on one line with their control characters
escaped (text.one_line), so that no input can forge a line or move the cursor."""
from __future__ import annotations

import datetime as dt

from ...model import Conference, Pin, Room, Session, Speaker, TimeRange, hhmm
from ...i18n import isolate as _isolate
from ...text import one_line, plural as text_plural


def isolate(text: str) -> str:
    """A title or a name in a sentence: on one line, control characters escaped, right-to-left isolated."""
    return _isolate(one_line(text))


_shown = isolate


def session_label(s: Session) -> str:
    return f"“{_shown(s.title)}” ({one_line(s.id)})" if s.title else one_line(s.id)


def speaker_label(p: Speaker) -> str:
    return f"{_shown(p.name)} ({one_line(p.id)})" if p.name and p.name != p.id else one_line(p.id)


def room_label(r: Room) -> str:
    return f"{_shown(r.name)} ({one_line(r.id)})" if r.name and r.name != r.id else one_line(r.id)


def room_seats(r: Room) -> str:
    """Room 101 (r101, 80 seats)"""
    seats = plural(r.capacity, "seat")
    return f"{_shown(r.name)} ({one_line(r.id)}, {seats})" if r.name and r.name != r.id else f"{one_line(r.id)} ({seats})"


def when(date: dt.date, start: int) -> str:
    return f"{date.isoformat()} {hhmm(start)}"


def range_text(u: TimeRange) -> str:
    return f"on {u}"


def pin_text(conf: Conference, pin: Pin) -> str:
    parts = []
    if pin.day is not None:
        parts.append(pin.day.isoformat())
    if pin.start is not None:
        parts.append(("at " if pin.day is None else "") + hhmm(pin.start))
    if pin.room is not None:
        r = conf.room.get(pin.room)
        room = room_label(r) if r else one_line(pin.room)
        parts.append(f"in {room}" if parts else room)     # "2014-12-08 10:30 in Room 1 (r1)", "Room 1 (r1)"
    return " ".join(parts)


def join(items, word: str = "and") -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {word} " + items[-1]


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def alternatives(fixes: list[str]) -> str:
    """["move the pin", "free a day"] -> "Move the pin, or free a day." """
    fixes = list(fixes)
    text = fixes[0] if len(fixes) == 1 else ", ".join(fixes[:-1]) + ", or " + fixes[-1]
    return upper_first(text) + "."


def listing(items, limit: int = 8) -> str:
    items = list(items)
    if len(items) > limit:
        return ", ".join(items[:limit]) + f" and {len(items) - limit} more"
    return join(items)


plural = text_plural    # "1 slot", "3 slots": the one helper (niic_sched.text)
