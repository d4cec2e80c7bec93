"""Read any supported file into a table of text cells, through pandas and geopandas.

Everything is read as text first so that each value can be parsed, and reported, by the column
rules in :mod:`planner.io.parse`; nothing is guessed by a reader's type inference.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import math
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from planner.errors import InputError

GEO_SUFFIXES = {".geojson", ".json", ".gpkg", ".shp", ".zip", ".fgb"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
GEOMETRY_COLUMNS = ("__geom_lat", "__geom_lon")


@dataclass
class RawTable:
    """Text cells with the row numbers a user sees (``row_numbers[i]`` for ``frame.iloc[i]``)."""

    source: str
    frame: pd.DataFrame
    row_numbers: list[int]
    encoding: str | None = None
    has_geometry: bool = False


def read_table(path: Path | str, sheet: str | None = None, display_name: str | None = None
               ) -> RawTable:
    path = Path(path)
    name = display_name or path.name
    if not path.exists():
        raise InputError(f"{name}: file not found")
    if path.stat().st_size == 0:
        raise InputError(f"{name}: the file is empty")
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        table = _read_excel(path, name, sheet)
    elif suffix in GEO_SUFFIXES:
        table = _read_geo(path, name)
    else:
        table = _read_csv(path.read_bytes(), name)
    return _drop_blank_rows(table)


def read_table_bytes(data: bytes, filename: str, sheet: str | None = None) -> RawTable:
    """Same as :func:`read_table` for an upload held in memory (used by the API)."""
    import tempfile

    if not data:
        raise InputError(f"{filename}: the file is empty")
    suffix = Path(filename).suffix.lower() or ".csv"
    if suffix not in EXCEL_SUFFIXES | GEO_SUFFIXES:
        return _drop_blank_rows(_read_csv(data, filename))
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp) / f"upload{suffix}"
        tmp_path.write_bytes(data)
        return read_table(tmp_path, sheet, display_name=filename)


# --- CSV -----------------------------------------------------------------------------------

def decode_text(data: bytes, name: str) -> tuple[str, str]:
    """Decode CSV bytes: UTF-8 (BOM or not), UTF-16 (Excel 'Unicode text'), Windows-1258."""
    if data.startswith(codecs.BOM_UTF8):
        text, encoding = data[len(codecs.BOM_UTF8):].decode("utf-8", errors="strict"), "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text, encoding = data.decode("utf-16"), "utf-16"
    elif len(data) >= 4 and data[1::2].count(0) > len(data) // 4:
        text, encoding = data.decode("utf-16-le", errors="strict"), "utf-16-le"
    else:
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            try:
                text, encoding = data.decode("cp1258"), "windows-1258"
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"{name}: cannot read the text: not UTF-8, UTF-16 or Windows-1258 "
                    f"(byte {exc.start})") from exc
    # Windows-1258 writes accents as combining marks; NFC makes 'Hoà' compare equal everywhere.
    return unicodedata.normalize("NFC", text), encoding


def _sniff_separator(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {sep: first.count(sep) for sep in (",", ";", "\t", "|")}
    best = max(counts, key=lambda s: counts[s])
    return best if counts[best] > 0 else ","


def _read_csv(data: bytes, name: str) -> RawTable:
    text, encoding = decode_text(data, name)
    if not text.strip():
        raise InputError(f"{name}: the file is empty")
    try:
        frame = pd.read_csv(io.StringIO(text), sep=_sniff_separator(text), dtype=str,
                            keep_default_na=False, skip_blank_lines=False, engine="python")
    except (pd.errors.ParserError, ValueError, csv.Error) as exc:
        raise InputError(f"{name}: not a readable CSV table: {exc}") from exc
    frame = frame.map(lambda v: "" if v is None else str(v).strip())
    return RawTable(name, frame, [i + 2 for i in range(len(frame))], encoding)


# --- XLSX ----------------------------------------------------------------------------------

def _cell_text(value: Any) -> str:
    """Excel cells arrive typed; turn them back into the text a user typed."""
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, pd.Timestamp | dt.datetime):
        if (value.hour, value.minute, value.second) == (0, 0, 0):
            return value.strftime("%Y-%m-%d")
        if (value.year, value.month, value.day) in ((1899, 12, 30), (1899, 12, 31), (1900, 1, 1)):
            return value.strftime("%H:%M")
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, bool):
        return "true" if value else "false"
    return unicodedata.normalize("NFC", str(value)).strip()


def _read_excel(path: Path, name: str, sheet: str | None) -> RawTable:
    try:
        frame = pd.read_excel(path, sheet_name=sheet if sheet else 0, dtype=object,
                              engine="openpyxl")
    except ValueError as exc:  # e.g. a sheet name that does not exist
        raise InputError(f"{name}: {exc}") from exc
    except Exception as exc:  # a damaged workbook can fail in many ways inside openpyxl
        raise InputError(f"{name}: not a readable XLSX workbook "
                         f"({type(exc).__name__})") from exc
    frame.columns = [_cell_text(c) for c in frame.columns]
    frame = frame.map(_cell_text)
    return RawTable(name, frame, [i + 2 for i in range(len(frame))], "xlsx")


# --- geodata -------------------------------------------------------------------------------

def _read_geo(path: Path, name: str) -> RawTable:
    import geopandas as gpd

    try:
        gdf = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several types for unreadable data
        raise InputError(f"{name}: not a readable geodata file ({type(exc).__name__}: {exc})"
                         ) from exc
    if gdf.crs is not None and gdf.crs.to_epsg() != 4326:
        gdf = gdf.to_crs(4326)
    frame = pd.DataFrame(gdf.drop(columns=gdf.geometry.name)).map(_cell_text)
    lat, lon = [], []
    for geom in gdf.geometry:
        is_point = geom is not None and not geom.is_empty and geom.geom_type == "Point"
        lat.append(repr(geom.y) if is_point else "")
        lon.append(repr(geom.x) if is_point else "")
    frame[GEOMETRY_COLUMNS[0]] = lat
    frame[GEOMETRY_COLUMNS[1]] = lon
    frame["__geom_type"] = [("" if g is None else g.geom_type) for g in gdf.geometry]
    return RawTable(name, frame.reset_index(drop=True), [i + 1 for i in range(len(frame))],
                    None, has_geometry=True)


def _drop_blank_rows(table: RawTable) -> RawTable:
    data_cols = [c for c in table.frame.columns if not str(c).startswith("__geom")]
    if not data_cols:
        return table
    keep = (table.frame[data_cols] != "").any(axis=1).to_numpy().copy()
    if table.has_geometry:
        keep |= (table.frame["__geom_type"] != "").to_numpy()
    table.frame = table.frame.loc[keep].reset_index(drop=True)
    table.row_numbers = [n for n, k in zip(table.row_numbers, keep, strict=True) if k]
    return table
