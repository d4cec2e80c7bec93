"""What a solve returns: routes with times, stops left out with reasons, and search statistics."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any


@dataclass(frozen=True)
class Visit:
    """One stop on a route; times in seconds after midnight of the route's day."""

    stop_index: int
    arrival_s: int
    service_start_s: int
    departure_s: int


@dataclass(frozen=True)
class Route:
    """One team-day's route as solved: its visits in order, its times, travel and break."""

    team_index: int
    day: int
    visits: tuple[Visit, ...]
    start_s: int
    end_s: int
    distance_m: int
    travel_s: int
    break_s: tuple[int, int] | None  # (start, end) of the lunch break, when the team has one

    @property
    def doses(self) -> int:
        """The route's visit count (one per stop; a stop's doses are in ProblemData)."""
        return len(self.visits)


@dataclass(frozen=True)
class Unserved:
    """A stop left out, with its reason code (planner.reasons_catalogue) and text."""

    stop_index: int
    reason_code: str
    reason: str


class Status(Enum):
    """How a solve ended, as far as its plan is concerned."""

    #: the search ran to its time limit: the plan is the best it found
    FEASIBLE = "feasible"
    #: the solve took longer than the wall-clock guard allows (SolverParams.guard_s), which
    #: cancels the searches: the plan is the best found by then, every constraint still met
    CANCELLED = "cancelled"
    #: the search ended before its first solution: no plan (every stop is optional, so the
    #: model always has one; ``solve`` raises InternalError)
    NO_SOLUTION = "no_solution"


@dataclass(frozen=True)
class Result:
    """The plan a solve found: routes, stops left out with a reason each, the objective, the
    time spent and how the solve ended."""

    routes: tuple[Route, ...]
    unserved: tuple[Unserved, ...]
    objective: int
    runtime_s: float
    solutions_found: int
    status: Status
    stats: dict[str, float] = field(default_factory=dict)
    #: where the areas ran when a cluster solved them: {"cluster": name, "workers": n}
    cluster: dict[str, Any] | None = None

    @property
    def stopped_by_guard(self) -> bool:
        """Whether the wall-clock guard cancelled the search; the plan is what it had found."""
        return self.status is Status.CANCELLED

    def is_feasible(self) -> bool:
        """True when there is a plan (every constraint is hard in the model, so any solution
        the search found meets them all)."""
        return self.status is not Status.NO_SOLUTION

    def summary(self) -> str:
        """One log line: status, stops, routes, unserved stops, objective, solutions, seconds."""
        visits = sum(len(r.visits) for r in self.routes)
        used = sum(1 for r in self.routes if r.visits)
        return (
            f"{self.status.value}: {visits} stops on {used} routes, {len(self.unserved)} "
            f"stops unserved, objective {self.objective}, {self.solutions_found} solutions "
            f"in {self.runtime_s:.1f} s"
        )
