"""The edge pass (planner/solver/edges.py): residents an area left out go to a neighbouring
area with room (on a real LocalCluster); the pass re-solves only the areas whose tasks fit in
the time left, counting each task's overhead, the most offered priority first."""

from __future__ import annotations

import pytest

from planner.settings import Settings, VialParams
from planner.solver import areas_dask
from planner.solver.cluster import cluster_session
from planner.solver.edges import EDGE_TASK_MIN_S, TASK_OVERHEAD_S, _fitting_targets
from tests.helpers import DEPOT, around, plan_and_check, resident, team


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
