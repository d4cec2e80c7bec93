"""Turn a solver :class:`Result` into the plan (planner/plan_document.py, ``plan.json``).

Fields beyond the spec (allowed: "extend, never break"): per route ``team_name``,
``travel_mode``, ``depot``, ``break``, ``doses``, ``vaccine``, ``vials``, ``doses_wasted``,
``return_travel_s``, ``return_distance_m`` and on road networks ``return_path``;
per stop ``travel_s_from_previous``, ``distance_m_from_previous`` (and, on road networks,
``path_from_previous``, ``[[lat, lon], ...]`` along the roads, and ``offroad_m``, the walk from
the road to the door), ``stop_id``, ``household_id``,
``ward``, ``needs_doctor``, ``service_s``; ``parameters`` (what the checker needs to recompute
service times) and a richer ``summary``.
"""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import asdict, replace
from typing import Any

from planner.constants import UTC_OFFSET, VN_TZ
from planner.model import ProblemData
from planner.plan_document import (
    Depot,
    Excluded,
    Plan,
    PlanBreak,
    PlanRoute,
    PlanStop,
    PlanSummary,
    PlanVial,
    Unassigned,
    resident_ids,
)
from planner.priority import priority_band
from planner.settings import Product, Settings
from planner.solver import Result, Route
from planner.travel import TravelModel
from planner.vials import products_json, simulate


def iso_time(date: dt.date, seconds: int) -> str:
    """Local ISO 8601 date-time with the Viet Nam offset: 2026-11-23T07:30:00+07:00."""
    h, rem = divmod(int(seconds), 3600)
    m, s = divmod(rem, 60)
    return f"{date.isoformat()}T{h:02d}:{m:02d}:{s:02d}{UTC_OFFSET}"


def parse_iso_time(value: str) -> tuple[dt.date, int]:
    """Inverse of :func:`iso_time`: (date, seconds after midnight)."""
    stamp = dt.datetime.fromisoformat(value)
    return stamp.date(), stamp.hour * 3600 + stamp.minute * 60 + stamp.second


def build_plan(
    data: ProblemData,
    result: Result,
    travel: TravelModel,
    settings: Settings,
    plan_id: str | None = None,
    created_at: dt.datetime | None = None,
) -> Plan:
    """The plan of a solve: its routes with times, legs and vials, who is left out and why,
    who is excluded, the settings the checker needs, the summary."""
    created = created_at or dt.datetime.now(VN_TZ)
    routes = add_legs(
        [
            _route(data, r, settings)
            for r in sorted(result.routes, key=lambda r: (r.day, r.team_index))
        ],
        travel,
    )
    unassigned = [
        Unassigned(rid, code, reason) for rid, (code, reason) in sorted(data.pre_unassigned.items())
    ]
    unassigned += [
        Unassigned(rid, u.reason_code, u.reason)
        for u in result.unserved
        for rid in data.stops[u.stop_index].resident_ids
    ]
    excluded = [Excluded(rid, status) for rid, status in sorted(data.excluded.items())]
    summary = PlanSummary.of(
        routes,
        unassigned,
        excluded,
        _coverage(data, set(resident_ids(routes)), settings),
        round(result.runtime_s, 2),
        result.solutions_found,
    )
    return Plan(
        plan_id or f"plan-{data.start_date.isoformat()}-{uuid.uuid4().hex[:8]}",
        created.isoformat(timespec="seconds"),
        data.start_date.isoformat(),
        data.days,
        travel.describe(),
        tuple(routes),
        tuple(unassigned),
        tuple(excluded),
        _parameters(settings) | ({"compute": dict(result.cluster)} if result.cluster else {}),
        summary,
    )


def _parameters(settings: Settings) -> dict[str, Any]:
    """The settings a checker needs to recompute service times, due dates, breaks, vials."""
    return {
        "visit": asdict(settings.visit),
        "doses": {
            "min_interval_days": {str(k): v for k, v in settings.doses.min_interval_days.items()}
        },
        "solver": {
            "time_limit_s": settings.solver.time_limit_s,
            "seed": settings.solver.seed,
            "break_slack_minutes": settings.solver.break_slack_minutes,
        },
        "vials": {
            "wastage_aware": settings.vials.wastage_aware,
            "weight": settings.vials.weight,
            "products": products_json(settings.vials.products),
        },
    }


def route_legs(route: PlanRoute) -> list[list[tuple[float, float]]]:
    """The route's legs as (lat, lon) lines: along the roads where the plan has paths, else
    straight from place to place (depot first and last when the route has one)."""
    places = [(s.lat, s.lon) for s in route.stops]
    depot = route.depot
    paths = [s.path_from_previous for s in route.stops]
    if depot:
        places = [(depot.lat, depot.lon), *places, (depot.lat, depot.lon)]
        paths.append(route.return_path)
    else:
        paths = paths[1:]
    return [
        list(path) if path else [a, b]
        for (a, b), path in zip(itertools.pairwise(places), paths, strict=True)
    ]


def route_line(route: PlanRoute) -> list[tuple[float, float]]:
    """The whole route as one line (the legs joined)."""
    line: list[tuple[float, float]] = []
    for leg in route_legs(route):
        line += leg[1:] if line and line[-1] == leg[0] else leg
    return line


_HOME = -1  # the leg back to the station, in add_legs' work list


