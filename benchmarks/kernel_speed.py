"""Speed and result of the compiled ruin-and-recreate kernel for a fixed number of steps.

    python benchmarks/kernel_speed.py [--steps 200000] [--fleet-steps 20000] [--repeat 3]
                                      [--seed 7] [--dir ../shared/benchmarks/solomon] [NAME ...]

For each Solomon instance: OR-Tools' first solution (cheapest insertion, one solution, so the
same every run) is handed to the kernel, which then makes a fixed number of travel steps
(``run_steps``) and, from the same start, route-elimination steps (``fleet_steps``, the
smallest route emptied each time nobody is absent), with a fixed seed. Prints steps a second
of the kernel calls alone (CPU time of this process: less disturbed by other processes on
shared cores than the wall clock) and a hash of the routes and counters they leave: the hash
must not change when the kernel is reorganised, and the speed should not drop (timings are
still noisy on shared cores: repeat).
"""

from __future__ import annotations

import argparse
import hashlib
import random
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.engine import EuclideanTravel, to_problem
from benchmarks.solomon import read_solomon
from planner.settings import SolverParams
from planner.solver import sisr_kernel as kernel
from planner.solver.context import SearchContext
from planner.solver.ruin_recreate import RuinParams, RuinRecreate, close_route
from planner.solver.runs import DESCENT, run, search_parameters
from planner.solver.view import ModelView

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "solomon"
PARAMS = SolverParams(time_limit_s=10, day_delay_cost=0, workers=1, split_stops=0)
#: travel steps per kernel call (the product sizes its batches by time instead)
BATCH = 20_000


def first_solution(name: str, folder: Path) -> ModelView:
    """The instance's model view and, as ``view.start``, OR-Tools' first solution on it."""
    data = to_problem(read_solomon(folder / f"{name}.txt"))
    search = search_parameters(30, DESCENT)
    search.solution_limit = 1
    ctx = SearchContext(
        data, EuclideanTravel(), PARAMS, list(range(len(data.stops))), time.time() + 30
    )
    out = run(ctx, search)
    assert out is not None, name
    view = ModelView(out.problem, PARAMS, random.Random(0))
    view.start = out.routes  # type: ignore[attr-defined]
    return view


def digest(search: RuinRecreate) -> str:
    """A short hash of the current and best routes and the counters."""
    s = search.state
    h = hashlib.sha256()
    for a in (s.nodes[0], s.length[0], s.best_nodes, s.best_length, s.totals, s.absent[0]):
        h.update(np.ascontiguousarray(a).tobytes())
    return h.hexdigest()[:16]


def travel_steps(view: ModelView, steps: int, seed: int) -> tuple[float, int, str]:
    """(seconds in the kernel, steps made, hash) of ``steps`` annealing steps from the first
    solution."""
    search = RuinRecreate(view, view.to_routes(view.start), RuinParams())  # type: ignore
    kernel.seed(seed)
    t0 = search.params.start_temperature * search.mean_arc
    ratio = search.params.end_temperature / search.params.start_temperature
    spent, done = 0.0, 0
    while done < steps:
        count = min(BATCH, steps - done)
        began = time.process_time()
        kernel.run_steps(
            search.state,
            search.model,
            count,
            t0 * ratio ** (done / steps),
            t0 * ratio ** ((done + count) / steps),
        )
        spent += time.process_time() - began
        done += count
    assert search.steps == steps
    return spent, steps, digest(search)


def fleet_steps(view: ModelView, steps: int, seed: int) -> tuple[float, int, str]:
    """(seconds in the kernel, steps made, hash) of route elimination steps: the smallest
    route emptied, steps until nobody is absent, then the next smallest, ``steps`` in all."""
    search = RuinRecreate(view, view.to_routes(view.start), RuinParams())  # type: ignore
    s = search.state
    kernel.seed(seed)
    misses = np.ones(len(view.node), np.int64)
    spent, done = 0.0, 0
    while done < steps:
        if not s.totals[kernel.S_ABSENT]:
            used = [r for r in range(len(s.vehicle_of)) if s.length[0, r]]
            if len(used) < 2:
                break
            close_route(s, min(used, key=lambda r: (s.length[0, r], r)))
        began = time.process_time()
        done += kernel.fleet_steps(s, search.model, min(BATCH, steps - done), misses)
        spent += time.process_time() - began
    return spent, done, f"{digest(search)} misses {int(misses.sum())}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", default=["R101", "RC201"])
    parser.add_argument("--steps", type=int, default=200_000)
    parser.add_argument("--fleet-steps", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR)
    args = parser.parse_args()
    for name in args.names:
        view = first_solution(name, args.dir)
        for label, call, steps in (
            ("travel", travel_steps, args.steps),
            ("fleet", fleet_steps, args.fleet_steps),
        ):
            runs = [call(view, steps, args.seed) for _ in range(args.repeat)]
            hashes = {f"{made} steps, hash {h}" for _, made, h in runs}
            assert len(hashes) == 1, f"{name} {label}: results differ between runs: {hashes}"
            rates = [made / t for t, made, _ in runs]
            print(
                f"{name} {label:6} {statistics.median(rates):>9,.0f} steps/s (median of "
                f"{args.repeat}; min {min(rates):,.0f}, max {max(rates):,.0f}); "
                f"{hashes.pop()}",
                flush=True,
            )


if __name__ == "__main__":
    main()
