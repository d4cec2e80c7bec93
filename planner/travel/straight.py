"""Straight lines: great-circle distance x a detour factor, at the travel mode's speed.

The default back-end: it needs no map and no server, and the checker can rebuild it from
plan.json alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from planner.errors import InputError
from planner.geo import haversine_m
from planner.settings import TRAVEL_MODES, TravelParams
from planner.travel.base import TravelMatrix, TravelModel


@dataclass(frozen=True)
class StraightLineTravel(TravelModel):
    """Great-circle distance x detour factor; time = that distance / speed of the mode."""

    detour_factor: float = 1.3
    speed_kmh: Mapping[str, float] | None = None
    kind: str = "haversine"

    @classmethod
    def from_params(cls, params: TravelParams) -> StraightLineTravel:
        """The model the ``[travel]`` settings describe."""
        return cls(params.detour_factor, dict(params.speed_kmh))

    def speed(self, mode: str) -> float:
        """The mode's speed in km/h (an input error for a mode without one)."""
        speeds = dict(self.speed_kmh or TravelParams().speed_kmh)
        if mode not in speeds:
            raise InputError(f"no speed configured for travel mode {mode!r}")
        return float(speeds[mode])

    def matrix(self, lat: npt.ArrayLike, lon: npt.ArrayLike, mode: str) -> TravelMatrix:
        """Seconds and metres between every pair of points, rounded up."""
        la, lo = np.asarray(lat, dtype=float), np.asarray(lon, dtype=float)
        road_m = haversine_m(la[:, None], lo[:, None], la[None, :], lo[None, :])
        road_m *= self.detour_factor
        seconds = np.ceil(road_m / (self.speed(mode) / 3.6) - 1e-9).astype(np.int64)
        metres = np.ceil(road_m - 1e-9).astype(np.int64)
        return TravelMatrix(np.maximum(seconds, 0), np.maximum(metres, 0))

    def describe(self) -> dict[str, Any]:
        """Kind, detour factor and the speeds of the known modes."""
        speeds = dict(self.speed_kmh or TravelParams().speed_kmh)
        return {
            "kind": self.kind,
            "detour_factor": self.detour_factor,
            "speed_kmh": {m: speeds[m] for m in TRAVEL_MODES if m in speeds},
        }
