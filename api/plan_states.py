"""A plan's life in the plans table: queued -> solving -> done | failed | cancelled.

Every change is one conditional UPDATE, so two solvers, two servers on one PostgreSQL, a watchdog
and a planner pressing "cancel" can race without a plan being solved twice or finished twice:

* a solver *claims* a queued plan (``status='queued'`` -> ``'solving'``, ``attempts + 1``); one
  that loses the race skips it;
* while solving it writes ``heartbeat_at`` for (plan, attempt) and stops when that row is no
  longer its own (cancelled, or re-queued after it was taken for dead);
* its result is written only if the plan is still its own (same status and attempt);
* a plan whose solver died is failed with the reason, or re-queued once (``MAX_ATTEMPTS``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ColumnElement, and_, case, delete, func, or_, select, text, update
from sqlalchemy.orm import Session

from api.models import JobLock, PlanRow, now

ACTIVE = ("queued", "solving")
#: a plan is taken by a solver at most this often: re-queued once after its solver was lost
MAX_ATTEMPTS = 2
#: a plan's search figures before its (next) search begins
NO_PROGRESS: dict[str, Any] = {
    "progress": 0.0,
    "best_planned": None,
    "best_coverage": None,
    "areas_done": None,
    "areas_total": None,
}
#: serialises plan creation on PostgreSQL, so the queue bound is exact (any constant would do)
CREATE_LOCK_KEY = 0x7661785F706C616E


def _mine(plan_id: int, attempt: int) -> ColumnElement[bool]:
    """The row as the solver that claimed it left it: still solving, same attempt."""
    return and_(PlanRow.id == plan_id, PlanRow.status == "solving", PlanRow.attempts == attempt)


def _stale(cutoff: dt.datetime) -> ColumnElement[bool]:
    return and_(
        PlanRow.status == "solving",
        or_(PlanRow.heartbeat_at.is_(None), PlanRow.heartbeat_at < cutoff),
    )


def _drop_lock(session: Session, plan_id: int) -> None:
    session.execute(delete(JobLock).where(JobLock.plan_id == plan_id))


def claim_next(session: Session) -> tuple[int, int] | None:
    """Take the oldest queued plan for this solver: (plan id, attempt), or None when nothing is
    queued. A plan another solver claimed between the read and the write is skipped."""
    for _ in range(10):
        row = session.execute(
            select(PlanRow.id, PlanRow.attempts)
            .where(PlanRow.status == "queued")
            .order_by(PlanRow.id)
            .limit(1)
        ).first()
        if row is None:
            return None
        plan_id, attempts = row
        stamp = now()
        taken = session.execute(
            update(PlanRow)
            .where(PlanRow.id == plan_id, PlanRow.status == "queued", PlanRow.attempts == attempts)
            .values(
                status="solving",
                attempts=PlanRow.attempts + 1,
                started_at=stamp,
                heartbeat_at=stamp,
                **NO_PROGRESS,
            )
        )
        session.commit()
        if taken.rowcount == 1:  # type: ignore[attr-defined]
            return plan_id, attempts + 1
    return None


def beat(session: Session, plan_id: int, attempt: int, **values: Any) -> bool:
    """Heartbeat (and progress) of a plan being solved; False: the plan is no longer ours."""
    done = session.execute(
        update(PlanRow).where(_mine(plan_id, attempt)).values(heartbeat_at=now(), **values)
    )
    session.commit()
    return bool(done.rowcount == 1)  # type: ignore[attr-defined]


def finish(session: Session, plan_id: int, attempt: int, **values: Any) -> bool:
    """The solver's result (done or failed), only if the plan is still its own. A done plan
    for new dates is published at once; a done re-plan waits for a planner (api/plan_requests)."""
    stamp = now()
    if values.get("status") == "done":
        values = {**values, "published_at": case((PlanRow.parent_id.is_(None), stamp), else_=None)}
    done = session.execute(
        update(PlanRow).where(_mine(plan_id, attempt)).values(finished_at=stamp, **values)
    )
    if done.rowcount == 1:  # type: ignore[attr-defined]
        _drop_lock(session, plan_id)
    session.commit()
    return bool(done.rowcount == 1)  # type: ignore[attr-defined]


def fail(session: Session, plan_id: int, attempt: int, reason: str) -> bool:
    """A plan whose solver died: failed with the reason (if nobody else holds it since)."""
    return finish(session, plan_id, attempt, status="failed", error=reason)


def requeue(session: Session, plan_id: int, attempt: int) -> bool:
    """A plan whose solver this server stopped on purpose (shutdown): queued again, and the
    attempt does not count, since the plan was not the cause."""
    done = session.execute(
        update(PlanRow)
        .where(_mine(plan_id, attempt))
        .values(
            status="queued",
            heartbeat_at=None,
            attempts=PlanRow.attempts - 1,
            **NO_PROGRESS,
        )
    )
    session.commit()
    return bool(done.rowcount == 1)  # type: ignore[attr-defined]


def sweep_stale(
    session: Session, stale_s: float, spare: int | None = None
) -> list[tuple[int, str]]:
    """Plans 'solving' with no heartbeat for ``stale_s``: their solver is gone (a server killed
    or restarted, on this machine or another). Re-queued if taken fewer than ``MAX_ATTEMPTS``
    times, else failed. ``spare``: a plan this server's live solver holds. [(id, new status)]"""
    cutoff = now() - dt.timedelta(seconds=stale_s)
    rows = session.execute(select(PlanRow.id, PlanRow.attempts).where(_stale(cutoff))).all()
    changed: list[tuple[int, str]] = []
    for plan_id, attempts in rows:
        if plan_id == spare:
            continue
        if attempts < MAX_ATTEMPTS:
            values: dict[str, Any] = {"status": "queued", **NO_PROGRESS}
        else:
            values = {
                "status": "failed",
                "finished_at": now(),
                "error": (
                    f"the solver stopped {attempts} times while solving this plan (server "
                    "restarts or crashes); plan again"
                ),
            }
        done = session.execute(
            update(PlanRow)
            .where(PlanRow.id == plan_id, PlanRow.attempts == attempts, _stale(cutoff))
            .values(**values)
        )
        if done.rowcount == 1:  # type: ignore[attr-defined]
            if values["status"] == "failed":
                _drop_lock(session, plan_id)
            changed.append((plan_id, values["status"]))
    session.commit()
    return changed


