"""The vaxroute command as a user runs it: a real process, real files, exit codes, messages."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from planner.demo import demo_files
from tests.helpers import write_csv

TEAMS = [{"team_id": "T1", "depot_lat": "22.147", "depot_lon": "105.834"}]


def vaxroute(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "vaxroute", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
    )


@pytest.fixture(scope="module")
def demo_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    run = vaxroute("demo", "--out", str(out), "--time-limit", "8")
    assert run.returncode == 0, run.stderr + run.stdout
    assert "independent check: passed" in run.stdout
    return out


def test_demo_writes_every_output(demo_out: Path) -> None:
    plan = json.loads((demo_out / "plan.json").read_text(encoding="utf-8"))
    assert plan["days"] == 3 and plan["travel_model"]["kind"] == "haversine"
    sheets = sorted((demo_out / "sheets").glob("team-*.csv"))
    assert len(sheets) == len(plan["routes"]) > 0
    with sheets[0].open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    route = next(
        r for r in plan["routes"] if sheets[0].name == f"team-{r['team_id']}-{r['date']}.csv"
    )
    assert [int(r["seq"]) for r in rows] == [s["seq"] for s in route["stops"]]
    assert rows[0]["arrival"] == route["stops"][0]["arrival"][11:16]
    with (demo_out / "unassigned.csv").open(encoding="utf-8-sig") as fh:
        assert len(list(csv.DictReader(fh))) == len(plan["unassigned"])
    geo = json.loads((demo_out / "routes.geojson").read_text(encoding="utf-8"))
    lines = [f for f in geo["features"] if f["geometry"]["type"] == "LineString"]
    assert len(lines) == len(plan["routes"])


def test_demo_accounts_for_every_resident_with_reasons(demo_out: Path) -> None:
    plan = json.loads((demo_out / "plan.json").read_text(encoding="utf-8"))
    s = plan["summary"]
    assert 250 <= s["residents"] <= 400
    assert s["planned"] + s["unassigned"] + s["excluded"] == s["residents"]
    assert s["unassigned_by_reason"].get("no_capacity", 0) > 0  # capacity is short on purpose
    assert s["unassigned_by_reason"].get("not_due_in_horizon", 0) > 0
    assert {e["status"] for e in plan["excluded"]} >= {"refused", "contraindicated"}


def test_check_command_accepts_the_demo_and_rejects_a_tampered_plan(
    demo_out: Path, tmp_path: Path
) -> None:
    files = demo_files()
    ok = vaxroute(
        "check",
        "--residents",
        str(files.residents),
        "--teams",
        str(files.teams),
        "--plan",
        str(demo_out / "plan.json"),
    )
    assert ok.returncode == 0, ok.stdout + ok.stderr
    plan = json.loads((demo_out / "plan.json").read_text(encoding="utf-8"))
    plan["unassigned"] = plan["unassigned"][1:]
    (tmp_path / "bad.json").write_text(json.dumps(plan), encoding="utf-8")
    bad = vaxroute(
        "check",
        "--residents",
        str(files.residents),
        "--teams",
        str(files.teams),
        "--plan",
        str(tmp_path / "bad.json"),
    )
    assert bad.returncode == 1 and "appears 0 times" in bad.stdout


def test_plan_with_bad_rows_reports_them_and_plans_the_rest(tmp_path: Path) -> None:
    residents = write_csv(
        tmp_path / "ds.csv",
        [
            {"resident_id": "A1", "lat": "22.148", "lon": "105.835", "full_name": "Nguyễn Văn A"},
            {"resident_id": "A2", "lat": "22.149", "lon": "abc", "full_name": "Trần Thị B"},
        ],
    )
    teams = write_csv(tmp_path / "doi.csv", TEAMS)
    run = vaxroute(
        "plan",
        "--residents",
        str(residents),
        "--teams",
        str(teams),
        "--start-date",
        "2026-11-23",
        "--out",
        str(tmp_path / "out"),
        "--time-limit",
        "1",
    )
    assert run.returncode == 0, run.stderr
    assert "ds.csv, row 3, column lon" in run.stdout
    plan = json.loads((tmp_path / "out" / "plan.json").read_text(encoding="utf-8"))
    assert plan["unassigned"][0]["resident_id"] == "A2"
    assert plan["unassigned"][0]["reason_code"] == "invalid_input"
    problems = (tmp_path / "out" / "input_problems.csv").read_text(encoding="utf-8")
    assert "ds.csv,3,lon,error,A2" in problems
    for path in (tmp_path / "out").rglob("*"):
        if path.is_file():
            assert "Nguyễn" not in path.read_text(encoding="utf-8-sig"), path


@pytest.mark.parametrize(
    "content,needle",
    [
        ("Ho ten,lat,lon\nAn,22.1,105.8\n", "missing required column 'resident_id'"),
        ("resident_id,lat,lon\nA1,95,200\n", "no usable residents left"),
    ],
)
def test_unusable_input_fails_clearly_without_traceback(
    tmp_path: Path, content: str, needle: str
) -> None:
    (tmp_path / "ds.csv").write_text(content, encoding="utf-8")
    teams = write_csv(tmp_path / "doi.csv", TEAMS)
    run = vaxroute(
        "plan",
        "--residents",
        str(tmp_path / "ds.csv"),
        "--teams",
        str(teams),
        "--out",
        str(tmp_path / "out"),
    )
    assert run.returncode == 2
    assert needle in run.stderr and "ds.csv" in run.stderr
    assert "Traceback" not in run.stderr + run.stdout
    assert not (tmp_path / "out" / "plan.json").exists()


def test_bad_settings_file_is_named(tmp_path: Path) -> None:
    (tmp_path / "s.toml").write_text("[visit]\nsetup_minute = 5\n", encoding="utf-8")
    files = demo_files()
    run = vaxroute(
        "plan",
        "--residents",
        str(files.residents),
        "--teams",
        str(files.teams),
        "--settings",
        str(tmp_path / "s.toml"),
    )
    assert run.returncode == 2 and "s.toml: unknown key(s) in [visit]: setup_minute" in run.stderr


def test_a_fixed_cost_that_would_leave_residents_out_is_refused(tmp_path: Path) -> None:
    # 10^7 per team-day is more than leaving any demo resident out costs: such a plan would
    # serve nobody to save team-days, so the command says why and writes nothing
    (tmp_path / "s.toml").write_text("[solver]\nvehicle_fixed_cost = 10000000\n", encoding="utf-8")
    files = demo_files()
    run = vaxroute(
        "plan",
        "--residents",
        str(files.residents),
        "--teams",
        str(files.teams),
        "--settings",
        str(tmp_path / "s.toml"),
        "--time-limit",
        "2",
        "--out",
        str(tmp_path / "out"),
    )
    assert run.returncode == 2, run.stderr + run.stdout
    assert "vehicle_fixed_cost: 10000000 is not below" in run.stderr
    assert "Traceback" not in run.stderr + run.stdout
    assert not (tmp_path / "out" / "plan.json").exists()


def test_demo_writes_maps_sheets_and_gpx_for_every_route(demo_out: Path) -> None:
    plan = json.loads((demo_out / "plan.json").read_text(encoding="utf-8"))
    assert (demo_out / "maps" / "overview.html").stat().st_size > 0
    for route in plan["routes"]:
        stem = f"team-{route['team_id']}-{route['date']}"
        page = demo_out / "maps" / f"{stem}.html"
        assert page.stat().st_size < 2_000_000, page
        assert (demo_out / "sheets" / f"{stem}.html").exists()
        assert (demo_out / "gpx" / f"{stem}.gpx").exists()
    overview = (demo_out / "maps" / "overview.html").read_text(encoding="utf-8")
    label = "ranh giới gần đúng"  # the demo's ward areas are labelled approximate
    assert label in overview or json.dumps(label)[1:-1] in overview


def test_plan_with_a_road_network_extract(tmp_path: Path) -> None:
    from tests.data import HANOI_OSM as HANOI
    from tests.osm_builder import street_lists

    teams, residents = street_lists(tmp_path, HANOI, 9, seed=9)
    out = tmp_path / "out"
    run = vaxroute(
        "plan",
        "--residents",
        str(residents),
        "--teams",
        str(teams),
        "--out",
        str(out),
        "--roads",
        str(HANOI),
        "--time-limit",
        "2",
        "--start-date",
        "2026-11-23",
    )
    assert run.returncode == 0, run.stderr + run.stdout
    assert f"travel model: road network from {HANOI.name}" in run.stdout
    plan = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    assert plan["travel_model"]["kind"] == "road"
    lines = [
        f
        for f in json.loads((out / "routes.geojson").read_text(encoding="utf-8"))["features"]
        if f["properties"]["kind"] == "route"
    ]
    stops = sum(len(r["stops"]) for r in plan["routes"])
    assert sum(len(f["geometry"]["coordinates"]) for f in lines) > 2 * (stops + 2)
    check = vaxroute(
        "check",
        "--residents",
        str(residents),
        "--teams",
        str(teams),
        "--plan",
        str(out / "plan.json"),
    )
    assert check.returncode == 0, check.stdout
    bad = vaxroute(
        "plan",
        "--residents",
        str(residents),
        "--teams",
        str(teams),
        "--out",
        str(out),
        "--roads",
        str(tmp_path / "nope.osm.pbf"),
    )
    assert (
        bad.returncode == 2
        and "nope.osm.pbf: road network file not found" in bad.stdout + bad.stderr
        and "Traceback" not in bad.stderr
    )


def test_demo_runs_on_a_road_network_when_given_one(tmp_path: Path) -> None:
    """A street grid (300 m blocks) over the demo area stands in for a Bắc Kạn extract."""
    import math

    from tests.osm_builder import ORIGIN, write_osm

    per_deg = 111_195.0
    north0 = (22.06 - ORIGIN[0]) * per_deg
    east0 = (105.76 - ORIGIN[1]) * per_deg * math.cos(math.radians(ORIGIN[0]))
    n, step = 50, 300.0
    grid = [[(east0 + i * step, north0 + j * step) for j in range(n)] for i in range(n)]
    ways = [(row, {"highway": "residential"}) for row in grid]
    ways += [([grid[i][j] for i in range(n)], {"highway": "tertiary"}) for j in range(n)]
    osm = write_osm(tmp_path / "bac-kan-grid.osm", ways)
    out = tmp_path / "demo"
    run = vaxroute(
        "demo", "--out", str(out), "--time-limit", "5", "--days", "1", "--roads", str(osm)
    )
    assert run.returncode == 0, run.stderr + run.stdout
    assert "travel model: road network from bac-kan-grid.osm" in run.stdout
    plan = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    assert plan["travel_model"]["kind"] == "road" and plan["routes"]
    stop = plan["routes"][0]["stops"][0]
    assert stop["offroad_m"] <= 215 and len(stop["path_from_previous"]) >= 3
