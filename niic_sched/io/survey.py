"""Registration surveys -> (attendee, session) interests.

A form tool's export (Google Forms, SurveyMonkey, Typeform, Eventbrite: a
UTF-8 CSV, or the first sheet of an .xlsx) comes in one of three shapes:

* ``long``: one row per (attendee, session), like interests.csv itself;
* ``choices``: one row per attendee, one multi-choice cell ("Which workshops
  will you attend?") holding titles or ids separated by ``;``, ``|``, line
  breaks or ``, `` (titles themselves hold commas: a cell is split against the
  known titles, the longest match first);
* ``columns``: one column per session (its header the title or id, also as
  Google Forms writes it, ``Question [Title]``); any non-empty cell counts but
  no, 0, false and blank.

Answers are matched to sessions by id or by title, insensitive to case,
accents, punctuation and white space; then by the title's part before its
colon, by the beginning of a title, and by similarity (difflib, ``cutoff``).
Every match that is not an id or the whole title is reported with what it
matched; an answer that fits several sessions equally is ambiguous (the caller
refuses to write until each is resolved); an answer that fits none is
unmatched and skipped. Attendees leave this module only as salted hashes
(``pseudonym``): the names and emails of the survey are never written.

Only reading and writing happen here (and the matching, which needs nothing
but the sessions); ``app.import_interests`` is the use case.
"""
from __future__ import annotations

import csv
import difflib
import hashlib
import hmac
import io
import os
import re
import secrets
import stat
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from ..errors import InputError, Location, Problem
from .atomic import write_bytes_atomic

SHAPES = ("long", "choices", "columns")
DEFAULT_CUTOFF = 0.85
MARGIN = 0.02                 # similarities this close to the best one are as good: the answer is ambiguous
MIN_PREFIX = 12               # an answer this long (folded) may stand for a title it begins
MAX_SURVEY_BYTES = 50 * 1024 * 1024
MAX_ROWS = 100_000
SALT_FILE = ".interests-salt"
INTERESTS_FILE = "interests.csv"

_SEPARATORS = re.compile(r"\s*(,|;|\||\r\n|\n|\r)\s*")
_HARD = (";", "|", "\n", "\r", "\r\n")
FALSE_WORDS = frozenset({"no", "n", "0", "false", "f", "none", "-", "--", "—", "–", "✗", "✘", "unchecked",
                         "not selected", "off", "0.0"})
NO_CHOICE = frozenset({"none", "n a", "na", "no", "nothing", "none of the above", "not sure", "undecided",
                       "ninguno", "ninguna", "ningun taller", "aucun", "aucune"})
_BRACKETED = re.compile(r"^(.*?)\s*\[(.+)\]\s*$", re.S)
_SPECIAL = str.maketrans({"đ": "d", "Đ": "d", "ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "æ": "ae", "Æ": "ae",
                          "œ": "oe", "Œ": "oe", "ß": "ss", "ı": "i", "þ": "th", "Þ": "th", "ð": "d", "Ð": "d"})
_APOSTROPHES = frozenset("'’‘ʼ`´")


# -- folding ----------------------------------------------------------------------------------------
class _FoldTable(dict):
    """str.translate's table, filled per character on first sight: its accents
    dropped, its case folded, punctuation a space, apostrophes nothing."""

    def __missing__(self, ch: int) -> str:
        c = chr(ch)
        if c in _APOSTROPHES:
            out = ""
        else:
            t = unicodedata.normalize("NFKD", c.translate(_SPECIAL))
            t = "".join(x for x in t if not unicodedata.combining(x)).casefold()
            out = "".join(x if x.isalnum() else " " for x in t)
        self[ch] = out
        return out


_FOLD = _FoldTable()


def fold(text) -> str:
    """Case, accents and punctuation away, words kept: "Driver's Licenses, Part 1" ->
    "drivers licenses part 1"; "Ciudadanía" -> "ciudadania"."""
    return " ".join(str(text).translate(_FOLD).split())


def key(text) -> str:
    """``fold`` without white space: what two spellings of one title share."""
    return fold(text).replace(" ", "")


