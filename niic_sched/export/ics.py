"""iCalendar (.ics): one VEVENT per placed session, for calendar apps.

* DTSTART/DTEND carry the TZID of the conference time zone, described by a
  VTIMEZONE (covering the conference's years only); without a time zone in
  conference.yaml they are floating local times (no TZID, no Z: the venue's clock
  time), never UTC;
* LOCATION is the room's name; SUMMARY the title; DESCRIPTION the speakers
  (with organisations), track and format, and the abstract;
* UID is ``<session id>@<acronym>.niic-sched`` (common.session_uid), the same as
  the site's "My agenda" calendar: it never depends on the time or room, so a
  calendar subscribed to the file updates moved sessions instead of duplicating
  them after a re-solve, and importing both files gives each session once;
* URL is the session's entry on the site (common.session_url);
* DTSTAMP is now, or reproducible: ``SOURCE_DATE_EPOCH``, or ``--deterministic``
  (common.export_stamp), so that two exports of one schedule are the same bytes.
"""
from __future__ import annotations

import datetime as dt

from .. import __version__
from ..program import PlacedProgram
from .common import export_stamp, session_uid, session_url, web_url


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


def ics_bytes(program: PlacedProgram, now: dt.datetime | None = None, deterministic: bool = False) -> bytes:
    import icalendar

    conf = program.conf
    now = now or export_stamp(conf, deterministic)
    cal = icalendar.Calendar()
    cal.add("prodid", f"-//niic-sched//niic-sched {__version__}//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", conf.name)
    if program.zone is not None:
        cal.add("x-wr-timezone", conf.time_zone)
    url = web_url(conf)   # never javascript: or data:
    if url:
        cal.add("url", url)
    for p in program.placements:
        s = p.session
        ev = icalendar.Event()
        ev.add("uid", session_uid(conf, s.id))
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
            ev.add("url", session_url(conf, s.id))
        cal.add_component(ev)
    if program.placements and program.zone is not None:
        years = sorted({p.begins.year for p in program.placements} | {p.ends.year for p in program.placements})
        cal.add_missing_timezones(first_date=dt.date(years[0] - 1, 1, 1), last_date=dt.date(years[-1] + 2, 1, 1))
    return cal.to_ical()
