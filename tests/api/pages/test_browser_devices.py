"""Enrolling a team's tablet in a real headless Chromium against a real ``vaxroute serve``.

The planner (1366×768) opens the teams list, goes to the tablets page and enrols one for team
DX: the page shows a QR code and the link. A fresh browser context at 800×1280 (the tablet)
opens the link and lands on /field for team DX, the code gone from the address; its cookie
reads its own team's route and not another's. Opening the link again fails. The planner
revokes the tablet; its next page is the signed-out page, its cookie and the storage the
site kept are gone (Clear-Site-Data). The server's log names the route, never the code.
axe-core checks each screen; screenshots in test-artifacts/ (console-devices-*).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.api.live import LiveServer, console_server
from tests.api.pages.test_browser import AXE, PASSWORD, chromium  # noqa: F401  (fixture)
from tests.api.pages.test_browser_day import _signed_in, planned  # noqa: F401  (fixture)
from tests.maps.test_browser import ARTIFACTS, CHROMIUM

TABLET = {"width": 800, "height": 1280}

if not CHROMIUM:  # tests.maps.test_browser fails in CI and skips loudly elsewhere
    pytest.skip("SKIPPED LOUDLY: no chromium on this machine", allow_module_level=True)


@pytest.fixture(scope="module")
def server_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("devices") / "server.log"


@pytest.fixture(scope="module")
def server(server_log: Path) -> Iterator[LiveServer]:
    """A server of our own (test_browser.py's, with its log where this module can read it)."""
    with console_server(
        server_log.parent,
        "Nguyễn Thị Lan",
        PASSWORD,
        VAXROUTE_LOGIN_DELAY_S="0.2",
        VAXROUTE_TILES_URL="none",  # /field frames the team map: no tiles from outside
    ) as live:
        yield live


def shot(page: Any, name: str, size: str) -> None:
    """axe-core on the screen (no serious or critical violation) and its screenshot."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    bad = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == [], f"{name}: {bad}"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"console-{name}-{size}.png"), full_page=True)


def _tablet(chromium: Any, server: LiveServer) -> tuple[Any, Any, list[str]]:
    """A fresh context at 800×1280 that may reach the server only."""
    context = chromium.new_context(viewport=TABLET, locale="vi-VN", bypass_csp=True, has_touch=True)
    outside: list[str] = []

    def loopback_only(route: Any) -> None:
        if route.request.url.startswith(server.url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", loopback_only)
    return context, context.new_page(), outside


def test_enrol_a_tablet_open_the_link_once_then_revoke_it(
    chromium: Any,
    server: LiveServer,
    planned: dict[str, Any],
    server_log: Path,
) -> None:
    office, desk, outside, problems = _signed_in(chromium, server, bypass_csp=True)
    desk.goto(server.url + "/lists/teams")
    desk.click("a[href='/devices']")
    desk.wait_for_url(server.url + "/devices")
    assert desk.locator("h1").inner_text() == "Máy tính bảng của các đội"
    shot(desk, "devices", "1366x768")
    desk.fill("form:has(input[name=team][value=DX]) input[name=label]", "Máy số 1")
    desk.click("button:has-text('Đăng ký máy cho đội DX')")
    assert desk.locator("h1").inner_text() == "Mã đăng ký cho đội DX"
    qr = desk.locator(".qr img")
    assert qr.get_attribute("src").startswith("data:image/png;base64,")
    assert qr.evaluate("e => e.naturalWidth") > 100  # a real image, not a broken one
    link = desk.locator(".enrol-link a").get_attribute("href")
    assert link.startswith(server.url + "/enrol/")
    code = link.rsplit("/", 1)[1]
    shot(desk, "devices-code", "1366x768")

    context, tablet, tablet_outside = _tablet(chromium, server)
    tablet.goto(link)
    tablet.wait_for_url(server.url + "/field")
    assert code not in tablet.url
    assert tablet.locator("h1").inner_text() == "Đội DX"
    count = len(planned["stops"])
    assert f"{count} điểm dừng" in tablet.locator(".field-count").inner_text()
    assert tablet.locator(".field-stops li").count() == count
    shot(tablet, "devices-field", "800x1280")
    plan_id = planned["plan"]["id"]
    statuses = tablet.evaluate(
        """async (id) => [
        (await fetch(`/plans/${id}/teams/DX/route`)).status,
        (await fetch(`/plans/${id}/teams/SC/route`)).status,
        (await fetch('/lists', {redirect: 'manual'})).type]""",
        plan_id,
    )
    assert statuses == [200, 404, "opaqueredirect"]  # own route; not another's; no console

    second = tablet.goto(link)
    assert second is not None and second.status == 410
    assert "đã được dùng" in tablet.locator(".alert").inner_text()
    shot(tablet, "devices-link-used", "800x1280")

    tablet.goto(server.url + "/field")
    tablet.evaluate("() => localStorage.setItem('kept', 'yes')")
    desk.goto(server.url + "/devices")
    assert "Đang dùng" in desk.locator("table.devices").inner_text()
    shot(desk, "devices-listed", "1366x768")
    desk.click("button[aria-label^='Thu hồi máy Máy số 1']")
    desk.wait_for_url(server.url + "/devices?revoked=1")
    assert "Đã thu hồi máy" in desk.locator(".notice").inner_text()
    shot(desk, "devices-revoked", "1366x768")
    out = tablet.goto(server.url + "/field")
    assert out is not None and out.status == 401
    assert tablet.locator("h1").inner_text() == "Máy tính bảng đã đăng xuất"
    assert "đã bị thu hồi" in tablet.locator(".alert").inner_text()
    assert "vaxroute_device" not in {c["name"] for c in context.cookies()}
    assert tablet.evaluate("() => localStorage.getItem('kept')") is None  # Clear-Site-Data
    shot(tablet, "devices-revoked-tablet", "800x1280")

    log = server_log.read_text()
    assert "GET /enrol/{code} 303" in log and "GET /enrol/{code} 410" in log
    assert code not in log
    assert outside == [] and tablet_outside == [] and problems == [], problems
    context.close()
    office.close()
