"""The compiled coverage search (coverage_search.py, coverage_kernel.py) on crafted instances
whose best answer is known; every result put to the real OR-Tools model."""

from __future__ import annotations

import random
import time
from dataclasses import replace

import pytest

from planner.settings import SolverParams
from planner.solver import coverage, solve
from planner.solver import coverage_kernel as ck
from planner.solver.breaks import fits_break
from planner.solver.coverage_search import CoverSearch, cover
from planner.solver.routing import build_model, vehicle_index
from planner.solver.runs import run
from planner.solver.view import ModelView
from tests.planner.solver.crafted import (
    MINUTE,
    PARAMS,
    as_given,
    context,
    minutes,
    model_takes,
    problem,
    stop,
    team,
)

#: a one-hour shift, 08:00-09:00
HOUR = dict(shift_start_s=minutes(480), shift_end_s=minutes(540))


def view_of(data: object, params: SolverParams = PARAMS, seed: int = 0) -> ModelView:
    """The kernel's view of the whole model."""
    p = build_model(data, MINUTE, params, list(range(len(data.stops))))  # type: ignore
    return ModelView(p, params, random.Random(seed))


def searched(
    data: object, start: list[list[int]] | None, seconds: float = 0.5, **kw: object
) -> CoverSearch:
    search = CoverSearch(view_of(data, **kw), start)  # type: ignore[arg-type]
    search.run(time.time() + seconds)
    return search


def test_the_far_high_priority_resident_beats_two_near_low_ones() -> None:
    # a one-hour day: both near stops (5 min away, 20 min each) fit, or the far one (20 min
    # away, 20 min) alone; priority 5 beats 1 + 1. The search starts from the near pair.
    data = problem(
        [team("A", **HOUR)],
        [
            stop("near1", 5, service_min=20, priority=1.0),
            stop("near2", 5, 1, service_min=20, priority=1.0),
            stop("far", -20, service_min=20, priority=5.0),
        ],
    )
    assert model_takes(data, [[0, 1]])
    search = searched(data, [[0, 1]])
    assert search.best_routes() == [[2]]
    assert model_takes(data, [[2]])
    # from nothing, the greedy start takes the far one at once
    assert CoverSearch(view_of(data), None).best_routes() == [[2]]


def test_a_swap_that_pays_only_when_the_lower_priority_stop_leaves() -> None:
    # either stop fills the hour (10 min away, 30 min service); the higher one is absent at
    # the start and fits nowhere until the lower one leaves
    data = problem(
        [team("A", **HOUR)],
        [
            stop("low", 10, service_min=30, priority=1.0),
            stop("high", -10, service_min=30, priority=3.0),
        ],
    )
    search = CoverSearch(view_of(data), [[0]])
    assert search.best_routes() == [[0]]  # the greedy start cannot put "high" in
    search.run(time.time() + 0.5)
    assert search.best_routes() == [[1]]
    assert model_takes(data, [[1]])


def test_its_cost_is_the_models_objective_with_stops_left_out() -> None:
    # two days, a delay cost for the second, more stops than the days hold: the kernel's best
    # cost is OR-Tools' objective of the same routes (penalties of the absent stops included)
    params = SolverParams(time_limit_s=2, day_delay_cost=600, workers=1)
    stops = [
        stop(f"s{i}", (-1) ** i * (3 + i), i % 3, service_min=15, priority=1 + i % 4)
        for i in range(10)
    ]
    data = problem([team("A", **HOUR), team("B", **HOUR)], stops, days=2)
    search = searched(data, None, params=params)
    routes = search.best_routes()
    served = sum(len(r) for r in routes)
    assert 0 < served < len(stops)
    out = run(context(data, params), as_given(), warm=routes)
    assert out is not None and out.restored and out.routes == routes
    assert out.solution.ObjectiveValue() == search.best_cost


def test_lunch_is_kept_exactly_on_every_accepted_step() -> None:
    # stops with windows around a 60-minute lunch (11:30-12:30 start): after every single step,
    # every current route admits its lunch by breaks.fits_break's own rule
    rng = random.Random(5)
    teams = [
        team(n, break_start_s=minutes(690), break_minutes=60, shift_end_s=minutes(840))
        for n in ("A", "B")
    ]
    stops = []
    for i in range(16):
        start = rng.randrange(600, 780, 15)
        stops.append(
            stop(
                f"s{i}",
                rng.uniform(-15, 15),
                rng.uniform(-15, 15),
                window=(start, start + 45),
                service_min=rng.choice([15, 30]),
                priority=rng.choice([1.0, 2.0, 4.0]),
            )
        )
    data = problem(teams, stops)
    view = view_of(data)
    search = CoverSearch(view, None)
    s, p = search.state, view.p
    stop_of = p.layout.stop_of_node
    accepted = filled = search.accepted
    for _ in range(3000):
        ck.cover_steps(s, search.model, search.penalty, search.mark, 1, 3600.0, 3600.0)
        if search.accepted == accepted:
            continue
        accepted = search.accepted
        for r in range(len(p.vehicles)):
            route = [stop_of[int(x)] for x in s.nodes[0, r, : s.length[0, r]]]
            assert fits_break(p, r, route, view.windows[r]), route
    assert search.accepted - filled > 20  # steps were accepted, each checked above
    assert model_takes(data, search.best_routes())


