"""What a re-plan carries over from the plan it continues, and how the pipeline uses it.

planner/replan.py decides what is carried over (a :class:`Continuation`); the pipeline
(planner/pipeline.py) plans with it: :func:`warm_start` turns the previous routes into the
solver's warm start and each stop's previous vehicle (moving a stop costs
``solver.change_cost``), and :func:`compose` puts the stops kept today in front of the teams'
new routes and counts their travel again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache

from planner.model import ProblemData, Resident, Team, VehicleStart
from planner.plan import add_legs, iso_time, parse_iso_time, route_vials
from planner.plan_document import Plan, PlanBreak, PlanRoute, PlanStop
from planner.settings import Settings
from planner.solver import vehicle_index
from planner.solver.routing import allowed_vehicles
from planner.travel import TravelModel


@dataclass(frozen=True)
class Continuation:
    """A re-plan's inputs beyond the residents and teams.

    ``previous``: the previous plan's routes (the warm start, who was with which team on
    which day, today's lunch breaks); ``kept``: per team, today's stops up to its current stop,
    kept as they were done; ``starts``: where each team's day resumes (vehicle (team, day) ->
    place, time, doses used); ``kept_residents``: the residents on kept stops as the checker
    must see them (a resident deleted after the visit is a bare stand-in); ``locked``: hand
    edits' locked routes, (team id, ISO date) -> its stops in order, each as its resident ids
    (kept exactly: planner/solver/locks.py); ``locked_open``: those of them whose day goes on
    after their stops (a move: the route kept up to the moved stop)."""

    previous: Sequence[PlanRoute]
    kept: Mapping[str, tuple[PlanStop, ...]] = field(default_factory=dict)
    starts: Mapping[tuple[int, int], VehicleStart] = field(default_factory=dict)
    kept_residents: Sequence[Resident] = ()
    locked: Mapping[tuple[str, str], tuple[tuple[str, ...], ...]] = field(default_factory=dict)
    locked_open: frozenset[tuple[str, str]] = frozenset()

    def kept_places(self) -> list[tuple[float, float]]:
        """Where the kept stops are (the travel model must know them)."""
        return [(s.lat, s.lon) for stops in self.kept.values() for s in stops]


def warm_start(
    previous: Sequence[PlanRoute], data: ProblemData
) -> tuple[dict[int, int], list[list[int]]]:
    """Previous vehicle of each stop, and the previous routes as a warm start (stop indices
    per vehicle), for the routes within the horizon of teams still on the list; a stop no
    longer allowed on its previous vehicle (a pin, a ward, a day off) is left out of the warm
    start, which OR-Tools would otherwise refuse whole."""
    team_index = {t.team_id: i for i, t in enumerate(data.teams)}
    stop_of = {rid: k for k, s in enumerate(data.stops) for rid in s.resident_ids}
    routes: list[list[int]] = [[] for _ in range(data.days * len(data.teams))]
    allowed = cache(lambda k: set(allowed_vehicles(data, k)))  # a pin moved it: not warm there
    vehicle_of: dict[int, int] = {}
    for route in previous:
        day = (dt.date.fromisoformat(route.date) - data.start_date).days
        if not 0 <= day < data.days or route.team_id not in team_index:
            continue
        v = vehicle_index(day, team_index[route.team_id], len(data.teams))
        for stop in route.stops:
            for k in sorted({stop_of[r] for r in stop.resident_ids if r in stop_of}):
                vehicle_of.setdefault(k, v)
                if k not in routes[v] and v in allowed(k):
                    routes[v].append(k)
    return vehicle_of, routes


def locked_chains(
    locked: Mapping[tuple[str, str], Sequence[Sequence[str]]], data: ProblemData
) -> dict[int, tuple[int, ...]]:
    """``ProblemData.locked_routes`` from locked routes given by resident ids: vehicle -> the
    stop indices of its residents in route order. A resident no longer planned (vaccinated
    since, deleted) leaves the route; a stop already locked elsewhere stays there."""
    team_index = {t.team_id: i for i, t in enumerate(data.teams)}
    stop_of = {rid: k for k, s in enumerate(data.stops) for rid in s.resident_ids}
    out: dict[int, tuple[int, ...]] = {}
    taken: set[int] = set()
    for (team_id, date), stops in sorted(locked.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        day = (dt.date.fromisoformat(date) - data.start_date).days
        if not 0 <= day < data.days or team_id not in team_index:
            continue
        chain: list[int] = []
        for rids in stops:
            for k in sorted({stop_of[r] for r in rids if r in stop_of} - taken):
                chain.append(k)
                taken.add(k)
        out[vehicle_index(day, team_index[team_id], len(data.teams))] = tuple(chain)
    return out


def open_vehicles(keys: frozenset[tuple[str, str]], data: ProblemData) -> frozenset[int]:
    """``ProblemData.locked_open``: the vehicles of these (team id, ISO date) keys."""
    team_index = {t.team_id: i for i, t in enumerate(data.teams)}
    out = set()
    for team_id, date in keys:
        day = (dt.date.fromisoformat(date) - data.start_date).days
        if 0 <= day < data.days and team_id in team_index:
            out.add(vehicle_index(day, team_index[team_id], len(data.teams)))
    return frozenset(out)


def compose(
    plan: Plan,
    carried: Continuation,
    teams: Sequence[Team],
    travel: TravelModel,
    settings: Settings,
) -> Plan:
    """Put the kept stops in front of today's new routes, count their travel again; show
    the lunch break a team already took; recount the summary."""
    today = plan.start_date
    by_team = {t.team_id: t for t in teams}
    before = {r.team_id: r for r in carried.previous if r.date == today}
    routes = {(r.date, r.team_id): r for r in plan.routes}
    for team_id, prefix in carried.kept.items():
        route = routes.get((today, team_id))
        routes[(today, team_id)] = _continued(
            route, prefix, before[team_id], by_team[team_id], travel, settings
        )
    for route in plan.routes:  # lunch already taken before the re-plan: keep it shown
        if route.date == today:
            current = routes[(today, route.team_id)]
            routes[(today, route.team_id)] = _lunch_shown(
                current, by_team[route.team_id], before.get(route.team_id)
            )
    ordered = tuple(r for _, r in sorted(routes.items()))
    return replace(plan, routes=ordered).recounted()


def _continued(
    route: PlanRoute | None,
    prefix: tuple[PlanStop, ...],
    old: PlanRoute,
    team: Team,
    travel: TravelModel,
    settings: Settings,
) -> PlanRoute:
    """The team's route today: the kept stops, then its new ones (none when ``route`` is None:
    the team goes back to its station), from the day's first start, legs counted again."""
    fresh = route is None
    if route is None:
        route = PlanRoute(
            old.team_id,
            old.date,
            old.start,
            old.end,
            0,
            0,
            (),
            team_name=old.team_name,
            travel_mode=old.travel_mode,
            depot=old.depot,
            lunch=old.lunch,
        )
    stops = tuple(replace(s, seq=seq) for seq, s in enumerate((*prefix, *route.stops), start=1))
    lunch = route.lunch
    if not lunch or (old.lunch and old.lunch.end <= prefix[-1].departure):
        lunch = old.lunch
    route = replace(
        route,
        stops=stops,
        start=old.start,
        lunch=lunch,
        vaccine=route.vaccine
        if route.vaccine is not None
        else old.vaccine or team.vaccine or settings.vials.product,
    )
    route = _recount(route, travel, fresh)
    return route_vials(route, settings.vials.products)


