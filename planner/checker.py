"""Independent feasibility checker: inputs + plan.json -> list of violations.

It shares no code with the solver or the plan builder: distances, service times, due dates and
break rules are recomputed here from the inputs and the plan's own ``travel_model`` and
``parameters``. Tolerances: 1 s and 1 m per leg (the solver rounds each leg up).
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from planner.checker_rules import check_break, check_controls, check_hours, check_locks
from planner.model import NOT_ROUTED_STATUSES, Resident, Team
from planner.reasons_catalogue import REASON_CODES

_R = 6_371_008.8


@dataclass
class CheckReport:
    """What the checker found: one message per violation, none for a feasible plan."""

    violations: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether the plan passed: no violation."""
        return not self.violations

    def add(self, message: str) -> None:
        """Record one violation."""
        self.violations.append(message)


def _metres(a: tuple[float, float], b: tuple[float, float], detour: float) -> float:
    p1, p2 = math.radians(a[0]), math.radians(b[0])
    h = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(b[1] - a[1]) / 2) ** 2
    )
    return 2 * _R * math.asin(math.sqrt(min(1.0, h))) * detour


def _clock(value: str) -> tuple[dt.date, int]:
    t = dt.datetime.fromisoformat(value)
    return t.date(), t.hour * 3600 + t.minute * 60 + t.second


def check_plan(
    plan: dict[str, Any],
    residents: Iterable[Resident],
    teams: Iterable[Team],
    invalid_ids: Iterable[str] = (),
    locked: Mapping[tuple[str, str], Sequence[Sequence[str]]] | None = None,
    open_locks: Iterable[tuple[str, str]] = (),
) -> CheckReport:
    """Every violation of ``plan`` (plan.json) against the inputs: each resident accounted for
    once, one route per team-day, each route's legs, times, breaks and vials, the planner's
    rules (days off, weekday shifts, wards, pins, limits: checker_rules.py), the summary;
    ``locked``: hand edits' locked routes, (team id, ISO date) -> stops as resident ids;
    ``open_locks``: those of them that fix only the route's first stops (a move's lock)."""
    report = CheckReport()
    people = {r.resident_id: r for r in residents}
    crew = {t.team_id: t for t in teams}
    _check_accounting(plan, people, set(invalid_ids), report)
    seen_routes: set[tuple[str, str]] = set()
    for route in plan.get("routes", []):
        key = (route["team_id"], route["date"])
        if key in seen_routes:
            report.add(f"team {key[0]} has two routes on {key[1]}")
        seen_routes.add(key)
        team = crew.get(route["team_id"])
        if team is None:
            report.add(f"route for unknown team {route['team_id']!r}")
            continue
        _check_route(plan, route, team, people, report)
    for message in check_locks(plan, locked or {}, people, frozenset(open_locks)):
        report.add(message)
    _check_summary(plan, report)
    return report


def _check_accounting(
    plan: dict[str, Any], people: dict[str, Resident], invalid: set[str], report: CheckReport
) -> None:
    places: Counter[str] = Counter()
    for route in plan.get("routes", []):
        for stop in route["stops"]:
            places.update(stop["resident_ids"])
    places.update(u["resident_id"] for u in plan.get("unassigned", []))
    places.update(e["resident_id"] for e in plan.get("excluded", []))
    for rid in sorted(set(people) | invalid):
        if places[rid] != 1:
            report.add(f"resident {rid} appears {places[rid]} times (must be exactly once)")
    for rid in sorted(set(places) - set(people) - invalid):
        report.add(f"plan names resident {rid}, who is not in the input")
    for u in plan.get("unassigned", []):
        if u["reason_code"] not in REASON_CODES:
            report.add(f"unassigned {u['resident_id']}: unknown reason code {u['reason_code']!r}")
        if u["resident_id"] in invalid and u["reason_code"] != "invalid_input":
            report.add(f"unassigned {u['resident_id']}: rejected input but not invalid_input")
    for e in plan.get("excluded", []):
        r = people.get(e["resident_id"])
        if r is not None and (r.status != e["status"] or r.status not in NOT_ROUTED_STATUSES):
            report.add(
                f"excluded {r.resident_id} with status {e['status']!r}, input says {r.status!r}"
            )
    for rid, r in people.items():
        if (
            r.status in NOT_ROUTED_STATUSES
            and places[rid] == 1
            and not any(e["resident_id"] == rid for e in plan.get("excluded", []))
        ):
            report.add(f"resident {rid} has status {r.status} but is not in excluded")


