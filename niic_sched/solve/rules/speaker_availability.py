"""A speaker speaks only while available (``unavailable`` ranges in speakers.yaml).

A range forbids a start only while the speaker speaks in the session, so a start
is forbidden by the pair {``speakers:p@s``, ``speaker_availability:p@range``}."""
from __future__ import annotations

from .base import Reason, Requirement, Restriction, Rule, where_of
from .grid import covers
from .speakers import key as speaks
from .words import isolate, join, range_text, speaker_label


def key(pid: str, rng) -> str:
    return f"speaker_availability:{pid}@{rng}"


class SpeakerAvailability(Rule):
    name = "speaker_availability"
    drop_rank = 5

    def requirements(self, conf):
        for p in conf.speakers:
            for u in p.unavailable:
                if u.day in conf.day:
                    yield Requirement(key(p.id, u), self.name, speaker=p.id, range=u, where=p.at("unavailable"))

    def start_forbids(self, grid, s, date, start, run):
        out = []
        for p in s.speakers:
            for u in grid.conf.speaker[p].unavailable:
                if covers(u, date, run):
                    out.append(frozenset({speaks(p, s.id), key(p, u)}))
        return out

    def allows_start(self, grid, s, date, start, run) -> bool:
        speaker = grid.conf.speaker
        return all(speaker[p].free(date, sl.start, sl.end) for p in s.speakers for sl in run)

    def restriction(self, pc, s, keys, subject):
        conf = pc.conf
        words = Restriction()
        for p in dict.fromkeys(s.speakers):
            if speaks(p, s.id) not in keys:
                continue
            sp = conf.speaker[p]
            ranges = list(dict.fromkeys(u for u in sp.unavailable if key(p, u) in keys))
            if ranges:
                who = "it" if subject == "it" else s.id
                words.parts.append(f"{speaker_label(sp)}, who speaks in {who}, is unavailable "
                                   + join(range_text(u) for u in ranges))
                words.speakers.append(p)
                words.where += [s.at("speakers"), sp.at("unavailable")]
        if words.speakers:
            words.fixes = ["ask a speaker to free a slot", "hand the session to a co-speaker"]
        return words if words.parts else None

    def describe(self, conf, reqs) -> list[Reason]:
        """Unavailable ranges of speakers whose part in a session is not in the set
        (those with one are worded by the speakers family)."""
        speaking = {r.speaker for r in reqs if r.rule == "speakers"}
        out = []
        for p in sorted({r.speaker for r in reqs if r.rule == self.name} - speaking):
            sp = conf.speaker[p]
            gone = [r for r in reqs if r.rule == self.name and r.speaker == p]
            out.append(Reason(self.name, f"{speaker_label(sp)} is unavailable "
                              + join(range_text(r.range) for r in gone) + ".",
                              f"Ask {isolate(sp.name)} to be available " + join([range_text(r.range) for r in gone], "or")
                              + ".", speakers=(p,), requirements=tuple(r.key for r in gone), where=where_of(gone),
                              title="speaker"))
        return out


RULE = SpeakerAvailability()
