"""The view model: a PlacedProgram -> plain data that templates print, in one language.

Everything a template needs is computed here (labels, anchors, colours, grid
spans, sort orders), so templates stay free of logic and a committee that
restyles them (``--templates DIR``) never has to re-derive a rowspan. What is
placed where, and when, comes from ``niic_sched.program.PlacedProgram``, which
has checked the schedule against the conference: nothing is validated here.

One view per edition (``program_view(placed, "es")``): its fixed words, dates,
times and numbers are in the edition's language (niic_sched.i18n), a session's
title and abstract are its translation into that language when it has one, else
the original, with the language it is written in (``title_lang``/``title_dir``)
so that templates can mark it; track names come from ``Conference.track_name``.

The grid of a day has the day's slots as rows and the rooms used that day as
columns. A session that covers several slots spans rows; a plenary that
nothing else overlaps becomes one cell spanning the full width. A schedule
that breaks hard rules (rendered with ``--force``) still renders: sessions that
collide in one room share a cell.
"""
from __future__ import annotations

import colorsys
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

from ..i18n import N_, Lang, autonym, base, capitalize, direction, has_rtl, lang_of, text_direction
from ..labels import (ACCESSIBILITY_FEATURES, FORMAT_LABELS, feature_label, format_label, interpretation_label,
                      language_line, offered, shown, shown_dir, spoken)
from ..model import Conference, Session, Slot, hhmm
from ..export.common import session_uid, session_url
from ..names import index_letter, sort_key
from ..program import Placement, PlacedProgram

# hues for the first tracks, picked to be far apart; more tracks continue by the golden angle
HUES = (210, 15, 140, 280, 40, 180, 330, 95, 250, 0, 60, 195)
PATTERNS = ("solid", "diagonal", "dots", "horizontal", "reverse", "grid", "vertical", "checks")


def anchor(kind: str, ident: str) -> str:
    """A safe, injective HTML id: letters, digits, '-' and '_' pass; anything else becomes _xx_."""
    out = []
    for ch in str(ident):
        if ch.isascii() and (ch.isalnum() or ch == "-"):
            out.append(ch)
        else:
            out.append(f"_{ord(ch):x}_")
    return f"{kind}-{''.join(out)}"


