"""What one search is given (SearchContext, WorkerStrategy) and what it hands back (Found).

A search's phases (coverage.py, vehicles_first.py) and each run of the routing model in them
(runs.py) read the problem, the travel matrices, the settings, the stops in the model, the
deadline and the caller's additions from one frozen context instead of a dozen parameters
handed down. A portfolio worker's strategy (portfolio.py) says how its search differs from the
others'.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from planner.model import ProblemData
from planner.settings import SolverParams
from planner.solver.result import Route
from planner.travel import TravelModel

#: dose targets per vehicle and the cost of a dose away from its target (wastage.py)
DoseTargets = tuple[dict[int, int], int]
#: told of each solution: its cost, and a way to read the stop indices it serves (call it
#: inside the callback only; it costs a pass over the routes, progress.py samples it)
SolutionListener = Callable[[int, Callable[[], Iterable[int]]], None]


@dataclass(frozen=True)
class SearchContext:
    """One search's inputs: ``stops`` are the stop indices in the model (those some vehicle
    may serve), ``deadline`` a ``time.time()``; ``initial_routes`` (stop indices per vehicle)
    warm-start it, ``targets`` steer doses per vehicle, ``on_solution(cost, served)`` hears of
    each solution (progress). Picklable without ``on_solution``: workers get it as None."""

    data: ProblemData
    travel: TravelModel
    params: SolverParams
    stops: list[int]
    deadline: float
    initial_routes: Sequence[Sequence[int]] | None = None
    targets: DoseTargets | None = None
    on_solution: SolutionListener | None = None

    def without_fixed_cost(self) -> SearchContext:
        """The same search on the model without the vehicles' fixed cost (the phases after
        the first solution, once the fleet is what they change no more)."""
        return replace(self, params=replace(self.params, vehicle_fixed_cost=0))


@dataclass(frozen=True)
class WorkerStrategy:
    """How one portfolio worker searches, so that the workers differ in more than their node
    order (portfolio.STRATEGIES says which worker takes which)."""

    name: str
    #: the worker's place in the portfolio: its node-order seed is ``params.seed + worker``,
    #: and ties between workers' answers go to the lowest
    worker: int
    #: guided local search's penalty weight
    lambda_coefficient: float
    #: OR-Tools' first-solution strategy when vehicles come first
    first_solution: int
    #: when vehicles come first, the fixed-fleet search lets a multi-armed bandit pick its
    #: operators
    bandit: bool
    #: a plain search alternates short GLS slices with insertion descents (coverage.py)
    coverage_rounds: bool

    def order_seed(self, params: SolverParams) -> int:
        """This worker's node-order seed, so that workers search different orders."""
        return params.seed + self.worker


@dataclass
class Found:
    """What one search (one portfolio worker) hands back: picklable, model-free."""

    routes: list[Route]
    objective: int  # on the original costs: fixed costs of used vehicles included
    solutions: int
    worker: int
    routes_removed: int = 0
