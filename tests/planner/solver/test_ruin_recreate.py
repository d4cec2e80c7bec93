"""Ruin and recreate (travel on a fixed fleet) on crafted instances: the optimum where it is
known, the model's own cost, and every result put to the real OR-Tools model or the Solomon
checker."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable

import numpy as np
import pytest

from benchmarks.engine import EuclideanTravel, to_problem
from benchmarks.solomon import Instance, check_routes
from planner.settings import SolverParams
from planner.solver import sisr_kernel as kernel
from planner.solver import vehicles_first
from planner.solver.breaks import fits_break
from planner.solver.routing import allowed_vehicles, build_model
from planner.solver.ruin_recreate import RuinParams, RuinRecreate, improve_travel
from planner.solver.runs import run
from planner.solver.view import ModelView
from tests.planner.solver.crafted import (
    MINUTE,
    PARAMS,
    as_given,
    context,
    lunch_problem,
    model_takes,
    problem,
    stop,
    team,
)


def two_sides() -> Instance:
    """Three customers east of the depot and three west, two vehicles of capacity 3: the
    optimum serves each side out and back, 12 in all."""
    x = np.array([0.0, 1, 2, 3, -1, -2, -3])
    n = len(x)
    return Instance(
        "SIDES",
        2,
        3,
        x,
        np.zeros(n),
        np.r_[0, np.ones(n - 1)],
        np.zeros(n),
        np.full(n, 1000.0),
        np.zeros(n),
    )


def improved(
    data: object,
    routes: list[list[int]],
    seconds: float = 0.5,
    params: SolverParams = PARAMS,
    travel: object = MINUTE,
) -> list[list[int]]:
    p = build_model(data, travel, params, list(range(len(data.stops))))  # type: ignore
    return improve_travel(ModelView(p, params, random.Random(0)), routes, time.time() + seconds)[0]


def test_crossed_routes_become_the_known_optimum() -> None:
    inst = two_sides()
    # stops 0-2 east, 3-5 west; each route starts zig-zagging across the depot
    start = [[0, 3, 1], [4, 2, 5]]
    assert check_routes(inst, [[s + 1 for s in r] for r in start]).distance == 24
    routes = improved(to_problem(inst), start, travel=EuclideanTravel())
    check = check_routes(inst, [[s + 1 for s in r] for r in routes if r])
    assert check.feasible, check.violations
    assert check.distance == pytest.approx(12)
    assert sorted(map(sorted, routes)) == [[0, 1, 2], [3, 4, 5]]


def test_progress_hears_each_new_best_and_gls_alone_runs_where_it_should(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    inst = two_sides()
    data = to_problem(inst)
    p = build_model(data, EuclideanTravel(), PARAMS, list(range(6)))
    start = [[0, 3, 1], [4, 2, 5]]
    heard: list[int] = []
    served: list[list[int]] = []

    def listen(cost: int, reader: Callable[[], Iterable[int]]) -> None:
        heard.append(cost)
        served.append(sorted(reader()))

    pool = vehicles_first.view_for(p, PARAMS, 0)
    routes = vehicles_first._recreate(pool, start, time.time() + 0.5, listen)
    assert heard and heard == sorted(heard, reverse=True) and heard[-1] == 12_000
    assert all(s == list(range(6)) for s in served)  # ruin and recreate keeps whom it serves
    assert check_routes(inst, [[s + 1 for s in r] for r in routes]).distance == 12
    # with someone left out, GLS gets the time (it also puts residents in) ...
    left_out = [[0, 3], [4, 2, 5]]
    assert vehicles_first._recreate(pool, left_out, time.time() + 0.5, None) is left_out
    # ... and above the pool's size limit, too
    monkeypatch.setattr(vehicles_first, "MAX_NODES", 0)
    pool = vehicles_first.view_for(p, PARAMS, 0)
    assert vehicles_first._recreate(pool, start, time.time() + 0.5, None) is start


def test_its_cost_is_the_models_objective_with_a_later_days_delay() -> None:
    # two days: the delay cost of day 2 (600 s per priority unit) is part of the model's arc
    # cost, so ruin and recreate must count it too
    params = SolverParams(time_limit_s=2, day_delay_cost=600, workers=1)
    data = problem(
        [team("A"), team("B")],
        [stop(n, x, priority=2.0) for n, x in (("a", 1), ("b", 2), ("c", -1), ("d", -2))],
        days=2,
    )
    routes = [[0, 1], [], [2], [3]]  # vehicles: A day 1, B day 1, A day 2, B day 2
    out = run(context(data, params), as_given(), warm=routes)
    assert out is not None and out.routes == routes
    pool = ModelView(out.problem, params, random.Random(0))
    search = RuinRecreate(pool, pool.to_routes(routes), RuinParams())
    assert search.current_cost == out.solution.ObjectiveValue()
    # and it moves the day-2 stops to day 1, where they cost no delay
    better = improve_travel(pool, routes, time.time() + 0.5)[0]
    assert not better[2] and not better[3]
    assert model_takes(data, better)


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
    start = [[0, 3], [7, 2], [1, 6], [4, 5]]  # crossed, on time, 3 doses at most per vehicle
    assert model_takes(data, start)
    routes = improved(data, start)
    assert sorted(s for r in routes for s in r) == list(range(8))
    for v, route in enumerate(routes):
        assert len(route) <= 3
        assert all(v in allowed_vehicles(data, s) for s in route), (v, route)
    assert model_takes(data, routes)


def test_no_vehicle_is_added_to_the_fleet_it_starts_from() -> None:
    # team C's station is right at stop "c": its day would be the shortest way to serve it,
    # but C is not in the fleet the search starts from, so it stays home
    data = problem(
        [team("A"), team("B"), team("C", station_x=10)],
        [stop(n, x) for n, x in (("a", 1), ("b", -1), ("c", 10))],
    )
    routes = improved(data, [[0, 2], [1], []])
    assert routes[2] == []
    assert sorted(s for r in routes for s in r) == [0, 1, 2]
    assert model_takes(data, routes)


def test_a_merge_that_leaves_no_room_for_lunch_is_not_kept() -> None:
    # one route serving both stops is shorter, and fits the shift shortened by lunch, but
    # the lunch hour itself no longer fits (see test_route_elimination)
    data = lunch_problem((745, 750))
    assert improved(data, [[0], [1]]) == [[0], [1]]


def test_a_merge_with_room_for_lunch_is_kept() -> None:
    data = lunch_problem((800, 900))
    routes = improved(data, [[0], [1]])
    assert sorted(len(r) for r in routes) == [0, 2]
    assert model_takes(data, routes)


@pytest.mark.parametrize(
    "field, value",
    [
        ("mean_removed", 0),
        ("split_rate", 1.5),
        ("blink_rate", 1.0),
        ("end_temperature", 10.0),
        ("neighbours", 0),
        ("absent_cost", -1.0),
    ],
)
def test_params_check_themselves(field: str, value: float) -> None:
    with pytest.raises(ValueError):
        RuinParams(**{field: value})


def on_time_in_the_shortened_shift(data: object, p: object, route: list[int]) -> bool:
    """The test's own reading of "on time" for vehicle 0: every stop within its window, the
    team back by the end of its shift less its lunch hour."""
    team, seconds = data.teams[0], p.matrices["motorbike"].seconds  # type: ignore
    node_of, prev = p.layout.node_of_stop, 0  # type: ignore
    t, service = team.shift_start_s, 0
    for s in route:
        st = data.stops[s]  # type: ignore
        t = max(t + service + int(seconds[prev, node_of[s]]), st.window_start_s or 0)
        if st.window_end_s is not None and t > st.window_end_s:
            return False
        prev, service = node_of[s], st.service_s
    return t + service + int(seconds[prev, 0]) <= team.shift_end_s - team.break_s


def test_the_compiled_checks_agree_with_the_test_and_the_break_rule() -> None:
    # windows, a lunch hour and a dose cap: many random orders of random stops, each judged
    # by the compiled kernel, by the test's own reading and by breaks.fits_break
    rng = random.Random(3)
    teams = [
        team("A", break_start_s=11 * 3600, break_minutes=60, max_doses=6, shift_end_s=14 * 3600)
    ]

    def window() -> tuple[int, int] | None:
        # short windows around lunch: an order can fit the shortened shift, yet not the hour
        start = rng.randrange(540, 780, 15)
        return (start, start + rng.choice([30, 45, 60])) if rng.random() < 0.8 else None

    stops = [
        stop(
            f"s{i}",
            rng.uniform(-20, 20),
            rng.uniform(-20, 20),
            window=window(),
            service_min=rng.choice([10, 20, 40]),
        )
        for i in range(9)
    ]
    data = problem(teams, stops)
    p = build_model(data, MINUTE, PARAMS, list(range(len(stops))))
    pool = ModelView(p, PARAMS, random.Random(0))
    search = RuinRecreate(pool, pool.to_routes([list(range(len(stops)))]), RuinParams())
    s, model = search.state, search.model
    node_of = p.layout.node_of_stop
    outcomes = {"fits": 0, "late": 0, "no room for lunch": 0}
    for _ in range(1000):
        route = rng.sample(range(len(stops)), rng.randint(1, 5))
        if rng.random() < 0.7:  # in window order: more of them on time
            route.sort(key=lambda i: stops[i].window_start_s or 0)
        nodes = [node_of[i] for i in route]
        s.nodes[0, 0, : len(nodes)] = nodes
        s.length[0, 0] = len(nodes)
        kernel.refresh(s, model, 0, 0)
        on_time = on_time_in_the_shortened_shift(data, p, route)
        assert bool(s.on_time[0, 0]) == on_time, route
        fits = bool(kernel.break_fits(s, model, 0, 0))
        assert fits == fits_break(p, 0, route, pool.windows[0]), route
        outcomes["late" if not on_time else "fits" if fits else "no room for lunch"] += 1
    assert min(outcomes.values()) > 20, outcomes
    print(outcomes)  # every answer was exercised


def test_absent_stops_come_back_and_never_reach_the_best() -> None:
    # a tight instance where many steps cannot put every stop back: with absent stops
    # allowed, the routes returned still serve everyone and pass the checker
    inst = two_sides()
    data = to_problem(inst)
    p = build_model(data, EuclideanTravel(), PARAMS, list(range(6)))
    pool = ModelView(p, PARAMS, random.Random(1))
    for cost in (0.0, 0.5, 10.0):
        routes, steps, _ = improve_travel(
            pool, [[0, 3, 1], [4, 2, 5]], time.time() + 0.3, RuinParams(absent_cost=cost)
        )
        assert steps > 100
        assert sorted(s for r in routes for s in r) == list(range(6))
        check = check_routes(inst, [[s + 1 for s in r] for r in routes if r])
        assert check.feasible and check.distance == pytest.approx(12)
