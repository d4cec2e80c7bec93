"""Large horizons split into areas of stations: each area's teams serve its residents."""

from __future__ import annotations

import datetime as dt

from planner.build import build_problem
from planner.settings import Settings
from planner.solver.decompose import split
from tests.helpers import DEPOT, START, around, plan_and_check, resident, team

TOWN_B = (DEPOT[0] + 0.18, DEPOT[1] + 0.05)  # about 20 km north-east


def towns(per_town: int = 60) -> tuple[list, list]:  # type: ignore[type-arg]
    people = [
        resident(f"A{k:02d}", around(k, per_town, 400 + 20 * (k % 7))) for k in range(per_town)
    ]
    people += [
        resident(f"B{k:02d}", around(k, per_town, 400 + 20 * (k % 7), TOWN_B))
        for k in range(per_town)
    ]
    people.append(resident("DOC", around(0, 4, 300), needs_doctor=True))  # in town A
    teams = [team("TA", DEPOT, has_doctor=False), team("TB", TOWN_B, has_doctor=True)]
    return people, teams


def test_split_follows_the_stations_and_the_skills() -> None:
    people, teams = towns()
    data = build_problem(people, teams, START, 1, Settings())
    areas = split(data, list(range(len(data.stops))), 60)
    assert len(areas) == 2
    area_of = {
        rid: k for k, a in enumerate(areas) for s in a.stops for rid in data.stops[s].resident_ids
    }
    a, b = area_of["A00"], area_of["B00"]
    assert a != b
    assert all(area_of[f"A{k:02d}"] == a for k in range(60))
    assert all(area_of[f"B{k:02d}"] == b for k in range(60))
    # town A's team has no doctor: the resident who needs one goes to town B's area
    assert area_of["DOC"] == b
    assert split(data, list(range(len(data.stops))), 1000) == []  # small: no split


def test_a_split_plan_keeps_each_team_in_its_area_and_passes_the_checker() -> None:
    people, teams = towns()
    settings = Settings().with_solver(split_stops=60, workers=1)
    plan, result = plan_and_check(people, teams, settings=settings, time_limit=4)
    assert result.stats["areas"] == 2
    served_by = {
        rid: r["team_id"] for r in plan["routes"] for s in r["stops"] for rid in s["resident_ids"]
    }
    assert served_by, "nobody planned"
    assert all(t == "TA" for rid, t in served_by.items() if rid.startswith("A"))
    assert all(t == "TB" for rid, t in served_by.items() if rid.startswith("B"))
    planned_or_reasoned = set(served_by) | {u["resident_id"] for u in plan["unassigned"]}
    assert planned_or_reasoned == {p.resident_id for p in people}


def test_an_overloaded_area_hands_its_stops_nearest_the_neighbour_over() -> None:
    # town A: 40 residents on a road towards town B, one team; town B: 10 residents, one team
    step = ((TOWN_B[0] - DEPOT[0]) / 100, (TOWN_B[1] - DEPOT[1]) / 100)
    people = [
        resident(f"A{k:02d}", (DEPOT[0] + k * step[0], DEPOT[1] + k * step[1]))
        for k in range(1, 41)
    ]
    people += [resident(f"B{k:02d}", around(k, 10, 500, TOWN_B)) for k in range(10)]
    teams = [team("TA", DEPOT), team("TB", TOWN_B)]
    data = build_problem(people, teams, START, 1, Settings())
    areas = split(data, list(range(len(data.stops))), 25)
    assert len(areas) == 2
    load = [sum(data.stops[s].service_s for s in a.stops) for a in areas]
    assert max(load) <= 1.1 * min(load), load  # one team each: about the same visiting time
    b = next(a for a in areas if "TB" in {data.teams[t].team_id for t in a.teams})
    moved = sorted(
        int(rid[1:]) for s in b.stops for rid in data.stops[s].resident_ids if rid.startswith("A")
    )
    assert moved, "town B's team had room, yet no stop moved"
    # the ones handed over are those furthest along the road, nearest town B
    assert moved == list(range(41 - len(moved), 41))


def test_areas_weigh_each_teams_days_off_and_short_days() -> None:
    # Town A's team works one day of three (two days off), town B's team all three: the areas
    # are balanced on the hours the teams really work, so A's area gives stops to B's
    people, _ = towns()
    day2, day3 = (START + dt.timedelta(days=d) for d in (1, 2))
    teams = [team("TA", DEPOT, days_off=(day2, day3)), team("TB", TOWN_B)]
    data = build_problem(people, teams, START, 3, Settings())
    areas = split(data, list(range(len(data.stops))), 60)
    by_team = {data.teams[a.teams[0]].team_id: len(a.stops) for a in areas}
    assert by_team["TA"] < 45 < by_team["TB"], by_team
    # a short weekday counts as short: Monday 07:30-09:00 and Tuesday/Wednesday off for A
    shifts = ((0, 27_000, 32_400), (1, 0, 0), (2, 0, 0))
    teams = [team("TA", DEPOT, weekday_shifts=shifts), team("TB", TOWN_B)]
    data = build_problem(people, teams, START, 3, Settings())
    areas = split(data, list(range(len(data.stops))), 60)
    short = {data.teams[a.teams[0]].team_id: len(a.stops) for a in areas}
    assert short["TA"] < by_team["TA"], (short, by_team)
