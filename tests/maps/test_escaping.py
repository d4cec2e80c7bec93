"""Stored XSS: markup in every user-supplied field (team ids and names, resident ids, names,
addresses, wards, phones, households, notes, ward polygons) never becomes live markup.

Each page kind (overview map, team map, printable sheet; inline and linked-asset variants) is
rendered twice, with the hostile values and with harmless values in their place: the parsed
element structure must be the same (data added no element and no attribute), no element carries
an event-handler attribute, and no JavaScript string on the page holds raw markup for Leaflet to
put into ``innerHTML``. Then the hostile maps run in a real Chromium, every popup and tooltip
opened: no dialog, ``window.__xss`` (every payload sets it) stays undefined.
"""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import geopandas as gpd
import pytest
from shapely.geometry import box

from maps.assets import _text, render
from maps.gpx import route_gpx
from maps.overview import overview_map
from maps.sheet import route_sheet_html
from maps.team import team_map
from planner.model import Resident, Team
from planner.plan_document import Plan, PlanRoute
from tests.helpers import DEPOT, START, around, plan_and_check, resident, team
from tests.hostile import (
    XSS_NOT_DUE,
    XSS_PLANNED,
    XSS_TEAM,
    XSS_TEAM_NAME,
    XSS_VALUES,
    XSS_WARD_POLYGON,
)

FIELDS = ("full_name", "household_id", "address", "ward", "phone", "notes")
#: in a script: a payload's tag, raw or as a JavaScript escape that decodes to "<"
MARKUP = re.compile(r"(<|\\u003c|\\x3c)\s*/?\s*(img|svg|script|style|textarea|title)", re.I)
#: a template literal (backticks) evaluates ${...}: data must never be inside one
TEMPLATE_LITERAL = re.compile(r"\.bind(Tooltip|Popup)\(\s*`")


def _people(values: dict[str, str]) -> tuple[list[Resident], list[Team]]:
    n = len(XSS_PLANNED) + 1
    people = [
        resident(
            values[f["resident_id"]],
            around(k, n, 400),
            **{key: values.get(f[key], f[key]) for key in FIELDS},
        )
        for k, f in enumerate(XSS_PLANNED)
    ]
    f = XSS_NOT_DUE
    people.append(
        resident(
            values[f["resident_id"]],
            around(n - 1, n, 400),
            doses_received=1,
            last_dose_date=START - dt.timedelta(days=1),
            **{key: values.get(f[key], f[key]) for key in FIELDS},
        )
    )
    return people, [team(values[XSS_TEAM], name=values[XSS_TEAM_NAME], max_doses=10)]


def _wards(values: dict[str, str]) -> gpd.GeoDataFrame:
    lat, lon = DEPOT
    return gpd.GeoDataFrame(
        {"ward": [values[XSS_WARD_POLYGON]]},
        geometry=[box(lon - 0.02, lat - 0.02, lon + 0.02, lat + 0.02)],
        crs=4326,
    )


def _swap(obj: Any, values: dict[str, str]) -> Any:
    """The same plan with every hostile string replaced by its harmless twin."""
    if isinstance(obj, str):
        return values.get(obj, obj)
    if isinstance(obj, list):
        return [_swap(x, values) for x in obj]
    if isinstance(obj, dict):
        return {k: _swap(v, values) for k, v in obj.items()}
    return obj


@pytest.fixture(scope="module")
def hostile() -> dict[str, Any]:
    same = {v: v for v in XSS_VALUES}
    people, teams = _people(same)
    plan, _ = plan_and_check(people, teams, days=1, time_limit=1)
    assert plan["routes"] and plan["unassigned"]
    benign = {v: f"safe-{k}" for k, v in enumerate(XSS_VALUES)}
    twin_people, twin_teams = _people(benign)
    return {
        "plan": plan,
        "people": {p.resident_id: p for p in people},
        "teams": teams,
        "wards": _wards(same),
        "twin_plan": _swap(plan, benign),
        "twin_people": {p.resident_id: p for p in twin_people},
        "twin_teams": twin_teams,
        "twin_wards": _wards(benign),
    }


def pages(d: dict[str, Any], twin: bool) -> dict[str, str]:
    """Every page kind, hostile or harmless."""
    p = "twin_" if twin else ""
    plan, people, teams, wards = d[p + "plan"], d[p + "people"], d[p + "teams"], d[p + "wards"]
    route, typed = plan["routes"][0], Plan.from_json(plan)
    name = teams[0].name
    out = {}
    for base in (None, "/assets"):
        out[f"overview {base}"] = render(
            overview_map(typed, residents=people, teams=teams, wards=wards, asset_base=base), base
        )
        out[f"team {base}"] = render(
            team_map(typed, route["team_id"], residents=people, asset_base=base), base
        )
    out["sheet"] = route_sheet_html(PlanRoute.from_json(route), people, "vi", name)
    return out


