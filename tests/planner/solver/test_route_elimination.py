"""Route elimination (ruin_recreate.remove_routes: the kernel's fleet steps) on crafted
instances, each result put to the real OR-Tools model (it must take the routes as a feasible
warm start) or to the Solomon checker."""

from __future__ import annotations

import random
import time
from dataclasses import replace

import pytest

from benchmarks.engine import VEHICLE_COST, EuclideanTravel, to_problem
from benchmarks.solomon import check_routes
from planner.model import ProblemData, VehicleStart
from planner.settings import Settings, SolverParams
from planner.solver import vehicles_first
from planner.solver.routing import allowed_vehicles, build_model
from planner.solver.ruin_recreate import remove_routes
from planner.solver.runs import run
from planner.solver.view import ModelView
from tests.helpers import around, line_instance, plan_and_check, resident
from tests.helpers import team as helper_team
from tests.planner.solver.crafted import (
    MINUTE,
    PARAMS,
    as_given,
    context,
    lunch_problem,
    minutes,
    model_takes,
    problem,
    stop,
    team,
)


def eliminated(
    data: ProblemData, routes: list[list[int]], seconds: float = 1.0, params: SolverParams = PARAMS
) -> tuple[list[list[int]], int]:
    p = build_model(data, MINUTE, params, list(range(len(data.stops))))
    return remove_routes(ModelView(p, params, random.Random(0)), routes, time.time() + seconds)


def used(routes: list[list[int]]) -> int:
    return sum(1 for r in routes if r)


def test_routes_are_emptied_until_one_vehicle_serves_everyone() -> None:
    inst = line_instance()
    data = to_problem(inst)
    p = build_model(data, EuclideanTravel(), PARAMS, list(range(6)))
    routes, removed = remove_routes(
        ModelView(p, PARAMS, random.Random(0)), [[0, 1], [2, 3], [4, 5], []], time.time() + 2
    )
    assert (used(routes), removed) == (1, 2)
    check = check_routes(inst, [[s + 1 for s in r] for r in routes if r])
    assert check.feasible, check.violations


def test_a_full_route_makes_room_by_handing_a_stop_on() -> None:
    # three stops of 5 doses, two teams of 10: emptying the one-stop route puts its stop on
    # the other only if one of that route's stops moves over, which a plain insertion cannot
    stops = [stop(n, x, doses=5) for n, x in (("a", 1), ("b", 2), ("c", 3))]
    data = problem([team("T1", max_doses=10), team("T2", max_doses=10)], stops)
    routes, removed = eliminated(data, [[0, 1], [2]])
    assert (used(routes), removed) == (2, 0)  # 15 doses cannot go on one team of 10
    routes, removed = eliminated(
        problem([team("T1", max_doses=15), team("T2", max_doses=10)], stops), [[2], [0, 1]]
    )
    assert removed == 1 and sorted(next(r for r in routes if r)) == [0, 1, 2]


def test_doctors_vaccines_days_and_dose_capacity_hold() -> None:
    teams = [team("DOC", max_doses=3), team("NURSE", has_doctor=False, max_doses=3, vaccine="AZ")]
    stops = [
        stop("d1", 1, needs_doctor=True),
        stop("d2", 2, needs_doctor=True),
        stop("n1", 1, 1),
        stop("n2", 2, 1),
        stop("n3", 3, 1),
        stop("n4", 1, 2),
        stop("later", 2, 2, earliest_day=1),
        stop("astra", 3, 2, vaccine="AZ"),
    ]
    data = problem(teams, stops, days=2)
    # vehicles: 0 = DOC day 1, 1 = NURSE day 1, 2 = DOC day 2, 3 = NURSE day 2
    start = [[0, 2], [3, 7], [1, 6], [4, 5]]
    assert model_takes(data, start)
    routes, removed = eliminated(data, start)
    assert removed == 1 and used(routes) == 3  # 8 doses at 3 a vehicle
    for v, route in enumerate(routes):
        assert len(route) <= 3
        assert all(v in allowed_vehicles(data, s) for s in route), (v, route)
    assert model_takes(data, routes)


