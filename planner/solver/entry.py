"""``solve(data, travel, params) -> Result``: pure, time-bounded, a reason per stop left out.

The solve, top-down:

1. filter: a stop no team may serve (doctor, vaccine, due day) gets its reason and stays out of
   the model (``_filter``);
2. split into areas when the horizon is large (decompose.py), each solved as below in its
   share of the time, then put back together (``_solve_areas``);
3. portfolio: one search per core (portfolio.py), each with its strategy; a search runs in
   phases: vehicles first when they carry a fixed cost (vehicles_first.py), else coverage
   rounds on the model without lunch breaks, the breaks put back (breaks.py), then the full
   model (coverage.py);
4. diagnosis: a reason for every stop the search left out (reasons.py).

With wastage-aware vials a second pass steers the routes towards whole vials (wastage.py).
A caller's ``progress`` hears of each solution, with the residents planned and the
priority-weighted coverage of the best plan so far (progress.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from planner.errors import InputError, InternalError
from planner.model import ProblemData
from planner.settings import SolverParams, VialParams
from planner.solver.cluster import active_session
from planner.solver.context import DoseTargets, SearchContext
from planner.solver.decompose import Area, local_routes, local_targets, split
from planner.solver.locks import solve_around_locks
from planner.solver.portfolio import portfolio, worker_pool
from planner.solver.progress import Progress, ProgressTracker, ServedReader
from planner.solver.reasons import diagnose, reason_without_vehicle
from planner.solver.result import Result, Route, Status, Unserved
from planner.solver.routing import allowed_vehicles, stop_penalty
from planner.solver.sectors import sectors
from planner.solver.wastage import wastage_pass
from planner.travel import TravelModel

__all__ = ["Progress", "solve"]


@dataclass(frozen=True)
class _Request:
    """One horizon to plan: the problem, its travel, the settings and what the caller adds (a
    warm start: stop indices per vehicle, dose targets), and the progress tracker; an area's
    request has ``stop_map``, its stops' indices in the whole problem."""

    data: ProblemData
    travel: TravelModel
    params: SolverParams
    tracker: ProgressTracker | None = None
    initial_routes: Sequence[Sequence[int]] | None = None
    targets: DoseTargets | None = None
    stop_map: Sequence[int] | None = None


def solve(
    data: ProblemData,
    travel: TravelModel,
    params: SolverParams | None = None,
    progress: Callable[[Progress], None] | None = None,
    initial_routes: Sequence[Sequence[int]] | None = None,
    vials: VialParams | None = None,
) -> Result:
    """Plan the whole horizon. ``initial_routes[v]`` (stop indices) warm-starts the search.
    With ``vials`` (wastage-aware on), part of the time goes to steering routes to whole vials
    (wastage.wastage_pass). Raises InternalError when the search found no plan at all."""
    params = params or SolverParams()
    # on a cluster the areas' searches run on its workers: no pool here
    with worker_pool(params.workers if active_session() is None else 1):
        return _solve(data, travel, params, progress, initial_routes, vials)


def _solve(
    data: ProblemData,
    travel: TravelModel,
    params: SolverParams,
    progress: Callable[[Progress], None] | None,
    initial_routes: Sequence[Sequence[int]] | None,
    vials: VialParams | None,
) -> Result:
    """``solve`` within the solve's pool of search processes."""
    if data.locked_routes:  # hand edits: kept as they are, the rest searched around them
        return solve_around_locks(data, travel, params, progress, initial_routes, vials, solve)
    tracker = ProgressTracker(data, params.time_limit_s, progress) if progress else None
    request = _Request(data, travel, params, tracker, initial_routes)

    def one_pass(
        pass_params: SolverParams, warm: Sequence[Sequence[int]] | None, targets: DoseTargets | None
    ) -> Result:
        """Solve the horizon once with these settings, warm start and targets (wastage pass)."""
        return _solve_horizon(
            replace(request, params=pass_params, initial_routes=warm, targets=targets)
        )

    if vials is None or not vials.wastage_aware or vials.weight <= 0:
        result = _solve_horizon(request)
    else:
        result = wastage_pass(data, vials, request.params, initial_routes, one_pass)
    if not result.is_feasible():
        raise InternalError(
            "the routing search found no solution; every stop is optional, so this is a bug"
        )
    if tracker is not None:
        tracker.finished((v.stop_index for r in result.routes for v in r.visits), result.objective)
    return result


