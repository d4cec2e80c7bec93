"""``vaxroute user add | list | disable`` against a real SQLite file, and migration 0003."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import inspect, select, text
from typer.testing import CliRunner

from api.db import Database, migrate
from api.main import create_app
from api.models import PlanRow, UserRow
from tests.api.pages.conftest import console_settings, sign_in
from vaxroute.cli import app

#: its migration test starts from an empty database (tests/api/conftest.py)
EMPTY_DATABASE = True

runner = CliRunner()
PASSWORD = "một mật khẩu dài"


@pytest.fixture
def database(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'vaxroute.sqlite'}"


def _users(url: str) -> dict[str, UserRow]:
    db = Database(url)
    try:
        migrate(db.engine)
        with db.session() as s:
            return {u.name: u for u in s.scalars(select(UserRow))}
    finally:
        db.engine.dispose()


def test_add_with_password_stdin_list_and_disable(database: str) -> None:
    added = runner.invoke(
        app,
        [
            "user",
            "add",
            "Lê Văn Hùng",
            "--role",
            "planner",
            "--password-stdin",
            "--database",
            database,
        ],
        input=PASSWORD + "\n",
    )
    assert added.exit_code == 0, added.output
    assert "Lê Văn Hùng" in added.stdout and PASSWORD not in added.output
    user = _users(database)["Lê Văn Hùng"]
    assert user.role == "planner" and user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash
    listed = runner.invoke(app, ["user", "list", "--database", database])
    assert listed.exit_code == 0
    header, line = listed.stdout.splitlines()
    assert header.split() == ["name", "role", "created", "disabled", "locked", "until"]
    assert line.startswith("Lê Văn Hùng  planner") and "$argon2" not in listed.output
    disabled = runner.invoke(app, ["user", "disable", "Lê Văn Hùng", "--database", database])
    assert disabled.exit_code == 0 and "disabled at" in disabled.stdout
    assert _users(database)["Lê Văn Hùng"].disabled_at is not None
    again = runner.invoke(app, ["user", "disable", "Lê Văn Hùng", "--database", database])
    assert again.exit_code == 0 and "already disabled" in again.stdout
    listed = runner.invoke(app, ["user", "list", "--database", database])
    assert listed.stdout.splitlines()[1].split()[4] != "-"  # the disabled date is shown


def test_the_prompt_asks_twice_hidden(database: str) -> None:
    added = runner.invoke(
        app, ["user", "add", "mai", "--database", database], input=f"{PASSWORD}\n{PASSWORD}\n"
    )
    assert added.exit_code == 0, added.output
    assert PASSWORD not in added.output  # hidden input is not echoed
    assert "mai" in _users(database)
    mismatch = runner.invoke(
        app,
        ["user", "add", "lan", "--database", database],
        input=f"{PASSWORD}\nsomething else entirely\n{PASSWORD}\n{PASSWORD}\n",
    )
    assert mismatch.exit_code == 0 and "match" in mismatch.output.lower()  # asked again


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["user", "add", "hoa", "--password-stdin"], "short\n", "at least 10 characters"),
        (["user", "add", "", "--password-stdin"], PASSWORD + "\n", "1 to 100 characters"),
        (["user", "add", "hoa", "--role", "admin", "--password-stdin"], PASSWORD + "\n", "admin"),
        (["user", "disable", "nobody"], "", "no user named 'nobody'"),
    ],
)
def test_input_errors_exit_2(database: str, args: list[str], stdin: str, message: str) -> None:
    result = runner.invoke(app, [*args, "--database", database], input=stdin)
    assert result.exit_code == 2 and message in result.output, result.output
    assert "hoa" not in _users(database)


def test_a_name_is_taken_once_and_the_added_user_signs_in(database: str) -> None:
    for expected in (0, 2):
        result = runner.invoke(
            app,
            ["user", "add", "khanh", "--password-stdin", "--database", database],
            input=PASSWORD + "\n",
        )
        assert result.exit_code == expected, result.output
    assert "exists already" in result.output
    with TestClient(create_app(console_settings(database))) as client:
        assert sign_in(client, "khanh", PASSWORD).status_code == 303
        runner.invoke(app, ["user", "disable", "khanh", "--database", database])
        assert client.get("/", follow_redirects=False).headers["location"] == "/login"


def test_migration_0003_stamps_older_plans_published_and_goes_back(database_url: str) -> None:
    """On SQLite and PostgreSQL: a plan made before 0003 is published at its finish."""
    database = database_url
    from alembic import command
    from alembic.config import Config

    from api.db import MIGRATIONS, make_engine

    engine = make_engine(database)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0002")
        connection.execute(
            text(
                "INSERT INTO plans (version, status, progress, start_date, days, time_limit_s, "
                "created_at, finished_at, attempts) VALUES (1, 'done', 1.0, '2026-11-23', 1, 5, "
                "'2026-11-22 09:00:00', '2026-11-22 09:01:00', 1)"
            )
        )
    migrate(engine)
    db = Database(database)
    with db.session() as s:
        plan = s.scalars(select(PlanRow)).one()
        assert plan.published_at is not None and plan.requested_by is None
        assert plan.published_at == plan.finished_at is not None
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0002")
    columns = {c["name"] for c in inspect(engine).get_columns("plans")}
    assert "published_at" not in columns and "requested_by" not in columns
    migrate(engine)  # and up again
    db.engine.dispose()
    engine.dispose()
