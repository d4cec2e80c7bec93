"""The planner on generated city-like scenarios: time, memory, coverage, travel per size and budget.

    python benchmarks/domain_bench.py                      # the standard set (about 20 minutes)
    python benchmarks/domain_bench.py --runs 1000x12x5@60  # one run: residents x teams x days @ s
    python benchmarks/domain_bench.py --no-wastage ...     # without the wastage-aware pass
    python benchmarks/domain_bench.py --fixed-cost 50000 ... # fewest team-days (vehicles first)

Each run is a fresh process (its peak memory is its own, imports included), solving the
scenario of ``benchmarks/scenarios.py`` (seed 1) with straight-line travel, every plan checked
by the independent checker, with the product's default settings (wastage-aware pass on, as in
`vaxroute plan`; the benchmark measured it off until 2026-11-23). Coverage is priority-weighted:
the share of the eligible residents' priority that the plan serves. The 10-minute run at 1,000
residents is the reference the shorter runs are compared against.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

STANDARD = [
    "200x4x5@10",
    "200x4x5@60",
    "1000x12x5@10",
    "1000x12x5@60",
    "1000x12x5@600",
    "5000x40x5@300",
]


def one(spec: str, wastage: bool = True, fixed_cost: int = 0) -> dict[str, float]:
    """Solve one scenario in this process and measure it, as `vaxroute plan` would (the
    wastage-aware pass on unless ``wastage`` is False; ``fixed_cost`` per team-day used, as
    the setting ``solver.vehicle_fixed_cost``)."""
    from benchmarks.scenarios import START, scenario
    from planner.build import build_problem
    from planner.checker import check_plan
    from planner.plan import build_plan
    from planner.settings import Settings, VialParams
    from planner.solver import solve
    from planner.travel import StraightLineTravel

    size, limit = spec.split("@")
    residents, teams, days = (int(x) for x in size.split("x"))
    people, crews = scenario(residents, teams, seed=1)
    settings = Settings(vials=VialParams(wastage_aware=wastage)).with_solver(
        time_limit_s=float(limit), vehicle_fixed_cost=fixed_cost
    )
    began = time.perf_counter()
    data = build_problem(people, crews, START, days, settings)
    travel = StraightLineTravel.from_params(settings.travel)
    result = solve(data, travel, settings.solver, vials=settings.vials)  # as `vaxroute plan`
    solved = time.perf_counter() - began
    plan = build_plan(data, result, travel, settings)
    report = check_plan(plan.to_json(), people, crews)
    planned = set(plan.resident_ids())
    eligible = [rid for rid in data.priorities if rid not in data.excluded]
    weight = sum(data.priorities[r] for r in eligible)
    return {
        "spec": spec,
        "residents": residents,
        "teams": teams,
        "days": days,
        "limit_s": float(limit),
        "seconds": round(solved, 1),
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "worker_peak_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024),
        "coverage": sum(data.priorities[r] for r in planned) / weight,
        "planned": len(planned),
        "eligible": len(eligible),
        "travel_h": plan.summary.travel_s / 3600,
        "checked": report.ok,
        "team_days": sum(1 for r in plan.routes if r.stops),
        "workers": result.stats.get("workers", 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", nargs="*", default=STANDARD)
    ap.add_argument(
        "--no-wastage",
        action="store_true",
        help="without the wastage-aware pass (on by default, as in the product)",
    )
    ap.add_argument(
        "--fixed-cost",
        type=int,
        default=0,
        help="cost per team-day used (solver.vehicle_fixed_cost; 0: none)",
    )
    ap.add_argument("--one", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one(args.one, not args.no_wastage, args.fixed_cost)))
        return
    rows = []
    for spec in args.runs:
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--one",
                spec,
                *(["--no-wastage"] if args.no_wastage else []),
                "--fixed-cost",
                str(args.fixed_cost),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
        print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    print(
        "| residents x teams x days | budget s | solve s | peak MB (main + worker) | "
        "priority-weighted coverage | planned / eligible | travel h | team-days | checked |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['residents']} x {r['teams']} x {r['days']} | {r['limit_s']:.0f} | "
            f"{r['seconds']:.0f} | {r['peak_mb']:.0f} + {r['worker_peak_mb']:.0f} | "
            f"{100 * r['coverage']:.2f} % | "
            f"{r['planned']} / {r['eligible']} | {r['travel_h']:.1f} | {r['team_days']} | "
            f"{r['checked']} |"
        )
    ref = {(r["residents"], r["teams"], r["days"]): r for r in rows if r["limit_s"] >= 600}
    for r in rows:
        base = ref.get((r["residents"], r["teams"], r["days"]))
        if base and base is not r:
            print(
                f"\n{r['residents']} residents at {r['limit_s']:.0f} s: coverage "
                f"{100 * (r['coverage'] - base['coverage']):+.2f} points against the "
                f"{base['limit_s']:.0f} s run",
                end="",
            )
    print()


if __name__ == "__main__":
    main()
