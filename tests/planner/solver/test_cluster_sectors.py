"""Sectors (planner/solver/sectors.py): one station's many teams and residents are cut by
geography into areas near the split size, every stop in one sector, every team in one, at
least one team each, doctors dealt among them."""

from __future__ import annotations

import math

from benchmarks.scenarios import START
from planner.build import build_problem
from planner.model import Resident, Team
from planner.settings import Settings, VialParams
from planner.solver.decompose import split
from planner.solver.sectors import sectors
from tests.helpers import plan_and_check

STATION = (21.17, 106.08)


def _one_station(households: int, teams: int) -> tuple[list[Resident], list[Team]]:
    people = []
    for k in range(households):
        angle, radius = k * 2.399963, 0.03 * math.sqrt((k + 0.5) / households)  # a disc
        people.append(
            Resident(
                f"R{k:04d}",
                STATION[0] + radius * math.cos(angle),
                STATION[1] + radius * math.sin(angle),
                age=60 + k % 30,
            )
        )
    crews = [Team(f"T{j:02d}", *STATION, has_doctor=j % 3 != 2) for j in range(teams)]
    # and a small commune 30 km away with its own station: two areas of stations
    far = (STATION[0] + 0.27, STATION[1])
    people += [Resident(f"F{k:03d}", far[0] + 0.001 * k, far[1], age=70) for k in range(20)]
    return people, [*crews, Team("FAR", *far)]


def test_one_big_station_is_cut_into_sectors_near_the_split_size() -> None:
    people, teams = _one_station(1500, 10)
    data = build_problem(people, teams, START, 1, Settings())
    stops = list(range(len(data.stops)))
    areas = split(data, stops, 300)
    # stations are never parted: the big station's stops are one area (balancing hands the
    # small one some of them)
    big = max(areas, key=lambda a: len(a.stops))
    assert len(areas) == 2 and len(big.stops) > 1000 and len(big.teams) == 10
    cut = sectors(data, areas, 300)
    assert len(cut) >= 6
    assert sorted(s for a in cut for s in a.stops) == stops
    assert sorted(t for a in cut for t in a.teams) == list(range(11))
    assert all(a.teams for a in cut) and max(len(a.stops) for a in cut) <= 1.25 * 300
    assert all(any(data.teams[t].has_doctor for t in a.teams) for a in cut)
    # each sector's problem is its own stops and teams
    assert all(len(a.data.stops) == len(a.stops) for a in cut)


def test_small_areas_and_lone_teams_are_left_whole() -> None:
    people, teams = _one_station(400, 3)
    data = build_problem(people, teams, START, 1, Settings())
    whole = split(data, list(range(len(data.stops))), 300)
    assert len(whole) == 2 and max(len(a.stops) for a in whole) <= 375
    assert sectors(data, whole, 300) == whole  # none above 1.25 x 300
    people, teams = _one_station(1500, 1)
    data = build_problem(people, teams, START, 1, Settings())
    one = split(data, list(range(len(data.stops))), 300)
    assert sectors(data, one, 300) == one  # one team: nothing to deal


def test_the_plan_without_a_cluster_solves_sectors_too() -> None:
    """In one process (no cluster) the big station's area is cut as well: the plan is solved
    as sectors, each team serving its own sector only, and the independent checker accepts it."""
    people, teams = _one_station(420, 4)
    settings = Settings(vials=VialParams(wastage_aware=False)).with_solver(split_stops=100)
    plan, result = plan_and_check(people, teams, settings=settings, time_limit=6)
    data = build_problem(people, teams, START, 1, settings)
    cut = sectors(data, split(data, list(range(len(data.stops))), 100), 100)
    assert len(cut) >= 4 and result.stats["areas"] == len(cut)
    sector = {
        rid: k for k, a in enumerate(cut) for s in a.stops for rid in data.stops[s].resident_ids
    }
    team_sector = {data.teams[t].team_id: k for k, a in enumerate(cut) for t in a.teams}
    for route in plan["routes"]:
        rids = [rid for stop in route["stops"] for rid in stop["resident_ids"]]
        assert {sector[rid] for rid in rids} <= {team_sector[route["team_id"]]}
    assert plan["summary"]["planned"] > 0
