"""The plans benchmarks/compare_outputs.py writes: their input lists, settings and re-plans.

Every scenario is a pair of CSV lists (written into the base folder, so both checkouts read
the very same bytes), settings and a travel choice; below them the two stand-ins for the
search: the base plan's routes as a fixed solve, and a deterministic clock. Only interfaces
that every checkout since issue #20 has are used: ``read_inputs``, ``plan_from_inputs``,
``replan``, ``Outcome``, the solver's ``Result``.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import shutil
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from planner.settings import Settings, VialParams

ROOT = Path(__file__).resolve().parents[1]
HANOI = ROOT.parent / "shared" / "data" / "osm" / "vn_hanoi_dong_da_small.osm"
START = dt.date(2026, 11, 23)
DEPOT = (22.1470, 105.8340)


@dataclass(frozen=True)
class Scenario:
    """Lists, horizon and settings of one plan; ``roads`` an OSM extract or None."""

    days: int
    settings: Settings
    lists: Callable[[Path], tuple[Path, Path]]
    roads: Path | None = None
    #: the re-plans made from this plan (see ``replan_case``)
    replans: tuple[str, ...] = ()


def base_settings(cache: Path) -> Settings:
    """Fixed seed; the road cache in the run's folder (nothing read from the user's cache)."""
    s = Settings().with_solver(time_limit_s=8, seed=7)
    return replace(s, roads=replace(s.roads, cache_dir=str(cache)))


def write_csv(path: Path, rows: list[dict[str, Any]]) -> Path:
    columns = list(dict.fromkeys(k for row in rows for k in row))
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def demo_lists(folder: Path) -> tuple[Path, Path]:
    """The demo's lists, copied (the base folder keeps every input it was made from)."""
    from planner.demo import demo_files

    files = demo_files()
    return (
        Path(shutil.copy(files.residents, folder / "residents.csv")),
        Path(shutil.copy(files.teams, folder / "teams.csv")),
    )


def tight_lists(folder: Path) -> tuple[Path, Path]:
    """The demo's first 150 residents and 4 teams at 10 doses a day (many left out for
    capacity), plus a formula-like address and a row with a bad latitude (invalid_input)."""
    from planner.demo import demo_files

    files = demo_files()
    with files.residents.open(encoding="utf-8") as fh:
        people = list(csv.DictReader(fh))[:150]
    people[3]["address"] = '=HYPERLINK("http://x.example","Tổ 7")'
    people.append({**people[5], "resident_id": "BAD-1", "lat": "222.5"})
    with files.teams.open(encoding="utf-8") as fh:
        teams = [{**t, "max_doses": "10"} for t in list(csv.DictReader(fh))[:4]]
    return (write_csv(folder / "residents.csv", people), write_csv(folder / "teams.csv", teams))


def ring_lists(folder: Path) -> tuple[Path, Path]:
    """30 residents on a 2 km ring (two households of two), two teams of 8 and 6 doses a day,
    one without a doctor: two days of work (the re-plans' base)."""
    people = []
    for k in range(30):
        lat, lon = around(k, 30, 2000)
        people.append(
            {
                "resident_id": f"R{k:02d}",
                "lat": lat,
                "lon": lon,
                "birth_year": 1940 + k,
                "household_id": f"H{k - (k in (11, 21))}",
                "ward": "Đức Xuân",
                "needs_doctor": "có" if k % 7 == 0 else "không",
                "priority": 1 + k % 5,
            }
        )
        if k in (11, 21):
            people[-1]["lat"], people[-1]["lon"] = people[-2]["lat"], people[-2]["lon"]
    b = around(8, 16, 400)
    teams = [
        {
            "team_id": "T1",
            "depot_lat": DEPOT[0],
            "depot_lon": DEPOT[1],
            "has_doctor": "true",
            "break_start": "11:30",
            "break_minutes": 60,
            "max_doses": 8,
        },
        {
            "team_id": "T2",
            "depot_lat": b[0],
            "depot_lon": b[1],
            "has_doctor": "false",
            "max_doses": 6,
        },
    ]
    return write_csv(folder / "residents.csv", people), write_csv(folder / "teams.csv", teams)


