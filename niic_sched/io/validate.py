"""Cross-reference checks on a loaded conference (shared by every loader).

Each check returns problems that name where the offending value was written,
the session, speaker or room it is about (id and name), and how to fix it.
Together they guarantee what the solver relies on: every id resolves, ``after``
has no cycle, and every session fits some room and some run of slots.

They run even when some fields did not parse (``Incomplete`` says which objects
are partial), so that one run reports every problem: a check that needs what did
not parse is left out for the objects concerned, never made up.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass

from ..errors import Problem
from ..model import Conference, Session
from .build import Terms, label


@dataclass(frozen=True)
class Incomplete:
    """What did not fully parse, so that ``validate`` checks only what it can."""
    sessions: frozenset[str] = frozenset()    # ids of sessions with a field that did not parse
    rooms: frozenset[str] = frozenset()
    speakers: frozenset[str] = frozenset()
    anonymous: frozenset[str] = frozenset()   # "session", "room", "speaker": a record without a usable id
    days: bool = False                        # a day or one of its slots did not parse
    dates: bool = False                       # a day's date did not parse (the conference's days are unknown)
    conference: bool = False                  # a key of the conference itself (resources, ...) did not parse


COMPLETE = Incomplete()


def _suggest(word: str, known) -> str:
    close = difflib.get_close_matches(word, sorted(known), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _at(item, *keys: str) -> str:
    """Where the first of ``keys`` that was written stands (``pin.room``, then ``pin``), else the object."""
    for key in keys:
        if key in item.where_keys:
            return item.where_keys[key]
    return item.where


def duplicate_ids(conf: Conference) -> list[Problem]:
    out = []
    for kind, items, fix in (("session", conf.sessions, "give each session its own id"),
                             ("room", conf.rooms, "give each room its own id"),
                             ("speaker", conf.speakers, "give each speaker its own id")):
        seen: dict[str, str] = {}
        for item in items:
            if item.id in seen:
                out.append(Problem(item.at("id"), f"{label(item)}: {kind} id '{item.id}' is used twice "
                                   f"(also at {seen[item.id]})", fix, **{kind: item.id}))
            else:
                seen[item.id] = item.at("id")
    return out


def unknown_references(conf: Conference, terms: Terms, incomplete: Incomplete = COMPLETE) -> list[Problem]:
    """Ids that name nothing. An id is only called unknown when every object of its
    kind has a usable id (a record without one might be the one meant)."""
    out = []
    sessions, rooms, speakers = conf.session, conf.room, conf.speaker
    gone = incomplete.anonymous
    for s in conf.sessions:
        who = label(s)
        for p in s.speakers:
            if p not in speakers and "speaker" not in gone:
                out.append(Problem(s.at("speakers"), f"{who}: speaker '{p}' is not in {terms.speakers}"
                                   f"{_suggest(p, speakers)}", f"add {p} to {terms.speakers} or correct the id",
                                   session=s.id))
        for key in ("after", "not_with"):
            for other in getattr(s, key):
                if other == s.id:
                    out.append(Problem(s.at(key), f"{who} names itself in {key}", "remove it", session=s.id))
                elif other not in sessions and "session" not in gone:
                    out.append(Problem(s.at(key), f"{who}: {key} names '{other}', which is not a session"
                                       f"{_suggest(other, sessions)}", "correct the id or remove it", session=s.id))
        if s.pin:
            if s.pin.room is not None and s.pin.room not in rooms and "room" not in gone:
                out.append(Problem(_at(s, "pin.room", "pin"), f"{who}: pinned room '{s.pin.room}' is not in "
                                   f"{terms.rooms}{_suggest(s.pin.room, rooms)}", "correct the room id", session=s.id))
            if s.pin.day is not None and s.pin.day not in conf.day:
                if not incomplete.dates:
                    out.append(Problem(_at(s, "pin.day", "pin"), f"{who}: pinned day {s.pin.day} is not a "
                                       "conference day", "use one of " + ", ".join(str(d.date) for d in conf.days),
                                       session=s.id))
            elif s.pin.start is not None and not incomplete.days:
                days = [conf.day[s.pin.day]] if s.pin.day else conf.days
                if not any(sl.start == s.pin.start for d in days for sl in d.slots):
                    out.append(Problem(_at(s, "pin.start", "pin"), f"{who}: no slot starts at the pinned "
                                       f"time {s.pin}", f"pin to the start of a slot in {terms.slots}", session=s.id))
        for pref in s.preferred:
            if pref.day is not None and pref.day not in conf.day and not incomplete.dates:
                out.append(Problem(s.at("preferred"), f"{who}: preferred day {pref.day} is not a conference day",
                                   "use one of " + ", ".join(str(d.date) for d in conf.days), session=s.id))
    return out


def after_cycles(conf: Conference) -> list[Problem]:
    """Sessions whose ``after`` links form a loop can never be ordered."""
    graph = {s.id: [a for a in s.after if a in conf.session] for s in conf.sessions}
    state: dict[str, int] = {}
    out = []
    reported: set[frozenset] = set()
    for root in sorted(graph):
        if state.get(root):
            continue
        stack = [(root, iter(graph[root]))]
        path = [root]
        state[root] = 1
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                state[node] = 2
                stack.pop()
                path.pop()
                continue
            if state.get(nxt) == 1:
                cycle = path[path.index(nxt):] + [nxt]
                key = frozenset(cycle)
                if key not in reported:
                    reported.add(key)
                    first = conf.session[cycle[0]]
                    out.append(Problem(first.at("after"), f"{label(first)}: sessions must come after each other "
                                       "in a loop: " + " -> ".join(cycle), "remove one of these 'after' links",
                                       session=first.id))
            elif not state.get(nxt):
                state[nxt] = 1
                stack.append((nxt, iter(graph[nxt])))
                path.append(nxt)
    return out


def usable_rooms(conf: Conference, s: Session, grid=None) -> list[str]:
    """The rooms the hard rules let ``s`` use whatever the time (capacity, features,
    a room pin): the rule registry's own test, so input checks and solver agree."""
    from ..solve import rules
    from ..solve.rules.grid import Grid
    grid = grid or Grid(conf)
    return [r.id for r in conf.rooms if rules.room_allowed(grid, s, r)]


