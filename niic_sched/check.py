"""The independent checker: which hard rules does a schedule break?

Written from the spec alone, sharing nothing with the solver but the domain
model, so that tests can judge the solver (and committees their spreadsheets).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from .model import Assignment, Conference, Schedule, hhmm


@dataclass(frozen=True)
class Violation:
    rule: str          # the rule family's name, as in solve/rules (written here independently)
    text: str          # a sentence naming sessions, rooms, speakers
    sessions: tuple[str, ...] = ()

    def __str__(self) -> str:
        return f"[{self.rule}] {self.text}"


def _ranges(conf: Conference, a: Assignment):
    """The (start, end) ranges the session occupies: its covered slots."""
    run = conf.covered_slots(conf.session[a.session], a.day, a.start)
    return [(s.start, s.end) for s in run] if run else None


def _overlap(r1, r2) -> bool:
    return any(a < d and c < b for a, b in r1 for c, d in r2)


def check_schedule(conf: Conference, schedule: Schedule) -> list[Violation]:
    out: list[Violation] = []
    placed: dict[str, Assignment] = {}
    ranges: dict[str, list[tuple[int, int]]] = {}
    has_plenary_slots = any(sl.is_plenary for sl in conf.slots)

    # each session exactly once; slot starts only; consecutive slots
    counts: dict[str, int] = defaultdict(int)
    for a in schedule.assignments:
        counts[a.session] += 1
    for a in schedule.assignments:
        if a.session not in conf.session:
            out.append(Violation("once", f"{a.session} is scheduled but is not a session of the folder", (a.session,)))
            continue
        if counts[a.session] > 1:
            if a.session not in placed:
                out.append(Violation("once", f"{a.session} is scheduled {counts[a.session]} times", (a.session,)))
            placed.setdefault(a.session, a)
            continue
        s = conf.session[a.session]
        day = conf.day.get(a.day)
        if day is None:
            out.append(Violation("consecutive", f"{a.session} is on {a.day}, which is not a conference day", (a.session,)))
            continue
        if not any(sl.start == a.start for sl in day.slots):
            out.append(Violation("consecutive", f"{a.session} starts at {hhmm(a.start)} on {a.day}, where no slot starts", (a.session,)))
            continue
        r = _ranges(conf, a)
        if r is None:
            out.append(Violation("consecutive", f"{a.session} ({s.duration} min) starting {a.day} {hhmm(a.start)} "
                                 "does not fit in the consecutive slots that follow", (a.session,)))
            continue
        if a.room not in conf.room:
            out.append(Violation("rooms", f"{a.session} is in room '{a.room}', which is not in rooms.yaml", (a.session,)))
            continue
        placed[a.session] = a
        ranges[a.session] = r
    scheduled = set(counts)
    for s in conf.sessions:
        if s.id not in scheduled:
            out.append(Violation("once", f"{s.id} ({s.title}) is not scheduled", (s.id,)))

    ok = {sid: a for sid, a in placed.items() if sid in ranges}
    by_day: dict = defaultdict(list)
    for sid, a in ok.items():
        by_day[a.day].append(sid)

    for sid, a in ok.items():
        s, room = conf.session[sid], conf.room[a.room]
        run = conf.covered_slots(s, a.day, a.start)
        when = f"{a.day} {hhmm(a.start)}"
        if s.expected_attendance > room.capacity:
            out.append(Violation("capacity", f"{sid} expects {s.expected_attendance} people but {room.id} holds {room.capacity}", (sid,)))
        missing = s.requires - room.features
        if missing:
            out.append(Violation("features", f"{sid} requires {', '.join(sorted(missing))}, which {room.id} lacks", (sid,)))
        for st, en in ranges[sid]:
            if not room.free(a.day, st, en):
                out.append(Violation("room_availability", f"{sid} is in {room.id} on {a.day} {hhmm(st)}-{hhmm(en)}, when the room is unavailable", (sid,)))
                break
        for p in s.speakers:
            sp = conf.speaker.get(p)
            if sp and any(not sp.free(a.day, st, en) for st, en in ranges[sid]):
                out.append(Violation("speaker_availability", f"{sp.name} ({p}) speaks in {sid} at {when} but is unavailable then", (sid,)))
        if has_plenary_slots:
            kinds = {sl.is_plenary for sl in run}
            if not s.is_plenary and True in kinds:
                out.append(Violation("plenaries", f"{sid} is a {s.format} in a plenary slot ({when})", (sid,)))
            if s.is_plenary and False in kinds:
                out.append(Violation("plenaries", f"plenary {sid} is outside the plenary slots ({when})", (sid,)))
        if s.pin:
            if (s.pin.day and s.pin.day != a.day) or (s.pin.start is not None and s.pin.start != a.start) \
                    or (s.pin.room and s.pin.room != a.room):
                out.append(Violation("pins", f"{sid} is pinned to {s.pin} but placed at {when} in {a.room}", (sid,)))
        for b in s.after:
            if b in ok:
                ab = ok[b]
                b_end = (ab.day, ranges[b][-1][1])
                if (a.day, a.start) < b_end:
                    out.append(Violation("after", f"{sid} must start after {b} ends ({ab.day} {hhmm(b_end[1])}) but starts {when}", (sid, b)))

    # pairwise rules within a day
    for day, sids in by_day.items():
        sids.sort()
        for i, x in enumerate(sids):
            sx, ax = conf.session[x], ok[x]
            for y in sids[i + 1:]:
                sy, ay = conf.session[y], ok[y]
                if not _overlap(ranges[x], ranges[y]):
                    continue
                pair = (x, y)
                when = f"{day} {hhmm(max(ax.start, ay.start))}"
                if ax.room == ay.room:
                    out.append(Violation("rooms", f"{x} and {y} are both in {ax.room} at {when}", pair))
                for p in sorted(set(sx.speakers) & set(sy.speakers)):
                    name = conf.speaker[p].name if p in conf.speaker else p
                    out.append(Violation("speakers", f"{name} ({p}) speaks in both {x} and {y} at {when}", pair))
                if sx.is_plenary or sy.is_plenary:
                    pl, other = (x, y) if sx.is_plenary else (y, x)
                    out.append(Violation("plenaries", f"{other} runs during plenary {pl} at {when}", pair))
                if y in sx.not_with or x in sy.not_with:
                    out.append(Violation("not_with", f"{x} and {y} must not overlap but both run at {when}", pair))

    # resources: at every moment, the sessions running use no more than there is. The most
    # used moments are session starts: count the sessions running at each start.
    for day, sids in by_day.items():
        uses = {sid: conf.uses(conf.session[sid]) for sid in sids}
        for name, quantity in conf.resources:
            users = [sid for sid in sids if uses[sid].get(name)]
            reported: set = set()
            for t in sorted({st for sid in users for st, _ in ranges[sid]}):
                running = tuple(sorted(sid for sid in users if any(st <= t < en for st, en in ranges[sid])))
                need = sum(uses[sid][name] for sid in running)
                if need > quantity and running not in reported:
                    reported.add(running)
                    out.append(Violation("resources", f"{', '.join(running)} run at {day} {hhmm(t)} and use {need} of "
                                         f"{name}, of which there {'is' if quantity == 1 else 'are'} {quantity}",
                                         running))
    return out