def test_a_stop_moves_to_the_later_day_it_is_due_on() -> None:
    # one team, two days: "later" is due from day 2 only, "now" goes on day 1 (day 2 costs a
    # delay); started with both on day 2, the search moves "now" to day 1 and keeps "later"
    params = SolverParams(time_limit_s=2, day_delay_cost=600, workers=1)
    data = problem(
        [team("A", **HOUR)],
        [stop("now", 5, service_min=10), stop("later", -5, service_min=10, earliest_day=1)],
        days=2,
    )
    routes, steps, _ = cover(view_of(data, params), time.time() + 0.3, start=[[], [0, 1]])
    assert steps > 10
    assert routes == [[0], [1]]
    assert model_takes(data, routes)


def test_doctors_vaccines_and_dose_capacity_hold() -> None:
    teams = [
        team("DOC", max_doses=2, **HOUR),
        team("NURSE", has_doctor=False, max_doses=2, vaccine="AZ", **HOUR),
    ]
    stops = [
        stop("d1", 1, needs_doctor=True, priority=3.0),
        stop("d2", 2, needs_doctor=True, priority=3.0),
        stop("d3", 1, 1, needs_doctor=True, priority=3.0),
        stop("astra", 2, 1, vaccine="AZ"),
        stop("n1", 1, 2),
        stop("n2", 2, 2),
    ]
    data = problem(teams, stops)
    routes = searched(data, None, 0.3).best_routes()
    doc, nurse = routes
    assert len(doc) == 2 and all(stops[s].needs_doctor for s in doc)  # doctors' stops first
    assert len(nurse) == 2 and 3 in nurse and not any(stops[s].needs_doctor for s in nurse)
    assert model_takes(data, routes)


def test_the_plain_search_runs_the_kernel_and_its_plan_fits_the_model(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the product's solve on a day too short for everyone: the kernel's phase runs (counted
    # around the real function), and the plan is one the full model takes as it is
    calls: list[int] = []

    class Counted(CoverSearch):
        def run(self, *args: object, **kw: object) -> None:
            calls.append(1)
            super().run(*args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(coverage, "CoverSearch", Counted)
    rng = random.Random(2)
    stops = [
        stop(f"s{i}", rng.uniform(-30, 30), rng.uniform(-30, 30), service_min=20, priority=p)
        for i, p in enumerate([1.0, 5.0] * 10)
    ]
    data = problem([team("A", **HOUR), team("B", **HOUR)], stops)
    result = solve(data, MINUTE, SolverParams(time_limit_s=2, day_delay_cost=0, workers=1))
    assert calls == [1]
    routes: list[list[int]] = [[], []]
    for r in result.routes:
        routes[vehicle_index(r.day, r.team_index, 2)] = [v.stop_index for v in r.visits]
    served = [s for r in routes for s in r]
    assert 0 < len(served) < len(stops)
    # with room for some only, the priority-5 stops come first
    assert sum(stops[s].priority == 5.0 for s in served) >= sum(
        stops[s].priority == 1.0 for s in served
    )
    assert model_takes(data, routes)


def test_limits_per_team_day_hold_in_the_kernel() -> None:
    # max_stops: two visits a day although the hour has room for four; the two of priority 5
    # are the ones kept. max_hours: half an hour out of the station (08:00-09:00 shift), so
    # only the near stop (2 x 5 min travel + 10 min) fits, not the far one (2 x 12 + 10)
    stops = [stop(f"s{i}", 1 + i, service_min=5, priority=5.0 if i % 2 else 1.0) for i in range(6)]
    capped = problem([team("A", max_stops=2, **HOUR)], stops)
    routes = searched(capped, None, 0.3).best_routes()
    assert len(routes[0]) == 2 and all(stops[s].priority == 5.0 for s in routes[0])
    assert model_takes(capped, routes)
    short = problem(
        [team("A", max_hours=0.5, **HOUR)],
        [stop("near", 5, service_min=10), stop("far", -12, service_min=10, priority=2.0)],
    )
    routes = searched(short, None, 0.3).best_routes()
    assert routes == [[0]]  # the far one alone would take 34 minutes out of the station
    assert model_takes(short, routes)


@pytest.mark.parametrize("balance", ["hours", "stops"])
def test_its_cost_counts_the_workload_balance_as_the_model_does(balance: str) -> None:
    # balance on: the kernel's cost of routes is OR-Tools' objective of the same routes, the
    # quadratic balance cost of every team-day included: for its best routes on a short day,
    # and for uneven routes of everyone (A five stops, B and C one) where it is not zero
    params = SolverParams(
        time_limit_s=2, day_delay_cost=0, workers=1, balance=balance, balance_weight=50
    )
    crews = [team("A", **HOUR), team("B", 3, **HOUR), team("C", -3, **HOUR)]
    stops = [
        stop(f"s{i}", (-1) ** i * (2 + i % 7), i % 4, service_min=8, priority=1 + i % 3)
        for i in range(16)
    ]
    few = problem(crews, [stop(f"f{i}", 1 + i % 3, i % 2, service_min=5) for i in range(7)])
    uneven = [[0, 1, 2, 3, 4], [5], [6]]
    for data, start in ((problem(crews, stops), None), (few, uneven)):
        p = build_model(data, MINUTE, params, list(range(len(data.stops))))
        assert p.balance is not None and max(p.balance.coefs) > 0  # the model carries it
        search = searched(data, start, 0.0 if start else 0.5, params=params)
        routes = search.best_routes()
        assert start is None or routes == start  # everyone served: the start stays
        out = run(context(data, params), as_given(), warm=routes)
        assert out is not None and out.restored and out.routes == routes
        assert out.solution.ObjectiveValue() == search.best_cost
    off = run(context(few, replace(params, balance="off")), as_given(), warm=uneven)
    assert off is not None and off.solution.ObjectiveValue() < search.best_cost  # counted
