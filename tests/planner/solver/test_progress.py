"""The solver's progress: residents planned and priority-weighted coverage of the best plan so
far (planner/solver/progress.py), read from the search without changing it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

import pytest

from planner.build import build_problem
from planner.model import Resident
from planner.settings import Settings
from planner.solver import Progress, solve
from planner.solver.runs import GLS, run, search_parameters
from planner.travel import StraightLineTravel
from tests.helpers import DEPOT, START, around, resident, team
from tests.planner.solver.crafted import context, problem, stop
from tests.planner.solver.crafted import team as crafted_team


def _limited(solutions: int) -> Any:
    """GLS that stops after ``solutions`` solutions, never by the clock: deterministic."""
    search = search_parameters(600, GLS)
    search.solution_limit = solutions
    return search


def test_reading_whom_each_solution_serves_changes_nothing() -> None:
    # more visits than one shift holds: the search drops some and swaps others in
    stops = [stop(f"s{k}", (k % 9) - 4, k // 9, service_min=40) for k in range(27)]
    data = problem([crafted_team("A"), crafted_team("B", station_x=3)], stops)
    plain = run(context(data), _limited(80))
    seen: list[list[int]] = []

    def listen(cost: int, served: Callable[[], Iterable[int]]) -> None:
        seen.append(list(served()))  # every solution read: the worst case for the search

    read = run(replace(context(data), on_solution=listen), _limited(80))
    assert plain is not None and read is not None
    assert read.routes == plain.routes and read.solutions == plain.solutions == len(seen)
    # the plan returned (the best) is one of the solutions read; they differ as the search
    # goes, and each leaves someone out
    readings = {tuple(sorted(x)) for x in seen}
    assert tuple(sorted(s for r in read.routes for s in r)) in readings and len(readings) > 1
    assert all(0 < len(x) < len(stops) for x in readings)


def _town(n: int) -> list[Resident]:
    """``n`` residents on rings around the station, older ones further out, some with
    conditions: priorities differ, and one team's day cannot hold them all."""
    return [
        resident(
            f"R{k:03d}",
            around(k, n, 400 + 60 * (k % 25)),
            age=60 + k % 40,
            conditions=("diabetes",) if k % 3 == 0 else (),
            household_id=f"H{k}",
        )
        for k in range(n)
    ]


@pytest.mark.parametrize("split_stops", [0, 50])
def test_a_solve_reports_the_best_plan_so_far_and_ends_with_its_own(split_stops: int) -> None:
    people = _town(120)
    teams = [team("T1"), team("T2", (DEPOT[0] + 0.03, DEPOT[1] + 0.02))]
    settings = Settings().with_solver(time_limit_s=3, workers=1, split_stops=split_stops)
    data = build_problem(people, teams, START, 1, settings)
    reports: list[Progress] = []
    result = solve(
        data,
        StraightLineTravel.from_params(settings.travel),
        settings.solver,
        reports.append,
        vials=settings.vials,
    )
    served = [
        rid
        for r in result.routes
        for v in r.visits
        for rid in data.stops[v.stop_index].resident_ids
    ]
    assert 0 < len(served) < len(people)  # not everyone fits: coverage is below 1
    last = reports[-1]
    eligible = sum(data.priorities.values())
    assert last.planned == len(served)
    assert last.coverage == pytest.approx(sum(data.priorities[r] for r in served) / eligible)
    assert last.time_limit_s == 3 and last.solutions == len(reports) - 1
    # before the end: the first solution was read, and the best so far never goes down
    assert reports[0].planned > 0 and reports[0].coverage > 0
    coverages = [p.coverage for p in reports[:-1]]
    assert coverages == sorted(coverages)
    assert coverages[-1] == pytest.approx(last.coverage, abs=0.05)
    elapsed = [p.elapsed_s for p in reports]
    assert elapsed == sorted(elapsed) and elapsed[-1] < 3 * 1.5 + 10
