"""Words for the explanation's sentences: labels of sessions, speakers and rooms,
lists, plurals. Right-to-left names are isolated so ids and punctuation keep
their order."""
from __future__ import annotations

import datetime as dt

from ...model import Conference, Pin, Room, Session, Speaker, TimeRange, hhmm
from ...i18n import isolate


def session_label(s: Session) -> str:
    return f"“{isolate(s.title)}” ({s.id})" if s.title else s.id


def speaker_label(p: Speaker) -> str:
    return f"{isolate(p.name)} ({p.id})" if p.name and p.name != p.id else p.id


def room_label(r: Room) -> str:
    return f"{isolate(r.name)} ({r.id})" if r.name and r.name != r.id else r.id


def room_seats(r: Room) -> str:
    """Room 101 (r101, 80 seats)"""
    return f"{isolate(r.name)} ({r.id}, {r.capacity} seats)" if r.name and r.name != r.id else f"{r.id} ({r.capacity} seats)"


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
        parts.append(f"in {room_label(r) if r else pin.room}")
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


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"
