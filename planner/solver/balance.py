"""Balanced team-days (``solver.balance``): a quadratic cost on each team-day's load beyond
the mean it is expected to carry.

Planners resent one team working until 16:30 while another is back at 13:00 (VROOM's most
requested feature: issues #191, #445, #1314). OR-Tools users balance with a global span
cost (only the single longest route is pushed down: the local search stalls on plateaus) or
a linear soft bound (no pull between two days that are both over it). Here each vehicle (team
x day) gets a *quadratic* soft span bound on a dimension of its own
(``SetQuadraticCostSoftSpanUpperBoundForVehicle``): ``cost x (load - target)^2`` over the
target. Moving work from a long day to a shorter one always pays, even when the target is
estimated too low, and the cost grows fast enough to pull the longest days in first.

* ``"hours"``: the load is the working time (travel + visits, in whole units of a minute or
  more, rounded up per leg), the target the expected mean: the visits' time plus each stop's
  nearest-neighbour travel, shared over the team-days, never above a day's shift (when the
  demand fills every day there is nothing to even out: the days are full).
* ``"stops"``: the load is the number of stops, the target the mean stops per team-day (never
  more than a day's shift holds at the mean visit time), a stop counting as the mean visit
  (``weight x (mean visit minutes x stops over)^2``).

Coverage first: leaving a resident out costs their disjunction penalty (``stop_penalty``,
100,000 per unit of priority). Putting one stop back into a team-day raises its balance cost
by at most ``coef x (2XL - L^2)`` (``X`` the day's largest possible excess, ``L`` the stop's
visit plus the longest detour to reach it, both in units) plus at most a day of travel. The
unit is doubled from a minute until that is below the smallest penalty in the model, so balance
never outweighs a resident a team could serve; on a lightly loaded horizon balance is then
coarser rather than wrong. Integers only at the OR-Tools boundary.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from ortools.constraint_solver import pywrapcp

from planner.settings import SolverParams

if TYPE_CHECKING:
    from planner.solver.routing import RoutingProblem

#: the finest unit of the working-time dimension, seconds
MINUTE = 60
#: the coarsest (a unit this large makes balance almost blind: it stops there)
MAX_UNIT_S = 3600


@dataclass(frozen=True)
class BalanceTerms:
    """The balance cost a model carries, as the compiled kernels count it (view.py): per
    vehicle ``coef x max(0, load - bound)^2``, the load being the working time in whole
    ``unit`` seconds rounded up per leg (travel plus the visit left), or the number of stops
    when ``unit`` is 0."""

    unit: int
    bounds: tuple[int, ...]
    coefs: tuple[int, ...]


def add_balance(p: RoutingProblem, params: SolverParams) -> None:
    """Add the ``solver.balance`` cost to a built model (after its time windows and
    disjunctions): nothing when off, when the weight is 0 or the model has no stop."""
    if params.balance == "off" or params.balance_weight <= 0 or not p.layout.stop_of_node:
        return
    if params.balance == "hours":
        _balance_hours(p, params.balance_weight)
    else:
        _balance_stops(p, params.balance_weight)


def available_s(p: RoutingProblem) -> list[int]:
    """Per vehicle, the seconds its day can hold of travel and visits: from its earliest
    departure to its latest return (or its ``max_hours`` span), less its lunch break when the
    model has one; 0 on a day off."""
    out = []
    for v in range(len(p.vehicles)):
        start = p.time.CumulVar(p.routing.Start(v)).Min()
        end = p.time.CumulVar(p.routing.End(v)).Max()
        span = min(end - start, p.time.GetSpanUpperBoundForVehicle(v))
        brk = p.breaks.get(v)
        out.append(max(0, span - (brk.DurationMin() if brk is not None else 0)))
    return out


def travel_seconds(p: RoutingProblem, slowest: bool = False) -> np.ndarray:
    """The quickest (or ``slowest``) mode's travel seconds between the model's nodes,
    unreachable legs (as long as the horizon or more) set to 0: they are never planned, so
    they bound nothing. The quickest estimates a day's work, the slowest bounds a stop's."""
    pick = np.max if slowest else np.min
    seconds = pick([m.seconds for m in p.matrices.values()], axis=0).astype(np.int64)
    horizon = max(p.time.CumulVar(p.routing.End(v)).Max() for v in range(len(p.vehicles)))
    return np.where(seconds >= horizon, 0, seconds)


def visit_work_s(p: RoutingProblem) -> tuple[np.ndarray, np.ndarray]:
    """(stop nodes, each one's expected work in seconds): its visit plus its nearest-neighbour
    travel (the leg that usually reaches it)."""
    nodes = np.array(sorted(p.layout.stop_of_node), dtype=np.int64)
    seconds = travel_seconds(p).astype(float)
    inbound = seconds[:, nodes]
    inbound[nodes, np.arange(len(nodes))] = np.inf  # not from itself
    nearest = np.where(np.isfinite(inbound.min(axis=0)), inbound.min(axis=0), 0)
    return nodes, p.service[nodes] + nearest


def smallest_penalty(p: RoutingProblem) -> int:
    """The cheapest resident to leave out in this model (its disjunction penalty)."""
    penalties = [
        p.routing.GetDisjunctionPenalty(d)
        for node in p.layout.stop_of_node
        for d in p.routing.GetDisjunctionIndices(p.manager.NodeToIndex(node))
    ]
    return min(penalties) if penalties else 0


def insertion_bound(coef: int, excess: float, step: float) -> float:
    """The most one stop of ``step`` units can add to a quadratic cost whose excess is at
    most ``excess``: ``coef x (X^2 - (X - L)^2)`` with ``L = min(step, X)``."""
    step = min(step, excess)
    return coef * (2 * excess * step - step * step)


def coarsest_unit_needed(coef: int, excess_s: float, step_s: float, budget: float) -> int | None:
    """The finest unit (seconds, a minute doubled) at which one stop's balance cost stays
    below ``budget``; None when even an hour does not (balance is then left out)."""
    unit = MINUTE
    while unit <= MAX_UNIT_S:
        # + 2: each of the two legs a stop adds is rounded up to a whole unit
        if insertion_bound(coef, excess_s / unit, math.ceil(step_s / unit) + 2) < budget:
            return unit
        unit *= 2
    return None


def _budget(p: RoutingProblem) -> float:
    """What balance may add for one stop: the cheapest penalty less a whole day's travel."""
    longest_day = max(available_s(p)) + max((b.DurationMin() for b in p.breaks.values()), default=0)
    return smallest_penalty(p) - longest_day


def _balance_hours(p: RoutingProblem, weight: int) -> None:
    """Quadratic cost on each vehicle's working time beyond the expected mean. When the
    demand fills every day (the mean is a whole shift) nothing is added: full days end
    within a visit of the shift's end anyway, and a target below the shift cost 2 points of
    coverage on the 1,000-resident scenario (benchmarks/RESULTS.md, "Balanced days")."""
    nodes, work = visit_work_s(p)
    avail = available_s(p)
    mean = float(work.sum()) / max(1, sum(1 for a in avail if a > 0))
    targets = [min(mean, a) for a in avail]
    seconds = travel_seconds(p, slowest=True)
    step = float(
        (p.service[nodes] + seconds[:, nodes].max(axis=0) + seconds[nodes].max(axis=1)).max()
    )
    excess = max(a - t for a, t in zip(avail, targets, strict=True))
    unit = coarsest_unit_needed(weight, excess, step, _budget(p))
    if unit is None or excess <= 0:
        return
    dim = _work_dimension(p, unit)
    bounds = tuple(math.ceil(target / unit) for target in targets)
    for v, bound in enumerate(bounds):
        _quadratic_bound(dim, v, bound, weight)
    p.balance = BalanceTerms(unit, bounds, (weight,) * len(bounds))


def _work_dimension(p: RoutingProblem, unit: int) -> pywrapcp.RoutingDimension:
    """A dimension counting travel + visit in whole ``unit`` seconds, rounded up per leg."""
    transit: dict[str, int] = {}
    for mode, m in p.matrices.items():
        legs = -(-(m.seconds + p.service[:, None]) // unit)
        transit[mode] = p.routing.RegisterTransitMatrix(legs.tolist())
    per_vehicle = [transit[p.data.teams[t].travel_mode] for t, _ in p.vehicles]
    p.routing.AddDimensionWithVehicleTransits(per_vehicle, 0, 10**12, True, "balance_work")
    return p.routing.GetDimensionOrDie("balance_work")


def _balance_stops(p: RoutingProblem, weight: int) -> None:
    """Quadratic cost on each vehicle's number of stops beyond the mean it can hold."""
    nodes, work = visit_work_s(p)
    avail = available_s(p)
    visit_s = float(work.mean())
    mean = len(nodes) / max(1, sum(1 for a in avail if a > 0))
    targets = [min(mean, a / visit_s) for a in avail]
    coef = max(1, round(weight * (visit_s / MINUTE) ** 2))
    shortest = max(1, int(p.service[nodes].min()))
    excess = max(
        min(len(nodes), a // shortest) - math.floor(t) for a, t in zip(avail, targets, strict=True)
    )
    while coef > 1 and insertion_bound(coef, excess, 1) >= _budget(p):
        coef //= 2
    if insertion_bound(coef, excess, 1) >= _budget(p):
        return
    demand = [0] * (p.layout.n_nodes - len(nodes)) + [1] * len(nodes)
    first = p.layout.n_nodes - len(nodes)
    assert all(node >= first for node in nodes), "stops are the last nodes"
    cb = p.routing.RegisterUnaryTransitVector(demand)
    p.routing.AddDimension(cb, 0, len(nodes), True, "balance_stops")
    dim = p.routing.GetDimensionOrDie("balance_stops")
    bounds = tuple(math.floor(target) for target in targets)
    for v, bound in enumerate(bounds):
        _quadratic_bound(dim, v, bound, coef)
    p.balance = BalanceTerms(0, bounds, (coef,) * len(bounds))


def _quadratic_bound(dim: pywrapcp.RoutingDimension, vehicle: int, bound: int, coef: int) -> None:
    """``coef x (span - bound)^2`` on the vehicle's span of ``dim`` beyond ``bound``."""
    dim.SetQuadraticCostSoftSpanUpperBoundForVehicle(
        pywrapcp.BoundCost(int(bound), int(coef)), vehicle
    )
