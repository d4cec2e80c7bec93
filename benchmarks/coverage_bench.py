"""Prize-collecting VRPTW (issue 23, item 5): VaxRoute's coverage search vs PyVRP, equal cores.

    python benchmarks/coverage_bench.py [--time-limits 10,60] [--cores 1,2]
        [--solvers vaxroute,pyvrp] [--classes C1,R2] [--instances C101,R201]
        [--dir ../shared/benchmarks/solomon] [--csv out.csv] [--seed 0]

Instances anyone can regenerate from the 56 Solomon 100-customer files: the fleet cut to half
the best-known fleet (bks.csv, rounded up), every customer optional with prize
``1 + (7 i mod 10)`` for customer i, routes bounded by the depot's due time. The prize
outweighs distance for both solvers (``PRIZE_SCALE`` cost units per prize unit, above any
route's scaled length): collected prize first, then distance.

VaxRoute goes through the product's ``solve``: customers become stops whose priority makes
their penalty (routing.stop_penalty) the prize x ``PRIZE_SCALE``, no fixed vehicle cost, so
the search is the plain coverage search every campaign plan uses. On 1 core: ``workers=1``;
on 2: ``workers=2``. PyVRP: optional clients (``required=False, prize=...``); on 1 core one
seed in this process, on 2 cores seeds 0 and 1 in two parallel processes, the better kept.
Same integer data for both (x1000, each edge rounded up). Every solution is re-checked here
(``check_prize``): each customer at most once, capacity, windows, depot due time, fleet size;
prize and distance recomputed from the routes in double precision.

Per instance: collected prize, distance, prize / the best collected by any solver in any run
of this invocation. Markdown tables on stdout (per instance, per class means), rows in CSV.
"""

from __future__ import annotations

import argparse
import csv
import math
import statistics
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from multiprocessing import get_context
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.engine import SCALE, EuclideanTravel
from benchmarks.engine import to_problem as engine_problem
from benchmarks.solomon import Instance, read_solomon
from planner.constants import PRIORITY_COST
from planner.model import ProblemData
from planner.settings import SolverParams
from planner.solver import solve

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "solomon"
#: cost units per prize unit: above the largest total distance a halved fleet can drive (C2:
#: 2 routes x 3,390 x SCALE = 6.8e6), so one prize unit outweighs any distance; no larger,
#: since PyVRP's penalty manager struggles with far larger costs (10^8 cost it 1-4 % of prize
#: on R103/RC103: benchmarks/RESULTS.md)
PRIZE_SCALE = 10**7
CLASSES = ("C1", "C2", "R1", "R2", "RC1", "RC2")


def prize_of(customer: int) -> int:
    """The prize of customer ``customer`` (file number): 1 + (7 i mod 10), 1..10."""
    return 1 + (7 * customer) % 10


def class_of(name: str) -> str:
    """'RC105' -> 'RC1'."""
    return name.rstrip("0123456789") + name.lstrip("CR")[:1]


def coverage_instance(inst: Instance, bks_vehicles: int) -> Instance:
    """The Solomon instance with its fleet cut to ceil(best-known fleet / 2)."""
    return replace(inst, vehicles=math.ceil(bks_vehicles / 2))


@dataclass
class PrizeCheck:
    """What the independent check found: feasible, routes used, distance and prize."""

    feasible: bool
    vehicles: int
    distance: float
    prize: int
    violations: list[str] = field(default_factory=list)


def check_prize(inst: Instance, routes: Sequence[Sequence[int]]) -> PrizeCheck:
    """Independent check of a prize-collecting solution, trusting neither solver: customers
    served at most once and known, at most ``inst.vehicles`` routes, capacity, windows (waiting
    allowed) and the depot's due time; distance and prize recomputed from the routes."""
    problems: list[str] = []
    seen = [c for r in routes for c in r]
    if any(not isinstance(c, int) or c < 1 or c > inst.customers for c in seen):
        problems.append("unknown customer number")
        return PrizeCheck(False, 0, 0.0, 0, problems)
    if len(seen) != len(set(seen)):
        problems.append("a customer is served twice")
    used = [r for r in routes if r]
    if len(used) > inst.vehicles:
        problems.append(f"{len(used)} routes, the fleet has {inst.vehicles}")
    total = 0.0
    for k, route in enumerate(used, 1):
        if sum(inst.demand[c] for c in route) > inst.capacity + 1e-9:
            problems.append(f"route {k}: load above capacity {inst.capacity}")
        t, here = float(inst.ready[0]), 0
        for c in [*route, 0]:
            leg = inst.distance(here, c)
            total += leg
            t = max(t + (inst.service[here] if here else 0.0) + leg, float(inst.ready[c]))
            if t > inst.due[c] + 1e-6:
                problems.append(f"route {k}: arrives at {c} at {t:.2f}, due {inst.due[c]:g}")
            here = c
    prize = sum(prize_of(c) for c in set(seen))
    return PrizeCheck(not problems, len(used), total, prize, problems)


