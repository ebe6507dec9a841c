"""Use cases: what each command does, without the command line.

Every use case takes plain arguments, returns a result object (a dataclass)
and reports progress only through ``progress`` (a callable taking one line, or
None for silence; input warnings go there too, as ``warning: ...``). Nothing
here prints or exits. Failures are exceptions, mapped to exit codes in one
place (``cli.EXIT_CODES``):

    InputError (and BadRequest)  bad input or a refused request; nothing written
    Refused (an InputError)      render/export of a schedule that breaks hard rules
                                 (program.BrokenRules; program.ScheduleMismatch if it does not fit)
    CannotWrite (an OSError)     an output cannot be written
    NoProgram                    no program exists (its explanation attached)
    NotFound                     none found within the time limit
    KeyboardInterrupt            interrupted; nothing written (or, for add, changed)

``ScheduleBreaksRules`` is not raised here: ``check`` returns the violations
and the command line decides that a checked schedule breaking rules is exit 1.

    from niic_sched import app
    solved = app.solve("niic2014/", time_limit=30)
    print(solved.output, solved.quality.total)
"""
from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from .check import Violation, check_schedule
from .errors import InputError, NoProgram, Problem
from .io import load
from .io.excel import conference_home, is_workbook_path
from .io.schedule_file import read_schedule, write_schedule
from .model import Conference, Schedule
from .program import BrokenRules, PlacedProgram, placed
from .quality import Quality, evaluate, report_lines, solve_meta
from .solve import NotFound, SolveOptions, solve as run_solver
from .text import plural

Progress = Callable[[str], None] | None

__all__ = [
    "BadRequest", "CannotWrite", "Refused", "ScheduleBreaksRules", "NoProgram", "NotFound", "InputError",
    "Checked", "Solved", "Added", "Explained", "Rendered", "Exported", "Diffed", "Templated", "Converted",
    "Generated", "Explored", "Moved", "InterestsImported", "SurveyRefused", "AmbiguousAnswers", "check", "solve",
    "add", "explain", "render", "export", "diff", "template", "convert", "generate", "where", "move",
    "import_interests", "publishable", "Lettered", "letters", "Refreshed", "refresh",
]


# -- domain exceptions of the use cases -------------------------------------------------------------------
class BadRequest(InputError):
    """A request that cannot be carried out as asked (a workbook where a folder is
    needed, an output that exists...): each problem is shown as it is, without the
    "N problems in the inputs" heading."""

    def summary(self) -> str:
        return "\n".join(str(p) for p in self.problems)


def bad_request(where: str, what: str, fix: str = "") -> BadRequest:
    return BadRequest([Problem(where, what, fix)])


class CannotWrite(OSError):
    """An output could not be written; ``filename`` is the output, ``strerror`` why."""

    def __init__(self, path, cause: OSError):
        super().__init__(cause.errno, cause.strerror or str(cause), str(path))


class Refused(BrokenRules):
    """A schedule that breaks hard rules, refused by render or export (without force):
    program.BrokenRules (an InputError: exit 2) that says what was not done."""

    def __init__(self, violations, source: str, what: str):
        self.what = what                   # "rendered" | "exported"
        super().__init__(violations, source)

    def summary(self) -> str:
        n = len(self.violations)
        verb = {"rendered": "renders", "exported": "exports"}.get(self.what, "uses")
        return "\n".join([f"{self.source}: {_plural(n, 'broken hard rule')}; nothing {self.what}:"]
                         + [f"  {v}" for v in self.violations]
                         + [f"    fix: re-solve (niic-sched solve) or correct the schedule; --force {verb} it anyway"])


@dataclass(eq=False)
class ScheduleBreaksRules(Exception):
    """A checked schedule breaks hard rules (``check --schedule``: exit 1)."""
    source: str
    violations: list[Violation]

    def __post_init__(self):
        super().__init__(f"{self.source}: {len(self.violations)} broken hard rule(s)")


def _say(progress: Progress) -> Callable[[str], None]:
    return progress or (lambda _line: None)


def _warn(conf: Conference, progress: Progress) -> None:
    say = _say(progress)
    for w in conf.warnings:
        say(f"warning: {w}")


def _load(folder, progress: Progress) -> Conference:
    conf = load(folder)
    _warn(conf, progress)
    return conf


def _schedule_path(folder, schedule_path) -> Path:
    """The schedule a command reads: the one given, else FOLDER/program/schedule.yaml."""
    return Path(schedule_path) if schedule_path is not None else conference_home(folder) / "program" / "schedule.yaml"


def _written(path, write) -> None:
    """Run ``write``; an OSError becomes CannotWrite naming ``path``."""
    try:
        write()
    except CannotWrite:
        raise
    except OSError as exc:
        raise CannotWrite(path, exc) from exc


_plural = plural    # "1 session", "3 sessions" (text.plural)


# -- one policy for a schedule that breaks hard rules --------------------------------------------------------
def publishable(conf: Conference, schedule: Schedule, *, force: bool, source: str, what: str,
                progress: Progress = None) -> PlacedProgram:
    """The policy of render and export (program.placed): a schedule that does not fit
    the conference is a ScheduleMismatch (never forced); one that breaks a hard rule
    is Refused unless ``force``; forced, a warning goes to ``progress`` and the
    violations ride along in the program's ``broken``."""
    try:
        program = placed(conf, schedule, force=force, source=source)
    except BrokenRules as exc:
        raise Refused(exc.violations, source, what) from None
    if program.broken:
        doing = {"rendered": "rendering", "exported": "exporting"}.get(what, what)
        _say(progress)(f"warning: {source} breaks {_plural(len(program.broken), 'hard rule')}; "
                       f"{doing} anyway (--force)")
    return program


