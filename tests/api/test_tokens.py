"""Token expiry and revocation on the API, on SQLite and PostgreSQL (issue #19, item 10)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from typer.testing import CliRunner

from api.models import TokenRow, VisitRow
from api.security import create_token, hash_token
from vaxroute.cli import app


def new_token(client: TestClient, role: str, team: str | None = None) -> tuple[int, dict[str, str]]:
    """A fresh token: its id and the request headers that carry it."""
    with client.app.state.db.session() as s:  # type: ignore[attr-defined]
        secret = create_token(s, role, team, label="test")
        row = s.scalar(select(TokenRow).where(TokenRow.token_hash == hash_token(secret)))
        assert row is not None
    return row.id, {"Authorization": f"Bearer {secret}"}


def set_expiry(client: TestClient, token_id: int, when: dt.datetime) -> None:
    with client.app.state.db.session() as s:  # type: ignore[attr-defined]
        s.execute(update(TokenRow).where(TokenRow.id == token_id).values(expires_at=when))
        s.commit()


def first_stop(plan: dict[str, Any]) -> tuple[str, str, str]:
    """(team, resident, date) of the first planned stop."""
    route = next(r for r in plan["routes"] if r["stops"])
    return route["team_id"], route["stops"][0]["resident_ids"][0], route["date"]


def test_a_token_stops_working_when_it_expires(client: TestClient, tokens) -> None:
    token_id, headers = new_token(client, "planner")
    set_expiry(client, token_id, dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5))
    assert client.get("/plans", headers=headers).status_code == 200
    set_expiry(client, token_id, dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1))
    refused = client.get("/plans", headers=headers)
    assert refused.status_code == 401
    assert "expired" in refused.json()["detail"] and "token create" in refused.json()["detail"]
    assert refused.headers["www-authenticate"] == "Bearer"


def test_new_tokens_expire_by_role(client: TestClient, tokens) -> None:
    with client.app.state.db.session() as s:  # type: ignore[attr-defined]
        for role, team, days in (("planner", None, 365), ("team_leader", "DX", 90)):
            secret = create_token(s, role, team)
            row = s.scalar(select(TokenRow).where(TokenRow.token_hash == hash_token(secret)))
            assert row is not None and row.expires_at is not None
            life = row.expires_at - row.created_at
            assert abs(life - dt.timedelta(days=days)) < dt.timedelta(seconds=5)


def test_a_revoked_token_is_refused_and_its_visits_stay(
    client: TestClient, tokens, loaded, database_url: str
) -> None:
    team, resident, day = first_stop(loaded["plan"])
    token_id, leader = new_token(client, "team_leader", team)
    posted = client.post(
        "/visits",
        headers=leader,
        json={
            "resident_id": resident,
            "plan_id": loaded["id"],
            "outcome": "not_at_home",
            "at": f"{day}T08:05:00+07:00",
            "idempotency_key": f"revoke-test-{token_id}",
        },
    )
    assert posted.status_code == 201, posted.text
    revoked = CliRunner().invoke(
        app, ["token", "revoke", str(token_id), "--database", database_url]
    )
    assert revoked.exit_code == 0, revoked.output
    refused = client.get("/visits", headers=leader)
    assert refused.status_code == 401 and "revoked" in refused.json()["detail"]
    listed = client.get("/visits", headers=tokens["planner"], params={"plan_id": loaded["id"]})
    assert posted.json()["id"] in [v["id"] for v in listed.json()]
    with client.app.state.db.session() as s:  # type: ignore[attr-defined]
        visit = s.get(VisitRow, posted.json()["id"])
        assert visit is not None and visit.token_id == token_id  # history intact
    again = CliRunner().invoke(app, ["token", "revoke", str(token_id), "--database", database_url])
    assert again.exit_code == 0 and "already revoked" in again.stdout


def test_a_team_leader_token_needs_a_known_team(client: TestClient, tokens) -> None:
    with client.app.state.db.session() as s:  # type: ignore[attr-defined]
        before = s.scalar(select(TokenRow.id).order_by(TokenRow.id.desc()).limit(1))
        with pytest.raises(ValueError, match="no team 'NOPE'.*import the teams list"):
            create_token(s, "team_leader", "NOPE")
        s.rollback()
        assert s.scalar(select(TokenRow.id).order_by(TokenRow.id.desc()).limit(1)) == before
