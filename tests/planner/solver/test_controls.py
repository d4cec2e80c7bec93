"""The planner's rules kept by the real OR-Tools model on small horizons (short time limits),
each plan accepted by the independent checker (plan_and_check), each left-out resident with
the reason the rule gives."""

from __future__ import annotations

import datetime as dt

from planner.build import build_problem
from planner.model import Resident
from planner.settings import Settings
from tests.helpers import START, around, plan_and_check, reasons, resident, served, team

DAY1 = START + dt.timedelta(days=1)


def ring(n: int, prefix: str = "R", metres: float = 600, **kw) -> list[Resident]:
    return [resident(f"{prefix}{k:02d}", around(k, n, metres), **kw) for k in range(n)]


def test_teams_serve_only_their_wards() -> None:
    people = (
        ring(4, "A", ward="Phường Đức Xuân")
        + ring(4, "B", 700, ward="Sông Cầu")
        + [resident("C1", around(1, 5, 300), ward="Huyền Tụng")]
    )
    teams = [team("DX", wards=("đức xuân",)), team("SC", wards=("Phường Sông Cầu",))]
    plan, _ = plan_and_check(people, teams, time_limit=1)
    where = served(plan)
    assert {where[r.resident_id][0] for r in people if r.resident_id[0] == "A"} == {"DX"}
    assert {where[r.resident_id][0] for r in people if r.resident_id[0] == "B"} == {"SC"}
    assert reasons(plan) == {"C1": "outside_team_wards"}


def test_a_team_without_wards_serves_anywhere() -> None:
    people = ring(3, ward="Huyền Tụng")
    plan, _ = plan_and_check(people, [team("DX", wards=("Đức Xuân",)), team("TT")], time_limit=1)
    assert {t for t, _, _ in served(plan).values()} == {"TT"}


def test_no_stop_on_a_day_off_and_a_pin_to_it_is_team_off() -> None:
    people = [*ring(4), resident("P1", around(0, 3, 200), pin_date=START)]
    plan, _ = plan_and_check(people, [team(days_off=(START,))], days=2, time_limit=1)
    assert {d for _, d, _ in served(plan).values()} == {DAY1.isoformat()}
    assert reasons(plan) == {"P1": "team_off"}
    (u,) = plan["unassigned"]
    assert "23/11/2026" in u["reason"]


def test_a_weekday_shift_sets_the_day_and_off_closes_it() -> None:
    # START is a Monday: 07:30-09:00 that day (no lunch break fits), Tuesday off
    shifts = ((0, 7 * 3600 + 1800, 9 * 3600), (1, 0, 0))
    people = ring(12)
    plan, _ = plan_and_check(people, [team(weekday_shifts=shifts)], days=3, time_limit=1)
    by_date = {r["date"]: r for r in plan["routes"]}
    monday = by_date[START.isoformat()]
    assert monday["end"][11:16] <= "09:00" and not monday.get("break")
    assert DAY1.isoformat() not in by_date or not by_date[DAY1.isoformat()]["stops"]
    assert monday["stops"] and {d for _, d, _ in served(plan).values()} == {
        START.isoformat(),
        (START + dt.timedelta(days=2)).isoformat(),
    }


def test_pins_keep_team_and_day() -> None:
    people = [
        *ring(6),
        resident("PT", around(2, 7, 400), pin_team="T2"),
        resident("PD", around(3, 7, 400), pin_date=DAY1),
        resident("PB", around(4, 7, 400), pin_team="T1", pin_date=DAY1),
    ]
    plan, _ = plan_and_check(people, [team("T1"), team("T2")], days=2, time_limit=1)
    where = served(plan)
    assert where["PT"][0] == "T2"
    assert where["PD"][1] == DAY1.isoformat()
    assert where["PB"][:2] == ("T1", DAY1.isoformat())


def test_certainly_impossible_pins_are_reasoned_before_the_search() -> None:
    people = [
        *ring(2),
        resident("U", around(1, 4, 300), pin_team="NOBODY"),
        resident("L", around(2, 4, 300), pin_date=START + dt.timedelta(days=9)),
    ]
    data = build_problem(people, [team()], START, 2, Settings())
    assert {k: v[0] for k, v in data.pre_unassigned.items()} == {
        "U": "pin_impossible",
        "L": "pin_impossible",
    }
    assert "NOBODY" in data.pre_unassigned["U"][1]
    assert "02/12/2026" in data.pre_unassigned["L"][1]


