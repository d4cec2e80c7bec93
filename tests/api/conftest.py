"""API tests run against a real SQLite file and, in CI, a real PostgreSQL server.

PostgreSQL comes from VAXROUTE_TEST_POSTGRES_URL (an account that may create databases; .ci/run
installs and starts the server and sets it). Each test module gets a fresh database, at the
newest schema (a copy of a template migrated once per session) unless it sets EMPTY_DATABASE.
"""

from __future__ import annotations

import os
import sqlite3
import time
import uuid
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text

from api.db import Database, migrate
from api.main import create_app
from api.security import create_token
from api.settings import Settings
from api.store import import_teams
from planner.demo import demo_files
from planner.io.tables import read_table
from tests.api.solved import solved_plan

PG_URL = os.environ.get("VAXROUTE_TEST_POSTGRES_URL")
BACKENDS = ["sqlite", "postgresql"]


#: a module whose tests run migrations themselves sets ``EMPTY_DATABASE = True``: its database
#: starts empty; every other module's starts at the newest schema, copied from a template
#: migrated once per session (migrating each module's database took 1.5-3.5 s)
EMPTY_DATABASE = "EMPTY_DATABASE"


def _admin() -> Engine:
    assert PG_URL
    return create_engine(
        PG_URL.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT"
    )


def _postgres_database(template: str | None = None) -> Iterator[str]:
    if not PG_URL:
        if os.environ.get("CI"):
            pytest.fail("CI must test PostgreSQL: set VAXROUTE_TEST_POSTGRES_URL", pytrace=False)
        pytest.skip("SKIPPED LOUDLY: no VAXROUTE_TEST_POSTGRES_URL, PostgreSQL not tested here")
    name = f"vaxroute_test_{uuid.uuid4().hex[:10]}"
    admin = _admin()
    copied = f' TEMPLATE "{template}"' if template else ""
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"{copied}'))
    base = PG_URL.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _migrated(url: str) -> None:
    database = Database(url)
    migrate(database.engine)
    database.engine.dispose()  # a template must have no connection when it is copied


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file at the newest schema, copied for each module."""
    path = tmp_path_factory.mktemp("template") / "vaxroute.sqlite"
    _migrated(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    """A PostgreSQL database at the newest schema, each module's database created from it."""
    for url in _postgres_database(None):
        _migrated(url)
        yield url.rsplit("/", 1)[1]


def _copy_sqlite(template: Path, path: Path) -> None:
    """The template's content into a new owner-only file (SQLite's backup: WAL-safe)."""
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    with closing(sqlite3.connect(template)) as source, closing(sqlite3.connect(path)) as target:
        source.backup(target)


@pytest.fixture(scope="module", params=BACKENDS)
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    empty = getattr(request.module, EMPTY_DATABASE, False)
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("db") / "vaxroute.sqlite"
        if not empty:
            _copy_sqlite(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
    else:
        template = None if empty else request.getfixturevalue("postgres_template")
        yield from _postgres_database(template)


@pytest.fixture(scope="module")
def client(database_url: str) -> Iterator[TestClient]:
    # the demo's campaign is dated (23/11/2026): outcomes on its days must stay recordable
    # whenever the suite runs, so the window of accepted outcome dates is ten years here
    # (tests/api/test_boundaries.py checks the real default)
    app = create_app(
        Settings(
            database_url=database_url,
            default_time_limit_s=2,
            max_upload_mb=2,
            visit_max_age_days=3650,
        )
    )
    with TestClient(app) as c:
        yield c


@pytest.fixture(scope="module")
def tokens(client: TestClient) -> dict[str, dict[str, str]]:
    with client.app.state.db.session() as s:  # type: ignore[attr-defined]
        # a team leader's token names a team that exists: the demo teams come first
        import_teams(s, read_table(demo_files().teams), "teams.csv", False)
        made = {
            "planner": create_token(s, "planner", None),
            "DX": create_token(s, "team_leader", "DX"),
            "SC": create_token(s, "team_leader", "SC"),
        }
    return {k: {"Authorization": f"Bearer {v}"} for k, v in made.items()}


def upload(
    client: TestClient,
    headers: dict[str, str],
    kind: str,
    path: Path | None = None,
    content: bytes | None = None,
    name: str = "list.csv",
    **params: Any,
):
    data = content if content is not None else Path(path).read_bytes()  # type: ignore[arg-type]
    return client.post(
        f"/{kind}/imports", headers=headers, params=params, files={"file": (name, data, "text/csv")}
    )


def wait_done(
    client: TestClient, headers: dict[str, str], plan_id: int, timeout: float = 120
) -> dict[str, Any]:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        body = client.get(f"/plans/{plan_id}", headers=headers).json()
        if body["status"] in ("done", "failed"):
            return body
        time.sleep(0.2)
    raise AssertionError(f"plan {plan_id} not done in {timeout} s")


def import_demo(client: TestClient, headers: dict[str, str]) -> None:
    """The demo teams and residents, uploaded as a planner would."""
    files = demo_files()
    assert upload(client, headers, "teams", files.teams).status_code == 201
    assert upload(client, headers, "residents", files.residents).status_code == 201


def demo_plan(client: TestClient, tokens, *, real: bool = False) -> dict[str, Any]:
    """The demo lists imported and a done 2-day plan from 23/11/2026 (3 s limit): solved once
    per session and copied here (tests/api/solved.py), or solved here when ``real``."""
    import_demo(client, tokens["planner"])
    return solved_plan(client, tokens["planner"], "2026-11-23", 2, 3, real=real)


@pytest.fixture(scope="module")
def loaded(client: TestClient, tokens) -> dict[str, Any]:
    """Demo lists imported and a done 2-day plan (the session's solve, copied: modules about
    solving override this fixture with ``demo_plan(client, tokens, real=True)``)."""
    return demo_plan(client, tokens)
