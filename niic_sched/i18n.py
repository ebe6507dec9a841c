"""Languages: translated words, locale formatting and writing direction (one home each).

    from niic_sched.i18n import lang_of, environment
    es = lang_of("es")
    es.gettext("Speakers")                      # "Ponentes"
    es.date_long(dt.date(2014, 12, 7))          # "domingo, 7 de diciembre de 2014"
    es.time_range(9 * 60, 10 * 60 + 15)         # "9:00–10:15"
    env = environment("ar", loader)             # Jinja2 with {{ _("...") }} and {% trans %} in Arabic

* **Catalogs.** Every fixed word a reader sees is an English source string marked for
  translation: ``_()``/``{% trans %}`` in the templates, ``N_()`` (a marker) or ``gettext``
  in Python. The catalogs are ``niic_sched/locale/<lang>/LC_MESSAGES/messages.po``
  (``messages.pot`` is the extracted template; ``babel.cfg`` at the repository root says
  what is extracted: the package's Python and Jinja2 templates). The install compiles them
  to ``messages.mo`` (setup.py's build hook); a catalog whose ``.mo`` is missing or older
  than its ``.po`` is compiled in memory, so a source checkout works too. English is the
  source: it has no catalog. A language without a catalog shows English words (its dates,
  times and numbers are still its own).
* **Formatting** (Babel, CLDR data): dates, weekday and month names, times, numbers, lists
  and the names of languages, for the locale of a BCP 47 code ("es", "es-MX", "ar").
  Digits are always Latin (0-9). The clock is the locale's: 12 h where the locale writes
  12 h ("9:00 AM" in English), 24 h where it writes 24 h ("9:00" in Spanish), except that
  right-to-left languages use the 24 h clock: their 12 h forms carry a right-to-left day
  period ("9:00 ص") that cannot sit inside a left-to-right time range. ``Lang(code,
  clock="12"|"24")`` overrides it.
* **Direction.** ``direction(lang)`` of a language, ``text_direction(text)`` of a text
  (the first strong letter, as dir="auto"), ``has_rtl``; isolation: ``isolate`` (first-
  strong isolates around right-to-left text, for sentences), ``ltr``/``rtl`` (left-to-
  right or right-to-left isolates, for plain text: the PDF, xlsx, notices). Every range of
  times or numbers is a left-to-right unit, start first, in every edition: in HTML a
  ``<bdi dir="ltr">`` (the templates' ``range`` macro), in plain text LRI ... PDI.
"""
from __future__ import annotations

import datetime as dt
import functools
import io
import re
import unicodedata
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_skeleton, format_time
from babel.lists import format_list
from babel.numbers import format_decimal
from babel.support import Translations

SOURCE_LANGUAGE = "en"
DOMAIN = "messages"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"

_RTL_CLASSES = ("R", "AL")
# base language codes written right to left (for codes Babel does not know)
RTL_LANGUAGES = frozenset({"ar", "fa", "ur", "he", "ps", "yi", "dv", "ckb", "sd", "ug"})
FSI, LRI, RLI, PDI = "\u2068", "\u2066", "\u2067", "\u2069"   # first-strong / LTR / RTL isolate, pop
DASH = "–"
# languages written in the Arabic script, whose lists of names take the Arabic comma
ARABIC_SCRIPT = frozenset({"ar", "fa", "ur", "ps", "sd", "ckb", "ug"})
# names of languages CLDR has no locale for, in the language itself
AUTONYMS = {"hmn": "Hmoob", "ht": "Kreyòl ayisyen", "tl": "Tagalog"}


def N_(message: str) -> str:
    """Mark a string for translation (pybabel extracts it) without translating it here:
    the code that shows it translates it for its reader (``Lang.gettext``)."""
    return message


# -- catalogs ---------------------------------------------------------------------------------
def base(code: str | None) -> str:
    """"es-MX" -> "es"."""
    return (code or SOURCE_LANGUAGE).replace("_", "-").split("-")[0].lower()


