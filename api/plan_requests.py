"""Asking for plans: a new plan or a re-plan queued for the solver, shared by the JSON routes
(api/routes/plans.py) and the console's pages, and publication (which version teams receive).

A plan for new dates is published when it is done; a re-plan is a draft until a planner
publishes it (``publish``). Team leaders and the day's board and report follow the newest
published plan (``current_plan``).

The solver queue is bounded (``VAXROUTE_MAX_QUEUED`` plans waiting, per database): beyond it a
request is refused with :class:`QueueFull` and nothing is stored, since every queued plan costs
its time limit of solver time before the next one starts.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, defer

from api import plan_states
from api.jobs import REPLAN_LOCK, JobRunner
from api.models import JobLock, PlanRow, now
from api.settings import Settings
from api.store import VN


class QueueFull(Exception):
    """The solver queue is full: nothing was stored."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            f"the solver queue is full ({limit} plans waiting, VAXROUTE_MAX_QUEUED): wait for "
            "one to start, or cancel one (POST /plans/{id}/cancel)"
        )
        self.limit = limit


class ReplanRunning(Exception):
    """Another re-plan is being solved: only one at a time."""

    def __init__(self, plan_id: int | None) -> None:
        which = f" (plan {plan_id})" if plan_id else ""
        super().__init__(f"a re-plan is already running{which}; wait for it to finish")
        self.plan_id = plan_id


class Busy(Exception):
    """Plan creation kept racing with other requests: try again."""


def _new_plan(session: Session, settings: Settings, **values: Any) -> PlanRow:
    """Insert with the next version number (unique; retried if two requests race), or
    :class:`QueueFull`. Counted after the insert, with creation serialised (PostgreSQL: an
    advisory lock; SQLite: the insert's write lock), so two requests cannot both take the
    last place."""
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
        if plan_states.queued(session) > settings.max_queued:
            session.rollback()
            raise QueueFull(settings.max_queued)
        return row
    raise Busy("busy: try again")


def queue_plan(
    session: Session,
    settings: Settings,
    jobs: JobRunner,
    *,
    start_date: dt.date,
    days: int,
    time_limit_s: float | None,
    requested_by: str,
    settings_toml: str | None = None,
) -> PlanRow:
    """A plan for ``days`` days from ``start_date``, queued for the solver and committed.
    ``settings_toml``: a settings file for this plan, already checked
    (api/plan_settings.py)."""
    row = _new_plan(
        session,
        settings,
        start_date=start_date,
        days=days,
        time_limit_s=time_limit_s or settings.default_time_limit_s,
        requested_by=requested_by,
        settings_toml=settings_toml,
    )
    session.commit()
    jobs.submit(row.id)
    return row


def queue_replan(
    session: Session,
    settings: Settings,
    jobs: JobRunner,
    parent: PlanRow,
    *,
    as_of: dt.datetime | None,
    days: int | None,
    time_limit_s: float | None,
    requested_by: str,
) -> PlanRow:
    """A new version of ``parent`` from the state at ``as_of`` (default now; naive = Viet Nam
    time) covering ``days`` days (default: to the end of the parent's days), queued and
    committed, with the parent's own settings file if it had one; :class:`ReplanRunning` if
    another re-plan holds the lock."""
    moment = as_of or dt.datetime.now(VN)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=VN)
    start = moment.astimezone(VN).date()
    parent_end = parent.start_date + dt.timedelta(days=parent.days - 1)
    days = days or max(1, (parent_end - start).days + 1)
    plan_states.expire_locks(session, REPLAN_LOCK, settings.solver_stale_s)
    row = _new_plan(
        session,
        settings,
        start_date=start,
        days=days,
        time_limit_s=time_limit_s or settings.default_time_limit_s,
        parent_id=parent.id,
        as_of=moment.astimezone(dt.UTC),
        requested_by=requested_by,
        settings_toml=parent.settings_toml,
    )
    session.add(JobLock(name=REPLAN_LOCK, plan_id=row.id))
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        running = session.get(JobLock, REPLAN_LOCK)
        raise ReplanRunning(running.plan_id if running else None) from None
    jobs.submit(row.id)
    return row


def publish(session: Session, row: PlanRow) -> bool:
    """Publish a done plan (idempotent): from now on teams receive it. False if not done."""
    if row.status != "done" or row.document is None:
        return False
    if row.published_at is None:
        row.published_at = now()
        session.commit()
    return True


def current_plan(session: Session, day: dt.date) -> PlanRow | None:
    """The newest published plan whose days include ``day`` (what teams work from)."""
    query = (
        select(PlanRow)
        .options(defer(PlanRow.document))
        .where(
            PlanRow.status == "done", PlanRow.published_at.is_not(None), PlanRow.start_date <= day
        )
        .order_by(PlanRow.version.desc())
    )
    for row in session.scalars(query):
        if day < row.start_date + dt.timedelta(days=row.days):
            return row
    return None
