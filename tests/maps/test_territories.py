"""Territories on the overview (maps/territories.py): served areas per team-day, wards by the
team serving most of them, one day at a time with a day switch, in a real headless Chromium
opened from file:// with the network blocked. Screenshots in test-artifacts/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from maps.assets import render
from maps.overview import overview_map
from maps.territories import hull, ward_shares
from planner.plan_document import Plan
from tests.chromium import ARTIFACTS, require_chromium
from tests.helpers import DEPOT, around, plan_and_check, resident, team

require_chromium()

WARDS = {"Đức Xuân": (0.0, 0.0), "Sông Cầu": (0.012, 0.010), "<b>Phùng</b>": (-0.010, 0.012)}


@pytest.fixture(scope="module")
def territory_plan() -> tuple[Plan, dict[str, Any], list]:
    """Three wards of eight households, two teams at the station, two days: more visits than
    a day holds, so both teams work both days and some wards are shared."""
    people = []
    for w, (ward, (dlat, dlon)) in enumerate(WARDS.items()):
        centre = (DEPOT[0] + dlat, DEPOT[1] + dlon)
        people += [
            resident(
                f"W{w}-{k}",
                around(k, 8, 350, centre),
                household_id=f"H{w}-{k}",
                ward=ward,
                full_name="Nguyễn Văn Bảy",
            )
            for k in range(8)
        ]
    teams = [team("T1", wards=("Đức Xuân",)), team("T2")]
    document, _ = plan_and_check(people, teams, days=2, time_limit=2)
    return Plan.from_json(document), {p.resident_id: p for p in people}, teams


def test_wards_are_shared_out_by_planned_residents(territory_plan) -> None:
    plan, people, _ = territory_plan
    shares = {s.ward: s for s in ward_shares(plan, people)}
    assert set(shares) == set(WARDS)
    for s in shares.values():
        planned = sum(len(st.resident_ids) for _, st in plan.stops() if st.ward == s.ward)
        assert sum(s.by_team.values()) == planned
        if s.by_team:
            assert s.by_team[s.main_team] == max(s.by_team.values())
    ring = hull([(22.0, 105.0)])  # a lone point still gets an area
    assert len(ring) > 4 and ring[0] == ring[-1]


def test_overview_shows_one_day_and_switches(browser, territory_plan, tmp_path: Path) -> None:
    plan, people, teams = territory_plan
    days = sorted({r.date for r in plan.routes})
    assert len(days) == 2, "the case needs two worked days"
    page_file = tmp_path / "overview.html"
    html = render(overview_map(plan, residents=people, teams=teams, lang="vi"))
    assert "Nguyễn" not in html and "<b>Phùng</b>" not in html  # no names; ward escaped
    page_file.write_text(html, encoding="utf-8")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.route(
        "**/*", lambda r: r.continue_() if r.request.url.startswith("file://") else r.abort()
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(page_file.as_uri())
    page.wait_for_timeout(800)

    def shown_areas() -> int:
        return page.locator("path.vr-territory").count()

    first = [r for r in plan.routes if r.date == days[0]]
    second = [r for r in plan.routes if r.date == days[1]]
    assert shown_areas() == len(first)  # one day at a time by default
    assert page.locator("path.vr-day-route").count() == len(first)
    assert page.locator("path.vr-route").count() == 0  # all-days team layers start hidden
    numbers = page.locator(".leaflet-marker-pane .vr-stop")  # the day's stops, numbered
    assert numbers.count() == sum(len(r.stops) for r in first)
    assert page.locator("path.vr-ward-team").count() == len(WARDS)
    buttons = page.locator(".vr-days button.vr-day")
    assert buttons.count() == 2
    assert buttons.nth(0).get_attribute("aria-pressed") == "true"
    box = buttons.nth(0).bounding_box()
    assert box is not None and box["height"] >= 44 and box["width"] >= 44
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "overview-territories-day1.png"))

    buttons.nth(1).click()
    page.wait_for_timeout(300)
    assert shown_areas() == len(second)
    assert buttons.nth(1).get_attribute("aria-pressed") == "true"
    assert buttons.nth(0).get_attribute("aria-pressed") == "false"
    page.locator("path.vr-territory").first.hover()
    tooltip = page.locator(".leaflet-tooltip")
    tooltip.wait_for(state="visible", timeout=3000)
    day2 = "/".join(reversed(days[1].split("-")))
    assert day2 in tooltip.inner_text() and "Đội" in tooltip.inner_text()
    page.screenshot(path=str(ARTIFACTS / "overview-territories-day2.png"))
    assert errors == []
    context.close()
