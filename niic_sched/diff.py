"""What changed between two schedules, and whom to tell.

``compare`` sorts every session into added, cancelled, retimed (its day or
start changed; a room change may come with it) and moved (same day and start,
another room); the rest is unchanged. ``notices`` gives one notice per speaker
who has at least one changed session, listing only those sessions: speakers
whose sessions all stayed where they were get none.

Outputs: ``text`` and ``markdown`` for people, ``csv_bytes`` for a mail merge
(one row per speaker and changed session, with the speaker's email: a private
file; UTF-8 with a byte-order mark so that
Excel and Word read accents and Arabic script; cells that a spreadsheet would
run as a formula get a leading apostrophe).

Languages: what the committee reads (the summary, the lists of changes, the
``old``/``new`` columns of the CSV) is English with ISO dates, as every command's
output. Each speaker's notice is written in the speaker's ``language`` when
speakers.yaml gives one, else in the conference's main language: its sentences
(``Change.notice``), dates and times (Babel), and the session's title in that
language when the session has a translation; the CSV carries it in its
``language`` and ``notice`` columns.

A cancelled session is no longer in the folder, so its title and speakers
come from the old schedule file itself when it has them (``read_extras``: the
``title``, ``end`` and, if present, ``speakers`` keys that the spec allows
beside the four required ones).
"""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

from .export.csv import spreadsheet_csv
from .i18n import N_, Lang, capitalize, lang_of, ltr, weekday_name
from .io.yamlfile import read_yaml
from .labels import shown
from .model import Conference, Schedule, hhmm

KINDS = ("added", "cancelled", "retimed", "moved")
KIND_TEXT = {"added": "added", "cancelled": "cancelled", "retimed": "new time", "moved": "new room"}
HEADINGS = {"added": "Added", "cancelled": "Cancelled", "retimed": "Retimed (new day or time)",
            "moved": "Moved to another room (same time)"}
# a private file (it carries the speakers' emails): for the committee's mail merge, never published
CSV_COLUMNS = ("speaker_id", "name", "organization", "session", "title", "change", "old", "new", "language",
               "notice", "email")
# a speaker's notice, in the speaker's language
NOTICE_INTRO = (N_("A change to your session since the published program:"),
                N_("Changes to your sessions since the published program:"))
NOTICE = {
    # TRANSLATORS: %(what)s is the session, e.g. “Citizenship for all” (s0005); %(new)s a day, time and room
    "added": N_("%(what)s has been added: %(new)s."),
    "cancelled": N_("%(what)s has been cancelled (it was %(old)s)."),
    "retimed": N_("%(what)s has a new time: %(new)s (it was %(old)s)."),
    "moved": N_("%(what)s has moved to another room: %(new)s (it was %(old)s)."),
}


@dataclass(frozen=True)
class Place:
    day: dt.date
    start: int
    end: int | None
    room: str
    room_name: str

    def text(self) -> str:
        """'Monday 2014-12-08, 10:30-11:45, Ballroom A' (weekday in English, locale-free)."""
        time = hhmm(self.start) + (f"-{hhmm(self.end)}" if self.end is not None else "")
        return f"{weekday_name(self.day)} {self.day.isoformat()}, {time}, {self.room_name}"

    def local(self, L: Lang) -> str:
        """The same for a reader of L: 'Monday, December 8, 2014, 10:30 AM – 11:45 AM, Ballroom A'
        (times a left-to-right island, the room name isolated)."""
        time = L.time_range(self.start, self.end) if self.end is not None else L.time(self.start)
        return L._("%(date)s, %(time)s, %(room)s", date=L.date_long(self.day), time=ltr(time),
                   room=L.embed(self.room_name))


