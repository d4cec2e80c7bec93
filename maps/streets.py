"""The streets around a team's route, drawn from the plan's road network: a map that reads
with no tile server and no signal.

:func:`load_streets` reads the extract's roads once for a whole plan (every route's box);
:func:`streets_data` clips them to one map's box (its stops and stations, padded 300 m),
simplifies them (Douglas-Peucker, 2.5 m) and packs them small for the page;
:func:`add_streets` draws them as a layer under the route: light grey lines, wider for main
roads, each street's name once as small text. Names come from OpenStreetMap (untrusted):
they reach the page as JSON (``script_json``) and ``streets.js`` puts them in with
``textContent``, never as markup.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import folium
import numpy as np
import shapely
from branca.element import Figure

from maps.assets import MapScript, _text, layer_name, script_json
from maps.i18n import t
from planner.plan_document import Plan, PlanRoute
from planner.settings import ROAD_CLASSES
from planner.travel.roads.osm import BBox, Way, read_ways

PAD_M = 300.0  # the streets drawn reach this far beyond the route's stops and station
SIMPLIFY_M = 2.5  # Douglas-Peucker tolerance: invisible at street zoom, halves the points
MIN_LABEL_M = 60.0  # a street shorter than this on the map gets no name (no room for it)
_M_PER_DEG = 111_195.0
_MAJOR = {
    ROAD_CLASSES.index(c)
    for c in (
        "motorway",
        "trunk",
        "primary",
        "secondary",
        "tertiary",
        "motorway_link",
        "trunk_link",
        "primary_link",
        "secondary_link",
        "tertiary_link",
    )
}
_MINOR = {
    ROAD_CLASSES.index(c)
    for c in ("footway", "path", "steps", "cycleway", "track", "pedestrian", "service")
    if c in ROAD_CLASSES
}


@dataclass(frozen=True)
class Streets:
    """The roads of an extract around a plan, ready to be clipped per map."""

    ways: tuple[Way, ...]


def routes_box(routes: Iterable[PlanRoute], pad_m: float = PAD_M) -> BBox | None:
    """The bounding box of the routes' stops and stations, padded by ``pad_m``; None when
    there is no point."""
    pts = [(s.lat, s.lon) for r in routes for s in r.stops]
    pts += [(r.depot.lat, r.depot.lon) for r in routes if r.depot]
    if not pts:
        return None
    lat = [p[0] for p in pts]
    lon = [p[1] for p in pts]
    dlat = pad_m / _M_PER_DEG
    dlon = pad_m / (_M_PER_DEG * max(math.cos(math.radians(sum(lat) / len(lat))), 0.1))
    return (min(lat) - dlat, min(lon) - dlon, max(lat) + dlat, max(lon) + dlon)


def load_streets(extract: Path, plan: Plan) -> Streets | None:
    """The extract's roads around every route of ``plan``; None when the plan has no stop.
    Cached by the file's path, size and time and the box (the server draws many maps of one
    plan)."""
    box = routes_box(plan.routes)
    if box is None:
        return None
    stat = Path(extract).stat()
    return _load(str(extract), stat.st_size, stat.st_mtime_ns, box)


@lru_cache(maxsize=4)
def _load(path: str, size: int, mtime_ns: int, box: BBox) -> Streets:
    return Streets(tuple(read_ways(Path(path), box)))


def streets_data(streets: Streets, box: BBox) -> dict[str, Any]:
    """The ways clipped to ``box`` and simplified, packed for ``streets.js``: ``n`` the
    distinct names, ``w`` per piece ``[kind, name index or -1, lat, lon, lat, lon...]``
    (kind 2 main road, 1 street, 0 path; coordinates to 1e-5 degree, about a metre),
    ``l`` one label per name ``[name index, lat, lon, angle in degrees]``, main roads and
    long streets first (``streets.js`` hides a name that would overlap one before it)."""
    rect = shapely.box(box[1], box[0], box[3], box[2])
    tolerance = SIMPLIFY_M / _M_PER_DEG
    names: dict[str, int] = {}
    pieces: list[list[Any]] = []
    longest: dict[int, tuple[int, float, list[tuple[float, float]]]] = {}
    for way in streets.ways:
        line = shapely.LineString(np.column_stack([way.lon, way.lat]))
        clipped = shapely.clip_by_rect(line, *rect.bounds).simplify(tolerance)
        parts = getattr(clipped, "geoms", [clipped])
        kind = 2 if way.road_class in _MAJOR else 0 if way.road_class in _MINOR else 1
        for part in parts:
            if part.is_empty or part.geom_type != "LineString" or len(part.coords) < 2:
                continue
            name = names.setdefault(way.name, len(names)) if way.name else -1
            pts = [(round(y, 5), round(x, 5)) for x, y in part.coords]
            pieces.append([kind, name, *[v for p in pts for v in p]])
            length = part.length * _M_PER_DEG
            if name >= 0 and (kind, length) > longest.get(name, (0, 0.0, []))[:2]:
                longest[name] = (kind, length, pts)
    ranked = sorted(longest.items(), key=lambda item: item[1][:2], reverse=True)
    labels = [_label(k, pts) for k, (_, length, pts) in ranked if length >= MIN_LABEL_M]
    return {"n": list(names), "w": pieces, "l": labels}


def _label(name: int, pts: list[tuple[float, float]]) -> list[Any]:
    """The name at the middle segment of the piece, turned along it and never upside down."""
    k = max(1, len(pts) // 2)
    (a_lat, a_lon), (b_lat, b_lon) = pts[k - 1], pts[k]
    dx = (b_lon - a_lon) * math.cos(math.radians(a_lat))
    angle = -math.degrees(math.atan2(b_lat - a_lat, dx))
    if angle > 90:
        angle -= 180
    elif angle < -90:
        angle += 180
    return [name, round((a_lat + b_lat) / 2, 5), round((a_lon + b_lon) / 2, 5), round(angle)]


def add_streets(
    m: folium.Map,
    streets: Streets,
    routes: Iterable[PlanRoute],
    lang: str,
    *,
    show: bool,
    asset_base: str | None = None,
) -> int:
    """Draw the streets around ``routes`` as a layer of ``m`` (call before the route layers,
    so it lists first; its own panes keep it under them). Returns the bytes of street data."""
    box = routes_box(routes)
    if box is None:
        return 0
    data = script_json(streets_data(streets, box))
    group = folium.FeatureGroup(name=layer_name(t("streets", lang)), show=show)
    group.add_to(m)
    root = m.get_root()
    assert isinstance(root, Figure)
    header = root.header
    if asset_base is None:
        header.add_child(
            folium.Element(f"<script>{_text('streets.js')}</script>"), name="vr_streets_js"
        )
    else:
        header.add_child(
            folium.Element(f'<script src="{asset_base}/streets.js"></script>'), name="vr_streets_js"
        )
    header.add_child(
        folium.Element(f"<style>{_text('streets.css')}</style>"), name="vr_streets_css"
    )
    m.add_child(MapScript(f"vaxrouteStreets({m.get_name()}, {group.get_name()}, {data});"))
    return len(data.encode())
