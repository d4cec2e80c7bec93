"""Residents reader on real files: every encoding, format and problem the spec names."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import unicodedata
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point, Polygon

from planner.errors import InputError
from planner.io.residents import read_residents
from tests.helpers import START, write_csv

VN_HEADERS = [
    "Mã",
    "Họ và tên",
    "Vĩ độ",
    "Kinh độ",
    "Năm sinh",
    "Bệnh nền",
    "Trạng thái",
    "Ngày tiêm gần nhất",
    "Số mũi đã tiêm",
    "Cần bác sĩ khám",
    "Mã hộ",
]
VN_ROWS = [
    [
        "BK-001",
        "Nguyễn Văn Ấn",
        "22.1470",
        "105.8340",
        "1948",
        "tiểu đường;tăng huyết áp",
        "Đủ điều kiện",
        "01/08/2026",
        "2",
        "có",
        "H1",
    ],
    [
        "BK-002",
        "Trần Thị Bích",
        "22.1475",
        "105.8351",
        "1957",
        "",
        "Từ chối",
        "",
        "0",
        "không",
        "H2",
    ],
    ["BK-003", "Lê Đức Hải", "22.1480", "105.8330", "1939", "COPD", "Tạm hoãn", "", "1", "x", "H3"],
]


def read(path: Path, **kw):
    return read_residents(path, reference_date=START, **kw)


TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"  # grave, acute, tilde, hook, dot below


def cp1258_encode(text: str) -> bytes:
    """Encode as Windows-1258 writes Vietnamese: base letter, then the tone as a combining mark."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            tones = [c for c in parts if c in TONE_MARKS]
            base = "".join(c for c in parts if c not in TONE_MARKS)
            out += unicodedata.normalize("NFC", base).encode("cp1258")
            out += "".join(tones).encode("cp1258")
    return bytes(out)


def vn_text(sep: str = ",") -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=sep, lineterminator="\r\n").writerows([VN_HEADERS, *VN_ROWS])
    return buffer.getvalue()


