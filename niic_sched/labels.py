"""What the outputs call the program's things, in a reader's language.

The site, the booklet, the exports and the speakers' notices all name a session's
format, a room's features, a session's language and the interpretation it offers,
and show a session's title in the reader's language: one home for each, on top of
niic_sched.i18n (the words are marked for translation here, translated per reader).

    L = lang_of("es")
    format_label(L, "workshop")                  # "Taller"
    language_line(conf, L, session)              # "Español · interpretación al inglés"
    shown(conf, L, session, "title")             # (the Spanish title or the original, its language, translated?)
"""
from __future__ import annotations

import re

from .i18n import N_, Lang, base, capitalize, direction, text_direction
from .model import Conference, Session

FORMAT_LABELS = {"plenary": N_("Plenary"), "workshop": N_("Workshop"), "panel": N_("Panel"),
                 "training": N_("Training")}

FEATURE_LABELS = {
    "interpretation": N_("Interpretation booths and headsets"),
    "wheelchair": N_("Step-free (wheelchair) access"),
    "projector": N_("Projector"),
    "stage": N_("Stage"),
    "computer-lab": N_("Computer lab"),
    "hearing-loop": N_("Hearing loop"),
    "captioning": N_("Live captioning"),
}
ACCESSIBILITY_FEATURES = {"wheelchair", "hearing-loop", "captioning", "interpretation"}


def humanize(ident: str) -> str:
    """"receiving-communities" -> "Receiving Communities"."""
    words = re.split(r"[-_\s]+", ident.strip())
    return " ".join(w[:1].upper() + w[1:] for w in words if w) or "General"


def format_label(L: Lang, fmt: str) -> str:
    """"Workshop" / "Taller" / "ورشة عمل" (an unknown format: its id, title-cased)."""
    return L.gettext(FORMAT_LABELS[fmt]) if fmt in FORMAT_LABELS else humanize(fmt)


def feature_label(L: Lang, feature: str) -> str:
    return L.gettext(FEATURE_LABELS[feature]) if feature in FEATURE_LABELS else humanize(feature)


def spoken(conf: Conference, s: Session) -> str:
    """The language a session is held in: its own, else the conference's."""
    return s.language or conf.language or "en"


def offered(conf: Conference, s: Session) -> tuple[str, ...]:
    """The languages a session is interpreted into (its spoken language left out)."""
    eff = spoken(conf, s)
    return tuple(c for c in s.interpretation if base(c) != base(eff))


def interpretation_text(L: Lang, languages) -> str:
    """"interpretation into English" / "interpretación al inglés" / "ترجمة فورية إلى الإنجليزية"."""
    if not languages:
        return ""
    # TRANSLATORS: one target of interpretation, e.g. "into English" (Spanish: "al inglés")
    into = [L._("into %(language)s", language=L.language_name(code)) for code in languages]
    # TRANSLATORS: e.g. "interpretation into English and into Arabic"
    return L._("interpretation %(into)s", into=L.join(into))


def interpretation_label(conf: Conference, L: Lang, s: Session) -> str:
    """The interpretation a session offers, in words ("" for none); a session that needs the
    interpretation room feature without naming languages: "simultaneous interpretation"."""
    text = interpretation_text(L, offered(conf, s))
    if not text and "interpretation" in s.requires:
        text = L.gettext(N_("simultaneous interpretation"))
    return text


def language_line(conf: Conference, L: Lang, s: Session) -> str:
    """"Spanish · interpretation into English" / "Español · interpretación al inglés"."""
    name = capitalize(L.language_name(spoken(conf, s)))
    return capitalize(" · ".join(x for x in (name, interpretation_label(conf, L, s)) if x))


def shown(conf: Conference, L: Lang, s: Session, part: str = "title") -> tuple[str, str, bool]:
    """(text, the language it is written in, translated?) of a session's title or abstract for
    a reader of L: its translation into L when it has one, else the original."""
    original = s.title if part == "title" else s.abstract
    lang = spoken(conf, s)
    if base(lang) != base(L.code):
        translated = s.translated(L.code, part) or s.translated(base(L.code), part)
        if translated:
            return translated, L.code, True
    return original, lang, False


def shown_dir(s: Session, translated: bool, lang: str, text: str) -> str:
    """The direction of a shown title or abstract: its language's when the language is known
    (a translation, a session's ``language``), else the text's own (its first strong letter)."""
    return direction(lang) if translated or s.language else text_direction(text)
