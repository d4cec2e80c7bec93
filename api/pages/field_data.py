"""What the field app's pages show (api/pages/field.py): a team's day in the published plan,
each stop's residents as a team leader may see them, the outcomes recorded so far, and what
changed for the team since a plan version the tablet saw.

Residents appear by initials, age, the dose due, the needs-doctor flag, phone, address and the
team's notes: never a full name or a condition (Decree 13/2023).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.models import PlanRow, ResidentRow
from api.pages.board import day_visits
from api.plan_requests import current_plan
from api.store import resident_from_row
from planner.outcomes import NOT_VISITED


@dataclass(frozen=True)
class Person:
    """A resident as the stop page shows them."""

    resident_id: str
    initials: str
    age: int | None
    dose_due: int
    needs_doctor: bool
    phone: str
    address: str
    notes: str
    state: str  # an outcome code, or NOT_VISITED
    postponed_to: dt.date | None


@dataclass
class Stop:
    """A stop of the team's day: its place in the order, arrival and residents."""

    seq: int
    arrival: str  # HH:MM
    resident_ids: list[str]
    people: list[Person] = field(default_factory=list)

    @property
    def done(self) -> bool:
        return bool(self.people) and all(p.state != NOT_VISITED for p in self.people)

    @property
    def initials(self) -> str:
        return ", ".join(p.initials for p in self.people if p.initials)


@dataclass
class TeamDay:
    """The team's route on a day of the plan it follows, and that plan's days."""

    plan: PlanRow
    day: dt.date
    route: dict[str, Any] | None
    stops: list[Stop]

    @property
    def days(self) -> list[dt.date]:
        return [self.plan.start_date + dt.timedelta(days=k) for k in range(self.plan.days)]

    def stop(self, seq: int) -> Stop | None:
        return next((s for s in self.stops if s.seq == seq), None)

    def after(self, seq: int) -> Stop | None:
        later = [s for s in self.stops if s.seq > seq]
        return later[0] if later else None

    def product_at(self, seq: int) -> tuple[str, int | None, int | None]:
        """The vaccine the team gives at stop ``seq``: the product of the plan's vial that
        serves it (its number and the stop it was opened at), else the team's vaccine."""
        route = self.route or {}
        for vial in route.get("vials") or []:
            if seq in vial.get("stops", []):
                return str(vial["product"]), int(vial["vial"]), int(vial["opened_at_stop"])
        return str(route.get("vaccine") or ""), None, None


def _route(document: dict[str, Any] | None, team_id: str, day: dt.date) -> dict[str, Any] | None:
    for route in (document or {}).get("routes", []):
        if route["team_id"] == team_id and route["date"] == day.isoformat():
            return dict(route)
    return None


def _people(session: Session, ids: list[str], day: dt.date) -> dict[str, Person]:
    """resident id -> Person, with the resident's latest outcome recorded on ``day``."""
    latest = {v.resident_id: v for v in day_visits(session, day) if v.resident_id in set(ids)}
    out: dict[str, Person] = {}
    for k in range(0, len(ids), 500):
        query = select(ResidentRow).where(
            ResidentRow.resident_id.in_(ids[k : k + 500]), ResidentRow.deleted_at.is_(None)
        )
        for row in session.scalars(query):
            r = resident_from_row(row)
            visit = latest.get(r.resident_id)
            out[r.resident_id] = Person(
                r.resident_id,
                r.initials,
                r.age,
                r.doses_received + 1,
                r.needs_doctor,
                r.phone,
                r.address,
                r.notes,
                visit.outcome if visit else NOT_VISITED,
                visit.postponed_to if visit else None,
            )
    return out


def team_day(session: Session, team_id: str, day: dt.date) -> TeamDay | None:
    """The team's ``day`` in the newest published plan covering it; None without such a plan
    (a plan without a route for the team that day is a TeamDay with ``route`` None)."""
    plan = current_plan(session, day)
    if plan is None or not plan.document:
        return None
    route = _route(plan.document, team_id, day)
    stops = [
        Stop(int(s["seq"]), str(s["arrival"])[11:16], list(s["resident_ids"]))
        for s in (route or {}).get("stops", [])
    ]
    people = _people(session, [rid for s in stops for rid in s.resident_ids], day)
    for stop in stops:
        stop.people = [people[rid] for rid in stop.resident_ids if rid in people]
    return TeamDay(plan, day, route, stops)


@dataclass(frozen=True)
class Changes:
    """What changed in the team's day between two plan versions, by initials."""

    added: list[str]
    removed: list[str]
    moved: list[str]

    def to_json(self) -> dict[str, list[str]]:
        return {"added": self.added, "removed": self.removed, "moved": self.moved}


def changes_since(session: Session, now: TeamDay, team_id: str, version: int) -> Changes | None:
    """The team's changes on ``now.day`` from plan ``version`` to the plan it follows now; None
    when that version is not a plan the team could have seen (unknown, or not published)."""
    old = session.scalar(
        select(PlanRow).where(
            PlanRow.version == version, PlanRow.status == "done", PlanRow.published_at.is_not(None)
        )
    )
    if old is None:
        return None
    before = [
        rid
        for s in (_route(old.document, team_id, now.day) or {}).get("stops", [])
        for rid in s["resident_ids"]
    ]
    after = [rid for s in now.stops for rid in s.resident_ids]
    kept_before = [rid for rid in before if rid in set(after)]
    kept_after = [rid for rid in after if rid in set(before)]
    moved = [rid for rid, other in zip(kept_after, kept_before, strict=True) if rid != other]
    names = {
        rid: p.initials
        for rid, p in _people(session, sorted(set(before) | set(after)), now.day).items()
    }
    return Changes(
        [names.get(r, "?") for r in after if r not in set(before)],
        [names.get(r, "?") for r in before if r not in set(after)],
        [names.get(r, "?") for r in moved],
    )
