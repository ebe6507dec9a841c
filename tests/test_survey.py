"""niic-sched interests import: registration surveys -> interests.csv (issue 14, must-show 1)."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from helpers import write_conf
from niic_sched import app
from niic_sched.errors import InputError
from niic_sched.io import load
from niic_sched.io.survey import SALT_FILE, Matcher, fold, pseudonym, read_salt

# titles with commas, accents and colons; two pairs that a short answer cannot tell apart
TITLES = {
    "s001": "Running a Citizenship Workshop, Part 1: Planning and Volunteers",
    "s002": "Running a Citizenship Workshop, Part 2: Screening, Quality Control and Follow-up",
    "s003": "Ciudadanía para todos: taller práctico",
    "s004": "Immigrant Entrepreneurs and Main Street Revitalization",
    "s005": "Refugee Resettlement 101: How the System Works",
    "s006": "Refugee Resettlement 201: Community Sponsorship",
    "s007": "Arte y resistencia: murales, grabado y movimiento",
    "s008": "Libraries as Immigrant Integration Hubs",
}

# the survey's respondents: nothing of this may reach the conference folder
PEOPLE = {
    "maria.nunez@example.org": "María Núñez",
    "jose.ramirez@example.org": "José Ramírez",
    "angela.pena@example.org": "Ángela Peña",
    "minh.nguyen@example.org": "Nguyễn Thị Minh",
}
EMAILS = list(PEOPLE)

# what each respondent chose (the expected interests), written differently in each shape
WANTS = {
    "maria.nunez@example.org": {"s001", "s002", "s003"},
    "jose.ramirez@example.org": {"s004", "s007", "s008"},
    "angela.pena@example.org": {"s005", "s001"},
    "minh.nguyen@example.org": {"s006", "s002", "s004"},
}


@pytest.fixture
def conf(tmp_path) -> Path:
    """One day, four slots, two rooms: eight sessions fill the grid exactly."""
    slots = (("09:00", "10:15"), ("10:30", "11:45"), ("13:30", "14:45"), ("15:00", "16:15"))
    sessions = [{"id": sid, "title": title} for sid, title in TITLES.items()]
    return write_conf(tmp_path / "conf", sessions=sessions,
                      days=[{"date": "2014-12-08", "slots": [{"start": a, "end": b} for a, b in slots]}])


def _csv(rows, bom=True) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    return (("\ufeff" if bom else "") + buf.getvalue()).encode("utf-8")


def choices_survey(path: Path) -> Path:
    """Google Forms: Timestamp, Email Address, name, the multi-choice cell (', ' between
    titles that hold commas themselves; ';' too; a typo; no accents; an id)."""
    path.write_bytes(_csv([
        ["Timestamp", "Email Address", "Your name", "Which workshops will you attend?", "Anything else?"],
        ["2014/11/01 10:00:00", EMAILS[0], PEOPLE[EMAILS[0]],
         f"{TITLES['s001']}, {TITLES['s002']}, Ciudadania para todos: taller practico", "Gracias, María"],
        ["2014/11/01 10:05:00", EMAILS[1], PEOPLE[EMAILS[1]],
         f"Inmigrant Entrepreneurs and Main Street Revitalization; {TITLES['s007']}; s008", ""],
        ["2014/11/01 10:06:00", EMAILS[2].upper(), PEOPLE[EMAILS[2]],
         f"refugee resettlement 101 - how the system works, {TITLES['s001']}", ""],
        ["2014/11/01 10:07:00", EMAILS[3], PEOPLE[EMAILS[3]],
         f"S006, {TITLES['s002'].upper()}, Immigrant Entrepreneurs and Main Street Revitalisation", ""],
    ]))
    return path


def columns_rows():
    """Typeform / Google Forms grid: one column per session, its header the title
    (Google's "Question [Title]" form too) or the id; check marks in the cells."""
    header = ["#", "Name", "E-mail", f"Sessions [{TITLES['s001']}]", TITLES["s002"], "ciudadanía para todos",
              "Inmigrant Entrepreneurs and Main Street Revitalization", "s005", "Refugee Resettlement 201",
              TITLES["s007"], "Libraries as Immigrant Integration Hubs", "Submitted At"]
    marks = {  # email -> cells under the session columns (s001..s008)
        EMAILS[0]: ["x", "yes", "✓", "", "no", "0", "FALSE", ""],
        EMAILS[1]: ["", "", "", "TRUE", "", "", "Arte y resistencia", "1"],
        EMAILS[2]: ["✓", "", "", "", "Yes", "", "", "No"],
        EMAILS[3]: ["", "x", "", "x", "", "X", "", "false"],
    }
    rows = [header]
    for n, email in enumerate(EMAILS):
        rows.append([f"tok{n}", PEOPLE[email], email] + marks[email] + ["2014-11-01 10:00:00"])
    return rows


def long_survey(path: Path) -> Path:
    """Eventbrite-like long export: one row per attendee and session."""
    rows = [["Attendee name", "Email", "Session"]]
    spelled = {"s001": TITLES["s001"], "s002": TITLES["s002"].lower(), "s003": "CIUDADANIA PARA TODOS, TALLER PRACTICO",
               "s004": "Immigrant Entreprenuers and Main Street Revitalization", "s005": "s005",
               "s006": "Refugee Resettlement 201:  Community   Sponsorship", "s007": TITLES["s007"],
               "s008": "Librairies as Immigrant Integration Hubs"}
    for email, wanted in WANTS.items():
        for sid in sorted(wanted):
            rows.append([PEOPLE[email], email, spelled[sid]])
    path.write_bytes(_csv(rows))
    return path


def read_interests(folder: Path) -> set[tuple[str, str]]:
    with open(folder / "interests.csv", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["attendee", "session"]
    return {tuple(r) for r in rows[1:]}


def expected(folder: Path, wants=WANTS) -> set[tuple[str, str]]:
    salt = read_salt(folder)
    assert salt, "the salt is kept in the folder"
    return {(pseudonym(email, salt), sid) for email, sids in wants.items() for sid in sids}


def assert_private(folder: Path) -> None:
    """No name, email or mailbox of the survey in any file under the folder (names folded too)."""
    needles = set()
    for email, name in PEOPLE.items():
        needles |= {email.casefold(), email.split("@")[0].casefold(), name.casefold(), fold(name)}
    files = [p for p in folder.rglob("*") if p.is_file()]
    assert files
    for p in files:
        text = p.read_bytes().decode("utf-8", errors="replace").casefold()
        for needle in needles:
            assert needle not in text and needle not in fold(text), f"{needle!r} found in {p}"


# -- the three shapes -----------------------------------------------------------------------------------------
def test_choices_cells_with_commas_accents_and_a_typo(conf, tmp_path, cli):
    survey = choices_survey(tmp_path / "responses.csv")
    r = cli("interests", "import", survey, "--dir", conf)
    assert r.exit_code == 0, r.output
    assert "one multi-choice cell per attendee (--format choices, detected)" in r.stdout
    assert 'column B "Email Address" (an email column)' in r.stdout
    assert read_interests(conf) == expected(conf)
    # the typo and the other spelling are shown with what they matched
    assert ('"Inmigrant Entrepreneurs and Main Street Revitalization" -> s004 '
            '"Immigrant Entrepreneurs and Main Street Revitalization" (similar title') in r.stdout
    assert "Revitalisation" in r.stdout and "UNMATCHED" not in r.stdout
    assert f"Wrote {conf / 'interests.csv'}: 11 rows for 4 attendees" in r.stdout
    assert_private(conf)


def test_one_column_per_session(conf, tmp_path, cli):
    survey = tmp_path / "typeform.csv"
    survey.write_bytes(_csv(columns_rows()))
    r = cli("interests", "import", survey, "--dir", conf)
    assert r.exit_code == 0, r.output
    assert "one column per session (--format columns, detected)" in r.stdout
    assert 'attendee: column C "E-mail" (an email column)' in r.stdout
    assert 'not read): A "#", B "Name", L "Submitted At"' in r.stdout
    assert read_interests(conf) == expected(conf)
    assert '"Inmigrant Entrepreneurs and Main Street Revitalization" -> s004' in r.stdout
    assert_private(conf)


def test_long_format(conf, tmp_path, cli):
    survey = long_survey(tmp_path / "eventbrite.csv")
    r = cli("interests", "import", survey, "--dir", conf)
    assert r.exit_code == 0, r.output
    assert "one row per attendee and session (--format long, detected)" in r.stdout
    assert read_interests(conf) == expected(conf)
    for typo in ("Entreprenuers", "Librairies"):
        assert typo in r.stdout                 # listed as fuzzy matches
    assert_private(conf)


def test_forced_format_and_columns(conf, tmp_path, cli):
    """--format long does not split a cell; --column and --attendee-column choose the columns."""
    survey = tmp_path / "s.csv"
    survey.write_bytes(_csv([["Who", "Q1", "Q2"],
                             ["a@example.org", "s001, s002", TITLES["s003"]],
                             ["b@example.org", "s004", TITLES["s002"]]]))
    r = cli("interests", "import", survey, "--dir", conf, "--format", "long", "--column", "Q2",
            "--attendee-column", "Who")
    assert r.exit_code == 0, r.output
    assert read_interests(conf) == expected(conf, {"a@example.org": {"s003"}, "b@example.org": {"s002"}})
    r = cli("interests", "import", survey, "--dir", conf, "--format", "long", "--column", "B", "--force")
    assert r.exit_code == 0, r.output
    assert '"s001, s002"' in r.stdout and "UNMATCHED: 1 answer" in r.stdout   # one answer, not split
    assert read_interests(conf) == expected(conf, {"b@example.org": {"s004"}})


# -- ambiguity, unmatched answers, refusals ----------------------------------------------------------------------
def ambiguous_survey(path: Path) -> Path:
    path.write_bytes(_csv([
        ["Email", "Which workshops?"],
        [EMAILS[0], f"{TITLES['s003']}, Refugee Resettlement"],          # 101 or 201?
        [EMAILS[1], "Running a Citizenship Workshop"],                   # part 1 or part 2?
        [EMAILS[2], f"{TITLES['s008']}, Knitting for beginners, with friends"],
    ]))
    return path


def test_an_ambiguous_answer_stops_the_import(conf, tmp_path, cli):
    survey = ambiguous_survey(tmp_path / "survey.csv")
    before = sorted(p.name for p in conf.rglob("*"))
    r = cli("interests", "import", survey, "--dir", conf)
    assert r.exit_code == 2
    assert sorted(p.name for p in conf.rglob("*")) == before           # nothing written, no salt either
    assert f"{survey}: 2 ambiguous answers; nothing written:" in r.stderr
    assert (f'{survey}:2: answer "Refugee Resettlement" (the beginning of their titles) could be '
            f's005 "{TITLES["s005"]}" or s006 "{TITLES["s006"]}"') in r.stderr
    assert f'{survey}:3: answer "Running a Citizenship Workshop"' in r.stderr
    assert "s001" in r.stderr and "s002" in r.stderr
    assert "fix: --pick 2=s005 (or another of them), or --skip-ambiguous" in r.stderr
    # the report says the rest, and the unmatched answer with its row
    assert 'UNMATCHED: 1 answer names no session and is skipped:\n  "Knitting for beginners, with friends" (row 4)' \
        in r.stdout

    r = cli("interests", "import", survey, "--dir", conf, "--pick", "2=s006", "--pick", "3=s002")
    assert r.exit_code == 0, r.output
    assert 'picked: row 2 "Refugee Resettlement" -> s006' in r.stdout
    assert "warning: 1 unmatched answer skipped" in r.stderr
    assert read_interests(conf) == expected(conf, {EMAILS[0]: {"s003", "s006"}, EMAILS[1]: {"s002"},
                                                   EMAILS[2]: {"s008"}})

    r = cli("interests", "import", survey, "--dir", conf, "--skip-ambiguous", "--force")
    assert r.exit_code == 0, r.output
    assert "SKIPPED 2 ambiguous answers (--skip-ambiguous)" in r.stdout
    assert "warning: 1 unmatched answer and 2 ambiguous answers skipped" in r.stderr
    assert read_interests(conf) == expected(conf, {EMAILS[0]: {"s003"}, EMAILS[2]: {"s008"}})
    assert_private(conf)


def test_a_pick_that_fits_nothing_is_refused(conf, tmp_path, cli):
    survey = ambiguous_survey(tmp_path / "survey.csv")
    for pick, said in (("4=s001", "row 4 has no ambiguous answer"), ("2=s999", "'s999' is not a session id")):
        r = cli("interests", "import", survey, "--dir", conf, "--pick", pick, "--skip-ambiguous")
        assert r.exit_code == 2 and said in r.stderr, r.output
        assert not (conf / "interests.csv").exists()
    r = cli("interests", "import", survey, "--dir", conf, "--pick", "seven=s001")
    assert r.exit_code == 2 and "ROW=SESSION" in r.stderr


def test_dry_run_writes_nothing(conf, tmp_path, cli):
    survey = choices_survey(tmp_path / "responses.csv")
    before = {p: p.read_bytes() for p in conf.rglob("*") if p.is_file()}
    r = cli("interests", "import", survey, "--dir", conf, "--dry-run")
    assert r.exit_code == 0, r.output
    assert "matched: 11 answers" in r.stdout
    assert f"Dry run, nothing written: {conf / 'interests.csv'} would get 11 rows for 4 attendees." in r.stdout
    assert {p: p.read_bytes() for p in conf.rglob("*") if p.is_file()} == before
    assert not (conf / SALT_FILE).exists()


def test_an_existing_interests_csv_needs_force(conf, tmp_path, cli):
    survey = choices_survey(tmp_path / "responses.csv")
    (conf / "interests.csv").write_text("attendee,session\nx,s001\n")
    r = cli("interests", "import", survey, "--dir", conf)
    assert r.exit_code == 2 and "already exists" in r.stderr and "--force" in r.stderr
    assert (conf / "interests.csv").read_text() == "attendee,session\nx,s001\n"
    r = cli("interests", "import", survey, "--dir", conf, "--force")
    assert r.exit_code == 0 and "(replaced the previous one)" in r.stdout
    assert read_interests(conf) == expected(conf)


def test_the_salt_is_made_once_and_kept(conf, tmp_path, cli):
    survey = choices_survey(tmp_path / "responses.csv")
    assert cli("interests", "import", survey, "--dir", conf).exit_code == 0
    salt, first = (conf / SALT_FILE).read_bytes(), read_interests(conf)
    assert len(salt.strip()) == 64
    assert cli("interests", "import", survey, "--dir", conf, "--force").exit_code == 0
    assert (conf / SALT_FILE).read_bytes() == salt and read_interests(conf) == first   # same pseudonyms
    r = cli("interests", "import", survey, "--dir", conf, "--force", "--salt", "committee secret")
    assert r.exit_code == 0 and "the salt given with --salt" in r.stdout
    again = read_interests(conf)
    assert {s for _, s in again} == {s for _, s in first} and not {a for a, _ in again} & {a for a, _ in first}
    assert again == {(pseudonym(e, b"committee secret"), s) for e, ss in WANTS.items() for s in ss}


def test_bad_survey_files_are_problems_with_their_place(conf, tmp_path, cli):
    bad = tmp_path / "latin1.csv"
    bad.write_bytes("Email,Which?\nx@example.org,Ciudadan\xeda\n".encode("latin-1"))
    r = cli("interests", "import", bad, "--dir", conf)
    assert r.exit_code == 2 and f"{bad}:2: is not UTF-8 text" in r.stderr
    r = cli("interests", "import", tmp_path / "missing.csv", "--dir", conf)
    assert r.exit_code == 2 and "missing.csv: does not exist" in r.stderr
    survey = choices_survey(tmp_path / "responses.csv")
    r = cli("interests", "import", survey, "--dir", conf, "--attendee-column", "Badge number")
    assert r.exit_code == 2
    assert (f"{survey}:1: has no column 'Badge number' (--attendee-column); its columns: A \"Timestamp\", "
            'B "Email Address"') in r.stderr
    blank = tmp_path / "blank.csv"
    blank.write_bytes(_csv([["Email", "Which?"], ["", TITLES["s001"]], ["", "s002"]]))
    r = cli("interests", "import", blank, "--dir", conf)
    assert r.exit_code == 2 and 'the attendee column A "Email" (an email column) is empty in every row' in r.stderr
    ods = tmp_path / "s.ods"
    ods.write_bytes(b"PK")
    r = cli("interests", "import", ods, "--dir", conf)
    assert r.exit_code == 2 and "is a .ods spreadsheet" in r.stderr
    assert not (conf / "interests.csv").exists() and not (conf / SALT_FILE).exists()


def test_a_survey_saved_as_interests_csv_is_explained(conf, tmp_path, cli):
    """The issue's new user: the form's export saved as interests.csv is refused by the
    loader; import says to move it out of the folder (it holds names) and import it."""
    choices_survey(conf / "interests.csv")
    r = cli("interests", "import", conf / "interests.csv", "--dir", conf)
    assert r.exit_code == 2
    assert "the header row must name the columns attendee and session" in r.stderr
    assert "move it out and import it: niic-sched interests import ../survey.csv" in r.stderr


def test_rows_without_attendee_and_escape_sequences_are_reported(conf, tmp_path, cli):
    survey = tmp_path / "s.csv"
    survey.write_bytes(_csv([["Email", "Which?"], ["", TITLES["s001"]], [EMAILS[0], "\x1b[31mred\x1b[0m, s002"]]))
    r = cli("interests", "import", survey, "--dir", conf)
    assert r.exit_code == 0, r.output
    assert "\x1b" not in r.output and '"\\x1b[31mred\\x1b[0m" (row 3)' in r.stdout
    assert "SKIPPED 1 row with answers but no attendee (column A blank): row 2" in r.stdout
    assert "warning: 1 row with answers but no attendee skipped" in r.stderr
    assert read_interests(conf) == expected(conf, {EMAILS[0]: {"s002"}})


# -- xlsx ------------------------------------------------------------------------------------------------------
def test_xlsx_survey(conf, tmp_path, cli):
    import openpyxl
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Form Responses 1"
    for row in columns_rows():
        ws.append(row)
    other = wb.create_sheet("Choices")
    other.append(["Respondent ID", "Which workshops will you attend?"])
    other.append([1001, f"{TITLES['s002']}, {TITLES['s007']}"])
    other.append([1002.0, "Inmigrant Entrepreneurs and Main Street Revitalization"])
    path = tmp_path / "responses.xlsx"
    wb.save(path)

    r = cli("interests", "import", path, "--dir", conf)
    assert r.exit_code == 0, r.output
    assert "(sheet 'Form Responses 1')" in r.stdout and "--format columns, detected" in r.stdout
    assert read_interests(conf) == expected(conf)
    assert_private(conf)

    r = cli("interests", "import", path, "--dir", conf, "--sheet", "choices", "--force")
    assert r.exit_code == 0, r.output
    assert read_interests(conf) == expected(conf, {"1001": {"s002", "s007"}, "1002": {"s004"}})

    r = cli("interests", "import", path, "--dir", conf, "--sheet", "Choices", "--attendee-column", "Email", "--dry-run")
    assert r.exit_code == 2 and "Choices!1:1: has no column 'Email'" in r.stderr
    r = cli("interests", "import", path, "--dir", conf, "--sheet", "Nope", "--dry-run")
    assert r.exit_code == 2 and "has no sheet 'Nope' (its sheets: 'Form Responses 1', 'Choices')" in r.stderr


def test_xlsx_ambiguous_answer_names_its_cell(conf, tmp_path, cli):
    import openpyxl
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Responses"
    ws.append(["Email", "Which?"])
    ws.append([EMAILS[0], "s001"])
    ws.append([EMAILS[1], "Refugee Resettlement"])
    path = tmp_path / "r.xlsx"
    wb.save(path)
    r = cli("interests", "import", path, "--dir", conf)
    assert r.exit_code == 2
    assert 'Responses!B3: answer "Refugee Resettlement"' in r.stderr and "--pick 3=s005" in r.stderr
    assert not (conf / "interests.csv").exists()


def test_surveymonkey_second_header_row(conf, tmp_path, cli):
    """SurveyMonkey: the question in row 1, the choices' labels in row 2, the label in the cell when chosen."""
    survey = tmp_path / "monkey.csv"
    survey.write_bytes(_csv([
        ["Respondent ID", "Collector ID", "Email Address", "Which workshops will you attend?", "", "", "Comments"],
        ["", "", "", TITLES["s001"], TITLES["s005"], "s008", "Open-Ended Response"],
        ["114", "9", EMAILS[0], TITLES["s001"], "", "s008", "see you"],
        ["115", "9", EMAILS[1], "", TITLES["s005"], "", ""],
    ]))
    r = cli("interests", "import", survey, "--dir", conf)
    assert r.exit_code == 0, r.output
    assert "row 2 read as a second header row" in r.stdout and "--format columns" in r.stdout
    assert read_interests(conf) == expected(conf, {EMAILS[0]: {"s001", "s008"}, EMAILS[1]: {"s005"}})


# -- the folder loads, and solve sees the interests ----------------------------------------------------------------
def test_the_imported_interests_reach_the_solver(conf, tmp_path):
    survey = choices_survey(tmp_path / "responses.csv")
    result = app.import_interests(survey, conf)
    assert result.written and result.attendees == 4
    loaded = load(conf)
    assert set(loaded.interests) == read_interests(conf) == expected(conf)
    assert not loaded.warnings
    shared = loaded.shared_interest()
    assert shared[("s001", "s002")] == 1 and shared[("s002", "s004")] == 1 and shared[("s001", "s005")] == 1
    solved = app.solve(conf, tmp_path / "schedule.yaml", time_limit=5, workers=1, seed=1)
    figure = solved.quality.figure("attendee_conflict")
    assert figure is not None and figure.count == 0            # 2 per slot, and no wanted pair overlaps
    assert solved.quality.figure("popular_overlap") is None    # that stand-in is off once interests exist
    start = {a.session: a.start for a in solved.schedule.assignments}
    for email, sids in WANTS.items():
        starts = [start[s] for s in sids]
        assert len(set(starts)) == len(starts), (email, starts)


# -- the matcher on its own ------------------------------------------------------------------------------------------
class _S:
    def __init__(self, sid, title):
        self.id, self.title = sid, title


MATCHER = Matcher([_S(k, v) for k, v in TITLES.items()])


@pytest.mark.parametrize("cell, answers", [
    (f"{TITLES['s002']}, {TITLES['s001']}", [("s002", "title"), ("s001", "title")]),
    ("running a citizenship workshop part 1 planning and volunteers", [("s001", "title")]),
    ("Arte y resistencia: murales, grabado y movimiento, Libraries as Immigrant Integration Hubs",
     [("s007", "title"), ("s008", "title")]),
    ("Inmigrant Entrepreneurs and Main Street Revitalization", [("s004", "fuzzy")]),
    ("Runing a Citizenship Workshop, Part 1: Planing and Volunteers", [("s001", "fuzzy")]),
    ("Refugee Resettlement 201", [("s006", "fuzzy")]),
    ("Refugee Resettlement", [(None, "ambiguous")]),
    ("s003 | S004\ns005", [("s003", "id"), ("s004", "id"), ("s005", "id")]),
    # an unmatched neighbour is not swallowed by a fuzzy match of the title beside it
    ("Libraries as Immigrant Integration Hubs, Other", [("s008", "title"), (None, "none")]),
])
def test_split_against_known_titles(cell, answers):
    got = [(m.session, m.kind) for _, m in MATCHER.split(cell)]
    assert got == answers


def test_fold_is_case_accent_punctuation_insensitive():
    assert fold("Ciudadanía  para TODOS: taller práctico!") == "ciudadania para todos taller practico"
    assert fold("Driver's Licenses") == fold("Drivers Licenses")
    assert fold("Xây dựng tài chính") == "xay dung tai chinh"


def test_cutoff_is_the_threshold():
    strict = Matcher([_S(k, v) for k, v in TITLES.items()], cutoff=0.995)
    assert strict.match("Inmigrant Entrepreneurs and Main Street Revitalization").kind == "none"
    assert MATCHER.match("Inmigrant Entrepreneurs and Main Street Revitalization").session == "s004"
    with pytest.raises(InputError):
        app.import_interests(Path("/nonexistent/survey.csv"), Path("/nonexistent/conf"))


def test_an_ambiguous_session_column_is_picked_by_the_header_row(conf, tmp_path, cli):
    survey = tmp_path / "grid.csv"
    survey.write_bytes(_csv([
        ["Email", "Refugee Resettlement", TITLES["s003"], "s008", "Running a Citizenship Workshop"],
        [EMAILS[0], "x", "x", "", ""],                 # nobody ticks the last (ambiguous) column: it does not matter
        [EMAILS[1], "x", "", "yes", ""],
    ]))
    r = cli("interests", "import", survey, "--dir", conf)
    assert r.exit_code == 2
    assert (f'{survey}:1: the header of column B (2 attendees chose it) "Refugee Resettlement" '
            "(the beginning of their titles) could be s005") in r.stderr
    assert "Running a Citizenship Workshop" not in r.stderr
    assert "fix: --pick 1=s005" in r.stderr and not (conf / "interests.csv").exists()
    r = cli("interests", "import", survey, "--dir", conf, "--pick", "1=s006")
    assert r.exit_code == 0, r.output
    assert 'picked: row 1 "Refugee Resettlement" -> s006' in r.stdout and "column B, 2 attendees" in r.stdout
    assert read_interests(conf) == expected(conf, {EMAILS[0]: {"s006", "s003"}, EMAILS[1]: {"s006", "s008"}})


def test_utf16_and_semicolon_separated_exports(conf, tmp_path, cli):
    rows = [["Email", "Which workshops?"], [EMAILS[0], f"{TITLES['s001']}, s003"]]
    utf16 = tmp_path / "unicode.csv"
    utf16.write_bytes("\r\n".join("\t".join(r) for r in rows).encode("utf-16"))      # Excel's "Unicode text"
    semi = tmp_path / "semi.csv"
    semi.write_bytes("\r\n".join(";".join(f'"{c}"' for c in r) for r in rows).encode("utf-8"))
    for survey in (utf16, semi):
        r = cli("interests", "import", survey, "--dir", conf, "--force")
        assert r.exit_code == 0, r.output
        assert read_interests(conf) == expected(conf, {EMAILS[0]: {"s001", "s003"}})


def test_translated_titles_match_too(tmp_path, cli):
    """A form of the Spanish edition shows the Spanish titles."""
    sessions = [{"id": "s001", "title": "Citizenship for all: a hands-on workshop",
                 "translations": {"es": {"title": "Ciudadanía para todos: taller práctico"}}},
                {"id": "s002", "title": "Libraries as Immigrant Integration Hubs",
                 "translations": {"es": {"title": "Bibliotecas, centros de integración"}}}]
    folder = write_conf(tmp_path / "c", sessions=sessions, conference={"languages": ["en", "es"]})
    assert load(folder).session["s001"].translated("es")          # the fixture does carry a translation
    survey = tmp_path / "es.csv"
    survey.write_bytes(_csv([["Correo", "¿A qué talleres asistirá?"],
                             [EMAILS[0], "ciudadania para todos: taller practico, Bibliotecas, centros de integracion"]]))
    r = cli("interests", "import", survey, "--dir", folder)
    assert r.exit_code == 0, r.output
    assert "matched: 2 answers (2 by title" in r.stdout and 'column A "Correo" (an email column)' in r.stdout
    assert read_interests(folder) == expected(folder, {EMAILS[0]: {"s001", "s002"}})


def test_a_survey_inside_the_folder_is_warned_about_and_an_empty_salt_refused(conf, tmp_path, cli):
    (conf / "exports").mkdir()
    survey = choices_survey(conf / "exports" / "responses.csv")
    r = cli("interests", "import", survey, "--dir", conf, "--dry-run")
    assert r.exit_code == 0 and "is inside the conference folder: move it out" in r.stderr
    r = cli("interests", "import", survey, "--dir", conf, "--salt", " ")
    assert r.exit_code == 2 and "--salt: is empty" in r.stderr and not (conf / "interests.csv").exists()