class Elements(HTMLParser):
    """Start tags with their attribute names, and the text, as a browser's parser sees them."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, tuple[str, ...]]] = []
        self.attrs: list[tuple[str, str, str | None]] = []
        self.text: list[str] = []
        self.feed(page)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, tuple(sorted(a for a, _ in attrs))))
        self.attrs += [(tag, a, v) for a, v in attrs]

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def inline_scripts(page: str) -> list[str]:
    """The page's inline scripts, without the vendored Leaflet and our static vaxroute.js
    (whose own markup strings are not data)."""
    static = {_text("leaflet/leaflet.js"), _text("vaxroute.js")}
    found = re.findall(r"<script>(.*?)</script>", page, re.S)
    return [s for s in found if s not in static]


def test_every_page_kind_has_the_same_elements_with_hostile_data(hostile) -> None:
    bad, good = pages(hostile, twin=False), pages(hostile, twin=True)
    for kind, page in bad.items():
        assert Elements(page).tags == Elements(good[kind]).tags, kind


def test_no_live_markup_and_no_event_handler_attributes(hostile) -> None:
    for kind, page in pages(hostile, twin=False).items():
        parsed = Elements(page)
        assert [t for t, _ in parsed.tags if t in ("img", "svg", "iframe", "object")] == [], kind
        assert [(t, a) for t, a, _ in parsed.attrs if a.startswith("on")] == [], kind
        assert [v for _, a, v in parsed.attrs if v and "__xss" in v] == [], kind
        for script in inline_scripts(page):
            assert MARKUP.findall(script) == [], (kind, MARKUP.findall(script)[:5])
            assert TEMPLATE_LITERAL.search(script) is None, kind
        assert "window.__xss=1;" in page, kind  # the team id is there, as text


def test_the_sheet_shows_every_value_as_text(hostile) -> None:
    plan, people = hostile["plan"], hostile["people"]
    route = plan["routes"][0]
    sheet = route_sheet_html(PlanRoute.from_json(route), people, "vi", XSS_TEAM_NAME)
    text = "".join(Elements(sheet).text)
    for f in XSS_PLANNED:
        assert f["address"] in text and f["phone"] in text and f["resident_id"] in text
    assert XSS_TEAM in text and XSS_TEAM_NAME in text
    gpx = ET.fromstring(route_gpx(route, people))  # XML: escaped by ElementTree
    descs = [e.text or "" for e in gpx.iter("{http://www.topografix.com/GPX/1/1}desc")]
    assert any(XSS_PLANNED[0]["address"] in d for d in descs)


OPEN_EVERYTHING = """() => {
  const maps = Object.keys(window).filter(k => k.startsWith('map_') && window[k] instanceof L.Map);
  const texts = [];
  let opened = 0;
  for (const key of maps) {
    const layers = [];
    window[key].eachLayer(l => layers.push(l));
    for (const l of layers) {
      if (l.getPopup && l.getPopup() && l.getLatLng) {
        l.openPopup(); opened++;
        texts.push(l.getPopup().getElement()?.textContent ?? '');
      }
      if (l.getTooltip && l.getTooltip()) {
        l.openTooltip(); opened++;
        texts.push(...[...document.querySelectorAll('.leaflet-tooltip')].map(e => e.textContent));
      }
    }
  }
  texts.push(document.querySelector('.leaflet-control-layers')?.textContent ?? '');
  return {opened: opened, text: texts.join('\\n')};
}"""

LIVE_MARKUP = """() => {
  const handlers = [];
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) {
      if (a.name.startsWith('on')) { handlers.push(el.tagName + ' ' + a.name); }
    }
  }
  return {xss: typeof window.__xss === 'undefined' ? null : String(window.__xss),
          imgs: document.querySelectorAll('img[src="x"], svg[onload]').length, handlers: handlers};
}"""


def run_hostile_page(
    browser: Any, page_file: Path, screenshot: Path | None = None
) -> dict[str, Any]:
    """Open the page with no network, open every popup and tooltip, report what happened."""
    context = browser.new_context(viewport={"width": 1100, "height": 800})
    context.route(
        "**/*", lambda r: r.continue_() if r.request.url.startswith("file://") else r.abort()
    )
    page = context.new_page()
    dialogs: list[str] = []
    errors: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(page_file.as_uri())
    page.wait_for_timeout(500)
    markers = page.locator(".leaflet-marker-pane .leaflet-marker-icon").count()
    shown = page.evaluate(OPEN_EVERYTHING)
    page.wait_for_timeout(800)  # failed image loads fire their onerror asynchronously
    if screenshot is not None:
        if page.locator(".leaflet-control-layers").count():
            page.locator(".leaflet-control-layers").first.hover()
            page.wait_for_timeout(300)
        page.screenshot(path=str(screenshot))
    live = page.evaluate(LIVE_MARKUP)
    context.close()
    return {"dialogs": dialogs, "errors": errors, "markers": markers, **shown, **live}


def test_hostile_maps_in_chromium_run_no_payload(hostile, browser, tmp_path: Path) -> None:
    from tests.maps.test_browser import ARTIFACTS

    plan, people, teams = hostile["plan"], hostile["people"], hostile["teams"]
    route = plan["routes"][0]
    ARTIFACTS.mkdir(exist_ok=True)
    kinds = {
        "overview": (
            render(
                overview_map(
                    Plan.from_json(plan),
                    residents=people,
                    teams=teams,
                    wards=hostile["wards"],
                    lang="en",
                )
            ),
            [XSS_TEAM, XSS_NOT_DUE["resident_id"]],
        ),
        "team": (
            render(team_map(Plan.from_json(plan), route["team_id"], residents=people, lang="en")),
            [XSS_PLANNED[0]["address"], XSS_PLANNED[1]["address"]],
        ),
    }
    for kind, (html, shown_as_text) in kinds.items():
        page_file = tmp_path / f"{kind}.html"
        page_file.write_text(html, encoding="utf-8")
        seen = run_hostile_page(browser, page_file, ARTIFACTS / f"hostile-{kind}-map.png")
        assert seen["dialogs"] == [] and seen["xss"] is None, (kind, seen)
        assert seen["imgs"] == 0 and seen["handlers"] == [], (kind, seen)
        assert seen["errors"] == [], (kind, seen["errors"])
        assert seen["markers"] >= len(route["stops"]) and seen["opened"] >= len(route["stops"])
        for value in shown_as_text:  # opened, and shown literally
            assert value in seen["text"], (kind, value)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    from tests.maps.test_browser import ARGS, CHROMIUM

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()
