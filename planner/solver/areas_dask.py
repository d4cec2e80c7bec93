"""A split horizon's areas as Dask tasks: solved side by side on a cluster, then an edge pass.

The decomposition (decompose.split: stations grouped by k-means, areas balanced) is the same as
in this process. Each area is then one task: its ProblemData, its travel (a road network is
read on the worker around the area's points plus ``[roads] margin_km``, and kept in the
worker's memory for the next area there; straight lines travel as they are), its warm start and
its share of the time. Every worker solves one area at a time, so an area's share is sized for
the cluster: the areas are packed onto the workers largest first, and each gets the area budget
times its stops over the stops of the fullest worker (all workers then end at about the same
time). A task reads the wall clock against the solve's deadline too, so a retried area (its
worker died: Dask runs it elsewhere, ``retries`` and the scheduler's allowed failures) gets what
is left, never more. An area whose task fails for good is solved here instead.

Results come back as they finish (``as_completed``): the progress tracker hears of areas done /
total and the coverage so far. Then the edge pass (:mod:`planner.solver.edges`): residents an
area left out that lie near a neighbouring area's stations are offered to that area, which is
solved again from its own routes with them added; the search keeps them when they serve more
priority than what they would displace.
"""

from __future__ import annotations

import logging
import resource
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy.typing as npt

from planner.model import ProblemData
from planner.settings import RoadParams, SolverParams
from planner.solver.context import DoseTargets
from planner.solver.decompose import Area, local_routes, local_targets
from planner.solver.entry import global_route, solve_part
from planner.solver.progress import ProgressTracker
from planner.solver.result import Result, Route, Status, Unserved
from planner.travel import TravelMatrix, TravelModel

if TYPE_CHECKING:
    from distributed import Client, Future

    from planner.solver.cluster import ClusterSession

log = logging.getLogger(__name__)

#: the share of the time limit kept for the edge pass
EDGE_SHARE = 0.1
#: no area task is given less than this (seconds): a first solution needs it
MIN_SHARE_S = 1.0
#: an area's task re-runs on another worker this often when it raises (a dead worker's task is
#: re-run by the scheduler, up to its ``allowed-failures``)
RETRIES = 2


@dataclass(frozen=True)
class Horizon:
    """The split horizon: the whole problem, its travel and settings, the progress tracker and
    what the caller adds (a warm start, dose targets), all in the whole problem's numbers."""

    data: ProblemData
    travel: TravelModel
    params: SolverParams
    tracker: ProgressTracker | None = None
    initial_routes: Sequence[Sequence[int]] | None = None
    targets: DoseTargets | None = None


@dataclass(frozen=True)
class RoadRecipe:
    """How a worker gets road travel: the extract's path and the road settings (it reads the
    roads around its own area's points)."""

    extract: str
    params: RoadParams


@dataclass(frozen=True)
class AreaTask:
    """One area to solve on a worker: ``deadline`` is a ``time.time()`` no search passes."""

    index: int
    data: ProblemData
    travel: TravelModel | RoadRecipe
    params: SolverParams
    deadline: float
    initial_routes: Sequence[Sequence[int]] | None = None
    targets: DoseTargets | None = None


@dataclass(frozen=True)
class AreaDone:
    """A solved area (local numbers) and what it cost on its worker."""

    index: int
    result: Result
    worker: str
    seconds: float
    matrix_s: float
    peak_rss_mb: float


@dataclass
class _TimedTravel(TravelModel):
    """Travel that times its matrices (the serial share the scaling table reports)."""

    inner: TravelModel
    seconds: float = 0.0
    kind: str = "timed"

    def matrix(self, lat: npt.ArrayLike, lon: npt.ArrayLike, mode: str) -> TravelMatrix:
        """The inner model's matrix, its time added up."""
        t0 = time.perf_counter()
        try:
            return self.inner.matrix(lat, lon, mode)
        finally:
            self.seconds += time.perf_counter() - t0

    def describe(self) -> dict[str, Any]:
        """The inner model's description."""
        return self.inner.describe()


#: road travel a worker has read, by (extract, road settings, clip box): areas that share a box
#: share the graph
_ROADS: dict[tuple[str, str, tuple[float, ...]], TravelModel] = {}


def _worker_travel(travel: TravelModel | RoadRecipe, data: ProblemData) -> TravelModel:
    """The travel model for an area on this worker (a road network read once per clip box)."""
    if not isinstance(travel, RoadRecipe):
        return travel
    from planner.travel.roads import RoadTravel, clip_box

    lat = [t.depot_lat for t in data.teams] + [s.lat for s in data.stops]
    lon = [t.depot_lon for t in data.teams] + [s.lon for s in data.stops]
    key = (travel.extract, travel.params.graph_fingerprint(), clip_box(lat, lon, 0.0))
    if key not in _ROADS:
        _ROADS[key] = RoadTravel.from_extract(Path(travel.extract), travel.params, lat, lon)
    return _ROADS[key]


