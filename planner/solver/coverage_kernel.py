"""The compiled steps of the coverage search (coverage_search.py): ruin and recreate when not
everyone can be served, every stop optional at its priority penalty.

The travel kernel (sisr_kernel.py) serves a fixed set of stops. Here a stop may stay absent at
its penalty (routing.stop_penalty, per node in ``penalty``), so the objective is the routing
model's own: arc cost (travel, a later day's delay, a moved stop's cost) plus the penalties of
the stops left out. A step ruins strings near a random stop, then puts back the removed stops
*and* the absent stops near them, highest penalty first (or in one of SISR's orders), each
where it adds least and only if that costs less than its penalty; what does not fit stays
absent. A lower-priority stop ruined out can thus give its room to a higher one (a swap), and
a stop can move to any team-day it is allowed (vehicles are team-days). Steps are accepted by
simulated annealing on the full objective. Insertion and the feasibility of every changed route
are the travel kernel's own functions (windows, shifts, dose capacity, allowed vehicles,
resumed days, the lunch break checked exactly by break_fits): they are called, not copied.

Numba's disk cache is invalidated only by changes to the file a function is defined in, and
these functions compile the travel kernel's functions into themselves: ``_drop_stale_cache``
removes this module's cached kernels when sisr_kernel.py's source changed since they were
cached.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np
from numba import njit, types

from planner.solver import sisr_kernel as sk


def _drop_stale_cache() -> None:
    """Delete this module's cached kernels when sisr_kernel.py changed since they were built
    (a stamp file beside the cache records its hash)."""
    source = Path(sk.__file__).read_bytes()
    digest = hashlib.sha256(source).hexdigest()
    here = Path(__file__)
    dirs = [here.parent / "__pycache__"]
    if os.environ.get("NUMBA_CACHE_DIR"):
        dirs.append(Path(os.environ["NUMBA_CACHE_DIR"]))
    for directory in dirs:
        stamp = directory / f"{here.stem}.sisr_kernel.sha256"
        try:
            if stamp.is_file() and stamp.read_text(encoding="ascii") == digest:
                continue
            for cached in directory.rglob(f"{here.stem}.*.nb[ic]"):
                cached.unlink()
            directory.mkdir(parents=True, exist_ok=True)
            stamp.write_text(digest, encoding="ascii")
        except OSError:
            continue  # a read-only tree: Numba falls back to the user's cache dir


_drop_stale_cache()

_I, _F, _B = types.int64, types.float64, types.boolean
_V = types.int64[::1]
ROUTES, MODEL = sk.ROUTES, sk.MODEL
S_CURRENT, S_BEST, S_STEP, S_ABSENT = sk.S_CURRENT, sk.S_BEST, sk.S_STEP, sk.S_ABSENT
#: absent stops are all tried at every step up to this many; above, those near the ruin
ALL_ABSENT = 48
#: nearest stops of each removed stop whose absent ones are tried with it
NEAR_ABSENT = 12
#: absent stops tried at random besides those near the ruin
RANDOM_ABSENT = 3
#: chance a step puts stops back highest penalty first (else one of SISR's orders)
GREEDY_ORDER = 0.5


@njit(types.void(ROUTES, _V, _I, _I), cache=True)
def _by_penalty(routes, penalty, first, count):
    """Order ``removed[first:first + count]`` by penalty, highest first, ties at random (each
    key perturbed by up to a fifth)."""
    part = routes.removed[first : first + count]
    keys = np.empty(count, dtype=np.float64)
    for i in range(count):
        keys[i] = -penalty[part[i]] * (1.0 + 0.2 * np.random.random())
    order = np.argsort(keys)
    copy = part.copy()
    for i in range(count):
        part[i] = copy[order[i]]


@njit(_I(ROUTES, MODEL, _V, _I, _I), cache=True)
def _gather(routes, model, mark, step, nr):
    """Add to ``removed[nr:]`` the absent stops this step tries: all of them when there are
    at most ``ALL_ABSENT``, else those near the removed stops and a few at random (``mark[x]
    == step`` for them). Returns the new count of stops to put back."""
    removed, absent, near = routes.removed, routes.absent, model.nearest
    away = routes.totals[S_ABSENT]
    if away <= ALL_ABSENT:
        for i in range(away):
            removed[nr + i] = absent[0, i]
        return nr + away
    k = NEAR_ABSENT if near.shape[1] > NEAR_ABSENT else near.shape[1]
    for i in range(nr):
        x = removed[i]
        mark[x] = step
        for j in range(k):
            y = near[x, j]
            if y < 0:
                break
            mark[y] = step
    for _ in range(RANDOM_ABSENT):
        mark[absent[0, np.random.randint(0, away)]] = step
    for i in range(away):
        x = absent[0, i]
        if mark[x] == step:
            removed[nr] = x
            nr += 1
    return nr


@njit(_B(ROUTES, MODEL, _I), cache=True, inline="always")
def _lunch_fits(routes, model, r):
    """Whether candidate route ``r`` admits its lunch break (always, without one)."""
    if model.vehicle[routes.vehicle_of[r], sk.V_BREAK_S] == 0:
        return True
    return sk.break_fits(routes, model, 1, r)


@njit(types.void(ROUTES, MODEL, _I, _I), cache=True)
def _take_out(routes, model, r, k):
    """Take the stop at position ``k`` out of candidate route ``r`` again."""
    nodes, length = routes.nodes, routes.length
    n = length[1, r]
    routes.load[1, r] -= model.node[nodes[1, r, k], sk.N_DOSES]
    for i in range(k, n - 1):
        nodes[1, r, i] = nodes[1, r, i + 1]
    length[1, r] = n - 1
    sk.refresh(routes, model, 1, r)


@njit(types.UniTuple(_I, 3)(ROUTES, MODEL, _V, _V), cache=True)
def cover_recreate(routes, model, penalty, mark):
    """Ruin near a random stop, then put back the removed stops and the absent ones tried,
    each where it adds least if that costs less than its penalty, into the candidate copies.
    Returns (routes changed, stops absent from the candidate (``absent[1]``), change of the
    absent stops' penalties)."""
    totals, removed, absent = routes.totals, routes.removed, routes.absent
    totals[S_STEP] += 1
    step = totals[S_STEP]
    nc, ruined = sk._ruin(routes, model, step)
    away = totals[S_ABSENT]
    nr = _gather(routes, model, mark, step, ruined)
    # the absent stops not tried stay absent at their penalty; those tried leave it for now
    out, delta = 0, 0
    if away > ALL_ABSENT:
        for i in range(away):
            x = absent[0, i]
            if mark[x] != step:
                absent[1, out] = x
                out += 1
    for i in range(ruined, nr):
        delta -= penalty[removed[i]]
    if np.random.random() < GREEDY_ORDER:
        _by_penalty(routes, penalty, 0, nr)
    else:
        sk._order(routes, model, nr)
    blink = model.parameters[sk.P_BLINK_RATE]
    for i in range(nr):
        x = removed[i]
        cost, r, k = sk._best_place(routes, model, x, step, blink)
        if r < 0 or cost >= penalty[x]:
            absent[1, out] = x
            out += 1
            delta += penalty[x]
            continue
        nc = sk._take(routes, r, step, nc)
        sk._insert(routes, model, r, k, x)
        sk.refresh(routes, model, 1, r)
        if not _lunch_fits(routes, model, r):
            # the route without x admitted its lunch: x stays out instead of the step failing
            _take_out(routes, model, r, k)
            absent[1, out] = x
            out += 1
            delta += penalty[x]
    return nc, out, delta


@njit(_B(ROUTES, MODEL, _V, _V, _F), cache=True)
def cover_step(routes, model, penalty, mark, temperature):
    """One coverage step, accepted by simulated annealing on the full objective (arc cost plus
    the absent stops' penalties); the best routes so far are kept in ``best_*``. True when it
    became the current routes."""
    totals, cost, changed = routes.totals, routes.cost, routes.changed
    nc, out, delta = cover_recreate(routes, model, penalty, mark)
    new = totals[S_CURRENT] + delta
    for j in range(nc):
        r = changed[j]
        new += cost[1, r] - cost[0, r]
    u = np.random.random()
    if u <= 0.0:
        u = 1e-12
    if new >= totals[S_CURRENT] - temperature * np.log(u):
        return False
    if not sk.feasible(routes, model, nc):
        return False
    sk.commit(routes, nc, out, new)
    if new < totals[S_BEST]:
        totals[S_BEST] = new
        nodes, length = routes.nodes, routes.length
        best_nodes, best_length = routes.best_nodes, routes.best_length
        for r in range(length.shape[1]):
            for i in range(length[0, r]):
                best_nodes[r, i] = nodes[0, r, i]
            best_length[r] = length[0, r]
    return True


@njit(types.void(ROUTES, MODEL, _V, _V, _I, _F, _F), cache=True)
def cover_steps(routes, model, penalty, mark, count, t_from, t_to):
    """``count`` coverage steps, the temperature falling geometrically from ``t_from`` to
    ``t_to``."""
    ratio = t_to / t_from
    for j in range(count):
        cover_step(routes, model, penalty, mark, t_from * ratio ** (j / count))


@njit(_I(ROUTES, MODEL, _V, _V), cache=True)
def fill(routes, model, penalty, order):
    """Greedy start: the absent stops in ``order`` (the caller's: highest penalty first), each
    put where it adds least when that costs less than its penalty and the route then still
    admits its lunch break; the others stay absent. Returns the stops put in. The best routes
    become the current ones."""
    totals, absent, cost = routes.totals, routes.absent, routes.cost
    out, placed = 0, 0
    for i in range(order.shape[0]):
        x = order[i]
        totals[S_STEP] += 1
        step = totals[S_STEP]
        c, r, k = sk._best_place(routes, model, x, step, 0.0)
        if r >= 0 and c < penalty[x]:
            sk._take(routes, r, step, 0)
            sk._insert(routes, model, r, k, x)
            sk.refresh(routes, model, 1, r)
            if routes.on_time[1, r] and sk.break_fits(routes, model, 1, r):
                routes.absent[1, :out] = absent[0, :out]
                new = totals[S_CURRENT] - penalty[x] + cost[1, r] - cost[0, r]
                sk.commit(routes, 1, out, new)
                placed += 1
                continue
        absent[0, out] = x
        out += 1
    totals[S_ABSENT] = out
    return placed
