"""The rule registry, the CP-SAT model and the independent checker agree.

Random small conferences (built as model objects: no files) and random
timetables; for each, three judges that share no code:
* ``check.py`` (the oracle, written from the spec);
* the registry's own tests: every family's unary ``allows_*`` on each placement,
  its pairwise ``clashes`` on every pair it links, and (rooms fixed) two sessions
  in one room at once;
* the CP-SAT model of ``add_hard_rules`` with every placement fixed.
They must agree on "valid or not", and rule by rule: the families the registry
flags are exactly the rule names the checker reports. With rooms left free,
the registry's timetable verdict (unary tests, pairwise tests, every counting
family's tracker) agrees with the CP-SAT timetable model and with a brute force
over room assignments judged by the checker.
"""
from __future__ import annotations

import datetime as dt
import itertools

from hypothesis import HealthCheck, given, settings, strategies as st
from ortools.sat.python import cp_model

from niic_sched.check import check_schedule
from niic_sched.model import Assignment, Conference, Day, Pin, Room, Schedule, Session, Slot, Speaker, TimeRange
from niic_sched.solve import rules
from niic_sched.solve.cpmodel import Model, cp_solver
from niic_sched.solve.space import Space

D0 = dt.date(2026, 10, 20)
FEATURES = ("projector", "interpretation")


@st.composite
def conferences(draw):
    n_days = draw(st.integers(1, 2))
    plenary = draw(st.booleans())
    n_slots = draw(st.integers(2, 3))
    days = []
    for d in range(n_days):
        date = D0 + dt.timedelta(days=d)
        slots, t = [], 540
        for k in range(n_slots + plenary):
            slots.append(Slot(date, k, t, t + 75, "plenary" if plenary and k == 0 else "regular"))
            t += 90
        days.append(Day(date, tuple(slots)))
    dates = [d.date for d in days]

    def ranges(limit):
        out = []
        for _ in range(draw(st.sampled_from([0, 0, limit]))):
            day = draw(st.sampled_from(dates))
            if draw(st.booleans()):
                out.append(TimeRange(day))
            else:
                a = draw(st.sampled_from([540, 630, 720]))
                out.append(TimeRange(day, a, a + draw(st.sampled_from([30, 90, 180]))))
        return tuple(out)

    rooms = tuple(Room(f"r{i}", f"Room {i}", draw(st.sampled_from([30, 100, 100])),
                       frozenset(f for f in FEATURES if draw(st.integers(0, 2))), ranges(1))
                  for i in range(draw(st.integers(1, 3))))
    speakers = tuple(Speaker(f"p{i}", f"Speaker {i}", unavailable=ranges(1)) for i in range(3))
    resources = draw(st.sampled_from([(), (("kit", 1),), (("kit", 2),), (("interpreters-es-en", 1), ("kit", 2))]))
    n = draw(st.integers(2, 6))
    ids = [f"s{i}" for i in range(n)]
    sessions = []
    for i, sid in enumerate(ids):
        fmt = "plenary" if draw(st.integers(0, 7)) == 0 else draw(st.sampled_from(["workshop", "panel", "training"]))
        pin = None
        if draw(st.integers(0, 5)) == 0:
            pin = Pin(draw(st.sampled_from(dates + [None])), draw(st.sampled_from([None, 630, 720])),
                      draw(st.sampled_from([None] + [r.id for r in rooms])))
        earlier, others = ids[:i], ids[:i] + ids[i + 1:]
        sessions.append(Session(
            sid, f"Session {i}", fmt, draw(st.sampled_from(["a", "b"])),
            draw(st.sampled_from([60, 75, 75, 150])), draw(st.sampled_from([10, 40, 40, 80])),
            speakers=tuple(sorted(draw(st.sets(st.sampled_from([p.id for p in speakers]), max_size=2)))),
            requires=frozenset(f for f in FEATURES if draw(st.integers(0, 5)) == 0),
            after=tuple(draw(st.sets(st.sampled_from(earlier), max_size=1))) if earlier and draw(st.integers(0, 3)) == 0
            else (),
            not_with=tuple(draw(st.sets(st.sampled_from(others), max_size=1))) if draw(st.integers(0, 3)) == 0 else (),
            pin=pin,
            uses=(("kit", draw(st.sampled_from([1, 1, 2, 3]))),) if resources and draw(st.integers(0, 2)) == 0 else (),
            language="es" if draw(st.integers(0, 3)) == 0 else None,
            interpretation=("en",) if draw(st.integers(0, 2)) == 0 else ()))
    return Conference("Differential", tuple(days), rooms, speakers, tuple(sessions), resources=resources)


def _timetables(draw, conf, space):
    """A random start (any run of the grid) and room for every session that has a run;
    or a valid program (when one exists), as it is or with one session moved at random."""
    grid = space.grid
    out = {}
    for s in conf.sessions:
        runs = grid.runs(s)
        if runs:
            out[s.id] = (draw(st.sampled_from(runs)), draw(st.sampled_from(conf.rooms)))
    mode = draw(st.sampled_from(["random", "valid", "one moved"]))
    if mode == "random" or len(out) < len(conf.sessions) or space.without_options():
        return out
    m = Model(space, with_rooms=True)
    rules.add_hard_rules(m)
    solver = cp_solver(workers=1, seed=draw(st.integers(0, 3)), deterministic=True, seconds=5)
    if solver.solve(m.cp) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return out
    valid = {}
    for i, (k, r) in m.read(solver).items():
        o = space.options[i][k]
        s = space.sessions[i]
        valid[s.id] = ((o.date, o.start, conf.covered_slots(s, o.date, o.start)), space.rooms[r])
    if mode == "one moved":
        sid = draw(st.sampled_from(sorted(valid)))
        valid[sid] = out[sid]
    return valid


