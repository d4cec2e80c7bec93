"""The compiled inner loop of ruin and recreate (ruin_recreate.py): one SISR step after another.

Why compiled: SISR's published runs make millions of steps (ruin about ten stops, put each
back where it costs least, accept or not); Python makes a few thousand a second. Numba
compiles these functions to machine code once (cached on disk beside the module, or in the
user's cache when that is read-only); the arithmetic is the routing model's, on the same
integer matrices, so a route accepted here is one the routing model accepts.

The functions take two bundles of arrays (sisr_arrays.py): ``Model``, the routing model's
numbers, and ``Routes``, the search's routes and counters. Everything compiled, and every
constant it reads, stays in this one file: Numba's disk cache is invalidated only by changes to
the file a function is defined in, so a helper or a constant elsewhere would leave a stale
kernel behind.
"""

from __future__ import annotations

import numpy as np
from numba import njit, types

from planner.solver.sisr_arrays import Model, Routes

# vehicle columns (Model.vehicle)
V_BEGIN, V_END, V_DEPART, V_LAST, V_CAP, V_MAT, V_LEAVE_ROW = 0, 1, 2, 3, 4, 5, 6
V_BREAK_EARLIEST, V_BREAK_LATEST, V_BREAK_S, V_SHIFT_END, V_MAX_STOPS = 7, 8, 9, 10, 11
# the workload balance cost (balance.BalanceTerms): coef x max(0, load - bound)^2, the load in
# whole V_BAL_UNIT seconds per leg, or stops when the unit is 0; no cost when the coef is 0
V_BAL_COEF, V_BAL_BOUND, V_BAL_UNIT = 12, 13, 14
VEHICLE_COLUMNS = 15
# node columns (Model.node)
N_SERVICE, N_LO, N_HI, N_DOSES = 0, 1, 2, 3
# search parameters (Model.parameters, float64)
P_MEAN_REMOVED, P_MAX_STRING, P_SPLIT_RATE, P_SPLIT_DEPTH, P_BLINK_RATE, P_ABSENT = range(6)
PARAMETERS = 6
# counters (Routes.totals): current total cost (absent stops' cost included), best total cost
# (everyone served), step counter, accepted steps, stops absent from the current routes
S_CURRENT, S_BEST, S_STEP, S_ACCEPTED, S_ABSENT = range(5)
TOTALS = 5

INF = 1 << 62


def _named(cls: type, **fields: types.Type) -> types.NamedTuple:
    """Numba's type of ``cls``, its fields named here in their order: a class changed in
    sisr_arrays.py without this file fails here, instead of loading kernels cached for the
    old order."""
    assert tuple(fields) == cls._fields, cls  # type: ignore[attr-defined]
    return types.NamedTuple(tuple(fields.values()), cls)


# Explicit signatures: each function is compiled (or loaded from the disk cache) when this
# module is imported, not on its first call inside a search's time budget. Arrays are
# C-contiguous int64 unless said.
_I, _F, _B = types.int64, types.float64, types.boolean
_V, _M, _C = types.int64[::1], types.int64[:, ::1], types.int64[:, :, ::1]
_BM = types.boolean[:, ::1]
MODEL = _named(
    Model,
    served=_V,
    nearest=_M,
    depot_travel=_V,
    travel=_C,
    node=_M,
    vehicle=_M,
    leave_cost=_M,
    allowed=_BM,
    parameters=types.float64[::1],
)
ROUTES = _named(
    Routes,
    vehicle_of=_V,
    nodes=_C,
    length=_M,
    earliest=_C,
    latest=_C,
    on_time=_BM,
    load=_M,
    cost=_M,
    route_of=_V,
    stamp=_V,
    changed=_V,
    removed=_V,
    absent=_M,
    totals=_V,
    best_nodes=_M,
    best_length=_V,
)


@njit(types.void(_I), cache=True)
def seed(value: int) -> None:
    """Seed the compiled code's own random generator (separate from NumPy's)."""
    np.random.seed(value)


