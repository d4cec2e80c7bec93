"""Balanced days (issue 24 item 4): spread of team-day hours and stops, and coverage, with
``solver.balance`` off, "hours" and "stops".

    python benchmarks/balance_bench.py                          # 1000x12x5 @ 60 s, three modes
    python benchmarks/balance_bench.py --spec 200x4x5@20 --modes off hours --weight 2

Each run is a fresh process solving the scenario of ``benchmarks/scenarios.py`` (seed 1) with
straight-line travel and the product's default settings otherwise (wastage-aware pass on, as
`vaxroute plan`), every plan checked by the independent checker. Figures per worked team-day
come from ``planner.workload`` (what the summary, sheets and plan page show): hours out from
leaving the station to coming back, stops = households visited; the "idle days as 0" columns
count the team-days without a route too (teams x days in all). Coverage is priority-weighted
over the eligible residents. ``--side-by-side`` runs the modes at the same time, so that a
shared machine loads them alike (``--workers 1`` each then).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def one(spec: str, mode: str, weight: int | None, workers: int = 2) -> dict[str, object]:
    """Solve one scenario with ``solver.balance = mode`` and measure its team-days."""
    from benchmarks.scenarios import START, scenario
    from planner.build import build_problem
    from planner.checker import check_plan
    from planner.plan import build_plan
    from planner.settings import Settings
    from planner.solver import solve
    from planner.travel import StraightLineTravel
    from planner.workload import Spread, route_hours, workload

    size, limit = spec.split("@")
    residents, teams, days = (int(x) for x in size.split("x"))
    people, crews = scenario(residents, teams, seed=1)
    changes: dict[str, object] = {
        "time_limit_s": float(limit),
        "balance": mode,
        "workers": workers,
    }
    if weight is not None:
        changes["balance_weight"] = weight
    settings = Settings().with_solver(**changes)
    data = build_problem(people, crews, START, days, settings)
    travel = StraightLineTravel.from_params(settings.travel)
    result = solve(data, travel, settings.solver, vials=settings.vials)
    plan = build_plan(data, result, travel, settings)
    report = check_plan(plan.to_json(), people, crews)
    planned = set(plan.resident_ids())
    eligible = [rid for rid in data.priorities if rid not in data.excluded]
    weight_sum = sum(data.priorities[r] for r in eligible)
    load = workload(plan)
    idle = [0.0] * (teams * days - load.team_days)  # team-days without a route count as 0
    hours_all = Spread.of([route_hours(r) for r in plan.routes if r.stops] + idle)
    stops_all = Spread.of([float(len(r.stops)) for r in plan.routes if r.stops] + idle)
    by_day: dict[str, list[float]] = {}
    for r in plan.routes:
        if r.stops:
            by_day.setdefault(r.date, []).append(route_hours(r))
    # "one team back at 13:00 while another works until 16:30": the spread within a day
    day_range = sum(max(h) - min(h) for h in by_day.values()) / max(1, len(by_day))
    return {
        "spec": spec,
        "mode": mode,
        "weight": settings.solver.balance_weight,
        "coverage": sum(data.priorities[r] for r in planned) / weight_sum,
        "planned": len(planned),
        "eligible": len(eligible),
        "team_days": load.team_days,
        "hours": [load.hours.low, load.hours.mean, load.hours.high, load.hours.std],
        "stops": [load.stops.low, load.stops.mean, load.stops.high, load.stops.std],
        "hours_all": [hours_all.low, hours_all.mean, hours_all.high, hours_all.std],
        "stops_all": [stops_all.low, stops_all.mean, stops_all.high, stops_all.std],
        "day_range_h": day_range,
        "travel_h": plan.summary.travel_s / 3600,
        "checked": report.ok,
        "status": result.status.value,
        "unassigned_by_reason": dict(plan.summary.unassigned_by_reason),
    }


def table(rows: list[dict]) -> str:
    """The Markdown table of the runs, and each run's spread against the first (off) run."""
    out = [
        "| balance | weight | hours min / mean / max | hours max − min | hours std | "
        "stops min / mean / max | stops max − min | stops std | hours std, idle days as 0 | "
        "stops std, idle days as 0 | hours max − min within a day (mean) | coverage | planned | "
        "travel h | team-days | checked |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        h, s = r["hours"], r["stops"]
        out.append(
            f"| {r['mode']} | {r['weight']} | {h[0]:.2f} / {h[1]:.2f} / {h[2]:.2f} | "
            f"{h[2] - h[0]:.2f} | {h[3]:.2f} | {s[0]:.0f} / {s[1]:.1f} / {s[2]:.0f} | "
            f"{s[2] - s[0]:.0f} | {s[3]:.2f} | {r['hours_all'][3]:.2f} | "
            f"{r['stops_all'][3]:.2f} | {r.get('day_range_h', float('nan')):.2f} | "
            f"{100 * r['coverage']:.2f} % | "
            f"{r['planned']} / {r['eligible']} | {r['travel_h']:.1f} | {r['team_days']} | "
            f"{r['checked']} |"
        )
    base = rows[0]
    for r in rows[1:]:
        hr = (r["hours"][2] - r["hours"][0]) / max(1e-9, base["hours"][2] - base["hours"][0])
        sr = (r["stops"][2] - r["stops"][0]) / max(1e-9, base["stops"][2] - base["stops"][0])
        out.append(
            f"\n{r['mode']} against {base['mode']}: hours range x {hr:.2f}, std x "
            f"{r['hours'][3] / max(1e-9, base['hours'][3]):.2f}; stops range x {sr:.2f}, std x "
            f"{r['stops'][3] / max(1e-9, base['stops'][3]):.2f}; coverage "
            f"{100 * (r['coverage'] - base['coverage']):+.2f} points"
        )
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--spec", default="1000x12x5@60", help="residents x teams x days @ seconds")
    ap.add_argument("--modes", nargs="*", default=["off", "hours", "stops"])
    ap.add_argument("--weight", type=int, default=None, help="solver.balance_weight")
    ap.add_argument("--workers", type=int, default=2, help="solver.workers per run")
    ap.add_argument(
        "--side-by-side",
        action="store_true",
        help="run the modes at the same time (a shared machine loads them alike)",
    )
    ap.add_argument("--one", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one(args.one[0], args.one[1], args.weight, args.workers)))
        return
    extra = ["--workers", str(args.workers)]
    extra += [] if args.weight is None else ["--weight", str(args.weight)]
    commands = [[sys.executable, __file__, "--one", args.spec, m, *extra] for m in args.modes]
    if args.side_by_side:
        running = [subprocess.Popen(c, stdout=subprocess.PIPE, text=True) for c in commands]
        outputs = [p.communicate()[0] for p in running]
    else:
        outputs = [
            subprocess.run(c, capture_output=True, text=True, check=True).stdout for c in commands
        ]
    rows = [json.loads(out.strip().splitlines()[-1]) for out in outputs]
    for row in rows:
        print(json.dumps(row), file=sys.stderr, flush=True)
    print(table(rows))


if __name__ == "__main__":
    main()
