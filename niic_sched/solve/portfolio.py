"""Two searches at once: the start matters more than the run length, so a second
process improves the same first timetable with another seed while this one
computes the lower bound and then searches too; the better result wins.

Each search is a short tabu search (fast single moves) followed by CP-SAT
large-neighbourhood search. With ``--deterministic`` each search stops on its
own work limit (CP-SAT's deterministic time and a fixed number of tabu steps),
so the same inputs, seed and workers give the same timetable.
"""
from __future__ import annotations

import multiprocessing as mp
import signal
import time
from dataclasses import dataclass, field
from typing import Callable

from .goals import TimeObjective, evaluate_times
from .lns import SearchState, TimeSearch
from .space import Space
from .tabu import NoRoomMatching, tabu_search

TABU_SHARE = 0.15          # of each search's time
TABU_STEPS_PER_SECOND = 150  # deterministic mode: tabu steps per second of --time-limit


@dataclass
class Outcome:
    times: dict[int, int]
    value: int
    moves: int = 0
    improving: int = 0
    history: list = field(default_factory=list)
    seed: int = 0
    interrupted: bool = False


def run_search(space: Space, obj: TimeObjective, times: dict[int, int], *, seed: int, seconds: float,
               deterministic: bool, moved_cap: int | None, bound: Callable[[], float | None],
               say: Callable[[str], None] | None, t0: float, step: float, label: str = "",
               on_best: Callable[[dict, int], None] | None = None) -> Outcome:
    began = time.monotonic()
    search = TimeSearch(space, obj, seed=seed, workers=1, deterministic=deterministic, t0=t0,
                        say=(lambda m: say(m.replace("timetable search", f"timetable search{label}"))) if say else None)
    search.moved_cap = moved_cap
    value = evaluate_times(space, obj, times)
    history = []
    interrupted = False
    if moved_cap is None:
        # tabu moves do not watch the baseline's move budget; against a baseline only CP-SAT moves run
        if deterministic:
            steps = int(TABU_STEPS_PER_SECOND * seconds * TABU_SHARE)
            count = [0]

            def stop_tabu() -> bool:
                count[0] += 1
                return count[0] > steps
        else:
            tabu_end = began + seconds * TABU_SHARE

            def stop_tabu() -> bool:
                return time.monotonic() >= tabu_end
        found: list = []
        try:
            times, value = tabu_search(space, obj, times, stop_tabu, seed=seed, t0=t0, bound=bound(),
                                       say=(lambda m: say(m.replace("tabu search", f"tabu search{label}")))
                                       if say else None, on_best=lambda t, v: (found.append((t, v)),
                                                                                on_best and on_best(t, v)))
        except KeyboardInterrupt:
            interrupted = True
            if found:
                times, value = found[-1]
        except NoRoomMatching:
            # a segment without a room matching: the timetable step's counting cuts were
            # capped (HALL_FAMILY_LIMIT); the room step's fall-back repairs it, tabu cannot
            pass
        history.append((round(time.monotonic() - t0, 2), value))
    state = SearchState(dict(times), value)
    if interrupted:
        out = Outcome(state.times, state.value, 0, 0, history, seed)
        out.interrupted = True
        return out
    if deterministic:
        budget = seconds * (1 - TABU_SHARE) * 0.5     # CP-SAT deterministic time runs about twice the clock here
        stop = lambda: search.work >= budget          # noqa: E731
    else:
        end = began + seconds
        stop = lambda: time.monotonic() >= end        # noqa: E731
    b = bound()

    def stop_or_bound() -> bool:
        nonlocal b
        if not deterministic:
            b = bound()
        return stop() or (b is not None and state.value <= b)

    try:
        search.improve(state, stop_or_bound, b, step_seconds=step, on_best=on_best)
    except KeyboardInterrupt:
        interrupted = True
    out = Outcome(state.times, state.value, state.moves, state.improving_moves, history + state.history, seed)
    out.interrupted = interrupted
    return out


def _die_with_parent() -> None:
    """Linux: the search child is killed when its parent dies (kill -9 included)."""
    try:
        import ctypes
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)   # PR_SET_PDEATHSIG
    except (OSError, AttributeError):   # pragma: no cover - not Linux: the child ends on its time budget
        pass