def around(
    k: int, n: int, metres: float, centre: tuple[float, float] = DEPOT
) -> tuple[float, float]:
    angle = 2 * math.pi * k / n
    return (
        round(centre[0] + metres * math.cos(angle) / 111_195, 6),
        round(
            centre[1] + metres * math.sin(angle) / (111_195 * math.cos(math.radians(centre[0]))), 6
        ),
    )


def road_lists(folder: Path) -> tuple[Path, Path]:
    """One team and 14 residents at street nodes of the Hanoi extract (every 97th node of its
    residential streets), one resident 3 km off the map."""
    nodes: dict[str, tuple[float, float]] = {}
    street: list[str] = []
    for _, el in ET.iterparse(HANOI):
        if el.tag == "node":
            nodes[el.get("id", "")] = (float(el.get("lat", 0)), float(el.get("lon", 0)))
        elif el.tag == "way":
            tags = {t.get("k"): t.get("v") for t in el.findall("tag")}
            if tags.get("highway") in ("residential", "tertiary", "service"):
                street += [nd.get("ref", "") for nd in el.findall("nd")]
            el.clear()
    picked = [nodes[n] for n in dict.fromkeys(street) if n in nodes][::97][:15]
    teams = [{"team_id": "DD", "depot_lat": picked[0][0], "depot_lon": picked[0][1]}]
    people = [
        {"resident_id": f"HN-{k:02d}", "lat": round(lat + 1e-4, 7), "lon": lon, "birth_year": 1950}
        for k, (lat, lon) in enumerate(picked[1:])
    ]
    people.append(
        {
            "resident_id": "HN-FAR",
            "lat": picked[0][0] + 0.03,
            "lon": picked[0][1],
            "birth_year": 1950,
        }
    )
    return write_csv(folder / "residents.csv", people), write_csv(folder / "teams.csv", teams)


def scenarios(cache: Path) -> dict[str, Scenario]:
    s = base_settings(cache)
    return {
        "demo": Scenario(3, s, demo_lists),
        "tight": Scenario(1, replace(s, vials=VialParams(wastage_aware=False)), tight_lists),
        "ring": Scenario(
            2,
            s.with_solver(time_limit_s=4),
            ring_lists,
            replans=("midday", "late-team-done", "next-morning", "deleted"),
        ),
        "roads": Scenario(
            1, s.with_solver(time_limit_s=4), road_lists, roads=HANOI, replans=("midday",)
        ),
    }


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(START + dt.timedelta(days=day), dt.time(hour, minute))


def replan_case(name: str, base: dict[str, Any]) -> tuple[list[Any], dt.datetime, int, set[str]]:
    """(outcomes, as_of, days, ids deleted from the list) of a named re-plan of ``base``."""
    from planner.replan import Outcome

    today = [r for r in base["routes"] if r["date"] == START.isoformat() and r["stops"]]
    if name == "next-morning":
        done = [
            Outcome(rid, "vaccinated", at(0, 15))
            for r in today
            for s in r["stops"]
            for rid in s["resident_ids"]
        ]
        return done, at(1, 6), 1, set()
    if name == "late-team-done":  # the first team's whole day done: nothing more for it today
        stops = today[0]["stops"]
        done = [Outcome(rid, "vaccinated", at(0, 8)) for s in stops for rid in s["resident_ids"]]
        return done, at(0, 15, 30), 2, set()
    outcomes = []
    for r in today:
        first = r["stops"][0]["resident_ids"][0]
        outcomes.append(Outcome(first, "vaccinated", at(0, 8, 10)))
        if len(r["stops"]) > 1:
            outcomes.append(Outcome(r["stops"][1]["resident_ids"][0], "not_at_home", at(0, 9)))
        if len(r["stops"]) > 3:
            outcomes.append(Outcome(r["stops"][3]["resident_ids"][0], "refused", at(0, 8, 30)))
    if len(today[0]["stops"]) > 2:
        outcomes.append(
            Outcome(
                today[0]["stops"][2]["resident_ids"][0],
                "postponed",
                at(0, 8),
                postponed_to=START + dt.timedelta(days=1),
            )
        )
    deleted = {today[0]["stops"][0]["resident_ids"][0]} if name == "deleted" else set()
    return outcomes, at(0, 10, 30), 2 if base["days"] > 1 else 1, deleted


