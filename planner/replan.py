"""Re-plan from today's state: keep what is done, keep routes under way, move as little as possible.

Given the previous plan, the residents (as imported, outcomes not yet applied), the outcomes
recorded since, and the moment of re-planning:

* a team whose route today already has outcomes keeps its route up to its *current stop* (the
  last stop with an outcome) exactly as planned; the solver plans the rest of its day from that
  stop, at that time, with the doses it has left;
* residents with a final outcome (vaccinated, refused, contraindicated) are no longer planned;
  ``not_at_home`` residents are planned again; ``postponed`` ones from their new date on;
* the previous routes warm-start the search, and moving a resident to another team or day costs
  ``solver.change_cost``, so assignments change only where that pays;
* the result counts the residents whose team or day changed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from planner.build import build_problem
from planner.checker import check_plan
from planner.errors import InternalError
from planner.model import ProblemData, Resident, Team, VehicleStart
from planner.plan import add_legs, build_plan, iso_time, parse_iso_time, route_vials, vial_totals
from planner.settings import Settings
from planner.solver import Progress, solve, vehicle_index
from planner.travel import TravelModel, make_travel

FINAL_OUTCOMES = {"vaccinated": "vaccinated", "refused": "refused",
                  "contraindicated": "contraindicated"}


@dataclass(frozen=True)
class Outcome:
    resident_id: str
    outcome: str  # vaccinated, refused, not_at_home, contraindicated, postponed
    at: dt.datetime
    postponed_to: dt.date | None = None


@dataclass
class Replan:
    plan: dict[str, Any]
    changed: int
    kept: int
    fixed_stops: int


def apply_outcomes(residents: Iterable[Resident], outcomes: Iterable[Outcome]
                   ) -> list[Resident]:
    """Residents as the next plan must see them: the latest outcome of each wins."""
    latest: dict[str, Outcome] = {}
    for o in sorted(outcomes, key=lambda o: o.at):
        latest[o.resident_id] = o
    return [_after(r, latest.get(r.resident_id)) for r in residents]


def _after(r: Resident, o: Outcome | None) -> Resident:
    if o is None or o.outcome == "not_at_home":
        return r  # planned again
    if o.outcome == "vaccinated":
        return replace(r, status="vaccinated", doses_received=r.doses_received + 1,
                       last_dose_date=o.at.date())
    if o.outcome in FINAL_OUTCOMES:
        return replace(r, status=FINAL_OUTCOMES[o.outcome])
    if o.outcome == "postponed":
        if o.postponed_to:
            return replace(r, status="eligible", not_before=o.postponed_to)
        return replace(r, status="postponed")
    return r


def _prefixes(base: Mapping[str, Any], today: dt.date, visited: set[str]
              ) -> dict[str, list[dict[str, Any]]]:
    """team id -> today's stops up to and including the last one with an outcome."""
    out = {}
    for route in base["routes"]:
        if route["date"] != today.isoformat():
            continue
        done = [k for k, s in enumerate(route["stops"]) if visited & set(s["resident_ids"])]
        if done:
            out[route["team_id"]] = route["stops"][:done[-1] + 1]
    return out


def _starts(base: Mapping[str, Any], teams: Sequence[Team], prefixes: Mapping[str, list],
            today: dt.date, now_s: int, break_slack_s: int
            ) -> dict[tuple[int, int], VehicleStart]:
    """Where each team resumes today: its current stop, or its station from now on."""
    breaks = {r["team_id"]: r.get("break") for r in base["routes"]
              if r["date"] == today.isoformat()}
    out = {}
    for t, team in enumerate(teams):
        prefix = prefixes.get(team.team_id)
        if prefix:
            at = max(parse_iso_time(prefix[-1]["departure"])[1], now_s)
            brk = breaks.get(team.team_id)
            taken = brk is not None and parse_iso_time(brk["end"])[1] <= at
            out[(t, 0)] = VehicleStart(prefix[-1]["lat"], prefix[-1]["lon"], at,
                                       sum(s["doses"] for s in prefix), taken)
        elif now_s > team.shift_start_s:
            late = team.break_start_s is None or now_s > team.break_start_s + break_slack_s
            out[(t, 0)] = VehicleStart(team.depot_lat, team.depot_lon, now_s, 0, late)
    return out


