"""Households, service time, eligibility, due windows and the priority score."""

from __future__ import annotations

import datetime as dt

import pytest

from planner.build import build_problem
from planner.model import Resident
from planner.priority import priority_score
from planner.settings import DoseParams, PriorityParams, Settings, VisitParams
from tests.helpers import DEPOT, START, around, resident, team


def test_household_id_and_same_spot_make_one_stop() -> None:
    near = around(0, 4, 3.0)  # 3 m from the depot spot: the same house
    people = [
        resident("A", DEPOT, household_id="H1"),
        resident("B", DEPOT, household_id="H1"),
        resident("C", around(1, 4, 400)),
        resident("D", around(1, 4, 400)),
        resident("E", near),
        resident("F", around(2, 4, 400)),
    ]
    data = build_problem(people, [team()], START, 1, Settings())
    groups = sorted(sorted(s.resident_ids) for s in data.stops)
    assert groups == [["A", "B"], ["C", "D"], ["E"], ["F"]]


def test_service_time_is_setup_per_person_and_one_observation() -> None:
    settings = Settings(
        visit=VisitParams(setup_minutes=5, per_person_minutes=10, observation_minutes=30)
    )
    people = [resident(x, DEPOT, household_id="H") for x in "ABC"]
    (stop,) = build_problem(people, [team()], START, 1, settings).stops
    assert stop.service_s == (5 + 3 * 10 + 30) * 60 and stop.doses == 3


def test_service_minutes_override_sets_a_floor() -> None:
    people = [
        resident("A", DEPOT, household_id="H", service_minutes=90),
        resident("B", DEPOT, household_id="H"),
    ]
    (stop,) = build_problem(people, [team()], START, 1, Settings()).stops
    assert stop.service_s == 90 * 60


@pytest.mark.parametrize("status", ["contraindicated", "refused", "vaccinated", "postponed"])
def test_not_routed_statuses_are_excluded(status: str) -> None:
    data = build_problem(
        [resident("A", DEPOT, status=status), resident("B", DEPOT)], [team()], START, 1, Settings()
    )
    assert data.excluded == {"A": status}
    assert [s.resident_ids for s in data.stops] == [("B",)]


def test_due_window_from_last_dose_and_interval() -> None:
    doses = DoseParams(min_interval_days={1: 28, 2: 90})
    settings = Settings(doses=doses)
    people = [
        resident("DUE", DEPOT, doses_received=1, last_dose_date=START - dt.timedelta(days=40)),
        resident(
            "DAY2",
            around(0, 3, 300),
            doses_received=1,
            last_dose_date=START - dt.timedelta(days=26),
        ),
        resident(
            "LATER",
            around(1, 3, 300),
            doses_received=2,
            last_dose_date=START - dt.timedelta(days=30),
        ),
        resident("NEVER", around(2, 3, 300)),
    ]
    data = build_problem(people, [team()], START, 3, settings)
    earliest = {s.resident_ids[0]: s.earliest_day for s in data.stops}
    assert earliest == {"DUE": 0, "DAY2": 2, "NEVER": 0}
    assert data.pre_unassigned["LATER"][0] == "not_due_in_horizon"


def test_household_members_due_on_different_days_are_separate_stops() -> None:
    people = [
        resident("A", DEPOT, household_id="H"),
        resident(
            "B",
            DEPOT,
            household_id="H",
            doses_received=1,
            last_dose_date=START - dt.timedelta(days=27),
        ),
    ]
    data = build_problem(people, [team()], START, 2, Settings())
    assert sorted((s.resident_ids, s.earliest_day) for s in data.stops) == [
        (("A",), 0),
        (("B",), 1),
    ]


def test_priority_formula_matches_the_documented_example() -> None:
    r = Resident(
        "X",
        0,
        0,
        age=75,
        conditions=("diabetes", "hypertension"),
        doses_received=2,
        last_dose_date=START - dt.timedelta(days=90 + 60),
    )
    assert priority_score(r, PriorityParams(), DoseParams(), START) == 8.0
    assert (
        priority_score(
            Resident("Y", 0, 0, priority_override=42), PriorityParams(), DoseParams(), START
        )
        == 42
    )
    older = Resident("Z", 0, 0, age=85)
    younger = Resident("W", 0, 0, age=55)
    assert priority_score(older, PriorityParams(), DoseParams(), START) > priority_score(
        younger, PriorityParams(), DoseParams(), START
    )
