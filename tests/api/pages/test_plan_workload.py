"""The plan page's balance table (issue 24 item 4): min / mean / max hours and stops per
team-day, the same figures as planner.workload (the terminal summary and the sheets), on a
real plan solved by the console's solver process."""

from __future__ import annotations

import re
from typing import Any

from api import i18n
from planner.plan_document import Plan
from planner.workload import workload
from tests.api.pages.conftest import Browser
from tests.api.pages.test_plans import _cells, console, done_plan, planner

PLAN_FIXTURES = (console, done_plan, planner)  # used by name below


def test_the_plan_page_shows_min_mean_max_hours_and_stops(
    planner: Browser,
    done_plan: dict[str, Any],
) -> None:
    document = done_plan["row"].document
    load = workload(Plan.from_json(document))
    assert load.team_days == len([r for r in document["routes"] if r["stops"]]) > 0
    text = planner.client.get(f"/planning/{done_plan['id']}").text
    assert re.search(r'<tr data-workload="hours">', text)
    rows = {row[0]: row[1:] for row in _cells(text, "workload")}

    def shown(value: float, decimals: int) -> str:
        return i18n.number(value, "vi", decimals)

    h, s = load.hours, load.stops
    assert rows["Giờ"] == [shown(h.low, 1), shown(h.mean, 1), shown(h.high, 1)]
    assert rows["Điểm dừng"] == [shown(s.low, 0), shown(s.mean, 1), shown(s.high, 0)]
    assert f"Độ cân bằng giữa {load.team_days} đội-ngày" in text
    assert h.low <= h.mean <= h.high and s.low <= s.mean <= s.high
    planner.client.cookies.set("lang", "en")
    try:
        english = planner.client.get(f"/planning/{done_plan['id']}").text
    finally:
        planner.client.cookies.delete("lang")
    assert f"Balance across the {load.team_days} team-days" in english
    assert '<th scope="col" class="num">Min</th>' in english


def test_the_consoles_printable_sheet_has_the_balance_footer(
    planner: Browser,
    done_plan: dict[str, Any],
) -> None:
    document = done_plan["row"].document
    load = workload(Plan.from_json(document))
    route = document["routes"][0]
    sheet = planner.client.get(
        f"/plans/{done_plan['id']}/teams/{route['team_id']}/sheet",
        params={"date": route["date"], "lang": "en"},
    )
    assert sheet.status_code == 200, sheet.text
    assert 'class="meta vr-workload"' in sheet.text
    assert f"All team-days ({load.team_days}, min / mean / max)" in sheet.text
    assert load.line("Hours", "Stops") in sheet.text
