"""The application layer (niic_sched.app) and the one place where the command line
turns its exceptions into exit codes (niic_sched.cli.EXIT_CODES)."""
from __future__ import annotations

import errno

import pytest
import yaml

from helpers import DAY1, write_conf
from niic_sched import app, cli as cli_module
from niic_sched.check import Violation
from niic_sched.diff import Diff
from niic_sched.errors import InputError, NoProgram, Problem
from niic_sched.io.schedule_file import read_schedule
from niic_sched.program import BrokenRules, ScheduleMismatch
from niic_sched.solve import NotFound

FAST = dict(time_limit=2, workers=1)


def small(folder):
    """Three sessions, three slots, two rooms: a program exists."""
    return write_conf(folder, sessions=[dict(id="a", speakers=["p1"]), dict(id="b", speakers=["p1"]),
                                        dict(id="c", speakers=["p2"])])


def rows(path, placement):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("assignments:\n" + "".join(
        f"  - {{session: {s}, day: {DAY1}, start: '{t}', room: {r}}}\n" for s, t, r in placement))
    return path


VALID = [("a", "10:30", "r1"), ("b", "13:30", "r1"), ("c", "10:30", "r2")]
BROKEN = [("a", "10:30", "r1"), ("b", "13:30", "r1"), ("c", "13:30", "r1")]     # b and c share r1 at 13:30


@pytest.fixture
def conf_dir(tmp_path):
    return small(tmp_path / "c")


# -- the use cases return result objects, print nothing ---------------------------------------------------------
def test_check_inputs_and_schedules(conf_dir, tmp_path, capsys):
    checked = app.check(conf_dir)
    assert isinstance(checked, app.Checked) and checked.valid and checked.schedule is None
    assert len(checked.conf.sessions) == 3
    checked = app.check(conf_dir, rows(tmp_path / "ok.yaml", VALID))
    assert checked.valid and checked.quality is not None and len(checked.schedule.assignments) == 3
    checked = app.check(conf_dir, rows(tmp_path / "bad.yaml", BROKEN))
    assert not checked.valid and all(isinstance(v, Violation) for v in checked.violations)
    assert any("b and c are both in r1" in str(v) for v in checked.violations)
    with pytest.raises(InputError):
        app.check(conf_dir, tmp_path / "missing.yaml")
    assert capsys.readouterr() == ("", "")


def test_solve_writes_and_reports(conf_dir, tmp_path, capsys):
    lines = []
    out = tmp_path / "out" / "schedule.yaml"
    solved = app.solve(conf_dir, out, progress=lines.append, **FAST)
    assert isinstance(solved, app.Solved) and solved.output == out and out.is_file()
    assert len(solved.schedule.assignments) == 3 and solved.status in ("optimal", "feasible")
    assert solved.report["status"] == solved.status and solved.moves is None and not solved.interrupted
    assert read_schedule(out).meta["objective"] == solved.quality.total
    assert any("first timetable" in line for line in lines)
    again = app.solve(conf_dir, tmp_path / "s2.yaml", baseline_path=out, **FAST)
    assert isinstance(again.moves, Diff) and yaml.safe_load((tmp_path / "s2.yaml").read_text())["meta"]["baseline"] \
        == str(out)
    assert capsys.readouterr() == ("", "")


def test_solve_default_output_and_unwritable_output(conf_dir, tmp_path):
    solved = app.solve(conf_dir, **FAST)
    assert solved.output == conf_dir / "program" / "schedule.yaml" and solved.output.is_file()
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(app.CannotWrite) as info:
        app.solve(conf_dir, blocker / "schedule.yaml", **FAST)
    assert isinstance(info.value, OSError) and info.value.filename == str(blocker / "schedule.yaml")


