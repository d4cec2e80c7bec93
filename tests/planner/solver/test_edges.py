"""The edge pass (planner/solver/edges.py): residents an area left out go to a neighbouring
area with room (on a real LocalCluster); the pass re-solves only the areas whose tasks fit in
the time left, counting each task's overhead, the most offered priority first."""

from __future__ import annotations

import math

import pytest

from planner.build import build_problem
from planner.controls import may_serve
from planner.settings import Settings, VialParams
from planner.solver import areas_dask
from planner.solver.cluster import cluster_session
from planner.solver.decompose import split
from planner.solver.edges import (
    EDGE_CAP,
    EDGE_RATIO,
    EDGE_SLACK_DEG,
    EDGE_TASK_MIN_S,
    TASK_OVERHEAD_S,
    _fitting_targets,
    offers,
)
from planner.solver.result import Result, Status, Unserved
from tests.helpers import DEPOT, START, around, plan_and_check, resident, team


def test_the_pass_takes_the_areas_that_fit_most_priority_first() -> None:
    weight = [1.0] * 100 + [5.0] * 10
    offered = {k: [k] for k in range(50)}  # fifty areas offered one stop each, weight 1
    offered[7] = [100, 101]  # two heavy stops: the most priority
    offered[30] = [102]
    left = 18.0  # the reserve of a 180 s plan
    targets, budget = _fitting_targets(offered, weight, 1, left)
    per_task = EDGE_TASK_MIN_S + TASK_OVERHEAD_S
    assert len(targets) == int(left // per_task) == 5
    assert 7 in targets and 30 in targets  # most offered priority first
    assert targets == sorted(targets)
    # the tasks' search and their overhead together stay within what is left
    assert budget + TASK_OVERHEAD_S * len(targets) <= left + 1e-9 and budget >= 1.0
    two, budget2 = _fitting_targets(offered, weight, 2, left)
    assert len(two) == 10 and budget2 == left - TASK_OVERHEAD_S * 5
    few = {3: [3], 4: [4]}
    assert _fitting_targets(few, weight, 2, left)[0] == [3, 4]  # all fit: all taken


def test_a_resident_an_area_left_out_goes_to_the_neighbour_with_room(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two stations 2 km apart, five days, split into two areas on a real one-worker
    LocalCluster. A's team carries three doses a day for forty residents living towards B (the
    areas' balancing, by hours, leaves most of them in A's area); B's team has room. The edge
    pass offers A's left-out residents to B's area, which takes some: more priority served
    than the areas alone, and the plan passes the independent checker."""
    b_station = (DEPOT[0], DEPOT[1] + 2000 / 103_000)
    border = (DEPOT[0], DEPOT[1] + 900 / 103_000)
    people = [resident(f"A{k:02d}", around(k, 40, 30 + 6 * k, border), age=80) for k in range(40)]
    people += [resident(f"B{k:02d}", around(k, 12, 250, b_station), age=60) for k in range(12)]
    teams = [team("TA", DEPOT, max_doses=3), team("TB", b_station)]
    # half the time for the edge pass, so that a 12 s plan has room for it
    monkeypatch.setattr(areas_dask, "EDGE_SHARE", 0.5)
    settings = Settings(vials=VialParams(wastage_aware=False)).with_solver(
        split_stops=50, workers=1
    )
    with cluster_session("local:1"):
        plan, result = plan_and_check(people, teams, 5, settings, time_limit=12)
    assert result.stats["areas"] == 2
    assert result.stats["edge_offered"] >= 5 and result.stats["edge_taken"] >= 1
    assert result.stats["edge_priority_gained"] > 0
    served: dict[str, set[str]] = {}
    for r in plan["routes"]:
        served.setdefault(r["team_id"], set()).update(
            x for stop in r["stops"] for x in stop["resident_ids"]
        )
    assert len(served["TA"]) <= 15  # A's three doses a day
    assert served["TB"] & {f"A{k:02d}" for k in range(40)}  # B's team serves some of A's area


def test_offers_go_to_the_nearest_area_that_may_serve_them() -> None:
    """The vectorised offers against the rule written out plainly: each left-out stop to the
    nearest other area whose stations are near enough and one of whose teams may serve it
    (doctors here: two stations' teams have none)."""
    stations = [around(k, 4, 2500) for k in range(4)]
    people = [
        resident(
            f"R{k:03d}",
            around(k, 160, 300 + 23 * (k % 50), stations[k % 4]),
            needs_doctor=k % 5 == 0,
            age=70,
        )
        for k in range(160)
    ]
    teams = [team(f"T{j}", stations[j // 2], has_doctor=j // 2 < 2) for j in range(8)]
    data = build_problem(people, teams, START, 1, Settings())
    areas = split(data, list(range(len(data.stops))), 50)
    assert len(areas) == 4
    parts = {
        k: Result(
            (),
            tuple(Unserved(i, "no_capacity", "") for i in range(0, len(a.stops), 2)),
            0,
            0.0,
            0,
            Status.FEASIBLE,
        )
        for k, a in enumerate(areas)
    }
    got = offers(data, areas, parts)

    def nearest(k: int, lat: float, lon: float) -> float:
        shrink = math.cos(math.radians(lat))
        return min(
            math.hypot(lat - data.teams[t].depot_lat, (lon - data.teams[t].depot_lon) * shrink)
            for t in areas[k].teams
        )

    expected: dict[int, list[int]] = {}
    for k, part in parts.items():
        for u in part.unserved:
            s = areas[k].stops[u.stop_index]
            stop = data.stops[s]
            own, best = nearest(k, stop.lat, stop.lon), None
            for j in parts:
                if j == k or not any(may_serve(data.teams[t], stop) for t in areas[j].teams):
                    continue
                d = nearest(j, stop.lat, stop.lon)
                if d <= EDGE_RATIO * own + EDGE_SLACK_DEG and (best is None or d < best[0]):
                    best = (d, j)
            if best is not None:
                expected.setdefault(best[1], []).append(s)
    weight = [sum(data.priorities.get(r, 0.0) for r in s.resident_ids) for s in data.stops]
    for j, stops in expected.items():
        cap = max(5, int(EDGE_CAP * len(areas[j].stops)))
        expected[j] = sorted(stops, key=lambda s: -weight[s])[:cap]
    assert got == expected and sum(len(v) for v in got.values()) > 10
