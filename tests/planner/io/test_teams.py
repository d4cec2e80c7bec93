from __future__ import annotations

from pathlib import Path

import pytest

from planner.errors import InputError
from planner.io.teams import read_teams
from tests.helpers import write_csv


def test_defaults_and_vietnamese_values(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "doi.csv",
        [
            {
                "Mã đội": "T1",
                "Vĩ độ": "22.147",
                "Kinh độ": "105.834",
                "Phương tiện": "xe máy",
                "Có bác sĩ": "không",
                "Giờ bắt đầu": "7h",
                "Giờ kết thúc": "15h30",
            },
            {
                "Mã đội": "T2",
                "Vĩ độ": "22.15",
                "Kinh độ": "105.83",
                "Phương tiện": "ô tô",
                "Có bác sĩ": "",
                "Giờ bắt đầu": "",
                "Giờ kết thúc": "",
            },
        ],
    )
    t1, t2 = read_teams(path).teams
    assert (t1.travel_mode, t1.has_doctor, t1.shift_start_s, t1.shift_end_s) == (
        "motorbike",
        False,
        7 * 3600,
        15 * 3600 + 1800,
    )
    assert (t2.travel_mode, t2.has_doctor, t2.max_doses) == ("car", True, 60)
    assert (t2.shift_start_s, t2.shift_end_s, t2.break_start_s, t2.break_minutes) == (
        7 * 3600 + 1800,
        16 * 3600 + 1800,
        11 * 3600 + 1800,
        60,
    )


def test_morning_only_team_has_no_default_lunch(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "t.csv",
        [
            {
                "team_id": "M",
                "depot_lat": "22.1",
                "depot_lon": "105.8",
                "shift_start": "07:00",
                "shift_end": "11:00",
            }
        ],
    )
    (team,) = read_teams(path).teams
    assert team.break_start_s is None


def test_problems_name_row_and_column(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "t.csv",
        [
            {"team_id": "A", "depot_lat": "105.8", "depot_lon": "22.1", "travel_mode": "bicycle"},
            {
                "team_id": "B",
                "depot_lat": "22.1",
                "depot_lon": "105.8",
                "shift_start": "16:00",
                "shift_end": "08:00",
            },
            {
                "team_id": "C",
                "depot_lat": "22.1",
                "depot_lon": "105.8",
                "max_doses": "0",
                "break_start": "18:00",
            },
            {"team_id": "D", "depot_lat": "22.1", "depot_lon": "105.8"},
        ],
    )
    result = read_teams(path)
    where = {(p.row, p.column) for p in result.problems}
    assert where == {
        (2, "depot_lat"),
        (2, "travel_mode"),
        (3, "shift_end"),
        (4, "max_doses"),
        (4, "break_start"),
    }
    assert "swapped" in next(p.message for p in result.problems if p.column == "depot_lat")
    assert [t.team_id for t in result.teams] == ["D"]


def test_missing_depot_column(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "t.csv", [{"team_id": "A", "depot_lat": "22.1"}])
    with pytest.raises(InputError, match="t.csv: missing required column 'depot_lon'"):
        read_teams(path)
