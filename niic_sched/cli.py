"""Command line: parse the options, call a use case (niic_sched.app), print its result.

Exceptions become exit codes in one place (EXIT_CODES, applied by
UseCaseCommand.invoke to every command): 0 done, 1 a checked schedule breaks a
hard rule, 2 bad input (nothing written), 3 no program exists, 4 no program
found within the limits (one may exist), 130 interrupted.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Callable

import click

from . import __version__, app
from .errors import InputError, NoProgram
from .program import BrokenRules
from .quality import table
from .solve import NotFound

EXIT_BROKEN, EXIT_INPUT, EXIT_NO_PROGRAM, EXIT_NOT_FOUND, EXIT_INTERRUPTED = 1, 2, 3, 4, 130


class Shown(Exception):
    """The command already printed its result; exit with the code of ``cause``."""

    def __init__(self, cause: BaseException):
        super().__init__(str(cause))
        self.cause = cause


# exception -> exit code; the first that matches wins
EXIT_CODES: tuple[tuple[type[BaseException], int], ...] = (
    (KeyboardInterrupt, EXIT_INTERRUPTED),
    (app.ScheduleBreaksRules, EXIT_BROKEN),       # check --schedule: the schedule breaks a hard rule
    (BrokenRules, EXIT_INPUT),                    # render/export refuse a rule-breaking schedule (app.Refused)
    (InputError, EXIT_INPUT),                     # bad input or a refused request (app.BadRequest)
    (OSError, EXIT_INPUT),                        # an output cannot be written (app.CannotWrite)
    (NoProgram, EXIT_NO_PROGRAM),
    (NotFound, EXIT_NOT_FOUND),
)


def exit_code(exc: BaseException) -> int | None:
    """The exit code for ``exc``; None for an exception that is a bug (it goes on)."""
    if isinstance(exc, Shown):
        exc = exc.cause
    for kind, code in EXIT_CODES:
        if isinstance(exc, kind):
            return code
    return None


def _plural(n: int, word: str, many: str = "") -> str:
    return f"{n} {word if n == 1 else many or word + 's'}"


def _listed(head: str, violations) -> str:
    return "\n".join([head] + [f"  {v}" for v in violations])


Text = str | Callable[[dict], str] | None


def message(exc: BaseException, *, nothing: str = "", interrupted: str = "", unwritable: str = "",
            bad_input: str = "") -> str:
    """What the user reads for ``exc`` (stderr). ``nothing`` says what was left
    untouched (after no program, none found, an interruption), ``unwritable`` how to
    fix an unwritable output, ``bad_input`` what follows a list of input problems."""
    more = f"\n{nothing}" if nothing else ""
    if isinstance(exc, Shown):
        return ""
    if isinstance(exc, KeyboardInterrupt):
        return interrupted or (f"Interrupted. {nothing}" if nothing else "Interrupted.")
    if isinstance(exc, app.ScheduleBreaksRules):
        return _listed(f"{exc.source}: {_plural(len(exc.violations), 'broken hard rule')}:", exc.violations)
    if isinstance(exc, InputError):
        return exc.summary() + (f"\n{bad_input}" if bad_input else "")
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if exc.filename else ""
        return (f"{where}cannot be written: {exc.strerror or exc}" + (f"\n    fix: {unwritable}" if unwritable else "")
                if isinstance(exc, app.CannotWrite) else f"{where}{exc.strerror or exc}")
    if isinstance(exc, NoProgram):
        ex = getattr(exc, "explanation", None)
        return (ex.text() if ex is not None else "No program exists: " + "; ".join(exc.reasons)) + more
    if isinstance(exc, NotFound):
        return f"No program found: {exc}" + more
    return str(exc)


class UseCaseCommand(click.Command):
    """A command whose failures are mapped to messages and exit codes here, and only here.

    ``nothing``, ``interrupted``, ``unwritable`` and ``bad_input`` are the command's
    words for ``message`` (a text, or a function of the command's parameters)."""

    def __init__(self, *args, nothing: Text = None, interrupted: Text = None, unwritable: Text = None,
                 bad_input: Text = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.texts = {"nothing": nothing, "interrupted": interrupted, "unwritable": unwritable,
                      "bad_input": bad_input}

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (Exception, KeyboardInterrupt) as exc:
            code = exit_code(exc)
            if code is None:
                raise
            words = {k: (v(ctx.params) if callable(v) else v) or "" for k, v in self.texts.items()}
            text = message(exc, **words)
            if text:
                _err(text)
            raise click.exceptions.Exit(code) from None


class Cli(click.Group):
    command_class = UseCaseCommand


def _err(msg: str) -> None:
    click.echo(msg, err=True)


def _progress(quiet: bool):
    return None if quiet else _err


@click.group(cls=Cli, context_settings={"help_option_names": ["-h", "--help"]})
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
        niic-sched generate demo/ --sessions 60   # a synthetic conference to try it all on

    Exit codes: 0 done, 1 a checked schedule breaks a hard rule, 2 bad input
    (nothing written), 3 no program exists, 4 none found within the time
    limit, 130 interrupted.
    """


FOLDER = click.argument("folder", default=".", type=click.Path(path_type=Path))
TIME_LIMIT_HELP = ("Seconds the whole command may use, including the explanation "
                   "when no program exists.")


def solver_options(command):
    """--time-limit, --seed and --workers, shared by solve and add."""
    for option in reversed((
            click.option("--time-limit", type=click.FloatRange(min=0.5), default=60.0, show_default=True,
                         help=TIME_LIMIT_HELP),
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
    result = app.check(folder, schedule_path, progress=_progress(quiet))
    conf = result.conf
    if schedule_path is None:
        if not quiet:
            click.echo(f"{conf.name}: inputs are sound: {len(conf.sessions)} sessions, {len(conf.rooms)} rooms, "
                       f"{len(conf.speakers)} speakers, {len(conf.slots)} slots over {len(conf.days)} days.")
        return
    if not quiet:   # the same quality report as solve prints, for any schedule (hand-made ones too)
        click.echo(table(result.quality))
    if not result.valid:
        raise app.ScheduleBreaksRules(str(schedule_path), result.violations)
    if not quiet:
        click.echo(f"{schedule_path}: valid: {len(result.schedule.assignments)} sessions placed, "
                   "every hard rule holds.")


def _moves(d, hint: str) -> None:
    from .diff import moves_report
    for line in moves_report(d, hint):
        _err(line)


@cli.command(nothing="Nothing written.", unwritable="give a writable path with -o")
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

    --time-limit is the budget of the whole command: when no program exists,
    the explanation (exit 3) comes within it too.

    \b
    Examples:
        niic-sched solve                      # the folder here, into program/schedule.yaml
        niic-sched solve conf/ -o out.yaml --time-limit 30 --seed 7
        niic-sched solve . --baseline program/schedule.yaml -o program/schedule-2.yaml
    """
    result = app.solve(folder, output, time_limit=time_limit, seed=seed, workers=workers,
                       deterministic=deterministic, baseline_path=baseline_path, keep_partial=keep_partial,
                       progress=_progress(quiet))
    if not quiet:
        _err(table(result.quality, result.report))
        _err(f"Wrote {result.output}: {len(result.schedule.assignments)} sessions placed ({result.status}, "
             f"{result.seconds} s).")
    if result.moves is not None:
        _moves(result.moves, f"Tell their speakers: niic-sched diff {baseline_path} {result.output} "
                             "--format csv -o notices.csv")
    if result.interrupted:
        _err(f"Interrupted: kept the best program found so far in {result.output}.")
        raise Shown(KeyboardInterrupt())


def _add_nothing(params: dict) -> str:
    folder = params["folder"]
    return f"Nothing changed: {folder / 'sessions'} and {folder / 'program' / 'schedule.yaml'} are as they were."


@cli.command("add", nothing=_add_nothing, bad_input="Nothing changed.",
             unwritable=lambda p: f"make {p['folder']} writable; {_add_nothing(p)}")
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
    result = app.add(list(files), folder, time_limit=time_limit, seed=seed, workers=workers,
                     progress=_progress(quiet))
    if not quiet:
        _err(table(result.quality, result.report))
    _moves(result.moves, f"Tell their speakers: niic-sched diff {result.version} {result.schedule_path} "
                         f"--dir {folder} --format csv -o notices.csv")
    n = len(result.copied)
    click.echo(f"Copied {_plural(n, 'file')} into {folder / 'sessions'}; kept the previous program as "
               f"{result.version}; wrote {result.schedule_path} ({len(result.schedule.assignments)} sessions placed).")


@cli.command("diff", unwritable="give a writable path with -o")
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
    result = app.diff(old, new, folder, fmt=fmt, output=output)
    if result.output is None:
        click.echo(result.data.decode("utf-8").lstrip("\ufeff"), nl=False)
    else:
        click.echo(f"Wrote {result.output}: {result.diff.summary()}.")


@cli.command()
@FOLDER
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Sentences for people, or JSON for tools.")
@click.option("--time-limit", type=click.FloatRange(min=0.5), default=60.0, show_default=True,
              help="Seconds the whole command may use.")
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
    ex = app.explain(folder, time_limit=time_limit).explanation
    if fmt == "json":
        click.echo(json.dumps(ex.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(ex.text())
    if ex.status == "infeasible":
        raise Shown(NoProgram([str(r) for r in ex.reasons], explanation=ex))
    if ex.status == "unknown":
        raise Shown(NotFound(ex.summary))


@cli.command(unwritable="give a writable path")
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
    result = app.template(out, force=force)
    click.echo(f"Wrote {result.out}: fill in its sheets (see its 'Read me' sheet), then run: "
               f"niic-sched check {result.out}")


@cli.command(unwritable="give a writable path for DST")
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
    result = app.convert(src, dst, force=force, progress=_progress(quiet))
    conf = result.conf
    if not quiet:
        click.echo(f"Wrote {result.dst}: {len(conf.sessions)} sessions, {len(conf.rooms)} rooms, "
                   f"{len(conf.speakers)} speakers, {len(conf.days)} days.")


@cli.command("export", unwritable="give a writable path with -o")
@FOLDER
@click.option("--schedule", "schedule_path", type=click.Path(path_type=Path), default=None,
              help="The schedule to export [default: FOLDER/program/schedule.yaml].")
@click.option("-f", "--format", "fmt", type=click.Choice(["xlsx", "ics", "frab-xml", "frab-json", "csv"]),
              required=True, help="xlsx agenda, ics calendar, frab XML/JSON for conference apps, or csv.")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="Where to write [default: FOLDER/program/agenda.xlsx, schedule.ics, schedule.xml, "
                   "schedule.json or sessions.csv].")
@click.option("--language", default=None, metavar="L",
              help="The language of its words and titles: one of the conference's `languages` "
                   "[default: the main language].")
@click.option("--force", is_flag=True, help="Export even a schedule that breaks hard rules.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing when all is well.")
def export_program(folder, schedule_path, fmt, output, language, force, quiet):
    """Export a solved program for printing, calendars and conference apps.

    A schedule that breaks a hard rule is refused (exit 2, nothing written)
    unless --force.

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
        niic-sched export . --format xlsx --language es -o program/agenda-es.xlsx
    """
    result = app.export(folder, fmt, schedule_path, output, force=force, progress=_progress(quiet),
                        language=language)
    if not quiet:
        click.echo(f"Wrote {result.output} ({result.fmt}, {result.sessions} sessions).")


@cli.command("render", interrupted="Interrupted: the previous outputs are left as they were.",
             unwritable="give a writable folder with -o")
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
    the file system. One edition per language of the conference (`languages`
    in conference.yaml): the main one in the output folder, every other
    language L in L/ with its booklet program-L.pdf; each page links the same
    page in the other editions. A schedule that breaks a hard rule is refused
    (exit 2) unless --force. Outputs are replaced only once all are rendered.

    \b
    Examples:
        niic-sched render                          # program/schedule.yaml -> program/
        niic-sched render . -o site --door-sheets
        niic-sched render . --templates my-templates --no-pdf
    """
    result = app.render(folder, schedule_path, outdir, templates_dir=templates_dir, door_sheets=door_sheets,
                        pdf=not no_pdf, force=force, progress=_progress(quiet))
    if not quiet:
        made = ", ".join(p.relative_to(result.outdir).as_posix() for p in result.files
                         if p.suffix == ".pdf" or p.name == "index.html")
        click.echo(f"Wrote {result.outdir}/: {made} ({len(result.files)} files, {result.seconds.get('total')} s).")


@cli.command(unwritable="give a writable folder")
@click.argument("out", type=click.Path(path_type=Path))
@click.option("--sessions", type=int, default=60, show_default=True, help="Sessions to write into OUT/sessions/.")
@click.option("--rooms", type=int, default=12, show_default=True, help="Rooms (one large hall, the rest smaller).")
@click.option("--days", type=int, default=3, show_default=True, help="Conference days.")
@click.option("--slots", type=int, default=5, show_default=True, help="Slots per day (the first is the plenary).")
@click.option("--attendees", type=int, default=None, help="Attendees who register interests [default: the generator's].")
@click.option("--late", type=int, default=0, show_default=True,
              help="Late proposals to write into OUT/late/ (for niic-sched add).")
@click.option("--seed", type=int, default=1, show_default=True, help="Random seed: the same seed, the same folder.")
@click.option("--force", is_flag=True, help="Write into OUT even if it already holds a conference.")
def generate(out, sessions, rooms, days, slots, attendees, late, seed, force):
    """Write a synthetic conference folder that has a program (to try niic-sched on).

    The conference is feasible by construction: a hidden timetable is drawn
    first and every requirement (room sizes and features, speaker availability,
    session order) is chosen so that it holds.

    \b
    Examples:
        niic-sched generate demo/ --sessions 60 --rooms 12 --days 3 --slots 5
        niic-sched check demo/ && niic-sched solve demo/ --time-limit 10
        niic-sched generate big/ --sessions 1000 --rooms 60 --days 4 --slots 6 --seed 2
        niic-sched generate late-demo/ --late 16       # + 16 proposals in late-demo/late/ for add
    """
    result = app.generate(out, sessions=sessions, rooms=rooms, days=days, slots=slots, attendees=attendees,
                          late=late, seed=seed, force=force)
    click.echo(f"Wrote {result.out}: {_generated(result.summary, result.out)}.")
    click.echo(f"Next: niic-sched check {result.out}, then niic-sched solve {result.out} --time-limit 10")


def _generated(summary, out: Path) -> str:
    """"60 sessions (3 plenaries, 4 trainings), 12 rooms, 51 speakers, ..." from a GeneratedSummary."""
    def n(key):
        value = getattr(summary, key, None)
        return value if isinstance(value, int) else None
    parts = []
    if n("sessions") is not None:
        inner = [_plural(n(k), *w) for k, w in (("plenaries", ("plenary", "plenaries")),
                                                 ("trainings", ("training",))) if n(k)]
        parts.append(_plural(n("sessions"), "session") + (f" ({', '.join(inner)})" if inner else ""))
    for key, word in (("rooms", "room"), ("speakers", "speaker")):
        if n(key) is not None:
            parts.append(_plural(n(key), word))
    if n("attendees"):
        parts.append(_plural(n("attendees"), "attendee") + (f" with {_plural(n('interests'), 'interest')} "
                                                            "in interests.csv" if n("interests") else ""))
    if n("late"):
        parts.append(f"{_plural(n('late'), 'late proposal')} in {out / 'late'}")
    return ", ".join(parts) or str(summary)


def main() -> None:  # pragma: no cover - console script
    cli(prog_name="niic-sched")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
