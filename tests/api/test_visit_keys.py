"""Idempotency keys are each team's own; an outcome's ``at`` stays near the server's clock.

Issue #19 items 7 and 9, on SQLite and PostgreSQL (the ``client`` fixture runs both).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi.testclient import TestClient

from api.settings import Settings
from api.store import VN


def _resident_of(plan: dict[str, Any], team: str, k: int = 0) -> str:
    ids = [
        rid
        for r in plan["routes"]
        if r["team_id"] == team
        for s in r["stops"]
        for rid in s["resident_ids"]
    ]
    return ids[k]


def _recent(minutes_ago: float = 60) -> str:
    return (dt.datetime.now(VN) - dt.timedelta(minutes=minutes_ago)).isoformat()


def _visit(
    plan_id: int, resident: str, key: str, outcome: str = "vaccinated", at: str | None = None
) -> dict[str, Any]:
    return {
        "resident_id": resident,
        "plan_id": plan_id,
        "outcome": outcome,
        "at": at or _recent(),
        "idempotency_key": key,
    }


def test_another_teams_key_records_the_own_visit(client: TestClient, tokens, loaded) -> None:
    """Team SC posting with the key team DX used gets its own new visit (201), never DX's."""
    plan, plan_id = loaded["plan"], loaded["id"]
    at = _recent(90)
    dx = client.post(
        "/visits",
        headers=tokens["DX"],
        json=_visit(plan_id, _resident_of(plan, "DX"), "shared-key-0001", at=at),
    )
    assert dx.status_code == 201, dx.text
    sc_body = _visit(plan_id, _resident_of(plan, "SC"), "shared-key-0001", "refused", at)
    sc = client.post("/visits", headers=tokens["SC"], json=sc_body)
    assert sc.status_code == 201, sc.text
    assert sc.json()["id"] != dx.json()["id"]
    assert (sc.json()["team_id"], sc.json()["resident_id"]) == ("SC", sc_body["resident_id"])
    retry = client.post("/visits", headers=tokens["SC"], json=sc_body)
    assert retry.status_code == 200 and retry.json()["id"] == sc.json()["id"]
    assert retry.json()["duplicate"] is True


def test_a_key_cannot_probe_another_teams_visit(client: TestClient, tokens, loaded) -> None:
    """SC replaying DX's exact post gets 404 (not DX's record, 200); SC guessing another
    outcome for it gets 404 too (not 409): whose key it is never shows."""
    plan, plan_id = loaded["plan"], loaded["id"]
    body = _visit(plan_id, _resident_of(plan, "DX", 1), "probe-key-0002", "not_at_home")
    assert client.post("/visits", headers=tokens["DX"], json=body).status_code == 201
    replay = client.post("/visits", headers=tokens["SC"], json=body)
    assert replay.status_code == 404, replay.text
    assert "probe-key-0002" not in replay.text and body["resident_id"] not in replay.text
    guess = client.post("/visits", headers=tokens["SC"], json={**body, "outcome": "refused"})
    assert guess.status_code == 404, guess.text
    theirs = client.get("/visits", headers=tokens["SC"]).json()
    assert all(v["team_id"] == "SC" for v in theirs)


def test_a_key_reused_by_the_same_team_for_another_outcome_is_409(
    client: TestClient, tokens, loaded
) -> None:
    """Within a team the key still means one outcome: same body 200, different body 409,
    whether the team leader or a planner posts (the key belongs to the visit's team)."""
    plan, plan_id = loaded["plan"], loaded["id"]
    body = _visit(plan_id, _resident_of(plan, "DX", 2), "team-key-0003")
    first = client.post("/visits", headers=tokens["DX"], json=body)
    assert first.status_code == 201
    again = client.post("/visits", headers=tokens["planner"], json=body)
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    clash = client.post("/visits", headers=tokens["DX"], json={**body, "outcome": "refused"})
    assert clash.status_code == 409 and "idempotency_key" in clash.text


def test_outcomes_far_from_the_server_clock_are_refused(client: TestClient, tokens, loaded) -> None:
    """An outcome dated 2099 (or 11 minutes ahead, or 61 days back) is a 422 naming ``at``:
    it would otherwise override every real correction, since the latest ``at`` wins."""
    plan, plan_id, leader = loaded["plan"], loaded["id"], tokens["DX"]
    resident = _resident_of(plan, "DX", 3)
    now = dt.datetime.now(VN)
    refused = {
        "2099": "2099-01-01T08:00:00+07:00",
        "11 minutes ahead": (now + dt.timedelta(minutes=11)).isoformat(),
        "61 days back": (now - dt.timedelta(days=61)).isoformat(),
        "naive, 11 minutes ahead in Viet Nam": (now + dt.timedelta(minutes=11))
        .replace(tzinfo=None)
        .isoformat(),
    }
    app: Any = client.app  # the suite's app accepts ten years back: here, the real default
    original = app.state.settings
    default = Settings.model_fields["visit_max_age_days"].default
    assert default == 60
    app.state.settings = original.model_copy(update={"visit_max_age_days": default})
    try:
        for k, (what, at) in enumerate(refused.items()):
            r = client.post(
                "/visits",
                headers=leader,
                json=_visit(plan_id, resident, f"clock-refused-{k}", at=at),
            )
            assert r.status_code == 422, (what, r.text)
            detail = r.json()["detail"][0]
            assert detail["loc"] == ["body", "at"], (what, detail)
            assert "60 days" in detail["msg"] and "10 minutes" in detail["msg"], detail
    finally:
        app.state.settings = original
    mine = client.get("/visits", headers=leader).json()
    assert not any(v["resident_id"] == resident for v in mine)  # nothing was stored