def assert_vn_rows(result) -> None:
    assert not [p for p in result.problems if p.fatal], [str(p) for p in result.problems]
    by_id = {r.resident_id: r for r in result.residents}
    assert set(by_id) == {"BK-001", "BK-002", "BK-003"}
    first = by_id["BK-001"]
    assert first.full_name == "Nguyễn Văn Ấn"
    assert first.conditions == ("tiểu đường", "tăng huyết áp")
    assert first.last_dose_date == dt.date(2026, 8, 1)
    assert first.needs_doctor is True and first.doses_received == 2
    assert first.age == START.year - 1948
    assert by_id["BK-002"].status == "refused"
    assert by_id["BK-003"].status == "postponed" and by_id["BK-003"].needs_doctor is True


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16"])
def test_vietnamese_headers_in_unicode_encodings(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "ds.csv"
    path.write_bytes(vn_text().encode(encoding))
    result = read(path)
    assert_vn_rows(result)


def test_excel_unicode_text_is_utf16_with_tabs(tmp_path: Path) -> None:
    path = tmp_path / "ds.txt"
    path.write_bytes(vn_text("\t").encode("utf-16"))
    assert_vn_rows(read(path))


def test_windows_1258_with_combining_tones(tmp_path: Path) -> None:
    path = tmp_path / "ds.csv"
    data = cp1258_encode(vn_text(";"))
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # the file really is not UTF-8
    path.write_bytes(data)
    result = read(path)
    assert result.encoding == "windows-1258"
    assert_vn_rows(result)


def test_xlsx_with_typed_cells(tmp_path: Path) -> None:
    rows = [dict(zip(VN_HEADERS, r, strict=True)) for r in VN_ROWS]
    frame = pd.DataFrame(rows)
    frame["Vĩ độ"] = frame["Vĩ độ"].astype(float)
    frame["Năm sinh"] = frame["Năm sinh"].astype(int)
    frame["Ngày tiêm gần nhất"] = [dt.datetime(2026, 8, 1), None, None]
    frame["Có mặt từ"] = [dt.time(13, 30), None, None]
    path = tmp_path / "ds.xlsx"
    frame.to_excel(path, index=False, sheet_name="Danh sách")
    result = read(path)
    assert_vn_rows(result)
    assert result.residents[0].available_from_s == 13 * 3600 + 30 * 60


def test_geodata_in_a_projected_crs_is_converted(tmp_path: Path) -> None:
    pts = gpd.GeoDataFrame(
        {"resident_id": ["G1", "G2"], "status": ["", "refused"]},
        geometry=[Point(105.834, 22.147), Point(105.836, 22.149)],
        crs=4326,
    )
    for name, driver in [("ds.geojson", "GeoJSON"), ("ds.gpkg", "GPKG"), ("ds.shp", None)]:
        path = tmp_path / name
        pts.to_crs(32648).to_file(path, driver=driver) if driver else pts.to_crs(32648).to_file(
            path
        )
        result = read(path)
        assert [r.resident_id for r in result.residents] == ["G1", "G2"], name
        assert result.residents[0].lat == pytest.approx(22.147, abs=1e-6)
        assert result.residents[0].lon == pytest.approx(105.834, abs=1e-6)
        assert result.residents[1].status == "refused"


def test_geodata_feature_that_is_not_a_point(tmp_path: Path) -> None:
    gdf = gpd.GeoDataFrame(
        {"resident_id": ["G1", "G2"]},
        geometry=[
            Point(105.834, 22.147),
            Polygon([(105.83, 22.14), (105.84, 22.14), (105.84, 22.15)]),
        ],
        crs=4326,
    )
    path = tmp_path / "mixed.geojson"
    gdf.to_file(path, driver="GeoJSON")
    result = read(path)
    assert [r.resident_id for r in result.residents] == ["G1"]
    (problem,) = [p for p in result.problems if p.fatal]
    assert (problem.row, problem.column) == (2, "geometry") and "Polygon" in problem.message


def test_every_problem_reported_at_once_with_row_and_column(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "bad.csv",
        [
            {"resident_id": "A1", "lat": "22.147", "lon": "105.834", "age": "70"},
            {"resident_id": "A2", "lat": "22,148", "lon": "105,835", "age": "sáu mươi"},
            {"resident_id": "A1", "lat": "22.149", "lon": "105.836", "age": "71"},
            {"resident_id": "", "lat": "22.150", "lon": "105.837", "age": "72"},
            {"resident_id": "A5", "lat": "95", "lon": "105.8", "status": "maybe"},
            {"resident_id": "A6", "lat": "22.15", "lon": "105.83", "last_dose_date": "31/02/2026"},
            {"resident_id": "A7", "lat": "22.15", "lon": "105.83", "available_from": "25:00"},
            {"resident_id": "A8", "lat": "22.15", "lon": "105.83", "last_dose_date": "2027-01-01"},
        ],
    )
    result = read(path)
    where = {(p.row, p.column) for p in result.problems if p.fatal}
    # one problem for the duplicated id A1, on its first row (2); row 4 is named in it
    assert where == {
        (3, "age"),
        (2, "resident_id"),
        (5, "resident_id"),
        (6, "lat"),
        (6, "status"),
        (7, "last_dose_date"),
        (8, "available_from"),
        (9, "last_dose_date"),
    }
    assert all(p.file == "bad.csv" for p in result.problems)
    assert [r.resident_id for r in result.residents] == []
    assert {r.resident_id for r in result.rejected} == {"A1", "A2", "A5", "A6", "A7", "A8"}
    dup = next(p for p in result.problems if p.row == 2)
    assert "rows 2, 4" in dup.message


def test_decimal_comma_is_read(tmp_path: Path) -> None:
    path = tmp_path / "ds.csv"
    path.write_text("resident_id;lat;lon\nA1;22,147;105,834\n", encoding="utf-8")
    (r,) = read(path).residents
    assert (r.lat, r.lon) == (22.147, 105.834)


def test_swapped_coordinates_are_detected_and_said(tmp_path: Path) -> None:
    rows = [
        {"resident_id": f"A{i}", "lat": f"{22.14 + i / 1000}", "lon": "105.834"} for i in range(5)
    ]
    rows.append({"resident_id": "SW", "lat": "105.835", "lon": "22.146"})
    result = read(write_csv(tmp_path / "ds.csv", rows), depots=[(22.147, 105.834)])
    (p,) = result.problems
    assert p.row == 7 and "swapped" in p.message
    assert "SW" not in {r.resident_id for r in result.residents}


def test_whole_file_with_swapped_columns(tmp_path: Path) -> None:
    rows = [
        {"resident_id": f"A{i}", "lat": "105.834", "lon": f"{22.14 + i / 1000}"} for i in range(4)
    ]
    result = read(write_csv(tmp_path / "ds.csv", rows))
    assert not result.residents
    assert all("swapped" in p.message for p in result.problems) and len(result.problems) == 4


def test_point_far_from_everyone_is_reported(tmp_path: Path) -> None:
    rows = [
        {"resident_id": f"A{i}", "lat": f"{22.14 + i / 1000}", "lon": "105.834"} for i in range(5)
    ]
    rows.append({"resident_id": "FAR", "lat": "21.03", "lon": "105.85"})  # Hà Nội, not Bắc Kạn
    result = read(write_csv(tmp_path / "ds.csv", rows), depots=[(22.147, 105.834)])
    (p,) = result.problems
    assert p.row == 7 and "km from every other resident" in p.message


def test_outside_the_boundary_file_and_ward_derived(tmp_path: Path) -> None:
    from planner.io.boundaries import load_boundaries

    wards = gpd.GeoDataFrame(
        {"name": ["Phường A"]},
        geometry=[Polygon([(105.83, 22.14), (105.84, 22.14), (105.84, 22.15), (105.83, 22.15)])],
        crs=4326,
    )
    wards.to_file(tmp_path / "wards.geojson", driver="GeoJSON")
    rows = [
        {"resident_id": "IN", "lat": "22.145", "lon": "105.835"},
        {"resident_id": "OUT", "lat": "22.155", "lon": "105.835"},
    ]
    result = read(
        write_csv(tmp_path / "ds.csv", rows), boundaries=load_boundaries(tmp_path / "wards.geojson")
    )
    assert [(r.resident_id, r.ward) for r in result.residents] == [("IN", "Phường A")]
    (p,) = result.problems
    assert p.row == 3 and "outside every area" in p.message


@pytest.mark.parametrize(
    "content,message",
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (b"Ho va ten,lat,lon\nAn,22.1,105.8\n", "missing required column 'resident_id'"),
        (b"resident_id,lat\nA1,22.1\n", "missing required column 'lon'"),
        (b"resident_id,Ma,lat,lon\nA1,A2,22.1,105.8\n", "both mean resident_id"),
    ],
)
def test_file_level_problems_are_one_clear_error(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "ds.csv"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message) as exc:
        read(path)
    assert "ds.csv" in str(exc.value)