def test_add_commits_a_version_and_reports_moves(conf_dir, tmp_path):
    rows(conf_dir / "program" / "schedule.yaml", VALID)
    late = tmp_path / "late" / "d.yaml"
    late.parent.mkdir()
    late.write_text(yaml.safe_dump({"id": "d", "title": "Late", "format": "workshop", "track": "t",
                                    "duration": 75, "expected_attendance": 20, "speakers": []}))
    lines = []
    added = app.add([late], conf_dir, progress=lines.append, **FAST)
    assert isinstance(added, app.Added)
    assert added.version == conf_dir / "program" / "versions" / "schedule-1.yaml" and added.version.is_file()
    assert added.copied == [conf_dir / "sessions" / "d.yaml"] and added.new_ids == ["d"] and not added.already
    assert added.schedule.meta["baseline"] == "program/versions/schedule-1.yaml"
    assert read_schedule(added.schedule_path).meta["baseline"] == "program/versions/schedule-1.yaml"
    assert [c.session for c in added.moves.changes] == ["d"]          # only the late session is new
    assert any("solving against" in line for line in lines)


def test_add_is_all_or_nothing(conf_dir, tmp_path, monkeypatch):
    rows(conf_dir / "program" / "schedule.yaml", VALID)
    before = sorted(p.relative_to(conf_dir).as_posix() for p in conf_dir.rglob("*"))
    late = tmp_path / "d.yaml"
    late.write_text("id: d\ntitle: Late\nformat: workshop\ntrack: t\nduration: 75\nexpected_attendance: 20\n"
                    "speakers: []\n")

    def disk_full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr("niic_sched.versions.write_schedule", disk_full)
    with pytest.raises(app.CannotWrite) as info:
        app.add([late], conf_dir, **FAST)
    assert info.value.strerror == "No space left on device"
    assert sorted(p.relative_to(conf_dir).as_posix() for p in conf_dir.rglob("*")) == before
    with pytest.raises(app.BadRequest):
        app.add([late], tmp_path / "book.xlsx")


def test_explain_returns_the_answer(conf_dir, tmp_path):
    assert app.explain(conf_dir, time_limit=5).status == "feasible"
    full = write_conf(tmp_path / "full", sessions=[{"id": f"g{n}"} for n in range(7)])
    explained = app.explain(full, time_limit=5)
    assert explained.status == "infeasible" and "No program exists" in explained.explanation.text()


def test_export_refuses_a_broken_schedule_and_writes_nothing(conf_dir, tmp_path):
    bad = rows(tmp_path / "bad.yaml", BROKEN)
    out = tmp_path / "x.csv"
    with pytest.raises(app.Refused) as info:
        app.export(conf_dir, "csv", bad, out)
    assert info.value.what == "exported" and info.value.violations and not out.exists()
    lines = []
    exported = app.export(conf_dir, "csv", bad, out, force=True, progress=lines.append)
    assert isinstance(exported, app.Exported) and out.is_file() and exported.violations and exported.sessions == 3
    assert any("breaks 1 hard rule" in line and "--force" in line for line in lines)
    ok = app.export(conf_dir, "ics", rows(tmp_path / "ok.yaml", VALID), tmp_path / "x.ics")
    assert ok.output.is_file() and not ok.violations


def test_render_refuses_a_broken_schedule_too(conf_dir, tmp_path):
    out = tmp_path / "site"
    with pytest.raises(app.Refused) as info:
        app.render(conf_dir, rows(tmp_path / "bad.yaml", BROKEN), out, pdf=False)
    assert info.value.what == "rendered" and not (out / "index.html").exists()
    rendered = app.render(conf_dir, rows(tmp_path / "ok.yaml", VALID), out, pdf=False)
    assert isinstance(rendered, app.Rendered) and (out / "index.html") in rendered.files
    with pytest.raises(app.BadRequest):
        app.render(conf_dir, tmp_path / "ok.yaml", out, templates_dir=tmp_path / "nowhere", pdf=False)


