"""The built-in demo: Bắc Kạn city (6 wards, 2 rural communes), generated residents.

The files in ``data/`` are written once by ``scripts/make_demo.py`` (kept in the repository)
and shipped as they are, so the demo is the same every time. Everything in them is generated:
no real person is described. The ward areas in ``wards_approx.geojson`` are Voronoi cells
around the (approximately placed) health stations, not official boundaries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

#: the date the demo lists were "exported"; last-dose dates are relative to it.
DEMO_START = dt.date(2026, 11, 23)


@dataclass(frozen=True)
class DemoFiles:
    """Where the demo's residents, teams and approximate ward areas are."""

    residents: Path
    teams: Path
    wards: Path


def demo_files() -> DemoFiles:
    """The shipped demo lists (residents, teams, approximate ward areas) inside the package."""
    root = Path(str(resources.files("planner.demo") / "data"))
    return DemoFiles(root / "residents.csv", root / "teams.csv", root / "wards_approx.geojson")