@njit(cache=True, inline="always")
def _balance_cost(nodes, node, vehicle, d, v, s, r, n):
    """The route's balance cost: coef x (load - bound)^2 above the bound (balance.py)."""
    unit = vehicle[v, V_BAL_UNIT]
    load = n
    if unit > 0:
        load = 0
        prev = vehicle[v, V_BEGIN]
        for i in range(n + 1):
            x = vehicle[v, V_END] if i == n else nodes[s, r, i]
            load += (d[prev, x] + node[prev, N_SERVICE] + unit - 1) // unit
            prev = x
    over = load - vehicle[v, V_BAL_BOUND]
    return vehicle[v, V_BAL_COEF] * over * over if over > 0 else 0


@njit(types.void(ROUTES, MODEL, _I, _I), cache=True, inline="always")
def refresh(routes, model, s, r):
    """Recompute the earliest and latest starts, ``on_time`` (without the break) and ``cost``
    of route ``r`` in copy ``s``."""
    # arrays are taken out of the bundles once, before the loops (in a loop, each access
    # would count a reference)
    nodes, earliest, latest = routes.nodes, routes.earliest, routes.latest
    node, vehicle = model.node, model.vehicle
    v = routes.vehicle_of[r]
    d = model.travel[vehicle[v, V_MAT]]
    leave = model.leave_cost[vehicle[v, V_LEAVE_ROW]]
    n = routes.length[s, r]
    t = vehicle[v, V_DEPART]
    prev = vehicle[v, V_BEGIN]
    c = 0
    good = True
    for i in range(n):
        x = nodes[s, r, i]
        t += node[prev, N_SERVICE] + d[prev, x]
        c += d[prev, x] + leave[x]
        if t < node[x, N_LO]:
            t = node[x, N_LO]
        if t > node[x, N_HI]:
            good = False
        earliest[s, r, i] = t
        prev = x
    end = vehicle[v, V_END]
    c += d[prev, end] if n > 0 else 0
    if vehicle[v, V_BAL_COEF] > 0 and n > 0:
        c += _balance_cost(nodes, node, vehicle, d, v, s, r, n)
    bound = vehicle[v, V_LAST] - node[prev, N_SERVICE] - d[prev, end]
    if n > 0 and t > bound:
        good = False
    for i in range(n - 1, -1, -1):
        x = nodes[s, r, i]
        if node[x, N_HI] < bound:
            bound = node[x, N_HI]
        latest[s, r, i] = bound
        if i > 0:
            y = nodes[s, r, i - 1]
            bound -= node[y, N_SERVICE] + d[y, x]
    routes.on_time[s, r] = good
    routes.cost[s, r] = c


@njit(_B(ROUTES, MODEL, _I, _I), cache=True)
def break_fits(routes, model, s, r):
    """Whether route ``r`` of copy ``s`` is on time with its lunch break in some leg
    (breaks.fits_break)."""
    nodes, node, vehicle = routes.nodes, model.node, model.vehicle
    v = routes.vehicle_of[r]
    n = routes.length[s, r]
    if vehicle[v, V_BREAK_S] == 0 or n == 0:
        return True
    d = model.travel[vehicle[v, V_MAT]]
    for gap in range(n + 1):
        departure = vehicle[v, V_DEPART]
        prev = vehicle[v, V_BEGIN]
        good = True
        for k in range(n + 1):
            x = vehicle[v, V_END] if k == n else nodes[s, r, k]
            arrival = departure + d[prev, x]
            if k == gap:
                if departure > vehicle[v, V_BREAK_LATEST]:
                    good = False
                    break
                arrival += vehicle[v, V_BREAK_S]
                floor = vehicle[v, V_BREAK_EARLIEST] + vehicle[v, V_BREAK_S]
                if arrival < floor:
                    arrival = floor
            if k == n:
                good = arrival <= vehicle[v, V_SHIFT_END]
                break
            begin = arrival if arrival > node[x, N_LO] else node[x, N_LO]
            if begin > node[x, N_HI]:
                good = False
                break
            departure = begin + node[x, N_SERVICE]
            prev = x
        if good:
            return True
    return False


@njit(_I(ROUTES, _I, _I, _I), cache=True, inline="always")
def _take(routes, r, step, nc):
    """Copy route ``r`` into the candidate (once per step); returns the changed count."""
    if routes.stamp[r] == step:
        return nc
    routes.stamp[r] = step
    nodes, length, load = routes.nodes, routes.length, routes.load
    n = length[0, r]
    for i in range(n):
        nodes[1, r, i] = nodes[0, r, i]
    length[1, r] = n
    load[1, r] = load[0, r]
    routes.changed[nc] = r
    return nc + 1