def _recount(route: PlanRoute, travel: TravelModel, fresh: bool) -> PlanRoute:
    """Legs, distance, travel and doses counted again; a route made here ends back at the
    station after its last stop."""
    (route,) = add_legs([route], travel)
    route = replace(
        route,
        distance_m=sum(s.distance_m_from_previous or 0 for s in route.stops)
        + (route.return_distance_m or 0),
        travel_s=sum(s.travel_s_from_previous or 0 for s in route.stops)
        + (route.return_travel_s or 0),
        doses=sum(s.doses for s in route.stops),
    )
    if fresh:
        date, last = parse_iso_time(route.stops[-1].departure)
        route = replace(route, end=iso_time(date, last + (route.return_travel_s or 0)))
    return route


def _lunch_shown(route: PlanRoute, team: Team, old: PlanRoute | None) -> PlanRoute:
    """A route whose team has a lunch break but whose new plan has none (taken before the
    re-plan) shows the previous plan's break, or the team's usual one."""
    if route.lunch is not None or team.break_start_s is None or not team.break_minutes:
        return route
    day = dt.date.fromisoformat(route.date)
    return replace(
        route,
        lunch=(old.lunch if old else None)
        or PlanBreak(
            iso_time(day, team.break_start_s),
            iso_time(day, team.break_start_s + 60 * team.break_minutes),
        ),
    )
