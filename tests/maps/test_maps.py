"""Maps, sheets and GPX rendered for real and read back."""

from __future__ import annotations

import html
import json
import re
from xml.etree import ElementTree as ET

import geopandas as gpd
from shapely.geometry import box

from maps.assets import external_references, render
from maps.gpx import route_gpx
from maps.overview import overview_map
from maps.sheet import route_sheet_html
from maps.team import team_map
from planner.plan_document import Plan, PlanRoute
from tests.maps.conftest import CONDITION, FULL_NAMES


def contains(page: str, text: str) -> bool:
    """Text as written, or as folium escapes it inside JSON or HTML."""
    return any(form in page for form in (text, json.dumps(text)[1:-1], html.escape(text)))


def marker_sequence(page: str) -> list[int]:
    """Stop numbers of the markers in the order they are drawn (JSON-escaped in the script)."""
    return [int(n) for n in re.findall(r'data-seq=\\"(\d+)\\"', page)]


def test_team_map_numbers_stops_in_visit_order(scenario) -> None:
    plan, people, _ = scenario
    route = plan["routes"][0]
    others = [r for r in plan["routes"] if r["team_id"] == route["team_id"] and r is not route]
    page = render(team_map(Plan.from_json(plan), route["team_id"], route["date"], residents=people))
    expected = list(range(1, len(route["stops"]) + 1))
    for other in others:  # other days are layers of the same map
        expected += range(1, len(other["stops"]) + 1)
    drawn = marker_sequence(page)
    assert (
        sorted(drawn) == sorted(expected)
        and drawn[: len(route["stops"])] == expected[: len(route["stops"])]
    )
    assert page.count('class="vr-route"') + page.count('"className": "vr-route"') >= 1
    for r in [route, *others]:
        day = "/".join(reversed(r["date"].split("-")))
        assert f"Ngày {day}" in page  # a layer per day, its date as read in Viet Nam
    assert "vaxrouteControls" in page and 'name="viewport"' in page


def test_no_full_name_or_condition_anywhere(scenario) -> None:
    plan, people, teams = scenario
    pages = [
        render(team_map(Plan.from_json(plan), r["team_id"], r["date"], residents=people))
        for r in plan["routes"]
    ]
    pages.append(render(overview_map(Plan.from_json(plan), residents=people, teams=teams)))
    pages += [route_sheet_html(PlanRoute.from_json(r), people) for r in plan["routes"]]
    pages += [route_gpx(r, people) for r in plan["routes"]]
    for page in pages:
        for text in [*FULL_NAMES, CONDITION]:
            for form in (text, json.dumps(text)[1:-1], html.escape(text)):
                assert form not in page
    first = plan["routes"][0]["stops"][0]["resident_ids"][0]
    assert people[first].initials in pages[0]


def test_pages_are_self_contained_and_small(scenario) -> None:
    plan, people, _ = scenario
    page = render(team_map(Plan.from_json(plan), plan["routes"][0]["team_id"], residents=people))
    assert external_references(page) == []
    assert "L.Map" in page or "L.map(" in page  # Leaflet itself is inline
    assert "data:image/png;base64" in page  # the layer-control icon too
    assert len(page.encode()) < 2_000_000


def test_english_and_vietnamese_texts(scenario) -> None:
    plan, people, _ = scenario
    route = plan["routes"][0]
    en = render(team_map(Plan.from_json(plan), route["team_id"], residents=people, lang="en"))
    vi = render(team_map(Plan.from_json(plan), route["team_id"], residents=people, lang="vi"))
    assert "Arrive" in en and "Hide list" in en and "Đến" not in en
    assert "Đến" in vi and "Ẩn danh sách" in vi


def test_overview_has_teams_wards_coverage_unassigned_and_depots(scenario) -> None:
    plan, people, teams = scenario
    assert plan["unassigned"], "the scenario must leave someone out"
    wards = gpd.GeoDataFrame(
        {"ward": ["Đức Xuân", "Sông Cầu"]},
        geometry=[box(105.80, 22.10, 105.90, 22.20), box(105.90, 22.10, 106.00, 22.20)],
        crs=4326,
    )
    page = render(
        overview_map(
            Plan.from_json(plan),
            residents=people,
            teams=teams,
            wards=wards,
            wards_approximate=True,
            lang="en",
        )
    )
    planned = sum(len(s["resident_ids"]) for r in plan["routes"] for s in r["stops"])
    eligible = planned + len(plan["unassigned"])
    assert contains(page, f"Đức Xuân: {planned}/{eligible}") and contains(page, "Sông Cầu: 0/0")
    assert "vr-wards" in page and "approximate boundaries" in page
    assert f"Not planned ({len(plan['unassigned'])})" in page
    assert page.count("vr-unassigned-popup") == len(plan["unassigned"])
    assert contains(page, "Teams' days are full")
    for t in teams:
        assert f"Team {t.team_id}" in page
    assert page.count('class=\\"vr-depot\\"') == len(teams)


def test_sheet_and_gpx_follow_the_plan(scenario) -> None:
    plan, people, _ = scenario
    route = plan["routes"][0]
    sheet = route_sheet_html(PlanRoute.from_json(route), people, lang="en")
    times = re.findall(r'<td class="seq">(\d+)</td><td>(\d\d:\d\d)</td>', sheet)
    assert times == [(str(s["seq"]), s["arrival"][11:16]) for s in route["stops"]]
    assert "@media print" in sheet and f"Carry <b>{route['doses']}</b>" in sheet
    gpx = ET.fromstring(route_gpx(route, people))
    ns = {"g": "http://www.topografix.com/GPX/1/1"}
    assert len(gpx.findall("g:wpt", ns)) == len(route["stops"])
    names = [p.find("g:name", ns).text for p in gpx.findall("g:rte/g:rtept", ns)]
    assert len(names) == len(route["stops"]) + 2  # depot, stops, depot
    assert names[1].startswith("1. ") and names[-1] == names[0]
