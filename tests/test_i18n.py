"""niic_sched.i18n: catalogs, locale formatting, direction and isolation, the Jinja2 factory (issue 12)."""
from __future__ import annotations

import datetime as dt
import gettext
import io
import re
import runpy

import jinja2
import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from conftest import ROOT
from niic_sched import i18n
from niic_sched.i18n import (Lang, autonym, catalog_languages, compile_po, date_long, date_range, date_short,
                             direction, environment, has_rtl, isolate, lang_of, ltr, ltr_ranges, strip_isolates,
                             text_direction, translations, weekday_name)

SUNDAY = dt.date(2014, 12, 7)
TRANSLATED = ("es", "ar")         # the catalogs that must be complete


# -- direction ----------------------------------------------------------------------------------------
def test_one_right_to_left_detector():
    assert has_rtl("Talk by فاطمة") and not has_rtl("María Núñez")
    assert text_direction("الجاليات: Supporting") == "rtl" and text_direction("Supporting الجاليات") == "ltr"
    assert text_direction("12: שלום") == "rtl" and text_direction("") == "ltr"
    assert direction("ar") == "rtl" and direction("fa-IR") == "rtl" and direction("ckb") == "rtl"
    assert direction("es-MX") == "ltr" and direction(None) == "ltr" and direction("xx-unknown") == "ltr"
    assert isolate("محمد العلي") == "\u2068محمد العلي\u2069" and isolate("Ana") == "Ana"
    assert ltr("09:00–10:15") == "\u206609:00–10:15\u2069" and ltr("") == ""
    assert ltr_ranges("7–9 ديسمبر 2014") == "\u20667–9\u2069 ديسمبر 2014"
    assert strip_isolates(ltr_ranges("7–9 ديسمبر")) == "7–9 ديسمبر"


# -- formatting -------------------------------------------------------------------------------------
def test_dates_in_each_language():
    en, es, ar = lang_of("en"), lang_of("es"), lang_of("ar")
    assert (en.weekday(SUNDAY), es.weekday(SUNDAY), ar.weekday(SUNDAY)) == ("Sunday", "domingo", "الأحد")
    assert (en.month(SUNDAY), es.month(SUNDAY), ar.month(SUNDAY)) == ("December", "diciembre", "ديسمبر")
    assert en.date_long(SUNDAY) == "Sunday, December 7, 2014" == date_long(SUNDAY)
    assert es.date_long(SUNDAY) == "domingo, 7 de diciembre de 2014"
    assert ar.date_long(SUNDAY) == "الأحد، 7 ديسمبر 2014"
    assert (date_short(SUNDAY), es.date_short(SUNDAY)) == ("Sun, Dec 7", "dom, 7 dic")
    assert weekday_name(SUNDAY) == "Sunday" and weekday_name(SUNDAY, "es") == "domingo"
    tue, nov30, dec2 = dt.date(2014, 12, 9), dt.date(2014, 11, 30), dt.date(2014, 12, 2)
    assert date_range([tue, SUNDAY]) == "December 7–9, 2014"
    assert es.date_range([tue, SUNDAY]) == "7–9 de diciembre de 2014"
    assert ar.date_range([tue, SUNDAY]) == "\u20667–9\u2069 ديسمبر 2014"     # the range of days reads 7 -> 9
    assert date_range([nov30, dec2]) == "November 30 – December 2, 2014"
    assert es.date_range([nov30, dec2]) == "30 de noviembre – 2 de diciembre de 2014"
    assert date_range([dt.date(2014, 12, 31), dt.date(2015, 1, 1)]) == "December 31, 2014 – January 1, 2015"
    assert date_range([SUNDAY]) == "December 7, 2014" and date_range([]) == ""


