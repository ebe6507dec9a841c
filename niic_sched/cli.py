"""Command line: thin click commands that wire loaders, solver and writers.

Exit codes: 0 done, 2 bad input (nothing written), 3 no program exists,
4 no program found within the limits (one may exist), 130 interrupted.
"""
from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import click

from . import __version__
from .check import check_schedule
from .quality import evaluate, report_lines, solve_meta, table
from .errors import InputError, NoProgram
from .io import load
from .io.excel import conference_home
from .io.schedule_file import read_schedule, write_schedule
from .solve import NotFound, SolveOptions, solve as run_solver

EXIT_INPUT, EXIT_NO_PROGRAM, EXIT_NOT_FOUND, EXIT_INTERRUPTED = 2, 3, 4, 130


def _err(msg: str) -> None:
    click.echo(msg, err=True)


class Fail(click.exceptions.Exit):
    pass


def _load(folder: str):
    try:
        conf = load(folder)
    except InputError as exc:
        _err(exc.summary())
        raise click.exceptions.Exit(EXIT_INPUT)
    return conf


def _warn(conf, quiet: bool) -> None:
    if quiet:
        return
    for w in conf.warnings:
        _err(f"warning: {w}")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="niic-sched")
def cli():
    """Build a conference program: rooms and times for every session.

    A conference folder holds conference.yaml, rooms.yaml, speakers.yaml and
    sessions/ (see docs/input-format.md). Typical use:

    \b
        niic-sched check .                    # are the inputs sound?
        niic-sched solve . -o program/schedule.yaml
        niic-sched explain .                  # if no program exists: why not
        niic-sched check . --schedule program/schedule.yaml
        niic-sched render . -o program         # HTML site + program.pdf
        niic-sched add late/*.yaml             # late proposals; the published program stays
        niic-sched diff program/versions/schedule-1.yaml program/schedule.yaml

    Exit codes: 0 done, 1 a checked schedule breaks a hard rule, 2 bad input
    (nothing written), 3 no program exists, 4 none found within the time
    limit, 130 interrupted.
    """


FOLDER = click.argument("folder", default=".", type=click.Path(path_type=Path))


def solver_options(command):
    """--time-limit, --seed and --workers, shared by solve and add."""
    for option in reversed((
            click.option("--time-limit", type=click.FloatRange(min=0.5), default=60.0, show_default=True,
                         help="Seconds the solver may use."),
            click.option("--seed", type=int, default=0, show_default=True, help="Random seed of the solver."),
            click.option("--workers", type=click.IntRange(min=0), default=0,
                         help="CPU cores to use: solver threads and parallel searches [default: all cores]."))):
        command = option(command)
    return command


@cli.command()
@FOLDER
@click.option("--schedule", "schedule_path", type=click.Path(path_type=Path),
              help="Also check this schedule.yaml against every hard rule.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing when all is well.")
def check(folder, schedule_path, quiet):
    """Validate the inputs and, given --schedule, list every broken hard rule.

    \b
    Examples:
        niic-sched check .
        niic-sched check . --schedule program/schedule.yaml
    """
    conf = _load(folder)
    _warn(conf, quiet)
    if schedule_path is None:
        if not quiet:
            click.echo(f"{conf.name}: inputs are sound: {len(conf.sessions)} sessions, {len(conf.rooms)} rooms, "
                       f"{len(conf.speakers)} speakers, {len(conf.slots)} slots over {len(conf.days)} days.")
        return
    try:
        schedule = read_schedule(schedule_path)
    except InputError as exc:
        _err(exc.summary())
        raise click.exceptions.Exit(EXIT_INPUT)
    violations = check_schedule(conf, schedule)
    if not quiet:   # the same quality report as solve prints, for any schedule (hand-made ones too)
        click.echo(table(evaluate(conf, schedule)))
    if violations:
        _err(f"{schedule_path}: {len(violations)} broken hard rule{'s' if len(violations) != 1 else ''}:")
        for v in violations:
            _err(f"  {v}")
        raise click.exceptions.Exit(1)
    if not quiet:
        click.echo(f"{schedule_path}: valid: {len(schedule.assignments)} sessions placed, every hard rule holds.")