def _child(conn, space, obj, times, kw, shared_bound, shared_best, shared_value):
    signal.signal(signal.SIGINT, signal.SIG_IGN)   # Ctrl-C is the parent's to handle
    _die_with_parent()
    n = len(space.sessions)

    def bound():
        v = shared_bound.value
        return None if v < 0 else v

    def publish(best: dict, value: int) -> None:   # the parent may start from it after its bound
        with shared_value.get_lock():
            for i in range(n):
                shared_best[i] = best[i]
            shared_value.value = value
    try:
        out = run_search(space, obj, times, bound=bound, on_best=None if kw["deterministic"] else publish, **kw)
        conn.send(out)
    except BaseException as exc:   # pragma: no cover - reported to the parent
        conn.send(exc)
    finally:
        conn.close()


def improve(space: Space, obj: TimeObjective, times: dict[int, int], *, seed: int, seconds: float,
            workers: int, deterministic: bool, moved_cap: int | None, say, t0: float, step: float,
            lower_bound: Callable[[], tuple[float | None, str]] | None = None):
    """Returns (Outcome of the best search, (bound, method))."""
    began = time.monotonic()
    bound_value: list = [None]
    found = (None, "none")
    parallel = workers >= 2 and len(space.sessions) >= 20
    if not parallel:
        if lower_bound:
            try:
                found = lower_bound()
            except KeyboardInterrupt:
                return Outcome(dict(times), evaluate_times(space, obj, times), interrupted=True), found
            bound_value[0] = found[0]
        left = max(0.2, seconds - (time.monotonic() - began))
        out = run_search(space, obj, times, seed=seed, seconds=left if not deterministic else seconds,
                         deterministic=deterministic, moved_cap=moved_cap, bound=lambda: bound_value[0],
                         say=say, t0=t0, step=step)
        return out, found
    ctx = mp.get_context("fork")
    shared = ctx.Value("d", -1.0, lock=False)
    n = len(space.sessions)
    shared_best = ctx.Array("i", [times[i] for i in range(n)], lock=False)
    shared_value = ctx.Value("q", evaluate_times(space, obj, times))
    parent_conn, child_conn = ctx.Pipe(duplex=False)
    kw = dict(seed=seed + 7919, seconds=seconds, deterministic=deterministic, moved_cap=moved_cap,
              say=say, t0=t0, step=step, label=" (2)")
    proc = ctx.Process(target=_child, args=(child_conn, space, obj, times, kw, shared, shared_best, shared_value),
                       daemon=True)
    proc.start()
    child_conn.close()
    other = None
    try:
        mine = None
        try:
            if lower_bound:
                found = lower_bound()
                bound_value[0] = found[0]
                if found[0] is not None and not deterministic:
                    shared.value = float(found[0])
        except KeyboardInterrupt:
            mine = Outcome(dict(times), evaluate_times(space, obj, times), interrupted=True)
        if mine is None:
            left = seconds - (time.monotonic() - began)
            start = times
            if not deterministic:   # while this process proved the bound, the other one searched: go on from there
                with shared_value.get_lock():
                    if shared_value.value < evaluate_times(space, obj, times):
                        start = {i: shared_best[i] for i in range(n)}
            mine = run_search(space, obj, start, seed=seed, seconds=left if not deterministic else seconds,
                              deterministic=deterministic, moved_cap=moved_cap, bound=lambda: bound_value[0],
                              say=say, t0=t0, step=step)
        if not mine.interrupted:
            try:
                other = parent_conn.recv() if parent_conn.poll(max(5.0, seconds)) else None
            except KeyboardInterrupt:
                mine.interrupted = True
    finally:
        if proc.is_alive():
            proc.join(timeout=1.0)
        if proc.is_alive():
            proc.terminate()
            proc.join()
    if isinstance(other, BaseException):
        raise other
    best = mine
    if isinstance(other, Outcome) and other.value < mine.value:
        best = other
        best.interrupted = mine.interrupted
    if isinstance(other, Outcome):
        best.moves = mine.moves + other.moves
        best.improving = mine.improving + other.improving
    return best, found