@dataclass(frozen=True)
class Change:
    kind: str                    # one of KINDS
    session: str
    title: str
    speakers: tuple[str, ...]    # ids; () when unknown (a cancelled session without speakers in the file)
    old: Place | None
    new: Place | None

    def sentence(self) -> str:
        what = f'{self.session} "{self.title}"' if self.title else self.session
        if self.kind == "added":
            return f"{what}: added, {self.new.text()}"
        if self.kind == "cancelled":
            return f"{what}: cancelled (was {self.old.text()})"
        return f"{what}: {KIND_TEXT[self.kind]}: was {self.old.text()}; now {self.new.text()}"

    def notice(self, L: Lang, conf: Conference | None = None) -> str:
        """This change told to a speaker reading L: 'The session “Citizenship for all” (s0005) has
        a new time: ...' (the title in L when the session has a translation)."""
        title = self.title
        if conf is not None and self.session in conf.session:
            title = shown(conf, L, conf.session[self.session], "title")[0]
        what = (L._("the session “%(title)s” (%(id)s)", title=L.embed(title), id=self.session) if title
                else L._("the session %(id)s", id=self.session))
        return capitalize(L._(NOTICE[self.kind], what=what, old=self.old.local(L) if self.old else "",
                              new=self.new.local(L) if self.new else ""))


@dataclass(frozen=True)
class Notice:
    speaker: str
    name: str
    organization: str
    changes: tuple[Change, ...]
    language: str = "en"          # the language it is written in: the speaker's, else the conference's
    email: str = ""               # from speakers.yaml (private): the mail merge's address

    def lines(self, conf: Conference | None = None) -> list[str]:
        """The notice's text in its language: an introduction, then one sentence per change."""
        L = lang_of(self.language)
        intro = L.gettext(NOTICE_INTRO[0] if len(self.changes) == 1 else NOTICE_INTRO[1])
        return [intro] + [c.notice(L, conf) for c in self.changes]


@dataclass
class Diff:
    changes: list[Change]
    unchanged: list[str]
    notices: list[Notice] = field(default_factory=list)
    old_label: str = "old"
    new_label: str = "new"
    names: dict[str, str] = field(default_factory=dict)   # speaker id -> name
    conf: Conference | None = field(default=None, repr=False)   # for the notices' translated titles

    def of(self, kind: str) -> list[Change]:
        return [c for c in self.changes if c.kind == kind]

    @property
    def published_moves(self) -> list[Change]:
        """Published sessions that kept their place no longer (retimed or moved room)."""
        return [c for c in self.changes if c.kind in ("retimed", "moved")]

    def counts(self) -> dict[str, int]:
        out = {k: len(self.of(k)) for k in KINDS}
        out["unchanged"] = len(self.unchanged)
        out["notices"] = len(self.notices)
        return out

    def summary(self) -> str:
        c = self.counts()
        return (f"{c['added']} added, {c['cancelled']} cancelled, {c['retimed']} retimed, "
                f"{c['moved']} moved to another room, {c['unchanged']} unchanged; "
                f"{c['notices']} speaker notice{'s' if c['notices'] != 1 else ''}")


def read_extras(path: str | os.PathLike) -> dict[str, dict]:
    """session id -> the optional keys of its schedule.yaml row (title, end, speakers).

    Tolerant: a file that cannot be read gives {} (read_schedule reports real problems)."""
    path = Path(path)
    if not path.is_file():
        return {}
    data = read_yaml(path, str(path), [])    # the guarded reader: size and alias limits, times stay text
    rows = data.get("assignments") if isinstance(data, dict) else None
    out: dict[str, dict] = {}
    for row in rows if isinstance(rows, list) else []:
        if isinstance(row, dict) and row.get("session") is not None:
            out[str(row["session"])] = row
    return out


def _minutes(value) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):   # minutes after midnight
        return value
    if isinstance(value, str) and ":" in value:
        h, _, m = value.strip().partition(":")
        if h.isdigit() and m[:2].isdigit():
            return int(h) * 60 + int(m[:2])
    return None


