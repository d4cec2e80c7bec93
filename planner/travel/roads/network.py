"""``RoadTravel``: the travel-time interface on a road network read from an OSM extract.

Built once per (extract content, road settings, clip box) and kept in the disk cache; matrices
are cached too, keyed by the graph, the mode, the snapping settings and the points.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from planner.constants import UNREACHABLE_M, UNREACHABLE_S
from planner.errors import InputError
from planner.settings import RoadParams
from planner.travel.base import Leg, Pairs, TravelMatrix, TravelModel
from planner.travel.roads.graph import Arcs, RoadGraph
from planner.travel.roads.osm import BBox, read_extract
from planner.travel.roads.shortest import PathSums, decode, many_to_many, paths, point_graph
from planner.travel.roads.snap import Snapper, Snaps

if TYPE_CHECKING:
    from planner.model import Team
    from planner.settings import Settings

GRID_DEG = 0.05  # clip boxes snap outwards to this grid so nearby re-plans share a graph


def file_sha256(path: Path) -> str:
    """The extract's content hash: the graph cache's key and plan.json's record of the map."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def clip_box(lat: npt.ArrayLike, lon: npt.ArrayLike, margin_km: float) -> BBox:
    """The points' bounding box plus the margin, snapped outwards to the grid."""
    la, lo = np.asarray(lat, dtype=float), np.asarray(lon, dtype=float)
    dlat = margin_km / 111.0
    dlon = margin_km / (111.0 * max(np.cos(np.radians(float(np.mean(la)))), 0.1))
    box = (la.min() - dlat, lo.min() - dlon, la.max() + dlat, lo.max() + dlon)
    down = [float(np.floor(x / GRID_DEG) * GRID_DEG) for x in box[:2]]
    up = [float(np.ceil(x / GRID_DEG) * GRID_DEG) for x in box[2:]]
    return (round(down[0], 4), round(down[1], 4), round(up[0], 4), round(up[1], 4))


