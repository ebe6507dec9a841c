"""Hardening (issue 7): whatever a committee's folder or workbook holds, the loaders
answer with exit 0 or 2 and a message naming file and line (sheet and cell), never
a traceback and never a hang; YAML and zip bombs are refused quickly with bounded
memory; files too big to be inputs are refused before they are read.

Property tests run the CLI in-process (the ``cli`` fixture does not catch
exceptions, so a traceback fails the test). Every example also runs under a hard
time limit (SIGALRM) so that a hang fails instead of stalling the suite. Example
counts are bounded: the whole file takes well under a minute on 2 cores.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import shutil
import signal
import tempfile
import time
import tracemalloc
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils.exceptions import IllegalCharacterError
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import niic_sched.io.yamlfile as yamlfile
from helpers import write_conf
from niic_sched.check import check_schedule
from niic_sched.errors import InputError
from niic_sched.io import load
from niic_sched.io.schedule_file import read_schedule
from niic_sched.io.workbook_writer import write_workbook
from niic_sched.text import printable

HANG_SECONDS = 30          # one example taking this long is a hang
SCALE = float(os.environ.get("NIIC_FUZZ_SCALE", "1"))   # NIIC_FUZZ_SCALE=20: a deeper hunt outside the suite


def examples(n: int) -> int:
    return max(1, int(n * SCALE))

FUZZ = dict(deadline=dt.timedelta(seconds=10),
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                   HealthCheck.data_too_large, HealthCheck.filter_too_much])

# -- a small conference that uses every field ------------------------------------------
DAYS = [{"date": "2014-12-08", "slots": [{"start": "09:00", "end": "10:15", "kind": "plenary"},
                                         {"start": "10:30", "end": "11:45"}, {"start": "13:30", "end": "14:45"},
                                         {"start": "15:00", "end": "16:15"}]},
        {"date": "2014-12-09", "slots": [{"start": "10:30", "end": "11:45"}, {"start": "13:30", "end": "14:45"}]}]
ROOMS = [{"id": "hall", "name": "Main Hall", "capacity": 200, "features": ["projector", "interpretation"]},
         {"id": "r1", "name": "Room 1", "capacity": 60, "features": ["projector"],
          "unavailable": [{"day": "2014-12-09", "start": "13:30", "end": "14:45"}]},
         {"id": "r2", "name": "قاعة ٢", "capacity": 40, "features": []}]
SPEAKERS = [{"id": "p1", "name": "María Núñez", "organization": "CHIRLA"},
            {"id": "p2", "name": "محمد الأحمد", "unavailable": [{"day": "2014-12-09"}]},
            {"id": "p3", "name": "Nguyễn Thị Hương",
             "unavailable": [{"day": "2014-12-08", "start": "13:30", "end": "16:15"}]}]
SESSIONS = [
    {"id": "s001", "title": "Opening plenary", "format": "plenary", "track": "plenary", "duration": 75,
     "expected_attendance": 150, "speakers": ["p1"], "requires": ["interpretation"],
     "pin": {"day": "2014-12-08", "start": "09:00", "room": "hall"}},
    {"id": "s002", "title": "DACA renewal: a clinic", "track": "citizenship", "speakers": ["p1", "p2"],
     "requires": ["projector"], "not_with": ["s003"], "language": "es", "abstract": "Bring your papers."},
    {"id": "s003", "title": "Ciudadanía para todos", "track": "citizenship", "speakers": ["p3"], "after": ["s002"],
     "preferred": [{"day": "2014-12-09"}]},
    {"id": "s004", "title": "A long workshop", "format": "training", "track": "workforce", "duration": 150,
     "expected_attendance": 30, "speakers": ["p2"]},
    {"id": "s005", "title": "Panel on media", "format": "panel", "track": "media", "speakers": ["p3", "p1"]},
]
CONFERENCE = {"acronym": "FUZZ2014", "city": "Los Angeles", "hosts": ["NPNA", "CHIRLA"], "language": "en",
              "weights": {"attendee_conflict": 10, "track_overlap": 5}}
INTERESTS = [("a1", "s002"), ("a1", "s003"), ("a2", "s004"), ("a2", "s005")]
FILES = ["conference.yaml", "rooms.yaml", "speakers.yaml"] + [f"sessions/{s['id']}.yaml" for s in SESSIONS]

_FILE_WHERE = re.compile(r"^(conference\.yaml|rooms\.yaml|speakers\.yaml|interests\.csv|sessions/.+\.ya?ml)"
                         r"(:\d+)?$")


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    folder = write_conf(tmp_path_factory.mktemp("fuzz") / "base", sessions=SESSIONS, rooms=ROOMS,
                        speakers=SPEAKERS, days=DAYS, conference=CONFERENCE, interests=INTERESTS)
    write_workbook(load(folder), folder.parent / "base.xlsx")
    return folder


@pytest.fixture(scope="module")
def base_book(base) -> Path:
    return base.parent / "base.xlsx"


@contextlib.contextmanager
def hard_limit(seconds: float = HANG_SECONDS):
    """Fail (TimeoutError) instead of hanging."""
    def boom(*_):
        raise TimeoutError(f"took more than {seconds} s: a hang")
    old = signal.signal(signal.SIGALRM, boom)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


@contextlib.contextmanager
def fresh_copy(src: Path):
    with tempfile.TemporaryDirectory(prefix="niic-fuzz-") as tmp:
        dst = Path(tmp) / src.name
        if src.is_dir():
            shutil.copytree(src, dst)
        else:
            shutil.copy(src, dst)
        yield dst


def expect_clean(cli, target: Path, *, workbook: bool = False):
    """`check TARGET` ends with 0 (sound) or 2 (problems that say where and how to fix)."""
    with hard_limit():
        result = cli("check", target)
    out = result.stdout + result.stderr
    assert result.exit_code in (0, 2), out
    assert "Traceback" not in out
    if result.exit_code == 0:
        assert "inputs are sound" in result.stdout
        return result
    assert re.search(r"^\d+ problems? in the inputs:", result.stderr, re.M), out
    with hard_limit(), pytest.raises(InputError) as info:
        load(target)
    for p in info.value.problems:
        assert p.where and p.what and p.fix, p
        # the terminal shows control characters escaped (text.printable), so does the comparison
        assert printable(str(p.where)) in result.stderr and printable(p.what) in result.stderr
        if workbook:
            ok = p.where.startswith(str(target)) or "!" in p.where or p.where in WORKBOOK_SHEETS
        else:
            ok = p.where.startswith(str(target)) or _FILE_WHERE.match(p.where)
        assert ok, f"problem does not name a file/line (sheet/cell): {p}"
    return result


WORKBOOK_SHEETS = {"Conference", "Slots", "Rooms", "Speakers", "Sessions", "Interests"}

# -- hostile values ------------------------------------------------------------------------
TRICKY = ["", " ", "\t", "~", "null", "yes", "no", "on", "off", "1e400", "0x1F", "0o17", "-0", "+1", "12:30:45",
          "99:99", "24:00", "-1:30", "10:30 PM PM", "2014-02-30", "2014-12-08T10:30:00Z", "0000-00-00", ".inf",
          ".nan", "<<", "*", "&", "!", "|", ">", "%", "@", "`", "!!python/object:os.system", "{{ 7*191 }}",
          "=HYPERLINK(\"http://x\")", "\u202eevil\u202c", "\u200b", "\ufeff", "ﷺ", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "👩‍👩‍👧",
          "a" * 300, "x" * 5000, "s001", "p1", "hall", "plenary", "projector", "2014-12-08", "10:30", "13:30"]
NUMBERS = [0, -1, 1, 75, 2 ** 31, 2 ** 63, 10 ** 100, -10 ** 100, 1.5, -0.0, 1e308, float("inf"), float("-inf"),
           float("nan")]
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.sampled_from(NUMBERS), st.floats(), st.sampled_from(TRICKY),
    st.text(max_size=40), st.text(st.characters(codec="utf-8"), max_size=12), st.dates(),
    st.datetimes(min_value=dt.datetime(1, 1, 2), max_value=dt.datetime(9999, 12, 30)),
)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(st.one_of(st.text(max_size=10), st.integers(), st.sampled_from(
                          ["id", "day", "start", "end", "room", "slots", "date", "<<"])), inner, max_size=4),
                      max_leaves=10)
KEYS = st.sampled_from(["id", "title", "format", "track", "duration", "expected_attendance", "speakers",
                        "requires", "after", "not_with", "pin", "language", "preferred", "abstract", "name",
                        "capacity", "features", "unavailable", "organization", "days", "slots", "date", "start",
                        "end", "kind", "weights", "hosts", "time_zone", "rooms", "speakers", "sessions",
                        "Title", "durration", "", "<<", "?"])


def _paths(obj, prefix=()):
    yield prefix
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _paths(v, prefix + (i,))


def _get(obj, path):
    for k in path:
        obj = obj[k]
    return obj


def mutate_data(doc, data):
    """One structural change somewhere in a parsed YAML document."""
    path = data.draw(st.sampled_from(list(_paths(doc))))
    op = data.draw(st.sampled_from(["replace", "replace", "delete", "add", "wrap", "stringify", "empty",
                                    "duplicate"]))
    target = _get(doc, path)
    if op == "add" and isinstance(target, dict):
        target[data.draw(KEYS)] = data.draw(values)
        return doc
    if op == "duplicate" and isinstance(target, list) and target:
        target.append(target[0])
        return doc
    if not path:
        return data.draw(values) if op != "empty" else data.draw(st.sampled_from([None, "", [], {}]))
    parent = _get(doc, path[:-1])
    if op == "delete":
        del parent[path[-1]]
    elif op == "wrap":
        parent[path[-1]] = [target]
    elif op == "stringify":
        parent[path[-1]] = str(target)
    elif op == "empty":
        parent[path[-1]] = data.draw(st.sampled_from([None, "", [], {}, " "]))
    else:
        parent[path[-1]] = data.draw(values)
    return doc


BOMB = ("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        + "".join(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 9)))


def mutate_text(text: str, data) -> bytes:
    """One change to the file's text or bytes: what editors and spreadsheets produce."""
    op = data.draw(st.sampled_from(["bom", "crlf", "cr", "control", "dupline", "delline", "truncate", "insert",
                                    "anchor", "bomb", "tabs", "latin1", "nul", "multidoc", "tag", "indent",
                                    "selfref", "utf16", "none"]))
    lines = text.splitlines(keepends=True) or [""]
    at = data.draw(st.integers(0, len(text)))
    i = data.draw(st.integers(0, len(lines) - 1))
    if op == "bom":
        return b"\xef\xbb\xbf" + text.encode()
    if op == "crlf":
        return text.replace("\n", "\r\n").encode()
    if op == "cr":
        return text.replace("\n", "\r").encode()
    if op == "control":
        ch = data.draw(st.sampled_from(["\x01", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\x9f",
                                        "\u2028", "\u2029", "\ufffe", "\ud7ff", "\U0010ffff"]))
        return (text[:at] + ch + text[at:]).encode("utf-8", "surrogatepass")
    if op == "dupline":
        lines.insert(i, lines[i])
    elif op == "delline":
        del lines[i]
    elif op == "truncate":
        return text[:at].encode()
    elif op == "insert":
        return (text[:at] + data.draw(st.text(max_size=20)) + text[at:]).encode()
    elif op == "anchor":
        m = [n for n, line in enumerate(lines) if re.match(r"^\s*[\w-]+: \S", line)]
        if len(m) >= 2:
            a, b = data.draw(st.sampled_from(m)), data.draw(st.sampled_from(m))
            lines[a] = re.sub(r": ", ": &x ", lines[a], count=1)
            lines[b] = re.sub(r": .*", ": *x", lines[b], count=1) + ("\n" if not lines[b].endswith("\n") else "")
    elif op == "bomb":
        return (BOMB + text).encode()
    elif op == "tabs":
        return text.replace("  ", "\t").encode()
    elif op == "latin1":
        return (text + "title: Pe\u00f1a\n").encode("latin-1", "replace")
    elif op == "nul":
        return (text[:at] + "\x00" + text[at:]).encode()
    elif op == "multidoc":
        return ("---\n" + text + "---\n" + text).encode()
    elif op == "tag":
        tag = data.draw(st.sampled_from(["!!python/object/apply:os.system [echo pwned]", "!!binary aGk=",
                                         "!!set {a, b}", "!!omap [a: 1]", "!!float x", "!!int 12:30",
                                         "!custom 1", "!!timestamp 2014-99-99", "!!str", "!!null x"]))
        lines.insert(i, f"evil: {tag}\n")
    elif op == "indent":
        lines[i] = "   " + lines[i]
    elif op == "selfref":
        return (text + "loop: &loop [1, *loop]\n").encode()
    elif op == "utf16":
        return text.encode("utf-16")
    return "".join(lines).encode()


