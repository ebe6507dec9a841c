"""Write a conference as a conference folder in the spec's YAML layout
(``niic-sched convert book.xlsx DIR``).

Written: conference.yaml, rooms.yaml, speakers.yaml, one file per session under
sessions/, and interests.csv when there are interests. Loading the folder gives
back a model equal to the one written, session order included: sessions go to
``sessions/<track>/<id>.yaml`` (the sample's layout) when the loader's
alphabetical walk keeps their order, else to ``sessions/<id>.yaml``, else to
numbered ``sessions/0001-<id>.yaml`` files.

A new folder is written in a temporary sibling and renamed into place; into an
existing folder every file is written atomically.
"""
from __future__ import annotations

import csv
import io
import os
import re
import unicodedata
from pathlib import Path

import yaml

from ..errors import InputError, Problem
from ..model import Conference, Session, TimeRange, hhmm
from .atomic import write_bytes_atomic, write_new_folder_atomic

CONFERENCE_FILES = ("conference.yaml", "rooms.yaml", "speakers.yaml", "sessions", "interests.csv")


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data):
        return True


def _str(dumper, value: str):
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _str)


def dump_yaml(data, header: str = "") -> bytes:
    body = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100,
                     default_flow_style=None)
    return (header + body).encode("utf-8")


def _range(u: TimeRange) -> dict:
    out: dict = {"day": u.day}
    if u.start is not None:
        out.update(start=hhmm(u.start), end=hhmm(u.end))
    return out


def conference_doc(conf: Conference) -> dict:
    doc: dict = {"name": conf.name}
    for key in ("acronym", "time_zone", "city", "venue"):
        if getattr(conf, key):
            doc[key] = getattr(conf, key)
    if conf.hosts:
        doc["hosts"] = list(conf.hosts)
    doc["language"] = conf.language
    if conf.url:
        doc["url"] = conf.url
    if conf.languages:
        doc["languages"] = list(conf.languages)
    if conf.paper:
        doc["paper"] = conf.paper
    if conf.tracks:
        doc["tracks"] = {t: (names[0][1] if [k for k, _ in names] == ["*"] else dict(names)) for t, names in conf.tracks}
    if conf.resources:
        doc["resources"] = dict(conf.resources)
    doc["days"] = [{"date": d.date,
                    "slots": [{"start": hhmm(s.start), "end": hhmm(s.end), **({"kind": "plenary"} if s.is_plenary else {})}
                              for s in d.slots]}
                   for d in conf.days]
    if conf.weights:
        doc["weights"] = dict(conf.weights)
    return doc


def rooms_doc(conf: Conference) -> list:
    out = []
    for r in conf.rooms:
        item: dict = {"id": r.id, "name": r.name, "capacity": r.capacity}
        if r.features:
            item["features"] = sorted(r.features)
        if r.unavailable:
            item["unavailable"] = [_range(u) for u in r.unavailable]
        out.append(item)
    return out


def speakers_doc(conf: Conference) -> list:
    out = []
    for p in conf.speakers:
        item: dict = {"id": p.id, "name": p.name}
        if p.organization:
            item["organization"] = p.organization
        if p.unavailable:
            item["unavailable"] = [_range(u) for u in p.unavailable]
        for key in ("email", "phone", "language", "sort_name"):
            if getattr(p, key):
                item[key] = getattr(p, key)
        out.append(item)
    return out


def session_doc(s: Session) -> dict:
    item: dict = {"id": s.id, "title": s.title, "format": s.format}
    if s.track:
        item["track"] = s.track
    item["duration"] = s.duration
    if s.expected_attendance:
        item["expected_attendance"] = s.expected_attendance
    item["speakers"] = list(s.speakers)
    for key, value in (("requires", sorted(s.requires)), ("after", list(s.after)), ("not_with", list(s.not_with))):
        if value:
            item[key] = value
    if s.pin:
        pin = {k: v for k, v in (("day", s.pin.day), ("start", hhmm(s.pin.start) if s.pin.start is not None else None),
                                 ("room", s.pin.room)) if v is not None}
        if pin:
            item["pin"] = pin
    if s.language:
        item["language"] = s.language
    if s.preferred:
        item["preferred"] = [{k: v for k, v in (("day", p.day), ("start", hhmm(p.start) if p.start is not None else None))
                              if v is not None} for p in s.preferred]
    if s.abstract:
        item["abstract"] = s.abstract
    if s.interpretation:
        item["interpretation"] = list(s.interpretation)
    if s.uses:
        item["uses"] = dict(s.uses)
    if s.translations:
        item["translations"] = {lang: {k: v for k, v in (("title", title), ("abstract", abstract)) if v}
                                for lang, title, abstract in s.translations}
    return item


