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


# -- a small conference in three languages: the view, the exports, the notices ------------------------------
def trilingual(folder):
    """Two sessions of one track with names in three languages: s001 held in English with
    interpretation into Spanish (a Spanish title), s002 held in Spanish with interpretation into
    English (an English title); speakers who read Spanish, Arabic and (by default) English."""
    from helpers import default_days, write_conf

    return write_conf(folder, days=default_days(1), conference={
        "language": "en", "languages": ["en", "es", "ar"],
        "tracks": {"t": {"en": "Community", "es": "Comunidad", "ar": "المجتمع"}}},
        speakers=[{"id": "p1", "name": "María Núñez", "language": "es"},
                  {"id": "p2", "name": "فاطمة الحسيني", "language": "ar"},
                  {"id": "p3", "name": "Ann Lee"}],
        sessions=[{"id": "s001", "title": "Opening", "speakers": ["p1", "p3"], "interpretation": ["es"],
                   "translations": {"es": {"title": "Apertura", "abstract": "Bienvenida."}},
                   "abstract": "Welcome."},
                  {"id": "s002", "title": "Taller", "language": "es", "speakers": ["p2"], "interpretation": ["en"],
                   "translations": {"en": {"title": "Workshop in Spanish"}}}])


def schedule_rows(path, rows):
    import yaml

    path.write_text(yaml.safe_dump({"assignments": [
        {"session": s, "day": "2014-12-08", "start": t, "room": r} for s, t, r in rows]}))
    return path


def test_the_view_of_each_edition_speaks_its_language(tmp_path):
    from niic_sched.io import load
    from niic_sched.io.schedule_file import read_schedule
    from niic_sched.program import PlacedProgram
    from niic_sched.render.view import program_view

    conf = load(trilingual(tmp_path / "c"))
    placed = PlacedProgram.build(conf, read_schedule(schedule_rows(tmp_path / "s.yaml", [
        ("s001", "10:30", "r1"), ("s002", "10:30", "r2")])))
    en, es, ar = (program_view(placed, lang) for lang in ("en", "es", "ar"))
    by = {v.language: {s.id: s for s in v.sessions} for v in (en, es, ar)}
    assert (by["es"]["s001"].title, by["es"]["s001"].title_lang, by["es"]["s001"].abstract) == \
        ("Apertura", "es", "Bienvenida.")
    assert (by["en"]["s002"].title, by["en"]["s002"].title_lang, by["en"]["s002"].original_title) == \
        ("Workshop in Spanish", "en", "Taller")
    # no Arabic title: the original, marked with the language it is written in
    assert (by["ar"]["s001"].title, by["ar"]["s001"].title_lang, by["ar"]["s001"].title_dir) == ("Opening", "en", "ltr")
    assert (by["ar"]["s002"].title, by["ar"]["s002"].title_lang) == ("Taller", "es")
    assert by["en"]["s002"].language_line == "Spanish · interpretation into English"
    assert by["es"]["s002"].language_line == "Español · interpretación al inglés"
    assert by["ar"]["s001"].language_line == "الإنجليزية · ترجمة فورية إلى الإسبانية"
    assert by["es"]["s001"].follow == ("en", "es") and by["en"]["s002"].follow == ("es", "en")
    assert [t.name for t in es.tracks] == ["Comunidad"] and [t.name for t in ar.tracks] == ["المجتمع"]
    assert [d.label for d in es.days] == ["Lunes, 8 de diciembre de 2014"]
    assert (en.language_dir, ar.language_dir, ar.rtl) == ("ltr", "rtl", True)
    assert [(e.code, e.prefix, e.current) for e in es.editions] == [("en", "../", False), ("es", "../es/", True),
                                                                    ("ar", "../ar/", False)]
    assert [(e.code, e.prefix, e.pdf) for e in en.editions] == [("en", "", "program.pdf"), ("es", "es/", "program-es.pdf"),
                                                               ("ar", "ar/", "program-ar.pdf")]
    assert es.labels["add"] == "Añadir a mi agenda: {title}"


