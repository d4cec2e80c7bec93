"""The plan document (``plan.json``) as frozen types: :class:`Plan` of :class:`PlanRoute` of
:class:`PlanStop`, with the vials, breaks, unassigned and excluded residents and the summary.

The planner builds a ``Plan`` (planner/plan.py, planner/replan.py), writes it with
:meth:`Plan.to_json`, and everything that reads a plan (the outputs, the maps, the API) reads
it back with :meth:`Plan.from_json`; only the independent checker (planner/checker.py) reads
the raw JSON, so that it shares nothing with the code it checks. ``to_json(from_json(d)) == d``
for every document the planner writes, keys in the same order.

The spec's fields are required; the fields VaxRoute added over time are optional (``None``
when a document lacks them, and then left out of ``to_json``), so older stored plans still
read. ``travel_model`` and ``parameters`` stay JSON mappings: they record the travel back-end
and the settings, whose shape depends on the back-end, for the checker to recompute from.
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

Json = dict[str, Any]
#: a line along the roads: (lat, lon) points
Path = tuple[tuple[float, float], ...]


def _path(value: Any) -> Path | None:
    return None if value is None else tuple((p[0], p[1]) for p in value)


def _path_json(path: Path) -> list[list[float]]:
    return [[lat, lon] for lat, lon in path]


def _put(out: Json, key: str, value: Any) -> None:
    """Optional fields are written only when the plan has them."""
    if value is not None:
        out[key] = value


@dataclass(frozen=True)
class PlanStop:
    """One visit: the residents of a household, where, when, and the leg that reaches it."""

    seq: int
    resident_ids: tuple[str, ...]
    lat: float
    lon: float
    arrival: str  # local ISO 8601 date-times, 2026-11-23T07:30:00+07:00
    service_start: str
    departure: str
    doses: int
    stop_id: str | None = None
    household_id: str | None = None
    ward: str | None = None
    needs_doctor: bool | None = None
    service_s: int | None = None
    #: on a road network: the walk from the road to the door, metres
    offroad_m: float | None = None
    travel_s_from_previous: int | None = None
    distance_m_from_previous: int | None = None
    #: on a road network: the leg along the roads
    path_from_previous: Path | None = None

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> PlanStop:
        """The PlanStop a plan.json object describes (fields added later are optional)."""
        return cls(
            d["seq"],
            tuple(d["resident_ids"]),
            d["lat"],
            d["lon"],
            d["arrival"],
            d["service_start"],
            d["departure"],
            d["doses"],
            d.get("stop_id"),
            d.get("household_id"),
            d.get("ward"),
            d.get("needs_doctor"),
            d.get("service_s"),
            d.get("offroad_m"),
            d.get("travel_s_from_previous"),
            d.get("distance_m_from_previous"),
            _path(d.get("path_from_previous")),
        )

    def to_json(self) -> Json:
        """The plan.json object of this PlanStop, keys in the document's order."""
        out: Json = {
            "seq": self.seq,
            "resident_ids": list(self.resident_ids),
            "lat": self.lat,
            "lon": self.lon,
            "arrival": self.arrival,
            "service_start": self.service_start,
            "departure": self.departure,
            "doses": self.doses,
        }
        for key in (
            "stop_id",
            "household_id",
            "ward",
            "needs_doctor",
            "service_s",
            "offroad_m",
            "travel_s_from_previous",
            "distance_m_from_previous",
        ):
            _put(out, key, getattr(self, key))
        if self.path_from_previous is not None:
            out["path_from_previous"] = _path_json(self.path_from_previous)
        return out


@dataclass(frozen=True)
class PlanVial:
    """A vial a route opens: where and when, what it gives and what is thrown away."""

    vial: int
    product: str
    opened_at: str
    opened_at_stop: int  # the stop's seq
    expires_at: str
    doses_drawn: int
    doses_wasted: int
    stops: tuple[int, ...]  # seqs of the stops it serves

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> PlanVial:
        """The PlanVial a plan.json object describes (fields added later are optional)."""
        return cls(
            d["vial"],
            d["product"],
            d["opened_at"],
            d["opened_at_stop"],
            d["expires_at"],
            d["doses_drawn"],
            d["doses_wasted"],
            tuple(d["stops"]),
        )

    def to_json(self) -> Json:
        """The plan.json object of this PlanVial, keys in the document's order."""
        return {
            "vial": self.vial,
            "product": self.product,
            "opened_at": self.opened_at,
            "opened_at_stop": self.opened_at_stop,
            "expires_at": self.expires_at,
            "doses_drawn": self.doses_drawn,
            "doses_wasted": self.doses_wasted,
            "stops": list(self.stops),
        }


@dataclass(frozen=True)
class PlanBreak:
    start: str
    end: str

    def to_json(self) -> Json:
        """The plan.json object of this PlanBreak, keys in the document's order."""
        return {"start": self.start, "end": self.end}


@dataclass(frozen=True)
class Depot:
    lat: float
    lon: float

    def to_json(self) -> Json:
        """The plan.json object of this Depot, keys in the document's order."""
        return {"lat": self.lat, "lon": self.lon}


