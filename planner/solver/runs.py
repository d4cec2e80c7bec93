"""One search run on the routing model: search parameters, the model built and searched
once (from a warm start when given), under OR-Tools' time limit and a wall-clock guard.

A search's phases (coverage.py, vehicles_first.py) are sequences of such runs.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ortools.constraint_solver import pywrapcp, routing_enums_pb2
from ortools.util import optional_boolean_pb2

from planner.model import ProblemData
from planner.solver.context import SearchContext, SolutionListener
from planner.solver.routing import RoutingProblem, build_model, set_dose_targets, stop_penalty

GLS = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
DESCENT = routing_enums_pb2.LocalSearchMetaheuristic.GREEDY_DESCENT
CHEAPEST_INSERTION = routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION
SAVINGS = routing_enums_pb2.FirstSolutionStrategy.SAVINGS

#: the operators of an insertion descent: they put residents in, or better ones instead
INSERTION_OPERATORS = ("use_make_active", "use_swap_active")


@dataclass
class Outcome:
    """One phase's answer: the model it ran on, its assignment, stops per vehicle."""

    problem: RoutingProblem
    solution: pywrapcp.Assignment
    routes: list[list[int]]  # stop indices per vehicle
    solutions: int
    restored: bool = True  # False: the warm start given did not fit and the search began anew

    @property
    def used(self) -> list[int]:
        """The vehicles that serve at least one stop."""
        return [v for v, r in enumerate(self.routes) if r]

    def late_s(self) -> int:
        """Seconds after window ends, summed over stops (only soft windows allow any)."""
        p, sol = self.problem, self.solution
        return sum(
            max(0, sol.Value(p.time.CumulVar(index)) - end)
            for index, end in window_ends(p)
            if sol.Value(p.routing.ActiveVar(index))
        )

    def dropped_penalty(self, data: ProblemData, stops: Sequence[int]) -> int:
        """What the stops of ``stops`` left out cost: route elimination keeps a try only if this
        does not grow."""
        served = {s for r in self.routes for s in r}
        return sum(stop_penalty(data.stops[s].priority) for s in stops if s not in served)


def window_ends(p: RoutingProblem) -> list[tuple[int, int]]:
    """(routing index, window end) of every stop in the model that has a window end."""
    return [
        (p.manager.NodeToIndex(node), end)
        for node, s in p.layout.stop_of_node.items()
        if (end := p.data.stops[s].window_end_s) is not None
    ]


def search_parameters(
    seconds: float,
    metaheuristic: int = GLS,
    lambda_coefficient: float = 0.1,
    first: int = CHEAPEST_INSERTION,
    bandit: bool = False,
) -> pywrapcp.DefaultRoutingSearchParameters:
    """OR-Tools' search parameters for one run of ``seconds``."""
    search = pywrapcp.DefaultRoutingSearchParameters()
    search.first_solution_strategy = first
    search.use_multi_armed_bandit_concatenate_operators = bandit
    search.local_search_metaheuristic = metaheuristic
    search.guided_local_search_lambda_coefficient = lambda_coefficient
    search.time_limit.FromMilliseconds(max(1, int(seconds * 1000)))
    return search


def insertion_parameters(seconds: float) -> pywrapcp.DefaultRoutingSearchParameters:
    """A greedy descent whose only moves put a resident in (or a likelier one instead)."""
    search = search_parameters(seconds, DESCENT)
    operators = search.local_search_operators
    for field in operators.DESCRIPTOR.fields:
        setattr(
            operators,
            field.name,
            optional_boolean_pb2.BOOL_TRUE
            if field.name in INSERTION_OPERATORS
            else optional_boolean_pb2.BOOL_FALSE,
        )
    return search


