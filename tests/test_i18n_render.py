"""The program in three editions (issue 12, must show 1 and 2): a copy of the sample conference with
`languages: [en, es, ar]`, solved and rendered once for the whole module, then read as files, in a
real Chromium (Playwright; Debian's /usr/bin/chromium) and through pdftotext.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from lxml import html as lxml_html

from conftest import ROOT, run_cli
from niic_sched import i18n
from niic_sched.io import load

EDITIONS = {"en": "", "es": "es/", "ar": "ar/"}
PAGES = ("index", "sessions", "tracks", "rooms", "speakers", "agenda")
BOOKLETS = {"en": "program.pdf", "es": "program-es.pdf", "ar": "program-ar.pdf"}
# the sample's three days, as each edition must write them (Babel, CLDR)
DAYS = {
    "en": ["Sunday, December 7, 2014", "Monday, December 8, 2014", "Tuesday, December 9, 2014"],
    "es": ["Domingo, 7 de diciembre de 2014", "Lunes, 8 de diciembre de 2014", "Martes, 9 de diciembre de 2014"],
    "ar": ["الأحد، 7 ديسمبر 2014", "الاثنين، 8 ديسمبر 2014", "الثلاثاء، 9 ديسمبر 2014"],
}
DATES = {"en": "December 7–9, 2014", "es": "7–9 de diciembre de 2014", "ar": "7–9 ديسمبر 2014"}
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def plain(text: str) -> str:
    """Text without directional isolates and marks, spaces normalised."""
    text = re.sub("[\u2066-\u2069\u200e\u200f\u202a-\u202e\u061c]", "", text)
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """A copy of the sample with three editions, solved, then rendered by `niic-sched render DIR`."""
    tmp = tmp_path_factory.mktemp("editions") / "conf"
    tmp.mkdir()
    for name in ("conference.yaml", "rooms.yaml", "speakers.yaml"):
        shutil.copy(ROOT / name, tmp / name)
    shutil.copytree(ROOT / "sessions", tmp / "sessions")
    text = (tmp / "conference.yaml").read_text(encoding="utf-8")
    text, n = re.subn(r"(?m)^languages: .*$", "languages: [en, es, ar]", text)
    assert n == 1
    (tmp / "conference.yaml").write_text(text, encoding="utf-8")
    r = run_cli("solve", tmp, "-o", tmp / "program" / "schedule.yaml", "--time-limit", 10, "--seed", 1, "--quiet")
    assert r.exit_code == 0, r.stderr
    r = run_cli("render", tmp)
    assert r.exit_code == 0, r.stderr
    return tmp


@pytest.fixture(scope="module")
def out(folder):
    return folder / "program"


def edition_page(out: Path, lang: str, page: str) -> Path:
    return out / f"{EDITIONS[lang]}{page}.html"


# -- the files -----------------------------------------------------------------------------------------
def test_render_writes_one_site_and_one_booklet_per_edition(out):
    for lang in EDITIONS:
        for page in PAGES:
            assert edition_page(out, lang, page).is_file(), (lang, page)
        assert (out / EDITIONS[lang] / "assets" / "program-data.js").is_file()
        assert (out / BOOKLETS[lang]).is_file() and (out / BOOKLETS[lang]).read_bytes().startswith(b"%PDF")
    assert not (out / "en").exists()                 # the main language stays at the top
    from pypdf import PdfReader
    first = PdfReader(str(out / BOOKLETS["ar"])).pages[0].mediabox
    assert (round(float(first.width)), round(float(first.height))) == (612, 792)   # Letter: a Los Angeles time zone
    for lang in EDITIONS:
        doc = lxml_html.fromstring(edition_page(out, lang, "index").read_bytes())
        assert (doc.get("lang"), doc.get("dir")) == (lang, "rtl" if lang == "ar" else "ltr")


def test_content_in_another_language_is_marked(out, folder):
    conf = load(folder)
    ar = lxml_html.fromstring(edition_page(out, "ar", "sessions").read_bytes())
    # a session with no Arabic title: its English title, marked as English, left to right
    s = conf.session["s0004"]
    title = ar.xpath("//article[@id='session-s0004']//h4")[0]
    assert title.text_content().strip() == s.title and (title.get("lang"), title.get("dir")) == ("en", "ltr")
    es = lxml_html.fromstring(edition_page(out, "es", "sessions").read_bytes())
    title = es.xpath("//article[@id='session-s0004']//h4")[0]
    assert title.text_content().strip() == s.translated("es") and title.get("lang") == "es"
    # an Arabic name in the Spanish edition is isolated with its own direction
    names = es.xpath("//*[contains(@class, 'speaker-name')][normalize-space()='محمد العلي']")
    assert names and all(n.get("dir") == "auto" for n in names)
    # the Arabic original of a translated title keeps its language and direction
    original = es.xpath("//article[@id='session-s0034']//p[@class='original-title']/span[@lang]")[0]
    assert (original.get("lang"), original.get("dir")) == ("ar", "rtl")
    # the session's language and interpretation, in the edition's words
    facts = es.xpath("//article[@id='session-s0005']")[0].text_content()
    assert "Español" in facts and "Interpretación al inglés" in facts
    line = lxml_html.fromstring(edition_page(out, "es", "index").read_bytes()).xpath(
        "//div[@data-session='s0005']//span[contains(@class, 'tag-lang')]")[0].text_content()
    assert line == "Español · interpretación al inglés"


# -- in Chromium -------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not at /usr/bin/chromium (make system-deps installs it)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[test]')")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    pg = context.new_page()
    pg.errors = []
    pg.on("pageerror", lambda e: pg.errors.append(f"page error: {e}"))
    yield pg
    context.close()


RANGES_JS = """() => Array.from(document.querySelectorAll('bdi.range')).map(el => {
  const a = el.querySelector('.range-start'), b = el.querySelector('.range-end');
  const r = a.getBoundingClientRect(), s = b.getBoundingClientRect();
  return {start: a.textContent, end: b.textContent, dir: getComputedStyle(el).direction,
          visible: r.width > 0 && s.width > 0,
          a: [r.left, r.right, r.top, r.bottom], b: [s.left, s.right, s.top, s.bottom]};
})"""

# where substrings of an element's (single) text node are drawn
SPOTS_JS = """([selector, needles]) => Array.from(document.querySelectorAll(selector)).map(el => {
  const node = Array.from(el.childNodes).find(n => n.nodeType === 3 && n.textContent.trim());
  return needles.map(needle => {
    const at = node.textContent.indexOf(needle);
    if (at < 0) return null;
    const range = document.createRange();
    range.setStart(node, at); range.setEnd(node, at + needle.length);
    const r = range.getBoundingClientRect();
    return [r.left, r.right];
  });
})"""

TEXTS_JS = """() => {
  const page = document.documentElement.lang, out = [];
  for (const el of document.querySelectorAll('body *')) {
    if (['SCRIPT', 'STYLE'].includes(el.tagName)) continue;
    const marked = el.closest('[lang]');
    if (marked && marked.lang !== page) continue;          // content in another language, marked so
    const foreign = Array.from(el.querySelectorAll('[lang]')).some(e => e.lang !== page);
    if (!foreign && el.textContent.length < 400) out.push(el.textContent);
    for (const name of ['aria-label', 'placeholder', 'title', 'alt']) {
      if (el.hasAttribute(name)) out.push(el.getAttribute(name));
    }
  }
  return out;
}"""


def minutes(label: str) -> int:
    """"9:00 AM", "13:30", "09:00" -> minutes after midnight."""
    m = re.match(r"(\d{1,2}):(\d\d)\s*(AM|PM)?", plain(label))
    h, mins, half = int(m.group(1)), int(m.group(2)), m.group(3)
    if half:
        h = h % 12 + (12 if half == "PM" else 0)
    return h * 60 + mins


def star_one_session(pg, out, lang):
    """One session in the personal agenda (shared by the editions: one conference, one agenda)."""
    pg.goto(edition_page(out, lang, "index").as_uri())
    star = pg.locator("[data-star]:visible").nth(1)
    if star.get_attribute("aria-pressed") != "true":
        star.click()


def test_every_time_range_reads_start_then_end_in_every_edition(out, page):
    checked = 0
    for lang in EDITIONS:
        star_one_session(page, out, lang)
        for name in ("index", "sessions", "tracks", "speakers", "agenda"):
            page.goto(edition_page(out, lang, name).as_uri())
            page.wait_for_load_state("load")
            ranges = page.evaluate(RANGES_JS)
            assert ranges, (lang, name)
            for r in ranges:
                assert r["dir"] == "ltr", (lang, name, r)                  # an island of its own in every edition
                assert minutes(r["start"]) < minutes(r["end"]), r
                if not r["visible"]:
                    continue
                (al, ar_, at, ab), (bl, _, bt, _) = r["a"], r["b"]
                same_line = abs(at - bt) < 4
                assert (al < bl and ar_ <= bl + 1) if same_line else ab <= bt + 1, (lang, name, r)
                checked += 1
    assert checked > 300
    assert page.errors == []


def test_every_date_is_written_and_ordered_for_its_language(out, page):
    for lang in EDITIONS:
        page.goto(edition_page(out, lang, "index").as_uri())
        headings = [plain(t) for t in page.eval_on_selector_all("section.day > h2", "els => els.map(e => e.textContent)")]
        assert headings == DAYS[lang]
        banner = page.eval_on_selector(".conf-meta span", "e => e.textContent")
        assert plain(banner) == DATES[lang]
        rtl = lang == "ar"
        # a day's heading: the day comes before the year in reading order (to its right in Arabic)
        for day, year in page.evaluate(SPOTS_JS, ["section.day > h2", ["7", "2014"]])[:1]:
            assert (day[0] > year[1]) if rtl else (day[1] < year[0]), (lang, day, year)
        # the range of days reads 7 -> 9 in every edition, and comes before the month and year
        (seven, nine, year), = page.evaluate(SPOTS_JS, [".conf-meta span:first-child", ["7", "9", "2014"]])
        assert seven[1] <= nine[0] + 1, (lang, seven, nine)
        assert (nine[0] > year[1]) if rtl else (nine[1] < year[0]), (lang, nine, year)


def test_the_arabic_edition_is_right_to_left_and_its_grid_reads_right_to_left(out, page):
    for lang in EDITIONS:
        page.goto(edition_page(out, lang, "index").as_uri())
        assert page.evaluate("document.documentElement.dir") == ("rtl" if lang == "ar" else "ltr")
        assert page.evaluate("getComputedStyle(document.body).direction") == ("rtl" if lang == "ar" else "ltr")
        lefts = page.evaluate("""Array.from(document.querySelector('section.day table.grid').querySelectorAll('thead th'))
                                 .map(e => e.getBoundingClientRect().left)""")
        assert len(lefts) > 3
        steps = [b - a for a, b in zip(lefts, lefts[1:])]
        assert all(s < 0 for s in steps) if lang == "ar" else all(s > 0 for s in steps), (lang, lefts)


def english_labels(lang: str) -> list[tuple[str, re.Pattern]]:
    """The fixed words of the English edition (every msgid, placeholders as wildcards, tags
    dropped) whose translation into ``lang`` is another text."""
    with open(i18n.LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po", "rb") as fh:
        catalog = read_po(fh, locale=lang)
    out = []
    for m in catalog:
        if not m.id:
            continue
        sources = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        for source in sources:
            if source in strings:
                continue                        # the same word in both languages ("Panel")
            text = re.sub(r"<[^>]+>", "", source)
            pattern = re.escape(text)
            pattern = re.sub(r"%\\\(\w+\\\)s|\\\{\w+\\\}", ".+", pattern)
            if len(re.findall(r"[A-Za-z]", re.sub(r"%\(\w+\)s|\{\w+\}", "", text))) < 2:
                continue                        # only placeholders and punctuation
            out.append((source, re.compile(pattern, re.S)))
    return out


def page_texts(pg, out, lang) -> set[str]:
    texts: set[str] = set()
    star_one_session(pg, out, lang)
    for name in PAGES:
        pg.goto(edition_page(out, lang, name).as_uri())
        pg.wait_for_load_state("load")
        if name == "index":                    # the script's words: the filter status, the stars
            tracks = pg.eval_on_selector_all("#f-track option", "els => els.map(e => e.value)")
            pg.select_option("#f-track", tracks[1])
        texts.update(plain(t) for t in pg.evaluate(TEXTS_JS))
    return {t for t in texts if t}


def test_no_label_of_the_english_edition_appears_in_the_spanish_or_arabic_edition(out, page):
    english = page_texts(page, out, "en")
    for lang in ("es", "ar"):
        labels = english_labels(lang)
        found_in_english = {source for source, rx in labels if any(rx.fullmatch(t) for t in english)}
        assert len(found_in_english) > 40             # the check looks at the words that are there
        texts = page_texts(page, out, lang)
        leaks = sorted({(source, t) for source, rx in labels for t in texts if rx.fullmatch(t)})
        assert leaks == [], lang


def test_the_language_switcher_lands_on_the_same_page_in_the_other_edition(out, page):
    for lang in EDITIONS:
        for name in PAGES:
            page.goto(edition_page(out, lang, name).as_uri())
            links = page.eval_on_selector_all(".lang-switch a", "els => els.map(e => e.getAttribute('hreflang'))")
            assert sorted(links) == sorted(set(EDITIONS) - {lang}), (lang, name)
            current = page.eval_on_selector(".lang-switch [aria-current]", "e => e.getAttribute('lang')")
            assert current == lang
            for other in links:
                page.goto(edition_page(out, lang, name).as_uri())
                page.click(f".lang-switch a[hreflang='{other}']")
                page.wait_for_load_state("load")
                assert page.url == edition_page(out, other, name).as_uri(), (lang, name, other)
                assert page.evaluate("document.documentElement.lang") == other
                assert page.evaluate("document.body.dataset.page") == name


def test_the_language_filter_finds_every_session_a_person_can_follow(out, folder, page):
    conf = load(folder)

    def follows(s, code):
        return (s.language or conf.language) == code or code in s.interpretation

    for lang, code in (("en", "es"), ("es", "en"), ("ar", "ar")):
        page.goto(edition_page(out, lang, "index").as_uri())
        page.select_option("#f-language", code)
        shown = set(page.eval_on_selector_all(
            ".grid [data-session]", "els => els.filter(e => e.offsetParent !== null).map(e => e.dataset.session)"))
        expected = {s.id for s in conf.sessions if follows(s, code)}
        assert shown == expected, (lang, code)
        assert any(s.language != code for s in conf.sessions if s.id in expected)   # interpreted ones too


# -- the booklets (pdftotext) --------------------------------------------------------------------------------
def pdftotext(path: Path) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed: make system-deps installs it")
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_the_spanish_booklet_has_spanish_weekdays_and_labels(out):
    text = pdftotext(out / "program-es.pdf")
    for word in ("Domingo", "Lunes", "Martes", "diciembre", "Índice", "Sesiones por día y hora",
                 "Índice de ponentes", "Salas y accesibilidad", "Ejes temáticos", "plazas",
                 "Todas las horas son locales", "De un vistazo"):
        assert word in text, word
    for english in ("Sunday", "Monday", "Speaker index", "Sessions by day and time", "Contents", "seats"):
        assert english not in text, english


def test_the_arabic_booklet_shapes_arabic_and_keeps_times_in_order(out):
    raw = pdftotext(out / "program-ar.pdf")
    text = plain(raw)
    # letters, not presentation forms: the text was shaped by the PDF engine (HarfBuzz), not
    # reshaped into the isolated/initial/final forms of U+FB50-U+FEFF, and maps back to letters
    assert not re.search("[\ufb50-\ufdff\ufe70-\ufeff]", raw)
    for words in ("فهرس المتحدثين", "المحتويات", "الجلسة العامة", "ديسمبر", "مقعد"):
        assert words in text, words
    # a lam-alef is one glyph (a ligature: shaping at work); poppler returns its two letters,
    # in the order they are drawn ("الأحد" comes out as "األحد")
    for weekday in ("الأحد", "الاثنين", "الثلاثاء"):
        drawn = re.sub("ل([اأإآ])", r"\1ل", weekday)
        assert weekday in text or drawn in text, weekday
    ranges = re.findall(r"(\d\d:\d\d)\s*–\s*(\d\d:\d\d)", text)
    assert len(ranges) >= 15                # every slot of the sample heads a time group of the listing
    assert all(a < b for a, b in ranges), [r for r in ranges if r[0] >= r[1]]
    english = plain(pdftotext(out / "program.pdf"))
    assert "Speaker index" in english and "فهرس المتحدثين" not in english
