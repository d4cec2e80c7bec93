"""Balanced team-days (planner/solver/balance.py, ``solver.balance``): real solves."""

from __future__ import annotations

import pytest

from planner.build import build_problem
from planner.errors import InputError
from planner.plan import build_plan
from planner.settings import Settings, SolverParams, settings_from_mapping
from planner.solver.balance import coarsest_unit_needed, insertion_bound, smallest_penalty
from planner.solver.routing import build_model, stop_penalty
from planner.travel import StraightLineTravel
from planner.workload import workload
from tests.helpers import START, around, plan_and_check, resident, team

CLUSTER = (22.1650, 105.8340)  # 2 km north of the station


def two_teams_one_cluster(stops: int = 14) -> tuple[list, list]:
    """Two teams at one station and ``stops`` 45-minute households in a hamlet 2 km away:
    more than one 8-hour day holds, so both teams go, and any split costs the same travel
    (both ride to the hamlet and back). Without balance the search fills one team's day
    first; with it the two days come out alike."""
    residents = [
        resident(f"R{k:02d}", around(k, stops, 250, CLUSTER), household_id=f"H{k:02d}")
        for k in range(stops)
    ]
    return residents, [team("T1"), team("T2")]


def solve_with(mode: str, weight: int = 1):
    residents, teams = two_teams_one_cluster()
    settings = Settings().with_solver(balance=mode, balance_weight=weight, workers=1, seed=0)
    document, result = plan_and_check(residents, teams, settings=settings, time_limit=3)
    return document, result


def spreads(result, residents_count: int) -> tuple[int, int, int]:
    """(stops range, seconds range, stops served) over the solve's two routes."""
    assert len(result.routes) == 2, "both teams must work: one day cannot hold every visit"
    stops = [len(r.visits) for r in result.routes]
    seconds = [r.end_s - r.start_s for r in result.routes]
    return max(stops) - min(stops), max(seconds) - min(seconds), sum(stops)


@pytest.mark.parametrize("mode", ["hours", "stops"])
def test_balance_evens_out_the_two_days_without_losing_anyone(mode: str) -> None:
    _, off = solve_with("off")
    _, on = solve_with(mode)
    off_stops, off_s, off_served = spreads(off, 14)
    on_stops, on_s, on_served = spreads(on, 14)
    assert on_served == off_served == 14  # coverage not reduced
    assert off_stops >= 4  # the case is unbalanced without balance...
    assert on_stops <= 1 < off_stops  # ... and even with it
    assert on_s < off_s / 2


def test_balance_never_trades_a_resident_for_an_even_day() -> None:
    """One team, more visits than its day holds, the heaviest weight: the day is filled as
    full as without balance (balance may not leave anyone out to shorten a day)."""
    residents, _ = two_teams_one_cluster(12)
    settings = Settings().with_solver(balance="hours", balance_weight=100, workers=1)
    document, _ = plan_and_check(residents, [team("T1")], settings=settings, time_limit=3)
    plain, _ = plan_and_check(
        residents, [team("T1")], settings=Settings().with_solver(workers=1), time_limit=3
    )
    planned = sum(len(s["resident_ids"]) for r in document["routes"] for s in r["stops"])
    planned_plain = sum(len(s["resident_ids"]) for r in plain["routes"] for s in r["stops"])
    assert planned == planned_plain >= 9


def test_unit_grows_until_one_stop_stays_below_the_cheapest_penalty() -> None:
    residents, teams = two_teams_one_cluster()
    settings = Settings().with_solver(balance="hours")
    data = build_problem(residents, teams, START, 1, settings)
    travel = StraightLineTravel.from_params(settings.travel)
    p = build_model(data, travel, settings.solver, list(range(len(data.stops))))
    cheapest = min(stop_penalty(s.priority) for s in data.stops)
    assert smallest_penalty(p) == cheapest
    assert "balance_work" in p.routing.GetAllDimensionNames()
    plain = build_model(data, travel, SolverParams(), list(range(len(data.stops))))
    assert "balance_work" not in plain.routing.GetAllDimensionNames()
    # 8 hours of possible excess and a 2-hour stop: at a minute, weight 100 outweighs
    # 100,000; the unit coarsens until it does not, or balance is left out
    unit = coarsest_unit_needed(100, 8 * 3600, 2 * 3600, 100_000)
    assert unit is not None and unit > 60
    assert insertion_bound(100, 8 * 3600 / unit, -(-2 * 3600 // unit)) < 100_000
    assert coarsest_unit_needed(1, 8 * 3600, 90 * 60, 100_000) == 60
    assert coarsest_unit_needed(10**6, 8 * 3600, 2 * 3600, 100_000) is None


def test_workload_reports_the_plan_team_days() -> None:
    residents, teams = two_teams_one_cluster()
    settings = Settings().with_solver(balance="stops", workers=1, time_limit_s=3)
    data = build_problem(residents, teams, START, 1, settings)
    travel = StraightLineTravel.from_params(settings.travel)
    from planner.solver import solve

    result = solve(data, travel, settings.solver)
    plan = build_plan(data, result, travel, settings)
    load = workload(plan)
    stops = sorted(len(r.stops) for r in plan.routes)
    assert load.team_days == 2
    assert (load.stops.low, load.stops.high) == (stops[0], stops[-1])
    assert load.stops.mean == pytest.approx(7.0)
    assert load.hours.low <= load.hours.mean <= load.hours.high <= 9.0
    assert "/" in load.line()


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"balance": "even"}, "solver.balance must be one of off, hours, stops"),
        ({"balance_weight": -1}, "solver.balance_weight must be a whole number"),
        ({"balance_weight": 1.5}, "solver.balance_weight must be a whole number"),
        ({"balance_weight": 101}, "solver.balance_weight must be a whole number"),
    ],
)
def test_bad_balance_settings_are_named(values: dict, message: str) -> None:
    with pytest.raises(InputError, match=message) as err:
        settings_from_mapping({"solver": values}, "settings.toml")
    assert "settings.toml" in str(err.value)
