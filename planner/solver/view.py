"""The routing model's numbers as plain lists, for the searches we run beside OR-Tools.

Ruin and recreate (ruin_recreate.py and its compiled kernel) works on the routing model's own
numbers: its integer travel matrices, service times, windows, shifts, dose capacities and
allowed vehicles (doctor, vaccine, earliest day), a resumed day starting from the team's
current stop, and each lunch break as breaks.py defines it. Routes it hands back are therefore
exactly what OR-Tools then accepts as a warm start.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from planner.settings import SolverParams
from planner.solver.routing import (
    RoutingProblem,
    allowed_vehicles,
    break_window,
    earliest_departure,
    horizon_of,
)

#: above this many nodes route elimination and travel stay with OR-Tools (phases.py): the
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
    """Per node and per vehicle, what the routing model says, as plain lists."""

    def __init__(self, p: RoutingProblem, params: SolverParams, rng: random.Random) -> None:
        data, layout, n = p.data, p.layout, p.layout.n_nodes
        self.p, self.params, self.rng = p, params, rng
        self.service = [int(x) for x in p.service]
        self.lo, self.hi, self.doses = [0] * n, [horizon_of(data)] * n, [0] * n
        self.allowed: list[frozenset[int]] = [frozenset()] * n
        for node, s in layout.stop_of_node.items():
            stop = data.stops[s]
            self.lo[node] = stop.window_start_s or 0
            if stop.window_end_s is not None:
                self.hi[node] = stop.window_end_s
            self.doses[node] = stop.doses
            self.allowed[node] = frozenset(allowed_vehicles(data, s))
        #: each vehicle's lunch break (earliest start, latest start, seconds), None without
        self.windows = [break_window(data, params, vehicle) for vehicle in p.vehicles]
        self.begin, self.end, self.depart, self.last, self.cap = [], [], [], [], []
        for v, (t, day) in enumerate(p.vehicles):
            team, window = data.teams[t], self.windows[v]
            resume = data.starts.get((t, day))
            self.begin.append(layout.start_of_vehicle.get(v, t))
            self.end.append(t)
            self.depart.append(earliest_departure(data, (t, day)))
            # insertions see the shift shortened by the break; the break itself is checked
            # exactly on each route a step changes
            self.last.append(team.shift_end_s - (window[2] if window else 0))
            self.cap.append(max(0, team.max_doses - (resume.doses_used if resume else 0)))

    def to_routes(self, stop_routes: Sequence[Sequence[int]]) -> list[VehicleRoute]:
        """The non-empty routes, as nodes."""
        node = self.p.layout.node_of_stop
        out = []
        for v, route in enumerate(stop_routes):
            nodes = [node[s] for s in route]
            if nodes:
                out.append(VehicleRoute(v, nodes, sum(self.doses[x] for x in nodes)))
        return out

    def to_stop_routes(self, routes: list[VehicleRoute]) -> list[list[int]]:
        """Stop indices per vehicle of the model (empty for the vehicles not in ``routes``)."""
        stop = self.p.layout.stop_of_node
        out: list[list[int]] = [[] for _ in self.p.vehicles]
        for r in routes:
            out[r.vehicle] = [stop[x] for x in r.nodes]
        return out
