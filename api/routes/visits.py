"""Visit outcomes: append-only, idempotent by a client-supplied key."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Body, HTTPException, Query, status
from fastapi.responses import JSONResponse
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.deps import done_document, get_plan
from api.models import VisitRow
from api.schemas import ErrorBody, VisitCreate, VisitPublic
from api.security import PrincipalDep, SessionDep
from api.store import VN, iso_local

router = APIRouter(prefix="/visits", tags=["visits"])


def public(v: VisitRow, duplicate: bool = False) -> dict[str, Any]:
    return {"id": v.id, "resident_id": v.resident_id, "plan_id": v.plan_id,
            "team_id": v.team_id, "outcome": v.outcome, "at": iso_local(v.at),
            "postponed_to": v.postponed_to, "recorded_at": iso_local(v.recorded_at),
            "duplicate": duplicate}


def _same(v: VisitRow, body: VisitCreate, at: dt.datetime) -> bool:
    stored = v.at if v.at.tzinfo else v.at.replace(tzinfo=dt.UTC)
    return (v.resident_id, v.plan_id, v.outcome, v.postponed_to) == (
        body.resident_id, body.plan_id, body.outcome, body.postponed_to) and stored == at


def _existing(session: Session, body: VisitCreate, at: dt.datetime) -> JSONResponse | None:
    found = session.scalar(select(VisitRow).where(
        VisitRow.idempotency_key == body.idempotency_key))
    if found is None:
        return None
    if not _same(found, body, at):
        raise HTTPException(status.HTTP_409_CONFLICT,
                            "idempotency_key already used for a different outcome")
    return JSONResponse(VisitPublic(**public(found, duplicate=True)).model_dump(mode="json"))


@router.post("", status_code=status.HTTP_201_CREATED, response_model=VisitPublic,
             responses={200: {"model": VisitPublic, "description": "already recorded"},
                        404: {"model": ErrorBody}, 409: {"model": ErrorBody}})
def record_visit(session: SessionDep, principal: PrincipalDep,
                 body: Annotated[VisitCreate, Body()]) -> Any:
    """Record an outcome. A retry with the same ``idempotency_key`` records nothing new and
    returns the first record (200); a correction is a new post with a new key."""
    at = (body.at if body.at.tzinfo else body.at.replace(tzinfo=VN)).astimezone(dt.UTC)
    earlier = _existing(session, body, at)
    if earlier is not None:
        return earlier
    document = done_document(get_plan(session, body.plan_id))
    team = next((r["team_id"] for r in document["routes"] for s in r["stops"]
                 if body.resident_id in s["resident_ids"]), None)
    if team is None or not principal.may_see_team(team):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such resident in this plan")
    row = VisitRow(idempotency_key=body.idempotency_key, resident_id=body.resident_id,
                   plan_id=body.plan_id, team_id=team, outcome=body.outcome, at=at,
                   postponed_to=body.postponed_to, lat=body.lat, lon=body.lon,
                   token_id=principal.token_id)
    session.add(row)
    try:
        session.commit()
    except IntegrityError:  # the same key posted twice at once: the other one won
        session.rollback()
        again = _existing(session, body, at)
        if again is None:
            raise
        return again
    return public(row)


@router.get("", response_model=list[VisitPublic])
def list_visits(session: SessionDep, principal: PrincipalDep,
                plan_id: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None,
                team_id: str | None = None,
                limit: Annotated[int, Query(ge=1, le=10_000)] = 1000) -> list[dict[str, Any]]:
    """Planner: all outcomes. Team leader: the own team's only."""
    query = select(VisitRow).order_by(VisitRow.at, VisitRow.id).limit(limit)
    if plan_id is not None:
        query = query.where(VisitRow.plan_id == plan_id)
    if not principal.is_planner:
        if team_id not in (None, principal.team_id):
            raise HTTPException(status.HTTP_404_NOT_FOUND, "no such team")
        team_id = principal.team_id
    if team_id is not None:
        query = query.where(VisitRow.team_id == team_id)
    return [public(v) for v in session.scalars(query)]
