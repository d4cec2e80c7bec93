"""The routing model's numbers as the compiled kernel reads them, made once per search worker.

Ruin and recreate (ruin_recreate.py and its kernel, sisr_kernel.py) works on the routing
model's own numbers: its integer travel matrices, service times, windows, shifts, dose
capacities and allowed vehicles (doctor, vaccine, earliest day), a resumed day starting from
the team's current stop, and each lunch break as breaks.py defines it. Routes it hands back
are therefore exactly what OR-Tools then accepts as a warm start. Route elimination and the
travel phase share one view, so the arrays (a copy of each travel matrix, the nearest stops)
are built once.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from planner.settings import SolverParams
from planner.solver import sisr_kernel as kernel
from planner.solver.routing import (
    RoutingProblem,
    allowed_vehicles,
    break_window,
    earliest_departure,
    horizon_of,
    leave_cost_rows,
    max_span,
    vehicle_shift,
)

#: above this many nodes route elimination and travel stay with OR-Tools (vehicles_first.py): the
#: kernel's arrays are per route and node, and 1,500 nodes are past what an area holds
#: (solver.split_stops) in the product
MAX_NODES = 1500


@dataclass
class VehicleRoute:
    """One vehicle's stops (model nodes) and the doses they take."""

    vehicle: int
    nodes: list[int]
    load: int


class ModelView:
    """The kernel's model arrays (sisr_arrays.Model): ``node`` (service, window, doses per
    node), ``vehicle`` (the V_* columns per vehicle), ``travel`` (per mode), ``leave_cost``
    (rows shared by vehicles), ``allowed`` (node x vehicle), ``served`` (the model's stop
    nodes), ``depot_travel`` (travel from the first station)."""

    def __init__(self, p: RoutingProblem, params: SolverParams, rng: random.Random) -> None:
        data, layout, n = p.data, p.layout, p.layout.n_nodes
        self.p, self.params, self.rng = p, params, rng
        self.served = np.array(sorted(layout.stop_of_node), np.int64)
        self.node = np.zeros((n, 4), np.int64)
        self.node[:, kernel.N_SERVICE] = p.service
        self.node[:, kernel.N_HI] = horizon_of(data)
        self.allowed = np.zeros((n, len(p.vehicles)), np.bool_)
        for x, s in layout.stop_of_node.items():
            stop = data.stops[s]
            self.node[x, kernel.N_LO] = stop.window_start_s or 0
            if stop.window_end_s is not None:
                self.node[x, kernel.N_HI] = stop.window_end_s
            self.node[x, kernel.N_DOSES] = stop.doses
            self.allowed[x, allowed_vehicles(data, s)] = True
        modes = sorted(p.matrices)
        self.travel = np.stack([np.asarray(p.matrices[m].seconds, np.int64) for m in modes])
        self.leave_cost, leave_row = _leave_costs(p, params)
        #: each vehicle's lunch break (earliest start, latest start, seconds), None without
        self.windows = [break_window(data, params, vehicle) for vehicle in p.vehicles]
        self.vehicle = np.zeros((len(p.vehicles), kernel.VEHICLE_COLUMNS), np.int64)
        for v, (t, day) in enumerate(p.vehicles):
            team, window = data.teams[t], self.windows[v] or (0, 0, 0)
            resume = data.starts.get((t, day))
            # insertions see the shift shortened by the break; the break itself is checked
            # exactly on each route a step changes
            depart = earliest_departure(data, (t, day))
            shift_end = vehicle_shift(data, (t, day))[1]  # the weekday's shift, if any
            span = max_span(data, (t, day), self.windows[v])
            if span is not None:  # max_hours: back by leaving + span (leaving at the earliest)
                shift_end = min(shift_end, depart + span)
            self.vehicle[v] = (
                layout.start_of_vehicle.get(v, t),
                t,
                depart,
                shift_end - window[2],
                max(0, team.max_doses - (resume.doses_used if resume else 0)),
                modes.index(team.travel_mode),
                leave_row[v],
                *window,
                shift_end,
                n if team.max_stops is None else team.max_stops,  # max_stops a team-day
                *_balance_columns(p, v),
            )
        first = self.vehicle[0]
        self.depot_travel = self.travel[first[kernel.V_MAT], first[kernel.V_BEGIN]].copy()
        self._near: dict[int, np.ndarray] = {}

    def nearest(self, k: int) -> np.ndarray:
        """Row x: stop node x's ``k`` nearest stop nodes by the first vehicle's travel mode,
        -1 after them (and in the other rows); computed once per ``k``."""
        if k not in self._near:
            self._near[k] = _nearest(
                self.travel[self.vehicle[0, kernel.V_MAT]], self.served, k, len(self.node)
            )
        return self._near[k]

    def to_routes(self, stop_routes: Sequence[Sequence[int]]) -> list[VehicleRoute]:
        """The non-empty routes, as nodes."""
        node = self.p.layout.node_of_stop
        out = []
        for v, route in enumerate(stop_routes):
            nodes = [node[s] for s in route]
            if nodes:
                out.append(VehicleRoute(v, nodes, self.load(nodes)))
        return out

    def to_stop_routes(self, routes: list[VehicleRoute]) -> list[list[int]]:
        """Stop indices per vehicle of the model (empty for the vehicles not in ``routes``)."""
        stop = self.p.layout.stop_of_node
        out: list[list[int]] = [[] for _ in self.p.vehicles]
        for r in routes:
            out[r.vehicle] = [stop[x] for x in r.nodes]
        return out

    def load(self, nodes: Sequence[int]) -> int:
        """Doses the stops at ``nodes`` need: the route's load against its dose capacity."""
        return int(self.node[list(nodes), kernel.N_DOSES].sum())


def _balance_columns(p: RoutingProblem, v: int) -> tuple[int, int, int]:
    """(V_BAL_COEF, V_BAL_BOUND, V_BAL_UNIT) of vehicle ``v``: the model's balance cost."""
    if p.balance is None:
        return 0, 0, 0
    return p.balance.coefs[v], p.balance.bounds[v], p.balance.unit


def _leave_costs(p: RoutingProblem, params: SolverParams) -> tuple[np.ndarray, list[int]]:
    """The model's cost on the arc leaving each node beyond travel (a later day's delay cost,
    a moved stop's cost, routing.leave_cost_rows): (distinct rows, row of each vehicle)."""
    index: dict[int, int] = {}
    rows: list[np.ndarray] = []
    out: list[int] = []
    for row in leave_cost_rows(p, params):
        if id(row) not in index:
            index[id(row)] = len(rows)
            rows.append(row)
        out.append(index[id(row)])
    return np.array(rows, np.int64), out


def _nearest(seconds: np.ndarray, nodes: np.ndarray, k: int, n: int) -> np.ndarray:
    out = np.full((n, max(1, min(k, len(nodes) - 1))), -1, np.int64)
    if len(nodes) < 2:
        return out
    d = seconds[np.ix_(nodes, nodes)]
    order = np.argsort(d, axis=1, kind="stable")[:, : out.shape[1] + 1]
    for x, row in zip(nodes.tolist(), order, strict=True):
        # a stop at the same spot as another may sort after it: drop the node itself by name
        near = [y for y in nodes[row].tolist() if y != x][: out.shape[1]]
        out[x, : len(near)] = near
    return out
