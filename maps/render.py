"""Write every map, route sheet and GPX file of a plan next to its plan.json."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from maps.assets import render
from maps.gpx import route_gpx
from maps.overview import overview_map
from maps.sheet import route_sheet_html
from maps.streets import Streets
from maps.style import DEFAULT_TILES, TileSpec
from maps.team import team_map
from planner.model import Resident, Team
from planner.output import sheet_name
from planner.plan_document import Plan
from planner.workload import workload


def write_maps(
    plan: Plan,
    out: Path,
    *,
    residents: Mapping[str, Resident],
    teams: Iterable[Team] = (),
    wards: Any = None,
    wards_approximate: bool = False,
    lang: str = "vi",
    tiles: TileSpec | None = DEFAULT_TILES,
    streets: Streets | None = None,
) -> list[Path]:
    """The overview map, and per team and day its map, printable sheet and GPX file; the
    team maps with the ``streets`` around their routes when given (a road plan)."""
    teams = list(teams)
    names = {t.team_id: t.name for t in teams}
    load = workload(plan)
    for folder in ("maps", "sheets", "gpx"):
        (out / folder).mkdir(parents=True, exist_ok=True)
    written = [out / "maps" / "overview.html"]
    written[0].write_text(
        render(
            overview_map(
                plan,
                residents=residents,
                teams=teams,
                wards=wards,
                wards_approximate=wards_approximate,
                lang=lang,
                tiles=tiles,
            )
        ),
        encoding="utf-8",
    )
    for route in plan.routes:
        stem = sheet_name(route.team_id, route.date)
        page = render(
            team_map(
                plan,
                route.team_id,
                route.date,
                residents=residents,
                lang=lang,
                tiles=tiles,
                streets=streets,
            )
        )
        files = {
            out / "maps" / f"{stem}.html": page,
            out / "sheets" / f"{stem}.html": route_sheet_html(
                route, residents, lang, names.get(route.team_id, ""), load
            ),
            out / "gpx" / f"{stem}.gpx": route_gpx(route.to_json(), residents, lang),
        }
        for path, text in files.items():
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written