def fold(text: str) -> str:
    """Lower-case text without accents, for search and sorting ("María" -> "maria")."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _hex(h: float, s: float, lum: float) -> str:
    r, g, b = colorsys.hls_to_rgb(h / 360.0, lum, s)
    return f"#{round(r * 255):02x}{round(g * 255):02x}{round(b * 255):02x}"


# ----------------------------------------------------------------------------------- view objects
@dataclass(eq=False)
class TrackView:
    id: str
    name: str
    index: int
    css: str            # class name: "t-3"
    color: str          # strong colour: stripes, swatches
    tint: str           # light background for cells (dark text stays readable)
    pattern: str        # a pattern name, so that grey print tells tracks apart too
    anchor: str
    sessions: list["SessionView"] = field(default_factory=list)
    name_lang: str = ""     # the language of ``name`` when it is not the edition's ("" when it is, or unknown)
    name_dir: str = "auto"


@dataclass(eq=False)
class RoomView:
    id: str
    name: str
    capacity: int
    features: list[tuple[str, str]]     # (feature id, label)
    step_free: bool
    anchor: str
    sessions: list["SessionView"] = field(default_factory=list)
    capacity_label: str = ""            # "120 seats", in the edition's language


@dataclass(eq=False)
class SpeakerView:
    id: str
    name: str
    organization: str
    anchor: str
    sort_key: tuple               # niic_sched.names.sort_key: (family, given, name), folded
    initial: str                  # the letter the index files it under (niic_sched.names.index_letter)
    sessions: list["SessionView"] = field(default_factory=list)

    @property
    def rtl(self) -> bool:
        """True when the name is written in a right-to-left script (Arabic, Hebrew ...)."""
        return has_rtl(self.name)

    @property
    def dir(self) -> str:
        return text_direction(self.name)


@dataclass(eq=False)
class SessionView:
    id: str
    anchor: str
    title: str                    # in the edition's language when translated, else the original
    abstract: str
    format: str
    format_label: str
    track: TrackView
    language: str | None          # the session's own language, if given
    effective_language: str       # its language or the conference's
    language_name: str            # the name of that language in the edition's language ("Español")
    language_autonym: str         # ... in itself ("español")
    language_dir: str
    interpretation: bool          # interpretation offered (languages given, or the room feature required)
    requires: list[tuple[str, str]]
    speakers: list[SpeakerView]
    room: RoomView
    day: "DayView | None" = None
    start: int = 0
    end: int = 0
    slot_count: int = 1
    search: str = ""
    utc_start: str = ""           # 20141207T170000Z (floating, without the Z, when there is no time zone)
    utc_end: str = ""
    uid: str = ""                 # the calendar UID, as in schedule.ics (export.common.session_uid)
    url: str = ""                 # the session's URL on the published site, as in ics and frab
    number: int = 0               # position in the program (1..n), stable order
    title_lang: str = ""          # the language the shown title is written in
    title_dir: str = "ltr"        # its direction (for engines without dir="auto": the PDF)
    title_translated: bool = False
    original_title: str = ""
    abstract_lang: str = ""
    abstract_dir: str = "ltr"
    interpretation_languages: tuple[str, ...] = ()   # offered through interpretation
    interpretation_label: str = ""   # "interpretation into English", localised ("" for none)
    language_line: str = ""          # "Spanish · interpretation into English", localised
    language_shown: bool = False     # worth saying: another language than the edition's, or interpretation
    interpretation_short: str = ""   # "EN" (the offered languages' codes, for the printed grid)
    follow: tuple[str, ...] = ()     # languages a listener can follow it in: spoken + interpreted
    time_label: str = ""             # "9:00–10:15" in the edition's clock (plain text; templates isolate it)
    start_label: str = ""
    end_label: str = ""
    start_iso: str = ""              # "09:00" for <time datetime>
    end_iso: str = ""
    change: str = ""              # "new" | "moved" since the printed program, else "" (render/changes.py)
    change_label: str = ""        # its badge word in the edition's language ("NEW")

    @property
    def speaker_names(self) -> str:
        return ", ".join(p.name for p in self.speakers)

    @property
    def langs(self) -> str:
        """The ``follow`` languages as one attribute value ("es en")."""
        return " ".join(self.follow)


@dataclass(eq=False)
class Cell:
    kind: str                    # "session" | "empty" | "wide"
    sessions: list[SessionView]
    rowspan: int = 1
    colspan: int = 1
    room: RoomView | None = None
    continued: bool = False      # started on an earlier page (PDF row chunks)
    row: int = 0                 # position in its grid (first row, first column), from 0
    col: int = 0


@dataclass(eq=False)
class Row:
    slot: Slot
    label: str
    start_label: str
    end_label: str
    plenary: bool
    cells: list[Cell]
    start_iso: str = ""
    end_iso: str = ""


@dataclass(eq=False)
class Grid:
    rooms: list[RoomView]
    rows: list[Row]
    part: int = 1
    parts: int = 1


@dataclass(eq=False)
class TimeGroup:
    """Sessions of a day that start at one time (the listing by day and time)."""
    start: int
    end: int
    label: str
    anchor: str
    sessions: list[SessionView]
    start_label: str = ""
    end_label: str = ""


@dataclass(eq=False)
class DayView:
    date: dt.date
    iso: str
    label: str
    short: str
    anchor: str
    number: int
    slots: list[Slot]
    rooms: list[RoomView]                       # columns of the grid: rooms used this day
    sessions: list[SessionView] = field(default_factory=list)
    groups: list[TimeGroup] = field(default_factory=list)
    grid: Grid | None = None
    weekday: str = ""                           # "Sunday" / "domingo"
    # internal: per session, (first row, last row, column or None for wide)
    _spans: dict = field(default_factory=dict, repr=False)
    _wide: list = field(default_factory=list, repr=False)   # [(first, last, [sessions])]
    _wide_ids: set = field(default_factory=set, repr=False)  # id() of the sessions in _wide
    _lang: Lang | None = field(default=None, repr=False)

    def grid_pages(self, max_cols: int, max_rows: int) -> list[Grid]:
        """The grid cut into pages of at most max_cols rooms and max_rows slots, columns balanced."""
        cols = self.rooms or []
        n_col_parts = max(1, -(-len(cols) // max_cols))
        per = -(-len(cols) // n_col_parts) if cols else 0
        col_chunks = [cols[i:i + per] for i in range(0, len(cols), per)] if cols else [[]]
        n_rows = len(self.slots)
        n_row_parts = max(1, -(-n_rows // max_rows))
        rper = -(-n_rows // n_row_parts) if n_rows else 0
        row_chunks = [(i, min(n_rows, i + rper) - 1) for i in range(0, n_rows, rper)] if n_rows else []
        pages = []
        for rc in row_chunks:
            for cc in col_chunks:
                pages.append(_build_grid(self, cc, rc[0], rc[1]))
        for i, g in enumerate(pages, 1):
            g.part, g.parts = i, len(pages)
        return pages


@dataclass(eq=False)
class Edition:
    """One language edition, as the language switcher of another edition links it."""
    code: str
    name: str          # its name in itself, capitalised ("Español", "العربية")
    dir: str
    prefix: str        # from this edition's pages to that edition's pages: "", "es/", "../", "../ar/"
    current: bool
    pdf: str           # that edition's booklet, relative to this edition's pages


@dataclass(eq=False)
class ProgramView:
    name: str
    acronym: str
    dates_label: str
    city: str
    venue: str
    hosts: list[str]
    url: str
    language: str                     # the edition's language
    language_dir: str
    time_zone: str
    days: list[DayView]
    tracks: list[TrackView]
    rooms: list[RoomView]             # every room of rooms.yaml, in its order
    speakers: list[SpeakerView]       # speakers with at least one placed session, by name
    sessions: list[SessionView]       # placed sessions by day, time, room
    formats: list[tuple[str, str]]    # (id, label) present in the program
    languages: list[tuple[str, str, str]]   # (code, name in the edition's language, autonym) to filter by
    unscheduled: list[Session]
    warnings: list[str]
    storage_key: str                  # localStorage key of the personal agenda
    L: Lang | None = None             # the edition's language: words and formats (niic_sched.i18n.Lang)
    editions: list[Edition] = field(default_factory=list)   # every edition, this one marked current
    main_language: str = ""           # the conference's main language (the first edition)
    unscheduled_titles: list[tuple[str, str, str]] = field(default_factory=list)  # (title, lang, dir)
    paper: str = "a4"                 # the printed program's paper: "a4" | "letter"
    pdf: bool = False                 # the booklet is rendered beside the site (the footer links it)
    labels: dict = field(default_factory=dict)   # the site script's words, in this language
    changes: object = None            # render/changes.ChangesView: what changed since printing (None: nothing to compare)

    @property
    def session_count(self) -> int:
        return len(self.sessions)

    @property
    def rtl(self) -> bool:
        return self.language_dir == "rtl"

    @property
    def url_href(self) -> str:
        """The conference URL when it is a web address (never a javascript: or data: link)."""
        return self.url if re.match(r"https?://", self.url or "", re.I) else ""

    @property
    def pdf_href(self) -> str:
        """This edition's booklet, relative to its pages ("" when none was rendered)."""
        if not self.pdf:
            return ""
        return next((e.pdf for e in self.editions if e.current), "program.pdf")

    def data(self) -> dict:
        """What the site's JavaScript needs (personal agenda, .ics export, its words)."""
        return {
            "conference": {"name": self.name, "acronym": self.acronym, "tz": self.time_zone, "url": self.url,
                           "key": self.storage_key, "language": self.language, "dir": self.language_dir,
                           "rangeSep": self.L.range_separator if self.L is not None else "–"},
            "labels": self.labels,
            "days": [{"iso": d.iso, "label": d.label} for d in self.days],
            "sessions": {
                s.id: {"title": s.title, "day": s.day.iso if s.day else "", "start": s.start_label,
                       "end": s.end_label, "room": s.room.name, "track": s.track.name, "css": s.track.css,
                       "format": s.format_label, "speakers": s.speaker_names, "lang": s.title_lang,
                       "dir": s.title_dir, "utcStart": s.utc_start, "utcEnd": s.utc_end, "anchor": s.anchor,
                       "uid": s.uid, "url": s.url,
                       "startMin": s.start, "endMin": s.end}
                for s in self.sessions},
            "order": [s.id for s in self.sessions],
        }


