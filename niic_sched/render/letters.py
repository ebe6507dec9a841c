"""Letters to speakers: one confirmation per speaker of a scheduled session.

    letters = build_letters(placed_program)
    write_letter_pdfs(letters, templates, Path("program/letters"), paper="letter")
    data = letters_csv(letters)                 # program/letters.csv, for a mail merge

Each letter lists the speaker's sessions with their day, time and room, the
format and track, the co-speakers (with their organizations), the room's
features and seats, the language and the interpretation offered, and the
contact details on file for the speaker to check. It is written in the
speaker's ``language`` when a catalog for that language exists
(``i18n.catalog_languages()``; English is the source and always exists),
else in the conference's main language; a session's title is its
translation into that language when it has one.

These are private outputs (emails and phone numbers): the letters and the CSV
are never part of the site, the booklet or the exports. The PDFs are laid out
once per language, every letter starting on a new page, and cut into one file
per speaker (``letters/<speaker-id>.pdf``; an id with other characters than
letters, digits, ``-`` and ``_`` is escaped as in the site's anchors).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from ..i18n import N_, Lang, base, capitalize, catalog_languages, isolate, lang_of, ltr, text_direction
from ..labels import (ACCESSIBILITY_FEATURES, feature_label, format_label, interpretation_label, shown, shown_dir,
                      spoken)
from ..model import Conference, Speaker
from ..program import Placement, PlacedProgram

PAGE_SIZE = {"a4": "A4", "letter": "letter"}
CSV_COLUMNS = ("speaker_id", "email", "name", "language", "subject", "text")


def letter_language(conf: Conference, speaker: Speaker) -> str:
    """The speaker's language when the program speaks it (a catalog, or English), else the
    conference's main language."""
    wanted = speaker.language
    if wanted and (base(wanted) == "en" or base(wanted) in {base(c) for c in catalog_languages()}):
        return wanted
    return conf.language or "en"


@dataclass(eq=False)
class LetterSession:
    id: str
    title: str
    title_dir: str
    format_label: str
    track: str
    date: str                  # "Monday, December 8, 2014", in the letter's language
    time: str                  # "10:30 AM – 11:45 AM" (plain text: a left-to-right island in the PDF)
    room: str
    seats: str                 # "300 seats"
    features: list[str]
    co_speakers: list[tuple[str, str]]    # (name, organization)
    language: str              # "English" / "Spanish"
    interpretation: str        # "into English" / "" when none
    day: dt.date = None
    start: int = 0


@dataclass(eq=False)
class Letter:
    speaker: Speaker
    language: str              # the language it is written in
    wanted: str                # the speaker's language as written ("" when none)
    L: Lang
    conference: str
    dates: str
    venue: str
    sessions: list[LetterSession] = field(default_factory=list)
    file: str = ""             # letters/<file>.pdf

    @property
    def subject(self) -> str:
        return self.L._(N_("Your sessions at %(conference)s"), conference=self.conference)

    @property
    def dir(self) -> str:
        return self.L.dir

    @property
    def anchor(self) -> str:
        return "letter-" + self.file

    @property
    def name_dir(self) -> str:
        return text_direction(self.speaker.name)

    def words(self) -> dict[str, str]:
        """The letter's sentences in its language (the PDF template and the text share them)."""
        L, n = self.L, len(self.sessions)
        return {
            "greeting": L._(N_("Dear %(name)s,"), name=isolate(self.speaker.name)),
            "intro": L.ngettext(
                "Thank you for taking part in %(conference)s (%(dates)s). This letter confirms your session in "
                "the program:",
                "Thank you for taking part in %(conference)s (%(dates)s). This letter confirms your %(num)s "
                "sessions in the program:", n) % {"conference": self.conference, "dates": self.dates,
                                                  "num": L.number(n)},
            "check": L.gettext(N_("Please check these details. If anything is wrong, or if you can no longer take "
                                  "part, tell the program committee as soon as possible.")),
            "contact": L.gettext(N_("Your contact details as we have them (used only for messages about your "
                                    "sessions, never published):")),
            "no_contact": L.gettext(N_("We have no email or phone number for you: please send us one.")),
            "thanks": L.gettext(N_("With thanks,")),
            "committee": L.gettext(N_("The program committee")),
            "when": L.gettext(N_("When")), "where": L.gettext(N_("Where")),
            "format": L.gettext(N_("Format and track")), "with": L.gettext(N_("With")),
            "alone": L.gettext(N_("You are the only speaker.")), "features": L.gettext(N_("Room features")),
            "none_listed": L.gettext(N_("none listed")), "language": L.gettext(N_("Language")),
            "interpretation": L.gettext(N_("Interpretation")), "no_interpretation": L.gettext(N_("none")),
            "email": L.gettext(N_("Email")), "phone": L.gettext(N_("Phone")),
        }

    def text(self) -> str:
        """The letter as plain text (the CSV's text column, for a mail merge)."""
        w = self.words()
        lines = [w["greeting"], "", w["intro"]]
        for s in self.sessions:
            lines += ["", f"* {isolate(s.title)}",
                      f"  {w['when']}: {s.date}, {ltr(s.time)}",
                      f"  {w['where']}: {isolate(s.room)} ({s.seats})",
                      f"  {w['format']}: {s.format_label} · {s.track}",
                      f"  {w['with']}: " + (", ".join(isolate(f'{n} ({o})' if o else n) for n, o in s.co_speakers)
                                            if s.co_speakers else w["alone"]),
                      f"  {w['features']}: " + ("; ".join(s.features) if s.features else w["none_listed"]),
                      f"  {w['language']}: {s.language}",
                      f"  {w['interpretation']}: {s.interpretation or w['no_interpretation']}"]
        lines += ["", w["check"], ""]
        contact = [f"{w['email']}: {self.speaker.email}"] if self.speaker.email else []
        contact += [f"{w['phone']}: {ltr(self.speaker.phone)}"] if self.speaker.phone else []
        lines += [w["contact"]] + [f"  {c}" for c in contact] if contact else [w["no_contact"]]
        lines += ["", w["thanks"], w["committee"], self.conference]
        return "\n".join(lines) + "\n"


