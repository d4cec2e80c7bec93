"""The road graph as flat numpy arrays: nodes, undirected segments, per-mode speeds/directions.

Frozen once built; saved to and loaded from one ``.npz`` file in the cache.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from planner.settings import TRAVEL_MODES

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Arcs:
    """The directed arcs a mode may use: ``tail -> head`` along segment ``edge``."""

    tail: I64
    head: I64
    edge: I64
    metres: F64
    seconds: F64


@dataclass(frozen=True)
class RoadGraph:
    """Nodes (lat, lon) and undirected segments ``u``-``v`` with, per travel mode, a speed and
    the directions allowed."""

    lat: F64
    lon: F64
    u: I64  # segment start node
    v: I64  # segment end node
    length_m: F64
    road_class: npt.NDArray[np.int8]
    speed_kmh: dict[str, F64]  # per mode, per segment; 0 = closed to the mode
    direction: dict[str, npt.NDArray[np.int8]]  # +1 along only, -1 against only, 0 both

    @property
    def n_nodes(self) -> int:
        """The graph's node count."""
        return len(self.lat)

    @property
    def n_edges(self) -> int:
        """The graph's segment count."""
        return len(self.u)

    def usable(self, mode: str) -> npt.NDArray[np.bool_]:
        """Segments open to ``mode`` (speed above 0)."""
        return self.speed_kmh[mode] > 0

    def forward(self, mode: str) -> npt.NDArray[np.bool_]:
        """Segments ``mode`` may travel from ``u`` to ``v``."""
        return self.usable(mode) & (self.direction[mode] >= 0)

    def backward(self, mode: str) -> npt.NDArray[np.bool_]:
        """Segments ``mode`` may travel from ``v`` to ``u``."""
        return self.usable(mode) & (self.direction[mode] <= 0)

    def arcs(self, mode: str) -> Arcs:
        """The directed arcs ``mode`` may use, with their length and travel time at its speed."""
        fwd, bwd = np.flatnonzero(self.forward(mode)), np.flatnonzero(self.backward(mode))
        edge = np.concatenate([fwd, bwd])
        tail = np.concatenate([self.u[fwd], self.v[bwd]])
        head = np.concatenate([self.v[fwd], self.u[bwd]])
        metres = self.length_m[edge]
        return Arcs(tail, head, edge, metres, metres / (self.speed_kmh[mode][edge] / 3.6))

    def save(self, path: Path) -> None:
        """Write the graph to ``path`` (.npz) atomically, for the cache."""
        arrays = {
            "lat": self.lat,
            "lon": self.lon,
            "u": self.u,
            "v": self.v,
            "length_m": self.length_m,
            "road_class": self.road_class,
        }
        for m in TRAVEL_MODES:
            arrays[f"speed_{m}"] = self.speed_kmh[m]
            arrays[f"direction_{m}"] = self.direction[m]
        tmp = path.with_suffix(".tmp.npz")
        np.savez(tmp, **arrays)  # type: ignore[arg-type]
        tmp.replace(path)  # atomic: a reader never sees half a file

    @classmethod
    def load(cls, path: Path) -> RoadGraph:
        """The graph :meth:`save` wrote to ``path``."""
        with np.load(path) as z:
            return cls(
                z["lat"],
                z["lon"],
                z["u"],
                z["v"],
                z["length_m"],
                z["road_class"],
                {m: z[f"speed_{m}"] for m in TRAVEL_MODES},
                {m: z[f"direction_{m}"] for m in TRAVEL_MODES},
            )