# -- check ------------------------------------------------------------------------------------------------------
@dataclass
class Checked:
    conf: Conference
    schedule_path: Path | None = None
    schedule: Schedule | None = None
    violations: list[Violation] = field(default_factory=list)
    quality: Quality | None = None           # for a schedule: the same report as solve prints

    @property
    def valid(self) -> bool:
        return not self.violations


def check(folder, schedule_path=None, *, progress: Progress = None) -> Checked:
    """The inputs (InputError if unsound) and, given ``schedule_path``, that schedule:
    every broken hard rule and its quality."""
    conf = _load(folder, progress)
    if schedule_path is None:
        return Checked(conf)
    schedule_path = Path(schedule_path)
    schedule = read_schedule(schedule_path)
    return Checked(conf, schedule_path, schedule, check_schedule(conf, schedule), evaluate(conf, schedule))


# -- solve ------------------------------------------------------------------------------------------------------
@dataclass
class Solved:
    conf: Conference
    output: Path
    schedule: Schedule                       # as written, meta included
    status: str                              # "optimal" | "feasible"
    seconds: float
    quality: Quality
    report: dict                             # extra lines of the quality table (bound, gap, status, time)
    interrupted: bool = False                # Ctrl-C with keep_partial: the best program so far was written
    baseline_path: Path | None = None
    moves: object | None = None              # diff.Diff against the baseline


def solve(folder, output=None, *, time_limit: float = 60.0, seed: int = 0, workers: int = 0,
          deterministic: bool = False, baseline_path=None, keep_partial: bool = False,
          progress: Progress = None) -> Solved:
    """Solve the conference in ``folder`` and write the schedule to ``output``
    [default: FOLDER/program/schedule.yaml]. ``time_limit`` is the whole budget,
    the explanation of an impossible conference included (NoProgram, NotFound)."""
    conf = _load(folder, progress)
    output = _schedule_path(folder, output)
    baseline = read_schedule(baseline_path) if baseline_path is not None else None
    result = run_solver(conf, SolveOptions(time_limit=time_limit, seed=seed, workers=workers,
                                           deterministic=deterministic, progress=progress, baseline=baseline,
                                           keep_partial=keep_partial))
    if result.interrupted and not keep_partial:
        raise KeyboardInterrupt
    quality = evaluate(conf, result.schedule, baseline=baseline)
    meta = solve_meta(quality, result, deterministic=deterministic, seed=seed, workers=workers)
    if baseline_path is not None:
        meta = {**meta, "baseline": str(baseline_path)}
    schedule = dataclasses.replace(result.schedule, meta=meta)
    _written(output, lambda: write_schedule(schedule, output, conf))
    moves = None
    if baseline is not None:
        from .diff import compare, read_extras
        moves = compare(conf, baseline, schedule, old_extras=read_extras(baseline_path))
    return Solved(conf, output, schedule, result.status, result.seconds, quality, report_lines(result),
                  result.interrupted, Path(baseline_path) if baseline_path is not None else None, moves)


# -- add --------------------------------------------------------------------------------------------------------
@dataclass
class Added:
    conf: Conference
    folder: Path
    schedule_path: Path                      # the new published schedule
    version: Path                            # the replaced one, kept as program/versions/schedule-<N>.yaml
    copied: list[Path]                       # the files written into sessions/
    already: list[Path]                      # identical files already there (an earlier add was killed)
    new_ids: list[str]
    schedule: Schedule
    quality: Quality
    report: dict
    moves: object                            # diff.Diff: the published program -> the new one
    refreshed: "Refreshed | None" = None     # the outputs brought up to date (or left stale) afterwards


def add(files: Sequence, folder=".", *, time_limit: float = 60.0, seed: int = 0, workers: int = 0,
        render_outputs: bool = True, progress: Progress = None) -> Added:
    """Add late proposals to the published program: stage them, solve against
    program/schedule.yaml, then commit (keep the old schedule as a version, copy
    the files, write the new schedule). All or nothing: on any exception the
    folder is as it was. Then the outputs made from the old program (the site, the
    PDFs, the exports, the letters: niic_sched.outputs) are made again from the new
    one (``refresh``), or, with ``render_outputs=False``, listed as stale."""
    from .diff import compare, read_extras
    from .versions import commit, stage
    folder = Path(folder)
    if is_workbook_path(folder):
        raise bad_request(str(folder), "add copies files into a conference folder's sessions/, and this is a workbook",
                          f"add the rows to its Sessions sheet, then: niic-sched solve {folder} --baseline OLD.yaml")
    schedule_path = folder / "program" / "schedule.yaml"
    if not schedule_path.is_file() and (folder / "conference.yaml").is_file():
        raise bad_request(str(schedule_path), "is missing: there is no published program to keep",
                          f"solve first (niic-sched solve {folder}), or copy the files into sessions/ and solve")
    say = _say(progress)
    staged = stage(folder, [Path(f) for f in files])
    try:
        baseline = read_schedule(schedule_path)
        conf = staged.conf
        _warn(conf, progress)
        for p in staged.already:
            say(f"{p}: already there with the same content (e.g. from an add that was killed); kept")
        say(f"adding {_plural(len(staged.new_ids), 'session')} ({', '.join(staged.new_ids)}); "
            f"solving against {schedule_path}")
        result = run_solver(conf, SolveOptions(time_limit=time_limit, seed=seed, workers=workers,
                                               progress=progress, baseline=baseline))
        if result.interrupted:
            raise KeyboardInterrupt
        quality = evaluate(conf, result.schedule, baseline=baseline)
        meta = solve_meta(quality, result, deterministic=False, seed=seed, workers=workers)
        new = dataclasses.replace(result.schedule, meta=meta)
        try:
            version, new = commit(staged, schedule_path, new)
        except OSError as exc:
            raise CannotWrite(getattr(exc, "filename", None) or folder, exc) from exc
    finally:
        staged.cleanup()
    moves = compare(conf, baseline, new, old_extras=read_extras(version))
    try:
        refreshed = refresh(folder, render_outputs=render_outputs, progress=progress)
    except KeyboardInterrupt:                # the program is added; only outputs are left stale
        from .outputs import stale
        refreshed = Refreshed(stale=stale(folder), interrupted=True)
    return Added(conf, folder, schedule_path, version, [dest for _, dest in staged.copies], list(staged.already),
                 list(staged.new_ids), new, quality, report_lines(result), moves, refreshed)


