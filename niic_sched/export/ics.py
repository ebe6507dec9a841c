"""iCalendar (.ics): one VEVENT per placed session, for calendar apps.

* DTSTART/DTEND carry the TZID of the conference time zone, described by a
  VTIMEZONE (covering the conference's years only);
* LOCATION is the room's name; SUMMARY the title; DESCRIPTION the speakers
  (with organisations), track and format, and the abstract;
* UID is uuid5(conference acronym or name + session id): it never depends on the
  time or room, so a calendar subscribed to the file updates moved sessions
  instead of duplicating them after a re-solve.
"""
from __future__ import annotations

import datetime as dt
import re

from .. import __version__
from ..program import PlacedProgram
from .common import session_uuid


def description(p) -> str:
    s = p.session
    lines = []
    if p.speakers:
        lines.append("Speakers: " + "; ".join(f"{q.name} ({q.organization})" if q.organization else q.name
                                             for q in p.speakers))
    bits = [f"Track: {s.track}" if s.track else "", f"Format: {s.format}" if s.format else "",
            f"Language: {s.language}" if s.language else ""]
    if any(bits):
        lines.append(" · ".join(b for b in bits if b))
    if s.abstract:
        lines += ["", s.abstract]
    return "\n".join(lines)


def ics_bytes(program: PlacedProgram, now: dt.datetime | None = None) -> bytes:
    import icalendar

    conf = program.conf
    now = now or dt.datetime.now(dt.timezone.utc)
    cal = icalendar.Calendar()
    cal.add("prodid", f"-//niic-sched//niic-sched {__version__}//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", conf.name)
    cal.add("x-wr-timezone", conf.time_zone or "UTC")
    url = conf.url if re.match(r"^https?://", conf.url or "", re.I) else ""   # never javascript: or data:
    if url:
        cal.add("url", url)
    for p in program.placements:
        s = p.session
        ev = icalendar.Event()
        ev.add("uid", str(session_uuid(conf, s.id)))
        ev.add("dtstamp", now.astimezone(dt.timezone.utc))
        ev.add("dtstart", p.begins)
        ev.add("dtend", p.ends)
        ev.add("summary", s.title)
        ev.add("location", p.room.name)
        text = description(p)
        if text:
            ev.add("description", text)
        if s.track:
            ev.add("categories", [s.track])
        if url:
            ev.add("url", f"{url.rstrip('/')}#{s.id}")
        cal.add_component(ev)
    if program.placements:
        years = sorted({p.begins.year for p in program.placements} | {p.ends.year for p in program.placements})
        cal.add_missing_timezones(first_date=dt.date(years[0] - 1, 1, 1), last_date=dt.date(years[-1] + 2, 1, 1))
    return cal.to_ical()
