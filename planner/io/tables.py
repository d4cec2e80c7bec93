"""Read any supported file into a table of text cells: CSV, XLSX and geodata.

Everything is read as text first so that each value can be parsed, and reported, by the column
rules in :mod:`planner.io.parse`; nothing is guessed by a reader's type inference. The size
limits of ``[input]`` (rows, columns, characters in a cell, unzipped XLSX size) are checked
while reading, so that a hostile file is refused before it is held in memory
(:mod:`planner.io.limits`).
"""

from __future__ import annotations

import codecs
import csv
import io
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from planner.errors import InputError
from planner.io.cells import cell_text, tidy, unique_headers
from planner.io.limits import (
    DEFAULT_LIMITS,
    cell_too_long,
    check_cells,
    check_width,
    too_many_columns,
    too_many_rows,
    where,
)
from planner.settings import InputParams

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


def read_table(
    path: Path | str,
    sheet: str | None = None,
    display_name: str | None = None,
    limits: InputParams = DEFAULT_LIMITS,
) -> RawTable:
    """Read a CSV, XLSX or geodata file; ``limits`` are the ``[input]`` settings."""
    path = Path(path)
    name = display_name or path.name
    if not path.exists():
        raise InputError(f"{name}: file not found")
    if path.stat().st_size == 0:
        raise InputError(f"{name}: the file is empty")
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        from planner.io.xlsx import read_sheet

        sheet_rows = read_sheet(path, name, sheet, limits)
        table = RawTable(
            name, frame_of(sheet_rows.headers, sheet_rows.rows), sheet_rows.row_numbers, "xlsx"
        )
    elif suffix in GEO_SUFFIXES:
        table = _read_geo(path, name, limits)
    else:
        table = _read_csv(path.read_bytes(), name, limits)
    return _finish(table)


def read_table_bytes(
    data: bytes, filename: str, sheet: str | None = None, limits: InputParams = DEFAULT_LIMITS
) -> RawTable:
    """Same as :func:`read_table` for an upload held in memory (used by the API)."""
    import tempfile

    if not data:
        raise InputError(f"{filename}: the file is empty")
    suffix = Path(filename).suffix.lower() or ".csv"
    if suffix not in EXCEL_SUFFIXES | GEO_SUFFIXES:
        return _finish(_read_csv(data, filename, limits))
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp) / f"upload{suffix}"
        tmp_path.write_bytes(data)
        return read_table(tmp_path, sheet, display_name=filename, limits=limits)


def frame_of(headers: list[str], rows: list[list[str]]) -> pd.DataFrame:
    """Rows of text cells (as wide as the header or narrower) as a frame of text."""
    width = len(headers)
    padded = [r if len(r) == width else r + [""] * (width - len(r)) for r in rows]
    return (
        pd.DataFrame(padded, columns=headers, dtype=object)
        if padded
        else (pd.DataFrame({h: pd.Series([], dtype=object) for h in headers}))
    )


# --- CSV -----------------------------------------------------------------------------------


def decode_text(data: bytes, name: str) -> tuple[str, str]:
    """Decode CSV bytes: UTF-8 (BOM or not), UTF-16 (Excel 'Unicode text'), Windows-1258."""
    if data.startswith(codecs.BOM_UTF8):
        text, encoding = data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="strict"), "utf-8-sig"
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
                    f"(byte {exc.start})"
                ) from exc
    # Windows-1258 writes accents as combining marks; NFC makes 'Hoà' compare equal everywhere.
    return unicodedata.normalize("NFC", text), encoding


def _sniff_separator(text: str) -> str:
    first = next((line for line in io.StringIO(text) if line.strip()), "")
    counts = {sep: first.count(sep) for sep in (",", ";", "\t", "|")}
    best = max(counts, key=lambda s: counts[s])
    return best if counts[best] > 0 else ","


def _read_csv(data: bytes, name: str, limits: InputParams) -> RawTable:
    """CSV through the csv module, one record at a time, checking the limits as it goes: a
    header of 200,000 columns is refused from its first line, before any row is kept."""
    text, encoding = decode_text(data, name)
    if not text.strip():
        raise InputError(f"{name}: the file is empty")
    records = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_separator(text))
    try:
        headers, rows, numbers = _csv_records(records, name, limits)
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):  # 131,072 characters, > the limit
            raise cell_too_long(name, limits, records.line_num, None) from exc
        raise InputError(
            f"{name}: not a readable CSV table (line {records.line_num}: {exc})"
        ) from exc
    return RawTable(name, frame_of(headers, rows), numbers, encoding)


