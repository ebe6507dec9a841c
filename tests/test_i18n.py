"""niic_sched.i18n: catalogs, locale formatting, direction and isolation, the Jinja2 factory (issue 12)."""
from __future__ import annotations

import datetime as dt
import gettext
import io
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
