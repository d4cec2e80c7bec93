"""The compiled inner loop of ruin and recreate (ruin_recreate.py): one SISR step after another.

Why compiled: in Python one step (ruin about ten stops, put each back where it costs least,
accept or not) took about 0.5 ms on 100 stops, 2,000 steps a second; SISR's published runs
make millions. Numba compiles these functions to machine code once (cached on disk beside the
module, or in the user's cache when that is read-only); the arithmetic is the Python pool's,
on the same integer matrices, so a route accepted here is one the routing model accepts.

Layout. Every array is int64 unless said. ``s`` selects a routes copy: 0 the current routes,
1 the candidate of this step (a route is copied from 0 to 1 the first time a step changes it;
``stamp[r] == step`` says it was). Per node ``node``: service, window start, window end,
doses. Per vehicle ``veh``: the columns named ``V_*`` below. Per route copy: ``nodes[s, r, :ln]``,
``est`` (earliest service start of each stop), ``lst`` (latest start that keeps the rest of the
route on time), ``load``, ``cost`` (arc cost: travel plus leave costs) and ``ok`` (on time, and
with a lunch break, the break fits).
"""

from __future__ import annotations

import numpy as np
from numba import njit, types

# Explicit signatures: each function is compiled (or loaded from the disk cache) when this
# module is imported, not on its first call inside a search's time budget. Arrays are
# C-contiguous int64 unless said.
_I, _F, _B = types.int64, types.float64, types.boolean
_V, _M, _C = types.int64[::1], types.int64[:, ::1], types.int64[:, :, ::1]
_BM, _FV = types.boolean[:, ::1], types.float64[::1]
#: the routes' arrays: rv, nodes, ln, est, lst, ok, load, cost, where, stamp, changed, removed,
#: absent
_ROUTES = (_V, _C, _M, _C, _C, _BM, _M, _M, _V, _V, _V, _V, _M)
#: the model's arrays: served, near, depot_d, mats, node, veh, extra, allowed, prm
_MODEL = (_V, _M, _V, _C, _M, _M, _M, _BM, _FV)
#: the totals and the best routes: scal, best_nodes, best_ln
_BEST = (_V, _M, _V)

# vehicle columns
V_BEGIN, V_END, V_DEPART, V_LAST, V_CAP, V_MAT, V_EXTRA = 0, 1, 2, 3, 4, 5, 6
V_BREAK_EARLIEST, V_BREAK_LATEST, V_BREAK_S, V_SHIFT_END = 7, 8, 9, 10
VEHICLE_COLUMNS = 11
# node columns
N_SERVICE, N_LO, N_HI, N_DOSES = 0, 1, 2, 3
# parameters (float64)
P_MEAN_REMOVED, P_MAX_STRING, P_SPLIT_RATE, P_SPLIT_DEPTH, P_BLINK_RATE, P_ABSENT = range(6)
# scalars (int64): current total cost (absent stops' cost included), best total cost (everyone
# served), step counter, accepted steps, stops absent from the current routes
S_CURRENT, S_BEST, S_STEP, S_ACCEPTED, S_ABSENT = range(5)

INF = 1 << 62


@njit(types.void(_I), cache=True)
def seed(value: int) -> None:
    """Seed the compiled code's own random generator (separate from NumPy's)."""
    np.random.seed(value)


@njit(types.void(_I, _I, _V, _C, _M, _C, _C, _BM, _M, _C, _M, _M, _M), cache=True)
def refresh(s, r, rv, nodes, ln, est, lst, ok, cost, mats, node, veh, extra):
    """Recompute ``est``, ``lst``, ``ok`` (without the break) and ``cost`` of one route copy."""
    v = rv[r]
    d = mats[veh[v, V_MAT]]
    xr = veh[v, V_EXTRA]
    n = ln[s, r]
    t = veh[v, V_DEPART]
    prev = veh[v, V_BEGIN]
    c = 0
    good = True
    for i in range(n):
        x = nodes[s, r, i]
        t += node[prev, N_SERVICE] + d[prev, x]
        c += d[prev, x] + extra[xr, x]
        if t < node[x, N_LO]:
            t = node[x, N_LO]
        if t > node[x, N_HI]:
            good = False
        est[s, r, i] = t
        prev = x
    end = veh[v, V_END]
    c += d[prev, end] if n > 0 else 0
    bound = veh[v, V_LAST] - node[prev, N_SERVICE] - d[prev, end]
    if n > 0 and t > bound:
        good = False
    for i in range(n - 1, -1, -1):
        x = nodes[s, r, i]
        if node[x, N_HI] < bound:
            bound = node[x, N_HI]
        lst[s, r, i] = bound
        if i > 0:
            y = nodes[s, r, i - 1]
            bound -= node[y, N_SERVICE] + d[y, x]
    ok[s, r] = good
    cost[s, r] = c


