"""The "What changed" page of the site (changes.html) and the handout (changes.pdf).

Both list what changed since the printed program (``niic_sched.changes``): the
NEW sessions with their day, time and room, the MOVED ones with their old and
new place, the CANCELLED ones with the place they had. ``mark`` also gives each
session of the edition's view its mark (``SessionView.change``: "new", "moved"
or ""), which the grid and the lists of the site show as a badge (the macro
``badge`` of html/_macros.html).

One page and one handout per edition, in its language: ``changes.html`` in the
edition's folder, ``changes.pdf`` (``changes-L.pdf`` for another edition L) on
the conference's paper (``Conference.paper_size``). The handout is meant for the
registration desk: one or two pages for the usual handful of late changes.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from ..changes import CANCELLED, MOVED, NEW, Changes
from ..diff import Change, Place
from ..i18n import N_, Lang, capitalize, lang_of, text_direction
from . import asset
from .view import ProgramView, SessionView, anchor

# the badge words (the site's grid and lists, the page, the handout)
BADGES = {NEW: N_("NEW"), MOVED: N_("MOVED"), CANCELLED: N_("CANCELLED")}
PAGE_SIZE = {"a4": "A4", "letter": "letter"}


@dataclass(eq=False)
class PlaceView:
    day: str            # "Mon, Dec 8" in the edition's language
    time: str           # "10:30 AM – 11:45 AM" (plain text; templates isolate it left to right)
    room: str
    iso: str            # "2014-12-08 10:30", for sorting and tools


@dataclass(eq=False)
class ChangeItem:
    kind: str                          # new | moved | cancelled
    badge: str                         # the badge's word in the edition's language
    id: str
    title: str
    title_dir: str
    speakers: str                      # names, comma-separated
    track: str                         # the track's display name
    old: PlaceView | None
    new: PlaceView | None
    session: SessionView | None        # the session as placed now (None: cancelled)
    what_moved: str = ""               # "new time", "new room", "new time and room" (localised)

    @property
    def href(self) -> str:
        return f"sessions.html#{self.session.anchor}" if self.session is not None else ""


@dataclass(eq=False)
class ChangesView:
    """What the "What changed" page and the handout print (one edition)."""
    since: str                          # "the printed program" / "version 2", localised
    printed: bool
    new: list[ChangeItem] = field(default_factory=list)
    moved: list[ChangeItem] = field(default_factory=list)
    cancelled: list[ChangeItem] = field(default_factory=list)
    pdf: str = ""                       # the handout's file name beside the page ("" when not rendered)

    @property
    def count(self) -> int:
        return len(self.new) + len(self.moved) + len(self.cancelled)

    @property
    def sections(self) -> list[tuple[str, list[ChangeItem]]]:
        return [(NEW, self.new), (MOVED, self.moved), (CANCELLED, self.cancelled)]


def _place(L: Lang, p: Place | None) -> PlaceView | None:
    if p is None:
        return None
    time = L.time_range(p.start, p.end) if p.end is not None else L.time(p.start)
    return PlaceView(day=capitalize(L.date_short(p.day)), time=time, room=p.room_name,
                     iso=f"{p.day.isoformat()} {p.start // 60:02d}:{p.start % 60:02d}")


def _track_name(program: ProgramView, conf, track: str, L: Lang) -> str:
    for t in program.tracks:
        if t.id == track:
            return t.name
    return conf.track_name(track, L.code) if track else ""


def changes_view(program: ProgramView, changes: Changes, conf, L: Lang | None = None) -> ChangesView:
    """The changes as the edition of ``program`` shows them; also marks its sessions."""
    L = L or lang_of(program.language)
    by_id = {s.id: s for s in program.sessions}
    since = (L.gettext(N_("the printed program")) if changes.reference.printed else
             L._(N_("version %(n)s"), n=changes.reference.number) if changes.reference.number is not None
             else changes.reference.path.name)
    view = ChangesView(since=since, printed=changes.reference.printed)
    names = changes.diff.names

    def item(kind: str, c: Change) -> ChangeItem:
        sv = by_id.get(c.session)
        session = conf.session.get(c.session)
        title = sv.title if sv is not None else c.title or c.session
        speakers = sv.speaker_names if sv is not None else ", ".join(names.get(p, p) for p in c.speakers)
        track = sv.track.name if sv is not None else (
            _track_name(program, conf, session.track, L) if session is not None else "")
        what = ""
        if kind == MOVED and c.old is not None and c.new is not None:
            timed = (c.old.day, c.old.start) != (c.new.day, c.new.start)
            roomed = c.old.room != c.new.room
            what = capitalize(L.gettext(N_("new time and room")) if timed and roomed else
                              L.gettext(N_("new time")) if timed else L.gettext(N_("new room")))
        return ChangeItem(kind=kind, badge=L.gettext(BADGES[kind]), id=c.session, title=title,
                          title_dir=sv.title_dir if sv is not None else text_direction(title), speakers=speakers,
                          track=track, old=_place(L, c.old), new=_place(L, c.new), session=sv, what_moved=what)

    def when(i: ChangeItem):
        p = i.new or i.old
        return (p.iso if p else "", i.id)

    view.new = sorted((item(NEW, c) for c in changes.new), key=when)
    view.moved = sorted((item(MOVED, c) for c in changes.moved), key=when)
    view.cancelled = sorted((item(CANCELLED, c) for c in changes.cancelled), key=when)
    return view


def mark(program: ProgramView, changes: Changes | None, conf) -> None:
    """Give every session of the view its mark and the view its ChangesView (None: no version
    to compare with, so no marks and no page)."""
    marks = changes.marks if changes is not None else {}
    L = lang_of(program.language)
    for s in program.sessions:
        s.change = marks.get(s.id, "")
        s.change_label = L.gettext(BADGES[s.change]) if s.change else ""
    program.changes = changes_view(program, changes, conf, L) if changes is not None else None


def handout_name(pdf_name: str) -> str:
    """The handout beside a booklet: "program.pdf" -> "changes.pdf", "program-es.pdf" -> "changes-es.pdf"."""
    return "changes" + pdf_name[len("program"):] if pdf_name.startswith("program") else "changes.pdf"


def page_css(paper: str) -> str:
    return f"@page {{ size: {PAGE_SIZE.get(paper, 'A4')}; }}"


def write_changes_page(program: ProgramView, env: jinja2.Environment, dest: Path, nav) -> list[str]:
    """changes.html into ``dest`` (the edition's folder); [] when the view has no changes."""
    if getattr(program, "changes", None) is None:
        return []
    L = lang_of(program.language)
    title = L.gettext(N_("What changed"))
    html = env.get_template("html/changes.html").render(program=program, page="changes", title=title, nav=nav,
                                                        changes=program.changes)
    dest.mkdir(parents=True, exist_ok=True)
    with open(dest / "changes.html", "w", encoding="utf-8", newline="\n") as fh:
        fh.write(html)
    return ["changes.html"]


def write_handout(program: ProgramView, env: jinja2.Environment, target: Path, paper: str) -> int:
    """changes.pdf: "Changes since the printed program"; returns its page count."""
    from .pdf import _weasyprint, html_class
    wp = _weasyprint()
    fonts = wp.text.fonts.FontConfiguration()
    sheets = [wp.CSS(string=css, font_config=fonts)
              for css in (asset(env, "pdf/changes.css"), env.get_template("static/tracks.css").render(program=program),
                          page_css(paper))]
    html = env.get_template("pdf/changes.html").render(program=program, changes=program.changes)
    document = html_class(wp)(string=html, base_url=str(target.parent)).render(stylesheets=sheets, font_config=fonts)
    document.write_pdf(target)
    return len(document.pages)


__all__ = ["BADGES", "ChangesView", "ChangeItem", "PlaceView", "changes_view", "mark", "write_changes_page",
           "write_handout", "handout_name", "anchor"]
