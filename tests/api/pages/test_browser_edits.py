"""Hand edits in a real headless Chromium at 1366×768 against a real ``vaxroute serve``: the
planner opens the edit page from the plan page, posts a bad move (the message in Vietnamese),
then moves a stop to another team's day at position 1 and lands on the draft's changes page;
the new version has the stop first on that route. axe-core and a screenshot on each screen
(console-edit, console-edit-refused, console-edit-changes in test-artifacts/)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from api.db import Database
from api.users import add_user
from planner.demo import demo_files
from tests.api.live import LiveServer, make_token, start_server
from tests.api.pages.test_browser import (  # noqa: F401  (fixtures, by import)
    PASSWORD,
    check,
    chromium,
    page,
)
from tests.api.solved import solved_plan_live

DAY, DAY2 = "2026-11-23", "2026-11-24"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server without map tiles (``page`` fails on any request leaving the machine) and a
    planner account."""
    folder = tmp_path_factory.mktemp("edits")
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


@pytest.fixture(scope="module")
def campaign(server: LiveServer) -> dict[str, Any]:
    """The demo lists and a 2-day plan from 23/11/2026, through the JSON API."""
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
    return {"planner": planner, "plan": solved_plan_live(server, planner, DAY, 2, 3)}


def test_move_a_stop_from_the_console(
    page: Any, server: LiveServer, campaign: dict[str, Any]
) -> None:
    plan = campaign["plan"]
    page.goto(server.url + "/login")
    page.fill("#name", "Nguyễn Thị Lan")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(server.url + "/")
    page.goto(f"{server.url}/planning/{plan['id']}")
    page.get_by_role("link", name="Sửa tay").click()
    page.wait_for_url(f"{server.url}/planning/{plan['id']}/edit")
    assert page.locator("h1").inner_text() == "Sửa kế hoạch bằng tay"
    assert page.locator("table.edit-routes tbody tr").count() == len(plan["plan"]["routes"])
    check(page, "edit")

    source = next(r for r in plan["plan"]["routes"] if r["date"] == DAY)
    rid = source["stops"][-1]["resident_ids"][0]
    target = next(
        r["team_id"]
        for r in plan["plan"]["routes"]
        if r["date"] == DAY2 and r["team_id"] != source["team_id"]
    )
    planned = sum(len(s["resident_ids"]) for r in plan["plan"]["routes"] for s in r["stops"])
    offered = page.locator("#edit-residents option")  # the field's list: id, name and place
    assert offered.count() == planned + len(plan["plan"]["unassigned"])
    assert rid in page.locator(f'#edit-residents option[value="{rid}"]').get_attribute("value")
    page.select_option("#edit-kind", "move")
    page.fill("#edit-resident", rid)
    page.click(".edit-form button[type=submit]")  # no team, no day: refused in Vietnamese
    page.wait_for_load_state()
    assert page.locator(".alert").inner_text() == "Hãy chọn cả đội và ngày."
    assert page.input_value("#edit-resident") == rid  # the form keeps what was typed
    check(page, "edit-refused")

    page.select_option("#edit-team", target)
    page.select_option("#edit-date", DAY2)
    page.fill("#edit-position", "1")
    page.click(".edit-form button[type=submit]")
    page.wait_for_url(re.compile(re.escape(server.url) + r"/planning/\d+/changes$"), timeout=90_000)
    new_id = int(page.url.rsplit("/", 2)[1])
    check(page, "edit-changes")
    body = httpx.get(f"{server.url}/plans/{new_id}", headers=campaign["planner"], timeout=30)
    document = body.json()["plan"]
    route = next(r for r in document["routes"] if (r["team_id"], r["date"]) == (target, DAY2))
    assert rid in route["stops"][0]["resident_ids"]
    edits = httpx.get(f"{server.url}/plans/{new_id}/edits", headers=campaign["planner"])
    assert edits.json()["edited"] and rid in edits.json()["edited"]
