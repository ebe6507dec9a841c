"""What every hard-rule family provides, and the objects it speaks in.

A family is one module with one ``Rule`` subclass. Every hook has a default
that does nothing, so a family implements only what concerns it:

* ``requirements(conf)``: the requirement groups a committee could drop (a pin,
  a speaker's part in a session, a closed range of a room...), each with a key
  ``"<rule name>:<detail>"``. The explanation guards each with a literal.
* unary tests, used to build the placement space: ``start_forbids`` (a start of
  a session), ``room_forbids`` (a room for a session, whatever the time),
  ``room_at_forbids`` (a room for a session at a time). Each returns the sets of
  requirement keys that forbid it together (``[]``: allowed; ``[frozenset()]``:
  forbidden by the slot grid itself, never relaxed). ``allows_*`` are the fast
  boolean forms (by default: nothing forbids).
* the pairwise test: ``pairs(conf)`` lists the session pairs the family links,
  ``clashes(a, pa, b, pb)`` says whether two placements of a linked pair break
  it (``overlap_only``: the pair clashes exactly when the placements overlap).
  The tabu search, the lower bound and the pin pre-check use these.
* ``tracker(space, times)``: an incremental per-segment state for local search,
  for families that count (rooms): see ``Tracker``.
* ``segment_caps(space, g, items)``: counting limits on the sessions present in
  one time segment ("at most c of these"), for the lower bound's groups. The
  bound also asks it for a class of similar segments (``g`` one of them, each
  item with its options in all of them): the limits must then hold in each of
  those segments, i.e. more options for an item may only loosen them.
* ``encode(m)``: its CP-SAT constraints; in the explanation's models
  (``m.guards`` set) each requirement is enforced only while its literal holds,
  and one without a literal (``m.dropped(key)``) is dropped: build nothing for it.
* ``prechecks(pc)``: fast, sound proofs that no program exists, as ``Reason``.
* ``describe(conf, reqs)``: sentences for requirements of a minimal clashing set.
* ``restriction(pc, s, keys, subject)``: what the given requirements take away
  from a session, as words (a ``Restriction``).
* ``room_signature(conf, req, room)``: how the requirement tells rooms apart
  (None: it does not), so the explanation can merge rooms no requirement distinguishes.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

from ...model import TimeRange

NEVER = [frozenset()]      # forbidden by the slot grid itself: no requirement to drop


@dataclass(frozen=True)
class Requirement:
    """One requirement group that the explanation may drop."""
    key: str                      # "<rule>:<detail>"
    rule: str                     # the family's name
    session: str | None = None
    other: str | None = None      # the other session of a link
    speaker: str | None = None
    room: str | None = None
    feature: str | None = None
    resource: str | None = None
    range: TimeRange | None = None
    where: str = ""


@dataclass(frozen=True)
class Reason:
    """One sentence of an explanation, with the ids and requirement keys it names."""
    rule: str                              # the family's name ("speakers", "pins", ...)
    sentence: str                          # names sessions, speakers and rooms by id and name
    fix: str = ""                          # what the committee can change
    sessions: tuple[str, ...] = ()
    speakers: tuple[str, ...] = ()
    rooms: tuple[str, ...] = ()
    requirements: tuple[str, ...] = ()     # requirement keys
    where: tuple[str, ...] = ()            # files and lines where those requirements are written
    title: str = ""                        # the finding, for people: "speaker overload", "pin clash"

    @property
    def heading(self) -> str:
        return self.title or self.rule

    def __str__(self) -> str:
        return f"[{self.heading}] {self.sentence}" + (f" {self.fix}" if self.fix else "")

    def to_dict(self) -> dict:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}


@dataclass
class Restriction:
    """What some requirements take away from one session, in words. ``parts`` stand
    alone; ``room_needs`` ("80 seats", "projector") and ``pinned_room`` describe which
    rooms are left, ``closed`` (room id -> ranges) when those rooms are shut."""
    parts: list[str] = field(default_factory=list)
    room_needs: list[str] = field(default_factory=list)
    pinned_room: str | None = None
    closed: dict = field(default_factory=dict)
    speakers: list[str] = field(default_factory=list)
    where: list[str] = field(default_factory=list)
    fixes: list[str] = field(default_factory=list)     # what the committee can change


class Tracker:
    """Incremental state of a counting rule for local search: which sessions are in
    each segment, and whether one more fits. ``admit`` leaves the state unchanged
    when it returns False."""

    def admit(self, g: int, i: int, k: int) -> bool:  # pragma: no cover - interface
        raise NotImplementedError

    def release(self, g: int, i: int) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class Rule:
    name: str = ""
    drop_rank: int = 0            # the explanation's shrinking tries lower ranks first (drops them first)
    overlap_only: bool = True     # a linked pair clashes exactly when its placements overlap
    shapes_grid: bool = False     # its unary test is about the slot grid itself (pre-checks count within it)

    # -- requirement groups --------------------------------------------------------------
    def requirements(self, conf):
        return ()

    def key(self, *parts: str) -> str:
        return f"{self.name}:{''.join(parts)}"

    # -- unary tests ------------------------------------------------------------------------
    def start_forbids(self, grid, s, date, start, run) -> list[frozenset[str]]:
        return []

    def room_forbids(self, grid, s, room) -> list[frozenset[str]]:
        return []

    def room_at_forbids(self, grid, s, room, date, run) -> list[frozenset[str]]:
        return []

    def allows_start(self, grid, s, date, start, run) -> bool:
        return not self.start_forbids(grid, s, date, start, run)

    def allows_room(self, grid, s, room) -> bool:
        return not self.room_forbids(grid, s, room)

    def allows_room_at(self, grid, s, room, date, run) -> bool:
        return not self.room_at_forbids(grid, s, room, date, run)

    # -- pairwise test ----------------------------------------------------------------------
    def pairs(self, conf):
        return ()

    def clashes(self, a, pa, b, pb) -> bool:
        """Only asked of a pair the family links (``pairs``): by default such a pair
        clashes when its placements overlap."""
        return pa.overlaps(pb)

    # -- search, bound, model ------------------------------------------------------------------
    def tracker(self, space, times) -> Tracker | None:
        return None

    def segment_caps(self, space, g: int, items) -> list[tuple[list[int], int]]:
        return []

    def encode(self, m) -> None:
        return None

    # -- explanation ----------------------------------------------------------------------------
    def prechecks(self, pc) -> list[Reason]:
        return []

    def describe(self, conf, reqs: list[Requirement]) -> list[Reason]:
        return []

    def restriction(self, pc, s, keys: set[str], subject: str) -> Restriction | None:
        return None

    def room_signature(self, conf, req: Requirement, room):
        return None

    def clash_reason(self, pc, a, b, both: str, keys: list[str], where: list[str]) -> Reason | None:
        """Two pinned sessions whose pins make them clash under this rule: the sentence."""
        return None


def uniq(items) -> tuple:
    return tuple(dict.fromkeys(i for i in items if i))


def where_of(reqs) -> tuple[str, ...]:
    return tuple(dict.fromkeys(r.where for r in reqs if r.where))