def sessions_that_fit_nowhere(conf: Conference, skip=frozenset()) -> list[Problem]:
    """Sessions that no room or no run of slots can hold (``skip``: ids not to judge)."""
    from ..solve import rules
    from ..solve.rules.grid import Grid
    out = []
    grid = Grid(conf)
    has_plenary_slots = grid.has_plenary_slots
    for s in conf.sessions:
        if s.id in skip:
            continue
        rooms = usable_rooms(conf, s, grid)
        if not rooms:
            biggest = max((r.capacity for r in conf.rooms), default=0)
            featured = [r for r in conf.rooms if s.requires <= r.features]
            if s.pin and s.pin.room in conf.room:
                r = conf.room[s.pin.room]
                why = (f"is pinned to {r.id} ({r.capacity} seats, features: {', '.join(sorted(r.features)) or 'none'}), "
                       f"which cannot hold {s.expected_attendance} people needing {', '.join(sorted(s.requires)) or 'nothing'}")
                fix = "pin it to a bigger or better-equipped room, or remove the room pin"
            elif not featured:
                why = f"requires {', '.join(sorted(s.requires))}, and no room has all of these"
                fix = "drop a requirement or add the feature to a room in rooms.yaml"
            elif all(r.capacity < s.expected_attendance for r in featured):
                why = (f"expects {s.expected_attendance} people, but the rooms with "
                       f"{', '.join(sorted(s.requires)) or 'no special needs'} hold at most "
                       f"{max(r.capacity for r in featured)}")
                fix = "lower expected_attendance or raise a suitable room's capacity"
            else:
                why = f"expects {s.expected_attendance} people, but the biggest room holds {biggest}"
                fix = "lower expected_attendance or add a bigger room"
            out.append(Problem(s.at("expected_attendance") if "requires" not in why else s.at("requires"),
                               f"{label(s)} fits no room: it {why}", fix, session=s.id))
            continue
        # a run of slots long enough for the duration, of the right kind
        if not any(rules.in_grid(grid, s, run) for run in grid.runs(s)):
            longest = max((sl.end - sl.start for sl in conf.slots if sl.is_plenary == s.is_plenary or not has_plenary_slots),
                          default=0)
            kind = "plenary " if s.is_plenary and has_plenary_slots else ""
            out.append(Problem(s.at("duration"),
                               f"{label(s)} lasts {s.duration} minutes, longer than any run of consecutive "
                               f"{kind}slots (a single one lasts {longest})",
                               "shorten the session or lengthen the slots in conference.yaml", session=s.id))
    return out


