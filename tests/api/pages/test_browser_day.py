"""Today's board and the 16:30 report in a real headless Chromium at 1366×768, against a real
``vaxroute serve`` (the fixtures of tests/api/pages/test_browser.py).

The demo lists and a one-day plan for today are made through the JSON API with bearer tokens
(faster than the pages, which test_browser.py covers); a team leader's tablet posts outcomes
with its own token. The board must show them, then show a new one by itself, without a reload
and under the server's real CSP; the report must show the JSON route's numbers, print on one
A4 page without the navigation, and download. axe-core checks each screen; the screenshots are
in test-artifacts/.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from collections.abc import Iterator
from typing import Any

import httpx
import openpyxl
import pytest

from planner.constants import VN_TZ
from planner.demo import demo_files
from tests.api.live import LiveServer, make_token
from tests.api.pages.test_browser import (  # noqa: F401  (fixtures, used by name)
    PASSWORD,
    SIZE,
    _tab,
    check,
    chromium,
    server,
)
from tests.api.solved import solved_plan_live
from tests.maps.test_browser import ARTIFACTS

#: the board fetches itself every 30 s: wait a little longer than one turn
REFRESH_WAIT_MS = 45_000


def _now() -> dt.datetime:
    return dt.datetime.now(VN_TZ)


@pytest.fixture(scope="module")
def planned(server: LiveServer) -> dict[str, Any]:
    """The demo lists and a one-day plan for today (Viet Nam), published, and a DX tablet."""
    planner = {"Authorization": f"Bearer {make_token(server.env, 'planner')}"}
    files = demo_files()
    with httpx.Client(base_url=server.url, timeout=60) as http:
        for kind, path in (("teams", files.teams), ("residents", files.residents)):
            sent = http.post(
                f"/{kind}/imports",
                headers=planner,
                files={"file": (path.name, path.read_bytes(), "text/csv")},
            )
            assert sent.status_code == 201, sent.text
    # the day's pages are under test, not the solver: the session's solve of the
    # demo lists for today, copied (tests/api/solved.py)
    body = solved_plan_live(server, planner, _now().date(), 1, 3)
    assert body["status"] == "done" and body["published_at"], body.get("error")
    leader = {"Authorization": f"Bearer {make_token(server.env, 'team_leader', 'DX')}"}
    route = next(r for r in body["plan"]["routes"] if r["team_id"] == "DX")
    return {"plan": body, "planner": planner, "leader": leader, "stops": route["stops"]}


def _post(
    server: LiveServer,
    planned: dict[str, Any],
    resident: str,
    outcome: str,
    key: str,
    where: tuple[float, float] | None = None,
) -> None:
    """An outcome as the DX tablet posts it, with the device's position when ``where``."""
    position = {"lat": where[0], "lon": where[1]} if where else {}
    answer = httpx.post(
        f"{server.url}/visits",
        headers=planned["leader"],
        timeout=30,
        json={
            "resident_id": resident,
            "plan_id": planned["plan"]["id"],
            "outcome": outcome,
            "at": _now().isoformat(timespec="seconds"),
            "idempotency_key": key,
            **position,
        },
    )
    assert answer.status_code == 201, answer.text


def _420_m_east(stop: dict[str, Any]) -> tuple[float, float]:
    """A position 420 m east of the stop (proof of visit: far from it)."""
    return stop["lat"], stop["lon"] + math.degrees(
        420 / (6_371_008.8 * math.cos(math.radians(stop["lat"])))
    )


def _signed_in(
    chromium: Any,
    server: LiveServer,
    bypass_csp: bool,
) -> tuple[Any, Any, list[str], list[str]]:
    context, tab, outside, problems = _tab(chromium, server, bypass_csp=bypass_csp)
    tab.goto(server.url + "/login")
    tab.fill("#name", "Nguyễn Thị Lan")
    tab.fill("#password", PASSWORD)
    tab.click("button[type=submit]")
    tab.wait_for_url(server.url + "/")
    return context, tab, outside, problems


@pytest.fixture(scope="module")
def page(
    chromium: Any,
    server: LiveServer,
    planned: dict[str, Any],
) -> Iterator[Any]:
    # bypass_csp: axe is injected as an inline script (the live refresh below runs without it)
    context, tab, outside, problems = _signed_in(chromium, server, bypass_csp=True)
    yield tab
    assert outside == [] and problems == [], problems
    context.close()


