"""The independent checker on the planner's rules: a real plan with wards, pins, limits and a
locked route passes; each rule broken (the plan tampered with, or held to rules it did not
keep) is rejected with a message naming the rule."""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import replace
from typing import Any

import pytest

from planner.checker import check_plan
from planner.checker_rules import day_hours, same_ward
from planner.model import Resident, Team
from tests.helpers import START, around, plan_and_check, resident, team

DAY1 = START + dt.timedelta(days=1)


@pytest.fixture(scope="module")
def solved() -> tuple[dict[str, Any], list[Resident], list[Team]]:
    people = [
        *(resident(f"A{k}", around(k, 5, 500), ward="Đức Xuân") for k in range(5)),
        *(resident(f"B{k}", around(k, 5, 900), ward="phường Sông Cầu") for k in range(5)),
        resident("P", around(2, 7, 300), ward="Đức Xuân", pin_team="DX", pin_date=DAY1),
    ]
    teams = [
        team("DX", wards=("duc xuan",), max_stops=4, max_hours=6.0),
        team("SC", wards=("Sông Cầu",), max_stops=4, max_hours=6.0),
    ]
    plan, _ = plan_and_check(people, teams, days=2, time_limit=1)
    return plan, people, teams


def route_of(plan: dict[str, Any], team_id: str, date: dt.date) -> dict[str, Any]:
    return next(r for r in plan["routes"] if (r["team_id"], r["date"]) == (team_id, str(date)))


def violations(plan: dict[str, Any], people: list[Resident], teams: list[Team], **kw) -> str:
    report = check_plan(plan, people, teams, **kw)
    assert not report.ok
    return "\n".join(report.violations)


def test_the_plan_keeps_every_rule_and_its_lock(solved) -> None:
    plan, people, teams = solved
    dx = route_of(plan, "DX", DAY1)
    lock = {("DX", str(DAY1)): tuple(tuple(s["resident_ids"]) for s in dx["stops"])}
    assert check_plan(plan, people, teams, locked=lock).ok
    assert any("P" in s["resident_ids"] for s in dx["stops"])


def test_ward_binding_broken_is_rejected(solved) -> None:
    plan, people, teams = solved
    tampered = copy.deepcopy(plan)
    for r in tampered["routes"]:  # each station's round handed to the other station
        r["team_id"] = {"DX": "SC", "SC": "DX"}[r["team_id"]]
    assert "ward binding" in violations(tampered, people, teams)


def test_pin_to_a_team_broken_is_rejected(solved) -> None:
    plan, people, teams = solved
    unbound = [replace(t, wards=()) for t in teams]
    tampered = copy.deepcopy(plan)
    for r in tampered["routes"]:
        r["team_id"] = {"DX": "SC", "SC": "DX"}[r["team_id"]]
    found = violations(tampered, people, unbound)
    assert "pin: resident P is pinned to team DX" in found


def test_pin_to_a_date_broken_is_rejected(solved) -> None:
    plan, people, teams = solved
    moved = [replace(r, pin_date=START) if r.resident_id == "P" else r for r in people]
    assert "pin: resident P is pinned to 23/11/2026" in violations(plan, moved, teams)


def test_a_day_off_worked_is_rejected(solved) -> None:
    plan, people, teams = solved
    off = [replace(t, days_off=(DAY1,)) if t.team_id == "DX" else t for t in teams]
    assert "days off: team DX does not work on 24/11/2026" in violations(plan, people, off)


def test_a_weekday_shift_overrun_is_rejected(solved) -> None:
    plan, people, teams = solved
    tuesday = DAY1.weekday()
    short = [replace(t, weekday_shifts=((tuesday, 7 * 3600 + 1800, 8 * 3600),)) for t in teams]
    found = violations(plan, people, short)
    assert "outside the shift" in found and "2026-11-24" in found


def test_max_stops_exceeded_is_rejected(solved) -> None:
    plan, people, teams = solved
    tampered = copy.deepcopy(plan)
    dx = route_of(tampered, "DX", DAY1)
    while len(dx["stops"]) <= 4:  # a fifth stop on a 4-stop day
        dx["stops"].append(copy.deepcopy(dx["stops"][-1]))
        dx["stops"][-1]["seq"] = len(dx["stops"])
    assert "max_stops" in violations(tampered, people, teams)


def test_max_hours_exceeded_is_rejected(solved) -> None:
    plan, people, teams = solved
    tampered = copy.deepcopy(plan)
    dx = route_of(tampered, "DX", DAY1)
    dx["start"], dx["end"] = f"{DAY1}T07:30:00+07:00", f"{DAY1}T16:00:00+07:00"
    assert "max_hours: out 8.50 h" in violations(tampered, people, teams)


def test_a_locked_route_changed_is_rejected(solved) -> None:
    plan, people, teams = solved
    dx = route_of(plan, "DX", DAY1)
    order = tuple(tuple(s["resident_ids"]) for s in dx["stops"])
    assert len(order) >= 2
    lock = {("DX", str(DAY1)): tuple(reversed(order))}
    assert "locked route" in violations(plan, people, teams, locked=lock)
    gone = {("SC", str(START + dt.timedelta(days=5))): order}
    assert "locked route" in violations(plan, people, teams, locked=gone)
    # a move's lock fixes the route's first stops only: kept as a prefix, broken when the
    # route starts otherwise
    key = ("DX", str(DAY1))
    prefix = {key: order[:1]}
    assert check_plan(plan, people, teams, locked=prefix, open_locks=[key]).ok
    assert not check_plan(plan, people, teams, locked=prefix).ok  # as a whole-route lock: no
    swapped = {key: (order[1], order[0])}
    assert "route locked up to a moved stop" in violations(
        plan, people, teams, locked=swapped, open_locks=[key]
    )


def test_the_checker_derives_hours_and_wards_itself() -> None:
    t = team(days_off=(START,), weekday_shifts=((1, 8 * 3600, 12 * 3600), (2, 0, 0)))
    assert day_hours(t, START) is None
    assert day_hours(t, DAY1) == (8 * 3600, 12 * 3600)
    assert day_hours(t, DAY1 + dt.timedelta(days=1)) is None
    assert day_hours(t, DAY1 + dt.timedelta(days=2)) == (t.shift_start_s, t.shift_end_s)
    assert same_ward("Phường ĐỨC  Xuân", "duc xuan") and not same_ward("Đức Xuân", "Xuân")
