"""Breaks put back into routes searched without them (planner/solver/breaks.py)."""

from __future__ import annotations

from planner.build import build_problem
from planner.model import Resident, Team
from planner.settings import Settings
from planner.solver.breaks import place_breaks
from planner.solver.routing import build_model
from planner.travel import StraightLineTravel
from tests.helpers import START, around, plan_and_check, resident, team

H = 3600


def morning(people: int = 5) -> tuple[list[Resident], list[Team], Settings]:
    """Five 45-minute visits 150 m from the station, a 08:00-12:30 shift and a 30-minute break
    that must start at 10:00 sharp. Without the break all five fit (3 h 45 of visits); with
    it, the visit running across 10:00 forces a wait, and only four fit."""
    residents = [
        resident(f"R{k}", around(k, people, 150), household_id=f"H{k}") for k in range(people)
    ]
    teams = [
        team(
            "T1",
            shift_start_s=8 * H,
            shift_end_s=12 * H + 1800,
            break_start_s=10 * H,
            break_minutes=30,
        )
    ]
    settings = Settings().with_solver(break_slack_minutes=0)
    return residents, teams, settings


def test_a_route_that_cannot_take_its_break_loses_one_stop() -> None:
    residents, teams, settings = morning()
    data = build_problem(residents, teams, START, 1, settings)
    travel = StraightLineTravel.from_params(settings.travel)
    problem = build_model(
        data, travel, settings.solver, list(range(len(data.stops))), relax_breaks=True
    )
    assert not problem.breaks  # the relaxed model has no break intervals
    five = list(range(len(data.stops)))
    assert len(place_breaks(problem, settings.solver, [five])[0]) == 4
    assert place_breaks(problem, settings.solver, [five[:4]]) == [five[:4]]


def test_plan_from_the_relaxed_search_keeps_the_break_and_passes_the_checker() -> None:
    residents, teams, settings = morning()
    plan, _ = plan_and_check(residents, teams, settings=settings, time_limit=2)
    route = plan["routes"][0]
    assert route["break"]["start"].endswith("10:00:00+07:00")
    assert len(route["stops"]) == 4 and len(plan["unassigned"]) == 1