def test_times_follow_the_locale_clock_and_right_to_left_uses_24_hours():
    en, es, ar = lang_of("en"), lang_of("es"), lang_of("ar")
    assert (en.clock, es.clock, ar.clock) == ("12", "24", "24")
    assert en.time(9 * 60) == "9:00\u202fAM" and en.time(13 * 60 + 30) == "1:30\u202fPM"
    assert es.time(9 * 60) == "9:00" and es.time(13 * 60 + 30) == "13:30"
    assert ar.time(9 * 60) == "09:00" and ar.time_range(9 * 60, 10 * 60 + 15) == "09:00–10:15"
    assert es.time_range(9 * 60, 10 * 60 + 15) == "9:00–10:15"
    assert en.time_range(9 * 60, 10 * 60 + 15) == "9:00\u202fAM\u2009–\u200910:15\u202fAM"
    assert es.time(25 * 60 + 15) == "1:15"                       # 25:15 is 1:15 on the wall clock
    assert Lang("en", clock="24").time(13 * 60 + 5) == "13:05" and Lang("es", clock="12").time(13 * 60) != "13:00"
    with pytest.raises(ValueError):
        Lang("en", clock="13")


def test_numbers_lists_and_language_names():
    en, es, ar = lang_of("en"), lang_of("es"), lang_of("ar")
    assert (en.number(12345), es.number(12345), ar.number(12345)) == ("12,345", "12.345", "12,345")  # Latin digits
    assert es.join(["inglés", "árabe"]) == "inglés y árabe" and en.join([]) == ""
    assert (en.language_name("es"), es.language_name("en"), ar.language_name("en")) == ("Spanish", "inglés",
                                                                                       "الإنجليزية")
    assert (autonym("es"), autonym("ar"), autonym("hmn")) == ("español", "العربية", "Hmoob")
    assert lang_of("xx").locale.language == "en"       # an unknown code formats as English


# -- catalogs -----------------------------------------------------------------------------------------
def test_english_is_the_source_and_unknown_languages_fall_back_to_it():
    assert translations("en").gettext("Speakers") == "Speakers"
    assert translations("zz").gettext("Speakers") == "Speakers"
    assert set(TRANSLATED) <= set(catalog_languages())
    assert "en" not in catalog_languages()


def test_the_build_hook_compiles_every_catalog(tmp_path):
    hook = runpy.run_path(str(ROOT / "setup.py"), run_name="setup_hook")   # defines, does not call setup()
    written = hook["compile_catalogs"](tmp_path)
    assert sorted(p.parent.parent.name for p in written) == catalog_languages()
    for mo in written:
        po = i18n.LOCALE_DIR / mo.relative_to(tmp_path).with_suffix(".po")
        assert mo.read_bytes() == compile_po(po)
        gettext.GNUTranslations(io.BytesIO(mo.read_bytes()))          # a valid .mo


# -- Jinja2 -------------------------------------------------------------------------------------------
def test_environment_speaks_its_language_and_escapes():
    env = environment("es", jinja2.DictLoader({"t.html": "{{ _('Speakers') }}|{{ x }}|{{ 1234567|number }}"}))
    assert "jinja2.ext.InternationalizationExtension" in env.extensions
    out = env.get_template("t.html").render(x="<b>")
    assert out.endswith("|&lt;b&gt;|1.234.567")
    assert env.globals["dir"] == "ltr" and environment("ar").globals["dir"] == "rtl"
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ missing }}").render()


# -- the catalogs are complete (must show 4) ---------------------------------------------------------
def extracted_messages() -> dict:
    """msgid (a string, or (singular, plural)) -> where it is marked, as `pybabel extract -F babel.cfg`
    finds them in the package's Python code and templates."""
    from babel.messages.frontend import parse_mapping_cfg

    with open(ROOT / "babel.cfg", encoding="utf-8") as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    out = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(str(ROOT), method_map, options_map):
        out.setdefault(message, f"{filename}:{lineno}")
    return out


def placeholders(text: str) -> list[str]:
    """The %(name)s and {name} placeholders and the HTML tags of a message, sorted."""
    return sorted(re.findall(r"%\((\w+)\)s", text) + re.findall(r"\{(\w+)\}", text)
                  + re.findall(r"</?\w+", text))


