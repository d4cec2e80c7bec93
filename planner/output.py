"""Write a plan's files: plan.json, routes.geojson, route sheets, unassigned.csv, problems.

CSV files are UTF-8 with a BOM so that Excel opens Vietnamese text correctly. Nothing written
here contains a full name or a medical condition; route sheets carry initials and phone numbers
(the team needs to call ahead).
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from planner.cells import NeutralWriter
from planner.io.problems import write_problems_csv
from planner.model import Resident
from planner.pipeline import PlanRun
from planner.plan import route_line
from planner.plan_document import Depot, Plan, PlanRoute

SHEET_COLUMNS = [
    "seq",
    "arrival",
    "service_start",
    "departure",
    "address",
    "ward",
    "household_id",
    "resident_ids",
    "initials",
    "people",
    "doses",
    "phone",
    "needs_doctor",
    "open_vial",
]


def safe_name(text: str) -> str:
    """``text`` as a file-name part: ASCII letters, digits, ``_.-`` only, never empty."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_") or "x"


def sheet_name(team_id: str, date: str) -> str:
    """The file name (without suffix) of a team's route sheet for a day."""
    return f"team-{safe_name(team_id)}-{date}"


def write_json_atomic(path: Path, document: Any) -> None:
    """Write to a temporary file and rename: a crash never leaves half a plan.json."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(document, fh, ensure_ascii=False, indent=1)
    os.replace(tmp, path)


def write_outputs(run: PlanRun, out: Path) -> dict[str, Path]:
    """Write the plan's files into ``out`` (plan.json, routes.geojson, unassigned.csv,
    input_problems.csv, a route sheet per team-day); returns their paths by kind."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "sheets").mkdir(exist_ok=True)
    people = {r.resident_id: r for r in run.inputs.residents.residents}
    written = {
        "plan": out / "plan.json",
        "routes": out / "routes.geojson",
        "unassigned": out / "unassigned.csv",
        "problems": out / "input_problems.csv",
    }
    write_json_atomic(written["plan"], run.plan.to_json())
    write_json_atomic(written["routes"], routes_geojson(run.plan, run))
    _write_unassigned(run, people, written["unassigned"])
    write_problems_csv(run.inputs.problems, written["problems"])
    for route in run.plan.routes:
        path = out / "sheets" / f"{sheet_name(route.team_id, route.date)}.csv"
        write_route_sheet_csv(route, people, path)
    return written


def _csv_writer(path: Path) -> tuple[Any, NeutralWriter]:
    """Open a CSV file for writing through the formula-injection rule (planner/cells.py):
    addresses, wards, ids and phones come from uploaded lists."""
    fh = path.open("w", newline="", encoding="utf-8-sig")
    return fh, NeutralWriter(fh)


def vials_opened_at(route: PlanRoute) -> dict[int, str]:
    """seq -> 'vial 2' where a new vial is opened (what the nurse prepares at that door)."""
    out: dict[int, str] = {}
    for v in route.vials or ():
        label = f"{v.product} #{v.vial}"
        out[v.opened_at_stop] = (
            f"{out[v.opened_at_stop]}, {label}" if v.opened_at_stop in out else label
        )
    return out


def sheet_rows(route: PlanRoute, people: Mapping[str, Resident]) -> list[list[Any]]:
    """The route sheet's rows (SHEET_COLUMNS): times, address, initials, phones, doses, the
    vial to open; no names, no conditions."""
    rows: list[list[Any]] = []
    opened = vials_opened_at(route)
    for stop in route.stops:
        members = [people[rid] for rid in stop.resident_ids if rid in people]
        phones = sorted({m.phone for m in members if m.phone})
        rows.append(
            [
                stop.seq,
                stop.arrival[11:16],
                stop.service_start[11:16],
                stop.departure[11:16],
                members[0].address if members else "",
                stop.ward or "",
                stop.household_id or "",
                " ".join(stop.resident_ids),
                " ".join(m.initials for m in members),
                len(members),
                stop.doses,
                " / ".join(phones),
                "yes" if stop.needs_doctor else "",
                opened.get(stop.seq, ""),
            ]
        )
    return rows


def write_route_sheet_csv(route: PlanRoute, people: Mapping[str, Resident], path: Path) -> None:
    """A team-day's route sheet as CSV (initials, not names), cells neutralised."""
    fh, writer = _csv_writer(path)
    with fh:
        writer.writerow(SHEET_COLUMNS)
        writer.writerows(sheet_rows(route, people))


def _write_unassigned(run: PlanRun, people: dict[str, Resident], path: Path) -> None:
    fh, writer = _csv_writer(path)
    with fh:
        writer.writerow(["resident_id", "reason_code", "reason", "ward", "address", "priority"])
        for u in run.plan.unassigned:
            r = people.get(u.resident_id)
            writer.writerow(
                [
                    u.resident_id,
                    u.reason_code,
                    u.reason,
                    r.ward if r else "",
                    r.address if r else "",
                    run.data.priorities.get(u.resident_id, ""),
                ]
            )


def _with_depot(route: PlanRoute, depots: Mapping[str, tuple[float, float]]) -> PlanRoute:
    """Routes from older plans may lack ``depot``: take it from the teams when known."""
    if route.depot or route.team_id not in depots:
        return route
    lon, lat = depots[route.team_id]
    return replace(route, depot=Depot(lat, lon))


def routes_geojson(plan: Plan, run: PlanRun | None = None) -> dict[str, Any]:
    """One LineString per route (depot -> stops -> depot, along the roads on a road network)
    and one Point per stop; no names."""
    depots = {}
    if run is not None:
        depots = {t.team_id: (t.depot_lon, t.depot_lat) for t in run.data.teams}
    features: list[dict[str, Any]] = []
    for route in plan.routes:
        coords = [[lon, lat] for lat, lon in route_line(_with_depot(route, depots))]
        props = {
            "team_id": route.team_id,
            "date": route.date,
            "start": route.start,
            "end": route.end,
            "distance_m": route.distance_m,
            "travel_s": route.travel_s,
            "doses": route.doses,
            "stops": len(route.stops),
        }
        features.append(
            {
                "type": "Feature",
                "properties": {"kind": "route", **props},
                "geometry": {"type": "LineString", "coordinates": coords},
            }
        )
        for s in route.stops:
            features.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [s.lon, s.lat]},
                    "properties": {
                        "kind": "stop",
                        "team_id": route.team_id,
                        "date": route.date,
                        "seq": s.seq,
                        "arrival": s.arrival,
                        "doses": s.doses,
                        "resident_ids": list(s.resident_ids),
                    },
                }
            )
    return {"type": "FeatureCollection", "features": features}
