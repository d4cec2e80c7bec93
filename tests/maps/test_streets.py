"""The streets layer of a road plan's team map (maps/streets.py): the extract's ways around the
route, clipped, simplified, named, within budget, escaped, and absent from straight-line maps.

Plans are real solves on the Hanoi extract (tests/data/osm) and on a crafted OSM file whose
street names are hostile; pages open in Debian's Chromium with the network blocked.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.security import create_token
from api.settings import Settings as ServerSettings
from maps.assets import render
from maps.streets import PAD_M, load_streets, routes_box, streets_data
from maps.team import team_map
from planner.plan_document import Plan
from planner.settings import RoadParams, Settings
from planner.travel.roads import road_travel
from tests.api.conftest import upload, wait_done
from tests.chromium import ARTIFACTS, require_chromium
from tests.data import HANOI_OSM
from tests.helpers import plan_and_check, resident, team
from tests.maps.test_escaping import run_hostile_page
from tests.osm_builder import at, random_points, street_lists, write_osm

AXE = Path(__file__).resolve().parents[1] / "vendor" / "axe.min.js"
BUDGET = 600_000  # bytes of street data a team-day map may carry (issue 22, item 6)
HOSTILE = [
    "<img src=x onerror=alert(1)>",
    "</script><script>alert(2)</script>",
    "Phố ${alert(3)} `x` & \"q\" 'a'",
]
require_chromium()
DATA = re.compile(r"vaxrouteStreets\(map_\w+, feature_group_\w+, (.*)\);")


def street_json(page: str) -> dict[str, Any]:
    """The streets data a page hands to streets.js."""
    found = DATA.search(page)
    assert found, "no streets layer on the page"
    return json.loads(found.group(1))


@pytest.fixture(scope="module")
def hanoi_plan(tmp_path_factory: pytest.TempPathFactory) -> Plan:
    """Demo-like: 58 residents on the Hanoi streets, two teams, two days, road travel; all in
    the extract's west-centre, so that every team's box leaves the eastern streets out whatever
    routes the solver picks."""
    pts = sorted(random_points(HANOI_OSM, 240, seed=22), key=lambda p: p[1])[40:100]
    people = [resident(f"HN-{k:03d}", p) for k, p in enumerate(pts[2:])]
    teams = [team("T1", pts[0]), team("T2", pts[1])]
    cache = tmp_path_factory.mktemp("roads-cache")
    settings = Settings(roads=RoadParams(cache_dir=str(cache)))
    travel = road_travel(HANOI_OSM, settings, teams, pts[2:])
    plan, _ = plan_and_check(people, teams, days=2, settings=settings, travel=travel, time_limit=3)
    assert plan["travel_model"]["kind"] == "road"
    return Plan.from_json(plan)


def osm_ways(path: Path) -> list[tuple[str, list[tuple[float, float]]]]:
    """Every highway of an OSM XML file with its name and points, read independently of
    pyosmium (ElementTree)."""
    root = ET.parse(path).getroot()
    nodes = {
        n.get("id"): (float(n.get("lat", 0)), float(n.get("lon", 0))) for n in root.iter("node")
    }
    out = []
    for way in root.iter("way"):
        tags = {t.get("k"): t.get("v") for t in way.iter("tag")}
        if "highway" in tags and tags.get("area") != "yes":
            out.append(
                (
                    tags.get("name") or tags.get("ref") or "",
                    [nodes[nd.get("ref")] for nd in way.iter("nd") if nd.get("ref") in nodes],
                )
            )
    return out


def test_road_team_map_carries_named_clipped_streets_within_budget(hanoi_plan: Plan) -> None:
    streets = load_streets(HANOI_OSM, hanoi_plan)
    assert streets is not None
    every_way = osm_ways(HANOI_OSM)
    outside = 0
    for route in hanoi_plan.routes:
        routes = hanoi_plan.routes_of(route.team_id)
        box = routes_box(routes)
        assert box is not None
        plain = render(team_map(hanoi_plan, route.team_id, route.date, tiles=None))
        page = render(team_map(hanoi_plan, route.team_id, route.date, tiles=None, streets=streets))
        data = street_json(page)
        size = len(DATA.search(page).group(1).encode())  # type: ignore[union-attr]
        print(
            f"{route.team_id} {route.date}: {len(route.stops)} stops, page "
            f"{len(plain.encode())} B without streets, {len(page.encode())} B with; "
            f"street data {size} B, {len(data['w'])} pieces, {len(data['l'])} names"
        )
        assert 0 < size <= BUDGET
        # clipped: every point inside the padded box (coordinates rounded to 1e-5)
        points = [(w[i], w[i + 1]) for w in data["w"] for i in range(2, len(w), 2)]
        assert points and all(
            box[0] - 2e-5 <= a <= box[2] + 2e-5 and box[1] - 2e-5 <= o <= box[3] + 2e-5
            for a, o in points
        )
        # ... and nothing in it left out: each named way with a node inside is drawn, named
        inside = {
            name
            for name, pts in every_way
            if name and any(box[0] <= a <= box[2] and box[1] <= o <= box[3] for a, o in pts)
        }
        assert inside and inside <= set(data["n"])
        # ... and no way that lies wholly outside it (its own bounding box misses the box)
        far = {
            name
            for name, pts in every_way
            if name
            and pts
            and (
                max(a for a, _ in pts) < box[0]
                or min(a for a, _ in pts) > box[2]
                or max(o for _, o in pts) < box[1]
                or min(o for _, o in pts) > box[3]
            )
        }
        print(f"  {len(inside)} named streets inside, {len(far)} wholly outside the box")
        assert not far & (set(data["n"]) - inside)
        outside += len(far)
        # the box is the stops' and the station's, padded 300 m
        lat = [s.lat for r in routes for s in r.stops] + [r.depot.lat for r in routes if r.depot]
        assert box[0] == pytest.approx(min(lat) - PAD_M / 111_195.0, abs=1e-6)
    assert outside > 0  # the boxes leave the extract's eastern streets out


def test_simplified_but_faithful(hanoi_plan: Plan) -> None:
    """Douglas-Peucker drops points, yet every drawn point is one of the extract's points or a
    cut at the box's edge."""
    streets = load_streets(HANOI_OSM, hanoi_plan)
    assert streets is not None
    box = routes_box(hanoi_plan.routes_of("T1"))
    assert box is not None
    data = streets_data(streets, box)
    drawn = sum((len(w) - 2) // 2 for w in data["w"])
    known = {(round(a, 5), round(o, 5)) for _, pts in osm_ways(HANOI_OSM) for a, o in pts}
    within = sum(
        len(
            [
                1
                for a, o in zip(w.lat, w.lon, strict=True)
                if box[0] <= a <= box[2] and box[1] <= o <= box[3]
            ]
        )
        for w in streets.ways
    )
    assert drawn < within  # simplified
    for w in data["w"]:
        for a, o in zip(w[2::2], w[3::2], strict=True):
            edge = min(abs(a - box[0]), abs(a - box[2]), abs(o - box[1]), abs(o - box[3]))
            assert (a, o) in known or edge < 2e-5


def test_straight_line_map_has_no_streets_layer(hanoi_plan: Plan) -> None:
    """Without a road network (streets=None) nothing of the layer is on the page."""
    route = hanoi_plan.routes[0]
    page = render(team_map(hanoi_plan, route.team_id, route.date, tiles=None))
    assert "vaxrouteStreets" not in page and "vr-street" not in page
    assert "Đường phố" not in page


@pytest.fixture(scope="module")
def hostile_plan(tmp_path_factory: pytest.TempPathFactory) -> tuple[Plan, Path]:
    """A crafted grid whose streets carry hostile names, a real road plan on it. (write_osm
    writes tag values as given: escaped here into XML, so the file's names are the raw
    strings.)"""
    tmp = tmp_path_factory.mktemp("hostile-streets")
    ways: list[tuple[list[tuple[float, float]], dict[str, str]]] = [
        ([(0.0, y), (600.0, y)], {"highway": "residential", "name": html.escape(HOSTILE[k])})
        for k, y in enumerate((0.0, 200.0, 400.0))
    ]
    ways += [
        ([(x, 0.0), (x, 400.0)], {"highway": "residential", "name": f"Ngõ {x:.0f}"})
        for x in (0.0, 300.0, 600.0)
    ]
    osm = write_osm(tmp / "hostile.osm", ways)
    pts = [at(10, 5), at(290, 205), at(590, 395), at(310, 5), at(5, 390)]
    settings = Settings(roads=RoadParams(cache_dir=str(tmp / "cache")))
    teams = [team("T1", pts[0])]
    travel = road_travel(osm, settings, teams, pts[1:])
    plan, _ = plan_and_check(
        [resident(f"X{k}", p) for k, p in enumerate(pts[1:])],
        teams,
        settings=settings,
        travel=travel,
        time_limit=3,
    )
    return Plan.from_json(plan), osm


def test_hostile_street_names_are_text_in_the_page(hostile_plan: tuple[Plan, Path]) -> None:
    plan, osm = hostile_plan
    streets = load_streets(osm, plan)
    assert streets is not None
    page = render(team_map(plan, "T1", tiles=None, streets=streets))
    assert set(HOSTILE) <= set(street_json(page)["n"])
    for name in HOSTILE[:2]:
        assert name not in page  # never raw: no tag can open or close in the page
    assert "<img" not in page and page.count("</script>") == page.count("<script")


def test_hostile_street_names_show_as_text_in_chromium(
    hostile_plan: tuple[Plan, Path], browser: Any, tmp_path: Path
) -> None:
    plan, osm = hostile_plan
    streets = load_streets(osm, plan)
    assert streets is not None
    page_file = tmp_path / "team.html"
    page_file.write_text(
        render(team_map(plan, "T1", tiles=None, streets=streets)), encoding="utf-8"
    )
    ARTIFACTS.mkdir(exist_ok=True)
    seen = run_hostile_page(browser, page_file, ARTIFACTS / "hostile-street-names.png")
    assert seen["dialogs"] == [] and seen["xss"] is None, seen
    assert seen["imgs"] == 0 and seen["handlers"] == [], seen
    assert seen["errors"] == [], seen["errors"]
    context = browser.new_context(viewport={"width": 800, "height": 1280})
    page = context.new_page()
    page.goto(page_file.as_uri())
    page.wait_for_timeout(500)
    labels = page.locator(".vr-street-name").all_text_contents()
    assert set(HOSTILE) <= set(labels)  # shown literally, as the names they are
    assert page.locator(".vr-street-name *").count() == 0  # text only, no element inside
    context.close()


def axe_serious(page: Any) -> list[tuple[str, list[str]]]:
    """axe-core's serious and critical findings on the page: rule and elements."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return sorted(
        (v["id"], [str(n["target"]) for n in v["nodes"]])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    )


def open_map(browser: Any, page_file: Path) -> tuple[Any, Any, list[str]]:
    """The page at 800x1280 (a portrait tablet), the network blocked."""
    context = browser.new_context(
        viewport={"width": 800, "height": 1280}, is_mobile=True, has_touch=True
    )
    blocked: list[str] = []

    def block(r: Any) -> None:  # no network: only the file itself may load
        if r.request.url.startswith("file://"):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    context.route("**/*", block)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(page_file.as_uri())
    page.wait_for_timeout(1000)
    return context, page, errors + blocked


def test_road_map_without_tiles_reads_in_chromium(
    hanoi_plan: Plan, browser: Any, tmp_path: Path
) -> None:
    """Tiles off: the streets show by default, grey, under the route; names show without
    overlapping; axe-core finds nothing serious. Tiles on: the layer is there, off."""
    streets = load_streets(HANOI_OSM, hanoi_plan)
    assert streets is not None
    route = max(hanoi_plan.routes, key=lambda r: len(r.stops))
    page_file = tmp_path / "team.html"
    page_file.write_text(
        render(team_map(hanoi_plan, route.team_id, route.date, tiles=None, streets=streets)),
        encoding="utf-8",
    )
    context, page, problems = open_map(browser, page_file)
    assert problems == []
    lines = page.locator(".leaflet-vr-streets-pane path")
    assert lines.count() > 50
    z = page.evaluate("""() => ['.leaflet-vr-streets-pane', '.leaflet-overlay-pane'].map(
        s => getComputedStyle(document.querySelector(s)).zIndex)""")
    assert int(z[0]) < int(z[1])  # streets under the route's pane
    assert page.locator(".leaflet-overlay-pane path.vr-route").count() == 1
    shown = page.evaluate("""() => Array.from(document.querySelectorAll('.vr-street-name'))
        .filter(e => e.style.visibility !== 'hidden').map(e => {
          const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; })""")
    assert len(shown) >= 5
    stops = page.evaluate("""() => Array.from(document.querySelectorAll(
        '.leaflet-marker-pane .vr-icon')).map(e => {
          const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; })""")
    assert len(stops) == len(route.stops) + 1
    for k, a in enumerate(shown):  # decluttered: no visible name overlaps another or a stop
        for b in shown[k + 1 :] + stops:
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (a, b)
    # the page has its title and language, and the scrollable stop list takes the keyboard
    assert page.title() == f"Đội {route.team_id} · " + "/".join(reversed(route.date.split("-")))
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.locator("#vr-panel").get_attribute("tabindex") == "0"
    with_streets = axe_serious(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "team-map-streets-800x1280.png"))
    context.close()
    # ... so axe-core finds nothing serious, with the streets and without them
    plain = tmp_path / "plain.html"
    plain.write_text(
        render(team_map(hanoi_plan, route.team_id, route.date, tiles=None)), encoding="utf-8"
    )
    context, page, _ = open_map(browser, plain)
    without = axe_serious(page)
    print("axe serious/critical, with streets:", with_streets, "without:", without)
    assert with_streets == without == []
    assert not any("street" in str(target) for _, targets in with_streets for target in targets)
    context.close()

    tiled = tmp_path / "tiled.html"
    tiled.write_text(
        render(team_map(hanoi_plan, route.team_id, route.date, streets=streets)), encoding="utf-8"
    )
    context, page, problems = open_map(browser, tiled)
    assert all("tile.openstreetmap.org" in u for u in problems), problems
    assert page.locator(".leaflet-vr-streets-pane path").count() == 0  # off under tiles
    assert page.get_by_text("Đường phố").count() == 1  # ... and one tap away
    context.close()


@pytest.fixture(scope="module")
def road_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    tmp = tmp_path_factory.mktemp("streets-api")
    app = create_app(
        ServerSettings(
            database_url=f"sqlite:///{tmp / 'db.sqlite'}",
            default_time_limit_s=3,
            roads=HANOI_OSM,
            tiles_url="none",
        )
    )
    with TestClient(app) as c:
        yield c


def test_the_server_draws_the_streets_on_a_road_plans_team_map(
    road_server: TestClient, tmp_path: Path
) -> None:
    with road_server.app.state.db.session() as s:  # type: ignore[attr-defined]
        headers = {"Authorization": f"Bearer {create_token(s, 'planner', None)}"}
    teams, residents = street_lists(tmp_path, HANOI_OSM, 13, seed=8)
    assert upload(road_server, headers, "teams", teams).status_code == 201
    assert upload(road_server, headers, "residents", residents).status_code == 201
    created = road_server.post(
        "/plans", headers=headers, json={"start_date": "2026-11-23", "days": 1, "time_limit_s": 3}
    )
    body = wait_done(road_server, headers, created.json()["id"])
    assert body["status"] == "done", body
    page = road_server.get(f"/plans/{body['id']}/teams/DD/map", headers=headers)
    assert page.status_code == 200
    assert street_json(page.text)["n"]
    assert '<script src="/assets/streets.js"></script>' in page.text
    assert road_server.get("/assets/streets.js").status_code == 200


def test_the_cli_writes_the_streets_into_a_road_plans_team_maps(tmp_path: Path) -> None:
    """``vaxroute plan --roads`` with tiles off: every team map carries the layer, shown."""
    teams, residents = street_lists(tmp_path, HANOI_OSM, 9, seed=9)
    out = tmp_path / "out"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "vaxroute",
            "plan",
            "--residents",
            str(residents),
            "--teams",
            str(teams),
            "--out",
            str(out),
            "--roads",
            str(HANOI_OSM),
            "--time-limit",
            "3",
            "--start-date",
            "2026-11-23",
            "--tiles",
            "none",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr + run.stdout
    maps = sorted((out / "maps").glob("team-*.html"))
    assert maps
    for page in maps:
        text = page.read_text(encoding="utf-8")
        assert street_json(text)["n"] and "function vaxrouteStreets" in text
        assert "tile.openstreetmap.org" not in text
    assert "vaxrouteStreets" not in (out / "maps" / "overview.html").read_text(encoding="utf-8")
