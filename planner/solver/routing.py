"""The OR-Tools routing model for a whole horizon: one vehicle per (team, day).

Nodes: one depot node per team, then one node per stop. All transits are integer matrices
(seconds rounded up, metres rounded up) registered with ``RegisterTransitMatrix``: no Python
callback is called inside the search.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from ortools.constraint_solver import pywrapcp

from planner.constants import PRIORITY_COST, PRIORITY_RESOLUTION
from planner.controls import break_fits, team_days, team_shift
from planner.model import ProblemData
from planner.settings import SolverParams
from planner.solver.balance import BalanceTerms, add_balance
from planner.travel import TravelMatrix, TravelModel

HORIZON_S = 24 * 3600


@dataclass
class NodeLayout:
    """Node numbering shared by the model and the extraction code.

    Nodes 0..T-1 are the team depots, then one node per re-plan start (a team resuming its day
    from its current stop), then one node per stop.
    """

    n_teams: int
    start_of_vehicle: dict[int, int]  # vehicle -> its own start node (re-plans only)
    stop_of_node: dict[int, int]  # node -> stop index (only stops in the model)
    node_of_stop: dict[int, int]

    @property
    def n_nodes(self) -> int:
        """Depots, resume points and stops: every node of the model."""
        return self.n_teams + len(self.start_of_vehicle) + len(self.stop_of_node)


@dataclass
class RoutingProblem:
    data: ProblemData
    layout: NodeLayout
    vehicles: list[tuple[int, int]]  # vehicle -> (team index, day)
    matrices: dict[str, TravelMatrix]  # per travel mode, over layout nodes
    service: np.ndarray  # seconds per node
    manager: pywrapcp.RoutingIndexManager
    routing: pywrapcp.RoutingModel
    time: pywrapcp.RoutingDimension
    breaks: dict[int, pywrapcp.IntervalVar]
    #: the workload balance cost the model carries (balance.py), for the compiled kernels:
    #: None without one
    balance: BalanceTerms | None = None


def horizon_of(data: ProblemData) -> int:
    """A day, or longer when shifts say so (benchmark instances use scaled time units)."""
    ends = [t.shift_end_s for t in data.teams]
    ends += [end for t in data.teams for _, _, end in t.weekday_shifts]  # a longer weekday
    return max(HORIZON_S, *ends)


def vehicle_index(day: int, team: int, n_teams: int) -> int:
    """The model's vehicle for ``team`` on ``day``: vehicles are numbered day after day, team
    by team within a day (``build_model``)."""
    return day * n_teams + team


def day_and_team(vehicle: int, n_teams: int) -> tuple[int, int]:
    """(day, team) of a vehicle: the inverse of ``vehicle_index``."""
    day, team = divmod(vehicle, n_teams)
    return day, team


def allowed_vehicles(data: ProblemData, stop_index: int) -> list[int]:
    """The vehicles that may serve the stop (planner.controls.team_days): its team has a
    doctor when the stop needs one, carries its vaccine, may work the stop's ward, is the
    pinned team if any; on a day from the stop's earliest day on, the pinned day if any, that
    the team works (not a day off, not a weekday 'off')."""
    n = len(data.teams)
    return [
        vehicle_index(day, t, n)
        for day, t in team_days(data.teams, data.stops[stop_index], data.dates)
    ]


def vehicle_shift(data: ProblemData, vehicle: tuple[int, int]) -> tuple[int, int]:
    """(start_s, end_s) of the team's hours on the vehicle's day: the weekday's shift when the
    teams list gives one; a day the team does not work is an empty shift at its start (the
    vehicle may serve nobody: allowed_vehicles)."""
    t, day = vehicle
    team = data.teams[t]
    shift = team_shift(team, data.start_date + dt.timedelta(days=day))
    return shift if shift is not None else (team.shift_start_s, team.shift_start_s)


def earliest_departure(data: ProblemData, vehicle: tuple[int, int]) -> int:
    """The shift start, or later when a re-plan resumes the team's day from its current stop."""
    t, day = vehicle
    resume = data.starts.get((t, day))
    shift_start = vehicle_shift(data, vehicle)[0]
    return max(shift_start, resume.time_s) if resume else shift_start


