"""Tunables as small frozen dataclasses that check themselves, and the TOML loader.

Every default can be overridden in a ``settings.toml`` (see ``docs/settings.md``); unknown keys
are reported with the file and key instead of being ignored.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from planner.errors import InputError

TRAVEL_MODES = ("motorbike", "car", "foot")
#: solver.balance: what the solver evens out across team-days (planner/solver/balance.py)
BALANCE_MODES = ("off", "hours", "stops")


def _check(cond: bool, message: str) -> None:
    if not cond:
        raise InputError(message)


@dataclass(frozen=True)
class TravelParams:
    """Straight-line travel model: great-circle distance x detour factor / speed of the mode."""

    detour_factor: float = 1.3
    speed_kmh: Mapping[str, float] = field(
        default_factory=lambda: {"motorbike": 25.0, "car": 30.0, "foot": 4.5}
    )

    def __post_init__(self) -> None:
        _check(1.0 <= self.detour_factor <= 5.0, "travel.detour_factor must be in [1, 5]")
        merged = {"motorbike": 25.0, "car": 30.0, "foot": 4.5, **dict(self.speed_kmh)}
        for mode, speed in merged.items():
            _check(mode in TRAVEL_MODES, f"travel.speed_kmh: unknown travel mode {mode!r}")
            _check(0.5 <= float(speed) <= 150, f"travel.speed_kmh.{mode} must be in [0.5, 150]")
        object.__setattr__(self, "speed_kmh", {k: float(v) for k, v in merged.items()})


@dataclass(frozen=True)
class VisitParams:
    """Time on site. A stop takes setup + per person x people + one shared observation."""

    setup_minutes: float = 5
    per_person_minutes: float = 10
    observation_minutes: float = 30

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            _check(0 <= value <= 600, f"visit.{f.name} must be in [0, 600] minutes")


@dataclass(frozen=True)
class DoseParams:
    """Minimum days between doses, by the number of doses already received.

    ``min_interval_days[k]`` is the wait after dose ``k`` before dose ``k + 1``; doses beyond the
    table use its last entry. ``series_doses`` is the number of doses a resident should have:
    the priority score counts the missing ones.
    """

    min_interval_days: Mapping[int, int] = field(default_factory=lambda: {1: 28, 2: 90, 3: 120})
    series_doses: int = 3

    def __post_init__(self) -> None:
        table = {int(k): int(v) for k, v in dict(self.min_interval_days).items()}
        _check(bool(table), "doses.min_interval_days must not be empty")
        _check(
            all(k >= 1 and 0 <= v <= 3650 for k, v in table.items()),
            "doses.min_interval_days: keys >= 1 and days in [0, 3650]",
        )
        _check(1 <= self.series_doses <= 10, "doses.series_doses must be in [1, 10]")
        object.__setattr__(self, "min_interval_days", dict(sorted(table.items())))

    def interval_after(self, doses_received: int) -> int:
        """Days to wait after dose ``doses_received`` (past the table: its last entry; 0 before
        dose 1)."""
        table = self.min_interval_days
        if doses_received in table:
            return int(table[doses_received])
        return int(table[max(table)]) if doses_received > max(table) else 0


@dataclass(frozen=True)
class PriorityParams:
    """Weights of the priority score (formula in ``planner/priority.py`` and docs/solver.md)."""

    base: float = 1.0
    age_from: int = 50
    per_decade: float = 1.0
    per_condition: float = 1.5
    per_missing_dose: float = 0.5
    per_overdue_month: float = 0.5
    overdue_cap_days: int = 180
    high_from: float = 6.0
    medium_from: float = 3.0

    def __post_init__(self) -> None:
        _check(self.base > 0, "priority.base must be > 0")
        for name in ("per_decade", "per_condition", "per_missing_dose", "per_overdue_month"):
            _check(getattr(self, name) >= 0, f"priority.{name} must be >= 0")
        _check(self.medium_from <= self.high_from, "priority.medium_from must be <= high_from")


@dataclass(frozen=True)
class InputParams:
    """Validation thresholds, and the size limits of the files read.

    The limits are checked while a file is read, before its rows are held in memory, so that
    a hostile or broken file is refused quickly (a ``TooLargeError``, HTTP 413 in the API)
    instead of holding the server: ``max_rows`` data rows (features of a geodata file; the
    header does not count), ``max_columns`` columns in any row, ``max_cell_chars``
    characters in any cell, and ``max_xlsx_mb`` megabytes for an XLSX workbook once unzipped
    (the sum of its parts as the zip directory declares them, checked before inflating).
    """

    outlier_km: float = 25.0
    same_spot_m: float = 5.0
    max_rows: int = 200_000
    max_columns: int = 200
    max_cell_chars: int = 1_000
    max_xlsx_mb: float = 100.0

    def __post_init__(self) -> None:
        _check(self.outlier_km > 0, "input.outlier_km must be > 0")
        _check(0 <= self.same_spot_m <= 100, "input.same_spot_m must be in [0, 100]")
        for name, low, high in (
            ("max_rows", 1, 10_000_000),
            ("max_columns", 1, 16_384),
            ("max_cell_chars", 10, 100_000),
        ):
            value = getattr(self, name)
            _check(
                isinstance(value, int) and not isinstance(value, bool) and low <= value <= high,
                f"input.{name} must be a whole number in [{low:,}, {high:,}]",
            )
        _check(0 < self.max_xlsx_mb <= 4096, "input.max_xlsx_mb must be in (0, 4096]")


@dataclass(frozen=True)
class SolverParams:
    """Search settings. ``time_limit_s`` is always enforced; the guard stops a runaway search."""

    time_limit_s: float = 30
    seed: int = 0
    #: cost units (seconds of travel) per priority unit per day a resident waits.
    day_delay_cost: int = 600
    break_slack_minutes: int = 60
    #: re-plans: cost (travel seconds) of moving a stop to another team or day than before.
    change_cost: int = 1800
    #: cost of using a vehicle at all (0 for rounds; benchmarks minimise vehicles first).
    vehicle_fixed_cost: int = 0
    #: wall-clock guard: the search is cancelled after time_limit_s * guard_factor +
    #: guard_grace_s, whatever OR-Tools' own limit does (normally factor >= 1).
    guard_factor: float = 1.5
    guard_grace_s: float = 10.0
    #: searches run side by side in separate processes (a portfolio over the cores); the
    #: best plan wins. 1 = search in this process only.
    workers: int = 2
    #: above this many stops the horizon is split into areas of about this size, each with
    #: the teams of its stations, solved one after another (0 = never split). Smaller models
    #: search many more moves a second, which buys coverage (benchmarks/RESULTS.md)
    split_stops: int = 450
    #: even out the team-days (docs/solver.md, "Balanced days"): "off", "hours" (a
    #: quadratic cost on each team-day's working time beyond the expected mean) or "stops"
    #: (the same on its number of stops).
    balance: str = "off"
    #: cost units (seconds of travel) per squared minute a team-day works beyond its target
    #: (1: an hour over costs 3,600, as much as an hour of travel); in "stops" a stop counts
    #: as the mean visit. Coarsened in the model so it never outweighs leaving a resident out.
    balance_weight: int = 1

    def __post_init__(self) -> None:
        _check(0 < self.time_limit_s <= 24 * 3600, "solver.time_limit_s must be in (0, 86400]")
        _check(self.seed >= 0, "solver.seed must be >= 0")
        _check(self.day_delay_cost >= 0, "solver.day_delay_cost must be >= 0")
        _check(0 <= self.break_slack_minutes <= 240, "solver.break_slack_minutes in [0, 240]")
        _check(self.guard_factor >= 0.01, "solver.guard_factor must be >= 0.01")
        _check(self.guard_grace_s >= 0, "solver.guard_grace_s must be >= 0")
        _check(0 <= self.change_cost <= 50_000, "solver.change_cost must be in [0, 50000]")
        _check(0 <= self.vehicle_fixed_cost <= 10**12, "solver.vehicle_fixed_cost out of range")
        _check(1 <= self.workers <= 64, "solver.workers must be in [1, 64]")
        _check(
            self.split_stops == 0 or self.split_stops >= 50,
            "solver.split_stops must be 0 (never split) or >= 50",
        )
        _check(
            self.balance in BALANCE_MODES,
            f"solver.balance must be one of {', '.join(BALANCE_MODES)} (not {self.balance!r})",
        )
        _check(
            isinstance(self.balance_weight, int)
            and not isinstance(self.balance_weight, bool)
            and 0 <= self.balance_weight <= 100,
            "solver.balance_weight must be a whole number in [0, 100]",
        )

    @property
    def guard_s(self) -> float:
        """The wall-clock guard of a whole solve (``time_limit_s``)."""
        return self.guard_after(self.time_limit_s)

    def guard_after(self, seconds: float) -> float:
        """The wall-clock guard of a search given ``seconds`` (one phase of a solve)."""
        return seconds * self.guard_factor + self.guard_grace_s


@dataclass(frozen=True)
class Product:
    """A vaccine product as the teams carry it: multi-dose vials usable for some hours."""

    doses_per_vial: int = 10
    hours_after_opening: float = 6.0
    #: days after dose k before dose k + 1 for this product (else the [doses] table)
    min_interval_days: Mapping[int, int] | None = None

    def __post_init__(self) -> None:
        _check(1 <= self.doses_per_vial <= 50, "vials: doses_per_vial must be in [1, 50]")
        _check(
            0.25 <= self.hours_after_opening <= 48,
            "vials: hours_after_opening must be in [0.25, 48]",
        )
        if self.min_interval_days is not None:
            object.__setattr__(
                self,
                "min_interval_days",
                {int(k): int(v) for k, v in dict(self.min_interval_days).items()},
            )


DEFAULT_PRODUCTS = {
    "pfizer": Product(6, 6.0, {1: 21, 2: 90, 3: 120}),
    "moderna": Product(10, 12.0, {1: 28, 2: 90, 3: 120}),
    "astrazeneca": Product(10, 6.0, {1: 56, 2: 90, 3: 120}),
}


@dataclass(frozen=True)
class VialParams:
    """Vaccine products and wastage-aware planning.

    ``product`` is what a team carries when the teams list does not say. With ``wastage_aware``
    the solver trades travel against wasted doses at ``weight`` seconds of travel per wasted
    dose (see planner/solver/wastage.py); coverage is never traded (a left-out resident costs
    100,000 per unit of priority, a wasted dose ``weight``).
    """

    wastage_aware: bool = True
    weight: int = 900
    product: str = "astrazeneca"
    products: Mapping[str, Product] = field(default_factory=lambda: dict(DEFAULT_PRODUCTS))

    def __post_init__(self) -> None:
        products = dict(DEFAULT_PRODUCTS)
        for name, p in dict(self.products).items():
            products[str(name).lower()] = p if isinstance(p, Product) else Product(**p)
        object.__setattr__(self, "products", products)
        _check(0 <= self.weight <= 20_000, "vials.weight must be in [0, 20000]")
        _check(self.product.lower() in products, f"vials.product: unknown product {self.product!r}")
        object.__setattr__(self, "product", self.product.lower())


# -- [roads]: the road network of an OSM extract (planner/travel/roads) and a routing server
ROAD_CLASSES = (
    "motorway",
    "motorway_link",
    "trunk",
    "trunk_link",
    "primary",
    "primary_link",
    "secondary",
    "secondary_link",
    "tertiary",
    "tertiary_link",
    "unclassified",
    "residential",
    "road",
    "living_street",
    "service",
    "track",
    "pedestrian",
    "footway",
    "path",
    "steps",
    "cycleway",
    "bridleway",
)

_MOTORBIKE = {
    "trunk": 40,
    "trunk_link": 30,
    "primary": 35,
    "primary_link": 30,
    "secondary": 30,
    "secondary_link": 25,
    "tertiary": 28,
    "tertiary_link": 25,
    "unclassified": 25,
    "residential": 20,
    "road": 20,
    "living_street": 12,
    "service": 15,
    "track": 12,
}
_CAR = {
    "motorway": 80,
    "motorway_link": 50,
    "trunk": 60,
    "trunk_link": 40,
    "primary": 45,
    "primary_link": 35,
    "secondary": 40,
    "secondary_link": 30,
    "tertiary": 35,
    "tertiary_link": 30,
    "unclassified": 30,
    "residential": 25,
    "road": 25,
    "living_street": 10,
    "service": 15,
    "track": 10,
}
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
    that mode; speeds are km/h (a way's ``maxspeed`` lowers them, never raises them).

    Defaults follow Vietnamese practice: motorbikes may not use expressways (``motorway``) and
    go slowly in alleys (``service``, ``living_street``); footways, paths and steps are for
    walking only unless a way says ``motorcycle=yes``; everybody walks the last metres from the
    road to the door."""

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
                    raise InputError(
                        f"roads.speed_kmh.{mode}: unknown road class {cls!r} "
                        f"(known: {', '.join(ROAD_CLASSES)})"
                    )
                if not 0 <= float(v) <= 150:
                    raise InputError(
                        f"roads.speed_kmh.{mode}.{cls} must be in [0, 150] (0 closes the class)"
                    )
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
        """Where graphs and matrices are cached."""
        return Path(self.cache_dir).expanduser() if self.cache_dir else default_cache_dir()

    def graph_fingerprint(self) -> str:
        """What the graph depends on (not the snapping limit or walking speed)."""
        raw = {"speed_kmh": self.speed_kmh, "oneway_modes": list(self.oneway_modes), "version": 1}
        return hashlib.sha256(json.dumps(raw, sort_keys=True).encode()).hexdigest()[:16]

    def describe(self) -> dict[str, Any]:
        """The settings as plan.json records them (without the cache's location)."""
        out = asdict(self)
        out["oneway_modes"] = list(self.oneway_modes)
        out.pop("cache_dir")
        return out


