"""Imports of unlucky and hostile files through the API, on SQLite and on PostgreSQL alike.

Issue #19: blank date columns once stored the text "NaT" and broke every later plan; ids and
wards longer than the database columns, and NUL bytes, gave a 500 on PostgreSQL only. The
readers now refuse such rows the same way whatever the database, and nothing is stored.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import openpyxl
from fastapi.testclient import TestClient

from tests.api.conftest import upload, wait_done

#: the refusal report of each backend, to compare them when both ran in this session
REPORTS: dict[str, list[dict[str, Any]]] = {}


def backend(client: TestClient) -> str:
    url: str = client.app.state.settings.database_url  # type: ignore[attr-defined]
    return "sqlite" if url.startswith("sqlite") else "postgresql"


def residents(client: TestClient, headers: dict[str, str]) -> dict[str, dict[str, Any]]:
    rows = client.get("/residents", headers=headers, params={"limit": 10_000}).json()
    return {r["resident_id"]: r for r in rows}


def blank_date_xlsx() -> bytes:
    """Typed cells written by openpyxl: one real date and time, the other row left empty."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["resident_id", "lat", "lon", "last_dose_date", "available_from"])
    sheet.append(["BD-X1", 22.1475, 105.8345, dt.datetime(2026, 8, 1), dt.time(13, 30)])
    sheet.append(["BD-X2", 22.1480, 105.8350, None, None])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_blank_date_columns_import_and_a_plan_is_made(client: TestClient, tokens) -> None:
    planner = tokens["planner"]
    teams = b"team_id,depot_lat,depot_lon\nDX,22.147,105.834\n"
    assert upload(client, planner, "teams", content=teams).status_code == 201
    rows = "".join(f"BD-{k},{22.146 + k / 2000:.5f},105.833,,\n" for k in range(4))
    csv_file = ("resident_id,lat,lon,last_dose_date,available_from\n" + rows).encode()
    imported = upload(client, planner, "residents", content=csv_file)
    assert imported.status_code == 201, imported.json()
    imported = upload(client, planner, "residents", content=blank_date_xlsx(), name="list.xlsx")
    assert imported.status_code == 201, imported.json()
    stored = residents(client, planner)
    assert {k: v["last_dose_date"] for k, v in stored.items()} == {
        "BD-0": None,
        "BD-1": None,
        "BD-2": None,
        "BD-3": None,
        "BD-X1": "2026-08-01",
        "BD-X2": None,
    }
    created = client.post(
        "/plans", headers=planner, json={"start_date": "2026-11-23", "days": 1, "time_limit_s": 2}
    )
    assert created.status_code == 202, created.json()
    body = wait_done(client, planner, created.json()["id"])
    assert body["status"] == "done", body
    assert body["plan"]["summary"]["planned"] == 6


def test_long_ids_long_wards_and_nul_are_refused_alike(client: TestClient, tokens) -> None:
    planner = tokens["planner"]
    before = residents(client, planner)
    content = (
        "resident_id,lat,lon,ward\n"
        f"{'R' * 101},22.1470,105.8340,Đức Xuân\n"
        f"LIM-2,22.1471,105.8341,{'W' * 201}\n"
        "LIM\x003,22.1472,105.8342,Đức Xuân\n"
        "LIM-4,22.1473,105.8343,Đức Xuân\n"
    ).encode()
    refused = upload(client, planner, "residents", content=content)
    assert refused.status_code == 422, refused.text
    detail = refused.json()["detail"]
    assert detail["committed"] is False and detail["added"] == 0
    problems = detail["problems"]
    assert [(p["row"], p["column"], p["level"]) for p in problems] == [
        (2, "resident_id", "error"),
        (3, "ward", "error"),
        (4, "resident_id", "error"),
    ]
    assert "101 characters" in problems[0]["reason"] and "100" in problems[0]["reason"]
    assert "201 characters" in problems[1]["reason"] and "200" in problems[1]["reason"]
    assert "control character" in problems[2]["reason"]
    for p in problems:  # no over-long or unstorable value comes back in the report
        assert "R" * 41 not in p["reason"] and "W" * 41 not in p["reason"]
        assert "\x00" not in p["reason"] and p["resident_id"] in (None, "LIM-2")
    assert residents(client, planner) == before  # nothing stored, LIM-4 included
    REPORTS[backend(client)] = problems
    if len(REPORTS) == 2:
        assert REPORTS["sqlite"] == REPORTS["postgresql"]


def test_duplicated_id_in_ten_thousand_rows_is_one_problem(client: TestClient, tokens) -> None:
    content = b"resident_id,lat,lon\n" + b"DUP,22.147,105.834\n" * 10_000
    refused = upload(client, tokens["planner"], "residents", content=content)
    assert refused.status_code == 422
    (problem,) = refused.json()["detail"]["problems"]
    assert problem["row"] == 2 and "and 9,995 more" in problem["reason"]
    assert len(problem["reason"]) < 200


def test_too_many_columns_is_413_naming_the_setting(client: TestClient, tokens) -> None:
    header = "resident_id,lat,lon," + ",".join(f"x{k}" for k in range(300))
    refused = upload(
        client, tokens["planner"], "residents", content=header.encode() + b"\n", name="wide.csv"
    )
    assert refused.status_code == 413
    assert refused.json() == {
        "error": "too_large",
        "detail": "wide.csv: more than 200 columns (input.max_columns)",
    }
