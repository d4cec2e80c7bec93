"""Travel on a fixed fleet by ruin and recreate: string removals, greedy re-insertion.

Used when vehicles come first and everyone in the model is served (phases._recreate), after
route elimination (ejection.py) and before the last GLS run: GLS on OR-Tools makes tens of
accepted moves a second and keeps the shape of the routes it starts from; a ruin-and-recreate
step takes out strings of neighbouring stops from a few routes and puts them back where they
cost least, which reshapes several routes at once. This is SISR (Christiaens and Vanden
Berghe 2020, "Slack induction by string removals"): strings and split strings around a random
stop, insertion in a random order with blinks, simulated annealing. It never uses a vehicle
the fleet does not use already, and a step that cannot put every stop back is thrown away:
nobody served before is left out.

It works on the ejection pool's view of the routing model (the same integer matrices, windows,
shifts, dose capacities, allowed vehicles and resumed days, O(1) insertion checks). The
objective is the model's arc cost: travel, the delay cost of a later day and, in a re-plan,
the cost of a moved stop (routing.leave_cost_rows). Lunch breaks: insertions see the shift
shortened by the break, and a step is kept only if every route it changed still admits its
break exactly (breaks.fits_break).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from planner.settings import SolverParams
from planner.solver.ejection import EjectionPool, PoolRoute
from planner.solver.routing import RoutingProblem, leave_cost_rows

#: routes of this many nearest stops are tried first when a stop is put back
NEAR_FIRST = 3


@dataclass(frozen=True)
class RuinParams:
    """SISR's tunables (the paper's values for the string lengths and blinks)."""

    mean_removed: float = 10.0  # c-bar: stops removed per step on average
    max_string: int = 10  # L-max: longest string taken from one route
    split_rate: float = 0.5  # chance a string keeps a part of it in place
    split_depth: float = 0.01  # alpha: how long that kept part grows
    blink_rate: float = 0.01  # beta: chance an insertion place is skipped
    #: start and end temperature as shares of the mean arc cost of the starting routes
    start_temperature: float = 0.1
    end_temperature: float = 0.002
    neighbours: int = 80  # nearest stops kept per stop (strings start near the seed)

    def __post_init__(self) -> None:
        if not (self.mean_removed >= 1 and self.max_string >= 1):
            raise ValueError("mean_removed and max_string must be >= 1")
        if not (0 <= self.split_rate <= 1 and 0 <= self.split_depth < 1
                and 0 <= self.blink_rate < 1):
            raise ValueError("split_rate in [0, 1], split_depth and blink_rate in [0, 1)")
        if not 0 < self.end_temperature <= self.start_temperature:
            raise ValueError("temperatures: 0 < end <= start")
        if self.neighbours < 1:
            raise ValueError("neighbours must be >= 1")


class RuinRecreate:
    """One search: the current routes, the best found, and the annealing state."""

    def __init__(self, pool: EjectionPool, routes: list[PoolRoute], params: RuinParams,
                 on_best: Callable[[int], None] | None = None) -> None:
        self.pool, self.params, self.rng, self.on_best = pool, params, pool.rng, on_best
        self.extra = _leave_costs(pool.p, pool.params)
        self.routes = list(routes)
        self.cost = [self._route_cost(r) for r in self.routes]
        self.best = [r.copy() for r in self.routes]
        self.best_cost = self.current_cost = sum(self.cost)
        #: every stop served (all of them, always: a step that leaves one out is dropped)
        self.nodes = nodes = [x for r in self.routes for x in r.nodes]
        self.near = _nearest(pool.p, nodes, params.neighbours)
        self.where = {x: i for i, r in enumerate(self.routes) for x in r.nodes}
        arcs = max(1, len(nodes) + len(self.routes))
        self.mean_arc = max(1.0, sum(self.cost) / arcs)
        self.steps = self.accepted = 0

    def _route_cost(self, r: PoolRoute) -> int:
        if not r.nodes:
            return 0
        pool, v = self.pool, r.vehicle
        d, extra = pool.travel[v], self.extra[v]
        cost, prev = 0, pool.begin[v]
        for x in r.nodes:
            cost += d[prev][x] + (extra[x] if extra else 0)
            prev = x
        return cost + d[prev][pool.end[v]]

    def run(self, deadline: float) -> None:
        began = time.time()
        span = max(1e-3, deadline - began)
        t0 = self.params.start_temperature * self.mean_arc
        t1 = self.params.end_temperature * self.mean_arc
        while (now := time.time()) < deadline:
            temperature = t0 * (t1 / t0) ** ((now - began) / span)
            self.step(temperature)

    def step(self, temperature: float) -> bool:
        """One ruin and recreate; True when the result became the current routes."""
        self.steps += 1
        changed: dict[int, PoolRoute] = {}
        removed = self._ruin(changed)
        if not self._recreate(removed, changed):
            return False
        costs = {i: self._route_cost(r) for i, r in changed.items()}
        new = self.current_cost + sum(costs[i] - self.cost[i] for i in changed)
        threshold = self.current_cost - temperature * math.log(self.rng.random() or 1e-12)
        if new >= threshold or not self._feasible(changed):
            return False
        for i, r in changed.items():
            self.routes[i], self.cost[i] = r, costs[i]
            for x in r.nodes:
                self.where[x] = i
        self.current_cost, self.accepted = new, self.accepted + 1
        if new < self.best_cost:
            self.best_cost, self.best = new, [r.copy() for r in self.routes]
            if self.on_best is not None:
                self.on_best(new)
        return True

    def _feasible(self, changed: dict[int, PoolRoute]) -> bool:
        """Every changed route on time (removals without the triangle inequality can make a
        route late) and, with lunch breaks, admitting its break exactly."""
        pool = self.pool
        if any(pool.gaps(r) is None for r in changed.values()):
            return False
        return pool.breaks_fit(list(changed.values()))

    # -- ruin ---------------------------------------------------------------------------

    def _ruin(self, changed: dict[int, PoolRoute]) -> list[int]:
        prm, rng, routes = self.params, self.rng, self.routes
        served = [r for r in routes if r.nodes]
        if not served:
            return []
        mean_len = sum(len(r.nodes) for r in served) / len(served)
        longest = min(float(prm.max_string), mean_len)
        strings = int(rng.uniform(1, 4 * prm.mean_removed / (1 + longest)))
        seed = rng.choice(self.nodes)
        removed: list[int] = []
        for x in (seed, *self.near[seed]):
            if len(changed) >= strings:
                break
            i = self.where[x]
            if i in changed:
                continue
            r = routes[i]
            length = int(rng.uniform(1, min(len(r.nodes), longest) + 1))
            out = self._string(r.nodes, r.nodes.index(x), length)
            keep = [y for y in r.nodes if y not in out]
            changed[i] = PoolRoute(r.vehicle, keep, r.load - sum(self.pool.doses[y] for y in out))
            removed += out
        return removed

    def _string(self, nodes: list[int], at: int, length: int) -> set[int]:
        """A string of ``length`` stops around position ``at``; with ``split_rate``, a longer
        string of which a run of ``m`` stops stays in place (a split string)."""
        rng, n = self.rng, len(nodes)
        kept = 0
        if length < n and rng.random() < self.params.split_rate:
            kept = 1
            while length + kept < n and rng.random() > self.params.split_depth:
                kept += 1
        span = length + kept
        first = rng.randint(max(0, at - span + 1), min(at, n - span))
        taken = nodes[first:first + span]
        if kept:
            k = rng.randint(0, length)
            taken = taken[:k] + taken[k + kept:]
        return set(taken)

    # -- recreate -----------------------------------------------------------------------

    def _recreate(self, removed: list[int], changed: dict[int, PoolRoute]) -> bool:
        """Insert every removed stop where it adds least cost (with blinks); False when one
        fits nowhere."""
        self._order(removed)
        pool, routes, blink = self.pool, self.routes, self.params.blink_rate
        for x in removed:
            best: tuple[int, int, int] | None = None
            for i in self._routes_near(x):
                r = changed.get(i, routes[i])
                leave = self.extra[r.vehicle]
                extra = leave[x] if leave else 0
                bound = None if best is None else best[0] - extra
                for cost, k in pool.places(r, x, bound):
                    if best is None or cost + extra < best[0]:
                        if blink and self.rng.random() < blink:
                            continue
                        best = (cost + extra, i, k)
            if best is None:
                return False
            i, k = best[1], best[2]
            if i not in changed:
                changed[i] = routes[i].copy()
            pool.put(changed[i], x, k)
        return True

    def _routes_near(self, x: int) -> list[int]:
        """Every route, those of ``x``'s nearest stops first: the best place found early
        bounds the rest, and places() skips what costs more without checking times."""
        first = list(dict.fromkeys(self.where[y] for y in self.near[x][:NEAR_FIRST]))
        return first + [i for i in range(len(self.routes)) if i not in first]

    def _order(self, removed: list[int]) -> None:
        """SISR's orders, weighted 4:4:2:1: random, most doses, farthest from the depot,
        nearest to it."""
        rng, pool = self.rng, self.pool
        pick = rng.random() * 11
        if pick < 4:
            rng.shuffle(removed)
        elif pick < 8:
            removed.sort(key=lambda x: -pool.doses[x])
        else:
            depot = pool.travel[0][pool.begin[0]]
            removed.sort(key=lambda x: depot[x], reverse=pick < 10)


def _leave_costs(p: RoutingProblem, params: SolverParams) -> list[list[int] | None]:
    """The model's cost on the arc leaving each node, per vehicle (a later day's delay cost,
    a moved stop's cost); None for a vehicle where it is zero everywhere. Vehicles sharing a
    row share its list."""
    lists: dict[int, list[int] | None] = {}
    out = []
    for row in leave_cost_rows(p, params):
        if id(row) not in lists:
            lists[id(row)] = row.tolist() if row.any() else None
        out.append(lists[id(row)])
    return out


def _nearest(p: RoutingProblem, nodes: Sequence[int], k: int) -> dict[int, list[int]]:
    """Each node's ``k`` nearest among ``nodes`` by the first vehicle's travel mode."""
    if not nodes:
        return {}
    mode = p.data.teams[p.vehicles[0][0]].travel_mode
    idx = np.asarray(nodes)
    d = p.matrices[mode].seconds[np.ix_(idx, idx)]
    order = np.argsort(d, axis=1, kind="stable")[:, :k + 1]
    # a stop at the same spot as another may sort after it: drop the node itself by name
    return {x: [y for y in idx[row].tolist() if y != x][:k]
            for x, row in zip(nodes, order, strict=True)}


def improve_travel(pool: EjectionPool, stop_routes: Sequence[Sequence[int]], deadline: float,
                   ruin: RuinParams | None = None,
                   on_solution: Callable[[int], None] | None = None
                   ) -> tuple[list[list[int]], int, int]:
    """Ruin and recreate from ``stop_routes`` (a solution of the pool's model) until
    ``deadline``: (best routes per vehicle, steps, steps accepted). The routes returned serve
    the same stops with no vehicle the given ones do not use. ``on_solution(cost)`` hears of
    each new best (progress)."""
    search = RuinRecreate(pool, pool.to_routes(stop_routes), ruin or RuinParams(), on_solution)
    search.run(deadline)
    return pool.to_stop_routes(search.best), search.steps, search.accepted
