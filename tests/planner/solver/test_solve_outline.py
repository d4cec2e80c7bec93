"""The solver's outline: how a solve ends (Result.status), the portfolio's strategies, the
vehicles' numbering and the kernel's array bundles."""

from __future__ import annotations

import dataclasses

import pytest

from benchmarks.engine import EuclideanTravel, to_problem
from planner.errors import InternalError
from planner.settings import SolverParams
from planner.solver import Result, Status, entry, solve, vehicle_index
from planner.solver import sisr_kernel as kernel
from planner.solver.decompose import split
from planner.solver.portfolio import worker_strategy
from planner.solver.routing import build_model, day_and_team
from planner.solver.runs import CHEAPEST_INSERTION, SAVINGS
from planner.solver.sisr_arrays import Routes
from tests.helpers import line_instance
from tests.planner.solver.crafted import MINUTE, PARAMS, problem, stop, team

TRAVEL = EuclideanTravel()


def test_a_plan_is_feasible_and_frozen() -> None:
    data = to_problem(line_instance(customers=4, vehicles=2))
    result = solve(data, TRAVEL, SolverParams(time_limit_s=1, day_delay_cost=0, workers=1))
    assert result.status is Status.FEASIBLE and result.is_feasible()
    assert not result.stopped_by_guard and result.summary().startswith("feasible: 4 stops")
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.objective = 0  # type: ignore[misc]


@pytest.mark.parametrize("split_stops", [0, 50])
def test_no_solution_is_a_status_and_solve_raises(
    monkeypatch: pytest.MonkeyPatch, split_stops: int
) -> None:
    # the search finding nothing (a guard firing before the first solution) is NO_SOLUTION,
    # for the whole horizon and for an area of it; solve() turns it into an InternalError
    stops = [stop(f"s{k}", k % 7 - 3, k // 7) for k in range(60)]
    data = problem([team("A"), team("B", station_x=30)], stops)
    assert len(split(data, list(range(60)), 50)) == 2  # split_stops=50: two areas
    monkeypatch.setattr(entry, "portfolio", lambda ctx: (None, 1))
    params = SolverParams(time_limit_s=1, day_delay_cost=0, workers=1, split_stops=split_stops)
    request = entry._Request(data, MINUTE, params)
    result = entry._solve_horizon(request)
    assert result.status is Status.NO_SOLUTION and not result.is_feasible()
    assert result.routes == () and isinstance(result, Result)
    with pytest.raises(InternalError, match="no solution"):
        solve(data, MINUTE, params)


def test_workers_take_the_strategies_in_turn() -> None:
    # even workers: cheapest insertion and coverage rounds; odd ones: savings, a bandit, one
    # long GLS; the GLS weights cycle through four values
    lambdas = [worker_strategy(k).lambda_coefficient for k in range(8)]
    assert lambdas == [0.1, 0.2, 0.05, 0.15] * 2
    for k in range(8):
        s = worker_strategy(k)
        odd = k % 2 == 1
        assert s.worker == k and s.order_seed(SolverParams(seed=5)) == 5 + k
        assert (s.first_solution, s.bandit, s.coverage_rounds) == (
            (SAVINGS, True, False) if odd else (CHEAPEST_INSERTION, False, True)
        )


def test_vehicle_index_is_the_models_numbering() -> None:
    data = problem([team("A"), team("B"), team("C")], [stop("s", 1)], days=3)
    p = build_model(data, MINUTE, PARAMS, [0])
    for day in range(3):
        for t in range(3):
            v = vehicle_index(day, t, 3)
            assert p.vehicles[v] == (t, day) and day_and_team(v, 3) == (day, t)


def test_the_kernels_bundles_must_be_named_in_their_order() -> None:
    # a field order changed in sisr_arrays.py alone would load kernels compiled for the old one
    fields = dict.fromkeys(Routes._fields, kernel._V)
    assert kernel._named(Routes, **fields) is not None
    swapped = dict(reversed(list(fields.items())))
    with pytest.raises(AssertionError):
        kernel._named(Routes, **swapped)
