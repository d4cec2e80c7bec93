"""The main job, end to end: read the lists, build the problem, solve, make the plan, check it.

One pipeline (:func:`make_plan`) for a new plan and for a re-plan: a re-plan (planner/replan.py)
hands it a :class:`~planner.continuation.Continuation` (the previous routes, the stops kept
today, where each team resumes) with the residents as today's outcomes left them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from planner.build import build_problem
from planner.checker import CheckReport, check_plan
from planner.continuation import (
    Continuation,
    compose,
    locked_chains,
    open_vehicles,
    warm_start,
)
from planner.errors import InfeasibleError, InputError, InternalError
from planner.io.boundaries import load_boundaries
from planner.io.problems import InputProblem
from planner.io.residents import ResidentsRead, read_residents
from planner.io.tables import RawTable
from planner.io.teams import TeamsRead, read_teams, ward_warnings
from planner.model import ProblemData, Rejected, Resident, Team
from planner.plan import build_plan
from planner.plan_document import Plan
from planner.settings import Settings
from planner.solver import Progress, Result, solve
from planner.travel import TravelModel, make_travel


@dataclass
class Inputs:
    residents: ResidentsRead
    teams: TeamsRead

    @property
    def problems(self) -> list[InputProblem]:
        """Every input problem of both lists, the teams' first."""
        return self.teams.problems + self.residents.problems


@dataclass(frozen=True)
class PlanRequest:
    """What to plan: the residents to route and the teams, from ``start_date`` for ``days``
    days, with ``settings``; the residents the input rejected (reported as ``invalid_input``);
    for a re-plan, what it continues (planner/continuation.py); the plan's id, when the caller
    names it (the API: ``plan-<row id>``)."""

    residents: Sequence[Resident]
    teams: Sequence[Team]
    start_date: dt.date
    days: int
    settings: Settings
    rejected: Sequence[Rejected] = ()
    continuation: Continuation | None = None
    plan_id: str | None = None


@dataclass(frozen=True)
class TravelChoice:
    """How travel is timed: a ready model, else a road network extract or a routing server
    (straight lines when neither), and who hears of the search's progress."""

    travel: TravelModel | None = None
    roads: Path | None = None
    osrm_url: str | None = None
    progress: Callable[[Progress], None] | None = None


@dataclass(frozen=True)
class Planned:
    """A checked plan and what it was made from."""

    data: ProblemData
    result: Result
    plan: Plan
    check: CheckReport


@dataclass(frozen=True)
class PlanRun(Planned):
    """A plan made from lists read from files (the CLI's and the tests' main job)."""

    inputs: Inputs


def read_inputs(
    residents: Path | RawTable,
    teams: Path | RawTable,
    start_date: dt.date,
    settings: Settings,
    boundaries: Path | Any = None,
    sheet: str | None = None,
) -> Inputs:
    """Read both lists; teams first, since their depots help judge residents' coordinates."""
    teams_read = read_teams(teams, params=settings.input)
    if not teams_read.teams:
        raise InputError(_nothing_left("teams", teams_read.problems))
    depots = [(t.depot_lat, t.depot_lon) for t in teams_read.teams]
    polygons = load_boundaries(boundaries) if isinstance(boundaries, str | Path) else boundaries
    residents_read = read_residents(
        residents,
        reference_date=start_date,
        params=settings.input,
        depots=depots,
        boundaries=polygons,
        sheet=sheet,
    )
    if not residents_read.residents:
        raise InputError(_nothing_left("residents", residents_read.problems))
    teams_read.problems += ward_warnings(teams_read, [r.ward for r in residents_read.residents])
    return Inputs(residents_read, teams_read)


def _nothing_left(what: str, problems: list[InputProblem]) -> str:
    lines = [str(p) for p in problems[:20]]
    more = f"\n… and {len(problems) - 20} more" if len(problems) > 20 else ""
    return f"no usable {what} left after validation:\n" + "\n".join(lines) + more


def plan_from_inputs(
    inputs: Inputs,
    start_date: dt.date,
    days: int,
    settings: Settings,
    travel: TravelModel | None = None,
    progress: Callable[[Progress], None] | None = None,
    roads: Path | None = None,
    osrm_url: str | None = None,
    plan_id: str | None = None,
) -> PlanRun:
    """Plan the lists as read: every resident, the rejected ones as ``invalid_input``."""
    request = PlanRequest(
        inputs.residents.residents,
        inputs.teams.teams,
        start_date,
        days,
        settings,
        inputs.residents.rejected,
        plan_id=plan_id,
    )
    done = make_plan(request, TravelChoice(travel, roads, osrm_url, progress))
    return PlanRun(done.data, done.result, done.plan, done.check, inputs)


def make_plan(request: PlanRequest, how: TravelChoice = TravelChoice()) -> Planned:
    """Build the problem, solve, make the plan, check it (InternalError when the independent
    checker refuses it). A re-plan's continuation warm-starts the search, steers it to keep
    assignments, resumes the teams where they are, and its kept stops lead today's routes."""
    settings, carried = request.settings, request.continuation
    data = build_problem(
        request.residents,
        request.teams,
        request.start_date,
        request.days,
        settings,
        request.rejected,
    )
    warm: list[list[int]] | None = None
    if carried is not None:
        previous_vehicle, warm = warm_start(carried.previous, data)
        data = replace(
            data,
            starts=dict(carried.starts),
            previous_vehicle=previous_vehicle,
            locked_routes=locked_chains(carried.locked, data),
            locked_open=open_vehicles(carried.locked_open, data),
        )
    travel = how.travel or make_travel(
        settings,
        data.teams,
        [(s.lat, s.lon) for s in data.stops] + (carried.kept_places() if carried else []),
        how.roads,
        how.osrm_url,
    )
    if carried is None and not data.stops and not data.excluded and not data.pre_unassigned:
        raise InfeasibleError("nobody to plan: no eligible resident in the list")
    result = solve(
        data, travel, settings.solver, how.progress, initial_routes=warm, vials=settings.vials
    )
    plan = build_plan(data, result, travel, settings, plan_id=request.plan_id)
    if carried is not None:
        plan = compose(plan, carried, request.teams, travel, settings)
    return Planned(data, result, plan, _checked(plan, request))


def _checked(plan: Plan, request: PlanRequest) -> CheckReport:
    """The independent checker's verdict on the document as written (it reads the JSON, not
    the types); the document must also read back as the same plan."""
    document = plan.to_json()
    residents = [
        *request.residents,
        *(request.continuation.kept_residents if request.continuation else ()),
    ]
    check = check_plan(
        document,
        residents,
        request.teams,
        [r.resident_id for r in request.rejected],
        # an open lock (a move: the route kept up to the moved stop) is the route's start
        locked=(carried.locked if (carried := request.continuation) else None),
        open_locks=(carried.locked_open if carried else ()),
    )
    what = "re-plan" if request.continuation else "plan"
    if not check.ok:
        raise InternalError(
            f"the {what} failed the independent check:\n" + "\n".join(check.violations[:20])
        )
    if Plan.from_json(document) != plan:
        raise InternalError(f"the {what}'s document does not read back as the same plan")
    return check
