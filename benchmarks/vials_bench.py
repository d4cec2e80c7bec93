"""Wasted doses with the wastage-aware search on and off, on the same scenario, in one run.

    python benchmarks/vials_bench.py [--residents 1000] [--teams 12] [--days 5] [--time-limit 60]

AstraZeneca-like vials (10 doses, usable 6 h after opening). Prints, for each mode: doses
given, vials opened, doses wasted per dose given, priority-weighted coverage, residents
planned, travel hours, solve seconds; every plan passes the independent checker.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.scenarios import START, scenario
from planner.build import build_problem
from planner.checker import check_plan
from planner.plan import build_plan
from planner.settings import Settings, VialParams
from planner.solver import solve
from planner.travel import StraightLineTravel


def run(people, crews, days: int, limit: float, aware: bool) -> dict[str, float]:
    settings = Settings(vials=VialParams(wastage_aware=aware, product="astrazeneca"))
    settings = settings.with_solver(time_limit_s=limit)
    data = build_problem(people, crews, START, days, settings)
    travel = StraightLineTravel.from_params(settings.travel)
    began = time.perf_counter()
    result = solve(data, travel, settings.solver, vials=settings.vials)
    spent = time.perf_counter() - began
    plan = build_plan(data, result, travel, settings)
    report = check_plan(plan.to_json(), people, crews)
    assert report.ok, report.violations[:5]
    s = plan.summary
    planned = set(plan.resident_ids())
    eligible = [rid for rid in data.priorities if rid not in data.excluded]
    weighted = sum(data.priorities[r] for r in planned) / sum(data.priorities[r] for r in eligible)
    wasted = s.doses_wasted or 0
    return {
        "doses": s.doses,
        "vials": s.vials_opened,
        "wasted": wasted,
        "waste_per_dose": wasted / max(1, s.doses),
        "coverage": weighted,
        "planned": s.planned,
        "travel_h": s.travel_s / 3600,
        "seconds": spent,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--residents", type=int, default=1000)
    ap.add_argument("--teams", type=int, default=12)
    ap.add_argument("--days", type=int, default=5)
    ap.add_argument("--time-limit", type=float, default=60)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    people, crews = scenario(args.residents, args.teams, args.seed)
    rows = {
        mode: run(people, crews, args.days, args.time_limit, mode == "on") for mode in ("off", "on")
    }
    print(
        "| wastage-aware | doses given | vials | doses wasted | wasted per dose given | "
        "priority-weighted coverage | residents planned | travel h | solve s |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for mode, r in rows.items():
        print(
            f"| {mode} | {r['doses']:.0f} | {r['vials']:.0f} | {r['wasted']:.0f} | "
            f"{r['waste_per_dose']:.3f} | {100 * r['coverage']:.2f} % | {r['planned']:.0f} | "
            f"{r['travel_h']:.1f} | {r['seconds']:.0f} |"
        )
    off, on = rows["off"], rows["on"]
    print(
        f"\nwaste ratio on/off {on['waste_per_dose'] / max(off['waste_per_dose'], 1e-9):.2f}, "
        f"coverage change {100 * (on['coverage'] - off['coverage']):+.2f} points, "
        f"travel change {100 * (on['travel_h'] / off['travel_h'] - 1):+.1f} %"
    )


if __name__ == "__main__":
    main()
