"""The audit trail of personal data (Decree 13/2023): who read or changed it, and when.

One row per request that shows or changes residents' personal data: the token, the time, the
action, the resident when there is one, and a short detail. The detail names fields, counts,
plans and teams, never a resident's name or a value, so the trail holds no residents' data;
a request from the console (signed in, no token) names the staff user in the detail.
Rows are only ever added; ``GET /audit`` (planners) reads them.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal, get_args

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.models import AuditRow
from api.security import Principal

Action = Literal[
    "list_residents",
    "read_resident",
    "import_residents",
    "correct_resident",
    "delete_resident",
    "export_plan",
    "read_sheet",
    "read_map",
    "read_board",
    "read_plan",
    "enrol_device",
    "device_enrolled",
    "revoke_device",
    "edit_plan",
]
ACTIONS: tuple[str, ...] = get_args(Action)


def record(
    session: Session,
    principal: Principal,
    action: Action,
    resident_id: str | None = None,
    detail: str = "",
    commit: bool = True,
) -> None:
    """Add an audit row. ``commit=False`` leaves it to the caller's transaction, so that a
    change and its audit row are stored together or not at all."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    if principal.user is not None:  # signed in to the console: no token, so say who
        detail = f"user {principal.user}" + (f": {detail}" if detail else "")
    elif principal.device_id is not None:  # an enrolled tablet: no token either
        detail = f"device {principal.device_id}" + (f": {detail}" if detail else "")
    session.add(
        AuditRow(
            token_id=principal.token_id, action=action, resident_id=resident_id, detail=detail[:200]
        )
    )
    if commit:
        session.commit()


def entries(
    session: Session,
    *,
    resident_id: str | None = None,
    action: str | None = None,
    token_id: int | None = None,
    since: dt.datetime | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[AuditRow]:
    """Audit rows, newest first, filtered by any of resident, action, token and time."""
    query = select(AuditRow).order_by(AuditRow.at.desc(), AuditRow.id.desc())
    if resident_id is not None:
        query = query.where(AuditRow.resident_id == resident_id)
    if action is not None:
        query = query.where(AuditRow.action == action)
    if token_id is not None:
        query = query.where(AuditRow.token_id == token_id)
    if since is not None:
        query = query.where(AuditRow.at >= since.astimezone(dt.UTC))
    return list(session.scalars(query.limit(limit).offset(offset)))
