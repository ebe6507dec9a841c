"""Command line: thin click commands that wire loaders, solver and writers.

Exit codes: 0 done, 2 bad input (nothing written), 3 no program exists,
4 no program found within the limits (one may exist), 130 interrupted.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__
from .check import check_schedule
from .errors import InputError, NoProgram
from .io import load
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
        niic-sched check . --schedule program/schedule.yaml

    Exit codes: 0 done, 2 bad input (nothing written), 3 no program exists,
    4 none found within the time limit, 130 interrupted.
    """


FOLDER = click.argument("folder", default=".", type=click.Path(path_type=Path))


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
@click.option("--time-limit", type=click.FloatRange(min=0.5), default=60.0, show_default=True,
              help="Seconds the solver may use.")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed of the solver.")
@click.option("--workers", type=click.IntRange(min=0), default=0,
              help="Solver threads [default: all cores].")
@click.option("--deterministic", is_flag=True,
              help="Stop on a work limit instead of the clock: same inputs, seed and workers give the same file.")
@click.option("-q", "--quiet", is_flag=True, help="No progress on stderr.")
def solve(folder, output, time_limit, seed, workers, deterministic, quiet):
    """Assign every session a room and a time, never breaking a hard rule.

    \b
    Examples:
        niic-sched solve                      # the folder here, into program/schedule.yaml
        niic-sched solve conf/ -o out.yaml --time-limit 30 --seed 7
    """
    conf = _load(folder)
    _warn(conf, quiet)
    output = output or Path(folder) / "program" / "schedule.yaml"
    say = None if quiet else _err
    try:
        result = run_solver(conf, SolveOptions(time_limit=time_limit, seed=seed, workers=workers,
                                                deterministic=deterministic, progress=say))
    except NoProgram as exc:
        _err("No program exists: " + "; ".join(exc.reasons))
        raise click.exceptions.Exit(EXIT_NO_PROGRAM)
    except NotFound as exc:
        _err(f"No program found: {exc}")
        raise click.exceptions.Exit(EXIT_NOT_FOUND)
    except KeyboardInterrupt:
        _err("Interrupted: nothing written.")
        raise click.exceptions.Exit(EXIT_INTERRUPTED)
    write_schedule(result.schedule, output, conf)
    if not quiet:
        _err(f"Wrote {output}: {len(result.schedule.assignments)} sessions placed ({result.status}, "
             f"{result.figures.get('seconds')} s).")


def main() -> None:  # pragma: no cover - console script
    cli(prog_name="niic-sched")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