#: ``[compute] cluster``: auto, none, local, local:N, or a scheduler's tcp://HOST:PORT
CLUSTER_PATTERN = re.compile(
    r"^(auto|none|local(:[1-9][0-9]{0,2})?|tcp://[A-Za-z0-9.\-\[\]:]+:[0-9]{1,5})$"
)


@dataclass(frozen=True)
class ComputeParams:
    """Where the areas of a split horizon are solved (planner/solver/cluster.py): ``auto`` (a
    Dask LocalCluster of one worker process per core when the horizon splits into areas),
    ``none`` (one after another in this process), ``local`` / ``local:N`` (a LocalCluster of N
    worker processes) or ``tcp://HOST:PORT`` (a running Dask scheduler). A horizon that does not
    split never uses a cluster. ``connect_timeout_s``: how long to wait for a scheduler."""

    cluster: str = "auto"
    connect_timeout_s: float = 10.0

    def __post_init__(self) -> None:
        _check(
            isinstance(self.cluster, str) and bool(CLUSTER_PATTERN.match(self.cluster)),
            f"compute.cluster: {self.cluster!r} is not auto, none, local, local:N or "
            "tcp://HOST:PORT",
        )
        _check(0.1 <= self.connect_timeout_s <= 300, "compute.connect_timeout_s in [0.1, 300]")


