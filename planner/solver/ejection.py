"""Route elimination by an ejection pool: fewer team-days for the same residents.

Used when vehicles come first (a fixed cost per vehicle: Solomon, or a planner's "fewest
team-days"). A route is emptied and its stops go into a pool; each pooled stop is inserted
where it adds least travel, and when it fits nowhere, one or two stops that have been hard to
place less often are ejected from one route to make room and go into the pool instead
(Nagata and Bräysy 2009, simplified: no squeeze phase, at most two ejected). Random feasible
relocations after each ejection let the next tries see other neighbourhoods. A route counts
as removed only when the pool is empty: nobody is left out who was served before.

Why in Python, beside OR-Tools: OR-Tools' local search never empties a route on purpose; with
the fixed cost on the depot arc it only drifts there (Solomon R1/RC1: 255 vehicles against
the best known 235). With the pool the engine went from 430 to 419 vehicles on the 56 Solomon
instances at 10 s each (benchmarks/RESULTS.md).

It works on the routing model's own numbers: its integer travel matrices, service times,
windows, shifts, dose capacities and allowed vehicles (doctor, vaccine, earliest day), and
starts a resumed day from the team's current stop. Lunch breaks as in breaks.py: the pool
checks each shift shortened by its break, and a removal is kept only if every route it changed
still admits its break exactly as the full model and the checker define it. Each insertion is
checked in O(1) from a route's cached earliest service starts and latest feasible starts.
"""

from __future__ import annotations

import itertools
import random
import time
from collections.abc import Sequence

from planner.settings import SolverParams
from planner.solver.breaks import fits_break
from planner.solver.routing import (
    RoutingProblem,
    allowed_vehicles,
    break_window,
    earliest_departure,
    horizon_of,
)

#: the pool keeps each travel mode's matrix as Python lists (fast to index, ~36 MB per mode
#: at 1,000 nodes); above this many nodes route elimination stays with OR-Tools (phases.py)
MAX_NODES = 1500
#: one try at removing a route gets at most this share of the time left
ATTEMPT_SHARE = 0.5
#: random relocations after each ejection (the prototype's figure on Solomon)
PERTURB_MOVES = 100


#: a cost bound above any insertion's
UNBOUNDED = 1 << 62


#: a feasible route's gaps, where a stop may go: per gap k between seq[k] and seq[k + 1]
#: (seq = start, stops, end), (seq[k], seq[k + 1], when the team leaves seq[k] at the
#: earliest, the arc's travel, the earliest and the latest start at seq[k + 1] that keep the
#: rest of the route on time; the shift's end for the last gap)
_Gaps = list[tuple[int, int, int, int, int, int]]


class PoolRoute:
    """One vehicle's stops (model nodes) with its load and cached gaps (shared by the pool
    and ruin and recreate)."""

    __slots__ = ("cached_gaps", "load", "nodes", "vehicle")

    def __init__(self, vehicle: int, nodes: list[int], load: int) -> None:
        self.vehicle, self.nodes, self.load = vehicle, nodes, load
        #: the route's gaps (_Gaps), or None when it is late somewhere; computed on demand,
        #: dropped on every change
        self.cached_gaps: _Gaps | bool | None = False

    def copy(self) -> PoolRoute:
        out = PoolRoute(self.vehicle, list(self.nodes), self.load)
        out.cached_gaps = self.cached_gaps
        return out