def test_a_household_pinned_differently_is_split_keeping_each_pin() -> None:
    spot = around(0, 4, 500)
    people = [
        resident("H1", spot, household_id="H", pin_team="T2"),
        resident("H2", spot, household_id="H"),
        *ring(3, "O"),
    ]
    teams = [team("T1"), team("T2")]
    data = build_problem(people, teams, START, 1, Settings())
    pins = {s.resident_ids: s.pin_team for s in data.stops if s.resident_ids[0].startswith("H")}
    assert pins == {("H1",): "T2", ("H2",): ""}
    plan, _ = plan_and_check(people, teams, time_limit=1)
    assert served(plan)["H1"][0] == "T2"


def test_max_stops_per_team_day() -> None:
    people = ring(6)
    plan, _ = plan_and_check(people, [team(max_stops=2)], days=2, time_limit=1)
    assert all(len(r["stops"]) <= 2 for r in plan["routes"])
    assert len(served(plan)) == 4
    assert set(reasons(plan).values()) == {"team_day_limit"}


def test_max_hours_bound_the_day() -> None:
    people = ring(10, metres=1500)
    plan, _ = plan_and_check(people, [team(max_hours=1.5)], time_limit=1)
    (route,) = plan["routes"]
    start, end = (dt.datetime.fromisoformat(route[k]) for k in ("start", "end"))
    assert end - start <= dt.timedelta(hours=1.5)  # out of the station, lunch included
    assert 0 < len(served(plan)) < 10
    assert set(reasons(plan).values()) == {"team_day_limit"}


def test_a_pinned_stop_left_out_names_its_pin() -> None:
    people = [
        *ring(4),
        resident("Q", around(1, 9, 450), pin_team="T1", priority_override=50.0),
        resident("P", around(2, 9, 450), pin_team="T1", priority_override=0.01),
    ]
    plan, _ = plan_and_check(people, [team("T1", max_stops=1), team("T2")], time_limit=1)
    assert served(plan)["Q"][0] == "T1"
    assert reasons(plan) == {"P": "pin_impossible"}
    (u,) = plan["unassigned"]
    assert "pinned to team T1" in u["reason"] and "limit" in u["reason"]


def test_areas_send_a_stop_to_a_station_whose_team_may_serve_its_ward() -> None:
    # split into two areas by station (solver.split_stops): residents of ward B living next to
    # A's station go to B's area (decompose._may_serve: the same rule as allowed_vehicles)
    far = around(0, 4, 3000)
    people = [
        *ring(30, "A", 800, ward="A"),
        *(resident(f"B{k:02d}", around(k, 14, 800, far), ward="B") for k in range(14)),
        *ring(8, "N", 300, ward="B"),
    ]
    teams = [team("TA", wards=("A",)), team("TB", far, wards=("B",))]
    settings = Settings().with_solver(split_stops=50)
    plan, _ = plan_and_check(people, teams, days=3, settings=settings, time_limit=2)
    where = served(plan)
    assert all(where[f"N{k:02d}"][0] == "TB" for k in range(8))
    assert all(team_id == "TA" for rid, (team_id, _, _) in where.items() if rid[0] == "A")
    assert "outside_team_wards" not in set(reasons(plan).values())


def test_nobody_at_work_is_team_off_and_a_pin_to_a_team_off_its_ward_impossible() -> None:
    people = [*ring(2, ward="A"), resident("P", around(1, 3, 300), ward="B", pin_team="TA")]
    off = [team("TA", wards=("A",), weekday_shifts=((0, 0, 0),)), team("TB", wards=("B",))]
    plan, _ = plan_and_check(people, off, time_limit=1)  # START is a Monday: TA is off
    assert reasons(plan) == {"R00": "team_off", "R01": "team_off", "P": "team_off"}
    working = [team("TA", wards=("A",)), team("TB", wards=("B",))]
    plan, _ = plan_and_check(people, working, time_limit=1)
    assert reasons(plan) == {"P": "pin_impossible"}
    (p,) = plan["unassigned"]
    assert p["reason"].startswith("pinned to team TA: that team may not serve it")
