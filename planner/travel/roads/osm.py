"""Read the road network out of an OpenStreetMap extract (``.osm`` XML or ``.osm.pbf``).

pyosmium reads both formats with one code path. Every way with a ``highway`` tag becomes
segments between consecutive nodes; each segment records, per travel mode, its speed (0 when
the mode may not use it) and whether the mode may go along it, against it, or both.
Only segments with an end inside the clip box are kept.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from planner.errors import InputError
from planner.geo import haversine_m
from planner.settings import ROAD_CLASSES, TRAVEL_MODES, RoadParams
from planner.travel.roads.graph import RoadGraph

BBox = tuple[float, float, float, float]  # min lat, min lon, max lat, max lon
_CLASS_CODE = {c: i for i, c in enumerate(ROAD_CLASSES)}
_CLOSED = {"no", "private"}
_MODE_TAGS = {
    "motorbike": ("motor_vehicle", "motorcycle", "moped"),
    "car": ("motor_vehicle", "motorcar"),
    "foot": ("foot",),
}


def read_extract(path: Path, params: RoadParams, bbox: BBox | None) -> RoadGraph:
    """The road graph of the extract, clipped to ``bbox``; a clear error for a bad file."""
    import osmium  # imported here: only road-network users need it

    if not path.is_file():
        raise InputError(f"{path}: road network file not found")
    builder = _Builder(params, bbox)
    try:
        processor = (
            osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY)
            .with_locations()
            .with_filter(osmium.filter.EntityFilter(osmium.osm.WAY))
            .with_filter(osmium.filter.KeyFilter("highway"))
        )
        for way in processor:
            builder.add_way(way)
    except RuntimeError as exc:
        raise InputError(
            f"{path}: not a readable OpenStreetMap extract (.osm or .osm.pbf): {exc}"
        ) from exc
    if not builder.u:
        where = "" if bbox is None else " near the residents and stations"
        raise InputError(f"{path}: the extract has no usable roads{where} (bbox {bbox})")
    return builder.graph()


def _maxspeed(value: str | None) -> float | None:
    if not value:
        return None
    m = re.match(r"\s*(\d+(?:\.\d+)?)\s*(mph)?", value)
    if not m:
        return None
    speed = float(m.group(1))
    return speed * 1.609344 if m.group(2) else speed


def _mode_speeds(tags: Mapping[str, str], cls: str, params: RoadParams) -> dict[str, float]:
    closed = tags.get("access") in _CLOSED
    cap = _maxspeed(tags.get("maxspeed"))
    out = {}
    for mode in TRAVEL_MODES:
        table = params.speed_kmh[mode]
        speed = float(table.get(cls, 0.0))
        said = [tags.get(k) for k in _MODE_TAGS[mode] if tags.get(k)]
        if said and said[-1] in _CLOSED:
            speed = 0.0
        elif said and said[-1] in ("yes", "designated", "permissive", "destination"):
            speed = speed or min(table.values(), default=0.0)  # opened by the way's own tag
        elif closed:
            speed = 0.0
        if cap and speed:
            speed = min(speed, cap)
        out[mode] = speed
    return out


def _direction(tags: Mapping[str, str], cls: str, mode: str, params: RoadParams) -> int:
    """+1 only along the way, -1 only against it, 0 both ways."""
    if mode not in params.oneway_modes:
        return 0
    if mode == "motorbike" and "no" in (tags.get("oneway:motorcycle"), tags.get("oneway:moped")):
        return 0
    value = tags.get("oneway")
    if value in ("yes", "1", "true"):
        return 1
    if value in ("-1", "reverse"):
        return -1
    if value == "no":
        return 0
    if tags.get("junction") in ("roundabout", "circular") or cls == "motorway":
        return 1
    return 0


class _Builder:
    def __init__(self, params: RoadParams, bbox: BBox | None) -> None:
        self.params, self.bbox = params, bbox
        self.index: dict[int, int] = {}
        self.lat: list[float] = []
        self.lon: list[float] = []
        self.u: list[int] = []
        self.v: list[int] = []
        self.cls: list[int] = []
        self.speed: dict[str, list[float]] = {m: [] for m in TRAVEL_MODES}
        self.way: dict[str, list[int]] = {m: [] for m in TRAVEL_MODES}

    def _inside(self, lat: float, lon: float) -> bool:
        b = self.bbox
        return b is None or (b[0] <= lat <= b[2] and b[1] <= lon <= b[3])

    def _node(self, ref: int, lat: float, lon: float) -> int:
        k = self.index.get(ref)
        if k is None:
            k = self.index[ref] = len(self.lat)
            self.lat.append(lat)
            self.lon.append(lon)
        return k

    def add_way(self, way: object) -> None:
        """Add a way's segments inside the box when some mode may use the road (osmium handler)."""
        tags = {t.k: t.v for t in way.tags}  # type: ignore[attr-defined]
        cls = tags.get("highway", "")
        if cls not in _CLASS_CODE or tags.get("area") == "yes":
            return
        speeds = _mode_speeds(tags, cls, self.params)
        if not any(speeds.values()):
            return
        dirs = {m: _direction(tags, cls, m, self.params) for m in TRAVEL_MODES}
        points = [
            (n.ref, n.lat, n.lon)
            for n in way.nodes  # type: ignore[attr-defined]
            if n.location.valid()
        ]
        for (ra, la, oa), (rb, lb, ob) in itertools.pairwise(points):
            if ra == rb or not (self._inside(la, oa) or self._inside(lb, ob)):
                continue
            self.u.append(self._node(ra, la, oa))
            self.v.append(self._node(rb, lb, ob))
            self.cls.append(_CLASS_CODE[cls])
            for m in TRAVEL_MODES:
                self.speed[m].append(speeds[m])
                self.way[m].append(dirs[m])

    def graph(self) -> RoadGraph:
        """The graph of every way added so far."""
        lat, lon = np.array(self.lat), np.array(self.lon)
        u, v = np.array(self.u, dtype=np.int64), np.array(self.v, dtype=np.int64)
        length = haversine_m(lat[u], lon[u], lat[v], lon[v])
        speed = {m: np.array(s, dtype=np.float64) for m, s in self.speed.items()}
        direction = {m: np.array(d, dtype=np.int8) for m, d in self.way.items()}
        return RoadGraph(
            lat, lon, u, v, length, np.array(self.cls, dtype=np.int8), speed, direction
        )


