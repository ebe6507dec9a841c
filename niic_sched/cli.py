"""Command line: parse the options, call a use case (niic_sched.app), print its result.

Exceptions become exit codes in one place (EXIT_CODES, applied by
UseCaseCommand.invoke to every command): 0 done, 1 a checked schedule (or a
move) breaks a hard rule, 2 bad input (nothing written), 3 no program exists, 4 no program
found within the limits (one may exist), 130 interrupted.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Callable

import click

from . import __version__, app
from .errors import InputError, NoProgram
from .program import BrokenRules
from .quality import table
from .solve import NotFound
from .text import plural, printable

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


_plural = plural    # "1 day", "3 days" (text.plural)


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


def _echo(text: str = "", *, err: bool = False, nl: bool = True) -> None:
    """Every line the command line prints goes through here: control characters from
    the inputs (a terminal escape sequence in a title or a name) are shown escaped
    (text.printable), never sent to the terminal; the lines of the message stay lines."""
    click.echo(printable(str(text)), err=err, nl=nl)


def _err(msg: str) -> None:
    _echo(msg, err=True)


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
        niic-sched where s0013                 # where else could a session go?
        niic-sched move s0013 --to 2014-12-08 13:30 r104 --write
        niic-sched diff program/versions/schedule-1.yaml program/schedule.yaml
        niic-sched generate demo/ --sessions 60   # a synthetic conference to try it all on
        niic-sched interests import ../survey.csv  # interests.csv from a registration survey
        niic-sched letters                    # a confirmation letter to every speaker

    Exit codes: 0 done, 1 a checked schedule (or a move) breaks a hard rule,
    2 bad input (nothing written), 3 no program exists, 4 none found within
    the time limit, 130 interrupted.
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
            _echo(f"{conf.name}: inputs are sound: {plural(len(conf.sessions), 'session')}, "
                  f"{plural(len(conf.rooms), 'room')}, {plural(len(conf.speakers), 'speaker')}, "
                  f"{plural(len(conf.slots), 'slot')} over {plural(len(conf.days), 'day')}.")
        return
    if not quiet:   # the same quality report as solve prints, for any schedule (hand-made ones too)
        _echo(table(result.quality))
    if not result.valid:
        raise app.ScheduleBreaksRules(str(schedule_path), result.violations)
    if not quiet:
        _echo(f"{schedule_path}: valid: {plural(len(result.schedule.assignments), 'session')} placed, "
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
        _err(f"Wrote {result.output}: {plural(len(result.schedule.assignments), 'session')} placed ({result.status}, "
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
@click.option("--no-render", is_flag=True,
              help="Do not re-make the outputs of the old program (site, PDFs, exports, letters); list them as stale.")
@click.option("-q", "--quiet", is_flag=True, help="No progress on stderr (the list of moves is still printed).")
def add(files, folder, time_limit, seed, workers, no_render, quiet):
    """Add late proposals to a published program, moving as little as possible.

    Copies FILES (session YAML files) into DIR/sessions/, re-solves against
    DIR/program/schedule.yaml (published sessions keep their day, time and
    room whenever the hard rules allow), keeps the replaced schedule as
    DIR/program/versions/schedule-<N>.yaml and writes the new one.

    Nothing changes unless everything succeeds: an id already used in the
    folder, a bad file, no possible program or an interruption leave
    sessions/ and program/ as they were (exit 2, 3, 4 or 130).

    Then every output made from the old program (the site with its "What
    changed" page, program.pdf and the handout changes.pdf, door sheets,
    exports, letters) is made again from the new one, with the options it was
    made with; --no-render lists them as stale instead, with the commands that
    bring them up to date.

    \b
    Examples:
        niic-sched add late/*.yaml                     # the conference folder here
        niic-sched add new/s0120.yaml --dir niic2014/ --time-limit 30
        niic-sched diff program/versions/schedule-1.yaml program/schedule.yaml --format csv -o notices.csv
    """
    result = app.add(list(files), folder, time_limit=time_limit, seed=seed, workers=workers,
                     render_outputs=not no_render, progress=_progress(quiet))
    if not quiet:
        _err(table(result.quality, result.report))
    _moves(result.moves, f"Tell their speakers: niic-sched diff {result.version} {result.schedule_path} "
                         f"--dir {folder} --format csv -o notices.csv")
    n = len(result.copied)
    _echo(f"Copied {_plural(n, 'file')} into {folder / 'sessions'}; kept the previous program as "
               f"{result.version}; wrote {result.schedule_path} ({plural(len(result.schedule.assignments), 'session')} "
               "placed).")
    _refreshed(result.refreshed, folder)
    if result.refreshed is not None and result.refreshed.interrupted:
        raise Shown(KeyboardInterrupt())


def _refreshed(r, folder) -> None:
    """What app.refresh did: the outputs made again, those that failed, those left stale."""
    from .outputs import rel, stale_lines
    if r is None:
        return
    from .io.excel import conference_home
    home = conference_home(folder)
    for job, done in r.done:
        made = [rel(home, p) for p in getattr(done, "files", None) or [getattr(done, "output", None)] if p]
        shown = [m for m in made if m.endswith((".pdf", ".csv", ".xlsx", ".ics", ".xml", ".json"))
                 or m.endswith(("index.html", "changes.html"))]
        more = len(made) - len(shown)
        _echo(f"Brought up to date: {', '.join(shown)}" + (f" (+{more} files of the site)" if more > 0 else "")
                   + ".")
        for p in getattr(done, "removed", []) or []:
            _echo(f"Removed {rel(home, p)}: it showed the earlier program.")
    for item, text in r.failed:
        _err(f"Could not bring {', '.join(rel(home, p) for p in item.files[:4])} up to date: {text}")
        _err(f"    they are stale: run {item.command(folder)}")
    if r.interrupted:
        _err("Interrupted while bringing the outputs up to date: the new program is written.")
    for line in stale_lines(folder, r.stale):
        _err(line)


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
    change, old, new, email (UTF-8 with BOM, for a mail merge; private: it
    holds the speakers' emails).

    \b
    Examples:
        niic-sched diff program/versions/schedule-1.yaml program/schedule.yaml
        niic-sched diff s1.yaml s2.yaml --dir conf/ --format markdown -o changes.md
        niic-sched diff s1.yaml s2.yaml --format csv -o notices.csv
    """
    result = app.diff(old, new, folder, fmt=fmt, output=output)
    if result.output is None:
        _echo(result.data.decode("utf-8").lstrip("\ufeff"), nl=False)
    else:
        _echo(f"Wrote {result.output}: {result.diff.summary()}.")


# -- what if: where and move -------------------------------------------------------------------------------------
def _shown(text) -> str:
    """Text from the inputs for the terminal: control characters escaped."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(text))


def _name(text) -> str:
    """A title or a name for the terminal: escaped, and isolated when it runs right to left."""
    from .i18n import isolate
    return isolate(_shown(text))


def _session_line(s) -> str:
    return f"{s.id} “{_name(s.title)}” ({s.format}{', ' + _shown(s.track) if s.track else ''}, {s.duration} min)"


def _deltas(changed) -> str:
    return ", ".join(d.text for d in changed) or "no soft goal changes"


@cli.command("where")
@click.argument("session")
@FOLDER
@click.option("--schedule", "schedule_path", type=click.Path(path_type=Path), default=None,
              help="The schedule to look in [default: FOLDER/program/schedule.yaml].")
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True,
              help="How many placements to list (and, with --all, how many breaking ones).")
@click.option("--all", "include_breaking", is_flag=True,
              help="Also list the best placements that break a hard rule, each with what it breaks.")
@click.option("-q", "--quiet", is_flag=True, help="No input warnings on stderr.")
def where_session(session, folder, schedule_path, top, include_breaking, quiet):
    """Where else could SESSION go? The best other placements in the schedule.

    Every start of the slot grid that holds the session, in every room, is
    tried against the hard rules; those that keep them all are listed first,
    ranked by the change of the weighted soft goals (lowest first: negative
    is better), each goal's change named. Each line starts with
    DAY START ROOM, ready to paste after move --to.

    \b
    Examples:
        niic-sched where s0013                  # the folder here, program/schedule.yaml
        niic-sched where s0013 conf/ --top 5
        niic-sched where s0013 --all            # + the best ones that break a rule, and why
        niic-sched move s0013 --to 2014-12-08 13:30 r104
    """
    result = app.where(session, folder, schedule_path, top=top, include_breaking=include_breaking,
                       progress=_progress(quiet))
    found = result.alternatives
    s, now = found.session, found.current
    _echo(f"{_session_line(s)} is {'at ' + now.to if now else 'not placed'} in {result.schedule_path}.")
    if s.pin is not None:
        _echo(f"It is pinned ({_shown(s.pin)}, {s.at('pin')}): a placement elsewhere breaks its pin; "
                   "move --pin moves the pin with it.")
    width = max([len(a.spot.to) for a in found.feasible + found.breaking] + [16])
    if found.feasible:
        more = f"; the best {len(found.feasible)}" if found.n_feasible > len(found.feasible) else ""
        verb = "keeps" if found.n_feasible == 1 else "keep"
        _echo(f"{_plural(found.n_feasible, 'other placement' if now else 'placement')} {verb} every hard "
                   f"rule{more}, by cost change (negative is better):")
        for a in found.feasible:
            _echo(f"  {a.spot.to:<{width}}  {a.cost:+6d}  {_deltas(a.changed)}")
    else:
        _echo(f"No {'other ' if now else ''}placement keeps every hard rule "
                   f"({_plural(found.n_breaking, 'placement')} over {_plural(found.n_starts, 'start')} {'breaks' if found.n_breaking == 1 else 'break'} one"
                   + ("" if include_breaking or not found.n_breaking else "; --all lists the best of them") + ").")
    if include_breaking and found.breaking:
        _echo(f"Breaking a hard rule (the best {len(found.breaking)} of {found.n_breaking}: fewest rules "
                   "broken, then cost change):")
        for a in found.breaking:
            _echo(f"  {a.spot.to:<{width}}  {a.cost:+6d}  {_deltas(a.changed)}")
            for v in a.violations[:3]:
                _echo(f"      breaks {_shown(v)}")
            if len(a.violations) > 3:
                _echo(f"      and {len(a.violations) - 3} more "
                           f"(niic-sched move {s.id} --to {a.spot.to} lists them)")
    elif found.n_breaking and found.feasible:
        verb = "breaks" if found.n_breaking == 1 else "break"
        _echo(f"{_plural(found.n_breaking, 'more placement')} {verb} a hard rule (--all lists the best).")
    best = found.feasible[0] if found.feasible else None
    if best is not None:
        _echo(f"Try one: niic-sched move {s.id} --to {best.spot.to}")


def _split_to(to: str, rest: tuple, folder_opt):
    """--to DAY START [ROOM] [DIR]: the values after --to, quoted together or not."""
    parts = str(to).split() + list(rest)
    usage = "--to takes DAY START [ROOM], e.g. --to 2014-12-08 13:30 r101 (then, optionally, the folder)"
    if len(parts) < 2 or len(parts) > 4 or (len(parts) == 4 and folder_opt is not None):
        raise click.UsageError(usage)
    day, start, room, folder = parts[0], parts[1], None, folder_opt
    if len(parts) == 4:
        room, folder = parts[2], Path(parts[3])
    elif len(parts) == 3:
        third = Path(parts[2])
        is_conference = (third.is_dir() and (third / "conference.yaml").is_file()) or third.suffix.lower() == ".xlsx"
        if folder_opt is None and is_conference:
            folder = third
        else:
            room = parts[2]
    return day, start, room, folder if folder is not None else Path(".")


@cli.command("move", unwritable="make the conference folder writable; nothing was changed")
@click.argument("session")
@click.option("--to", "to", required=True, metavar="DAY START [ROOM]",
              help="Where to: the day (YYYY-MM-DD, or a weekday), the start of a slot (HH:MM) and, "
                   "optionally, the room id (as where prints them).")
@click.argument("rest", nargs=-1, metavar="[DIR]")
@click.option("--dir", "folder_opt", type=click.Path(path_type=Path), default=None,
              help="The conference folder or workbook [default: the one here, or DIR].")
@click.option("--schedule", "schedule_path", type=click.Path(path_type=Path), default=None,
              help="The schedule to change [default: FOLDER/program/schedule.yaml].")
@click.option("--write", is_flag=True,
              help="Write the new schedule (the previous one is kept in program/versions/). "
                   "Without it nothing is written.")
@click.option("--pin", is_flag=True,
              help="Also pin the session there: pin: {day, start, room} in its YAML file, "
                   "comments and layout kept (with --write; folders only, not workbooks).")
@click.option("--force", is_flag=True, help="With --write: write the move even though it breaks a hard rule.")
@click.option("--no-render", is_flag=True,
              help="With --write: do not re-make the outputs of the old program (site, PDFs, exports, letters); "
                   "list them as stale.")
@click.option("-q", "--quiet", is_flag=True, help="No input warnings on stderr.")
def move_session(session, to, rest, folder_opt, schedule_path, write, pin, force, no_render, quiet):
    """What if SESSION moved to DAY START [ROOM]? Checks it, and writes it with --write.

    Every hard rule is checked on the schedule with the session moved (in
    sentences naming the rule, the speaker, the room and the sessions); the
    change of each soft goal and the speakers of the session are printed.
    Without ROOM the session keeps its room if the room is free then and fits
    it, else the best room that is gets chosen, and the command says which.

    Nothing is written without --write. With --write the new schedule replaces
    FOLDER/program/schedule.yaml (atomically) and the previous one is kept as
    program/versions/schedule-<N>.yaml, as add does; --pin also pins the
    session in its file. A move that breaks a hard rule is not written
    unless --force. The outputs made from the old program (site, PDFs,
    exports, letters) are then made again (--no-render: listed as stale).

    Exit codes: 0 the move keeps every hard rule, 1 it breaks one (written
    only with --force), 2 an unknown session, day, start or room (nothing
    written).

    \b
    Examples:
        niic-sched where s0013                            # where could it go?
        niic-sched move s0013 --to 2014-12-08 13:30       # keep its room if it can
        niic-sched move s0013 --to 2014-12-08 13:30 r104 conf/
        niic-sched move s0013 --to Monday 13:30 r104 --write --pin
        niic-sched diff program/versions/schedule-1.yaml program/schedule.yaml
    """
    day, start, room, folder = _split_to(to, rest, folder_opt)
    result = app.move(session, day, start, room, folder, schedule_path, write=write, pin=pin, force=force,
                      progress=_progress(quiet))
    v = result.verdict
    s = v.session
    _echo(f"{_session_line(s)}: {v.current.to if v.current else 'not placed'} -> {v.target.to}")
    if not v.room_given and v.room_note:
        _echo(f"  room: {_shown(v.room_note)}")
    if not v.moves:
        _echo(f"{s.id} is already there." + ("" if pin else " Nothing to move."))
    if v.violations:
        _echo(f"Breaks {_plural(len(v.violations), 'hard rule')}:")
        for x in v.violations:
            _echo(f"  {_shown(x)}")
    else:
        _echo("Every hard rule holds" + (" (with the new pin)." if pin else "."))
    if v.fixed:
        _echo("No longer broken:")
        for x in v.fixed:
            _echo(f"  {_shown(x)}")
    _echo(f"Soft goals (count before -> after, cost change; total {v.before_total} -> {v.after_total}, "
               f"{v.after_total - v.before_total:+d}):")
    for d in v.deltas:
        mark = f"{d.cost:+d}" if d.delta else "0"
        _echo(f"  {d.label:<44} {d.before:>5} -> {d.after:<5} {mark:>6}")
    names = ", ".join(f"{_name(p.name)} ({p.id})" for p in v.speakers)
    _echo(f"Speakers affected: {names}." if v.moves and names else
               "Speakers affected: none." if v.moves else "Speakers affected: none (nothing moves).")
    if result.written:
        parts = []
        if result.version is not None:
            parts.append(f"wrote {result.schedule_path}; kept the previous schedule as {result.version}")
        if pin and result.pin_file is not None:
            parts.append(f"pinned {s.id} in {result.pin_file}")
        _echo(_upper(("; ".join(parts)) + ".") + (" (--force: it breaks hard rules)" if v.breaks else ""))
        if result.version is not None:
            _echo(f"Tell its speakers: niic-sched diff {result.version} {result.schedule_path} "
                       f"--dir {folder} --format csv -o notices.csv")
            # the outputs made from the old program: made again (or listed as stale)
            _refreshed(app.refresh(folder, render_outputs=not no_render, progress=_progress(quiet)), folder)
    elif result.refused:
        _echo(f"Nothing written: the move breaks {_plural(len(v.violations), 'hard rule')} "
                   "(--force writes it all the same).")
    elif v.moves or pin:
        what = "the schedule" + (f" and the pin in {result.pin_file}" if pin and result.pin_file else "")
        _echo(f"Nothing written (a preview): add --write to write {what}.")
    if v.breaks:
        raise Shown(app.ScheduleBreaksRules(str(result.schedule_path), list(v.violations)))


def _upper(text: str) -> str:
    return text[:1].upper() + text[1:]


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
        _echo(json.dumps(ex.to_dict(), ensure_ascii=False, indent=2))
    else:
        _echo(ex.text())
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
    _echo(f"Wrote {result.out}: fill in its sheets (see its 'Read me' sheet), then run: "
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
        _echo(f"Wrote {result.dst}: {plural(len(conf.sessions), 'session')}, {plural(len(conf.rooms), 'room')}, "
              f"{plural(len(conf.speakers), 'speaker')}, {plural(len(conf.days), 'day')}.")


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
@click.option("--deterministic", is_flag=True,
              help="Reproducible bytes: the ics DTSTAMP is SOURCE_DATE_EPOCH when set, else midnight UTC of the "
                   "first conference day (SOURCE_DATE_EPOCH alone does the same).")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing when all is well.")
def export_program(folder, schedule_path, fmt, output, language, force, deterministic, quiet):
    """Export a solved program for printing, calendars and conference apps.

    A schedule that breaks a hard rule is refused (exit 2, nothing written)
    unless --force.

    \b
    Formats:
        xlsx       printable agenda: a sheet per day (rooms x times) and a full list
        ics        calendar file; re-exports after a re-solve update, never duplicate
                   (floating local times when conference.yaml has no time_zone)
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
    result = app.export(folder, fmt, schedule_path, output, force=force, deterministic=deterministic,
                        progress=_progress(quiet), language=language)
    if not quiet:
        _echo(f"Wrote {result.output} ({result.fmt}, {plural(result.sessions, 'session')}).")


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
@click.option("--no-pdf", is_flag=True,
              help="Only the HTML site (no WeasyPrint); a program.pdf (door-sheets.pdf, changes.pdf) of an earlier "
                   "program in the folder is removed, as it would be stale.")
@click.option("--since", metavar="VERSION", default=None,
              help="The \"What changed\" page and changes.pdf compare with this version (a number N of "
                   "program/versions/schedule-N.yaml, or any schedule file) [default: the printed program, "
                   "the first version].")
@click.option("--force", is_flag=True, help="Render even a schedule that breaks hard rules.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing when all is well.")
def render_program(folder, schedule_path, outdir, templates_dir, door_sheets, no_pdf, since, force, quiet):
    """Render the program: a static HTML site and a printable PDF booklet.

    Writes index.html (grid per day), sessions/tracks/rooms/speakers pages, a
    personal agenda page with .ics export, assets/, and program.pdf (cover,
    day grids, listing, speaker index, rooms). The site works offline from
    the file system. One edition per language of the conference (`languages`
    in conference.yaml): the main one in the output folder, every other
    language L in L/ with its booklet program-L.pdf; each page links the same
    page in the other editions. Once program/versions/ holds the printed
    program (add and move --write keep it there), the site marks sessions
    NEW or MOVED, changes.html lists what is new, moved and cancelled, and
    changes.pdf is a one- or two-page handout of it (--since compares with
    another version). A schedule that breaks a hard rule is refused (exit 2)
    unless --force. Outputs are replaced only once all are rendered.

    \b
    Examples:
        niic-sched render                          # program/schedule.yaml -> program/
        niic-sched render . -o site --door-sheets
        niic-sched render . --templates my-templates --no-pdf
    """
    result = app.render(folder, schedule_path, outdir, templates_dir=templates_dir, door_sheets=door_sheets,
                        pdf=not no_pdf, force=force, since=since, progress=_progress(quiet))
    from .outputs import rel, stale_lines
    from .io.excel import conference_home
    for p in result.removed:
        _err(f"Removed {rel(conference_home(folder), p)}: it showed an earlier program"
             + (" (render without --no-pdf to print a current one)." if no_pdf else "."))
    if result.changes is not None and not quiet:
        _err(f"What changed: {result.changes.summary()} ({result.changes.reference.path}).")
    for line in stale_lines(folder, result.stale):
        _err(line)
    if not quiet:
        made = ", ".join(p.relative_to(result.outdir).as_posix() for p in result.files
                         if p.suffix == ".pdf" or p.name == "index.html")
        _echo(f"Wrote {result.outdir}/: {made} ({plural(len(result.files), 'file')}, {result.seconds.get('total')} s).")


@cli.command("letters", nothing="Nothing written.", unwritable="make FOLDER/program/ writable")
@FOLDER
@click.option("--schedule", "schedule_path", type=click.Path(path_type=Path), default=None,
              help="The schedule the letters confirm [default: FOLDER/program/schedule.yaml].")
@click.option("--format", "formats", type=click.Choice(["pdf", "csv"]), multiple=True,
              help="pdf: FOLDER/program/letters/<speaker-id>.pdf; csv: FOLDER/program/letters.csv for a mail "
                   "merge. Repeatable [default: both].")
@click.option("--speaker", "speakers", multiple=True, metavar="ID",
              help="Only this speaker's letter (to send one again); letters.csv then holds only their rows. "
                   "Repeatable.")
@click.option("--force", is_flag=True, help="Write letters even for a schedule that breaks hard rules.")
@click.option("-q", "--quiet", is_flag=True, help="Print only warnings.")
def letters_command(folder, schedule_path, formats, speakers, force, quiet):
    """Write a confirmation letter to every speaker of a scheduled session.

    Each letter lists the speaker's sessions: day, time and room, format and
    track, co-speakers, the room's features and seats, the language and the
    interpretation offered, and the contact details on file. It is written
    in the speaker's `language` (speakers.yaml) when the program has a
    catalog for it, else in the conference's language.

    The letters and letters.csv (speaker_id, email, name, language, subject,
    text) are PRIVATE: they hold emails and phone numbers. Do not publish
    them with the site (copy the site's files, not all of program/).

    \b
    Examples:
        niic-sched letters                         # program/letters/*.pdf and program/letters.csv
        niic-sched letters . --format csv           # only the mail-merge file
        niic-sched letters . --speaker p0001        # one letter again
        niic-sched letters niic2014.xlsx --schedule program/schedule-2.yaml
    """
    result = app.letters(folder, schedule_path, formats=formats or app.LETTER_FORMATS, speakers=speakers,
                         force=force, progress=_progress(quiet))
    from .io.excel import conference_home
    from .outputs import rel
    home = conference_home(folder)
    pdfs = [p for p in result.files if p.suffix == ".pdf"]
    csvs = [p for p in result.files if p.suffix == ".csv"]
    if result.no_email:
        _err(f"warning: {_plural(len(result.no_email), 'speaker')} without an email in speakers.yaml "
             f"({', '.join(result.no_email[:8])}{', ...' if len(result.no_email) > 8 else ''}): "
             "their letters must go another way")
    for pid, wanted in result.fallback:
        _err(f"warning: speaker {pid}: no catalog for language {wanted!r}; the letter is in the conference's "
             "language")
    for p in result.removed:
        _err(f"Removed {rel(home, p)}: its speaker has no scheduled session any more.")
    if not quiet:
        parts = []
        if pdfs:
            parts.append(f"{_plural(len(pdfs), 'letter')} in {rel(home, pdfs[0].parent)}/")
        if csvs:
            parts.append(f"{rel(home, csvs[0])} ({_plural(len(result.letters), 'row')})")
        languages = sorted({x.language for x in result.letters})
        _echo(f"Wrote {' and '.join(parts) or 'nothing'}, for {_plural(len(result.letters), 'speaker')} "
                   f"(languages: {', '.join(languages) or 'none'}). Private: they hold emails and phone numbers.")


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
    _echo(f"Wrote {result.out}: {_generated(result.summary, result.out)}.")
    _echo(f"Next: niic-sched check {result.out}, then niic-sched solve {result.out} --time-limit 10")


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


@cli.group(cls=Cli)
def interests():
    """Attendee interests (DIR/interests.csv): who wants to attend what.

    \b
    Examples:
        niic-sched interests import ~/Downloads/registration.csv
        niic-sched interests import responses.xlsx --dir niic2014/ --dry-run
    """


def _pick(ctx, param, values):
    """--pick ROW=SESSION (ROW may be a list: 3,7,12=s0008) -> [(row, session)]."""
    out = []
    for value in values:
        rows, eq, sid = value.partition("=")
        try:
            numbers = [int(r) for r in rows.split(",")]
        except ValueError:
            numbers = []
        if not eq or not sid.strip() or not numbers or min(numbers) < 1:
            raise click.BadParameter(f"{value!r}: write ROW=SESSION, e.g. --pick 7=s0012 (the row the report "
                                     "shows beside the ambiguous answer)", ctx=ctx, param=param)
        out.extend((n, sid.strip()) for n in numbers)
    return out


@interests.command("import", nothing="Nothing written.", unwritable="make the conference folder writable")
@click.argument("survey", type=click.Path(path_type=Path))
@click.option("--dir", "folder", type=click.Path(path_type=Path), default=Path("."), show_default=True,
              help="The conference folder: its sessions are matched, its interests.csv written.")
@click.option("--format", "shape", type=click.Choice(["auto", "long", "choices", "columns"]), default="auto",
              show_default=True, help="long: a row per attendee and session; choices: a multi-choice cell per "
                                      "attendee; columns: a column per session; auto: found from the file.")
@click.option("--attendee-column", metavar="NAME", default=None,
              help="The column naming each respondent (a header or a column letter) [default: an email, attendee, "
                   "respondent id or name column, else the first].")
@click.option("--column", metavar="NAME", default=None,
              help="The answer column of the long and choices formats [default: the one naming sessions most].")
@click.option("--sheet", default=None, help="The sheet of an .xlsx survey [default: the first].")
@click.option("--cutoff", type=click.FloatRange(0.5, 1.0), default=0.85, show_default=True,
              help="How similar (difflib ratio) an answer must be to a title to match it fuzzily.")
@click.option("--pick", "picks", multiple=True, metavar="ROW=SESSION", callback=_pick,
              help="Resolve the ambiguous answer of row ROW (as the report numbers it) as SESSION. Repeatable.")
@click.option("--skip-ambiguous", is_flag=True, help="Skip the ambiguous answers instead of refusing to write.")
@click.option("--salt", default=None,
              help="The secret the attendees are hashed with [default: DIR/.interests-salt, made once].")
@click.option("--force", is_flag=True, help="Replace an existing DIR/interests.csv (it is not kept as a version).")
@click.option("--dry-run", is_flag=True, help="Print the report, write nothing.")
@click.option("-q", "--quiet", is_flag=True, help="Print only warnings (unmatched and skipped answers).")
def interests_import(survey, folder, shape, attendee_column, column, sheet, cutoff, picks, skip_ambiguous, salt,
                     force, dry_run, quiet):
    """Turn a registration survey into DIR/interests.csv.

    SURVEY is a form tool's export (Google Forms, SurveyMonkey, Typeform,
    Eventbrite): a UTF-8 CSV or an .xlsx (its first sheet, or --sheet), in
    one of three shapes: a row per attendee and session (long), a multi-choice
    cell per attendee holding titles or ids (choices; separated by ; or , --
    titles that hold commas are recognised), or a column per session headed by
    its title or id (columns; any cell but blank, no, 0 or false counts).

    Answers match sessions by id or title whatever the case, accents,
    punctuation and spacing, then fuzzily (--cutoff); every fuzzy match is
    listed with what it matched. Unmatched answers are listed and skipped.
    An ambiguous answer (it fits several sessions) stops the import, nothing
    written (exit 2), until --pick ROW=SESSION or --skip-ambiguous.

    Attendees are written as salted hashes: no name or email of the survey
    enters the folder (the salt is DIR/.interests-salt; keep it private).

    \b
    Examples:
        niic-sched interests import ../registration.csv --dry-run
        niic-sched interests import ../registration.csv --pick 14=s0017
        niic-sched interests import responses.xlsx --dir niic2014/ --format columns --force
    """
    try:
        result = app.import_interests(survey, folder, shape=None if shape == "auto" else shape,
                                      attendee_column=attendee_column, column=column, sheet=sheet, cutoff=cutoff,
                                      picks=picks, skip_ambiguous=skip_ambiguous, salt=salt, force=force,
                                      dry_run=dry_run, progress=_progress(quiet))
    except app.SurveyRefused as exc:
        if not quiet:
            _echo("\n".join(exc.imported.report()))
        raise
    if not quiet:
        _echo("\n".join(result.report()))
    outcome = result.outcome
    skipped = len(outcome.unmatched) + outcome.ambiguous_skipped
    if skipped:
        parts = [_plural(len(outcome.unmatched), "unmatched answer")] if outcome.unmatched else []
        parts += [_plural(outcome.ambiguous_skipped, "ambiguous answer")] if outcome.skipped else []
        _err(f"warning: {' and '.join(parts)} skipped: {'they are' if skipped != 1 else 'it is'} not in "
             f"{result.output.name}" + (" (listed above)" if not quiet else " (run without --quiet to see them)"))
    if outcome.parsed.no_attendee:
        _err(f"warning: {_plural(len(outcome.parsed.no_attendee), 'row')} with answers but no attendee skipped")
    what = f"{_plural(len(result.rows), 'row')} for {_plural(result.attendees, 'attendee')}"
    if result.written:
        if not quiet:
            _echo(f"Wrote {result.output}: {what}, pseudonymised with {result.salt}"
                       + (" (replaced the previous one)." if result.replaced else "."))
    else:
        _echo(f"Dry run, nothing written: {result.output} would get {what}"
                   + (" (it exists: replacing it needs --force)." if result.replaced and not force else "."))


def main() -> None:  # pragma: no cover - console script
    try:
        cli(prog_name="niic-sched")
    except SystemExit as exc:
        if exc.code == EXIT_INTERRUPTED:
            # Ctrl-C: the message is out and nothing is half-written (atomic writes, cleaned up on
            # the way here); skip the interpreter's teardown of a large model (a 1000-session
            # explanation spent up to half a second freeing it) so the command ends at once
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(EXIT_INTERRUPTED)
        raise


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
