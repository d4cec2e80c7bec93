"""The solver: ``solve(data, travel, params) -> Result`` (entry.py reads top-down from there)."""

from planner.solver.entry import Progress, solve
from planner.solver.result import REASON_CODES, Result, Route, Status, Unserved, Visit
from planner.solver.routing import vehicle_index

__all__ = ["REASON_CODES", "Progress", "Result", "Route", "Status", "Unserved", "Visit", "solve",
           "vehicle_index"]
