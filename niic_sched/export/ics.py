"""iCalendar (.ics): one VEVENT per placed session, for calendar apps.

* DTSTART/DTEND carry the TZID of the conference time zone, described by a
  VTIMEZONE (covering the conference's years only); without a time zone in
  conference.yaml they are floating local times (no TZID, no Z: the venue's clock
  time), never UTC;
* LOCATION is the room's name; SUMMARY the title; DESCRIPTION the speakers
  (with organisations), track, format, language and interpretation, and the
  abstract; the words and the title are in the export's language (the title's
  translation when the session has one), the fixed words from the catalogs;
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
from ..i18n import N_, Lang, lang_of
from ..labels import format_label, language_line, shown
from ..program import PlacedProgram
from .common import export_stamp, session_uid, session_url, web_url

SPEAKERS = N_("Speakers: {names}")


def description(p, conf=None, L: Lang | None = None) -> str:
    """Speakers, then track · format · language and interpretation, then the abstract, in L."""
    s = p.session
    L = L or lang_of(conf.language if conf is not None else None)
    lines = []
    if p.speakers:
        lines.append(L.gettext(SPEAKERS).replace("{names}", "; ".join(
            f"{q.name} ({q.organization})" if q.organization else q.name for q in p.speakers)))
    track = conf.track_name(s.track, L.code) if conf is not None and s.track else s.track
    bits = [L._("Track: %(track)s", track=track) if s.track else "",
            L._("Format: %(format)s", format=format_label(L, s.format)) if s.format else "",
            L._("Language: %(language)s", language=language_line(conf, L, s))
            if conf is not None and (s.language or s.interpretation) else ""]
    if any(bits):
        lines.append(" · ".join(b for b in bits if b))
    abstract = shown(conf, L, s, "abstract")[0] if conf is not None else s.abstract
    if abstract:
        lines += ["", abstract]
    return "\n".join(lines)


def ics_bytes(program: PlacedProgram, lang: str | None = None, now: dt.datetime | None = None,
              deterministic: bool = False) -> bytes:
    import icalendar

    conf = program.conf
    L = lang_of(lang or conf.language)
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
        ev.add("summary", shown(conf, L, s, "title")[0])
        ev.add("location", p.room.name)
        text = description(p, conf, L)
        if text:
            ev.add("description", text)
        if s.track:
            ev.add("categories", [conf.track_name(s.track, L.code)])
        if url:
            ev.add("url", session_url(conf, s.id))
        cal.add_component(ev)
    if program.placements and program.zone is not None:
        years = sorted({p.begins.year for p in program.placements} | {p.ends.year for p in program.placements})
        cal.add_missing_timezones(first_date=dt.date(years[0] - 1, 1, 1), last_date=dt.date(years[-1] + 2, 1, 1))
    return cal.to_ical()
