"""Hostile and unlucky input files (issue #19): every one is refused quickly, in bounded memory,
with a message naming the file, the row, the column and the setting, never a traceback.

The hostile files are made here: a CSV with 200,000 columns, XLSX zip bombs built by hand
with :mod:`zipfile`, 10,000 rows sharing one id, over-long, control-character and non-finite
cells.
"""

from __future__ import annotations

import json
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from planner.errors import InputError, TooLargeError
from planner.io.residents import ResidentsRead, read_residents
from planner.io.tables import read_table, read_table_bytes
from planner.io.teams import read_teams
from planner.settings import InputParams, settings_from_mapping
from tests.helpers import START, write_csv

MB = 1024 * 1024


def read(path: Path, **params: Any) -> ResidentsRead:
    return read_residents(path, reference_date=START, params=InputParams(**params))


def measured(call: Callable[[], Any]) -> tuple[BaseException | None, float, float]:
    """Run ``call``; return what it raised, its peak traced memory (MB) and its seconds."""
    tracemalloc.start()
    started = time.perf_counter()
    raised: BaseException | None = None
    try:
        call()
    except Exception as exc:  # the refusal under test, inspected by the caller
        raised = exc
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] / MB
    tracemalloc.stop()
    return raised, peak, seconds


# --- the XLSX files, built by hand so that nothing is materialised to make them --------------

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
_PACKAGE_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="{target}"/></Relationships>'
)


