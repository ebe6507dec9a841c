"""The constraint solver: Conference -> Schedule."""
from .solver import NotFound, Result, SolveOptions, solve

__all__ = ["NotFound", "Result", "SolveOptions", "solve"]
