"""``solve(data, travel, params) -> Result``: pure, time-bounded, a reason per stop left out."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from planner.errors import InputError, InternalError
from planner.model import ProblemData
from planner.settings import SolverParams, VialParams
from planner.solver.decompose import Area, local_routes, local_targets, split
from planner.solver.portfolio import portfolio
from planner.solver.reasons import diagnose, reason_without_vehicle
from planner.solver.result import REASON_CODES, Result, Route, Unserved, Visit
from planner.solver.routing import allowed_vehicles, stop_penalty
from planner.solver.wastage import better, dose_targets, evaluate
from planner.travel import TravelModel

__all__ = ["REASON_CODES", "Progress", "Result", "Route", "Unserved", "Visit", "solve"]

#: the wastage pass's share of the time limit. It runs on the full model (it starts from the
#: first plan, which the model without breaks may not take), where moves are a hundred times
#: dearer, so it changes little either way (1,000 residents, 60 s: 412 -> 402 wasted doses with
#: a half, 405 -> 405 with a quarter), while the first plan gains from the time: 84.38 % ->
#: 84.91 % priority-weighted coverage
STEER_SHARE = 0.25


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
    With ``vials`` (wastage-aware on), ``STEER_SHARE`` of the time goes to steering routes to
    whole vials."""
    params = params or SolverParams()
    if vials is None or not vials.wastage_aware or vials.weight <= 0:
        return _solve(data, travel, params, progress, initial_routes)
    steer_s = params.time_limit_s * STEER_SHARE
    first = _solve(data, travel, replace(params, time_limit_s=params.time_limit_s - steer_s),
                   progress, initial_routes)
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
    second = _solve(data, travel, replace(params, time_limit_s=steer_s), progress, warm,
                    (targets, vials.weight) if steer else None)
    old = evaluate(data, first, vials.products)
    new = evaluate(data, second, vials.products)
    chosen = second if better(new, old, vials.weight) else first
    chosen.runtime_s = first.runtime_s + second.runtime_s
    chosen.stats.update({"waste_first_pass": old[1], "waste_second_pass": new[1],
                         "second_pass_kept": chosen is second, "second_pass_steered": steer})
    return chosen


def _check_fixed_cost(data: ProblemData, params: SolverParams, stops: Sequence[int]) -> None:
    """A vehicle's fixed cost at or above the cost of leaving someone out makes the search
    leave residents out to save team-days (a 9-resident plan at 10^7 served nobody): refuse
    it with the bound, instead of a plan that looks empty for no reason."""
    cheapest = min(stop_penalty(data.stops[s].priority) for s in stops)
    if params.vehicle_fixed_cost >= cheapest:
        raise InputError(
            f"settings [solver] vehicle_fixed_cost: {params.vehicle_fixed_cost} is not below "
            f"the cost of leaving a resident of the lowest priority here out ({cheapest}); "
            f"plans would leave residents out to save team-days. Use a value below {cheapest} "
            "and above a day's travel in seconds (e.g. 50000), or 0")


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
    _check_fixed_cost(data, params, in_model)
    areas = split(data, in_model, params.split_stops) if params.split_stops else []
    if areas:
        return _solve_areas(data, travel, params, areas, progress, initial_routes, targets,
                            unserved, started)
    counter = {"n": 0}

    def on_solution(cost: int) -> None:
        counter["n"] += 1
        if progress:
            progress(Progress(time.monotonic() - started, params.time_limit_s, counter["n"],
                              cost))

    found, workers = portfolio(data, travel, params, in_model, initial_routes, targets,
                               on_solution)
    elapsed = time.monotonic() - started
    if found is None:
        raise InternalError("the routing search found no solution; every stop is optional, "
                            "so this is a bug")
    served = {v.stop_index for r in found.routes for v in r.visits}
    unserved += diagnose(data, travel, [s for s in in_model if s not in served])
    return Result(found.routes, unserved, found.objective, elapsed, found.solutions, "solved",
                  stopped_by_guard=elapsed > params.guard_s,
                  stats={"stops_in_model": len(in_model),
                         "vehicles": len(data.teams) * data.days, "workers": workers,
                         "best_worker": found.worker, "routes_removed": found.routes_removed})


def _solve_areas(data: ProblemData, travel: TravelModel, params: SolverParams,
                 areas: list[Area], progress: Callable[[Progress], None] | None,
                 initial_routes: Sequence[Sequence[int]] | None,
                 targets: tuple[dict[int, int], int] | None, unserved: list[Unserved],
                 started: float) -> Result:
    """Solve area by area (time shared by stops), then put routes and reasons back together."""
    total = sum(len(a.stops) for a in areas)
    routes: list[Route] = []
    objective = solutions = 0
    for area in areas:
        if not area.stops:
            continue
        left = params.time_limit_s - (time.monotonic() - started)
        share = max(1.0, min(left, params.time_limit_s * len(area.stops) / total))

        def told(p: Progress, before: int = solutions) -> None:
            if progress:
                progress(Progress(time.monotonic() - started, params.time_limit_s,
                                  before + p.solutions, p.objective))

        part = _solve(area.data, travel, replace(params, time_limit_s=share, split_stops=0),
                      told, local_routes(area, initial_routes),
                      local_targets(area, targets))
        for r in part.routes:
            routes.append(replace(r, team_index=area.teams[r.team_index], visits=tuple(
                replace(v, stop_index=area.stops[v.stop_index]) for v in r.visits)))
        unserved += [replace(u, stop_index=area.stops[u.stop_index]) for u in part.unserved]
        objective += part.objective
        solutions += part.solutions_found
    elapsed = time.monotonic() - started
    return Result(routes, unserved, objective, elapsed, solutions, "solved",
                  stopped_by_guard=elapsed > params.guard_s,
                  stats={"areas": len([a for a in areas if a.stops]),
                         "vehicles": len(data.teams) * data.days, "workers": params.workers})
