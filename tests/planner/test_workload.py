"""planner/workload.py: min / mean / max hours and stops per team-day, and the three places
that show them (terminal summary, route sheets; the plan page in tests/api/pages)."""

from __future__ import annotations

import io
import math
from dataclasses import replace

import pytest
from rich.console import Console

from maps.sheet import route_sheet_html
from planner.plan_document import Plan, PlanRoute, PlanStop
from planner.report import print_summary
from planner.workload import Spread, route_hours, workload
from tests.helpers import around, plan_and_check, resident, team


def _stop(seq: int) -> PlanStop:
    at = "2026-11-23T09:00:00+07:00"
    return PlanStop(seq, (f"R{seq}",), 22.1, 105.8, at, at, at, 1)


def _route(team_id: str, start: str, end: str, stops: int) -> PlanRoute:
    day = "2026-11-23"
    return PlanRoute(
        team_id,
        day,
        f"{day}T{start}:00+07:00",
        f"{day}T{end}:00+07:00",
        1000,
        600,
        tuple(_stop(k + 1) for k in range(stops)),
    )


@pytest.fixture(scope="module")
def plan() -> Plan:
    people = [resident(f"R{k:02d}", around(k, 10, 600), household_id=f"H{k}") for k in range(10)]
    document, _ = plan_and_check(people, [team("T1"), team("T2")], time_limit=1)
    return Plan.from_json(document)


def test_spread_of_three_team_days_is_exact(plan: Plan) -> None:
    routes = (
        _route("T1", "07:30", "16:30", 10),  # 9 h
        _route("T2", "07:30", "13:00", 4),  # 5.5 h
        _route("T3", "08:00", "15:00", 7),  # 7 h
        _route("T4", "08:00", "08:00", 0),  # no stop: not a worked team-day
    )
    load = workload(replace(plan, routes=routes))
    assert load.team_days == 3
    assert (load.hours.low, load.hours.high) == (5.5, 9.0)
    assert load.hours.mean == pytest.approx(21.5 / 3)
    assert load.hours.range == 3.5
    assert load.stops == Spread(4.0, 7.0, 10.0, math.sqrt(6.0))
    assert load.line() == "hours 5.5 / 7.2 / 9.0 · stops 4 / 7.0 / 10"
    assert route_hours(routes[1]) == 5.5


def test_no_route_no_spread(plan: Plan) -> None:
    load = workload(replace(plan, routes=()))
    assert load.team_days == 0 and load.hours == Spread(0.0, 0.0, 0.0, 0.0)


def test_terminal_summary_prints_the_min_mean_max_line(plan: Plan) -> None:
    out = io.StringIO()
    print_summary(plan, Console(file=out, width=200))
    text = out.getvalue()
    load = workload(plan)
    assert f"team-days {load.team_days} (min / mean / max): {load.line()}" in text


def test_route_sheet_footer_sets_the_day_against_all_team_days(plan: Plan) -> None:
    route = plan.routes[0]
    load = workload(plan)
    vi = route_sheet_html(route, {}, "vi", load=load)
    en = route_sheet_html(route, {}, "en", load=load)
    assert 'class="meta vr-workload"' in vi
    hours_vi = f"{route_hours(route):.1f}".replace(".", ",")
    assert f"Ngày này: {hours_vi} giờ · {len(route.stops)} điểm" in vi  # decimal comma
    assert "thấp nhất / trung bình / cao nhất" in vi
    assert f"This day: {route_hours(route):.1f} h" in en
    assert load.line("Hours", "Stops") in en
    assert "vr-workload" not in route_sheet_html(route, {}, "en")  # without the plan's load
