"""Plans: create (solved in the background), read, re-plan, publish, cancel. A done plan never
changes.

Queueing and its refusals (429 queue full, 409 a re-plan running) live in api/plan_requests.py,
shared with the console's pages."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, HTTPException, Query, status
from sqlalchemy import select

from api import plan_requests, plan_states
from api.deps import (
    JobsDep,
    PlanId,
    SettingsDep,
    done_document,
    get_plan,
    view_for,
    visible_plan,
)
from api.models import PlanRow
from api.schemas import ErrorBody, PlanCreate, PlanCreated, PlanPublic, ReplanCreate
from api.security import PlannerDep, PrincipalDep, SessionDep
from api.store import iso_local

router = APIRouter(prefix="/plans", tags=["plans"])


def public(row: PlanRow, document: dict[str, Any] | None) -> dict[str, Any]:
    return {
        "id": row.id,
        "version": row.version,
        "status": row.status,
        "progress": row.progress,
        "best_planned": row.best_planned,
        "best_coverage": row.best_coverage,
        "areas_done": row.areas_done,
        "areas_total": row.areas_total,
        "start_date": row.start_date,
        "days": row.days,
        "parent_id": row.parent_id,
        "changed_assignments": row.changed_assignments,
        "error": row.error,
        "created_at": iso_local(row.created_at),
        "finished_at": iso_local(row.finished_at) if row.finished_at else None,
        "published_at": iso_local(row.published_at) if row.published_at else None,
        "requested_by": row.requested_by,
        "plan": document,
    }


def refused(exc: Exception) -> HTTPException:
    """A plan request the queue turned down, as its HTTP answer."""
    if isinstance(exc, plan_requests.QueueFull):
        return HTTPException(status.HTTP_429_TOO_MANY_REQUESTS, str(exc))
    if isinstance(exc, plan_requests.ReplanRunning):
        return HTTPException(status.HTTP_409_CONFLICT, str(exc))
    return HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, str(exc))


REFUSALS = (plan_requests.QueueFull, plan_requests.ReplanRunning, plan_requests.Busy)
QUEUE_FULL: dict[int | str, dict[str, Any]] = {
    429: {"model": ErrorBody, "description": "the solver queue is full"}
}


@router.post(
    "", status_code=status.HTTP_202_ACCEPTED, response_model=PlanCreated, responses=QUEUE_FULL
)
def create_plan(
    session: SessionDep,
    principal: PlannerDep,
    settings: SettingsDep,
    jobs: JobsDep,
    body: Annotated[PlanCreate, Body()],
) -> dict[str, Any]:
    """Queue a plan for ``days`` days from ``start_date``; poll ``GET /plans/{id}``."""
    try:
        row = plan_requests.queue_plan(
            session,
            settings,
            jobs,
            start_date=body.start_date,
            days=body.days,
            time_limit_s=body.time_limit_s,
            requested_by=principal.who,
        )
    except REFUSALS as exc:
        raise refused(exc) from None
    return {"id": row.id, "status": row.status, "version": row.version}


@router.get("", response_model=list[PlanPublic])
def list_plans(
    session: SessionDep, principal: PrincipalDep, limit: Annotated[int, Query(ge=1, le=500)] = 50
) -> list[dict[str, Any]]:
    """The newest plans first; a team leader sees published plans only."""
    query = select(PlanRow).order_by(PlanRow.version.desc()).limit(limit)
    if not principal.is_planner:
        query = query.where(PlanRow.published_at.is_not(None))
    return [public(r, None) for r in session.scalars(query)]


@router.get("/{plan_id}", response_model=PlanPublic)
def read_plan(plan_id: PlanId, session: SessionDep, principal: PrincipalDep) -> dict[str, Any]:
    """Status and progress; when done, the plan (a team leader sees the own team's routes,
    of a published plan only: a draft re-plan is a 404 to them)."""
    row = visible_plan(session, plan_id, principal)
    document = view_for(row.document, principal) if row.document else None
    return public(row, document)


@router.post(
    "/{plan_id}/replan",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=PlanCreated,
    responses={409: {"model": ErrorBody, "description": "a re-plan is running"}, **QUEUE_FULL},
)
def replan_plan(
    plan_id: PlanId,
    session: SessionDep,
    principal: PlannerDep,
    settings: SettingsDep,
    jobs: JobsDep,
    body: Annotated[ReplanCreate | None, Body()] = None,
) -> dict[str, Any]:
    """A new version from today's state: done visits kept, routes under way fixed up to the
    team's current stop, the previous plan as warm start; only one re-plan runs at a time
    (its lock ends with its plan: finished, cancelled, or its solver silent). The new
    version is a draft until a planner publishes it."""
    body = body or ReplanCreate()
    parent = get_plan(session, plan_id)
    done_document(parent)
    try:
        row = plan_requests.queue_replan(
            session,
            settings,
            jobs,
            parent,
            as_of=body.as_of,
            days=body.days,
            time_limit_s=body.time_limit_s,
            requested_by=principal.who,
        )
    except REFUSALS as exc:
        raise refused(exc) from None
    return {"id": row.id, "status": row.status, "version": row.version}


@router.post(
    "/{plan_id}/cancel",
    response_model=PlanPublic,
    responses={
        404: {"model": ErrorBody, "description": "no such plan"},
        409: {"model": ErrorBody, "description": "the plan already finished"},
    },
)
def cancel_plan(plan_id: PlanId, session: SessionDep, _: PlannerDep) -> dict[str, Any]:
    """Cancel a queued plan (it is never solved) or one being solved: its solver notices
    within a second (its heartbeat), stops, and the next plan gets a fresh solver. A done,
    failed or cancelled plan stays as it is (409)."""
    row = get_plan(session, plan_id)
    if not plan_states.cancel(session, plan_id):
        session.refresh(row)
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            (f"the plan is {row.status}: only a queued or solving plan can be cancelled"),
        )
    session.refresh(row)
    return public(row, None)


@router.post(
    "/{plan_id}/publish",
    response_model=PlanPublic,
    responses={
        404: {"model": ErrorBody, "description": "no such plan"},
        409: {"model": ErrorBody, "description": "the plan is not done"},
    },
)
def publish_plan(plan_id: PlanId, session: SessionDep, _: PlannerDep) -> dict[str, Any]:
    """Publish a done plan: from now on team leaders receive it (``GET /plans/{id}`` and its
    team files) and the day's board and report follow it. A re-plan is a draft until then; a
    plan for new dates is published when it is done. Publishing again changes nothing (the
    first ``published_at`` stays); a plan that is not done is a 409."""
    row = get_plan(session, plan_id)
    if not plan_requests.publish(session, row):
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            (f"the plan is {row.status}: only a done plan can be published"),
        )
    return public(row, None)