# -- explain ----------------------------------------------------------------------------------------------------
@dataclass
class Explained:
    conf: Conference
    explanation: object                      # solve.explain.Explanation

    @property
    def status(self) -> str:                 # "feasible" | "infeasible" | "unknown"
        return self.explanation.status


def explain(folder, *, time_limit: float = 60.0, interrupted: Callable[[], bool] | None = None) -> Explained:
    """Does a program exist, and if not, which requirements clash? (The answer is
    the result, whatever it is: this raises only for bad input or an interruption.)

    ``time_limit`` counts from the call (loading included); an answer it cuts short
    says so (``explanation.cut_short``: undecided, or a clashing set not shrunk to
    the fewest). ``interrupted``: a flag (True: stop) that ends it, as Ctrl-C does,
    with KeyboardInterrupt."""
    import time

    from .solve.explain import explain as run_explain
    started = time.monotonic()
    conf = load(folder)
    return Explained(conf, run_explain(conf, time_limit=time_limit, interrupted=interrupted, started=started))


# -- render and export -------------------------------------------------------------------------------------------
@dataclass
class Rendered:
    outdir: Path
    files: list[Path]
    warnings: list[str]
    seconds: dict
    schedule_path: Path
    violations: list[Violation] = field(default_factory=list)   # when forced
    changes: object | None = None            # changes.Changes since the printed program (None: no version yet)
    removed: list[Path] = field(default_factory=list)   # stale outputs of an earlier render, removed
    stale: list = field(default_factory=list)   # outputs.Stale: other outputs (exports, letters) still stale


def _changes(conf: Conference, folder, schedule: Schedule, since, schedule_path: Path):
    """What changed since the printed program (or ``since``), or None without a version."""
    from .changes import changes_since, reference
    from .diff import read_extras
    from .outputs import program_dir
    ref = reference(program_dir(folder), since)
    if ref is None:
        return None
    return changes_since(conf, ref, read_schedule(ref.path), schedule, new_extras=read_extras(schedule_path))


def render(folder, schedule_path=None, outdir=None, *, templates_dir=None, door_sheets: bool = False,
           pdf: bool = True, force: bool = False, since=None, progress: Progress = None) -> Rendered:
    """The HTML site and the PDF booklet of a schedule [default: FOLDER/program/schedule.yaml]
    into ``outdir`` [default: FOLDER/program/]; a schedule breaking hard rules is Refused
    unless ``force``; bad templates or no PDF engine are a BadRequest, an unwritable folder CannotWrite.

    With a version in FOLDER/program/versions/, the site marks what changed since the printed
    program (the first version; ``since``: a version number, name or schedule path) and gets
    changes.html, and, with ``pdf``, the handout changes.pdf. The render is recorded
    (niic_sched.outputs); the files an earlier render of ``outdir`` wrote that this one does not
    (program.pdf under ``pdf=False``...) are removed when they are stale, and kept when they
    are still current. ``stale`` lists the other outputs (exports, letters) that are stale."""
    from . import outputs
    from .render import RenderError, render_placed
    conf = _load(folder, progress)
    home = conference_home(folder)
    schedule_path = _schedule_path(folder, schedule_path)
    outdir = Path(outdir) if outdir is not None else home / "program"
    if templates_dir is not None and not Path(templates_dir).is_dir():
        raise bad_request(str(templates_dir), "is not a folder of templates",
                          "give the folder that holds your html/ and pdf/ templates")
    schedule = read_schedule(schedule_path)
    program = publishable(conf, schedule, force=force, source=str(schedule_path), what="rendered", progress=progress)
    changes = _changes(conf, folder, schedule, since, schedule_path)
    key = outputs.render_key(folder, outdir)
    previous = outputs.load_jobs(folder).get(f"render:{key}") or next(
        (j for j in outputs.legacy_jobs(folder, outputs.load_jobs(folder)) if j.key == f"render:{key}"), None)
    previous_current = previous is not None and not outputs.why_stale(folder, previous)
    report = None

    def write():
        nonlocal report
        report = render_placed(program, outdir, templates=templates_dir, door_sheets=door_sheets, pdf=pdf,
                               progress=progress, changes=changes)
    try:
        _written(outdir, write)
    except RenderError as exc:           # bad user templates or no PDF engine: the message says what to do
        raise bad_request("", str(exc)) from exc
    say = _say(progress)
    for w in report.warnings:
        say(f"warning: {w}")
    files = list(report.files)
    removed: list[Path] = []
    if previous is not None:              # what the last render wrote and this one did not
        made = {Path(os.path.abspath(f)) for f in files}
        for p in previous.paths(home):
            p = Path(os.path.abspath(p))
            if p in made or not p.is_file():
                continue
            if previous_current:
                files.append(p)           # still current (nothing changed since): kept, still recorded
                continue
            try:
                p.unlink()
                removed.append(p)
            except OSError as exc:
                say(f"warning: {p}: stale (made from an earlier program) and cannot be removed: {exc.strerror}")
    ref = changes.reference.path if changes is not None else None
    _written(outputs.manifest_path(folder), lambda: outputs.record(
        folder, "render", key, files, schedule_path=schedule_path, since_path=ref,
        options={"outdir": key, "templates": str(templates_dir) if templates_dir is not None else None,
                 "door_sheets": door_sheets, "pdf": pdf, "since": None if since is None else str(since)}))
    return Rendered(outdir, files, report.warnings, report.seconds, schedule_path, list(program.broken),
                    changes, removed, outputs.stale(folder, skip={f"render:{key}"}))


