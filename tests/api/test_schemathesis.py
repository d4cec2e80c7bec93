"""Property-based fuzzing of every operation in the OpenAPI schema: never a 5xx.

Bounded (a few examples per operation) so that it fits in CI; against a real server process.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from api.main import create_app
from api.settings import Settings
from planner.demo import demo_files
from tests.api.live import LiveServer, make_token, start_server

schema = schemathesis.openapi.from_dict(create_app(Settings(database_url="sqlite://")).openapi())


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, dict]]:
    folder = tmp_path_factory.mktemp("fuzz")
    server = start_server(f"sqlite:///{folder / 'fuzz.sqlite'}", folder / "server.log")
    token = make_token(server.env, "planner")
    headers = {"Authorization": f"Bearer {token}"}
    files = demo_files()
    for kind, path in (("teams", files.teams), ("residents", files.residents)):
        r = httpx.post(
            f"{server.url}/{kind}/imports",
            headers=headers,
            timeout=60,
            files={"file": (path.name, path.read_bytes(), "text/csv")},
        )
        assert r.status_code == 201, r.text
    yield server, headers
    server.stop()
    log = (folder / "server.log").read_text(errors="replace")
    assert "Traceback" not in log, log[-3000:]


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.function_scoped_fixture,
    ],
)
def test_no_server_errors(case, live) -> None:
    server, headers = live
    response = case.call(base_url=server.url, headers=headers, timeout=60)
    case.validate_response(response, checks=[not_a_server_error])


def test_schema_has_examples_and_every_resource() -> None:
    raw = create_app(Settings(database_url="sqlite://")).openapi()
    paths = set(raw["paths"])
    assert {
        "/residents/imports",
        "/teams/imports",
        "/plans",
        "/plans/{plan_id}",
        "/plans/{plan_id}/replan",
        "/plans/{plan_id}/teams/{team_id}/map",
        "/plans/{plan_id}/teams/{team_id}/sheet",
        "/plans/{plan_id}/teams/{team_id}/gpx",
        "/plans/{plan_id}/map",
        "/visits",
        "/reports/daily",
    } <= paths
    assert "examples" in str(raw["components"]["schemas"]["PlanCreate"])
