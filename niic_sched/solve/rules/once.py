"""Each session is held exactly once, at a start of the grid.

Its pre-check: a session with no possible start at all (every run of the grid
and every room is forbidden by some requirement), with the fewest requirements
that together leave it nowhere to go."""
from __future__ import annotations

from .base import Reason, Rule
from .words import alternatives, session_label


class Once(Rule):
    name = "once"

    def encode(self, m) -> None:
        for i in sorted(m.active):
            m.cp.add_exactly_one(m.x[i].values())

    def prechecks(self, pc) -> list[Reason]:
        out = []
        for s in pc.space.without_options():
            places = pc.placements(s)
            keys = {k for _, _, why in places for c in why for k in c}

            def stuck(ks: set[str]) -> bool:
                return all(any(c <= ks for c in why) for _, _, why in places)

            for k in pc.by_rank(keys):          # the fewest that still leave no start
                if stuck(keys - {k}):
                    keys.discard(k)
            words = pc.restrictions(s, keys, "it")
            out.append(Reason(self.name, f"{session_label(s)} has no possible start: " + "; ".join(words.parts) + ".",
                              alternatives(words.fixes or ["change one of these requirements"]),
                              sessions=(s.id,), speakers=words.speakers, rooms=words.rooms,
                              requirements=tuple(pc.by_rank(keys)), where=words.where, title="no possible start"))
        return out


RULE = Once()
