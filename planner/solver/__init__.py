"""The solver: ``solve(data, travel, params) -> Result`` (entry.py reads top-down from there).

``solve`` and ``Progress`` are imported on first use: a portfolio worker process imports
``planner.solver.portfolio`` only, and the entry's own imports (areas, controls, the input
readers and pandas) would add most of a second to every worker's start-up, inside the budget.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from planner.reasons_catalogue import REASON_CODES
from planner.solver.result import Result, Route, Status, Unserved, Visit
from planner.solver.routing import vehicle_index

if TYPE_CHECKING:
    from planner.solver.entry import Progress, solve

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


def __getattr__(name: str) -> Any:
    """``solve`` and ``Progress`` from entry.py, imported when first asked for."""
    if name in ("solve", "Progress"):
        return getattr(importlib.import_module("planner.solver.entry"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
