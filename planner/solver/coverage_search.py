"""Coverage by ruin and recreate (issue 23): whom to serve when the teams cannot reach everyone.

Every stop in the model is optional at its priority penalty (routing.stop_penalty), as in the
OR-Tools model. The search starts from nothing: every stop absent, then put in greedily,
highest penalty first (``coverage_kernel.fill``); then SISR steps in compiled code
(``coverage_kernel.cover_steps``): strings ruined near a random stop, the removed stops and the
absent stops near them put back highest penalty first or in one of SISR's orders, each only
where it costs less than its penalty; steps accepted by simulated annealing on the full
objective (penalties of the absent stops, then arc cost: travel, day delay, moved stops).
The temperature is on the travel scale (a multiple of the mean arc), so a step that leaves
more priority out is in practice never accepted: served priority comes first.

The arrays are the routing model's (view.py) and the kernel's insertion and feasibility are
the travel kernel's (sisr_kernel.py): windows, shifts, lunch breaks (exactly, on every
accepted step), dose capacity, allowed vehicles (doctor, vaccine, earliest day, and whatever
else routing.allowed_vehicles allows), resumed days. Routes handed back are a solution of
the model OR-Tools then polishes (coverage.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

import numpy as np

from planner.solver import coverage_kernel as ck
from planner.solver import sisr_kernel as kernel
from planner.solver.routing import stop_penalty
from planner.solver.ruin_recreate import (
    BATCH_S,
    FIRST_BATCH,
    MAX_BATCH,
    RuinParams,
    empty_routes,
)
from planner.solver.sisr_arrays import Model, Routes
from planner.solver.view import ModelView

#: start and end temperature of the coverage search, in mean arcs of the greedy start
START_TEMPERATURE = 4.0
END_TEMPERATURE = 0.04


class CoverSearch:
    """One coverage search over every vehicle of the view's model (team-days, used or not)."""

    def __init__(
        self,
        view: ModelView,
        start: Sequence[Sequence[int]] | None = None,
        params: RuinParams | None = None,
    ) -> None:
        """``start``: stop indices per vehicle (a solution of the view's model) to begin
        from, else nothing; the absent stops are then put in greedily."""
        self.view, self.params = view, params or RuinParams()
        n = len(view.node)
        self.penalty = np.zeros(n, np.int64)
        for x, index in view.p.layout.stop_of_node.items():
            self.penalty[x] = stop_penalty(view.p.data.stops[index].priority)
        self.model = Model(
            view.served,
            view.nearest(self.params.neighbours),
            view.depot_travel,
            view.travel,
            view.node,
            view.vehicle,
            view.leave_cost,
            view.allowed,
            np.zeros(kernel.PARAMETERS, np.float64),
        )
        self.model.parameters[:] = (
            self.params.mean_removed,
            self.params.max_string,
            self.params.split_rate,
            self.params.split_depth,
            self.params.blink_rate,
            0.0,
        )
        self.mark = np.zeros(n, np.int64)
        self.state = _state(self.model, view, start, self.penalty)
        kernel.seed(view.rng.randrange(1 << 31))
        absent = self.state.absent[0, : self.state.totals[kernel.S_ABSENT]]
        order = absent[np.argsort(-self.penalty[absent], kind="stable")].copy()
        ck.fill(self.state, self.model, self.penalty, order)
        s = self.state
        s.totals[kernel.S_BEST] = s.totals[kernel.S_CURRENT]
        s.best_nodes[:] = s.nodes[0]
        s.best_length[:] = s.length[0]
        used = int(np.count_nonzero(s.length[0]))
        served = int(s.length[0].sum())
        self.mean_arc = max(1.0, float(s.cost[0].sum()) / max(1, served + used))

    @property
    def best_cost(self) -> int:
        """The best routes' objective: arc cost plus the absent stops' penalties."""
        return int(self.state.totals[kernel.S_BEST])

    @property
    def steps(self) -> int:
        """Steps made (the greedy start's insertions count one each)."""
        return int(self.state.totals[kernel.S_STEP])

    @property
    def accepted(self) -> int:
        """Steps that became the current routes."""
        return int(self.state.totals[kernel.S_ACCEPTED])

    def best_routes(self) -> list[list[int]]:
        """Stop indices per vehicle of the model, the best routes found."""
        stop = self.view.p.layout.stop_of_node
        s = self.state
        return [
            [stop[int(x)] for x in s.best_nodes[r, : s.best_length[r]]]
            for r in range(len(s.length[0]))
        ]

    def run(self, deadline: float, on_best: Callable[[int], None] | None = None) -> None:
        """Steps in batches of about ``BATCH_S`` until ``deadline``, the temperature falling
        geometrically over the time; ``on_best(cost)`` hears of each new best between
        batches."""
        began = time.time()
        span = max(1e-3, deadline - began)
        t0 = START_TEMPERATURE * self.mean_arc
        ratio = END_TEMPERATURE / START_TEMPERATURE
        count, reported, done = FIRST_BATCH, self.best_cost, self.steps
        while (now := time.time()) < deadline:
            share = (now - began) / span
            per_step = (now - began) / max(1, self.steps - done)
            ahead = min(1.0, share + count * per_step / span)
            ck.cover_steps(
                self.state,
                self.model,
                self.penalty,
                self.mark,
                count,
                t0 * ratio**share,
                t0 * ratio**ahead,
            )
            spent = max(1e-6, time.time() - now)
            count = max(FIRST_BATCH, min(MAX_BATCH, int(count * BATCH_S / spent)))
            if self.best_cost < reported and on_best is not None:
                reported = self.best_cost
                on_best(reported)


def _state(
    model: Model, view: ModelView, start: Sequence[Sequence[int]] | None, penalty: np.ndarray
) -> Routes:
    """The kernel's route arrays: one route per vehicle of the model (the start's stops, or
    none), every other stop absent; costs include the absent stops' penalties."""
    count, n = len(view.p.vehicles), len(model.node)
    length = len(view.served) + 1
    state = empty_routes(np.arange(count, dtype=np.int64), n, length)
    node_of = view.p.layout.node_of_stop
    for r in range(count):
        nodes = [node_of[s] for s in (start[r] if start and r < len(start) else [])]
        state.nodes[0, r, : len(nodes)] = nodes
        state.length[0, r] = len(nodes)
        state.load[0, r] = view.load(nodes)
        state.route_of[nodes] = r
        kernel.refresh(state, model, 0, r)
    absent = [int(x) for x in view.served if state.route_of[x] < 0]
    state.absent[0, : len(absent)] = absent
    state.totals[kernel.S_ABSENT] = len(absent)
    state.totals[kernel.S_CURRENT] = int(state.cost[0].sum()) + int(penalty[absent].sum())
    return state


def cover(
    view: ModelView,
    deadline: float,
    start: Sequence[Sequence[int]] | None = None,
    on_best: Callable[[int, list[int]], None] | None = None,
    params: RuinParams | None = None,
) -> tuple[list[list[int]], int, int]:
    """Coverage search until ``deadline``: (best routes per vehicle of the model, steps,
    steps accepted). ``on_best(cost, served stops)`` hears of each new best."""
    search = CoverSearch(view, start, params)

    def tell(cost: int) -> None:
        """Pass a new best on with the stops it serves."""
        if on_best is not None:
            on_best(cost, [s for r in search.best_routes() for s in r])

    tell(search.best_cost)
    search.run(deadline, tell if on_best is not None else None)
    return search.best_routes(), search.steps, search.accepted