@njit(_B(_I, _I, _V, _C, _M, _C, _M, _M), cache=True)
def break_fits(s, r, rv, nodes, ln, mats, node, veh):
    """Whether the route is on time with its lunch break in some leg (breaks.fits_break)."""
    v = rv[r]
    if veh[v, V_BREAK_S] == 0 or ln[s, r] == 0:
        return True
    d = mats[veh[v, V_MAT]]
    n = ln[s, r]
    for gap in range(n + 1):
        departure = veh[v, V_DEPART]
        prev = veh[v, V_BEGIN]
        good = True
        for k in range(n + 1):
            x = veh[v, V_END] if k == n else nodes[s, r, k]
            arrival = departure + d[prev, x]
            if k == gap:
                if departure > veh[v, V_BREAK_LATEST]:
                    good = False
                    break
                arrival += veh[v, V_BREAK_S]
                floor = veh[v, V_BREAK_EARLIEST] + veh[v, V_BREAK_S]
                if arrival < floor:
                    arrival = floor
            if k == n:
                good = arrival <= veh[v, V_SHIFT_END]
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


@njit(_I(_I, _C, _M, _M, _I, _V, _V, _I), cache=True)
def _take(r, nodes, ln, load, step, stamp, changed, nc):
    """Copy route ``r`` into the candidate (once per step); returns the changed count."""
    if stamp[r] == step:
        return nc
    stamp[r] = step
    n = ln[0, r]
    for i in range(n):
        nodes[1, r, i] = nodes[0, r, i]
    ln[1, r] = n
    load[1, r] = load[0, r]
    changed[nc] = r
    return nc + 1


@njit(_I(_I, _I, _I, _C, _M, _M, _M, _FV, _V, _I), cache=True)
def _remove_string(r, at, length, nodes, ln, load, node, prm, removed, nr):
    """Take a string (or a split string) of ``length`` stops around position ``at`` out of
    candidate route ``r``; returns the removed count."""
    n = ln[1, r]
    kept = 0
    if length < n and np.random.random() < prm[P_SPLIT_RATE]:
        kept = 1
        while length + kept < n and np.random.random() > prm[P_SPLIT_DEPTH]:
            kept += 1
    span = length + kept
    lo = at - span + 1
    if lo < 0:
        lo = 0
    hi = at if at < n - span else n - span
    first = np.random.randint(lo, hi + 1)
    skip_from = first + np.random.randint(0, length + 1) if kept else -1
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
    ln[1, r] = w
    return nr


@njit(types.void(_V, _I, _M, _V), cache=True)
def _order(removed, nr, node, depot_d):
    """SISR's insertion orders, weighted 4:4:2:1: random, most doses, farthest from the
    depot, nearest to it."""
    pick = np.random.random() * 11
    part = removed[:nr]
    if pick < 4:
        np.random.shuffle(part)
        return
    keys = np.empty(nr, dtype=np.int64)
    for i in range(nr):
        x = part[i]
        if pick < 8:
            keys[i] = -node[x, N_DOSES]
        elif pick < 10:
            keys[i] = -depot_d[x]
        else:
            keys[i] = depot_d[x]
    order = np.argsort(keys, kind="mergesort")
    copy = part.copy()
    for i in range(nr):
        part[i] = copy[order[i]]


@njit(types.UniTuple(_I, 3)(_I, _I, _V, _C, _M, _C, _C, _BM, _M, _V, _I, _C, _M, _M, _M, _BM,
                            _F), cache=True)
def _best_place(x, R, rv, nodes, ln, est, lst, ok, load, stamp, step, mats, node, veh,
                extra, allowed, blink):
    """(cost, route, position) of the cheapest place for ``x`` over every route's current
    copy for this step, skipping each improving place with chance ``blink``; route -1 when it
    fits nowhere."""
    best, bi, bk = INF, -1, -1
    lo_x, hi_x, svc_x = node[x, N_LO], node[x, N_HI], node[x, N_SERVICE]
    for r in range(R):
        v = rv[r]
        s = 1 if stamp[r] == step else 0
        if not allowed[x, v] or not ok[s, r] or load[s, r] + node[x, N_DOSES] > veh[v, V_CAP]:
            continue
        d = mats[veh[v, V_MAT]]
        e = extra[veh[v, V_EXTRA], x]
        bound = best - e
        n = ln[s, r]
        a = veh[v, V_BEGIN]
        leave = veh[v, V_DEPART]
        for k in range(n + 1):
            if k == n:
                b, lo_b, late_b = veh[v, V_END], 0, veh[v, V_LAST]
            else:
                b = nodes[s, r, k]
                lo_b, late_b = node[b, N_LO], lst[s, r, k]
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
                            blink > 0 and np.random.random() < blink):
                        best, bi, bk, bound = c + e, r, k, c
            if k < n:
                leave = est[s, r, k] + node[b, N_SERVICE]
                a = b
    return best, bi, bk