def _place(conf: Conference, a, extra: dict | None) -> Place:
    end = None
    s = conf.session.get(a.session)
    if s is not None:
        run = conf.covered_slots(s, a.day, a.start)
        if run:
            end = run[-1].end
    if extra is not None and _minutes(extra.get("end")) is not None:
        end = _minutes(extra.get("end"))   # as printed in that file (the grid may have changed since)
    room = conf.room.get(a.room)
    return Place(a.day, a.start, end, a.room, room.name if room else a.room)


def _speakers(conf: Conference, sid: str, *extras: dict | None) -> tuple[str, ...]:
    if sid in conf.session:
        return conf.session[sid].speakers
    for extra in extras:
        sp = (extra or {}).get("speakers")
        if isinstance(sp, list):
            return tuple(str(p) for p in sp)
        if isinstance(sp, str) and sp.strip():
            return tuple(p.strip() for p in sp.split(",") if p.strip())
    return ()


def _title(conf: Conference, sid: str, *extras: dict | None) -> str:
    if sid in conf.session:
        return conf.session[sid].title
    for extra in extras:
        if (extra or {}).get("title"):
            return str(extra["title"])
    return ""


def compare(conf: Conference, old: Schedule, new: Schedule, *, old_extras: dict | None = None,
            new_extras: dict | None = None, old_label: str = "old", new_label: str = "new") -> Diff:
    """Changes from ``old`` to ``new``. ``conf`` is the conference as it is now (titles,
    speakers, rooms, slot ends); extras are read_extras() of the two files, for sessions
    that are no longer in the conference."""
    old_extras, new_extras = old_extras or {}, new_extras or {}
    before, after = old.by_session, new.by_session
    changes: list[Change] = []
    unchanged: list[str] = []
    for sid in sorted(set(before) | set(after)):
        a, b = before.get(sid), after.get(sid)
        oe, ne = old_extras.get(sid), new_extras.get(sid)
        title, speakers = _title(conf, sid, ne, oe), _speakers(conf, sid, ne, oe)
        if a is None:
            changes.append(Change("added", sid, title, speakers, None, _place(conf, b, ne)))
        elif b is None:
            changes.append(Change("cancelled", sid, title, speakers, _place(conf, a, oe), None))
        elif (a.day, a.start) != (b.day, b.start):
            changes.append(Change("retimed", sid, title, speakers, _place(conf, a, oe), _place(conf, b, ne)))
        elif a.room != b.room:
            changes.append(Change("moved", sid, title, speakers, _place(conf, a, oe), _place(conf, b, ne)))
        else:
            unchanged.append(sid)

    def when(c: Change):
        p = c.new or c.old
        return (KINDS.index(c.kind), p.day, p.start, p.room, c.session)

    changes.sort(key=when)
    names = {p: conf.speaker[p].name for c in changes for p in c.speakers if p in conf.speaker}
    return Diff(changes, unchanged, notices(conf, changes), old_label, new_label, names, conf)


def notices(conf: Conference, changes: list[Change]) -> list[Notice]:
    """One notice per speaker with at least one changed session, listing only those."""
    per: dict[str, list[Change]] = {}
    for c in changes:
        for p in c.speakers:
            per.setdefault(p, []).append(c)
    out = []
    for pid in sorted(per):
        sp = conf.speaker.get(pid)
        language = (sp.language if sp and sp.language else None) or conf.language or "en"
        out.append(Notice(pid, sp.name if sp else pid, sp.organization if sp else "", tuple(per[pid]), language,
                          email=sp.email if sp else ""))
    return out


# -- outputs ---------------------------------------------------------------------------------------
def _who(n: Notice) -> str:
    return f"{n.name} ({n.organization})" if n.organization else n.name


