"""A speaker is never in two places: sessions that share a speaker never overlap.

Requirement ``speakers:<speaker>@<session>``: the speaker's part in the session
(a committee can hand the session to a co-speaker)."""
from __future__ import annotations

from .base import Reason, Requirement, Rule, uniq, where_of
from .grid import covers, hall_violator
from .plenaries import RULE as plenaries
from .words import alternatives, isolate, join, listing, plural, range_text, session_label, speaker_label


def key(pid: str, sid: str) -> str:
    return f"speakers:{pid}@{sid}"


def by_speaker(sessions) -> dict[str, list[int]]:
    """Speaker id -> indices (into ``sessions``) of the sessions they speak in."""
    out: dict[str, list[int]] = {}
    for i, s in enumerate(sessions):
        for p in dict.fromkeys(s.speakers):
            out.setdefault(p, []).append(i)
    return out


class Speakers(Rule):
    name = "speakers"
    drop_rank = 3

    def requirements(self, conf):
        for s in conf.sessions:
            for p in s.speakers:
                yield Requirement(key(p, s.id), self.name, session=s.id, speaker=p, where=s.at("speakers"))

    def pairs(self, conf):
        for members in by_speaker(conf.sessions).values():
            for x, i in enumerate(members):
                for j in members[x + 1:]:
                    yield conf.sessions[i].id, conf.sessions[j].id

    def encode(self, m) -> None:
        space = m.space
        for p, sessions in sorted(by_speaker(space.sessions).items()):
            if len(sessions) < 2:
                continue
            if m.guards is not None:
                self._guarded(m, p, set(sessions))
                continue
            per_seg: dict[int, list] = {}
            for i in sessions:
                for k, lit in m.x[i].items():
                    for g in space.options[i][k].segs:
                        per_seg.setdefault(g, []).append(lit)
            for g, lits in sorted(per_seg.items()):
                if len(lits) > 1:
                    m.cp.add_at_most_one(lits)

    def _guarded(self, m, p: str, sessions: set[int]) -> None:
        """Relax mode: session i counts for speaker p only while ``speakers:p@i`` holds
        (a part without a literal is dropped: it does not count)."""
        space = m.space
        guard = {i: m.guard(key(p, space.sessions[i].id)) for i in sorted(sessions)}
        guard = {i: lit for i, lit in guard.items() if lit is not None and m.x[i]}
        if len(guard) < 2:
            return
        per_seg: dict[int, dict[int, list]] = {}
        for i in guard:
            for k, lit in m.x[i].items():
                for g in space.options[i][k].segs:
                    per_seg.setdefault(g, {}).setdefault(i, []).append(lit)
        for g, per in sorted(per_seg.items()):
            if len(per) < 2:
                continue
            terms = []
            for i, lits in sorted(per.items()):
                w = m.cp.new_bool_var(f"busy[{p},{space.sessions[i].id},{g}]")
                m.cp.add(sum(lits) <= w).only_enforce_if(guard[i])
                terms.append(w)
            m.cp.add_at_most_one(terms)

    # -- explanation ---------------------------------------------------------------------------------
    def prechecks(self, pc) -> list[Reason]:
        """A speaker in more sessions than slots where they are free."""
        conf = pc.conf
        out = []
        for p, sessions in sorted(conf.sessions_by_speaker().items()):
            sessions = list({s.id: s for s in sessions if s.id in pc.placeable_ids}.values())
            if len(sessions) < 2:
                continue
            sp = conf.speaker[p]
            adj = {s.id: [(d, st) for d, st, run in pc.runs(s) if all(sp.free(d, x.start, x.end) for x in run)]
                   for s in sessions}
            got = hall_violator([s.id for s in sessions], adj)
            if got is None:
                continue
            from .speaker_availability import key as away_key   # (it builds on this module's keys)
            zs, ns = got
            zsess = [conf.session[z] for z in zs]
            ranges = list(dict.fromkeys(sp.unavailable))

            def free(away) -> set:
                return {(d, st) for s in zsess for d, st, run in pc.runs(s)
                        if not any(covers(u, d, run) for u in away)}
            biting = [u for u in ranges if len(free([x for x in ranges if x != u])) > len(ns)]
            grid_keys, grid_where = pc.grid_keys(zsess)
            kind = plenaries.slot_kind(pc.grid, zsess)
            sentence = (f"{speaker_label(sp)} speaks in {plural(len(zs), 'session')} "
                        f"({listing(session_label(s) for s in zsess)}) but is free in only "
                        f"{plural(len(ns), kind + 'slot')}")
            if biting:
                sentence += ": unavailable " + join(range_text(u) for u in biting)
            fix = "Drop a session, add a co-speaker to take one over" + (", or free a day." if biting else ".")
            out.append(Reason(self.name, sentence + ".", fix, sessions=tuple(zs), speakers=(p,),
                              requirements=tuple([key(p, z) for z in zs] + [away_key(p, u) for u in biting]
                                                 + grid_keys),
                              where=uniq([s.at("speakers") for s in zsess]
                                         + ([sp.at("unavailable")] if biting else []) + grid_where),
                              title="speaker overload"))
        return out

    def clash_reason(self, pc, a, b, both, keys, where):
        shared = sorted(set(a.speakers) & set(b.speakers))
        if not shared:
            return None
        names = join(speaker_label(pc.conf.speaker[p]) for p in shared)
        return Reason(self.name, f"{both}, and {names} speak{'s' if len(shared) == 1 else ''} in both: they overlap.",
                      "Move or remove one of the two pins, or hand one session to a co-speaker.",
                      sessions=(a.id, b.id), speakers=tuple(shared),
                      requirements=tuple(keys + [key(p, x.id) for p in shared for x in (a, b)]),
                      where=uniq(where + [a.at("speakers"), b.at("speakers")]), title="pin clash")

    def describe(self, conf, reqs) -> list[Reason]:
        """One sentence per speaker: their parts in sessions and their unavailable ranges."""
        from .speaker_availability import RULE as away   # (it builds on this module's keys)
        out = []
        for p in sorted({r.speaker for r in reqs if r.rule == self.name}):
            sp = conf.speaker[p]
            parts = [r for r in reqs if r.rule == self.name and r.speaker == p]
            gone = [r for r in reqs if r.rule == away.name and r.speaker == p]
            sessions = [conf.session[r.session] for r in parts]
            labels = [session_label(s) for s in sessions]
            if len(sessions) >= 2:
                sentence = f"{speaker_label(sp)} speaks in {join(labels)}, so these cannot overlap"
                if gone:
                    sentence += ", and is unavailable " + join(range_text(r.range) for r in gone)
            elif gone:
                sentence = f"{speaker_label(sp)} speaks in {labels[0]} and is unavailable " + \
                    join(range_text(r.range) for r in gone)
            else:
                sentence = f"{speaker_label(sp)} speaks in {labels[0]}"
            fixes = ["hand " + ("one of these sessions" if len(sessions) > 1 else "the session") + " to a co-speaker"]
            if gone:
                fixes.append(f"ask {isolate(sp.name)} to be available " + join([range_text(r.range) for r in gone], "or"))
            out.append(Reason(self.name, sentence + ".", alternatives(fixes),
                              sessions=tuple(s.id for s in sessions), speakers=(p,),
                              requirements=tuple(r.key for r in parts + gone), where=where_of(parts + gone),
                              title="speaker"))
        return out


RULE = Speakers()
