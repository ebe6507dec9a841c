"""Why no program exists: pre-checks, the minimal set of clashing requirements,
the `explain` command and `solve`'s exit 3."""
from __future__ import annotations

import importlib.util
import json
import random
import re
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import ROOT, make_conference
from helpers import DAY1, DAY2, default_days, write_conf
from niic_sched.errors import NoProgram
from niic_sched.io import load
from niic_sched.solve import SolveOptions, solve
from niic_sched.solve.explain import Relaxation, RoomClasses, explain
from niic_sched.solve.precheck import prechecks
from niic_sched.solve.rules import Reason, requirements
from niic_sched.solve.rules.grid import hall_violator
from niic_sched.solve.space import Space


def assert_minimal(conf, keys) -> None:
    """Re-solve: the named requirements together leave no program; without any one
    of them (and with every requirement not named dropped too) there is one."""
    relax = Relaxation(conf)
    assert relax.feasible(keys) is False
    for k in keys:
        assert relax.feasible([x for x in keys if x != k]) is True, f"{k} is not needed"


# -- eight-plus infeasible programs, each with a different cause -------------------------------------------
CLOSED_INTERPRETATION = [
    {"id": "r1", "name": "Hall One", "capacity": 100, "features": ["interpretation"],
     "unavailable": [{"day": DAY1, "start": "13:30", "end": "14:45"}]},
    {"id": "r2", "name": "Room Two", "capacity": 100}]