def text(d: Diff) -> str:
    lines = [f"Changes from {d.old_label} to {d.new_label}: {d.summary()}."]
    for kind in KINDS:
        items = d.of(kind)
        lines += ["", f"{HEADINGS[kind]}: {len(items) if items else 'none'}"]
        for c in items:
            lines.append(f"  {c.sentence()}")
    lines += ["", f"Notices: {len(d.notices) if d.notices else 'none'} "
                  "(only speakers with a changed session)"]
    for n in d.notices:
        intro, *sentences = n.lines(d.conf)
        lines += ["", f"To {_who(n)} [{n.speaker}]: (a notice in {lang_of().language_name(n.language)})",
                  f"  {intro}"]
        lines += [f"  - {x}" for x in sentences]
    nameless = [c for c in d.of("cancelled") if not c.speakers]
    if nameless:
        lines += ["", "Cancelled sessions whose speakers are unknown (they are neither in the folder nor in "
                      f"{d.old_label}): " + ", ".join(c.session for c in nameless) + "; tell their speakers yourself."]
    return "\n".join(lines) + "\n"


def _md(value) -> str:
    return str(value or "").replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def markdown(d: Diff) -> str:
    lines = [f"# Changes from `{d.old_label}` to `{d.new_label}`", "", d.summary() + "."]
    for kind in KINDS:
        items = d.of(kind)
        lines += ["", f"## {HEADINGS[kind]} ({len(items)})", ""]
        if not items:
            lines.append("None.")
            continue
        lines += ["| session | title | speakers | old | new |", "|---|---|---|---|---|"]
        for c in items:
            names = ", ".join(d.names.get(p, p) for p in c.speakers)
            lines.append(f"| {_md(c.session)} | {_md(c.title)} | {_md(names)} | "
                         f"{_md(c.old.text() if c.old else '')} | {_md(c.new.text() if c.new else '')} |")
    lines += ["", f"## Notices ({len(d.notices)})", ""]
    if not d.notices:
        lines.append("None: no speaker's session changed.")
    for n in d.notices:
        intro, *sentences = n.lines(d.conf)
        lines += [f"### {_md(_who(n))} `{n.speaker}` ({n.language})", "", _md(intro), ""]
        lines += [f"- {_md(x)}" for x in sentences]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def csv_rows(d: Diff) -> list[list[str]]:
    rows = []
    for n in d.notices:
        L = lang_of(n.language)
        for c in n.changes:
            title = shown(d.conf, L, d.conf.session[c.session], "title")[0] \
                if d.conf is not None and c.session in d.conf.session else c.title
            rows.append([n.speaker, n.name, n.organization, c.session, title, c.kind,
                         c.old.text() if c.old else "", c.new.text() if c.new else "", n.language,
                         c.notice(L, d.conf), n.email])
    return rows


def csv_bytes(d: Diff) -> bytes:
    """Mail-merge CSV: one row per speaker and changed session."""
    return spreadsheet_csv(CSV_COLUMNS, csv_rows(d))


def render(d: Diff, fmt: str) -> bytes:
    if fmt == "csv":
        return csv_bytes(d)
    return (markdown(d) if fmt == "markdown" else text(d)).encode("utf-8")


def moves_report(d: Diff, hint: str = "") -> list[str]:
    """What `solve --baseline` and `add` print: the published sessions kept and moved,
    and, when moves could not be avoided, which ones."""
    retimed, moved = d.of("retimed"), d.of("moved")
    lines = [f"published sessions: {len(d.unchanged)} kept their day, time and room; "
             f"{len(retimed)} retimed; {len(moved)} moved to another room at the same time"]
    if d.of("added"):
        lines.append(f"new sessions placed: {len(d.of('added'))}")
    if d.of("cancelled"):
        lines.append("cancelled (in the published schedule, no longer in the folder): "
                     + ", ".join(c.session for c in d.of("cancelled")))
    if retimed or moved:
        n = len(retimed) + len(moved)
        lines.append(f"No placement was found that keeps every published session where it was (a pin, a closed "
                     f"room or a full grid can make moves unavoidable); {n} published session{'s' if n != 1 else ''} "
                     f"moved. The solver minimises moves before anything else, a time change counting before a "
                     f"room change:")
        lines += [f"  {c.sentence()}" for c in retimed + moved]
        if hint:
            lines.append(hint)
    else:
        lines.append("Every published session keeps its day, time and room.")
    return lines