@njit(_I(ROUTES, MODEL, _I, _I, _I, _I), cache=True, inline="always")
def _remove_string(routes, model, r, at, size, nr):
    """Take a string (or a split string) of ``size`` stops around position ``at`` out of
    candidate route ``r``; returns the removed count."""
    nodes, load, removed = routes.nodes, routes.load, routes.removed
    node, parameters = model.node, model.parameters
    n = routes.length[1, r]
    kept = 0
    if size < n and np.random.random() < parameters[P_SPLIT_RATE]:
        kept = 1
        while size + kept < n and np.random.random() > parameters[P_SPLIT_DEPTH]:
            kept += 1
    span = size + kept
    lo = at - span + 1
    if lo < 0:
        lo = 0
    hi = at if at < n - span else n - span
    first = np.random.randint(lo, hi + 1)
    skip_from = first + np.random.randint(0, size + 1) if kept else -1
    w = 0
    for i in range(n):
        x = nodes[1, r, i]
        inside = first <= i < first + span
        if inside and not (skip_from <= i < skip_from + kept):
            removed[nr] = x
            nr += 1
            load[1, r] -= node[x, N_DOSES]
        else:
            nodes[1, r, w] = x
            w += 1
    routes.length[1, r] = w
    return nr


@njit(types.void(ROUTES, MODEL, _I), cache=True)
def _order(routes, model, nr):
    """SISR's insertion orders of the ``nr`` removed stops, weighted 4:4:2:1: random, most
    doses, farthest from the depot, nearest to it."""
    node, depot_travel = model.node, model.depot_travel
    pick = np.random.random() * 11
    part = routes.removed[:nr]
    if pick < 4:
        np.random.shuffle(part)
        return
    keys = np.empty(nr, dtype=np.int64)
    for i in range(nr):
        x = part[i]
        if pick < 8:
            keys[i] = -node[x, N_DOSES]
        elif pick < 10:
            keys[i] = -depot_travel[x]
        else:
            keys[i] = depot_travel[x]
    order = np.argsort(keys, kind="mergesort")
    copy = part.copy()
    for i in range(nr):
        part[i] = copy[order[i]]


@njit(types.UniTuple(_I, 3)(ROUTES, MODEL, _I, _I, _F), cache=True, inline="always")
def _best_place(routes, model, x, step, blink):
    """(cost, route, position) of the cheapest place for ``x`` over every route's current
    copy for this step, skipping each improving place with chance ``blink``; route -1 when it
    fits nowhere."""
    vehicle_of, nodes, length, stamp = (
        routes.vehicle_of,
        routes.nodes,
        routes.length,
        routes.stamp,
    )
    earliest, latest, on_time, load = (routes.earliest, routes.latest, routes.on_time, routes.load)
    node, vehicle, travel, leave_cost, allowed = (
        model.node,
        model.vehicle,
        model.travel,
        model.leave_cost,
        model.allowed,
    )
    best, bi, bk = INF, -1, -1
    lo_x, hi_x, svc_x = node[x, N_LO], node[x, N_HI], node[x, N_SERVICE]
    for r in range(vehicle_of.shape[0]):
        v = vehicle_of[r]
        s = 1 if stamp[r] == step else 0
        if (
            not allowed[x, v]
            or not on_time[s, r]
            or load[s, r] + node[x, N_DOSES] > vehicle[v, V_CAP]
            or length[s, r] >= vehicle[v, V_MAX_STOPS]
        ):
            continue
        d = travel[vehicle[v, V_MAT]]
        e = leave_cost[vehicle[v, V_LEAVE_ROW], x]
        bound = best - e
        n = length[s, r]
        a = vehicle[v, V_BEGIN]
        leave = vehicle[v, V_DEPART]
        for k in range(n + 1):
            if k == n:
                b, lo_b, late_b = vehicle[v, V_END], 0, vehicle[v, V_LAST]
            else:
                b = nodes[s, r, k]
                lo_b, late_b = node[b, N_LO], latest[s, r, k]
            c = d[a, x] + d[x, b] - d[a, b]
            if c < bound:
                at = leave + d[a, x]
                if at < lo_x:
                    at = lo_x
                # no early exit when ``at`` is too late: without the triangle inequality (road
                # times) a later position can reach ``x`` sooner
                if at <= hi_x:
                    then = at + svc_x + d[x, b]
                    if (then if then > lo_b else lo_b) <= late_b and not (
                        blink > 0 and np.random.random() < blink
                    ):
                        best, bi, bk, bound = c + e, r, k, c
            if k < n:
                leave = earliest[s, r, k] + node[b, N_SERVICE]
                a = b
    return best, bi, bk


