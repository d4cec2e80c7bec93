"""VaxRoute's engine, PyVRP and VROOM on Solomon instances, side by side in one run.

    python benchmarks/solomon_bench.py [--time-limit 10] [--solvers vaxroute,pyvrp,vroom]
                                       [--cores 1|2] [--dir ../shared/benchmarks/solomon]
                                       [NAME ...]

Same integer data for all (x1000, each edge rounded up), same time budget per instance; every
solution re-checked by the independent checker, distances recomputed in double precision.
Gap = distance / BKS distance - 1, over instances solved with the BKS fleet. Equal cores for
all (``--cores``, default 2): VaxRoute with that many portfolio workers, PyVRP one seed per
core in parallel processes (the best kept), VROOM that many threads.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.engine import solve_instance
from benchmarks.solomon import Instance, RouteCheck, check_routes, read_solomon

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "solomon"


def run(
    solver: str, inst: Instance, limit: float, cores: int = 2, path: Path | None = None
) -> tuple[RouteCheck, float]:
    """Solve on ``cores`` cores and check; (check, wall seconds). ``path``: the instance's
    file (PyVRP's extra processes read it)."""
    began = time.perf_counter()
    if solver == "vaxroute":
        result = solve_instance(inst, limit, workers=cores)
        return result.check, result.seconds
    from benchmarks.peers import solve_pyvrp_cores, solve_vroom

    if solver == "pyvrp":
        assert path is not None or cores <= 1
        routes = solve_pyvrp_cores(inst, path or Path(), limit, cores)
    else:
        routes = solve_vroom(inst, limit, threads=cores)
    return check_routes(inst, routes), time.perf_counter() - began


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--time-limit", type=float, default=10)
    ap.add_argument("--dir", type=Path, default=DEFAULT_DIR)
    ap.add_argument("--solvers", default="vaxroute,pyvrp,vroom")
    ap.add_argument("--cores", type=int, choices=(1, 2), default=2, help="cores per solver")
    ap.add_argument("names", nargs="*", help="instance names (default: all)")
    args = ap.parse_args()
    with (args.dir / "bks.csv").open(encoding="utf-8") as fh:
        bks = {
            r["instance"]: (int(r["vehicles"]), float(r["distance"])) for r in csv.DictReader(fh)
        }
    names = args.names or sorted(bks)
    solvers = args.solvers.split(",")
    print("| instance | solver | vehicles (BKS) | distance (BKS) | gap | s | feasible |")
    print("|---|---|---|---|---|---|---|")
    stats = {
        s: {"gaps": [], "vehicles": 0, "at_bks": 0, "feasible": 0, "seconds": 0.0} for s in solvers
    }
    for name in names:
        inst = read_solomon(args.dir / f"{name}.txt")
        bv, bd = bks[name]
        for solver in solvers:
            check, seconds = run(
                solver, inst, args.time_limit, args.cores, args.dir / f"{name}.txt"
            )
            st = stats[solver]
            gap = check.distance / bd - 1 if check.vehicles == bv and check.feasible else None
            if gap is not None:
                st["gaps"].append(gap)
                st["at_bks"] += gap <= 1e-4
            st["vehicles"] += check.vehicles
            st["feasible"] += check.feasible
            st["seconds"] += seconds
            shown = (
                f"{100 * gap:.2f} %"
                if gap is not None
                else f"fleet {check.vehicles - bv:+d}, "
                f"distance {100 * (check.distance / bd - 1):+.2f} %"
            )
            print(
                f"| {name} | {solver} | {check.vehicles} ({bv}) | {check.distance:.2f} "
                f"({bd:.2f}) | {shown} | {seconds:.1f} | {check.feasible} |",
                flush=True,
            )
    print(
        f"\n| solver | total vehicles (BKS {sum(bks[n][0] for n in names)}) | mean gap | "
        "max gap | at BKS fleet | at BKS | feasible | time s |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for solver, st in stats.items():
        gaps = st["gaps"] or [float("nan")]
        print(
            f"| {solver} | {st['vehicles']} | {100 * statistics.mean(gaps):.2f} % | "
            f"{100 * max(gaps):.2f} % | {len(st['gaps'])} | {st['at_bks']} | "
            f"{st['feasible']}/{len(names)} | {st['seconds']:.0f} |"
        )


if __name__ == "__main__":
    main()
