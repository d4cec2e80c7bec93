"""Travel times on the road network of an OpenStreetMap extract, offline.

``road_travel(extract, settings, teams, points)`` gives a :class:`RoadTravel` for the area of the
teams' stations and the residents; it checks that every station is near a usable road.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from planner.errors import InputError

if TYPE_CHECKING:
    from planner.model import Team
    from planner.roads.travel import RoadTravel
    from planner.settings import Settings
    from planner.travel import TravelModel


def make_travel(settings: Settings, teams: Sequence[Team],
                points: Sequence[tuple[float, float]], roads: Path | None = None,
                osrm_url: str | None = None) -> TravelModel:
    """The travel model a plan uses: an OSM extract's roads, a routing server, or straight
    lines (the default, and the only one that needs nothing)."""
    if roads is not None and osrm_url:
        raise InputError("give a road network extract or a routing server, not both")
    if roads is not None:
        return road_travel(roads, settings, teams, points)
    if osrm_url:
        from planner.roads.osrm import OsrmTravel
        return OsrmTravel(osrm_url, settings.roads.osrm_profile, settings.roads.osrm_timeout_s)
    from planner.travel import StraightLineTravel
    return StraightLineTravel.from_params(settings.travel)


def road_travel(extract: Path, settings: Settings, teams: Sequence[Team],
                points: Sequence[tuple[float, float]]) -> RoadTravel:
    from planner.roads.travel import RoadTravel

    lat = [t.depot_lat for t in teams] + [p[0] for p in points]
    lon = [t.depot_lon for t in teams] + [p[1] for p in points]
    travel = RoadTravel.from_extract(Path(extract), settings.roads, lat, lon)
    for mode in sorted({t.travel_mode for t in teams}):
        mine = [t for t in teams if t.travel_mode == mode]
        off = travel.offroad_m([t.depot_lat for t in mine], [t.depot_lon for t in mine], mode,
                               limit_m=100_000)
        far = [f"{t.team_id} ({d:.0f} m)" if d != float("inf") else t.team_id
               for t, d in zip(mine, off, strict=True) if d > settings.roads.max_snap_m]
        if far:
            raise InputError(
                f"{Path(extract).name}: no road usable by {mode} within "
                f"{settings.roads.max_snap_m:.0f} m of the station of team(s) "
                f"{', '.join(far)}: check the station's coordinates in the teams file, or "
                "that the extract covers the area")
    return travel
