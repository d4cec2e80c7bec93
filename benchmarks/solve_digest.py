"""Deterministic whole solves and a digest of each plan, to compare the solver before and after
a change that must not change its behaviour.

    python benchmarks/solve_digest.py [--clock-step 2.0] [--solutions 30] [--runs 1] [NAME ...]

A solve is timed by the wall clock, so two runs rarely find the same plan. Here it is not: the
clock (``time.time``, ``time.monotonic``) advances by ``--clock-step`` seconds each time it is
read, and every OR-Tools search stops after ``--solutions`` solutions or at its local optimum
(its time limit is lifted), so the solver takes the same decisions every run: the same
phases, batches of kernel steps and seeds. One worker (this process); worker 1's strategy is
run directly. Prints one line per scenario: a hash of the routes, reasons, objective and
statistics (timings left out), and a short summary.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ortools.constraint_solver import pywrapcp

from benchmarks.engine import VEHICLE_COST, EuclideanTravel, to_problem
from benchmarks.solomon import read_solomon
from planner.build import build_problem
from planner.model import ProblemData
from planner.settings import Settings, VialParams
from planner.solver import Result, solve
from planner.travel import StraightLineTravel, TravelModel
from tests.helpers import DEPOT, START, around, resident, team

SOLOMON = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "solomon"
#: no wall-clock guard (it would cancel by real time); OR-Tools' limits are the fake clock's
PLAIN = Settings().with_solver(time_limit_s=60, workers=1, guard_grace_s=3600)
TOWN_B = (DEPOT[0] + 0.18, DEPOT[1] + 0.05)


@contextmanager
def fake_clock(step: float, solutions: int) -> Iterator[None]:
    """Every read of the clock advances it by ``step`` s; every OR-Tools search stops after
    ``solutions`` solutions, or at its local optimum, never by its time limit."""
    now = [1_000_000.0]
    model = pywrapcp.RoutingModel
    saved = (
        time.time,
        time.monotonic,
        model.SolveWithParameters,
        model.SolveFromAssignmentWithParameters,
    )

    def tick() -> float:
        now[0] += step
        return now[0]

    def limited(search: Any) -> Any:
        search = type(search).FromString(search.SerializeToString())
        search.solution_limit = solutions
        search.time_limit.FromSeconds(3600)
        return search

    def solve(self: Any, search: Any) -> Any:
        return saved[2](self, limited(search))

    def solve_from(self: Any, hint: Any, search: Any) -> Any:
        return saved[3](self, hint, limited(search))

    time.time = time.monotonic = tick
    model.SolveWithParameters, model.SolveFromAssignmentWithParameters = solve, solve_from
    try:
        yield
    finally:
        (
            time.time,
            time.monotonic,
            model.SolveWithParameters,
            model.SolveFromAssignmentWithParameters,
        ) = saved


def digest(result: Result) -> dict[str, Any]:
    routes = [
        (
            r.team_index,
            r.day,
            [(v.stop_index, v.service_start_s) for v in r.visits],
            r.start_s,
            r.end_s,
            r.distance_m,
            r.break_s,
        )
        for r in result.routes
    ]
    unserved = sorted((u.stop_index, u.reason_code) for u in result.unserved)
    stats = {k: v for k, v in sorted(result.stats.items())}
    summary = result.summary().split(": ", 1)[1]  # without the status's name
    return {
        "routes": routes,
        "unserved": unserved,
        "objective": result.objective,
        "solutions": result.solutions_found,
        "stats": stats,
        "feasible": result.is_feasible(),
        "stopped_by_guard": result.stopped_by_guard,
        "summary": summary[: summary.rindex(" in ")],
    }


def ring(n: int, metres: float = 600, **kw: Any) -> list[Any]:
    return [resident(f"R{k:02d}", around(k, n, metres), **kw) for k in range(n)]


def crafted(
    people: list[Any], teams: list[Any], days: int = 1, settings: Settings = PLAIN
) -> tuple[ProblemData, TravelModel, Settings]:
    data = build_problem(people, teams, START, days, settings)
    return data, StraightLineTravel.from_params(settings.travel), settings


def scenarios() -> dict[str, Callable[[], tuple[ProblemData, TravelModel, Settings]]]:
    fleet = PLAIN.with_solver(vehicle_fixed_cost=50_000, day_delay_cost=0)
    aware = replace(PLAIN, vials=VialParams(wastage_aware=True, product="astrazeneca"))
    far = around(0, 4, 3000)
    return {
        "ring-lunch": lambda: crafted(ring(14), [team()]),
        "two-days-doctor-windows": lambda: crafted(
            [
                *ring(16, priority_override=2.0),
                resident("DOC", around(3, 16, 650), needs_doctor=True),
                resident(
                    "PM", around(5, 16, 650), available_from_s=14 * 3600, available_to_s=15 * 3600
                ),
            ],
            [team("NURSE", has_doctor=False, max_doses=8), team("DOC", around(4, 8, 900))],
            days=2,
        ),
        "fewest-team-days-lunch": lambda: crafted(
            [resident(f"R{k}", around(k, 9, 800), needs_doctor=k % 3 == 0) for k in range(9)],
            [team("DOC", max_doses=5), team("NURSE", has_doctor=False, max_doses=5)],
            days=2,
            settings=fleet,
        ),
        "wastage-pass": lambda: crafted(
            [resident(f"A{k}", around(1, 4, 300), household_id="A") for k in range(5)]
            + [resident(f"B{k}", around(1, 4, 300, far), household_id="B") for k in range(5)],
            [team("T1", DEPOT), team("T2", far)],
            settings=aware,
        ),
        "areas": lambda: crafted(
            [resident(f"A{k:02d}", around(k, 30, 400 + 20 * (k % 7))) for k in range(30)]
            + [resident(f"B{k:02d}", around(k, 30, 400 + 20 * (k % 7), TOWN_B)) for k in range(30)],
            [team("TA", DEPOT), team("TB", TOWN_B)],
            settings=PLAIN.with_solver(split_stops=50),
        ),
        "solomon-R201-50": lambda: solomon("R201", 50),
        "solomon-R105-50": lambda: solomon("R105", 50),
    }


#: a finer clock where the kernel's phases should make more batches (route elimination)
CLOCK_SCALE = {"solomon-R201-50": 0.25, "solomon-R105-50": 0.25}


def solomon(name: str, customers: int) -> tuple[ProblemData, TravelModel, Settings]:
    data = to_problem(read_solomon(SOLOMON / f"{name}.txt"))
    data = replace(data, stops=data.stops[:customers])
    settings = PLAIN.with_solver(day_delay_cost=0, vehicle_fixed_cost=VEHICLE_COST, split_stops=0)
    return data, EuclideanTravel(), replace(settings, vials=VialParams(wastage_aware=False))


def warm_again(data: ProblemData, travel: TravelModel, settings: Settings, first: Result) -> Result:
    """A re-solve warm-started from the first plan's routes (re-plans do this)."""
    routes: list[list[int]] = [[] for _ in range(len(data.teams) * data.days)]
    for r in first.routes:
        routes[r.day * len(data.teams) + r.team_index] = [v.stop_index for v in r.visits]
    return solve(data, travel, settings.solver, initial_routes=routes, vials=settings.vials)


