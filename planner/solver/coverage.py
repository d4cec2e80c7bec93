"""A plain search (vehicles carry no fixed cost): most of the time on the model without lunch
breaks, in coverage rounds on some workers, then one GLS run on the full model.

Lunch breaks: a plain search runs most of its time on a model without break intervals (they
make every move a hundred times dearer) and finishes on the full one; see breaks.py.

Coverage rounds (the workers whose strategy says so: portfolio.STRATEGIES): OR-Tools scans its
operators in a fixed order and stays on one while it still improves, and the insertion
operators come after the inter-route ones (relocate, exchange, cross). On full routes, those
inter-route moves make room for more visits long before the scan reaches make-active. So the
time is cut into short GLS slices, each followed by a descent with only the operators that
insert (make-active, swap-active), which takes the room as soon as it is made. The other
workers keep one long GLS, which can reach a little further in a minute or more: the portfolio
keeps the better (figures: benchmarks/RESULTS.md).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from planner.errors import InputError
from planner.solver.breaks import place_breaks
from planner.solver.context import Found, SearchContext, WorkerStrategy
from planner.solver.coverage_search import CoverSearch
from planner.solver.extract import extract_routes
from planner.solver.locks import time_locked_routes
from planner.solver.result import Route
from planner.solver.routing import break_window, build_model
from planner.solver.runs import (
    GLS,
    Outcome,
    insertion_parameters,
    run,
    search_parameters,
)
from planner.solver.vehicles_first import view_for

#: with lunch breaks, the relaxed model (see breaks.py) gets this share of a plain search; the
#: full model, warm-started from its routes with their breaks put back, gets the rest
RELAXED_SHARE = 0.85
#: ... but the full model gets at least this many seconds (restoring a warm start with break
#: intervals is itself bounded by the time limit, and a start it cannot restore in time is
#: lost), and a search shorter than twice this is not split
FULL_MIN_S = 1.0
#: the compiled coverage search (kernel_coverage) gets this share of a plain search; the full
#: model, warm-started from its routes, polishes them in the rest
KERNEL_SHARE = 0.8
#: ... when that share is at least this many seconds
KERNEL_MIN_S = 0.1
#: coverage rounds: a GLS slice of this many seconds, then an insertion descent of at most ...
ROUND_S = 3.0
#: ... this many (it normally ends earlier, at its local optimum)
INSERT_S = 2.0


def plain_search(ctx: SearchContext, strategy: WorkerStrategy) -> Found | None:
    """The compiled coverage search (``kernel_coverage``) when the model suits it, else
    coverage rounds or GLS on the model without breaks (``_before_full``); then one GLS run on
    the full model until ``ctx.deadline``. The kernel's routes are kept as they are (timed by
    the full model, ``_timed``) when that run cannot restore them or ends worse."""
    total = max(0.05, ctx.deadline - time.time())
    kernel = kernel_coverage(ctx, strategy, total)
    warm: Sequence[Sequence[int]] | None = None if kernel is None else kernel[0]
    solutions = 0
    if kernel is None:
        warm, solutions = _before_full(ctx, strategy, total)
    # a warm start must be restored to count: it gets FULL_MIN_S even when the phases before
    # ran late (a first import compiling the kernel, a loaded machine)
    total = max(FULL_MIN_S if warm else 0.05, ctx.deadline - time.time())
    out = run(
        ctx,
        search_parameters(total, GLS, strategy.lambda_coefficient),
        order_seed=strategy.order_seed(ctx.params),
        warm=warm,
        guard_s=ctx.params.guard_after(total),
    )
    found = (
        None
        if out is None
        else Found(
            extract_routes(out.problem, out.solution),
            out.solution.ObjectiveValue(),
            solutions + out.solutions,
            strategy.worker,
        )
    )
    if kernel is not None and (
        out is None or not out.restored or found is None or found.objective > kernel[1]
    ):
        timed = _timed(ctx, kernel[0])
        if timed is not None:
            return Found(timed, kernel[1], 1 + (found.solutions if found else 0), strategy.worker)
    return found


def _timed(ctx: SearchContext, routes: Sequence[Sequence[int]]) -> list[Route] | None:
    """The kernel's routes as they are, timed by the full model with every chain fixed
    (locks.time_locked_routes: the same model, break intervals in, solved by constraint
    propagation rather than restored as a local search's start, which OR-Tools sometimes
    refuses for routes it accepts this way). None when it refuses them too."""
    chains = {v: list(r) for v, r in enumerate(routes) if r}
    if not chains:
        return []
    try:
        return time_locked_routes(ctx.data, ctx.travel, ctx.params, chains)
    except InputError:
        return None


def kernel_coverage(
    ctx: SearchContext, strategy: WorkerStrategy, total: float
) -> tuple[list[list[int]], int] | None:
    """``KERNEL_SHARE`` of ``total`` seconds in the compiled coverage search
    (coverage_search.py), from nothing: (its best routes, their cost in the model's
    objective, workload balance included), which warm-start the full model. None (the
    OR-Tools phases instead) for a warm start (a re-plan keeps to the plan it changes), dose
    targets (a cost the kernel does not count), a model the kernel does not take (view_for:
    too big), or too little time."""
    # the full model gets its share, and at least FULL_MIN_S (building it and restoring the
    # kernel's routes with break intervals take time of their own)
    reserve = max(total * (1 - KERNEL_SHARE), FULL_MIN_S)
    if ctx.initial_routes or ctx.targets is not None or total - reserve < KERNEL_MIN_S:
        return None
    seed = strategy.order_seed(ctx.params)
    p = build_model(ctx.data, ctx.travel, ctx.params, ctx.stops, seed, relax_breaks=True)
    view = view_for(p, ctx.params, seed)
    if view is None:
        return None
    listener = ctx.on_solution

    def tell(cost: int, served: list[int]) -> None:
        """Report a new best to the progress listener."""
        if listener is not None:
            listener(cost, lambda: served)

    # the wall-clock guard bounds the kernel as it bounds an OR-Tools run of that length
    seconds = max(0.0, ctx.deadline - reserve - time.time())
    deadline = time.time() + min(seconds, ctx.params.guard_after(seconds))
    search = CoverSearch(view)
    tell(search.best_cost, [s for r in search.best_routes() for s in r])

    def on_best(cost: int) -> None:
        """Report a new best with the stops it serves."""
        tell(cost, [s for r in search.best_routes() for s in r])

    search.run(deadline, on_best if listener is not None else None)
    return search.best_routes(), search.best_cost


def _before_full(
    ctx: SearchContext, strategy: WorkerStrategy, total: float
) -> tuple[Sequence[Sequence[int]] | None, int]:
    """Most of a plain search's ``total`` seconds: on the model without lunch breaks when
    there are any (breaks.py), in coverage rounds when the strategy says so. Returns (warm
    start for the last GLS run on the full model, with breaks put back; solutions found)."""
    data, params, warm = ctx.data, ctx.params, ctx.initial_routes
    # a warm start (re-plans, the wastage pass) keeps to the full model: it often does not fit
    # the shortened shifts (a break taken while waiting for a window costs no time in the full
    # model), and searching from nothing would forget the plan it should change little
    if warm:
        return warm, 0
    relax = any(
        break_window(data, params, (t, d)) for d in range(data.days) for t in range(len(data.teams))
    )
    seconds = total - max(total * (1 - RELAXED_SHARE), FULL_MIN_S)
    if not (relax or strategy.coverage_rounds) or seconds < FULL_MIN_S:
        return warm, 0
    # the rounds are many short runs: the wall-clock guard bounds them as one
    deadline = time.time() + min(seconds, params.guard_after(seconds))
    common: dict[str, Any] = dict(order_seed=strategy.order_seed(params), relax_breaks=relax)
    if strategy.coverage_rounds:
        found, solutions = coverage_rounds(ctx, deadline, strategy.lambda_coefficient, **common)
    else:
        found = run(
            ctx,
            search_parameters(seconds, GLS, strategy.lambda_coefficient),
            guard_s=params.guard_after(seconds),
            **common,
        )
        solutions = 0 if found is None else found.solutions
    if found is None:
        return warm, solutions
    return (place_breaks(found.problem, params, found.routes) if relax else found.routes, solutions)


def coverage_rounds(
    ctx: SearchContext, deadline: float, lambda_coefficient: float, **common: Any
) -> tuple[Outcome | None, int]:
    """GLS slices of ``ROUND_S`` alternated with insertion descents until ``deadline``; each
    run starts from the last one's routes (``common``: run's options). Returns (last outcome,
    solutions found)."""
    best: Outcome | None = None
    solutions, insert = 0, False
    while (left := deadline - time.time()) >= 0.1:
        seconds = min(left, INSERT_S if insert else ROUND_S)
        search = (
            insertion_parameters(seconds)
            if insert
            else search_parameters(seconds, GLS, lambda_coefficient)
        )
        out = run(
            ctx,
            search,
            warm=None if best is None else best.routes,
            guard_s=ctx.params.guard_after(seconds),
            **common,
        )
        if out is None or not out.restored:
            # a slice too short to restore its start would throw the rounds' work away
            break
        best, solutions, insert = out, solutions + out.solutions, not insert
    return best, solutions
