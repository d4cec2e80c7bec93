"""Shared request helpers: uploads with a size limit, plan lookup with access rules."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import HTTPException, Path, Request, UploadFile, status
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.limits import too_large_message
from api.models import PlanRow, ResidentRow
from api.security import Principal
from api.store import resident_from_row
from planner.io.tables import RawTable, read_table_bytes
from planner.model import Resident

#: database ids are 32-bit: anything larger is simply not a plan (a 422, never a 500)
PlanId = Annotated[int, Path(ge=1, le=2_147_483_647)]


def read_upload(request: Request, file: UploadFile) -> RawTable:
    """The uploaded file as a table. Synchronous: the import handlers are plain ``def`` and run
    in the threadpool, so parsing and the database never hold up the event loop. BodyLimit
    (api/limits.py) already cut off bodies far over the limit while they streamed in; a file
    within the multipart allowance but over the limit is refused here."""
    limit = request.app.state.settings.max_upload_bytes
    file.file.seek(0)
    data = file.file.read(limit + 1)
    if len(data) > limit:
        raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE,
                            too_large_message(limit, "the file"))
    return read_table_bytes(data, file.filename or "upload.csv",
                            limits=request.app.state.planner_settings.input)


def get_plan(session: Session, plan_id: int) -> PlanRow:
    row = session.get(PlanRow, plan_id)
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such plan")
    return row


def visible_plan(session: Session, plan_id: int, principal: Principal) -> PlanRow:
    """The plan if ``principal`` may read it. Team leaders receive published plans only: a
    re-plan waiting for a planner's review (or any plan still being solved) is a 404 to them,
    as if it did not exist."""
    row = get_plan(session, plan_id)
    if not principal.is_planner and row.published_at is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such plan")
    return row


def done_document(row: PlanRow) -> dict[str, Any]:
    if row.status != "done" or row.document is None:
        raise HTTPException(status.HTTP_409_CONFLICT, f"the plan is {row.status}, not done")
    return row.document


def team_route(document: dict[str, Any], principal: Principal, team_id: str,
               date: str | None = None) -> list[dict[str, Any]]:
    """The team's routes in a plan; another team's (or a missing one) is a 404."""
    if not principal.may_see_team(team_id):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such route")
    routes = [r for r in document["routes"] if r["team_id"] == team_id
              and (date is None or r["date"] == date)]
    if not routes:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such route")
    return routes


def view_for(document: dict[str, Any], principal: Principal) -> dict[str, Any]:
    """What a principal may see of a plan: a team leader gets only the own team's routes."""
    if principal.is_planner:
        return document
    routes = [r for r in document["routes"] if r["team_id"] == principal.team_id]
    keep = ("plan_id", "created_at", "start_date", "days", "travel_model")
    return {**{k: document[k] for k in keep if k in document}, "routes": routes,
            "unassigned": [], "excluded": [], "summary": {
                "planned": sum(len(s["resident_ids"]) for r in routes for s in r["stops"])}}


def residents_of(session: Session, ids: list[str]) -> dict[str, Resident]:
    out: dict[str, Resident] = {}
    for k in range(0, len(ids), 500):
        query = select(ResidentRow).where(ResidentRow.resident_id.in_(ids[k:k + 500]),
                                          ResidentRow.deleted_at.is_(None))  # nothing to show
        for row in session.scalars(query):
            out[row.resident_id] = resident_from_row(row)
    return out


def route_resident_ids(routes: list[dict[str, Any]]) -> list[str]:
    return [rid for r in routes for s in r["stops"] for rid in s["resident_ids"]]