def replan(base: Mapping[str, Any], residents: Sequence[Resident], teams: Sequence[Team],
           outcomes: Sequence[Outcome], as_of: dt.datetime, days: int, settings: Settings,
           travel: TravelModel | None = None,
           progress: Callable[[Progress], None] | None = None,
           roads: Path | None = None, osrm_url: str | None = None) -> Replan:
    today, now_s = as_of.date(), as_of.hour * 3600 + as_of.minute * 60 + as_of.second
    visited = {o.resident_id for o in outcomes}
    prefixes = _prefixes(base, today, visited)
    fixed = {rid for stops in prefixes.values() for s in stops for rid in s["resident_ids"]}
    current = apply_outcomes(residents, outcomes)
    routable = [r for r in current if r.resident_id not in fixed]
    data = build_problem(routable, teams, today, days, settings)
    starts = _starts(base, teams, prefixes, today, now_s,
                     settings.solver.break_slack_minutes * 60)
    previous, hint = _previous(base, data, teams, today)
    data = replace(data, starts=starts, previous_vehicle=previous)
    if travel is None:
        spots = [(s["lat"], s["lon"]) for stops in prefixes.values() for s in stops]
        travel = make_travel(settings, teams, [(s.lat, s.lon) for s in data.stops] + spots,
                             roads, osrm_url)
    result = solve(data, travel, settings.solver, progress, initial_routes=hint,
                   vials=settings.vials)
    plan = build_plan(data, result, travel, settings)
    _compose(plan, base, prefixes, teams, travel, today, settings)
    planning_view = [r for r in current if r.resident_id not in fixed] + [
        r for r in residents if r.resident_id in fixed] + _stand_ins(prefixes, residents)
    report = check_plan(plan, planning_view, teams)
    if not report.ok:
        raise InternalError("the re-plan failed the independent check:\n"
                            + "\n".join(report.violations[:20]))
    changed, kept = count_changes(base, plan, exclude=fixed)
    plan["summary"]["changed_assignments"] = changed
    plan["summary"]["fixed_stops"] = sum(len(p) for p in prefixes.values())
    plan["replanned_from"] = base.get("plan_id")
    return Replan(plan, changed, kept, plan["summary"]["fixed_stops"])


def _previous(base: Mapping[str, Any], data: ProblemData, teams: Sequence[Team],
              today: dt.date) -> tuple[dict[int, int], list[list[int]]]:
    """Previous vehicle of each stop, and the previous routes as a warm start."""
    team_index = {t.team_id: i for i, t in enumerate(teams)}
    stop_of = {rid: k for k, s in enumerate(data.stops) for rid in s.resident_ids}
    routes: list[list[int]] = [[] for _ in range(data.days * len(teams))]
    previous: dict[int, int] = {}
    for route in base["routes"]:
        day = (dt.date.fromisoformat(route["date"]) - today).days
        if not 0 <= day < data.days or route["team_id"] not in team_index:
            continue
        v = vehicle_index(day, team_index[route["team_id"]], len(teams))
        for stop in route["stops"]:
            ks = {stop_of[r] for r in stop["resident_ids"] if r in stop_of}
            for k in sorted(ks):
                previous.setdefault(k, v)
                if k not in routes[v]:
                    routes[v].append(k)
    return previous, routes


def _stand_ins(prefixes: Mapping[str, list], residents: Sequence[Resident]) -> list[Resident]:
    """Residents on a kept stop who are no longer on the list (a planner deleted them after
    the visit): the stop stays as it was done, so the checker sees a bare resident there."""
    known = {r.resident_id for r in residents}
    return [Resident(rid, stop["lat"], stop["lon"], household_id=stop.get("household_id", ""),
                     ward=stop.get("ward", ""))
            for stops in prefixes.values() for stop in stops for rid in stop["resident_ids"]
            if rid not in known]


