"""Plans: create (solved in the background), read, re-plan, cancel. A done plan never changes.

The solver queue is bounded (``VAXROUTE_MAX_QUEUED`` plans waiting, per database): beyond it a
new plan or re-plan is refused with 429 and nothing is stored, since every queued plan costs its
time limit of solver time before the next one starts."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Body, HTTPException, Query, Request, status
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api import plan_states
from api.deps import PlanId, done_document, get_plan, view_for
from api.jobs import REPLAN_LOCK
from api.models import JobLock, PlanRow
from api.schemas import ErrorBody, PlanCreate, PlanCreated, PlanPublic, ReplanCreate
from api.security import PlannerDep, PrincipalDep, SessionDep
from api.store import VN, iso_local

router = APIRouter(prefix="/plans", tags=["plans"])


def public(row: PlanRow, document: dict[str, Any] | None) -> dict[str, Any]:
    return {"id": row.id, "version": row.version, "status": row.status,
            "progress": row.progress, "start_date": row.start_date, "days": row.days,
            "parent_id": row.parent_id, "changed_assignments": row.changed_assignments,
            "error": row.error, "created_at": iso_local(row.created_at),
            "finished_at": iso_local(row.finished_at) if row.finished_at else None,
            "plan": document}


def _new_plan(session: Session, request: Request, **values: Any) -> PlanRow:
    """Insert with the next version number (unique; retried if two requests race), or 429 when
    the queue is full. Counted after the insert, with creation serialised (PostgreSQL: an
    advisory lock; SQLite: the insert's write lock), so two requests cannot both take the
    last place."""
    limit = request.app.state.settings.max_queued
    for _ in range(5):
        plan_states.serialise_creation(session)
        version = (session.scalar(select(func.max(PlanRow.version))) or 0) + 1
        row = PlanRow(version=version, status="queued", progress=0.0, **values)
        session.add(row)
        try:
            session.flush()
        except IntegrityError:
            session.rollback()
            continue
        if plan_states.queued(session) > limit:
            session.rollback()
            raise HTTPException(status.HTTP_429_TOO_MANY_REQUESTS, (
                f"the solver queue is full ({limit} plans waiting, VAXROUTE_MAX_QUEUED): "
                "wait for one to start, or cancel one (POST /plans/{id}/cancel)"))
        return row
    raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "busy: try again")


QUEUE_FULL: dict[int | str, dict[str, Any]] = {
    429: {"model": ErrorBody, "description": "the solver queue is full"}}


@router.post("", status_code=status.HTTP_202_ACCEPTED, response_model=PlanCreated,
             responses=QUEUE_FULL)
def create_plan(request: Request, session: SessionDep, _: PlannerDep,
                body: Annotated[PlanCreate, Body()]) -> dict[str, Any]:
    """Queue a plan for ``days`` days from ``start_date``; poll ``GET /plans/{id}``."""
    limit = body.time_limit_s or request.app.state.settings.default_time_limit_s
    row = _new_plan(session, request, start_date=body.start_date, days=body.days,
                    time_limit_s=limit)
    session.commit()
    request.app.state.jobs.submit(row.id)
    return {"id": row.id, "status": row.status, "version": row.version}


@router.get("", response_model=list[PlanPublic])
def list_plans(session: SessionDep, _: PrincipalDep,
               limit: Annotated[int, Query(ge=1, le=500)] = 50) -> list[dict[str, Any]]:
    rows = session.scalars(select(PlanRow).order_by(PlanRow.version.desc()).limit(limit))
    return [public(r, None) for r in rows]


@router.get("/{plan_id}", response_model=PlanPublic)
def read_plan(plan_id: PlanId, session: SessionDep, principal: PrincipalDep) -> dict[str, Any]:
    """Status and progress; when done, the plan (a team leader sees the own team's routes)."""
    row = get_plan(session, plan_id)
    document = view_for(row.document, principal) if row.document else None
    return public(row, document)


@router.post("/{plan_id}/replan", status_code=status.HTTP_202_ACCEPTED,
             response_model=PlanCreated,
             responses={409: {"model": ErrorBody, "description": "a re-plan is running"},
                        **QUEUE_FULL})
def replan_plan(plan_id: PlanId, request: Request, session: SessionDep, _: PlannerDep,
                body: Annotated[ReplanCreate | None, Body()] = None) -> dict[str, Any]:
    """A new version from today's state: done visits kept, routes under way fixed up to the
    team's current stop, the previous plan as warm start; only one re-plan runs at a time
    (its lock ends with its plan: finished, cancelled, or its solver silent)."""
    body = body or ReplanCreate()
    parent = get_plan(session, plan_id)
    done_document(parent)
    as_of = (body.as_of or dt.datetime.now(VN))
    if as_of.tzinfo is None:
        as_of = as_of.replace(tzinfo=VN)
    start = as_of.astimezone(VN).date()
    parent_end = parent.start_date + dt.timedelta(days=parent.days - 1)
    days = body.days or max(1, (parent_end - start).days + 1)
    limit = body.time_limit_s or request.app.state.settings.default_time_limit_s
    plan_states.expire_locks(session, REPLAN_LOCK, request.app.state.settings.solver_stale_s)
    row = _new_plan(session, request, start_date=start, days=days, time_limit_s=limit,
                    parent_id=parent.id, as_of=as_of.astimezone(dt.UTC))
    session.add(JobLock(name=REPLAN_LOCK, plan_id=row.id))
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        running = session.get(JobLock, REPLAN_LOCK)
        which = f" (plan {running.plan_id})" if running else ""
        raise HTTPException(status.HTTP_409_CONFLICT,
                            f"a re-plan is already running{which}; wait for it to finish"
                            ) from None
    request.app.state.jobs.submit(row.id)
    return {"id": row.id, "status": row.status, "version": row.version}


@router.post("/{plan_id}/cancel", response_model=PlanPublic,
             responses={404: {"model": ErrorBody, "description": "no such plan"},
                        409: {"model": ErrorBody, "description": "the plan already finished"}})
def cancel_plan(plan_id: PlanId, session: SessionDep, _: PlannerDep) -> dict[str, Any]:
    """Cancel a queued plan (it is never solved) or one being solved: its solver notices
    within a second (its heartbeat), stops, and the next plan gets a fresh solver. A done,
    failed or cancelled plan stays as it is (409)."""
    row = get_plan(session, plan_id)
    if not plan_states.cancel(session, plan_id):
        session.refresh(row)
        raise HTTPException(status.HTTP_409_CONFLICT, (
            f"the plan is {row.status}: only a queued or solving plan can be cancelled"))
    session.refresh(row)
    return public(row, None)