def file_stem(text: str, fallback: str = "session") -> str:
    """A file or folder name any file system takes (letters of every script kept)."""
    s = unicodedata.normalize("NFC", str(text))
    s = re.sub(r"[^\w.\-]+", "-", s).strip("-.")
    return s[:80] or fallback


def _walk_key(rel: str) -> tuple:
    """The order in which the folder loader visits sessions/<rel> (files of a
    folder before its sub-folders, both alphabetically)."""
    parts = rel.split("/")
    return (0, parts[0]) if len(parts) == 1 else (1, parts[0], parts[1])


def session_paths(sessions: tuple[Session, ...]) -> list[str]:
    """Paths under sessions/ whose loading order is the sessions' order."""
    def by_track(s: Session) -> str:
        stem = file_stem(s.id)
        return f"{file_stem(s.track, 'track')}/{stem}.yaml" if s.track else f"{stem}.yaml"

    def flat(s: Session) -> str:
        return f"{file_stem(s.id)}.yaml"

    for layout in (by_track, flat):
        paths = [layout(s) for s in sessions]
        unique = len({p.lower() for p in paths}) == len(paths)
        if unique and sorted(paths, key=_walk_key) == paths:
            return paths
    width = max(4, len(str(len(sessions))))
    return [f"{i:0{width}d}-{file_stem(s.id)}.yaml" for i, s in enumerate(sessions, start=1)]


def folder_files(conf: Conference, source: str = "") -> dict[str, bytes]:
    """Relative path -> content of every file of the conference folder."""
    head = f"# Written by niic-sched{' from ' + source if source else ''}.\n"
    files = {
        "conference.yaml": dump_yaml(conference_doc(conf), head),
        "rooms.yaml": dump_yaml(rooms_doc(conf), head),
        "speakers.yaml": dump_yaml(speakers_doc(conf), head),
    }
    for s, rel in zip(conf.sessions, session_paths(conf.sessions)):
        files[f"sessions/{rel}"] = dump_yaml(session_doc(s))
    if conf.interests:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(["attendee", "session"])
        w.writerows(conf.interests)
        files["interests.csv"] = buf.getvalue().encode("utf-8")
    return files


def write_folder(conf: Conference, dest: str | os.PathLike, *, force: bool = False, source: str = "") -> list[str]:
    """Write the folder; returns the relative paths written (and removed, marked '-').

    Refuses (InputError) to overwrite a folder that already holds a conference
    unless ``force``; then session files that are not written again are removed,
    so that the folder holds exactly the conference."""
    dest = Path(dest)
    files = folder_files(conf, source)
    if dest.exists() and not dest.is_dir():
        raise InputError([Problem(str(dest), "exists and is not a folder", "give a new or empty folder")])
    present = [name for name in CONFERENCE_FILES if (dest / name).exists()] if dest.is_dir() else []
    if present and not force:
        raise InputError([Problem(str(dest), f"already holds a conference ({', '.join(present)})",
                                  "convert into a new folder, or add --force to replace it "
                                  "(session files that are not in the source are then removed)")])
    if not dest.exists() or (dest.is_dir() and not any(dest.iterdir())):
        return write_new_folder_atomic(dest, files)
    done = []
    for rel, data in files.items():
        write_bytes_atomic(dest / rel, data)
        done.append(rel)
    sessions_dir = dest / "sessions"
    for path in sorted(sessions_dir.rglob("*")):
        rel = path.relative_to(dest).as_posix()
        if (path.is_file() and path.suffix in (".yaml", ".yml") and rel not in files
                and not any(part.startswith(".") for part in path.relative_to(sessions_dir).parts)):
            path.unlink()
            done.append(f"-{rel}")
    if not conf.interests and (dest / "interests.csv").exists():
        (dest / "interests.csv").unlink()
        done.append("-interests.csv")
    return sorted(done)
