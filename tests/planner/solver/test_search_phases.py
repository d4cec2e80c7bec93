"""Route elimination, vehicles-first search and the multi-process portfolio, on the real model."""

from __future__ import annotations

import gc
import os
import signal
import subprocess
import sys
import time
import weakref
from pathlib import Path

import numpy as np
import pytest

from benchmarks.engine import VEHICLE_COST, EuclideanTravel, to_problem
from benchmarks.solomon import Instance, check_routes
from planner.settings import SolverParams
from planner.solver import solve
from planner.solver.coverage import coverage_rounds
from planner.solver.portfolio import SharedMatrices
from planner.solver.runs import DESCENT, insertion_parameters, run, search_parameters
from planner.solver.vehicles_first import fewer_vehicles
from tests.helpers import line_instance
from tests.planner.solver.crafted import context

TRAVEL = EuclideanTravel()


def stop_numbers(data, routes):  # type: ignore[no-untyped-def]
    return [[int(data.stops[s].stop_id) for s in r] for r in routes if r]


def test_route_elimination_empties_routes_until_one_vehicle_serves_everyone() -> None:
    inst = line_instance()
    data = to_problem(inst)
    params = SolverParams(
        time_limit_s=5, day_delay_cost=0, vehicle_fixed_cost=VEHICLE_COST, workers=1
    )
    stops = list(range(len(data.stops)))
    # a deliberately wasteful start: three vehicles, two customers each
    warm = [[0, 1], [2, 3], [4, 5], []]
    as_given = search_parameters(1, DESCENT)
    as_given.solution_limit = 1  # the warm start itself, not improved
    ctx = context(data, params, TRAVEL, stops)
    start = run(ctx, as_given, warm=warm)
    assert start is not None and len(start.used) == 3
    best, removed = fewer_vehicles(ctx, start, time.time() + 5, slice_s=1.0)
    assert (len(best.used), removed) == (1, 2)
    check = check_routes(inst, stop_numbers(data, best.routes))
    assert check.feasible and check.vehicles == 1
    # the try ends at the first plan serving everyone: travel is the next phase's job
    assert check.distance >= 12.0 - 1e-9


def test_route_elimination_keeps_the_fleet_when_a_route_cannot_go() -> None:
    # two customers whose windows overlap in time but lie 20 apart: two vehicles are needed
    x = np.array([0.0, 10.0, -10.0])
    inst = Instance(
        "TWO",
        3,
        100,
        x,
        np.zeros(3),
        np.array([0, 1, 1.0]),
        np.zeros(3),
        np.array([100.0, 11.0, 11.0]),
        np.zeros(3),
    )
    data = to_problem(inst)
    params = SolverParams(
        time_limit_s=3, day_delay_cost=0, vehicle_fixed_cost=VEHICLE_COST, workers=1
    )
    ctx = context(data, params, TRAVEL)
    start = run(ctx, search_parameters(0.5, DESCENT))
    assert start is not None and len(start.used) == 2
    best, removed = fewer_vehicles(ctx, start, time.time() + 2, slice_s=0.5)
    assert (len(best.used), removed) == (2, 0)
    assert best.dropped_penalty(data, [0, 1]) == 0


def test_an_insertion_descent_puts_in_a_resident_who_fits_and_moves_nobody_else() -> None:
    inst = line_instance(customers=4, vehicles=2)
    data = to_problem(inst)
    params = SolverParams(time_limit_s=2, day_delay_cost=0, workers=1)
    # customer 4 left out although the route has room; the order 3, 1, 2 is a poor one
    warm = [[2, 0, 1], []]
    out = run(context(data, params, TRAVEL), insertion_parameters(1), warm=warm)
    assert out is not None
    route = [r for r in out.routes if r]
    assert len(route) == 1 and sorted(route[0]) == [0, 1, 2, 3]
    # only insertions ran: the poor order of the others is left as it was
    assert [s for s in route[0] if s != 3] == [2, 0, 1]


def test_coverage_rounds_serve_everyone_and_end_by_their_deadline() -> None:
    inst = line_instance(customers=8, vehicles=3)
    data = to_problem(inst)
    params = SolverParams(time_limit_s=3, day_delay_cost=0, workers=1)
    began = time.time()
    out, solutions = coverage_rounds(context(data, params, TRAVEL), began + 1.5, 0.1)
    assert out is not None and solutions >= 1
    assert time.time() - began < 1.5 + 1.0
    check = check_routes(inst, stop_numbers(data, out.routes))
    assert check.feasible, check.violations  # every customer served, once, on time


