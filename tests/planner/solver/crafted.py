"""Crafted routing problems shared by the route-elimination and ruin-and-recreate tests: a
unit of x/y is one minute of travel, times are minutes after midnight."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence

from ortools.constraint_solver import pywrapcp

from benchmarks.engine import EuclideanTravel
from planner.model import ProblemData, Stop, Team, VehicleStart
from planner.settings import SolverParams
from planner.solver.context import SearchContext
from planner.solver.runs import DESCENT, run, search_parameters
from planner.travel import TravelModel

MINUTE = EuclideanTravel(scale=60)  # one unit of x/y is one minute of travel
PARAMS = SolverParams(time_limit_s=2, day_delay_cost=0, workers=1)


def minutes(m: float) -> int:
    return int(m * 60)


def stop(
    name: str,
    x: float,
    y: float = 0.0,
    window: tuple[int, int] | None = None,
    service_min: int = 10,
    **kw: object,
) -> Stop:
    fields: dict[str, object] = dict(
        stop_id=name,
        resident_ids=(name,),
        lat=x,
        lon=y,
        service_s=minutes(service_min),
        doses=1,
        priority=1.0,
        needs_doctor=False,
        earliest_day=0,
        window_start_s=minutes(window[0]) if window else None,
        window_end_s=minutes(window[1]) if window else None,
    )
    fields.update(kw)
    return Stop(**fields)  # type: ignore[arg-type]


def team(name: str, station_x: float = 0.0, **kw: object) -> Team:
    fields: dict[str, object] = dict(break_start_s=None, break_minutes=0)
    fields.update(kw)
    return Team(name, station_x, 0.0, **fields)  # type: ignore[arg-type]


def problem(
    teams: Sequence[Team],
    stops: Sequence[Stop],
    days: int = 1,
    starts: dict[tuple[int, int], VehicleStart] | None = None,
) -> ProblemData:
    return ProblemData(
        dt.date(2026, 11, 24),
        days,
        tuple(teams),
        tuple(stops),
        residents={},
        priorities={},
        excluded={},
        pre_unassigned={},
        starts=starts or {},
    )


def context(
    data: ProblemData,
    params: SolverParams = PARAMS,
    travel: TravelModel = MINUTE,
    stops: list[int] | None = None,
    seconds: float = 60.0,
) -> SearchContext:
    """A search over ``stops`` (default: all) ending ``seconds`` from now."""
    stops = list(range(len(data.stops))) if stops is None else stops
    return SearchContext(data, travel, params, stops, time.time() + seconds)


def as_given() -> pywrapcp.DefaultRoutingSearchParameters:
    """A search that stops at its first solution: the warm start itself, not improved."""
    search = search_parameters(1, DESCENT)
    search.solution_limit = 1
    return search


def model_takes(data: ProblemData, routes: list[list[int]]) -> bool:
    """Whether the full OR-Tools model (break intervals included) accepts the routes as they
    are: read as a warm start, a one-solution search keeps every stop where it was."""
    out = run(context(data), as_given(), warm=routes)
    return out is not None and out.restored and out.routes == routes


def lunch_problem(second_window: tuple[int, int]) -> ProblemData:
    """Two stops, each on its own route; lunch (60 min) starts between 11:30 and 12:30.
    The first stop takes 11:30-12:20, so a route serving both has its lunch after it."""
    teams = [team(n, break_start_s=minutes(690), break_minutes=60) for n in ("A", "B")]
    stops = [
        stop("long", 5, window=(690, 700), service_min=50),
        stop("other", 5, 1, window=second_window),
    ]
    return problem(teams, stops)
