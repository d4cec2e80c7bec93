"""The API's solver sends a split plan's areas to the Dask scheduler named by
``VAXROUTE_DASK_SCHEDULER`` (issue 25): a real 2-process LocalCluster, the server's real solver
process, the demo lists split into areas; the plan says which cluster and how many workers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import dask
import pytest
from distributed import Client, LocalCluster
from fastapi.testclient import TestClient

from api.main import create_app
from api.security import create_token
from api.settings import Settings
from api.solver_cluster import cluster_for_api
from planner.checker import check_plan
from planner.demo import demo_files
from planner.io.residents import read_residents
from planner.io.teams import read_teams
from tests.api.conftest import upload, wait_done


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    with (
        dask.config.set({"distributed.worker.profile.enabled": False}),
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as local,
        Client(local),
    ):
        yield local.scheduler_address


def test_the_api_uses_the_configured_scheduler(
    scheduler: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    toml = tmp_path / "planner.toml"
    toml.write_text("[solver]\nsplit_stops = 50\n[vials]\nwastage_aware = false\n")
    monkeypatch.setenv("VAXROUTE_DASK_SCHEDULER", scheduler)
    settings = Settings(  # type: ignore[call-arg]
        database_url=f"sqlite:///{tmp_path / 'cluster.sqlite'}",
        planner_settings=toml,
        default_time_limit_s=10,
    )
    assert settings.dask_scheduler == scheduler  # read from the environment
    app = create_app(settings)
    with TestClient(app) as client:
        with app.state.db.session() as s:
            headers = {"Authorization": f"Bearer {create_token(s, 'planner', None)}"}
        files = demo_files()
        assert upload(client, headers, "teams", files.teams).status_code == 201
        assert upload(client, headers, "residents", files.residents).status_code == 201
        made = client.post("/plans", headers=headers, json={"start_date": "2026-11-23", "days": 1})
        assert made.status_code == 202, made.text
        body = wait_done(client, headers, made.json()["id"], timeout=240)
    assert body["status"] == "done", body.get("error")
    plan = body["plan"]
    assert plan["parameters"]["compute"] == {"cluster": scheduler, "workers": 2}
    teams = read_teams(files.teams).teams
    start = dt.date.fromisoformat(plan["start_date"])
    residents = read_residents(files.residents, reference_date=start).residents
    assert check_plan(plan, residents, teams).ok
    assert plan["summary"]["planned"] > 0
    # the progress across the cluster: every area finished, and the plan's own coverage
    assert body["areas_total"] >= 2 and body["areas_done"] == body["areas_total"]
    assert body["best_planned"] == plan["summary"]["planned"] and body["best_coverage"] > 0


def test_the_servers_cluster_choice() -> None:
    assert cluster_for_api("tcp://10.1.1.1:8786", "auto") == "tcp://10.1.1.1:8786"
    assert cluster_for_api(None, "auto") == "none"  # a server starts no cluster unasked
    assert cluster_for_api(None, "local:2") == "local:2"
    with pytest.raises(ValueError):
        Settings(dask_scheduler="localhost:8786")  # type: ignore[call-arg]
