"""The benchmark's two yardsticks (benchmarks/plain_model.py and the
conference-scheduler adapter) on a tiny generated conference: their schedules load,
and are judged by niic-sched's own checker and quality recount."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from niic_sched.check import check_schedule
from niic_sched.io import load
from niic_sched.io.schedule_file import read_schedule
from niic_sched.quality import evaluate

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCH))

import plain_model  # noqa: E402

_spec = importlib.util.spec_from_file_location("niic_bench_run", BENCH / "run.py")
bench_run = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_run)

# what conference-scheduler cannot express, so what its schedules may break
CS_CANNOT = {"after", "rooms", "speakers"}


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    from conftest import make_conference
    return make_conference(tmp_path_factory.mktemp("bench") / "tiny", sessions=12, rooms=4, days=1, slots=5,
                           attendees=200, seed=5)


def test_plain_model_writes_a_valid_schedule_whose_conflicts_match_a_recount(tiny, tmp_path, cli):
    early, late, js = tmp_path / "p1.yaml", tmp_path / "p4.yaml", tmp_path / "p.json"
    rc = plain_model.main([str(tiny), "--mark", f"1={early}", "--mark", f"4={late}", "--json", str(js), "--quiet"])
    assert rc == 0
    conf = load(tiny)
    for path in (early, late):
        result = cli("check", tiny, "--schedule", path)
        assert result.exit_code == 0, result.stderr
        sched = read_schedule(path)
        assert sorted(a.session for a in sched.assignments) == sorted(s.id for s in conf.sessions)
        # the model's own objective equals niic-sched's independent recount
        assert sched.meta["attendee_conflicts"] == evaluate(conf, sched).figure("attendee_conflict").count
    assert read_schedule(late).meta["attendee_conflicts"] <= read_schedule(early).meta["attendee_conflicts"]
    judged = bench_run.judge(tiny, late, conf)
    assert judged["valid"] and judged["violations"] == 0
    assert judged["attendee_conflicts"] == read_schedule(late).meta["attendee_conflicts"]


def test_plain_model_conflict_pairs_cover_every_shared_interest_that_can_overlap(tiny):
    conf = load(tiny)
    model = plain_model.PlainModel(conf)
    weights = {(a, b): w for a, b, w, _ in model.pairs}
    shared = conf.shared_interest()
    assert weights and all(shared[p] == w for p, w in weights.items())
    # a pair left out must be one that can never overlap (no common segment)
    segs = {s.id: {g for o in model.space.options[i] for g in o.segs} for i, s in enumerate(model.space.sessions)}
    for (a, b) in shared:
        if (a, b) not in weights:
            assert not (segs[a] & segs[b])


def test_bound_is_read_from_meta_or_derived_from_the_timetable_bound(tiny):
    conf = load(tiny)
    assert bench_run.conflict_bound({"goals": {"attendee_conflict": {"lower_bound": 7}}}, conf) == \
        (7.0, "meta.goals.attendee_conflict.lower_bound")
    value, src = bench_run.conflict_bound({"lower_bound": 2900, "goals": {"attendee_conflict": {"weight": 10}}}, conf)
    assert value == 290.0 and "meta.lower_bound / 10" in src
    assert bench_run.conflict_bound({}, conf) == (None, "none reported")


needs_cs = pytest.mark.skipif(importlib.util.find_spec("conference_scheduler") is None,
                              reason="conference-scheduler is not installed (pip install '.[bench]')")


@needs_cs
def test_conference_scheduler_adapter_writes_a_readable_schedule(tiny, tmp_path, capsys):
    import adapter_conference_scheduler as cs
    out, js = tmp_path / "cs.yaml", tmp_path / "cs.json"
    rc = cs.main([str(tiny), "-o", str(out), "--time-limit", "10", "--json", str(js)])
    assert rc == 0, capsys.readouterr().err
    conf = load(tiny)
    sched = read_schedule(out)
    assert sorted(a.session for a in sched.assignments) == sorted(s.id for s in conf.sessions)
    violations = check_schedule(conf, sched)
    print(f"conference-scheduler on the tiny conference: {len(violations)} broken hard rules")
    for v in violations:
        print(f"  {v}")
    # capacity, features, availability, pins, plenary slots are encoded as unavailability and hold;
    # only what it cannot express (multi-slot runs, `after`) may break
    assert {v.rule for v in violations} <= CS_CANNOT
    multi = {s.id for s in conf.sessions if len(conf.covered_slots(s, sched.by_session[s.id].day,
                                                                    sched.by_session[s.id].start)) > 1}
    for v in violations:
        if v.rule != "after":
            assert set(v.sessions) & multi, v


@needs_cs
def test_conference_scheduler_size_estimate_is_exact_and_large_models_are_refused(tiny, tmp_path):
    import pulp
    from conference_scheduler.lp_problem import constraints, utils
    from conference_scheduler.resources import Shape

    import adapter_conference_scheduler as cs
    ad = cs.Adapter(load(tiny))
    X = utils.variables(Shape(len(ad.events), len(ad.slots)))
    built = sum(1 for _ in constraints.all_constraints(ad.events, ad.slots, X, pulp.LpVariable("b"), "lpsum"))
    assert ad.estimate_constraints() == built
    out = tmp_path / "cs.yaml"
    assert cs.main([str(tiny), "-o", str(out), "--max-constraints", "10"]) == 3
    assert not out.exists()


def test_bench_missed_compares_the_medians_of_its_repeats_and_fails_on_an_invalid_run():
    import bench_missed

    def run(seed, config, r, missed, valid=True):
        return {"seed": seed, "config": config, "solver_seed": r, "missed": missed, "attendee_conflicts": missed + 1,
                "valid": valid, "weights": bench_missed.CONFIGS[config], "status": "feasible", "wall_seconds": 30.1,
                "load1": 0.5, "uptime": "load average: 0.50"}
    # seed 1: one lucky pair run (300) but the medians favour the missed weight (305 < 310)
    runs = [run(1, "pair", 1, 300), run(1, "pair", 2, 310), run(1, "pair", 3, 320),
            run(1, "missed", 1, 305), run(1, "missed", 2, 304), run(1, "missed", 3, 330)]
    ok, lines = bench_missed.verdict(runs, [1], repeat=3)
    assert ok is True and "median missed (of 3 runs) 305 with the missed weight vs 310" in lines[0]
    # one run alone would have said the opposite
    assert bench_missed.verdict([runs[0], runs[3]], [1], repeat=1)[0] is False
    # an incomplete group decides nothing; an invalid program fails the target
    assert bench_missed.verdict(runs[:5], [1], repeat=3) == (None, [])
    bad = runs[:5] + [run(1, "missed", 3, 200, valid=False)]
    ok, lines = bench_missed.verdict(bad, [1], repeat=3)
    assert ok is False and "not valid" in lines[0]
    text = bench_missed.render({"runs": runs, "seeds": [1], "repeat": 3, "limit": 30, "started": "t", "machine": "m"})
    assert "| pair | 310 | 311 |" in text and "| missed | 305 | 306 |" in text and "**met**" in text


def test_a_merged_report_names_the_commit_of_every_row_kept_from_an_earlier_run():
    import json
    from types import SimpleNamespace
    doc = json.loads((BENCH / "results.json").read_text())     # the stored report's rows, as an earlier run
    old = "old5678"
    runs = [r for r in doc["runs"] if r["part"] == "ladder"]
    for r in runs:
        r["git_commit"] = old
    fresh = runs[0]
    fresh["git_commit"], fresh["measured_at"], fresh["note"] = "new1234", "2026-12-02T00:00:00", ""
    doc["runs"], doc["machine"] = runs, dict(doc["machine"], git_commit="new1234")
    text = bench_run.render(doc, SimpleNamespace(quick=False))
    assert f"measured at another commit ({old})" in text
    head = f"| {fresh['instance']} | {fresh['solver']} | {bench_run.fmt(fresh['limit'], 0)} |"
    rows = [ln for ln in text.splitlines() if ln.startswith(head)]
    assert len(rows) == 1 and "measured at git" not in rows[0]
    kept = [ln for ln in text.splitlines() if ln.startswith("| ") and f"measured at git {old}," in ln]
    assert len(kept) == len(runs) - 1
