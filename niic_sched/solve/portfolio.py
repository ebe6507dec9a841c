"""Two searches at once: the start matters more than the run length, so a second
process improves the same first timetable with another seed while this one
computes the lower bound and then searches too; the better result wins.

This process's search is a short tabu search (``tabu.fast_tabu_search``: the
whole neighbourhood of single moves judged at once) followed by CP-SAT
large-neighbourhood search; the second process's is the tabu search throughout
(``SECOND_TABU_SHARE``): two different searches find more than one search twice.
With ``--deterministic`` each search stops on its own work limit (CP-SAT's
deterministic time and a fixed number of tabu steps; both searches then split
their work alike), so the same inputs, seed and workers give the same timetable.

The second process works under every start method of ``multiprocessing``
(``fork``, ``forkserver``, ``spawn``): its target (``_child``) and arguments are
module-level and picklable, and it talks to this process through one pipe only
(typed messages: progress lines, then its :class:`Outcome` or its error). It is
started with ``fork`` where the platform has it (no re-import, no copy of the
search space through a pipe), else ``forkserver``, else ``spawn``; ``improve``
takes ``start_method`` to choose. It never outlives this process: on Linux the
kernel kills it when its parent dies (``prctl(PR_SET_PDEATHSIG)``), and on every
platform a watcher thread ends it when its parent's sentinel closes.
"""
from __future__ import annotations

import logging
import multiprocessing as mp
import os
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

from .goals import TimeObjective, evaluate_times
from .lns import SearchState, TimeSearch
from .space import Space
from .tabu import FAST_FOCUS_FROM, NoRoomMatching, fast_tabu_search

log = logging.getLogger(__name__)

# Of each search's time, the tabu search's (the rest: CP-SAT neighbourhoods). The two searches
# differ: this process's search is mostly CP-SAT neighbourhoods, the second process's is tabu
# throughout. Measured at 60 sessions, 30 s (benchmarks/results.md): on niic-sched generate's
# instances tabu-then-CP-SAT wins, on make_conference.py's tabu alone (420 against 454 on seed
# 101); the pair of them takes the better of both.
TABU_SHARE = 0.15
SECOND_TABU_SHARE = 1.0
TABU_STEPS_PER_SECOND = 150  # deterministic mode: tabu steps per second of --time-limit
PARALLEL_MIN_SESSIONS = 20   # below this one search is enough
SECOND_SEED = 7919           # the second search's seed: --seed + this
# with group terms, of each search's time: the exact tabu search after the surrogate's (run_search)
GROUP_POLISH_SHARE = 0.15


@dataclass
class LowerBound:
    """A lower bound on the timetable objective, and how it was found."""
    value: float | None = None
    method: str = "none"
    conflicts: float | None = None   # with interests: the bound on attendee conflicts alone


@dataclass
class Outcome:
    """What one search ends with."""
    times: dict[int, int]
    value: int
    moves: int = 0
    improving: int = 0
    history: list[tuple[float, int]] = field(default_factory=list)
    interrupted: bool = False
    stopped: str = ""            # why it ended: "bound met", "optimum proven by the other search", "stopping rule", "time limit"


@dataclass
class Improvement:
    """What ``improve`` ends with: the better search's timetable (moves counted over
    both searches), the lower bound, and how many searches reported back."""
    best: Outcome
    bound: LowerBound
    searches: int = 1


def first_tabu_share(space: Space, deterministic: bool) -> float:
    """The first search's share of tabu before its CP-SAT neighbourhoods: ``TABU_SHARE``;
    on the clock, from ``tabu.FAST_FOCUS_FROM`` sessions (where the tabu search judges
    only the sessions that pay), all of it. Measured at 60 s, seed 0: 250/24/3/8 18
    conflicts against 26, 1000/40/3/11 11 against 14 (seeds 1 and 2 at 250: 16 and 17
    either way); the neighbourhoods after the tabu search improved nothing there. With
    ``--deterministic`` the tabu search's step budget stays as it was."""
    if deterministic or len(space.sessions) < FAST_FOCUS_FROM:
        return TABU_SHARE
    return 1.0


