"""Attach points (doors, stations) to the nearest road a travel mode may use.

Segments go into a shapely STRtree in the local UTM zone (metres), so "nearest" and "how far"
are true distances. A point attaches at its projection onto the segment; the straight line from
the door to that point is walked.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import shapely
from pyproj import Transformer
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from planner.travel.roads.graph import Arcs, RoadGraph

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Snaps:
    """Per point: the segment it attaches to (-1: none within the limit), the fraction along
    the segment from ``u`` to ``v``, the off-road distance, and where on the road it attaches."""

    edge: I64
    fraction: F64
    offroad_m: F64
    lat: F64
    lon: F64


def utm_transformer(lat: float, lon: float) -> Transformer:
    """A transformer from longitude/latitude to the UTM zone around (lat, lon), in metres."""
    zone = int((lon + 180) // 6) % 60 + 1
    epsg = (32600 if lat >= 0 else 32700) + zone
    return Transformer.from_crs(4326, epsg, always_xy=True)


#: a door nearer to a fragment of road the extract does not connect to the rest (a gated
#: compound, a road cut by the extract's edge) attaches to the connected network instead when
#: that is at most this much farther; otherwise it stays, and is reported as unreachable.
PREFER_CONNECTED_M = 50.0


def main_component(graph: RoadGraph, arcs: Arcs) -> npt.NDArray[np.bool_]:
    """Nodes of the largest strongly connected part of a mode's graph."""
    n = graph.n_nodes
    if not len(arcs.tail):
        return np.zeros(n, dtype=bool)
    adj = coo_matrix((np.ones(len(arcs.tail)), (arcs.tail, arcs.head)), shape=(n, n)).tocsr()
    _, label = connected_components(adj, directed=True, connection="strong")
    sizes = np.bincount(label[np.unique(np.concatenate([arcs.tail, arcs.head]))])
    return np.asarray(label == int(np.argmax(sizes)))


class Snapper:
    """Nearest usable segment for one travel mode, preferring the connected network."""

    def __init__(self, graph: RoadGraph, arcs: Arcs) -> None:
        self.graph = graph
        self.edges = np.unique(arcs.edge)
        main = main_component(graph, arcs)
        self.main = main[graph.u[self.edges]] & main[graph.v[self.edges]]
        centre_lat, centre_lon = float(np.mean(graph.lat)), float(np.mean(graph.lon))
        self.to_metric = utm_transformer(centre_lat, centre_lon)
        x, y = self.to_metric.transform(graph.lon, graph.lat)
        self.x, self.y = np.asarray(x), np.asarray(y)
        u, v = graph.u[self.edges], graph.v[self.edges]
        coords = np.stack(
            [np.stack([self.x[u], self.y[u]], -1), np.stack([self.x[v], self.y[v]], -1)], axis=1
        )
        self.segments = shapely.linestrings(coords)
        self.tree = shapely.STRtree(self.segments)
        self.main_edges = np.flatnonzero(self.main)
        self.main_tree = shapely.STRtree(self.segments[self.main_edges])

    def _nearest(self, points: npt.NDArray[np.object_], max_m: float) -> tuple[I64, F64]:
        """Per point: index into ``self.edges`` (-1: none) and distance."""
        seg, dist = np.full(len(points), -1), np.full(len(points), np.inf)
        (which, k), d = self.tree.query_nearest(
            points, max_distance=max_m, return_distance=True, all_matches=False
        )
        seg[which], dist[which] = k, d
        if len(self.main_edges):
            (which, k), d = self.main_tree.query_nearest(
                points, max_distance=max_m, return_distance=True, all_matches=False
            )
            better = d <= dist[which] + PREFER_CONNECTED_M
            seg[which[better]], dist[which[better]] = self.main_edges[k[better]], d[better]
        return seg, dist

    def snap(self, lat: npt.ArrayLike, lon: npt.ArrayLike, max_m: float) -> Snaps:
        """Attach each point to its nearest usable segment within ``max_m`` metres, preferring
        the connected network; unattached points get edge -1."""
        la, lo = np.asarray(lat, dtype=float), np.asarray(lon, dtype=float)
        n = len(la)
        edge = np.full(n, -1, dtype=np.int64)
        fraction, offroad = np.zeros(n), np.full(n, np.inf)
        if n and len(self.edges):
            px, py = self.to_metric.transform(lo, la)
            points = shapely.points(np.asarray(px), np.asarray(py))
            seg, dist = self._nearest(points, max_m)
            which = np.flatnonzero(seg >= 0)
            seg = seg[which]
            edge[which] = self.edges[seg]
            offroad[which] = dist[which]
            fraction[which] = shapely.line_locate_point(
                self.segments[seg], points[which], normalized=True
            )
        g = self.graph
        ok = edge >= 0
        e = np.where(ok, edge, 0)
        slat = np.where(ok, g.lat[g.u[e]] + fraction * (g.lat[g.v[e]] - g.lat[g.u[e]]), la)
        slon = np.where(ok, g.lon[g.u[e]] + fraction * (g.lon[g.v[e]] - g.lon[g.u[e]]), lo)
        return Snaps(edge, np.nan_to_num(fraction), offroad, slat, slon)