@dataclass(frozen=True)
class PlanRoute:
    """A team's day: its stops in visit order, times, travel, lunch break and vials."""

    team_id: str
    date: str  # ISO date
    start: str
    end: str
    distance_m: int
    travel_s: int
    stops: tuple[PlanStop, ...]
    team_name: str | None = None
    travel_mode: str | None = None
    depot: Depot | None = None
    doses: int | None = None
    #: the lunch break ("break" in the document: always written, null when the team has none)
    lunch: PlanBreak | None = None
    vaccine: str | None = None
    vials: tuple[PlanVial, ...] | None = None
    doses_wasted: int | None = None
    return_travel_s: int | None = None
    return_distance_m: int | None = None
    return_path: Path | None = None

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> PlanRoute:
        """The PlanRoute a plan.json object describes (fields added later are optional)."""
        depot, brk, vials = d.get("depot"), d.get("break"), d.get("vials")
        return cls(
            d["team_id"],
            d["date"],
            d["start"],
            d["end"],
            d["distance_m"],
            d["travel_s"],
            tuple(PlanStop.from_json(s) for s in d["stops"]),
            d.get("team_name"),
            d.get("travel_mode"),
            Depot(depot["lat"], depot["lon"]) if depot else None,
            d.get("doses"),
            PlanBreak(brk["start"], brk["end"]) if brk else None,
            d.get("vaccine"),
            None if vials is None else tuple(PlanVial.from_json(v) for v in vials),
            d.get("doses_wasted"),
            d.get("return_travel_s"),
            d.get("return_distance_m"),
            _path(d.get("return_path")),
        )

    def to_json(self) -> Json:
        """The plan.json object of this PlanRoute, keys in the document's order."""
        out: Json = {
            "team_id": self.team_id,
            "date": self.date,
            "start": self.start,
            "end": self.end,
            "distance_m": self.distance_m,
            "travel_s": self.travel_s,
            "stops": [s.to_json() for s in self.stops],
        }
        _put(out, "team_name", self.team_name)
        _put(out, "travel_mode", self.travel_mode)
        _put(out, "depot", self.depot.to_json() if self.depot else None)
        _put(out, "doses", self.doses)
        out["break"] = self.lunch.to_json() if self.lunch else None
        _put(out, "vaccine", self.vaccine)
        _put(out, "vials", None if self.vials is None else [v.to_json() for v in self.vials])
        _put(out, "doses_wasted", self.doses_wasted)
        _put(out, "return_travel_s", self.return_travel_s)
        _put(out, "return_distance_m", self.return_distance_m)
        _put(out, "return_path", None if self.return_path is None else _path_json(self.return_path))
        return out

    def resident_ids(self) -> list[str]:
        """The route's residents in visit order."""
        return [rid for s in self.stops for rid in s.resident_ids]

    def dose_count(self) -> int:
        """Doses the team carries: ``doses`` when the plan has it, else the stops' sum."""
        return self.doses if self.doses is not None else sum(s.doses for s in self.stops)


