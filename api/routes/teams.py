"""Teams: list imports (planner); a team leader sees the own team."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, UploadFile, status
from sqlalchemy import select

from api.deps import PlannerSettingsDep, SettingsDep, read_upload
from api.models import TeamRow
from api.schemas import ErrorBody, ImportReport, TeamPublic
from api.security import PlannerDep, PrincipalDep, SessionDep
from api.store import import_teams

router = APIRouter(prefix="/teams", tags=["teams"])


@router.post(
    "/imports",
    status_code=status.HTTP_201_CREATED,
    response_model=ImportReport,
    responses={
        422: {"model": ErrorBody, "description": "rows rejected, nothing stored"},
        413: {"description": "file too large"},
    },
)
def import_list(
    session: SessionDep,
    _: PlannerDep,
    settings: SettingsDep,
    planner_settings: PlannerSettingsDep,
    file: Annotated[UploadFile, File(description="CSV or XLSX")],
    allow_rejects: bool = False,
) -> dict[str, Any]:
    """Import the teams list in one transaction (same rules as residents; a plain ``def``,
    run in the threadpool, like the residents import)."""
    table = read_upload(file, settings, planner_settings)
    return import_teams(session, table, file.filename or "upload", allow_rejects)


@router.get("", response_model=list[TeamPublic])
def list_teams(session: SessionDep, principal: PrincipalDep) -> list[dict[str, Any]]:
    """Every team to a planner; a team leader sees the own team."""
    rows = session.scalars(select(TeamRow).order_by(TeamRow.team_id))
    return [dict(r.data) for r in rows if principal.may_see_team(r.team_id)]