def run_search(space: Space, obj: TimeObjective, times: dict[int, int], *, seed: int, seconds: float,
               deterministic: bool, moved_cap: int | None, bound: Callable[[], float | None],
               say: Callable[[str], None] | None, t0: float, step: float, label: str = "",
               on_best: Callable[[dict, int], None] | None = None, patience: tuple[float, float] | None = None,
               done: Callable[[], bool] | None = None, tabu_share: float = TABU_SHARE) -> Outcome:
    """One search (``_search``) of ``obj``. With group terms (missed attendance) it is
    lexicographic, surrogate then exact: the search runs on their pair surrogate
    (``TimeObjective.as_pairs``: C(c, 2) >= c - 1 for c wanted sessions at once, equal
    up to two) for all but ``GROUP_POLISH_SHARE`` of its time, valuing every timetable
    it improves to exactly and keeping the exact best; a tabu search on the exact terms
    then goes on from that best. ``on_best`` and the outcome carry exact values.
    Measured (benchmarks/missed.md, 60 sessions, 30 s): searching the exact terms
    throughout missed more than this (356/255/325 against 355/249/326 on seeds
    101-103), and a polish of CP-SAT neighbourhoods instead of tabu did no better
    (``--deterministic``: 364/261/326 against 362/261/325)."""
    if not obj.group:
        return _search(space, obj, times, seed=seed, seconds=seconds, deterministic=deterministic,
                       moved_cap=moved_cap, bound=bound, say=say, t0=t0, step=step, label=label, on_best=on_best,
                       patience=patience, done=done, tabu_share=tabu_share)
    began = time.monotonic()
    done = done or (lambda: False)
    best = [evaluate_times(space, obj, times), dict(times)]

    def exact(t: dict, _surrogate: int) -> None:
        v = evaluate_times(space, obj, t)
        if v < best[0]:
            best[0], best[1] = v, dict(t)
            if on_best:
                on_best(best[1], v)
    first = _search(space, obj.as_pairs(), times, seed=seed, seconds=seconds * (1 - GROUP_POLISH_SHARE),
                    deterministic=deterministic, moved_cap=moved_cap, bound=bound, say=say, t0=t0, step=step,
                    label=label, on_best=exact, patience=patience, done=done, tabu_share=tabu_share)
    exact(first.times, first.value)
    history = [(at, v) for at, v in first.history]
    stopped, interrupted = first.stopped, first.interrupted
    b = bound()
    moves, improving = first.moves, first.improving
    if not interrupted and moved_cap is None and not (b is not None and best[0] <= b) and not done():
        # the exact polish: _search with tabu throughout, for the rest of the time (or its work share)
        left = seconds * GROUP_POLISH_SHARE if deterministic else max(0.2, began + seconds - time.monotonic())
        if patience is not None and not deterministic:     # the stopping rule holds the polish too
            left = min(left, patience[0])
        polish = _search(space, obj, best[1], seed=seed + 1, seconds=left, deterministic=deterministic,
                         moved_cap=moved_cap, bound=bound, say=say, t0=t0, step=step, label=label + " (exact)",
                         on_best=exact, done=done, tabu_share=1.0)
        exact(polish.times, polish.value)
        history += polish.history
        if polish.interrupted:
            interrupted, stopped = True, "interrupted"
        b = bound()
        if not interrupted and b is not None and best[0] <= b:
            stopped = "bound met (proven optimal)"
    return Outcome(best[1], best[0], moves, improving, history, interrupted, stopped)


