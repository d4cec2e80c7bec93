"""Locked routes (hand edits): kept exactly as the planner left them, the rest searched around.

``ProblemData.locked_routes`` (vehicle -> its stop indices, in order) is taken *out* of the
search rather than constrained inside it:

1. each locked route is timed by the same routing model as the search (``build_model``:
   travel, service, time windows, lunch break, doses, the stops the team may serve), built over
   the locked stops only with every ``NextVar`` of each chain fixed: the route gets exactly the
   times the search would give it. A chain the model cannot keep (a window missed, the shift or
   the doses exceeded, a stop the team may not serve) is an :class:`InputError` naming the
   route and the first stop that breaks it;
2. the search runs on the other stops only (renumbered), with each locked vehicle *closed*: it
   resumes at its station at the end of its shift with no dose left (a ``VehicleStart``), so no
   phase of any search can give it a stop (OR-Tools runs, the relaxed-breaks phase, the
   ruin-and-recreate kernel, area decomposition: they all already honour ``starts``). An
   *open* lock (``ProblemData.locked_open``: a move keeps the route up to the moved stop)
   resumes instead at its last locked stop when it leaves it, with the doses it used, as a
   re-plan resumes a team under way: the search may add stops after it;
3. the search's routes and reasons are numbered back, and the locked routes added (an open
   lock's followed by what the search added, its travel counted again).

Fixing ``NextVar`` chains inside the searched model instead was rejected: the relaxed phase
(lunch breaks out, the shift shortened by the break) would refuse a locked day that fills the
shift, the ruin-and-recreate kernel and the areas would each have to learn the locks, and a
chain that cannot be kept would end as "no solution" instead of a message naming the stop.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from planner.errors import InputError
from planner.model import ProblemData, VehicleStart
from planner.settings import SolverParams, VialParams
from planner.solver.extract import extract_routes
from planner.solver.result import Result, Route
from planner.solver.routing import (
    RoutingProblem,
    allowed_vehicles,
    break_window,
    build_model,
    day_and_team,
    vehicle_index,
    vehicle_shift,
)
from planner.travel import TravelModel

#: seconds OR-Tools may spend on timing the locked routes (their chains are fixed: the first
#: solution is the only one)
TIMING_LIMIT_S = 5.0

SolveFn = Callable[..., Result]


def solve_around_locks(
    data: ProblemData,
    travel: TravelModel,
    params: SolverParams,
    progress: Callable[..., None] | None,
    initial_routes: Sequence[Sequence[int]] | None,
    vials: VialParams | None,
    solve: SolveFn,
) -> Result:
    """``solve`` on the stops outside the locked routes, the locked vehicles closed (or, for an
    open lock, resuming after its stops), then the locked routes (timed by
    :func:`time_locked_routes`) put back (see the module's docstring)."""
    locked = {v: tuple(chain) for v, chain in data.locked_routes.items()}
    n_teams = len(data.teams)
    timed = {
        vehicle_index(r.day, r.team_index, n_teams): r
        for r in time_locked_routes(data, travel, params, locked)
    }
    taken = {s for chain in locked.values() for s in chain}
    free = [s for s in range(len(data.stops)) if s not in taken]
    resumes = {
        v: _resume_after(data, params, timed[v])
        for v in locked
        if v in data.locked_open and v in timed
    }
    warm = _free_warm_start(data, params, travel, initial_routes, locked, free, resumes)
    searched = search_data(data, locked, free, resumes)
    result = solve(searched, travel, params, progress, warm, vials)
    return _put_back(data, travel, result, timed, free, len(locked))


def search_data(
    data: ProblemData,
    locked: Mapping[int, Sequence[int]],
    free: Sequence[int],
    resumes: Mapping[int, VehicleStart],
) -> ProblemData:
    """The problem the search sees: the free stops only (stop k is ``free[k]``); each locked
    vehicle closed (at its station at the end of its shift, no dose left, break taken), or,
    for an open lock, resuming after its last locked stop (there, then, its doses used, its
    break taken if the locked stops took it)."""
    new_index = {s: k for k, s in enumerate(free)}
    starts = dict(data.starts)
    for v in locked:
        day, t = day_and_team(v, len(data.teams))
        team = data.teams[t]
        if v in resumes:
            starts[(t, day)] = resumes[v]
        elif v not in data.locked_open:
            end_s = vehicle_shift(data, (t, day))[1]  # the day's hours (a Saturday's shift)
            starts[(t, day)] = VehicleStart(
                team.depot_lat, team.depot_lon, end_s, team.max_doses, True
            )
    return replace(
        data,
        stops=tuple(data.stops[s] for s in free),
        starts=starts,
        previous_vehicle={
            new_index[s]: v for s, v in data.previous_vehicle.items() if s in new_index
        },
        locked_routes={},
        locked_open=frozenset(),
    )


def _resume_after(data: ProblemData, params: SolverParams, route: Route) -> VehicleStart:
    """Where an open lock's team goes on: its last locked stop, at its departure, with the
    doses it used; the break counts as taken when it began before, or can no longer begin."""
    last = route.visits[-1]
    stop = data.stops[last.stop_index]
    before = data.starts.get((route.team_index, route.day))
    doses = sum(data.stops[x.stop_index].doses for x in route.visits)
    window = break_window(data, params, (route.team_index, route.day))
    taken = (
        window is None
        or (route.break_s is not None and route.break_s[0] < last.departure_s)
        or last.departure_s > window[1]
    )
    return VehicleStart(
        stop.lat,
        stop.lon,
        last.departure_s,
        doses + (before.doses_used if before else 0),
        taken,
    )


def _free_warm_start(
    data: ProblemData,
    params: SolverParams,
    travel: TravelModel,
    initial: Sequence[Sequence[int]] | None,
    locked: Mapping[int, Sequence[int]],
    free: Sequence[int],
    resumes: Mapping[int, VehicleStart],
) -> list[list[int]] | None:
    """The warm start in the search's numbering: locked stops out, closed vehicles empty; an
    open lock keeps, after its locked stops, those of its previous stops that still fit
    (``_fitting``: a warm start that does not fit is refused whole by OR-Tools)."""
    if initial is None:
        return None
    new_index = {s: k for k, s in enumerate(free)}
    out = []
    for v, route in enumerate(initial):
        rest = [s for s in route if s in new_index]
        if v in resumes:
            rest = _fitting(data, params, travel, v, resumes[v], rest)
        elif v in locked:
            rest = []
        out.append([new_index[s] for s in rest])
    return out


def _fitting(
    data: ProblemData,
    params: SolverParams,
    travel: TravelModel,
    vehicle: int,
    resume: VehicleStart,
    stops: Sequence[int],
) -> list[int]:
    """The stops, in order, that the team can still visit after resuming: within their
    windows, back at the station by the end of the shift less a lunch break still to take,
    within its doses; the others skipped (the search may place them anew)."""
    day, t = day_and_team(vehicle, len(data.teams))
    team = data.teams[t]
    window = None if resume.break_taken else break_window(data, params, (t, day))
    end = vehicle_shift(data, (t, day))[1] - (window[2] if window else 0)
    points = [(resume.lat, resume.lon)]
    points += [(data.stops[s].lat, data.stops[s].lon) for s in stops]
    points.append((team.depot_lat, team.depot_lon))
    seconds = travel.matrix([p[0] for p in points], [p[1] for p in points], team.travel_mode)
    m, home = seconds.seconds, len(points) - 1
    kept: list[int] = []
    at, here, doses = resume.time_s, 0, resume.doses_used
    for k, s in enumerate(stops, start=1):
        stop = data.stops[s]
        begin = max(at + int(m[here, k]), stop.window_start_s or 0)
        leave = begin + stop.service_s
        late = stop.window_end_s is not None and begin > stop.window_end_s
        if late or leave + int(m[k, home]) > end or doses + stop.doses > team.max_doses:
            continue
        kept.append(s)
        at, here, doses = leave, k, doses + stop.doses
    return kept


def _put_back(
    data: ProblemData,
    travel: TravelModel,
    result: Result,
    timed: Mapping[int, Route],
    free: Sequence[int],
    n_locked: int,
) -> Result:
    """The search's routes and reasons in the whole problem's numbering, the locked routes
    added (an open lock's route goes on with the searched one), in (day, team) order."""
    n_teams = len(data.teams)
    routes: dict[int, Route] = dict(timed)
    for r in result.routes:
        r = replace(r, visits=tuple(replace(x, stop_index=free[x.stop_index]) for x in r.visits))
        v = vehicle_index(r.day, r.team_index, n_teams)
        routes[v] = _joined(data, travel, routes[v], r) if v in routes else r
    unserved = tuple(replace(u, stop_index=free[u.stop_index]) for u in result.unserved)
    return replace(
        result,
        routes=tuple(routes[v] for v in sorted(routes, key=lambda v: day_and_team(v, n_teams))),
        unserved=unserved,
        stats={**result.stats, "locked_routes": n_locked},
    )


def _joined(data: ProblemData, travel: TravelModel, head: Route, tail: Route) -> Route:
    """An open lock's route: its locked stops, then the stops the search added after them;
    travel and distance counted again over the whole route."""
    team = data.teams[head.team_index]
    visits = (*head.visits, *tail.visits)
    points = [(team.depot_lat, team.depot_lon)]
    points += [(data.stops[x.stop_index].lat, data.stops[x.stop_index].lon) for x in visits]
    points.append((team.depot_lat, team.depot_lon))
    matrix = travel.matrix([p[0] for p in points], [p[1] for p in points], team.travel_mode)
    legs = range(len(points) - 1)
    return replace(
        head,
        visits=visits,
        end_s=tail.end_s,
        distance_m=int(sum(matrix.metres[k, k + 1] for k in legs)),
        travel_s=int(sum(matrix.seconds[k, k + 1] for k in legs)),
        break_s=head.break_s
        if head.break_s is not None and head.break_s[0] < head.visits[-1].departure_s
        else tail.break_s,
    )


def time_locked_routes(
    data: ProblemData,
    travel: TravelModel,
    params: SolverParams,
    locked: Mapping[int, Sequence[int]],
) -> list[Route]:
    """The locked routes with their times, from the routing model with every chain fixed;
    :class:`InputError` naming the first stop that cannot be kept when a chain is infeasible."""
    chains = {v: list(c) for v, c in locked.items() if c}
    if not chains:
        return []
    _check_chains(data, chains)
    solved = _solve_chains(data, travel, params, chains)
    if solved is None:
        raise InputError(_why_not(data, travel, params, chains))
    return extract_routes(*solved)


def _check_chains(data: ProblemData, chains: Mapping[int, Sequence[int]]) -> None:
    """Stops that exist, each in one locked route at most, on a vehicle of the horizon."""
    seen: dict[int, int] = {}
    n_vehicles = len(data.teams) * data.days
    for v, chain in chains.items():
        if not 0 <= v < n_vehicles:
            raise InputError(f"a locked route names vehicle {v}, outside the plan's team-days")
        for s in chain:
            if not 0 <= s < len(data.stops):
                raise InputError(f"a locked route names stop {s}, which does not exist")
            if s in seen:
                raise InputError(
                    f"{_route_name(data, v)}: stop {data.stops[s].stop_id} is also locked in "
                    f"{_route_name(data, seen[s])}"
                )
            seen[s] = v


def _solve_chains(
    data: ProblemData,
    travel: TravelModel,
    params: SolverParams,
    chains: Mapping[int, Sequence[int]],
) -> tuple[RoutingProblem, pywrapcp.Assignment] | None:
    """The routing model over the chains' stops, every chain's NextVars fixed, solved once."""
    stops = [s for chain in chains.values() for s in chain]
    problem = build_model(data, travel, params, stops, open_vehicles=list(chains))
    routing, manager = problem.routing, problem.manager
    search = pywrapcp.DefaultRoutingSearchParameters()
    search.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    search.time_limit.FromMilliseconds(int(TIMING_LIMIT_S * 1000))
    try:
        for v, chain in chains.items():
            previous = routing.Start(v)
            for s in chain:
                index = manager.NodeToIndex(problem.layout.node_of_stop[s])
                routing.VehicleVar(index).SetValue(v)
                routing.NextVar(previous).SetValue(index)
                previous = index
            routing.NextVar(previous).SetValue(routing.End(v))
        solution = routing.SolveWithParameters(search)
    except Exception as exc:  # SWIG raises "CP Solver fail" when a domain contradicts
        if "CP Solver fail" not in str(exc):
            raise
        return None  # the chain, at once (the model's own propagation, before any search)
    return None if solution is None else (problem, solution)


def _why_not(
    data: ProblemData,
    travel: TravelModel,
    params: SolverParams,
    chains: Mapping[int, Sequence[int]],
) -> str:
    """Which locked route breaks, at which stop: each chain is tried alone, prefix by prefix."""
    for v, chain in chains.items():
        for k, s in enumerate(chain, start=1):
            stop = data.stops[s]
            where = f"{_route_name(data, v)} cannot be kept: stop {k} ({stop.stop_id})"
            if v not in allowed_vehicles(data, s):
                return (
                    f"{where} may not be served by this team on this day (doctor, vaccine, "
                    "due date, ward, day off or a pin to another team or day)"
                )
            if _solve_chains(data, travel, params, {v: chain[:k]}) is None:
                return (
                    f"{where} cannot be reached in time: its time window, the lunch break, the "
                    "end of the shift or the team's doses do not allow it at this position"
                )
    return "the locked routes cannot all be kept together"


def _route_name(data: ProblemData, vehicle: int) -> str:
    """'the locked route of team T1 on 23/11/2026' (dates as the pages write them)."""
    day, t = day_and_team(vehicle, len(data.teams))
    date = data.start_date + dt.timedelta(days=day)
    return f"the locked route of team {data.teams[t].team_id} on {date:%d/%m/%Y}"
