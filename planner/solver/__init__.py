"""The solver: ``solve(data, travel, params) -> Result`` (entry.py reads top-down from there)."""

from planner.reasons_catalogue import REASON_CODES
from planner.solver.entry import Progress, solve
from planner.solver.result import Result, Route, Status, Unserved, Visit
from planner.solver.routing import vehicle_index

__all__ = [
    "REASON_CODES",
    "Progress",
    "Result",
    "Route",
    "Status",
    "Unserved",
    "Visit",
    "solve",
    "vehicle_index",
]