@dataclass
class Exported:
    output: Path
    fmt: str
    sessions: int                            # assignments exported
    warnings: list[str]
    schedule_path: Path
    violations: list[Violation] = field(default_factory=list)   # when forced


def export(folder, fmt: str, schedule_path=None, output=None, *, force: bool = False, deterministic: bool = False,
           progress: Progress = None, language: str | None = None) -> Exported:
    """Export a schedule [default: FOLDER/program/schedule.yaml] as ``fmt`` (xlsx, ics,
    frab-xml, frab-json, csv) to ``output`` [default: FOLDER/program/<the format's name>],
    its words in ``language`` (one of the conference's editions; default: its main language);
    a schedule breaking hard rules is Refused unless ``force``. ``deterministic`` (or the
    SOURCE_DATE_EPOCH environment variable) makes the ics stamp reproducible: two exports
    of one schedule are the same bytes."""
    from .export import FORMATS, render_placed
    from .io.atomic import write_bytes_atomic
    conf = _load(folder, progress)
    home = conference_home(folder)
    schedule_path = _schedule_path(folder, schedule_path)
    output = Path(output) if output is not None else home / "program" / FORMATS[fmt][1]
    if language is not None and language not in conf.editions:
        raise bad_request("--language", f"{language!r} is not a language of this conference "
                          f"(its editions: {', '.join(conf.editions)})",
                          "give one of them, or add it to `languages` in conference.yaml")
    schedule = read_schedule(schedule_path)
    program = publishable(conf, schedule, force=force, source=str(schedule_path), what="exported", progress=progress)
    data = render_placed(program, fmt, language, deterministic=deterministic)
    say = _say(progress)
    for w in program.warnings:
        say(f"warning: {w}")
    _written(output, lambda: write_bytes_atomic(output, data))
    from . import outputs
    _written(outputs.manifest_path(folder), lambda: outputs.record(
        folder, "export", outputs.export_key(folder, fmt, output), [output], schedule_path=schedule_path,
        options={"fmt": fmt, "output": outputs.rel(home, output), "language": language}))
    return Exported(output, fmt, len(schedule.assignments), list(program.warnings), schedule_path,
                    list(program.broken))


# -- letters to speakers -------------------------------------------------------------------------------------
LETTER_FORMATS = ("pdf", "csv")


@dataclass
class Lettered:
    letters: list                            # render.letters.Letter, one per speaker of a placed session
    files: list[Path]                        # letters/<id>.pdf and letters.csv as written
    schedule_path: Path
    no_email: list[str] = field(default_factory=list)     # speaker ids without an email
    fallback: list[tuple[str, str]] = field(default_factory=list)   # (speaker id, wanted language without catalog)
    removed: list[Path] = field(default_factory=list)     # letters of an earlier run for speakers no longer placed


def letters(folder, schedule_path=None, *, formats: Sequence[str] = LETTER_FORMATS, speakers: Sequence[str] = (),
            force: bool = False, progress: Progress = None) -> Lettered:
    """One confirmation letter per speaker of a placed session of the schedule [default:
    FOLDER/program/schedule.yaml]: FOLDER/program/letters/<speaker-id>.pdf ("pdf" in ``formats``)
    and FOLDER/program/letters.csv for a mail merge ("csv"), in each speaker's language when
    a catalog exists (else the conference's). Private outputs: they hold emails and phones.
    A schedule breaking hard rules is Refused unless ``force``.

    ``speakers`` (ids): only their letters (to send one again); letters.csv then holds only
    their rows, and the run is not recorded as bringing the letters up to date."""
    from . import outputs
    from .io.atomic import write_bytes_atomic
    from .render import RenderError, environment
    from .render.letters import build_letters, letters_csv, write_letter_pdfs
    formats = tuple(f for f in LETTER_FORMATS if f in set(formats)) or LETTER_FORMATS
    conf = _load(folder, progress)
    home = conference_home(folder)
    schedule_path = _schedule_path(folder, schedule_path)
    schedule = read_schedule(schedule_path)
    program = publishable(conf, schedule, force=force, source=str(schedule_path), what="written", progress=progress)
    made = build_letters(program)
    if speakers:
        placed_ids = {x.speaker.id for x in made}
        problems = []
        for pid in speakers:
            if pid not in conf.speaker:
                problems.append(Problem("--speaker", f"'{pid}' is not a speaker in speakers.yaml",
                                        "give a speaker id, e.g. p0001"))
            elif pid not in placed_ids:
                problems.append(Problem("--speaker", f"{conf.speaker[pid].name} ({pid}) has no session in "
                                        f"{schedule_path}", "letters confirm placed sessions only"))
        if problems:
            raise BadRequest(problems)
        made = [x for x in made if x.speaker.id in set(speakers)]
    prog = home / "program"
    data: dict[Path, bytes] = {}
    if "pdf" in formats:
        try:
            pdfs = write_letter_pdfs(made, lambda lang: environment(None, lang), conf.paper_size)
        except RenderError as exc:
            raise bad_request("", str(exc)) from exc
        data.update({prog / "letters" / name: pdf for name, pdf in pdfs.items()})
    if "csv" in formats:
        data[prog / "letters.csv"] = letters_csv(made)
    for path, content in data.items():
        _written(path, lambda path=path, content=content: write_bytes_atomic(path, content))
        try:
            os.chmod(path, 0o600)            # private: emails and phone numbers
        except OSError:
            pass
    no_email = [x.speaker.id for x in made if not x.speaker.email]
    fallback = [(x.speaker.id, x.wanted) for x in made if x.wanted and x.wanted != x.language]
    if speakers:                             # a partial run: the other letters are as they were
        return Lettered(made, sorted(data), schedule_path, no_email, fallback, [])
    removed = []
    jobs = outputs.load_jobs(folder)
    for fmt in formats:                      # one record per format: each is stale or current on its own
        written = sorted(p for p in data if (p.suffix == ".pdf") == (fmt == "pdf"))
        previous = jobs.get(f"letters:{fmt}")
        for p in previous.paths(home) if previous is not None else []:
            if p not in written and p.is_file():
                p.unlink()                   # a speaker no longer in a placed session
                removed.append(p)
        _written(outputs.manifest_path(folder), lambda fmt=fmt, written=written: outputs.record(
            folder, "letters", fmt, written, schedule_path=schedule_path, options={"formats": [fmt]}))
    files = sorted(data)
    return Lettered(made, files, schedule_path, no_email, fallback, removed)


