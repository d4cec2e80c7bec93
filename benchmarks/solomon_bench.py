"""VaxRoute's engine on the 56 Solomon instances, against the best-known solutions.

    python benchmarks/solomon_bench.py [--time-limit 10] [--dir ../shared/benchmarks/solomon]

Every solution is re-checked by the independent checker. Gap = distance / BKS distance - 1,
over instances solved with the BKS fleet. (PyVRP and VROOM side by side: not built yet.)
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from planner.bench.engine import solve_instance
from planner.bench.solomon import read_solomon

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "solomon"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--time-limit", type=float, default=10)
    ap.add_argument("--dir", type=Path, default=DEFAULT_DIR)
    ap.add_argument("names", nargs="*", help="instance names (default: all)")
    args = ap.parse_args()
    with (args.dir / "bks.csv").open(encoding="utf-8") as fh:
        bks = {r["instance"]: (int(r["vehicles"]), float(r["distance"]))
               for r in csv.DictReader(fh)}
    names = args.names or sorted(bks)
    print("| instance | vehicles (BKS) | distance (BKS) | gap | s | feasible |")
    print("|---|---|---|---|---|---|")
    gaps, vehicles, at_bks, feasible = [], 0, 0, 0
    for name in names:
        r = solve_instance(read_solomon(args.dir / f"{name}.txt"), args.time_limit)
        bv, bd = bks[name]
        gap = r.check.distance / bd - 1 if r.check.vehicles == bv else None
        if gap is not None:
            gaps.append(gap)
            at_bks += gap <= 1e-4
        vehicles += r.check.vehicles
        feasible += r.check.feasible
        shown = f"{100 * gap:.2f} %" if gap is not None else "fleet differs"
        print(f"| {name} | {r.check.vehicles} ({bv}) | {r.check.distance:.2f} ({bd:.2f}) | "
              f"{shown} | {r.seconds:.1f} | {r.check.feasible} |", flush=True)
    print(f"\ntotal vehicles {vehicles} (BKS {sum(bks[n][0] for n in names)}); "
          f"mean gap {100 * statistics.mean(gaps):.2f} % on {len(gaps)} instances at BKS fleet "
          f"(max {100 * max(gaps):.2f} %); {at_bks} at BKS; {feasible}/{len(names)} feasible")


if __name__ == "__main__":
    main()