def shown(text: str, limit: int = 120) -> str:
    """Text from a survey, safe to print: control characters (terminal escape
    sequences) escaped, long answers cut."""
    out = "".join(c if c == " " or (c.isprintable() and unicodedata.category(c) not in ("Cc", "Cf", "Zl", "Zp"))
                  else (f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}") for c in str(text))
    return out if len(out) <= limit else out[:limit - 1] + "…"


def _pieces(text: str) -> int:
    return len(_SEPARATORS.split(text)) // 2 + 1


# -- the table of a survey --------------------------------------------------------------------------
@dataclass
class Row:
    number: int                     # the spreadsheet's row number (header row 1 in a CSV)
    line: int                       # a CSV's line where the row begins (= number in a workbook)
    cells: list[str]

    def get(self, col: int) -> str:
        return self.cells[col] if 0 <= col < len(self.cells) else ""


@dataclass
class Table:
    source: str                     # the path as given
    sheet: str | None               # the sheet read (a workbook), else None
    header: list[str]
    header_row: int
    header_line: int
    rows: list[Row]                 # data rows (blank rows dropped)

    def where(self, row: Row | None, col: int | None = None) -> Location:
        """A cell ("Form Responses 1!C7"; a row "Sheet!7:7"), or the CSV file and line."""
        if self.sheet is not None:
            n = row.number if row is not None else self.header_row
            return Location(sheet=self.sheet, cell=f"{letter(col)}{n}" if col is not None else f"{n}:{n}")
        return Location(self.source, row.line if row is not None else self.header_line)

    def label(self, col: int) -> str:
        """Column C "Which workshops will you attend?"."""
        head = self.header[col] if col < len(self.header) else ""
        return f'{letter(col)} "{shown(head, 60)}"' if head else letter(col)


def letter(col: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    out, n = "", col + 1
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def _column_of(name: str) -> int | None:
    return (sum((ord(c) - 64) * 26 ** i for i, c in enumerate(reversed(name.upper()))) - 1
            if re.fullmatch(r"[A-Za-z]{1,3}", name) else None)


def read_survey(path, *, sheet: str | None = None) -> Table:
    """A survey export (.xlsx: ``sheet`` or the first; anything else: CSV) -> Table;
    InputError naming the file (and line or cell) when it cannot be read."""
    path = Path(path)
    where = Location(str(path))
    suffix = path.suffix.lower()
    if suffix in (".xls", ".xlsm", ".xlsb", ".ods", ".numbers"):
        raise InputError([Problem(where, f"is a {suffix} spreadsheet; a survey is read from .csv or .xlsx",
                                  "export the responses as CSV (UTF-8) or save them as an Excel Workbook (.xlsx)")])
    try:
        st = path.stat()
    except FileNotFoundError:
        raise InputError([Problem(where, "does not exist", "give the path of the survey export (.csv or .xlsx)")])
    except OSError as exc:
        raise InputError([Problem(where, f"cannot be read: {exc.strerror or exc}", "check the path and permissions")])
    if not stat.S_ISREG(st.st_mode):
        raise InputError([Problem(where, "is not a plain file (it is a folder, a pipe or a device)",
                                  "give the survey export (.csv or .xlsx)")])
    if sheet is not None and suffix != ".xlsx":
        raise InputError([Problem(where, "--sheet names a sheet of a workbook, and this is not an .xlsx file",
                                  "leave out --sheet for a CSV file")])
    if suffix == ".xlsx":
        return _read_xlsx(path, sheet)
    if st.st_size > MAX_SURVEY_BYTES:
        raise InputError([Problem(where, f"is {st.st_size / 1e6:.0f} MB, larger than the "
                                  f"{MAX_SURVEY_BYTES // 2**20} MiB a survey may have", "trim the export")])
    return _read_csv(path)


def _decode(data: bytes, path: Path) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):      # Excel's "Unicode text"
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise InputError([Problem(Location(str(path), line), f"is not UTF-8 text (byte {exc.start})",
                                  "export the responses as CSV UTF-8 (Excel: Save As > CSV UTF-8)")]) from None


def _read_csv(path: Path) -> Table:
    try:
        text = _decode(path.read_bytes(), path)
    except OSError as exc:
        raise InputError([Problem(Location(str(path)), f"cannot be read: {exc.strerror or exc}",
                                  "check that the file is readable")]) from None
    first = text.split("\n", 1)[0]
    delimiter = "\t" if path.suffix.lower() == ".tsv" or ("\t" in first and "," not in first) else \
        ";" if (";" in first and "," not in first) else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[tuple[int, list[str]]] = []          # (line where the record begins, cells)
    line = 1
    try:
        for cells in reader:
            records.append((line, cells))
            line = reader.line_num + 1
            if len(records) > MAX_ROWS + 1:
                raise InputError([Problem(Location(str(path), line), f"has more than {MAX_ROWS} rows",
                                          "split the export")])
    except csv.Error as exc:
        raise InputError([Problem(Location(str(path), reader.line_num or line), f"cannot be read as CSV: {exc}",
                                  "export the responses again as CSV (UTF-8)")]) from None
    header_at = next((i for i, (_, cells) in enumerate(records) if any(c.strip() for c in cells)), None)
    if header_at is None:
        raise InputError([Problem(Location(str(path), 1), "is empty: a survey export needs a header row",
                                  "export the responses with their header row")])
    header = [c.strip() for c in records[header_at][1]]
    rows = [Row(i + 1, ln, [c.strip() for c in cells]) for i, (ln, cells) in enumerate(records)
            if i > header_at and any(c.strip() for c in cells)]
    return Table(str(path), None, header, header_at + 1, records[header_at][0], rows)


def _cell_text(value) -> str:
    import datetime as dt
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    return str(value).strip()


def _read_xlsx(path: Path, sheet: str | None) -> Table:
    from .excel import _stored_rows, open_workbook
    wb = open_workbook(path)
    try:
        if sheet is None:
            ws = wb.worksheets[0]
        else:
            ws = next((w for w in wb.worksheets if w.title.strip().casefold() == sheet.strip().casefold()), None)
            if ws is None:
                names = ", ".join(repr(w.title) for w in wb.worksheets)
                raise InputError([Problem(Location(str(path)), f"has no sheet {sheet!r} (its sheets: {names})",
                                          "give one of them with --sheet, or leave it out for the first")])
        rows: list[Row] = []
        header, header_row = None, 0
        for number, cells in _stored_rows(ws):
            if number > MAX_ROWS + 1:
                raise InputError([Problem(Location(sheet=ws.title, cell=f"A{number}"),
                                          f"the sheet has data beyond row {MAX_ROWS + 1}", "split the export")])
            texts = [_cell_text(c.value) for c in cells]
            if not any(texts):
                continue
            if header is None:
                header, header_row = texts, number
            else:
                rows.append(Row(number, number, texts))
        title = ws.title
    finally:
        wb.close()
    if header is None:
        raise InputError([Problem(Location(sheet=title, cell="A1"), f"sheet '{title}' is empty: a survey export "
                                  "needs a header row", "export the responses with their header row, or give the "
                                  "sheet that holds them with --sheet")])
    return Table(str(path), title, header, header_row, header_row, rows)


# -- matching answers to sessions -------------------------------------------------------------------
@dataclass(frozen=True)
class Match:
    kind: str                       # "id" | "title" | "fuzzy" | "ambiguous" | "none"
    ids: tuple[str, ...] = ()       # the session (one), or the candidates (ambiguous)
    how: str = ""                   # for fuzzy and ambiguous: "similar title (0.97)", "the beginning of a title"...
    score: float = 0.0

    @property
    def session(self) -> str | None:
        return self.ids[0] if self.kind in ("id", "title", "fuzzy") else None


NONE = Match("none")
_SEVERAL = {"the same title": "the same title", "the title before its colon": "their titles before the colon",
            "the beginning of the title": "the beginning of their titles"}


class Matcher:
    """Answers -> sessions of one conference: by id, by title, then fuzzily."""

    def __init__(self, sessions: Sequence, cutoff: float = DEFAULT_CUTOFF):
        self.cutoff = cutoff
        self.title = {s.id: s.title for s in sessions}
        self.ids = {key(s.id): s.id for s in sessions}
        self.exact: dict[str, list[str]] = defaultdict(list)
        self.short: dict[str, list[str]] = defaultdict(list)
        self.names: list[tuple[str, str, int]] = []           # (folded name, session, pieces)
        for s in sessions:
            names = [s.title] + [t for t in _translations(s) if t]
            for name in names:
                if s.id not in self.exact[key(name)]:
                    self.exact[key(name)].append(s.id)
                self.names.append((fold(name), s.id, _pieces(name)))
                head, colon, rest = name.partition(":")
                if colon and rest.strip() and key(head) and s.id not in self.short[key(head)]:
                    self.short[key(head)].append(s.id)
                    self.names.append((fold(head), s.id, _pieces(head)))
        self.max_pieces = max((p for _, _, p in self.names), default=1)
        self.hard_in_titles = {c for c in _HARD if any(c in t for t in self.title.values())}
        self._cache: dict[tuple[str, int, bool], Match] = {}

    def _found(self, ids: list[str], kind: str, how: str, score: float = 1.0) -> Match:
        ids = list(dict.fromkeys(ids))
        if len(ids) == 1:
            return Match(kind, (ids[0],), how, score)
        return Match("ambiguous", tuple(sorted(ids)), _SEVERAL.get(how, how), score)

    def match(self, text: str, pieces: int = 1, *, exact_only: bool = False, folded: str | None = None) -> Match:
        """The session(s) ``text`` names; ``pieces``: how many comma-separated parts
        it has (a fuzzy match needs a title with at least as many); ``folded``: its
        ``fold`` when known."""
        f = fold(text) if folded is None else folded
        k = f.replace(" ", "")
        if not k:
            return NONE
        memo = (k, pieces, exact_only)
        if memo not in self._cache:
            self._cache[memo] = self._match(f, k, pieces, exact_only)
        return self._cache[memo]

    def _match(self, f: str, k: str, pieces: int, exact_only: bool) -> Match:
        if k in self.ids:
            return Match("id", (self.ids[k],))
        if k in self.exact:
            return self._found(self.exact[k], "title", "the same title")
        if exact_only:
            return NONE
        if k in self.short:
            return self._found(self.short[k], "fuzzy", "the title before its colon")
        if len(f) >= MIN_PREFIX and " " in f:
            begun = [sid for name, sid, _ in self.names if name.startswith(f + " ")]
            if begun:
                return self._found(begun, "fuzzy", "the beginning of the title")
        sm = difflib.SequenceMatcher(None, autojunk=False)
        sm.set_seq2(f)
        scores: dict[str, float] = {}
        lf = len(f)
        for name, sid, n in self.names:
            if n < pieces or 2 * min(lf, len(name)) < self.cutoff * (lf + len(name)):
                continue
            sm.set_seq1(name)
            if sm.real_quick_ratio() < self.cutoff or sm.quick_ratio() < self.cutoff:
                continue
            r = sm.ratio()
            if r >= self.cutoff and r > scores.get(sid, 0.0):
                scores[sid] = r
        if not scores:
            return NONE
        best = max(scores.values())
        close = [sid for sid, r in scores.items() if r >= best - MARGIN]
        return self._found(close, "fuzzy", f"{'similar title' if len(close) == 1 else 'similar titles'} "
                                            f"{best:.2f}", best)

    def split(self, cell: str, *, exact_only: bool = False) -> list[tuple[str, Match]]:
        """A multi-choice cell -> its answers: the parts between separators, joined
        back where a title holds the separator, so that the cell is covered by the
        fewest unmatched parts, then the fewest fuzzy matches, then the fewest
        (longest) answers. Unmatched neighbours separated by commas stay one answer."""
        if not exact_only:
            exact = self.split(cell, exact_only=True)       # most cells hold exact names: no fuzzy search
            if all(m.kind != "none" for _, m in exact):
                return exact
        atoms = [(m.start(), m.end()) for m in re.finditer(r"[^,;|\r\n]+", cell)]
        atoms = [(a, b) for a, b in atoms if cell[a:b].strip()]
        if not atoms:
            return []
        seps = []                           # the separator after each atom but the last
        for (_, b), (a2, _) in zip(atoms, atoms[1:]):
            seps.append(cell[b:a2].strip() or "\n")
        n = len(atoms)
        folds = [fold(cell[a:b]) for a, b in atoms]
        limit = self.max_pieces + 1
        INF = (10**9, 0, 0, 0.0)
        best: list[tuple] = [INF] * n + [(0, 0, 0, 0.0)]
        choice: list[tuple[int, Match | None]] = [(0, None)] * n
        for i in range(n - 1, -1, -1):
            options = []
            for j in range(min(n - 1, i + limit - 1), i - 1, -1):
                if any(s in _HARD and s not in self.hard_in_titles for s in seps[i:j]):
                    continue
                m = self.match("", j - i + 1, exact_only=exact_only, folded=" ".join(x for x in folds[i:j + 1] if x))
                if m.kind == "none":
                    continue
                fuzzy = 0 if m.kind in ("id", "title") or m.how == "the same title" else 1
                rest = best[j + 1]
                options.append(((rest[0], rest[1] + fuzzy, rest[2] + 1, rest[3] - m.score), j, m))
            rest = best[i + 1]
            options.append(((rest[0] + 1, rest[1], rest[2] + 1, rest[3]), i, None))
            cost, j, m = min(options, key=lambda o: o[0])      # min keeps the first (longest) of equal ones
            best[i], choice[i] = cost, (j, m)
        out: list[tuple[str, Match]] = []
        i, pending = 0, None                 # pending: (start atom, end atom) of unmatched ones
        while i < n:
            j, m = choice[i]
            if m is None:
                if pending is not None and seps[i - 1] == ",":
                    pending = (pending[0], i)
                else:
                    if pending is not None:
                        out.append((cell[atoms[pending[0]][0]:atoms[pending[1]][1]].strip(), NONE))
                    pending = (i, i)
            else:
                if pending is not None:
                    out.append((cell[atoms[pending[0]][0]:atoms[pending[1]][1]].strip(), NONE))
                    pending = None
                out.append((cell[atoms[i][0]:atoms[j][1]].strip(), m))
            i = j + 1
        if pending is not None:
            out.append((cell[atoms[pending[0]][0]:atoms[pending[1]][1]].strip(), NONE))
        return out


def _translations(session) -> list[str]:
    """The session's translated titles (``translations``: language, title, abstract):
    a form in another edition's language shows those."""
    return [t[1] for t in getattr(session, "translations", ()) or () if len(t) > 1 and t[1]]


# -- reading the answers of a survey ----------------------------------------------------------------
@dataclass
class Answer:
    row: int                        # the row it stands in (a column's header: the header row)
    where: Location
    text: str                       # as written: one answer of a cell, or a session column's header
    match: Match
    attendees: list[str]            # whose interest it is (raw; never written)
    column: str = ""                # columns shape: the column's letter


@dataclass
class Parsed:
    table: Table
    shape: str
    detected: bool                  # the shape was found, not given
    attendee_col: int
    attendee_why: str               # "an email column", "--attendee-column", "the first column"...
    choice_col: int | None = None
    session_cols: list[int] = field(default_factory=list)
    ignored_cols: list[int] = field(default_factory=list)
    subheader_row: int | None = None
    answers: list[Answer] = field(default_factory=list)
    no_attendee: list[int] = field(default_factory=list)   # rows with answers and no attendee: skipped
    chose_nothing: int = 0          # attendee rows without any answer
    attendees: int = 0              # distinct attendees in the rows read
    repeated: int = 0               # attendees with more than one row (their answers are merged)


_ATTENDEE_RULES = (   # (why, test on the folded header's words), best first
    ("an email column", lambda w: ("email" in w or "correo" in w or "courriel" in w
                                   or ("e" in w and "mail" in w)) and len(w) <= 5),
    ("an attendee column", lambda w: "attendee" in w and "name" not in w and len(w) <= 3),
    ("a respondent id column", lambda w: w in (["respondent", "id"], ["respondent"], ["response", "id"],
                                               ["submission", "id"], ["token"], ["id"], ["#"])),
    ("a name column", lambda w: "name" in w and not ({"first", "last", "given", "family", "sur", "middle"} & set(w))
     and len(w) <= 4 or w in (["nombre"], ["nom"])),
)


def _find_column(table: Table, name: str) -> int | None:
    folded = fold(name)
    for i, h in enumerate(table.header):
        if h and (fold(h) == folded or h.strip() == name.strip()):
            return i
    col = _column_of(name.strip())
    return col if col is not None and col < max(len(table.header), 1) else None


def _no_column(table: Table, name: str, option: str) -> InputError:
    heads = ", ".join(table.label(i) for i, h in enumerate(table.header) if h)
    return InputError([Problem(table.where(None), f"has no column {shown(name)!r} ({option}); its columns: {heads}",
                               f"give {option} one of these header names, or a column letter")])


def _attendee_column(table: Table, given: str | None) -> tuple[int, str]:
    if given is not None:
        col = _find_column(table, given)
        if col is None:
            raise _no_column(table, given, "--attendee-column")
        return col, "--attendee-column"
    words = [("#" if h.strip() == "#" else fold(h)).split() for h in table.header]
    for why, rule in _ATTENDEE_RULES:
        for i, w in enumerate(words):
            if w and rule(w):
                return i, why
    if not any(table.header):
        raise InputError([Problem(table.where(None), "has no attendee column: the header row is empty",
                                  "export the responses with their header row")])
    return 0, "the first column"


def _truthy(value: str) -> bool:
    v = value.strip()
    return bool(v) and v.casefold() not in FALSE_WORDS and fold(v) not in FALSE_WORDS


def _header_answer(text: str) -> str:
    """Google Forms' checkbox grids write "Which workshops? [Title]": the title."""
    m = _BRACKETED.match(text)
    return m.group(2).strip() if m else text


def _subheader(table: Table, attendee_col: int, matcher: Matcher) -> bool:
    """SurveyMonkey's second header row: no attendee, "Response" labels or titles
    under a question's blank header cells."""
    if not table.rows:
        return False
    row = table.rows[0]
    if row.get(attendee_col):
        return False
    labels = [c for c in row.cells if c]
    marks = sum(fold(c) in ("response", "open ended response", "other please specify") for c in labels)
    titles = sum(1 for i, c in enumerate(row.cells) if c and not (table.header[i] if i < len(table.header) else "")
                 and matcher.match(c, _pieces(c), exact_only=True).kind != "none")
    return bool(labels) and (marks > 0 or titles > 0)


def parse_survey(table: Table, matcher: Matcher, *, shape: str | None = None, attendee_column: str | None = None,
                 column: str | None = None) -> Parsed:
    """The answers of a survey: which column is the attendee, which shape the
    export has (``shape`` None: found from the headers and cells), every answer
    with its match. InputError when no attendee or no answer column is found."""
    attendee_col, why = _attendee_column(table, attendee_column)
    sub = _subheader(table, attendee_col, matcher)
    if sub:
        heads = list(table.header) + [""] * max(0, len(table.rows[0].cells) - len(table.header))
        for i, c in enumerate(table.rows[0].cells):
            if c and fold(c) not in ("response", "open ended response"):
                heads[i] = c
        table = Table(table.source, table.sheet, heads, table.header_row, table.header_line, table.rows[1:])
    width = max([len(table.header)] + [len(r.cells) for r in table.rows])
    others = [i for i in range(width) if i != attendee_col]
    p = Parsed(table, shape or "", shape is None, attendee_col, why, subheader_row=table.header_row + 1 if sub else None)

    headed = {}
    if shape in (None, "columns"):
        for i in others:
            h = table.header[i] if i < len(table.header) else ""
            if not h:
                continue
            text = _header_answer(h)
            m = matcher.match(text, _pieces(text))
            if m.kind != "none":
                headed[i] = (text, m)
    choice_col = None
    if column is not None:
        if shape == "columns":
            raise InputError([Problem(table.where(None), "--column names the one answer column of the long and "
                                      "choices formats; the columns format has one column per session",
                                      "leave out --column, or give --format choices or long")])
        choice_col = _find_column(table, column)
        if choice_col is None:
            raise _no_column(table, column, "--column")
        if choice_col == attendee_col:
            raise InputError([Problem(table.where(None, choice_col), f"column {table.label(choice_col)} cannot be both "
                                      "the attendee and the answer column", "give another --attendee-column or --column")])
        shape = shape or _long_or_choices(table, choice_col, matcher)
    elif shape is None:
        shape = "columns" if len(headed) >= 2 else None
    if shape != "columns" and choice_col is None:
        choice_col = _choice_column(table, others, matcher)
        if choice_col is None:
            raise InputError([Problem(table.where(None), "no column holds session titles or ids (and fewer than two "
                                      "column headers name sessions)",
                                      "name the answer column with --column, or check that the survey is about "
                                      "this conference's sessions")])
        shape = shape or _long_or_choices(table, choice_col, matcher)
    p.shape = shape

    seen: dict[str, int] = defaultdict(int)
    if shape == "columns":
        if not headed:
            raise InputError([Problem(table.where(None), "no column header names a session (the columns format "
                                      "needs one column per session, its header the title or id)",
                                      "check the survey, or give --format choices or long")])
        p.session_cols = sorted(headed)
        p.ignored_cols = [i for i in others if i not in headed and i < len(table.header) and table.header[i]]
        for i in p.session_cols:
            text, m = headed[i]
            p.answers.append(Answer(table.header_row, table.where(None, i), text, m, [], letter(i)))
    else:
        p.choice_col = choice_col
    by_col = {i: a for i, a in zip(p.session_cols, p.answers)}
    for row in table.rows:
        who = row.get(attendee_col)
        if shape == "columns":
            chosen = [i for i in p.session_cols if _truthy(row.get(i))]
        else:
            cell = row.get(choice_col)
            if fold(cell) in NO_CHOICE:
                cell = ""
            chosen = ([(cell, matcher.match(cell, _pieces(cell)))] if shape == "long" and cell
                      else matcher.split(cell) if cell else [])
        if not chosen:
            if who:
                seen[_attendee_key(who)] += 1
                p.chose_nothing += 1
            continue
        if not who:
            p.no_attendee.append(row.number)
            continue
        seen[_attendee_key(who)] += 1
        if shape == "columns":
            for i in chosen:
                by_col[i].attendees.append(who)
        else:
            for text, m in chosen:
                p.answers.append(Answer(row.number, table.where(row, choice_col), text, m, [who]))
    p.attendees = len(seen)
    p.repeated = sum(1 for n in seen.values() if n > 1)
    if table.rows and not any(r.get(attendee_col) for r in table.rows):
        raise InputError([Problem(table.where(None, attendee_col), f"the attendee column {table.label(attendee_col)} "
                                  f"({why}) is empty in every row",
                                  "give the column that names each respondent with --attendee-column")])
    return p


def _long_or_choices(table: Table, col: int, matcher: Matcher) -> str:
    """choices when a cell holds a session and more (another answer), else long."""
    for row in table.rows:
        cell = row.get(col)
        if not cell:
            continue
        parts = matcher.split(cell, exact_only=True)
        if len(parts) > 1 and any(m.kind != "none" for _, m in parts):
            return "choices"
    return "long"


def _choice_column(table: Table, cols: list[int], matcher: Matcher) -> int | None:
    """The column whose cells name sessions most often (exact names first; then any
    match on a sample of its distinct cells); None when none does."""
    for exact_only in (True, False):
        scores = {}
        for i in cols:
            values = list(dict.fromkeys(r.get(i) for r in table.rows if r.get(i)))
            if not exact_only:
                values = values[:50]
            hits = sum(1 for v in values if any(m.kind != "none" for _, m in matcher.split(v, exact_only=exact_only)))
            if hits:
                scores[i] = hits
        if scores:
            return max(scores, key=lambda i: (scores[i], -i))
    return None


# -- resolving and pseudonymising -------------------------------------------------------------------
@dataclass
class Outcome:
    parsed: Parsed
    interests: list[tuple[str, str]]                 # (raw attendee, session), unique; never written as is
    picked: list[tuple[Answer, str]] = field(default_factory=list)
    skipped: list[Answer] = field(default_factory=list)          # ambiguous, skipped (--skip-ambiguous)
    unresolved: list[Answer] = field(default_factory=list)       # ambiguous, no --pick

    @property
    def matched(self) -> list[Answer]:
        return [a for a in self.parsed.answers if a.match.session is not None]

    @property
    def unmatched(self) -> list[Answer]:
        return [a for a in self.parsed.answers if a.match.kind == "none"]

    @property
    def ambiguous_skipped(self) -> int:
        """Answers skipped as ambiguous (a session column's header: one per attendee who chose it)."""
        return sum(_weight(a) for a in self.skipped)


def resolve(parsed: Parsed, matcher: Matcher, picks: Sequence[tuple[int, str]] = (), *,
            skip_ambiguous: bool = False) -> Outcome:
    """Apply ``picks`` ((row, session id): the ambiguous answer of that row whose
    candidates hold the session, else the row's only ambiguous answer) and
    ``skip_ambiguous``; InputError for a pick that fits nothing."""
    table = parsed.table
    ambiguous = [a for a in parsed.answers if a.match.kind == "ambiguous"]
    problems: list[Problem] = []
    chosen: dict[int, str] = {}                        # id(answer) -> session
    for row, given in picks:
        sid = matcher.ids.get(key(given))
        in_row = [a for a in ambiguous if a.row == row]
        open_ = [a for a in in_row if id(a) not in chosen]
        where = in_row[0].where if in_row else table.where(None)
        fits = [a for a in open_ if sid in a.match.ids]
        if fits:
            chosen[id(fits[0])] = sid
        elif sid is None:
            problems.append(Problem(where, f"--pick {row}={shown(given)}: {shown(given)!r} is not a session id",
                                    "give the id of one of the candidates the report lists"))
        elif not in_row:
            problems.append(Problem(where, f"--pick {row}={shown(given)}: row {row} has no ambiguous answer",
                                    "give the row number the report shows beside the ambiguous answer"))
        elif len(in_row) == 1 and open_:              # the committee knows better than the candidates
            chosen[id(open_[0])] = sid
        else:
            cands = sorted({c for a in open_ for c in a.match.ids})
            problems.append(Problem(where, f"--pick {row}={shown(given)}: {sid} is not a candidate of row {row}'s "
                                    f"ambiguous answers ({', '.join(cands) or 'each is picked already'})",
                                    "give one --pick per ambiguous answer, naming one of its candidates"))
    if problems:
        raise InputError(problems)
    out = Outcome(parsed, [])
    pairs: dict[tuple[str, str], None] = {}
    for a in parsed.answers:
        sid = a.match.session
        if a.match.kind == "ambiguous" and a.attendees:    # (a session column nobody chose does not matter)
            if id(a) in chosen:
                sid = chosen[id(a)]
                out.picked.append((a, sid))
            elif skip_ambiguous:
                out.skipped.append(a)
            else:
                out.unresolved.append(a)
        if sid is not None:
            for who in a.attendees:
                pairs[(_attendee_key(who), sid)] = None
    out.interests = list(pairs)
    return out


def _attendee_key(who: str) -> str:
    """One attendee however the survey spells them: case and spacing away (an
    email's "mailto:" too)."""
    w = " ".join(who.split()).casefold()
    return w[7:] if w.startswith("mailto:") else w


def pseudonym(who: str, salt: bytes) -> str:
    """A salted hash of the attendee: "a-" and 16 hex digits (HMAC-SHA-256)."""
    return "a-" + hmac.new(salt, _attendee_key(who).encode("utf-8"), hashlib.sha256).hexdigest()[:16]


def pseudonymised(interests: Sequence[tuple[str, str]], salt: bytes) -> list[tuple[str, str]]:
    return sorted({(pseudonym(who, salt), sid) for who, sid in interests})


def read_salt(folder: Path) -> bytes | None:
    """DIR/.interests-salt, or None when there is none yet."""
    path = Path(folder) / SALT_FILE
    try:
        data = path.read_bytes().strip()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise InputError([Problem(Location(str(path)), f"cannot be read: {exc.strerror or exc}",
                                  "make it readable, or give the salt with --salt")]) from None
    if not data:
        raise InputError([Problem(Location(str(path)), "is empty",
                                  "remove it (a new salt gives every attendee a new pseudonym) or give --salt")])
    return data


def new_salt() -> bytes:
    return secrets.token_hex(32).encode("ascii")


def write_salt(folder: Path, salt: bytes) -> Path:
    path = Path(folder) / SALT_FILE
    write_bytes_atomic(path, salt + b"\n")
    try:
        os.chmod(path, 0o600)         # with the salt and a list of emails one could test who answered
    except OSError:
        pass
    return path


def interests_csv(rows: Sequence[tuple[str, str]]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["attendee", "session"])
    w.writerows(rows)
    return buf.getvalue().encode("utf-8")


def write_interests(folder: Path, rows: Sequence[tuple[str, str]]) -> Path:
    path = Path(folder) / INTERESTS_FILE
    write_bytes_atomic(path, interests_csv(rows))
    return path


# -- the report -------------------------------------------------------------------------------------
SHAPE_WORDS = {"long": "one row per attendee and session", "choices": "one multi-choice cell per attendee",
               "columns": "one column per session"}


def _rows(numbers) -> str:
    numbers = sorted(set(numbers))
    head = ", ".join(str(n) for n in numbers[:12])
    more = f" and {len(numbers) - 12} more" if len(numbers) > 12 else ""
    return f"row{'s' if len(numbers) != 1 else ''} {head}{more}"


def _plural(n: int, word: str, many: str = "") -> str:
    return f"{n} {word if n == 1 else many or word + 's'}"


def session_text(sid: str, titles: dict[str, str]) -> str:
    title = titles.get(sid)
    return f'{sid} "{shown(title, 80)}"' if title else sid


def candidates_text(ids: Sequence[str], titles: dict[str, str], limit: int = 6) -> str:
    shown_ids = [session_text(c, titles) for c in list(ids)[:limit]]
    more = f" and {len(ids) - limit} more" if len(ids) > limit else ""
    return (", ".join(shown_ids[:-1]) + " or " + shown_ids[-1] if len(shown_ids) > 1 else shown_ids[0]) + more


def ambiguity_problems(outcome: Outcome, titles: dict[str, str]) -> list[Problem]:
    """One Problem per unresolved ambiguous answer: where, the row, the candidates, the fix."""
    out = []
    for a in outcome.unresolved:
        said = a.where.line if a.where.line is not None else a.row   # a CSV line may differ from the row
        what = (("" if said == a.row else f"row {a.row}: ")
                + (f"the header of column {a.column} ({_plural(len(a.attendees), 'attendee')} chose it)" if a.column
                   else "answer") + f" \"{shown(a.text)}\" ({a.match.how}) could be "
                f"{candidates_text(a.match.ids, titles)}")
        out.append(Problem(a.where, what, f"--pick {a.row}={a.match.ids[0]} (or another of them), or --skip-ambiguous"))
    return out


def report_lines(outcome: Outcome, titles: dict[str, str]) -> list[str]:
    """What was read and matched, for the committee (no attendee is named: rows are)."""
    p, t = outcome.parsed, outcome.parsed.table
    src = f"{t.source}" + (f" (sheet {t.sheet!r})" if t.sheet else "")
    lines = [f"{src}: {_plural(len(t.rows), 'row')} of answers, {SHAPE_WORDS[p.shape]} "
             f"(--format {p.shape}{', detected' if p.detected else ''})"]
    lines.append(f"  attendee: column {t.label(p.attendee_col)} ({p.attendee_why})")
    if p.subheader_row:
        lines.append(f"  row {p.subheader_row} read as a second header row (SurveyMonkey's answer labels)")
    if p.shape == "columns":
        lines.append(f"  session columns: {len(p.session_cols)}")
        if p.ignored_cols:
            lines.append(f"  columns not about a session (not read): {', '.join(t.label(i) for i in p.ignored_cols)}")
    else:
        lines.append(f"  answers: column {t.label(p.choice_col)}")
    matched = outcome.matched
    by = defaultdict(int)
    for a in matched:
        by[a.match.kind] += _weight(a)
    n_picked = sum(_weight(a) for a, _ in outcome.picked)
    lines.append(f"matched: {_plural(sum(by.values()) + n_picked, 'answer')} ({by['title']} by title, {by['id']} by id, "
                 f"{by['fuzzy']} fuzzy" + (f", {n_picked} picked" if n_picked else "") + ")"
                 + (" (an answer: a chosen cell)" if p.shape == "columns" else ""))
    fuzzy: dict[tuple[str, str], list[Answer]] = defaultdict(list)
    for a in matched:
        if a.match.kind == "fuzzy":
            fuzzy[(a.text, a.match.session)].append(a)
    if fuzzy:
        lines.append("fuzzy matches (check them; a wrong one: correct the survey, or --cutoff higher):")
        for (text, sid), answers in sorted(fuzzy.items(), key=lambda kv: min(a.row for a in kv[1])):
            lines.append(f"  \"{shown(text)}\" -> {session_text(sid, titles)} ({answers[0].match.how}; "
                         f"{_answer_rows(answers)})")
    for a, sid in outcome.picked:
        lines.append(f"picked: row {a.row} \"{shown(a.text)}\" -> {session_text(sid, titles)} (--pick"
                     + (f"; column {a.column}, {_plural(len(a.attendees), 'attendee')})" if a.column else ")"))
    if outcome.skipped:
        n = sum(_weight(a) for a in outcome.skipped)
        lines.append(f"SKIPPED {_plural(n, 'ambiguous answer')} (--skip-ambiguous):")
        for a in outcome.skipped:
            lines.append(f"  row {a.row}: \"{shown(a.text)}\" could be {candidates_text(a.match.ids, titles)}"
                         + (f" (column {a.column}, {_plural(len(a.attendees), 'attendee')})" if a.column else ""))
    if outcome.unresolved:
        lines.append(f"ambiguous: {_plural(len(outcome.unresolved), 'answer')} (listed below)")
    unmatched: dict[str, list[Answer]] = defaultdict(list)
    for a in outcome.unmatched:
        unmatched[key(a.text)].append(a)
    if unmatched:
        n = len(outcome.unmatched)
        lines.append(f"UNMATCHED: {_plural(n, 'answer')} {'names' if n == 1 else 'name'} no session "
                     f"and {'is' if n == 1 else 'are'} skipped:")
        for answers in sorted(unmatched.values(), key=lambda v: min(a.row for a in v)):
            lines.append(f"  \"{shown(answers[0].text)}\" ({_answer_rows(answers)})")
    if p.no_attendee:
        lines.append(f"SKIPPED {_plural(len(p.no_attendee), 'row')} with answers but no attendee "
                     f"(column {letter(p.attendee_col)} blank): {_rows(p.no_attendee)}")
    if p.repeated and p.shape != "long":
        lines.append(f"{_plural(p.repeated, 'attendee')} answered in more than one row: their answers are merged")
    if p.chose_nothing:
        lines.append(f"{_plural(p.chose_nothing, 'row')} chose no session")
    return lines


def _weight(a: Answer) -> int:
    """How many answers it stands for: a session column's header, one per attendee who chose it."""
    return len(a.attendees) if a.column else 1


def _answer_rows(answers: Sequence[Answer]) -> str:
    if answers and answers[0].column:
        n = sum(len(a.attendees) for a in answers)
        return f"column {answers[0].column}, {_plural(n, 'attendee')}"
    return _rows(a.row for a in answers)
