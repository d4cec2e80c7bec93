"""Why a stop was left out: the documented reason codes of ``planner.reasons_catalogue``."""

from __future__ import annotations

from collections.abc import Sequence

from planner.constants import UNREACHABLE_S
from planner.controls import break_fits, serves_ward, team_shift
from planner.model import ProblemData, Stop
from planner.pins import describe
from planner.solver.result import Route, Unserved
from planner.solver.routing import allowed_vehicles, day_and_team, max_span, vehicle_shift
from planner.travel import TravelModel


def reason_without_vehicle(data: ProblemData, s: int) -> Unserved:
    """For stops no vehicle may take, the first rule that rules out every team: the product,
    a doctor, the wards, the pinned team's days off (or the pin itself)."""
    stop = data.stops[s]
    teams = data.teams
    if stop.vaccine and all(t.vaccine != stop.vaccine for t in teams):
        return Unserved(
            s, "no_team_with_vaccine", f"no team carries the resident's vaccine ({stop.vaccine})"
        )
    teams = tuple(t for t in teams if not stop.vaccine or t.vaccine == stop.vaccine)
    if stop.needs_doctor and not any(t.has_doctor for t in teams):
        return _no_doctor(s)
    teams = tuple(t for t in teams if t.has_doctor or not stop.needs_doctor)
    if not any(serves_ward(t, stop.ward) for t in teams):
        return Unserved(
            s,
            "outside_team_wards",
            f"no team that may serve this household works its ward ({stop.ward or 'none given'})",
        )
    teams = tuple(t for t in teams if serves_ward(t, stop.ward))
    pin = pin_words(data, stop)
    if stop.pin_team:
        teams = tuple(t for t in teams if t.team_id == stop.pin_team)
        if not teams:
            return Unserved(
                s, "pin_impossible", f"{pin}: that team may not serve it (ward, doctor or vaccine)"
            )
    days = range(stop.earliest_day, data.days) if stop.pin_day is None else [stop.pin_day]
    if not any(team_shift(t, data.dates[d]) for t in teams for d in days):
        return Unserved(
            s,
            "team_off",
            f"{pin}: the team does not work then (a day off)"
            if pin
            else "no team that may serve it works on a day it is due (days off)",
        )
    if pin:
        return Unserved(s, "pin_impossible", f"{pin}: no team may serve it that day")
    return _no_doctor(s)


def _no_doctor(s: int) -> Unserved:
    return Unserved(
        s,
        "no_team_with_doctor",
        "a doctor must screen this household and no team with a doctor works on a day it is due",
    )


def pin_words(data: ProblemData, stop: Stop) -> str:
    """'pinned to team DX on 25/11/2026' (or '' when the stop is not pinned)."""
    if not stop.pin_team and stop.pin_day is None:
        return ""
    date = None if stop.pin_day is None else data.dates[stop.pin_day]
    return describe(stop.pin_team, date)


def _fits_alone(
    shift: tuple[int, int],
    out_s: int,
    back_s: int,
    service_s: int,
    window: tuple[int, int],
    brk: int,
) -> tuple[bool, bool]:
    """(fits in the shift, fits in the shift *and* the window) for a route with only this stop."""
    arrive = shift[0] + out_s
    shift_ok = arrive + service_s + back_s + brk <= shift[1]
    begin = max(arrive, window[0])
    window_ok = begin <= window[1] and begin + service_s + back_s + brk <= shift[1]
    return shift_ok, shift_ok and window_ok


def diagnose(
    data: ProblemData, travel: TravelModel, stops: list[int], routes: Sequence[Route] = ()
) -> list[Unserved]:
    """A reason code and text for each stop the search left out: off or cut off from the roads,
    too many doses, out of a shift's reach or its window's, a pin or a team-day limit (the
    search's ``routes`` tell which team-days are at theirs), else ``no_capacity``."""
    if not stops:
        return []
    lat = [t.depot_lat for t in data.teams] + [data.stops[s].lat for s in stops]
    lon = [t.depot_lon for t in data.teams] + [data.stops[s].lon for s in stops]
    modes = {t.travel_mode for t in data.teams}
    matrices = {m: travel.matrix(lat, lon, m) for m in modes}
    off_road = _off_road(travel, lat, lon, modes, len(data.teams))
    by_vehicle = {(r.team_index, r.day): r for r in routes}
    out = []
    for k, s in enumerate(stops):
        road = _road_reason(data, matrices, off_road, k, s)
        out.append(road or _capacity_reason(data, matrices, by_vehicle, k, s))
    return out


def _capacity_reason(
    data: ProblemData, matrices: dict, by_vehicle: dict[tuple[int, int], Route], k: int, s: int
) -> Unserved:
    """Why a reachable stop was left out: doses, shift, window, span limit, pin, day limit."""
    stop, n_teams = data.stops[s], len(data.teams)
    vehicles = [day_and_team(v, n_teams)[::-1] for v in allowed_vehicles(data, s)]
    if all(stop.doses > data.teams[t].max_doses for t, _ in vehicles):
        return Unserved(
            s,
            "exceeds_team_doses",
            f"the household needs {stop.doses} doses; no team carries that many in a day",
        )
    window = (stop.window_start_s or 0, stop.window_end_s or 24 * 3600)
    shift_ok = window_ok = span_ok = False
    for t, day in vehicles:
        m = matrices[data.teams[t].travel_mode]
        out_s, back_s = int(m.seconds[t, n_teams + k]), int(m.seconds[n_teams + k, t])
        shift = vehicle_shift(data, (t, day))
        brk = data.teams[t].break_s if break_fits(data.teams[t], shift) else 0
        a, b = _fits_alone(shift, out_s, back_s, stop.service_s, window, brk)
        shift_ok, window_ok = shift_ok or a, window_ok or b
        span = max_span(data, (t, day), None)
        span_ok = span_ok or (b and (span is None or out_s + stop.service_s + back_s <= span))
    pin = pin_words(data, stop)
    if not shift_ok:
        return Unserved(
            s,
            "pin_impossible" if pin else "outside_shift_reach",
            (f"{pin}: " if pin else "")
            + "too far: no team can get there, vaccinate and return within its shift",
        )
    if not window_ok:
        return Unserved(
            s,
            "pin_impossible" if pin else "window_unreachable",
            (f"{pin}: " if pin else "")
            + "no team can be there within the hours the resident is available",
        )
    limited = not span_ok or any(_at_limit(data, by_vehicle.get(v), v, stop) for v in vehicles)
    if pin:
        why = "its team-day is at its limit of stops or hours" if limited else "its day is full"
        return Unserved(s, "pin_impossible", f"{pin}: {why}")
    if limited:
        return Unserved(
            s,
            "team_day_limit",
            "the team-days that could take it are at their limit of stops or hours "
            "(max_stops, max_hours)",
        )
    return Unserved(
        s,
        "no_capacity",
        "the teams' days are full (time or doses): residents with a "
        "higher priority were planned first; add a day or a team",
    )


def _at_limit(data: ProblemData, route: Route | None, vehicle: tuple[int, int], stop: Stop) -> bool:
    """Whether the team-day's route is at its max_stops, or has no room for the stop's visit
    under its max_hours."""
    team = data.teams[vehicle[0]]
    if route is None:
        return False
    if team.max_stops is not None and len(route.visits) >= team.max_stops:
        return True
    span = max_span(data, vehicle, None)
    return span is not None and route.end_s - route.start_s + stop.service_s > span


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
