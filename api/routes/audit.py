"""``GET /audit``: who read or changed residents' personal data. Planners only."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from api.audit import Action, entries
from api.models import AuditRow
from api.schemas import AuditEntry, CampaignTime, ErrorBody
from api.security import PlannerDep, SessionDep
from api.store import VN, iso_local

router = APIRouter(prefix="/audit", tags=["audit"])


def public(row: AuditRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "at": iso_local(row.at),
        "token_id": row.token_id,
        "action": row.action,
        "resident_id": row.resident_id,
        "detail": row.detail,
    }


@router.get("", response_model=list[AuditEntry], responses={403: {"model": ErrorBody}})
def list_audit(
    session: SessionDep,
    _: PlannerDep,
    resident_id: Annotated[
        str | None, Query(min_length=1, max_length=100, pattern=r"^[^\x00-\x1f]+$")
    ] = None,
    action: Action | None = None,
    token_id: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None,
    since: Annotated[
        CampaignTime | None,
        Query(description="only entries at or after this time (no offset: Viet Nam time)"),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=2_147_483_647)] = 0,
) -> list[dict[str, Any]]:
    """Audit entries, newest first: the token, the time, the action (list_residents,
    read_resident, import_residents, correct_resident, delete_resident, export_plan,
    read_sheet, read_map, read_board: the console's board of the day), the resident when
    there is one, and a detail without names or values. Team leaders get 403."""
    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=VN)
    rows = entries(
        session,
        resident_id=resident_id,
        action=action,
        token_id=token_id,
        since=since,
        limit=limit,
        offset=offset,
    )
    return [public(r) for r in rows]
