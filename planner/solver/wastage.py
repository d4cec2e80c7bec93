"""Wastage-aware search: a second pass that steers each team-day towards whole vials.

OR-Tools cannot express "doses modulo vial size" in its objective, so the search runs twice:

1. a normal solve on three quarters of the time budget (``STEER_SHARE`` in solver/__init__.py;
   coverage first, then travel, as always);
2. each (team, day) gets a *dose target*: its last vial filled when that vial is at least
   half used, zero for a route that opens a vial for at most half of it when the other routes'
   open vials can take its doses, else what it has; the doses dimension gets soft lower and
   upper bounds at that target, ``weight`` per dose away from it, and the search continues
   from the first solution. When no target differs from what the routes have, the second part
   is a plain continuation of the first search (no time is lost on a pass that cannot help).

The second solution is kept only if it serves at least the same priority-weighted coverage and
its travel + ``weight`` x (wasted doses, recomputed exactly by planner/vials.py) is lower.
Coverage cannot suffer: leaving a resident out costs 100,000 per unit of priority (>= 1 for
computed scores), a dose away from its target ``weight`` (default 900), so the search never
drops anyone to meet a target, and the acceptance test refuses any loss of coverage.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping

from planner.model import ProblemData
from planner.settings import Product
from planner.solver.result import Result
from planner.vials import route_waste


def dose_targets(data: ProblemData, result: Result, products: Mapping[str, Product]
                 ) -> dict[int, int]:
    """A whole number of vials per (team, day): fill each route's last vial (more doses from
    the vials it opens anyway), and empty a route that opens a vial for at most half of it
    when the other routes' open vials have room for its doses."""
    n_teams = len(data.teams)
    doses: dict[int, int] = defaultdict(int)
    for r in result.routes:
        doses[r.day * n_teams + r.team_index] = sum(data.stops[v.stop_index].doses
                                                    for v in r.visits)
    by_product: dict[str, list[int]] = defaultdict(list)
    for v in range(n_teams * data.days):
        by_product[data.teams[v % n_teams].vaccine].append(v)
    targets: dict[int, int] = {}
    for name, vehicles in by_product.items():
        size = products[name].doses_per_vial
        for v in vehicles:
            full = math.ceil(doses[v] / size) * size
            # fill the last vial only when it is at least half used: a full day rarely has
            # room for more than a few extra doses
            targets[v] = full if full - doses[v] <= size // 2 else doses[v]
        room = sum(targets[v] - doses[v] for v in vehicles)
        for v in sorted(vehicles, key=lambda v: doses[v]):
            spare = room - (targets[v] - doses[v])  # room in the *other* routes' vials
            if 0 < doses[v] <= size // 2 and spare >= doses[v]:
                room = spare - doses[v]
                targets[v] = 0
    return targets


def evaluate(data: ProblemData, result: Result, products: Mapping[str, Product]
             ) -> tuple[float, int, int]:
    """(priority-weighted coverage, wasted doses, travel seconds) of a solution."""
    covered = sum(data.stops[v.stop_index].priority for r in result.routes for v in r.visits)
    waste = sum(route_waste([(v.service_start_s, data.stops[v.stop_index].doses)
                             for v in r.visits], products[data.teams[r.team_index].vaccine])
                for r in result.routes)
    travel = sum(r.travel_s for r in result.routes)
    return covered, waste, travel


def better(new: tuple[float, int, int], old: tuple[float, int, int], weight: int) -> bool:
    if new[0] < old[0] - 1e-6:
        return False
    return new[2] + weight * new[1] < old[2] + weight * old[1] or new[0] > old[0] + 1e-6
