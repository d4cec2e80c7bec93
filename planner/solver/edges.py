"""The edge pass after a split horizon's areas are solved on a cluster (areas_dask.py).

Routes never cross an area's edge (decompose.py), so a resident an area left out may live a
few hundred metres from a neighbouring area's station whose teams have an hour to spare. The
pass offers each resident an area left out to the nearest *other* area whose teams may serve
him or her, when its stations are not much farther than the resident's own (``EDGE_RATIO``
plus ``EDGE_SLACK_DEG``). Each area that received offers is solved again on the cluster: its
own stops plus the offers (the highest priority first, at most ``EDGE_CAP`` of its size),
warm-started from its own routes, in the time left. The new routes are kept only when they
serve at least the priority the area's old routes served (the search can only trade its own
residents for offered ones of more priority: leaving a resident out costs by priority).
What it buys is measured (benchmarks/RESULTS.md): the stats say offers, taken, and the
priority gained.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from planner.model import ProblemData
from planner.solver.decompose import Area, _area, _may_serve, local_targets
from planner.solver.result import Result
from planner.solver.routing import vehicle_index

if TYPE_CHECKING:
    from planner.solver.areas_dask import AreaDone, AreaTask, Horizon
    from planner.solver.cluster import ClusterSession

#: an area is "near" when its nearest station is at most this many times as far as the
#: resident's own area's nearest station ...
EDGE_RATIO = 1.5
#: ... plus this (degrees of latitude, about 1 km)
EDGE_SLACK_DEG = 0.01
#: an area is offered at most this share of its own stops (the re-solve stays small)
EDGE_CAP = 0.3
#: below this many seconds left, no edge pass
EDGE_MIN_S = 2.0
#: an edge task searches at least this long ...
EDGE_TASK_MIN_S = 2.0
#: ... and costs about this much besides its search (model, matrices, result: 1.15-1.95 s a
#: task at province size, benchmarks/RESULTS.md), so the pass takes the targets that fit
TASK_OVERHEAD_S = 1.5
#: the least search an edge task gets, whatever the overhead left
MIN_EDGE_SEARCH_S = 1.0


class _Stations:
    """Every area's stations in one array, to find each left-out resident's nearest areas in
    one pass over the depots: a province leaves tens of thousands of residents out, and the
    client's time here is not on the workers (benchmarks/RESULTS.md, "Province scale")."""

    def __init__(self, data: ProblemData, areas: Sequence[Area], keys: Sequence[int]) -> None:
        self.keys = list(keys)
        owner, lat, lon = [], [], []
        for j, k in enumerate(self.keys):
            for t in areas[k].teams:
                owner.append(j)
                lat.append(data.teams[t].depot_lat)
                lon.append(data.teams[t].depot_lon)
        self.owner = np.array(owner, dtype=np.intp)
        self.lat, self.lon = np.array(lat), np.array(lon)

    def nearest(self, lat: float, lon: float) -> np.ndarray:
        """Per area (in ``keys`` order), its nearest station's distance (degrees of latitude)."""
        d = np.hypot(self.lat - lat, (self.lon - lon) * math.cos(math.radians(lat)))
        out = np.full(len(self.keys), np.inf)
        np.minimum.at(out, self.owner, d)
        return out


def offers(
    data: ProblemData,
    areas: Sequence[Area],
    parts: dict[int, Result],
    weight: Sequence[float] | None = None,
) -> dict[int, list[int]]:
    """Target area -> the residents' stops (whole-problem indices) offered to it: each stop an
    area left out goes to the nearest other area near enough whose teams may serve it
    (``weight``: each stop's priority, the highest offered first when an area is capped)."""
    weight = _weights(data) if weight is None else weight
    stations = _Stations(data, areas, list(parts))
    position = {k: j for j, k in enumerate(stations.keys)}
    out: dict[int, list[int]] = {}
    for k, part in parts.items():
        for u in part.unserved:
            s = areas[k].stops[u.stop_index]
            stop = data.stops[s]
            d = stations.nearest(stop.lat, stop.lon)
            near = d <= EDGE_RATIO * d[position[k]] + EDGE_SLACK_DEG
            near[position[k]] = False
            for j in np.flatnonzero(near)[np.argsort(d[near], kind="stable")]:
                target = stations.keys[int(j)]
                if any(_may_serve(data.teams[t], stop) for t in areas[target].teams):
                    out.setdefault(target, []).append(s)
                    break
    for j, stops in out.items():
        cap = max(5, int(EDGE_CAP * len(areas[j].stops)))
        out[j] = sorted(stops, key=lambda s: -weight[s])[:cap]
    return out