def _search(space: Space, obj: TimeObjective, times: dict[int, int], *, seed: int, seconds: float,
            deterministic: bool, moved_cap: int | None, bound: Callable[[], float | None],
            say: Callable[[str], None] | None, t0: float, step: float, label: str = "",
            on_best: Callable[[dict, int], None] | None = None, patience: tuple[float, float] | None = None,
            done: Callable[[], bool] | None = None, tabu_share: float = TABU_SHARE) -> Outcome:
    """One search: tabu, then CP-SAT neighbourhoods, for ``seconds`` (a work limit with
    ``deterministic``). Either ends early when its value meets ``bound()`` (a proven
    optimum), when ``done()`` says so (the other search proved it), or, with ``patience``
    = (s, share), once it has not improved for max(s, share x the seconds since ``t0``)."""
    began = time.monotonic()
    last_gain = [began]
    done = done or (lambda: False)

    def improved(t: dict, v: int) -> None:
        last_gain[0] = time.monotonic()
        if on_best:
            on_best(t, v)

    def stalled() -> bool:
        if patience is None or deterministic:
            return False
        now = time.monotonic()
        return now - last_gain[0] > max(patience[0], patience[1] * (now - t0))

    search = TimeSearch(space, obj, seed=seed, workers=1, deterministic=deterministic, t0=t0,
                        say=(lambda m: say(m.replace("timetable search", f"timetable search{label}"))) if say else None)
    search.moved_cap = moved_cap
    value = evaluate_times(space, obj, times)
    history = []
    interrupted = False
    if moved_cap is None:
        # tabu moves do not watch the baseline's move budget; against a baseline only CP-SAT moves run
        if deterministic:
            steps = int(TABU_STEPS_PER_SECOND * seconds * tabu_share)
            count = [0]

            def stop_tabu() -> bool:
                count[0] += 1
                return count[0] > steps
        else:
            tabu_end = began + seconds * tabu_share

            def stop_tabu() -> bool:
                if time.monotonic() >= tabu_end or done():
                    return True
                b = bound()    # a bound proven meanwhile (the other process) stops it too
                return b is not None and (found[-1][1] if found else value) <= b
        found: list = []
        try:
            times, value = fast_tabu_search(space, obj, times, stop_tabu, seed=seed, t0=t0, bound=bound(),
                                       say=(lambda m: say(m.replace("tabu search", f"tabu search{label}")))
                                       if say else None, on_best=lambda t, v: (found.append((t, v)),
                                                                                improved(t, v)))
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
        return Outcome(state.times, state.value, history=history, interrupted=True)
    if deterministic:
        budget = seconds * (1 - tabu_share) * 0.5     # CP-SAT deterministic time runs about twice the clock here
        stop = lambda: search.work >= budget          # noqa: E731
    else:
        end = began + seconds
        stop = lambda: time.monotonic() >= end        # noqa: E731
    b = bound()

    def stop_or_bound() -> bool:
        nonlocal b
        if not deterministic:
            b = bound()
        return stop() or (b is not None and state.value <= b) or done() or stalled()

    try:
        search.improve(state, stop_or_bound, b, step_seconds=step, on_best=improved)
    except KeyboardInterrupt:
        interrupted = True
    b = bound()
    stopped = ("interrupted" if interrupted else "bound met (proven optimal)" if b is not None and state.value <= b
               else "the other search met the bound" if done() else
               "stopping rule: no improvement" if stalled() else "time limit")
    return Outcome(state.times, state.value, state.moves, state.improving_moves, history + state.history,
                   interrupted, stopped)


# -- the second process ------------------------------------------------------------------------------
def choose_start_method(preferred: str | None = None) -> str:
    """The multiprocessing start method for the second search: ``preferred`` if given
    (it must exist on this platform), else fork, forkserver or spawn, the first this
    platform has."""
    methods = mp.get_all_start_methods()
    if preferred is not None:
        if preferred not in methods:
            raise ValueError(f"start method {preferred!r} is not available here (only {', '.join(methods)})")
        return preferred
    return next(m for m in ("fork", "forkserver", "spawn") if m in methods)


@dataclass(frozen=True)
class _Job:
    """The second search's settings (picklable: it crosses to a spawned process)."""
    seed: int
    seconds: float
    deterministic: bool
    moved_cap: int | None
    t0: float
    step: float
    started: float            # when the parent started the process: a spawned child counts its start-up
    relay: bool               # send progress lines to the parent
    label: str = " (2)"
    patience: tuple[float, float] | None = None   # the stopping rule (see run_search)
    tabu_share: float = SECOND_TABU_SHARE


@dataclass(frozen=True)
class _Said:
    text: str


@dataclass(frozen=True)
class _Finished:
    outcome: Outcome


@dataclass(frozen=True)
class _Failed:
    error: BaseException
    where: str = ""