# -- random YAML documents -----------------------------------------------------------------
YAML_BITS = st.sampled_from([":", ": ", "-", "- ", "?", "[", "]", "{", "}", ",", "#", "&a", "*a", "!", "|", ">",
                             "'", '"', "%", "@", "`", "\n", "\n  ", "\n- ", " ", "\t", "id", "title", "duration",
                             "speakers", "pin", "day", "start", "s001", "p1", "10:30", "2014-12-08", "<<", "---",
                             "...", "~", "null", "75", "1e9", "\ufeff", "\u202e", "\x07", "é", "ع", "中", "\r\n",
                             "\\", "\\x41", "!!str", "!!python/name:os.system"])
yaml_texts = st.one_of(st.lists(YAML_BITS, max_size=40).map("".join), st.text(max_size=60))


@settings(max_examples=examples(120), **FUZZ)
@given(text=yaml_texts, name=st.sampled_from(FILES))
def test_random_yaml_documents(base, cli, text, name):
    with fresh_copy(base) as folder:
        (folder / name).write_bytes(text.encode("utf-8", "surrogatepass"))
        expect_clean(cli, folder)


def test_a_control_character_in_an_id_is_shown_escaped_in_every_message(base, cli):
    # found by test_random_values_as_documents: two rooms with the id "\b" (a backspace)
    with fresh_copy(base) as folder:
        (folder / "rooms.yaml").write_text(yaml.safe_dump([{"id": "\b", "capacity": None},
                                                          {"id": "\b", "capacity": 10}]), encoding="utf-8")
        result = expect_clean(cli, folder)
        assert "room id '\\u0008' is used twice" in result.stderr and "\b" not in result.stderr