def catalog_languages() -> list[str]:
    """The languages that have a catalog (English, the source, has none)."""
    return sorted(p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def _catalog_file(code: str) -> Path | None:
    """The .po of ``code`` ("es_MX" first, then "es"), or None."""
    tag = code.replace("-", "_")
    parts = tag.split("_")
    candidates = [tag, f"{parts[0].lower()}_{parts[1].upper()}" if len(parts) > 1 else "", parts[0].lower()]
    for c in dict.fromkeys(c for c in candidates if c):
        po = LOCALE_DIR / c / "LC_MESSAGES" / f"{DOMAIN}.po"
        if po.is_file():
            return po
    return None


def compile_po(po: Path) -> bytes:
    """A .po file compiled to .mo bytes (fuzzy entries left out, as pybabel compile does)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with open(po, "rb") as fh:
        catalog = read_po(fh, locale=po.parent.parent.name)
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


@functools.lru_cache(maxsize=None)
def translations(lang: str | None = None) -> Translations:
    """The gettext translations of ``lang`` (babel.support.Translations). English and any
    language without a catalog: empty translations, so every message is its English source."""
    po = _catalog_file(lang or SOURCE_LANGUAGE) if base(lang) != SOURCE_LANGUAGE else None
    if po is None:
        return Translations()
    mo = po.with_suffix(".mo")
    if mo.is_file() and mo.stat().st_mtime >= po.stat().st_mtime:
        data = mo.read_bytes()
    else:                                   # a source checkout, or a .po edited since the install
        data = compile_po(po)
    return Translations(io.BytesIO(data), domain=DOMAIN)


# -- direction ----------------------------------------------------------------------------------
def has_rtl(text: str) -> bool:
    """True when ``text`` holds any right-to-left letter (Arabic, Hebrew, ...)."""
    return any(unicodedata.bidirectional(c) in _RTL_CLASSES for c in text)


def text_direction(text: str) -> str:
    """"rtl" when the first letter with a direction is right-to-left, else "ltr"
    (what dir="auto" does; for engines and formats without it: the PDF, xlsx)."""
    for c in text:
        d = unicodedata.bidirectional(c)
        if d in _RTL_CLASSES:
            return "rtl"
        if d == "L":
            return "ltr"
    return "ltr"


def direction(lang: str | None) -> str:
    """"rtl" for a language written right to left ("ar", "fa-IR", ...), else "ltr"."""
    if not lang:
        return "ltr"
    try:
        return Locale.parse(lang.replace("-", "_")).text_direction
    except (UnknownLocaleError, ValueError, TypeError):
        return "rtl" if base(lang) in RTL_LANGUAGES else "ltr"


def isolate(text: str) -> str:
    """Right-to-left text (Arabic, Hebrew names) wrapped in first-strong isolates, so that
    the ids and punctuation around it keep their order; other text as it is."""
    return f"{FSI}{text}{PDI}" if has_rtl(text) else text


def fsi(text: str) -> str:
    """``text`` as an island of its own direction (FSI ... PDI, the first strong letter decides):
    a name or an organization inside a sentence of the other direction."""
    return f"{FSI}{text}{PDI}" if text else text


def ltr(text: str) -> str:
    """``text`` as a left-to-right island (LRI ... PDI): a time range, a number range."""
    return f"{LRI}{text}{PDI}" if text else text


def rtl(text: str) -> str:
    """``text`` as a right-to-left island (RLI ... PDI)."""
    return f"{RLI}{text}{PDI}" if text else text


_NUMBER_RANGE = re.compile(r"\d+(?:[:.]\d+)*[–-]\d+(?:[:.]\d+)*")


def ltr_ranges(text: str) -> str:
    """Every tight range of numbers in ``text`` ("7–9", "10:30–11:45") made a left-to-right island."""
    return _NUMBER_RANGE.sub(lambda m: ltr(m.group(0)), text)


def strip_isolates(text: str) -> str:
    """``text`` without directional isolates and marks (for comparisons, file names)."""
    return re.sub("[\u2066-\u2069\u200e\u200f\u061c]", "", text)


def capitalize(text: str) -> str:
    """The first letter upper-cased ("domingo, 7 de ..." -> "Domingo, 7 de ..."), for labels
    that start a heading or a line."""
    return text[:1].upper() + text[1:] if text else text


# -- one language ---------------------------------------------------------------------------------
class Lang:
    """One language of the program: its words (gettext) and its formats (Babel).

    ``Lang("es")``; ``lang_of("es")`` is the cached one. ``code`` is as written in
    conference.yaml; ``locale`` the Babel locale used for formatting (English when Babel
    does not know the code)."""

    def __init__(self, code: str | None = None, clock: str | None = None):
        self.code = code or SOURCE_LANGUAGE
        try:
            self.locale = Locale.parse(self.code.replace("-", "_"))
        except (UnknownLocaleError, ValueError, TypeError):
            self.locale = Locale.parse(SOURCE_LANGUAGE)
        self.dir = direction(self.code)
        self.rtl = self.dir == "rtl"
        self.translations = translations(self.code)
        if clock is None:
            clock = "24" if self.rtl or not self._locale_12h() else "12"
        if clock not in ("12", "24"):
            raise ValueError(f"clock must be '12' or '24', not {clock!r}")
        self.clock = clock

    def __repr__(self) -> str:
        return f"Lang({self.code!r})"

    def _locale_12h(self) -> bool:
        """Does the locale's short time pattern use a 12 h hour field (h, K)? (quoted text left out)"""
        return bool(re.search(r"[hK]", re.sub(r"'[^']*'", "", self.locale.time_formats["short"].pattern)))

    def embed(self, text: str) -> str:
        """``text`` (a title, a name) inserted into a sentence of this language, isolated when its
        direction may differ: any text in a right-to-left language, right-to-left text in a
        left-to-right one."""
        return fsi(text) if self.rtl else isolate(text)

    # words
    def gettext(self, message: str) -> str:
        return self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.translations.ngettext(singular, plural, n)

    def _(self, message: str, **values) -> str:
        """gettext, then %-formatting with ``values`` (as the templates' newstyle ``_``)."""
        text = self.gettext(message)
        return text % values if values else text

    # numbers and lists
    def number(self, n) -> str:
        return format_decimal(n, locale=self.locale)

    @property
    def separator(self) -> str:
        """Between the items of a list of names: ", ", or "، " in the Arabic script."""
        return "، " if base(self.code) in ARABIC_SCRIPT else ", "

    def join(self, items, style: str = "standard") -> str:
        """"English and Arabic" / "inglés y árabe" / "الإنجليزية والعربية"."""
        items = [str(i) for i in items]
        return format_list(items, style=style, locale=self.locale) if items else ""

    # dates
    def weekday(self, d: dt.date) -> str:
        """2014-12-07 -> "Sunday" / "domingo" / "الأحد"."""
        return format_date(d, "EEEE", locale=self.locale)

    def weekday_short(self, d: dt.date) -> str:
        return format_date(d, "EEE", locale=self.locale)

    def month(self, d: dt.date) -> str:
        """2014-12-07 -> "December" / "diciembre" / "ديسمبر" (standalone form)."""
        return format_date(d, "LLLL", locale=self.locale)

    def date_long(self, d: dt.date) -> str:
        """"Sunday, December 7, 2014" / "domingo, 7 de diciembre de 2014" / "الأحد، 7 ديسمبر 2014"."""
        return format_date(d, "full", locale=self.locale)

    def date_short(self, d: dt.date) -> str:
        """"Sun, Dec 7" / "dom, 7 dic" / "الأحد، 7 ديسمبر"."""
        return format_skeleton("MMMEd", d, locale=self.locale)

    def date_numeric(self, d: dt.date) -> str:
        """"12/7/14" / "7/12/14"."""
        return format_date(d, "short", locale=self.locale)

    def date_range(self, dates) -> str:
        """"December 7–9, 2014" / "7–9 de diciembre de 2014" / "7–9 ديسمبر 2014" ("" for none).

        In a right-to-left language the range of days is a left-to-right island, like times."""
        dates = list(dates)
        if not dates:
            return ""
        a, b = min(dates), max(dates)
        if a == b:
            return format_date(a, "long", locale=self.locale)
        formats = self.locale.interval_formats
        skeleton = "yMMMMd" if "yMMMMd" in formats else "yMMMd"
        pieces = formats[skeleton]
        field = "y" if a.year != b.year else ("M" if a.month != b.month else "d")
        if field not in pieces:
            return f"{format_date(a, 'long', locale=self.locale)} {DASH} {format_date(b, 'long', locale=self.locale)}"
        from babel.dates import parse_pattern
        out = []
        for pattern, day in zip(pieces[field], (a, b)):
            if skeleton == "yMMMd":
                pattern = re.sub(r"(?<![ML])([ML])\1\1(?![ML])", r"\1\1\1\1", pattern)
            out.append(parse_pattern(pattern).apply(day, self.locale))
        text = "".join(out)
        if field != "d":                    # "November 30 – December 2, 2014"
            return text.replace("\u2009", " ")
        text = re.sub(r"(?<=\d)\s*–\s*(?=\d)", DASH, text).replace("\u2009", " ")   # "December 7–9, 2014"
        return ltr_ranges(text) if self.rtl else text

    # times
    def time(self, minutes: int) -> str:
        """Minutes after midnight -> the wall-clock time ("1:15 AM" for 25:15)."""
        m = minutes % (24 * 60)
        t = dt.time(m // 60, m % 60)
        pattern = self.locale.time_formats["short"].pattern
        if (self.clock == "12") == self._locale_12h():
            return format_time(t, pattern, locale=self.locale)
        return format_skeleton("hm" if self.clock == "12" else "Hm", t, locale=self.locale)

    @property
    def range_separator(self) -> str:
        return f"\u2009{DASH}\u2009" if self.clock == "12" else DASH

    def time_range(self, start: int, end: int) -> str:
        """"9:00 AM – 10:15 AM" / "9:00–10:15" (plain text: callers isolate it with ``ltr``)."""
        return f"{self.time(start)}{self.range_separator}{self.time(end)}"

    # languages
    def language_name(self, code: str | None) -> str:
        """The name of language ``code`` in this language: "Spanish" / "español" / "الإسبانية"."""
        if not code:
            return ""
        b = base(code)
        name = self.locale.languages.get(code.replace("-", "_")) or self.locale.languages.get(b)
        return name or autonym(code)


@functools.lru_cache(maxsize=None)
def lang_of(code: str | None = None, clock: str | None = None) -> Lang:
    """The (cached) Lang of ``code``; None is English."""
    return Lang(code, clock)


def autonym(code: str | None) -> str:
    """The name of a language in itself: "English", "español", "العربية"."""
    if not code:
        return ""
    try:
        loc = Locale.parse(code.replace("-", "_"))
        name = loc.languages.get(loc.language)
        if name:
            return name
    except (UnknownLocaleError, ValueError, TypeError):
        pass
    return AUTONYMS.get(base(code), code)


# -- module-level shorthands (English unless ``lang`` is given) -----------------------------------------
def weekday_name(d: dt.date, lang: str | None = None) -> str:
    return lang_of(lang).weekday(d)


def weekday_short(d: dt.date, lang: str | None = None) -> str:
    return lang_of(lang).weekday_short(d)


def month_name(d: dt.date, lang: str | None = None) -> str:
    return lang_of(lang).month(d)


def date_long(d: dt.date, lang: str | None = None) -> str:
    return lang_of(lang).date_long(d)


def date_short(d: dt.date, lang: str | None = None) -> str:
    return lang_of(lang).date_short(d)


def date_range(dates, lang: str | None = None) -> str:
    return lang_of(lang).date_range(dates)


# -- Jinja2 ---------------------------------------------------------------------------------------------
def environment(lang: str | None = None, loader=None, **options):
    """A Jinja2 environment that speaks ``lang``: the jinja2.ext.i18n extension with the
    language's catalog installed (newstyle gettext: ``{{ _("Rooms") }}``, ``{{ _("%(n)s
    seats", n=...) }}``, ``{% trans %}...{% endtrans %}`` with whitespace trimmed, as
    babel.cfg extracts them), the globals ``L`` (the Lang), ``lang`` and ``dir``, and the
    filters ``number``, ``date_long``, ``date_short``, ``weekday``, ``month``, ``time``,
    ``capitalize_first``, and for plain text (the PDF) ``ltr`` (a left-to-right island),
    ``bdi`` (an island of its own direction), ``ltr_ranges`` and ``isolate``.

    Defaults (override with ``options``): autoescaping on for every template, undefined
    variables are errors, trim_blocks and lstrip_blocks, trailing newlines kept."""
    import jinja2

    opts = dict(autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                keep_trailing_newline=True)
    opts.update(options)
    extensions = list(opts.pop("extensions", ()))
    if "jinja2.ext.i18n" not in extensions:
        extensions.append("jinja2.ext.i18n")
    env = jinja2.Environment(loader=loader, extensions=extensions, **opts)
    env.policies["ext.i18n.trimmed"] = True
    language = lang_of(lang)
    env.install_gettext_translations(language.translations, newstyle=True)
    env.globals.update(L=language, lang=language.code, dir=language.dir)
    env.filters.update(number=language.number, date_long=language.date_long, date_short=language.date_short,
                       weekday=language.weekday, month=language.month, time=language.time,
                       capitalize_first=capitalize, ltr=ltr, ltr_ranges=ltr_ranges, isolate=isolate, bdi=fsi)
    return env


__all__ = ["SOURCE_LANGUAGE", "LOCALE_DIR", "N_", "Lang", "lang_of", "translations", "catalog_languages",
           "environment", "direction", "text_direction", "has_rtl", "isolate", "fsi", "ltr", "rtl", "ltr_ranges",
           "strip_isolates", "capitalize", "autonym", "weekday_name", "weekday_short", "month_name", "date_long",
           "date_short", "date_range", "compile_po"]
