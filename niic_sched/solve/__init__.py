"""The constraint solver: Conference -> Schedule."""
from .solver import SHARES, Budget, NotFound, Result, SolveOptions, solve

__all__ = ["SHARES", "Budget", "NotFound", "Result", "SolveOptions", "solve"]