@dataclass(frozen=True)
class Settings:
    travel: TravelParams = field(default_factory=TravelParams)
    visit: VisitParams = field(default_factory=VisitParams)
    doses: DoseParams = field(default_factory=DoseParams)
    priority: PriorityParams = field(default_factory=PriorityParams)
    input: InputParams = field(default_factory=InputParams)
    solver: SolverParams = field(default_factory=SolverParams)
    vials: VialParams = field(default_factory=VialParams)
    roads: RoadParams = field(default_factory=RoadParams)
    compute: ComputeParams = field(default_factory=ComputeParams)

    def with_solver(self, **changes: Any) -> Settings:
        """These settings with some solver fields changed (a time limit from the command line)."""
        return replace(self, solver=replace(self.solver, **changes))


_SECTIONS: dict[str, type] = {
    "travel": TravelParams,
    "visit": VisitParams,
    "doses": DoseParams,
    "priority": PriorityParams,
    "input": InputParams,
    "solver": SolverParams,
    "vials": VialParams,
    "roads": RoadParams,
    "compute": ComputeParams,
}


def settings_from_mapping(raw: Mapping[str, Any], source: str = "settings") -> Settings:
    """Settings from a parsed TOML table; an unknown section or key, or a bad value, is an
    InputError naming ``source``, the section and the key."""
    parts: dict[str, Any] = {}
    for section, values in raw.items():
        if section not in _SECTIONS:
            raise InputError(f"{source}: unknown section [{section}]")
        cls = _SECTIONS[section]
        known = {f.name for f in fields(cls)}
        unknown = set(values) - known
        if unknown:
            names = ", ".join(sorted(unknown))
            raise InputError(f"{source}: unknown key(s) in [{section}]: {names}")
        try:
            parts[section] = cls(**values)
        except (TypeError, ValueError) as exc:
            raise InputError(f"{source}: [{section}]: {exc}") from exc
        except InputError as exc:
            raise InputError(f"{source}: {exc}") from exc
    return Settings(**parts)


def load_settings(path: Path | None) -> Settings:
    """Settings from a ``settings.toml`` (defaults when ``path`` is None); errors name the file."""
    if path is None:
        return Settings()
    try:
        raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InputError(f"{path}: settings file not found") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not valid TOML: {exc}") from exc
    return settings_from_mapping(raw, str(path))