@settings(max_examples=examples(60), **FUZZ)
@given(doc=values, name=st.sampled_from(FILES))
def test_random_values_as_documents(base, cli, doc, name):
    with fresh_copy(base) as folder:
        (folder / name).write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
        expect_clean(cli, folder)


@settings(max_examples=examples(150), **FUZZ)
@given(data=st.data())
def test_mutated_conference_folder(base, cli, data):
    with fresh_copy(base) as folder:
        names = data.draw(st.lists(st.sampled_from(FILES + ["interests.csv"]), min_size=1, max_size=3, unique=True),
                          label="files")
        for name in names:
            path = folder / name
            text = path.read_text(encoding="utf-8")
            if name.endswith(".csv"):
                raw = mutate_text(text, data)
            else:
                if data.draw(st.booleans(), label="structural"):
                    doc = mutate_data(yaml.safe_load(text), data)
                    text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
                raw = mutate_text(text, data)
            path.write_bytes(raw)
        expect_clean(cli, folder)


def test_base_conference_is_sound(base, base_book, cli):
    assert expect_clean(cli, base).exit_code == 0
    assert expect_clean(cli, base_book, workbook=True).exit_code == 0


@pytest.fixture(scope="module")
def base_schedule(base, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("fuzz-schedule") / "schedule.yaml"
    from conftest import run_cli
    r = run_cli("solve", base, "-o", out, "--time-limit", "2", "--seed", "1", "--quiet")
    assert r.exit_code == 0, r.stderr
    return out


@settings(max_examples=examples(60), **FUZZ)
@given(data=st.data())
def test_mutated_schedule_file(base, base_schedule, cli, data):
    """A hand-edited schedule.yaml: `check --schedule` says valid (0), lists broken
    hard rules (1) or the file's problems (2); `export` exports it (0) or says why
    not (2). Never a traceback."""
    with fresh_copy(base_schedule) as sched:
        text = sched.read_text(encoding="utf-8")
        if data.draw(st.booleans(), label="structural"):
            text = yaml.safe_dump(mutate_data(yaml.safe_load(text), data), allow_unicode=True, sort_keys=False)
        sched.write_bytes(mutate_text(text, data))
        with hard_limit():
            checked = cli("check", base, "--schedule", sched)
            exported = cli("export", base, "--schedule", sched, "--format", "csv", "-o", sched.parent / "x.csv")
        for r, allowed in ((checked, (0, 1, 2)), (exported, (0, 2))):
            out = r.stdout + r.stderr
            assert r.exit_code in allowed and out.strip() and "Traceback" not in out, out
        if checked.exit_code == 2:
            assert str(sched) in checked.stderr and "fix:" in checked.stderr


# -- libyaml and the pure-Python parser read the same -----------------------------------------
def _read_both(path: Path):
    out = []
    for fast in (yamlfile._FastLoader, None):
        saved = yamlfile._FastLoader
        yamlfile._FastLoader = fast
        try:
            problems = []
            data = yamlfile.read_yaml(path, "f.yaml", problems)
        finally:
            yamlfile._FastLoader = saved
        out.append((data, problems))
    return out


def _lines(obj):
    if isinstance(obj, yamlfile.LineDict):
        return (obj.line, sorted(obj.key_lines.items(), key=repr), [_lines(v) for v in obj.values()])
    if isinstance(obj, list):
        return [_lines(v) for v in obj]
    return None


@pytest.mark.skipif(yamlfile._FastLoader is None, reason="PyYAML without libyaml")
@settings(max_examples=examples(120), **FUZZ)
@given(doc=values, style=st.sampled_from([{}, {"default_flow_style": True}, {"default_style": '"'},
                                          {"default_style": "'"}, {"canonical": True}, {"width": 20},
                                          {"indent": 4, "explicit_start": True}]),
       crlf=st.booleans(), bom=st.booleans())
def test_libyaml_and_pure_python_agree(tmp_path_factory, doc, style, crlf, bom):
    """Both parsers read any well-formed document to the same data, lines and problems.
    (On malformed text they differ in a few corners, e.g. libyaml accepts a trailing
    tab; there each must still answer with data or a problem: test_random_yaml_documents.)"""
    text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, **style)
    raw = ("\ufeff" if bom else "") + (text.replace("\n", "\r\n") if crlf else text)
    path = tmp_path_factory.getbasetemp() / "agree.yaml"
    path.write_bytes(raw.encode("utf-8"))
    (fast, fast_problems), (pure, pure_problems) = _read_both(path)
    assert repr(fast) == repr(pure)          # repr: NaN is not equal to itself
    assert _lines(fast) == _lines(pure)
    assert [str(p) for p in fast_problems] == [str(p) for p in pure_problems]


