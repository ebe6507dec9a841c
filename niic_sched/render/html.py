"""The static HTML site: works offline from the file system (no server, no CDN, no fetch).

Pages: index.html (grid per day), sessions.html (every session in full, by day
and time), tracks.html, rooms.html, speakers.html and agenda.html (the
personal agenda, drawn by assets/app.js from assets/program-data.js), each in
the edition's language (the page names below are translated per edition).
"""
from __future__ import annotations

import json
from pathlib import Path

import jinja2

from ..i18n import N_
from . import asset
from .changes import write_changes_page
from .view import ProgramView

PAGES = (
    # (page id, template, navigation label, page title)
    ("index", "html/index.html", N_("At a glance"), N_("Program at a glance")),
    ("sessions", "html/sessions.html", N_("Sessions"), N_("All sessions")),
    ("tracks", "html/tracks.html", N_("Tracks"), N_("Sessions by track")),
    ("rooms", "html/rooms.html", N_("Rooms"), N_("Rooms")),
    ("speakers", "html/speakers.html", N_("Speakers"), N_("Speakers")),
    ("agenda", "html/agenda.html", N_("My agenda"), N_("My agenda")),
)
STATIC = ("site.css", "app.js")


def data_script(program: ProgramView) -> str:
    """assets/program-data.js: the program as a JavaScript object, safe to load with <script src>."""
    text = json.dumps(program.data(), ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
                    ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return ("/* Written by niic-sched render: the program data for the personal agenda and the .ics export. */\n"
            f"window.NIIC_PROGRAM = {text};\n")


def write_site(program: ProgramView, env: jinja2.Environment, dest: Path) -> list[str]:
    """Render every page and asset into ``dest``; returns the written names relative to ``dest``."""
    tr = program.L.gettext
    nav = [(pid, tr(label)) for pid, _, label, _ in PAGES if pid != "agenda"]
    if program.changes is not None:           # what changed since the printed program (render/changes.py)
        nav.append(("changes", tr(N_("What changed"))))
    written: list[str] = []
    for pid, template, _, title in PAGES:
        html = env.get_template(template).render(program=program, page=pid, title=tr(title), nav=nav)
        _write(dest / f"{pid}.html", html)
        written.append(f"{pid}.html")
    written += write_changes_page(program, env, dest, nav)
    (dest / "assets").mkdir(exist_ok=True)
    for name in STATIC:
        _write(dest / "assets" / name, asset(env, f"static/{name}"))
        written.append(f"assets/{name}")
    _write(dest / "assets" / "tracks.css", env.get_template("static/tracks.css").render(program=program))
    written.append("assets/tracks.css")
    _write(dest / "assets" / "program-data.js", data_script(program))
    written.append("assets/program-data.js")
    return written


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