@dataclass(frozen=True)
class Unassigned:
    resident_id: str
    reason_code: str  # planner/reasons_catalogue.py
    reason: str

    def to_json(self) -> Json:
        """The plan.json object of this Unassigned, keys in the document's order."""
        return {
            "resident_id": self.resident_id,
            "reason_code": self.reason_code,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Excluded:
    resident_id: str
    status: str  # vaccinated, refused, contraindicated, ...

    def to_json(self) -> Json:
        """The plan.json object of this Excluded, keys in the document's order."""
        return {"resident_id": self.resident_id, "status": self.status}


#: coverage per priority band: band -> {"eligible": n, "planned": n}
Coverage = Mapping[str, Mapping[str, int]]


@dataclass(frozen=True)
class PlanSummary:
    """The plan's totals (``summary`` in the document). ``PlanSummary.of`` is the one place
    they are counted; a re-plan adds ``changed_assignments`` and ``fixed_stops``."""

    residents: int
    planned: int
    unassigned: int
    excluded: int
    routes: int
    doses: int
    distance_m: int
    travel_s: int
    unassigned_by_reason: Mapping[str, int]
    vials_opened: int | None
    doses_wasted: int | None
    waste_per_dose_given: float | None
    coverage_by_priority: Coverage
    solve_s: float
    solutions_found: int
    changed_assignments: int | None = None
    fixed_stops: int | None = None

    @classmethod
    def of(
        cls,
        routes: Sequence[PlanRoute],
        unassigned: Sequence[Unassigned],
        excluded: Sequence[Excluded],
        coverage: Coverage,
        solve_s: float,
        solutions_found: int,
    ) -> PlanSummary:
        """Count a plan's routes and residents. Every resident is planned, unassigned or
        excluded exactly once (the checker holds plans to it), so that sum is ``residents``."""
        planned = sum(len(r.resident_ids()) for r in routes)
        doses = sum(r.dose_count() for r in routes)
        wasted = sum(r.doses_wasted or 0 for r in routes)
        return cls(
            planned + len(unassigned) + len(excluded),
            planned,
            len(unassigned),
            len(excluded),
            len(routes),
            doses,
            sum(r.distance_m for r in routes),
            sum(r.travel_s for r in routes),
            dict(Counter(u.reason_code for u in unassigned)),
            sum(len(r.vials or ()) for r in routes),
            wasted,
            round(wasted / doses, 4) if doses else 0.0,
            coverage,
            solve_s,
            solutions_found,
        )

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> PlanSummary:
        """The PlanSummary a plan.json object describes (fields added later are optional)."""
        return cls(
            d["residents"],
            d["planned"],
            d["unassigned"],
            d["excluded"],
            d["routes"],
            d["doses"],
            d["distance_m"],
            d["travel_s"],
            d["unassigned_by_reason"],
            d.get("vials_opened"),
            d.get("doses_wasted"),
            d.get("waste_per_dose_given"),
            d["coverage_by_priority"],
            d["solve_s"],
            d["solutions_found"],
            d.get("changed_assignments"),
            d.get("fixed_stops"),
        )

    def to_json(self) -> Json:
        """The plan.json object of this PlanSummary, keys in the document's order."""
        out: Json = {
            "residents": self.residents,
            "planned": self.planned,
            "unassigned": self.unassigned,
            "excluded": self.excluded,
            "routes": self.routes,
            "doses": self.doses,
            "distance_m": self.distance_m,
            "travel_s": self.travel_s,
            "unassigned_by_reason": dict(self.unassigned_by_reason),
        }
        for key in ("vials_opened", "doses_wasted", "waste_per_dose_given"):
            _put(out, key, getattr(self, key))
        out["coverage_by_priority"] = {
            band: dict(c) for band, c in self.coverage_by_priority.items()
        }
        out["solve_s"], out["solutions_found"] = self.solve_s, self.solutions_found
        _put(out, "changed_assignments", self.changed_assignments)
        _put(out, "fixed_stops", self.fixed_stops)
        return out


@dataclass(frozen=True)
class Plan:
    """A whole plan: who is visited by which team, when; who is not and why."""

    plan_id: str
    created_at: str
    start_date: str  # ISO date
    days: int
    travel_model: Mapping[str, Any]
    routes: tuple[PlanRoute, ...]
    unassigned: tuple[Unassigned, ...]
    excluded: tuple[Excluded, ...]
    parameters: Mapping[str, Any]
    summary: PlanSummary
    replanned_from: str | None = None  # the plan a re-plan was made from

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> Plan:
        """Read a plan document (plan.json, or a plan stored by the API)."""
        return cls(
            d["plan_id"],
            d["created_at"],
            d["start_date"],
            d["days"],
            d["travel_model"],
            tuple(PlanRoute.from_json(r) for r in d["routes"]),
            tuple(
                Unassigned(u["resident_id"], u["reason_code"], u["reason"]) for u in d["unassigned"]
            ),
            tuple(Excluded(e["resident_id"], e["status"]) for e in d["excluded"]),
            d["parameters"],
            PlanSummary.from_json(d["summary"]),
            d.get("replanned_from"),
        )

    def to_json(self) -> Json:
        """The plan document, as plan.json holds it."""
        out: Json = {
            "plan_id": self.plan_id,
            "created_at": self.created_at,
            "start_date": self.start_date,
            "days": self.days,
            "travel_model": copy.deepcopy(dict(self.travel_model)),
            "routes": [r.to_json() for r in self.routes],
            "unassigned": [u.to_json() for u in self.unassigned],
            "excluded": [e.to_json() for e in self.excluded],
            "parameters": copy.deepcopy(dict(self.parameters)),
            "summary": self.summary.to_json(),
        }
        _put(out, "replanned_from", self.replanned_from)
        return out

    def resident_ids(self) -> list[str]:
        """Every planned resident, route by route in visit order."""
        return [rid for r in self.routes for rid in r.resident_ids()]

    def routes_of(self, team_id: str, date: str | None = None) -> list[PlanRoute]:
        """The team's routes, all days or one ISO ``date``."""
        return [r for r in self.routes if r.team_id == team_id and (date is None or r.date == date)]

    def stops(self) -> Iterator[tuple[PlanRoute, PlanStop]]:
        """Every stop with its route."""
        return ((r, s) for r in self.routes for s in r.stops)

    def recounted(self) -> Plan:
        """The plan with its summary counted again from its routes (after routes changed);
        the coverage by priority, the solve's figures and the re-plan's counts stay."""
        s = self.summary
        counted = PlanSummary.of(
            self.routes,
            self.unassigned,
            self.excluded,
            s.coverage_by_priority,
            s.solve_s,
            s.solutions_found,
        )
        return replace(
            self,
            summary=replace(
                counted, changed_assignments=s.changed_assignments, fixed_stops=s.fixed_stops
            ),
        )


def resident_ids(routes: Iterable[PlanRoute]) -> list[str]:
    """The residents of these routes, in visit order."""
    return [rid for r in routes for rid in r.resident_ids()]
