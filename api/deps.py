"""Shared request helpers: what the app holds (settings, jobs, caches) as dependencies,
uploads with a size limit, plan lookup with access rules."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Any, cast

from fastapi import Depends, HTTPException, Path, Request, UploadFile, status
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.cache import PageCache
from api.jobs import JobRunner
from api.limits import too_large_message
from api.models import PlanRow, ResidentRow
from api.security import Principal
from api.settings import Settings as ServerSettings
from api.store import resident_from_row
from planner.io.tables import RawTable, read_table_bytes
from planner.model import Resident
from planner.plan_document import Plan, PlanRoute
from planner.settings import Settings as PlannerSettings

#: database ids are 32-bit: anything larger is simply not a plan (a 422, never a 500)
PlanId = Annotated[int, Path(ge=1, le=2_147_483_647)]


# -- what create_app (api/main.py) keeps in app.state, read in this one place ----------------
def server_settings(request: Request) -> ServerSettings:
    """The server's settings (``VAXROUTE_*`` environment variables)."""
    return cast(ServerSettings, request.app.state.settings)


def planner_settings(request: Request) -> PlannerSettings:
    """The planner's settings (``VAXROUTE_PLANNER_SETTINGS``'s settings.toml, or defaults)."""
    return cast(PlannerSettings, request.app.state.planner_settings)


def job_runner(request: Request) -> JobRunner:
    """The solver processes' runner (started with the app)."""
    return cast(JobRunner, request.app.state.jobs)


def ward_polygons(request: Request) -> Any:
    """The ward polygons for the overview map (``VAXROUTE_BOUNDARIES``), or None."""
    return request.app.state.wards


def page_cache(request: Request) -> PageCache:
    """Rendered map pages, kept while the residents they show are unchanged."""
    return cast(PageCache, request.app.state.pages)


SettingsDep = Annotated[ServerSettings, Depends(server_settings)]
PlannerSettingsDep = Annotated[PlannerSettings, Depends(planner_settings)]
JobsDep = Annotated[JobRunner, Depends(job_runner)]
PagesDep = Annotated[PageCache, Depends(page_cache)]


def read_upload(file: UploadFile, settings: ServerSettings, planner: PlannerSettings) -> RawTable:
    """The uploaded file as a table. Synchronous: the import handlers are plain ``def`` and run
    in the threadpool, so parsing and the database never hold up the event loop. BodyLimit
    (api/limits.py) already cut off bodies far over the limit while they streamed in; a file
    within the multipart allowance but over the limit is refused here."""
    limit = settings.max_upload_bytes
    file.file.seek(0)
    data = file.file.read(limit + 1)
    if len(data) > limit:
        raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, too_large_message(limit, "the file"))
    return read_table_bytes(data, file.filename or "upload.csv", limits=planner.input)


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
    """The stored plan document (plan.json's JSON); 409 unless the plan is done."""
    if row.status != "done" or row.document is None:
        raise HTTPException(status.HTTP_409_CONFLICT, f"the plan is {row.status}, not done")
    return row.document


def done_plan(row: PlanRow) -> Plan:
    """The done plan, typed (planner/plan_document.py); 409 unless the plan is done."""
    return Plan.from_json(done_document(row))


def team_route(
    plan: Plan, principal: Principal, team_id: str, date: str | None = None
) -> list[PlanRoute]:
    """The team's routes in a plan; another team's (or a missing one) is a 404."""
    if not principal.may_see_team(team_id):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such route")
    routes = plan.routes_of(team_id, date)
    if not routes:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such route")
    return routes


def visible_part(plan: Plan, principal: Principal) -> Plan:
    """What a principal may see of a plan: all of it for a planner; for a team leader the
    own team's routes, and nobody left out or excluded."""
    if principal.is_planner:
        return plan
    return replace(
        plan, routes=tuple(plan.routes_of(principal.team_id or "")), unassigned=(), excluded=()
    )


def view_for(document: dict[str, Any], principal: Principal) -> dict[str, Any]:
    """The stored document as a principal may read it: a planner the whole of it; a team
    leader the own team's routes and, of the summary, how many of them are planned."""
    if principal.is_planner:
        return document
    part = visible_part(Plan.from_json(document), principal)
    keep = ("plan_id", "created_at", "start_date", "days", "travel_model")
    return {
        **{k: document[k] for k in keep if k in document},
        "routes": [r.to_json() for r in part.routes],
        "unassigned": [],
        "excluded": [],
        "summary": {"planned": len(part.resident_ids())},
    }


def residents_of(session: Session, ids: list[str]) -> dict[str, Resident]:
    out: dict[str, Resident] = {}
    for k in range(0, len(ids), 500):
        query = select(ResidentRow).where(
            ResidentRow.resident_id.in_(ids[k : k + 500]), ResidentRow.deleted_at.is_(None)
        )  # nothing to show
        for row in session.scalars(query):
            out[row.resident_id] = resident_from_row(row)
    return out
