"""Peer solvers for the Solomon runner: PyVRP and VROOM (pyvroom). Dev extras, never runtime.

Both get the same integer data as VaxRoute's engine: times and distances x1000, each edge
rounded up; the routes they return are re-checked by the same independent checker and their
distance recomputed in double precision.
"""

from __future__ import annotations

import datetime as dt
import math
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from multiprocessing import get_context
from pathlib import Path

import numpy as np

from benchmarks.engine import SCALE, VEHICLE_COST
from benchmarks.solomon import Instance, check_routes, read_solomon


def _matrix(inst: Instance) -> np.ndarray:
    d = np.hypot(inst.x[:, None] - inst.x[None, :], inst.y[:, None] - inst.y[None, :]) * SCALE
    return np.ceil(d - 1e-9).astype(np.int64)


def solve_pyvrp(inst: Instance, time_limit_s: float, seed: int = 0) -> list[list[int]]:
    import pyvrp
    from pyvrp.stop import MaxRuntime

    m = pyvrp.Model()
    locations = [
        m.add_location(x=round(float(inst.x[i]) * SCALE), y=round(float(inst.y[i]) * SCALE))
        for i in range(len(inst.x))
    ]
    depot = m.add_depot(
        locations[0],
        tw_early=math.ceil(inst.ready[0] * SCALE),
        tw_late=math.floor(inst.due[0] * SCALE),
    )
    m.add_vehicle_type(
        num_available=inst.vehicles,
        capacity=inst.capacity,
        start_depot=depot,
        end_depot=depot,
        fixed_cost=VEHICLE_COST,
        tw_early=math.ceil(inst.ready[0] * SCALE),
        tw_late=math.floor(inst.due[0] * SCALE),
    )
    for c in range(1, len(inst.x)):
        m.add_client(
            locations[c],
            delivery=int(inst.demand[c]),
            service_duration=math.ceil(inst.service[c] * SCALE),
            tw_early=math.ceil(inst.ready[c] * SCALE),
            tw_late=math.floor(inst.due[c] * SCALE),
        )
    matrix = _matrix(inst)
    for i, a in enumerate(locations):
        for j, b in enumerate(locations):
            m.add_edge(a, b, distance=int(matrix[i, j]), duration=int(matrix[i, j]))
    result = m.solve(stop=MaxRuntime(time_limit_s), seed=seed, display=False)
    # Clients were added in file order: client index k (0-based) is customer k + 1.
    return [
        [int(a.idx) + 1 for a in route.schedule() if a.is_client()]
        for route in result.best.routes()
    ]


def _pyvrp_job(path: str, vehicles: int, time_limit_s: float, seed: int) -> list[list[int]]:
    """One PyVRP seed in a spawned process (picklable arguments only)."""
    return solve_pyvrp(replace(read_solomon(path), vehicles=vehicles), time_limit_s, seed)


def solve_pyvrp_cores(
    inst: Instance, path: Path, time_limit_s: float, cores: int = 1, seed: int = 0
) -> list[list[int]]:
    """PyVRP on ``cores`` cores: one seed in this process, or seeds ``seed``.. in as many
    parallel processes, the best kept (feasible, fewer vehicles, then shorter, as checked)."""
    if cores <= 1:
        return solve_pyvrp(inst, time_limit_s, seed)
    with ProcessPoolExecutor(max_workers=cores, mp_context=get_context("spawn")) as pool:
        futures = [
            pool.submit(_pyvrp_job, str(path), inst.vehicles, time_limit_s, seed + k)
            for k in range(cores)
        ]
        answers = [f.result() for f in futures]

    def key(routes: list[list[int]]) -> tuple[bool, int, float]:
        """Better first: feasible, then fewer vehicles, then less distance."""
        c = check_routes(inst, routes)
        return (not c.feasible, c.vehicles, c.distance)

    return min(answers, key=key)


def solve_vroom(inst: Instance, time_limit_s: float, threads: int = 2) -> list[list[int]]:
    import vroom

    problem = vroom.Input()
    problem.set_durations_matrix("car", _matrix(inst))
    for k in range(inst.vehicles):
        problem.add_vehicle(
            vroom.Vehicle(
                k + 1,
                start=0,
                end=0,
                capacity=[inst.capacity],
                costs=vroom.VehicleCosts(fixed=VEHICLE_COST),  # vehicles first, as for the others
                time_window=vroom.TimeWindow(
                    math.ceil(inst.ready[0] * SCALE), math.floor(inst.due[0] * SCALE)
                ),
            )
        )
    for c in range(1, len(inst.x)):
        problem.add_job(
            vroom.Job(
                c,
                location=c,
                default_service=math.ceil(inst.service[c] * SCALE),
                delivery=vroom.Amount([int(inst.demand[c])]),
                time_windows=[
                    vroom.TimeWindow(
                        math.ceil(inst.ready[c] * SCALE), math.floor(inst.due[c] * SCALE)
                    )
                ],
            )
        )
    solution = problem.solve(
        exploration_level=5, nb_threads=threads, timeout=dt.timedelta(seconds=time_limit_s)
    )
    frame = solution.routes
    jobs = frame[frame["type"] == "job"]
    return [[int(i) for i in group["id"]] for _, group in jobs.groupby("vehicle_id", sort=True)]
