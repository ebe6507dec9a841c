"""What every export needs beside the placed program (niic_sched.program, which
joins the schedule with the conference and gives real, time-zone-aware start and
end times): identifiers that stay the same when the program is re-solved (one
calendar UID and one URL per session, for every output and the site alike), the
stamp of an export, and a few text helpers.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import unicodedata
import uuid

from ..errors import InputError, Problem
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


def uid_domain(conf: Conference) -> str:
    """The right side of every calendar UID: the acronym (else the name) in lower-case
    letters, digits and '-' ("NIIC2014" -> "niic2014"), then ".niic-sched"."""
    key = re.sub(r"[^a-z0-9]+", "-", conference_key(conf).lower()).strip("-") or "program"
    return f"{key}.niic-sched"


def session_uid(conf: Conference, session_id: str) -> str:
    """The one calendar UID of a session, in schedule.ics and in the site's "My agenda"
    calendar alike: ``<session id>@<acronym>.niic-sched`` ("s0028@niic2014.niic-sched").
    It names neither a time nor a room, so a calendar that imports a newer export (or
    both files) updates the session instead of duplicating it."""
    return f"{session_id}@{uid_domain(conf)}"


def web_url(conf: Conference) -> str:
    """The conference url when it is a web address (never javascript: or data:), without a trailing /."""
    return conf.url.rstrip("/") if re.match(r"^https?://", conf.url or "", re.I) else ""


def session_url(conf: Conference, session_id: str) -> str:
    """The one URL of a session, in ics, frab and the site: its entry on the site's
    sessions page, the site being published at the conference url
    (``<url>/sessions.html#session-<id>``); "" without a conference url."""
    from ..render.view import anchor
    base = web_url(conf)
    return f"{base}/sessions.html#{anchor('session', session_id)}" if base else ""


def export_stamp(conf: Conference, deterministic: bool = False) -> dt.datetime:
    """When an export says it was made (ics DTSTAMP), in UTC: ``SOURCE_DATE_EPOCH``
    (seconds since 1970, the reproducible-builds convention) when it is set; else,
    with ``deterministic``, midnight UTC of the conference's first day (the same for
    every export of the conference); else now."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)
        except (ValueError, OverflowError, OSError):
            raise InputError([Problem("SOURCE_DATE_EPOCH", f"{epoch!r} is not a whole number of seconds since 1970",
                                      "set it to e.g. $(git log -1 --format=%ct), or unset it")]) from None
    if deterministic:
        first = min((d.date for d in conf.days), default=dt.date(1970, 1, 1))
        return dt.datetime.combine(first, dt.time(0), dt.timezone.utc)
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


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
