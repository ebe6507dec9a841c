"""Issue 8: the report's figures equal an independent recount; weights steer the program."""
from __future__ import annotations

import csv
import itertools
from collections import defaultdict

import yaml

from helpers import default_days, write_conf
from niic_sched.io import load
from niic_sched.io.schedule_file import read_schedule
from niic_sched.solve import SolveOptions, solve


def _recount(folder, schedule_path):
    """Counted from the files alone: no niic_sched code but the loader."""
    conf = load(folder)
    doc = yaml.safe_load(schedule_path.read_text())
    rows = {r["session"]: r for r in doc["assignments"]}

    def span(sid):
        r = rows[sid]
        return str(r["day"]), r["start"], r["end"]

    def overlap(a, b):
        da, sa, ea = span(a)
        db, sb, eb = span(b)
        return da == db and sa < eb and sb < ea

    wants = defaultdict(set)
    with open(folder / "interests.csv") as fh:
        for row in csv.DictReader(fh):
            if row["session"] in rows:
                wants[row["attendee"]].add(row["session"])
    conflicts = sum(1 for ss in wants.values() for a, b in itertools.combinations(sorted(ss), 2) if overlap(a, b))
    tracks = defaultdict(list)
    for s in conf.sessions:
        if s.track and s.format != "plenary":
            tracks[s.track].append(s.id)
    track_pairs = sum(1 for ids in tracks.values() for a, b in itertools.combinations(ids, 2) if overlap(a, b))
    rooms_used = defaultdict(set)
    fit = 0
    for sid, r in rows.items():
        s = conf.session[sid]
        if s.track and s.format != "plenary":
            rooms_used[(s.track, str(r["day"]))].add(r["room"])
        cap = conf.room[r["room"]].capacity
        empty_tenths = (cap - s.expected_attendance) * 10 // cap   # whole tenths of the room left empty
        fit += max(0, empty_tenths - 5)
    extra = sum(len(v) - 1 for v in rooms_used.values())
    return {"attendee_conflict": conflicts, "track_overlap": track_pairs, "track_rooms": extra, "room_fit": fit}


def test_report_equals_an_independent_recount(generated, cli, tmp_path):
    folder = generated(sessions=60, rooms=12, days=3, slots=5, seed=11)
    out = tmp_path / "s.yaml"
    result = cli("solve", folder, "-o", out, "--time-limit", "6", "--seed", "2")
    assert result.exit_code == 0, result.stderr
    meta = yaml.safe_load(out.read_text())["meta"]
    recount = _recount(folder, out)
    for goal, count in recount.items():
        assert meta["goals"][goal]["count"] == count, goal
    total = sum(g["count"] * g["weight"] for g in meta["goals"].values())
    assert meta["objective"] == total
    assert f"{recount['attendee_conflict']:>7}" in result.stderr        # the table on stderr
    assert meta["lower_bound"] is None or meta["lower_bound"] <= meta["timetable_objective"]
    checked = cli("check", folder, "--schedule", out)
    assert checked.exit_code == 0
    line = next(x for x in checked.stdout.splitlines() if x.startswith("attendee conflicts"))
    assert int(line.split()[-3]) == recount["attendee_conflict"]


def _two_tracks(tmp_path, name, weights):
    # a0 and a1 both prefer 10:30: the preference pulls one track together, the track goal apart
    pref = [{"day": "2014-12-08", "start": "10:30"}]
    sessions = [{"id": f"{t}{i}", "track": t, "expected_attendance": 20, **({"preferred": pref} if t == "a" and i < 2 else {})}
                for t in "ab" for i in range(3)]
    return write_conf(tmp_path / name, sessions=sessions, conference={"weights": weights},
                      days=default_days(1), rooms=[{"id": f"r{i}", "name": f"R{i}", "capacity": 100} for i in range(2)]
                      + [{"id": "small", "name": "Small", "capacity": 20}])


def _solve(folder, **kw):
    conf = load(folder)
    return conf, solve(conf, SolveOptions(time_limit=5, workers=1, seed=1, **kw)).schedule


def _track_overlaps(conf, schedule):
    at = schedule.by_session
    return sum(1 for a, b in itertools.combinations(conf.sessions, 2)
               if a.track == b.track and at[a.id].start == at[b.id].start)


def test_track_weight_separates_tracks(tmp_path):
    conf, s = _solve(_two_tracks(tmp_path, "hi", {"track_overlap": 100, "preferred": 1, "room_fit": 0, "track_rooms": 0}))
    assert _track_overlaps(conf, s) == 0
    conf, s = _solve(_two_tracks(tmp_path, "lo", {"track_overlap": 0, "preferred": 1, "room_fit": 0, "track_rooms": 0}))
    assert _track_overlaps(conf, s) >= 1        # both preferences met: a0 and a1 together at 10:30
    # room fit pulls 20-person sessions into the 20-seat room: with it weighted, "small" is used in every slot
    conf, s = _solve(_two_tracks(tmp_path, "fit", {"track_overlap": 0, "room_fit": 50, "track_rooms": 0}))
    assert sum(a.room == "small" for a in s.assignments) == 3


def test_preferred_weight_moves_a_session(tmp_path):
    pref = [{"day": "2014-12-08", "start": "15:00"}]
    folder = write_conf(tmp_path / "p", sessions=[{"id": "x", "preferred": pref}, {"id": "y"}],
                        conference={"weights": {"preferred": 10}})
    conf, s = _solve(folder)
    assert s.by_session["x"].start == 15 * 60


def test_read_schedule_keeps_meta(generated, cli, tmp_path):
    folder = generated(sessions=20, rooms=5, days=2, slots=4, seed=4)
    out = tmp_path / "s.yaml"
    assert cli("solve", folder, "-o", out, "--time-limit", "2", "-q").exit_code == 0
    assert "objective" in read_schedule(out).meta