# -- workbooks -------------------------------------------------------------------------------
cell_values = st.one_of(
    st.none(), st.booleans(), st.integers(-10 ** 15, 10 ** 15), st.sampled_from([2 ** 63, 10 ** 30, 1e308, -1e308]),
    st.floats(allow_nan=False, allow_infinity=False), st.sampled_from(TRICKY), st.text(max_size=30),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(9999, 12, 31)),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(9999, 12, 31)),
    st.times(), st.timedeltas(min_value=dt.timedelta(days=-3), max_value=dt.timedelta(days=3)),
    st.sampled_from(["=1/0", "=A1", "=NOW()", "=SUM(A:A)", "#N/A", "#REF!", "=\"10:30\"", "@SUM(1)"]),
)


def mutate_workbook(path: Path, data) -> None:
    wb = openpyxl.load_workbook(path)
    for _ in range(data.draw(st.integers(1, 4), label="changes")):
        data_sheets = [w for w in wb.worksheets if w.title in WORKBOOK_SHEETS]
        ws = data.draw(st.sampled_from(data_sheets or wb.worksheets), label="sheet")
        op = data.draw(st.sampled_from(["cell", "cell", "cell", "header", "delete_sheet", "rename", "insert_rows",
                                        "delete_rows", "insert_cols", "merge", "far_cell", "clear"]), label="op")
        if op in ("cell", "header"):
            row = 1 if op == "header" else data.draw(st.integers(1, ws.max_row + 2), label="row")
            col = data.draw(st.integers(1, ws.max_column + 1), label="col")
            value = data.draw(cell_values if op == "cell" else st.one_of(cell_values, st.sampled_from(
                ["ID", "Id ", "title", "Title", "duration", "pin-day", "Expected Attendance", "key", "date"])),
                label="value")
            cell = ws.cell(row, col)
            assume(not isinstance(cell, openpyxl.cell.cell.MergedCell))
            try:
                cell.value = value
            except (ValueError, TypeError, IllegalCharacterError):   # openpyxl cannot store it: no such workbook
                assume(False)
        elif op == "delete_sheet" and len(wb.worksheets) > 1:
            wb.remove(ws)
        elif op == "rename":
            ws.title = data.draw(st.sampled_from(["sessions", "SESSIONS ", "Session", "Rooms (2)", "Slots",
                                                  "Sheet", "Конференция"]), label="title")
        elif op == "insert_rows":
            ws.insert_rows(data.draw(st.integers(1, ws.max_row + 1)), data.draw(st.integers(1, 3)))
        elif op == "delete_rows":
            ws.delete_rows(data.draw(st.integers(1, ws.max_row)), data.draw(st.integers(1, 3)))
        elif op == "insert_cols":
            ws.insert_cols(data.draw(st.integers(1, ws.max_column + 1)))
        elif op == "merge":
            r, c = data.draw(st.integers(1, ws.max_row)), data.draw(st.integers(1, ws.max_column))
            ws.merge_cells(start_row=r, start_column=c, end_row=r + data.draw(st.integers(0, 2)),
                           end_column=c + data.draw(st.integers(0, 2)))
        elif op == "far_cell":
            ws.cell(data.draw(st.integers(1, 3000)), data.draw(st.integers(1, 200))).value = "x"
        elif op == "clear":
            for row in ws.iter_rows():
                for cell in row:
                    if not isinstance(cell, openpyxl.cell.cell.MergedCell):
                        cell.value = None
    try:
        wb.save(path)
    except (ValueError, TypeError, OverflowError):   # openpyxl cannot write it: no such workbook exists
        assume(False)


