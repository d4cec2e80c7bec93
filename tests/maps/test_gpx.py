"""GPX files written with gpxpy, read back with gpxpy and with ElementTree."""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree as ET

import gpxpy

from maps.gpx import route_gpx
from planner.model import Resident
from tests.helpers import DEPOT, resident
from tests.maps.conftest import CONDITION, FULL_NAMES

GPX_NS = "{http://www.topografix.com/GPX/1/1}"


def test_every_route_reads_back_in_visit_order(scenario) -> None:
    plan, people, _ = scenario
    for route in plan["routes"]:
        text = route_gpx(route, people, "en")
        gpx = gpxpy.parse(text)
        stops = route["stops"]
        assert gpx.name == f"{route['team_id']} {route['date']}" and gpx.creator == "VaxRoute"
        assert [w.name for w in gpx.waypoints] == [
            f"{s['seq']}. {s['arrival'][11:16]}" for s in stops
        ]
        assert [(w.latitude, w.longitude) for w in gpx.waypoints] == [
            (round(s["lat"], 7), round(s["lon"], 7)) for s in stops
        ]
        (line,) = gpx.routes
        names = [p.name for p in line.points]
        assert names == ["Health station", *(w.name for w in gpx.waypoints), "Health station"]
        depot = (round(route["depot"]["lat"], 7), round(route["depot"]["lon"], 7))
        assert (line.points[0].latitude, line.points[0].longitude) == depot
        for w, s in zip(gpx.waypoints, stops, strict=True):
            who = [people[r].initials for r in s["resident_ids"]]
            desc = w.description or ""
            assert desc.startswith(", ".join(who) + " · Tổ ")
            assert desc.endswith(f"{s['doses']} doses")
        assert CONDITION not in text
        assert not [n for n in FULL_NAMES if n in text or n.split()[-1] in text]


def _hostile_route() -> tuple[dict[str, Any], dict[str, Resident]]:
    person = resident(
        "X-1",
        DEPOT,
        full_name="=cmd Evil",
        address='<script>alert(1)</script> & "Tổ 1"\x01\x0b\ufffe',
    )
    stop = {
        "seq": 1,
        "arrival": "2026-11-23T08:05:00+07:00",
        "lat": 22.1234567891,
        "lon": 105.8,
        "resident_ids": ["X-1"],
        "doses": 1,
    }
    route = {
        "team_id": '=HYPERLINK("http://evil.example")',
        "date": "2026-11-23",
        "depot": {"lat": 22.1, "lon": 105.7},
        "stops": [stop],
    }
    return route, {"X-1": person}


def test_user_text_is_escaped_and_never_a_formula() -> None:
    route, people = _hostile_route()
    text = route_gpx(route, people)
    assert "<script>" not in text and "\x01" not in text and "\x0b" not in text
    root = ET.fromstring(text.encode("utf-8"))  # well-formed XML 1.0
    title = root.find(f"{GPX_NS}metadata/{GPX_NS}name")
    assert title is not None and title.text == "'" + route["team_id"] + " 2026-11-23"
    gpx = gpxpy.parse(text)
    (stop,) = gpx.waypoints
    assert stop.description == '\'=.E. · <script>alert(1)</script> & "Tổ 1" · 1 liều'
    assert stop.name == "1. 08:05" and stop.latitude == 22.1234568
    assert gpx.routes[0].name == title.text
    assert "cmd" not in text and "Evil" not in text  # initials only