def to_problem(inst: Instance) -> ProblemData:
    """The instance as the product's problem (benchmarks/engine.py) with every customer
    optional: its priority gives a penalty of prize x PRIZE_SCALE."""
    return engine_problem(inst, lambda c: prize_of(c) * PRIZE_SCALE / PRIORITY_COST)


def solve_vaxroute(inst: Instance, limit: float, cores: int, seed: int) -> list[list[int]]:
    """VaxRoute's product solve with ``cores`` workers: routes as customer numbers."""
    data = to_problem(inst)
    params = SolverParams(
        time_limit_s=limit,
        seed=seed,
        day_delay_cost=0,
        vehicle_fixed_cost=0,
        split_stops=0,
        workers=cores,
    )
    result = solve(data, EuclideanTravel(), params)
    return [
        [int(data.stops[v.stop_index].stop_id) for v in r.visits] for r in result.routes if r.visits
    ]


def solve_pyvrp(inst: Instance, limit: float, seed: int) -> list[list[int]]:
    """PyVRP on the instance, every client optional at its prize: routes as customer numbers."""
    import pyvrp
    from pyvrp.stop import MaxRuntime

    from benchmarks.peers import _matrix

    m = pyvrp.Model()
    locations = [
        m.add_location(x=round(float(inst.x[i]) * SCALE), y=round(float(inst.y[i]) * SCALE))
        for i in range(len(inst.x))
    ]
    early, late = math.ceil(inst.ready[0] * SCALE), math.floor(inst.due[0] * SCALE)
    depot = m.add_depot(locations[0], tw_early=early, tw_late=late)
    m.add_vehicle_type(
        num_available=inst.vehicles,
        capacity=inst.capacity,
        start_depot=depot,
        end_depot=depot,
        tw_early=early,
        tw_late=late,
    )
    for c in range(1, len(inst.x)):
        m.add_client(
            locations[c],
            delivery=int(inst.demand[c]),
            service_duration=math.ceil(inst.service[c] * SCALE),
            tw_early=math.ceil(inst.ready[c] * SCALE),
            tw_late=math.floor(inst.due[c] * SCALE),
            prize=prize_of(c) * PRIZE_SCALE,
            required=False,
        )
    matrix = _matrix(inst)
    for i, a in enumerate(locations):
        for j, b in enumerate(locations):
            m.add_edge(a, b, distance=int(matrix[i, j]), duration=int(matrix[i, j]))
    result = m.solve(stop=MaxRuntime(limit), seed=seed, display=False)
    if not result.is_feasible():
        return []
    # clients were added in file order: client k (0-based among clients) is customer k + 1
    return [
        [int(a.idx) + 1 for a in route.schedule() if a.is_client()]
        for route in result.best.routes()
    ]


def _pyvrp_job(path: str, vehicles: int, limit: float, seed: int) -> list[list[int]]:
    """One PyVRP seed in a spawned process (picklable arguments only)."""
    return solve_pyvrp(replace(read_solomon(path), vehicles=vehicles), limit, seed)


def better(inst: Instance, a: list[list[int]], b: list[list[int]]) -> list[list[int]]:
    """The better of two solutions by the independent check: feasible, prize, then distance."""

    def key(routes: list[list[int]]) -> tuple[bool, int, float]:
        c = check_prize(inst, routes)
        return (c.feasible, c.prize, -c.distance)

    return a if key(a) >= key(b) else b


def run_pyvrp(inst: Instance, path: Path, limit: float, cores: int, seed: int) -> list[list[int]]:
    """PyVRP on ``cores`` cores: one seed here, or one seed per process in parallel."""
    if cores <= 1:
        return solve_pyvrp(inst, limit, seed)
    with ProcessPoolExecutor(max_workers=cores, mp_context=get_context("spawn")) as pool:
        futures = [
            pool.submit(_pyvrp_job, str(path), inst.vehicles, limit, seed + k) for k in range(cores)
        ]
        answers = [f.result() for f in futures]
    best = answers[0]
    for other in answers[1:]:
        best = better(inst, best, other)
    return best


@dataclass
class Row:
    """One solver's run on one instance, as checked here."""

    instance: str
    cls: str
    budget: float
    cores: int
    solver: str
    prize: int
    distance: float
    vehicles: int
    feasible: bool
    seconds: float
    ratio: float = float("nan")
    violations: str = ""


def run_one(
    solver: str, inst: Instance, path: Path, limit: float, cores: int, seed: int
) -> tuple[PrizeCheck, float]:
    """Solve and check; (check, wall seconds)."""
    began = time.perf_counter()
    if solver == "vaxroute":
        routes = solve_vaxroute(inst, limit, cores, seed)
    elif solver == "pyvrp":
        routes = run_pyvrp(inst, path, limit, cores, seed)
    else:
        raise ValueError(f"unknown solver {solver!r}")
    return check_prize(inst, routes), time.perf_counter() - began


def read_bks(directory: Path) -> dict[str, int]:
    """Best-known fleet per instance (bks.csv's vehicles column)."""
    with (directory / "bks.csv").open(encoding="utf-8") as fh:
        return {r["instance"]: int(r["vehicles"]) for r in csv.DictReader(fh)}


