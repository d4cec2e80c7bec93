"""PROTOTYPE, not product code: ejection-pool route minimisation on Solomon instances.

Measures whether the idea RESULTS.md names as the next lever for the fleet is worth building
into ``planner/solver`` (issue 5): take VaxRoute's plan after a short run, then repeatedly
remove one route and put its customers back through an ejection pool (Nagata and Bräysy
2009, simplified: no squeeze, at most two customers ejected, random relocations as the
perturbation). Insertion is checked in O(1) per position from forward arrival times and
backward latest starts. Every result is re-checked by the independent checker.

It knows only Solomon's problem: identical vehicles at one depot, windows, service times,
capacity. The product's teams (own stations, shifts, lunch breaks, doctors, several days,
optional residents) are not modelled here; building it into the engine means all of those.

    python -W ignore benchmarks/route_min_prototype.py --start-s 2 --budget-s 5

With ``--travel-s S`` the routes found then get S seconds of the engine's travel phase (GLS on
that fleet, no fixed cost, warm-started from them), and the gap to bks.csv is reported: what
the engine would reach with the pool as its route elimination.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from planner.bench.engine import EuclideanTravel, solve_instance, to_problem  # noqa: E402
from planner.bench.solomon import Instance, check_routes, read_solomon  # noqa: E402
from planner.settings import SolverParams  # noqa: E402
from planner.solver.phases import run, search_parameters  # noqa: E402

Route = list[int]


class Pool:
    """One instance's data and the ejection-pool moves on it."""

    def __init__(self, inst: Instance, rng: random.Random) -> None:
        x, y = np.asarray(inst.x, float), np.asarray(inst.y, float)
        self.d = np.hypot(x[:, None] - x[None, :], y[:, None] - y[None, :]).tolist()
        self.ready, self.due = list(inst.ready), list(inst.due)
        self.service, self.demand = list(inst.service), list(inst.demand)
        self.capacity, self.horizon, self.rng = inst.capacity, inst.due[0], rng

    def _times(self, route: Route) -> tuple[list[float], list[float]]:
        """Service starts along the route, and the latest start keeping the rest on time."""
        d, s = self.d, self.service
        start, t, prev = [], self.ready[0], 0
        for c in route:
            t = max(self.ready[c], t + s[prev] + d[prev][c])
            start.append(t)
            prev = c
        latest = [0.0] * len(route)
        bound = self.horizon - s[route[-1]] - d[route[-1]][0] if route else self.horizon
        for i in range(len(route) - 1, -1, -1):
            latest[i] = min(self.due[route[i]], bound)
            if i:
                bound = latest[i] - s[route[i - 1]] - d[route[i - 1]][route[i]]
        return start, latest

    def insertions(self, route: Route, v: int, load: float) -> list[tuple[float, int]]:
        """(added distance, position) of every feasible place for customer ``v``."""
        if load + self.demand[v] > self.capacity:
            return []
        d, s = self.d, self.service
        start, latest = self._times(route)
        out = []
        for k in range(len(route) + 1):
            p = route[k - 1] if k else 0
            at = max(self.ready[v], (start[k - 1] if k else self.ready[0]) + s[p] + d[p][v])
            if at > self.due[v]:
                continue
            q = route[k] if k < len(route) else 0
            then = at + s[v] + d[v][q]
            if (k < len(route) and max(self.ready[q], then) > latest[k] + 1e-9) or (
                    k == len(route) and then > self.horizon):
                continue
            out.append((d[p][v] + d[v][q] - d[p][q], k))
        return out

    def remove_one_route(self, routes: list[Route], deadline: float) -> list[Route] | None:
        """Empty a random route through the ejection pool; the new routes, or None."""
        routes = [list(r) for r in routes]
        pool = routes.pop(self.rng.randrange(len(routes)))
        misses = [1] * len(self.d)  # how often each customer could not go in directly
        while pool and time.time() < deadline:
            v = pool.pop()
            if not self._insert(routes, v):
                misses[v] += 1
                ejected = self._eject_and_insert(routes, v, misses)
                if ejected is None:
                    pool.insert(0, v)
                    continue
                pool.extend(ejected)
                self._perturb(routes)
        return None if pool else routes

    def _load(self, route: Route) -> float:
        return sum(self.demand[c] for c in route)

    def _insert(self, routes: list[Route], v: int) -> bool:
        best = min(((cost, r, k) for r, route in enumerate(routes)
                    for cost, k in self.insertions(route, v, self._load(route))), default=None)
        if best is None:
            return False
        routes[best[1]].insert(best[2], v)
        return True

    def _eject_and_insert(self, routes: list[Route], v: int,
                          misses: list[int]) -> list[int] | None:
        """Eject one or two customers of least ``misses`` from one route so that ``v`` fits."""
        best: tuple[int, int, Route, list[int]] | None = None
        for r, route in enumerate(routes):
            n = len(route)
            sets = [(misses[route[i]], (i,)) for i in range(n)] + [
                (misses[route[i]] + misses[route[j]], (i, j))
                for i in range(n) for j in range(i + 1, n)]
            for weight, idx in sorted(sets):
                if best is not None and weight >= best[0]:
                    break
                rest = [c for i, c in enumerate(route) if i not in idx]
                places = self.insertions(rest, v, self._load(rest))
                if places:
                    rest.insert(min(places)[1], v)
                    best = (weight, r, rest, [route[i] for i in idx])
                    break
        if best is None:
            return None
        routes[best[1]] = best[2]
        return best[3]

    def _perturb(self, routes: list[Route], moves: int = 100) -> None:
        """Random feasible relocations: the pool sees other neighbourhoods next time."""
        for _ in range(moves):
            a, b = self.rng.randrange(len(routes)), self.rng.randrange(len(routes))
            if a == b or not routes[a]:
                continue
            i = self.rng.randrange(len(routes[a]))
            places = self.insertions(routes[b], routes[a][i], self._load(routes[b]))
            if places:
                routes[b].insert(self.rng.choice(places)[1], routes[a].pop(i))


