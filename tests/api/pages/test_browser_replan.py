"""Plan the rest in a real headless Chromium at 1366×768 against a real ``vaxroute serve``.

The first plan is made through the JSON API with a planner's token (it saves the browser test
the upload and plan screens, tested in test_browser.py), and a team's tablet posts outcomes.
The planner then opens the re-plan form (a bad value first), plans the rest from 10:00 of the
first day, waits for it (polling the JSON API), reads the preview of what changes, publishes,
and opens the history. axe-core and a screenshot on each screen (console-replan,
console-changes, console-history in test-artifacts/).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from api.db import Database
from api.users import add_user
from planner.demo import demo_files
from planner.plan_changes import plan_changes
from tests.api.live import LiveServer, make_token, start_server
from tests.api.pages.test_browser import (  # noqa: F401  (fixtures, by import)
    PASSWORD,
    check,
    chromium,
    page,
)
from tests.api.solved import solved_plan_live

DAY = "2026-11-23"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """test_browser.py's server and user (its ``page`` fixture takes this one), with no map
    tiles: publishing leads to the plan page and its overview map, whose tiles would come from
    openstreetmap.org, and ``page`` fails on any request that leaves the machine."""
    folder = tmp_path_factory.mktemp("replan")
    url = f"sqlite:///{folder / 'vaxroute.sqlite'}"
    live = start_server(
        url, folder / "server.log", VAXROUTE_LOGIN_DELAY_S="0.2", VAXROUTE_TILES_URL="none"
    )
    try:
        database = Database(url)
        with database.session() as s:
            add_user(s, "Nguyễn Thị Lan", PASSWORD)
        database.engine.dispose()
        yield live
    finally:
        live.stop()


def _wait_done(url: str, headers: dict[str, str], plan_id: int) -> dict[str, Any]:
    end = time.monotonic() + 180
    while time.monotonic() < end:
        body = httpx.get(f"{url}/plans/{plan_id}", headers=headers, timeout=30).json()
        if body["status"] not in ("queued", "solving"):
            assert body["status"] == "done", body["error"]
            return body
        time.sleep(0.5)
    raise AssertionError(f"plan {plan_id} not done in time")


@pytest.fixture(scope="module")
def campaign(server: LiveServer) -> dict[str, Any]:
    """The demo lists, a 2-day plan from 23/11/2026 and two outcomes from team DX's tablet,
    all through the JSON API."""
    planner = {"Authorization": f"Bearer {make_token(server.env, 'planner')}"}
    files = demo_files()
    for kind, path in (("teams", files.teams), ("residents", files.residents)):
        r = httpx.post(
            f"{server.url}/{kind}/imports",
            headers=planner,
            timeout=60,
            files={"file": (path.name, path.read_bytes(), "text/csv")},
        )
        assert r.status_code == 201, r.text
    # the plan to re-plan (the re-plan, in the browser, is solved for real): the session's
    # solve of the demo lists, copied (tests/api/solved.py)
    plan = solved_plan_live(server, planner, DAY, 2, 3)
    leader = {"Authorization": f"Bearer {make_token(server.env, 'team_leader', 'DX')}"}
    route = next(r for r in plan["plan"]["routes"] if r["team_id"] == "DX" and r["date"] == DAY)
    for k, (stop, outcome) in enumerate(
        zip(route["stops"][:2], ("vaccinated", "not_at_home"), strict=True)
    ):
        r = httpx.post(
            f"{server.url}/visits",
            headers=leader,
            timeout=30,
            json={
                "resident_id": stop["resident_ids"][0],
                "plan_id": plan["id"],
                "outcome": outcome,
                "at": f"{DAY}T0{8 + k}:15:00+07:00",
                "idempotency_key": f"tablet-DX-b{k}",
            },
        )
        assert r.status_code == 201, r.text
    return {"planner": planner, "plan": plan}


def _sign_in(page: Any, server: LiveServer) -> None:
    page.goto(server.url + "/login")
    page.fill("#name", "Nguyễn Thị Lan")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(server.url + "/")


def test_plan_the_rest_preview_publish_and_history(
    page: Any,
    server: LiveServer,
    campaign: dict[str, Any],
) -> None:
    parent = campaign["plan"]
    _sign_in(page, server)
    page.goto(f"{server.url}/planning/{parent['id']}/replan")
    assert page.locator("h1").inner_text() == "Lập kế hoạch phần còn lại"
    page.fill("#replan-as_of", "23/11/2026 10:00")  # as the console writes dates
    page.fill("#replan-days", "40")
    page.fill("#replan-time_limit", "5")
    page.click(".replan-form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator(".field-error").inner_text() == "Số ngày phải là số nguyên từ 1 đến 31."
    assert page.locator("#replan-days").get_attribute("aria-invalid") == "true"
    check(page, "replan-refused")
    page.fill("#replan-days", "")
    check(page, "replan")
    page.click(".replan-form button[type=submit]")
    page.wait_for_url(re.compile(re.escape(server.url) + r"/planning/\d+$"))
    new_id = int(page.url.rsplit("/", 1)[1])
    body = _wait_done(server.url, campaign["planner"], new_id)
    assert body["parent_id"] == parent["id"] and body["requested_by"] == "Nguyễn Thị Lan"
    assert body["published_at"] is None

    page.goto(f"{server.url}/planning/{new_id}/changes")
    expected = plan_changes(parent["plan"], body["plan"])
    shown = {
        key: int(page.locator(f"[data-count={key}]").inner_text().replace(".", ""))
        for key in ("changes_moved", "changes_new", "changes_dropped", "changes_unchanged")
    }
    assert shown == {
        "changes_moved": len(expected.moved),
        "changes_new": len(expected.newly_planned),
        "changes_dropped": len(expected.dropped),
        "changes_unchanged": expected.unchanged,
    }
    assert page.locator("table.changes-moved tbody tr").count() == len(expected.moved)
    check(page, "changes")
    page.get_by_role("button", name="Công bố cho các đội").click()
    page.wait_for_url(f"{server.url}/planning/{new_id}?published=1")
    after = httpx.get(
        f"{server.url}/plans/{new_id}", headers=campaign["planner"], timeout=30
    ).json()
    assert after["published_at"]

    page.goto(f"{server.url}/history")
    row = page.locator(f"table.versions tr[data-version='{body['version']}'] td")
    cells = [" ".join(c.split()) for c in row.all_inner_texts()]
    assert cells[0] == str(body["version"]) and cells[2] == "Xong"
    assert cells[3] == "Nguyễn Thị Lan" and cells[7] == str(parent["version"])
    assert cells[6] and cells[6] != "Bản nháp"  # published: its time
    check(page, "history")
