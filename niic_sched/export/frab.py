"""frab schedule XML and JSON, as frab and pretalx publish them, for conference
apps (Giggity, EventFahrplan, ...) and video/volunteer tools.

The layout follows pretalx's export (schedule -> conference -> days -> rooms ->
events); the c3voc schemas (schedule.xml.xsd, schedule.schema.json) are what
the tests check against. Choices where frab leaves room:

* ``guid`` of an event, room or person is uuid5(conference acronym or name + id):
  stable across re-solves, so apps update moved sessions;
* ``id`` is the trailing number of the session id (s0014 -> 14) when those are
  unique, else a stable hash of the id;
* the conference acronym becomes lower-case letters, digits and ``_``
  ("NIIC2014" -> "niic2014"), as the schemas want;
* a session after midnight (slot "25:15") has its real date and time
  (next day, "01:15") and stays in the day of the conference it belongs to;
* ``url`` is the session's entry on the site published at the conference url,
  ``<url>/sessions.html#session-<id>`` (common.session_url, the same in ics and
  on the site); without a conference url, the JSON has ``urn:uuid:<guid>`` and
  the XML leaves it out;
* without a time zone in conference.yaml the export is refused (an InputError:
  exit 2, nothing written): frab's dates must carry a UTC offset (the c3voc
  schema says so), and making one up would shift every session;
* ``type`` is the session format; ``abstract`` the session's abstract;
  ``persons`` the speakers (``biography`` holds the organisation);
* the export has a language (default: the conference's main one): titles, abstracts
  and track names are in it when the conference gives them (the original otherwise),
  ``description`` says the session's language and interpretation in words of that
  language ("Language: Spanish · interpretation into English"); ``language`` stays
  the code of the language the session is held in; slugs come from the original titles,
  so they are the same in every language.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import re
import xml.etree.ElementTree as ET

from .. import __version__
from ..i18n import lang_of
from ..labels import language_line, shown
from ..errors import InputError, Problem
from ..program import PlacedProgram
from .common import ascii_slug, clock, numeric_ids, room_uuid, session_url, session_uuid, speaker_uuid

TRACK_COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2",
                "#7f7f7f", "#bcbd22", "#393b79", "#637939")
_TZ_NAME = re.compile(r"^([A-Z][a-z]+/[A-Z][a-z]+)|UTC$")


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(text: str) -> str:
    """Drop the control characters that XML 1.0 cannot hold."""
    return _NOT_XML.sub("", text)


def acronym(conf) -> str:
    """Lower-case [a-z0-9_], at least 4 characters."""
    for text in (conf.acronym, conf.name):
        a = ascii_slug(text, "a-z0-9", "_")
        if len(a) >= 4:
            return a[:40].strip("_")
        if a:
            return (a + "_conf")[:40]
    return "conference"


def duration(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def iso(d: dt.datetime) -> str:
    return d.isoformat(timespec="seconds")


def timeslot_duration(conf) -> str:
    g = 60
    for s in conf.slots:
        g = math.gcd(g, s.start, s.end)
    return duration(g or 5)


def track_slug(name: str, i: int) -> str:
    s = ascii_slug(name, "a-z0-9", "-")
    if not s or not s[0].isalpha():
        s = f"track-{s}".strip("-")
    return s if len(s) >= 2 and s != "track" else f"track-{i}"


def _version(program: PlacedProgram) -> str:
    text = "\n".join(f"{p.session.id} {p.day} {p.start} {p.room.id}" for p in program.placements)
    return "1.0-" + hashlib.sha256(text.encode()).hexdigest()[:8]


class Frab:
    """The frab document of a program, rendered as XML or JSON."""

    def __init__(self, program: PlacedProgram, lang: str | None = None):
        if program.zone is None:
            raise InputError([Problem("conference.yaml", "gives no time_zone, and frab's dates must carry a UTC "
                                      "offset, so there is no frab export without one (nothing written)",
                                      "add time_zone: America/Los_Angeles (the venue's IANA zone) to "
                                      "conference.yaml, or a time_zone row to a workbook's Conference sheet")])
        self.program = program
        conf = self.conf = program.conf
        self.L = lang_of(lang or conf.language)
        self.acronym = acronym(conf)
        self.event_ids = numeric_ids([s.id for s in conf.sessions], f"{self.acronym}/session")
        self.person_ids = numeric_ids([p.id for p in conf.speakers], f"{self.acronym}/speaker")
        names = [r.name for r in conf.rooms]
        self.room_name = {r.id: (r.name if names.count(r.name) == 1 else f"{r.name} ({r.id})") for r in conf.rooms}
        tracks = list(dict.fromkeys(s.track for s in conf.sessions if s.track))
        self.track_name = {t: conf.track_name(t, self.L.code) for t in tracks}
        self.tracks = [(self.track_name[t], track_slug(t, i + 1), TRACK_COLORS[i % len(TRACK_COLORS)])
                       for i, t in enumerate(tracks)]
        self.url = conf.url if re.match(r"^https?://", conf.url or "") else ""

    # -- pieces ---------------------------------------------------------------
    def slug(self, s) -> str:
        tail = ascii_slug(s.title)[:60].strip("-") or ascii_slug(s.id, "a-z0-9_", "-")
        if len(tail) < 3:
            tail = "session"
        return f"{self.acronym}-{self.event_ids[s.id]}-{tail}"

    def title(self, s) -> str:
        return shown(self.conf, self.L, s, "title")[0]

    def abstract(self, s) -> str:
        return shown(self.conf, self.L, s, "abstract")[0]

    def description(self, s) -> str:
        """The session's language and interpretation, in words ("" when it has neither)."""
        if not (s.language or s.interpretation):
            return ""
        return self.L._("Language: %(language)s", language=language_line(self.conf, self.L, s))

    def event_url(self, s) -> str:
        return session_url(self.conf, s.id) if self.url else ""

    def days(self):
        """(index, date, day start, day end, [(room name, room guid, [placed...])])."""
        conf = self.conf
        by_day = self.program.by_day
        out = []
        for i, d in enumerate(conf.days, start=1):
            placed = by_day.get(d.date, [])
            first = min([sl.start for sl in d.slots] + [p.start for p in placed])
            last = max([sl.end for sl in d.slots] + [p.end for p in placed])
            rooms = []
            for r in conf.rooms:
                events = sorted((p for p in placed if p.room.id == r.id), key=lambda p: p.start)
                if events:
                    rooms.append((self.room_name[r.id], str(room_uuid(conf, r.id)), events))
            out.append((i, d.date, self.program.local(d.date, first), self.program.local(d.date, last), rooms))
        return out

    def time_zone_name(self) -> str:
        tz = self.conf.time_zone
        return tz if _TZ_NAME.search(tz) else ""

    # -- JSON -------------------------------------------------------------------
    def event_json(self, p) -> dict:
        s = p.session
        guid = str(session_uuid(self.conf, s.id))
        return {
            "id": self.event_ids[s.id],
            "guid": guid,
            "logo": "",
            "date": iso(p.begins),
            "start": clock(p.start),
            "end": iso(p.ends),
            "duration": duration(p.minutes),
            "room": self.room_name[p.room.id],
            "slug": self.slug(s),
            "url": self.event_url(s) or f"urn:uuid:{guid}",
            "title": self.title(s),
            "subtitle": "",
            "track": self.track_name.get(s.track) or None,
            "type": s.format,
            "language": s.language or self.conf.language or None,
            "abstract": self.abstract(s),
            "description": self.description(s),
            "recording_license": "",
            "do_not_record": False,
            "persons": [{"id": self.person_ids[q.id], "guid": str(speaker_uuid(self.conf, q.id)),
                         "public_name": q.name, "biography": q.organization or None, "answers": []}
                        for q in p.speakers],
            "links": [],
            "attachments": [],
        }

    def document(self) -> dict:
        conf = self.conf
        days = self.days()
        c: dict = {
            "acronym": self.acronym,
            "title": conf.name,
            "start": conf.days[0].date.isoformat() if conf.days else "",
            "end": conf.days[-1].date.isoformat() if conf.days else "",
            "daysCount": len(conf.days),
            "timeslot_duration": timeslot_duration(conf),
        }
        if self.time_zone_name():
            c["time_zone_name"] = self.time_zone_name()
        if self.url:
            c["url"] = self.url
        c["tracks"] = [{"name": t, "slug": slug, "color": color} for t, slug, color in self.tracks]
        c["rooms"] = [{"name": self.room_name[r.id], "guid": str(room_uuid(conf, r.id)), "description": None,
                       "capacity": r.capacity} for r in conf.rooms]
        c["days"] = [{"index": i, "date": date.isoformat(), "day_start": iso(start), "day_end": iso(end),
                      "rooms": {name: [self.event_json(p) for p in events] for name, _, events in rooms}}
                     for i, date, start, end, rooms in days]
        sched: dict = {"version": _version(self.program)}
        if self.url:
            sched["base_url"] = self.url
        sched["conference"] = c
        return {"$schema": "https://c3voc.de/schedule/schema.json",
                "generator": {"name": "niic-sched", "version": __version__}, "schedule": sched}

    def json_bytes(self) -> bytes:
        return (json.dumps(self.document(), ensure_ascii=False, indent=2) + "\n").encode("utf-8")

    # -- XML --------------------------------------------------------------------
    def xml_bytes(self) -> bytes:
        conf = self.conf
        root = ET.Element("schedule")
        ET.SubElement(root, "generator", name="niic-sched", version=__version__)
        if self.url:
            ET.SubElement(root, "url").text = self.url
        ET.SubElement(root, "version").text = _version(self.program)
        c = ET.SubElement(root, "conference")
        ET.SubElement(c, "acronym").text = self.acronym
        ET.SubElement(c, "title").text = xml_text(conf.name)
        ET.SubElement(c, "start").text = conf.days[0].date.isoformat()
        ET.SubElement(c, "end").text = conf.days[-1].date.isoformat()
        ET.SubElement(c, "days").text = str(len(conf.days))
        ET.SubElement(c, "timeslot_duration").text = timeslot_duration(conf)
        if self.url:
            ET.SubElement(c, "base_url").text = self.url
            ET.SubElement(c, "url").text = self.url
        if self.time_zone_name():
            ET.SubElement(c, "time_zone_name").text = self.time_zone_name()
        for t, slug, color in self.tracks:
            ET.SubElement(c, "track", name=xml_text(t), slug=slug, color=color).text = xml_text(t)
        for i, date, start, end, rooms in self.days():
            day = ET.SubElement(root, "day", index=str(i), date=date.isoformat(), start=iso(start), end=iso(end))
            for name, guid, events in rooms:
                room = ET.SubElement(day, "room", name=xml_text(name), guid=guid)
                for p in events:
                    self._event_xml(room, p)
        ET.indent(root, space="  ")
        body = ET.tostring(root, encoding="unicode")
        return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")

    def _event_xml(self, parent, p) -> None:
        s = p.session
        e = ET.SubElement(parent, "event", guid=str(session_uuid(self.conf, s.id)), id=str(self.event_ids[s.id]))

        def sub(tag: str, text: str | None) -> ET.Element:
            el = ET.SubElement(e, tag)
            el.text = xml_text(text or "")
            return el

        sub("date", iso(p.begins))
        sub("start", clock(p.start))
        sub("duration", duration(p.minutes))
        sub("room", self.room_name[p.room.id])
        sub("slug", self.slug(s))
        if self.event_url(s):
            sub("url", self.event_url(s))
        rec = ET.SubElement(e, "recording")
        ET.SubElement(rec, "license").text = ""
        ET.SubElement(rec, "optout").text = "false"
        sub("title", self.title(s))
        sub("subtitle", "")
        sub("track", self.track_name.get(s.track, s.track))
        sub("type", s.format)
        sub("language", s.language or self.conf.language)
        sub("abstract", self.abstract(s))
        sub("description", self.description(s))
        sub("logo", "")
        persons = ET.SubElement(e, "persons")
        for q in p.speakers:
            ET.SubElement(persons, "person", id=str(self.person_ids[q.id]),
                          guid=str(speaker_uuid(self.conf, q.id))).text = xml_text(q.name)
        ET.SubElement(e, "links")
        ET.SubElement(e, "attachments")


def frab_xml_bytes(program: PlacedProgram, lang: str | None = None) -> bytes:
    return Frab(program, lang).xml_bytes()


def frab_json_bytes(program: PlacedProgram, lang: str | None = None) -> bytes:
    return Frab(program, lang).json_bytes()
