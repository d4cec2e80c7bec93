"""Sectors: an area far above the split size whose teams share a station is cut by geography.

decompose.split groups *stations* (k-means on the teams' depots), so the teams of one station
are never parted: a large commune's station with 80 teams and 5,000 home-bound residents stays
one area of 5,000 stops (a province of 100,000 residents on 48 ward stations gave areas of up
to 5,287 stops, benchmarks/RESULTS.md), a model OR-Tools stalls on. Such an area is cut into
sectors before it is solved (entry._solve_horizon: in this process and on a cluster alike):
k-means on the stops' places into about ``split_stops`` each, the area's teams dealt to the
sectors in proportion to their visiting time (at least one each; each team to the nearest
sector with room, so that skills, doctors and vaccines, are dealt in turn among sectors as
near as each other). What is lost is what areas lose: a team serves its own sector only.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from planner.model import ProblemData
from planner.solver.decompose import Area, _area

#: an area is cut when it holds more than this times the split size
CUT_ABOVE = 1.25
#: teams whose depots lie within this (degrees, about 1 km) work from one station
ONE_STATION_DEG = 0.01


def _kmeans(xy: npt.NDArray[np.float64], k: int) -> npt.NDArray[np.intp]:
    """Labels of k-means on the points (farthest-point start: deterministic)."""
    centres = [xy[0]]
    while len(centres) < k:
        d = np.min([np.hypot(*(xy - c).T) for c in centres], axis=0)
        centres.append(xy[int(np.argmax(d))])
    c = np.array(centres)
    label = np.zeros(len(xy), dtype=np.intp)
    for _ in range(15):
        label = np.argmin(
            np.hypot(xy[:, None, 0] - c[None, :, 0], xy[:, None, 1] - c[None, :, 1]), axis=1
        )
        c = np.array(
            [xy[label == j].mean(axis=0) if (label == j).any() else c[j] for j in range(k)]
        )
    return label


def _quotas(load: npt.NDArray[np.float64], teams: int) -> list[int]:
    """Teams per sector in proportion to its load, at least one each (largest remainder)."""
    k = len(load)
    share = load / max(load.sum(), 1e-9) * (teams - k)
    quota = [1 + int(x) for x in share]  # share >= 0: int() floors
    for j in np.argsort(-(share - np.floor(share)))[: teams - sum(quota)]:
        quota[int(j)] += 1
    return quota


def cut(data: ProblemData, area: Area, split_stops: int) -> list[Area]:
    """The area's sectors (itself when it is small enough or has one team)."""
    n, t = len(area.stops), len(area.teams)
    k = min(t, math.ceil(n / max(1, split_stops)))
    if n <= CUT_ABOVE * split_stops or k <= 1:
        return [area]
    lat = np.array([data.stops[s].lat for s in area.stops])
    lon = np.array([data.stops[s].lon for s in area.stops])
    shrink = math.cos(math.radians(float(lat.mean())))
    label = _kmeans(np.column_stack([lat, lon * shrink]), k)
    groups = [j for j in range(k) if (label == j).any()]
    service = np.array([data.stops[s].service_s for s in area.stops], dtype=float)
    quota = _quotas(np.array([service[label == j].sum() for j in groups]), t)
    centre = [(lat[label == j].mean(), lon[label == j].mean() * shrink) for j in groups]
    members: list[list[int]] = [[] for _ in groups]
    skill = sorted(area.teams, key=lambda x: (data.teams[x].vaccine, data.teams[x].has_doctor))
    depots = np.array([(data.teams[x].depot_lat, data.teams[x].depot_lon * shrink) for x in skill])
    # one station (depots within about a kilometre): distance says nothing, skills are dealt
    one_station = bool(np.ptp(depots, axis=0).max() < ONE_STATION_DEG)
    for team, (dlat, dlon) in zip(skill, depots, strict=True):
        far = [0.0 if one_station else math.hypot(dlat - a, dlon - b) for a, b in centre]
        room = [g for g in range(len(groups)) if len(members[g]) < quota[g]]
        # the nearest sector with room; among sectors as near, the one with the most room
        best = min(room, key=lambda g: (far[g], len(members[g]) - quota[g]))
        members[best].append(team)
    return [
        _area(
            data,
            tuple(sorted(members[g])),
            tuple(s for s, lab in zip(area.stops, label, strict=True) if lab == groups[g]),
        )
        for g in range(len(groups))
    ]


def sectors(data: ProblemData, areas: list[Area], split_stops: int, depth: int = 3) -> list[Area]:
    """Every area cut into sectors where it is far above the split size (see the module);
    k-means on hamlets is lopsided at times, so a sector still far above is cut again (at most
    ``depth`` times)."""
    out = []
    for area in areas:
        parts = cut(data, area, split_stops)
        if len(parts) > 1 and depth > 1:
            parts = sectors(data, parts, split_stops, depth - 1)
        out += parts
    return out