@settings(max_examples=examples(40), **FUZZ)
@given(data=st.data())
def test_mutated_workbook(base_book, cli, data):
    with fresh_copy(base_book) as book:
        mutate_workbook(book, data)
        expect_clean(cli, book, workbook=True)


@settings(max_examples=examples(25), **FUZZ)
@given(data=st.data())
def test_damaged_workbook_bytes(base_book, cli, data):
    with fresh_copy(base_book) as book:
        raw = bytearray(book.read_bytes())
        op = data.draw(st.sampled_from(["truncate", "flip", "zero", "garbage", "empty"]))
        at = data.draw(st.integers(0, len(raw) - 1))
        if op == "truncate":
            raw = raw[:at]
        elif op == "flip":
            for _ in range(data.draw(st.integers(1, 8))):
                raw[data.draw(st.integers(0, len(raw) - 1))] ^= data.draw(st.integers(1, 255))
        elif op == "zero":
            raw[at:at + 64] = bytes(len(raw[at:at + 64]))
        elif op == "garbage":
            raw = bytearray(data.draw(st.binary(max_size=200)))
        else:
            raw = bytearray()
        book.write_bytes(bytes(raw))
        expect_clean(cli, book, workbook=True)


# -- a few mutated conferences through the solver ----------------------------------------------
semantic = st.fixed_dictionaries({}, optional={
    "duration": st.sampled_from([75, 150, 225, 300, 60, 76]),
    "expected_attendance": st.sampled_from([10, 60, 199, 200, 201]),
    "format": st.sampled_from(["plenary", "workshop", "panel"]),
    "pin": st.fixed_dictionaries({}, optional={"day": st.sampled_from(["2014-12-08", "2014-12-09"]),
                                               "start": st.sampled_from(["09:00", "10:30", "13:30", "15:00"]),
                                               "room": st.sampled_from(["hall", "r1", "r2"])}),
    "after": st.lists(st.sampled_from([s["id"] for s in SESSIONS]), max_size=2, unique=True),
    "not_with": st.lists(st.sampled_from([s["id"] for s in SESSIONS]), max_size=2, unique=True),
    "speakers": st.lists(st.sampled_from(["p1", "p2", "p3"]), max_size=3, unique=True),
    "requires": st.lists(st.sampled_from(["projector", "interpretation"]), max_size=2, unique=True),
})