def break_window(
    data: ProblemData, params: SolverParams, vehicle: tuple[int, int]
) -> tuple[int, int, int] | None:
    """(earliest start, latest start, duration) of the vehicle's lunch break, or None."""
    t, day = vehicle
    team = data.teams[t]
    resume = data.starts.get((t, day))
    shift = vehicle_shift(data, vehicle)
    if not break_fits(team, shift) or (resume and resume.break_taken):
        return None
    assert team.break_start_s is not None  # break_fits
    duration = team.break_minutes * 60
    latest = min(team.break_start_s + params.break_slack_minutes * 60, shift[1] - duration)
    return team.break_start_s, max(latest, team.break_start_s), duration


def build_model(
    data: ProblemData,
    travel: TravelModel,
    params: SolverParams,
    stops: list[int],
    order_seed: int = 0,
    open_vehicles: Sequence[int] | None = None,
    late_cost: int = 0,
    relax_breaks: bool = False,
) -> RoutingProblem:
    """Build the model over the given stop indices (those with at least one allowed vehicle).
    ``open_vehicles``: only these vehicles may serve stops (route elimination, fixed fleet).
    ``late_cost`` > 0 makes window ends soft at that cost per second late (route elimination
    squeezes stops in late, then works the lateness off; a plan is only kept without any).
    ``relax_breaks``: no break intervals, the shift shortened by the break instead (see
    planner/solver/breaks.py: a hundred times faster to search, repaired afterwards)."""
    if order_seed:
        stops = list(np.random.default_rng(order_seed).permutation(stops))
    n_teams = len(data.teams)
    # (team, day) of each vehicle, in vehicle_index's order
    vehicles = [(t, d) for d in range(data.days) for t in range(n_teams)]
    resumed = [v for v, (t, d) in enumerate(vehicles) if (t, d) in data.starts]
    first_stop = n_teams + len(resumed)
    layout = NodeLayout(
        n_teams,
        {v: n_teams + k for k, v in enumerate(resumed)},
        {first_stop + k: s for k, s in enumerate(stops)},
        {s: first_stop + k for k, s in enumerate(stops)},
    )
    starts = [data.starts[vehicles[v]] for v in resumed]
    lat = (
        [t.depot_lat for t in data.teams]
        + [x.lat for x in starts]
        + [data.stops[s].lat for s in stops]
    )
    lon = (
        [t.depot_lon for t in data.teams]
        + [x.lon for x in starts]
        + [data.stops[s].lon for s in stops]
    )
    modes = sorted({t.travel_mode for t in data.teams})
    matrices = {m: travel.matrix(lat, lon, m) for m in modes}
    service = np.array([0] * first_stop + [data.stops[s].service_s for s in stops], dtype=np.int64)
    ends = [t for t, _ in vehicles]
    begins = [layout.start_of_vehicle.get(v, t) for v, (t, _) in enumerate(vehicles)]
    manager = pywrapcp.RoutingIndexManager(layout.n_nodes, len(vehicles), begins, ends)
    routing = pywrapcp.RoutingModel(manager)
    problem = RoutingProblem(data, layout, vehicles, matrices, service, manager, routing, None, {})
    _add_costs(problem, params)
    if params.vehicle_fixed_cost:
        routing.SetFixedCostOfAllVehicles(params.vehicle_fixed_cost)
    _add_time(problem, params, late_cost, relax_breaks)
    _add_doses(problem)
    _add_day_stops(problem)
    _add_stops(problem, None if open_vehicles is None else set(open_vehicles))
    add_balance(problem, params)
    return problem


