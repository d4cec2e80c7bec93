"""Two portfolio workers against one, run after run: does the second core ever cost?

    python benchmarks/portfolio_bench.py --runs 5 --time-limit 10 R2_2_1 R2_2_2 R2_2_3

One run = the instance solved with one worker, then with two (``solver.workers``), one after
the other so that both meet the same machine; every solution re-checked by the independent
checker. Per instance: the distance of every run, the mean, and which worker's answer won
the two-worker runs (``Result.stats["best_worker"]``). Instances: `benchmarks/instances/gh`
(Gehring-Homberger), else Solomon's in `../shared/benchmarks/solomon`.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.engine import VEHICLE_COST, EuclideanTravel, to_problem  # noqa: E402
from benchmarks.solomon import check_routes, read_solomon  # noqa: E402
from planner.settings import SolverParams  # noqa: E402
from planner.solver import solve  # noqa: E402

DIRS = (ROOT / "benchmarks" / "instances" / "gh", ROOT.parent / "shared" / "benchmarks" / "solomon")


def one(name: str, limit: float, workers: int, seed: int) -> tuple[int, float, int, bool]:
    """(vehicles, distance, the winning worker, checked) of one solve."""
    path = next(d / f"{name}.txt" for d in DIRS if (d / f"{name}.txt").exists())
    inst = read_solomon(path)
    data = to_problem(inst)
    params = SolverParams(
        time_limit_s=limit,
        seed=seed,
        day_delay_cost=0,
        vehicle_fixed_cost=VEHICLE_COST,
        split_stops=0,
        workers=workers,
    )
    result = solve(data, EuclideanTravel(), params)
    routes = [
        [int(data.stops[v.stop_index].stop_id) for v in r.visits] for r in result.routes if r.visits
    ]
    check = check_routes(inst, routes)
    return check.vehicles, check.distance, int(result.stats.get("best_worker", 0)), check.feasible


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--time-limit", type=float, default=10)
    ap.add_argument("names", nargs="+")
    args = ap.parse_args()
    print("| instance | workers | vehicles per run | distance per run | mean distance | won by |")
    print("|---|---|---|---|---|---|")
    for name in args.names:
        rows: dict[int, list[tuple[int, float, int, bool]]] = {1: [], 2: []}
        for run in range(args.runs):
            for workers in (1, 2):
                rows[workers].append(one(name, args.time_limit, workers, seed=run))
        for workers, got in rows.items():
            assert all(r[3] for r in got), f"{name}: a plan failed the check"
            won = "" if workers == 1 else ", ".join(f"worker {r[2]}" for r in got)
            print(
                f"| {name} | {workers} | {' '.join(str(r[0]) for r in got)} | "
                f"{' '.join(f'{r[1]:.0f}' for r in got)} | "
                f"{statistics.mean(r[1] for r in got):.1f} | {won} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
