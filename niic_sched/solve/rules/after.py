"""``after: [b]``: the session starts once each of those sessions has ended.

Its pre-check: chains of ``after`` links longer than the grid, or the sessions'
other requirements, allow."""
from __future__ import annotations

from .base import Reason, Requirement, Rule, uniq, where_of
from .words import join, plural, session_label, when


def key(sid: str, other: str) -> str:
    return f"after:{sid}>{other}"


def topological(conf) -> list[str]:
    """Session ids, each after the sessions it must follow (``after`` has no loop: validated)."""
    done: set[str] = set()
    out: list[str] = []
    for root in sorted(conf.session):
        if root in done:
            continue
        stack = [(root, iter(conf.session[root].after))]
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                stack.pop()
                if node not in done:
                    done.add(node)
                    out.append(node)
            elif nxt not in done and nxt in conf.session:
                stack.append((nxt, iter(conf.session[nxt].after)))
    return out


class After(Rule):
    name = "after"
    drop_rank = 7
    overlap_only = False

    def requirements(self, conf):
        for s in conf.sessions:
            for b in s.after:
                yield Requirement(key(s.id, b), self.name, session=s.id, other=b, where=s.at("after"))

    def pairs(self, conf):
        for s in conf.sessions:
            for b in s.after:
                if b != s.id and b in conf.session:
                    yield s.id, b

    def clashes(self, a, pa, b, pb) -> bool:
        return (b.id in a.after and pb.t1 > pa.t0) or (a.id in b.after and pa.t1 > pb.t0)

    def encode(self, m) -> None:
        """Each start of s implies that b ends no later."""
        space = m.space
        for i, s in enumerate(space.sessions):
            for b in s.after:
                j = space.index[b]
                if i not in m.active or j not in m.active or m.dropped(key(s.id, b)):
                    continue
                guard = m.guard(key(s.id, b))
                for k, lit in m.x[i].items():
                    t0 = space.options[i][k].t0
                    ok = [m.x[j][q] for q in m.x[j] if space.options[j][q].t1 <= t0]
                    if guard is not None:
                        if ok:
                            m.cp.add_bool_or(ok).only_enforce_if([lit, guard])
                        else:
                            m.cp.add_bool_or([lit.Not(), guard.Not()])
                    elif ok:
                        m.cp.add_bool_or(ok).only_enforce_if(lit)
                    else:
                        m.cp.add(lit == 0)

    # -- explanation ---------------------------------------------------------------------------------
    def prechecks(self, pc) -> list[Reason]:
        conf, space = pc.conf, pc.space
        if not any(s.after for s in conf.sessions):
            return []
        earliest_end: dict[str, int] = {}
        binding: dict[str, str | None] = {}
        broken: set[str] = set()
        out = []
        for sid in topological(conf):
            s = conf.session[sid]
            i = space.index[sid]
            if not space.options[i] or any(b in broken for b in s.after):
                broken.add(sid)
                continue
            bound, who = max(((earliest_end[b], b) for b in s.after), default=(None, None))
            opts = [o for o in space.options[i] if bound is None or o.t0 >= bound]
            if not opts:
                broken.add(sid)
                chain = [sid]
                b = who
                while b is not None:
                    chain.append(b)
                    b = binding.get(b)
                chain.reverse()
                out.append(self._chain_reason(pc, chain, bound))
                continue
            earliest_end[sid] = min(o.t1 for o in opts)
            binding[sid] = who
        return out

    def _chain_reason(self, pc, chain: list[str], bound: int) -> Reason:
        conf, grid = pc.conf, pc.grid
        sessions = [conf.session[c] for c in chain]
        links = [key(a, b) for b, a in zip(chain, chain[1:])]
        places = [pc.placements(s) for s in sessions]
        keys = {k for pl in places for _, _, why in pl for c in why for k in c}

        def broken(ks: set[str]) -> bool:
            t = None
            for pl in places:
                ends = [t1 for t0, t1, why in pl if (t is None or t0 >= t) and not any(c <= ks for c in why)]
                if not ends:
                    return True
                t = min(ends)
            return False

        for k in pc.by_rank(keys):                # the fewest restrictions that still break the chain
            if broken(keys - {k}):
                keys.discard(k)
        text = " → ".join(session_label(s) for s in sessions)
        where = [conf.session[a].at("after") for a in chain[1:]]
        if not keys:
            from .plenaries import RULE as plenaries
            kind = "regular " if plenaries.slot_kind(grid, sessions) == "regular " else ""
            starts = {(d, st) for s in sessions for d, st, _ in pc.runs(s)}
            sentence = (f"{text} must run one after another ({len(chain)} sessions in a row), but the conference has "
                        f"only {plural(len(starts), kind + 'slot')} for them.")
            return Reason(self.name, sentence, "Remove an after link, or add slots to conference.yaml.",
                          sessions=tuple(chain), requirements=tuple(links), where=uniq(where), title="after chain")
        parts, speakers, rooms = [], [], []
        for s, pl in zip(sessions, places):
            mine = keys & {k for _, _, why in pl for c in why for k in c}
            if mine:
                words = pc.restrictions(s, mine, session_label(s))
                parts += words.parts
                speakers += words.speakers
                rooms += words.rooms
                where += words.where
        last, prev = sessions[-1], sessions[-2]
        sentence = (f"{text} must run one after another, but {last.id} has no possible start after {prev.id} "
                    f"ends (at the earliest {grid.clock(bound)})" + (": " + "; ".join(parts) if parts else "") + ".")
        return Reason(self.name, sentence,
                      "Remove an after link, move a pin, or free the speakers or rooms at a later time.",
                      sessions=tuple(chain), speakers=uniq(speakers), rooms=uniq(rooms),
                      requirements=tuple(links + pc.by_rank(keys)), where=uniq(where), title="after chain")

    def clash_reason(self, pc, a, b, both, keys, where):
        for later, earlier in ((a, b), (b, a)):
            if earlier.id in later.after:
                i = pc.space.index[earlier.id]
                o = pc.space.options[i][pc.space.option_at(i, earlier.pin.day, earlier.pin.start)]
                return Reason(self.name, f"{both}, but {later.id} must start after {earlier.id} ends "
                              f"({when(o.date, o.end)}).", "Move or remove one of the two pins, or remove the after link.",
                              sessions=(later.id, earlier.id), requirements=tuple(keys + [key(later.id, earlier.id)]),
                              where=uniq(where + [later.at("after")]), title="pin clash")
        return None

    def describe(self, conf, reqs) -> list[Reason]:
        links: dict[str, list[Requirement]] = {}
        for r in reqs:
            if r.rule == self.name:
                links.setdefault(r.session, []).append(r)
        out = []
        for sid, rs in links.items():
            a, before = conf.session[sid], [conf.session[r.other] for r in rs]
            out.append(Reason(self.name, f"{session_label(a)} must start after {join(session_label(b) for b in before)} "
                              f"end{'s' if len(before) == 1 else ''}.",
                              f"Remove {join([b.id for b in before], 'or')} from the after list of {a.id}.",
                              sessions=(a.id, *(b.id for b in before)), requirements=tuple(r.key for r in rs),
                              where=where_of(rs)))
        return out


RULE = After()
