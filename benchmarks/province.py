"""A province's home-bound list on real ward polygons, and the Dask scaling table (issue 25).

Generator: the 48 wards and communes of ``../shared/data/vn_boundaries/`` (Bắc Kạn city, Bắc
Ninh city, Lai Châu city, Tam Đường district; GADM 4.1 polygons with the 2019 census; see its
README: test data, never shipped) stand for one province. Residents are spread over the wards
in proportion to the 2019 population; inside a ward they live in hamlets (points drawn inside
the real polygon) and households around them, also inside the polygon; a household's size is
drawn from the ward's census household sizes (urban and rural buckets 1..5), and of its members
one is on the list, plus each other member with probability ``EXTRA_MEMBER`` (home-bound
high-risk people are rarely more than two a house). One station per ward at the ward's label
point; teams per station in proportion to the ward's residents (at least one). Ages,
conditions and doses as benchmarks/scenarios.py draws them. Deterministic for a seed.

Scaling: ``python benchmarks/province.py scale`` plans each size through the Dask path
(planner/solver/areas_dask.py) on LocalClusters of 1 and 2 workers and prints the rows of
benchmarks/RESULTS.md; ``split`` times the decomposition alone (the serial share that grows
with the province) for the sizes too large to solve here; ``sample`` solves a few areas of a
size on the cluster to measure task times and memory for the extrapolation.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import random
import resource
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from shapely.geometry import Point, shape
from shapely.prepared import prep

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from planner.build import build_problem
from planner.model import ProblemData, Resident, Team
from planner.settings import Settings, VialParams

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "vn_boundaries"
FILES = (
    "bac_kan_city.geojson",
    "bac_ninh_city.geojson",
    "lai_chau_city.geojson",
    "lai_chau_tam_duong_district.geojson",
)
START = dt.date(2026, 11, 23)
EXTRA_MEMBER = 0.15
#: residents -> teams: one per 100 residents, within the issue's 200-800 for 20k-100k, and at
#: least one per station
TEAMS_PER_RESIDENT = 0.01
MAX_TEAMS = 800


def wards() -> list[dict[str, Any]]:
    """The wards: polygon, 2019 population, household sizes (weights of sizes 1..5), label."""
    out = []
    for name in FILES:
        for f in json.loads((DATA / name).read_text(encoding="utf-8"))["features"]:
            p = f["properties"]
            sizes = [
                (p.get(f"hh2019_urban_{k}") or 0.0) + (p.get(f"hh2019_rural_{k}") or 0.0)
                for k in range(1, 6)
            ]
            both = p.get("hh2019_rural_1_2") or 0.0
            sizes[0] += both / 2
            sizes[1] += both / 2
            out.append(
                {
                    "code": p["gso_code_3"] or p["gid_3"],
                    "name": p["name_3_ascii"],
                    "geom": shape(f["geometry"]),
                    "pop": float(p["pop2019_total"] or 0.0),
                    "sizes": sizes if sum(sizes) > 0 else [1, 1, 1, 1, 1],
                    "label": (float(p["label_lat"]), float(p["label_lon"])),
                }
            )
    return out


def _inside(rng: random.Random, geom: Any, near: tuple[float, float] | None, km: float) -> Point:
    """A point inside the polygon: around ``near`` (gauss, ``km``) or anywhere in it."""
    inside = prep(geom)
    x0, y0, x1, y1 = geom.bounds
    for _ in range(10_000):
        if near is None:
            pt = Point(rng.uniform(x0, x1), rng.uniform(y0, y1))
        else:
            pt = Point(near[1] + rng.gauss(0, km) / 103.0, near[0] + rng.gauss(0, km) / 111.0)
        if inside.contains(pt):
            return pt
    return geom.representative_point()


def _person(rng: random.Random, rid: str, at: Point, household: str, ward: str) -> Resident:
    age = rng.randint(50, 95)
    conditions = tuple(
        rng.sample(
            ["hypertension", "diabetes", "copd", "heart_failure", "ckd"],
            rng.choices([0, 1, 2, 3], [35, 35, 20, 10])[0],
        )
    )
    doses = rng.choices([0, 1, 2], [40, 35, 25])[0]
    last = None
    if doses:
        gap = {1: 28, 2: 90}[doses]
        last = START - dt.timedelta(days=rng.randint(gap - 10, gap + 60))
    return Resident(
        rid,
        round(at.y, 6),
        round(at.x, 6),
        household_id=household,
        ward=ward,
        age=age,
        conditions=conditions,
        doses_received=doses,
        last_dose_date=last,
        needs_doctor=age >= 75 and "heart_failure" in conditions,
    )


def province(residents: int, seed: int = 1) -> tuple[list[Resident], list[Team]]:
    """``residents`` on the list over the wards, and the stations' teams (see the module)."""
    rng = random.Random(seed)
    units = wards()
    total_pop = sum(w["pop"] for w in units)
    quota = [round(residents * w["pop"] / total_pop) for w in units]
    quota[-1] += residents - sum(quota)
    people: list[Resident] = []
    for w, want in zip(units, quota, strict=True):
        hamlets = [_inside(rng, w["geom"], None, 0) for _ in range(max(3, min(12, want // 80)))]
        household = 0
        mine = 0
        while mine < want:
            household += 1
            size = rng.choices([1, 2, 3, 4, 5], w["sizes"])[0]
            listed = 1 + sum(rng.random() < EXTRA_MEMBER for _ in range(size - 1))
            hamlet = rng.choice(hamlets)
            spot = _inside(rng, w["geom"], (hamlet.y, hamlet.x), 0.3)
            for _ in range(min(listed, want - mine)):
                mine += 1
                rid = f"P{len(people) + 1:06d}"
                people.append(_person(rng, rid, spot, f"{w['code']}-{household:05d}", w["name"]))
    n_teams = max(len(units), min(MAX_TEAMS, round(residents * TEAMS_PER_RESIDENT)))
    per = [max(1, math.floor(n_teams * q / residents)) for q in quota]
    order = sorted(range(len(units)), key=lambda k: -quota[k])
    k = 0
    while sum(per) < n_teams:
        per[order[k % len(order)]] += 1
        k += 1
    teams = [
        Team(f"T{w['code']}-{j + 1:02d}", *w["label"], has_doctor=j % 4 != 3, max_doses=40)
        for w, n in zip(units, per, strict=True)
        for j in range(n)
    ]
    return people, teams


def settings(time_limit: float) -> Settings:
    """The scaling runs' settings: one pass (no whole-vial second pass), default split."""
    return Settings(vials=VialParams(wastage_aware=False)).with_solver(time_limit_s=time_limit)


def coverage(data: ProblemData, served: set[int], stops: Any = None) -> float:
    """Priority-weighted coverage of ``stops`` (all when None) by the served stops."""
    pick = range(len(data.stops)) if stops is None else stops
    weight = {s: sum(data.priorities.get(r, 0.0) for r in data.stops[s].resident_ids) for s in pick}
    total = sum(weight.values())
    return sum(w for s, w in weight.items() if s in served) / total if total else 0.0


def scale_row(residents: int, workers: int, time_limit: float, ten_x: int) -> dict[str, Any]:
    """One row: the plan through a LocalCluster of ``workers``, its timings and coverage; then
    ``ten_x`` of its largest areas solved here again with ten times their share."""
    from planner.solver import solve
    from planner.solver.areas_dask import AreaTask, run_area, shares
    from planner.solver.cluster import cluster_session
    from planner.solver.decompose import split
    from planner.solver.sectors import sectors
    from planner.travel import StraightLineTravel

    people, teams = province(residents)
    cfg = settings(time_limit)
    t0 = time.monotonic()
    data = build_problem(people, teams, START, 1, cfg)
    build_s = time.monotonic() - t0
    t0 = time.monotonic()
    areas = split(data, list(range(len(data.stops))), cfg.solver.split_stops)
    areas = sectors(data, areas, cfg.solver.split_stops)  # as solve_on_cluster cuts them
    split_s = time.monotonic() - t0
    travel = StraightLineTravel.from_params(cfg.travel)
    t0 = time.monotonic()
    with cluster_session(f"local:{workers}") as session:
        result = solve(data, travel, cfg.solver)
        peak_client = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        session.close()
    wall = time.monotonic() - t0
    served = {v.stop_index for r in result.routes for v in r.visits}
    row: dict[str, Any] = {
        "residents": residents,
        "stops": len(data.stops),
        "teams": len(teams),
        "areas": len(areas),
        "workers": workers,
        "time_limit_s": time_limit,
        "wall_s": round(wall, 1),
        "build_s": round(build_s, 2),
        "split_s": round(split_s, 2),
        "client_peak_mb": round(peak_client),
        "coverage": round(coverage(data, served), 4),
        "load_1min": round(os.getloadavg()[0], 1),
        **{k: round(v, 2) for k, v in result.stats.items() if isinstance(v, float)},
    }
    if ten_x:
        budget = time_limit * 0.9
        given = shares([len(a.stops) for a in areas], workers, budget)
        largest = sorted(range(len(areas)), key=lambda k: -len(areas[k].stops))[:ten_x]
        pairs = []
        for k in largest:
            area = areas[k]
            task = AreaTask(
                k,
                area.data,
                travel,
                replace(cfg.solver, time_limit_s=10 * given[k], split_stops=0, workers=1),
                time.time() + 10 * given[k] + 60,
            )
            long = run_area(task).result
            long_served = {area.stops[v.stop_index] for r in long.routes for v in r.visits}
            pairs.append(
                (coverage(data, served, area.stops), coverage(data, long_served, area.stops))
            )
        row["ten_x_areas"] = len(pairs)
        row["area_cov"] = round(sum(p[0] for p in pairs) / len(pairs), 4)
        row["area_cov_10x"] = round(sum(p[1] for p in pairs) / len(pairs), 4)
    return row


def split_row(residents: int) -> dict[str, Any]:
    """Generation, problem building and decomposition alone, for a size."""
    from planner.solver.decompose import split
    from planner.solver.sectors import sectors

    t0 = time.monotonic()
    people, teams = province(residents)
    gen_s = time.monotonic() - t0
    cfg = settings(60)
    t0 = time.monotonic()
    data = build_problem(people, teams, START, 1, cfg)
    build_s = time.monotonic() - t0
    t0 = time.monotonic()
    areas = split(data, list(range(len(data.stops))), cfg.solver.split_stops)
    split_s = time.monotonic() - t0
    before = sorted(len(a.stops) for a in areas)
    t0 = time.monotonic()
    areas = sectors(data, areas, cfg.solver.split_stops)
    sectors_s = time.monotonic() - t0
    sizes = sorted(len(a.stops) for a in areas)
    return {
        "residents": residents,
        "stops": len(data.stops),
        "teams": len(teams),
        "stations_areas": len(before),
        "stations_area_stops_min_med_max": (before[0], before[len(before) // 2], before[-1]),
        "areas": len(areas),
        "area_stops_min_med_max": (sizes[0], sizes[len(sizes) // 2], sizes[-1]),
        "sectors_s": round(sectors_s, 1),
        "generate_s": round(gen_s, 1),
        "build_s": round(build_s, 1),
        "split_s": round(split_s, 1),
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def sample_row(
    residents: int, workers: int, n_areas: int, share_s: float, ten_x: bool = False
) -> dict[str, Any]:
    """``n_areas`` of the size's areas (evenly spaced in the list) as Dask tasks of
    ``share_s`` each: task times, matrix times and worker memory for the extrapolation; with
    ``ten_x``, the same areas again with ten times the share, and both coverages."""
    from planner.solver.areas_dask import AreaTask, gather, lean
    from planner.solver.cluster import cluster_session
    from planner.solver.decompose import split
    from planner.solver.sectors import sectors
    from planner.travel import StraightLineTravel

    people, teams = province(residents)
    cfg = settings(60)
    data = build_problem(people, teams, START, 1, cfg)
    areas = sectors(data, split(data, list(range(len(data.stops))), cfg.solver.split_stops), 450)
    step = max(1, len(areas) // n_areas)
    picked = list(range(0, len(areas), step))[:n_areas]
    travel = StraightLineTravel.from_params(cfg.travel)
    params = replace(cfg.solver, time_limit_s=share_s, split_stops=0, workers=1)
    tasks = [
        AreaTask(k, lean(areas[k].data), travel, params, time.time() + 3600 + share_s)
        for k in picked
    ]
    sizes = [len(areas[k].stops) for k in picked]
    with cluster_session(f"local:{workers}") as session:
        t0 = time.monotonic()
        session.client()
        connect = time.monotonic() - t0
        t0 = time.monotonic()
        done = gather(session, tasks, sizes, lambda d: None)
        wall = time.monotonic() - t0
        long_done = {}
        if ten_x:  # the same areas again with ten times the share each
            long_params = replace(params, time_limit_s=10 * share_s)
            long_tasks = [
                replace(t, params=long_params, deadline=time.time() + 3600 + 10 * share_s)
                for t in tasks
            ]
            long_done = gather(session, long_tasks, sizes, lambda d: None)
    secs = [d.seconds for d in done.values()]
    extra: dict[str, Any] = {}
    if long_done:

        def served(d: Any, k: int) -> set[int]:
            return {areas[k].stops[v.stop_index] for r in d.result.routes for v in r.visits}

        pairs = [
            (
                coverage(data, served(done[k], k), areas[k].stops),
                coverage(data, served(long_done[k], k), areas[k].stops),
            )
            for k in picked
        ]
        extra = {
            "area_cov": round(sum(a for a, _ in pairs) / len(pairs), 4),
            "area_cov_10x": round(sum(b for _, b in pairs) / len(pairs), 4),
            "area_pairs": [(round(a, 4), round(b, 4)) for a, b in pairs],
        }
    return {
        "residents": residents,
        "areas_total": len(areas),
        "sampled": len(picked),
        "workers": workers,
        "share_s": share_s,
        "connect_s": round(connect, 1),
        "wall_s": round(wall, 1),
        "task_s_mean": round(sum(secs) / len(secs), 2),
        "task_s_max": round(max(secs), 2),
        "overhead_s_mean": round(sum(secs) / len(secs) - share_s, 2),
        "matrix_s_mean": round(sum(d.matrix_s for d in done.values()) / len(secs), 3),
        "worker_peak_mb": round(max(d.peak_rss_mb for d in done.values())),
        "area_stops_mean": round(sum(len(areas[k].stops) for k in picked) / len(picked)),
        "load_1min": round(os.getloadavg()[0], 1),
        **extra,
    }


def main() -> None:
    """``generate``, ``scale``, ``split`` or ``sample`` (see the module); one JSON line a row."""
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=("generate", "scale", "split", "sample"))
    ap.add_argument("--sizes", default="1000,5000,20000")
    ap.add_argument("--workers", default="1,2")
    ap.add_argument("--time-limits", default="20,40,120", help="per size, seconds")
    ap.add_argument("--ten-x", type=int, default=2, help="areas re-solved with 10x the time")
    ap.add_argument("--areas", type=int, default=4, help="sample: areas to solve")
    ap.add_argument("--share", type=float, default=10.0, help="sample: seconds per area")
    args = ap.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")]
    if args.what == "generate":
        for n in sizes:
            people, teams = province(n)
            print(json.dumps({"residents": len(people), "teams": len(teams)}), flush=True)
    elif args.what == "split":
        for n in sizes:
            print(json.dumps(split_row(n)), flush=True)
    elif args.what == "sample":
        for n in sizes:
            for w in (int(x) for x in args.workers.split(",")):
                row = sample_row(n, w, args.areas, args.share, args.ten_x > 0)
                print(json.dumps(row), flush=True)
    else:
        limits = [float(x) for x in args.time_limits.split(",")]
        for n, limit in zip(sizes, limits, strict=True):
            for w in (int(x) for x in args.workers.split(",")):
                print(json.dumps(scale_row(n, w, limit, args.ten_x if w > 1 else 0)), flush=True)


if __name__ == "__main__":
    main()
