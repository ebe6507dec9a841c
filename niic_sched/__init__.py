"""niic-sched: build a conference program from proposals, rooms and speakers."""
__version__ = "0.1.0"