def _solve_horizon(request: _Request) -> Result:
    """Filter, split into areas or search the whole horizon with the portfolio, diagnose."""
    started = time.monotonic()
    data, params = request.data, request.params
    if request.tracker is not None and request.stop_map is None:
        request.tracker.new_pass()
    in_model, unserved = _filter(data)
    if not in_model:
        return Result((), tuple(unserved), 0, time.monotonic() - started, 0, Status.FEASIBLE)
    _check_fixed_cost(data, params, in_model)
    # areas of stations, and a station far above the split size cut into sectors (in this
    # process and on a cluster alike)
    areas = (
        sectors(data, split(data, in_model, params.split_stops), params.split_stops)
        if params.split_stops
        else []
    )
    if areas:
        session = active_session() if request.stop_map is None else None
        if session is not None and sum(1 for a in areas if a.stops) > 1:
            from planner.solver.areas_dask import Horizon, solve_on_cluster  # dask: when used

            horizon = Horizon(
                data,
                request.travel,
                params,
                request.tracker,
                request.initial_routes,
                request.targets,
            )
            return solve_on_cluster(session, horizon, areas, unserved, started)
        return _solve_areas(request, areas, unserved, started)
    found, workers = portfolio(_context(request, in_model))
    elapsed = time.monotonic() - started
    if found is None:
        return Result((), tuple(unserved), 0, elapsed, 0, Status.NO_SOLUTION)
    served = {v.stop_index for r in found.routes for v in r.visits}
    unserved += diagnose(
        data, request.travel, [s for s in in_model if s not in served], found.routes
    )
    return Result(
        tuple(found.routes),
        tuple(unserved),
        found.objective,
        elapsed,
        found.solutions,
        _status(elapsed, params),
        stats={
            "stops_in_model": len(in_model),
            "vehicles": len(data.teams) * data.days,
            "workers": workers,
            "best_worker": found.worker,
            "routes_removed": found.routes_removed,
        },
    )


def _filter(data: ProblemData) -> tuple[list[int], list[Unserved]]:
    """(stops some vehicle may serve, the others with their reason)."""
    in_model: list[int] = []
    unserved: list[Unserved] = []
    for s in range(len(data.stops)):
        if allowed_vehicles(data, s):
            in_model.append(s)
        else:
            unserved.append(reason_without_vehicle(data, s))
    return in_model, unserved


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
            "and above a day's travel in seconds (e.g. 50000), or 0"
        )


def _context(request: _Request, in_model: list[int]) -> SearchContext:
    """The portfolio's search context: the time limit from now, the tracker (if any) told of
    each solution."""
    params, tracker, stop_map = request.params, request.tracker, request.stop_map

    def on_solution(cost: int, served: ServedReader) -> None:
        """Tell the progress tracker of a solution, in the whole problem's stop numbers."""
        if tracker is not None:
            tracker.solution(cost, served, stop_map)

    return SearchContext(
        request.data,
        request.travel,
        params,
        in_model,
        time.time() + params.time_limit_s,
        request.initial_routes,
        request.targets,
        on_solution if tracker is not None else None,
    )


def _status(elapsed: float, params: SolverParams) -> Status:
    return Status.CANCELLED if elapsed > params.guard_s else Status.FEASIBLE


def _solve_areas(
    request: _Request, areas: list[Area], unserved: list[Unserved], started: float
) -> Result:
    """Solve area by area (time shared by stops), then put routes and reasons back together."""
    params, tracker = request.params, request.tracker
    total = sum(len(a.stops) for a in areas)
    routes: list[Route] = []
    objective = solutions = 0
    for area in areas:
        if not area.stops:
            continue
        left = params.time_limit_s - (time.monotonic() - started)
        share = max(1.0, min(left, params.time_limit_s * len(area.stops) / total))
        part = _solve_horizon(
            _Request(
                area.data,
                request.travel,
                replace(params, time_limit_s=share, split_stops=0),
                tracker,
                local_routes(area, request.initial_routes),
                local_targets(area, request.targets),
                area.stops,
            )
        )
        if not part.is_feasible():
            return replace(part, routes=(), unserved=(), runtime_s=time.monotonic() - started)
        mine = [global_route(area, r) for r in part.routes]
        routes += mine
        if tracker is not None:
            tracker.area_done(v.stop_index for r in mine for v in r.visits)
        unserved += [replace(u, stop_index=area.stops[u.stop_index]) for u in part.unserved]
        objective += part.objective
        solutions += part.solutions_found
    elapsed = time.monotonic() - started
    return Result(
        tuple(routes),
        tuple(unserved),
        objective,
        elapsed,
        solutions,
        _status(elapsed, params),
        stats={
            "areas": len([a for a in areas if a.stops]),
            "vehicles": len(request.data.teams) * request.data.days,
            "workers": params.workers,
        },
    )


def solve_part(
    data: ProblemData,
    travel: TravelModel,
    params: SolverParams,
    initial_routes: Sequence[Sequence[int]] | None = None,
    targets: DoseTargets | None = None,
) -> Result:
    """One area's solve as ``_solve_areas`` runs it, without progress: on a Dask worker
    (areas_dask.py). ``params`` should not split again (split_stops=0)."""
    return _solve_horizon(_Request(data, travel, params, None, initial_routes, targets))


def global_route(area: Area, route: Route) -> Route:
    """An area's route with the whole problem's team and stop indices."""
    return replace(
        route,
        team_index=area.teams[route.team_index],
        visits=tuple(replace(v, stop_index=area.stops[v.stop_index]) for v in route.visits),
    )