def add_legs(routes: Sequence[PlanRoute], travel: TravelModel) -> list[PlanRoute]:
    """The routes with, per stop, the leg that reaches it and, per route, the leg home:
    seconds and metres as the solver saw them and, on a road network, the path along the
    roads (lat, lon pairs) and each door's distance from its road. One batch per travel mode."""
    by_mode: dict[str, list[tuple[int, int, tuple[float, float], tuple[float, float]]]] = {}
    for i, route in enumerate(routes):
        depot = (_depot(route).lat, _depot(route).lon)
        here = depot
        work = by_mode.setdefault(_mode(route), [])
        for k, stop in enumerate(route.stops):
            work.append((i, k, here, (stop.lat, stop.lon)))
            here = (stop.lat, stop.lon)
        work.append((i, _HOME, here, depot))
    stops = [list(r.stops) for r in routes]
    home: dict[int, dict[str, Any]] = {}
    for mode, items in by_mode.items():
        doors = [(i, k) for i, k, _, _ in items if k != _HOME]
        offroad = travel.offroad_m(
            [stops[i][k].lat for i, k in doors], [stops[i][k].lon for i, k in doors], mode
        )
        if offroad is not None:  # how far each door is from the road it is reached by
            for (i, k), off in zip(doors, offroad, strict=True):
                stops[i][k] = replace(stops[i][k], offroad_m=round(off, 1))
        for (i, k, _, _), leg in zip(
            items, travel.legs([(a, b) for _, _, a, b in items], mode), strict=True
        ):
            path = (
                None if leg.path is None else tuple((round(a, 6), round(b, 6)) for a, b in leg.path)
            )
            if k == _HOME:
                home[i] = {
                    "return_travel_s": leg.seconds,
                    "return_distance_m": leg.metres,
                    "return_path": routes[i].return_path if path is None else path,
                }
            else:  # a leg without a path keeps the one the stop has (a kept stop's)
                stop = stops[i][k]
                stops[i][k] = replace(
                    stop,
                    travel_s_from_previous=leg.seconds,
                    distance_m_from_previous=leg.metres,
                    path_from_previous=stop.path_from_previous if path is None else path,
                )
    return [replace(r, stops=tuple(stops[i]), **home[i]) for i, r in enumerate(routes)]


def _depot(route: PlanRoute) -> Depot:
    if route.depot is None:
        raise ValueError(f"route {route.team_id} {route.date} has no depot")
    return route.depot


def _mode(route: PlanRoute) -> str:
    if route.travel_mode is None:
        raise ValueError(f"route {route.team_id} {route.date} has no travel mode")
    return route.travel_mode


def route_vials(route: PlanRoute, products: Mapping[str, Product]) -> PlanRoute:
    """The route with its ``vials`` and ``doses_wasted`` (see planner/vials.py)."""
    date = dt.date.fromisoformat(route.date)
    name = route.vaccine or ""
    vials = simulate(
        ((s.seq, parse_iso_time(s.service_start)[1], s.doses) for s in route.stops), products[name]
    )
    return replace(
        route,
        vials=tuple(
            PlanVial(
                v.number,
                name,
                iso_time(date, v.opened_at_s),
                v.opened_at_seq,
                iso_time(date, v.expires_at_s),
                v.drawn,
                v.wasted,
                tuple(v.stops),
            )
            for v in vials
        ),
        doses_wasted=sum(v.wasted for v in vials),
    )


def _route(data: ProblemData, r: Route, settings: Settings) -> PlanRoute:
    team = data.teams[r.team_index]
    date = data.start_date + dt.timedelta(days=r.day)
    stops = []
    for seq, v in enumerate(r.visits, start=1):
        stop = data.stops[v.stop_index]
        first = data.residents[stop.resident_ids[0]]
        stops.append(
            PlanStop(
                seq,
                tuple(stop.resident_ids),
                stop.lat,
                stop.lon,
                iso_time(date, v.arrival_s),
                iso_time(date, v.service_start_s),
                iso_time(date, v.departure_s),
                stop.doses,
                stop_id=stop.stop_id,
                household_id=first.household_id,
                ward=stop.ward,
                needs_doctor=stop.needs_doctor,
                service_s=stop.service_s,
            )
        )
    route = PlanRoute(
        team.team_id,
        date.isoformat(),
        iso_time(date, r.start_s),
        iso_time(date, r.end_s),
        r.distance_m,
        r.travel_s,
        tuple(stops),
        team_name=team.name,
        travel_mode=team.travel_mode,
        depot=Depot(team.depot_lat, team.depot_lon),
        doses=sum(s.doses for s in stops),
        lunch=None
        if r.break_s is None
        else PlanBreak(iso_time(date, r.break_s[0]), iso_time(date, r.break_s[1])),
        vaccine=team.vaccine or settings.vials.product,
    )
    return route_vials(route, settings.vials.products)


def _coverage(
    data: ProblemData, planned: set[str], settings: Settings
) -> dict[str, dict[str, int]]:
    """Eligible and planned residents per priority band (excluded residents left out)."""
    bands: dict[str, dict[str, int]] = {
        b: {"eligible": 0, "planned": 0} for b in ("high", "medium", "low")
    }
    for rid, score in data.priorities.items():
        if rid in data.excluded or rid not in data.residents:
            continue
        band = bands[priority_band(score, settings.priority)]
        band["eligible"] += 1
        band["planned"] += rid in planned
    return bands
