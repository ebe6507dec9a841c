"""``not_with: [b]``: the two sessions never overlap."""
from __future__ import annotations

from .base import Reason, Requirement, Rule, uniq, where_of
from .words import join, session_label


def key(a: str, b: str) -> str:
    a, b = sorted((a, b))
    return f"not_with:{a}|{b}"


class NotWith(Rule):
    name = "not_with"
    drop_rank = 6

    def requirements(self, conf):
        for s in conf.sessions:
            for b in s.not_with:
                yield Requirement(key(s.id, b), self.name, session=min(s.id, b), other=max(s.id, b),
                                  where=s.at("not_with"))

    def pairs(self, conf):
        for s in conf.sessions:
            for b in s.not_with:
                if b != s.id and b in conf.session:
                    yield s.id, b

    def encode(self, m) -> None:
        space = m.space
        done = set()
        for i, s in enumerate(space.sessions):
            for other in s.not_with:
                j = space.index[other]
                pair = (min(i, j), max(i, j))
                if pair in done or i not in m.active or j not in m.active or m.dropped(key(s.id, other)):
                    continue
                done.add(pair)
                segs = {g for o in space.options[i] for g in o.segs} & {g for o in space.options[j] for g in o.segs}
                guard = m.guard(key(s.id, other))
                for g in sorted(segs):
                    lits = m.occupies(i, g) + m.occupies(j, g)
                    if len(lits) > 1:
                        if guard is None:
                            m.cp.add_at_most_one(lits)
                        else:
                            m.cp.add(sum(lits) <= 1).only_enforce_if(guard)

    def clash_reason(self, pc, a, b, both, keys, where):
        return Reason(self.name, f"{both}, but they must not overlap (not_with).",
                      "Move or remove one of the two pins, or remove the not_with link.", sessions=(a.id, b.id),
                      requirements=tuple(keys + [key(a.id, b.id)]),
                      where=uniq(where + [a.at("not_with") if b.id in a.not_with else b.at("not_with")]),
                      title="pin clash")

    def describe(self, conf, reqs) -> list[Reason]:
        apart = [r for r in reqs if r.rule == self.name]
        if not apart:
            return []
        S = conf.session
        ids = sorted({x for r in apart for x in (r.session, r.other)})
        if len(apart) > 1 and len(apart) == len(ids) * (len(ids) - 1) // 2:
            sentence = f"{join(session_label(S[x]) for x in ids)} must not overlap each other."
        else:
            sentence = "; ".join(f"{session_label(S[r.session])} and {session_label(S[r.other])} must not overlap"
                                 for r in apart) + "."
        return [Reason(self.name, sentence, "Remove the not_with link." if len(apart) == 1 else
                       "Remove one of these not_with links.", sessions=tuple(ids),
                       requirements=tuple(r.key for r in apart), where=where_of(apart))]


RULE = NotWith()