def test_diff_template_convert(conf_dir, tmp_path):
    old = rows(tmp_path / "s1.yaml", VALID)
    new = rows(tmp_path / "s2.yaml", [("a", "10:30", "r1"), ("b", "15:00", "r1"), ("c", "10:30", "r2")])
    diffed = app.diff(old, new, conf_dir)
    assert isinstance(diffed, app.Diffed) and diffed.output is None and b"Retimed" in diffed.data
    assert [c.session for c in diffed.diff.changes] == ["b"]
    written = app.diff(old, new, conf_dir, fmt="csv", output=tmp_path / "n.csv")
    assert written.output.is_file()
    book = tmp_path / "blank.xlsx"
    assert app.template(book).out == book and book.is_file()
    with pytest.raises(app.BadRequest, match="already exists"):
        app.template(book)
    with pytest.raises(app.BadRequest, match="must end in .xlsx"):
        app.template(tmp_path / "blank")
    converted = app.convert(conf_dir, tmp_path / "c.xlsx")
    assert isinstance(converted, app.Converted) and converted.to_workbook and (tmp_path / "c.xlsx").is_file()
    with pytest.raises(app.BadRequest, match="one side must be"):
        app.convert(conf_dir, tmp_path / "other")


# -- one table: exception -> exit code --------------------------------------------------------------------------
VIOLATIONS = [Violation("rooms", "b and c are both in r1 at 13:30", ("b", "c"))]
EXCEPTIONS = [
    (KeyboardInterrupt(), 130),
    (app.ScheduleBreaksRules("s.yaml", VIOLATIONS), 1),
    (app.Refused(VIOLATIONS, "s.yaml", "exported"), 2),
    (BrokenRules(VIOLATIONS, "s.yaml"), 2),
    (ScheduleMismatch([Problem("s.yaml", "session 'x' is scheduled but is not in the conference")]), 2),
    (InputError([Problem("rooms.yaml:3", "capacity is not a number", "write a number")]), 2),
    (app.bad_request("x.csv", "already exists", "choose another name"), 2),
    (app.CannotWrite("out.yaml", OSError(errno.EACCES, "Permission denied")), 2),
    (NoProgram(["too many sessions"]), 3),
    (NotFound("no timetable found within 5 s; raise --time-limit"), 4),
    (cli_module.Shown(NoProgram(["shown already"])), 3),
    (cli_module.Shown(KeyboardInterrupt()), 130),
]


@pytest.mark.parametrize("exc,code", EXCEPTIONS, ids=[type(e).__name__ for e, _ in EXCEPTIONS])
def test_each_exception_has_its_exit_code(exc, code, conf_dir, cli, monkeypatch):
    assert cli_module.exit_code(exc) == code

    def failing(*args, **kwargs):
        raise exc
    monkeypatch.setattr(app, "check", failing)           # whatever the command, the same mapping
    r = cli("check", conf_dir)
    assert r.exit_code == code and "Traceback" not in r.output
    if not isinstance(exc, cli_module.Shown):
        assert r.stderr.strip()                            # every failure says something
    else:
        assert r.stderr == ""


def test_a_bug_is_not_an_exit_code():
    assert cli_module.exit_code(ValueError("a bug")) is None
    assert cli_module.exit_code(SystemExit(0)) is None


def test_messages_keep_their_words():
    m = cli_module.message
    refused = m(app.Refused(VIOLATIONS, "s.yaml", "exported"))
    assert refused.startswith("s.yaml: 1 broken hard rule; nothing exported:")
    assert "  [rooms] b and c are both in r1" in refused and "--force exports it anyway" in refused
    assert "fix: re-solve" in refused
    assert m(NotFound("no timetable"), nothing="Nothing written.") == "No program found: no timetable\nNothing written."
    assert m(KeyboardInterrupt(), nothing="Nothing written.") == "Interrupted. Nothing written."
    assert m(app.CannotWrite("o.csv", OSError(errno.ENOSPC, "No space left on device")),
             unwritable="give a writable path with -o") == \
        "o.csv: cannot be written: No space left on device\n    fix: give a writable path with -o"
    assert m(app.bad_request("x.csv", "already exists", "choose another name")) == \
        "x.csv: already exists\n    fix: choose another name"