def _add_costs(p: RoutingProblem, params: SolverParams) -> None:
    """Arc cost = travel seconds + a delay cost for a later day + a cost for moving a stop.
    The delay cost (``day_delay_cost`` x priority x day index, on the arc leaving the stop)
    pushes high-priority residents to earlier days without forbidding later ones; in a re-plan,
    ``change_cost`` per stop moved to another vehicle keeps residents where they were unless
    moving buys more."""
    cache: dict[tuple[str, int], int] = {}
    for v, leave in enumerate(leave_cost_rows(p, params)):
        mode = p.data.teams[p.vehicles[v][0]].travel_mode
        key = (mode, id(leave))  # vehicles with the same row share it (leave_cost_rows)
        if key not in cache:
            cost = p.matrices[mode].seconds + leave[:, None]
            cache[key] = p.routing.RegisterTransitMatrix(cost.tolist())
        p.routing.SetArcCostEvaluatorOfVehicle(cache[key], v)


def leave_cost_rows(p: RoutingProblem, params: SolverParams) -> list[np.ndarray]:
    """Per vehicle, its cost on the arc leaving each node beyond travel: the delay cost of its
    day and, in a re-plan, the cost of a stop moved from another vehicle. Vehicles of one day
    share one array when nothing was planned before (no moved stop to cost)."""
    moved = any(s in p.data.previous_vehicle for s in p.layout.stop_of_node.values())
    rows: dict[tuple[int, int], np.ndarray] = {}
    out = []
    for v, (_, day) in enumerate(p.vehicles):
        key = (day, v if moved else -1)
        if key not in rows:
            rows[key] = _leave_costs(p, params, v)
        out.append(rows[key])
    return out


def _leave_costs(p: RoutingProblem, params: SolverParams, vehicle: int) -> np.ndarray:
    day = p.vehicles[vehicle][1]
    leave = np.zeros(p.layout.n_nodes)
    for node, s in p.layout.stop_of_node.items():
        leave[node] = np.ceil(params.day_delay_cost * day * p.data.stops[s].priority)
        previous = p.data.previous_vehicle.get(s, -1)
        if previous >= 0 and previous != vehicle:
            leave[node] += params.change_cost
    return leave.astype(np.int64)


def _add_time(
    p: RoutingProblem, params: SolverParams, late_cost: int = 0, relax_breaks: bool = False
) -> None:
    transit: dict[str, int] = {}
    for mode, m in p.matrices.items():
        transit[mode] = p.routing.RegisterTransitMatrix((m.seconds + p.service[:, None]).tolist())
    per_vehicle = [transit[p.data.teams[t].travel_mode] for t, _ in p.vehicles]
    horizon = horizon_of(p.data)
    p.routing.AddDimensionWithVehicleTransits(per_vehicle, horizon, horizon, False, "time")
    p.time = p.routing.GetDimensionOrDie("time")
    solver = p.routing.solver()
    visit = [int(x) for x in p.service]
    for v, (t, day) in enumerate(p.vehicles):
        shift = vehicle_shift(p.data, (t, day))
        start, end = p.routing.Start(v), p.routing.End(v)
        earliest = earliest_departure(p.data, (t, day))
        window = break_window(p.data, params, (t, day))
        last = shift[1] - (window[2] if window and relax_breaks else 0)
        p.time.CumulVar(start).SetRange(min(earliest, last), last)
        p.time.CumulVar(end).SetRange(min(shift[0], last), last)
        span = max_span(p.data, (t, day), window, relax_breaks)
        if span is not None:
            p.time.SetSpanUpperBoundForVehicle(span, v)
        # Return as early as possible, then leave as late as that allows: the team sets out
        # at the start of its shift unless a window makes it wait, and never idles needlessly.
        p.routing.AddVariableMinimizedByFinalizer(p.time.CumulVar(end))
        p.routing.AddVariableMaximizedByFinalizer(p.time.CumulVar(start))
        if window and not relax_breaks:
            brk = solver.FixedDurationIntervalVar(
                window[0], window[1], window[2], False, f"break-{v}"
            )
            p.time.SetBreakIntervalsOfVehicle([brk], v, visit)
            p.breaks[v] = brk
    for node, s in p.layout.stop_of_node.items():
        stop = p.data.stops[s]
        index = p.manager.NodeToIndex(node)
        lo = stop.window_start_s if stop.window_start_s is not None else 0
        hi = stop.window_end_s if stop.window_end_s is not None else horizon
        if late_cost and hi < horizon:
            p.time.CumulVar(index).SetRange(lo, horizon)
            p.time.SetCumulVarSoftUpperBound(index, hi, late_cost)
        else:
            p.time.CumulVar(index).SetRange(lo, hi)