def hand_made_xlsx(
    path: Path,
    rows: int,
    extra_cells_in_header: int = 0,
    prefix: str = "",
    part: str = "worksheets/sheet1.xml",
) -> Path:
    """A valid workbook whose one sheet has a header and ``rows`` identical residents, written
    in pieces so that a bomb of millions of rows costs the test no memory. Deflate squeezes the
    repeated rows about a thousand times. ``prefix`` writes the sheet's tags as ``<x:row>``
    (as some tools do) and ``part`` puts the sheet where the workbook's relation says."""
    x = f"{prefix}:" if prefix else ""

    def text(value: str) -> str:
        return f'<{x}c t="inlineStr"><{x}is><{x}t>{value}</{x}t></{x}is></{x}c>'

    header = (
        f"<{x}row>"
        + text("resident_id")
        + text("lat")
        + text("lon")
        + f"<{x}c/>" * extra_cells_in_header
        + f"</{x}row>"
    )
    resident = (
        f"<{x}row>" + text("BOMB") + f"<{x}c><{x}v>22.147</{x}v></{x}c>"
        f"<{x}c><{x}v>105.834</{x}v></{x}c></{x}row>"
    )
    namespace = f"xmlns{':' + prefix if prefix else ''}"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, content in (
            ("[Content_Types].xml", _CONTENT_TYPES),
            ("_rels/.rels", _PACKAGE_RELS),
            ("xl/workbook.xml", _WORKBOOK),
            ("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS.format(target=part)),
        ):
            z.writestr(name, content)
        with z.open(f"xl/{part}", "w", force_zip64=True) as sheet:
            sheet.write(
                f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><{x}worksheet '
                f'{namespace}="http://schemas.openxmlformats.org/spreadsheetml/2006/'
                f'main"><{x}sheetData>{header}'.encode()
            )
            chunk = (resident * 10_000).encode()
            for _ in range(rows // 10_000):
                sheet.write(chunk)
            sheet.write((resident * (rows % 10_000)).encode())
            sheet.write(f"</{x}sheetData></{x}worksheet>".encode())
    return path


def inflated_mb(path: Path) -> float:
    with zipfile.ZipFile(path) as z:
        return sum(i.file_size for i in z.infolist()) / MB


# --- issue #19 item 2: one id on 10,000 rows ------------------------------------------------


def test_ten_thousand_rows_with_one_id_are_one_problem(tmp_path: Path) -> None:
    path = tmp_path / "dup.csv"
    path.write_bytes(
        b"resident_id,lat,lon\n"
        + b"DUP,22.147,105.834\n" * 10_000
        + b"U1,22.148,105.835\nU2,22.149,105.836\n"
    )
    assert path.stat().st_size < 200_000
    result = read(path)
    (problem,) = result.problems
    assert (problem.row, problem.column, problem.fatal) == (2, "resident_id", True)
    assert problem.message == (
        "resident_id 'DUP' appears in rows 2, 3, 4, 5, 6 and 9,995 more "
        "(all are left out: fix the list so that each id appears once)"
    )
    assert [r.resident_id for r in result.residents] == ["U1", "U2"]
    assert [r.resident_id for r in result.rejected] == ["DUP"]


def test_each_duplicated_id_is_one_problem_listing_its_rows(tmp_path: Path) -> None:
    rows = [("A", 0), ("B", 1), ("A", 2), ("B", 3), ("B", 4), ("C", 5)]
    path = write_csv(
        tmp_path / "ds.csv",
        [{"resident_id": rid, "lat": f"{22.14 + k / 1000}", "lon": "105.834"} for rid, k in rows],
    )
    result = read(path)
    assert [(p.row, p.message.split(" (")[0]) for p in result.problems] == [
        (2, "resident_id 'A' appears in rows 2, 4"),
        (3, "resident_id 'B' appears in rows 3, 5, 6"),
    ]
    assert [r.resident_id for r in result.residents] == ["C"]


def test_duplicated_team_id_is_one_problem_and_both_rows_left_out(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "t.csv",
        [
            {"team_id": "T1", "depot_lat": "22.1", "depot_lon": "105.8"},
            {"team_id": "T1", "depot_lat": "22.2", "depot_lon": "105.9"},
            {"team_id": "T2", "depot_lat": "22.3", "depot_lon": "105.7"},
        ],
    )
    result = read_teams(path)
    assert [(p.row, p.column) for p in result.problems] == [(2, "team_id")]
    assert "rows 2, 3" in result.problems[0].message
    assert [t.team_id for t in result.teams] == ["T2"]


# --- issue #19 item 3: size limits, checked while reading -----------------------------------


def test_limits_are_input_settings_checked_when_loaded() -> None:
    params = settings_from_mapping(
        {"input": {"max_rows": 50, "max_columns": 30, "max_cell_chars": 500, "max_xlsx_mb": 5}}
    ).input
    assert (params.max_rows, params.max_columns, params.max_cell_chars, params.max_xlsx_mb) == (
        50,
        30,
        500,
        5,
    )
    defaults = InputParams()
    assert (
        defaults.max_rows,
        defaults.max_columns,
        defaults.max_cell_chars,
        defaults.max_xlsx_mb,
    ) == (200_000, 200, 1_000, 100)
    for key, bad in (
        ("max_rows", 0),
        ("max_columns", 20_000),
        ("max_cell_chars", 5),
        ("max_xlsx_mb", 0),
        ("max_rows", 1.5),
    ):
        with pytest.raises(InputError, match=f"input.{key}"):
            settings_from_mapping({"input": {key: bad}})
    error = TooLargeError("x")
    assert isinstance(error, InputError)
    assert (error.code, error.http_status, error.exit_code) == ("too_large", 413, 2)


def test_csv_with_200000_columns_is_refused_from_its_header(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    header = ",".join(f"c{k}" for k in range(200_000))
    path.write_text(header + "\n" + "1," * 199_999 + "1\n", encoding="utf-8")
    assert 1.5 * MB < path.stat().st_size < 3 * MB
    raised, peak_mb, seconds = measured(lambda: read_table(path))
    assert isinstance(raised, TooLargeError)
    assert str(raised) == "wide.csv: more than 200 columns (input.max_columns)"
    assert peak_mb < 40, peak_mb  # the old reader held 1.1 GB for 53 s
    assert seconds < 10, seconds


def test_xlsx_bomb_is_refused_from_the_zip_directory_before_inflating(tmp_path: Path) -> None:
    path = hand_made_xlsx(tmp_path / "bomb.xlsx", rows=300_000)
    assert path.stat().st_size < 200_000 and inflated_mb(path) > 20
    raised, peak_mb, _ = measured(lambda: read_table(path, limits=InputParams(max_xlsx_mb=10)))
    assert isinstance(raised, TooLargeError)
    assert str(raised) == "bomb.xlsx: more than 10 MB once unzipped (input.max_xlsx_mb)"
    assert peak_mb < 5, peak_mb


def test_xlsx_bomb_under_the_size_limit_stops_at_the_row_limit(tmp_path: Path) -> None:
    path = hand_made_xlsx(tmp_path / "bomb.xlsx", rows=300_000)
    raised, peak_mb, seconds = measured(lambda: read_table(path))
    assert isinstance(raised, TooLargeError)
    assert str(raised) == "bomb.xlsx: more than 200,000 rows (input.max_rows)"
    assert peak_mb < 40, peak_mb  # nothing materialised: the rows are counted as they stream
    assert seconds < 30, seconds


@pytest.mark.parametrize("prefix,part", [("x", "worksheets/sheet1.xml"), ("", "data/list.bin")])
def test_xlsx_scan_finds_the_sheet_however_it_is_written(
    tmp_path: Path, prefix: str, part: str
) -> None:
    """Tags with a namespace prefix, and a sheet stored under another name, are scanned too:
    openpyxl reads both, so the limits must see both."""
    path = hand_made_xlsx(tmp_path / "b.xlsx", rows=5, prefix=prefix, part=part)
    table = read_table(path, limits=InputParams(max_rows=5))
    assert table.frame.values.tolist() == [["BOMB", "22.147", "105.834"]] * 5
    assert table.row_numbers == [2, 3, 4, 5, 6]
    bomb = hand_made_xlsx(tmp_path / "bomb.xlsx", rows=300_000, prefix=prefix, part=part)
    raised, peak_mb, _ = measured(lambda: read_table(bomb))
    assert str(raised) == "bomb.xlsx: more than 200,000 rows (input.max_rows)"
    assert peak_mb < 40, peak_mb
    wide = hand_made_xlsx(
        tmp_path / "w.xlsx", rows=1, extra_cells_in_header=100_000, prefix=prefix, part=part
    )
    with pytest.raises(TooLargeError, match=r"^w.xlsx: more than 200 columns"):
        read_table(wide)


def test_xlsx_shared_strings_bomb_is_refused_before_openpyxl_opens_it(tmp_path: Path) -> None:
    """5 million shared strings for a sheet of one cell: openpyxl reads them all when it opens
    the workbook (265 s and 750 MB here before the check)."""
    path = tmp_path / "sst.xlsx"
    content_types = _CONTENT_TYPES.replace(
        "</Types>",
        (
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
        ),
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", content_types)
        z.writestr("_rels/.rels", _PACKAGE_RELS)
        z.writestr("xl/workbook.xml", _WORKBOOK)
        z.writestr(
            "xl/_rels/workbook.xml.rels", _WORKBOOK_RELS.format(target="worksheets/sheet1.xml")
        )
        z.writestr(
            "xl/worksheets/sheet1.xml",
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            '<sheetData><row><c t="s"><v>0</v></c></row></sheetData></worksheet>',
        )
        with z.open("xl/sharedStrings.xml", "w") as strings:
            strings.write(
                b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            )
            for _ in range(50):
                strings.write(b"<si><t>x</t></si>" * 100_000)
            strings.write(b"</sst>")
    assert path.stat().st_size < 300_000 and 80 < inflated_mb(path) < 100
    raised, peak_mb, seconds = measured(lambda: read_table(path))
    assert isinstance(raised, InputError)
    assert str(raised) == (
        "sst.xlsx: not a readable XLSX workbook (more than 1,000,000 tags in "
        "xl/sharedStrings.xml, for the cells it has)"
    )
    assert peak_mb < 40, peak_mb
    assert seconds < 30, seconds


def test_xlsx_row_of_a_million_cells_is_refused(tmp_path: Path) -> None:
    path = hand_made_xlsx(tmp_path / "wide.xlsx", rows=1, extra_cells_in_header=1_000_000)
    assert path.stat().st_size < 100_000
    raised, peak_mb, seconds = measured(lambda: read_table(path))
    assert isinstance(raised, TooLargeError)
    assert str(raised) == "wide.xlsx: more than 200 columns (input.max_columns)"
    assert peak_mb < 40, peak_mb  # openpyxl alone took 45 s and 300 MB on this row
    assert seconds < 10, seconds


def _rows_file(tmp_path: Path, fmt: str, rows: int, notes: str = "") -> Path:
    points = [(f"R{k}", 22.14 + k / 10_000, 105.834) for k in range(rows)]
    if fmt == "csv":
        return write_csv(
            tmp_path / "ds.csv",
            [
                {"resident_id": rid, "lat": lat, "lon": lon, "notes": notes}
                for rid, lat, lon in points
            ],
        )
    if fmt == "xlsx":
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(["resident_id", "lat", "lon", "notes"])
        for rid, lat, lon in points:
            sheet.append([rid, lat, lon, notes or None])
        book.save(tmp_path / "ds.xlsx")
        return tmp_path / "ds.xlsx"
    features = [
        {
            "type": "Feature",
            "properties": {"resident_id": rid, "notes": notes},
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
        }
        for rid, lat, lon in points
    ]
    path = tmp_path / "ds.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


@pytest.mark.parametrize("fmt,unit", [("csv", "rows"), ("xlsx", "rows"), ("geojson", "features")])
def test_row_limit_in_every_format(tmp_path: Path, fmt: str, unit: str) -> None:
    assert len(read(_rows_file(tmp_path, fmt, 10), max_rows=10).residents) == 10
    with pytest.raises(TooLargeError) as refused:
        read(_rows_file(tmp_path, fmt, 11), max_rows=10)
    assert str(refused.value) == f"ds.{fmt}: more than 10 {unit} (input.max_rows)"


@pytest.mark.parametrize("fmt,row", [("csv", 2), ("xlsx", 2), ("geojson", 1)])
def test_cell_over_the_character_limit_in_every_format(tmp_path: Path, fmt: str, row: int) -> None:
    (first, *_) = read(_rows_file(tmp_path, fmt, 2, notes="n" * 1_000)).residents
    assert first.notes == "n" * 1_000
    with pytest.raises(TooLargeError) as refused:
        read(_rows_file(tmp_path, fmt, 2, notes="n" * 1_001))
    assert str(refused.value) == (
        f"ds.{fmt}, row {row}, column notes: more than 1,000 "
        "characters in a cell (input.max_cell_chars)"
    )


def test_column_limit_counts_the_header_of_every_format(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.append(["resident_id", "lat", "lon", *[f"x{k}" for k in range(10)]])
    book.save(tmp_path / "ds.xlsx")
    with pytest.raises(TooLargeError, match=r"^ds.xlsx: more than 12 columns \(input.max_col"):
        read_table(tmp_path / "ds.xlsx", limits=InputParams(max_columns=12))
    assert (
        len(read_table(tmp_path / "ds.xlsx", limits=InputParams(max_columns=13)).frame.columns)
        == 13
    )


def test_uploaded_bytes_get_the_same_limits(tmp_path: Path) -> None:
    data = b"resident_id,lat,lon\nA,22.1,105.8\nB,22.2,105.8\nC,22.3,105.8\n"
    assert len(read_table_bytes(data, "up.csv", limits=InputParams(max_rows=3)).frame) == 3
    with pytest.raises(TooLargeError, match=r"^up.csv: more than 2 rows \(input.max_rows\)$"):
        read_table_bytes(data, "up.csv", limits=InputParams(max_rows=2))
    book = hand_made_xlsx(tmp_path / "b.xlsx", rows=20)
    with pytest.raises(TooLargeError, match=r"^up.xlsx: more than 5 rows \(input.max_rows\)$"):
        read_table_bytes(book.read_bytes(), "up.xlsx", limits=InputParams(max_rows=5))


def test_xlsx_keeps_typed_cells_blank_rows_and_row_numbers(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Mã", "Vĩ độ", "Kinh độ", "Năm sinh", "Cần bác sĩ khám"])
    sheet.append(["X1", 22.147, 105.834, 1948, True])
    sheet.append([None, None, None, None, None])  # a blank row in the middle of the list
    sheet.append(["X2", "abc", 105.835, 1950.0, False])
    sheet["H2"] = None  # a styled-but-empty cell far right is not a column
    book.save(tmp_path / "ds.xlsx")
    result = read(tmp_path / "ds.xlsx")
    (ok,) = result.residents
    assert (ok.resident_id, ok.lat, ok.age, ok.needs_doctor) == (
        "X1",
        22.147,
        START.year - 1948,
        True,
    )
    assert [(p.row, p.column) for p in result.problems] == [(4, "Vĩ độ")]


# --- issue #19 item 4: one validation at import, whatever the database -----------------------

LONG = {
    "resident_id": 100,
    "household_id": 100,
    "ward": 200,
    "full_name": 200,
    "address": 500,
    "phone": 50,
    "conditions": 500,
    "vaccine": 50,
}


def test_text_longer_than_its_column_allows_is_refused(tmp_path: Path) -> None:
    base = {"lat": "22.147", "lon": "105.834"}
    rows = [
        {**base, "resident_id": "OK", **{c: "a" * n for c, n in LONG.items() if c != "resident_id"}}
    ]
    rows[0]["resident_id"] = "O" * 100
    for column, limit in LONG.items():
        rows.append({**base, "resident_id": f"L-{column}", column: "Q" * (limit + 1)})
    result = read(write_csv(tmp_path / "ds.csv", rows))
    assert [r.resident_id for r in result.residents] == ["O" * 100]
    assert [(p.row, p.column) for p in result.problems] == [
        (k + 3, column) for k, column in enumerate(LONG)
    ]
    for p, (column, limit) in zip(result.problems, LONG.items(), strict=True):
        assert p.message == f"{limit + 1} characters, more than the {limit} allowed for {column}"
    assert result.problems[0].resident_id is None  # the over-long id itself is not echoed


def test_team_text_longer_than_its_column_allows_is_refused(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "t.csv",
        [
            {"team_id": "T" * 101, "depot_lat": "22.1", "depot_lon": "105.8", "name": ""},
            {"team_id": "T2", "depot_lat": "22.1", "depot_lon": "105.8", "name": "N" * 201},
            {"team_id": "T" * 100, "depot_lat": "22.1", "depot_lon": "105.8", "name": "N" * 200},
        ],
    )
    result = read_teams(path)
    assert [(p.row, p.column) for p in result.problems] == [(2, "team_id"), (3, "name")]
    assert [t.team_id for t in result.teams] == ["T" * 100]


def test_control_characters_are_refused_in_any_cell(tmp_path: Path) -> None:
    path = tmp_path / "ds.csv"
    path.write_bytes(
        "resident_id,lat,lon,address,Ghi chú thêm\n"
        "A\x001,22.1470,105.8340,Tổ 7,\n"
        "A2,22.1471,105.8341,Tổ\x077,\n"
        "A3,22.1472,105.8342,Tổ 7\x85,\n"
        "A4,22.1473,105.8343,Tổ 7,bấm chuông\x1b[2J\n"
        'A5,22.1474,105.8344,"Tổ 7\r\n\tngõ 3",\n'.encode()
    )
    result = read(path)
    assert [(p.row, p.column) for p in result.problems] == [
        (2, "resident_id"),
        (3, "address"),
        (4, "address"),
        (5, "Ghi chú thêm"),
    ]
    assert [p.message for p in result.problems] == [
        "contains a control character (U+0000); remove it",
        "contains a control character (U+0007); remove it",
        "contains a control character (U+0085); remove it",
        "contains a control character (U+001B); remove it",
    ]
    (kept,) = result.residents  # tabs and line breaks inside a cell become one space
    assert (kept.resident_id, kept.address) == ("A5", "Tổ 7 ngõ 3")
    assert {r.resident_id for r in result.rejected} == {"A2", "A3", "A4"}  # not the NUL id


def test_control_character_in_a_header_is_a_file_error(tmp_path: Path) -> None:
    path = tmp_path / "ds.csv"
    path.write_bytes(b"resident_id,lat,lon,no\x00te\nA1,22.1,105.8,\n")
    with pytest.raises(
        InputError,
        match=r"^ds.csv: the header of column 4 contains a control "
        r"character \(U\+0000\)",
    ):
        read(path)


def test_control_character_in_geodata_is_refused(tmp_path: Path) -> None:
    features = [
        {
            "type": "Feature",
            "properties": {"resident_id": rid, "notes": notes},
            "geometry": {"type": "Point", "coordinates": [105.834, 22.147 + k / 1000]},
        }
        for k, (rid, notes) in enumerate([("G1", "ok"), ("G2", "chuông\u0007")])
    ]
    path = tmp_path / "ds.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    result = read(path)
    assert [(p.row, p.column) for p in result.problems] == [(2, "notes")]
    assert [r.resident_id for r in result.residents] == ["G1"]


@pytest.mark.parametrize("value", ["inf", "-Infinity", "nan", "NaN", "1e999", "-1e400"])
def test_non_finite_numbers_are_not_numbers(tmp_path: Path, value: str) -> None:
    path = write_csv(
        tmp_path / "ds.csv",
        [
            {"resident_id": "A1", "lat": value, "lon": "105.834", "priority": ""},
            {"resident_id": "A2", "lat": "22.147", "lon": "105.834", "priority": value},
            {"resident_id": "A3", "lat": "22.148", "lon": "105.835", "service_minutes": value},
            {"resident_id": "A4", "lat": "22.149", "lon": "105.836"},
        ],
    )
    result = read(path)
    assert [(p.row, p.column, p.message) for p in result.problems] == [
        (2, "lat", f"cannot read {value!r} as a latitude: not a number"),
        (3, "priority", f"cannot read {value!r} as a number: not a number"),
        (4, "service_minutes", f"cannot read {value!r} as minutes: not a number"),
    ]
    assert [r.resident_id for r in result.residents] == ["A4"]
    teams = read_teams(
        write_csv(tmp_path / "t.csv", [{"team_id": "T1", "depot_lat": value, "depot_lon": "105.8"}])
    )
    assert [(p.row, p.column) for p in teams.problems] == [(2, "depot_lat")]
    assert "not a number" in teams.problems[0].message and not teams.teams


def test_problems_never_echo_more_than_40_characters(tmp_path: Path) -> None:
    junk = "Q" * 900
    path = write_csv(
        tmp_path / "ds.csv",
        [
            {
                "resident_id": "D" * 99,
                "lat": junk,
                "lon": junk,
                "age": junk,
                "status": junk,
                "last_dose_date": junk,
                "available_from": junk,
                "needs_doctor": junk,
            },
            {"resident_id": "D" * 99, "lat": "22.1", "lon": "105.8"},
            {"resident_id": junk[:150], "lat": "22.1", "lon": "105.8"},
        ],
    )
    problems = read(path).problems
    assert len(problems) == 9
    for p in problems:
        assert "Q" * 41 not in p.message and "D" * 41 not in p.message, p.message
        assert len(p.resident_id or "") <= 100
