"""Which back-end a plan uses: chosen from the command's options, or rebuilt from plan.json."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planner.errors import InputError
from planner.travel.base import TravelModel

if TYPE_CHECKING:
    from planner.model import Team
    from planner.settings import Settings


def make_travel(
    settings: Settings,
    teams: Sequence[Team],
    points: Sequence[tuple[float, float]],
    roads: Path | None = None,
    osrm_url: str | None = None,
) -> TravelModel:
    """The travel model a plan uses: an OSM extract's roads, a routing server, or straight
    lines (the default, and the only one that needs nothing)."""
    if roads is not None and osrm_url:
        raise InputError("give a road network extract or a routing server, not both")
    if roads is not None:
        from planner.travel.roads import road_travel  # scipy and osmium: only when asked

        return road_travel(roads, settings, teams, points)
    if osrm_url:
        from planner.travel.osrm import OsrmTravel

        return OsrmTravel(osrm_url, settings.roads.osrm_profile, settings.roads.osrm_timeout_s)
    from planner.travel.straight import StraightLineTravel

    return StraightLineTravel.from_params(settings.travel)


def travel_model_from_description(desc: Mapping[str, Any]) -> TravelModel:
    """Rebuild a travel model from plan.json's ``travel_model`` (used by the checker)."""
    from planner.travel.straight import StraightLineTravel

    kind = desc.get("kind")
    if kind == "haversine":
        return StraightLineTravel(
            float(desc.get("detour_factor", 1.3)),
            {k: float(v) for k, v in desc.get("speed_kmh", {}).items()},
        )
    raise InputError(f"plan.json: unknown travel model kind {kind!r}")