def safe_file(ident: str) -> str:
    """A speaker id as a file name: letters, digits, '-' and '_' pass; anything else is _xx_."""
    out = []
    for ch in str(ident):
        out.append(ch if ch.isascii() and (ch.isalnum() or ch in "-_") else f"_{ord(ch):x}_")
    name = "".join(out) or "_"
    return name if not name.startswith("-") else "_" + name


def _session(conf: Conference, L: Lang, p: Placement, speaker: Speaker) -> LetterSession:
    s = p.session
    title, lang, translated = shown(conf, L, s, "title")
    features = [feature_label(L, f)
                for f in sorted(p.room.features, key=lambda f: (f not in ACCESSIBILITY_FEATURES, f))]
    return LetterSession(
        id=s.id, title=title, title_dir=shown_dir(s, translated, lang, title), format_label=format_label(L, s.format),
        track=conf.track_name(s.track, L.code), date=capitalize(L.date_long(p.day)),
        time=L.time_range(p.start, p.end), room=p.room.name or p.room.id,
        seats=L.ngettext("%(num)s seat", "%(num)s seats", p.room.capacity) % {"num": L.number(p.room.capacity)},
        features=features,
        co_speakers=[(q.name, q.organization) for q in p.speakers if q.id != speaker.id],
        language=capitalize(L.language_name(spoken(conf, s))),
        interpretation=interpretation_label(conf, L, s), day=p.day, start=p.start)


def build_letters(program: PlacedProgram) -> list[Letter]:
    """One letter per speaker with at least one placed session, by speaker id."""
    conf = program.conf
    out = []
    for pid in sorted(program.by_speaker):
        placements = program.by_speaker[pid]
        speaker = placements[0].speakers[[q.id for q in placements[0].speakers].index(pid)]
        code = letter_language(conf, speaker)
        L = lang_of(code)
        letter = Letter(speaker=speaker, language=code, wanted=speaker.language or "", L=L, conference=conf.name,
                        dates=L.date_range(d.date for d in conf.days), venue=conf.venue or conf.city,
                        file=safe_file(pid))
        letter.sessions = [_session(conf, L, p, speaker) for p in placements]
        out.append(letter)
    return out


def letters_csv(letters: list[Letter]) -> bytes:
    """program/letters.csv: one row per letter (UTF-8 with BOM; formula-like cells defused)."""
    from ..export.csv import spreadsheet_csv
    return spreadsheet_csv(CSV_COLUMNS, [[x.speaker.id, x.speaker.email, x.speaker.name, x.language, x.subject,
                                          x.text()] for x in letters])


def write_letter_pdfs(letters: list[Letter], env_for, paper: str) -> dict[str, bytes]:
    """{file name: PDF bytes}, one per letter. ``env_for(lang)`` gives the Jinja2 environment
    of a language (render.environment). Laid out once per language, then cut page by page."""
    from .pdf import _weasyprint, html_class
    from . import asset
    wp = _weasyprint()
    fonts = wp.text.fonts.FontConfiguration()
    out: dict[str, bytes] = {}
    by_lang: dict[str, list[Letter]] = {}
    for x in letters:
        by_lang.setdefault(x.language, []).append(x)
    for code, group in sorted(by_lang.items()):
        env = env_for(code)
        sheets = [wp.CSS(string=asset(env, "pdf/letter.css"), font_config=fonts),
                  wp.CSS(string=f"@page {{ size: {PAGE_SIZE.get(paper, 'A4')}; }}", font_config=fonts)]
        html = env.get_template("pdf/letter.html").render(letters=group, L=lang_of(code), lang=code,
                                                          dir=lang_of(code).dir)
        document = html_class(wp)(string=html, base_url=".").render(stylesheets=sheets, font_config=fonts)
        first: dict[str, int] = {}
        for i, page in enumerate(document.pages):
            for name in page.anchors:
                first.setdefault(name, i)
        starts = [first.get(x.anchor) for x in group]
        if any(s is None for s in starts):          # a user template without the letters' anchors
            from . import RenderError
            raise RenderError("pdf/letter.html: every letter must start with an element id=\"{{ x.anchor }}\" "
                              "(see the package's template)")
        bounds = starts + [len(document.pages)]
        for x, a, b in zip(group, bounds, bounds[1:]):
            out[f"{x.file}.pdf"] = document.copy(document.pages[a:b]).write_pdf()
    return out


__all__ = ["Letter", "LetterSession", "build_letters", "letters_csv", "write_letter_pdfs", "letter_language",
           "safe_file", "CSV_COLUMNS"]
