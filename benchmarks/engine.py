"""Solomon instances through VaxRoute's own engine (the one `vaxroute plan` uses).

Customers become stops (window on the service start, demand as doses, service time), the fleet
becomes identical teams at the depot whose shift is the depot's window, travel is Euclidean.
Times and distances are scaled by ``SCALE`` and rounded up at the OR-Tools boundary, as
everywhere; the reported distance is recomputed in double precision. Vehicles come first: each
used vehicle costs more than any distance it could save.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from benchmarks.solomon import Instance, RouteCheck, check_routes
from planner.model import ProblemData, Stop, Team
from planner.settings import SolverParams
from planner.solver import solve
from planner.travel import TravelMatrix, TravelModel

SCALE = 1000  # time and distance units per instance unit (3 decimals kept)
VEHICLE_COST = 10**9  # > any scaled total distance of the standard instances
MUST_SERVE = 10**6  # priority of every customer: leaving one out costs 1e11


@dataclass(frozen=True)
class EuclideanTravel(TravelModel):
    """Planar distances: ``lat``/``lon`` carry x/y here; time = distance (Solomon's convention)."""

    scale: int = SCALE
    kind: str = "euclidean"

    def matrix(self, lat: npt.ArrayLike, lon: npt.ArrayLike, mode: str) -> TravelMatrix:
        x, y = np.asarray(lat, dtype=float), np.asarray(lon, dtype=float)
        d = np.hypot(x[:, None] - x[None, :], y[:, None] - y[None, :]) * self.scale
        whole = np.ceil(d - 1e-9).astype(np.int64)
        return TravelMatrix(whole, whole)

    def describe(self) -> dict[str, Any]:
        return {"kind": self.kind, "scale": self.scale}


def to_problem(
    inst: Instance, priority: Callable[[int], float] = lambda customer: MUST_SERVE
) -> ProblemData:
    """The instance as the product's problem: identical teams at the depot whose shift is the
    depot's window, customers as stops with ``priority(customer)`` (everyone must be served by
    default; the coverage benchmark gives prizes)."""
    teams = tuple(
        Team(
            f"V{k + 1}",
            float(inst.x[0]),
            float(inst.y[0]),
            shift_start_s=math.ceil(inst.ready[0] * SCALE),
            shift_end_s=math.floor(inst.due[0] * SCALE),
            break_start_s=None,
            break_minutes=0,
            max_doses=inst.capacity,
        )
        for k in range(inst.vehicles)
    )
    stops = tuple(
        Stop(
            stop_id=str(c),
            resident_ids=(str(c),),
            lat=float(inst.x[c]),
            lon=float(inst.y[c]),
            service_s=math.ceil(inst.service[c] * SCALE),
            doses=int(inst.demand[c]),
            priority=priority(c),
            needs_doctor=False,
            earliest_day=0,
            window_start_s=math.ceil(inst.ready[c] * SCALE),
            window_end_s=math.floor(inst.due[c] * SCALE),
        )
        for c in range(1, inst.customers + 1)
    )
    return ProblemData(
        dt.date(2000, 1, 1),
        1,
        teams,
        stops,
        residents={},
        priorities={},
        excluded={},
        pre_unassigned={},
    )


@dataclass
class BenchResult:
    instance: str
    routes: list[list[int]]
    seconds: float
    check: RouteCheck

    def json(self) -> dict[str, Any]:
        return {
            "instance": self.instance,
            "vehicles": self.check.vehicles,
            "distance": round(self.check.distance, 4),
            "seconds": round(self.seconds, 2),
            "feasible": self.check.feasible,
            "routes": self.routes,
        }


def solve_instance(
    inst: Instance, time_limit_s: float, seed: int = 0, workers: int = 2
) -> BenchResult:
    """Solve with ``workers`` portfolio processes (the product's default: 2) and check."""
    data = to_problem(inst)
    params = SolverParams(
        time_limit_s=time_limit_s,
        seed=seed,
        day_delay_cost=0,
        vehicle_fixed_cost=VEHICLE_COST,
        split_stops=0,
        workers=workers,
    )
    began = time.perf_counter()
    result = solve(data, EuclideanTravel(), params)
    spent = time.perf_counter() - began
    routes = [
        [int(data.stops[v.stop_index].stop_id) for v in r.visits] for r in result.routes if r.visits
    ]
    return BenchResult(inst.name, routes, spent, check_routes(inst, routes))
