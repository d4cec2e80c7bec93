"""The plan screens in a real headless Chromium at 1366×768 against a real ``vaxroute serve``.

A planner signs in, uploads the demo lists, plans 2 days from the form and watches the
progress view (console.js polling the progress JSON) until the plan is done, then reads the
plan page: the overview map in its frame, coverage, the team-days, a team's printable sheet
and the XLSX export (opened with openpyxl). axe-core checks the form, the progress view and
the plan page (tests/api/pages/test_browser.py's ``check``, which keeps their screenshots in
test-artifacts/). A last test runs a plan under the server's real CSP (the other tests bypass
it to inject axe): the polling script, the reload when done and the framed map must work
with it. The server draws no background tiles, so nothing outside loopback is asked for.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from api.db import normalise_url
from api.models import PlanRow
from api.routes.plan_files import EXPORT_COLUMNS
from planner.demo import demo_files
from tests.api.live import LiveServer, console_server
from tests.api.pages.test_browser import PASSWORD, _tab, check, chromium, page
from tests.maps.test_browser import ARTIFACTS

__all__ = ["chromium", "page"]  # fixtures used by name below

USER = "Nguyễn Thị Lan"
#: a time limit long enough to see the search at work (3 s and more in tests: load)
LIMIT_S = "8"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server with one portfolio worker (a shared 2-core test machine) and no tiles."""
    folder = tmp_path_factory.mktemp("console-plans")
    (folder / "settings.toml").write_text("[solver]\nworkers = 1\n", encoding="utf-8")
    with console_server(
        folder,
        USER,
        PASSWORD,
        VAXROUTE_LOGIN_DELAY_S="0.2",
        VAXROUTE_TILES_URL="none",
        VAXROUTE_PLANNER_SETTINGS=str(folder / "settings.toml"),
    ) as live:
        yield live


def sign_in(tab: Any, server: LiveServer) -> None:
    tab.goto(server.url + "/login")
    tab.fill("#name", USER)
    tab.fill("#password", PASSWORD)
    tab.click("button[type=submit]")
    tab.wait_for_url(server.url + "/")


def upload(tab: Any, server: LiveServer, kind: str, path: Path) -> None:
    tab.goto(server.url + "/lists")
    tab.set_input_files(f"#file-{kind}", str(path))
    tab.locator(f"form[action='/lists/{kind}/upload'] button[type=submit]").click()
    tab.wait_for_url(server.url + f"/lists/{kind}/upload")
    assert tab.locator(".success").inner_text() == "Đã lưu danh sách."


def plan_from_the_form(tab: Any, server: LiveServer, days: str, limit: str) -> int:
    tab.goto(server.url + "/planning")
    tab.fill("#start_date", "23/11/2026")
    tab.fill("#days", days)
    tab.fill("#time_limit_s", limit)
    tab.get_by_role("button", name="Lập kế hoạch").last.click()
    tab.wait_for_url(re.compile(re.escape(server.url) + r"/planning/\d+$"))
    return int(tab.url.rsplit("/", 1)[1])


def test_sign_in_and_upload_the_demo_lists(page: Any, server: LiveServer) -> None:
    sign_in(page, server)
    files = demo_files()
    upload(page, server, "teams", files.teams)
    upload(page, server, "residents", files.residents)


def test_the_form(page: Any, server: LiveServer) -> None:
    page.goto(server.url + "/planning")
    assert page.locator("h1").inner_text() == "Lập kế hoạch"
    assert page.locator("#days").input_value() == "2"
    check(page, "plan-form")
    page.fill("#days", "40")
    page.get_by_role("button", name="Lập kế hoạch").last.click()
    page.wait_for_load_state()
    assert "Số ngày phải là số nguyên từ 1 đến 31." in page.locator("#form-errors").inner_text()
    assert page.locator("#days").get_attribute("aria-invalid") == "true"
    check(page, "plan-form-errors")


def _figures(tab: Any) -> dict[str, str]:
    return {
        name: tab.locator(f"[data-progress={name}]").inner_text()
        for name in ("status", "elapsed", "planned", "coverage")
    }


def test_plan_two_days_and_watch_the_progress_reach_done(page: Any, server: LiveServer) -> None:
    plan_id = plan_from_the_form(page, server, "2", LIMIT_S)
    assert page.locator("h2#progress-title").inner_text() == "Tiến độ tính toán"
    seen: list[dict[str, str]] = []
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and page.locator(".plan-tiles").count() == 0:
        try:
            seen.append(_figures(page))
        except Exception:  # the page reloaded between two reads: it is done
            break
        if seen[-1]["planned"][:1].isdigit() and len(seen) > 1:
            break  # the best plan so far is on the screen, updated by the script
        page.wait_for_timeout(250)
    numbers = [s for s in seen if s["planned"][:1].isdigit()]
    assert numbers, seen  # an intermediate state: residents planned while solving
    assert numbers[-1]["status"] == "Đang tính" and numbers[-1]["coverage"].endswith(" %")
    assert int(numbers[-1]["planned"].replace(".", "")) > 0
    assert float(page.locator("progress#progress-bar").get_attribute("max")) == float(LIMIT_S)
    check(page, "plan-progress")
    page.wait_for_selector(".plan-tiles", timeout=240_000)  # console.js reloads when done
    assert page.url == f"{server.url}/planning/{plan_id}"
    assert page.locator("h1").inner_text().startswith("Kế hoạch phiên bản")


