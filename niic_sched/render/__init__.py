"""Render a program: the static HTML site and the PDF booklet.

    from niic_sched.render import render, render_placed
    report = render(conf, schedule, Path("program"), door_sheets=True)
    report = render_placed(PlacedProgram.build(conf, schedule), Path("program"))   # the same

Outputs are first rendered into a temporary folder next to the output folder,
then moved into place file by file (each move atomic), so that a render that
fails or is interrupted leaves the previous outputs as they were.
"""
from __future__ import annotations

import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import jinja2

from .. import i18n
from ..model import Conference, Schedule
from ..program import PlacedProgram
from ..text import plural
from .view import ProgramView, edition_folder, edition_pdf, program_view

PACKAGE_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


class RenderError(Exception):
    """A problem with user templates or the PDF engine; the message says what to do."""


@dataclass
class RenderReport:
    files: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    pages: dict[str, int] = field(default_factory=dict)


def environment(templates: str | os.PathLike | None = None, lang: str | None = None) -> jinja2.Environment:
    """Jinja2 environment of one edition: a committee's folder first (override by name), then the
    package's templates; the i18n extension speaks ``lang`` (niic_sched.i18n.environment).

    Autoescaping is on for every template, whatever its extension."""
    loaders: list[jinja2.BaseLoader] = []
    if templates is not None:
        loaders.append(jinja2.FileSystemLoader(str(templates)))
    loaders.append(jinja2.FileSystemLoader(str(PACKAGE_TEMPLATES)))
    return i18n.environment(lang, jinja2.ChoiceLoader(loaders))


def asset(env: jinja2.Environment, name: str) -> str:
    """The raw text of a static file (CSS, JavaScript) found through the template loaders."""
    try:
        source, _, _ = env.loader.get_source(env, name)
    except jinja2.TemplateNotFound:
        raise RenderError(f"template file '{name}' is missing (neither in --templates nor in the package)")
    return source


def template_error(exc: Exception) -> RenderError:
    """A readable message for a Jinja2 error in a (possibly user-supplied) template."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        where = f"{exc.filename or exc.name}:{exc.lineno}"
        return RenderError(f"{where}: template syntax error: {exc.message}\n    fix: correct the template "
                           "(see the package's default templates for the variables each one receives)")
    if isinstance(exc, jinja2.TemplateNotFound):
        return RenderError(f"template '{exc.name}' is missing\n    fix: copy it from niic_sched/templates/")
    return RenderError(f"template error: {exc}\n    fix: check the variable names used in your templates "
                       "against the comment header of the default template of the same name")


def render(conf: Conference, schedule: Schedule, outdir: str | os.PathLike, *,
           templates: str | os.PathLike | None = None, door_sheets: bool = False, pdf: bool = True,
           progress: Callable[[str], None] | None = None, source: str = "schedule") -> RenderReport:
    """Write the site (index.html ...) and program.pdf (and door-sheets.pdf) into ``outdir``.

    Raises ScheduleMismatch (an InputError) when the schedule does not fit the conference;
    hard rules are not judged here (see niic_sched.program.placed)."""
    return render_placed(PlacedProgram.build(conf, schedule, source), outdir, templates=templates,
                         door_sheets=door_sheets, pdf=pdf, progress=progress)


def render_placed(placed: PlacedProgram, outdir: str | os.PathLike, *,
                  templates: str | os.PathLike | None = None, door_sheets: bool = False, pdf: bool = True,
                  progress: Callable[[str], None] | None = None, changes=None) -> RenderReport:
    """``render`` for a program already placed (and judged) by the caller: one edition per
    language of the conference (``Conference.editions``), the main one at the top of
    ``outdir`` (index.html ..., program.pdf), every other language L in ``outdir/L/`` with
    its booklet ``outdir/program-L.pdf`` (and door-sheets-L.pdf).

    ``changes`` (niic_sched.changes.Changes): what changed since the printed program, for the
    badges, each edition's changes.html and its handout changes.pdf / changes-L.pdf
    (render/changes.py); None: none of these."""
    from .changes import handout_name, mark, write_handout
    from .html import write_site
    from .pdf import write_pdfs

    say = progress or (lambda _m: None)
    report = RenderReport()
    t0 = time.perf_counter()
    conf = placed.conf
    views = []
    for code in conf.editions:
        program = program_view(placed, code)
        program.pdf = pdf
        mark(program, changes, conf)
        if pdf and program.changes is not None:      # the handout, as the edition's pages link it
            program.changes.pdf = ("../" if edition_folder(conf, code) else "") + \
                handout_name(edition_pdf(conf, code))
        views.append(program)
        report.warnings.extend(w for w in program.warnings if w not in report.warnings)
    report.seconds["view"] = round(time.perf_counter() - t0, 3)
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=".render-", dir=outdir))
    staged: list[str] = []
    try:
        try:
            for program in views:
                code = program.language
                env = environment(templates, code)
                folder = edition_folder(conf, code)
                t = time.perf_counter()
                names = [folder + n for n in write_site(program, env, stage / folder)]
                report.seconds[f"html-{code}"] = round(time.perf_counter() - t, 3)
                which = f" ({code} edition)" if len(views) > 1 else ""
                say(f"site: {plural(len(names), 'file')} in {report.seconds[f'html-{code}']} s{which}")
                if pdf:
                    t = time.perf_counter()
                    booklets = (edition_pdf(conf, code), edition_pdf(conf, code, "door-sheets"))
                    pdf_names, pages = write_pdfs(program, env, stage, door_sheets=door_sheets, names=booklets)
                    names += pdf_names
                    report.pages.update(pages)
                    report.warnings.extend(w for w in program.warnings if w not in report.warnings)
                    if program.changes is not None:
                        handout = handout_name(edition_pdf(conf, code))
                        report.pages[handout] = write_handout(program, env, stage / handout, conf.paper_size)
                        names.append(handout)
                    report.seconds[f"pdf-{code}"] = round(time.perf_counter() - t, 3)
                    pages_text = ", ".join(f"{k} {plural(v, 'page')}" for k, v in pages.items())
                    say(f"pdf: {pages_text} in {report.seconds[f'pdf-{code}']} s{which}")
                staged += names
        except jinja2.TemplateError as exc:
            raise template_error(exc) from None
        report.files = _move_into_place(stage, outdir, staged)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    for key in ("html", "pdf"):
        parts = [v for k, v in report.seconds.items() if k.startswith(key + "-")]
        if parts:
            report.seconds[key] = round(sum(parts), 3)
    report.seconds["total"] = round(time.perf_counter() - t0, 3)
    return report


def _move_into_place(stage: Path, outdir: Path, names: list[str]) -> list[Path]:
    """Move each staged file over its old version: every single replacement is atomic."""
    out = []
    for name in names:
        src, dst = stage / name, outdir / name
        dst.parent.mkdir(parents=True, exist_ok=True)
        with open(src, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(src, dst)
        out.append(dst)
    return out


__all__ = ["render", "render_placed", "environment", "program_view", "ProgramView", "RenderError", "RenderReport",
           "PACKAGE_TEMPLATES"]