def run(
    ctx: SearchContext,
    search: pywrapcp.DefaultRoutingSearchParameters,
    *,
    order_seed: int = 0,
    warm: Sequence[Sequence[int]] | None = None,
    open_vehicles: Sequence[int] | None = None,
    done: Callable[[RoutingProblem, int], bool] | None = None,
    guard_s: float | None = None,
    late_cost: int = 0,
    relax_breaks: bool = False,
) -> Outcome | None:
    """Build the model over ``ctx.stops`` (with ``ctx.targets``) and search it once, from
    ``warm`` when given. ``done(problem, cost)``: stop as soon as it says so (route elimination
    succeeded); ``ctx.on_solution(cost, served)`` is told every solution. The wall-clock guard
    cancels the search after ``guard_s`` (default: the whole solve's guard). See
    ``build_model`` for the model's options."""
    problem = build_model(
        ctx.data,
        ctx.travel,
        ctx.params,
        ctx.stops,
        order_seed,
        open_vehicles,
        late_cost,
        relax_breaks,
    )
    if ctx.targets is not None:
        set_dose_targets(problem, *ctx.targets)
    count, live = _listen(problem, ctx.on_solution, done)
    guard = threading.Timer(
        guard_s if guard_s is not None else ctx.params.guard_s, problem.routing.CancelSearch
    )
    guard.daemon = True
    guard.start()
    try:
        solution, restored = _solve(problem, search, warm)
    finally:
        guard.cancel()
        live.clear()
    if solution is None:
        return None
    return Outcome(
        problem, solution, _routes_of(problem, solution), count["n"], restored or not warm
    )


def _listen(
    problem: RoutingProblem,
    on_solution: SolutionListener | None,
    done: Callable[[RoutingProblem, int], bool] | None,
) -> tuple[dict[str, int], dict[str, RoutingProblem]]:
    """Count the search's solutions, tell ``on_solution`` and stop when ``done`` says so.
    Returns (the count, ``live``: empty it once the search is over)."""
    count = {"n": 0}
    # the model holds this callback and the callback would hold the model: a cycle through C++
    # that Python's collector cannot see, so every model would leak; the callback reaches the
    # model through ``live``, emptied once the search is over
    live = {"problem": problem}

    def seen() -> None:
        """Count a solution, report it, and cancel the search once ``done`` accepts it."""
        p = live.get("problem")
        if p is None:
            return
        count["n"] += 1
        cost = p.routing.CostVar().Value()
        if on_solution is not None:
            on_solution(cost, lambda: served_now(p))
        if done is not None and done(p, cost):
            p.routing.CancelSearch()

    problem.routing.AddAtSolutionCallback(seen)
    return count, live


def served_now(p: RoutingProblem) -> list[int]:
    """The stops the solution at hand serves, read from the model's variables: only inside a
    solution callback, where they are bound. Nothing is changed."""
    routing, out = p.routing, []
    for v in range(len(p.vehicles)):
        index = routing.NextVar(routing.Start(v)).Value()
        while not routing.IsEnd(index):
            out.append(p.layout.stop_of_node[p.manager.IndexToNode(index)])
            index = routing.NextVar(index).Value()
    return out


def _solve(
    problem: RoutingProblem,
    search: pywrapcp.DefaultRoutingSearchParameters,
    warm: Sequence[Sequence[int]] | None,
) -> tuple[pywrapcp.Assignment | None, bool]:
    """(solution, whether it grew from the warm start)."""
    routing = problem.routing
    if warm:
        node_routes = [
            [problem.layout.node_of_stop[s] for s in route if s in problem.layout.node_of_stop]
            for route in warm
        ]
        node_routes += [[] for _ in range(len(problem.vehicles) - len(node_routes))]
        routing.CloseModelWithParameters(search)
        hint = routing.ReadAssignmentFromRoutes(
            [[problem.manager.NodeToIndex(n) for n in r] for r in node_routes], True
        )
        if hint is not None:
            solution = routing.SolveFromAssignmentWithParameters(hint, search)
            if solution is not None:
                return solution, True
        # the warm routes no longer fit (times or capacity changed): search from scratch
    return routing.SolveWithParameters(search), False


def _routes_of(problem: RoutingProblem, solution: pywrapcp.Assignment) -> list[list[int]]:
    routing, out = problem.routing, []
    for v in range(len(problem.vehicles)):
        stops, index = [], solution.Value(routing.NextVar(routing.Start(v)))
        while not routing.IsEnd(index):
            stops.append(problem.layout.stop_of_node[problem.manager.IndexToNode(index)])
            index = solution.Value(routing.NextVar(index))
        out.append(stops)
    return out
