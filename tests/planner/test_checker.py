"""The independent checker accepts a real plan and rejects each kind of broken one."""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import replace
from typing import Any

import pytest

from planner.checker import check_plan
from planner.model import Resident, Team
from planner.plan import iso_time, parse_iso_time
from tests.helpers import START, around, plan_and_check, resident, team

PEOPLE = [resident(f"R{k}", around(k, 8, 700), needs_doctor=(k == 3)) for k in range(8)] + [
    resident("X", around(0, 8, 50), status="refused")
]
TEAMS = [team("T1", max_doses=6)]


@pytest.fixture(scope="module")
def good() -> dict[str, Any]:
    plan, _ = plan_and_check(PEOPLE, TEAMS, time_limit=1)
    assert plan["unassigned"], "the fixture needs a resident left out for capacity"
    return plan


def violations(
    plan: dict[str, Any], people: list[Resident] = PEOPLE, teams: list[Team] = TEAMS
) -> list[str]:
    return check_plan(plan, people, teams).violations


def shifted(value: str, seconds: int) -> str:
    date, s = parse_iso_time(value)
    return iso_time(date, s + seconds)


def test_good_plan_passes(good: dict[str, Any]) -> None:
    assert violations(good) == []


def test_missing_and_duplicated_residents(good: dict[str, Any]) -> None:
    bad = copy.deepcopy(good)
    gone = bad["unassigned"].pop()["resident_id"]
    bad["routes"][0]["stops"][1]["resident_ids"].append(
        bad["routes"][0]["stops"][0]["resident_ids"][0]
    )
    found = " ".join(violations(bad))
    assert f"resident {gone} appears 0 times" in found and "appears 2 times" in found


def test_visit_starting_before_the_team_can_arrive(good: dict[str, Any]) -> None:
    bad = copy.deepcopy(good)
    stop = bad["routes"][0]["stops"][1]
    for key in ("arrival", "service_start", "departure"):
        stop[key] = shifted(stop[key], -3600)
    assert any("travel needs" in v for v in violations(bad))


def test_wrong_visit_length(good: dict[str, Any]) -> None:
    bad = copy.deepcopy(good)
    stop = bad["routes"][0]["stops"][0]
    stop["departure"] = shifted(stop["departure"], -600)
    assert any("visit lasts" in v for v in violations(bad))


def test_capacity_skill_window_and_due_date(good: dict[str, Any]) -> None:
    route = good["routes"][0]
    first = route["stops"][0]["resident_ids"][0]
    doctor_ok = any("R3" in s["resident_ids"] for s in route["stops"])
    people = [
        replace(
            r,
            available_from_s=16 * 3600,
            available_to_s=17 * 3600,
            doses_received=1,
            last_dose_date=START - dt.timedelta(days=3),
        )
        if r.resident_id == first
        else r
        for r in PEOPLE
    ]
    found = " ".join(violations(good, people, [replace(TEAMS[0], max_doses=2, has_doctor=False)]))
    assert "more than the 2 the team carries" in found
    assert "visit before resident" in found and "is not due until" in found
    if doctor_ok:
        assert "needs a doctor; team has none" in found


def test_break_overlapping_a_visit_and_outside_its_window(good: dict[str, Any]) -> None:
    bad = copy.deepcopy(good)
    stop = bad["routes"][0]["stops"][0]
    bad["routes"][0]["break"] = {
        "start": stop["service_start"],
        "end": shifted(stop["service_start"], 3600),
    }
    found = " ".join(violations(bad))
    assert "break overlaps the visit" in found and "outside its window" in found


def test_distance_and_summary_tampering(good: dict[str, Any]) -> None:
    bad = copy.deepcopy(good)
    bad["routes"][0]["distance_m"] -= 500
    bad["summary"]["planned"] += 1
    found = " ".join(violations(bad))
    assert "distance_m" in found and "summary.planned" in found


def test_wrong_status_and_reason_code(good: dict[str, Any]) -> None:
    bad = copy.deepcopy(good)
    bad["excluded"][0]["status"] = "vaccinated"
    bad["unassigned"][0]["reason_code"] = "bad_luck"
    found = " ".join(violations(bad))
    assert "excluded X with status 'vaccinated'" in found and "unknown reason code" in found


def test_route_outside_shift(good: dict[str, Any]) -> None:
    bad = copy.deepcopy(good)
    bad["routes"][0]["end"] = bad["routes"][0]["end"].replace(
        bad["routes"][0]["end"][11:19], "18:00:00"
    )
    assert any("outside the shift" in v for v in violations(bad))
