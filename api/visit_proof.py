"""Proof of visit (issue 22, item 5): how far from its stop an outcome was recorded.

A tablet may send the device's position with an outcome (``lat``/``lon``, stored in VisitRow).
The distance to the stop where the visit's plan (its ``plan_id`` document) put that resident is
computed here on read, with the planner's one haversine (planner/geo.py), so no column or
migration is needed and a plan's stops stay the single source of where a visit should be. An
outcome recorded more than FAR_FROM_STOP_M from its stop is flagged on the API, the board and
the report. Positions are personal data: this module returns distances only, and nothing here
logs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.models import PlanRow, VisitRow
from planner.geo import haversine_m

#: an outcome recorded further than this from its stop (metres) is flagged "far from the
#: stop": a GPS fix in a hamlet is good to a few tens of metres, a household's door a walk
#: from where the planner put the stop; 150 m is the issue's figure (issue 22, item 5)
FAR_FROM_STOP_M = 150.0

#: resident id -> (lat, lon) of the stop the plan put the resident at
StopPositions = dict[str, tuple[float, float]]


@dataclass(frozen=True)
class Proof:
    """Where an outcome was recorded relative to its stop: the distance in metres (one
    decimal) and whether it is beyond FAR_FROM_STOP_M; both None when the outcome carries no
    position or the resident is not in the plan's routes."""

    distance_m: float | None = None
    far_from_stop: bool | None = None


def stop_positions(document: Mapping[str, Any] | None) -> StopPositions:
    """Each resident's stop position in a plan document (the first stop naming the resident:
    a plan visits a resident once). An empty map for a plan without routes."""
    out: StopPositions = {}
    for route in (document or {}).get("routes") or ():
        for stop in route.get("stops") or ():
            for rid in stop["resident_ids"]:
                out.setdefault(rid, (float(stop["lat"]), float(stop["lon"])))
    return out


def proof_of(lat: float | None, lon: float | None, stop: tuple[float, float] | None) -> Proof:
    """The proof of one outcome recorded at (lat, lon) for a resident planned at ``stop``."""
    if lat is None or lon is None or stop is None:
        return Proof()
    distance = float(haversine_m(lat, lon, stop[0], stop[1]))
    return Proof(round(distance, 1), distance > FAR_FROM_STOP_M)


class StopFinder:
    """Reads each plan's stop positions once per request, for many visits of few plans."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._plans: dict[int, StopPositions] = {}

    def positions(self, plan_id: int) -> StopPositions:
        """The plan's stop positions by resident (empty for a missing or unsolved plan)."""
        if plan_id not in self._plans:
            document = self._session.scalar(select(PlanRow.document).where(PlanRow.id == plan_id))
            self._plans[plan_id] = stop_positions(document)
        return self._plans[plan_id]

    def proof(self, visit: VisitRow) -> Proof:
        """The proof of a stored outcome, against its own plan's stop."""
        if visit.lat is None or visit.lon is None:
            return Proof()
        stop = self.positions(visit.plan_id).get(visit.resident_id)
        return proof_of(visit.lat, visit.lon, stop)
