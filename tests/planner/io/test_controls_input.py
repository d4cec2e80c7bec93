"""The planner's rule columns: team wards, days off, weekday shifts, day limits; resident pins.
Read from real CSV and XLSX files; every bad cell names its file, row and column."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from planner.io.residents import read_residents
from planner.io.teams import read_teams, ward_warnings
from planner.pipeline import read_inputs
from planner.settings import Settings
from tests.helpers import START, write_csv

BASE = {"team_id": "T1", "depot_lat": "22.147", "depot_lon": "105.834"}


def test_team_rule_columns_in_english(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "teams.csv",
        [
            {
                **BASE,
                "wards": "Đức Xuân; phường Sông Cầu",
                "days_off": "24/11/2026;2026-11-26",
                "weekday_shifts": "T7=07:30-11:30;CN=off",
                "max_stops": "12",
                "max_hours": "6,5",
            },
            {**BASE, "team_id": "T2"},
        ],
    )
    read = read_teams(path)
    assert read.problems == []
    t1, t2 = read.teams
    assert t1.wards == ("Đức Xuân", "phường Sông Cầu")
    assert t1.days_off == (dt.date(2026, 11, 24), dt.date(2026, 11, 26))
    assert t1.weekday_shifts == ((5, 27000, 41400), (6, 0, 0))
    assert (t1.max_stops, t1.max_hours) == (12, 6.5)
    assert (t2.wards, t2.days_off, t2.weekday_shifts, t2.max_stops, t2.max_hours) == (
        (),
        (),
        (),
        None,
        None,
    )


def test_team_rule_columns_under_vietnamese_headers_in_xlsx(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        [
            {
                "Mã đội": "DX",
                "Vĩ độ": 22.1432,
                "Kinh độ": 105.843,
                "Địa bàn": "Đức Xuân",
                "Ngày nghỉ": dt.datetime(2026, 11, 25),
                "Ca theo thứ": "Thứ 7=7h-11h30",
                "Số điểm tối đa": 9,
                "Số giờ tối đa": 5,
            }
        ]
    )
    path = tmp_path / "doi.xlsx"
    frame.to_excel(path, index=False)
    read = read_teams(path)
    assert read.problems == []
    (t,) = read.teams
    assert t.wards == ("Đức Xuân",)
    assert t.days_off == (dt.date(2026, 11, 25),)
    assert t.weekday_shifts == ((5, 7 * 3600, 11 * 3600 + 1800),)
    assert (t.max_stops, t.max_hours) == (9, 5.0)


def test_bad_rule_cells_name_file_row_and_column(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "doi.csv",
        [
            {**BASE, "Ngày nghỉ": "24/11/2026;31/02/2026"},
            {**BASE, "team_id": "T2", "Ca theo thứ": "T8=07:00-11:00"},
            {**BASE, "team_id": "T3", "Ca theo thứ": "T7=11:00-07:00"},
            {**BASE, "team_id": "T4", "Ca theo thứ": "T7=off;t7=07:00-09:00"},
            {**BASE, "team_id": "T5", "max_stops": "0"},
            {**BASE, "team_id": "T6", "max_stops": "2.5"},
            {**BASE, "team_id": "T7", "max_hours": "30"},
            {**BASE, "team_id": "T8"},
        ],
    )
    read = read_teams(path)
    assert [t.team_id for t in read.teams] == ["T8"]
    problems = sorted(read.problems, key=lambda p: p.row or 0)
    where = [(p.file, p.row, p.column) for p in problems]
    assert where == [
        ("doi.csv", 2, "Ngày nghỉ"),
        ("doi.csv", 3, "Ca theo thứ"),
        ("doi.csv", 4, "Ca theo thứ"),
        ("doi.csv", 5, "Ca theo thứ"),
        ("doi.csv", 6, "max_stops"),
        ("doi.csv", 7, "max_stops"),
        ("doi.csv", 8, "max_hours"),
    ]
    text = [str(p) for p in problems]
    assert "31/02/2026" in text[0] and "dates separated by ';'" in text[0]
    assert "T7=07:30-11:30;CN=off" in text[1]
    assert "plausible number of stops" in text[4]
    assert "plausible number of hours" in text[6]


def test_unknown_ward_is_a_warning_naming_the_team(tmp_path: Path) -> None:
    teams = write_csv(
        tmp_path / "doi.csv", [{**BASE, "Địa bàn": "Đức Xuân;Duc Xaun"}, {**BASE, "team_id": "T2"}]
    )
    residents = write_csv(
        tmp_path / "ds.csv",
        [{"resident_id": "R1", "lat": "22.148", "lon": "105.835", "ward": "phường ĐỨC XUÂN"}],
    )
    inputs = read_inputs(residents, teams, START, Settings())
    (warning,) = inputs.teams.problems
    assert not warning.fatal
    assert (warning.file, warning.row, warning.column) == ("doi.csv", 2, "Địa bàn")
    assert "Duc Xaun" in warning.message and "T1" in warning.message
    assert [t.team_id for t in inputs.teams.teams] == ["T1", "T2"]
    assert ward_warnings(inputs.teams, ["Duc Xaun", "Đức Xuân"]) == []


def test_resident_pins_read_and_bad_pin_date_named(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "ds.csv",
        [
            {"Mã": "R1", "Vĩ độ": "22.148", "Kinh độ": "105.835", "Đội hẹn": "DX"},
            {"Mã": "R2", "Vĩ độ": "22.148", "Kinh độ": "105.835", "Ngày hẹn": "25/11/2026"},
            {"Mã": "R3", "Vĩ độ": "22.148", "Kinh độ": "105.835", "Ngày hẹn": "thứ hai"},
            {"Mã": "R4", "Vĩ độ": "22.148", "Kinh độ": "105.835"},
        ],
    )
    read = read_residents(path, reference_date=START)
    pins = {r.resident_id: (r.pin_team, r.pin_date) for r in read.residents}
    assert pins == {"R1": ("DX", None), "R2": ("", dt.date(2026, 11, 25)), "R4": ("", None)}
    (problem,) = read.problems
    assert (problem.file, problem.row, problem.column) == ("ds.csv", 4, "Ngày hẹn")
    assert "thứ hai" in problem.message
    assert [x.resident_id for x in read.rejected] == ["R3"]
