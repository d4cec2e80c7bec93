"""One travel-time interface, several back-ends.

A back-end turns a set of points into a matrix of whole seconds and whole metres for one travel
mode. The first back-end is the straight-line model (great-circle distance x detour factor, at
the mode's speed); road networks and routing servers come later behind the same interface.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from planner.errors import InputError
from planner.geo import haversine_m
from planner.settings import TRAVEL_MODES, TravelParams

IntMatrix = npt.NDArray[np.int64]


@dataclass(frozen=True)
class TravelMatrix:
    """``seconds[i, j]`` and ``metres[i, j]`` from point i to point j, whole and rounded up."""

    seconds: IntMatrix
    metres: IntMatrix


@dataclass(frozen=True)
class Leg:
    """One leg of a route: the matrix's whole seconds and metres, and where it goes."""

    seconds: int
    metres: int
    path: list[tuple[float, float]] | None = None  # (lat, lon) along the roads; None: unknown


class TravelModel(Protocol):
    @property
    def kind(self) -> str:
        """Short name of the back-end, e.g. ``haversine``."""
        ...

    def matrix(self, lat: npt.ArrayLike, lon: npt.ArrayLike, mode: str) -> TravelMatrix:
        """Many-to-many matrix for the points (lat[i], lon[i]) in the given travel mode."""
        ...

    def legs(self, pairs: Sequence[tuple[tuple[float, float], tuple[float, float]]],
             mode: str) -> list[Leg]:
        """The matrix's values for each (from, to) pair, with the path where the model knows it."""
        ...

    def describe(self) -> dict[str, Any]:
        """The ``travel_model`` object of plan.json, enough to rebuild the model."""
        ...


@dataclass(frozen=True)
class StraightLineTravel:
    """Great-circle distance x detour factor; time = that distance / speed of the mode."""

    detour_factor: float = 1.3
    speed_kmh: Mapping[str, float] | None = None
    kind: str = "haversine"

    @classmethod
    def from_params(cls, params: TravelParams) -> StraightLineTravel:
        return cls(params.detour_factor, dict(params.speed_kmh))

    def speed(self, mode: str) -> float:
        speeds = dict(self.speed_kmh or TravelParams().speed_kmh)
        if mode not in speeds:
            raise InputError(f"no speed configured for travel mode {mode!r}")
        return float(speeds[mode])

    def matrix(self, lat: npt.ArrayLike, lon: npt.ArrayLike, mode: str) -> TravelMatrix:
        la, lo = np.asarray(lat, dtype=float), np.asarray(lon, dtype=float)
        road_m = haversine_m(la[:, None], lo[:, None], la[None, :], lo[None, :])
        road_m *= self.detour_factor
        seconds = np.ceil(road_m / (self.speed(mode) / 3.6) - 1e-9).astype(np.int64)
        metres = np.ceil(road_m - 1e-9).astype(np.int64)
        return TravelMatrix(np.maximum(seconds, 0), np.maximum(metres, 0))

    def legs(self, pairs: Sequence[tuple[tuple[float, float], tuple[float, float]]],
             mode: str) -> list[Leg]:
        return legs_from_matrix(self, pairs, mode)

    def describe(self) -> dict[str, Any]:
        speeds = dict(self.speed_kmh or TravelParams().speed_kmh)
        return {"kind": self.kind, "detour_factor": self.detour_factor,
                "speed_kmh": {m: speeds[m] for m in TRAVEL_MODES if m in speeds}}


def legs_from_matrix(model: TravelModel,
                     pairs: Sequence[tuple[tuple[float, float], tuple[float, float]]],
                     mode: str) -> list[Leg]:
    """Legs without paths: one matrix over the distinct places, looked up per pair."""
    places = sorted({p for pair in pairs for p in pair})
    where = {p: i for i, p in enumerate(places)}
    m = model.matrix([p[0] for p in places], [p[1] for p in places], mode)
    return [Leg(int(m.seconds[where[a], where[b]]), int(m.metres[where[a], where[b]]))
            for a, b in pairs]


def travel_model_from_description(desc: Mapping[str, Any]) -> TravelModel:
    """Rebuild a travel model from plan.json's ``travel_model`` (used by the checker)."""
    kind = desc.get("kind")
    if kind == "haversine":
        return StraightLineTravel(float(desc.get("detour_factor", 1.3)),
                                  {k: float(v) for k, v in desc.get("speed_kmh", {}).items()})
    raise InputError(f"plan.json: unknown travel model kind {kind!r}")
