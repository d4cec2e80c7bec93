"""The travel-time interface every back-end offers, and the values it answers with.

A back-end turns a set of points into a matrix of whole seconds and whole metres for one travel
mode. Capabilities only some back-ends have (how far a door is from the road, points no road
reaches) are declared here too, with the answer of a back-end that has no roads, so callers
ask the model instead of probing it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

IntMatrix = npt.NDArray[np.int64]
#: (from, to) places of the legs asked for, each a (lat, lon) pair
Pairs = Sequence[tuple[tuple[float, float], tuple[float, float]]]


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
    """What the planner asks of travel times. Back-ends subclass it to inherit the answers of a
    model without roads (legs looked up in the matrix, no off-road distances, no issues)."""

    @property
    def kind(self) -> str:
        """Short name of the back-end, e.g. ``haversine``."""
        ...

    def matrix(self, lat: npt.ArrayLike, lon: npt.ArrayLike, mode: str) -> TravelMatrix:
        """Many-to-many matrix for the points (lat[i], lon[i]) in the given travel mode."""
        ...

    def describe(self) -> dict[str, Any]:
        """The ``travel_model`` object of plan.json, enough to rebuild the model."""
        ...

    def legs(self, pairs: Pairs, mode: str) -> list[Leg]:
        """The matrix's values for each (from, to) pair, with the path where the model knows it."""
        return legs_from_matrix(self, pairs, mode)

    def offroad_m(
        self, lat: npt.ArrayLike, lon: npt.ArrayLike, mode: str, limit_m: float | None = None
    ) -> list[float] | None:
        """Metres from each point to the road it is reached by (inf: none within the limit);
        None when the model has no roads."""
        return None

    def point_issues(
        self, lat: npt.ArrayLike, lon: npt.ArrayLike, mode: str
    ) -> dict[int, tuple[str, str]]:
        """Points the model cannot serve at all: index -> (reason code, reason). Empty: none."""
        return {}


def legs_from_matrix(model: TravelModel, pairs: Pairs, mode: str) -> list[Leg]:
    """Legs without paths: one matrix over the distinct places, looked up per pair."""
    places = sorted({p for pair in pairs for p in pair})
    where = {p: i for i, p in enumerate(places)}
    m = model.matrix([p[0] for p in places], [p[1] for p in places], mode)
    return [
        Leg(int(m.seconds[where[a], where[b]]), int(m.metres[where[a], where[b]])) for a, b in pairs
    ]
