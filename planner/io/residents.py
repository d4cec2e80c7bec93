"""Read and validate a residents list (spec section 1), reporting every problem at once."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from planner.constants import EARTH_RADIUS_M
from planner.geo import nearest_other_m
from planner.io import parse
from planner.io.cells import is_blank
from planner.io.checks import RowChecker, canonical_table, empty_message
from planner.io.columns import RESIDENT_ALIASES, _aliases
from planner.io.problems import InputProblem
from planner.io.tables import GEOMETRY_COLUMNS, RawTable, read_table
from planner.model import Rejected, Resident
from planner.settings import InputParams

#: the planner's promises (docs/input.md, "Pinned visits"): optional columns and their aliases
PIN_ALIASES = _aliases(
    {
        "pin_team": ["Đội hẹn", "Đội chỉ định", "pinned team"],
        "pin_date": ["Ngày hẹn", "Ngày chỉ định", "pinned date"],
    }
)
ALIASES = {**RESIDENT_ALIASES, **PIN_ALIASES}


@dataclass
class ResidentsRead:
    residents: list[Resident] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    problems: list[InputProblem] = field(default_factory=list)
    encoding: str | None = None


def read_residents(
    path: Path | str | RawTable,
    *,
    reference_date: dt.date,
    params: InputParams | None = None,
    depots: list[tuple[float, float]] | None = None,
    boundaries: Any = None,
    sheet: str | None = None,
) -> ResidentsRead:
    """Read a residents file. ``depots`` (lat, lon) help tell swapped or far-off coordinates;
    ``params`` gives the size limits a file is read within (``[input]``)."""
    params = params or InputParams()
    table = path if isinstance(path, RawTable) else read_table(path, sheet, limits=params)
    required = ["resident_id"] + ([] if table.has_geometry else ["lat", "lon"])
    table, original = canonical_table(table, ALIASES, required)
    if table.has_geometry:
        table.frame["lat"], table.frame["lon"] = (
            table.frame[GEOMETRY_COLUMNS[0]],
            table.frame[GEOMETRY_COLUMNS[1]],
        )
    checker = RowChecker(table, "resident_id", original)
    checker.check_ids()
    checker.check_text()
    values = _parse_columns(checker, reference_date)
    _check_coordinates(checker, values, params, depots or [])
    if boundaries is not None:
        _check_boundaries(checker, values, boundaries)
    return _build(checker, values, reference_date, table.encoding)


def _parse_columns(c: RowChecker, today: dt.date) -> dict[str, pd.Series]:
    v: dict[str, pd.Series | None] = {
        "lat": c.parse("lat", parse.parse_number, "a latitude"),
        "lon": c.parse("lon", parse.parse_number, "a longitude"),
        "birth_year": c.parse("birth_year", parse.parse_integer, "a year"),
        "age": c.parse("age", parse.parse_integer, "a whole number of years"),
        "doses_received": c.parse("doses_received", parse.parse_integer, "a whole number"),
        "last_dose_date": c.parse(
            "last_dose_date", parse.parse_date, "a date (YYYY-MM-DD or DD/MM/YYYY)"
        ),
        "status": c.parse(
            "status",
            parse.parse_status,
            "a status (eligible, contraindicated, refused, postponed, vaccinated)",
        ),
        "available_from": c.parse("available_from", parse.parse_clock, "a time (HH:MM)"),
        "available_to": c.parse("available_to", parse.parse_clock, "a time (HH:MM)"),
        "needs_doctor": c.parse("needs_doctor", parse.parse_boolean, "true/false (có/không)"),
        "priority": c.parse("priority", parse.parse_number, "a number"),
        "service_minutes": c.parse("service_minutes", parse.parse_number, "minutes"),
        "pin_date": c.parse("pin_date", parse.parse_date, "a date (YYYY-MM-DD or DD/MM/YYYY)"),
    }
    if c.table.has_geometry:
        gtype = c.frame["__geom_type"]
        c.flag(gtype == "", "geometry", lambda i: "the feature has no geometry")
        c.flag(
            (gtype != "") & (gtype != "Point"),
            "geometry",
            lambda i: f"the geometry is a {gtype.iloc[i]}, not a point",
        )
    else:
        for col in ("lat", "lon"):
            c.flag(c.frame[col] == "", col, empty_message(col))
    _range(c, v["birth_year"], "birth_year", 1890, today.year, "a birth year")
    _range(c, v["age"], "age", 0, 130, "an age")
    _range(c, v["doses_received"], "doses_received", 0, 20, "a number of doses")
    _range(c, v["priority"], "priority", 1e-9, 1e6, "a priority (must be > 0)")
    _range(c, v["service_minutes"], "service_minutes", 1, 600, "service minutes (1-600)")
    last = v["last_dose_date"]
    if last is not None:
        future = last.map(lambda d: d is not None and not pd.isna(d) and d > today)
        c.flag(
            future,
            "last_dose_date",
            lambda i: f"the last dose date {last.iloc[i]} is after the plan's start date {today}",
        )
    start, end = v["available_from"], v["available_to"]
    if start is not None and end is not None:
        c.flag(
            start.notna() & end.notna() & (end <= start),
            "available_to",
            lambda i: "available_to is not after available_from",
        )
    _age_vs_birth_year(c, v["age"], v["birth_year"], today)
    return {k: s for k, s in v.items() if s is not None}


def _range(c: RowChecker, s: pd.Series | None, col: str, lo: float, hi: float, what: str) -> None:
    if s is not None:
        c.flag(
            s.notna() & ((s < lo) | (s > hi)),
            col,
            lambda i: f"{s.iloc[i]:g} is not a plausible {what} ({lo:g}..{hi:g})",
        )


def _age_vs_birth_year(
    c: RowChecker, age: pd.Series | None, year: pd.Series | None, today: dt.date
) -> None:
    if age is None or year is None:
        return
    off = age.notna() & year.notna() & ((today.year - year - age).abs() > 1)
    c.flag(off, "age", lambda i: "age and birth_year disagree; the age is used", fatal=False)


def _check_coordinates(
    c: RowChecker, v: dict[str, pd.Series], params: InputParams, depots: list[tuple[float, float]]
) -> None:
    if "lat" not in v or "lon" not in v:
        return
    lat, lon = v["lat"].to_numpy(float), v["lon"].to_numpy(float)
    known = ~np.isnan(lat) & ~np.isnan(lon)
    in_range = known & (np.abs(lat) <= 90) & (np.abs(lon) <= 180)
    swap_ok = known & (np.abs(lon) <= 90) & (np.abs(lat) <= 180)
    ref_lat, ref_lon = _reference_points(lat[in_range], lon[in_range], depots)
    far = params.outlier_km * 1000
    d_here = np.full(len(lat), np.inf)
    d_swap = np.full(len(lat), np.inf)
    if len(ref_lat):
        d_here[in_range] = nearest_other_m(lat[in_range], lon[in_range], ref_lat, ref_lon, False)
        d_swap[swap_ok] = nearest_other_m(lon[swap_ok], lat[swap_ok], ref_lat, ref_lon, False)
    swapped = known & (d_here > far) & (d_swap <= far)
    swapped |= known & ~in_range & swap_ok & ~np.isfinite(d_swap) & (len(ref_lat) == 0)
    for i in np.flatnonzero(swapped):
        c.add(
            int(i),
            "lat",
            f"lat {lat[i]:g} and lon {lon[i]:g} look swapped "
            f"(the point makes sense the other way round); fix the columns",
        )
    out_of_range = known & ~in_range & ~swapped
    for i in np.flatnonzero(out_of_range):
        col = "lat" if abs(lat[i]) > 90 else "lon"
        c.add(
            int(i),
            col,
            f"{col} {(lat if col == 'lat' else lon)[i]:g} is outside "
            f"{'[-90, 90]' if col == 'lat' else '[-180, 180]'}",
        )
    # rows already left out (a duplicated id, an unreadable cell) neither are judged nor
    # vouch for a neighbour: 10,000 rows sharing an id are not compared with each other
    rejected = np.isin(np.arange(len(lat)), list(c.fatal_rows))
    usable = in_range & ~swapped & ~rejected
    _check_outliers(c, lat, lon, usable, depots, far, params.outlier_km)


def _reference_points(
    lat: np.ndarray, lon: np.ndarray, depots: list[tuple[float, float]]
) -> tuple[np.ndarray, np.ndarray]:
    if depots:
        return np.array([d[0] for d in depots]), np.array([d[1] for d in depots])
    if len(lat) == 0:
        return np.array([]), np.array([])
    return np.array([np.median(lat)]), np.array([np.median(lon)])


def _check_outliers(
    c: RowChecker,
    lat: np.ndarray,
    lon: np.ndarray,
    usable: np.ndarray,
    depots: list[tuple[float, float]],
    far: float,
    outlier_km: float,
) -> None:
    idx = np.flatnonzero(usable)
    if len(idx) + len(depots) < 2:
        return
    nearest = _nearest_other_m(lat[idx], lon[idx])
    if depots:
        dl = np.array([d[0] for d in depots])
        do = np.array([d[1] for d in depots])
        nearest = np.minimum(nearest, nearest_other_m(lat[idx], lon[idx], dl, do, False))
    for k in np.flatnonzero(nearest > far):
        i = int(idx[k])
        c.add(
            i,
            "lat",
            f"the point ({lat[i]:.5f}, {lon[i]:.5f}) is {nearest[k] / 1000:.0f} km "
            f"from every other resident and team depot (limit {outlier_km:g} km): "
            "check the coordinates",
        )


def _nearest_other_m(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """For each point, the great-circle distance to the nearest other point, through a k-d
    tree of points on the unit sphere (n log n, where comparing every pair is quadratic in the
    list's length). The chord between two points gives their arc exactly: 2 asin(chord / 2)."""
    from scipy.spatial import cKDTree

    phi, lam = np.radians(lat), np.radians(lon)
    xyz = np.column_stack([np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)])
    chord, _ = cKDTree(xyz).query(xyz, k=2)
    second = chord[:, 1]
    out = np.full(len(lat), np.inf)
    found = np.isfinite(second)
    out[found] = 2 * EARTH_RADIUS_M * np.arcsin(np.clip(second[found] / 2, 0.0, 1.0))
    return out