def worker_one(data: ProblemData, travel: TravelModel, settings: Settings) -> Any:
    """Portfolio worker 1's whole search (the other strategy), in this process."""
    from planner.solver.context import SearchContext
    from planner.solver.portfolio import SharedMatrices, search, worker_strategy
    from planner.solver.result import Status
    from planner.solver.routing import allowed_vehicles

    stops = [s for s in range(len(data.stops)) if allowed_vehicles(data, s)]
    params = settings.solver
    ctx = SearchContext(
        data, SharedMatrices.of(data, travel), params, stops, time.time() + params.time_limit_s
    )
    found = search(ctx, worker_strategy(1))
    assert found is not None
    return Result(
        tuple(found.routes),
        (),
        found.objective,
        0.0,
        found.solutions,
        Status.FEASIBLE,
        stats={"worker": found.worker, "routes_removed": found.routes_removed},
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*")
    parser.add_argument("--clock-step", type=float, default=2.0)
    parser.add_argument("--solutions", type=int, default=30)
    args = parser.parse_args()
    for name, make in scenarios().items():
        if args.names and name not in args.names:
            continue
        data, travel, settings = make()
        began = time.perf_counter()
        with fake_clock(args.clock_step * CLOCK_SCALE.get(name, 1.0), args.solutions):
            first = solve(data, travel, settings.solver, vials=settings.vials)
            outs = {
                "": first,
                "+warm": warm_again(data, travel, settings, first),
                "+worker1": worker_one(data, travel, settings),
            }
        spent = time.perf_counter() - began
        for suffix, result in outs.items():
            d = digest(result)
            text = json.dumps(d, sort_keys=True, default=str)
            print(
                f"{name + suffix:34} {hashlib.sha256(text.encode()).hexdigest()[:16]}  "
                f"{d['summary']}",
                flush=True,
            )
        print(f"{'':34} ({spent:.1f} s real)", flush=True)


if __name__ == "__main__":
    main()
