"""Great-circle geometry on numpy arrays (degrees in, metres out)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from planner.constants import EARTH_RADIUS_M

FloatArray = npt.NDArray[np.float64]


def haversine_m(
    lat1: npt.ArrayLike, lon1: npt.ArrayLike, lat2: npt.ArrayLike, lon2: npt.ArrayLike
) -> FloatArray:
    """Element-wise (broadcasting) great-circle distance in metres."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp = p2 - p1
    dl = np.radians(np.asarray(lon2, dtype=float) - np.asarray(lon1, dtype=float))
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def pairwise_haversine_m(lat: npt.ArrayLike, lon: npt.ArrayLike) -> FloatArray:
    """Full n x n matrix of great-circle distances in metres."""
    la, lo = np.asarray(lat, dtype=float), np.asarray(lon, dtype=float)
    return haversine_m(la[:, None], lo[:, None], la[None, :], lo[None, :])


def nearest_other_m(
    lat: npt.ArrayLike,
    lon: npt.ArrayLike,
    ref_lat: npt.ArrayLike,
    ref_lon: npt.ArrayLike,
    exclude_self: bool,
    chunk: int = 1024,
) -> FloatArray:
    """For each point, the distance to the nearest reference point (chunked to bound memory)."""
    la, lo = np.asarray(lat, dtype=float), np.asarray(lon, dtype=float)
    rla, rlo = np.asarray(ref_lat, dtype=float), np.asarray(ref_lon, dtype=float)
    out = np.full(len(la), np.inf)
    if len(rla) == 0:
        return out
    for s in range(0, len(la), chunk):
        d = haversine_m(
            la[s : s + chunk, None], lo[s : s + chunk, None], rla[None, :], rlo[None, :]
        )
        if exclude_self:
            idx = np.arange(s, min(s + chunk, len(la)))
            d[idx - s, idx] = np.inf
        out[s : s + chunk] = d.min(axis=1)
    return out