# -- the command line on top ------------------------------------------------------------------------------------
def test_export_command_refuses_without_force(conf_dir, tmp_path, cli):
    bad = rows(tmp_path / "bad.yaml", BROKEN)
    out = tmp_path / "agenda.xlsx"
    r = cli("export", conf_dir, "--schedule", bad, "--format", "xlsx", "-o", out)
    assert r.exit_code == 2 and not out.exists()
    assert f"{bad}: 1 broken hard rule; nothing exported:" in r.stderr and "b and c are both in r1" in r.stderr
    assert "--force" in r.stderr
    r = cli("export", conf_dir, "--schedule", bad, "--format", "xlsx", "-o", out, "--force")
    assert r.exit_code == 0 and out.is_file() and "exporting anyway (--force)" in r.stderr


def _count_explanations(monkeypatch) -> list:
    import niic_sched.solve.explain as explain_module
    calls = []
    real = explain_module.explain

    def counted(*args, **kwargs):
        calls.append(kwargs.get("time_limit"))
        return real(*args, **kwargs)
    monkeypatch.setattr(explain_module, "explain", counted)
    return calls


def test_solve_on_an_impossible_conference_explains_once(tmp_path, cli, monkeypatch):
    folder = write_conf(tmp_path / "c", sessions=[{"id": f"g{n}"} for n in range(7)])    # 7 sessions, 6 places
    calls = _count_explanations(monkeypatch)
    out = tmp_path / "s.yaml"
    r = cli("solve", folder, "-o", out, "--time-limit", "5", "--workers", "1", "-q")
    assert r.exit_code == 3, r.stderr
    assert "No program exists" in r.stderr and "Nothing written." in r.stderr and not out.exists()
    assert len(calls) == 1


def test_not_found_is_exit_4_without_a_second_explanation(conf_dir, tmp_path, cli, monkeypatch):
    calls = _count_explanations(monkeypatch)

    def gives_up(conf, opts):
        raise NotFound(f"no timetable found within {opts.time_limit:g} s; raise --time-limit")
    monkeypatch.setattr(app, "run_solver", gives_up)
    r = cli("solve", conf_dir, "-o", tmp_path / "s.yaml", "--time-limit", "5", "-q")
    assert r.exit_code == 4 and calls == []
    assert "No program found: no timetable found within 5 s; raise --time-limit\nNothing written." in r.stderr


def test_time_limit_help_is_the_whole_budget(cli):
    for command in ("solve", "add", "explain"):
        assert "whole command" in " ".join(cli(command, "--help").stdout.split())


def test_generate_check_solve_end_to_end(tmp_path, cli):
    pytest.importorskip("niic_sched.generate")
    folder = tmp_path / "gen"
    r = cli("generate", folder, "--sessions", 60, "--rooms", 12, "--days", 3, "--slots", 5, "--seed", 3)
    assert r.exit_code == 0, r.stderr
    assert f"Wrote {folder}: 60 sessions" in r.stdout and "12 rooms" in r.stdout
    assert f"niic-sched check {folder}" in r.stdout
    assert cli("generate", folder).exit_code == 2                      # never over a conference by accident
    r = cli("check", folder)
    assert r.exit_code == 0 and "inputs are sound: 60 sessions, 12 rooms" in r.stdout, r.stderr
    out = tmp_path / "schedule.yaml"
    r = cli("solve", folder, "-o", out, "--time-limit", 10, "-q")
    assert r.exit_code == 0, r.stderr
    assert cli("check", folder, "--schedule", out, "-q").exit_code == 0
    generated = app.generate(tmp_path / "direct", sessions=20, rooms=4, days=2, slots=4, late=2)
    assert isinstance(generated, app.Generated) and generated.summary.sessions == 20
    assert len(list((tmp_path / "direct" / "late").glob("*.yaml"))) == 2
    with pytest.raises(InputError):
        app.generate(tmp_path / "bad", sessions=0)


def test_generate_help_has_an_example(cli):
    text = cli("generate", "--help").stdout
    assert "niic-sched generate demo/ --sessions 60 --rooms 12 --days 3 --slots 5" in text
