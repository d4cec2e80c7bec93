"""The main job, end to end: read the lists, build the problem, solve, make the plan, check it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from planner.build import build_problem
from planner.checker import CheckReport, check_plan
from planner.errors import InfeasibleError, InputError, InternalError
from planner.io.boundaries import load_boundaries
from planner.io.problems import InputProblem
from planner.io.residents import ResidentsRead, read_residents
from planner.io.tables import RawTable
from planner.io.teams import TeamsRead, read_teams
from planner.model import ProblemData
from planner.plan import build_plan
from planner.settings import Settings
from planner.solver import Progress, Result, solve
from planner.travel import TravelModel, make_travel


@dataclass
class Inputs:
    residents: ResidentsRead
    teams: TeamsRead

    @property
    def problems(self) -> list[InputProblem]:
        return self.teams.problems + self.residents.problems


@dataclass
class PlanRun:
    inputs: Inputs
    data: ProblemData
    result: Result
    plan: dict[str, Any]
    check: CheckReport
    extras: dict[str, Any] = field(default_factory=dict)


def read_inputs(residents: Path | RawTable, teams: Path | RawTable, start_date: dt.date,
                settings: Settings, boundaries: Path | Any = None,
                sheet: str | None = None) -> Inputs:
    """Read both lists; teams first, since their depots help judge residents' coordinates."""
    teams_read = read_teams(teams, params=settings.input)
    if not teams_read.teams:
        raise InputError(_nothing_left("teams", teams_read.problems))
    depots = [(t.depot_lat, t.depot_lon) for t in teams_read.teams]
    polygons = (load_boundaries(boundaries) if isinstance(boundaries, str | Path)
                else boundaries)
    residents_read = read_residents(residents, reference_date=start_date,
                                    params=settings.input, depots=depots,
                                    boundaries=polygons, sheet=sheet)
    if not residents_read.residents:
        raise InputError(_nothing_left("residents", residents_read.problems))
    return Inputs(residents_read, teams_read)


def _nothing_left(what: str, problems: list[InputProblem]) -> str:
    lines = [str(p) for p in problems[:20]]
    more = f"\n… and {len(problems) - 20} more" if len(problems) > 20 else ""
    return f"no usable {what} left after validation:\n" + "\n".join(lines) + more


def plan_from_inputs(inputs: Inputs, start_date: dt.date, days: int, settings: Settings,
                     travel: TravelModel | None = None,
                     progress: Callable[[Progress], None] | None = None,
                     roads: Path | None = None, osrm_url: str | None = None) -> PlanRun:
    data = build_problem(inputs.residents.residents, inputs.teams.teams, start_date, days,
                         settings, inputs.residents.rejected)
    if travel is None:
        travel = make_travel(settings, data.teams, [(s.lat, s.lon) for s in data.stops],
                             roads, osrm_url)
    if not data.stops and not data.excluded and not data.pre_unassigned:
        raise InfeasibleError("nobody to plan: no eligible resident in the list")
    result = solve(data, travel, settings.solver, progress, vials=settings.vials)
    plan = build_plan(data, result, travel, settings)
    check = check_plan(plan, inputs.residents.residents, inputs.teams.teams,
                       [r.resident_id for r in inputs.residents.rejected])
    if not check.ok:
        raise InternalError("the plan failed the independent check:\n"
                            + "\n".join(check.violations[:20]))
    return PlanRun(inputs, data, result, plan, check)
