"""Split a large horizon into areas, each with its own teams and residents, solved one by one.

Why: one routing model over 5,000 stops and 200 team-days needs several GB (a full matrix per
travel mode and day) and its first solution alone takes minutes. Health centres send teams out
of ward stations, so the areas are groups of stations (k-means on the teams' depots, k chosen
so an area holds about ``split_stops`` stops), and every stop goes to the area of its nearest
station whose teams may serve it (doctor, vaccine). Areas are then balanced: an area with more
visiting time than its teams' shifts hands its stops nearest to another area over to that one
while the other has time to spare, so one area does not leave residents out while its neighbour
serves lower-priority ones (benchmarks/RESULTS.md). What is lost: routes never cross an area's
edge.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from planner.controls import may_serve, working_s
from planner.model import ProblemData, Stop, Team
from planner.solver.routing import day_and_team, vehicle_index

#: areas are balanced down to the whole problem's share of visiting time in the shifts, but
#: never below this share (an area with less has time left for its travel: nothing to move)
BALANCE_FLOOR = 0.7
#: ... within this relative tolerance (a stop or two either way is not worth a move)
BALANCE_SLACK = 0.02


@dataclass(frozen=True)
class Area:
    """One part: global team and stop indices, and the sub-problem over them."""

    teams: tuple[int, ...]
    stops: tuple[int, ...]
    data: ProblemData
    global_teams: int

    def vehicle(self, local: int) -> int:
        """Global vehicle of a local one."""
        day, t = day_and_team(local, len(self.teams))
        return vehicle_index(day, self.teams[t], self.global_teams)


def _team_groups(teams: Sequence[Team], k: int) -> list[list[int]]:
    """k-means on depots (farthest-point start, deterministic); empty groups are dropped."""
    xy = np.array([(t.depot_lat, t.depot_lon * math.cos(math.radians(t.depot_lat))) for t in teams])
    centres = [xy[0]]
    while len(centres) < k:
        d = np.min([np.hypot(*(xy - c).T) for c in centres], axis=0)
        centres.append(xy[int(np.argmax(d))])
    c = np.array(centres)
    for _ in range(20):
        label = np.argmin(
            np.hypot(xy[:, None, 0] - c[None, :, 0], xy[:, None, 1] - c[None, :, 1]), axis=1
        )
        c = np.array(
            [xy[label == j].mean(axis=0) if (label == j).any() else c[j] for j in range(k)]
        )
    return [list(np.flatnonzero(label == j)) for j in range(k) if (label == j).any()]


def _may_serve(team: Team, stop: Stop) -> bool:
    """The day-free rules of allowed_vehicles (doctor, vaccine, ward, pinned team): one
    definition, planner.controls.may_serve."""
    return may_serve(team, stop)


def split(data: ProblemData, stops: Sequence[int], split_stops: int) -> list[Area]:
    """Areas of about ``split_stops`` stops; one area (no split) when the problem is small."""
    k = min(len(data.teams), math.ceil(len(stops) / max(1, split_stops)))
    if k <= 1:
        return []
    groups = _team_groups(data.teams, k)
    if len(groups) <= 1:
        return []
    far = _station_distance(data, stops, groups)
    serve = np.array(
        [[any(_may_serve(data.teams[t], data.stops[s]) for t in g) for g in groups] for s in stops]
    )
    # the nearest station whose teams may serve the stop (the nearest at all if none may)
    home = np.argmin(np.where(serve | ~serve.any(axis=1, keepdims=True), far, np.inf), axis=1)
    home = _balance(data, stops, groups, home, far, serve)
    members = [[s for s, h in zip(stops, home, strict=True) if h == j] for j in range(len(groups))]
    areas = []
    for g, m in zip(groups, members, strict=True):
        area = _area(data, tuple(int(t) for t in g), tuple(m))
        # stations are not spread like residents: an area far above the size is split again
        parts = split(area.data, range(len(m)), split_stops) if len(m) > 1.25 * split_stops else []
        areas += [
            _area(
                data,
                tuple(area.teams[t] for t in part.teams),
                tuple(area.stops[x] for x in part.stops),
            )
            for part in parts
        ] or [area]
    return areas


def _station_distance(
    data: ProblemData, stops: Sequence[int], groups: list[list[int]]
) -> npt.NDArray[np.float64]:
    """Stops x areas: straight-line distance (degrees of latitude) to the area's nearest depot."""
    lat = np.array([data.stops[s].lat for s in stops])
    lon = np.array([data.stops[s].lon for s in stops])
    shrink = np.cos(np.radians(lat))
    out = np.empty((len(stops), len(groups)))
    for j, g in enumerate(groups):
        d = [
            np.hypot(lat - data.teams[t].depot_lat, (lon - data.teams[t].depot_lon) * shrink)
            for t in g
        ]
        out[:, j] = np.min(d, axis=0)
    return out