class EjectionPool:
    """The pool's view of one routing model: per node and per vehicle, plain Python lists."""

    def __init__(self, p: RoutingProblem, params: SolverParams, rng: random.Random) -> None:
        data, layout, n = p.data, p.layout, p.layout.n_nodes
        self.p, self.params, self.rng = p, params, rng
        horizon = horizon_of(data)
        self.service = [int(x) for x in p.service]
        self.lo, self.hi, self.doses = [0] * n, [horizon] * n, [0] * n
        self.allowed: list[frozenset[int]] = [frozenset()] * n
        for node, s in layout.stop_of_node.items():
            stop = data.stops[s]
            self.lo[node] = stop.window_start_s or 0
            if stop.window_end_s is not None:
                self.hi[node] = stop.window_end_s
            self.doses[node] = stop.doses
            self.allowed[node] = frozenset(allowed_vehicles(data, s))
        rows = {mode: m.seconds.tolist() for mode, m in p.matrices.items()}
        self.travel, self.begin, self.end, self.depart, self.last, self.cap = (
            [], [], [], [], [], [])
        #: each vehicle's lunch break (breaks.py), None without one
        self.windows = [break_window(data, params, vehicle) for vehicle in p.vehicles]
        for v, (t, day) in enumerate(p.vehicles):
            team = data.teams[t]
            window = self.windows[v]
            resume = data.starts.get((t, day))
            self.travel.append(rows[team.travel_mode])
            self.begin.append(layout.start_of_vehicle.get(v, t))
            self.end.append(t)
            self.depart.append(earliest_departure(data, (t, day)))
            self.last.append(team.shift_end_s - (window[2] if window else 0))
            self.cap.append(max(0, team.max_doses - (resume.doses_used if resume else 0)))

    # -- route gaps ---------------------------------------------------------------------

    def gaps(self, r: PoolRoute) -> _Gaps | None:
        """The route's gaps where a stop may go, or None when the route is late somewhere."""
        if r.cached_gaps is False:
            r.cached_gaps = self._compute_gaps(r.vehicle, r.nodes)
        return r.cached_gaps  # type: ignore[return-value]

    def _compute_gaps(self, v: int, nodes: list[int]) -> _Gaps | None:
        # conditionals, not max() and min(): this and places() are the pool's and ruin and
        # recreate's inner loops, and a builtin call costs more than the comparison
        d, svc, lo, hi = self.travel[v], self.service, self.lo, self.hi
        start, t, prev = [], self.depart[v], self.begin[v]
        for x in nodes:
            t += svc[prev] + d[prev][x]
            if t < lo[x]:
                t = lo[x]
            if t > hi[x]:
                return None
            start.append(t)
            prev = x
        bound = self.last[v] - svc[prev] - d[prev][self.end[v]]
        if t > bound:
            return None
        latest = [0] * len(nodes)
        for i in range(len(nodes) - 1, -1, -1):
            x = nodes[i]
            latest[i] = bound = hi[x] if hi[x] < bound else bound
            if i:
                bound -= svc[nodes[i - 1]] + d[nodes[i - 1]][x]
        seq = [self.begin[v], *nodes, self.end[v]]
        leave = [self.depart[v]] + [t + svc[x] for t, x in zip(start, nodes, strict=True)]
        arcs = [d[a][b] for a, b in itertools.pairwise(seq)]
        return list(zip(seq[:-1], seq[1:], leave, arcs, [*(lo[x] for x in nodes), 0],
                        [*latest, self.last[v]], strict=True))

    def places(self, r: PoolRoute, x: int, bound: int | None = None) -> list[tuple[int, int]]:
        """(added travel seconds, position) of every place in ``r`` where node ``x`` fits;
        with ``bound``, only the places that add less than it."""
        v = r.vehicle
        if r.load + self.doses[x] > self.cap[v] or v not in self.allowed[x]:
            return []
        gaps = self.gaps(r)
        if gaps is None:
            return []
        d, lo_x, hi_x, out = self.travel[v], self.lo[x], self.hi[x], []
        svc_x, d_x = self.service[x], d[x]
        if bound is None:
            bound = UNBOUNDED
        for k, (a, b, leave, arc, lo_b, late_b) in enumerate(gaps):
            to_x = d[a][x]
            cost = to_x + d_x[b] - arc
            if cost < bound:
                at = leave + to_x
                if at < lo_x:
                    at = lo_x
                # no early exit when ``at`` is too late: without the triangle inequality
                # (road times) a later position can reach ``x`` sooner
                if at <= hi_x:
                    then = at + svc_x + d_x[b]
                    if (then if then > lo_b else lo_b) <= late_b:
                        out.append((cost, k))
        return out

    def put(self, r: PoolRoute, x: int, k: int) -> None:
        """Node ``x`` into ``r`` at position ``k`` (a place ``places`` found)."""
        r.nodes.insert(k, x)
        r.load += self.doses[x]
        r.cached_gaps = False

    # -- the pool -----------------------------------------------------------------------

    def remove_route(self, routes: list[PoolRoute], victim: int, deadline: float
                     ) -> list[PoolRoute] | None:
        """Empty ``routes[victim]`` through the ejection pool: the other routes then serve all
        its stops (returned), or None when the deadline came first or nothing can move."""
        routes = [r.copy() for r in routes]
        pool = list(routes.pop(victim).nodes)
        misses = [1] * len(self.service)  # how often each stop could not go in directly
        stuck = 0  # pooled stops in a row that fitted nowhere, even with ejections
        while pool and stuck < len(pool):
            if time.time() > deadline:
                return None
            x = pool.pop()
            if self._insert(routes, x):
                stuck = 0
                continue
            misses[x] += 1
            ejected = self._eject_and_insert(routes, x, misses, deadline)
            if ejected is None:
                pool.insert(0, x)  # try it again after the others have moved things
                stuck += 1
                continue
            stuck = 0
            pool.extend(ejected)
            self._perturb(routes)
        # a whole turn of the pool without a move: the routes will never change again
        return None if pool else routes

    def _insert(self, routes: list[PoolRoute], x: int) -> bool:
        best = min(((cost, i, k) for i, r in enumerate(routes) for cost, k in self.places(r, x)),
                   default=None)
        if best is None:
            return False
        self.put(routes[best[1]], x, best[2])
        return True

    def _eject_and_insert(self, routes: list[PoolRoute], x: int, misses: list[int],
                          deadline: float) -> list[int] | None:
        """Eject one or two stops of least total ``misses`` from one route so that ``x`` fits
        there; the ejected stops, or None when no such ejection exists (or time is up: a
        scan of every pair on long routes takes seconds)."""
        best: tuple[int, int, PoolRoute, list[int]] | None = None
        for i, r in enumerate(routes):
            if r.vehicle not in self.allowed[x]:
                continue
            if time.time() > deadline:
                return None
            for weight, cut in self._ejections(r, x, misses):
                if best is not None and weight >= best[0]:
                    break
                rest = PoolRoute(r.vehicle, [y for k, y in enumerate(r.nodes) if k not in cut],
                              r.load - sum(self.doses[r.nodes[k]] for k in cut))
                places = self.places(rest, x)
                if places:
                    self.put(rest, x, min(places)[1])
                    best = (weight, i, rest, [r.nodes[k] for k in cut])
                    break
        if best is None:
            return None
        routes[best[1]] = best[2]
        return best[3]

    def _ejections(self, r: PoolRoute, x: int, misses: list[int]
                   ) -> list[tuple[int, tuple[int, ...]]]:
        """Positions to eject (one or two) with their weight, lightest first; only those
        that free enough doses for ``x``."""
        n, need = len(r.nodes), r.load + self.doses[x] - self.cap[r.vehicle]
        m = [misses[y] for y in r.nodes]
        dose = [self.doses[y] for y in r.nodes]
        cuts: list[tuple[int, tuple[int, ...]]] = [(m[i], (i,)) for i in range(n)
                                                   if dose[i] >= need]
        cuts += [(m[i] + m[j], (i, j)) for i in range(n) for j in range(i + 1, n)
                 if dose[i] + dose[j] >= need]
        cuts.sort()
        return cuts

    def _perturb(self, routes: list[PoolRoute]) -> None:
        """Random feasible relocations between routes."""
        for _ in range(PERTURB_MOVES):
            a, b = self.rng.randrange(len(routes)), self.rng.randrange(len(routes))
            ra, rb = routes[a], routes[b]
            if a == b or not ra.nodes:
                continue
            k = self.rng.randrange(len(ra.nodes))
            places = self.places(rb, ra.nodes[k])
            if not places:
                continue
            shorter = PoolRoute(ra.vehicle, ra.nodes[:k] + ra.nodes[k + 1:],
                             ra.load - self.doses[ra.nodes[k]])
            # without the triangle inequality (road times), taking a stop out can make a
            # route late: only feasible routes leave a move
            if self.gaps(shorter) is None:
                continue
            self.put(rb, ra.nodes[k], self.rng.choice(places)[1])
            routes[a] = shorter

    # -- whole routes -------------------------------------------------------------------

    def to_routes(self, stop_routes: Sequence[Sequence[int]]) -> list[PoolRoute]:
        node = self.p.layout.node_of_stop
        out = []
        for v, route in enumerate(stop_routes):
            nodes = [node[s] for s in route]
            if nodes:
                out.append(PoolRoute(v, nodes, sum(self.doses[x] for x in nodes)))
        return out

    def to_stop_routes(self, routes: list[PoolRoute]) -> list[list[int]]:
        stop = self.p.layout.stop_of_node
        out: list[list[int]] = [[] for _ in self.p.vehicles]
        for r in routes:
            out[r.vehicle] = [stop[x] for x in r.nodes]
        return out

    def breaks_fit(self, routes: list[PoolRoute]) -> bool:
        """Every route admits its lunch break exactly (the pool only shortened the shift)."""
        stop = self.p.layout.stop_of_node
        for r in routes:
            window = self.windows[r.vehicle]
            if window and not fits_break(self.p, r.vehicle, [stop[x] for x in r.nodes],
                                         window):
                return False
        return True


def eject_routes(pool: EjectionPool, stop_routes: Sequence[Sequence[int]], deadline: float
                 ) -> tuple[list[list[int]], int]:
    """Remove routes one at a time until ``deadline``: (routes per vehicle, routes removed).

    The routes given must be those of a solution of the pool's model; the routes returned
    serve the same stops with fewer vehicles, each route on time for the model it was built
    as."""
    routes, removed = pool.to_routes(stop_routes), 0
    failed: set[int] = set()  # vehicles whose route could not be removed since the last success
    while len(routes) > 1 and (left := deadline - time.time()) > 0:
        candidates = [i for i, r in enumerate(routes) if r.vehicle not in failed]
        if not candidates:
            break
        victim = pool.rng.choice(candidates)
        # a hopeless try must leave time for the other routes
        fewer = pool.remove_route(routes, victim, time.time() + left * ATTEMPT_SHARE)
        if fewer is not None and pool.breaks_fit(fewer):
            routes, removed, failed = fewer, removed + 1, set()
        else:
            failed.add(routes[victim].vehicle)
    return pool.to_stop_routes(routes), removed