def cancel(session: Session, plan_id: int) -> bool:
    """A planner's cancel: queued or solving -> cancelled (its solver notices at its next
    heartbeat and stops). False when the plan had already finished."""
    done = session.execute(
        update(PlanRow)
        .where(PlanRow.id == plan_id, PlanRow.status.in_(ACTIVE))
        .values(status="cancelled", finished_at=now(), error="cancelled by a planner")
    )
    if done.rowcount == 1:  # type: ignore[attr-defined]
        _drop_lock(session, plan_id)
    session.commit()
    return bool(done.rowcount == 1)  # type: ignore[attr-defined]


def expire_locks(session: Session, name: str, stale_s: float) -> None:
    """A lock lasts as long as its plan waits or solves with a live heartbeat: one whose plan
    finished, or whose solver went silent, is dropped (it held every re-plan at 409 for good).
    A lock always names a plan inserted in the same transaction, so its plan exists."""
    cutoff = now() - dt.timedelta(seconds=stale_s)
    over = select(PlanRow.id).where(or_(PlanRow.status.not_in(ACTIVE), _stale(cutoff)))
    session.execute(delete(JobLock).where(JobLock.name == name, JobLock.plan_id.in_(over)))
    session.commit()


def serialise_creation(session: Session) -> None:
    """PostgreSQL: one plan created at a time (released at commit or rollback), so counting the
    queue and inserting cannot interleave. SQLite serialises writers by itself."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CREATE_LOCK_KEY})


def queued(session: Session) -> int:
    """Plans waiting for a solver (not the ones being solved)."""
    return int(
        session.scalar(select(func.count()).select_from(PlanRow).where(PlanRow.status == "queued"))
        or 0
    )