def _die_with_parent() -> None:
    """The search child ends when its parent does (kill -9 included).

    Linux: the kernel sends SIGKILL (``PR_SET_PDEATHSIG``), however busy the child.
    Everywhere: a daemon thread waits on the parent's sentinel and exits the child
    when it closes (it also covers a parent that died before the prctl call)."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)   # PR_SET_PDEATHSIG
        except (OSError, AttributeError) as exc:   # pragma: no cover - a Linux without glibc's libc.so.6
            log.info("search child: prctl(PR_SET_PDEATHSIG) unavailable (%s); a watcher thread ends it "
                     "with its parent", exc)
    else:   # pragma: no cover - not Linux
        log.info("search child: no PR_SET_PDEATHSIG on %s; a watcher thread ends it with its parent", sys.platform)
    parent = mp.parent_process()
    if parent is None:   # pragma: no cover - not started by multiprocessing
        log.warning("search child: no parent process to watch; it ends on its own time budget")
        return

    def watch() -> None:
        from multiprocessing.connection import wait
        wait([parent.sentinel])
        os._exit(1)

    threading.Thread(target=watch, name="niic-parent-watch", daemon=True).start()


def _start_uninterrupted(proc) -> None:
    """Start the child with Ctrl-C held back: a SIGINT that lands in the at-fork hooks
    (logging's lock release, ...) would be printed as "Exception ignored" and lost.
    Held back, it is delivered when the mask is restored, as a KeyboardInterrupt here."""
    masked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT}) if hasattr(signal, "pthread_sigmask") else None
    try:
        proc.start()
    finally:
        if masked is not None:
            signal.pthread_sigmask(signal.SIG_SETMASK, masked)


def _child(conn, space: Space, obj: TimeObjective, times: dict[int, int], job: _Job, shared_bound, shared_best,
           shared_value, shared_done) -> None:
    """The second search (module level, so that ``spawn`` can import it)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)   # Ctrl-C is the parent's to handle
    _die_with_parent()
    n = len(space.sessions)
    seconds = job.seconds
    if not job.deterministic:   # a spawned child imported and unpickled for a while: keep the parent's clock
        seconds = max(0.2, job.seconds - (time.monotonic() - job.started))

    def bound():
        v = shared_bound.value
        return None if v < 0 else v

    def publish(best: dict, value: int) -> None:   # the parent may start from it after its bound
        with shared_value.get_lock():
            if value >= shared_value.value:
                return
            for i in range(n):
                shared_best[i] = best[i]
            shared_value.value = value

    def say(text: str) -> None:
        conn.send(_Said(text))

    try:
        out = run_search(space, obj, times, seed=job.seed, seconds=seconds, deterministic=job.deterministic,
                         moved_cap=job.moved_cap, bound=bound, say=say if job.relay else None, t0=job.t0,
                         step=job.step, label=job.label, on_best=None if job.deterministic else publish,
                         patience=job.patience, done=lambda: bool(shared_done.value),
                         tabu_share=TABU_SHARE if job.deterministic else job.tabu_share)
        conn.send(_Finished(out))
    except BaseException as exc:   # pragma: no cover - reported to the parent
        import traceback
        try:
            conn.send(_Failed(exc, traceback.format_exc()))
        except Exception:
            conn.send(_Failed(RuntimeError(f"the second search failed: {exc!r}"), traceback.format_exc()))
    finally:
        conn.close()


class _Listener(threading.Thread):
    """Reads the child's pipe: progress lines go to ``say`` as they come, the last
    message (its outcome or error) is kept for ``result``."""

    def __init__(self, conn, say: Callable[[str], None] | None):
        super().__init__(name="niic-search-listener", daemon=True)
        self.conn, self.say = conn, say
        self.last: _Finished | _Failed | None = None
        self.done = threading.Event()

    def run(self) -> None:
        try:
            while True:
                msg = self.conn.recv()
                if isinstance(msg, _Said):
                    if self.say:
                        self.say(msg.text)
                else:
                    self.last = msg
                    break
        except (EOFError, OSError):   # the child ended (or was ended) without a last word
            pass
        finally:
            self.done.set()

    def result(self, timeout: float) -> _Finished | _Failed | None:
        self.done.wait(timeout)
        return self.last