@settings(max_examples=examples(6), **FUZZ)
@given(changes=st.lists(st.tuples(st.sampled_from(range(len(SESSIONS))), semantic), min_size=1, max_size=3))
def test_solve_on_mutated_conference(base, cli, changes):
    """`solve --time-limit 2` on a changed conference: a valid program (exit 0) or a
    clear refusal (2 bad input, 3 no program, 4 none found), and nothing written unless 0."""
    with fresh_copy(base) as folder:
        for index, change in changes:
            path = folder / f"sessions/{SESSIONS[index]['id']}.yaml"
            doc = yaml.safe_load(path.read_text(encoding="utf-8"))
            doc.update(change)
            for key in ("after", "not_with"):      # naming itself is a plain input error, tested elsewhere
                if key in doc:
                    doc[key] = [x for x in doc[key] if x != doc["id"]]
            path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
        out = folder / "program" / "schedule.yaml"
        with hard_limit(60):
            result = cli("solve", folder, "-o", out, "--time-limit", "2", "--seed", "1", "--quiet")
        text = result.stdout + result.stderr
        assert result.exit_code in (0, 2, 3, 4), text
        assert "Traceback" not in text
        if result.exit_code == 0:
            assert check_schedule(load(folder), read_schedule(out)) == []
        else:
            assert text.strip() and not out.exists()


