"""Road-network settings (``[roads]`` in settings.toml): speeds per road class and travel mode,
which classes each mode may use, snapping limits, clip margin, cache location.

Defaults follow Vietnamese practice: motorbikes may not use expressways (``motorway``) and go
slowly in alleys (``service``, ``living_street``); footways, paths and steps are for walking only
unless a way says ``motorcycle=yes``; everybody walks the last metres from the road to the door.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from planner.errors import InputError

ROAD_CLASSES = (
    "motorway", "motorway_link", "trunk", "trunk_link", "primary", "primary_link", "secondary",
    "secondary_link", "tertiary", "tertiary_link", "unclassified", "residential", "road",
    "living_street", "service", "track", "pedestrian", "footway", "path", "steps", "cycleway",
    "bridleway",
)

_MOTORBIKE = {"trunk": 40, "trunk_link": 30, "primary": 35, "primary_link": 30, "secondary": 30,
              "secondary_link": 25, "tertiary": 28, "tertiary_link": 25, "unclassified": 25,
              "residential": 20, "road": 20, "living_street": 12, "service": 15, "track": 12}
_CAR = {"motorway": 80, "motorway_link": 50, "trunk": 60, "trunk_link": 40, "primary": 45,
        "primary_link": 35, "secondary": 40, "secondary_link": 30, "tertiary": 35,
        "tertiary_link": 30, "unclassified": 30, "residential": 25, "road": 25,
        "living_street": 10, "service": 15, "track": 10}
_FOOT = {c: 4.5 for c in ROAD_CLASSES if not c.startswith("motorway")}


def _default_speeds() -> dict[str, dict[str, float]]:
    return {"motorbike": dict(_MOTORBIKE), "car": dict(_CAR), "foot": dict(_FOOT)}


def default_cache_dir() -> Path:
    """``$VAXROUTE_CACHE_DIR``, else ``$XDG_CACHE_HOME/vaxroute``, else ``~/.cache/vaxroute``."""
    if os.environ.get("VAXROUTE_CACHE_DIR"):
        return Path(os.environ["VAXROUTE_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "vaxroute"


@dataclass(frozen=True)
class RoadParams:
    """How the road network is read and used. A class missing from a mode's table is closed to
    that mode; speeds are km/h (a way's ``maxspeed`` lowers them, never raises them)."""

    speed_kmh: Mapping[str, Mapping[str, float]] = field(default_factory=_default_speeds)
    #: the last metres between the road and the door are walked at this speed.
    walk_kmh: float = 4.5
    #: a point farther than this from every usable road is reported, not planned.
    max_snap_m: float = 500.0
    #: the graph keeps roads within this distance of the residents' and stations' bounding box.
    margin_km: float = 3.0
    #: ``oneway`` tags bind these modes (walkers may go both ways).
    oneway_modes: tuple[str, ...] = ("motorbike", "car")
    cache_dir: str = ""
    #: for a routing server (``--osrm-url``): the profile in its URLs and how long to wait.
    osrm_profile: str = "driving"
    osrm_timeout_s: float = 30.0

    def __post_init__(self) -> None:
        speeds = _default_speeds()
        for mode, table in dict(self.speed_kmh).items():
            if mode not in speeds:
                raise InputError(f"roads.speed_kmh: unknown travel mode {mode!r}")
            for cls, v in dict(table).items():
                if cls not in ROAD_CLASSES:
                    raise InputError(f"roads.speed_kmh.{mode}: unknown road class {cls!r} "
                                     f"(known: {', '.join(ROAD_CLASSES)})")
                if not 0 <= float(v) <= 150:
                    raise InputError(f"roads.speed_kmh.{mode}.{cls} must be in [0, 150] "
                                     "(0 closes the class)")
            # a table given in the settings replaces the default for that mode entirely
            speeds[mode] = {c: float(v) for c, v in dict(table).items() if float(v) > 0}
        object.__setattr__(self, "speed_kmh", speeds)
        object.__setattr__(self, "oneway_modes", tuple(self.oneway_modes))
        if not 0.5 <= self.walk_kmh <= 10:
            raise InputError("roads.walk_kmh must be in [0.5, 10]")
        if not 0 < self.max_snap_m <= 10_000:
            raise InputError("roads.max_snap_m must be in (0, 10000]")
        if not 0.1 <= self.osrm_timeout_s <= 600:
            raise InputError("roads.osrm_timeout_s must be in [0.1, 600]")
        if not 0 <= self.margin_km <= 100:
            raise InputError("roads.margin_km must be in [0, 100]")

    def cache_path(self) -> Path:
        return Path(self.cache_dir).expanduser() if self.cache_dir else default_cache_dir()

    def graph_fingerprint(self) -> str:
        """What the graph depends on (not the snapping limit or walking speed)."""
        raw = {"speed_kmh": self.speed_kmh, "oneway_modes": list(self.oneway_modes),
               "version": 1}
        return hashlib.sha256(json.dumps(raw, sort_keys=True).encode()).hexdigest()[:16]

    def describe(self) -> dict[str, Any]:
        out = asdict(self)
        out["oneway_modes"] = list(self.oneway_modes)
        out.pop("cache_dir")
        return out
