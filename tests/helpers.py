"""Hand-made small conferences for rule-by-rule tests."""
from __future__ import annotations

from pathlib import Path

import yaml

DAY1, DAY2 = "2014-12-08", "2014-12-09"


def default_days(n_days: int = 1, slots=(("10:30", "11:45"), ("13:30", "14:45"), ("15:00", "16:15")),
                 plenary: bool = False):
    days = []
    for d in range(n_days):
        date = f"2014-12-{8 + d:02d}"
        sl = [{"start": a, "end": b} for a, b in slots]
        if plenary:
            sl = [{"start": "09:00", "end": "10:15", "kind": "plenary"}] + sl
        days.append({"date": date, "slots": sl})
    return days


def write_conf(folder: Path, *, sessions, rooms=None, speakers=None, days=None, conference=None,
               interests=None) -> Path:
    """Write a conference folder. sessions: list of dicts (defaults filled in)."""
    folder.mkdir(parents=True, exist_ok=True)
    conf = {"name": "Test Conference", "time_zone": "America/Los_Angeles", "days": days or default_days()}
    conf.update(conference or {})
    (folder / "conference.yaml").write_text(yaml.safe_dump(conf, sort_keys=False, allow_unicode=True))
    rooms = rooms if rooms is not None else [
        {"id": "r1", "name": "Room 1", "capacity": 100, "features": ["projector"]},
        {"id": "r2", "name": "Room 2", "capacity": 50, "features": []},
    ]
    (folder / "rooms.yaml").write_text(yaml.safe_dump(rooms, sort_keys=False, allow_unicode=True))
    ids = {p for s in sessions for p in s.get("speakers", [])}
    speakers = speakers if speakers is not None else [{"id": p, "name": f"Speaker {p}"} for p in sorted(ids)]
    (folder / "speakers.yaml").write_text(yaml.safe_dump(speakers, sort_keys=False, allow_unicode=True))
    (folder / "sessions").mkdir(exist_ok=True)
    for i, s in enumerate(sessions):
        full = {"id": f"s{i + 1:03d}", "title": f"Session {i + 1}", "format": "workshop", "track": "t",
                "duration": 75, "expected_attendance": 20, "speakers": []}
        full.update(s)
        (folder / "sessions" / f"{full['id']}.yaml").write_text(yaml.safe_dump(full, sort_keys=False, allow_unicode=True))
    if interests:
        (folder / "interests.csv").write_text("attendee,session\n" + "".join(f"{a},{s}\n" for a, s in interests))
    return folder


def schedule_times(space, schedule) -> dict[int, int]:
    """A schedule's timetable in the solver's terms: session index -> option index."""
    return {space.index[a.session]: space.option_at(space.index[a.session], a.day, a.start)
            for a in schedule.assignments}
