"""Split a large horizon into areas, each with its own teams and residents, solved one by one.

Why: one routing model over 5,000 stops and 200 team-days needs several GB (a full matrix per
travel mode and day) and its first solution alone takes minutes. Health centres send teams out
of ward stations, so the areas are groups of stations (k-means on the teams' depots, k chosen
so an area holds about ``split_stops`` stops), and every stop goes to the nearest area whose
teams may serve it (doctor, vaccine). What is lost: a resident near an area's edge is never
served by the neighbouring area's teams, even when those have time to spare.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from planner.model import ProblemData, Stop, Team


@dataclass(frozen=True)
class Area:
    """One part: global team and stop indices, and the sub-problem over them."""

    teams: tuple[int, ...]
    stops: tuple[int, ...]
    data: ProblemData
    global_teams: int

    def vehicle(self, local: int) -> int:
        """Global vehicle of a local one (vehicles are numbered day * teams + team)."""
        day, t = divmod(local, len(self.teams))
        return day * self.global_teams + self.teams[t]


def _team_groups(teams: Sequence[Team], k: int) -> list[list[int]]:
    """k-means on depots (farthest-point start, deterministic); empty groups are dropped."""
    xy = np.array([(t.depot_lat, t.depot_lon * math.cos(math.radians(t.depot_lat)))
                   for t in teams])
    centres = [xy[0]]
    while len(centres) < k:
        d = np.min([np.hypot(*(xy - c).T) for c in centres], axis=0)
        centres.append(xy[int(np.argmax(d))])
    c = np.array(centres)
    for _ in range(20):
        label = np.argmin(np.hypot(xy[:, None, 0] - c[None, :, 0],
                                   xy[:, None, 1] - c[None, :, 1]), axis=1)
        c = np.array([xy[label == j].mean(axis=0) if (label == j).any() else c[j]
                      for j in range(k)])
    return [list(np.flatnonzero(label == j)) for j in range(k) if (label == j).any()]


def _may_serve(team: Team, stop: Stop) -> bool:
    return (team.has_doctor or not stop.needs_doctor) and (
        not stop.vaccine or stop.vaccine == team.vaccine)


def split(data: ProblemData, stops: Sequence[int], split_stops: int) -> list[Area]:
    """Areas of about ``split_stops`` stops; one area (no split) when the problem is small."""
    k = min(len(data.teams), math.ceil(len(stops) / max(1, split_stops)))
    if k <= 1:
        return []
    groups = _team_groups(data.teams, k)
    if len(groups) <= 1:
        return []
    centre = [np.mean([[data.teams[t].depot_lat, data.teams[t].depot_lon] for t in g], axis=0)
              for g in groups]
    members: list[list[int]] = [[] for _ in groups]
    for s in stops:
        stop = data.stops[s]
        order = sorted(range(len(groups)), key=lambda j: math.hypot(
            stop.lat - centre[j][0], (stop.lon - centre[j][1]) * math.cos(math.radians(
                stop.lat))))
        home = next((j for j in order if any(_may_serve(data.teams[t], stop)
                                             for t in groups[j])), order[0])
        members[home].append(s)
    areas = []
    for g, m in zip(groups, members, strict=True):
        area = _area(data, tuple(int(t) for t in g), tuple(m))
        # stations are not spread like residents: an area far above the size is split again
        parts = split(area.data, range(len(m)), split_stops) if len(m) > 1.25 * split_stops \
            else []
        areas += [_area(data, tuple(area.teams[t] for t in part.teams),
                        tuple(area.stops[x] for x in part.stops)) for part in parts] or [area]
    return areas


def _area(data: ProblemData, teams: tuple[int, ...], stops: tuple[int, ...]) -> Area:
    team_at = {t: k for k, t in enumerate(teams)}
    stop_at = {s: k for k, s in enumerate(stops)}
    n_global, n_local = len(data.teams), len(teams)

    def local_vehicle(v: int) -> int | None:
        day, t = divmod(v, n_global)
        return day * n_local + team_at[t] if t in team_at else None

    previous = {stop_at[s]: lv for s, v in data.previous_vehicle.items()
                if s in stop_at and (lv := local_vehicle(v)) is not None}
    sub = replace(data, teams=tuple(data.teams[t] for t in teams),
                  stops=tuple(data.stops[s] for s in stops),
                  starts={(team_at[t], d): x for (t, d), x in data.starts.items()
                          if t in team_at},
                  previous_vehicle=previous)
    return Area(teams, stops, sub, n_global)


def local_routes(area: Area, routes: Sequence[Sequence[int]] | None
                 ) -> list[list[int]] | None:
    """Warm-start routes (global vehicles, global stops) restricted to one area."""
    if not routes:
        return None
    stop_at = {s: k for k, s in enumerate(area.stops)}
    out = []
    for local in range(len(area.teams) * area.data.days):
        v = area.vehicle(local)
        route = routes[v] if v < len(routes) else []
        out.append([stop_at[s] for s in route if s in stop_at])
    return out


def local_targets(area: Area, targets: tuple[dict[int, int], int] | None
                  ) -> tuple[dict[int, int], int] | None:
    """Dose targets (global vehicles) restricted to one area's vehicles."""
    if targets is None:
        return None
    by_vehicle, weight = targets
    local = {lv: by_vehicle[v] for lv in range(len(area.teams) * area.data.days)
             if (v := area.vehicle(lv)) in by_vehicle}
    return local, weight