def test_not_an_xlsx_file(tmp_path: Path) -> None:
    path = tmp_path / "ds.xlsx"
    path.write_bytes(b"this is not a workbook")
    with pytest.raises(InputError, match="ds.xlsx: not a readable XLSX"):
        read(path)


def test_header_only_gives_no_residents_and_no_crash(tmp_path: Path) -> None:
    path = tmp_path / "ds.csv"
    path.write_text("resident_id,lat,lon\n", encoding="utf-8")
    assert read(path).residents == []


# --- blank dates and times (issue #19 item 1) -------------------------------------------------

BLANK_DATE_CASES = {"all blank": [None, None], "partly blank": ["2026-08-01", None]}


def _blank_date_file(tmp_path: Path, fmt: str, dates: list[str | None]) -> Path:
    """Two residents whose date and time columns exist but are (partly) blank, as ``fmt``."""
    times = ["13:30" if d else None for d in dates]
    if fmt == "csv":
        rows = [
            {
                "resident_id": f"B{k}",
                "lat": f"{22.147 + k / 1000}",
                "lon": "105.834",
                "last_dose_date": d or "",
                "available_from": t or "",
            }
            for k, (d, t) in enumerate(zip(dates, times, strict=True))
        ]
        return write_csv(tmp_path / "ds.csv", rows)
    if fmt == "xlsx":
        import openpyxl

        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(["resident_id", "lat", "lon", "last_dose_date", "available_from"])
        for k, (d, t) in enumerate(zip(dates, times, strict=True)):
            sheet.append(
                [
                    f"B{k}",
                    22.147 + k / 1000,
                    105.834,
                    dt.datetime.fromisoformat(d) if d else None,
                    dt.time(13, 30) if t else None,
                ]
            )
        book.save(tmp_path / "ds.xlsx")
        return tmp_path / "ds.xlsx"
    # GeoJSON by hand: GDAL types an ISO date property as a date and a clock as a time
    features = [
        {
            "type": "Feature",
            "properties": {"resident_id": f"B{k}", "last_dose_date": d, "available_from": t},
            "geometry": {"type": "Point", "coordinates": [105.834, 22.147 + k / 1000]},
        }
        for k, (d, t) in enumerate(zip(dates, times, strict=True))
    ]
    path = tmp_path / "ds.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "geojson"])