def _compose(plan: dict[str, Any], base: Mapping[str, Any], prefixes: Mapping[str, list],
             teams: Sequence[Team], travel: TravelModel, today: dt.date,
             settings: Settings) -> None:
    """Put the kept stops in front of today's new routes and recount their travel."""
    by_team = {t.team_id: t for t in teams}
    base_today = {r["team_id"]: r for r in base["routes"] if r["date"] == today.isoformat()}
    new_today = {r["team_id"]: r for r in plan["routes"] if r["date"] == today.isoformat()}
    for team_id, prefix in prefixes.items():
        team, old = by_team[team_id], base_today[team_id]
        route = new_today.get(team_id)
        if route is None:  # nothing more today: the team goes back to its station
            route = {k: old[k] for k in ("team_id", "date", "team_name", "travel_mode",
                                         "depot", "break")}
            route["stops"] = []
            plan["routes"].append(route)
        stops = [dict(s) for s in prefix] + route["stops"]
        for seq, stop in enumerate(stops, start=1):
            stop["seq"] = seq
        route["stops"] = stops
        route["start"] = old["start"]
        if not route.get("break") or (old.get("break") and old["break"]["end"] <= prefix[-1][
                "departure"]):
            route["break"] = old.get("break")
        route.setdefault("vaccine", old.get("vaccine") or team.vaccine or settings.vials.product)
        _recount(route, team, travel, today)
        route_vials(route, settings.vials.products)
    for route in new_today.values():  # lunch already taken before the re-plan: keep it shown
        team = by_team[route["team_id"]]
        if route.get("break") is None and team.break_start_s is not None and team.break_minutes:
            old = base_today.get(route["team_id"])
            route["break"] = (old or {}).get("break") or {
                "start": iso_time(today, team.break_start_s),
                "end": iso_time(today, team.break_start_s + 60 * team.break_minutes)}
    plan["routes"].sort(key=lambda r: (r["date"], r["team_id"]))
    s = plan["summary"]
    s["planned"] = sum(len(st["resident_ids"]) for r in plan["routes"] for st in r["stops"])
    s["residents"] = s["planned"] + s["unassigned"] + s["excluded"]
    s["routes"] = len(plan["routes"])
    s["doses"] = sum(r["doses"] for r in plan["routes"])
    s["distance_m"] = sum(r["distance_m"] for r in plan["routes"])
    s["travel_s"] = sum(r["travel_s"] for r in plan["routes"])
    s.update(vial_totals(plan["routes"]))


def _recount(route: dict[str, Any], team: Team, travel: TravelModel, today: dt.date) -> None:
    add_legs([route], travel)
    route["distance_m"] = sum(s["distance_m_from_previous"] for s in route["stops"]
                              ) + route["return_distance_m"]
    route["travel_s"] = sum(s["travel_s_from_previous"] for s in route["stops"]
                            ) + route["return_travel_s"]
    route["doses"] = sum(s["doses"] for s in route["stops"])
    if "end" not in route:
        last = parse_iso_time(route["stops"][-1]["departure"])[1]
        route["end"] = iso_time(today, last + route["return_travel_s"])


def assignments(plan: Mapping[str, Any]) -> dict[str, tuple[str, str] | None]:
    """resident id -> (team, date), or None when not planned."""
    out: dict[str, tuple[str, str] | None] = {
        u["resident_id"]: None for u in plan.get("unassigned", [])}
    for r in plan["routes"]:
        for s in r["stops"]:
            for rid in s["resident_ids"]:
                out[rid] = (r["team_id"], r["date"])
    return out


def count_changes(base: Mapping[str, Any], new: Mapping[str, Any], exclude: set[str]
                  ) -> tuple[int, int]:
    """(changed, kept): residents planned in both plans whose team or day differs or not."""
    old, now = assignments(base), assignments(new)
    start = new["start_date"]
    common = [rid for rid, a in old.items() if rid in now and rid not in exclude
              and a is not None and a[1] >= start]
    changed = sum(1 for rid in common if now[rid] != old[rid])
    return changed, len(common) - changed