def _check_boundaries(c: RowChecker, v: dict[str, pd.Series], boundaries: Any) -> None:
    from planner.io.boundaries import locate_wards

    if "lat" not in v:
        return
    lat, lon = v["lat"].to_numpy(float), v["lon"].to_numpy(float)
    ok = ~np.isnan(lat) & ~np.isnan(lon) & ~np.isin(np.arange(len(lat)), list(c.fatal_rows))
    wards = locate_wards(boundaries, lat, lon, ok)
    for i in np.flatnonzero(ok & pd.isna(wards)):
        c.add(
            int(i),
            "lat",
            f"the point ({lat[i]:.5f}, {lon[i]:.5f}) is outside every area of the boundary file",
        )
    if c.has("ward"):
        derived = pd.Series(wards).fillna("")
        blank = c.frame["ward"].astype(str).str.strip() == ""
        c.frame.loc[blank, "ward"] = derived[blank]
    else:
        c.frame["ward"] = pd.Series(wards).fillna("").astype(str)


def _build(
    c: RowChecker, v: dict[str, pd.Series], today: dt.date, encoding: str | None
) -> ResidentsRead:
    c.problems.sort(key=lambda p: (p.row or 0, p.column or ""))
    out = ResidentsRead(problems=c.problems, encoding=encoding)
    by_row: dict[int, list[InputProblem]] = {}
    for p in c.problems:
        if p.fatal and p.row is not None:
            by_row.setdefault(p.row, []).append(p)
    rejected_ids: set[str] = set()
    # plain lists, read once: a pandas lookup per cell is far slower on long lists
    values = {k: s.tolist() for k, s in v.items()}
    texts = {
        col: [str(x).strip() for x in c.frame[col].tolist()] for col in TEXT_FIELDS if c.has(col)
    }
    for i in range(len(c.frame)):
        rid = c.ident(i)
        if i in c.fatal_rows:
            if rid and rid not in rejected_ids:
                reasons = "; ".join(
                    f"{p.column}: {p.message}" if p.column else p.message
                    for p in by_row.get(c.table.row_numbers[i], [])
                )
                out.rejected.append(
                    Rejected(rid, f"{c.table.source} row {c.table.row_numbers[i]}: {reasons}")
                )
                rejected_ids.add(rid)
            continue
        out.residents.append(_resident(str(rid), c.table.row_numbers[i], values, texts, i, today))
    return out