@cli.command()
@FOLDER
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="Where to write the schedule [default: FOLDER/program/schedule.yaml].")
@solver_options
@click.option("--deterministic", is_flag=True,
              help="Stop on a work limit instead of the clock: same inputs, seed and workers give the same file.")
@click.option("--baseline", "baseline_path", type=click.Path(path_type=Path), default=None,
              help="A published schedule.yaml to stay close to: its sessions keep their day, time and room "
                   "whenever the hard rules allow (fewest retimed first, then fewest room changes).")
@click.option("--keep-partial", is_flag=True,
              help="On Ctrl-C, still write the best valid program found so far (exit code 130).")
@click.option("-q", "--quiet", is_flag=True, help="No progress on stderr.")
def solve(folder, output, time_limit, seed, workers, deterministic, baseline_path, keep_partial, quiet):
    """Assign every session a room and a time, never breaking a hard rule.

    With --baseline OLD.yaml (a published program), sessions placed in OLD
    keep their day, time and room whenever the hard rules allow; new sessions
    are placed around them; sessions of OLD that are no longer in the folder
    are reported as cancelled. Every move is listed.

    \b
    Examples:
        niic-sched solve                      # the folder here, into program/schedule.yaml
        niic-sched solve conf/ -o out.yaml --time-limit 30 --seed 7
        niic-sched solve . --baseline program/schedule.yaml -o program/schedule-2.yaml
    """
    conf = _load(folder)
    _warn(conf, quiet)
    output = output or conference_home(folder) / "program" / "schedule.yaml"
    baseline = _read_schedule(baseline_path) if baseline_path is not None else None
    say = None if quiet else _err
    result = _solve_or_exit(conf, SolveOptions(time_limit=time_limit, seed=seed, workers=workers,
                                               deterministic=deterministic, progress=say, baseline=baseline,
                                               keep_partial=keep_partial),
                            "Nothing written.")
    interrupted = result.interrupted
    if interrupted and not keep_partial:
        _err("Interrupted: nothing written (--keep-partial keeps the best program found so far).")
        raise click.exceptions.Exit(EXIT_INTERRUPTED)
    quality = evaluate(conf, result.schedule, baseline=baseline)
    meta = solve_meta(quality, result, deterministic=deterministic, seed=seed, workers=workers)
    if baseline_path is not None:
        meta["baseline"] = str(baseline_path)
    write_schedule(dataclasses.replace(result.schedule, meta=meta), output, conf)
    if not quiet:
        _err(table(quality, report_lines(result)))
        _err(f"Wrote {output}: {len(result.schedule.assignments)} sessions placed ({result.status}, "
             f"{result.seconds} s).")
    if baseline is not None:
        from .diff import compare, moves_report, read_extras
        d = compare(conf, baseline, result.schedule, old_extras=read_extras(baseline_path))
        hint = f"Tell their speakers: niic-sched diff {baseline_path} {output} --format csv -o notices.csv"
        for line in moves_report(d, hint):
            _err(line)
    if interrupted:
        _err(f"Interrupted: kept the best program found so far in {output}.")
        raise click.exceptions.Exit(EXIT_INTERRUPTED)


def _read_schedule(path: Path):
    try:
        return read_schedule(path)
    except InputError as exc:
        _err(exc.summary())
        raise click.exceptions.Exit(EXIT_INPUT)


def _solve_or_exit(conf, opts: SolveOptions, nothing: str):
    """Run the solver; on no program (exit 3), none found (exit 4) or an interruption
    (exit 130) say why and that ``nothing`` happened."""
    try:
        return run_solver(conf, opts)
    except NoProgram as exc:
        _err(exc.explanation.text() if getattr(exc, "explanation", None) is not None
             else "No program exists: " + "; ".join(exc.reasons))
        _err(nothing)
        raise click.exceptions.Exit(EXIT_NO_PROGRAM)
    except NotFound as exc:
        from .solve.explain import impossible   # the solver gave up: does a program exist at all?
        if opts.progress:
            opts.progress("no program found; checking whether one exists at all")
        why = impossible(conf, opts.time_limit)
        if why is not None:
            _err(why.explanation.text())
            _err(nothing)
            raise click.exceptions.Exit(EXIT_NO_PROGRAM)
        _err(f"No program found: {exc}")
        _err(nothing)
        raise click.exceptions.Exit(EXIT_NOT_FOUND)
    except KeyboardInterrupt:
        _err(f"Interrupted. {nothing}")
        raise click.exceptions.Exit(EXIT_INTERRUPTED)