# the words of assets/app.js ({name} placeholders are filled in by the script)
SCRIPT_LABELS = {
    "add": N_("Add to my agenda: {title}"),
    "remove": N_("Remove from my agenda: {title}"),
    "addShort": N_("Add to my agenda"),
    "inAgenda": N_("In my agenda (select to remove)"),
    "confirmClear": N_("Remove every session from your agenda?"),
    "shown": N_("Showing {shown} of {total} sessions."),
    "overlaps": N_("Overlaps with: {titles}"),
    "speakers": N_("Speakers: {names}"),
    "emptyAgenda": N_("Your agenda is empty: star sessions first."),
    "calendar": N_("My agenda"),
}


# ----------------------------------------------------------------------------------- building
def program_view(program: PlacedProgram, lang: str | None = None) -> ProgramView:
    """The whole view model of a placed program in the edition ``lang`` (default: the
    conference's main language); a forced program too (collisions share a cell)."""
    conf = program.conf
    L = lang_of(lang or conf.language or "en")
    tracks = _tracks(conf, L)
    rooms = {r.id: RoomView(id=r.id, name=r.name or r.id, capacity=r.capacity,
                            features=[(f, feature_label(L, f)) for f in
                                      sorted(r.features, key=lambda f: (f not in ACCESSIBILITY_FEATURES, f))],
                            step_free="wheelchair" in r.features, anchor=anchor("room", r.id),
                            capacity_label=L.ngettext("%(num)s seat", "%(num)s seats", r.capacity)
                            % {"num": L.number(r.capacity)})
             for r in conf.rooms}
    speakers = {p.id: _speaker_view(p) for p in conf.speakers}

    days: list[DayView] = []
    by_date: dict[dt.date, DayView] = {}
    for n, d in enumerate(sorted(conf.days, key=lambda d: d.date), 1):
        dv = DayView(date=d.date, iso=d.date.isoformat(), label=capitalize(L.date_long(d.date)),
                     short=capitalize(L.date_short(d.date)), anchor=anchor("day", d.date.isoformat()), number=n,
                     slots=sorted(d.slots, key=lambda s: (s.start, s.end)), rooms=[],
                     weekday=capitalize(L.weekday(d.date)), _lang=L)
        days.append(dv)
        by_date[d.date] = dv

    sessions: list[SessionView] = []
    view_of: dict[str, SessionView] = {}
    runs: dict[int, tuple[Slot, ...]] = {}
    for i, p in enumerate(program.placements, 1):      # already in program order
        for sp in p.speakers:
            if sp.id not in speakers:
                speakers[sp.id] = _speaker_view(sp)
        sv = _session_view(conf, L, p, tracks[p.session.track], rooms[p.room.id], speakers, by_date[p.day])
        sv.number = i
        sessions.append(sv)
        view_of[p.session.id] = sv
        runs[id(sv)] = p.slots
    for groups, views in ((program.by_day, by_date), (program.by_room, rooms), (program.by_track, tracks),
                          (program.by_speaker, speakers)):
        for key, placements in groups.items():
            views[key].sessions = [view_of[p.session.id] for p in placements]
    room_order = {r.id: i for i, r in enumerate(conf.rooms)}
    for dv in days:
        _layout_day(dv, runs, room_order)

    order = list(FORMAT_LABELS)
    formats = sorted({(s.format, s.format_label) for s in sessions},
                     key=lambda f: (order.index(f[0]) if f[0] in order else len(order), f[0]))
    codes = sorted({c for s in sessions for c in s.follow}, key=lambda c: (c != L.code, c))
    languages = [(c, capitalize(L.language_name(c)), capitalize(autonym(c))) for c in codes]
    key_base = conf.acronym or conf.name or "program"
    unscheduled = []
    for s in program.unplaced:
        title, tlang, translated = shown(conf, L, s, "title")
        unscheduled.append((title, tlang, shown_dir(s, translated, tlang, title)))
    return ProgramView(
        name=conf.name, acronym=conf.acronym, dates_label=L.date_range(d.date for d in conf.days),
        city=conf.city, venue=conf.venue, hosts=list(conf.hosts), url=conf.url, language=L.code,
        language_dir=L.dir, time_zone=conf.time_zone, days=days,
        tracks=[t for t in tracks.values() if t.sessions],
        rooms=[rooms[r.id] for r in conf.rooms],
        speakers=sorted((p for p in speakers.values() if p.sessions), key=lambda p: (p.sort_key, p.id)),
        sessions=sessions, formats=formats, languages=languages,
        unscheduled=list(program.unplaced), warnings=list(program.warnings),
        storage_key="niic-sched:" + re.sub(r"\s+", "-", key_base.strip()).lower() + ":agenda",
        L=L, editions=editions(conf, L.code), main_language=conf.editions[0] if conf.editions else L.code,
        unscheduled_titles=unscheduled, paper=conf.paper_size,
        labels={k: L.gettext(v) for k, v in SCRIPT_LABELS.items()},
    )