def test_a_resumed_day_sets_out_from_where_and_when_the_team_is() -> None:
    # team A resumes at 14:00 ten minutes out: the morning stops cannot go on its day
    teams = [team("A"), team("B"), team("C")]
    stops = [
        stop("early1", 1, window=(480, 600)),
        stop("early2", 2, window=(480, 600)),
        stop("late", 3, window=(850, 900)),
    ]
    starts = {(0, 0): VehicleStart(10.0, 0.0, minutes(14 * 60))}
    data = problem(teams, stops, starts=starts)
    start = [[2], [0], [1]]
    assert model_takes(data, start)
    routes, removed = eliminated(data, start)
    assert removed == 2 and used(routes) == 1
    assert not {0, 1} & set(routes[0])
    assert model_takes(data, routes)


def test_a_removal_that_leaves_no_room_for_lunch_is_not_kept() -> None:
    # "other" must start by 12:30: after "long" and lunch it would be 13:20. With the shift
    # merely shortened by the lunch hour (what insertions check) both fit.
    data = lunch_problem((745, 750))
    start = [[0], [1]]
    assert model_takes(data, start) and not model_takes(data, [[0, 1], []])
    routes, removed = eliminated(data, start, seconds=0.3)
    assert (routes, removed) == (start, 0)


def test_a_removal_with_room_for_lunch_is_kept_and_the_model_takes_it() -> None:
    data = lunch_problem((800, 900))
    routes, removed = eliminated(data, [[0], [1]])
    assert removed == 1 and used(routes) == 1
    assert model_takes(data, routes)


def test_fewest_team_days_plan_passes_the_checker_with_lunch_and_doctors() -> None:
    # 9 residents, 3 of them needing a doctor, teams carrying 5 doses a day: two team-days
    # suffice (the doctor's team takes one of them), lunch breaks on
    people = [resident(f"R{k}", around(k, 9, 800), needs_doctor=k % 3 == 0) for k in range(9)]
    teams = [helper_team("DOC", max_doses=5), helper_team("NURSE", has_doctor=False, max_doses=5)]
    settings = Settings().with_solver(vehicle_fixed_cost=50_000, workers=1, day_delay_cost=0)
    plan, _ = plan_and_check(people, teams, days=2, settings=settings, time_limit=4)
    assert not plan["unassigned"]
    assert len([r for r in plan["routes"] if r["stops"]]) == 2


def test_models_too_big_for_the_view_keep_the_or_tools_elimination(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    inst = line_instance()
    data = to_problem(inst)
    params = SolverParams(
        time_limit_s=4, day_delay_cost=0, vehicle_fixed_cost=VEHICLE_COST, workers=1
    )
    ctx = context(data, params, EuclideanTravel())
    first = run(ctx, as_given(), warm=[[0, 1], [2, 3], [4, 5], []])
    assert first is not None and len(first.used) == 3
    for limit, by_kernel in ((vehicles_first.MAX_NODES, True), (0, False)):
        monkeypatch.setattr(vehicles_first, "MAX_NODES", limit)
        view = vehicles_first.view_for(first.problem, params, 0)
        fallback, routes, removed = vehicles_first._eliminate(
            ctx, first, view, time.time() + 2, 0, 0.6
        )
        assert (used(routes), removed) == (1, 2)
        # the kernel hands back routes and keeps the first solution to fall back on; OR-Tools'
        # elimination hands back its own outcome
        assert (fallback is first) == by_kernel
        assert check_routes(inst, [[s + 1 for s in r] for r in routes if r]).feasible


def test_no_team_day_goes_while_someone_is_left_out() -> None:
    # four stops of 2 doses, two teams of 10: one team can serve them all, so a route goes;
    # add a stop nobody can take (11 doses) and the first solution leaves it out: then no
    # team-day is spare, and elimination does not start
    stops = [stop(n, x, doses=2) for n, x in (("a", 1), ("b", 2), ("c", -1), ("d", -2))]
    params = replace(PARAMS, vehicle_fixed_cost=1_000)
    for extra, expected in (([], 1), ([stop("too big", 1, doses=11)], 0)):
        data = problem([team("A", max_doses=10), team("B", max_doses=10)], stops + extra)
        everyone = list(range(len(data.stops)))
        ctx = context(data, params, stops=everyone)
        first = run(ctx, as_given(), warm=[[0, 1], [2, 3]])
        assert first is not None and first.routes == [[0, 1], [2, 3]]
        view = vehicles_first.view_for(first.problem, params, 0)
        _, routes, removed = vehicles_first._eliminate(ctx, first, view, time.time() + 1, 0, 0.5)
        assert removed == expected and used(routes) == 2 - expected
