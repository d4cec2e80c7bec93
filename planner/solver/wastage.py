"""Wastage-aware search: a second pass that steers each team-day towards whole vials.

OR-Tools cannot express "doses modulo vial size" in its objective, so the search runs twice:

1. a normal solve on three quarters of the time budget (``STEER_SHARE``; coverage first, then
   travel, as always);
2. each (team, day) gets a *dose target*: its last vial filled when that vial is at least
   half used, zero for a route that opens a vial for at most half of it when the other routes'
   open vials can take its doses, else what it has; the doses dimension gets soft lower and
   upper bounds at that target, ``weight`` per dose away from it, and the search continues
   from the first solution. When no target differs from what the routes have, the second part
   is a plain continuation of the first search (no time is lost on a pass that cannot help).

The second solution is kept only if it serves at least the same priority-weighted coverage and
its travel + ``weight`` x (wasted doses, recomputed exactly by planner/vials.py) is lower.
Coverage cannot suffer: leaving a resident out costs 100,000 per unit of priority (>= 1 for
computed scores), a dose away from its target ``weight`` (default 900), so the search never
drops anyone to meet a target, and the acceptance test refuses any loss of coverage.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

from planner.model import ProblemData
from planner.settings import Product, SolverParams, VialParams
from planner.solver.context import DoseTargets
from planner.solver.result import Result
from planner.solver.routing import day_and_team, vehicle_index
from planner.vials import route_waste

#: the wastage pass's share of the time limit. It runs on the full model (it starts from the
#: first plan, which the model without breaks may not take), where moves are a hundred times
#: dearer, so more time changes waste little while the first plan gains coverage from it
#: (benchmarks/RESULTS.md)
STEER_SHARE = 0.25

#: one solve of the horizon: (settings, warm start per vehicle, dose targets) -> plan
SolvePass = Callable[[SolverParams, Sequence[Sequence[int]] | None, DoseTargets | None], Result]


def wastage_pass(
    data: ProblemData,
    vials: VialParams,
    params: SolverParams,
    initial_routes: Sequence[Sequence[int]] | None,
    solve_pass: SolvePass,
) -> Result:
    """Solve on the time left after ``STEER_SHARE``, then continue from that plan towards
    each team-day's dose target for the rest; keep the second plan when ``better``."""
    steer_s = params.time_limit_s * STEER_SHARE
    first = solve_pass(
        replace(params, time_limit_s=params.time_limit_s - steer_s), initial_routes, None
    )
    if not first.routes:
        return first
    targets = dose_targets(data, first, vials.products)
    steer = _targets_differ(data, first, targets)
    second = solve_pass(
        replace(params, time_limit_s=steer_s),
        _routes_by_vehicle(data, first),
        (targets, vials.weight) if steer else None,
    )
    if not second.is_feasible():
        return second
    old = evaluate(data, first, vials.products)
    new = evaluate(data, second, vials.products)
    chosen = second if better(new, old, vials.weight) else first
    return replace(
        chosen,
        runtime_s=first.runtime_s + second.runtime_s,
        stats={
            **chosen.stats,
            "waste_first_pass": old[1],
            "waste_second_pass": new[1],
            "second_pass_kept": chosen is second,
            "second_pass_steered": steer,
        },
    )


def _doses_by_vehicle(data: ProblemData, result: Result) -> dict[int, int]:
    """Doses on each route of the plan, by vehicle."""
    return {
        vehicle_index(r.day, r.team_index, len(data.teams)): sum(
            data.stops[v.stop_index].doses for v in r.visits
        )
        for r in result.routes
    }


def _targets_differ(data: ProblemData, result: Result, targets: dict[int, int]) -> bool:
    """Whether some team-day's target is not what its route has: else the second pass is a
    plain continuation of the first search."""
    doses = _doses_by_vehicle(data, result)
    return any(targets.get(v, 0) != d for v, d in doses.items()) or any(
        t > 0 for v, t in targets.items() if v not in doses
    )


def _routes_by_vehicle(data: ProblemData, result: Result) -> list[list[int]]:
    """The plan's stop indices per vehicle (a warm start)."""
    out: list[list[int]] = [[] for _ in range(len(data.teams) * data.days)]
    for r in result.routes:
        out[vehicle_index(r.day, r.team_index, len(data.teams))] = [v.stop_index for v in r.visits]
    return out


def dose_targets(
    data: ProblemData, result: Result, products: Mapping[str, Product]
) -> dict[int, int]:
    """A whole number of vials per (team, day): fill each route's last vial (more doses from
    the vials it opens anyway), and empty a route that opens a vial for at most half of it
    when the other routes' open vials have room for its doses."""
    n_teams = len(data.teams)
    doses: dict[int, int] = defaultdict(int, _doses_by_vehicle(data, result))
    by_product: dict[str, list[int]] = defaultdict(list)
    for v in range(n_teams * data.days):
        by_product[data.teams[day_and_team(v, n_teams)[1]].vaccine].append(v)
    targets: dict[int, int] = {}
    for name, vehicles in by_product.items():
        size = products[name].doses_per_vial
        for v in vehicles:
            full = math.ceil(doses[v] / size) * size
            # fill the last vial only when it is at least half used: a full day rarely has
            # room for more than a few extra doses
            targets[v] = full if full - doses[v] <= size // 2 else doses[v]
        room = sum(targets[v] - doses[v] for v in vehicles)
        for v in sorted(vehicles, key=lambda v: doses[v]):
            spare = room - (targets[v] - doses[v])  # room in the *other* routes' vials
            if 0 < doses[v] <= size // 2 and spare >= doses[v]:
                room = spare - doses[v]
                targets[v] = 0
    return targets


def evaluate(
    data: ProblemData, result: Result, products: Mapping[str, Product]
) -> tuple[float, int, int]:
    """(priority-weighted coverage, wasted doses, travel seconds) of a solution."""
    covered = sum(data.stops[v.stop_index].priority for r in result.routes for v in r.visits)
    waste = sum(
        route_waste(
            [(v.service_start_s, data.stops[v.stop_index].doses) for v in r.visits],
            products[data.teams[r.team_index].vaccine],
        )
        for r in result.routes
    )
    travel = sum(r.travel_s for r in result.routes)
    return covered, waste, travel


def better(new: tuple[float, int, int], old: tuple[float, int, int], weight: int) -> bool:
    """Whether ``new`` (coverage, waste, travel) should replace ``old``: never with less
    coverage; with more, or with less travel + ``weight`` x waste."""
    if new[0] < old[0] - 1e-6:
        return False
    return new[2] + weight * new[1] < old[2] + weight * old[1] or new[0] > old[0] + 1e-6
