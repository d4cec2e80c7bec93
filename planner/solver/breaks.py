"""Lunch breaks put back into routes searched without them.

OR-Tools checks break intervals on every local-search move, which makes the search about a
hundred times slower (benchmarks/RESULTS.md). So the search runs most of its time on a
relaxed model (no break, each shift shortened by its break: the work has to fit the same hours),
then every route gets its break here, exactly as the full model and the checker define it:

- the break starts in [break start, break start + slack], never during a visit;
- a leg that contains the break arrives ``break`` later (the break is slack on that leg);
- every stop still starts inside its window and the team is back by the end of its shift.

A route where no gap can take the break loses stops, the least priority per minute of visit
first, until one can; the full model, warm-started from the result, then gets the rest of the
time to put stops back.
"""

from __future__ import annotations

from collections.abc import Sequence

from planner.settings import SolverParams
from planner.solver.routing import (
    RoutingProblem,
    break_window,
    earliest_departure,
    vehicle_shift,
)


def place_breaks(
    p: RoutingProblem, params: SolverParams, routes: Sequence[Sequence[int]]
) -> list[list[int]]:
    """Routes (stop indices per vehicle) that admit their breaks; stops dropped where needed."""
    out: list[list[int]] = []
    for v, route in enumerate(routes):
        stops = list(route)
        window = break_window(p.data, params, p.vehicles[v])
        while window is not None and stops and not fits_break(p, v, stops, window):
            stops.remove(_cheapest_to_drop(p, v, stops, window))
        out.append(stops)
    return out


def _cheapest_to_drop(
    p: RoutingProblem, v: int, stops: list[int], window: tuple[int, int, int]
) -> int:
    """The stop whose removal lets the break in at the least priority lost (else the one with
    the least priority per second of visit)."""

    def per_second(s: int) -> float:
        """Priority per second of visit: what dropping the stop loses for the time it frees."""
        return p.data.stops[s].priority / max(1, p.data.stops[s].service_s)

    fitting = [s for s in stops if fits_break(p, v, [x for x in stops if x != s], window)]
    if fitting:
        return min(fitting, key=lambda s: (p.data.stops[s].priority, per_second(s)))
    return min(stops, key=per_second)


def fits_break(p: RoutingProblem, v: int, stops: list[int], window: tuple[int, int, int]) -> bool:
    """Whether the route is on time with its break in some leg (the full model's rule)."""
    return any(_on_time(p, v, stops, window, gap) for gap in range(len(stops) + 1))


def _on_time(
    p: RoutingProblem, v: int, stops: list[int], window: tuple[int, int, int], gap: int
) -> bool:
    """Whether the route is on time with the break in leg ``gap`` (0: before the first stop,
    len(stops): on the way back), every stop served as early as it can be."""
    t, _ = p.vehicles[v]
    seconds = p.matrices[p.data.teams[t].travel_mode].seconds
    departure = earliest_departure(p.data, p.vehicles[v])
    prev = p.layout.start_of_vehicle.get(v, t)
    earliest, latest, duration = window
    for k, s in enumerate([*stops, None]):
        node = t if s is None else p.layout.node_of_stop[s]
        arrival = departure + int(seconds[prev, node])
        if k == gap:
            if departure > latest:
                return False
            arrival = max(arrival + duration, earliest + duration)
        if s is None:
            return arrival <= vehicle_shift(p.data, p.vehicles[v])[1]
        stop = p.data.stops[s]
        begin = max(arrival, stop.window_start_s or 0)
        if stop.window_end_s is not None and begin > stop.window_end_s:
            return False
        departure, prev = begin + int(p.service[node]), node
    return False  # not reached: the loop returns on the way back
