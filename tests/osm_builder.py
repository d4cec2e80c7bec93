"""OSM files for the tests: small crafted maps (roads given as polylines in metres east/north
of a point), and people placed on the streets of a real extract (tests/data/osm)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from planner.settings import RoadParams
from planner.travel.roads.osm import read_extract
from tests.helpers import write_csv

ORIGIN = (21.0000, 105.8000)
_M_PER_DEG = 111_195.0


def at(east_m: float, north_m: float) -> tuple[float, float]:
    lat = ORIGIN[0] + north_m / _M_PER_DEG
    lon = ORIGIN[1] + east_m / (_M_PER_DEG * math.cos(math.radians(ORIGIN[0])))
    return (round(lat, 7), round(lon, 7))


def write_osm(path: Path, ways: list[tuple[list[tuple[float, float]], dict[str, str]]]) -> Path:
    """Each way: points in metres (east, north) and its tags. Points at the same spot share a
    node, so ways that meet are joined."""
    nodes: dict[tuple[float, float], int] = {}
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<osm version="0.6">']
    way_lines = []
    for k, (points, tags) in enumerate(ways, start=1):
        refs = []
        for p in points:
            if p not in nodes:
                nodes[p] = len(nodes) + 1
                lat, lon = at(*p)
                lines.append(f' <node id="{nodes[p]}" version="1" lat="{lat}" lon="{lon}"/>')
            refs.append(nodes[p])
        way_lines.append(f' <way id="{k}" version="1">')
        way_lines += [f'  <nd ref="{r}"/>' for r in refs]
        way_lines += [f'  <tag k="{key}" v="{value}"/>' for key, value in tags.items()]
        way_lines.append(" </way>")
    path.write_text("\n".join(lines + way_lines + ["</osm>"]) + "\n", encoding="utf-8")
    return path


def random_points(graph_path: Path, n: int, seed: int) -> list[tuple[float, float]]:
    """``n`` distinct points a few metres off the extract's road nodes, so that all snap."""
    g = read_extract(graph_path, RoadParams(), None)
    rng = np.random.default_rng(seed)
    pick = rng.choice(g.n_nodes, n, replace=False)
    return [(float(g.lat[k]) + 1e-4, float(g.lon[k])) for k in pick]


def street_lists(folder: Path, graph_path: Path, n: int, seed: int) -> tuple[Path, Path]:
    """teams.csv (one team, DD) and residents.csv (n - 1 people) on the extract's streets."""
    pts = random_points(graph_path, n, seed)
    teams = write_csv(
        folder / "teams.csv", [{"team_id": "DD", "depot_lat": pts[0][0], "depot_lon": pts[0][1]}]
    )
    residents = write_csv(
        folder / "residents.csv",
        [
            {"resident_id": f"HN-{k:02d}", "lat": lat, "lon": lon, "birth_year": 1950}
            for k, (lat, lon) in enumerate(pts[1:])
        ],
    )
    return teams, residents