def run_area(task: AreaTask) -> AreaDone:
    """On a worker: the area's travel, then its solve within its share and the deadline."""
    started = time.monotonic()
    travel = _TimedTravel(_worker_travel(task.travel, task.data))
    share = max(MIN_SHARE_S, min(task.params.time_limit_s, task.deadline - time.time()))
    params = replace(task.params, time_limit_s=share, split_stops=0, workers=1)
    result = solve_part(task.data, travel, params, task.initial_routes, task.targets)
    return AreaDone(
        task.index,
        result,
        _worker_name(),
        time.monotonic() - started,
        travel.seconds,
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    )


def warm_up() -> None:
    """On a worker, once: a six-resident solve, so that the imports (OR-Tools, Numba's
    kernels) and the first model are paid for before the first area's share of the time."""
    import datetime as dt

    from planner.build import build_problem
    from planner.model import Resident, Team
    from planner.settings import Settings
    from planner.travel import StraightLineTravel

    people = [Resident(f"W{k}", 21.0 + 0.002 * k, 105.8, age=70) for k in range(6)]
    settings = Settings().with_solver(time_limit_s=0.5, workers=1, split_stops=0)
    data = build_problem(people, [Team("WT", 21.0, 105.8)], dt.date(2026, 1, 5), 1, settings)
    solve_part(data, StraightLineTravel.from_params(settings.travel), settings.solver)


def _worker_name() -> str:
    try:
        from distributed import get_worker

        return str(get_worker().address)
    except ValueError:  # not on a worker (the fallback here)
        return "client"


def shares(sizes: Sequence[int], workers: int, budget: float) -> list[float]:
    """Seconds per area: areas packed on ``workers`` largest first (each to the least loaded),
    and each given ``budget`` times its size over the fullest worker's."""
    load = [0] * max(1, workers)
    for n in sorted(sizes, reverse=True):
        k = load.index(min(load))
        load[k] += n
    fullest = max(max(load), 1)
    return [max(MIN_SHARE_S, min(budget, budget * n / fullest)) for n in sizes]


def travel_for_workers(travel: TravelModel, roads: Path | None) -> TravelModel | RoadRecipe:
    """What the tasks carry as travel: a road recipe when the plan's roads come from an
    extract this session knows of, else the model itself (straight lines, OSRM)."""
    road_params = getattr(travel, "params", None)
    if travel.kind == "road" and roads is not None and isinstance(road_params, RoadParams):
        return RoadRecipe(str(Path(roads).resolve()), road_params)
    return travel


def lean(data: ProblemData) -> ProblemData:
    """An area's problem as it travels to a worker: without the residents' records (names,
    addresses, conditions stay in the client: the search reads only the stops) and with only
    its own residents' priorities, excluded and unassigned left out (the plan's business)."""
    mine = {r for s in data.stops for r in s.resident_ids}
    return replace(
        data,
        residents={},
        priorities={r: data.priorities[r] for r in mine if r in data.priorities},
        excluded={},
        pre_unassigned={},
    )


def submit_areas(
    client: Client, tasks: list[AreaTask], sizes: Sequence[int]
) -> dict[Future, AreaTask]:
    """One Dask task per area, largest first, each re-run ``RETRIES`` times when it raises."""
    batch = uuid.uuid4().hex[:8]
    return {
        client.submit(
            run_area,
            task,
            key=f"vaxroute-area-{batch}-{task.index}",
            retries=RETRIES,
            pure=False,
            priority=int(size),
        ): task
        for task, size in zip(tasks, sizes, strict=True)
    }


def gather(
    session: ClusterSession, tasks: list[AreaTask], sizes: Sequence[int], on_done: Any
) -> dict[int, AreaDone]:
    """Submit the tasks, hand each result to ``on_done`` as it comes. An area whose search
    ended before its first solution (a loaded machine) is submitted once more with twice its
    time; one whose task fails for good (every retry, or the scheduler gave up on it) is
    solved here instead."""
    from distributed import as_completed

    client = session.client()
    futures = submit_areas(client, tasks, sizes)
    again: set[int] = set()
    out: dict[int, AreaDone] = {}
    pending = as_completed(list(futures))
    for future in pending:
        task = futures[future]
        try:
            done: AreaDone = future.result()
        except Exception as exc:  # lost for good: this process solves the area
            log.warning("area %d failed on the cluster (%s): solved here", task.index, exc)
            done = run_area(task)
        if not done.result.is_feasible() and task.index not in again:
            again.add(task.index)
            longer = task.params.time_limit_s * 2
            retry = replace(
                task,
                params=replace(task.params, time_limit_s=longer),
                deadline=time.time() + longer,
            )
            log.warning("area %d: no solution in its time: once more, %.0f s", task.index, longer)
            (extra,) = submit_areas(client, [retry], [sizes[tasks.index(task)]])
            futures[extra] = retry
            pending.add(extra)
            continue
        out[task.index] = done
        on_done(done)
    return out


