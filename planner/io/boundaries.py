"""Optional ward boundaries: tell which ward a resident lives in, and who is outside them all."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from planner.errors import InputError
from planner.io.columns import fold

NAME_COLUMNS = ("ward", "name", "name_3", "ten", "ten_xa", "phuong_xa", "name_vi")


def load_boundaries(path: Path | str) -> Any:
    """Polygons with a ``ward`` column, in WGS84. The name column is guessed from common names."""
    import geopandas as gpd

    path = Path(path)
    try:
        gdf = gpd.read_file(path)
    except Exception as exc:
        raise InputError(f"{path.name}: not a readable boundary file ({exc})") from exc
    if gdf.empty:
        raise InputError(f"{path.name}: the boundary file has no areas")
    if gdf.crs is not None and gdf.crs.to_epsg() != 4326:
        gdf = gdf.to_crs(4326)
    polys = gdf.geometry.geom_type.isin(["Polygon", "MultiPolygon"])
    if not polys.any():
        raise InputError(f"{path.name}: the boundary file has no polygons")
    gdf = gdf.loc[polys].copy()
    by_fold = {fold(c): c for c in gdf.columns if c != gdf.geometry.name}
    name_col = next((by_fold[n] for n in NAME_COLUMNS if n in by_fold), None)
    gdf["ward"] = (
        gdf[name_col].astype(str) if name_col else [f"area {i + 1}" for i in range(len(gdf))]
    )
    return gdf[["ward", gdf.geometry.name]].reset_index(drop=True)


def locate_wards(boundaries: Any, lat: np.ndarray, lon: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Ward name per point (None outside every polygon or where ``mask`` is False)."""
    import geopandas as gpd

    out = np.full(len(lat), None, dtype=object)
    idx = np.flatnonzero(mask)
    if len(idx) == 0:
        return out
    points = gpd.GeoDataFrame({"i": idx}, geometry=gpd.points_from_xy(lon[idx], lat[idx]), crs=4326)
    joined = gpd.sjoin(points, boundaries, how="left", predicate="within")
    joined = joined.drop_duplicates("i")
    for i, ward in zip(joined["i"], joined["ward"], strict=True):
        out[int(i)] = None if not isinstance(ward, str) else ward
    return out
