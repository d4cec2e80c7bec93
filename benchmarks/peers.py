"""Peer solvers for the Solomon runner: PyVRP and VROOM (pyvroom). Dev extras, never runtime.

Both get the same integer data as VaxRoute's engine: times and distances x1000, each edge
rounded up; the routes they return are re-checked by the same independent checker and their
distance recomputed in double precision.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np

from benchmarks.engine import SCALE, VEHICLE_COST
from benchmarks.solomon import Instance


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
