"""Turn a solver :class:`Result` into the spec's ``plan.json`` document.

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
from collections import Counter
from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from planner.constants import UTC_OFFSET, VN_TZ
from planner.model import ProblemData
from planner.priority import priority_band
from planner.settings import Product, Settings
from planner.solver import Result, Route
from planner.travel import TravelModel
from planner.vials import describe, products_json, simulate


def iso_time(date: dt.date, seconds: int) -> str:
    """Local ISO 8601 date-time with the Viet Nam offset: 2026-11-23T07:30:00+07:00."""
    h, rem = divmod(int(seconds), 3600)
    m, s = divmod(rem, 60)
    return f"{date.isoformat()}T{h:02d}:{m:02d}:{s:02d}{UTC_OFFSET}"


def parse_iso_time(value: str) -> tuple[dt.date, int]:
    """Inverse of :func:`iso_time`: (date, seconds after midnight)."""
    stamp = dt.datetime.fromisoformat(value)
    return stamp.date(), stamp.hour * 3600 + stamp.minute * 60 + stamp.second


def build_plan(data: ProblemData, result: Result, travel: TravelModel, settings: Settings,
               plan_id: str | None = None, created_at: dt.datetime | None = None
               ) -> dict[str, Any]:
    created = created_at or dt.datetime.now(VN_TZ)
    routes = [_route(data, r, settings) for r in sorted(result.routes,
                                                        key=lambda r: (r.day, r.team_index))]
    unassigned = [{"resident_id": rid, "reason_code": code, "reason": reason}
                  for rid, (code, reason) in sorted(data.pre_unassigned.items())]
    for u in result.unserved:
        for rid in data.stops[u.stop_index].resident_ids:
            unassigned.append({"resident_id": rid, "reason_code": u.reason_code,
                               "reason": u.reason})
    excluded = [{"resident_id": rid, "status": status}
                for rid, status in sorted(data.excluded.items())]
    plan = {
        "plan_id": plan_id or f"plan-{data.start_date.isoformat()}-{uuid.uuid4().hex[:8]}",
        "created_at": created.isoformat(timespec="seconds"),
        "start_date": data.start_date.isoformat(),
        "days": data.days,
        "travel_model": travel.describe(),
        "routes": routes,
        "unassigned": unassigned,
        "excluded": excluded,
        "parameters": {
            "visit": asdict(settings.visit),
            "doses": {"min_interval_days": {str(k): v for k, v in
                                            settings.doses.min_interval_days.items()}},
            "solver": {"time_limit_s": settings.solver.time_limit_s,
                       "seed": settings.solver.seed,
                       "break_slack_minutes": settings.solver.break_slack_minutes},
            "vials": {"wastage_aware": settings.vials.wastage_aware,
                      "weight": settings.vials.weight,
                      "products": products_json(settings.vials.products)}},
    }
    add_legs(routes, travel)
    plan["summary"] = _summary(data, plan, result, settings)
    return plan


def route_legs(route: Mapping[str, Any]) -> list[list[tuple[float, float]]]:
    """The route's legs as (lat, lon) lines: along the roads where the plan has paths, else
    straight from place to place (depot first and last when the route has one)."""
    places = [(s["lat"], s["lon"]) for s in route["stops"]]
    depot = route.get("depot")
    if depot:
        places = [(depot["lat"], depot["lon"]), *places, (depot["lat"], depot["lon"])]
    paths = [s.get("path_from_previous") for s in route["stops"]]
    if depot:
        paths.append(route.get("return_path"))
    else:
        paths = paths[1:]
    return [[(p[0], p[1]) for p in path] if path else [a, b]
            for (a, b), path in zip(itertools.pairwise(places), paths, strict=True)]


def route_line(route: Mapping[str, Any]) -> list[tuple[float, float]]:
    line: list[tuple[float, float]] = []
    for leg in route_legs(route):
        line += leg[1:] if line and line[-1] == leg[0] else leg
    return line


def add_legs(routes: list[dict[str, Any]], travel: TravelModel) -> None:
    """Per stop the leg that reaches it, per route the leg home: seconds and metres as the
    solver saw them and, on a road network, the path along the roads (lat, lon pairs)."""
    by_mode: dict[str, list[tuple[dict[str, Any], str, tuple[float, float], tuple[float, float]]]]
    by_mode = {}
    for route in routes:
        depot = (route["depot"]["lat"], route["depot"]["lon"])
        here = depot
        for stop in route["stops"]:
            spot = (stop["lat"], stop["lon"])
            by_mode.setdefault(route["travel_mode"], []).append((stop, "", here, spot))
            here = spot
        by_mode.setdefault(route["travel_mode"], []).append((route, "return_", here, depot))
    for mode, items in by_mode.items():
        stops = [t for t, prefix, _, _ in items if not prefix]
        offroad = travel.offroad_m([t["lat"] for t in stops], [t["lon"] for t in stops], mode)
        if offroad is not None:  # how far each door is from the road it is reached by
            for stop, off in zip(stops, offroad, strict=True):
                stop["offroad_m"] = round(off, 1)
        legs = travel.legs([(a, b) for _, _, a, b in items], mode)
        for (target, prefix, _, _), leg in zip(items, legs, strict=True):
            name = "return" if prefix else "from_previous"
            target[f"{prefix}travel_s" if prefix else f"travel_s_{name}"] = leg.seconds
            target[f"{prefix}distance_m" if prefix else f"distance_m_{name}"] = leg.metres
            if leg.path is not None:
                target[f"{prefix}path" if prefix else f"path_{name}"] = [
                    [round(a, 6), round(b, 6)] for a, b in leg.path]


def route_vials(route: dict[str, Any], products: Mapping[str, Product]) -> None:
    """Add the route's ``vials`` and ``doses_wasted`` (see planner/vials.py)."""
    date = dt.date.fromisoformat(route["date"])
    product = products[route["vaccine"]]
    vials = simulate(((s["seq"], parse_iso_time(s["service_start"])[1], s["doses"])
                      for s in route["stops"]), product)
    route["vials"] = describe(vials, lambda sec: iso_time(date, sec), route["vaccine"])
    route["doses_wasted"] = sum(v.wasted for v in vials)