# -- the solves: fixed routes (the pipeline), a deterministic clock (the re-plans) --------------
def fixed_result(base: dict[str, Any], data: Any) -> Any:
    """The base plan's routes and reasons as the solver's Result for ``data``."""
    from planner.plan import parse_iso_time
    from planner.solver.result import Result, Route, Status, Unserved, Visit

    stop_of = {tuple(s.resident_ids): k for k, s in enumerate(data.stops)}
    by_resident = {rid: k for k, s in enumerate(data.stops) for rid in s.resident_ids}
    team_of = {t.team_id: k for k, t in enumerate(data.teams)}
    routes = []
    for r in base["routes"]:
        day = (parse_iso_time(r["start"])[0] - data.start_date).days
        visits = tuple(
            Visit(
                stop_of[tuple(s["resident_ids"])],
                *(parse_iso_time(s[k])[1] for k in ("arrival", "service_start", "departure")),
            )
            for s in r["stops"]
        )
        brk = r.get("break")
        routes.append(
            Route(
                team_of[r["team_id"]],
                day,
                visits,
                parse_iso_time(r["start"])[1],
                parse_iso_time(r["end"])[1],
                r["distance_m"],
                r["travel_s"],
                None
                if not brk
                else (parse_iso_time(brk["start"])[1], parse_iso_time(brk["end"])[1]),
            )
        )
    unserved: dict[int, Any] = {}
    for u in base["unassigned"]:
        k = by_resident.get(u["resident_id"])
        if k is not None and k not in unserved:
            unserved[k] = Unserved(k, u["reason_code"], u["reason"])
    s = base["summary"]
    return Result(
        tuple(routes),
        tuple(unserved.values()),
        0,
        s["solve_s"],
        s["solutions_found"],
        Status.FEASIBLE,
    )


@contextmanager
def fake_clock(step: float, solutions: int) -> Iterator[None]:
    """benchmarks/solve_digest.py's deterministic clock: every read advances it by ``step``
    s; every OR-Tools search stops after ``solutions`` solutions or at its local optimum
    (greedy descent instead of guided local search, which on a small model never stops),
    never by its time limit, nor its LNS sub-searches by theirs (100 ms of wall clock)."""
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    now = [1_000_000.0]
    model = pywrapcp.RoutingModel
    saved = (
        time.time,
        time.monotonic,
        model.SolveWithParameters,
        model.SolveFromAssignmentWithParameters,
    )

    def tick() -> float:
        now[0] += step
        return now[0]

    def limited(search: Any) -> Any:
        search = type(search).FromString(search.SerializeToString())
        search.solution_limit = solutions
        search.time_limit.FromSeconds(3600)
        search.local_search_metaheuristic = (
            routing_enums_pb2.LocalSearchMetaheuristic.GREEDY_DESCENT
        )
        search.lns_time_limit.FromSeconds(3600)  # LNS sub-searches too: never by the clock
        return search

    time.time = time.monotonic = tick  # type: ignore[assignment]
    model.SolveWithParameters = lambda self, s: saved[2](self, limited(s))
    model.SolveFromAssignmentWithParameters = lambda self, h, s: saved[3](self, h, limited(s))
    try:
        yield
    finally:
        (
            time.time,
            time.monotonic,
            model.SolveWithParameters,
            model.SolveFromAssignmentWithParameters,
        ) = saved


@contextmanager
def fixed_solve(base: dict[str, Any]) -> Iterator[None]:
    """The pipeline's solve returns the base plan's routes (whatever module calls it)."""
    import planner.pipeline as pipeline

    saved = pipeline.solve
    pipeline.solve = lambda data, *a, **k: fixed_result(base, data)  # type: ignore[assignment]
    try:
        yield
    finally:
        pipeline.solve = saved
