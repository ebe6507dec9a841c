"""schedule.yaml: read any schedule (solver-made or hand-made), write atomically."""
from __future__ import annotations

import os
from pathlib import Path

import yaml

from ..errors import InputError, Location, Problem
from ..model import Assignment, Conference, Schedule, hhmm
from .atomic import write_text_atomic
from .values import parse_date, parse_str, parse_time
from .yamlfile import line_of, read_yaml


def read_schedule(path: str | os.PathLike) -> Schedule:
    path = Path(path)
    problems: list[Problem] = []
    rel = Location(str(path))
    if not path.is_file():
        raise InputError([Problem(rel, "is missing", "give the schedule.yaml that niic-sched solve wrote")])
    data = read_yaml(path, str(path), problems)
    if problems:
        raise InputError(problems)
    if not isinstance(data, dict) or not isinstance(data.get("assignments", []), list):
        raise InputError([Problem(rel, "is not a schedule: it needs an 'assignments:' list",
                                  "write assignments: [{session: s0001, day: 2014-12-08, start: \"10:30\", room: r101}]")])
    out = []
    for item in data.get("assignments") or []:
        where = Location(str(path), line_of(item))
        if not isinstance(item, dict):
            problems.append(Problem(where, f"assignment {item!r} is not a mapping", "write {session, day, start, room}"))
            continue
        n = len(problems)
        sid = parse_str(item.get("session"), where, problems, "session")
        day = parse_date(item.get("day"), where, problems, "day")
        start = parse_time(item.get("start"), where, problems, "start")
        room = parse_str(item.get("room"), where, problems, "room")
        if len(problems) == n:
            out.append(Assignment(sid, day, start, room))
    unscheduled = data.get("unscheduled") or []
    if not isinstance(unscheduled, list):
        problems.append(Problem(rel, "unscheduled must be a list of session ids", "write unscheduled: []"))
        unscheduled = []
    if problems:
        raise InputError(problems)
    meta = data.get("meta") if isinstance(data.get("meta"), dict) else {}
    return Schedule(tuple(out), tuple(str(u) for u in unscheduled), dict(meta))


def schedule_document(schedule: Schedule, conf: Conference | None = None) -> dict:
    rows = []
    for a in sorted(schedule.assignments, key=lambda a: (a.day, a.start, a.room, a.session)):
        row = {"session": a.session, "day": a.day, "start": hhmm(a.start)}
        if conf is not None and a.session in conf.session:
            s = conf.session[a.session]
            run = conf.covered_slots(s, a.day, a.start)
            if run:
                row["end"] = hhmm(run[-1].end)
        row["room"] = a.room
        if conf is not None and a.session in conf.session:
            s = conf.session[a.session]
            row["title"] = s.title
            if s.track:
                row["track"] = s.track
            if s.speakers:   # lets `diff` notify the speakers of a session that is later cancelled
                row["speakers"] = list(s.speakers)
        rows.append(row)
    doc = {"assignments": rows, "unscheduled": sorted(schedule.unscheduled)}
    if schedule.meta:
        doc["meta"] = schedule.meta
    return doc


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data):  # no &id001 anchors for repeated dates
        return True


def dump_schedule(schedule: Schedule, conf: Conference | None = None) -> str:
    header = "# Written by niic-sched. Edit by hand if you like; `niic-sched check` tells what breaks.\n"
    if conf is not None and conf.name:
        header += f"# {conf.name}\n"
    body = yaml.dump(schedule_document(schedule, conf), Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                     width=1000, default_flow_style=None)
    return header + body


def write_schedule(schedule: Schedule, path: str | os.PathLike, conf: Conference | None = None) -> None:
    write_text_atomic(path, dump_schedule(schedule, conf))