def test_the_plan_page_its_map_sheet_and_export(
    page: Any, server: LiveServer, tmp_path: Path
) -> None:
    plan_id = int(page.url.rsplit("/", 1)[1])
    planned = int(page.locator("[data-total=planned]").inner_text().replace(".", ""))
    assert planned > 0
    frame = page.frame_locator("iframe.plan-map")
    frame.locator(".leaflet-container").wait_for(timeout=30_000)
    assert frame.locator("path.vr-route, .leaflet-overlay-pane path").count() > 0
    bands = page.locator("table.by-band tbody tr")
    assert bands.count() == 3
    days = page.locator("table.team-days tbody tr")
    assert days.count() > 0
    reasons = page.locator("table.unassigned tbody tr")
    unassigned = int(page.locator("[data-total=unassigned]").inner_text().replace(".", ""))
    assert reasons.count() == unassigned
    page.wait_for_timeout(500)  # the map's tiles-free layers settle before the picture
    check(page, "plan")
    with page.expect_download() as got:
        page.get_by_role("link", name="Tải Excel (XLSX)").click()
    saved = tmp_path / "plan.xlsx"
    got.value.save_as(saved)
    sheet = load_workbook(saved, read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == EXPORT_COLUMNS and len(rows) - 1 == planned + unassigned
    first = days.first
    team = first.locator(".team-id").inner_text()
    first.get_by_role("link", name=re.compile("^Phiếu in")).click()
    page.wait_for_url(re.compile(rf".*/plans/{plan_id}/teams/{team}/sheet\?date=.*"))
    assert page.locator("table").count() > 0 and team in page.content()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "console-plan-sheet-1366x768.png"), full_page=True)


def test_the_progress_script_and_the_framed_map_work_under_the_csp(
    chromium: Any, server: LiveServer
) -> None:
    context, tab, outside, problems = _tab(chromium, server, bypass_csp=False)
    violations: list[str] = []
    tab.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    sign_in(tab, server)
    plan_id = plan_from_the_form(tab, server, "1", "3")
    tab.wait_for_selector(".plan-tiles", timeout=240_000)  # polled, then reloaded: the script
    assert tab.url == f"{server.url}/planning/{plan_id}"
    frame = tab.frame_locator("iframe.plan-map")
    frame.locator(".leaflet-container").wait_for(timeout=30_000)
    assert outside == [] and problems == [] and violations == [], (problems, violations)
    context.close()


def test_the_progress_view_counts_areas_done_on_a_cluster(page: Any, server: LiveServer) -> None:
    """A plan solved as areas on a cluster (its row as the solver writes it: 3 of 11 areas
    done): the progress view shows the line and console.js keeps it up to date. Last in the
    module: the row it adds is the newest plan."""
    engine = create_engine(normalise_url(server.env["DATABASE_URL"]))
    now = dt.datetime.now(dt.UTC)
    with Session(engine) as s:
        version = (s.scalar(select(func.max(PlanRow.version))) or 0) + 1
        row = PlanRow(
            version=version,
            start_date=dt.date(2026, 11, 23),
            days=1,
            time_limit_s=600,
            progress=0.1,
            status="solving",
            attempts=1,
            started_at=now,
            heartbeat_at=now,
            best_planned=1234,
            best_coverage=0.2,
            areas_done=3,
            areas_total=11,
        )
        s.add(row)
        s.commit()
        plan_id = row.id
    try:
        page.goto(f"{server.url}/planning/{plan_id}")
        line = page.locator("[data-progress-areas]")
        text = " ".join(line.inner_text().split())
        assert line.is_visible() and text == "Khu vực đã xong (trên cụm máy) 3 / 11"
        with Session(engine) as s:  # the solver hears of a fourth area: the script shows it
            s.get(PlanRow, plan_id).areas_done = 4  # type: ignore[union-attr]
            s.get(PlanRow, plan_id).heartbeat_at = dt.datetime.now(dt.UTC)  # type: ignore[union-attr]
            s.commit()
        page.wait_for_function(
            "() => document.querySelector('[data-progress=areas]').textContent === '4 / 11'",
            timeout=15_000,
        )
        check(page, "plan-progress-areas")
    finally:
        with Session(engine) as s:
            ended = s.get(PlanRow, plan_id)
            assert ended is not None
            ended.status, ended.error = "failed", "internal error (see the server log)"
            s.commit()
        engine.dispose()
