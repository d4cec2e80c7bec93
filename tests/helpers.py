"""Small scenario builders shared by the tests: real files, the real solver, the real checker."""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.solomon import Instance
from planner.build import build_problem
from planner.checker import check_plan
from planner.model import Resident, Team
from planner.plan import build_plan
from planner.plan_document import Plan
from planner.settings import Settings
from planner.solver import Result, solve
from planner.travel import StraightLineTravel, TravelModel

START = dt.date(2026, 11, 23)
DEPOT = (22.1470, 105.8340)


def write_csv(
    path: Path, rows: list[dict[str, Any]], encoding: str = "utf-8", sep: str = ","
) -> Path:
    columns = list(dict.fromkeys(k for row in rows for k in row))
    with path.open("w", newline="", encoding=encoding) as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, delimiter=sep)
        writer.writeheader()
        writer.writerows(rows)
    return path


def around(
    k: int, n: int, metres: float, centre: tuple[float, float] = DEPOT
) -> tuple[float, float]:
    """Point k of n on a circle of the given radius around the centre."""
    angle = 2 * math.pi * k / n
    return (
        centre[0] + metres * math.cos(angle) / 111_195,
        centre[1] + metres * math.sin(angle) / (111_195 * math.cos(math.radians(centre[0]))),
    )


def resident(rid: str, at: tuple[float, float], **kw: Any) -> Resident:
    return Resident(rid, at[0], at[1], **kw)


def team(tid: str = "T1", at: tuple[float, float] = DEPOT, **kw: Any) -> Team:
    return Team(tid, at[0], at[1], **kw)


def plan_and_check(
    residents: list[Resident],
    teams: list[Team],
    days: int = 1,
    settings: Settings | None = None,
    time_limit: float = 2.0,
    travel: TravelModel | None = None,
) -> tuple[dict[str, Any], Result]:
    """Solve with the real OR-Tools model and assert the independent checker accepts the plan."""
    settings = (settings or Settings()).with_solver(time_limit_s=time_limit)
    data = build_problem(residents, teams, START, days, settings)
    travel = travel or StraightLineTravel.from_params(settings.travel)
    result = solve(data, travel, settings.solver, vials=settings.vials)
    document = round_trip(build_plan(data, result, travel, settings))
    report = check_plan(document, residents, teams)
    assert report.ok, report.violations
    return document, result


def round_trip(plan: Plan) -> dict[str, Any]:
    """The plan's document, asserting it reads back as the same plan and writes out again as
    the same document, keys in the same order (planner/plan_document.py's promise)."""
    document = plan.to_json()
    again = Plan.from_json(document)
    assert again == plan
    assert json.dumps(again.to_json()) == json.dumps(document)
    return document


def served(plan: dict[str, Any]) -> dict[str, tuple[str, str, int]]:
    """resident id -> (team, date, seq)."""
    return {
        rid: (r["team_id"], r["date"], s["seq"])
        for r in plan["routes"]
        for s in r["stops"]
        for rid in s["resident_ids"]
    }


def reasons(plan: dict[str, Any]) -> dict[str, str]:
    return {u["resident_id"]: u["reason_code"] for u in plan["unassigned"]}


def line_instance(customers: int = 6, vehicles: int = 4) -> Instance:
    """Customers on a line east of the depot, wide windows, capacity for all of them:
    one vehicle serves everyone (out and back), which is the unique minimum fleet."""
    x = np.array([0.0, *range(1, customers + 1)])
    n = customers + 1
    return Instance(
        "LINE",
        vehicles,
        100,
        x,
        np.zeros(n),
        np.r_[0, np.ones(customers)],
        np.zeros(n),
        np.full(n, 1000.0),
        np.zeros(n),
    )