def select(names: Sequence[str], classes: str, instances: str) -> list[str]:
    """The instances asked for: by name, else by class, else all."""
    if instances:
        wanted = [n.strip().upper() for n in instances.split(",") if n.strip()]
        unknown = [n for n in wanted if n not in names]
        if unknown:
            raise SystemExit(f"--instances: unknown {', '.join(unknown)}")
        return wanted
    if classes:
        keep = {c.strip().upper() for c in classes.split(",")}
        return [n for n in names if class_of(n) in keep]
    return list(names)


def fill_ratios(rows: list[Row]) -> None:
    """Each feasible row's prize / the best feasible prize on its instance in any run."""
    best: dict[str, int] = {}
    for r in rows:
        if r.feasible:
            best[r.instance] = max(best.get(r.instance, 0), r.prize)
    for r in rows:
        top = best.get(r.instance, 0)
        r.ratio = (r.prize / top if top else 1.0) if r.feasible else 0.0


def tables(rows: list[Row]) -> str:
    """Markdown: per instance, then per class means of the ratio and prize per configuration."""
    out = ["| instance | budget s | cores | solver | prize | ratio | distance | routes | s | ok |"]
    out.append("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        out.append(
            f"| {r.instance} | {r.budget:g} | {r.cores} | {r.solver} | {r.prize} | "
            f"{100 * r.ratio:.2f} % | {r.distance:.1f} | {r.vehicles} | {r.seconds:.1f} | "
            f"{'yes' if r.feasible else 'NO: ' + r.violations} |"
        )
    configs = sorted({(r.budget, r.cores, r.solver) for r in rows})
    classes = [c for c in CLASSES if any(r.cls == c for r in rows)]
    out += ["", "Mean prize / best seen, per class (mean collected prize in brackets):", ""]
    out.append("| budget s | cores | solver | " + " | ".join(classes) + " | all |")
    out.append("|---|---|---|" + "---|" * (len(classes) + 1))
    for budget, cores, solver in configs:
        mine = [r for r in rows if (r.budget, r.cores, r.solver) == (budget, cores, solver)]
        cells = []
        for c in [*classes, None]:
            part = [r for r in mine if c is None or r.cls == c]
            if not part:
                cells.append("-")
                continue
            ratio = statistics.mean(r.ratio for r in part)
            prize = statistics.mean(r.prize for r in part)
            cells.append(f"{100 * ratio:.2f} % ({prize:.1f})")
        out.append(f"| {budget:g} | {cores} | {solver} | " + " | ".join(cells) + " |")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    """Run every configuration on every instance asked for; exit 1 if a solution failed the
    independent check."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--time-limits", default="10", help="seconds per solve, comma-separated")
    ap.add_argument("--cores", default="1,2", help="core counts, comma-separated")
    ap.add_argument("--solvers", default="vaxroute,pyvrp")
    ap.add_argument("--classes", default="", help="e.g. C1,R2 (default: all)")
    ap.add_argument("--instances", default="", help="e.g. C101,R201 (overrides --classes)")
    ap.add_argument("--dir", type=Path, default=DEFAULT_DIR)
    ap.add_argument("--csv", type=Path, default=None, help="write the rows here")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument(
        "--kernel-share",
        type=float,
        default=None,
        help="VaxRoute: the compiled coverage search's share of the time (0: OR-Tools only); "
        "seen by this process only, so by 1-core runs only",
    )
    args = ap.parse_args(argv)
    if args.kernel_share is not None:
        from planner.solver import coverage

        coverage.KERNEL_SHARE = args.kernel_share
    bks = read_bks(args.dir)
    names = select(sorted(bks), args.classes, args.instances)
    limits = [float(x) for x in args.time_limits.split(",")]
    cores = [int(x) for x in args.cores.split(",")]
    rows: list[Row] = []
    for name in names:
        path = args.dir / f"{name}.txt"
        inst = coverage_instance(read_solomon(path), bks[name])
        for limit in limits:
            for n in cores:
                for solver in args.solvers.split(","):
                    check, seconds = run_one(solver, inst, path, limit, n, args.seed)
                    row = Row(
                        name,
                        class_of(name),
                        limit,
                        n,
                        solver,
                        check.prize,
                        check.distance,
                        check.vehicles,
                        check.feasible,
                        seconds,
                        violations="; ".join(check.violations[:3]),
                    )
                    rows.append(row)
                    print(
                        f"{name} {limit:g}s {n} core(s) {solver}: prize {row.prize}, "
                        f"distance {row.distance:.1f}, {row.seconds:.1f} s"
                        + ("" if row.feasible else f", INFEASIBLE: {row.violations}"),
                        file=sys.stderr,
                        flush=True,
                    )
    fill_ratios(rows)
    if args.csv:
        with args.csv.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(asdict(rows[0])) if rows else ["instance"])
            writer.writeheader()
            writer.writerows(asdict(r) for r in rows)
    print(tables(rows))
    return 0 if all(r.feasible for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