def _balance(
    data: ProblemData,
    stops: Sequence[int],
    groups: list[list[int]],
    home: npt.NDArray[np.intp],
    far: npt.NDArray[np.float64],
    serve: npt.NDArray[np.bool_],
) -> npt.NDArray[np.intp]:
    """Move stops out of the area most loaded (visiting time against its teams' shifts), each
    time the stop and the area with room that add the least distance to a station, until every
    area is loaded about alike. ``home``: each stop's area; ``serve``: stops x areas, whether
    one of the area's teams may serve the stop. Returns the stops' areas after the moves."""
    k = len(groups)
    home = home.copy()
    dates = data.dates
    shift = np.array(  # the teams' working seconds over the horizon: days off and short days
        [max(1.0, sum(working_s(data.teams[t], d) for t in g for d in dates)) for g in groups]
    )
    service = np.array([data.stops[s].service_s for s in stops], dtype=float)
    load = np.bincount(home, weights=service, minlength=k)
    # below this share of their shifts in visits, an area's teams have room left for travel
    target = max(BALANCE_FLOOR, load.sum() / shift.sum())
    for _ in range(len(stops)):
        ratio = load / shift
        j = int(np.argmax(ratio))
        if ratio[j] <= target * (1 + BALANCE_SLACK):
            break
        rows = np.flatnonzero(home == j)
        extra = far[rows] - far[rows, j][:, None]
        extra[~(serve[rows] & (ratio < target)[None, :])] = np.inf
        if not rows.size or not np.isfinite(extra.min()):
            break
        r, i = divmod(int(np.argmin(extra)), k)
        home[rows[r]] = i
        load[j] -= service[rows[r]]
        load[i] += service[rows[r]]
    return home


def _area(data: ProblemData, teams: tuple[int, ...], stops: tuple[int, ...]) -> Area:
    team_at = {t: k for k, t in enumerate(teams)}
    stop_at = {s: k for k, s in enumerate(stops)}
    n_global, n_local = len(data.teams), len(teams)

    def local_vehicle(v: int) -> int | None:
        """The area's vehicle for global vehicle ``v`` (None when its team is not in the area)."""
        day, t = day_and_team(v, n_global)
        return vehicle_index(day, team_at[t], n_local) if t in team_at else None

    previous = {
        stop_at[s]: lv
        for s, v in data.previous_vehicle.items()
        if s in stop_at and (lv := local_vehicle(v)) is not None
    }
    sub = replace(
        data,
        teams=tuple(data.teams[t] for t in teams),
        stops=tuple(data.stops[s] for s in stops),
        starts={(team_at[t], d): x for (t, d), x in data.starts.items() if t in team_at},
        previous_vehicle=previous,
    )
    return Area(teams, stops, sub, n_global)


def local_routes(area: Area, routes: Sequence[Sequence[int]] | None) -> list[list[int]] | None:
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


def local_targets(
    area: Area, targets: tuple[dict[int, int], int] | None
) -> tuple[dict[int, int], int] | None:
    """Dose targets (global vehicles) restricted to one area's vehicles."""
    if targets is None:
        return None
    by_vehicle, weight = targets
    local = {
        lv: by_vehicle[v]
        for lv in range(len(area.teams) * area.data.days)
        if (v := area.vehicle(lv)) in by_vehicle
    }
    return local, weight