@njit(types.void(ROUTES, MODEL, _I, _I, _I), cache=True, inline="always")
def _insert(routes, model, r, k, x):
    """Put ``x`` at position ``k`` of candidate route ``r``."""
    nodes, length = routes.nodes, routes.length
    n = length[1, r]
    for i in range(n, k, -1):
        nodes[1, r, i] = nodes[1, r, i - 1]
    nodes[1, r, k] = x
    length[1, r] = n + 1
    routes.load[1, r] += model.node[x, N_DOSES]


@njit(types.UniTuple(_I, 2)(ROUTES, MODEL, _I), cache=True)
def _ruin(routes, model, step):
    """Take strings (or split strings) out of a few routes near a random stop, into their
    candidate copies. Returns (routes changed, stops removed)."""
    nodes, length, route_of, stamp = routes.nodes, routes.length, routes.route_of, routes.stamp
    served, near, parameters = model.served, model.nearest, model.parameters
    total, used = 0, 0
    for r in range(length.shape[1]):
        if length[0, r] > 0:
            total += length[0, r]
            used += 1
    nc, nr = 0, 0
    if used == 0:
        return nc, nr
    longest = min(parameters[P_MAX_STRING], total / used)
    strings = int(np.random.uniform(1.0, 4.0 * parameters[P_MEAN_REMOVED] / (1.0 + longest)))
    seed_node = served[np.random.randint(0, served.shape[0])]
    for j in range(-1, near.shape[1]):
        if nc >= strings:
            break
        x = seed_node if j < 0 else near[seed_node, j]
        if x < 0:
            break
        r = route_of[x]
        if r < 0 or stamp[r] == step:
            continue
        nc = _take(routes, r, step, nc)
        n = length[1, r]
        at = 0
        while nodes[1, r, at] != x:
            at += 1
        size = int(np.random.uniform(1.0, min(float(n), longest) + 1.0))
        if size > n:
            size = n
        nr = _remove_string(routes, model, r, at, size, nr)
        refresh(routes, model, 1, r)
    return nc, nr


@njit(types.UniTuple(_I, 2)(ROUTES, MODEL, _B), cache=True)
def ruin_and_recreate(routes, model, keep_absent):
    """Ruin strings near a random stop and put them back, with the stops absent from the
    current routes, into the candidate copies (1) of the routes changed (``changed[:nc]``).
    Stops that fit nowhere go to ``absent[1]`` when ``keep_absent``, else the step fails.
    Returns (routes changed, stops absent from the candidate); (-1, 0) when it failed."""
    totals, removed, absent = routes.totals, routes.removed, routes.absent
    totals[S_STEP] += 1
    step = totals[S_STEP]
    nc, nr = _ruin(routes, model, step)
    # recreate: each stop where it adds least, those absent before too
    away = totals[S_ABSENT]
    for i in range(away):
        removed[nr + i] = absent[0, i]
    nr += away
    _order(routes, model, nr)
    blink = model.parameters[P_BLINK_RATE]
    out = 0
    for i in range(nr):
        x = removed[i]
        _, r, k = _best_place(routes, model, x, step, blink)
        if r < 0:
            if not keep_absent:
                return -1, 0
            absent[1, out] = x
            out += 1
            continue
        nc = _take(routes, r, step, nc)
        _insert(routes, model, r, k, x)
        refresh(routes, model, 1, r)
    return nc, out


@njit(_B(ROUTES, MODEL, _I), cache=True)
def feasible(routes, model, nc):
    """Every changed candidate route on time and, with a lunch break, admitting it."""
    changed, on_time = routes.changed, routes.on_time
    for j in range(nc):
        r = changed[j]
        if not on_time[1, r] or not break_fits(routes, model, 1, r):
            return False
    return True


