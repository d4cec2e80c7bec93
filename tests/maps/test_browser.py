"""A team map in a real headless Chromium, opened from file:// with the network blocked.

Chromium is Debian's (installed by .ci/run), driven by Playwright with ``executable_path``.
The screenshot is kept in ``test-artifacts/`` for a person to look at.
"""

from __future__ import annotations

from pathlib import Path

from maps.assets import render
from maps.team import team_map
from planner.plan_document import Plan
from tests.chromium import ARGS, ARTIFACTS, CHROMIUM, require_chromium

# tests.maps.test_escaping and tests.api.pages import these from here; new code: tests.chromium
__all__ = ["ARGS", "ARTIFACTS", "CHROMIUM"]

require_chromium()


def test_team_map_offline_at_800x1280(browser, scenario, tmp_path: Path) -> None:
    plan, people, _ = scenario
    route = max(plan["routes"], key=lambda r: len(r["stops"]))
    page_file = tmp_path / "team.html"
    page_file.write_text(
        render(team_map(Plan.from_json(plan), route["team_id"], route["date"], residents=people)),
        encoding="utf-8",
    )
    context = browser.new_context(
        viewport={"width": 800, "height": 1280}, is_mobile=True, has_touch=True
    )
    blocked: list[str] = []

    def block(r):  # no network at all: only the file itself may load
        if r.request.url.startswith("file://"):
            return r.continue_()
        blocked.append(r.request.url)
        return r.abort()

    context.route("**/*", block)
    page = context.new_page()
    console: list[tuple[str, str, str]] = []
    errors: list[str] = []
    page.on("console", lambda m: console.append((m.type, m.text, m.location.get("url", ""))))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(page_file.as_uri())
    page.wait_for_timeout(800)

    visible_numbers = page.locator(".leaflet-marker-pane .vr-stop")
    assert visible_numbers.count() == len(route["stops"])
    for k in range(visible_numbers.count()):
        assert visible_numbers.nth(k).is_visible()
    assert [int(visible_numbers.nth(k).inner_text()) for k in range(visible_numbers.count())] == [
        s["seq"] for s in route["stops"]
    ]
    line = page.locator("path.vr-route")
    assert line.count() == 1 and line.first.is_visible()
    assert page.locator("#vr-panel li").count() >= len(route["stops"])

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "team-map-800x1280.png"))

    page.locator("#vr-panel li").first.click()  # the list opens the stop's popup
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for(state="visible", timeout=3000)
    page.wait_for_timeout(400)  # let the pan and fade finish before the picture
    assert route["stops"][0]["arrival"][11:16] in popup.inner_text()
    page.screenshot(path=str(ARTIFACTS / "team-map-800x1280-popup.png"))

    assert errors == []
    # The only failures allowed are background tiles, which need the network by design.
    assert blocked and all("tile.openstreetmap.org" in u for u in blocked), blocked
    bad = [
        c
        for c in console
        if c[0] == "error" and not (c[1].startswith("Failed to load resource") and "tile." in c[2])
    ]
    assert bad == []
    context.close()