def test_a_finished_search_frees_its_model() -> None:
    # the solution callback once kept every model alive (~50 MB each on 1,000 residents)
    data = to_problem(line_instance())
    params = SolverParams(time_limit_s=1, day_delay_cost=0, workers=1)
    out = run(context(data, params, TRAVEL), search_parameters(0.2))
    assert out is not None
    model = weakref.ref(out.problem)
    del out
    gc.collect()
    assert model() is None


def test_vehicles_first_solve_reports_exact_objective_and_minimum_fleet() -> None:
    inst = line_instance(customers=8, vehicles=5)
    data = to_problem(inst)
    params = SolverParams(
        time_limit_s=3, day_delay_cost=0, vehicle_fixed_cost=VEHICLE_COST, workers=1
    )
    result = solve(data, TRAVEL, params)
    used = [r for r in result.routes if r.visits]
    assert len(used) == 1 and not result.unserved
    # objective on the original costs: one vehicle's fixed cost plus its scaled travel
    assert result.objective == VEHICLE_COST + 16 * 1000


def test_shared_matrices_match_the_model_on_any_point_order() -> None:
    inst = line_instance()
    data = to_problem(inst)
    shared = SharedMatrices.of(data, TRAVEL)
    order = [3, 0, 5, 2]
    lat = [data.stops[s].lat for s in order]
    lon = [data.stops[s].lon for s in order]
    direct = TRAVEL.matrix(lat, lon, "motorbike")
    looked_up = shared.matrix(lat, lon, "motorbike")
    assert np.array_equal(direct.seconds, looked_up.seconds)
    assert np.array_equal(direct.metres, looked_up.metres)


@pytest.mark.slow
def test_portfolio_of_two_processes_returns_a_checked_plan() -> None:
    inst = line_instance(customers=10, vehicles=4)
    data = to_problem(inst)
    params = SolverParams(
        time_limit_s=4, day_delay_cost=0, vehicle_fixed_cost=VEHICLE_COST, workers=2
    )
    began = time.monotonic()
    result = solve(data, TRAVEL, params)
    assert time.monotonic() - began < params.guard_s
    assert result.stats["workers"] == 2 and result.stats["best_worker"] in (0, 1)
    routes = [[int(data.stops[v.stop_index].stop_id) for v in r.visits] for r in result.routes]
    check = check_routes(inst, routes)
    assert check.feasible, check.violations


ORPHAN_PARENT = """
from benchmarks.engine import VEHICLE_COST, EuclideanTravel, to_problem
from planner.settings import SolverParams
from planner.solver import solve
from tests.helpers import line_instance

if __name__ == "__main__":
    data = to_problem(line_instance(customers=30, vehicles=8))
    solve(data, EuclideanTravel(), SolverParams(time_limit_s=120, guard_factor=2,
                                               day_delay_cost=0, workers=2))
"""


def _children(pid: int) -> list[int]:
    out: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        out += [int(c) for c in (task / "children").read_text().split()]
    return out


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="SKIPPED LOUDLY: needs /proc")
def test_portfolio_worker_exits_when_its_parent_is_killed(tmp_path: Path) -> None:
    script = tmp_path / "parent.py"
    script.write_text(ORPHAN_PARENT, encoding="utf-8")
    root = Path(__file__).resolve().parents[3]
    parent = subprocess.Popen(
        [sys.executable, str(script)], cwd=root, env={**os.environ, "PYTHONPATH": str(root)}
    )
    try:
        workers: list[int] = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not workers:  # the spawned search worker
            workers = [
                c
                for c in _children(parent.pid)
                if "spawn_main" in Path(f"/proc/{c}/cmdline").read_text()
            ]
            time.sleep(0.2)
        assert workers, "no portfolio worker started"
        time.sleep(1.0)  # let the worker start its search
    finally:
        parent.kill()
        parent.wait(timeout=30)
    gone = time.monotonic() + 10
    while time.monotonic() < gone and any(Path(f"/proc/{w}").exists() for w in workers):
        time.sleep(0.2)
    alive = [
        w
        for w in workers
        if Path(f"/proc/{w}").exists() and Path(f"/proc/{w}/stat").read_text().split()[2] != "Z"
    ]
    for w in alive:
        os.kill(w, signal.SIGKILL)
    assert not alive, "portfolio worker outlived its killed parent"