@njit(types.void(ROUTES, _I, _I, _I), cache=True)
def commit(routes, nc, out, new):
    """The candidate becomes the current routes: its ``nc`` changed routes and ``out`` absent
    stops, at total cost ``new``."""
    nodes, length, earliest, latest = (routes.nodes, routes.length, routes.earliest, routes.latest)
    load, cost, on_time, route_of = routes.load, routes.cost, routes.on_time, routes.route_of
    changed, absent, totals = routes.changed, routes.absent, routes.totals
    for j in range(nc):
        r = changed[j]
        n = length[1, r]
        for i in range(n):
            x = nodes[1, r, i]
            nodes[0, r, i] = x
            earliest[0, r, i] = earliest[1, r, i]
            latest[0, r, i] = latest[1, r, i]
            route_of[x] = r
        length[0, r] = n
        load[0, r] = load[1, r]
        cost[0, r] = cost[1, r]
        on_time[0, r] = on_time[1, r]
    for i in range(out):
        absent[0, i] = absent[1, i]
        route_of[absent[1, i]] = -1
    totals[S_ABSENT] = out
    totals[S_CURRENT] = new
    totals[S_ACCEPTED] += 1


@njit(_B(ROUTES, MODEL, _F), cache=True)
def step_once(routes, model, temperature):
    """One ruin and recreate with simulated annealing on the arc cost; True when it became
    the current routes. With ``parameters[P_ABSENT]`` > 0, a stop that fits nowhere stays out
    at that cost (``absent[0]`` holds the current routes' absent stops, tried again at every
    step), and only routes serving everyone become the best; with 0, such a step is dropped."""
    totals, cost, changed = routes.totals, routes.cost, routes.changed
    penalty = int(model.parameters[P_ABSENT])
    nc, out = ruin_and_recreate(routes, model, penalty > 0)
    if nc < 0:
        return False
    new = totals[S_CURRENT] + penalty * (out - totals[S_ABSENT])
    for j in range(nc):
        r = changed[j]
        new += cost[1, r] - cost[0, r]
    u = np.random.random()
    if u <= 0.0:
        u = 1e-12
    if new >= totals[S_CURRENT] - temperature * np.log(u):
        return False
    if not feasible(routes, model, nc):
        return False
    commit(routes, nc, out, new)
    if out == 0 and new < totals[S_BEST]:
        totals[S_BEST] = new
        nodes, length = routes.nodes, routes.length
        best_nodes, best_length = routes.best_nodes, routes.best_length
        for r in range(length.shape[1]):
            for i in range(length[0, r]):
                best_nodes[r, i] = nodes[0, r, i]
            best_length[r] = length[0, r]
    return True


@njit(types.void(ROUTES, MODEL, _I, _F, _F), cache=True)
def run_steps(routes, model, count, t_from, t_to):
    """``count`` steps, the temperature falling geometrically from ``t_from`` to ``t_to``."""
    ratio = t_to / t_from
    for j in range(count):
        step_once(routes, model, t_from * ratio ** (j / count))


@njit(_I(ROUTES, MODEL, _I, _V), cache=True)
def fleet_steps(routes, model, count, misses):
    """Route elimination, SISR's way: up to ``count`` steps on routes with some stops absent
    (a route just emptied; a closed route is empty with ``on_time[0, r]`` False, so nothing
    goes in). A step is kept when it leaves fewer stops absent, or as many whose ``misses``
    (how often each was absent after a step) add up to less; every absent stop's count then
    grows. Returns how many steps ran: it stops as soon as nobody is absent."""
    totals, absent, cost, changed = routes.totals, routes.absent, routes.cost, routes.changed
    for j in range(count):
        if totals[S_ABSENT] == 0:
            return j
        nc, out = ruin_and_recreate(routes, model, True)
        before, after = 0, 0
        for i in range(totals[S_ABSENT]):
            before += misses[absent[0, i]]
        for i in range(out):
            after += misses[absent[1, i]]
        if (out < totals[S_ABSENT] or after < before) and feasible(routes, model, nc):
            new = totals[S_CURRENT]
            for i in range(nc):
                new += cost[1, changed[i]] - cost[0, changed[i]]
            commit(routes, nc, out, new)
        for i in range(totals[S_ABSENT]):
            misses[absent[0, i]] += 1
    return count
