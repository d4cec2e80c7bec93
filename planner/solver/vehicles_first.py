"""The search when vehicles carry a fixed cost: first solution, route elimination, then travel
on the fleet found.

Why phases: OR-Tools charges a vehicle's fixed cost on the arc leaving its depot, and guided
local search penalises arcs in proportion to their cost. With a fixed cost large enough to put
vehicles first (the literature's objective, and a planner's "use as few team-days as you can"),
those depot arcs dominate every penalty and GLS stops improving distance. So when vehicles
count, the search (1) finds a first solution with the fixed cost, (2) removes whole routes one
at a time by ruin and recreate with the emptied route's stops absent
(ruin_recreate.remove_routes; on models too big for it, by squeezing their stops into the
remaining vehicles with GLS and soft window ends), and (3) optimises travel with the fleet
closed to the vehicles used and no fixed cost at all: ruin and recreate first
(ruin_recreate.improve_travel, compiled: far more steps a second than GLS makes moves), then
GLS on the full model polishing its routes. What each phase buys: benchmarks/RESULTS.md.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import replace

from planner.settings import SolverParams
from planner.solver.context import Found, SearchContext, SolutionListener, WorkerStrategy
from planner.solver.extract import extract_routes
from planner.solver.routing import RoutingProblem, horizon_of, stop_penalty
from planner.solver.ruin_recreate import improve_travel, remove_routes
from planner.solver.runs import (
    CHEAPEST_INSERTION,
    DESCENT,
    GLS,
    Outcome,
    run,
    search_parameters,
    window_ends,
)
from planner.solver.view import MAX_NODES, ModelView

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


def vehicles_first_search(ctx: SearchContext, strategy: WorkerStrategy) -> Found | None:
    """First solution (greedy descent with the fixed cost, from the strategy's first-solution
    heuristic) -> route elimination -> travel on the fleet found without the fixed cost, until
    ``ctx.deadline``."""
    total = max(0.05, ctx.deadline - time.time())
    seed = strategy.order_seed(ctx.params)
    began = time.time()
    first = _first_solution(ctx, strategy.first_solution, total * FIRST_SHARE, seed)
    if first is None:
        return None
    view = view_for(first.problem, ctx.params, seed)
    best, warm, removed = _eliminate(
        ctx, first, view, began + total * ELIMINATION_SHARE, seed, max(0.5, total * SLICE_SHARE)
    )
    warm = _recreate(view, warm, ctx.deadline, ctx.on_solution)
    last = _fixed_fleet(ctx, strategy, warm)
    if (
        last is None
        or not last.restored
        or last.dropped_penalty(ctx.data, ctx.stops) > best.dropped_penalty(ctx.data, ctx.stops)
    ):
        last, removed = best, 0 if best is first else removed
    # only the first solution's objective has the fixed costs in it; the later phases drop them
    objective = last.solution.ObjectiveValue()
    if last is not first:
        objective += ctx.params.vehicle_fixed_cost * len(last.used)
    return Found(
        extract_routes(last.problem, last.solution),
        objective,
        first.solutions + last.solutions,
        strategy.worker,
        removed,
    )


def _first_solution(
    ctx: SearchContext, heuristic: int, share_s: float, seed: int
) -> Outcome | None:
    """The first solution, with the fixed costs, by ``heuristic`` then greedy descent. When it
    leaves stops out, cheapest insertion builds one too and the cheaper is kept: OR-Tools'
    savings gave a start that served nobody on long routes (Gehring-Homberger R2_2_1), and the
    worker then spent the rest of its budget on empty routes (benchmarks/RESULTS.md)."""
    first = None
    for builder in dict.fromkeys((heuristic, CHEAPEST_INSERTION)):
        tried = run(
            ctx,
            search_parameters(share_s, DESCENT, first=builder),
            order_seed=seed,
            warm=ctx.initial_routes,
            guard_s=share_s * 1.5 + 5,
        )
        if tried is not None and (
            first is None or tried.solution.ObjectiveValue() < first.solution.ObjectiveValue()
        ):
            first = tried
        if first is not None and not first.dropped_penalty(ctx.data, ctx.stops):
            break
    return first


def _fixed_fleet(
    ctx: SearchContext, strategy: WorkerStrategy, warm: list[list[int]]
) -> Outcome | None:
    """GLS from ``warm`` until the deadline, on the vehicles it uses and without their fixed
    cost (with a bandit picking the operators when the strategy says so)."""
    free = ctx.without_fixed_cost()
    left = max(0.05, ctx.deadline - time.time())
    return run(
        free,
        search_parameters(left, GLS, strategy.lambda_coefficient, bandit=strategy.bandit),
        order_seed=strategy.order_seed(ctx.params),
        warm=warm,
        open_vehicles=[v for v, r in enumerate(warm) if r],
        guard_s=left * 1.5 + 5,
    )


def _all_on_time(cheapest: int) -> Callable[[RoutingProblem, int], bool]:
    """Nobody left out (cost below one stop's penalty) and every stop within its window, given
    the earliest times the fixed sequences allow."""

    def check(p: RoutingProblem, cost: int) -> bool:
        """Whether nobody is left out and every stop can still start within its window."""
        return cost < cheapest and all(
            p.time.CumulVar(index).Min() <= end for index, end in window_ends(p)
        )

    return check


def fewer_vehicles(
    ctx: SearchContext, start: Outcome, deadline: float, order_seed: int = 0, slice_s: float = 1.0
) -> tuple[Outcome, int]:
    """Route elimination with OR-Tools: empty the smallest route and re-insert its stops into
    the others, without fixed costs, dose targets or progress reports.

    Kept only when everyone is on time and no more is left out than before. Each try gets at
    most ``slice_s``; after two failed tries in a row (the two smallest routes) the fleet is
    taken as final.
    Returns the best outcome and how many routes were removed."""
    data, stops = ctx.data, ctx.stops
    free = replace(ctx.without_fixed_cost(), targets=None, on_solution=None)
    best, removed, failures = start, 0, 0
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
        # with nothing left out before, the first solution serving everyone on time ends it
        found = run(
            free,
            search_parameters(seconds),
            order_seed=order_seed,
            warm=warm,
            open_vehicles=[v for v in best.used if v != victim],
            done=_all_on_time(cheapest) if dropped_before == 0 else None,
            guard_s=seconds * 1.5 + 5,
            late_cost=late_cost,
        )
        if (
            found is not None
            and found.late_s() == 0
            and found.dropped_penalty(data, stops) <= dropped_before
            and len(found.used) < len(best.used)
        ):
            best, removed, failures = found, removed + 1, 0
        else:
            failures += 1
    return best, removed


def view_for(p: RoutingProblem, params: SolverParams, seed: int) -> ModelView | None:
    """The model's view (view.py), made once for route elimination and ruin and recreate, or
    None when the model is too big for them. Limits per team-day are the kernel's too:
    max_stops a count per route, max_hours an earlier return (view.py)."""
    if p.layout.n_nodes > MAX_NODES:
        return None
    return ModelView(p, params, random.Random(seed))


def _eliminate(
    ctx: SearchContext,
    first: Outcome,
    view: ModelView | None,
    deadline: float,
    order_seed: int,
    slice_s: float,
) -> tuple[Outcome, list[list[int]], int]:
    """Route elimination after the first solution, until ``deadline``: (outcome to fall back
    on, routes for the travel phase, routes removed). Ruin and recreate (remove_routes) when
    the model is small enough for it, else OR-Tools tries of ``slice_s`` (fewer_vehicles).
    No elimination when the first solution leaves anyone out: a team-day costs less than a
    resident left out (entry._check_fixed_cost), so no team-day is spare while someone waits."""
    if not _serves_everyone(first.problem, first.routes):
        return first, first.routes, 0
    if view is not None:
        routes, removed = remove_routes(view, first.routes, deadline)
        return first, routes, removed
    best, removed = fewer_vehicles(ctx, first, deadline, order_seed, slice_s)
    return best, best.routes, removed


def _serves_everyone(p: RoutingProblem, routes: Sequence[Sequence[int]]) -> bool:
    """Whether the routes serve every stop in the model: only then do route elimination and
    ruin and recreate run."""
    return sum(len(r) for r in routes) == len(p.layout.stop_of_node)


def _recreate(
    view: ModelView | None,
    routes: list[list[int]],
    deadline: float,
    on_solution: SolutionListener | None,
) -> list[list[int]]:
    """Ruin and recreate (ruin_recreate.py) on the fleet route elimination left, for
    ``RUIN_SHARE`` of the time to ``deadline``. GLS alone gets the time when the model is too
    big for it, or when someone is left out: ruin and recreate only reorders whom the routes
    serve, while GLS also puts residents in."""
    if view is None or not _serves_everyone(view.p, routes):
        return routes
    until = time.time() + RUIN_SHARE * max(0.0, deadline - time.time())
    served = [s for r in routes for s in r]  # ruin and recreate keeps whom the routes serve

    def tell(cost: int) -> None:
        """Report a cost to the listener; the routes serve the same stops throughout."""
        if on_solution is not None:
            on_solution(cost, lambda: served)

    return improve_travel(
        view, routes, until, on_solution=tell if on_solution is not None else None
    )[0]