def improve(space: Space, obj: TimeObjective, times: dict[int, int], *, seed: int, seconds: float,
            workers: int, deterministic: bool, moved_cap: int | None, say, t0: float, step: float,
            lower_bound: Callable[[], LowerBound] | None = None, start_method: str | None = None,
            patience: tuple[float, float] | None = None) -> Improvement:
    """Improve ``times`` for ``seconds`` (a work limit with ``deterministic``): with two
    or more workers in two processes, the first computing ``lower_bound()`` first.
    ``start_method``: how to start the second process (see ``choose_start_method``).
    A search that meets the bound (a proven optimum) ends both; ``patience``: each also
    ends once it stops improving (see ``run_search``)."""
    began = time.monotonic()
    # no timetable costs less than 0 when no term is negative: a search that reaches 0 is done
    trivial = 0.0 if all(w >= 0 for w in obj.pair.values()) and all(w >= 0 for w in obj.unary.values()) else None
    bound_value: list = [trivial]
    found = LowerBound()
    parallel = workers >= 2 and len(space.sessions) >= PARALLEL_MIN_SESSIONS
    if not parallel:
        if lower_bound:
            try:
                found = lower_bound()
            except KeyboardInterrupt:
                return Improvement(Outcome(dict(times), evaluate_times(space, obj, times), interrupted=True), found)
            bound_value[0] = found.value if found.value is not None else trivial
        left = max(0.2, seconds - (time.monotonic() - began))
        out = run_search(space, obj, times, seed=seed, seconds=left if not deterministic else seconds,
                         deterministic=deterministic, moved_cap=moved_cap, bound=lambda: bound_value[0],
                         say=say, t0=t0, step=step, patience=patience,
                         tabu_share=first_tabu_share(space, deterministic))
        return Improvement(out, found)
    ctx = mp.get_context(choose_start_method(start_method))
    shared = ctx.Value("d", -1.0, lock=False)
    n = len(space.sessions)
    shared_best = ctx.Array("i", [times[i] for i in range(n)], lock=False)
    shared_value = ctx.Value("q", evaluate_times(space, obj, times))
    shared_done = ctx.Value("b", 0, lock=False)     # set when the optimum is proven: both searches end
    parent_conn, child_conn = ctx.Pipe(duplex=False)
    job = _Job(seed=seed + SECOND_SEED, seconds=seconds, deterministic=deterministic, moved_cap=moved_cap, t0=t0,
               step=step, started=time.monotonic(), relay=say is not None, patience=patience)
    proc = ctx.Process(target=_child, args=(child_conn, space, obj, times, job, shared, shared_best, shared_value,
                                            shared_done),
                       daemon=True, name="niic-search-2")

    def optimum_reached() -> bool:   # the other search met the bound: nothing left to find
        b = bound_value[0]
        if deterministic or b is None or shared_value.value > b:
            return False
        shared_done.value = 1
        return True
    listener = None
    last = None
    try:
        mine = None
        try:
            _start_uninterrupted(proc)
            child_conn.close()
            listener = _Listener(parent_conn, say)
            listener.start()
            if trivial is not None and not deterministic:
                shared.value = trivial
            if lower_bound:
                found = lower_bound()
                bound_value[0] = found.value if found.value is not None else trivial
                if bound_value[0] is not None and not deterministic:
                    shared.value = float(bound_value[0])
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
                              say=say, t0=t0, step=step, patience=patience, done=optimum_reached,
                              tabu_share=first_tabu_share(space, deterministic))
            if not deterministic and bound_value[0] is not None and mine.value <= bound_value[0]:
                shared_done.value = 1      # this search met the bound: the other one stops too
        if not mine.interrupted:
            try:
                last = listener.result(max(5.0, seconds))
            except KeyboardInterrupt:
                mine.interrupted = True
    finally:
        if proc.is_alive():
            proc.join(timeout=1.0)
        if proc.is_alive():
            proc.terminate()
            proc.join()
        if listener is not None:
            listener.join(timeout=1.0)   # the child's last progress lines
        parent_conn.close()
    if isinstance(last, _Failed):
        if last.where:
            log.debug("second search failed:\n%s", last.where)
        raise last.error
    best = mine
    if isinstance(last, _Finished):
        other = last.outcome
        if other.value < mine.value:
            best = other
            best.interrupted = mine.interrupted
        best.moves = mine.moves + other.moves
        best.improving = mine.improving + other.improving
        return Improvement(best, found, searches=2)
    return Improvement(best, found)
