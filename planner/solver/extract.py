"""Read routes, times and breaks out of an OR-Tools assignment."""

from __future__ import annotations

from ortools.constraint_solver import pywrapcp

from planner.solver.result import Route, Visit
from planner.solver.routing import RoutingProblem


def _break_of(
    problem: RoutingProblem, solution: pywrapcp.Assignment, v: int
) -> tuple[int, int] | None:
    brk = problem.breaks.get(v)
    if brk is None:
        return None
    start = solution.StartValue(brk)
    return start, start + solution.DurationValue(brk)


def arrival_after(departure: int, travel: int, brk: tuple[int, int] | None) -> int:
    """When the team reaches the next stop: a break that starts during the leg delays it."""
    if brk is not None and departure <= brk[0] < departure + travel:
        return departure + travel + (brk[1] - brk[0])
    return departure + travel


def extract_routes(problem: RoutingProblem, solution: pywrapcp.Assignment) -> list[Route]:
    """The solution's non-empty routes, each visit's arrival, service start and departure, the
    lunch break and the route's travel, read from the assignment."""
    routing, manager, time = problem.routing, problem.manager, problem.time
    routes = []
    for v, (t, day) in enumerate(problem.vehicles):
        index = routing.Start(v)
        if routing.IsEnd(solution.Value(routing.NextVar(index))):
            continue
        mode = problem.data.teams[t].travel_mode
        seconds, metres = problem.matrices[mode].seconds, problem.matrices[mode].metres
        brk = _break_of(problem, solution, v)
        start_s = solution.Value(time.CumulVar(index))
        visits: list[Visit] = []
        prev_node, departure, dist, travel = manager.IndexToNode(index), start_s, 0, 0
        index = solution.Value(routing.NextVar(index))
        while True:
            node = manager.IndexToNode(index)
            leg_s = int(seconds[prev_node, node])
            dist += int(metres[prev_node, node])
            travel += leg_s
            if routing.IsEnd(index):
                end_s = solution.Value(time.CumulVar(index))
                break
            begin = solution.Value(time.CumulVar(index))
            visits.append(
                Visit(
                    problem.layout.stop_of_node[node],
                    min(arrival_after(departure, leg_s, brk), begin),
                    begin,
                    begin + int(problem.service[node]),
                )
            )
            prev_node, departure = node, begin + int(problem.service[node])
            index = solution.Value(routing.NextVar(index))
        routes.append(Route(t, day, tuple(visits), start_s, end_s, dist, travel, brk))
    return routes