@dataclass
class RoadTravel(TravelModel):
    """Travel along the roads a mode may use, the last metres to the door on foot."""

    graph: RoadGraph
    params: RoadParams
    source: dict[str, Any]
    kind: str = "road"
    stats: dict[str, float] = field(default_factory=dict)
    _memo: dict[str, TravelMatrix] = field(default_factory=dict, repr=False)
    _snappers: dict[str, Snapper] = field(default_factory=dict, repr=False)
    _arcs: dict[str, Arcs] = field(default_factory=dict, repr=False)

    @classmethod
    def from_extract(
        cls, path: Path, params: RoadParams, lat: npt.ArrayLike, lon: npt.ArrayLike
    ) -> RoadTravel:
        """The extract's graph around the points (the disk cache first)."""
        t0 = time.perf_counter()
        path = Path(path)
        if not path.is_file():  # before hashing it
            raise InputError(f"{path}: road network file not found")
        sha = file_sha256(path)
        box = clip_box(lat, lon, params.margin_km)
        key = hashlib.sha256(
            json.dumps([sha, params.graph_fingerprint(), box]).encode()
        ).hexdigest()[:24]
        cached = params.cache_path() / "roads" / f"graph-{key}.npz"
        hit = cached.is_file()
        if hit:
            graph = RoadGraph.load(cached)
        else:
            graph = read_extract(path, params, box)
            cached.parent.mkdir(parents=True, exist_ok=True)
            graph.save(cached)
        source = {"extract": path.name, "sha256": sha, "bbox": list(box), "graph_key": key}
        return cls(
            graph,
            params,
            source,
            stats={"graph_s": time.perf_counter() - t0, "graph_cached": float(hit)},
        )

    # -- per mode ----------------------------------------------------------------------------
    def snapper(self, mode: str) -> Snapper:
        """The mode's snapper (built once)."""
        if mode not in self._snappers:
            self._snappers[mode] = Snapper(self.graph, self.arcs(mode))
        return self._snappers[mode]

    def arcs(self, mode: str) -> Arcs:
        """The arcs the mode may use (built once)."""
        if mode not in self._arcs:
            self._arcs[mode] = self.graph.arcs(mode)
        return self._arcs[mode]

    def snap(self, lat: npt.ArrayLike, lon: npt.ArrayLike, mode: str) -> Snaps:
        """Each point attached to its nearest usable road within ``max_snap_m``."""
        return self.snapper(mode).snap(lat, lon, self.params.max_snap_m)

    # -- the travel-time interface -----------------------------------------------------------
    def matrix(self, lat: npt.ArrayLike, lon: npt.ArrayLike, mode: str) -> TravelMatrix:
        """Seconds and metres along the roads, from memory, the disk cache or computed."""
        la, lo = np.asarray(lat, dtype=float), np.asarray(lon, dtype=float)
        key = self._matrix_key(la, lo, mode)
        if key in self._memo:
            return self._memo[key]
        disk = self.params.cache_path() / "roads" / f"matrix-{key}.npz"
        if disk.is_file():
            with np.load(disk) as z:
                out = TravelMatrix(z["seconds"], z["metres"])
        else:
            out = self._compute(la, lo, mode)
            tmp = disk.with_suffix(".tmp.npz")
            np.savez(tmp, seconds=out.seconds, metres=out.metres)
            tmp.replace(disk)
        self._memo[key] = out
        return out

    def _matrix_key(
        self, la: npt.NDArray[np.float64], lo: npt.NDArray[np.float64], mode: str
    ) -> str:
        digest = hashlib.sha256(np.stack([la, lo]).tobytes())
        digest.update(
            json.dumps(
                [self.source["graph_key"], mode, self.params.max_snap_m, self.params.walk_kmh]
            ).encode()
        )
        return digest.hexdigest()[:32]

    def _compute(
        self, la: npt.NDArray[np.float64], lo: npt.NDArray[np.float64], mode: str
    ) -> TravelMatrix:
        snaps = self.snap(la, lo, mode)
        g = point_graph(self.graph, mode, self.arcs(mode), snaps)
        return self._finish(many_to_many(g, self.graph.n_nodes, len(la)), snaps, la, lo)

    def _finish(
        self, sums: PathSums, snaps: Snaps, la: npt.NDArray[np.float64], lo: npt.NDArray[np.float64]
    ) -> TravelMatrix:
        off = np.where(snaps.edge >= 0, snaps.offroad_m, np.inf)
        same = (la[:, None] == la[None, :]) & (lo[:, None] == lo[None, :])
        return self._whole(sums, off[:, None], off[None, :], same)

    def _whole(
        self,
        sums: PathSums,
        off_from: npt.NDArray[np.float64],
        off_to: npt.NDArray[np.float64],
        same: npt.NDArray[np.bool_],
    ) -> TravelMatrix:
        """Road sums + the walks at both ends, rounded up; one place twice costs nothing.
        Works element-wise: on a whole matrix (broadcast) or on a list of legs."""
        walk = self.params.walk_kmh / 3.6
        secs = sums.seconds + off_from / walk + off_to / walk
        mets = sums.metres + off_from + off_to
        secs[same], mets[same] = 0, 0  # one place twice (a station and a house at one spot)
        bad = ~np.isfinite(secs)
        seconds = np.where(bad, UNREACHABLE_S, np.ceil(np.where(bad, 0, secs) - 1e-9))
        metres = np.where(bad, UNREACHABLE_M, np.ceil(np.where(bad, 0, mets) - 1e-9))
        return TravelMatrix(seconds.astype(np.int64), metres.astype(np.int64))

    def point_issues(
        self, lat: npt.ArrayLike, lon: npt.ArrayLike, mode: str
    ) -> dict[int, tuple[str, str]]:
        """Points that no road of the mode comes near enough to: index -> (code, reason)."""
        snaps = self.snap(lat, lon, mode)
        limit = round(self.params.max_snap_m)
        return {
            int(i): ("no_road_nearby", f"no road usable by {mode} within {limit} m of the address")
            for i in np.flatnonzero(snaps.edge < 0)
        }

    def offroad_m(
        self, lat: npt.ArrayLike, lon: npt.ArrayLike, mode: str, limit_m: float | None = None
    ) -> list[float]:
        """Distance from each point to the road it attaches to (inf: none within the limit)."""
        limit = self.params.max_snap_m if limit_m is None else limit_m
        return [float(x) for x in self.snapper(mode).snap(lat, lon, limit).offroad_m]

    def legs(self, pairs: Pairs, mode: str) -> list[Leg]:
        """Seconds, metres (the matrix's values) and the path along the roads per leg."""
        points = sorted({p for pair in pairs for p in pair})
        where = {p: i for i, p in enumerate(points)}
        la = np.array([p[0] for p in points])
        lo = np.array([p[1] for p in points])
        snaps = self.snap(la, lo, mode)
        g = point_graph(self.graph, mode, self.arcs(mode), snaps)
        index = [(where[a], where[b]) for a, b in pairs]
        routes, weights = paths(g, self.graph.n_nodes, index)  # one search: paths and sums
        i, j = (
            np.array([p[0] for p in index], dtype=int),
            np.array([p[1] for p in index], dtype=int),
        )
        off = np.where(snaps.edge >= 0, snaps.offroad_m, np.inf)
        m = self._whole(decode(weights), off[i], off[j], (la[i] == la[j]) & (lo[i] == lo[j]))
        return [
            Leg(
                int(m.seconds[k]),
                int(m.metres[k]),
                self._polyline(nodes, la, lo, snaps, int(i[k]), int(j[k])),
            )
            for k, nodes in enumerate(routes)
        ]

    def _polyline(
        self,
        nodes: list[int],
        la: npt.NDArray[np.float64],
        lo: npt.NDArray[np.float64],
        snaps: Snaps,
        i: int,
        j: int,
    ) -> list[tuple[float, float]] | None:
        if i == j:
            return [(float(la[i]), float(lo[i]))]
        if not nodes:
            return None
        n, g = self.graph.n_nodes, self.graph
        pts = [(float(la[i]), float(lo[i]))]
        for k in nodes:
            if k >= n:
                pts.append((float(snaps.lat[k - n]), float(snaps.lon[k - n])))
            else:
                pts.append((float(g.lat[k]), float(g.lon[k])))
        pts.append((float(la[j]), float(lo[j])))
        return [(round(a, 6), round(b, 6)) for a, b in pts]

    def describe(self) -> dict[str, Any]:
        """The extract, its graph and the road settings, for plan.json."""
        return {
            "kind": self.kind,
            **self.source,
            "graph": {"nodes": self.graph.n_nodes, "segments": self.graph.n_edges},
            "roads": self.params.describe(),
        }


def road_travel(
    extract: Path, settings: Settings, teams: Sequence[Team], points: Sequence[tuple[float, float]]
) -> RoadTravel:
    """The extract's roads around the stations and the points; an input error naming every
    station that no road of its team's mode comes near."""
    lat = [t.depot_lat for t in teams] + [p[0] for p in points]
    lon = [t.depot_lon for t in teams] + [p[1] for p in points]
    travel = RoadTravel.from_extract(Path(extract), settings.roads, lat, lon)
    for mode in sorted({t.travel_mode for t in teams}):
        mine = [t for t in teams if t.travel_mode == mode]
        off = travel.offroad_m(
            [t.depot_lat for t in mine], [t.depot_lon for t in mine], mode, limit_m=100_000
        )
        far = [
            f"{t.team_id} ({d:.0f} m)" if d != float("inf") else t.team_id
            for t, d in zip(mine, off, strict=True)
            if d > settings.roads.max_snap_m
        ]
        if far:
            raise InputError(
                f"{Path(extract).name}: no road usable by {mode} within "
                f"{settings.roads.max_snap_m:.0f} m of the station of team(s) "
                f"{', '.join(far)}: check the station's coordinates in the teams file, or "
                "that the extract covers the area"
            )
    return travel
