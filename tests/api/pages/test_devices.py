"""Enrolled tablets on SQLite and PostgreSQL (api/devices.py, api/pages/devices.py).

A planner makes a one-time code on /devices; a second TestClient (the tablet, its own cookie
jar) opens /enrol/<code> and lands on /field. The code works once, expires, never shows in the
redirect or the log, and is refused in a browser signed in to the console. The device is a
team leader of its own team only: another team's routes, files, residents and visits are
404/403 with its cookie, console pages send it to /login, and its data-changing calls need its
CSRF token. Revoking it makes its next request a 401 that clears its cookie and stored data.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
import threading
import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from api.devices import CLEAR_SITE_DATA, DEVICE_COOKIE, redeem
from api.models import AuditRow, DeviceRow, EnrolmentRow
from api.store import today_vn
from tests.api.conftest import import_demo
from tests.api.pages.conftest import Browser, csrf_of, make_user, set_cookies, signed_in
from tests.api.solved import solved_plan

LINK = re.compile(r'href="http://testserver/enrol/([A-Za-z0-9_-]+)"')
PLANNER = "Trần Văn Minh"


@pytest.fixture(scope="module")
def today_plan(client: TestClient, tokens: dict[str, dict[str, str]]) -> dict[str, Any]:
    """The demo lists and a published one-day plan for today (Viet Nam): the session's solve,
    copied (tests/api/solved.py)."""
    planner = tokens["planner"]
    import_demo(client, planner)
    body = solved_plan(client, planner, today_vn(), 1, 3)
    return {"id": body["id"]}


@pytest.fixture(scope="module")
def planner(client: TestClient, today_plan: dict[str, Any]) -> Browser:
    make_user(client, PLANNER)
    return signed_in(client, PLANNER)


def tablet(client: TestClient) -> TestClient:
    """A second browser on the same app: its own cookie jar."""
    return TestClient(client.app, follow_redirects=False)


def make_code(planner: Browser, team: str = "DX", label: str = "máy 1") -> str:
    page = planner.client.post(
        "/devices/enrol", data={"csrf_token": planner.csrf, "team": team, "label": label}
    )
    assert page.status_code == 200, page.text
    assert page.headers["cache-control"] == "no-store"
    assert 'src="data:image/png;base64,' in page.text
    found = LINK.search(page.text)
    assert found, "no enrolment link on the page"
    return found.group(1)


def enrolled(client: TestClient, planner: Browser, team: str = "DX") -> TestClient:
    device = tablet(client)
    opened = device.get(f"/enrol/{make_code(planner, team)}")
    assert opened.status_code == 303 and opened.headers["location"] == "/field"
    return device


def test_enrolling_needs_the_forms_csrf_token_and_a_real_team(planner: Browser) -> None:
    no_token = planner.client.post("/devices/enrol", data={"team": "DX"})
    assert no_token.status_code == 403
    page = planner.client.get("/devices")
    assert page.status_code == 200 and "DX" in page.text
    unknown = planner.client.post(
        "/devices/enrol", data={"csrf_token": planner.csrf, "team": "ZZ-<b>"}
    )
    assert unknown.status_code == 400
    assert "Không có đội này" in unknown.text and "<b>" not in unknown.text
    long = planner.client.post(
        "/devices/enrol", data={"csrf_token": planner.csrf, "team": "DX", "label": "x" * 101}
    )
    assert long.status_code == 400 and "dài quá 100" in long.text


def test_a_code_signs_a_tablet_in_once_and_never_shows_in_the_redirect_or_the_log(
    client: TestClient, planner: Browser, caplog: pytest.LogCaptureFixture
) -> None:
    code = make_code(planner)
    assert len(code) >= 22  # at least 128 random bits in URL-safe base64
    with client.app.state.db.session() as s:  # type: ignore[attr-defined]
        stored = s.scalars(select(EnrolmentRow.code_hash)).all()
    assert code not in str(stored)
    device = tablet(client)
    with caplog.at_level(logging.DEBUG):
        opened = device.get(f"/enrol/{code}")
        assert opened.status_code == 303
        assert opened.headers["location"] == "/field" and code not in opened.headers["location"]
        cookie = set_cookies(opened)[DEVICE_COOKIE]
        assert "httponly" in cookie and cookie["samesite"].lower() == "lax"
        field = device.get("/field")
        again = tablet(client).get(f"/enrol/{code}")
    assert field.status_code == 200 and "Đội DX" in field.text
    assert re.search(r"Hôm nay \d\d/\d\d/\d{4}: \d+ điểm dừng", field.text), field.text
    assert 'data-csrf="' in field.text
    with client.app.state.db.session() as s:  # type: ignore[attr-defined]
        read = s.scalar(select(AuditRow).order_by(AuditRow.id.desc()))
    assert read is not None and read.action == "read_sheet" and read.token_id is None
    assert re.fullmatch(r"device \d+: field page \d{4}-\d\d-\d\d team DX", read.detail)
    assert again.status_code == 410 and "đã được dùng" in again.text
    assert DEVICE_COOKIE not in again.cookies
    # the server's lines (httpx's are the test client's own, which knows the URL it asked for)
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name != "httpx")
    assert "/enrol/{code}" in logged and code not in logged
    unknown = tablet(client).get("/enrol/not-a-code-at-all")
    assert unknown.status_code == 404 and "không đúng" in unknown.text


def test_an_expired_code_is_refused_in_the_users_language(
    client: TestClient, planner: Browser
) -> None:
    code = make_code(planner)
    with client.app.state.db.session() as s:  # type: ignore[attr-defined]
        newest = s.scalar(select(EnrolmentRow.id).order_by(EnrolmentRow.id.desc()))
        s.execute(
            update(EnrolmentRow)
            .where(EnrolmentRow.id == newest)
            .values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1))
        )
        s.commit()
    device = tablet(client)
    device.cookies.set("lang", "en")
    refused = device.get(f"/enrol/{code}")
    assert refused.status_code == 410 and "expired (15 minutes)" in refused.text
    assert DEVICE_COOKIE not in refused.cookies


def test_a_browser_signed_in_to_the_console_cannot_use_a_code(
    client: TestClient, planner: Browser
) -> None:
    code = make_code(planner)
    refused = planner.client.get(f"/enrol/{code}", follow_redirects=False)
    assert refused.status_code == 409 and "đang đăng nhập trang quản lý" in refused.text
    assert DEVICE_COOKIE not in set_cookies(refused)
    assert tablet(client).get(f"/enrol/{code}").status_code == 303  # the code was not spent


def test_a_device_has_its_own_teams_rights_and_nothing_else(
    client: TestClient,
    planner: Browser,
    today_plan: dict[str, Any],
    tokens: dict[str, dict[str, str]],
) -> None:
    plan_id = today_plan["id"]
    device = enrolled(client, planner, "DX")
    own = device.get(f"/plans/{plan_id}/teams/DX/route")
    assert own.status_code == 200 and own.json()
    for path in ("route", "map", "sheet", "gpx"):
        assert device.get(f"/plans/{plan_id}/teams/SC/{path}").status_code == 404, path
    assert device.get(f"/plans/{plan_id}/map").status_code == 403  # the overview: planners
    export = device.get(f"/plans/{plan_id}/export")  # a team leader's: own rows only
    assert export.status_code == 200 and "SC" not in {
        line.split(",")[0] for line in export.text.splitlines()[1:]
    }
    sc_route = client.get(f"/plans/{plan_id}/teams/SC/route", headers=tokens["planner"]).json()
    sc_resident = sc_route[0]["stops"][0]["resident_ids"][0]
    dx_resident = own.json()[0]["stops"][0]["resident_ids"][0]
    assert device.get(f"/residents/{sc_resident}").status_code == 404
    mine = device.get(f"/residents/{dx_resident}")
    assert mine.status_code == 200 and "full_name" not in mine.json()
    listed = {r["resident_id"] for r in device.get("/residents").json()}
    assert dx_resident in listed and sc_resident not in listed
    assert device.get("/visits", params={"team_id": "SC"}).status_code == 404
    for path in ("/", "/devices", "/lists", "/lists/teams", "/planning", "/today"):
        page = device.get(path)
        assert page.status_code == 303 and page.headers["location"] == "/login", path
    csrf = re.search(r'data-csrf="([^"]+)"', device.get("/field").text)
    assert csrf
    header = {"X-CSRF-Token": csrf.group(1)}
    assert (
        device.post(
            "/plans", headers=header, json={"start_date": today_vn().isoformat(), "days": 1}
        ).status_code
        == 403
    )
    assert (
        device.post(
            "/residents/imports",
            headers=header,
            files={"file": ("r.csv", b"resident_id\n", "text/csv")},
        ).status_code
        == 403
    )
    visit = {
        "resident_id": dx_resident,
        "plan_id": plan_id,
        "outcome": "not_at_home",
        "at": dt.datetime.now(dt.UTC).isoformat(),
        "idempotency_key": f"device-{uuid.uuid4().hex}",
    }
    assert device.post("/visits", json=visit).status_code == 403  # no CSRF token
    assert device.post("/visits", json=visit, headers=header).status_code == 201
    theirs = {**visit, "resident_id": sc_resident, "idempotency_key": uuid.uuid4().hex}
    assert device.post("/visits", json=theirs, headers=header).status_code == 404
    seen = device.get("/visits").json()
    assert seen and {v["team_id"] for v in seen} == {"DX"}


def test_revoking_signs_the_device_out_and_clears_its_data(
    client: TestClient, planner: Browser
) -> None:
    device = enrolled(client, planner, "SC")
    assert device.get("/plans").status_code == 200
    secret = device.cookies[DEVICE_COOKIE]
    with client.app.state.db.session() as s:  # type: ignore[attr-defined]
        device_id = s.scalar(select(DeviceRow.id).order_by(DeviceRow.id.desc()))
    page = planner.client.get("/devices")
    assert f'action="/devices/{device_id}/revoke"' in page.text
    no_token = planner.client.post(f"/devices/{device_id}/revoke")
    assert no_token.status_code == 403
    done = planner.client.post(
        f"/devices/{device_id}/revoke",
        data={"csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"] == "/devices?revoked=1"
    assert "Đã thu hồi" in planner.client.get("/devices?revoked=1").text
    refused = device.get("/plans")
    assert refused.status_code == 401
    assert refused.headers["clear-site-data"] == CLEAR_SITE_DATA
    assert set_cookies(refused)[DEVICE_COOKIE]["max-age"] == "0"
    assert DEVICE_COOKIE not in device.cookies  # the 401 took it away
    again = TestClient(client.app)  # a copy of the cookie kept somewhere: still refused
    again.cookies.set(DEVICE_COOKIE, secret)
    field = again.get("/field")
    assert field.status_code == 401 and "đã bị thu hồi" in field.text
    assert field.headers["clear-site-data"] == CLEAR_SITE_DATA
    missing = planner.client.post("/devices/99999/revoke", data={"csrf_token": planner.csrf})
    assert missing.status_code == 404 and "Không có máy này" in missing.text


def test_last_contact_is_written_at_most_once_a_minute(
    client: TestClient, planner: Browser
) -> None:
    device = enrolled(client, planner, "DX")
    with client.app.state.db.session() as s:  # type: ignore[attr-defined]
        row = s.scalar(select(DeviceRow).order_by(DeviceRow.id.desc()))
        assert row is not None
        device_id, first = row.id, row.last_seen_at
    assert device.get("/plans").status_code == 200
    with client.app.state.db.session() as s:  # type: ignore[attr-defined]
        assert s.get(DeviceRow, device_id).last_seen_at == first
        earlier = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=2)
        s.execute(update(DeviceRow).where(DeviceRow.id == device_id).values(last_seen_at=earlier))
        s.commit()
    assert device.get("/plans").status_code == 200
    with client.app.state.db.session() as s:  # type: ignore[attr-defined]
        seen = s.get(DeviceRow, device_id).last_seen_at
    seen = seen if seen.tzinfo else seen.replace(tzinfo=dt.UTC)
    assert seen > earlier + dt.timedelta(seconds=90)


def test_two_openings_of_one_code_at_once_make_one_device(
    client: TestClient, planner: Browser
) -> None:
    """The code is taken by a conditional UPDATE: of two redemptions racing, one wins."""
    code = make_code(planner)
    start = threading.Barrier(2)
    results: list[object] = []

    def open_once() -> None:
        with client.app.state.db.session() as s:  # type: ignore[attr-defined]
            start.wait()
            outcome = redeem(s, code)
            results.append(outcome if isinstance(outcome, str) else "enrolled")

    threads = [threading.Thread(target=open_once) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(map(str, results)) == ["enrolled", "used"]
    with client.app.state.db.session() as s:  # type: ignore[attr-defined]
        made = s.scalars(
            select(EnrolmentRow.device_id).where(
                EnrolmentRow.code_hash == hashlib.sha256(code.encode()).hexdigest()
            )
        ).all()
    assert len(made) == 1 and made[0] is not None


def test_enrolling_a_tablet_again_revokes_the_device_it_was(
    client: TestClient, planner: Browser
) -> None:
    device = enrolled(client, planner, "DX")
    with client.app.state.db.session() as s:  # type: ignore[attr-defined]
        first = s.scalar(select(DeviceRow.id).order_by(DeviceRow.id.desc()))
    again = device.get(f"/enrol/{make_code(planner)}")
    assert again.status_code == 303 and device.get("/field").status_code == 200
    with client.app.state.db.session() as s:  # type: ignore[attr-defined]
        rows = s.scalars(
            select(DeviceRow).where(DeviceRow.id >= first).order_by(DeviceRow.id)
        ).all()
        assert [r.revoked_at is not None for r in rows] == [True, False]


def test_enrolling_and_revoking_are_in_the_audit_trail(
    client: TestClient, planner: Browser
) -> None:
    """Who made a code for which team, the tablet that used it, and who revoked it: rows in the
    audit trail (the code itself never)."""
    code = make_code(planner, "SC", "máy kiểm tra")
    device = tablet(client)
    assert device.get(f"/enrol/{code}").status_code == 303
    with client.app.state.db.session() as s:  # type: ignore[attr-defined]
        device_id = s.scalar(select(DeviceRow.id).order_by(DeviceRow.id.desc()))
    page = planner.client.get("/devices")
    done = planner.client.post(
        f"/devices/{device_id}/revoke", data={"csrf_token": csrf_of(page.text)}
    )
    assert done.status_code in (200, 303)
    with client.app.state.db.session() as s:  # type: ignore[attr-defined]
        rows = s.scalars(
            select(AuditRow)
            .where(AuditRow.action.in_(["enrol_device", "device_enrolled", "revoke_device"]))
            .order_by(AuditRow.id.desc())
            .limit(3)
        ).all()
    trail = [(r.action, r.detail) for r in reversed(rows)]
    assert trail[0][0] == "enrol_device" and re.fullmatch(
        rf"user {PLANNER}: team SC: code \d+", trail[0][1]
    )
    assert trail[1] == ("device_enrolled", f"device {device_id}: team SC")
    assert trail[2] == ("revoke_device", f"user {PLANNER}: device {device_id}")
    assert all(code not in detail for _, detail in trail)
    history = planner.client.get("/history", params={"action": "revoke_device"})
    assert history.status_code == 200 and "Thu hồi máy tính bảng" in history.text


def test_the_link_uses_the_public_address_when_one_is_set(
    client: TestClient, planner: Browser
) -> None:
    """Behind a proxy the request's Host is the proxy's view: VAXROUTE_PUBLIC_URL wins."""
    settings = client.app.state.settings  # type: ignore[attr-defined]
    client.app.state.settings = settings.model_copy(  # type: ignore[attr-defined]
        update={"public_url": "https://vaxroute.ttyt.example/"}
    )
    try:
        page = planner.client.post(
            "/devices/enrol", data={"csrf_token": planner.csrf, "team": "DX", "label": "proxy"}
        )
    finally:
        client.app.state.settings = settings  # type: ignore[attr-defined]
    assert page.status_code == 200
    assert re.search(r'href="https://vaxroute\.ttyt\.example/enrol/[A-Za-z0-9_-]+"', page.text)
    assert "http://testserver/enrol/" not in page.text