@pytest.mark.parametrize("case", list(BLANK_DATE_CASES))
def test_blank_dates_are_missing_values_in_every_format(
    tmp_path: Path, fmt: str, case: str
) -> None:
    dates = BLANK_DATE_CASES[case]
    result = read(_blank_date_file(tmp_path, fmt, dates))
    assert result.problems == []
    got = {r.resident_id: (r.last_dose_date, r.available_from_s) for r in result.residents}
    want_first = (dt.date(2026, 8, 1), 13 * 3600 + 1800) if dates[0] else (None, None)
    assert got == {"B0": want_first, "B1": (None, None)}
    for r in result.residents:  # None itself, not NaT (which is a date, and stores as "NaT")
        assert r.last_dose_date is None or type(r.last_dose_date) is dt.date


def test_geodata_datetime_column_blank_in_some_features(tmp_path: Path) -> None:
    """geopandas writes a datetime column as a GeoPackage DateTime field; blanks read as NaT."""
    pts = gpd.GeoDataFrame(
        {"resident_id": ["G1", "G2"], "last_dose_date": pd.to_datetime(["2026-08-01", None])},
        geometry=[Point(105.834, 22.147), Point(105.836, 22.149)],
        crs=4326,
    )
    path = tmp_path / "ds.gpkg"
    pts.to_file(path, driver="GPKG")
    result = read(path)
    assert result.problems == []
    assert [(r.resident_id, r.last_dose_date) for r in result.residents] == [
        ("G1", dt.date(2026, 8, 1)),
        ("G2", None),
    ]


def test_short_rows_are_blank_cells_and_long_rows_are_refused(tmp_path: Path) -> None:
    """A row with fewer cells than the header has blank ones (pandas made them the text
    'nan', a date that could not be read); one with more is refused (pandas took the first
    column as an index when every row had one more, shifting ids into latitudes)."""
    short = tmp_path / "short.csv"
    short.write_text(
        "resident_id,lat,lon,last_dose_date\nA,22.1470,105.834\n"
        "B,22.1480,105.835,2026-08-01\nC,22.1490,105.836,,\n",
        encoding="utf-8",
    )
    result = read(short)
    assert result.problems == []
    assert [(r.resident_id, r.last_dose_date) for r in result.residents] == [
        ("A", None),
        ("B", dt.date(2026, 8, 1)),
        ("C", None),
    ]
    long = tmp_path / "long.csv"
    long.write_text(
        "resident_id,lat,lon\nA,22.147,105.834,x\nB,22.148,105.835,y\n", encoding="utf-8"
    )
    with pytest.raises(
        InputError,
        match=r"^long.csv, row 2: 4 cells, but the header names only "
        r"3 columns$",
    ):
        read(long)