@cli.command("add")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--dir", "folder", type=click.Path(path_type=Path), default=Path("."), show_default=True,
              help="The conference folder (it holds sessions/ and program/schedule.yaml).")
@solver_options
@click.option("-q", "--quiet", is_flag=True, help="No progress on stderr (the list of moves is still printed).")
def add(files, folder, time_limit, seed, workers, quiet):
    """Add late proposals to a published program, moving as little as possible.

    Copies FILES (session YAML files) into DIR/sessions/, re-solves against
    DIR/program/schedule.yaml (published sessions keep their day, time and
    room whenever the hard rules allow), keeps the replaced schedule as
    DIR/program/versions/schedule-<N>.yaml and writes the new one.

    Nothing changes unless everything succeeds: an id already used in the
    folder, a bad file, no possible program or an interruption leave
    sessions/ and program/ as they were (exit 2, 3, 4 or 130).

    \b
    Examples:
        niic-sched add late/*.yaml                     # the conference folder here
        niic-sched add new/s0120.yaml --dir niic2014/ --time-limit 30
        niic-sched diff program/versions/schedule-1.yaml program/schedule.yaml --format csv -o notices.csv
    """
    from .diff import compare, moves_report, read_extras
    from .io.excel import is_workbook_path
    from .versions import commit, stage
    if is_workbook_path(folder):
        _fail(f"{folder}: add copies files into a conference folder's sessions/, and this is a workbook",
              f"add the rows to its Sessions sheet, then: niic-sched solve {folder} --baseline OLD.yaml")
    schedule_path = folder / "program" / "schedule.yaml"
    if not schedule_path.is_file() and (folder / "conference.yaml").is_file():
        _fail(f"{schedule_path}: is missing: there is no published program to keep",
              f"solve first (niic-sched solve {folder}), or copy the files into sessions/ and solve")
    try:
        staged = stage(folder, list(files))
        baseline = read_schedule(schedule_path)
    except InputError as exc:
        _err(exc.summary())
        _err("Nothing changed.")
        raise click.exceptions.Exit(EXIT_INPUT)
    nothing = f"Nothing changed: {folder / 'sessions'} and {schedule_path} are as they were."
    say = None if quiet else _err
    try:
        conf = staged.conf
        _warn(conf, quiet)
        if say:
            for p in staged.already:
                say(f"{p}: already there with the same content (e.g. from an add that was killed); kept")
            say(f"adding {len(staged.new_ids)} session{'s' if len(staged.new_ids) != 1 else ''} "
                f"({', '.join(staged.new_ids)}); solving against {schedule_path}")
        result = _solve_or_exit(conf, SolveOptions(time_limit=time_limit, seed=seed, workers=workers,
                                                   progress=say, baseline=baseline), nothing)
        quality = evaluate(conf, result.schedule, baseline=baseline)
        meta = solve_meta(quality, result, deterministic=False, seed=seed, workers=workers)

        def write_new(version: Path) -> None:
            meta["baseline"] = version.relative_to(folder).as_posix()
            write_schedule(dataclasses.replace(result.schedule, meta=meta), schedule_path, conf)
        try:
            version = commit(staged, schedule_path, write_new)
        except OSError as exc:
            _fail(f"{getattr(exc, 'filename', None) or folder}: cannot be written: {exc.strerror or exc}",
                  f"make {folder} writable; {nothing}")
        except KeyboardInterrupt:
            _err(f"Interrupted. {nothing}")
            raise click.exceptions.Exit(EXIT_INTERRUPTED)
    finally:
        staged.cleanup()
    if not quiet:
        _err(table(quality, report_lines(result)))
    d = compare(conf, baseline, result.schedule, old_extras=read_extras(version))
    hint = f"Tell their speakers: niic-sched diff {version} {schedule_path} --dir {folder} --format csv -o notices.csv"
    for line in moves_report(d, hint):
        _err(line)
    click.echo(f"Copied {len(staged.copies)} file{'s' if len(staged.copies) != 1 else ''} into "
               f"{folder / 'sessions'}; kept the previous program as {version}; wrote {schedule_path} "
               f"({len(result.schedule.assignments)} sessions placed).")