def unavailable_outside_conference(conf: Conference) -> list[str]:
    warnings = []
    days = set(conf.day)
    for item in list(conf.speakers) + list(conf.rooms):
        for u in item.unavailable:
            if u.day not in days:
                warnings.append(f"{item.at('unavailable')}: {label(item)} is unavailable on {u.day}, "
                                "which is not a conference day (ignored)")
    return warnings


def unknown_resources(conf: Conference, terms: Terms, incomplete: Incomplete = COMPLETE) -> list[Problem]:
    """A session's ``uses`` names only resources the conference declares (not judged when
    the conference's own keys did not all parse: a resource may be the one that did not)."""
    out = []
    if incomplete.conference:
        return out
    for s in conf.sessions:
        for name, _ in s.uses:
            if name not in conf.resource:
                declared = ", ".join(sorted(conf.resource)) or "none"
                out.append(Problem(_at(s, f"uses.{name}", "uses"), f"{label(s)} uses '{name}', which is not in "
                                   f"{terms.resources}{_suggest(name, conf.resource)} (declared: {declared})",
                                   f"declare it with its quantity in {terms.resources} (e.g. {name}: 2), "
                                   "or correct the name", session=s.id))
    return out


def language_warnings(conf: Conference, terms: Terms) -> list[str]:
    """What the editions will lack: per language, the sessions without a title in it (they
    fall back to their original title, marked with its language); translations and
    track names in languages that are not editions; track names for tracks no session has."""
    out = []
    editions = conf.editions
    for lang in editions if len(editions) > 1 else ():
        missing = [s.id for s in conf.sessions if (s.language or conf.language) != lang and not s.translated(lang)]
        if missing:
            shown = ", ".join(missing[:6]) + (", ..." if len(missing) > 6 else "")
            n = len(missing)
            out.append(f"the {lang} edition: {n} session{'s have' if n != 1 else ' has'} no {lang} title ({shown}); "
                       f"{'they show' if n != 1 else 'it shows'} the original title, marked with its language "
                       f"(add {terms.translation})")
    for s in conf.sessions:
        stray = [lang for lang, *_ in s.translations if lang not in editions]
        if stray:
            out.append(f"{_at(s, 'translations')}: {label(s)} has translations in {', '.join(stray)}, which "
                       f"{'is' if len(stray) == 1 else 'are'} not among the conference's languages "
                       f"({', '.join(editions)}) (not shown)")
    used = {s.track for s in conf.sessions}
    for track, _ in conf.tracks:
        if track not in used:
            out.append(f"tracks: '{track}' has display names but no session is in that track{_suggest(track, used)}")
    return out


def validate(conf: Conference, terms: Terms, incomplete: Incomplete = COMPLETE) -> list[Problem]:
    """Every cross-reference problem; ``terms`` names the source's parts (speakers.yaml or
    the Speakers sheet); ``incomplete``: what did not parse, whose checks are left out.

    Whether a session fits some room and some run of slots is judged once the rooms
    and the days are whole, for each session that parsed whole and has no problem of
    its own (an unknown pinned room, a duplicate id)."""
    problems = (duplicate_ids(conf) + unknown_references(conf, terms, incomplete) + after_cycles(conf)
                + unknown_resources(conf, terms, incomplete))
    rooms_whole = not (incomplete.rooms or "room" in incomplete.anonymous
                       or any(p.room for p in problems) or len(conf.room) != len(conf.rooms))
    if rooms_whole and not incomplete.days and conf.days:
        named = {p.session for p in problems if p.session}
        problems += sessions_that_fit_nowhere(conf, skip=incomplete.sessions | named)
    return problems