# -- keeping the outputs in step -------------------------------------------------------------------------------
@dataclass
class Refreshed:
    """What ``refresh`` brought up to date, what failed, and what it left stale."""
    done: list = field(default_factory=list)        # (outputs.Job, result of render/export/letters)
    failed: list = field(default_factory=list)      # (outputs.Stale, message)
    stale: list = field(default_factory=list)       # outputs.Stale: not re-made (another schedule; not asked)
    interrupted: bool = False                       # Ctrl-C while refreshing: ``stale`` is what is left

    @property
    def files(self) -> list[Path]:
        out = []
        for _, result in self.done:
            out += list(getattr(result, "files", None) or [getattr(result, "output", None)])
        return [p for p in out if p is not None]


def refresh(folder=".", *, render_outputs: bool = True, progress: Progress = None) -> Refreshed:
    """Bring every stale output of the conference in ``folder`` up to date (niic_sched.outputs):
    each render, export and letters job that was made from the default schedule
    (FOLDER/program/schedule.yaml) is run again with its options. Outputs made from another
    schedule are left, listed in ``stale``; so is everything when not ``render_outputs``.
    ``add`` calls this after it writes; ``move --write`` can too. A job that fails (a template
    error, no PDF engine, a schedule that breaks hard rules) is reported in ``failed``; the
    others still run."""
    from . import outputs
    result = Refreshed()
    order = {"render": 0, "export": 1, "letters": 2}
    items = sorted(outputs.stale(folder), key=lambda i: (order.get(i.job.kind, 3), i.job.key))
    home = conference_home(folder)
    default = outputs.default_schedule(folder)
    for item in items:
        job = item.job
        own = outputs.absolute(home, job.schedule or "program/schedule.yaml") == default
        if not render_outputs or not own or job.kind not in ("render", "export", "letters"):
            result.stale.append(item)
            continue
        o = job.options
        try:
            if job.kind == "render":
                templates = o.get("templates")
                done = render(folder, None, outputs.absolute(home, o.get("outdir", "program")),
                              templates_dir=templates, door_sheets=bool(o.get("door_sheets")),
                              pdf=bool(o.get("pdf", True)), since=o.get("since"), progress=progress)
            elif job.kind == "export":
                done = export(folder, o.get("fmt"), None, outputs.absolute(home, o.get("output")),
                              progress=progress, language=o.get("language"))
            else:
                done = letters(folder, None, formats=o.get("formats") or LETTER_FORMATS, progress=progress)
        except (InputError, OSError) as exc:
            text = exc.summary() if isinstance(exc, InputError) else str(exc)
            result.failed.append((item, text))
            continue
        result.done.append((job, done))
    return result


# -- diff -------------------------------------------------------------------------------------------------------
@dataclass
class Diffed:
    diff: object                             # diff.Diff
    data: bytes                              # the rendered text, markdown or CSV
    output: Path | None                      # where it was written; None: not written


def diff(old, new, folder=".", *, fmt: str = "text", output=None) -> Diffed:
    """What changed from schedule ``old`` to ``new`` of the conference in ``folder``,
    rendered as ``fmt``; written to ``output`` when given."""
    from .diff import compare, read_extras, render as render_diff
    from .io.atomic import write_bytes_atomic
    conf = load(folder)
    before, after = read_schedule(old), read_schedule(new)
    d = compare(conf, before, after, old_extras=read_extras(old), new_extras=read_extras(new),
                old_label=str(old), new_label=str(new))
    data = render_diff(d, fmt)
    if output is not None:
        output = Path(output)
        _written(output, lambda: write_bytes_atomic(output, data))
    return Diffed(d, data, output)


# -- template, convert, generate ---------------------------------------------------------------------------------
@dataclass
class Templated:
    out: Path


def template(out, *, force: bool = False) -> Templated:
    """A blank conference workbook to fill in."""
    from .io.workbook_writer import write_template
    out = Path(out)
    if not is_workbook_path(out):
        raise bad_request(str(out), "a template is a workbook, so its name must end in .xlsx",
                          f"e.g. niic-sched template {out}.xlsx")
    if out.exists() and not force:
        raise bad_request(str(out), "already exists", "choose another name, or add --force to overwrite it")
    _written(out, lambda: write_template(out))
    return Templated(out)


@dataclass
class Converted:
    conf: Conference
    src: Path
    dst: Path
    to_workbook: bool