def edition_folder(conf: Conference, code: str) -> str:
    """Where edition ``code`` goes under the output folder: "" for the main language, "es/" for another."""
    main = conf.editions[0] if conf.editions else conf.language
    return "" if code == main else f"{code}/"


def edition_pdf(conf: Conference, code: str, name: str = "program") -> str:
    """The booklet of edition ``code``: "program.pdf" (main language), "program-es.pdf"."""
    return f"{name}.pdf" if not edition_folder(conf, code) else f"{name}-{code}.pdf"


def editions(conf: Conference, current: str) -> list[Edition]:
    """Every edition as seen from the pages of edition ``current`` (links relative to them)."""
    up = "../" if edition_folder(conf, current) else ""
    out = []
    for code in conf.editions or (current,):
        out.append(Edition(code=code, name=capitalize(autonym(code)), dir=direction(code),
                           prefix=up + edition_folder(conf, code), current=code == current,
                           pdf=up + edition_pdf(conf, code)))
    return out


def _speaker_view(p) -> SpeakerView:
    """By family name (niic_sched.names: ``sort_name``, else the documented guess), filed under
    the family name's first letter."""
    return SpeakerView(id=p.id, name=p.name, organization=p.organization, anchor=anchor("speaker", p.id),
                       sort_key=sort_key(p.name, p.sort_name), initial=index_letter(p.name, p.sort_name) or "#")


