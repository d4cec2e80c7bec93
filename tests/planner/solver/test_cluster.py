"""Areas as Dask tasks on a real LocalCluster of worker processes (issue 25).

A 2,000-resident horizon split into 4 areas is solved through Dask and in this process: both
plans pass the independent checker, with the same coverage within noise. A worker process
killed with SIGKILL while its area runs costs nothing: the scheduler runs the area again on a
worker that lives, and the plan is complete and checked. The session closes what it started.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dask
import pytest
from distributed import Client, LocalCluster

from benchmarks.scenarios import START, scenario
from planner.build import build_problem
from planner.checker import check_plan
from planner.errors import InputError
from planner.model import ProblemData, Resident, Team
from planner.plan import build_plan
from planner.settings import ComputeParams, Settings, VialParams
from planner.solver import Progress, Result, solve
from planner.solver.cluster import ClusterSpec, ClusterUnreachable, cluster_session
from planner.solver.decompose import split
from planner.travel import StraightLineTravel

#: 16 teams at 8 stations, 1,277 households: split at 400 stops into 4 areas of 4 teams
SPLIT = 400
LIMIT = 24.0


def _settings() -> Settings:
    # one pass (no whole-vial second pass), one search per area (no portfolio processes to
    # start in this process): the comparison is about the areas' search
    return Settings(vials=VialParams(wastage_aware=False)).with_solver(
        time_limit_s=LIMIT, split_stops=SPLIT, workers=1
    )


@pytest.fixture(scope="module")
def province() -> tuple[list[Resident], list[Team], ProblemData]:
    people, teams = scenario(2000, 16, seed=1)
    data = build_problem(people, teams, START, 1, _settings())
    assert len(people) == 2000
    assert len(split(data, list(range(len(data.stops))), SPLIT)) == 4
    return people, teams, data


def _checked(people: list[Resident], teams: list[Team], data: ProblemData, result: Result) -> Any:
    settings = _settings()
    document = build_plan(data, result, StraightLineTravel.from_params(settings.travel), settings)
    doc = document.to_json()
    report = check_plan(doc, people, teams)
    assert report.ok, report.violations[:5]
    return doc


def _coverage(doc: dict[str, Any]) -> float:
    weight = {"high": 3.0, "medium": 2.0, "low": 1.0}
    cov = doc["summary"]["coverage_by_priority"]
    return sum(weight[k] * v["planned"] for k, v in cov.items()) / sum(
        weight[k] * v["eligible"] for k, v in cov.items()
    )


def _children() -> set[int]:
    """This process's live children started by multiprocessing's spawn (Dask's nannies and
    workers; not its resource tracker, which lives as long as this process), Linux /proc."""
    me, out = os.getpid(), set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2 :].split()
            if int(fields[1]) == me and fields[0] not in ("Z", "X"):
                with contextlib.suppress(OSError):
                    if b"spawn_main" in (entry / "cmdline").read_bytes():
                        out.add(int(entry.name))
    return out


def test_four_areas_through_dask_match_the_sequential_plan(province) -> None:
    people, teams, data = province
    travel = StraightLineTravel.from_params(_settings().travel)
    before = _children()
    reports: list[Progress] = []
    announced: list[str] = []
    with cluster_session("local:2", announce=announced.append) as session:
        on_dask = solve(data, travel, _settings().solver, progress=reports.append)
        assert session.workers() == 2
    alone = solve(data, travel, _settings().solver)
    dask_doc, alone_doc = (_checked(people, teams, data, r) for r in (on_dask, alone))
    assert on_dask.cluster == {"cluster": "local", "workers": 2}
    assert dask_doc["parameters"]["compute"] == {"cluster": "local", "workers": 2}
    assert "compute" not in alone_doc["parameters"]
    assert on_dask.stats["areas"] == 4
    # within noise: each area searched at least its sequential share of the time
    assert _coverage(dask_doc) >= _coverage(alone_doc) - 0.02, (
        _coverage(dask_doc),
        _coverage(alone_doc),
    )
    # progress across the cluster: areas done / total and the coverage so far, rising
    counted = [(p.areas_done, p.areas_total) for p in reports if p.areas_total]
    assert counted[:4] == [(1, 4), (2, 4), (3, 4), (4, 4)]
    rising = [p.coverage for p in reports if p.areas_total]
    assert rising == sorted(rising) and rising[-1] > 0
    assert announced and "dashboard http://127.0.0.1:" in announced[0]
    # the LocalCluster's worker processes and nannies are gone with the session
    deadline = time.monotonic() + 20
    while _children() - before and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _children() - before


@pytest.fixture(scope="module")
def cluster() -> Iterator[tuple[LocalCluster, Client]]:
    with (
        dask.config.set({"distributed.worker.profile.enabled": False}),
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as local,
        Client(local) as client,
    ):
        yield local, client


def _kill_a_worker_mid_area(client: Client, killed: list[str]) -> None:
    """SIGKILL the process of the first worker seen running an area, a second into it."""
    pids = client.run(os.getpid)
    end = time.monotonic() + 60
    while time.monotonic() < end:
        for address, keys in client.processing().items():
            if any("vaxroute-area" in str(k) for k in keys):
                time.sleep(1.0)
                os.kill(pids[address], signal.SIGKILL)
                killed.append(address)
                return
        time.sleep(0.05)


def test_a_worker_killed_mid_area_still_gives_a_complete_checked_plan(province, cluster) -> None:
    people, teams, data = province
    local, client = cluster
    travel = StraightLineTravel.from_params(_settings().travel)
    killed: list[str] = []
    killer = threading.Thread(target=_kill_a_worker_mid_area, args=(client, killed))
    killer.start()
    try:
        with cluster_session(local.scheduler_address) as session:
            result = solve(data, travel, _settings().solver)
            assert session.spec.kind == "tcp"
    finally:
        killer.join()
    assert killed, "no worker was seen running an area"
    doc = _checked(people, teams, data, result)  # every resident planned or with a reason
    assert doc["summary"]["planned"] > 0 and result.stats["areas"] == 4
    assert doc["parameters"]["compute"]["cluster"] == local.scheduler_address
    served = [v.stop_index for r in result.routes for v in r.visits]
    left = [u.stop_index for u in result.unserved]
    assert sorted(served + left) == list(range(len(data.stops)))  # each stop exactly once


def test_an_unreachable_scheduler_is_an_input_error_naming_it(province) -> None:
    _, _, data = province
    travel = StraightLineTravel.from_params(_settings().travel)
    started = time.monotonic()
    with (
        pytest.raises(ClusterUnreachable) as caught,
        cluster_session("tcp://127.0.0.1:9", connect_timeout_s=1.0),
    ):
        solve(data, travel, _settings().solver)
    assert "tcp://127.0.0.1:9" in str(caught.value) and caught.value.exit_code == 2
    assert time.monotonic() - started < 30


def test_cluster_names_are_checked() -> None:
    assert ClusterSpec.parse("local:3") == ClusterSpec("local", 3)
    assert ClusterSpec.parse("auto") == ClusterSpec("local")
    assert ClusterSpec.parse("tcp://10.0.0.5:8786").label() == "tcp://10.0.0.5:8786"
    with pytest.raises(InputError, match="'udp://x:1'"):
        ClusterSpec.parse("udp://x:1")
    with pytest.raises(InputError, match="compute.cluster"):
        ComputeParams(cluster="local:0")
