"""``solve(data, travel, params) -> Result``: pure, time-bounded, a reason per stop left out."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from planner.errors import InternalError
from planner.model import ProblemData
from planner.settings import SolverParams, VialParams
from planner.solver.extract import extract_routes
from planner.solver.reasons import diagnose, reason_without_vehicle
from planner.solver.result import REASON_CODES, Result, Route, Unserved, Visit
from planner.solver.routing import RoutingProblem, allowed_vehicles, build_model, set_dose_targets
from planner.solver.wastage import better, dose_targets, evaluate
from planner.travel import TravelModel

__all__ = ["REASON_CODES", "Progress", "Result", "Route", "Unserved", "Visit", "solve"]


@dataclass(frozen=True)
class Progress:
    elapsed_s: float
    time_limit_s: float
    solutions: int
    objective: int


def solve(data: ProblemData, travel: TravelModel, params: SolverParams | None = None,
          progress: Callable[[Progress], None] | None = None,
          initial_routes: Sequence[Sequence[int]] | None = None,
          vials: VialParams | None = None) -> Result:
    """Plan the whole horizon. ``initial_routes[v]`` (stop indices) warm-starts the search.
    With ``vials`` (wastage-aware on), half the time goes to steering routes to whole vials."""
    params = params or SolverParams()
    if vials is None or not vials.wastage_aware or vials.weight <= 0:
        return _solve(data, travel, params, progress, initial_routes)
    half = replace(params, time_limit_s=params.time_limit_s / 2)
    first = _solve(data, travel, half, progress, initial_routes)
    if not first.routes:
        return first
    targets = dose_targets(data, first, vials.products)
    steer = any(targets.get(r.day * len(data.teams) + r.team_index, 0) != sum(
        data.stops[v.stop_index].doses for v in r.visits) for r in first.routes) or any(
        t > 0 for v, t in targets.items() if all(
            r.day * len(data.teams) + r.team_index != v for r in first.routes))
    warm: list[list[int]] = [[] for _ in range(len(data.teams) * data.days)]
    for r in first.routes:
        warm[r.day * len(data.teams) + r.team_index] = [v.stop_index for v in r.visits]
    second = _solve(data, travel, half, progress, warm,
                    (targets, vials.weight) if steer else None)
    old = evaluate(data, first, vials.products)
    new = evaluate(data, second, vials.products)
    chosen = second if better(new, old, vials.weight) else first
    chosen.runtime_s = first.runtime_s + second.runtime_s
    chosen.stats.update({"waste_first_pass": old[1], "waste_second_pass": new[1],
                         "second_pass_kept": chosen is second, "second_pass_steered": steer})
    return chosen


def _solve(data: ProblemData, travel: TravelModel, params: SolverParams,
           progress: Callable[[Progress], None] | None = None,
           initial_routes: Sequence[Sequence[int]] | None = None,
           targets: tuple[dict[int, int], int] | None = None) -> Result:
    started = time.monotonic()
    unserved: list[Unserved] = []
    in_model: list[int] = []
    for s in range(len(data.stops)):
        if allowed_vehicles(data, s):
            in_model.append(s)
        else:
            unserved.append(reason_without_vehicle(data, s))
    if not in_model:
        return Result([], unserved, 0, time.monotonic() - started, 0, "solved")
    problem = build_model(data, travel, params, in_model, params.seed)
    if targets is not None:
        set_dose_targets(problem, *targets)
    routing = problem.routing
    counter = {"n": 0, "best": 0}

    def on_solution() -> None:
        counter["n"] += 1
        counter["best"] = routing.CostVar().Value()
        if progress:
            progress(Progress(time.monotonic() - started, params.time_limit_s, counter["n"],
                              counter["best"]))

    routing.AddAtSolutionCallback(on_solution)
    search = _search_parameters(params)
    guard = threading.Timer(params.guard_s, routing.CancelSearch)
    guard.daemon = True
    guard.start()
    try:
        solution = _run(problem, search, initial_routes)
    finally:
        guard.cancel()
    elapsed = time.monotonic() - started
    if solution is None:
        raise InternalError(f"the routing search found no solution (status "
                            f"{routing.status()}); every stop is optional, so this is a bug")
    routes = extract_routes(problem, solution)
    served = {v.stop_index for r in routes for v in r.visits}
    unserved += diagnose(data, travel, [s for s in in_model if s not in served])
    return Result(routes, unserved, solution.ObjectiveValue(), elapsed, counter["n"], "solved",
                  stopped_by_guard=elapsed > params.guard_s,
                  stats={"stops_in_model": len(in_model), "vehicles": len(problem.vehicles)})


def _search_parameters(params: SolverParams) -> pywrapcp.DefaultRoutingSearchParameters:
    search = pywrapcp.DefaultRoutingSearchParameters()
    search.first_solution_strategy = (
        routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION)
    search.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH)
    search.time_limit.FromMilliseconds(max(1, int(params.time_limit_s * 1000)))
    return search


def _run(problem: RoutingProblem, search: Any,
         initial_routes: Sequence[Sequence[int]] | None) -> Any:
    routing = problem.routing
    if initial_routes:
        node_routes = [[problem.layout.node_of_stop[s] for s in route
                        if s in problem.layout.node_of_stop] for route in initial_routes]
        node_routes += [[] for _ in range(len(problem.vehicles) - len(node_routes))]
        routing.CloseModelWithParameters(search)
        hint = routing.ReadAssignmentFromRoutes(
            [[problem.manager.NodeToIndex(n) for n in r] for r in node_routes], True)
        if hint is not None:
            solution = routing.SolveFromAssignmentWithParameters(hint, search)
            if solution is not None:
                return solution
        # the previous routes no longer fit (times or capacity changed): search from scratch
    return routing.SolveWithParameters(search)