def convert(src, dst, *, force: bool = False, progress: Progress = None) -> Converted:
    """A conference folder to a workbook, or a workbook to a folder (the side ending
    in .xlsx is the workbook)."""
    from .io.folder_writer import write_folder
    from .io.workbook_writer import write_workbook
    src, dst = Path(src), Path(dst)
    if is_workbook_path(src) == is_workbook_path(dst):
        raise bad_request(f"convert {src} {dst}", "one side must be a .xlsx workbook and the other a conference folder",
                          "e.g. niic-sched convert . book.xlsx, or niic-sched convert book.xlsx conf/")
    conf = _load(src, progress)
    to_workbook = is_workbook_path(dst)
    if to_workbook:
        if dst.exists() and not force:
            raise bad_request(str(dst), "already exists", "choose another name, or add --force to overwrite it")
        _written(dst, lambda: write_workbook(conf, dst))
    else:
        _written(dst, lambda: write_folder(conf, dst, force=force, source=src.name))
    return Converted(conf, src, dst, to_workbook)


@dataclass
class Generated:
    out: Path
    summary: object                          # generate.GeneratedSummary


def generate(out, *, sessions: int = 60, rooms: int = 12, days: int = 3, slots: int = 5, attendees=None,
             late: int = 0, seed: int = 1, force: bool = False) -> Generated:
    """A synthetic conference folder that has a program (feasible by construction)."""
    from .generate import generate_conference
    out = Path(out)
    summary = None

    def write():
        nonlocal summary
        summary = generate_conference(out, sessions=sessions, rooms=rooms, days=days, slots=slots,
                                      attendees=attendees, late=late, seed=seed, force=force)
    _written(out, write)
    return Generated(out, summary)


# -- where and move: what if a session moved? --------------------------------------------------------------------
def _escaped(text: str) -> str:
    """A value typed on the command line, control characters shown escaped."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(text))


def _listed(items, limit: int = 12) -> str:
    items = list(items)
    return ", ".join(items[:limit]) + (f" and {len(items) - limit} more" if len(items) > limit else "")


def _what_if_inputs(folder, schedule_path, progress: Progress):
    """The conference, the schedule path and the schedule, checked to fit each other
    (program.ScheduleMismatch, exit 2, when it names an unknown session or room...)."""
    from .program import PlacedProgram
    conf = _load(folder, progress)
    schedule_path = _schedule_path(folder, schedule_path)
    schedule = read_schedule(schedule_path)
    PlacedProgram.build(conf, schedule, source=str(schedule_path))
    return conf, schedule_path, schedule


def _session_of(conf: Conference, sid: str):
    import difflib
    s = conf.session.get(str(sid).strip())
    if s is not None:
        return s
    near = difflib.get_close_matches(str(sid).strip(), sorted(conf.session), n=3, cutoff=0.6)
    raise bad_request(f"session {_escaped(sid)}", f"is not a session of {conf.name or 'the conference'}",
                      (f"did you mean {' or '.join(near)}? " if near else "")
                      + "give a session id as written in its file's id: key (e.g. s0013)")


def _day_of(conf: Conference, text: str):
    import datetime as dt
    from .i18n import weekday_name
    raw = str(text).strip()
    days = [d.date for d in conf.days]
    choices = f"the conference days are {_listed(d.isoformat() for d in days)}"
    try:
        day = dt.date.fromisoformat(raw)
    except ValueError:
        named = [d for d in days if raw.lower() in (weekday_name(d).lower(), weekday_name(d)[:3].lower())]
        if len(named) == 1:
            return named[0]
        if len(named) > 1:
            raise bad_request(f"day {_escaped(raw)}", f"names {len(named)} conference days",
                              f"give the date: {_listed(d.isoformat() for d in named)}") from None
        raise bad_request(f"day {_escaped(raw)}", "is not a date (YYYY-MM-DD) or a weekday of the conference",
                          choices) from None
    if day not in conf.day:
        raise bad_request(f"day {raw}", "is not a conference day", choices)
    return day


def _start_of(conf: Conference, day, text: str) -> int:
    from .io.values import parse_time
    from .model import hhmm
    starts = sorted({sl.start for sl in conf.day[day].slots})
    choices = f"the slots of {day} start at {_listed(hhmm(t) for t in starts)}"
    problems: list[Problem] = []
    start = parse_time(str(text).strip(), f"start {_escaped(text)}", problems, "start")
    if start is None:
        raise bad_request(f"start {_escaped(text)}", "is not a time of day (HH:MM)", choices)
    if start not in starts:
        raise bad_request(f"start {_escaped(text)}", f"is not the start of a slot on {day}", choices)
    return start


def _room_of(conf: Conference, text: str) -> str:
    import difflib
    raw = str(text).strip()
    if raw in conf.room:
        return raw
    by_name = [r.id for r in conf.rooms if r.name.casefold() == raw.casefold()]
    if len(by_name) == 1:
        return by_name[0]
    near = difflib.get_close_matches(raw, sorted(conf.room), n=3, cutoff=0.6)
    raise bad_request(f"room {_escaped(raw)}", "is not a room of rooms.yaml",
                      (f"did you mean {' or '.join(near)}? " if near else "")
                      + f"the rooms are {_listed(r.id for r in conf.rooms)}")


@dataclass
class Explored:
    conf: Conference
    schedule_path: Path
    alternatives: object                     # whatif.Alternatives


def where(session: str, folder=".", schedule_path=None, *, top: int = 10, include_breaking: bool = False,
          progress: Progress = None) -> Explored:
    """The best other placements of ``session`` in the schedule [default:
    FOLDER/program/schedule.yaml], ranked by the change of the soft goals, those
    that keep every hard rule first (whatif.where). An unknown session, or a
    schedule that does not fit the conference, is a BadRequest/ScheduleMismatch."""
    from . import whatif
    conf, schedule_path, schedule = _what_if_inputs(folder, schedule_path, progress)
    s = _session_of(conf, session)
    return Explored(conf, schedule_path, whatif.where(conf, schedule, s.id, top=top,
                                                      include_breaking=include_breaking))


@dataclass
class Moved:
    conf: Conference
    schedule_path: Path
    verdict: object                          # whatif.Verdict
    write: bool                              # asked to write
    written: bool = False                    # the schedule (and the pin) were written
    refused: bool = False                    # asked to write, but the move breaks hard rules (no force)
    version: Path | None = None              # the replaced schedule, kept as program/versions/schedule-<N>.yaml
    pin_file: Path | None = None             # the session file the pin was (or would be) written into


def _session_file(folder, s) -> Path:
    """The YAML file a session was read from."""
    where = getattr(s.where, "file", None) or str(s.where).rsplit(":", 1)[0]
    for path in (conference_home(folder) / where, Path(folder) / where, Path(where)):
        if path.is_file():
            return path
    raise bad_request(str(s.where), f"the file of {s.id} is not where it was read from",
                      "run the move again from the folder you loaded")


def _plain(value):
    """A value read from YAML (line-numbered mappings) as plain dicts and lists, for writing again."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _edited_meta(old: dict, quality: Quality, verdict, version_rel: str | None) -> dict:
    """The schedule's meta after a hand move: the recount of every goal; the solver's
    own figures that no longer describe it (status, times, objective of the search) go."""
    meta = {"objective": quality.total,
            "goals": {g.goal: {"count": g.count, "weight": g.weight, "cost": g.cost} for g in quality.goals}}
    for key in ("lower_bound", "bound_method"):     # a bound holds for every schedule of the conference
        if key in old:
            meta[key] = old[key]
    meta["status"] = "edited"
    earlier = old.get("moved") if isinstance(old.get("moved"), list) else []
    meta["moved"] = [_plain(m) for m in earlier] + [{
        "session": verdict.session.id, "from": verdict.current.to if verdict.current else None,
        "to": verdict.target.to, **({"pinned": True} if verdict.pinned else {})}]
    if version_rel is not None:
        meta["baseline"] = version_rel
    meta["top_penalties"] = [text for _, text in quality.top[:5]]
    return meta