@cli.command("diff")
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@click.option("--dir", "folder", type=click.Path(path_type=Path), default=Path("."), show_default=True,
              help="The conference folder (or workbook): titles, speakers and rooms come from it.")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "csv"]), default="text", show_default=True,
              help="text or markdown for people; csv for a mail merge (one row per speaker and changed session).")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="Write here instead of printing.")
def diff_schedules(old, new, folder, fmt, output):
    """What changed between two schedules, and a notice for each affected speaker.

    Lists the added, cancelled, retimed and moved sessions (old and new day,
    time and room), then one notice per speaker whose sessions changed,
    listing only those sessions. Speakers with no change get no notice.
    The CSV has the columns speaker_id, name, organization, session, title,
    change, old, new (UTF-8 with BOM, for a mail merge).

    \b
    Examples:
        niic-sched diff program/versions/schedule-1.yaml program/schedule.yaml
        niic-sched diff s1.yaml s2.yaml --dir conf/ --format markdown -o changes.md
        niic-sched diff s1.yaml s2.yaml --format csv -o notices.csv
    """
    from .diff import compare, read_extras, render
    from .io.atomic import write_bytes_atomic
    conf = _load(folder)
    before, after = _read_schedule(old), _read_schedule(new)
    d = compare(conf, before, after, old_extras=read_extras(old), new_extras=read_extras(new),
                old_label=str(old), new_label=str(new))
    data = render(d, fmt)
    if output is None:
        click.echo(data.decode("utf-8").lstrip("\ufeff"), nl=False)
        return
    try:
        write_bytes_atomic(output, data)
    except OSError as exc:
        _fail(f"{output}: cannot be written: {exc.strerror or exc}", "give a writable path with -o")
    click.echo(f"Wrote {output}: {d.summary()}.")


@cli.command()
@FOLDER
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Sentences for people, or JSON for tools.")
@click.option("--time-limit", type=click.FloatRange(min=0.5), default=60.0, show_default=True,
              help="Seconds the search may use.")
