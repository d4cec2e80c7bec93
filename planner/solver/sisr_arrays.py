"""The compiled kernel's arrays (sisr_kernel.py), in two bundles it takes by name.

Every array is int64 unless said. A route's arrays have two copies: 0 the current routes, 1 the
candidate of this step (a route is copied from 0 to 1 the first time a step changes it;
``stamp[r] == step`` says it was). The column constants (``V_*``, ``N_*``, ``P_*``, ``S_*``) are
the kernel's. Changing a field here means naming it in sisr_kernel's signatures too (checked
at import).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np


class Model(NamedTuple):
    """The routing model's numbers (view.ModelView) and the search's parameters."""

    served: np.ndarray  # the model's stop nodes
    nearest: np.ndarray  # [node, k]: its nearest stop nodes, -1 after them
    depot_travel: np.ndarray  # [node]: travel from the first station
    travel: np.ndarray  # [mode, from node, to node]: seconds
    node: np.ndarray  # [node, N_*]: service, window start, window end, doses
    vehicle: np.ndarray  # [vehicle, V_*]
    leave_cost: np.ndarray  # [row, node]: cost beyond travel on the arc leaving the node
    allowed: np.ndarray  # [node, vehicle], bool
    parameters: np.ndarray  # [P_*], float64


class Routes(NamedTuple):
    """The search's routes: current and candidate copies, the step's scratch, the best."""

    vehicle_of: np.ndarray  # [route]: its vehicle
    nodes: np.ndarray  # [copy, route, position]
    length: np.ndarray  # [copy, route]: stops on the route
    earliest: np.ndarray  # [copy, route, position]: earliest service start
    latest: np.ndarray  # [copy, route, position]: latest start keeping the rest on time
    #: [copy, route], bool: on time in the shift less its break (the current copy's routes
    #: admit the break too); False for a closed route, which nothing may enter
    on_time: np.ndarray
    load: np.ndarray  # [copy, route]: doses
    cost: np.ndarray  # [copy, route]: arc cost, travel plus leave costs
    route_of: np.ndarray  # [node]: its route in the current copy, -1 when absent
    stamp: np.ndarray  # [route]: the step that copied it to the candidate
    changed: np.ndarray  # routes this step changed
    removed: np.ndarray  # stops this step took out
    absent: np.ndarray  # [copy, k]: stops in no route
    totals: np.ndarray  # [S_*]
    best_nodes: np.ndarray  # [route, position]
    best_length: np.ndarray  # [route]