def _weights(data: ProblemData) -> list[float]:
    return [sum(data.priorities.get(r, 0.0) for r in s.resident_ids) for s in data.stops]


def _warm(area: Area, part: Result) -> list[list[int]]:
    """The area's routes as a warm start (local stop indices per local vehicle)."""
    routes: list[list[int]] = [[] for _ in range(len(area.teams) * area.data.days)]
    for r in part.routes:
        routes[vehicle_index(r.day, r.team_index, len(area.teams))] = [
            v.stop_index for v in r.visits
        ]
    return routes


def _served_weight(area: Area, part: Result, weight: Sequence[float]) -> float:
    return sum(weight[area.stops[v.stop_index]] for r in part.routes for v in r.visits)


def _fitting_targets(
    offered: dict[int, list[int]], weight: Sequence[float], workers: int, left: float
) -> tuple[list[int], float]:
    """The areas the pass re-solves, most offered priority first, as many as fit in the time
    left with each task's overhead; and the seconds of search the workers share after it."""
    rounds = max(1, int(left // (EDGE_TASK_MIN_S + TASK_OVERHEAD_S)))
    ranked = sorted(offered, key=lambda j: (-sum(weight[s] for s in offered[j]), j))
    targets = sorted(ranked[: rounds * workers])
    budget = left - TASK_OVERHEAD_S * math.ceil(len(targets) / workers)
    return targets, max(MIN_EDGE_SEARCH_S, budget)


def edge_pass(
    session: ClusterSession,
    horizon: Horizon,
    areas: list[Area],
    results: dict[int, AreaDone],
    tasks: list[AreaTask],
    started: float,
) -> tuple[list[Area], dict[int, Result], dict[str, float]]:
    """(areas, their results, stats) after the edge pass; areas that took offers grow by the
    stops they now serve, and the areas that left them out lose them from their reasons."""
    from planner.solver.areas_dask import AreaTask, gather, lean, shares

    data, params = horizon.data, horizon.params
    parts = {k: d.result for k, d in results.items()}
    left = params.time_limit_s - (time.monotonic() - started)
    weight = _weights(data)
    offered = offers(data, areas, parts, weight) if left >= EDGE_MIN_S else {}
    stats = {"edge_offered": float(sum(len(v) for v in offered.values())), "edge_taken": 0.0}
    stats["edge_priority_gained"] = 0.0
    if not offered:
        return areas, parts, stats
    targets, budget = _fitting_targets(offered, weight, max(1, session.workers()), left)
    stats["edge_areas"] = float(len(targets))
    grown = {j: _area(data, areas[j].teams, areas[j].stops + tuple(offered[j])) for j in targets}
    seconds = shares([len(grown[j].stops) for j in targets], max(1, session.workers()), budget)
    by_index = {t.index: t for t in tasks}
    edge_tasks = [
        AreaTask(
            j,
            lean(grown[j].data),
            by_index[j].travel,
            replace(by_index[j].params, time_limit_s=s),
            time.time() + left,
            _warm(areas[j], parts[j]),
            local_targets(grown[j], horizon.targets),
        )
        for j, s in zip(targets, seconds, strict=True)
    ]
    again = gather(session, edge_tasks, [len(grown[j].stops) for j in targets], lambda d: None)
    areas = list(areas)
    for j in targets:
        new = again[j].result
        if not new.is_feasible():
            continue
        gain = _served_weight(grown[j], new, weight) - _served_weight(areas[j], parts[j], weight)
        if gain < 0:
            continue
        own = len(areas[j].stops)
        taken = {grown[j].stops[v.stop_index] for r in new.routes for v in r.visits} - set(
            areas[j].stops
        )
        parts[j] = replace(new, unserved=tuple(u for u in new.unserved if u.stop_index < own))
        areas[j] = _area(data, grown[j].teams, grown[j].stops)
        stats["edge_taken"] += len(taken)
        stats["edge_priority_gained"] += gain
        for k in parts:
            if k != j:
                area_k = areas[k]
                parts[k] = replace(
                    parts[k],
                    unserved=tuple(
                        u for u in parts[k].unserved if area_k.stops[u.stop_index] not in taken
                    ),
                )
    return areas, parts, stats