@njit(types.void(_I, _I, _I, _C, _M, _M, _M), cache=True)
def _insert(r, k, x, nodes, ln, load, node):
    n = ln[1, r]
    for i in range(n, k, -1):
        nodes[1, r, i] = nodes[1, r, i - 1]
    nodes[1, r, k] = x
    ln[1, r] = n + 1
    load[1, r] += node[x, N_DOSES]


@njit(types.UniTuple(_I, 2)(_B, *_ROUTES, *_MODEL, _V), cache=True)
def _ruin_recreate(keep_absent, rv, nodes, ln, est, lst, ok, load, cost, where, stamp, changed,
                   removed, absent, served, near, depot_d, mats, node, veh, extra, allowed,
                   prm, scal):
    """Ruin strings near a random stop and put them back, with the stops absent from the
    current routes, into the candidate copies (1) of the routes changed (``changed[:nc]``).
    Stops that fit nowhere go to ``absent[1]`` when ``keep_absent``, else the step fails.
    Returns (routes changed, stops absent from the candidate); (-1, 0) when it failed."""
    R = rv.shape[0]
    scal[S_STEP] += 1
    step = scal[S_STEP]
    # -- ruin: strings from routes near a random stop
    total, used = 0, 0
    for r in range(R):
        if ln[0, r] > 0:
            total += ln[0, r]
            used += 1
    nc, nr = 0, 0
    if used > 0:
        longest = min(prm[P_MAX_STRING], total / used)
        strings = int(np.random.uniform(1.0, 4.0 * prm[P_MEAN_REMOVED] / (1.0 + longest)))
        seed_node = served[np.random.randint(0, served.shape[0])]
        for j in range(-1, near.shape[1]):
            if nc >= strings:
                break
            x = seed_node if j < 0 else near[seed_node, j]
            if x < 0:
                break
            r = where[x]
            if r < 0 or stamp[r] == step:
                continue
            nc = _take(r, nodes, ln, load, step, stamp, changed, nc)
            n = ln[1, r]
            at = 0
            while nodes[1, r, at] != x:
                at += 1
            length = int(np.random.uniform(1.0, min(float(n), longest) + 1.0))
            if length > n:
                length = n
            nr = _remove_string(r, at, length, nodes, ln, load, node, prm, removed, nr)
            refresh(1, r, rv, nodes, ln, est, lst, ok, cost, mats, node, veh, extra)
    # -- recreate: each stop where it adds least, those absent before too
    away = scal[S_ABSENT]
    for i in range(away):
        removed[nr + i] = absent[0, i]
    nr += away
    _order(removed, nr, node, depot_d)
    out = 0
    for i in range(nr):
        x = removed[i]
        _, r, k = _best_place(x, R, rv, nodes, ln, est, lst, ok, load, stamp, step, mats,
                              node, veh, extra, allowed, prm[P_BLINK_RATE])
        if r < 0:
            if not keep_absent:
                return -1, 0
            absent[1, out] = x
            out += 1
            continue
        nc = _take(r, nodes, ln, load, step, stamp, changed, nc)
        _insert(r, k, x, nodes, ln, load, node)
        refresh(1, r, rv, nodes, ln, est, lst, ok, cost, mats, node, veh, extra)
    return nc, out


@njit(_B(_I, _V, _C, _M, _BM, _V, _C, _M, _M), cache=True)
def _feasible(nc, rv, nodes, ln, ok, changed, mats, node, veh):
    """Every changed candidate route on time and, with a lunch break, admitting it."""
    for j in range(nc):
        r = changed[j]
        if not ok[1, r] or not break_fits(1, r, rv, nodes, ln, mats, node, veh):
            return False
    return True


@njit(types.void(_I, _I, _I, *_ROUTES, _V), cache=True)
def _commit(nc, out, new, rv, nodes, ln, est, lst, ok, load, cost, where, stamp, changed,
            removed, absent, scal):
    """The candidate becomes the current routes: its changed routes and absent stops."""
    for j in range(nc):
        r = changed[j]
        n = ln[1, r]
        for i in range(n):
            x = nodes[1, r, i]
            nodes[0, r, i] = x
            est[0, r, i] = est[1, r, i]
            lst[0, r, i] = lst[1, r, i]
            where[x] = r
        ln[0, r] = n
        load[0, r] = load[1, r]
        cost[0, r] = cost[1, r]
        ok[0, r] = ok[1, r]
    for i in range(out):
        absent[0, i] = absent[1, i]
        where[absent[1, i]] = -1
    scal[S_ABSENT] = out
    scal[S_CURRENT] = new
    scal[S_ACCEPTED] += 1