# -- bombs: refused quickly, with bounded memory ---------------------------------------------------
BOMBS = {
    "billion laughs (80 aliases, 10^9 values)": (BOMB + "id: s001\ntitle: t\nduration: 75\nspeakers: *a8\n",
                                                 "billion laughs"),
    "many aliases": ("x: &x s001\nlist: [" + ", ".join(["*x"] * 500) + "]\n", "more than 200 aliases"),
    "alias to itself": ("id: s001\ntitle: t\nduration: 75\nspeakers: &s [p1, *s]\n", "refers to the list"),
    "merge keys of merge keys": ("b0: &b0 {k0: 1, k1: 2}\n" + "".join(
        f"b{i}: &b{i} {{<<: [*b{i - 1}, *b{i - 1}], x{i}: *b{i - 1}}}\n" for i in range(1, 40)) + "id: s001\n",
        "billion laughs"),
    "deep nesting": ("speakers: " + "[" * 100_000 + "]" * 100_000 + "\n",
                     ("exceeded maximum nesting depth", "nested too deeply", "levels deep")),
}


@pytest.mark.parametrize("parser", ["libyaml", "python"])
@pytest.mark.parametrize("kind", list(BOMBS))
def test_yaml_bomb_is_refused_quickly_with_bounded_memory(base, cli, monkeypatch, parser, kind):
    if parser == "python":
        monkeypatch.setattr(yamlfile, "_FastLoader", None)
    elif yamlfile._FastLoader is None:
        pytest.skip("PyYAML without libyaml")
    text, expected = BOMBS[kind]
    with fresh_copy(base) as folder:
        (folder / "sessions" / "s001.yaml").write_text(text, encoding="utf-8")
        tracemalloc.start()
        began = time.monotonic()
        try:
            with hard_limit(20):
                result = cli("check", folder)
            seconds = time.monotonic() - began
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert result.exit_code == 2, result.stdout + result.stderr
    expected = (expected,) if isinstance(expected, str) else expected
    assert "sessions/s001.yaml" in result.stderr and any(e in result.stderr for e in expected), result.stderr
    assert "fix:" in result.stderr
    assert seconds < 10 and peak < 64 * 2 ** 20, (seconds, peak)


def test_control_character_is_located(base, cli):
    with fresh_copy(base) as folder:
        (folder / "sessions" / "s002.yaml").write_text("id: s002\ntitle: bad\x07bell\nduration: 75\n", encoding="utf-8")
        result = expect_clean(cli, folder)
    assert result.exit_code == 2
    assert "sessions/s002.yaml:2: holds the invisible control character U+0007 (column 11)" in result.stderr


def test_zip_bomb_workbook_is_refused(base_book, cli):
    """A workbook whose zip unpacks to far more than any conference needs is refused
    before openpyxl unpacks it."""
    with fresh_copy(base_book) as book:
        with zipfile.ZipFile(book, "a", zipfile.ZIP_DEFLATED) as z:
            with z.open("xl/media/padding.bin", "w") as fh:   # 128 MiB of zeros: about 130 kB packed
                block = bytes(2 ** 20)
                for _ in range(128):
                    fh.write(block)
        assert book.stat().st_size < 2 * 2 ** 20
        began = time.monotonic()
        result = expect_clean(cli, book, workbook=True)
        assert time.monotonic() - began < 10
    assert result.exit_code == 2 and "refused as a possible zip bomb" in result.stderr


def test_xml_entity_bomb_workbook_is_refused(base_book, cli):
    lol = ('<!DOCTYPE worksheet [<!ENTITY l0 "lol">' + "".join(
        f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10)) + "]>")
    with fresh_copy(base_book) as book:
        with zipfile.ZipFile(book) as z:
            parts = {n: z.read(n) for n in z.namelist()}
        name = next(n for n in parts if n.startswith("xl/worksheets/sheet"))
        xml = parts[name].decode("utf-8")
        body = xml[xml.index("<worksheet"):]
        parts[name] = ('<?xml version="1.0" encoding="UTF-8"?>' + lol
                       + re.sub(r"(<t[^>]*>)[^<]*(</t>)", r"\1&l9;\2", body, count=1)).encode()
        assert b"&l9;" in parts[name]
        with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as z:
            for n, b in parts.items():
                z.writestr(n, b)
        tracemalloc.start()
        try:
            result = expect_clean(cli, book, workbook=True)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert result.exit_code == 2 and "not a readable .xlsx workbook" in result.stderr
    assert peak < 200 * 2 ** 20


