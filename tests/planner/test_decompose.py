"""Large horizons split into areas of stations: each area's teams serve its residents."""

from __future__ import annotations

from planner.build import build_problem
from planner.settings import Settings
from planner.solver.decompose import split
from tests.helpers import DEPOT, START, around, plan_and_check, resident, team

TOWN_B = (DEPOT[0] + 0.18, DEPOT[1] + 0.05)  # about 20 km north-east


def towns(per_town: int = 60) -> tuple[list, list]:  # type: ignore[type-arg]
    people = [resident(f"A{k:02d}", around(k, per_town, 400 + 20 * (k % 7)))
              for k in range(per_town)]
    people += [resident(f"B{k:02d}", around(k, per_town, 400 + 20 * (k % 7), TOWN_B))
               for k in range(per_town)]
    people.append(resident("DOC", around(0, 4, 300), needs_doctor=True))  # in town A
    teams = [team("TA", DEPOT, has_doctor=False), team("TB", TOWN_B, has_doctor=True)]
    return people, teams


def test_split_follows_the_stations_and_the_skills() -> None:
    people, teams = towns()
    data = build_problem(people, teams, START, 1, Settings())
    areas = split(data, list(range(len(data.stops))), 60)
    assert len(areas) == 2
    area_of = {rid: k for k, a in enumerate(areas) for s in a.stops
               for rid in data.stops[s].resident_ids}
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
    served_by = {rid: r["team_id"] for r in plan["routes"] for s in r["stops"]
                 for rid in s["resident_ids"]}
    assert served_by, "nobody planned"
    assert all(t == "TA" for rid, t in served_by.items() if rid.startswith("A"))
    assert all(t == "TB" for rid, t in served_by.items() if rid.startswith("B"))
    planned_or_reasoned = set(served_by) | {u["resident_id"] for u in plan["unassigned"]}
    assert planned_or_reasoned == {p.resident_id for p in people}