class Way(NamedTuple):
    """A road as drawn on a map (not routed on): its name (``name``, else ``ref``; may be
    empty), its road class code (index in ``ROAD_CLASSES``) and its points, lat then lon."""

    name: str
    road_class: int
    lat: npt.NDArray[np.float64]
    lon: npt.NDArray[np.float64]


def read_ways(path: Path, bbox: BBox) -> list[Way]:
    """The extract's roads with a node inside ``bbox``, whole, with their names: the streets
    layer of a team's map (maps/streets.py). A pass of its own over the file, so the graph
    read for travel times (:func:`read_extract`) stays as it was, and the map asks for the
    geometry only when it draws one."""
    import osmium

    if not path.is_file():
        raise InputError(f"{path}: road network file not found")
    out: list[Way] = []
    try:
        processor = (
            osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY)
            .with_locations()
            .with_filter(osmium.filter.EntityFilter(osmium.osm.WAY))
            .with_filter(osmium.filter.KeyFilter("highway"))
        )
        for way in processor:
            cls = way.tags.get("highway", "")
            if cls not in _CLASS_CODE or way.tags.get("area") == "yes":
                continue
            pts = [
                (n.lat, n.lon)
                for n in way.nodes  # type: ignore[union-attr]
                if n.location.valid()
            ]
            if len(pts) < 2 or not any(
                bbox[0] <= a <= bbox[2] and bbox[1] <= o <= bbox[3] for a, o in pts
            ):
                continue
            coords = np.array(pts, dtype=np.float64)
            out.append(
                Way(
                    way.tags.get("name") or way.tags.get("ref") or "",
                    _CLASS_CODE[cls],
                    coords[:, 0],
                    coords[:, 1],
                )
            )
    except RuntimeError as exc:
        raise InputError(
            f"{path}: not a readable OpenStreetMap extract (.osm or .osm.pbf): {exc}"
        ) from exc
    return out