def test_outcomes_near_the_server_clock_are_recorded(client: TestClient, tokens, loaded) -> None:
    """A tablet a few minutes fast, or one syncing a visit from 59 days ago, is fine."""
    plan, plan_id, leader = loaded["plan"], loaded["id"], tokens["DX"]
    resident = _resident_of(plan, "DX", 4)
    now = dt.datetime.now(VN)
    for k, at in enumerate(
        (
            (now + dt.timedelta(minutes=5)).isoformat(),
            (now - dt.timedelta(days=59)).isoformat(),
            (now - dt.timedelta(hours=1)).replace(tzinfo=None).isoformat(),
        )
    ):
        r = client.post(
            "/visits", headers=leader, json=_visit(plan_id, resident, f"clock-kept-{k}", at=at)
        )
        assert r.status_code == 201, (at, r.text)


def test_the_age_limit_is_a_setting(client: TestClient, tokens, loaded) -> None:
    """VAXROUTE_VISIT_MAX_AGE_DAYS: with 1 day, a visit from 2 days ago is refused."""
    plan, plan_id = loaded["plan"], loaded["id"]
    app: Any = client.app
    original = app.state.settings
    app.state.settings = original.model_copy(update={"visit_max_age_days": 1})
    try:
        r = client.post(
            "/visits",
            headers=tokens["DX"],
            json=_visit(
                plan_id, _resident_of(plan, "DX", 5), "clock-setting-0", at=_recent(2 * 24 * 60)
            ),
        )
    finally:
        app.state.settings = original
    assert r.status_code == 422 and "1 day" in r.json()["detail"][0]["msg"], r.text


def test_the_latest_at_wins_not_the_latest_post(client: TestClient, tokens, loaded) -> None:
    """The ordering rule: a correction dated later replaces an outcome; a late post dated
    earlier does not (the daily report and a re-plan read the outcome with the latest ``at``)."""
    plan, plan_id, leader = loaded["plan"], loaded["id"], tokens["DX"]
    resident = _resident_of(plan, "DX", 6)
    today = dt.datetime.now(VN).date().isoformat()

    def dx_counts() -> dict[str, int]:
        report = client.get(
            "/reports/daily", headers=tokens["planner"], params={"date": today}
        ).json()
        return next(r for r in report["by_team"] if r["group"] == "DX")

    before = dx_counts()
    for key, outcome, minutes_ago in (
        ("order-0001", "not_at_home", 3),
        ("order-0002", "vaccinated", 1),
        ("order-0003", "refused", 2),
    ):  # posted last, dated earlier
        r = client.post(
            "/visits",
            headers=leader,
            json=_visit(plan_id, resident, key, outcome, _recent(minutes_ago)),
        )
        assert r.status_code == 201, r.text
    history = [
        v["outcome"]
        for v in client.get("/visits", headers=leader).json()
        if v["resident_id"] == resident
    ]
    assert history == ["not_at_home", "refused", "vaccinated"]
    after = dx_counts()
    assert [after[k] - before[k] for k in ("vaccinated", "refused", "not_at_home")] == [1, 0, 0]


def test_a_note_is_kept_with_the_outcome_and_checked(client: TestClient, tokens, loaded) -> None:
    """The team leader's note travels with the outcome: stored trimmed, returned, part of what
    makes a retry the same post; blank is none; control characters and 501 characters are 422."""
    plan, plan_id, leader = loaded["plan"], loaded["id"], tokens["DX"]
    resident = _resident_of(plan, "DX", 7)
    body = {
        **_visit(plan_id, resident, "note-key-0001", "not_at_home"),
        "note": "  Gọi lại chiều  ",
    }
    first = client.post("/visits", headers=leader, json=body)
    assert first.status_code == 201, first.text
    assert first.json()["note"] == "Gọi lại chiều"
    again = client.post("/visits", headers=leader, json=body)
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    other = client.post("/visits", headers=leader, json={**body, "note": "Khác"})
    assert other.status_code == 409, other.text
    blank = {**_visit(plan_id, resident, "note-key-0002", "not_at_home"), "note": "   "}
    assert client.post("/visits", headers=leader, json=blank).json()["note"] is None
    for bad in ("x" * 501, "bell\x07"):
        refused = client.post(
            "/visits",
            headers=leader,
            json={**_visit(plan_id, resident, "note-key-0003"), "note": bad},
        )
        assert refused.status_code == 422, refused.text
    listed = [
        v for v in client.get("/visits", headers=leader).json() if v["id"] == first.json()["id"]
    ]
    assert listed[0]["note"] == "Gọi lại chiều"
