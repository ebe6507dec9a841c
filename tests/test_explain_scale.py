"""`explain` at scale (issue 13): the contradiction is looked for in growing parts
of the conference and confirmed on the whole; the time limit cuts it short with
an answer that says so; an interruption flag or Ctrl-C (SIGINT) ends it with the
interruption outcome (KeyboardInterrupt, exit 130)."""
from __future__ import annotations

import importlib.util
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time

import pytest

from conftest import ROOT
from helpers import DAY1, DAY2, write_conf
from niic_sched import app
from niic_sched.io import load
from niic_sched.solve import explain as explain_module
from niic_sched.solve import relax as relax_module
from niic_sched.solve.explain import explain, parts
from niic_sched.solve.relax import PartSpace, Relaxation, RoomClasses, Whole
from niic_sched.solve.rules import requirements
from niic_sched.solve.space import Space


def _bench():
    spec = importlib.util.spec_from_file_location("bench_explain", ROOT / "benchmarks" / "bench_explain.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _pigeon_hole(folder, sessions: int = 13, slots: int = 12):
    """``sessions`` sessions that only the big room seats, all pinned to a day of
    ``slots`` slots (a second day keeps the pre-checks' counts from seeing it): only
    the solver finds it, and without the LP its proof takes a while."""
    times = [(f"{8 + h // 4:02d}:{(h % 4) * 15:02d}", f"{8 + (h + 1) // 4:02d}:{((h + 1) % 4) * 15:02d}")
             for h in range(slots)]
    days = [{"date": d, "slots": [{"start": a, "end": b} for a, b in times]} for d in (DAY1, DAY2)]
    rooms = [{"id": "big", "name": "Big Hall", "capacity": 200}, {"id": "small", "name": "Small Room", "capacity": 30}]
    return write_conf(folder, days=days, rooms=rooms, sessions=[
        {"id": f"b{n:02d}", "duration": 15, "expected_attendance": 150, "pin": {"day": DAY1}} for n in range(sessions)]
        + [{"id": f"w{n:02d}", "duration": 15} for n in range(4)])


# -- growing parts, confirmed on the whole -------------------------------------------------------------
def test_parts_grow_from_the_most_constrained_sessions_to_the_whole(generated):
    folder = generated(sessions=120, rooms=12, days=2, slots=6, seed=4)
    planted = _bench().plant_speaker_pins(folder)
    space = Space(load(folder))
    got = parts(space)
    assert [len(p) for p in got] == [24, 96, 120]
    assert all(set(a) < set(b) for a, b in zip(got, got[1:]))          # each part holds the one before
    assert set(planted["sessions"]) <= set(got[0])                        # the pinned ones come first


@pytest.mark.parametrize("first", [24, 2])
def test_a_planted_contradiction_is_named_minimally_whichever_part_holds_it(generated, monkeypatch, first):
    """first=2: the first parts are too small to hold it; the search grows until one does."""
    monkeypatch.setattr(explain_module, "FIRST_PART", first)
    folder = generated(sessions=120, rooms=12, days=2, slots=6, seed=4)
    planted = _bench().plant_speaker_pins(folder)
    conf = load(folder)
    built = []
    real = PartSpace.__init__

    def spy(self, conf, **kw):
        real(self, conf, **kw)
        built.append(kw.get("only"))
    monkeypatch.setattr(PartSpace, "__init__", spy)
    ex = explain(conf, time_limit=120)
    assert ex.status == "infeasible" and ex.stage == "solver" and ex.minimal is True and ex.cut_short is False
    assert set(ex.requirements) == set(planted["keys"])
    assert built[0] is not None and len(built[0]) == first               # it began with a part, not the whole
    if first != 2:
        return
    # the named set alone leaves no program; dropping any one of them from the whole program leaves one
    monkeypatch.setattr(PartSpace, "__init__", real)
    relax = Relaxation(conf)
    assert relax.feasible(ex.requirements) is False
    every = list(relax.requirements)
    for k in ex.requirements:
        assert relax.feasible([x for x in every if x != k], seconds=60) is True, k


def test_the_witness_and_the_smaller_models_agree_with_the_full_model(generated, monkeypatch):
    """Whole (the witness first, then the whole model), RoomClasses of just some keys
    (their own space), and a part's model: the same answers as the full Relaxation
    where they are exact; a part's "no program" implies the whole's."""
    folder = generated(sessions=40, rooms=6, days=2, slots=5, seed=9)
    planted = _bench().plant_big_sessions_pinned_together(folder)
    conf = load(folder)
    reqs = requirements(conf)
    full = Relaxation(conf)
    keys = sorted(set(planted["keys"]) | set(random.Random(3).sample(sorted(reqs), 12)))
    monkeypatch.setattr(relax_module, "LP_LITERALS", 0)   # a witness model even for this small conference ...
    monkeypatch.setattr(Whole, "SPREAD", 1)                 # ... that often finds nothing: the fall-back runs
    whole = Whole(conf, reqs, keys, planted["sessions"], exact=True)
    own = RoomClasses(conf, reqs, keys)
    part = RoomClasses(conf, reqs, [k for k in keys if k in set(PartSpace(conf, only=planted["sessions"]).keys_in_force(reqs))],
                       sessions=planted["sessions"])
    rnd = random.Random(5)
    answers = set()
    for _ in range(10):
        subset = [k for k in keys if rnd.random() < 0.6] + planted["keys"][: rnd.randint(2, 4)]
        subset = sorted(set(subset))
        want = full.feasible(subset)
        assert whole.feasible(subset) == want, subset
        assert own.feasible(subset) == want, subset
        inside = [k for k in subset if k in part.keys]
        if part.feasible(inside) is False:
            assert want is False
        answers.add(want)
    assert answers == {True, False}
    assert whole.witness.solves >= 1 and whole._whole is not None        # the fall-back was needed and ran


# -- the time limit -------------------------------------------------------------------------------------
def test_explain_cut_short_by_the_time_limit_says_so(tmp_path, cli):
    folder = _pigeon_hole(tmp_path / "c")
    explained = app.explain(folder, time_limit=1e-6)        # used up by loading the folder
    ex = explained.explanation
    assert explained.status == "unknown" and ex.cut_short is True and ex.reasons == []
    assert ex.to_dict()["cut_short"] is True and "raise --time-limit" in ex.summary
    # a limit the command can keep: the answer, complete
    folder = _pigeon_hole(tmp_path / "small", sessions=4, slots=3)
    ex = app.explain(folder, time_limit=120).explanation
    assert ex.status == "infeasible" and ex.minimal is True and ex.cut_short is False
    assert {k for k in ex.requirements if k.startswith("pins:")} == {f"pins:b{n:02d}" for n in range(4)}


def test_the_time_limit_ends_model_building(tmp_path, monkeypatch):
    """The deadline passes while a model is built: the next step sees it and the answer is cut short."""
    conf = load(_pigeon_hole(tmp_path / "c"))
    real = relax_module.encode

    def slow(m, clock):
        time.sleep(max(0.0, clock.left()) + 0.01)       # the first family's encoding takes up the time left
        real(m, clock)
    monkeypatch.setattr(relax_module, "encode", slow)
    ex = explain(conf, time_limit=1)
    assert ex.status == "unknown" and ex.stage == "solver" and ex.cut_short is True


# -- interruption ---------------------------------------------------------------------------------------
def _solving() -> bool:
    return any(t.name == "niic-explain-solve" and t.is_alive() for t in threading.enumerate())


def test_an_interruption_flag_ends_explain_with_keyboard_interrupt(tmp_path):
    folder = _pigeon_hole(tmp_path / "c")
    with pytest.raises(KeyboardInterrupt):
        app.explain(folder, interrupted=lambda: True)
    # raised while CP-SAT is searching: the search is stopped, and no solve is left running
    seen = []

    def flag() -> bool:
        seen.append(_solving())
        return seen[-1]
    with pytest.raises(KeyboardInterrupt):
        explain(load(folder), time_limit=60, interrupted=flag)
    assert any(seen)
    deadline = time.monotonic() + 5
    while _solving() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not _solving()


CHILD = """
import sys
from niic_sched.cli import cli
print("ready", flush=True)
cli.main(["explain", sys.argv[1], "--time-limit", "60"], prog_name="niic-sched")
"""


def test_ctrl_c_stops_explain_with_exit_130(tmp_path):
    folder = _pigeon_hole(tmp_path / "c", sessions=15, slots=14)
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(folder)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(0.3)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, (out, err)
    assert "Interrupted" in err and "Traceback" not in err
    assert not out.strip().startswith("{") and "No program exists" not in out


def test_explain_json_says_whether_it_was_cut_short(tmp_path, cli):
    folder = _pigeon_hole(tmp_path / "c", sessions=3, slots=2)
    result = cli("explain", folder, "--format", "json")
    assert result.exit_code == 3, result.output
    doc = json.loads(result.stdout)
    assert doc["cut_short"] is False and doc["minimal"] is True