def max_span(
    data: ProblemData,
    vehicle: tuple[int, int],
    window: tuple[int, int, int] | None,
    relax_breaks: bool = False,
) -> int | None:
    """The longest the vehicle may be out under the team's ``max_hours`` (seconds from leaving
    the station to coming back, the lunch break included), None without a limit. The relaxed
    model has no break in its routes: its bound is shorter by the break the route will get."""
    hours = data.teams[vehicle[0]].max_hours
    if hours is None:
        return None
    return max(0, round(hours * 3600) - (window[2] if window and relax_breaks else 0))


def _add_day_stops(p: RoutingProblem) -> None:
    """``max_stops``: a count dimension, one per stop, capacity the team's limit per day (a
    team without one gets as many as the model has stops)."""
    if all(t.max_stops is None for t in p.data.teams):
        return
    n = len(p.layout.stop_of_node)
    count = [0] * (p.layout.n_teams + len(p.layout.start_of_vehicle)) + [1] * n
    cb = p.routing.RegisterUnaryTransitVector(count)
    caps = [p.data.teams[t].max_stops or n for t, _ in p.vehicles]
    p.routing.AddDimensionWithVehicleCapacity(cb, 0, caps, True, "stops")


def _add_doses(p: RoutingProblem) -> None:
    demand = [0] * (p.layout.n_teams + len(p.layout.start_of_vehicle)) + [
        p.data.stops[s].doses for s in p.layout.stop_of_node.values()
    ]
    cb = p.routing.RegisterUnaryTransitVector(demand)
    caps = []
    for t, day in p.vehicles:
        resume = p.data.starts.get((t, day))
        caps.append(max(0, p.data.teams[t].max_doses - (resume.doses_used if resume else 0)))
    p.routing.AddDimensionWithVehicleCapacity(cb, 0, caps, True, "doses")


def stop_penalty(priority: float) -> int:
    """Cost of leaving a stop out: PRIORITY_COST per unit of priority (see constants.py)."""
    units = round(priority * PRIORITY_RESOLUTION)
    return max(1, units) * PRIORITY_COST // PRIORITY_RESOLUTION


def _add_stops(p: RoutingProblem, open_vehicles: set[int] | None) -> None:
    for node, s in p.layout.stop_of_node.items():
        index = p.manager.NodeToIndex(node)
        p.routing.AddDisjunction([index], stop_penalty(p.data.stops[s].priority))
        allowed = allowed_vehicles(p.data, s)
        if open_vehicles is not None:
            allowed = [v for v in allowed if v in open_vehicles]
        if len(allowed) < len(p.vehicles):
            # SetAllowedVehiclesForIndex's Python binding rejects every list type in 9.15;
            # restricting the vehicle variable is equivalent (-1 keeps the stop skippable).
            p.routing.VehicleVar(index).SetValues([-1, *allowed])


def set_dose_targets(p: RoutingProblem, targets: dict[int, int], weight: int) -> None:
    """Soft bounds on each vehicle's doses at its target: ``weight`` per dose away from it."""
    doses = p.routing.GetDimensionOrDie("doses")
    for v, target in targets.items():
        end = p.routing.End(v)
        doses.SetCumulVarSoftUpperBound(end, target, weight)
        doses.SetCumulVarSoftLowerBound(end, target, weight)
