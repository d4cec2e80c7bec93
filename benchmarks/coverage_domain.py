"""The domain scenario with and without the compiled coverage search, one solve per line.

    python benchmarks/coverage_domain.py [--size 1000x12x5] [--limits 10,60] [--workers 1]
                                         [--kernel-shares 0.8,0] [--wastage]

Solves the generated scenario (benchmarks/scenarios.py, seed 1, straight-line travel) with the
product's settings, once per budget and kernel share (``coverage.KERNEL_SHARE``; 0 = the
OR-Tools phases as before the kernel), and prints the priority-weighted coverage (the share of
the eligible residents' priority the plan serves), residents planned and wall seconds. The
share is set in this process, so it reaches worker 0 only: use ``--workers 1`` to compare.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.scenarios import START, scenario
from planner.build import build_problem
from planner.settings import Settings, VialParams
from planner.solver import coverage, solve
from planner.travel import StraightLineTravel


def one(size: str, limit: float, workers: int, share: float, wastage: bool) -> str:
    """One solve: a markdown row."""
    residents, teams, days = (int(x) for x in size.split("x"))
    people, crews = scenario(residents, teams, seed=1)
    settings = Settings(vials=VialParams(wastage_aware=wastage)).with_solver(
        time_limit_s=limit, workers=workers
    )
    data = build_problem(people, crews, START, days, settings)
    travel = StraightLineTravel.from_params(settings.travel)
    coverage.KERNEL_SHARE = share
    began = time.perf_counter()
    result = solve(data, travel, settings.solver, vials=settings.vials)
    spent = time.perf_counter() - began
    planned = {
        rid
        for r in result.routes
        for v in r.visits
        for rid in data.stops[v.stop_index].resident_ids
    }
    eligible = [rid for rid in data.priorities if rid not in data.excluded]
    weight = sum(data.priorities[r] for r in eligible)
    cov = sum(data.priorities[r] for r in planned) / weight
    return (
        f"| {size} | {limit:g} | {workers} | {share:g} | {wastage} | {100 * cov:.2f} % | "
        f"{len(planned)} / {len(eligible)} | {spent:.0f} |"
    )


def main() -> None:
    """Every budget x kernel share, in that order."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", default="1000x12x5")
    ap.add_argument("--limits", default="10,60")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--kernel-shares", default=f"{coverage.KERNEL_SHARE},0")
    ap.add_argument("--wastage", action="store_true", help="the whole-vial pass on")
    args = ap.parse_args()
    print(
        "| scenario | budget s | workers | kernel share | wastage pass | coverage | planned | s |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for limit in (float(x) for x in args.limits.split(",")):
        for share in (float(x) for x in args.kernel_shares.split(",")):
            print(one(args.size, limit, args.workers, share, args.wastage), flush=True)


if __name__ == "__main__":
    main()