def move(session: str, day: str, start: str, room: str | None = None, folder=".", schedule_path=None, *,
         write: bool = False, pin: bool = False, force: bool = False, progress: Progress = None) -> Moved:
    """Move ``session`` to ``day`` (YYYY-MM-DD or a weekday) ``start`` (HH:MM) in ``room``
    (None: its room if it fits then, else the best that does) in the schedule [default:
    FOLDER/program/schedule.yaml]: the verdict (whatif.move) on every hard rule and soft
    goal. With ``write`` the new schedule replaces the old, which is kept as
    program/versions/schedule-<N>.yaml; with ``pin`` the session's YAML file gets
    ``pin: {day, start, room}`` too (comments and layout kept). A move that breaks a hard
    rule is not written unless ``force`` (``refused``). Unknown session, day, start or room,
    and ``pin`` on a workbook conference: BadRequest, nothing written."""
    from . import whatif
    from .io.atomic import write_bytes_atomic
    from .io.pin_writer import PinError, write_pin
    from .model import hhmm
    from .versions import keep
    conf, schedule_path, schedule = _what_if_inputs(folder, schedule_path, progress)
    s = _session_of(conf, session)
    date = _day_of(conf, day)
    minutes = _start_of(conf, date, start)
    room_id = _room_of(conf, room) if room is not None else None
    pin_file = None
    if pin:
        if is_workbook_path(folder):
            row = getattr(s.where, "cell", None)
            line = f"row {row.lstrip('ABCDEFGHIJKLMNOPQRSTUVWXYZ')} of the Sessions sheet" if row else "its row"
            raise bad_request(str(s.where) or str(folder),
                              f"--pin writes the pin into the session's YAML file, and {folder} is a workbook "
                              "(niic-sched does not rewrite workbooks)",
                              f"move without --pin, then write the day, start and room into the pin_day, pin_start and "
                              f"pin_room cells of {line}")
        pin_file = _session_file(folder, s)
    verdict = whatif.move(conf, schedule, s.id, date, minutes, room_id, pin=pin)
    result = Moved(conf, schedule_path, verdict, write, pin_file=pin_file)
    if not write or (not verdict.moves and not pin):
        return result
    if verdict.breaks and not force:
        result.refused = True
        return result
    from .versions import versions_dir
    home = conference_home(folder)
    original = pin_file.read_bytes() if pin_file is not None else None
    version = None
    new_dir = None if versions_dir(schedule_path.parent).exists() else versions_dir(schedule_path.parent)
    try:
        if pin_file is not None:
            try:
                write_pin(pin_file, s.id, verdict.pinned, shown=str(pin_file))
            except PinError as exc:
                by_hand = f"pin: {{day: {date}, start: \"{hhmm(minutes)}\", room: {verdict.target.room}}}"
                raise bad_request(str(pin_file), str(exc).split(": ", 1)[-1],
                                  f"write {by_hand} into the file by hand") from None
        if verdict.moves:
            version = keep(schedule_path)
            try:
                rel = version.relative_to(home).as_posix()
            except ValueError:
                rel = str(version)
            quality = evaluate(conf, verdict.schedule)
            new = dataclasses.replace(verdict.schedule, meta=_edited_meta(schedule.meta, quality, verdict, rel))
            write_schedule(new, schedule_path, verdict.conf)
    except BaseException as exc:
        if original is not None:
            try:
                write_bytes_atomic(pin_file, original)
            except OSError:
                pass
        if version is not None:
            try:
                version.unlink()
                if new_dir is not None:
                    new_dir.rmdir()
            except OSError:
                pass
        if isinstance(exc, OSError) and not isinstance(exc, CannotWrite):
            raise CannotWrite(getattr(exc, "filename", None) or schedule_path, exc) from exc
        raise
    result.written = True
    result.version = version
    return result


# -- interests from a registration survey ------------------------------------------------------------------
class SurveyRefused(BadRequest):
    """A survey that is read but not imported: nothing written. ``imported`` is the
    result as it would have been (its report says what was read and matched)."""

    def __init__(self, problems, survey, imported: "InterestsImported"):
        self.survey, self.imported = survey, imported
        super().__init__(problems)


