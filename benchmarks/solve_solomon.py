"""Solomon / Gehring & Homberger VRPTW files solved by VaxRoute's engine, each re-checked.

    python benchmarks/solve_solomon.py FILE... [--time-limit 10] [--seed 0] [--json]

Vehicles first, then distance (benchmarks/engine.py). ``--json`` prints one line per instance:
``{"instance", "vehicles", "distance", "seconds", "feasible", "routes"}``, the distance in
double precision. Exit 1 when a solution fails the checker, else the planner's exit code of
the first error (2: a file that cannot be read).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.engine import solve_instance
from benchmarks.solomon import read_solomon
from planner.errors import VaxRouteError


def main(argv: list[str] | None = None) -> int:
    """Solve every file in turn; the exit status says whether all were feasible."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path, help="Solomon-format instance files")
    parser.add_argument("--time-limit", type=float, default=10, help="seconds per instance")
    parser.add_argument("--seed", type=int, default=0, help="solver seed")
    parser.add_argument("--json", action="store_true", help="one JSON line per instance")
    args = parser.parse_args(argv)
    failed = False
    for path in args.files:
        try:
            result = solve_instance(read_solomon(path), args.time_limit, args.seed)
        except VaxRouteError as exc:
            print(f"error ({exc.code}): {exc}", file=sys.stderr)
            return exc.exit_code
        failed |= not result.check.feasible
        if args.json:
            print(json.dumps(result.json()), flush=True)
            continue
        status = (
            "feasible"
            if result.check.feasible
            else "INFEASIBLE: " + "; ".join(result.check.violations[:3])
        )
        print(
            f"{result.instance}: {result.check.vehicles} vehicles, distance "
            f"{result.check.distance:.2f}, {result.seconds:.1f} s, {status}",
            flush=True,
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
