"""A portfolio over the machine's cores: the same search in separate processes, the best kept.

OR-Tools' routing search is single-threaded, so a second core buys nothing unless a second,
different search runs on it. Worker 0 runs here (it reports progress); workers 1.. run in
spawned processes with another node order and GLS weight (see ``phases.LAMBDAS``). All of them
share one set of travel matrices, computed here once, so a road network is routed only once.
The best answer by the original objective wins; ties go to worker 0, so a run is as
reproducible as its fastest worker.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from planner.lifeline import tie_to_parent
from planner.model import ProblemData
from planner.settings import SolverParams
from planner.solver.phases import Found, search
from planner.travel import Leg, TravelMatrix, TravelModel, legs_from_matrix

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SharedMatrices:
    """Travel looked up in matrices computed once over every point of the problem.

    Workers permute the stops (another node order), so rows are found by coordinates."""

    index: dict[tuple[float, float], int]
    matrices: dict[str, TravelMatrix]
    kind: str = "shared"

    @classmethod
    def of(cls, data: ProblemData, travel: TravelModel) -> SharedMatrices:
        points = ([(t.depot_lat, t.depot_lon) for t in data.teams]
                  + [(x.lat, x.lon) for x in data.starts.values()]
                  + [(s.lat, s.lon) for s in data.stops])
        index: dict[tuple[float, float], int] = {}
        for p in points:
            index.setdefault(p, len(index))
        lat = [p[0] for p in index]
        lon = [p[1] for p in index]
        modes = sorted({t.travel_mode for t in data.teams})
        return cls(index, {m: travel.matrix(lat, lon, m) for m in modes})

    def matrix(self, lat: npt.ArrayLike, lon: npt.ArrayLike, mode: str) -> TravelMatrix:
        rows = np.array([self.index[(float(a), float(b))] for a, b in zip(
            np.asarray(lat, dtype=float), np.asarray(lon, dtype=float), strict=True)])
        m = self.matrices[mode]
        return TravelMatrix(m.seconds[np.ix_(rows, rows)], m.metres[np.ix_(rows, rows)])

    def legs(self, pairs: Sequence[tuple[tuple[float, float], tuple[float, float]]],
             mode: str) -> list[Leg]:
        return legs_from_matrix(self, pairs, mode)

    def describe(self) -> dict[str, Any]:
        return {"kind": self.kind}


def portfolio(data: ProblemData, travel: TravelModel, params: SolverParams, stops: list[int],
              initial_routes: Sequence[Sequence[int]] | None = None,
              targets: tuple[dict[int, int], int] | None = None,
              on_solution: Callable[[int], None] | None = None) -> tuple[Found | None, int]:
    """Search with ``params.workers`` processes until the time limit; (best, workers used)."""
    deadline = time.time() + params.time_limit_s
    workers = params.workers
    if workers > 1 and mp.current_process().daemon:
        log.warning("solver runs in a daemon process: one worker instead of %d", workers)
        workers = 1
    # every model a search builds (coverage rounds build one every few seconds) slices these
    # matrices instead of asking the travel model again (a road network, an OSRM server)
    shared = SharedMatrices.of(data, travel)
    if workers <= 1:
        return search(data, shared, params, stops, deadline, 0, initial_routes, targets,
                      on_solution), 1
    found: list[Found] = []
    with ProcessPoolExecutor(max_workers=workers - 1, mp_context=mp.get_context("spawn"),
                             initializer=tie_to_parent, initargs=(os.getpid(),)) as pool:
        futures = [pool.submit(search, data, shared, params, stops, deadline, k,
                               initial_routes, targets) for k in range(1, workers)]
        mine = search(data, shared, params, stops, deadline, 0, initial_routes, targets,
                      on_solution)
        for future in futures:
            try:
                theirs = future.result(timeout=max(1.0, deadline - time.time())
                                       + params.guard_grace_s)
            except Exception as exc:  # a lost worker costs its answer, never the plan
                log.warning("portfolio worker failed: %s", exc)
                continue
            if theirs is not None:
                found.append(theirs)
    if mine is not None:
        found.insert(0, mine)
    if not found:
        return None, workers
    return min(found, key=lambda f: (f.objective, f.worker)), workers
