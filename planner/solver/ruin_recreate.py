"""Our own searches beside OR-Tools, by ruin and recreate: fewer routes, then less travel.

Used when vehicles come first (phases._vehicles_first). Both are SISR (Christiaens and Vanden
Berghe 2020, "Slack induction by string removals"): strings and split strings of stops around
a random stop are taken out of a few routes and put back one by one, in a random order, each
where it adds least cost, skipping a few places (blinks). Neither uses a vehicle the fleet
given does not use, and only routes that serve everyone are handed back.

- Route elimination (``remove_routes``): the smallest route is emptied, its stops absent; a
  step is kept when fewer stops are absent after it, or as many that were absent less often
  (SISR's absence counts). When nobody is absent the next route goes. OR-Tools' local search
  never empties a route on purpose (Solomon R1/RC1: 255 vehicles against the best known 235).
- Travel on the fleet found (``improve_travel``, when everyone in the model is served):
  simulated annealing on the model's arc cost; a stop that fits nowhere may stay out of the
  current routes for a while at a cost (``RuinParams.absent_cost``). It reshapes several
  routes at once, where GLS keeps the shape of the routes it starts from.

The steps run in compiled code (sisr_kernel.py, about 120,000 a second on 100 stops; 2,000 in
Python). This module turns the view of the routing model (view.py: the same integer matrices,
windows, shifts, dose capacities, allowed vehicles and resumed days) into the kernel's arrays
and runs the schedules in batches. The cost is the model's arc cost: travel, the delay cost of
a later day and, in a re-plan, the cost of a moved stop (routing.leave_cost_rows). Lunch
breaks: insertions see the shift shortened by the break, and a step is kept only if every
route it changed still admits its break exactly (the kernel's break_fits, breaks.fits_break's
rule).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from planner.solver import sisr_kernel as kernel
from planner.solver.view import ModelView, VehicleRoute

#: steps in the first batch; later batches are sized to take about BATCH_S seconds each (the
#: deadline, the temperature and progress are looked at between batches)
FIRST_BATCH = 16
BATCH_S = 0.02
MAX_BATCH = 200_000
#: route elimination's steps per call of the kernel (about 20 ms on 100 stops)
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
    #: (R2/RC2, 5 s, one core: 0.1 -> 0.002 7.9 %, 3 -> 0.01 1.55 %, 8 -> 0.08 1.29 %)
    start_temperature: float = 8.0
    end_temperature: float = 0.08
    neighbours: int = 80  # nearest stops kept per stop (strings start near the seed)
    #: a stop that fits nowhere may stay out of the current routes at this many mean arc
    #: costs (0: a step that cannot put every stop back is dropped)
    #: (R2/RC2 as above: 0 1.29 %, 3 1.36 %, 10 1.17 %)
    absent_cost: float = 10.0

    def __post_init__(self) -> None:
        if not (self.mean_removed >= 1 and self.max_string >= 1):
            raise ValueError("mean_removed and max_string must be >= 1")
        if not (0 <= self.split_rate <= 1 and 0 <= self.split_depth < 1
                and 0 <= self.blink_rate < 1):
            raise ValueError("split_rate in [0, 1], split_depth and blink_rate in [0, 1)")
        if not 0 < self.end_temperature <= self.start_temperature:
            raise ValueError("temperatures: 0 < end <= start")
        if self.absent_cost < 0:
            raise ValueError("absent_cost must be >= 0")
        if self.neighbours < 1:
            raise ValueError("neighbours must be >= 1")


def _counter(index: int, doc: str) -> property:
    return property(lambda self: int(self.state.scal[index]), doc=doc)


class RuinRecreate:
    """One search: the kernel's arrays (sisr_kernel.py) for the current, candidate and best
    routes, and the annealing schedule. ``routes`` are the fleet's routes (VehicleRoute); the
    search never uses a vehicle they do not."""

    current_cost = _counter(kernel.S_CURRENT, "cost of the current routes, absent stops in")
    best_cost = _counter(kernel.S_BEST, "cost of the best routes (everyone served)")
    steps = _counter(kernel.S_STEP, "steps made")
    accepted = _counter(kernel.S_ACCEPTED, "steps that became the current routes")

    def __init__(self, view: ModelView, routes: list[VehicleRoute], params: RuinParams,
                 on_best: Callable[[int], None] | None = None) -> None:
        self.view, self.params, self.on_best = view, params, on_best
        self.vehicles = [r.vehicle for r in routes]
        self.state = s = _State(view, routes)
        served = sum(len(r.nodes) for r in routes)
        self.mean_arc = max(1.0, self.current_cost / max(1, served + len(routes)))
        prm = np.array([params.mean_removed, params.max_string, params.split_rate,
                        params.split_depth, params.blink_rate,
                        params.absent_cost * self.mean_arc], np.float64)
        model = (view.served, view.nearest(params.neighbours), view.depot, view.mats,
                 view.node, view.veh, view.extra, view.allowed, prm)
        self.arrays = (s.rv, s.nodes, s.ln, s.est, s.lst, s.ok, s.load, s.cost, s.where,
                       s.stamp, s.changed, s.removed, s.absent, *model, s.scal, s.best_nodes,
                       s.best_ln)

    @property
    def best(self) -> list[VehicleRoute]:
        return self._routes(self.state.best_nodes, self.state.best_ln)

    def current(self) -> list[VehicleRoute]:
        return self._routes(self.state.nodes[0], self.state.ln[0])

    def _routes(self, nodes: np.ndarray, lengths: np.ndarray) -> list[VehicleRoute]:
        out = []
        for r, v in enumerate(self.vehicles):
            stops = nodes[r, :lengths[r]].tolist()
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
            kernel.run_steps(count, t0 * ratio ** share, t0 * ratio ** ahead, *self.arrays)
            spent = max(1e-6, time.time() - now)
            count = max(FIRST_BATCH, min(MAX_BATCH, int(count * BATCH_S / spent)))
            if self.best_cost < reported and self.on_best is not None:
                reported = self.best_cost
                self.on_best(reported)


class _State:
    """The kernel's mutable arrays: the starting routes as copy 0 (costs and times computed)
    and as the best, room for a candidate (copy 1), the changed, removed and absent stops."""

    def __init__(self, view: ModelView, routes: list[VehicleRoute]) -> None:
        count, n = len(routes), len(view.node)
        length = sum(len(r.nodes) for r in routes) + 1
        self.rv = np.array([r.vehicle for r in routes], np.int64)
        self.nodes = np.zeros((2, count, length), np.int64)
        self.ln = np.zeros((2, count), np.int64)
        self.est = np.zeros((2, count, length), np.int64)
        self.lst = np.zeros((2, count, length), np.int64)
        self.ok = np.zeros((2, count), np.bool_)
        self.load = np.zeros((2, count), np.int64)
        self.cost = np.zeros((2, count), np.int64)
        self.where = np.full(n, -1, np.int64)
        self.stamp = np.zeros(count, np.int64)
        self.changed = np.zeros(count, np.int64)
        self.removed = np.zeros(length, np.int64)
        self.absent = np.zeros((2, length), np.int64)
        self.scal = np.zeros(5, np.int64)
        for r, route in enumerate(routes):
            self.nodes[0, r, :len(route.nodes)] = route.nodes
            self.ln[0, r] = len(route.nodes)
            self.load[0, r] = route.load
            self.where[route.nodes] = r
            kernel.refresh(0, r, self.rv, self.nodes, self.ln, self.est, self.lst, self.ok,
                           self.cost, view.mats, view.node, view.veh, view.extra)
        self.scal[kernel.S_CURRENT] = self.scal[kernel.S_BEST] = int(self.cost[0].sum())
        self.best_nodes = self.nodes[0].copy()
        self.best_ln = self.ln[0].copy()

    #: the current routes' arrays (copy 0), as a route elimination try changes them
    _CURRENT = ("nodes", "ln", "est", "lst", "ok", "load", "cost")

    def snapshot(self) -> dict[str, np.ndarray]:
        """The current routes (copy 0) and the totals, to go back to."""
        out = {name: getattr(self, name)[0].copy() for name in self._CURRENT}
        out["where"], out["scal"] = self.where.copy(), self.scal.copy()
        out["absent"] = self.absent[0].copy()
        return out

    def restore(self, saved: dict[str, np.ndarray]) -> None:
        for name in self._CURRENT:
            getattr(self, name)[0] = saved[name]
        self.where[:], self.absent[0] = saved["where"], saved["absent"]
        steps = self.scal[[kernel.S_STEP, kernel.S_ACCEPTED]]
        self.scal[:] = saved["scal"]
        self.scal[[kernel.S_STEP, kernel.S_ACCEPTED]] = steps  # counters go on


def improve_travel(view: ModelView, stop_routes: Sequence[Sequence[int]], deadline: float,
                   ruin: RuinParams | None = None,
                   on_solution: Callable[[int], None] | None = None
                   ) -> tuple[list[list[int]], int, int]:
    """Ruin and recreate from ``stop_routes`` (a solution of the view's model) until
    ``deadline``: (best routes per vehicle, steps, steps accepted). The routes returned serve
    the same stops with no vehicle the given ones do not use. ``on_solution(cost)`` hears of
    each new best (progress)."""
    search = RuinRecreate(view, view.to_routes(stop_routes), ruin or RuinParams(), on_solution)
    search.run(deadline)
    return view.to_stop_routes(search.best), search.steps, search.accepted


def remove_routes(view: ModelView, stop_routes: Sequence[Sequence[int]], deadline: float,
                  ruin: RuinParams | None = None) -> tuple[list[list[int]], int]:
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
    fleet, failed = s.snapshot(), set()
    while (left := deadline - time.time()) > 0:
        used = [r for r in range(len(s.rv)) if s.ln[0, r]]
        candidates = [r for r in used if r not in failed]
        if len(used) < 2 or not candidates:
            break
        victim = min(candidates, key=lambda r: s.ln[0, r])
        _close(s, victim)
        until = time.time() + left * ATTEMPT_SHARE
        while s.scal[kernel.S_ABSENT] and time.time() < until:
            kernel.fleet_steps(FLEET_BATCH, misses, *search.arrays[:-2])
        if s.scal[kernel.S_ABSENT]:
            s.restore(fleet)
            failed.add(victim)
        else:
            fleet, failed = s.snapshot(), set()
    s.restore(fleet)
    # a step may empty a route of its own accord: count the routes, not the tries
    return view.to_stop_routes(search.current()), len(search.vehicles) - int(
        np.count_nonzero(s.ln[0]))


def _close(s: _State, r: int) -> None:
    """Empty route ``r`` for good: its stops become absent, and nothing goes in again (a
    closed route is empty with ``ok`` False)."""
    n = int(s.ln[0, r])
    s.absent[0, :n] = s.nodes[0, r, :n]
    s.where[s.nodes[0, r, :n]] = -1
    s.scal[kernel.S_ABSENT] = n
    s.scal[kernel.S_CURRENT] -= s.cost[0, r]
    s.ln[0, r] = s.load[0, r] = s.cost[0, r] = 0
    s.ok[0, r] = False