def _route(data: ProblemData, r: Route, settings: Settings) -> dict[str, Any]:
    team = data.teams[r.team_index]
    date = data.start_date + dt.timedelta(days=r.day)
    stops = []
    for seq, v in enumerate(r.visits, start=1):
        stop = data.stops[v.stop_index]
        first = data.residents[stop.resident_ids[0]]
        stops.append({
            "seq": seq, "resident_ids": list(stop.resident_ids),
            "lat": stop.lat, "lon": stop.lon,
            "arrival": iso_time(date, v.arrival_s),
            "service_start": iso_time(date, v.service_start_s),
            "departure": iso_time(date, v.departure_s), "doses": stop.doses,
            "stop_id": stop.stop_id, "household_id": first.household_id, "ward": stop.ward,
            "needs_doctor": stop.needs_doctor, "service_s": stop.service_s,
        })
    out: dict[str, Any] = {
        "team_id": team.team_id, "date": date.isoformat(), "start": iso_time(date, r.start_s),
        "end": iso_time(date, r.end_s), "distance_m": r.distance_m, "travel_s": r.travel_s,
        "stops": stops, "team_name": team.name, "travel_mode": team.travel_mode,
        "depot": {"lat": team.depot_lat, "lon": team.depot_lon},
        "doses": sum(s["doses"] for s in stops),
        "break": None if r.break_s is None else {"start": iso_time(date, r.break_s[0]),
                                                 "end": iso_time(date, r.break_s[1])},
        "vaccine": team.vaccine or settings.vials.product,
    }
    route_vials(out, settings.vials.products)
    return out


def vial_totals(routes: list[dict[str, Any]]) -> dict[str, Any]:
    given = sum(r["doses"] for r in routes)
    wasted = sum(r.get("doses_wasted", 0) for r in routes)
    return {"vials_opened": sum(len(r.get("vials", [])) for r in routes),
            "doses_wasted": wasted,
            "waste_per_dose_given": round(wasted / given, 4) if given else 0.0}


def _summary(data: ProblemData, plan: dict[str, Any], result: Result, settings: Settings
             ) -> dict[str, Any]:
    planned = [rid for r in plan["routes"] for s in r["stops"] for rid in s["resident_ids"]]
    bands: dict[str, dict[str, int]] = {b: {"eligible": 0, "planned": 0}
                                        for b in ("high", "medium", "low")}
    planned_set = set(planned)
    for rid, score in data.priorities.items():
        if rid in data.excluded or rid not in data.residents:
            continue
        band = bands[priority_band(score, settings.priority)]
        band["eligible"] += 1
        band["planned"] += rid in planned_set
    return {
        "residents": len(data.residents) + sum(1 for rid in data.pre_unassigned
                                               if rid not in data.residents),
        "planned": len(planned),
        "unassigned": len(plan["unassigned"]),
        "excluded": len(plan["excluded"]),
        "routes": len(plan["routes"]),
        "doses": sum(r["doses"] for r in plan["routes"]),
        "distance_m": sum(r["distance_m"] for r in plan["routes"]),
        "travel_s": sum(r["travel_s"] for r in plan["routes"]),
        "unassigned_by_reason": dict(Counter(u["reason_code"] for u in plan["unassigned"])),
        **vial_totals(plan["routes"]),
        "coverage_by_priority": bands,
        "solve_s": round(result.runtime_s, 2),
        "solutions_found": result.solutions_found,
    }
