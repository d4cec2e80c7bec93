"""The API's spreadsheets (plan export CSV/XLSX, team sheet CSV, daily report CSV/XLSX) with
formulas in every text field of the uploaded lists: no cell is a formula, numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
from typing import Any
from urllib.parse import quote

import openpyxl
import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import upload
from tests.api.solved import solved_plan
from tests.helpers import START, write_csv
from tests.hostile import (
    FORMULA_NOT_DUE,
    FORMULA_PLANNED,
    FORMULA_TEAMS,
    TRIGGERS,
    residents_rows,
    teams_rows,
)


@pytest.fixture(scope="module")
def hostile_plan(
    client: TestClient, tokens, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("lists")
    planner = tokens["planner"]
    teams = write_csv(folder / "teams.csv", teams_rows(FORMULA_TEAMS, name="-Trạm"))
    people = write_csv(folder / "residents.csv", residents_rows(FORMULA_PLANNED, FORMULA_NOT_DUE))
    assert upload(client, planner, "teams", teams).status_code == 201
    assert upload(client, planner, "residents", people).status_code == 201
    # the page and export code is under test, not the solver: the session's solve of these
    # lists, copied after the first (tests/api/solved.py)
    return solved_plan(client, planner, START, 1, 2)


def csv_rows(response: Any) -> list[list[str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def assert_no_formula(rows: list[list[str]], numbers: set[str]) -> None:
    """Text cells never start with a trigger; the named columns hold numbers or nothing."""
    header = rows[0]
    for row in rows[1:]:
        for name, cell in zip(header, row, strict=True):
            if name in numbers:
                assert cell == "" or cell.lstrip("-").isdigit(), (name, cell)
            else:
                assert not cell.startswith(TRIGGERS), (name, cell, row)


def xlsx_cells(data: bytes) -> list[Any]:
    book = openpyxl.load_workbook(io.BytesIO(data), data_only=False)
    return [c for ws in book.worksheets for row in ws.iter_rows() for c in row]


def assert_xlsx_inert(data: bytes) -> list[Any]:
    cells = xlsx_cells(data)
    assert cells
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    assert [
        c.value for c in cells if isinstance(c.value, str) and c.value.startswith(TRIGGERS)
    ] == []
    return cells


def test_plan_export_csv_and_xlsx(client: TestClient, tokens, hostile_plan) -> None:
    planner = tokens["planner"]
    path = f"/plans/{hostile_plan['id']}/export"
    rows = csv_rows(client.get(path, headers=planner))
    assert_no_formula(rows, {"seq"})
    cells = {c for r in rows[1:] for c in r}
    quoted = {"'" + f["resident_id"] for f in [*FORMULA_PLANNED, FORMULA_NOT_DUE]}
    assert quoted <= cells and {"'" + t for t in FORMULA_TEAMS} & cells
    assert {"'" + f["ward"] for f in FORMULA_PLANNED} & cells
    xlsx = client.get(path, headers=planner, params={"format": "xlsx"})
    assert xlsx.status_code == 200
    book = assert_xlsx_inert(xlsx.content)
    values = {c.value for c in book}
    assert quoted <= values
    seqs = [c for c in book if c.column == 3 and c.row > 1 and c.value is not None]
    assert seqs and all(c.data_type == "n" for c in seqs)  # numbers, not text


def test_team_sheet_csv(client: TestClient, tokens, hostile_plan) -> None:
    planner = tokens["planner"]
    teams = {
        r["team_id"]
        for r in client.get(f"/plans/{hostile_plan['id']}", headers=planner).json()["plan"][
            "routes"
        ]
    }
    assert teams
    for team in teams:
        response = client.get(
            f"/plans/{hostile_plan['id']}/teams/{quote(team, safe='')}/sheet",
            headers=planner,
            params={"format": "csv"},
        )
        rows = csv_rows(response)
        assert_no_formula(rows, {"seq", "people", "doses"})
        assert rows[1:] and all(r[0] == START.isoformat() for r in rows[1:])
        assert any(c.startswith("'") for r in rows[1:] for c in r[5:]), rows


def test_daily_report_csv_and_xlsx(client: TestClient, tokens, hostile_plan) -> None:
    planner = tokens["planner"]
    params = {"date": START.isoformat(), "format": "csv"}
    rows = csv_rows(client.get("/reports/daily", headers=planner, params=params))
    counts = set(rows[0]) - {"group", "level"}
    assert_no_formula(rows, counts)
    groups = {r[0] for r in rows[1:]}
    assert {"'" + f["ward"] for f in FORMULA_PLANNED} <= groups
    assert {"'" + t for t in FORMULA_TEAMS} & groups
    xlsx = client.get("/reports/daily", headers=planner, params={**params, "format": "xlsx"})
    assert xlsx.status_code == 200
    cells = assert_xlsx_inert(xlsx.content)
    planned = [c for c in cells if c.column == 2 and c.row > 1]
    assert planned and all(c.data_type == "n" for c in planned)
