"""The portfolio's second worker: it serves everyone when savings builds nothing, and one pool
of search processes serves every area of a solve."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.engine import VEHICLE_COST, EuclideanTravel, to_problem
from benchmarks.solomon import check_routes, read_solomon
from planner.settings import Settings, SolverParams, VialParams
from planner.solver import portfolio as pf
from planner.solver.runs import SAVINGS
from planner.solver.vehicles_first import _first_solution
from tests.helpers import plan_and_check
from tests.planner.solver.crafted import context
from tests.planner.solver.test_cluster_sectors import _one_station

GH = Path(__file__).resolve().parents[3] / "benchmarks" / "instances" / "gh"


def test_a_start_by_savings_that_serves_nobody_is_built_again_by_insertion() -> None:
    """On Gehring-Homberger R2_2_1 (200 customers, long routes) OR-Tools' savings start served
    nobody, and the worker whose strategy starts from savings returned an empty plan a second
    into a 10 s budget: the portfolio's second core did nothing. The first solution now falls
    back to cheapest insertion, and everyone is served from the start."""
    inst = read_solomon(GH / "R2_2_1.txt")
    data = to_problem(inst)
    params = SolverParams(
        time_limit_s=10, day_delay_cost=0, vehicle_fixed_cost=VEHICLE_COST, workers=1
    )
    first = _first_solution(context(data, params, EuclideanTravel(), seconds=10), SAVINGS, 2, 1)
    assert first is not None
    routes = [[int(data.stops[s].stop_id) for s in r] for r in first.routes if r]
    check = check_routes(inst, routes)
    assert check.feasible, check.violations[:3]
    assert 0 < check.vehicles < inst.vehicles


@pytest.mark.slow
def test_one_pool_of_search_processes_serves_every_area(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A solve cut into areas starts its second worker once, at the start, and every area's
    portfolio reuses it (each area started its own before, and lost the start-up, about 2 s,
    from its share of the budget); the plan passes the independent checker."""
    pools: list[int] = []
    real = pf._new_pool

    def counted(processes: int) -> pf.ProcessPoolExecutor:
        pools.append(processes)
        return real(processes)

    monkeypatch.setattr(pf, "_new_pool", counted)
    people, teams = _one_station(420, 4)
    settings = Settings(vials=VialParams(wastage_aware=False)).with_solver(
        split_stops=100, workers=2
    )
    plan, result = plan_and_check(people, teams, settings=settings, time_limit=8)
    assert result.stats["areas"] >= 4
    assert pools == [1]
    assert plan["summary"]["planned"] > 0
