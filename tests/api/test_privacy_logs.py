"""Health data stays out of logs and out of other users' reach on disk (Decree 13/2023)."""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.security import create_token
from api.settings import Settings
from planner.logs import SafeFormatter

SECRET_ID = "BN-Nguyen-Van-An-0042"


@pytest.fixture(scope="module")
def private_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, Path]]:
    path = tmp_path_factory.mktemp("store") / "new-folder" / "vaxroute.sqlite"
    old = os.umask(0o022)  # a shell's usual umask: the app must not rely on the caller's
    try:
        app = create_app(Settings(database_url=f"sqlite:///{path}", default_time_limit_s=2))

        @app.get("/boom/{resident_id}")
        def boom(resident_id: str) -> None:  # a bug whose message carries what a user typed
            raise ValueError(f"cannot plan {resident_id}: Trần Thị Bình, tiểu đường")

        with TestClient(app, raise_server_exceptions=False) as client:
            yield client, path
    finally:
        os.umask(old)


@pytest.fixture
def planner(private_app: tuple[TestClient, Path]) -> dict[str, str]:
    client, _ = private_app
    with client.app.state.db.session() as s:  # type: ignore[attr-defined]
        return {"Authorization": f"Bearer {create_token(s, 'planner', None)}"}


def _safe_lines(caplog: pytest.LogCaptureFixture) -> str:
    formatter = SafeFormatter("%(levelname)s %(name)s %(message)s")
    server = [r for r in caplog.records if not r.name.startswith("httpx")]  # the test's client
    return "\n".join(formatter.format(r) for r in server)


def test_the_database_and_its_journal_are_owner_only(private_app, planner) -> None:
    client, path = private_app
    csv = b"resident_id,lat,lon\nR1,21.0,105.8\n"
    assert (
        client.post(
            "/residents/imports", headers=planner, files={"file": ("l.csv", csv, "text/csv")}
        ).status_code
        == 201
    )
    files = [path, Path(f"{path}-wal"), Path(f"{path}-shm")]
    assert all(f.exists() for f in files)
    assert {stat.S_IMODE(f.stat().st_mode) for f in files} == {0o600}
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_the_access_log_names_route_templates_not_paths(private_app, planner, caplog) -> None:
    client, _ = private_app
    with caplog.at_level(logging.INFO, logger="vaxroute.access"):
        client.get(f"/residents/{SECRET_ID}?q={SECRET_ID}", headers=planner)
        client.get(f"/no/such/{SECRET_ID}")
    text = _safe_lines(caplog)
    assert "GET /residents/{resident_id} 404" in text
    assert "GET <unmatched> 404" in text
    assert SECRET_ID not in text


def test_a_bug_answers_500_and_logs_no_values(private_app, caplog) -> None:
    client, _ = private_app
    with caplog.at_level(logging.INFO):
        response = client.get(f"/boom/{SECRET_ID}")
    assert response.status_code == 500
    assert response.json() == {"error": "internal", "detail": "internal error"}
    assert SECRET_ID not in response.text
    text = _safe_lines(caplog)
    assert "GET /boom/{resident_id} 500" in text
    assert "ValueError" in text  # the bug is visible to whoever reads the log...
    for secret in (SECRET_ID, "Bình", "tiểu đường"):  # ...the person is not
        assert secret not in text