def catalog_problems(catalog, messages: dict) -> list[str]:
    """What keeps ``catalog`` from translating every one of ``messages``: a message missing,
    untranslated (a plural form too), fuzzy, or with other placeholders or tags than its source
    (a plural form may leave the count out: "جلسة واحدة")."""
    problems = []
    for msgid, where in messages.items():
        key = msgid[0] if isinstance(msgid, tuple) else msgid
        m = catalog.get(key)
        if m is None:
            problems.append(f"missing: {key!r} ({where})")
            continue
        if m.fuzzy:
            problems.append(f"fuzzy: {key!r}")
        forms = m.string if isinstance(m.string, (tuple, list)) else (m.string,)
        wanted = catalog.num_plurals if isinstance(msgid, tuple) else 1
        if isinstance(msgid, tuple) != isinstance(m.id, tuple) or len(forms) != wanted or not all(forms):
            problems.append(f"untranslated: {key!r}")
            continue
        source = placeholders(msgid[-1] if isinstance(msgid, tuple) else msgid)
        for form in forms:
            got = placeholders(form)
            if got != source and not (isinstance(msgid, tuple) and set(source) - set(got) == {"num"}):
                problems.append(f"placeholders differ: {key!r}: {got} instead of {source}")
    for message, errors in catalog.check():
        problems += [f"{message.id!r}: {e}" for e in errors]
    return problems


@pytest.fixture(scope="module")
def marked():
    messages = extracted_messages()
    assert len(messages) > 100          # templates and Python code are both read
    return messages


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_marked_string_is_translated_in_the_catalog(marked, lang):
    with open(i18n.LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po", "rb") as fh:
        catalog = read_po(fh, locale=lang)
    assert catalog_problems(catalog, marked) == []
    stale = sorted(m.id for m in catalog if m.id and (m.id if not isinstance(m.id, tuple) else m.id)
                   not in marked and tuple(m.id) not in marked)
    assert stale == [], "no longer marked anywhere: run pybabel update (README, Translating)"


def test_the_template_catalog_is_current(marked):
    with open(i18n.LOCALE_DIR / "messages.pot", "rb") as fh:
        pot = read_po(fh)
    ids = {m.id if not isinstance(m.id, list) else tuple(m.id) for m in pot if m.id}
    assert ids == set(marked), "run pybabel extract (README, Translating)"


def test_the_completeness_check_fails_on_a_missing_fuzzy_or_wrong_entry(marked):
    """The check above can fail: a catalog that lacks a template string, marks one fuzzy or loses
    a placeholder is reported, each by name."""
    with open(i18n.LOCALE_DIR / "es" / "LC_MESSAGES" / "messages.po", "rb") as fh:
        catalog = read_po(fh, locale="es")
    del catalog["Filter sessions"]                            # a template string (html/_macros.html)
    catalog["Rooms"].flags.add("fuzzy")
    catalog["All times are local time (%(zone)s)."].string = "Todas las horas son locales."
    plural = next(m for m in catalog if isinstance(m.id, tuple))
    plural.string = (plural.string[0], "")
    problems = catalog_problems(catalog, marked)
    assert any(p.startswith("missing: 'Filter sessions'") and "templates/html" in p for p in problems), problems
    assert "fuzzy: 'Rooms'" in problems and f"untranslated: {plural.id[0]!r}" in problems
    assert any("All times are local time" in p and "placeholder" in p for p in problems), problems


@pytest.mark.parametrize("lang, words", [
    ("es", {"Speakers": "Ponentes", "Rooms": "Salas", "My agenda": "Mi agenda"}),
    ("ar", {"Speakers": "المتحدثون", "Rooms": "القاعات", "My agenda": "جدولي"})])
def test_the_catalogs_translate_at_run_time(lang, words):
    L = lang_of(lang)
    for en, translated in words.items():
        assert L.gettext(en) == translated
    assert L.ngettext("%(num)s session", "%(num)s sessions", 5) % {"num": 5} in ("5 sesiones", "5 جلسات")
    env = environment(lang, jinja2.DictLoader({"t": "{% trans %}Speakers{% endtrans %}|{{ _('Rooms') }}"}))
    assert env.get_template("t").render() == f"{words['Speakers']}|{words['Rooms']}"
