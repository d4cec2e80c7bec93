"""The planner's rule columns through the API (SQLite and PostgreSQL): a teams list with wards,
days off, weekday shifts and limits and a residents list with pins are stored and read back as
the planner reads them from the file; a bad rule cell is a 422 naming its row and column."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient

from api.store import load_residents, load_teams
from tests.api.conftest import upload

TEAMS = (
    "team_id,depot_lat,depot_lon,Địa bàn,Ngày nghỉ,Ca theo thứ,max_stops,max_hours\n"
    "DX,22.1432,105.843,Đức Xuân;Huyền Tụng,24/11/2026;2026-11-26,T7=07:30-11:30;CN=off,9,6.5\n"
    "SC,22.147,105.82,,,,,\n"
)


def test_rule_columns_are_stored_and_read_back(client: TestClient, tokens) -> None:
    planner = tokens["planner"]
    done = upload(client, planner, "teams", content=TEAMS.encode(), name="doi.csv")
    assert done.status_code == 201, done.text
    residents = (
        "resident_id,lat,lon,ward,Đội hẹn,Ngày hẹn\n"
        "PIN-1,22.146,105.834,Đức Xuân,DX,25/11/2026\n"
        "PIN-2,22.147,105.835,Đức Xuân,,\n"
    )
    added = upload(client, planner, "residents", content=residents.encode(), name="ds.csv")
    assert added.status_code == 201, added.text
    with client.app.state.db.session() as s:  # type: ignore[attr-defined]
        teams = {t.team_id: t for t in load_teams(s)}
        people = {r.resident_id: r for r in load_residents(s)}
    dx = teams["DX"]
    assert dx.wards == ("Đức Xuân", "Huyền Tụng")
    assert dx.days_off == (dt.date(2026, 11, 24), dt.date(2026, 11, 26))
    assert dx.weekday_shifts == ((5, 27000, 41400), (6, 0, 0))
    assert (dx.max_stops, dx.max_hours) == (9, 6.5)
    assert (teams["SC"].wards, teams["SC"].days_off, teams["SC"].max_stops) == ((), (), None)
    assert (people["PIN-1"].pin_team, people["PIN-1"].pin_date) == ("DX", dt.date(2026, 11, 25))
    assert (people["PIN-2"].pin_team, people["PIN-2"].pin_date) == ("", None)
    hash(dx)  # a frozen team the planner's caches may key on


def test_a_bad_rule_cell_is_refused_naming_row_and_column(client: TestClient, tokens) -> None:
    bad = TEAMS.replace("T7=07:30-11:30", "T9=07:30-11:30")
    refused = upload(client, tokens["planner"], "teams", content=bad.encode(), name="doi.csv")
    assert refused.status_code == 422
    (problem,) = refused.json()["detail"]["problems"]
    assert (problem["row"], problem["column"]) == (2, "Ca theo thứ")
    assert "T9=07:30-11:30" in problem["reason"]