def _service_seconds(members: list[Resident], visit: dict[str, float]) -> int:
    base = (
        visit["setup_minutes"]
        + visit["per_person_minutes"] * len(members)
        + visit["observation_minutes"]
    )
    longest = max([base] + [m.service_minutes for m in members if m.service_minutes is not None])
    return math.ceil(60 * longest)


def _due(r: Resident, intervals: dict[str, int]) -> dt.date | None:
    if r.last_dose_date is None or r.doses_received <= 0:
        return None
    table = {int(k): int(v) for k, v in intervals.items()}
    days = table.get(r.doses_received, table[max(table)] if r.doses_received > max(table) else 0)
    return r.last_dose_date + dt.timedelta(days=days)


def _leg(
    plan: dict[str, Any],
    a: tuple[float, float],
    b: tuple[float, float],
    mode: str,
    holder: dict[str, Any],
    prefix: str,
    where: str,
    report: CheckReport,
) -> tuple[float, float]:
    """A leg's metres and seconds: recomputed for straight lines; for road networks and
    routing servers, the plan's own leg values, held to what any road must respect."""
    model = plan["travel_model"]
    if model.get("kind") == "haversine":
        metres = _metres(a, b, float(model["detour_factor"]))
        return metres, metres / (float(model["speed_kmh"][mode]) / 3.6)
    name = "" if prefix else "_from_previous"
    try:
        metres = float(holder[f"{prefix}distance_m{name}"])
        secs = float(holder[f"{prefix}travel_s{name}"])
    except (KeyError, TypeError, ValueError):
        report.add(f"{where}: no leg travel time and distance in the plan")
        return 0.0, 0.0
    air = _metres(a, b, 1.0)
    if metres + 1 < air:
        report.add(
            f"{where}: leg of {metres:.0f} m is shorter than the straight line ({air:.0f} m)"
        )
    fastest = max([150.0] + [float(v) for v in _mode_speeds(model, mode)])
    if secs + 1 < metres / (fastest / 3.6):
        report.add(f"{where}: {metres:.0f} m in {secs:.0f} s is faster than {fastest:.0f} km/h")
    path = holder.get(f"{prefix}path{name}")
    if path:
        _check_path(path, a, b, metres, where, report)
    return metres, secs


def _mode_speeds(model: dict[str, Any], mode: str) -> list[float]:
    return list(model.get("roads", {}).get("speed_kmh", {}).get(mode, {}).values())


def _check_path(
    path: list[list[float]],
    a: tuple[float, float],
    b: tuple[float, float],
    metres: float,
    where: str,
    report: CheckReport,
) -> None:
    """The drawn path must join the two places and be as long as the leg's distance."""
    points = [(float(p[0]), float(p[1])) for p in path]
    if _metres(points[0], a, 1.0) > 1 or _metres(points[-1], b, 1.0) > 1:
        report.add(f"{where}: the leg's path does not join its two places")
    length = sum(_metres(p, q, 1.0) for p, q in itertools.pairwise(points))
    if abs(length - metres) > 0.005 * metres + 2 + 0.2 * len(path):
        report.add(
            f"{where}: the leg's path is {length:.0f} m long but the leg says {metres:.0f} m"
        )


