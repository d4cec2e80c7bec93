"""Why a stop was left out: the documented reason codes of ``planner.reasons_catalogue``."""

from __future__ import annotations

from planner.constants import UNREACHABLE_S
from planner.model import ProblemData, Team
from planner.solver.result import Unserved
from planner.travel import TravelModel


def reason_without_vehicle(data: ProblemData, s: int) -> Unserved:
    """For stops no vehicle may take: no team carries the product, or a doctor is needed."""
    stop = data.stops[s]
    if stop.vaccine and all(t.vaccine != stop.vaccine for t in data.teams):
        return Unserved(
            s, "no_team_with_vaccine", f"no team carries the resident's vaccine ({stop.vaccine})"
        )
    return Unserved(
        s,
        "no_team_with_doctor",
        "a doctor must screen this household and no team with a doctor works on a day it is due",
    )


def _fits_alone(
    team: Team, out_s: int, back_s: int, service_s: int, window: tuple[int, int], break_s: int
) -> tuple[bool, bool]:
    """(fits in the shift, fits in the shift *and* the window) for a route with only this stop."""
    arrive = team.shift_start_s + out_s
    shift_ok = arrive + service_s + back_s + break_s <= team.shift_end_s
    begin = max(arrive, window[0])
    window_ok = begin <= window[1] and begin + service_s + back_s + break_s <= team.shift_end_s
    return shift_ok, shift_ok and window_ok


def diagnose(data: ProblemData, travel: TravelModel, stops: list[int]) -> list[Unserved]:
    """A reason code and text for each stop the search left out: off or cut off from the roads,
    too many doses, out of a shift's reach or its window's, else ``no_capacity``."""
    if not stops:
        return []
    lat = [t.depot_lat for t in data.teams] + [data.stops[s].lat for s in stops]
    lon = [t.depot_lon for t in data.teams] + [data.stops[s].lon for s in stops]
    modes = {t.travel_mode for t in data.teams}
    matrices = {m: travel.matrix(lat, lon, m) for m in modes}
    off_road = _off_road(travel, lat, lon, modes, len(data.teams))
    n_teams, out = len(data.teams), []
    for k, s in enumerate(stops):
        stop = data.stops[s]
        road = _road_reason(data, matrices, off_road, k, s)
        if road is not None:
            out.append(road)
            continue
        window = (stop.window_start_s or 0, stop.window_end_s or 24 * 3600)
        teams = [t for t in data.teams if t.has_doctor or not stop.needs_doctor]
        if all(stop.doses > t.max_doses for t in teams):
            out.append(
                Unserved(
                    s,
                    "exceeds_team_doses",
                    f"the household needs {stop.doses} doses; no team carries that many in a day",
                )
            )
            continue
        shift_ok = window_ok = False
        for t in teams:
            m = matrices[t.travel_mode]
            ti = data.teams.index(t)
            a, b = _fits_alone(
                t,
                int(m.seconds[ti, n_teams + k]),
                int(m.seconds[n_teams + k, ti]),
                stop.service_s,
                window,
                t.break_s,
            )
            shift_ok, window_ok = shift_ok or a, window_ok or b
        if not shift_ok:
            out.append(
                Unserved(
                    s,
                    "outside_shift_reach",
                    "too far: no team can get there, vaccinate and return within its shift",
                )
            )
        elif not window_ok:
            out.append(
                Unserved(
                    s,
                    "window_unreachable",
                    "no team can be there within the hours the resident is available",
                )
            )
        else:
            out.append(
                Unserved(
                    s,
                    "no_capacity",
                    "the teams' days are full (time or doses): residents with a "
                    "higher priority were planned first; add a day or a team",
                )
            )
    return out


def _off_road(
    travel: TravelModel, lat: list[float], lon: list[float], modes: set[str], n_teams: int
) -> dict[str, set[int]]:
    """Per mode, the stops (by position k) no usable road comes near (road models only)."""
    return {
        m: {i - n_teams for i in travel.point_issues(lat, lon, m) if i >= n_teams} for m in modes
    }


def _road_reason(
    data: ProblemData, matrices: dict, off_road: dict[str, set[int]], k: int, s: int
) -> Unserved | None:
    teams = list(enumerate(data.teams))
    if all(k in off_road[t.travel_mode] for _, t in teams):
        return Unserved(
            s,
            "no_road_nearby",
            "no road the teams can use comes near enough to "
            "the address (see roads.max_snap_m); check its coordinates",
        )
    n = len(data.teams)
    if all(
        int(matrices[t.travel_mode].seconds[i, n + k]) >= UNREACHABLE_S
        or int(matrices[t.travel_mode].seconds[n + k, i]) >= UNREACHABLE_S
        for i, t in teams
    ):
        return Unserved(
            s,
            "road_unreachable",
            "the road network joins no team's station to "
            "this address and back (a cut-off part of the map, or one-way streets)",
        )
    return None