def _flags(conf, space, placed) -> set[str]:
    """The families of the registry that this placement (session -> (run, room)) breaks."""
    grid, flagged = space.grid, set()
    relaxed = Space(conf, relax=True)   # every run of the grid, with the same segments
    opts = {}
    for s in conf.sessions:
        (date, start, run), room = placed[s.id]
        for r in rules.RULES:
            bad = not (r.allows_start(grid, s, date, start, run) and r.allows_room(grid, s, room)
                       and r.allows_room_at(grid, s, room, date, run))
            # the fast tests say what the forbids say
            assert bad == bool(r.start_forbids(grid, s, date, start, run) + r.room_forbids(grid, s, room)
                               + r.room_at_forbids(grid, s, room, date, run)), (r.name, s.id)
            if bad:
                flagged.add(r.name)
        i = relaxed.index[s.id]
        k = relaxed.option_at(i, date, start)
        # a run the relaxed space leaves out (forbidden by the grid itself) still has its segments
        opts[s.id] = relaxed.options[i][k] if k is not None else space._option(date, start, run, ())
    sessions = list(conf.sessions)
    for i, linked in rules.links(conf, sessions).items():
        for j, linking in linked.items():
            a, b = sessions[i], sessions[j]
            for r in linking:
                if r.clashes(a, opts[a.id], b, opts[b.id]):
                    flagged.add(r.name)
    # the counting families other than rooms (judged below with rooms fixed): their trackers admit
    # every session in every segment it covers
    times = {relaxed.index[s.id]: relaxed.option_at(relaxed.index[s.id], *placed[s.id][0][:2]) for s in conf.sessions}
    for r in rules.RULES:
        tracker = r.tracker(relaxed, times) if r.name != "rooms" else None
        if tracker is None:
            continue
        for s in conf.sessions:
            for g in opts[s.id].segs:
                if not tracker.admit(g, relaxed.index[s.id], times[relaxed.index[s.id]]):
                    flagged.add(r.name)
    for a, b in itertools.combinations(sessions, 2):   # one room, one session at a time (rooms fixed)
        if placed[a.id][1].id == placed[b.id][1].id and opts[a.id].overlaps(opts[b.id]):
            flagged.add("rooms")
    return flagged


def _cp_feasible(space, fixed_times: dict[int, int], fixed_rooms: dict[int, int] | None) -> bool:
    m = Model(space, with_rooms=fixed_rooms is not None, allowed={i: {k} for i, k in fixed_times.items()},
              rooms_allowed=None if fixed_rooms is None else {i: {r} for i, r in fixed_rooms.items()})
    rules.add_hard_rules(m)
    status = cp_solver(workers=1, seed=0, deterministic=True, seconds=5).solve(m.cp)
    assert status != cp_model.UNKNOWN
    return status in (cp_model.OPTIMAL, cp_model.FEASIBLE)


def _schedule(placed) -> Schedule:
    return Schedule(tuple(Assignment(sid, run[0], run[1], room.id) for sid, (run, room) in sorted(placed.items())))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data())
def test_registry_model_and_checker_agree(data):
    conf = data.draw(conferences())
    space = Space(conf)
    placed = _timetables(data.draw, conf, space)
    if len(placed) < len(conf.sessions):
        return                                   # a session no run of the grid holds: an input error (exit 2)
    violations = check_schedule(conf, _schedule(placed))
    named = {v.rule for v in violations}
    assert named <= set(rules.NAMES), named      # one vocabulary
    flagged = _flags(conf, space, placed)
    assert flagged == named, (flagged, violations)

    # the CP-SAT model with every placement fixed: feasible exactly when the checker finds nothing
    times, rooms_at = {}, {}
    for s in conf.sessions:
        i = space.index[s.id]
        (date, start, run), room = placed[s.id]
        k = space.option_at(i, date, start)
        if k is not None and space.room_index[room.id] in space.options[i][k].rooms:
            times[i], rooms_at[i] = k, space.room_index[room.id]
    representable = len(times) == len(conf.sessions)
    assert (representable and _cp_feasible(space, times, rooms_at)) == (not violations), violations

    # rooms left free: the registry's timetable verdict, the timetable model and a brute force agree
    starts = {}
    for s in conf.sessions:
        i = space.index[s.id]
        (date, start, _), _ = placed[s.id]
        k = space.option_at(i, date, start)
        if k is None:
            return                               # a start the unary tests forbid: judged above
        starts[i] = k
    registry_ok = _registry_timetable_ok(space, starts)
    assert registry_ok == _cp_feasible(space, starts, None)
    if len(conf.rooms) ** len(conf.sessions) > 300:
        return
    brute = any(not check_schedule(conf, _schedule({s.id: (placed[s.id][0], room) for s, room in zip(conf.sessions, combo)}))
                for combo in itertools.product(conf.rooms, repeat=len(conf.sessions)))
    assert registry_ok == brute


def _registry_timetable_ok(space, starts: dict[int, int]) -> bool:
    """Unary tests hold (the starts are options), no linked pair clashes, and every
    counting family's tracker admits the sessions of every segment."""
    from niic_sched.solve.tabu import NoRoomMatching, Timetable
    from niic_sched.solve.goals import TimeObjective
    try:
        tt = Timetable(space, TimeObjective(), starts)
    except NoRoomMatching:
        return False
    return all(tt.allowed(i, k) for i, k in starts.items())
