"""A portfolio over the machine's cores: one search per process, each with its own strategy,
the best kept.

OR-Tools' routing search is single-threaded, so a second core buys nothing unless a second,
different search runs on it. Worker 0 runs here (it reports progress); workers 1.. run in
spawned processes, each with another node order and the strategy ``STRATEGIES`` gives it. All
of them share one set of travel matrices, computed here once, so a road network is routed only
once. The best answer by the original objective wins; ties go to worker 0, so a run is as
reproducible as its fastest worker.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from planner.lifeline import tie_to_parent
from planner.model import ProblemData
from planner.solver.context import Found, SearchContext, WorkerStrategy
from planner.solver.coverage import plain_search
from planner.solver.runs import CHEAPEST_INSERTION, SAVINGS
from planner.solver.vehicles_first import vehicles_first_search
from planner.travel import TravelMatrix, TravelModel

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SharedMatrices(TravelModel):
    """Travel looked up in matrices computed once over every point of the problem.

    Workers permute the stops (another node order), so rows are found by coordinates."""

    index: dict[tuple[float, float], int]
    matrices: dict[str, TravelMatrix]
    kind: str = "shared"

    @classmethod
    def of(cls, data: ProblemData, travel: TravelModel) -> SharedMatrices:
        """Matrices over every distinct point of ``data`` (depots, resume points, stops), one per
        travel mode the teams use, computed by ``travel`` once."""
        points = (
            [(t.depot_lat, t.depot_lon) for t in data.teams]
            + [(x.lat, x.lon) for x in data.starts.values()]
            + [(s.lat, s.lon) for s in data.stops]
        )
        index: dict[tuple[float, float], int] = {}
        for p in points:
            index.setdefault(p, len(index))
        lat = [p[0] for p in index]
        lon = [p[1] for p in index]
        modes = sorted({t.travel_mode for t in data.teams})
        return cls(index, {m: travel.matrix(lat, lon, m) for m in modes})

    def matrix(self, lat: npt.ArrayLike, lon: npt.ArrayLike, mode: str) -> TravelMatrix:
        """The rows and columns of the shared matrix for these points (all must be in ``index``)."""
        rows = np.array(
            [
                self.index[(float(a), float(b))]
                for a, b in zip(
                    np.asarray(lat, dtype=float), np.asarray(lon, dtype=float), strict=True
                )
            ]
        )
        m = self.matrices[mode]
        return TravelMatrix(m.seconds[np.ix_(rows, rows)], m.metres[np.ix_(rows, rows)])

    def describe(self) -> dict[str, Any]:
        """What plan.json records of this model: only its kind (the real model describes itself)."""
        return {"kind": self.kind}


#: the strategies workers take in turn (worker k: the k-th, modulo their number). When
#: vehicles come first, odd workers start from savings and let a bandit pick the fixed-fleet
#: search's operators: on clustered customers savings builds the clusters' routes, and the
#: workers then differ in more than their seed (benchmarks/RESULTS.md). In a plain search,
#: even workers run coverage rounds and odd ones one long GLS (coverage.py). GLS penalty
#: weights differ a little between all four.
STRATEGIES = (
    WorkerStrategy(
        "insertion, rounds",
        worker=0,
        lambda_coefficient=0.1,
        first_solution=CHEAPEST_INSERTION,
        bandit=False,
        coverage_rounds=True,
    ),
    WorkerStrategy(
        "savings, bandit, long GLS",
        worker=1,
        lambda_coefficient=0.2,
        first_solution=SAVINGS,
        bandit=True,
        coverage_rounds=False,
    ),
    WorkerStrategy(
        "insertion, rounds, lighter GLS",
        worker=2,
        lambda_coefficient=0.05,
        first_solution=CHEAPEST_INSERTION,
        bandit=False,
        coverage_rounds=True,
    ),
    WorkerStrategy(
        "savings, bandit, long GLS, heavier GLS",
        worker=3,
        lambda_coefficient=0.15,
        first_solution=SAVINGS,
        bandit=True,
        coverage_rounds=False,
    ),
)


def worker_strategy(worker: int) -> WorkerStrategy:
    """Worker ``worker``'s strategy: ``STRATEGIES`` in turn."""
    return replace(STRATEGIES[worker % len(STRATEGIES)], worker=worker)