def test_export_language_chooses_the_words_and_titles(tmp_path, cli):
    import json

    import icalendar
    import openpyxl

    folder = trilingual(tmp_path / "c")
    (folder / "program").mkdir()
    schedule_rows(folder / "program" / "schedule.yaml", [("s001", "10:30", "r1"), ("s002", "13:30", "r1")])
    r = cli("export", folder, "--format", "xlsx", "--language", "es", "-o", tmp_path / "a.xlsx")
    assert r.exit_code == 0, r.stderr
    wb = openpyxl.load_workbook(tmp_path / "a.xlsx")
    assert wb.sheetnames == ["Lun 2014-12-08", "Todas las sesiones"]
    day = wb["Lun 2014-12-08"]
    assert day["A2"].value == "Hora" and day["A3"].value.startswith("10:30–11:45")
    assert "Apertura" in day["B3"].value and "Comunidad" in day["B3"].value
    assert [c.value for c in wb["Todas las sesiones"][1]][:5] == ["Día", "Inicio", "Fin", "Sala", "Título"]
    r = cli("export", folder, "--format", "xlsx", "--language", "ar", "-o", tmp_path / "ar.xlsx")
    assert r.exit_code == 0 and openpyxl.load_workbook(tmp_path / "ar.xlsx").worksheets[0].sheet_view.rightToLeft
    r = cli("export", folder, "--format", "ics", "--language", "es", "-o", tmp_path / "a.ics")
    assert r.exit_code == 0, r.stderr
    events = {str(e["summary"]): str(e["description"]) for e in
              icalendar.Calendar.from_ical((tmp_path / "a.ics").read_bytes()).walk("VEVENT")}
    assert set(events) == {"Apertura", "Taller"}
    assert "Ponentes: María Núñez; Ann Lee" in events["Apertura"]
    assert "Eje temático: Comunidad" in events["Apertura"] and "Idioma: Inglés · interpretación al español" in \
        events["Apertura"] and "Bienvenida." in events["Apertura"]
    r = cli("export", folder, "--format", "frab-json", "--language", "es", "-o", tmp_path / "a.json")
    assert r.exit_code == 0, r.stderr
    room = json.loads((tmp_path / "a.json").read_text())["schedule"]["conference"]["days"][0]["rooms"]
    event = next(e for events in room.values() for e in events if e["guid"] and e["title"] == "Taller")
    assert event["description"] == "Idioma: Español · interpretación al inglés" and event["track"] == "Comunidad"
    assert event["language"] == "es"
    r = cli("export", folder, "--format", "ics", "--language", "fr", "-o", tmp_path / "b.ics")
    assert r.exit_code == 2 and "'fr' is not a language of this conference" in r.stderr
    assert not (tmp_path / "b.ics").exists()


def test_diff_tells_each_speaker_in_their_language(tmp_path):
    import csv as csvmod

    from niic_sched.diff import compare, csv_bytes, text
    from niic_sched.io import load
    from niic_sched.io.schedule_file import read_schedule

    conf = load(trilingual(tmp_path / "c"))
    old = read_schedule(schedule_rows(tmp_path / "old.yaml", [("s001", "10:30", "r1"), ("s002", "13:30", "r2")]))
    new = read_schedule(schedule_rows(tmp_path / "new.yaml", [("s001", "15:00", "r1"), ("s002", "13:30", "r1")]))
    d = compare(conf, old, new)
    notices = {n.speaker: n for n in d.notices}
    assert {k: n.language for k, n in notices.items()} == {"p1": "es", "p2": "ar", "p3": "en"}
    es = notices["p1"].lines(conf)
    assert es == ["Un cambio en su sesión desde la publicación del programa:",
                  "La sesión «Apertura» (s001) tiene un nuevo horario: lunes, 8 de diciembre de 2014, "
                  "\u206615:00–16:15\u2069, Room 1 (antes: lunes, 8 de diciembre de 2014, \u206610:30–11:45\u2069, "
                  "Room 1)."]
    ar = notices["p2"].lines(conf)
    assert ar[0] == "تغيير في جلستك منذ نشر البرنامج:" and ar[1].startswith("نُقلت الجلسة «")
    assert "(s002)" in ar[1] and "\u206613:30–14:45\u2069" in ar[1]          # the time range, an LTR island
    assert "«\u2068Taller\u2069»" in ar[1] and "\u2068Room 1\u2069" in ar[1]   # Latin text isolated in Arabic
    en = notices["p3"].lines(conf)
    assert en[1].startswith("The session “Opening” (s001) has a new time: Monday, December 8, 2014, ")
    out = text(d)
    assert "To María Núñez [p1]: (a notice in Spanish)" in out and es[1] in out
    rows = list(csvmod.DictReader(__import__("io").StringIO(csv_bytes(d).decode("utf-8-sig"))))
    row = next(r for r in rows if r["speaker_id"] == "p1")
    assert (row["language"], row["title"], row["notice"]) == ("es", "Apertura", es[1])
    assert row["old"] == "Monday 2014-12-08, 10:30-11:45, Room 1"           # the committee's form stays
