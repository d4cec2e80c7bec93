"""Check that the demo's hand-placed health stations lie in their real ward.

The demo's stations (planner/demo/data/teams.csv) were placed by hand; this checks each against
the GADM 4.1 polygon of the ward its name gives. GADM's licence does not allow redistribution,
so the polygons stay in ../shared/data/vn_boundaries and this check is a script for a maintainer
who has them (run it after scripts/make_demo.py), not part of the test suite.

    python scripts/check_demo_stations.py [../shared/data/vn_boundaries/bac_kan_city.geojson]
"""

from __future__ import annotations

import sys
from pathlib import Path

import geopandas as gpd
from shapely.geometry import Point

from planner.demo import demo_files
from planner.io.teams import read_teams

GADM = (
    Path(__file__).resolve().parents[2]
    / "shared"
    / "data"
    / "vn_boundaries"
    / "bac_kan_city.geojson"
)


def misplaced(boundaries: Path) -> list[str]:
    """The stations that are not inside the GADM polygon of their ward, with the reason."""
    wards = gpd.read_file(boundaries)
    out = []
    for team in read_teams(demo_files().teams).teams:
        ward = team.name.split(" ", 4)[-1]  # "Trạm Y tế phường Đức Xuân" -> "Đức Xuân"
        polygon = wards.loc[wards["name_3"] == ward].geometry
        if len(polygon) != 1:
            out.append(f"{team.team_id}: {len(polygon)} GADM wards named {ward}")
        elif not polygon.iloc[0].contains(Point(team.depot_lon, team.depot_lat)):
            out.append(f"{team.team_id}: station outside {ward}")
    return out


def main() -> int:
    boundaries = Path(sys.argv[1]) if len(sys.argv) > 1 else GADM
    if not boundaries.is_file():
        print(f"{boundaries}: not found (GADM wards are not shipped with VaxRoute)")
        return 2
    problems = misplaced(boundaries)
    for line in problems:
        print(line)
    print("all stations in their ward" if not problems else f"{len(problems)} misplaced")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