def search(ctx: SearchContext, strategy: WorkerStrategy) -> Found | None:
    """One worker's whole search until ``ctx.deadline``: vehicles first when they carry a
    fixed cost (vehicles_first.py), else a plain search (coverage.py)."""
    if ctx.params.vehicle_fixed_cost:
        return vehicles_first_search(ctx, strategy)
    return plain_search(ctx, strategy)


#: the pool a whole solve shares (``worker_pool``), if any: (pool, its processes)
_SHARED: ContextVar[tuple[ProcessPoolExecutor, int] | None] = ContextVar("pool", default=None)


def _new_pool(processes: int) -> ProcessPoolExecutor:
    """Spawned search processes, each tied to this one (it dies with this process)."""
    return ProcessPoolExecutor(
        max_workers=processes,
        mp_context=mp.get_context("spawn"),
        initializer=tie_to_parent,
        initargs=(os.getpid(),),
    )


def _ready() -> None:
    """Nothing: submitting it makes a pool process start and import this module."""


def _usable(workers: int) -> int:
    """The workers a portfolio may use here: one in a daemon process (it may not have
    children: a Dask worker, a pool's process)."""
    if workers > 1 and mp.current_process().daemon:
        log.warning("solver runs in a daemon process: one worker instead of %d", workers)
        return 1
    return workers


@contextmanager
def worker_pool(workers: int) -> Iterator[None]:
    """One pool of ``workers - 1`` search processes for a whole solve, started now: they import
    the solver (about 2.3 s, benchmarks/RESULTS.md) while this process prepares the problem,
    and every area and pass of the solve reuses them. Without it each portfolio started its own
    pool, and each area's second worker lost that start-up from its share of the budget."""
    if workers <= 1 or mp.current_process().daemon or _SHARED.get() is not None:
        yield
        return
    pool = _new_pool(workers - 1)
    for _ in range(workers - 1):
        pool.submit(_ready)
    token = _SHARED.set((pool, workers - 1))
    try:
        yield
    finally:
        _SHARED.reset(token)
        pool.shutdown(wait=True, cancel_futures=True)


def portfolio(ctx: SearchContext) -> tuple[Found | None, int]:
    """Search with ``params.workers`` processes until ``ctx.deadline``; (best, workers used).
    Every search reads the travel matrices computed here once. The other workers run in the
    solve's shared pool (``worker_pool``), or in a pool of their own."""
    workers = _usable(ctx.params.workers)
    # every model a search builds (coverage rounds build one every few seconds) slices these
    # matrices instead of asking the travel model again (a road network, an OSRM server)
    ctx = replace(ctx, travel=SharedMatrices.of(ctx.data, ctx.travel))
    if workers <= 1:
        return search(ctx, worker_strategy(0)), 1
    shared = _SHARED.get()
    if shared is not None and shared[1] == workers - 1:
        return _race(ctx, shared[0], workers), workers
    with _new_pool(workers - 1) as pool:
        return _race(ctx, pool, workers), workers


def _race(ctx: SearchContext, pool: ProcessPoolExecutor, workers: int) -> Found | None:
    """Worker 0 here, workers 1.. in ``pool``, all until ``ctx.deadline``; the best answer by
    the original objective (ties: the lower worker)."""
    futures = []
    for k in range(1, workers):
        try:
            futures.append(pool.submit(search, replace(ctx, on_solution=None), worker_strategy(k)))
        except (BrokenProcessPool, RuntimeError) as exc:  # a pool that lost a process
            log.warning("portfolio worker %d not started: %s", k, exc)
    found: list[Found] = []
    mine = search(ctx, worker_strategy(0))
    if mine is not None:
        found.append(mine)
    for future in futures:
        try:
            theirs = future.result(
                timeout=max(1.0, ctx.deadline - time.time()) + ctx.params.guard_grace_s
            )
        except Exception as exc:  # a lost worker costs its answer, never the plan
            log.warning("portfolio worker failed: %s", exc)
            continue
        if theirs is not None:
            found.append(theirs)
    if not found:
        return None
    return min(found, key=lambda f: (f.objective, f.worker))
