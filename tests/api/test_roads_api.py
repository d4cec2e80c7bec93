"""The API with a road network in its settings (VAXROUTE_ROADS): plans on the streets of a
real OpenStreetMap extract, maps whose route lines follow them, a clear failure otherwise."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.security import create_token
from api.settings import Settings
from planner.errors import InputError
from tests.api.conftest import upload, wait_done
from tests.data import HANOI_OSM as HANOI
from tests.osm_builder import street_lists


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    tmp = tmp_path_factory.mktemp("roads-api")
    app = create_app(
        Settings(database_url=f"sqlite:///{tmp / 'db.sqlite'}", default_time_limit_s=2, roads=HANOI)
    )
    with TestClient(app) as c:
        yield c


def test_plan_on_roads_and_its_map_follows_the_streets(client: TestClient, tmp_path: Path) -> None:
    with client.app.state.db.session() as s:  # type: ignore[attr-defined]
        headers = {"Authorization": f"Bearer {create_token(s, 'planner', None)}"}
    teams, residents = street_lists(tmp_path, HANOI, 13, seed=8)
    assert upload(client, headers, "teams", teams).status_code == 201
    assert upload(client, headers, "residents", residents).status_code == 201
    created = client.post(
        "/plans", headers=headers, json={"start_date": "2026-11-23", "days": 1, "time_limit_s": 2}
    )
    body = wait_done(client, headers, created.json()["id"])
    assert body["status"] == "done", body
    plan = body["plan"]
    assert plan["travel_model"]["kind"] == "road"
    route = plan["routes"][0]
    bend = route["stops"][1]["path_from_previous"][2]  # a street corner, not a stop
    page = client.get(f"/plans/{body['id']}/teams/DD/map", headers=headers)
    assert page.status_code == 200
    assert f"{bend[0]}, {bend[1]}" in page.text or f"[{bend[0]},{bend[1]}]" in page.text.replace(
        " ", ""
    )


def test_missing_extract_is_a_clear_startup_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="VAXROUTE_ROADS: .*nowhere.osm.pbf: road network file"):
        create_app(
            Settings(
                database_url=f"sqlite:///{tmp_path / 'db.sqlite'}",
                roads=tmp_path / "nowhere.osm.pbf",
            )
        )