def _tracks(conf: Conference, L: Lang) -> dict[str, TrackView]:
    """Tracks with a colour, a tint and a pattern each (the same in every edition): plenary first,
    then by id; names in the edition's language when the conference gives one."""
    ids = sorted({s.track for s in conf.sessions},
                 key=lambda t: (t != "plenary", t == "", t))
    names = dict(conf.tracks)
    out = {}
    for i, tid in enumerate(ids):
        hue = HUES[i] if i < len(HUES) else (HUES[-1] + (i - len(HUES) + 1) * 137.508) % 360
        given = dict(names.get(tid, ()))
        name = conf.track_name(tid, L.code) if tid else L.gettext(N_("General"))
        written = next((lang for lang in (L.code, conf.language) if given.get(lang)), "")
        name_lang = written if written and base(written) != base(L.code) else ""
        out[tid] = TrackView(id=tid, name=name, index=i, css=f"t-{i}",
                             color=_hex(hue, 0.62, 0.34), tint=_hex(hue, 0.80, 0.94),
                             pattern=PATTERNS[i % len(PATTERNS)], anchor=anchor("track", tid or "general"),
                             name_lang=name_lang, name_dir=direction(name_lang) if name_lang else "auto")
    return out


def _utc(moment: dt.datetime) -> str:
    """An aware datetime as an iCalendar UTC stamp: 20141207T170000Z; a naive one (no
    time zone given) as a floating local time, 20141207T090000, never as UTC."""
    if moment.tzinfo is None:
        return moment.strftime("%Y%m%dT%H%M%S")
    return moment.astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def _session_view(conf: Conference, L: Lang, p: Placement, track: TrackView, room: RoomView,
                  speakers: dict[str, SpeakerView], day: DayView) -> SessionView:
    s = p.session
    eff = spoken(conf, s)
    name = capitalize(L.language_name(eff))
    sps = [speakers[q.id] for q in p.speakers]
    title, title_lang, translated = shown(conf, L, s, "title")
    abstract, abstract_lang, abstract_translated = shown(conf, L, s, "abstract")
    langs = offered(conf, s)
    interp = interpretation_label(conf, L, s)
    follow = tuple(dict.fromkeys([base(eff)] + [base(c) for c in langs]))
    search = " ".join([s.id, title, s.title, track.name, s.format, name, autonym(eff), room.name, interp]
                      + [q.name for q in sps] + [q.organization for q in sps])
    return SessionView(
        id=s.id, anchor=anchor("session", s.id), title=title, abstract=abstract, format=s.format,
        format_label=format_label(L, s.format), track=track, language=s.language,
        effective_language=eff, language_name=name, language_autonym=capitalize(autonym(eff)),
        language_dir=direction(eff), interpretation=bool(interp),
        requires=[(f, feature_label(L, f)) for f in sorted(s.requires)],
        speakers=sps, room=room, day=day, start=p.start, end=p.end, slot_count=len(p.slots), search=fold(search),
        utc_start=_utc(p.begins), utc_end=_utc(p.ends), uid=session_uid(conf, s.id), url=session_url(conf, s.id),
        title_lang=title_lang, title_dir=shown_dir(s, translated, title_lang, title), title_translated=translated,
        original_title=s.title, abstract_lang=abstract_lang,
        abstract_dir=shown_dir(s, abstract_translated, abstract_lang, abstract),
        interpretation_languages=langs, interpretation_label=interp, language_line=language_line(conf, L, s),
        language_shown=bool(s.language) or base(eff) != base(L.code) or bool(interp),
        interpretation_short="/".join(c.upper() for c in langs),
        follow=follow, time_label=L.time_range(p.start, p.end), start_label=L.time(p.start),
        end_label=L.time(p.end), start_iso=hhmm(p.start % 1440), end_iso=hhmm(p.end % 1440))


