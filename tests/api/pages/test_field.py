"""The field app's pages on SQLite and PostgreSQL (api/pages/field.py): the route and a stop
for the enrolled tablet's own team only, initials and never names or conditions, the outcome
buttons, the framed map, "what changed", the manifest and the service worker.

The tablet is enrolled as tests/api/pages/test_devices.py does (its fixtures, imported): a
planner makes a code on /devices and a second TestClient opens it.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
import uuid
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from api.models import PlanRow, ResidentRow
from api.store import resident_from_row, today_vn
from tests.api.pages.conftest import Browser
from tests.api.pages.test_devices import enrolled, planner, tablet, today_plan

__all__ = ["planner", "today_plan"]  # fixtures, imported for pytest


def _route(client: TestClient, token: dict[str, str], plan_id: int, team: str) -> dict[str, Any]:
    routes = client.get(
        f"/plans/{plan_id}/teams/{team}/route",
        headers=token,
        params={"date": today_vn().isoformat()},
    )
    assert routes.status_code == 200, routes.text
    return dict(routes.json()[0])


def _people(client: TestClient, ids: list[str]) -> list[Any]:
    with client.app.state.db.session() as s:  # type: ignore[attr-defined]
        rows = s.scalars(select(ResidentRow).where(ResidentRow.resident_id.in_(ids)))
        return [resident_from_row(r) for r in rows]


def test_the_route_shows_the_own_teams_day_by_initials(
    client: TestClient,
    tokens: dict[str, dict[str, str]],
    planner: Browser,
    today_plan: dict[str, Any],
) -> None:
    device = enrolled(client, planner, "DX")
    page = device.get("/field")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    route = _route(client, tokens["planner"], today_plan["id"], "DX")
    html = page.text
    assert "<h1>Đội DX</h1>" in html
    assert re.search(r"Hôm nay \d\d/\d\d/\d{4}: " + str(len(route["stops"])) + " điểm dừng", html)
    links = re.findall(r'href="/field/stop/(\d+)\?day=([\d-]+)"', html)
    assert [int(seq) for seq, _ in links] == [s["seq"] for s in route["stops"]]
    assert {d for _, d in links} == {today_vn().isoformat()}
    assert f'src="/field/map?day={today_vn().isoformat()}"' in html
    assert 'rel="manifest" href="/field/manifest.webmanifest"' in html
    assert re.search(r'data-plan-version="\d+"', html)
    people = _people(client, [rid for s in route["stops"] for rid in s["resident_ids"]])
    assert people
    for person in people:
        assert person.initials in html
        assert person.full_name not in html
        for condition in person.conditions:
            assert condition not in html
    assert 'class="nav"' not in html  # the field app's own frame, not the console's
    sc = _route(client, tokens["planner"], today_plan["id"], "SC")
    for person in _people(client, sc["stops"][0]["resident_ids"]):
        assert person.resident_id not in html


def test_a_stop_shows_its_residents_and_the_outcome_buttons(
    client: TestClient,
    tokens: dict[str, dict[str, str]],
    planner: Browser,
    today_plan: dict[str, Any],
) -> None:
    device = enrolled(client, planner, "DX")
    route = _route(client, tokens["planner"], today_plan["id"], "DX")
    first, second = route["stops"][0], route["stops"][1]
    page = device.get(f"/field/stop/{first['seq']}")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    html = page.text
    for person in _people(client, first["resident_ids"]):
        assert f'data-resident="{person.resident_id}"' in html
        assert f"<h2>{person.initials}</h2>" in html
        assert person.full_name not in html
        assert f"Mũi {person.doses_received + 1}" in html
        if person.phone:
            assert f'href="tel:{person.phone.replace(" ", "")}"' in html
    for code in ("vaccinated", "refused", "not_at_home", "contraindicated", "postponed"):
        assert html.count(f'value="{code}"') == len(first["resident_ids"])
    assert 'type="date"' in html
    assert f'href="/field/stop/{second["seq"]}?day=' in html and "Điểm tiếp theo" in html
    if route.get("vaccine"):
        assert f"Vắc xin: {route['vaccine']}" in html
    device.cookies.set("lang", "en")
    english = device.get(f"/field/stop/{first['seq']}")
    assert "Next stop" in english.text and "Vaccinated" in english.text


def test_another_teams_stop_and_bad_input_are_clear_pages(
    client: TestClient,
    tokens: dict[str, dict[str, str]],
    planner: Browser,
    today_plan: dict[str, Any],
) -> None:
    device = enrolled(client, planner, "DX")
    dx = _route(client, tokens["planner"], today_plan["id"], "DX")
    sc = _route(client, tokens["planner"], today_plan["id"], "SC")
    beyond = max(s["seq"] for s in sc["stops"] + dx["stops"]) + 1
    for path in (
        f"/field/stop/{beyond}",
        "/field/stop/0",
        "/field/stop/abc",
        "/field/stop/99999999999999",
    ):
        page = device.get(path)
        assert page.status_code == 404, path
        assert "Không có điểm dừng này trong lộ trình của đội." in page.text
    for path in ("/field?day=2026-13-01", "/field?day=yesterday", "/field/stop/1?day=x"):
        page = device.get(path)
        assert page.status_code == 400 and "Ngày không hợp lệ" in page.text, path
    far = device.get("/field", params={"day": (today_vn() + dt.timedelta(days=400)).isoformat()})
    assert far.status_code == 200 and "không có lộ trình" in far.text


def test_without_a_device_the_field_pages_are_refused(
    client: TestClient, planner: Browser, today_plan: dict[str, Any]
) -> None:
    for browser in (tablet(client), planner.client):
        for path in ("/field", "/field/stop/1", "/field/map", "/field/changes?since=1"):
            page = browser.get(path)
            assert page.status_code == 401, path
            assert "Máy tính bảng đã đăng xuất" in page.text


def test_the_map_is_framable_by_the_field_page_only(
    client: TestClient, planner: Browser, today_plan: dict[str, Any]
) -> None:
    device = enrolled(client, planner, "DX")
    page = device.get("/field/map")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "frame-ancestors 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "SAMEORIGIN"
    assert "leaflet" in page.text.lower()
    assert device.get("/field").headers["x-frame-options"] == "DENY"


def test_what_changed_since_the_version_the_tablet_saw(
    client: TestClient, planner: Browser, today_plan: dict[str, Any]
) -> None:
    device = enrolled(client, planner, "DX")
    seen = re.search(r'data-plan-version="(\d+)"', device.get("/field").text)
    assert seen
    version = int(seen.group(1))
    same = device.get("/field/changes", params={"since": version})
    assert same.status_code == 200
    assert same.json() == {"version": version, "added": [], "removed": [], "moved": []}
    assert device.get("/field/changes", params={"since": 999_999}).status_code == 404


def test_an_outcome_posted_with_the_pages_token_shows_on_the_stop(
    client: TestClient,
    tokens: dict[str, dict[str, str]],
    planner: Browser,
    today_plan: dict[str, Any],
) -> None:
    device = enrolled(client, planner, "DX")
    stop = _route(client, tokens["planner"], today_plan["id"], "DX")["stops"][2]
    page = device.get(f"/field/stop/{stop['seq']}")
    csrf = re.search(r'data-csrf="([^"]+)"', page.text)
    assert csrf
    body = {
        "plan_id": today_plan["id"],
        "resident_id": stop["resident_ids"][0],
        "outcome": "refused",
        "at": dt.datetime.now(dt.UTC).isoformat(),
        "idempotency_key": f"fa-{uuid.uuid4()}",
    }
    for _ in range(2):  # a retried sync
        sent = device.post("/visits", json=body, headers={"X-CSRF-Token": csrf.group(1)})
        assert sent.status_code in (200, 201), sent.text
    visits = client.get("/visits", headers=tokens["planner"], params={"team_id": "DX"}).json()
    assert [v["resident_id"] for v in visits].count(stop["resident_ids"][0]) == 1
    again = device.get(f"/field/stop/{stop['seq']}")
    assert 'class="state state-refused" data-now>Hiện tại: Từ chối' in again.text
    assert "Xong" in device.get("/field").text


def test_the_manifest_service_worker_and_icons(client: TestClient) -> None:
    manifest = client.get("/field/manifest.webmanifest")
    assert manifest.status_code == 200
    assert manifest.headers["content-type"].startswith("application/manifest+json")
    body = manifest.json()
    assert body["start_url"] == "/field" and body["display"] == "standalone"
    assert {i["sizes"] for i in body["icons"]} == {"192x192", "512x512"}
    for icon in body["icons"]:
        png = client.get(icon["src"])
        assert png.status_code == 200 and png.headers["content-type"] == "image/png"
        side = int(icon["sizes"].split("x")[0])
        assert int.from_bytes(png.content[16:20], "big") == side  # the PNG's width
    sw = client.get("/field/sw.js")
    assert sw.status_code == 200 and sw.headers["content-type"].startswith("text/javascript")
    assert sw.headers["service-worker-allowed"] == "/field"
    assert 'addEventListener("fetch"' in sw.text
    assert client.get("/static/field.js").status_code == 200


def test_a_newer_published_plan_says_what_changed_for_the_team(
    client: TestClient,
    tokens: dict[str, dict[str, str]],
    planner: Browser,
    today_plan: dict[str, Any],
) -> None:
    """Last in the module: it publishes a newer plan (today's DX route with its first two
    stops swapped and its last stop gone) straight into the database."""
    device = enrolled(client, planner, "DX")
    seen = re.search(r'data-plan-version="(\d+)"', device.get("/field").text)
    assert seen
    with client.app.state.db.session() as s:  # type: ignore[attr-defined]
        old = s.get(PlanRow, today_plan["id"])
        assert old is not None and old.document is not None
        document = copy.deepcopy(old.document)
        route = next(r for r in document["routes"] if r["team_id"] == "DX")
        first, second, last = route["stops"][0], route["stops"][1], route["stops"][-1]
        first["resident_ids"], second["resident_ids"] = (
            second["resident_ids"],
            first["resident_ids"],
        )
        route["stops"] = route["stops"][:-1]
        newer = PlanRow(
            version=old.version + 100,
            status="done",
            start_date=old.start_date,
            days=old.days,
            time_limit_s=3,
            document=document,
            published_at=dt.datetime.now(dt.UTC),
            finished_at=dt.datetime.now(dt.UTC),
        )
        s.add(newer)
        s.commit()
    page = device.get("/field")
    assert f'data-plan-version="{old.version + 100}"' in page.text
    changes = device.get("/field/changes", params={"since": seen.group(1)}).json()
    initials = {
        p.resident_id: p.initials
        for p in _people(
            client, [*first["resident_ids"], *second["resident_ids"], *last["resident_ids"]]
        )
    }
    assert changes["version"] == old.version + 100 and changes["added"] == []
    assert sorted(changes["removed"]) == sorted(initials[r] for r in last["resident_ids"])
    moved = [initials[r] for r in (*first["resident_ids"], *second["resident_ids"])]
    assert sorted(changes["moved"]) == sorted(moved)
    assert device.get(f"/field/stop/{last['seq']}").status_code == 404
    assert "Lộ trình đã cập nhật" in page.text  # the notice field.js fills and shows
