"""What every export needs beside the placed program (niic_sched.program, which
joins the schedule with the conference and gives real, time-zone-aware start and
end times): identifiers that stay the same when the program is re-solved, and
a few text helpers.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
import uuid

from ..model import Conference, Session, hhmm
from ..program import PlacedProgram

# uuid5 namespace of niic-sched exports (itself uuid5(NAMESPACE_URL, "https://niic-sched/export"))
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://niic-sched/export")


def conference_key(conf: Conference) -> str:
    """What identifies the conference across re-solves: its acronym, else its name."""
    return (conf.acronym or conf.name).strip()


def session_uuid(conf: Conference, session_id: str) -> uuid.UUID:
    """Stable across re-solves: derived from the conference and the session id only,
    never from a time or a room."""
    return uuid.uuid5(NAMESPACE, f"{conference_key(conf)}/session/{session_id}")


def room_uuid(conf: Conference, room_id: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"{conference_key(conf)}/room/{room_id}")


def speaker_uuid(conf: Conference, speaker_id: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"{conference_key(conf)}/speaker/{speaker_id}")


def clock(minutes: int) -> str:
    """The wall-clock time of day: 25:15 -> "01:15"."""
    return hhmm(minutes % (24 * 60))


def ascii_slug(text: str, allowed: str = "a-z0-9", sep: str = "-") -> str:
    """'Ciudadanía para todos' -> 'ciudadania-para-todos' (letters outside Latin drop out)."""
    folded = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(f"[^{allowed}]+", sep, folded).strip(sep + "_-")


def numeric_ids(ids: list[str], salt: str) -> dict[str, int]:
    """Positive integer ids, stable across re-solves: the trailing number of each id
    (s0014 -> 14) when those are unique and positive, else a hash of the id."""
    nums = {}
    for i in ids:
        m = re.search(r"(\d+)$", i)
        if not m or int(m.group(1)) <= 0 or int(m.group(1)) >= 2**31:
            break
        nums[i] = int(m.group(1))
    else:
        if len(set(nums.values())) == len(ids):
            return nums
    out: dict[str, int] = {}
    used: set[int] = set()
    for i in sorted(ids):
        n = int.from_bytes(hashlib.sha256(f"{salt}/{i}".encode()).digest()[:4], "big") % 999_999_999 + 1
        while n in used:
            n = n % 999_999_999 + 1
        used.add(n)
        out[i] = n
    return out


def speaker_names(program: PlacedProgram, s: Session) -> str:
    """ "María Núñez, Ana Ruiz": the speakers of a session, placed or not."""
    return ", ".join(p.name for p in program.speakers_of(s))
