"""Visit outcomes: append-only, idempotent by a key of the team's own, dated near the clock."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Body, HTTPException, Query, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import AfterValidator
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.deps import SettingsDep, done_plan, visible_plan
from api.limits import no_control_characters
from api.models import ResidentRow, VisitRow
from api.schemas import ErrorBody, VisitCreate, VisitPublic
from api.security import Principal, PrincipalDep, SessionDep
from api.store import VN, iso_local
from api.visit_proof import Proof, StopFinder, proof_of

router = APIRouter(prefix="/visits", tags=["visits"])
#: how far ahead of the server's clock a device's clock may run
FUTURE_SKEW = dt.timedelta(minutes=10)


def public(v: VisitRow, proof: Proof, duplicate: bool = False) -> dict[str, Any]:
    """A stored outcome as the API shows it: with its distance to the stop (api/visit_proof.py),
    never the position it was recorded at."""
    return {
        "id": v.id,
        "resident_id": v.resident_id,
        "plan_id": v.plan_id,
        "team_id": v.team_id,
        "outcome": v.outcome,
        "at": iso_local(v.at),
        "postponed_to": v.postponed_to,
        "note": v.note,
        "recorded_at": iso_local(v.recorded_at),
        "distance_m": proof.distance_m,
        "far_from_stop": proof.far_from_stop,
        "duplicate": duplicate,
    }


def _same(v: VisitRow, body: VisitCreate, at: dt.datetime) -> bool:
    stored = v.at if v.at.tzinfo else v.at.replace(tzinfo=dt.UTC)
    return (v.resident_id, v.plan_id, v.outcome, v.postponed_to, v.note) == (
        body.resident_id,
        body.plan_id,
        body.outcome,
        body.postponed_to,
        body.note,
    ) and stored == at


def _existing(
    session: Session, team: str, body: VisitCreate, at: dt.datetime, stop: tuple[float, float]
) -> JSONResponse | None:
    """The team's earlier post with this key: the same outcome again is a retry (200), another
    outcome a 409. Only the team's own keys are looked at: another team's never show."""
    found = session.scalar(
        select(VisitRow).where(
            VisitRow.team_id == team, VisitRow.idempotency_key == body.idempotency_key
        )
    )
    if found is None:
        return None
    if not _same(found, body, at):
        raise HTTPException(
            status.HTTP_409_CONFLICT, "idempotency_key already used for a different outcome"
        )
    proof = proof_of(found.lat, found.lon, stop)
    return JSONResponse(VisitPublic(**public(found, proof, duplicate=True)).model_dump(mode="json"))


def _checked_at(body: VisitCreate, max_age_days: int) -> dt.datetime:
    """``at`` in UTC, refused (422 on ``at``) unless it lies between ``max_age_days`` before
    the server's clock and FUTURE_SKEW after it: the latest ``at`` wins, so an outcome dated
    2099 would override every real correction, and one dated years back means a wrong clock."""
    at = (body.at if body.at.tzinfo else body.at.replace(tzinfo=VN)).astimezone(dt.UTC)
    now = dt.datetime.now(dt.UTC)
    if now - dt.timedelta(days=max_age_days) <= at <= now + FUTURE_SKEW:
        return at
    days = f"{max_age_days} day{'s' if max_age_days != 1 else ''}"
    raise RequestValidationError(
        [
            {
                "type": "value_error",
                "loc": ("body", "at"),
                "input": body.at.isoformat(),
                "msg": f"must be at most {days} before and at most 10 minutes after the server's "
                f"clock ({iso_local(now)}): check the device's date and time",
            }
        ]
    )


def _team_of(
    session: Session, principal: Principal, body: VisitCreate
) -> tuple[str, tuple[float, float]]:
    """The resident's team in the plan and the stop's position (for the distance to it);
    404 unless the principal may record for it."""
    plan = done_plan(visible_plan(session, body.plan_id, principal))
    found = next(((r, s) for r, s in plan.stops() if body.resident_id in s.resident_ids), None)
    if (
        found is None
        or not principal.may_see_team(found[0].team_id)
        or _deleted(session, body.resident_id)
    ):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such resident in this plan")
    return str(found[0].team_id), (found[1].lat, found[1].lon)


def _deleted(session: Session, resident_id: str) -> bool:
    """A resident a planner deleted takes no new outcomes (nor the GPS points they carry)."""
    return (
        session.scalar(select(ResidentRow.deleted_at).where(ResidentRow.resident_id == resident_id))
        is not None
    )


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=VisitPublic,
    responses={
        200: {"model": VisitPublic, "description": "already recorded"},
        404: {"model": ErrorBody},
        409: {"model": ErrorBody},
        422: {"description": "invalid body, or `at` far from the clock"},
    },
)
def record_visit(
    session: SessionDep,
    principal: PrincipalDep,
    settings: SettingsDep,
    body: Annotated[VisitCreate, Body()],
) -> Any:
    """Record an outcome. Which outcome counts: the one with the latest ``at`` (of equal
    ``at``s, the one recorded last), so ``at`` must be near the server's clock: at most 10
    minutes ahead, at most VAXROUTE_VISIT_MAX_AGE_DAYS (60) days back, else 422. A correction
    is a new post with a new key and a later ``at``.

    Keys are each team's own (the visit's team, whoever posts): a retry with the same key
    returns the first record (200), the same key with another outcome is a 409. Whether the
    principal may record for the resident is checked before any key is looked at, so a key
    says nothing about another team's visits: another team's key records a visit of one's
    own, or is a 404 when the resident is not one's own."""
    at = _checked_at(body, settings.visit_max_age_days)
    team, stop = _team_of(session, principal, body)
    earlier = _existing(session, team, body, at, stop)
    if earlier is not None:
        return earlier
    row = VisitRow(
        idempotency_key=body.idempotency_key,
        resident_id=body.resident_id,
        plan_id=body.plan_id,
        team_id=team,
        outcome=body.outcome,
        at=at,
        postponed_to=body.postponed_to,
        note=body.note,
        lat=body.lat,
        lon=body.lon,
        token_id=principal.token_id,
    )
    session.add(row)
    try:
        session.commit()
    except IntegrityError:  # the same key posted twice at once: the other one won
        session.rollback()
        again = _existing(session, team, body, at, stop)
        if again is None:
            raise
        return again
    return public(row, proof_of(row.lat, row.lon, stop))


#: a team id in a query: what the teams table holds (String(100)), no control characters
TeamQuery = Annotated[
    str | None, Query(min_length=1, max_length=100), AfterValidator(no_control_characters)
]


@router.get("", response_model=list[VisitPublic])
def list_visits(
    session: SessionDep,
    principal: PrincipalDep,
    plan_id: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None,
    team_id: TeamQuery = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
) -> list[dict[str, Any]]:
    """Planner: all outcomes. Team leader: the own team's only. Each with its distance to
    the stop, when a position was sent."""
    query = select(VisitRow).order_by(VisitRow.at, VisitRow.id).limit(limit)
    if plan_id is not None:
        query = query.where(VisitRow.plan_id == plan_id)
    if not principal.is_planner:
        if team_id not in (None, principal.team_id):
            raise HTTPException(status.HTTP_404_NOT_FOUND, "no such team")
        team_id = principal.team_id
    if team_id is not None:
        query = query.where(VisitRow.team_id == team_id)
    stops = StopFinder(session)
    return [public(v, stops.proof(v)) for v in session.scalars(query)]
