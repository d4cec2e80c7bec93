"""GPX 1.1 per team and day, for OsmAnd or Organic Maps, written with gpxpy.

A waypoint per stop (its number and arrival time as the name; initials, address and doses as
the description: never names or conditions) and the route in visit order, from the station and
back. gpxpy escapes the text; text that comes from uploaded lists (the team id, initials,
addresses) also loses the characters XML 1.0 cannot carry, so the file always parses, and goes
through planner/cells.py's formula rule, since a GPX file can be opened as a table.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from gpxpy.gpx import GPX, GPXRoute, GPXRoutePoint, GPXWaypoint

from maps.i18n import t
from maps.team import stop_details
from planner.cells import neutralise
from planner.model import Resident

#: characters XML 1.0 does not allow (control characters, lone surrogates, U+FFFE/U+FFFF)
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
Place = tuple[float, float, str, str]  # lat, lon, name, description


def route_gpx(
    route: Mapping[str, Any], residents: Mapping[str, Resident] | None = None, lang: str = "vi"
) -> str:
    """GPX 1.1: a waypoint per stop and the route in visit order (depot first and last)."""
    title = _text(f"{route['team_id']} {route['date']}")
    places = _places(route, residents or {}, lang)
    at_depot = bool(route.get("depot"))
    gpx = GPX()
    gpx.creator, gpx.name = "VaxRoute", title
    for lat, lon, name, desc in places[1:] if at_depot else places:
        gpx.waypoints.append(GPXWaypoint(lat, lon, name=name, description=desc))
    line = GPXRoute(name=title)
    for lat, lon, name, _ in [*places, places[0]] if at_depot else places:
        line.points.append(GPXRoutePoint(lat, lon, name=name))
    gpx.routes.append(line)
    return gpx.to_xml()


def _places(route: Mapping[str, Any], people: Mapping[str, Resident], lang: str) -> list[Place]:
    """The station (when the route has one) and the stops in visit order."""
    places: list[Place] = []
    if route.get("depot"):
        places.append(
            (_degrees(route["depot"]["lat"]), _degrees(route["depot"]["lon"]), t("depot", lang), "")
        )
    for stop in route["stops"]:
        d = stop_details(stop, people)
        places.append(
            (
                _degrees(stop["lat"]),
                _degrees(stop["lon"]),
                f"{stop['seq']}. {stop['arrival'][11:16]}",
                _text(f"{d['initials']} · {d['address']} · {stop['doses']} {t('dose_unit', lang)}"),
            )
        )
    return places


def _degrees(value: float) -> float:
    """Seven decimals (about a centimetre), as VaxRoute's GPX files always had."""
    return round(float(value), 7)


def _text(value: str) -> str:
    """User data made safe for the file: no characters XML forbids, no formula."""
    return str(neutralise(_NOT_XML.sub("", value)))
