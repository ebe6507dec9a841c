"""A session longer than a slot takes consecutive slots of one day, from a slot
start, until its duration is covered (``Conference.covered_slots``). The grid
(``grid.Grid.runs``) offers only such runs; this family's test says so for any
placement."""
from __future__ import annotations

from .base import NEVER, Rule


class Consecutive(Rule):
    name = "consecutive"

    def start_forbids(self, grid, s, date, start, run):
        return [] if self.allows_start(grid, s, date, start, run) else NEVER

    def allows_start(self, grid, s, date, start, run) -> bool:
        return run is not None and grid.conf.covered_slots(s, date, start) == tuple(run)


RULE = Consecutive()
