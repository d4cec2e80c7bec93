"""The shipped demo scenario: clean input, plausible places, the mix the issue asks for."""

from __future__ import annotations

import json

import geopandas as gpd

from planner.demo import DEMO_START, demo_files
from planner.io.residents import read_residents
from planner.io.teams import read_teams
from planner.settings import Settings


def test_demo_lists_read_without_problems() -> None:
    files = demo_files()
    teams = read_teams(files.teams)
    assert not teams.problems and 6 <= len(teams.teams) <= 8
    residents = read_residents(
        files.residents,
        reference_date=DEMO_START,
        depots=[(t.depot_lat, t.depot_lon) for t in teams.teams],
    )
    assert not residents.problems
    people = residents.residents
    assert 250 <= len(people) <= 400
    statuses = {r.status for r in people}
    assert {"eligible", "refused", "contraindicated"} <= statuses
    assert len({r.household_id for r in people}) < len(people)  # real households
    assert len({r.ward for r in people}) == 8
    assert any(r.available_from_s for r in people) and any(r.needs_doctor for r in people)
    assert any(not t.has_doctor for t in teams.teams)
    settings = Settings()
    from planner.priority import due_date

    assert any((due_date(r, settings.doses) or DEMO_START) > DEMO_START for r in people)


def test_demo_wards_are_labelled_approximate() -> None:
    wards = json.loads(demo_files().wards.read_text(encoding="utf-8"))
    assert len(wards["features"]) == 8
    assert all(f["properties"]["approximate"] is True for f in wards["features"])


def test_demo_stations_lie_in_the_ward_they_serve() -> None:
    """Each station sits in the approximate cell of the ward its name gives, and every ward of
    the residents has one cell: teams.csv, residents.csv and wards_approx.geojson agree.
    (scripts/check_demo_stations.py checks the stations against the real GADM wards.)"""
    files = demo_files()
    cells = gpd.read_file(files.wards)
    teams = read_teams(files.teams).teams
    wards = {
        r.ward
        for r in read_residents(files.residents, reference_date=DEMO_START, depots=[]).residents
    }
    assert set(cells["ward"]) == wards
    for team in teams:
        ward = team.name.split(" ", 4)[-1]  # "Trạm Y tế phường Đức Xuân" -> "Đức Xuân"
        cell = cells.loc[cells["ward"] == ward].geometry
        assert len(cell) == 1, ward
        assert cell.iloc[0].contains(gpd.points_from_xy([team.depot_lon], [team.depot_lat])[0]), (
            ward
        )