def test_the_board_shows_the_tablets_outcomes(
    page: Any,
    server: LiveServer,
    planned: dict[str, Any],
) -> None:
    first, second = planned["stops"][0]["resident_ids"][0], planned["stops"][1]["resident_ids"][0]
    _post(server, planned, first, "vaccinated", "browser-DX-0001")
    _post(server, planned, second, "refused", "browser-DX-0002", _420_m_east(planned["stops"][1]))
    page.click(".nav a[href='/today']")
    page.wait_for_url(server.url + "/today")
    assert page.locator("h1").inner_text() == f"Tiến độ ngày {_now():%d/%m/%Y}"
    assert page.locator(".team-board").count() == len(
        {r["team_id"] for r in planned["plan"]["plan"]["routes"]}
    )
    chip = page.locator(f".chip[data-resident='{first}']")
    assert chip.get_attribute("data-state") == "vaccinated" and "Đã tiêm" in chip.inner_text()
    assert chip.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(104, 187, 12)"
    refused = page.locator(f".chip[data-resident='{second}']")
    assert refused.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(241, 37, 37)"
    dx = page.locator(".team-board[data-team='DX']")
    assert "Liên lạc gần nhất" in dx.locator(".contact").inner_text()
    # proof of visit: the refused outcome was recorded 420 m from its stop
    assert " ".join(refused.locator(".far").inner_text().split()) == "⚠ cách điểm 420 m"
    assert chip.locator(".far").count() == 0
    count = dx.locator(".far-count").inner_text()
    assert " ".join(count.split()) == "⚠ Ghi xa điểm (hơn 150 m): 1"
    check(page, "today")


def test_the_board_updates_itself_under_the_csp(
    chromium: Any,
    server: LiveServer,
    planned: dict[str, Any],
) -> None:
    """A new outcome appears without a reload, by board.js, under the server's real CSP."""
    context, tab, outside, problems = _signed_in(chromium, server, bypass_csp=False)
    tab.goto(server.url + "/today")
    third = planned["stops"][2]["resident_ids"][0]
    chip = f".chip[data-resident='{third}']"
    assert tab.locator(chip).get_attribute("data-state") == "not_visited"
    tab.evaluate("() => { window.stillTheSamePage = true; }")
    before = tab.locator(".team-board[data-team='DX'] .team-stops").get_attribute("data-done")
    _post(server, planned, third, "not_at_home", "browser-DX-0003")
    tab.wait_for_selector(f"{chip}[data-state='not_at_home']", timeout=REFRESH_WAIT_MS)
    assert tab.evaluate("() => window.stillTheSamePage === true")  # no reload happened
    assert "Không có nhà" in tab.locator(chip).inner_text()
    after = tab.locator(".team-board[data-team='DX'] .team-stops").get_attribute("data-done")
    assert int(after) >= int(before)
    ARTIFACTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / "console-today-refreshed-1366x768.png"), full_page=True)
    assert outside == [] and problems == [], problems
    context.close()


def test_the_report_shows_the_json_routes_numbers(
    page: Any,
    server: LiveServer,
    planned: dict[str, Any],
) -> None:
    page.click(".nav a[href='/report']")
    page.wait_for_url(server.url + "/report")
    assert page.locator("h1").inner_text() == f"Báo cáo ngày {_now():%d/%m/%Y}"
    expected = httpx.get(
        f"{server.url}/reports/daily",
        headers=planned["planner"],
        timeout=30,
        params={"date": _now().date().isoformat()},
    ).json()
    dx = next(r for r in expected["by_team"] if r["group"] == "DX")
    row = page.locator("table.daily-team tr[data-group='DX']")
    for column in ("planned", "vaccinated", "refused", "not_at_home", "remaining", "far_from_stop"):
        shown = row.locator(f"td[data-col='{column}']").inner_text().replace(".", "")
        assert int(shown) == dx[column], column
    assert dx["vaccinated"] >= 1 and dx["refused"] == 1 and dx["far_from_stop"] == 1
    assert page.locator("svg.bars g.bar").count() == len(expected["by_team"])
    assert page.locator("[data-print]").is_visible()  # board.js shows the print button
    check(page, "report")
    with page.expect_download() as download:
        page.click("a[href$='format=xlsx']")
    book = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes()), read_only=True)
    assert [r[0] for r in book["by_team"].iter_rows(min_row=2, values_only=True)] == [
        r["group"] for r in expected["by_team"]
    ]


def test_the_report_prints_on_one_a4_page(page: Any, server: LiveServer) -> None:
    page.goto(server.url + "/report")
    page.emulate_media(media="print")
    try:
        assert page.locator(".top").evaluate("e => getComputedStyle(e).display") == "none"
        assert page.locator(".day-picker").evaluate("e => getComputedStyle(e).display") == "none"
        assert page.locator("table.daily-ward").is_visible()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "console-report-print-1366x768.png"), full_page=True)
        pdf = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
        (ARTIFACTS / "console-report-print.pdf").write_bytes(pdf)
        pages = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
        assert pages == 1, pages
        page.set_viewport_size({"width": 703, "height": 1000})  # A4 less 12 mm margins
        page.screenshot(path=str(ARTIFACTS / "console-report-print-a4.png"), full_page=True)
    finally:
        page.emulate_media(media="screen")
        page.set_viewport_size(SIZE)


def test_a_day_without_a_plan_in_english(page: Any, server: LiveServer) -> None:
    page.goto(server.url + "/lang/en?next=/today%3Fday%3D2026-01-05")
    page.wait_for_url(server.url + "/today?day=2026-01-05")
    assert page.locator(".notice").inner_text() == "No published plan covers 05/01/2026."
    nearest = page.locator("a.nearest")
    assert nearest.get_attribute("href") == f"/today?day={_now().date().isoformat()}"
    check(page, "today-no-plan-en")
    page.goto(server.url + "/lang/vi?next=/today")
