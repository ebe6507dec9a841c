"""Input problems that know where they are, and the one error that carries them."""
from __future__ import annotations

from dataclasses import KW_ONLY, dataclass
from pathlib import PurePath

PLACE_FIELDS = ("file", "line", "sheet", "cell", "key")
SUBJECT_FIELDS = ("session", "speaker", "room")


def _location(file, line, sheet, cell, key, session, speaker, room, base=None) -> "Location":
    return Location(file, line, sheet=sheet, cell=cell, key=key, session=session, speaker=speaker, room=room,
                    base=base)


def shown_path(base: str | None, file: str) -> str:
    """``file`` (relative to the conference folder) as the user reaches it from the
    working directory: the folder as it was given, joined with it ("conf/sessions/s1.yaml";
    just "sessions/s1.yaml" for the folder "."; an absolute ``file`` as it is)."""
    if not base or base == "." or PurePath(file).is_absolute():
        return file
    return str(PurePath(base) / file)


class Location(str):
    """Where a value was written, as the text a user reads and as fields.

    The text is ``file:line`` ("sessions/s0014.yaml:7"), ``Sheet!cell``
    ("Sessions!E12", "Sessions!1:1" for a header row), or just the file or the
    sheet. Being a ``str``, a Location goes wherever a ``where`` string goes (the
    model's ``where`` and ``where_keys``, messages, joins); the fields say the same
    in parts: ``file``/``line`` for a YAML or CSV file, ``sheet``/``cell`` for a
    workbook, ``key`` for the field of the object (``duration``, ``pin.room``,
    ``weights.room_fit``), and the object it belongs to (``session``, ``speaker``
    or ``room`` id) once that is known.

    Paths in the text are relative to the working directory (what the user can
    paste into a shell or an editor): ``base`` is the conference folder as it was
    given ("conf", "/srv/niic2014"; "." or None: the working directory) and the text
    shows ``base/file``, while ``file`` stays relative to the conference folder."""

    file: str | None
    line: int | None
    sheet: str | None
    cell: str | None
    key: str | None
    session: str | None
    speaker: str | None
    room: str | None
    base: str | None

    def __new__(cls, file: str | None = None, line: int | None = None, *, sheet: str | None = None,
                cell: str | None = None, key: str | None = None, session: str | None = None,
                speaker: str | None = None, room: str | None = None, base: str | None = None):
        if sheet:
            text = f"{sheet}!{cell}" if cell else sheet
        elif file:
            shown = shown_path(base, file)
            text = f"{shown}:{line}" if line else shown
        else:
            text = ""
        self = super().__new__(cls, text)
        self.__dict__.update(file=file, line=line, sheet=sheet, cell=cell, key=key, session=session,
                             speaker=speaker, room=room, base=base)
        return self

    def __setattr__(self, name, value):
        raise AttributeError("a Location cannot be changed; use .but(...)")

    def but(self, **changes) -> "Location":
        """The same place with some fields changed: ``loc.but(key="duration", session="s1")``."""
        fields = {k: self.__dict__[k] for k in PLACE_FIELDS + SUBJECT_FIELDS + ("base",)}
        fields.update(changes)
        file, line = fields.pop("file"), fields.pop("line")
        return Location(file, line, **fields)

    def __reduce__(self):
        return _location, tuple(self.__dict__[k] for k in PLACE_FIELDS + SUBJECT_FIELDS + ("base",))

    def __repr__(self) -> str:
        return f"Location({str(self)!r})"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the inputs: where, what, and how to fix it.

    ``where`` is the text shown ("sessions/s0014.yaml:7" or "Sessions!E12");
    the other fields say the same in parts. Give ``where`` as a Location and they
    are filled from it (a loader's problems always are); give them and an empty
    ``where`` and it is made from them; a plain-text ``where`` that says another
    place than the fields keeps the text and drops the place fields, so the two
    never disagree. The subject (``session``, ``speaker``, ``room``) is the id of
    the object the problem is about, when there is one."""

    where: str           # "sessions/s0014.yaml:7" or "Sessions!E12"
    what: str            # "speaker 'p0999' is not in speakers.yaml"
    fix: str = ""        # "add p0999 to speakers.yaml or correct the id"
    _: KW_ONLY
    file: str | None = None      # "sessions/s0014.yaml" (relative to the conference folder; ``where`` shows
    #                              it from the working directory: "conf/sessions/s0014.yaml:7")
    line: int | None = None      # 7 (1-based)
    sheet: str | None = None     # "Sessions"
    cell: str | None = None      # "E12" ("1:1" for a header row)
    key: str | None = None       # "duration", "pin.room", "weights.room_fit"
    session: str | None = None   # the session, speaker or room the problem is about
    speaker: str | None = None
    room: str | None = None

    def __post_init__(self):
        where = self.where
        given = {k: getattr(self, k) for k in PLACE_FIELDS + SUBJECT_FIELDS}
        if isinstance(where, Location):
            for k, v in given.items():
                if v is None:
                    object.__setattr__(self, k, getattr(where, k))
            return
        place = Location(given["file"], given["line"], sheet=given["sheet"], cell=given["cell"], key=given["key"])
        if not where and place:
            object.__setattr__(self, "where", place)
        elif place and where != place:
            for k in PLACE_FIELDS:
                object.__setattr__(self, k, None)

    def __str__(self) -> str:
        text = f"{self.where}: {self.what}" if self.where else self.what
        return f"{text}\n    fix: {self.fix}" if self.fix else text


class InputError(Exception):
    """Every problem found in the inputs, raised once by a loader, with the warnings
    found on the way (an unknown key may be why a value is missing): both are shown
    together, so one run says everything."""

    def __init__(self, problems: list[Problem], warnings=()):
        self.problems = list(problems)
        self.warnings = tuple(warnings)
        super().__init__(self.summary())

    def summary(self) -> str:
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} in the inputs:"
        return "\n".join([head] + [f"  {p}" for p in self.problems] + [f"warning: {w}" for w in self.warnings])


class NoProgram(Exception):
    """No program satisfies every hard rule (exit 3). ``reasons`` are sentences;
    ``explanation``, when given, is the solve.explain.Explanation they came from
    (its ``reasons`` are Reason objects with ids and requirement keys)."""

    def __init__(self, reasons: list[str], explanation=None):
        self.reasons = list(reasons)
        self.explanation = explanation
        super().__init__("; ".join(self.reasons))