TEXT_FIELDS = (
    "full_name",
    "address",
    "ward",
    "household_id",
    "conditions",
    "phone",
    "notes",
    "vaccine",
    "pin_team",
)


def _get(v: dict[str, list[Any]], col: str, i: int) -> Any:
    if col not in v:
        return None
    value = v[col][i]
    return None if is_blank(value) else value


def _resident(
    rid: str, row: int, v: dict[str, list[Any]], texts: dict[str, list[str]], i: int, today: dt.date
) -> Resident:
    def text(col: str) -> str:
        """The row's text in ``col``, or '' when the file has no such column."""
        return texts[col][i] if col in texts else ""

    age = _get(v, "age", i)
    year = _get(v, "birth_year", i)
    if age is None and year is not None:
        age = today.year - int(year)
    conditions = tuple(
        x.strip() for x in text("conditions").replace(",", ";").split(";") if x.strip()
    )
    start, end = _get(v, "available_from", i), _get(v, "available_to", i)
    return Resident(
        resident_id=rid,
        lat=float(v["lat"][i]),
        lon=float(v["lon"][i]),
        source_row=row,
        full_name=text("full_name"),
        address=text("address"),
        ward=text("ward"),
        household_id=text("household_id"),
        age=None if age is None else int(age),
        conditions=conditions,
        doses_received=int(_get(v, "doses_received", i) or 0),
        last_dose_date=_get(v, "last_dose_date", i),
        status=_get(v, "status", i) or "eligible",
        available_from_s=None if start is None else int(start),
        available_to_s=None if end is None else int(end),
        needs_doctor=bool(_get(v, "needs_doctor", i) or False),
        priority_override=_get(v, "priority", i),
        service_minutes=_get(v, "service_minutes", i),
        phone=text("phone"),
        notes=text("notes"),
        vaccine=text("vaccine").lower(),
        pin_team=text("pin_team"),
        pin_date=_get(v, "pin_date", i),
    )
