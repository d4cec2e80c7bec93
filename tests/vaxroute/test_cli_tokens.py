"""`vaxroute token create | list | revoke` against a real SQLite file (issue #19, item 10).

Through typer's CliRunner with ``--database``, and once as a real process reading DATABASE_URL
(the way an operator and tests/api/live.py run it).
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner, Result

from api.db import Database, migrate
from api.models import TokenRow
from api.security import hash_token
from api.store import import_teams
from planner.demo import demo_files
from planner.io.tables import read_table
from vaxroute.cli import app

runner = CliRunner()


@pytest.fixture
def database(tmp_path: Path) -> str:
    """A migrated SQLite file holding the demo teams (DX, SC, ...)."""
    url = f"sqlite:///{tmp_path / 'tokens.sqlite'}"
    db = Database(url)
    migrate(db.engine)
    with db.session() as s:
        import_teams(s, read_table(demo_files().teams), "teams.csv", False)
    db.engine.dispose()
    return url


def token(database: str, *args: str) -> Result:
    return runner.invoke(app, ["token", *args, "--database", database])


def rows(database: str) -> dict[int, TokenRow]:
    db = Database(database)
    with db.session() as s:
        out = {r.id: r for r in s.scalars(select(TokenRow))}
    db.engine.dispose()
    return out


def aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def test_team_leader_token_for_an_unknown_team_is_refused(database: str) -> None:
    made = token(database, "create", "--role", "team_leader", "--team", "ZZ")
    assert made.exit_code == 2
    assert "ZZ" in made.stderr and "import the teams list" in made.stderr
    assert "DX" in made.stderr  # the teams that do exist are named
    assert made.stdout.strip() == "" and rows(database) == {}


def test_default_expiry_by_role_and_days(database: str) -> None:
    leader = token(database, "create", "--role", "team_leader", "--team", "DX")
    planner = token(database, "create", "--role", "planner")
    week = token(database, "create", "--role", "team_leader", "--team", "SC", "--days", "7")
    assert (leader.exit_code, planner.exit_code, week.exit_code) == (0, 0, 0), week.stderr
    by_hash = {r.token_hash: r for r in rows(database).values()}
    lifetimes = [
        aware(by_hash[hash_token(r.stdout.strip())].expires_at)  # type: ignore[arg-type]
        - aware(by_hash[hash_token(r.stdout.strip())].created_at)
        for r in (leader, planner, week)
    ]
    assert [round(d.total_seconds() / 86400, 3) for d in lifetimes] == [90, 365, 7]
    assert "expires" in leader.stderr and "90 days" in leader.stderr


@pytest.mark.parametrize("days", ["0", "-3", "5000"])
def test_days_out_of_range_is_an_input_error(database: str, days: str) -> None:
    made = token(database, "create", "--role", "planner", "--days", days)
    assert made.exit_code == 2 and rows(database) == {}
    assert "Invalid value for '--days'" in made.stderr


def test_list_shows_every_token_but_never_the_secret(database: str) -> None:
    secret = token(
        database, "create", "--role", "team_leader", "--team", "DX", "--label", "Chị Lan tablet"
    ).stdout.strip()
    token(database, "create", "--role", "planner", "--label", "trạm")
    listed = token(database, "list")
    assert listed.exit_code == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert lines[0].split() == ["id", "role", "team", "label", "created", "expires", "revoked"]
    first = next(line for line in lines[1:] if line.split()[0] == "1")
    assert first.split()[1:3] == ["team_leader", "DX"] and "Chị Lan tablet" in first
    expires = (
        (dt.datetime.now(dt.UTC) + dt.timedelta(days=90))
        .astimezone(dt.timezone(dt.timedelta(hours=7)))
        .date()
        .isoformat()
    )
    assert expires in first
    assert len(lines) == 3
    assert secret not in listed.output and hash_token(secret) not in listed.output
    assert secret[3:20] not in listed.output  # not even a piece of it


def test_revoke_is_idempotent_and_unknown_ids_are_errors(database: str) -> None:
    token(database, "create", "--role", "team_leader", "--team", "DX")
    first = token(database, "revoke", "1")
    assert first.exit_code == 0 and "revoked" in first.stdout
    stamp = rows(database)[1].revoked_at
    assert stamp is not None
    again = token(database, "revoke", "1")
    assert again.exit_code == 0 and "already revoked" in again.stdout
    assert rows(database)[1].revoked_at == stamp  # the first revocation's time stays
    listed = token(database, "list").stdout.splitlines()
    assert listed[1].split()[-2:] != ["-", "-"] and listed[1].rstrip().endswith(
        stamp.replace(tzinfo=dt.UTC)
        .astimezone(dt.timezone(dt.timedelta(hours=7)))
        .strftime("%Y-%m-%d %H:%M")
    )
    unknown = token(database, "revoke", "99")
    assert unknown.exit_code == 2
    assert "no token with id 99" in unknown.stderr and "token list" in unknown.stderr


def test_the_real_command_reads_database_url(database: str) -> None:
    env = {**os.environ, "DATABASE_URL": database}
    made = subprocess.run(
        [
            sys.executable,
            "-m",
            "vaxroute",
            "token",
            "create",
            "--role",
            "team_leader",
            "--team",
            "SC",
            "--days",
            "30",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert made.returncode == 0, made.stderr
    assert made.stdout.strip().startswith("vx_") and len(made.stdout.splitlines()) == 1
    refused = subprocess.run(
        [sys.executable, "-m", "vaxroute", "token", "revoke", "42"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert refused.returncode == 2 and "no token with id 42" in refused.stderr
    (row,) = rows(database).values()
    assert row.team_id == "SC" and row.token_hash == hash_token(made.stdout.strip())
