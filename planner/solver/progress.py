"""What a solve tells its caller while it searches: :class:`Progress`, worked out by
:class:`ProgressTracker`.

Besides the time, the solutions found and the last one's cost, a progress report says how
good the best plan so far is in the planner's terms: the residents it plans and its
priority-weighted coverage (the share of the eligible residents' priority it serves, the
measure of benchmarks/domain_bench.py). Reading whom a solution serves costs a pass over its
routes, and the search may find hundreds of solutions a second, so the tracker reads one at
most every ``SAMPLE_S`` seconds (always the first) and keeps the best it has read. Reading
never changes the search: the routes are only looked at, inside the solution callback.

A solve may search in several parts: areas one after another (their finished routes add up),
and a second pass for whole vials (wastage.py, which starts again from nothing); the best so
far is the best total seen in any of them. When the solve ends, one last report gives the
plan's own numbers.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from planner.model import ProblemData

#: the residents served are read at most this often (seconds): cheap on any search
SAMPLE_S = 0.5

#: a way to read the stop indices the solution at hand serves (call it inside the callback)
ServedReader = Callable[[], Iterable[int]]


@dataclass(frozen=True)
class Progress:
    """One report: seconds since the solve began and its whole time limit, solutions found and
    the last one's cost; ``planned`` residents and ``coverage`` (0..1, priority-weighted) of
    the best plan so far (0 before the first solution)."""

    elapsed_s: float
    time_limit_s: float
    solutions: int
    objective: int
    planned: int = 0
    coverage: float = 0.0
    #: areas finished and areas in all when the horizon is split over a cluster (areas_dask.py)
    areas_done: int = 0
    areas_total: int = 0


class ProgressTracker:
    """Turns the searches' solution callbacks into :class:`Progress` reports for ``tell``."""

    def __init__(
        self, data: ProblemData, time_limit_s: float, tell: Callable[[Progress], None]
    ) -> None:
        self.tell, self.time_limit_s = tell, time_limit_s
        self.started = time.monotonic()
        self.residents = [len(s.resident_ids) for s in data.stops]
        self.weight = [sum(data.priorities.get(r, 0.0) for r in s.resident_ids) for s in data.stops]
        eligible = sum(p for rid, p in data.priorities.items() if rid not in data.excluded)
        self.eligible = eligible if eligible > 0 else 1.0
        self.solutions = 0
        self.sampled = float("-inf")
        #: (residents, weight) of the areas finished in this pass, of the part being searched,
        #: and of the best total read so far
        self.done = self.part = self.best = (0, 0.0)
        self.areas_done = self.areas_total = 0

    def _measure(self, stops: Iterable[int]) -> tuple[int, float]:
        residents, weight = 0, 0.0
        for s in stops:
            residents += self.residents[s]
            weight += self.weight[s]
        return residents, weight

    def _keep(self) -> None:
        total = (self.done[0] + self.part[0], self.done[1] + self.part[1])
        if total[1] > self.best[1] or (total[1] == self.best[1] and total[0] > self.best[0]):
            self.best = total

    def solution(self, cost: int, served: ServedReader, stops: Sequence[int] | None = None) -> None:
        """A search found a solution of ``cost``; ``served()`` reads its stops (numbered as
        ``stops`` maps them to the whole problem's, when the search is one area's)."""
        now = time.monotonic()
        self.solutions += 1
        if now - self.sampled >= SAMPLE_S:
            self.sampled = now
            chosen = served()
            measured = self._measure(chosen if stops is None else (stops[s] for s in chosen))
            if measured[1] > self.part[1] or (
                measured[1] == self.part[1] and measured[0] > self.part[0]
            ):
                self.part = measured
                self._keep()
        self._report(now, cost)

    def new_pass(self) -> None:
        """A search of the whole horizon starts (again): nothing of it is served yet."""
        self.done = self.part = (0, 0.0)

    def area_done(self, stops: Iterable[int]) -> None:
        """An area's search ended with routes serving ``stops`` (the whole problem's indices)."""
        measured = self._measure(stops)
        self.done = (self.done[0] + measured[0], self.done[1] + measured[1])
        self.part = (0, 0.0)
        self._keep()

    def areas(self, done: int, total: int, cost: int) -> None:
        """``done`` of ``total`` areas finished on a cluster (their routes told by
        :meth:`area_done`): report it at once, with the coverage so far."""
        self.areas_done, self.areas_total = done, total
        self._report(time.monotonic(), cost)

    def finished(self, stops: Iterable[int], cost: int) -> None:
        """The plan the solve returns serves ``stops``: the last report gives its numbers."""
        self.best = self._measure(stops)
        self._report(time.monotonic(), cost)

    def _report(self, now: float, cost: int) -> None:
        self.tell(
            Progress(
                now - self.started,
                self.time_limit_s,
                self.solutions,
                cost,
                self.best[0],
                min(1.0, self.best[1] / self.eligible),
                self.areas_done,
                self.areas_total,
            )
        )