def _check_route(
    plan: dict[str, Any],
    route: dict[str, Any],
    team: Team,
    people: dict[str, Resident],
    report: CheckReport,
) -> None:
    where = f"route {team.team_id} {route['date']}"
    params = plan["parameters"]
    date = dt.date.fromisoformat(route["date"])
    start_day = dt.date.fromisoformat(plan["start_date"])
    if not 0 <= (date - start_day).days < plan["days"]:
        report.add(f"{where}: date outside the plan's horizon")
    _, start = _clock(route["start"])
    _, end = _clock(route["end"])
    brk, problems = check_break(
        route, team, date, int(params["solver"]["break_slack_minutes"]), where
    )
    problems += check_hours(route, team, date, where)
    problems += check_controls(route, team, date, people, where)
    for message in problems:
        report.add(message)
    depot_at = route.get("depot")
    if (
        depot_at
        and _metres((depot_at["lat"], depot_at["lon"]), (team.depot_lat, team.depot_lon), 1.0) > 1.0
    ):
        report.add(f"{where}: depot position differs from the team's")
    depot = (team.depot_lat, team.depot_lon)
    here, departure, dist, travel, doses = depot, start, 0.0, 0.0, 0
    for k, stop in enumerate(route["stops"], start=1):
        if stop["seq"] != k:
            report.add(f"{where}: stop {k} has seq {stop['seq']}")
        members = [people[rid] for rid in stop["resident_ids"] if rid in people]
        if len(members) != len(stop["resident_ids"]) or not members:
            report.add(f"{where} stop {k}: unknown or no residents")
            continue
        spot = (stop["lat"], stop["lon"])
        metres, secs = _leg(
            plan, here, spot, team.travel_mode, stop, "", f"{where} stop {k}", report
        )
        dist, travel = dist + metres, travel + secs
        _check_stop(
            plan,
            stop,
            members,
            team,
            date,
            departure,
            secs,
            brk,
            where,
            report,
            route.get("vaccine", ""),
        )
        doses += stop["doses"]
        here, departure = spot, _clock(stop["departure"])[1]
    metres, secs = _leg(
        plan, here, depot, team.travel_mode, route, "return_", f"{where} way back", report
    )
    dist, travel = dist + metres, travel + secs
    gap = end - departure
    if gap + 1 < secs + (_break_len(brk) if brk and departure <= brk[0] < end else 0):
        report.add(f"{where}: returns at {route['end']}, too early to get back to the depot")
    # Each leg is rounded up by less than one unit: never below the exact sum, nor n_legs above.
    # Recorded legs (road networks, routing servers) are whole numbers: their sum is exact.
    n_legs = len(route["stops"]) + 1 if plan["travel_model"].get("kind") == "haversine" else 0
    if not -0.01 <= route["distance_m"] - dist <= n_legs + 0.01:
        report.add(f"{where}: distance_m {route['distance_m']} but legs add to {dist:.2f}")
    if not -0.01 <= route["travel_s"] - travel <= n_legs + 0.01:
        report.add(f"{where}: travel_s {route['travel_s']} but legs add to {travel:.2f}")
    if doses > team.max_doses:
        report.add(f"{where}: {doses} doses, more than the {team.max_doses} the team carries")
    _check_vials(plan, route, team, where, report)


def _check_vials(
    plan: dict[str, Any], route: dict[str, Any], team: Team, where: str, report: CheckReport
) -> None:
    """Recompute the vials: opened when a dose is needed and none is usable; discarded when
    empty, expired or at the end of the day. The plan's vials and waste must agree."""
    products = plan["parameters"].get("vials", {}).get("products")
    if not products or "vials" not in route:
        return
    name = route.get("vaccine", "")
    if team.vaccine and name != team.vaccine:
        report.add(f"{where}: carries {name!r}, the team's product is {team.vaccine!r}")
    if name not in products:
        report.add(f"{where}: unknown vaccine product {name!r}")
        return
    size = int(products[name]["doses_per_vial"])
    life = round(float(products[name]["hours_after_opening"]) * 3600)
    opened: list[list[int]] = []  # [seq opened, opened at, drawn]
    for stop in route["stops"]:
        at, need = _clock(stop["service_start"])[1], int(stop["doses"])
        while need:
            if not opened or opened[-1][2] == size or at > opened[-1][1] + life:
                opened.append([stop["seq"], at, 0])
            take = min(need, size - opened[-1][2])
            opened[-1][2] += take
            need -= take
    expected = [(seq, drawn, size - drawn) for seq, _, drawn in opened]
    reported = [(v["opened_at_stop"], v["doses_drawn"], v["doses_wasted"]) for v in route["vials"]]
    if reported != expected:
        report.add(
            f"{where}: vials {reported} disagree with the recomputed {expected} "
            "(opened at stop, drawn, wasted)"
        )
    if route.get("doses_wasted") != sum(w for _, _, w in expected):
        report.add(f"{where}: doses_wasted {route.get('doses_wasted')} disagrees with the vials")


