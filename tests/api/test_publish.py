"""Publishing a plan and what team leaders may read of a draft, on SQLite and PostgreSQL.

A plan for new dates is published when it is done; a re-plan is a draft until a planner
publishes it (``POST /plans/{id}/publish``). Until then a team leader gets a 404 for it, its
team files, its place in the list, its residents and outcomes recorded against it, as if it
did not exist."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.plan_requests import current_plan
from tests.api.conftest import demo_plan, wait_done

DAY = dt.date(2026, 11, 23)


def token_id(client: TestClient, headers: dict[str, str]) -> int:
    """The id of the token in ``headers`` (what ``requested_by`` names)."""
    from api.models import TokenRow
    from api.security import hash_token

    token = headers["Authorization"].removeprefix("Bearer ")
    with client.app.state.db.session() as s:  # type: ignore[attr-defined]
        row = s.query(TokenRow).filter_by(token_hash=hash_token(token)).one()
        return row.id


def leader_paths(plan_id: int, team: str) -> list[str]:
    base = f"/plans/{plan_id}/teams/{team}"
    return [
        f"/plans/{plan_id}",
        f"{base}/route",
        f"{base}/map",
        f"{base}/sheet",
        f"{base}/sheet?format=csv",
        f"{base}/gpx",
        f"/plans/{plan_id}/export",
    ]


def team_ids(plan: dict[str, Any], team: str) -> list[str]:
    return sorted(
        {
            rid
            for r in plan["routes"]
            if r["team_id"] == team
            for s in r["stops"]
            for rid in s["resident_ids"]
        }
    )


def own_residents(client: TestClient, leader: dict[str, str]) -> list[str]:
    """The residents a team leader's tablet may read (GET /residents)."""
    rows = client.get("/residents", headers=leader, params={"limit": 10_000}).json()
    return sorted(r["resident_id"] for r in rows)


def draft_visit(draft: dict[str, Any]) -> dict[str, Any]:
    """An outcome for a resident on DX's second day in the draft, against the draft."""
    route = next(
        r
        for r in draft["plan"]["routes"]
        if r["team_id"] == "DX" and r["date"] == "2026-11-24" and r["stops"]
    )
    return {
        "resident_id": route["stops"][0]["resident_ids"][0],
        "plan_id": draft["id"],
        "outcome": "vaccinated",
        "at": "2026-11-24T08:30:00+07:00",
        "idempotency_key": "tablet-DX-draft-1",
    }


@pytest.fixture(scope="module")
def loaded(client: TestClient, tokens) -> dict[str, Any]:
    """Solved here, not copied: publication when the solver finishes is what is tested."""
    return demo_plan(client, tokens, real=True)


@pytest.fixture(scope="module")
def draft(client: TestClient, tokens, loaded) -> dict[str, Any]:
    """A done re-plan of the first day from 10:00, not published."""
    planner = tokens["planner"]
    asked = client.post(
        f"/plans/{loaded['id']}/replan",
        headers=planner,
        json={"as_of": "2026-11-23T10:00:00+07:00", "time_limit_s": 5},
    )
    assert asked.status_code == 202, asked.text
    body = wait_done(client, planner, asked.json()["id"])
    assert body["status"] == "done", body["error"]
    return body


def test_a_new_plan_is_published_when_done_and_publishing_again_changes_nothing(
    client: TestClient, tokens, loaded
) -> None:
    planner = tokens["planner"]
    assert loaded["published_at"] is not None
    assert loaded["requested_by"] == f"token {token_id(client, planner)}"
    again = client.post(f"/plans/{loaded['id']}/publish", headers=planner)
    assert again.status_code == 200, again.text
    assert again.json()["published_at"] == loaded["published_at"]
    assert client.post("/plans/999999/publish", headers=planner).status_code == 404


def test_a_plan_that_is_not_done_cannot_be_published(client: TestClient, tokens, loaded) -> None:
    planner = tokens["planner"]
    queued = client.post(
        "/plans", headers=planner, json={"start_date": "2026-11-25", "days": 1, "time_limit_s": 3}
    )
    assert queued.status_code == 202
    plan_id = queued.json()["id"]
    assert client.post(f"/plans/{plan_id}/cancel", headers=planner).status_code == 200
    refused = client.post(f"/plans/{plan_id}/publish", headers=planner)
    assert refused.status_code == 409 and "cancelled" in refused.json()["detail"]
    assert client.get(f"/plans/{plan_id}", headers=planner).json()["published_at"] is None


def test_a_leader_cannot_read_a_draft_until_a_planner_publishes_it(
    client: TestClient, tokens, loaded, draft
) -> None:
    planner, leader = tokens["planner"], tokens["DX"]
    assert draft["published_at"] is None and draft["parent_id"] == loaded["id"]
    assert draft["requested_by"] == f"token {token_id(client, planner)}"
    assert any(r["team_id"] == "DX" for r in draft["plan"]["routes"])
    for path in leader_paths(draft["id"], "DX"):
        assert client.get(path, headers=leader).status_code == 404, path
        assert client.get(path, headers=planner).status_code == 200, path
    assert draft["id"] not in [p["id"] for p in client.get("/plans", headers=leader).json()]
    assert draft["id"] in [p["id"] for p in client.get("/plans", headers=planner).json()]
    assert client.post(f"/plans/{draft['id']}/publish", headers=leader).status_code == 403
    with client.app.state.db.session() as s:  # type: ignore[attr-defined]
        assert current_plan(s, DAY).id == loaded["id"]  # teams still work from the parent
    assert own_residents(client, leader) == team_ids(loaded["plan"], "DX")
    visit = draft_visit(draft)
    assert client.post("/visits", headers=leader, json=visit).status_code == 404

    published = client.post(f"/plans/{draft['id']}/publish", headers=planner)
    assert published.status_code == 200 and published.json()["published_at"]
    for path in leader_paths(draft["id"], "DX"):
        assert client.get(path, headers=leader).status_code == 200, path
    own = client.get(f"/plans/{draft['id']}", headers=leader).json()
    assert {r["team_id"] for r in own["plan"]["routes"]} == {"DX"}
    assert own["published_at"] == published.json()["published_at"]
    assert draft["id"] in [p["id"] for p in client.get("/plans", headers=leader).json()]
    with client.app.state.db.session() as s:  # type: ignore[attr-defined]
        assert current_plan(s, DAY).id == draft["id"]
    assert own_residents(client, leader) == team_ids(draft["plan"], "DX")
    assert client.post("/visits", headers=leader, json=visit).status_code == 201
