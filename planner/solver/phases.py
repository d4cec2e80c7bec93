"""Search phases on the routing model: one run, route elimination, distance with a fixed fleet.

Why phases: OR-Tools charges a vehicle's fixed cost on the arc leaving its depot, and guided
local search penalises arcs in proportion to their cost. With a fixed cost large enough to put
vehicles first (the literature's objective, and a planner's "use as few team-days as you can"),
those depot arcs dominate every penalty and GLS stops improving distance (measured: 4.5 % above
the best known on R201 with the fixed cost, 0.3 % without). So when vehicles count, the search
(1) finds a first solution with the fixed cost, (2) removes whole routes one at a time by ruin
and recreate with the emptied route's stops absent (ruin_recreate.remove_routes; on models too
big for it, by squeezing their stops into the remaining vehicles with GLS and soft window
ends), and (3) optimises travel with the fleet closed to the vehicles used and no fixed cost
at all: ruin and recreate first (ruin_recreate.improve_travel, compiled: over 100,000 steps a
second where GLS makes tens of moves), then GLS on the full model polishing its routes.
Solomon at 10 s (benchmarks/RESULTS.md): 430 vehicles and a mean gap at the best-known fleet of
2.5 % with OR-Tools alone; 405 vehicles (every instance at its best-known fleet) and 0.56 %
with both compiled.

Lunch breaks: a plain search runs most of its time on a model without break intervals (they
make every move a hundred times dearer) and finishes on the full one; see breaks.py.

Coverage rounds (even workers of a plain search): OR-Tools scans its operators in a fixed order
and stays on one while it still improves, and the insertion operators come after the
inter-route ones (relocate, exchange, cross). On full routes, those inter-route moves make room
for more visits long before the scan reaches make-active: on 1,000 residents and 60 team-days
(one core, breaks relaxed), visits that fitted from 7.5 s on were inserted at 23-37 s, twenty
in half a second. So the time is cut into short GLS slices, each followed by a descent with only
the operators that insert (make-active, swap-active), which takes the room as soon as it is
made: 798 residents at 30 s instead of 776. Odd workers keep one long GLS, which reaches a
little further in a minute or more (810 against 806 at 60 s): the portfolio keeps the better.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from planner.model import ProblemData
from planner.settings import SolverParams
from planner.solver.breaks import place_breaks
from planner.solver.extract import extract_routes
from planner.solver.result import Route
from planner.solver.routing import (
    RoutingProblem,
    break_window,
    horizon_of,
    stop_penalty,
)
from planner.solver.ruin_recreate import improve_travel, remove_routes
from planner.solver.runs import (
    CHEAPEST_INSERTION,
    DESCENT,
    GLS,
    SAVINGS,
    Outcome,
    insertion_parameters,
    run,
    search_parameters,
    window_ends,
)
from planner.solver.view import MAX_NODES, ModelView
from planner.travel import TravelModel

#: GLS penalty weight per portfolio worker: a little diversity between processes
LAMBDAS = (0.1, 0.2, 0.05, 0.15)
#: route elimination stops at this share of the time limit; the rest optimises travel
ELIMINATION_SHARE = 0.35
#: ruin and recreate gets this share of the time left after route elimination; GLS on the full
#: model polishes its routes in the rest
RUIN_SHARE = 0.8
#: route elimination gives up after this many failed tries in a row (the smallest routes)
MAX_FAILURES = 2
#: one route-elimination try gets at most this share of the time limit
SLICE_SHARE = 0.15
#: the first solution (with fixed costs, greedy descent) gets at most this share
FIRST_SHARE = 0.1
#: with lunch breaks, the relaxed model (see breaks.py) gets this share of a plain search; the
#: full model, warm-started from its routes with their breaks put back, gets the rest
RELAXED_SHARE = 0.85
#: ... but the full model gets at least this many seconds (restoring a warm start with break
#: intervals is itself bounded by the time limit: 0.1 s was too short for 14 vehicles, and the
#: search then restarted from nothing), and a search shorter than twice this is not split
FULL_MIN_S = 1.0
#: coverage rounds: a GLS slice of this many seconds, then an insertion descent of at most ...
ROUND_S = 3.0
#: ... this many (it ends at its local optimum, about 0.5 s on 1,000 residents)
INSERT_S = 2.0
def _all_on_time(cheapest: int) -> Callable[[RoutingProblem, int], bool]:
    """Nobody left out (cost below one stop's penalty) and every stop within its window, given
    the earliest times the fixed sequences allow."""
    def check(p: RoutingProblem, cost: int) -> bool:
        return cost < cheapest and all(p.time.CumulVar(index).Min() <= end
                                       for index, end in window_ends(p))
    return check


def fewer_vehicles(data: ProblemData, travel: TravelModel, params: SolverParams,
                   stops: list[int], start: Outcome, deadline: float, order_seed: int = 0,
                   slice_s: float = 1.0) -> tuple[Outcome, int]:
    """Route elimination: empty the smallest route and re-insert its stops into the others.

    Kept only when everyone is on time and no more is left out than before. Each try gets at
    most ``slice_s``; after two failed tries in a row (the two smallest routes) the fleet is
    taken as final.
    Returns the best outcome and how many routes were removed."""
    best, removed, failures = start, 0, 0
    free = replace(params, vehicle_fixed_cost=0)
    cheapest = min((stop_penalty(data.stops[s].priority) for s in stops), default=1)
    # lateness must stay cheaper than leaving a stop out, so squeezed stops stay in the routes
    late_cost = max(1, cheapest // (2 * horizon_of(data)))
    while failures < MAX_FAILURES and len(best.used) > 1:
        left = deadline - time.time()
        if left < 0.2:
            break
        order = sorted(best.used, key=lambda v: (len(best.routes[v]), v))
        victim = order[min(failures, len(order) - 1)]
        dropped_before = best.dropped_penalty(data, stops)
        warm = [r if v != victim else [] for v, r in enumerate(best.routes)]
        seconds = min(left, slice_s)
        search = search_parameters(free, seconds)
        # with nothing left out before, the first solution serving everyone on time ends it
        found = run(data, travel, free, stops, search, order_seed=order_seed, warm=warm,
                    open_vehicles=[v for v in best.used if v != victim],
                    done=_all_on_time(cheapest) if dropped_before == 0 else None,
                    guard_s=seconds * 1.5 + 5, late_cost=late_cost)
        if found is not None and found.late_s() == 0 and found.dropped_penalty(
                data, stops) <= dropped_before and len(found.used) < len(best.used):
            best, removed, failures = found, removed + 1, 0
        else:
            failures += 1
    return best, removed


def view_for(p: RoutingProblem, params: SolverParams, seed: int) -> ModelView | None:
    """The model's view (view.py), made once for route elimination and ruin and recreate, or
    None when the model is too big for them."""
    if p.layout.n_nodes > MAX_NODES:
        return None
    return ModelView(p, params, random.Random(seed))


def _eliminate(data: ProblemData, travel: TravelModel, params: SolverParams,
               stops: list[int], first: Outcome, view: ModelView | None, deadline: float,
               order_seed: int, total: float) -> tuple[Outcome, list[list[int]], int]:
    """Route elimination after the first solution: (outcome to fall back on, routes for the
    travel phase, routes removed). Ruin and recreate (remove_routes) when the model is small
    enough for it, else OR-Tools tries (fewer_vehicles). None when the first solution leaves
    anyone out: a team-day costs less than a resident left out (_check_fixed_cost), so no
    team-day is spare while someone waits (1,000 residents, 12 teams, 5 days, fixed cost
    50,000, 60 s: 55 team-days and 81.7 % coverage with elimination, 60 and 84.7 % without)."""
    if not _serves_everyone(first.problem, first.routes):
        return first, first.routes, 0
    if view is not None:
        routes, removed = remove_routes(view, first.routes, deadline)
        return first, routes, removed
    best, removed = fewer_vehicles(data, travel, params, stops, first, deadline, order_seed,
                                   max(0.5, total * SLICE_SHARE))
    return best, best.routes, removed


def _serves_everyone(p: RoutingProblem, routes: Sequence[Sequence[int]]) -> bool:
    """Whether the routes serve every stop in the model: only then do route elimination and
    ruin and recreate run."""
    return sum(len(r) for r in routes) == len(p.layout.stop_of_node)


def _recreate(view: ModelView | None, routes: list[list[int]], deadline: float,
              on_solution: Callable[[int], None] | None) -> list[list[int]]:
    """Ruin and recreate (ruin_recreate.py) on the fleet route elimination left, for
    ``RUIN_SHARE`` of the time to ``deadline``. GLS alone gets the time when the model is too
    big for it, or when someone is left out: ruin and recreate only reorders
    whom the routes serve, while GLS also puts residents in (1,000 residents, 12 teams, 5
    days, fixed cost 50,000, 60 s: 83.0 % priority-weighted coverage without it, 82.0 % with)."""
    if view is None or not _serves_everyone(view.p, routes):
        return routes
    until = time.time() + RUIN_SHARE * max(0.0, deadline - time.time())
    return improve_travel(view, routes, until, on_solution=on_solution)[0]


@dataclass
class Found:
    """What one search (one portfolio worker) hands back: picklable, model-free."""

    routes: list[Route]
    objective: int  # on the original costs: fixed costs of used vehicles included
    solutions: int
    worker: int
    routes_removed: int = 0


def search(data: ProblemData, travel: TravelModel, params: SolverParams, stops: list[int],
           deadline: float, worker: int = 0,
           initial_routes: Sequence[Sequence[int]] | None = None,
           targets: tuple[dict[int, int], int] | None = None,
           on_solution: Callable[[int], None] | None = None) -> Found | None:
    """One worker's whole search until ``deadline`` (``time.time()``): a plain GLS run, or,
    when vehicles carry a fixed cost, first solution -> route elimination -> travel on the
    fleet found (``_vehicles_first``)."""
    order_seed = params.seed + worker
    lam = LAMBDAS[worker % len(LAMBDAS)]
    total = max(0.05, deadline - time.time())
    if params.vehicle_fixed_cost:
        return _vehicles_first(data, travel, params, stops, deadline, total, worker, lam,
                               initial_routes, targets, on_solution)
    # coverage rounds or GLS on the model without breaks (if there are breaks), then one GLS run
    # on the full model
    warm, solutions = _before_full(data, travel, params, stops, total, worker, lam,
                                   initial_routes, targets, on_solution)
    total = max(0.05, deadline - time.time())
    out = run(data, travel, params, stops, search_parameters(params, total, GLS, lam),
              order_seed=order_seed, warm=warm, targets=targets,
              on_solution=on_solution,
              guard_s=params.guard_after(total))
    return None if out is None else Found(extract_routes(out.problem, out.solution),
                                          out.solution.ObjectiveValue(),
                                          solutions + out.solutions, worker)


def _before_full(data: ProblemData, travel: TravelModel, params: SolverParams,
                 stops: list[int], total: float, worker: int, lam: float,
                 warm: Sequence[Sequence[int]] | None,
                 targets: tuple[dict[int, int], int] | None,
                 on_solution: Callable[[int], None] | None
                 ) -> tuple[Sequence[Sequence[int]] | None, int]:
    """Most of a plain search's time: on the model without lunch breaks when there are any
    (breaks.py), in coverage rounds on even workers. Returns (warm start for the last GLS run
    on the full model, with breaks put back; solutions found)."""
    # a warm start (re-plans, the wastage pass) keeps to the full model: it often does not fit
    # the shortened shifts (a break taken while waiting for a window costs no time in the full
    # model), and searching from nothing would forget the plan it should change little
    if warm:
        return warm, 0
    relax = any(break_window(data, params, (t, d)) for d in range(data.days)
                for t in range(len(data.teams)))
    rounds = worker % 2 == 0
    seconds = total - max(total * (1 - RELAXED_SHARE), FULL_MIN_S)
    if not (relax or rounds) or seconds < FULL_MIN_S:
        return warm, 0
    # the rounds are many short runs: the wall-clock guard bounds them as one
    deadline = time.time() + min(seconds, params.guard_after(seconds))
    common: dict[str, Any] = dict(order_seed=params.seed + worker, targets=targets,
                                  on_solution=on_solution, relax_breaks=relax)
    if rounds:
        found, solutions = coverage_rounds(data, travel, params, stops, deadline, lam, **common)
    else:
        found = run(data, travel, params, stops, search_parameters(params, seconds, GLS, lam),
                    guard_s=params.guard_after(seconds), **common)
        solutions = 0 if found is None else found.solutions
    if found is None:
        return warm, solutions
    return (place_breaks(found.problem, params, found.routes) if relax else found.routes,
            solutions)


def coverage_rounds(data: ProblemData, travel: TravelModel, params: SolverParams,
                    stops: list[int], deadline: float, lam: float, **common: Any
                    ) -> tuple[Outcome | None, int]:
    """GLS slices of ``ROUND_S`` alternated with insertion descents until ``deadline``; each
    run starts from the last one's routes. Returns (last outcome, solutions found)."""
    best: Outcome | None = None
    solutions, insert = 0, False
    while (left := deadline - time.time()) >= 0.1:
        seconds = min(left, INSERT_S if insert else ROUND_S)
        search = (insertion_parameters(params, seconds) if insert
                  else search_parameters(params, seconds, GLS, lam))
        out = run(data, travel, params, stops, search,
                  warm=None if best is None else best.routes,
                  guard_s=params.guard_after(seconds), **common)
        if out is None or not out.restored:
            # a slice too short to restore its start would throw the rounds' work away
            break
        best, solutions, insert = out, solutions + out.solutions, not insert
    return best, solutions


def _vehicles_first(data: ProblemData, travel: TravelModel, params: SolverParams,
                    stops: list[int], deadline: float, total: float, worker: int, lam: float,
                    initial_routes: Sequence[Sequence[int]] | None,
                    targets: tuple[dict[int, int], int] | None,
                    on_solution: Callable[[int], None] | None) -> Found | None:
    """First solution (greedy descent with the fixed cost) -> route elimination -> travel on
    the fleet found without the fixed cost. Odd workers start from savings and let a bandit
    pick the travel phase's operators: on clustered customers savings builds the clusters'
    routes (C104 at its best known), and the two workers then differ in more than their seed
    (Solomon: 419 vehicles either way, mean gap 3.37 -> 3.28 %; benchmarks/RESULTS.md)."""
    order_seed, odd = params.seed + worker, worker % 2 == 1
    began = time.time()
    first = run(data, travel, params, stops,
                search_parameters(params, total * FIRST_SHARE, DESCENT,
                                  first=SAVINGS if odd else CHEAPEST_INSERTION),
                order_seed=order_seed, warm=initial_routes, targets=targets,
                on_solution=on_solution, guard_s=total * FIRST_SHARE * 1.5 + 5)
    if first is None:
        return None
    view = view_for(first.problem, params, order_seed)
    best, warm, removed = _eliminate(data, travel, params, stops, first, view,
                                     began + total * ELIMINATION_SHARE, order_seed, total)
    warm = _recreate(view, warm, deadline, on_solution)
    free = replace(params, vehicle_fixed_cost=0)
    left = max(0.05, deadline - time.time())
    last = run(data, travel, free, stops, search_parameters(free, left, GLS, lam, bandit=odd),
               order_seed=order_seed, warm=warm, open_vehicles=[v for v, r in enumerate(warm) if r],
               targets=targets, on_solution=on_solution, guard_s=left * 1.5 + 5)
    if last is None or not last.restored or last.dropped_penalty(
            data, stops) > best.dropped_penalty(data, stops):
        last, removed = best, 0 if best is first else removed
    # only the first solution's objective has the fixed costs in it; the later phases drop them
    objective = last.solution.ObjectiveValue()
    if last is not first:
        objective += params.vehicle_fixed_cost * len(last.used)
    return Found(extract_routes(last.problem, last.solution), objective,
                 first.solutions + last.solutions, worker, removed)
