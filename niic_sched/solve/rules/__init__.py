"""The hard-rule registry: one module per rule family, each a ``Rule`` (see
``base.py`` for the hooks). Everything that needs the hard rules (the placement
space, the CP-SAT models, the tabu search, the lower bound, the pre-checks and
the explanation) iterates ``RULES`` through the functions below and never names
a rule. ``check.py`` is the independent twin of this package and shares no code
with it.

Adding a rule family: a module here with a ``RULE`` object, listed in ``RULES``;
its twin in ``check.py``; a test (see docs/architecture.md).
"""
from __future__ import annotations

from . import (after, capacity, consecutive, features, not_with, once, pins, plenaries, resources, room_availability,
               rooms, speaker_availability, speakers)
from .base import NEVER, Reason, Requirement, Restriction, Rule, Tracker

# the order in which pre-checks report and sentences are listed
RULES: tuple[Rule, ...] = (once.RULE, consecutive.RULE, plenaries.RULE, pins.RULE, speakers.RULE,
                           speaker_availability.RULE, features.RULE, capacity.RULE, room_availability.RULE,
                           after.RULE, not_with.RULE, resources.RULE, rooms.RULE)
BY_NAME: dict[str, Rule] = {r.name: r for r in RULES}
NAMES: tuple[str, ...] = tuple(BY_NAME)

__all__ = ["BY_NAME", "NAMES", "NEVER", "RULES", "Reason", "Requirement", "Restriction", "Rule", "Tracker",
           "add_hard_rules", "by_rank", "links", "requirements", "rule_of"]


def _overriding(hook: str) -> tuple[Rule, ...]:
    """The rules that implement ``hook`` (the others would only say "allowed")."""
    return tuple(r for r in RULES if getattr(type(r), hook) is not getattr(Rule, hook))


START_RULES = tuple(dict.fromkeys(_overriding("start_forbids") + _overriding("allows_start")))
ROOM_RULES = tuple(dict.fromkeys(_overriding("room_forbids") + _overriding("allows_room")))
ROOM_AT_RULES = tuple(dict.fromkeys(_overriding("room_at_forbids") + _overriding("allows_room_at")))
GRID_RULES = tuple(r for r in START_RULES if r.shapes_grid)


def add_hard_rules(m) -> None:
    """Every family's CP-SAT constraints on model ``m`` (plain, or guarded when ``m.guards`` is set)."""
    for rule in RULES:
        rule.encode(m)


# -- unary tests ---------------------------------------------------------------------------------
def start_allowed(grid, s, date, start, run, rules=START_RULES) -> bool:
    return all(r.allows_start(grid, s, date, start, run) for r in rules)


def room_allowed(grid, s, room) -> bool:
    return all(r.allows_room(grid, s, room) for r in ROOM_RULES)


def room_at_allowed(grid, s, room, date, run) -> bool:
    return all(r.allows_room_at(grid, s, room, date, run) for r in ROOM_AT_RULES)


def start_forbids(grid, s, date, start, run, rules=START_RULES) -> list[frozenset[str]]:
    return [c for r in rules for c in r.start_forbids(grid, s, date, start, run)]


def room_forbids(grid, s, room) -> list[frozenset[str]]:
    return [c for r in ROOM_RULES for c in r.room_forbids(grid, s, room)]


def room_at_forbids(grid, s, room, date, run) -> list[frozenset[str]]:
    return [c for r in ROOM_AT_RULES for c in r.room_at_forbids(grid, s, room, date, run)]


def in_grid(grid, s, run) -> bool:
    """Is the run allowed by the families that shape the slot grid (plenary slots)?"""
    return start_allowed(grid, s, run[0], run[1], run[2], GRID_RULES)


# -- pairwise tests ----------------------------------------------------------------------------------
def links(conf, sessions) -> dict[int, dict[int, tuple[Rule, ...]]]:
    """For sessions given as a list (indices into it): i -> j -> the families that
    link i and j (both directions)."""
    index = {s.id: i for i, s in enumerate(sessions)}
    out: dict[int, dict[int, list[Rule]]] = {}
    for rule in RULES:
        for a, b in rule.pairs(conf):
            i, j = index.get(a), index.get(b)
            if i is None or j is None or i == j:
                continue
            for x, y in ((i, j), (j, i)):
                got = out.setdefault(x, {}).setdefault(y, [])
                if rule not in got:
                    got.append(rule)
    return {i: {j: tuple(rs) for j, rs in d.items()} for i, d in out.items()}


def clash(rules, a, pa, b, pb) -> bool:
    """Do placements pa of a and pb of b break one of ``rules`` (the families linking them)?"""
    return any(r.clashes(a, pa, b, pb) for r in rules)


# -- requirements ------------------------------------------------------------------------------------
def requirements(conf) -> dict[str, Requirement]:
    """Every requirement group of the conference, by key."""
    out: dict[str, Requirement] = {}
    for rule in RULES:
        for req in rule.requirements(conf):
            out.setdefault(req.key, req)
    return out


def rule_of(key: str) -> Rule:
    return BY_NAME[key.split(":", 1)[0]]


def by_rank(keys) -> list[str]:
    """Keys in the explanation's deletion order (first tried, first dropped): what a
    committee set on purpose (pins, unavailability, links) is what we would rather name."""
    return sorted(keys, key=lambda k: (rule_of(k).drop_rank, k))