def explain(folder, fmt, time_limit):
    """Say whether a program exists and, if not, which few requirements clash.

    Fast checks run first (a session with no possible start, a speaker in more
    sessions than free slots, pins that clash, too many plenaries...); then the
    solver names a smallest set of requirements (pins, unavailability, links,
    room needs) that cannot all hold: drop any one and the rest can be met.

    Exit codes: 0 a program exists, 3 none exists (the explanation is printed),
    4 undecided within the time limit, 2 bad input.

    \b
    Examples:
        niic-sched explain                    # the folder here
        niic-sched explain conf/ --format json --time-limit 30
    """
    import json

    from .solve.explain import explain as run_explain
    conf = _load(folder)
    try:
        ex = run_explain(conf, time_limit=time_limit)
    except KeyboardInterrupt:
        _err("Interrupted.")
        raise click.exceptions.Exit(EXIT_INTERRUPTED)
    if fmt == "json":
        click.echo(json.dumps(ex.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(ex.text())
    if ex.status == "infeasible":
        raise click.exceptions.Exit(EXIT_NO_PROGRAM)
    if ex.status == "unknown":
        raise click.exceptions.Exit(EXIT_NOT_FOUND)


def _fail(problem: str, fix: str = "") -> None:
    _err(problem + (f"\n    fix: {fix}" if fix else ""))
    raise click.exceptions.Exit(EXIT_INPUT)


@cli.command()
@click.argument("out", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite OUT if it exists.")
def template(out, force):
    """Write a blank conference workbook to fill in.

    It has every sheet the workbook input needs (Conference, Slots, Rooms,
    Speakers, Sessions, Interests) with their headers, dropdowns for format,
    track, room ids and features, an example row each and a "Read me" sheet.

    \b
    Example:
        niic-sched template niic2026.xlsx
        niic-sched check niic2026.xlsx        # after filling it in
        niic-sched solve niic2026.xlsx        # writes program/schedule.yaml beside it
    """
    from .io.excel import is_workbook_path
    from .io.workbook_writer import write_template
    if not is_workbook_path(out):
        _fail(f"{out}: a template is a workbook, so its name must end in .xlsx", f"e.g. niic-sched template {out}.xlsx")
    if out.exists() and not force:
        _fail(f"{out}: already exists", "choose another name, or add --force to overwrite it")
    write_template(out)
    click.echo(f"Wrote {out}: fill in its sheets (see its 'Read me' sheet), then run: niic-sched check {out}")


@cli.command()
@click.argument("src", type=click.Path(path_type=Path))
@click.argument("dst", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True,
              help="Overwrite DST if it exists (a folder then holds exactly the converted conference).")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing when all is well.")
def convert(src, dst, force, quiet):
    """Turn a conference folder into a workbook, or a workbook into a folder.

    The direction follows the names: the side ending in .xlsx is the workbook.
    Converting there and back gives the same conference.

    \b
    Examples:
        niic-sched convert . niic2014.xlsx            # folder -> workbook
        niic-sched convert niic2014.xlsx niic2014/    # workbook -> folder of YAML files
    """
    from .io.excel import is_workbook_path
    from .io.folder_writer import write_folder
    from .io.workbook_writer import write_workbook
    if is_workbook_path(src) == is_workbook_path(dst):
        _fail(f"convert {src} {dst}: one side must be a .xlsx workbook and the other a conference folder",
              "e.g. niic-sched convert . book.xlsx, or niic-sched convert book.xlsx conf/")
    conf = _load(src)
    _warn(conf, quiet)
    if is_workbook_path(dst):
        if dst.exists() and not force:
            _fail(f"{dst}: already exists", "choose another name, or add --force to overwrite it")
        write_workbook(conf, dst)
    else:
        try:
            write_folder(conf, dst, force=force, source=src.name)
        except InputError as exc:
            _err(exc.summary())
            raise click.exceptions.Exit(EXIT_INPUT)
    if not quiet:
        click.echo(f"Wrote {dst}: {len(conf.sessions)} sessions, {len(conf.rooms)} rooms, "
                   f"{len(conf.speakers)} speakers, {len(conf.days)} days.")


@cli.command("export")
@FOLDER
@click.option("--schedule", "schedule_path", type=click.Path(path_type=Path), default=None,
              help="The schedule to export [default: FOLDER/program/schedule.yaml].")
@click.option("-f", "--format", "fmt", type=click.Choice(["xlsx", "ics", "frab-xml", "frab-json", "csv"]),
              required=True, help="xlsx agenda, ics calendar, frab XML/JSON for conference apps, or csv.")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="Where to write [default: FOLDER/program/agenda.xlsx, schedule.ics, schedule.xml, "
                   "schedule.json or sessions.csv].")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing when all is well.")
def export_program(folder, schedule_path, fmt, output, quiet):
    """Export a solved program for printing, calendars and conference apps.

    \b
    Formats:
        xlsx       printable agenda: a sheet per day (rooms x times) and a full list
        ics        calendar file; re-exports after a re-solve update, never duplicate
        frab-xml   frab/pretalx schedule.xml for conference apps (Giggity, EventFahrplan)
        frab-json  the same as frab JSON
        csv        one row per session (UTF-8 with BOM, safe against formula injection)

    \b
    Examples:
        niic-sched export . --format ics                      # -> program/schedule.ics
        niic-sched export . --schedule program/schedule.yaml --format xlsx -o agenda.xlsx
        niic-sched export book.xlsx --format frab-json
    """
    from .export import FORMATS, render
    from .io.atomic import write_bytes_atomic
    conf = _load(folder)
    _warn(conf, quiet)
    home = conference_home(folder)
    schedule_path = schedule_path or home / "program" / "schedule.yaml"
    output = output or home / "program" / FORMATS[fmt][1]
    try:
        schedule = read_schedule(schedule_path)
        data, warnings = render(conf, schedule, fmt, str(schedule_path))
    except InputError as exc:
        _err(exc.summary())
        raise click.exceptions.Exit(EXIT_INPUT)
    violations = check_schedule(conf, schedule)
    if violations and not quiet:
        _err(f"warning: {schedule_path} breaks {len(violations)} hard rule{'s' if len(violations) != 1 else ''} "
             f"(exported as it is; see niic-sched check {folder} --schedule {schedule_path})")
    for w in warnings:
        if not quiet:
            _err(f"warning: {w}")
    try:
        write_bytes_atomic(output, data)
    except OSError as exc:
        _fail(f"{output}: cannot be written: {exc.strerror or exc}", "give a writable path with -o")
    if not quiet:
        click.echo(f"Wrote {output} ({fmt}, {len(schedule.assignments)} sessions).")


@cli.command("render")
@FOLDER
@click.option("--schedule", "schedule_path", type=click.Path(path_type=Path), default=None,
              help="The schedule to render [default: FOLDER/program/schedule.yaml].")
@click.option("-o", "--output", "outdir", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Folder for the site and the PDF [default: FOLDER/program/].")
@click.option("--templates", "templates_dir", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="A folder of Jinja2 templates that override the default ones by name "
                   "(e.g. html/base.html, pdf/program.css); see niic_sched/templates/.")
@click.option("--door-sheets", is_flag=True, help="Also write door-sheets.pdf: one page per room and day.")
@click.option("--no-pdf", is_flag=True, help="Only the HTML site (no WeasyPrint).")
@click.option("--force", is_flag=True, help="Render even a schedule that breaks hard rules.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing when all is well.")
def render_program(folder, schedule_path, outdir, templates_dir, door_sheets, no_pdf, force, quiet):
    """Render the program: a static HTML site and a printable PDF booklet.

    Writes index.html (grid per day), sessions/tracks/rooms/speakers pages, a
    personal agenda page with .ics export, assets/, and program.pdf (cover,
    day grids, listing, speaker index, rooms). The site works offline from
    the file system. A schedule that breaks a hard rule is refused (exit 2)
    unless --force. Outputs are replaced only once all are rendered.

    \b
    Examples:
        niic-sched render                          # program/schedule.yaml -> program/
        niic-sched render . -o site --door-sheets
        niic-sched render . --templates my-templates --no-pdf
    """
    from .render import RenderError, render as render_all
    conf = _load(folder)
    _warn(conf, quiet)
    home = conference_home(folder)
    schedule_path = schedule_path or home / "program" / "schedule.yaml"
    outdir = outdir or home / "program"
    if templates_dir is not None and not templates_dir.is_dir():
        _fail(f"{templates_dir}: is not a folder of templates", "give the folder that holds your html/ and pdf/ templates")
    try:
        schedule = read_schedule(schedule_path)
    except InputError as exc:
        _err(exc.summary())
        raise click.exceptions.Exit(EXIT_INPUT)
    violations = check_schedule(conf, schedule)
    if violations:
        n = len(violations)
        if not force:
            _err(f"{schedule_path}: {n} broken hard rule{'s' if n != 1 else ''}; nothing rendered:")
            for v in violations:
                _err(f"  {v}")
            _err("    fix: re-solve (niic-sched solve) or correct the schedule; --force renders it anyway")
            raise click.exceptions.Exit(EXIT_INPUT)
        if not quiet:
            _err(f"warning: {schedule_path} breaks {n} hard rule{'s' if n != 1 else ''}; rendering anyway (--force)")
    say = None if quiet else _err
    try:
        report = render_all(conf, schedule, outdir, templates=templates_dir, door_sheets=door_sheets,
                            pdf=not no_pdf, progress=say)
    except RenderError as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(f"{outdir}: cannot be written: {exc.strerror or exc}", "give a writable folder with -o")
    except KeyboardInterrupt:
        _err("Interrupted: the previous outputs are left as they were.")
        raise click.exceptions.Exit(EXIT_INTERRUPTED)
    if not quiet:
        for w in report.warnings:
            _err(f"warning: {w}")
        made = ", ".join(p.name for p in report.files if p.suffix in (".html", ".pdf") and p.name != "agenda.html")
        click.echo(f"Wrote {outdir}/: {made} ({len(report.files)} files, {report.seconds.get('total')} s).")


def main() -> None:  # pragma: no cover - console script
    cli(prog_name="niic-sched")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
