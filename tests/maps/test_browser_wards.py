"""The demo with its teams bound to their wards (planner/demo/data/teams_wards.csv): the real
pipeline (read, build, OR-Tools, the independent checker) serves no stop outside its team's
wards, and the overview map of that plan in headless Chromium (screenshot for a person to
look at: test-artifacts/overview-wards-bound.png)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from maps.assets import render
from maps.overview import overview_map
from planner.checker_rules import same_ward
from planner.demo import DEMO_START, demo_files
from planner.io.boundaries import load_boundaries
from planner.pipeline import PlanRun, plan_from_inputs, read_inputs
from planner.settings import Settings
from tests.chromium import ARTIFACTS

BOUND = Path(demo_files().teams).with_name("teams_wards.csv")


@pytest.fixture(scope="module")
def bound() -> PlanRun:
    files = demo_files()
    settings = Settings().with_solver(time_limit_s=4)
    inputs = read_inputs(files.residents, BOUND, DEMO_START, settings, files.wards)
    return plan_from_inputs(inputs, DEMO_START, 1, settings)  # checked, or InternalError


def test_no_route_visits_a_stop_outside_its_teams_wards(bound: PlanRun) -> None:
    teams = {t.team_id: t for t in bound.inputs.teams.teams}
    people = bound.data.residents
    assert all(teams[t].wards for t in teams)  # every demo team is bound
    doc = bound.plan.to_json()
    visited = [
        (r["team_id"], rid) for r in doc["routes"] for s in r["stops"] for rid in s["resident_ids"]
    ]
    assert len(visited) > 100
    for team_id, rid in visited:
        assert any(same_ward(people[rid].ward, w) for w in teams[team_id].wards), (team_id, rid)
    assert {t for t, _ in visited} == set(teams)  # every station works its own ward
    # left out for the wards: only households needing a doctor in a ward whose team has none
    stop_of = {rid: s for s in bound.data.stops for rid in s.resident_ids}
    left = [u["resident_id"] for u in doc["unassigned"] if u["reason_code"] == "outside_team_wards"]
    assert left
    for rid in left:
        assert stop_of[rid].needs_doctor and people[rid].ward in ("Phùng Chí Kiên", "Dương Quang")


def test_overview_of_the_bound_plan_in_chromium(
    browser: Any, bound: PlanRun, tmp_path: Path
) -> None:
    people = bound.data.residents
    page_file = tmp_path / "overview.html"
    page_file.write_text(
        render(
            overview_map(
                bound.plan,
                residents=people,
                teams=bound.inputs.teams.teams,
                wards=load_boundaries(demo_files().wards),
                wards_approximate=True,
                tiles=None,
            )
        ),
        encoding="utf-8",
    )
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(page_file.as_uri())
    page.wait_for_timeout(1000)
    assert page.locator("path.vr-day-route").count() == len(bound.plan.routes)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "overview-wards-bound.png"))
    assert errors == []
    context.close()