def _edit_sheet_xml(book: Path, sheet: str, edit) -> None:
    """Rewrite one worksheet's XML inside the .xlsx (as Excel would have saved it)."""
    wb = openpyxl.load_workbook(book)
    index = wb.sheetnames.index(sheet) + 1
    with zipfile.ZipFile(book) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    name = f"xl/worksheets/sheet{index}.xml"
    parts[name] = edit(parts[name].decode("utf-8")).encode("utf-8")
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as z:
        for n, b in parts.items():
            z.writestr(n, b)


@pytest.mark.parametrize("case,expected", [
    ("stray value at XFD1048576", "has data beyond row 100000"),
    ("stray value at A1048576", "has data beyond row 100000"),
    ("stray value at XFD60", None),
    ("merged range A20:Z1000000", "merges 25,999,506 cells (A20:Z1000000)"),
])
def test_far_cells_and_huge_merges_in_a_workbook(base_book, cli, case, expected):
    """One value typed far out, or a merged range over a million rows, must not make
    the loader create every cell in between (that took minutes and gigabytes)."""
    ref = case.rsplit(" ", 1)[1]
    if case.startswith("stray"):
        row = re.match(r"[A-Z]+(\d+)", ref).group(1)
        piece = f'<row r="{row}"><c r="{ref}" t="inlineStr"><is><t>stray</t></is></c></row></sheetData>'
    else:
        piece = f'</sheetData><mergeCells count="1"><mergeCell ref="{ref}"/></mergeCells>'
    with fresh_copy(base_book) as book:
        _edit_sheet_xml(book, "Sessions", lambda xml: xml.replace("</sheetData>", piece, 1))
        tracemalloc.start()
        began = time.monotonic()
        try:
            result = expect_clean(cli, book, workbook=True)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert time.monotonic() - began < 10 and peak < 200 * 2 ** 20, (time.monotonic() - began, peak)
    if expected is None:
        assert result.exit_code == 0
    else:
        assert result.exit_code == 2 and expected in result.stderr, result.stderr


# -- files too big to be inputs: refused before they are read --------------------------------------
def _sparse(path: Path, size: int, head: bytes = b"") -> None:
    with open(path, "wb") as fh:
        fh.write(head)
        fh.truncate(size)


@pytest.mark.parametrize("name,size,expected", [
    ("sessions/s999.yaml", 50_000_000, "is 50 MB, more than the 20 MiB a YAML file may have"),
    ("conference.yaml", 50_000_000, "is 50 MB, more than the 20 MiB a YAML file may have"),
    ("interests.csv", 50 * 2 ** 20 + 1, "is 52 MB, larger than the 50 MiB interests.csv may have"),
])
def test_a_50_mb_file_is_refused(base, cli, name, size, expected):
    with fresh_copy(base) as folder:
        _sparse(folder / name, size, b"id: s999\ntitle: big\n" if name.endswith(".yaml") else b"attendee,session\n")
        began = time.monotonic()
        result = expect_clean(cli, folder)
        assert time.monotonic() - began < 10
    assert result.exit_code == 2 and f"{name}: {expected}" in result.stderr


def test_a_50_mb_workbook_is_refused(tmp_path, cli):
    book = tmp_path / "huge.xlsx"
    _sparse(book, 50 * 2 ** 20 + 1, b"PK\x03\x04")
    result = expect_clean(cli, book, workbook=True)
    assert result.exit_code == 2
    assert f"{book}: is 52 MB, more than the 50 MiB a conference workbook may have" in result.stderr


def test_pipes_and_devices_are_not_read(base, cli):
    """A pipe would block the loader forever and a device never ends: both are refused."""
    with fresh_copy(base) as folder:
        os.mkfifo(folder / "sessions" / "pipe.yaml")
        (folder / "sessions" / "zero.yaml").symlink_to("/dev/zero")
        result = expect_clean(cli, folder)
    assert result.exit_code == 2
    for name in ("sessions/pipe.yaml", "sessions/zero.yaml"):
        assert f"{name}: is not a plain file" in result.stderr


def test_csv_cell_beyond_the_csv_field_limit(base, cli):
    with fresh_copy(base) as folder:
        (folder / "interests.csv").write_text("attendee,session\na1,s002\na2," + "x" * 200_000 + "\n")
        result = expect_clean(cli, folder)
    assert result.exit_code == 2 and "interests.csv:3: cannot be read as CSV" in result.stderr