def polish(inst: Instance, routes: list[Route], seconds: float) -> list[Route]:
    """The engine's travel phase on this fleet: GLS without the fixed cost, from ``routes``."""
    data = to_problem(inst)
    params = SolverParams(time_limit_s=seconds, day_delay_cost=0, split_stops=0, workers=1)
    warm = [[c - 1 for c in r] for r in routes]  # customer c is stop c - 1
    out = run(data, EuclideanTravel(), params, list(range(len(data.stops))),
              search_parameters(params, seconds), warm=warm,
              open_vehicles=list(range(len(routes))))
    if out is None or not out.restored:
        return routes
    return [[s + 1 for s in r] for r in out.routes if r]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("names", nargs="*")
    ap.add_argument("--dir", default=str(ROOT.parent / "shared/benchmarks/solomon"))
    ap.add_argument("--start-s", type=float, default=2.0)
    ap.add_argument("--budget-s", type=float, default=5.0)
    ap.add_argument("--travel-s", type=float, default=0.0)
    args = ap.parse_args()
    with (Path(args.dir) / "bks.csv").open(encoding="utf-8") as fh:
        bks = {r["instance"]: (int(r["vehicles"]), float(r["distance"]))
               for r in csv.DictReader(fh)}
    gaps: list[float] = []
    files = ([Path(args.dir) / f"{n}.txt" for n in args.names] if args.names
             else sorted(Path(args.dir).glob("*.txt")))
    before = after = 0
    for path in files:
        inst = read_solomon(path)
        start = solve_instance(inst, args.start_s)
        routes, pool = start.routes, Pool(inst, random.Random(1))
        deadline = time.time() + args.budget_s
        while time.time() < deadline and (fewer := pool.remove_one_route(routes, deadline)):
            routes = [r for r in fewer if r]
        if args.travel_s:
            routes = polish(inst, routes, args.travel_s)
        check = check_routes(inst, routes)
        before, after = before + start.check.vehicles, after + check.vehicles
        gap = ""
        if bks.get(inst.name, (0, 0.0))[0] == check.vehicles:
            gaps.append(check.distance / bks[inst.name][1] - 1)
            gap = f", gap {100 * gaps[-1]:.2f} %"
        print(f"{inst.name}: {start.check.vehicles} -> {check.vehicles} vehicles, "
              f"{check.distance:.2f}{gap}, feasible {check.feasible}", flush=True)
    mean = f"{100 * sum(gaps) / len(gaps):.2f} %" if gaps else "-"
    print(f"total: {before} -> {after} vehicles; mean gap {mean} over {len(gaps)} at BKS fleet")


if __name__ == "__main__":
    main()