CASES = {
    # a speaker in 4 sessions, free in 3 slots (unavailable on the second day)
    "speaker overload": (dict(days=default_days(2),
                              speakers=[{"id": "p1", "name": "María Núñez", "unavailable": [{"day": DAY2}]}],
                              sessions=[{"id": f"s{i}", "speakers": ["p1"]} for i in range(4)]),
                         ("speakers", "speaker overload"), "pre-check", {"p1", "s0", "s1", "s2", "s3"}),
    # two sessions pinned to one room at one time
    "pin clash": (dict(sessions=[{"id": "a", "pin": {"day": DAY1, "start": "10:30", "room": "r1"}},
                                 {"id": "b", "pin": {"day": DAY1, "start": "10:30", "room": "r1"}}]),
                  ("pins", "pin clash"), "pre-check", {"a", "b", "r1"}),
    # four sessions in an after chain, three slots
    "after chain": (dict(sessions=[{"id": "a"}, {"id": "b", "after": ["a"]}, {"id": "c", "after": ["b"]},
                                   {"id": "d", "after": ["c"]}]),
                    ("after", "after chain"), "pre-check", {"a", "b", "c", "d"}),
    # four sessions need interpretation, one room has it
    "feature shortage": (dict(rooms=[{"id": "r1", "name": "Hall", "capacity": 100, "features": ["interpretation"]},
                                     {"id": "r2", "name": "Side", "capacity": 100}],
                              sessions=[{"id": f"i{n}", "requires": ["interpretation"]} for n in range(4)]),
                         ("features", "feature shortage"), "pre-check", {"i0", "i1", "i2", "i3", "r1"}),
    # four sessions of 90 people, one room seats 90
    "capacity": (dict(sessions=[{"id": f"big{n}", "expected_attendance": 90} for n in range(4)]),
                 ("capacity", "capacity shortage"), "pre-check", {"big0", "big1", "big2", "big3", "r1"}),
    # the interpretation room is closed when both speakers are free: only the solver sees it
    "room unavailability": (dict(rooms=CLOSED_INTERPRETATION,
                                 speakers=[{"id": "p", "name": "Ali Hassan",
                                            "unavailable": [{"day": DAY1, "start": "10:30", "end": "11:45"}]},
                                           {"id": "q", "name": "علي حسن",
                                            "unavailable": [{"day": DAY1, "start": "10:30", "end": "11:45"}]}],
                                 sessions=[{"id": "a", "requires": ["interpretation"], "speakers": ["p"]},
                                           {"id": "b", "requires": ["interpretation"], "speakers": ["q"]}]),
                            ("room_availability", "room unavailable"), "solver", {"r1", "a", "b", "p", "q"}),
    # a speaker pinned twice to a day on which she is free in one slot only
    "speaker unavailability with pins": (dict(days=default_days(2),
                                              speakers=[{"id": "p", "name": "Ana Silva", "unavailable": [
                                                  {"day": DAY1, "start": "13:30", "end": "16:15"}]}],
                                              sessions=[{"id": "a", "speakers": ["p"], "pin": {"day": DAY1, "start": "10:30"}},
                                                        {"id": "b", "speakers": ["p"], "pin": {"day": DAY1}}]),
                                         ("speakers", "speaker"), "solver", {"p", "a", "b"}),
    # two plenaries, one plenary slot
    "plenary overflow": (dict(days=default_days(1, plenary=True),
                              sessions=[{"id": "k1", "format": "plenary"}, {"id": "k2", "format": "plenary"},
                                        {"id": "w"}]),
                         ("plenaries", "plenary overflow"), "pre-check", {"k1", "k2"}),
    # three sessions that must not overlap, and a fourth after all three: four slots needed, three exist
    "not_with with after": (dict(sessions=[{"id": "a", "not_with": ["b", "c"]}, {"id": "b", "not_with": ["c"]},
                                           {"id": "c"}, {"id": "d", "after": ["a", "b", "c"]}]),
                            ("not_with", "not_with"), "solver", {"a", "b", "c", "d"}),
    # pinned to a day on which its speaker is away
    "no possible start": (dict(days=default_days(2),
                               speakers=[{"id": "p", "name": "Ana Silva", "unavailable": [{"day": DAY1}]}],
                               sessions=[{"id": "a", "speakers": ["p"], "pin": {"day": DAY1}}]),
                          ("once", "no possible start"), "pre-check", {"a", "p"}),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_infeasible_program_is_explained(name, tmp_path, cli):
    kwargs, (rule, title), stage, ids = CASES[name]
    folder = write_conf(tmp_path / "c", **kwargs)

    result = cli("explain", folder, "--format", "json")
    assert result.exit_code == 3, result.output
    doc = json.loads(result.stdout)
    assert doc["program_exists"] is False and doc["status"] == "infeasible" and doc["stage"] == stage
    reasons = [r for r in doc["reasons"] if r["rule"] == rule and (r["title"] or r["rule"]) == title]
    assert reasons, doc["reasons"]
    named = {i for r in doc["reasons"] for key in ("sessions", "speakers", "rooms") for i in r[key]}
    assert ids <= named
    text = " ".join(r["sentence"] for r in doc["reasons"])
    assert all(re.search(rf"\({re.escape(i)}[,)]", text) for i in ids), text
    assert all(r["fix"] for r in doc["reasons"])
    if stage == "solver":
        assert doc["minimal"] is True
    # every requirement named is needed: dropping any one of them leaves a program
    assert doc["requirements"]
    assert_minimal(load(folder), doc["requirements"])

    # the same in sentences
    result = cli("explain", folder)
    assert result.exit_code == 3
    assert f"[{title}]" in result.stdout and "No program exists" in result.stdout

    # solve: the explanation on stderr, exit 3, nothing written
    out = tmp_path / "schedule.yaml"
    result = cli("solve", folder, "-o", out, "--time-limit", "10", "-q")
    assert result.exit_code == 3, result.stderr
    assert not out.exists()
    assert f"[{title}]" in result.stderr
    assert all(re.search(rf"\({re.escape(i)}[,)]", result.stderr) for i in ids)


def test_speaker_overload_sentence_names_person_days_and_fix(tmp_path):
    folder = write_conf(tmp_path / "c", days=default_days(3), speakers=[
        {"id": "p0001", "name": "María Núñez", "unavailable": [{"day": DAY2}, {"day": "2014-12-10"}]}],
        sessions=[{"id": f"s{i}", "speakers": ["p0001"]} for i in range(4)])
    (reason,) = prechecks(load(folder))
    assert reason.rule == "speakers" and reason.title == "speaker overload" and reason.speakers == ("p0001",)
    assert reason.sentence.startswith("María Núñez (p0001) speaks in 4 sessions")
    assert "free in only 3 slots: unavailable on 2014-12-09 and on 2014-12-10" in reason.sentence
    assert "free a day" in reason.fix
    assert set(reason.requirements) == {f"speakers:p0001@s{i}" for i in range(4)} | {
        "speaker_availability:p0001@2014-12-09", "speaker_availability:p0001@2014-12-10"}


def test_pins_of_one_speaker_at_one_time(tmp_path):
    folder = write_conf(tmp_path / "c", sessions=[{"id": "a", "speakers": ["p"], "pin": {"day": DAY1, "start": "13:30"}},
                                                  {"id": "b", "speakers": ["p"], "pin": {"day": DAY1, "start": "13:30"}}])
    ex = explain(load(folder))
    (reason,) = ex.reasons
    assert reason.rule == "speakers" and reason.title == "pin clash" and reason.speakers == ("p",) and set(reason.sessions) == {"a", "b"}
    assert set(reason.requirements) == {"pins:a", "pins:b", "speakers:p@a", "speakers:p@b"}


def test_grid_too_small(tmp_path, cli):
    folder = write_conf(tmp_path / "c", sessions=[{"id": f"g{n}"} for n in range(7)])
    result = cli("explain", folder)
    assert result.exit_code == 3
    assert "[grid too small]" in result.stdout and "7 sessions" in result.stdout


def test_right_to_left_names_are_isolated_and_json_is_utf8(tmp_path, cli):
    folder = write_conf(tmp_path / "c", days=default_days(2), speakers=[
        {"id": "p9", "name": "فاطمة عبد الله", "unavailable": [{"day": DAY2}]}],
        sessions=[{"id": f"s{i}", "speakers": ["p9"], "title": "جلسة"} for i in range(4)])
    result = cli("explain", folder, "--format", "json")
    assert result.exit_code == 3
    sentence = json.loads(result.stdout)["reasons"][0]["sentence"]
    assert "\u2068فاطمة عبد الله\u2069 (p9)" in sentence
    assert "فاطمة" in result.stdout          # not \u escapes


# -- feasible programs ------------------------------------------------------------------------------------
def test_feasible_program_exits_0(tmp_path, cli):
    folder = write_conf(tmp_path / "c", sessions=[{"id": "a", "speakers": ["p"]}, {"id": "b", "speakers": ["p"],
                                                                                     "after": ["a"]}])
    result = cli("explain", folder)
    assert result.exit_code == 0, result.output
    assert "A program exists" in result.stdout
    result = cli("explain", folder, "--format", "json")
    assert json.loads(result.stdout)["program_exists"] is True


def test_bad_input_exits_2(tmp_path, cli):
    folder = write_conf(tmp_path / "c", sessions=[{"id": "a", "speakers": ["nobody"]}],
                        speakers=[{"id": "p1", "name": "P"}])
    result = cli("explain", folder, "--format", "json")
    assert result.exit_code == 2
    assert "nobody" in result.stderr and result.stdout == ""


@settings(max_examples=10, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(rooms=st.integers(3, 10), days=st.integers(1, 3), slots=st.integers(3, 6), fill=st.floats(0.3, 0.85),
       seed=st.integers(0, 10_000))
def test_feasible_generated_conferences_are_never_reported_infeasible(rooms, days, slots, fill, seed):
    sessions = max(4, int(fill * rooms * days * (slots - 1)))
    with tempfile.TemporaryDirectory() as tmp:
        folder = make_conference(Path(tmp) / "c", sessions=sessions, rooms=rooms, days=days, slots=slots,
                                 seed=seed, attendees=200)
        conf = load(folder)
        assert prechecks(conf) == []
        ex = explain(conf, time_limit=30)
        assert ex.status != "infeasible", ex.text()
        print(f"{len(conf.sessions)} sessions, {rooms} rooms, {days}x{slots} slots, seed {seed}: {ex.status}")


# -- 300 sessions, one planted contradiction ------------------------------------------------------------
def _bench():
    spec = importlib.util.spec_from_file_location("bench_explain", ROOT / "benchmarks" / "bench_explain.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_300_sessions_planted_contradiction_is_named_minimally(generated):
    folder = generated(sessions=300, rooms=24, days=4, slots=5, seed=3)
    planted = _bench().plant_speaker_pins(folder)
    conf = load(folder)
    ex = explain(conf, time_limit=120)
    assert ex.status == "infeasible" and ex.stage == "solver" and ex.minimal is True
    named = ex.requirements
    # only requirements of the contradiction, and both pins among them
    assert set(named) <= set(planted["keys"]), named
    assert {f"pins:{s}" for s in planted["sessions"]} <= set(named)
    assert any(r.rule == "speakers" and r.title == "speaker" and r.speakers == (planted["speaker"],) for r in ex.reasons)
    # re-solved: the named set alone leaves no program ...
    relax = Relaxation(conf)
    assert relax.feasible(named) is False
    # ... and, this being the only contradiction, dropping any one of them from the whole program leaves a
    # program (which implies that the set without it does too: it holds fewer requirements)
    every = list(relax.requirements)
    assert relax.feasible(every) is False
    for k in named:
        assert relax.feasible([x for x in every if x != k], seconds=60) is True, k


# -- the machinery ------------------------------------------------------------------------------------------
def test_solve_raises_no_program_with_reason_objects(tmp_path):
    conf = load(write_conf(tmp_path / "c", sessions=[{"id": x, "speakers": ["p1"]} for x in "abcd"]))
    with pytest.raises(NoProgram) as info:
        solve(conf, SolveOptions(time_limit=5, workers=1))
    exc = info.value
    assert exc.reasons and all(isinstance(r, str) for r in exc.reasons)
    assert all(isinstance(r, Reason) for r in exc.explanation.reasons)
    assert exc.explanation.reasons[0].rule == "speakers"
    assert exc.explanation.reasons[0].title == "speaker overload"
    assert exc.reasons[0] == str(exc.explanation.reasons[0])


def _relaxed_agrees(conf) -> None:
    """Space(relax=True) with every requirement in force allows exactly what Space allows."""
    normal, relaxed = Space(conf), Space(conf, relax=True)
    assert [s.id for s in normal.sessions] == [s.id for s in relaxed.sessions]
    for i in range(len(normal.sessions)):
        want = {(o.date, o.start): set(o.rooms) for o in normal.options[i]}
        got = {}
        for k, o in enumerate(relaxed.options[i]):
            if relaxed.forbid.get((i, k)):
                continue
            rooms = {r for r in o.rooms if not relaxed.room_forbid.get((i, k, r))}
            if rooms:
                got[(o.date, o.start)] = rooms
        assert got == want, normal.sessions[i].id


def test_relaxed_space_allows_what_the_solver_space_allows(tmp_path, generated):
    _relaxed_agrees(load(generated(sessions=50, rooms=8, days=2, slots=5, seed=7)))
    rooms = [{"id": "r1", "name": "R1", "capacity": 100, "features": ["projector"]},
             {"id": "r2", "name": "R2", "capacity": 30, "unavailable": [{"day": DAY1, "start": "15:00", "end": "16:00"}]},
             {"id": "r3", "name": "R3", "capacity": 50}]
    speakers = [{"id": "p1", "name": "P1", "unavailable": [{"day": DAY1, "start": "13:30", "end": "14:00"}]},
                {"id": "p2", "name": "P2", "unavailable": [{"day": DAY2}]}]
    _relaxed_agrees(load(write_conf(tmp_path / "c", rooms=rooms, speakers=speakers,
                                    days=default_days(2, plenary=True), sessions=[
        {"id": "a", "speakers": ["p1"], "expected_attendance": 50},
        {"id": "b", "speakers": ["p1", "p2"], "requires": ["projector"]},
        {"id": "c", "after": ["a"], "not_with": ["b"], "pin": {"day": DAY1}},
        {"id": "d", "pin": {"room": "r3", "start": "13:30"}},
        {"id": "e", "duration": 165},
        {"id": "pl", "format": "plenary"}])))


def test_every_requirement_key_is_a_guard(generated):
    conf = load(generated(sessions=30, rooms=6, days=2, slots=4, seed=5))
    relax = Relaxation(conf)
    space = relax.space
    used = {k for why in list(space.forbid.values()) + list(space.room_forbid.values()) for keys in why for k in keys}
    assert used <= set(requirements(conf))


@pytest.mark.parametrize("name", ["room unavailability", "capacity", "feature shortage", "pin clash",
                                  "speaker unavailability with pins", "plenary overflow"])
def test_room_classes_give_the_same_answers_as_the_full_model(name, tmp_path):
    conf = load(write_conf(tmp_path / "c", **CASES[name][0]))
    full = Relaxation(conf)
    keys = sorted(full.requirements)
    rnd = random.Random(name)
    answers = set()
    for _ in range(8):
        subset = [k for k in keys if rnd.random() < 0.7]
        narrow = full.narrowed(subset)
        assert isinstance(narrow, RoomClasses)
        got = narrow.feasible(subset)
        assert got == full.feasible(subset), subset
        answers.add(got)
    assert answers == {True, False}          # both kinds of subset were met
    assert full.feasible(keys) is False and full.narrowed(keys).feasible(keys) is False


def test_shrink_reports_when_time_runs_out(tmp_path):
    kwargs = dict(CASES["speaker unavailability with pins"][0])
    kwargs["sessions"] = kwargs["sessions"] + [{"id": "c", "pin": {"day": DAY2}, "not_with": ["d"]},
                                               {"id": "d", "speakers": ["p"], "after": ["c"]}]
    conf = load(write_conf(tmp_path / "c", **kwargs))
    relax = Relaxation(conf)
    assert len(relax.requirements) >= 9
    keys = list(relax.requirements)
    got, minimal = relax.shrink(keys, time.monotonic() - 1)
    assert minimal is False and set(got) == set(keys)
    got, minimal = relax.shrink(keys, time.monotonic() + 30)
    assert minimal is True and set(got) == {"pins:a", "pins:b", "speakers:p@a", "speakers:p@b",
                                            "speaker_availability:p@2014-12-08 13:30-16:15"}


def test_hall_violator():
    assert hall_violator(["a", "b"], {"a": [1, 2], "b": [1]}) is None
    zs, ns = hall_violator(["a", "b", "c", "d"], {"a": [1], "b": [1, 2], "c": [2], "d": [3]})
    assert set(zs) == {"a", "b", "c"} and ns == {1, 2}