def _layout_day(dv: DayView, runs: dict[int, tuple[Slot, ...]], room_order: dict[str, int]) -> None:
    """Spans, full-width plenary blocks, columns, time groups and the screen grid of one day."""
    index = {sl: i for i, sl in enumerate(dv.slots)}
    for sv in dv.sessions:
        run = runs[id(sv)]
        dv._spans[id(sv)] = (index[run[0]], index[run[-1]])
    # plenary blocks: merge overlapping plenaries; a block is wide when nothing else touches it
    plen = sorted((dv._spans[id(sv)] + (sv,) for sv in dv.sessions if sv.format == "plenary"),
                  key=lambda x: x[0])
    blocks: list[list] = []
    for f, l, sv in plen:
        if blocks and f <= blocks[-1][1]:
            blocks[-1][1] = max(blocks[-1][1], l)
            blocks[-1][2].append(sv)
        else:
            blocks.append([f, l, [sv]])
    wide_ids: set[int] = set()
    for f, l, members in blocks:
        touching = [sv for sv in dv.sessions if dv._spans[id(sv)][0] <= l and f <= dv._spans[id(sv)][1]]
        if all(sv.format == "plenary" and f <= dv._spans[id(sv)][0] and dv._spans[id(sv)][1] <= l
               for sv in touching):
            dv._wide.append((f, l, members))
            wide_ids.update(id(sv) for sv in members)
    used = {sv.room.id: sv.room for sv in dv.sessions if id(sv) not in wide_ids}
    dv.rooms = sorted(used.values(), key=lambda r: room_order[r.id])
    dv._wide_ids = wide_ids
    # the listing: sessions grouped by start time
    L = dv._lang or lang_of()
    slot_end = {sl.start: sl.end for sl in dv.slots}
    groups: dict[int, TimeGroup] = {}
    for sv in dv.sessions:
        g = groups.get(sv.start)
        if g is None:
            end = slot_end.get(sv.start, sv.end)
            g = groups[sv.start] = TimeGroup(sv.start, end, L.time_range(sv.start, end),
                                             anchor(f"time-{dv.iso}", hhmm(sv.start).replace(":", "")), [],
                                             start_label=L.time(sv.start), end_label=L.time(end))
        g.sessions.append(sv)
    dv.groups = [groups[k] for k in sorted(groups)]
    dv.grid = _build_grid(dv, dv.rooms, 0, len(dv.slots) - 1) if dv.slots else Grid(dv.rooms, [])


