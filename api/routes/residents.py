"""Residents: list imports (planner) and the minimum a team leader needs."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, HTTPException, Query, Request, UploadFile, status
from sqlalchemy import select

from api.deps import read_upload, residents_of, route_resident_ids
from api.models import PlanRow, ResidentRow
from api.schemas import ErrorBody, ImportReport
from api.security import PlannerDep, PrincipalDep, SessionDep
from api.store import import_residents, resident_from_row
from planner.model import Resident

router = APIRouter(prefix="/residents", tags=["residents"])


def minimal(r: Resident) -> dict[str, Any]:
    """What a team leader may see: no full name, no conditions, no notes."""
    return {"resident_id": r.resident_id, "initials": r.initials, "address": r.address,
            "ward": r.ward, "household_id": r.household_id, "phone": r.phone,
            "needs_doctor": r.needs_doctor, "lat": r.lat, "lon": r.lon}


@router.post("/imports", status_code=status.HTTP_201_CREATED, response_model=ImportReport,
             responses={422: {"model": ErrorBody, "description": "rows rejected, nothing stored"},
                        413: {"description": "file too large"}})
async def import_list(request: Request, session: SessionDep, _: PlannerDep,
                      file: Annotated[UploadFile, File(description="CSV, XLSX, GeoJSON, GPKG")],
                      allow_rejects: bool = False) -> dict[str, Any]:
    """Import a residents list in one transaction. Rows with errors refuse the whole file
    (nothing is stored) unless ``allow_rejects`` is true, which stores the good rows."""
    table = await read_upload(request, file)
    return import_residents(session, table, file.filename or "upload",
                            request.app.state.planner_settings, allow_rejects)


def _own_ids(session: SessionDep, team_id: str | None) -> set[str]:
    """Residents on the team's routes in the current (newest done) plan."""
    doc = session.scalar(select(PlanRow.document).where(PlanRow.status == "done")
                         .order_by(PlanRow.version.desc()).limit(1))
    if not doc:
        return set()
    return set(route_resident_ids([r for r in doc["routes"] if r["team_id"] == team_id]))


@router.get("")
def list_residents(session: SessionDep, principal: PrincipalDep,
                   limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
                   offset: Annotated[int, Query(ge=0, le=2_147_483_647)] = 0
                   ) -> list[dict[str, Any]]:
    """Planner: every resident, in full. Team leader: the own team's residents, minimal."""
    if principal.is_planner:
        rows = session.scalars(select(ResidentRow).order_by(ResidentRow.resident_id)
                               .limit(limit).offset(offset))
        return [dict(r.data) for r in rows]
    ids = sorted(_own_ids(session, principal.team_id))[offset:offset + limit]
    found = residents_of(session, ids)
    return [minimal(found[i]) for i in ids if i in found]


@router.get("/{resident_id}")
def get_resident(resident_id: str, session: SessionDep, principal: PrincipalDep
                 ) -> dict[str, Any]:
    row = session.scalar(select(ResidentRow).where(ResidentRow.resident_id == resident_id))
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such resident")
    if principal.is_planner:
        return dict(row.data)
    if resident_id not in _own_ids(session, principal.team_id):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such resident")
    return minimal(resident_from_row(row))