def solve_on_cluster(
    session: ClusterSession,
    horizon: Horizon,
    areas: list[Area],
    unserved: list[Unserved],
    started: float,
) -> Result:
    """Solve the areas on the session's cluster, the edge pass after, the routes put back in
    the whole problem's numbers (as entry._solve_areas does in this process)."""
    from planner.solver.edges import edge_pass

    params, tracker = horizon.params, horizon.tracker
    client_t0 = time.monotonic()
    session.client()
    workers = max(1, session.workers())
    connect_s = time.monotonic() - client_t0
    started += connect_s  # starting a LocalCluster once is not the areas' search time
    kept = [k for k, a in enumerate(areas) if a.stops]
    budget = params.time_limit_s * (1 - EDGE_SHARE) - (time.monotonic() - started)
    seconds = shares([len(areas[k].stops) for k in kept], workers, max(MIN_SHARE_S, budget))
    deadline = time.time() + max(MIN_SHARE_S, budget)
    travel = travel_for_workers(horizon.travel, session.roads)
    tasks = [
        AreaTask(
            k,
            lean(areas[k].data),
            travel,
            replace(params, time_limit_s=s, split_stops=0, workers=1),
            deadline,
            local_routes(areas[k], horizon.initial_routes),
            local_targets(areas[k], horizon.targets),
        )
        for k, s in zip(kept, seconds, strict=True)
    ]
    finished: list[int] = []

    def on_done(done: AreaDone) -> None:
        finished.append(done.index)
        if tracker is not None and done.result.is_feasible():
            area = areas[done.index]
            tracker.area_done(
                area.stops[v.stop_index] for r in done.result.routes for v in r.visits
            )
            tracker.areas(len(finished), len(tasks), done.result.objective)

    areas_t0 = time.monotonic()
    results = gather(session, tasks, [len(areas[t.index].stops) for t in tasks], on_done)
    areas_s = time.monotonic() - areas_t0
    lost = [k for k, d in results.items() if not d.result.is_feasible()]
    for k in lost:
        results[k] = replace(results[k], result=_left_out(areas[k], horizon.travel))
    edge_t0 = time.monotonic()
    areas, parts, edge_stats = edge_pass(session, horizon, areas, results, tasks, started)
    edge_s = time.monotonic() - edge_t0
    return _merged(
        horizon,
        areas,
        parts,
        unserved,
        started,
        {
            **edge_stats,
            "areas": float(len(tasks)),
            "workers": float(workers),
            "connect_s": connect_s,
            "areas_s": areas_s,
            "edge_s": edge_s,
            "task_s_sum": sum(d.seconds for d in results.values()),
            "task_s_max": max(d.seconds for d in results.values()),
            "matrix_s_sum": sum(d.matrix_s for d in results.values()),
            "peak_rss_mb_max": max(d.peak_rss_mb for d in results.values()),
            "areas_without_solution": float(len(lost)),
        },
        session.describe(),
    )


def _left_out(area: Area, travel: TravelModel) -> Result:
    """An area whose search found no solution even with twice its time (a machine far too
    loaded for the time limit): its residents are left out, each with the diagnosed reason,
    rather than the whole province's plan failing; the plan's stats count such areas."""
    from planner.solver.reasons import diagnose

    log.warning(
        "an area of %d stops found no solution: its residents are left out", len(area.stops)
    )
    stops = list(range(len(area.stops)))
    return Result((), tuple(diagnose(area.data, travel, stops)), 0, 0.0, 0, Status.FEASIBLE)


def _merged(
    horizon: Horizon,
    areas: list[Area],
    parts: dict[int, Result],
    unserved: list[Unserved],
    started: float,
    stats: dict[str, float],
    cluster: dict[str, Any],
) -> Result:
    """The areas' routes and reasons in the whole problem's numbers, in the areas' order."""
    routes: list[Route] = []
    out = list(unserved)
    objective = solutions = 0
    for k in sorted(parts):
        part, area = parts[k], areas[k]
        routes += [global_route(area, r) for r in part.routes]
        out += [replace(u, stop_index=area.stops[u.stop_index]) for u in part.unserved]
        objective += part.objective
        solutions += part.solutions_found
    elapsed = time.monotonic() - started
    params = horizon.params
    status = Status.CANCELLED if elapsed > params.guard_s else Status.FEASIBLE
    stats["vehicles"] = float(len(horizon.data.teams) * horizon.data.days)
    return Result(tuple(routes), tuple(out), objective, elapsed, solutions, status, stats, cluster)