def _build_grid(dv: DayView, cols: list[RoomView], r0: int, r1: int) -> Grid:
    """Rows r0..r1 of the day's grid with the rooms ``cols`` as columns."""
    col = {r.id: j for j, r in enumerate(cols)}
    percol: dict[int, list[list]] = {j: [] for j in range(len(cols))}
    wide_ids = dv._wide_ids
    for sv in sorted(dv.sessions, key=lambda sv: (dv._spans[id(sv)], sv.id)):
        j = col.get(sv.room.id)
        if j is None or id(sv) in wide_ids:
            continue
        f, l = dv._spans[id(sv)]
        cells = percol[j]
        if cells and f <= cells[-1][1]:          # collides (forced schedule): share the cell
            cells[-1][1] = max(cells[-1][1], l)
            cells[-1][2].append(sv)
        else:
            cells.append([f, l, [sv]])
    starts: dict[tuple[int, int], Cell] = {}
    covered: set[tuple[int, int]] = set()
    for j, cells in percol.items():
        for f, l, svs in cells:
            if l < r0 or f > r1:
                continue
            a, b = max(f, r0), min(l, r1)
            starts[(a, j)] = Cell("session", svs, rowspan=b - a + 1, room=cols[j], continued=f < r0, row=a - r0, col=j)
            covered.update((r, j) for r in range(a, b + 1))
    wide_start: dict[int, Cell] = {}
    wide_rows: set[int] = set()
    for f, l, members in dv._wide:
        if l < r0 or f > r1:
            continue
        a, b = max(f, r0), min(l, r1)
        wide_start[a] = Cell("wide", members, rowspan=b - a + 1, colspan=max(1, len(cols)), continued=f < r0,
                             row=a - r0)
        wide_rows.update(range(a, b + 1))
    L = dv._lang or lang_of()
    rows = []
    for r in range(r0, r1 + 1):
        sl = dv.slots[r]
        if r in wide_start:
            cells = [wide_start[r]]
        elif r in wide_rows:
            cells = []
        elif not cols:
            cells = [Cell("empty", [], row=r - r0)]
        else:
            cells = [starts[(r, j)] if (r, j) in starts else Cell("empty", [], room=cols[j], row=r - r0, col=j)
                     for j in range(len(cols)) if (r, j) in starts or (r, j) not in covered]
        rows.append(Row(slot=sl, label=L.time_range(sl.start, sl.end), start_label=L.time(sl.start),
                        end_label=L.time(sl.end), plenary=sl.is_plenary, cells=cells,
                        start_iso=hhmm(sl.start % 1440), end_iso=hhmm(sl.end % 1440)))
    return Grid(rooms=cols, rows=rows)