def _break_len(brk: tuple[int, int]) -> int:
    return brk[1] - brk[0]


def _check_stop(
    plan: dict[str, Any],
    stop: dict[str, Any],
    members: list[Resident],
    team: Team,
    date: dt.date,
    prev_departure: int,
    travel_s: float,
    brk: tuple[int, int] | None,
    where: str,
    report: CheckReport,
    route_vaccine: str = "",
) -> None:
    at = f"{where} stop {stop['seq']}"
    arrival, begin, leave = (_clock(stop[k])[1] for k in ("arrival", "service_start", "departure"))
    if any(_clock(stop[k])[0] != date for k in ("arrival", "service_start", "departure")):
        report.add(f"{at}: times not on the route's date")
    pause = _break_len(brk) if brk and prev_departure <= brk[0] < begin else 0
    if begin - prev_departure + 1 < travel_s + pause:
        report.add(
            f"{at}: starts {begin - prev_departure} s after leaving the previous place; "
            f"travel needs {travel_s:.0f} s" + (" plus the break" if pause else "")
        )
    if arrival > begin or arrival + 1 < prev_departure + travel_s:
        report.add(f"{at}: arrival {stop['arrival']} inconsistent with travel and service start")
    expected = _service_seconds(members, plan["parameters"]["visit"])
    if leave - begin != expected:
        report.add(f"{at}: visit lasts {leave - begin} s, expected {expected} s")
    if stop["doses"] != len(members):
        report.add(f"{at}: {stop['doses']} doses for {len(members)} residents")
    first = members[0]
    if _metres((first.lat, first.lon), (stop["lat"], stop["lon"]), 1.0) > 1.0:
        report.add(f"{at}: stop position differs from resident {first.resident_id}'s")
    intervals = plan["parameters"]["doses"]["min_interval_days"]
    products = plan["parameters"].get("vials", {}).get("products", {})
    for m in members:
        table = products.get(m.vaccine, {}).get("min_interval_days") or intervals
        if m.status != "eligible":
            report.add(f"{at}: resident {m.resident_id} has status {m.status}")
        if m.needs_doctor and not team.has_doctor:
            report.add(f"{at}: resident {m.resident_id} needs a doctor; team has none")
        if m.available_from_s is not None and begin < m.available_from_s:
            report.add(f"{at}: visit before resident {m.resident_id} is available")
        if m.available_to_s is not None and begin > m.available_to_s:
            report.add(f"{at}: visit after resident {m.resident_id}'s availability ends")
        due = _due(m, table)
        if due is not None and date < due:
            report.add(f"{at}: resident {m.resident_id} is not due until {due}")
        if m.not_before is not None and date < m.not_before:
            report.add(f"{at}: resident {m.resident_id} was postponed to {m.not_before}")
        if m.vaccine and route_vaccine and m.vaccine != route_vaccine:
            report.add(
                f"{at}: resident {m.resident_id} needs {m.vaccine}, the team carries "
                f"{route_vaccine}"
            )


def _check_summary(plan: dict[str, Any], report: CheckReport) -> None:
    s = plan.get("summary", {})
    planned = sum(len(st["resident_ids"]) for r in plan["routes"] for st in r["stops"])
    expected = {
        "planned": planned,
        "unassigned": len(plan["unassigned"]),
        "excluded": len(plan["excluded"]),
    }
    for key, value in expected.items():
        if s.get(key) != value:
            report.add(f"summary.{key} is {s.get(key)}, the plan has {value}")
    if s.get("residents") != planned + expected["unassigned"] + expected["excluded"]:
        report.add("summary.residents does not equal planned + unassigned + excluded")
    if "doses_wasted" in s and s["doses_wasted"] != sum(
        r.get("doses_wasted", 0) for r in plan["routes"]
    ):
        report.add("summary.doses_wasted does not equal the routes' waste")
