"""Input problems that know where they are, and the one error that carries them."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    where: str   # "sessions/s0014.yaml:7" or "Sessions!E12"
    what: str    # "speaker 'p0999' is not in speakers.yaml"
    fix: str = ""  # "add p0999 to speakers.yaml or correct the id"

    def __str__(self) -> str:
        text = f"{self.where}: {self.what}" if self.where else self.what
        return f"{text}\n    fix: {self.fix}" if self.fix else text


class InputError(Exception):
    """Every problem found in the inputs, raised once by a loader."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__(self.summary())

    def summary(self) -> str:
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} in the inputs:"
        return "\n".join([head] + [f"  {p}" for p in self.problems])


class NoProgram(Exception):
    """No program satisfies every hard rule (exit 3). ``reasons`` are sentences;
    ``explanation``, when given, is the solve.explain.Explanation they came from
    (its ``reasons`` are Reason objects with ids and requirement keys)."""

    def __init__(self, reasons: list[str], explanation=None):
        self.reasons = list(reasons)
        self.explanation = explanation
        super().__init__("; ".join(self.reasons))