@njit(_B(_F, *_ROUTES, *_MODEL, *_BEST), cache=True)
def step_once(temperature, rv, nodes, ln, est, lst, ok, load, cost, where, stamp, changed,
              removed, absent, served, near, depot_d, mats, node, veh, extra, allowed, prm,
              scal, best_nodes, best_ln):
    """One ruin and recreate with simulated annealing on the arc cost; True when it became
    the current routes. With ``prm[P_ABSENT]`` > 0, a stop that fits nowhere stays out at
    that cost (``absent[0]`` holds the current routes' absent stops, tried again at every
    step), and only routes serving everyone become the best; with 0, such a step is dropped."""
    R = rv.shape[0]
    penalty = int(prm[P_ABSENT])
    nc, out = _ruin_recreate(penalty > 0, rv, nodes, ln, est, lst, ok, load, cost, where,
                             stamp, changed, removed, absent, served, near, depot_d, mats,
                             node, veh, extra, allowed, prm, scal)
    if nc < 0:
        return False
    new = scal[S_CURRENT] + penalty * (out - scal[S_ABSENT])
    for j in range(nc):
        r = changed[j]
        new += cost[1, r] - cost[0, r]
    u = np.random.random()
    if u <= 0.0:
        u = 1e-12
    if new >= scal[S_CURRENT] - temperature * np.log(u):
        return False
    if not _feasible(nc, rv, nodes, ln, ok, changed, mats, node, veh):
        return False
    _commit(nc, out, new, rv, nodes, ln, est, lst, ok, load, cost, where, stamp, changed,
            removed, absent, scal)
    if out == 0 and new < scal[S_BEST]:
        scal[S_BEST] = new
        for r in range(R):
            for i in range(ln[0, r]):
                best_nodes[r, i] = nodes[0, r, i]
            best_ln[r] = ln[0, r]
    return True


@njit(types.void(_I, _F, _F, *_ROUTES, *_MODEL, *_BEST), cache=True)
def run_steps(count, t_from, t_to, rv, nodes, ln, est, lst, ok, load, cost, where, stamp,
              changed, removed, absent, served, near, depot_d, mats, node, veh, extra, allowed,
              prm, scal, best_nodes, best_ln):
    """``count`` steps, the temperature falling geometrically from ``t_from`` to ``t_to``."""
    ratio = t_to / t_from
    for j in range(count):
        temperature = t_from * ratio ** (j / count)
        step_once(temperature, rv, nodes, ln, est, lst, ok, load, cost, where, stamp, changed,
                  removed, absent, served, near, depot_d, mats, node, veh, extra, allowed, prm,
                  scal, best_nodes, best_ln)


@njit(_I(_I, _V, *_ROUTES, *_MODEL, _V), cache=True)
def fleet_steps(count, misses, rv, nodes, ln, est, lst, ok, load, cost, where, stamp, changed,
                removed, absent, served, near, depot_d, mats, node, veh, extra, allowed, prm,
                scal):
    """Route elimination, SISR's way: up to ``count`` steps on routes with some stops absent
    (a route just emptied; a closed route is empty with ``ok[0, r]`` False, so nothing goes
    in). A step is kept when it leaves fewer stops absent, or as many whose ``misses`` (how
    often each was absent after a step) add up to less; every absent stop's count then grows.
    Returns how many steps ran: it stops as soon as nobody is absent."""
    for j in range(count):
        if scal[S_ABSENT] == 0:
            return j
        nc, out = _ruin_recreate(True, rv, nodes, ln, est, lst, ok, load, cost, where, stamp,
                                 changed, removed, absent, served, near, depot_d, mats, node,
                                 veh, extra, allowed, prm, scal)
        before, after = 0, 0
        for i in range(scal[S_ABSENT]):
            before += misses[absent[0, i]]
        for i in range(out):
            after += misses[absent[1, i]]
        if (out < scal[S_ABSENT] or after < before) and _feasible(
                nc, rv, nodes, ln, ok, changed, mats, node, veh):
            new = scal[S_CURRENT]
            for i in range(nc):
                new += cost[1, changed[i]] - cost[0, changed[i]]
            _commit(nc, out, new, rv, nodes, ln, est, lst, ok, load, cost, where, stamp,
                    changed, removed, absent, scal)
        for i in range(scal[S_ABSENT]):
            misses[absent[0, i]] += 1
    return count