class AmbiguousAnswers(SurveyRefused):
    """Survey answers that fit several sessions, none resolved (--pick, --skip-ambiguous)."""

    def summary(self) -> str:
        n = len(self.problems)
        return "\n".join([f"{self.survey}: {_plural(n, 'ambiguous answer')}; nothing written:"]
                         + [f"  {p}" for p in self.problems])


@dataclass
class InterestsImported:
    conf: Conference
    survey: Path
    output: Path                             # DIR/interests.csv
    outcome: object                          # io.survey.Outcome: what was read, matched, picked, skipped
    rows: list[tuple[str, str]]              # (pseudonym, session) as written (or as they would be)
    written: bool                            # False for --dry-run
    replaced: bool                           # an interests.csv was there (and, written, is replaced)
    salt: str                                # "created DIR/.interests-salt", "DIR/.interests-salt", "--salt"...
    warnings: list[str] = field(default_factory=list)

    @property
    def attendees(self) -> int:
        return len({a for a, _ in self.rows})

    def report(self) -> list[str]:
        from .io.survey import report_lines
        return report_lines(self.outcome, {s.id: s.title for s in self.conf.sessions})


def import_interests(survey, folder=".", *, shape: str | None = None, attendee_column: str | None = None,
                     column: str | None = None, sheet: str | None = None, cutoff: float | None = None,
                     picks: Sequence[tuple[int, str]] = (), skip_ambiguous: bool = False, salt: str | None = None,
                     force: bool = False, dry_run: bool = False, progress: Progress = None) -> InterestsImported:
    """Read a registration survey (``shape`` long, choices or columns; None: detect it),
    match its answers to the sessions of the conference folder ``folder`` and write
    FOLDER/interests.csv with every attendee pseudonymised (a salted hash; the salt
    kept in FOLDER/.interests-salt, made once, or ``salt``). Unmatched answers are
    reported and skipped; ambiguous ones stop the import (AmbiguousAnswers, nothing
    written) unless ``picks`` resolve them or ``skip_ambiguous``. An existing
    interests.csv is replaced only with ``force`` (it is not kept as a version).
    ``dry_run``: everything but the writing."""
    from .io import survey as sv
    folder, survey = Path(folder), Path(survey)
    say = _say(progress)
    if is_workbook_path(folder):
        raise bad_request(str(folder), "interests import writes interests.csv into a conference folder, and this is "
                          "a workbook", f"convert it (niic-sched convert {folder} DIR/), import there, and convert back")
    try:
        conf = _load(folder, progress)
    except InputError as exc:
        if exc.problems and all(str(p.where).startswith(sv.INTERESTS_FILE) or p.file == sv.INTERESTS_FILE
                                for p in exc.problems):
            raise InputError(list(exc.problems) + [Problem(
                str(folder / sv.INTERESTS_FILE), "cannot be read as attendee,session rows: if it is a survey export, "
                "it holds names or emails and does not belong in the conference folder",
                f"move it out and import it: niic-sched interests import ../survey.csv --dir {folder} --force")]) from None
        raise
    output = folder / sv.INTERESTS_FILE
    replaced = os.path.lexists(output)
    if replaced and not force and not dry_run:
        raise bad_request(str(output), "already exists (interests.csv is not kept as a version when replaced)",
                          "add --force to replace it (copy it first if you want to keep it), or --dry-run to "
                          "see the report")
    warnings = []
    try:
        inside = survey.resolve().is_relative_to(folder.resolve())
    except OSError:
        inside = False
    if inside:
        warnings.append(f"{survey} is inside the conference folder: move it out, so that the names and emails in "
                        "it stay out of the folder")
    for w in warnings:
        say(f"warning: {w}")
    table = sv.read_survey(survey, sheet=sheet)
    matcher = sv.Matcher(conf.sessions, sv.DEFAULT_CUTOFF if cutoff is None else cutoff)
    parsed = sv.parse_survey(table, matcher, shape=shape, attendee_column=attendee_column, column=column)
    outcome = sv.resolve(parsed, matcher, picks, skip_ambiguous=skip_ambiguous)
    if salt is not None and not salt.strip():
        raise bad_request("--salt", "is empty: the attendees' hashes would be keyed with nothing",
                          f"give a secret, or leave --salt out to use (or make) {folder / sv.SALT_FILE}")
    if salt is not None:
        salt_bytes, salt_note, new = salt.encode("utf-8"), "the salt given with --salt", False
    else:
        salt_bytes = sv.read_salt(folder)
        new = salt_bytes is None
        salt_bytes = salt_bytes or sv.new_salt()
        salt_note = (f"a new salt, {'to be ' if dry_run else ''}kept in {folder / sv.SALT_FILE}" if new
                     else f"the salt kept in {folder / sv.SALT_FILE}")
    rows = sv.pseudonymised(outcome.interests, salt_bytes)
    result = InterestsImported(conf, survey, output, outcome, rows, written=False, replaced=replaced,
                               salt=salt_note, warnings=warnings)
    if outcome.unresolved:
        raise AmbiguousAnswers(sv.ambiguity_problems(outcome, {s.id: s.title for s in conf.sessions}), survey,
                               result)
    if not rows:
        raise SurveyRefused([Problem(str(survey), "no answer names a session of the conference: nothing written",
                                     "check the report: the answer column (--column), the attendee column "
                                     "(--attendee-column), the format (--format), or that the survey is for "
                                     f"the conference in {folder}")], survey, result)
    if dry_run:
        return result
    if new:
        _written(folder / sv.SALT_FILE, lambda: sv.write_salt(folder, salt_bytes))
    _written(output, lambda: sv.write_interests(folder, rows))
    result.written = True
    return result
