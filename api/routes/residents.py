"""Residents: list imports (planner) and the minimum a team leader needs; a planner corrects
or deletes one (Decree 13/2023). Every read or change of personal data is audited."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, File, HTTPException, Path, Query, UploadFile, status
from fastapi.responses import JSONResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.audit import record
from api.deps import (
    PlannerSettingsDep,
    SettingsDep,
    read_upload,
    residents_of,
)
from api.models import PlanRow, ResidentRow
from api.rights import CorrectionRefused, correct_resident, delete_resident
from api.schemas import (
    ErrorBody,
    ImportReport,
    ResidentCorrected,
    ResidentCorrection,
    ResidentDeleted,
    ResidentView,
)
from api.security import PlannerDep, PrincipalDep, SessionDep
from api.store import import_residents, iso_local, resident_from_row
from planner.model import Resident
from planner.plan_document import Plan, resident_ids

router = APIRouter(prefix="/residents", tags=["residents"])
#: a resident id in a path: what an import stores (no control characters)
ResidentKey = Annotated[str, Path(min_length=1, max_length=100, pattern=r"^[^\x00-\x1f]+$")]


def minimal(r: Resident) -> dict[str, Any]:
    """What a team leader may see: no full name, no conditions, no notes."""
    return {
        "resident_id": r.resident_id,
        "initials": r.initials,
        "address": r.address,
        "ward": r.ward,
        "household_id": r.household_id,
        "phone": r.phone,
        "needs_doctor": r.needs_doctor,
        "lat": r.lat,
        "lon": r.lon,
    }


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
    planner: PlannerDep,
    settings: SettingsDep,
    planner_settings: PlannerSettingsDep,
    file: Annotated[UploadFile, File(description="CSV, XLSX, GeoJSON, GPKG")],
    allow_rejects: bool = False,
) -> dict[str, Any]:
    """Import a residents list in one transaction. Rows with errors refuse the whole file
    (nothing is stored) unless ``allow_rejects`` is true, which stores the good rows. A plain
    ``def``: FastAPI runs it in its threadpool, so a long import holds up no other request."""
    table = read_upload(file, settings, planner_settings)
    report = import_residents(
        session, table, file.filename or "upload", planner_settings, allow_rejects
    )
    record(
        session,
        planner,
        "import_residents",
        detail=f"import {report['import_id']}: "
        f"{report['added']} added, {report['updated']} updated",
    )
    return report


def _own_ids(session: SessionDep, team_id: str | None) -> set[str]:
    """Residents on the team's routes in the current plan: the newest published one (a draft
    re-plan is not the team's until a planner publishes it)."""
    doc = session.scalar(
        select(PlanRow.document)
        .where(PlanRow.status == "done", PlanRow.published_at.is_not(None))
        .order_by(PlanRow.version.desc())
        .limit(1)
    )
    if not doc:
        return set()
    return set(resident_ids(Plan.from_json(doc).routes_of(team_id or "")))


@router.get("", response_model=list[ResidentView])
def list_residents(
    session: SessionDep,
    principal: PrincipalDep,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
    offset: Annotated[int, Query(ge=0, le=2_147_483_647)] = 0,
) -> list[dict[str, Any]]:
    """Planner: every resident, in full. Team leader: the own team's residents, minimal."""
    if principal.is_planner:
        rows = session.scalars(
            select(ResidentRow)
            .where(ResidentRow.deleted_at.is_(None))
            .order_by(ResidentRow.resident_id)
            .limit(limit)
            .offset(offset)
        )
        out = [dict(r.data) for r in rows]
    else:
        ids = sorted(_own_ids(session, principal.team_id))[offset : offset + limit]
        found = residents_of(session, ids)
        out = [minimal(found[i]) for i in ids if i in found]
    record(session, principal, "list_residents", detail=f"{len(out)} from offset {offset}")
    return out


@router.get("/{resident_id}", response_model=ResidentView, responses={404: {"model": ErrorBody}})
def get_resident(
    resident_id: ResidentKey, session: SessionDep, principal: PrincipalDep
) -> dict[str, Any]:
    row = _live(session, resident_id)
    if not principal.is_planner and resident_id not in _own_ids(session, principal.team_id):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such resident")
    out = dict(row.data) if principal.is_planner else minimal(resident_from_row(row))
    record(session, principal, "read_resident", resident_id)
    return out


def _live(session: Session, resident_id: str) -> ResidentRow:
    """The resident's row; a deleted resident is no longer there (404)."""
    row = session.scalar(select(ResidentRow).where(ResidentRow.resident_id == resident_id))
    if row is None or row.deleted_at is not None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such resident")
    return row


@router.patch(
    "/{resident_id}",
    response_model=ResidentCorrected,
    responses={
        404: {"model": ErrorBody},
        403: {"model": ErrorBody},
        422: {
            "model": ErrorBody,
            "description": "the corrected row breaks an import rule: nothing changed",
        },
    },
)
def correct(
    resident_id: ResidentKey,
    session: SessionDep,
    planner: PlannerDep,
    planner_settings: PlannerSettingsDep,
    body: Annotated[ResidentCorrection, Body()],
) -> Any:
    """Correct a resident's data (right to rectification). The body holds the list's
    canonical columns to change; the corrected row is checked by the import's reader, with
    the same rules and messages. Recorded in the audit (field names, never values)."""
    row = _live(session, resident_id)
    try:
        result = correct_resident(
            session, row, body.model_dump(exclude_unset=True), planner_settings
        )
    except CorrectionRefused as exc:
        session.rollback()
        return JSONResponse({"error": "input", "detail": {"problems": exc.problems}}, 422)
    changed = ", ".join(result["changed"])
    record(
        session,
        planner,
        "correct_resident",
        resident_id,
        detail=f"changed: {changed}" if changed else "no change",
    )
    return result


@router.delete(
    "/{resident_id}",
    response_model=ResidentDeleted,
    responses={404: {"model": ErrorBody}, 403: {"model": ErrorBody}},
)
def delete(resident_id: ResidentKey, session: SessionDep, planner: PlannerDep) -> dict[str, Any]:
    """Delete a resident's personal data (right to erasure): name, phone, address, notes,
    conditions, age, household, doses and coordinates go, and the GPS points of the visits.
    The id, the ward and the status stay, so reports still count the person anonymously; the
    resident is no longer listed or planned, and a re-import does not bring the data back.
    Deleting again changes nothing."""
    row = session.scalar(select(ResidentRow).where(ResidentRow.resident_id == resident_id))
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such resident")
    fresh = row.deleted_at is None
    kept = delete_resident(session, row)
    if fresh:
        record(session, planner, "delete_resident", resident_id, detail=f"{kept} visits kept")
    assert row.deleted_at is not None
    return {
        "resident_id": resident_id,
        "deleted_at": iso_local(row.deleted_at),
        "visits_kept": kept,
    }
