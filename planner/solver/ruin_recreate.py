"""Our own searches beside OR-Tools, by ruin and recreate: fewer routes, then less travel.

Used when vehicles come first (vehicles_first.py). Both are SISR (Christiaens and Vanden
Berghe 2020, "Slack induction by string removals"): strings and split strings of stops around
a random stop are taken out of a few routes and put back one by one, in a random order, each
where it adds least cost, skipping a few places (blinks). Neither uses a vehicle the fleet
given does not use, and only routes that serve everyone are handed back.

- Route elimination (``remove_routes``): the smallest route is emptied, its stops absent; a
  step is kept when fewer stops are absent after it, or as many that were absent less often
  (SISR's absence counts). When nobody is absent the next route goes. OR-Tools' local search
  never empties a route on purpose, so alone it stays above the best-known fleets.
- Travel on the fleet found (``improve_travel``, when everyone in the model is served):
  simulated annealing on the model's arc cost; a stop that fits nowhere may stay out of the
  current routes for a while at a cost (``RuinParams.absent_cost``). It reshapes several
  routes at once, where GLS keeps the shape of the routes it starts from.

The steps run in compiled code (sisr_kernel.py). This module turns the view of the routing
model (view.py: the same integer matrices, windows, shifts, dose capacities, allowed vehicles
and resumed days) into the kernel's arrays and runs the schedules in batches. The cost is the
model's arc cost: travel, the delay cost of a later day and, in a re-plan, the cost of a moved
stop (routing.leave_cost_rows). Lunch breaks: insertions see the shift shortened by the break,
and a step is kept only if every route it changed still admits its break exactly (the
kernel's break_fits, breaks.fits_break's rule).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from planner.solver import sisr_kernel as kernel
from planner.solver.sisr_arrays import Model, Routes
from planner.solver.view import ModelView, VehicleRoute

#: steps in the first batch; later batches are sized to take about BATCH_S seconds each (the
#: deadline, the temperature and progress are looked at between batches)
FIRST_BATCH = 16
BATCH_S = 0.02
MAX_BATCH = 200_000
#: route elimination's steps per call of the kernel (a short call: the deadline is looked at
#: between calls)
FLEET_BATCH = 2_000
#: one try at removing a route gets at most this share of route elimination's time left
ATTEMPT_SHARE = 0.5


@dataclass(frozen=True)
class RuinParams:
    """SISR's tunables (the paper's values for the string lengths and blinks)."""

    mean_removed: float = 10.0  # c-bar: stops removed per step on average
    max_string: int = 10  # L-max: longest string taken from one route
    split_rate: float = 0.5  # chance a string keeps a part of it in place
    split_depth: float = 0.01  # alpha: how long that kept part grows
    blink_rate: float = 0.01  # beta: chance an insertion place is skipped
    #: start and end temperature as multiples of the mean arc cost of the starting routes
    #: (about SISR's published schedule; the tuning is in benchmarks/RESULTS.md)
    start_temperature: float = 8.0
    end_temperature: float = 0.08
    neighbours: int = 80  # nearest stops kept per stop (strings start near the seed)
    #: a stop that fits nowhere may stay out of the current routes at this many mean arc
    #: costs (0: a step that cannot put every stop back is dropped, which on tight routes
    #: keeps the search from crossing between feasible regions)
    absent_cost: float = 10.0

    def __post_init__(self) -> None:
        if not (self.mean_removed >= 1 and self.max_string >= 1):
            raise ValueError("mean_removed and max_string must be >= 1")
        if not (
            0 <= self.split_rate <= 1 and 0 <= self.split_depth < 1 and 0 <= self.blink_rate < 1
        ):
            raise ValueError("split_rate in [0, 1], split_depth and blink_rate in [0, 1)")
        if not 0 < self.end_temperature <= self.start_temperature:
            raise ValueError("temperatures: 0 < end <= start")
        if self.absent_cost < 0:
            raise ValueError("absent_cost must be >= 0")
        if self.neighbours < 1:
            raise ValueError("neighbours must be >= 1")


def _counter(index: int, doc: str) -> property:
    return property(lambda self: int(self.state.totals[index]), doc=doc)


class RuinRecreate:
    """One search: the kernel's arrays (sisr_arrays.py) for the model, the current, candidate
    and best routes, and the annealing schedule. ``routes`` are the fleet's routes
    (VehicleRoute); the search never uses a vehicle they do not."""

    current_cost = _counter(kernel.S_CURRENT, "cost of the current routes, absent stops in")
    best_cost = _counter(kernel.S_BEST, "cost of the best routes (everyone served)")
    steps = _counter(kernel.S_STEP, "steps made")
    accepted = _counter(kernel.S_ACCEPTED, "steps that became the current routes")

    def __init__(
        self,
        view: ModelView,
        routes: list[VehicleRoute],
        params: RuinParams,
        on_best: Callable[[int], None] | None = None,
    ) -> None:
        self.view, self.params, self.on_best = view, params, on_best
        self.vehicles = [r.vehicle for r in routes]
        # the parameters are set below, once the starting routes' cost gives the mean arc
        self.model = Model(
            view.served,
            view.nearest(params.neighbours),
            view.depot_travel,
            view.travel,
            view.node,
            view.vehicle,
            view.leave_cost,
            view.allowed,
            np.zeros(kernel.PARAMETERS, np.float64),
        )
        self.state = _starting_state(self.model, routes)
        served = sum(len(r.nodes) for r in routes)
        self.mean_arc = max(1.0, self.current_cost / max(1, served + len(routes)))
        self.model.parameters[:] = (
            params.mean_removed,
            params.max_string,
            params.split_rate,
            params.split_depth,
            params.blink_rate,
            params.absent_cost * self.mean_arc,
        )

    @property
    def best(self) -> list[VehicleRoute]:
        """The best routes found that serve everyone, per vehicle of the search."""
        return self._routes(self.state.best_nodes, self.state.best_length)

    def current(self) -> list[VehicleRoute]:
        """The current routes (a stop absent for now is in none of them)."""
        return self._routes(self.state.nodes[0], self.state.length[0])

    def _routes(self, nodes: np.ndarray, lengths: np.ndarray) -> list[VehicleRoute]:
        out = []
        for r, v in enumerate(self.vehicles):
            stops = nodes[r, : lengths[r]].tolist()
            out.append(VehicleRoute(v, stops, self.view.load(stops)))
        return out

    def run(self, deadline: float) -> None:
        """Steps in batches of about ``BATCH_S`` until ``deadline``; the temperature falls
        geometrically from the start to the end temperature over the whole time."""
        kernel.seed(self.view.rng.randrange(1 << 31))
        began = time.time()
        span = max(1e-3, deadline - began)
        t0 = self.params.start_temperature * self.mean_arc
        ratio = self.params.end_temperature / self.params.start_temperature
        count, reported = FIRST_BATCH, self.best_cost
        while (now := time.time()) < deadline:
            share = (now - began) / span
            per_step = (now - began) / self.steps if self.steps else 0.0
            ahead = min(1.0, share + count * per_step / span)
            kernel.run_steps(self.state, self.model, count, t0 * ratio**share, t0 * ratio**ahead)
            spent = max(1e-6, time.time() - now)
            count = max(FIRST_BATCH, min(MAX_BATCH, int(count * BATCH_S / spent)))
            if self.best_cost < reported and self.on_best is not None:
                reported = self.best_cost
                self.on_best(reported)


def empty_routes(vehicle_of: np.ndarray, n: int, length: int) -> Routes:
    """The kernel's arrays for routes of these vehicles over ``n`` nodes, each up to
    ``length`` stops, all empty (both copies, the best, the bookkeeping)."""
    count = len(vehicle_of)
    return Routes(
        vehicle_of=vehicle_of,
        nodes=np.zeros((2, count, length), np.int64),
        length=np.zeros((2, count), np.int64),
        earliest=np.zeros((2, count, length), np.int64),
        latest=np.zeros((2, count, length), np.int64),
        on_time=np.zeros((2, count), np.bool_),
        load=np.zeros((2, count), np.int64),
        cost=np.zeros((2, count), np.int64),
        route_of=np.full(n, -1, np.int64),
        stamp=np.zeros(count, np.int64),
        changed=np.zeros(count, np.int64),
        removed=np.zeros(length, np.int64),
        absent=np.zeros((2, length), np.int64),
        totals=np.zeros(kernel.TOTALS, np.int64),
        best_nodes=np.zeros((count, length), np.int64),
        best_length=np.zeros(count, np.int64),
    )


def _starting_state(model: Model, routes: list[VehicleRoute]) -> Routes:
    """The kernel's route arrays: the starting routes as copy 0 (costs and times computed)
    and as the best, room for a candidate (copy 1), the changed, removed and absent stops."""
    n = len(model.node)
    length = sum(len(r.nodes) for r in routes) + 1
    state = empty_routes(np.array([r.vehicle for r in routes], np.int64), n, length)
    for r, route in enumerate(routes):
        state.nodes[0, r, : len(route.nodes)] = route.nodes
        state.length[0, r] = len(route.nodes)
        state.load[0, r] = route.load
        state.route_of[route.nodes] = r
        kernel.refresh(state, model, 0, r)
    state.totals[kernel.S_CURRENT] = state.totals[kernel.S_BEST] = int(state.cost[0].sum())
    state.best_nodes[:] = state.nodes[0]
    state.best_length[:] = state.length[0]
    return state


#: the current routes' arrays (copy 0), as a route elimination try changes them
_CURRENT = ("nodes", "length", "earliest", "latest", "on_time", "load", "cost")


def _snapshot(state: Routes) -> dict[str, np.ndarray]:
    """The current routes (copy 0) and the totals, to go back to."""
    out = {name: getattr(state, name)[0].copy() for name in _CURRENT}
    out["route_of"], out["totals"] = state.route_of.copy(), state.totals.copy()
    out["absent"] = state.absent[0].copy()
    return out


def _restore(state: Routes, saved: dict[str, np.ndarray]) -> None:
    for name in _CURRENT:
        getattr(state, name)[0] = saved[name]
    state.route_of[:], state.absent[0] = saved["route_of"], saved["absent"]
    steps = state.totals[[kernel.S_STEP, kernel.S_ACCEPTED]]
    state.totals[:] = saved["totals"]
    state.totals[[kernel.S_STEP, kernel.S_ACCEPTED]] = steps  # counters go on


def improve_travel(
    view: ModelView,
    stop_routes: Sequence[Sequence[int]],
    deadline: float,
    ruin: RuinParams | None = None,
    on_solution: Callable[[int], None] | None = None,
) -> tuple[list[list[int]], int, int]:
    """Ruin and recreate from ``stop_routes`` (a solution of the view's model) until
    ``deadline``: (best routes per vehicle, steps, steps accepted). The routes returned serve
    the same stops with no vehicle the given ones do not use. ``on_solution(cost)`` hears of
    each new best (progress)."""
    search = RuinRecreate(view, view.to_routes(stop_routes), ruin or RuinParams(), on_solution)
    search.run(deadline)
    return view.to_stop_routes(search.best), search.steps, search.accepted


def remove_routes(
    view: ModelView,
    stop_routes: Sequence[Sequence[int]],
    deadline: float,
    ruin: RuinParams | None = None,
) -> tuple[list[list[int]], int]:
    """Route elimination SISR's way (the kernel's fleet_steps): empty the smallest route and
    ruin and recreate with its stops absent until nobody is, then the next, until
    ``deadline``. A try gets at most ``ATTEMPT_SHARE`` of the time left; when it fails the
    routes go back to the last fleet and the next smallest route is tried (a doctor's route,
    say, may not go while another can). Returns (routes per vehicle of the last fleet that
    served everyone, routes removed); the routes given must be a solution of the view's
    model."""
    search = RuinRecreate(view, view.to_routes(stop_routes), ruin or RuinParams())
    kernel.seed(view.rng.randrange(1 << 31))
    s = search.state
    misses = np.ones(len(view.node), np.int64)
    fleet, failed = _snapshot(s), set()
    while (left := deadline - time.time()) > 0:
        used = [r for r in range(len(s.vehicle_of)) if s.length[0, r]]
        candidates = [r for r in used if r not in failed]
        if len(used) < 2 or not candidates:
            break
        victim = min(candidates, key=lambda r: s.length[0, r])
        close_route(s, victim)
        until = time.time() + left * ATTEMPT_SHARE
        while s.totals[kernel.S_ABSENT] and time.time() < until:
            kernel.fleet_steps(s, search.model, FLEET_BATCH, misses)
        if s.totals[kernel.S_ABSENT]:
            _restore(s, fleet)
            failed.add(victim)
        else:
            fleet, failed = _snapshot(s), set()
    _restore(s, fleet)
    # a step may empty a route of its own accord: count the routes, not the tries
    return view.to_stop_routes(search.current()), len(search.vehicles) - int(
        np.count_nonzero(s.length[0])
    )


def close_route(s: Routes, r: int) -> None:
    """Empty route ``r`` for good: its stops become absent, and nothing goes in again (a
    closed route is empty and not on time)."""
    n = int(s.length[0, r])
    s.absent[0, :n] = s.nodes[0, r, :n]
    s.route_of[s.nodes[0, r, :n]] = -1
    s.totals[kernel.S_ABSENT] = n
    s.totals[kernel.S_CURRENT] -= s.cost[0, r]
    s.length[0, r] = s.load[0, r] = s.cost[0, r] = 0
    s.on_time[0, r] = False