def _csv_records(
    records: Iterator[list[str]], name: str, limits: InputParams
) -> tuple[list[str], list[list[str]], list[int]]:
    """The header (the first record that is not blank), then the data records and their row
    numbers as a spreadsheet shows them (record k of the file is row k)."""
    headers: list[str] | None = None
    rows: list[list[str]] = []
    numbers: list[int] = []
    for row, record in enumerate(records, start=1):
        if headers is None:
            if any(c.strip() for c in record):
                check_width(name, limits, len(record))
                check_cells(name, limits, record, row)
                headers = unique_headers(record)
            continue
        if len(record) > len(headers):
            record = _trailing_blanks_cut(record, len(headers), name, row, limits)
        check_cells(name, limits, record, row, headers)
        if any(record):
            if len(numbers) >= limits.max_rows:
                raise too_many_rows(name, limits)
            rows.append(record)
            numbers.append(row)
    return headers or [], rows, numbers


def _trailing_blanks_cut(
    record: list[str], width: int, name: str, row: int, limits: InputParams
) -> list[str]:
    """Separators at the end of a row are harmless; cells beyond the header are not read."""
    if not any(c.strip() for c in record[width:]):
        return record[:width]
    if len(record) > limits.max_columns:
        raise too_many_columns(name, limits, row)
    raise InputError(
        f"{where(name, row)}: {len(record)} cells, but the header names only {width} columns"
    )


# --- geodata -------------------------------------------------------------------------------


def _read_geo(path: Path, name: str, limits: InputParams) -> RawTable:
    """Geodata through geopandas; at most ``max_rows + 1`` features are read, and the fields
    are counted from the layer's description before any feature is."""
    import geopandas as gpd

    _check_geo_fields(path, name, limits)
    try:
        gdf = gpd.read_file(path, max_features=limits.max_rows + 1)
    except Exception as exc:  # pyogrio raises several types for unreadable data
        raise InputError(
            f"{name}: not a readable geodata file ({type(exc).__name__}: {exc})"
        ) from exc
    if len(gdf) > limits.max_rows:
        raise too_many_rows(name, limits, "features")
    check_width(name, limits, len(gdf.columns) - 1)
    if gdf.crs is not None and gdf.crs.to_epsg() != 4326:
        gdf = gdf.to_crs(4326)
    frame = pd.DataFrame(gdf.drop(columns=gdf.geometry.name)).map(cell_text).astype(object)
    _check_frame_cells(frame, name, limits)
    lat, lon = [], []
    for geom in gdf.geometry:
        is_point = geom is not None and not geom.is_empty and geom.geom_type == "Point"
        lat.append(repr(geom.y) if is_point else "")
        lon.append(repr(geom.x) if is_point else "")
    frame[GEOMETRY_COLUMNS[0]] = lat
    frame[GEOMETRY_COLUMNS[1]] = lon
    frame["__geom_type"] = [("" if g is None else g.geom_type) for g in gdf.geometry]
    return RawTable(
        name,
        frame.reset_index(drop=True),
        [i + 1 for i in range(len(frame))],
        None,
        has_geometry=True,
    )


def _check_geo_fields(path: Path, name: str, limits: InputParams) -> None:
    import pyogrio

    try:
        fields = len(pyogrio.read_info(path)["fields"])
    except Exception:  # unreadable here: read_file says why, in its own words
        return
    check_width(name, limits, fields)


def _check_frame_cells(frame: pd.DataFrame, name: str, limits: InputParams) -> None:
    for column in frame.columns:
        long = frame[column].map(len) > limits.max_cell_chars
        if long.any():
            raise cell_too_long(name, limits, int(long.to_numpy().argmax()) + 1, str(column))


def _finish(table: RawTable) -> RawTable:
    """Tidy every data cell (line breaks to spaces, stripped), then drop the blank rows."""
    for column in table.frame.columns:
        if not str(column).startswith("__geom"):
            table.frame[column] = tidy(table.frame[column]).astype(object)
    return _drop_blank_rows(table)


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
