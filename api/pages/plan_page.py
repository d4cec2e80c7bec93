"""A done plan's page (``/planning/{id}``): the overview map, coverage by priority band and by
ward, each team-day with its map, sheet and GPX, the residents not planned with their reasons
(filtered by reason, downloadable as CSV), and the plan's CSV/XLSX export.

The numbers come from the stored document (api/pages/plan_data.py). The map is the JSON API's
overview map (api/routes/plan_files.py), served again at ``/planning/{id}/map`` with framing
allowed by this site's own pages only (api/headers.frameable), so that the plan page can show
it in an iframe; every other page still refuses to be framed. Opening the page is recorded in
the audit trail (it lists residents' ids), as is the CSV of the residents not planned.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal, cast
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.audit import record
from api.headers import frameable
from api.models import PlanRow, ResidentRow
from api.pages import plan_data
from api.pages.common import LoginDep, lang_of, principal_of, render
from api.routes import plan_files
from api.security import SessionDep
from api.web_sessions import WebLogin
from planner.cells import csv_bytes

router = APIRouter(include_in_schema=False)
UNASSIGNED_COLUMNS = ["resident_id", "ward", "reason_code", "reason"]


def wards_of(session: Session, ids: list[str]) -> dict[str, str]:
    """Resident id -> ward, from the residents list (a deleted resident has none)."""
    out: dict[str, str] = {}
    for k in range(0, len(ids), 500):
        query = select(ResidentRow.resident_id, ResidentRow.ward).where(
            ResidentRow.resident_id.in_(ids[k : k + 500]), ResidentRow.deleted_at.is_(None)
        )
        out.update({rid: ward or "" for rid, ward in session.execute(query)})
    return out


def page(
    request: Request,
    session: Session,
    login: WebLogin,
    row: PlanRow,
    reason: str | None,
    just_published: bool = False,
) -> HTMLResponse:
    """The done plan's page; ``reason`` filters the residents not planned (a reason code);
    ``just_published`` shows the notice after the changes page's Publish button."""
    document = cast(dict[str, Any], row.document)
    lang = lang_of(request)
    wards = wards_of(session, [u["resident_id"] for u in document["unassigned"]])
    chosen = plan_data.known_reason(reason)
    record(session, principal_of(login), "read_plan", detail=f"plan {row.id}")
    return render(
        request,
        "plan.html",
        login,
        row=row,
        document=document,
        totals=plan_data.totals(document),
        bands=plan_data.by_band(document),
        wards=plan_data.by_ward(document, wards),
        team_days=plan_data.team_days(document),
        load=plan_data.load(document),
        unassigned=plan_data.unassigned(document, wards, lang, chosen),
        reasons=plan_data.reasons_present(document, lang),
        reason=chosen,
        end=row.start_date + dt.timedelta(days=row.days - 1),
        draft=row.parent_id is not None and row.published_at is None,
        just_published=just_published,
        q=lambda text: quote(text, safe=""),
    )


def plan_row(session: Session, plan_id: str) -> PlanRow | None:
    """The plan of a path segment: None for anything that is not a stored plan's id."""
    if not plan_id.isdigit() or len(plan_id) > 9:
        return None
    return session.get(PlanRow, int(plan_id))


def _done(session: Session, plan_id: str) -> PlanRow | None:
    row = plan_row(session, plan_id)
    return row if row is not None and row.status == "done" and row.document else None


@router.get("/planning/{plan_id}/map", response_model=None)
def overview_map(plan_id: str, request: Request, session: SessionDep, login: LoginDep) -> Response:
    """The overview map, framable by this site's pages (the plan page's iframe)."""
    row = _done(session, plan_id)
    if row is None:
        return render(request, "error.html", login, status_code=404, message_key="planning_gone")
    lang: Literal["vi", "en"] = "en" if lang_of(request) == "en" else "vi"
    return frameable(plan_files.overview_page(row.id, request, session, principal_of(login), lang))


@router.get("/planning/{plan_id}/unassigned.csv", response_model=None)
def unassigned_csv(
    plan_id: str, request: Request, session: SessionDep, login: LoginDep, reason: str | None = None
) -> Response:
    """The residents not planned (those with ``reason`` when given) as CSV: id, ward, reason
    code and label. Cells through planner/cells.py; no names."""
    row = _done(session, plan_id)
    if row is None:
        return render(request, "error.html", login, status_code=404, message_key="planning_gone")
    document = cast(dict[str, Any], row.document)
    lang = lang_of(request)
    wards = wards_of(session, [u["resident_id"] for u in document["unassigned"]])
    lines = plan_data.unassigned(document, wards, lang, plan_data.known_reason(reason))
    record(session, principal_of(login), "export_plan", detail=f"plan {row.id} unassigned csv")
    body = csv_bytes(
        UNASSIGNED_COLUMNS, [[x["resident_id"], x["ward"], x["code"], x["label"]] for x in lines]
    )
    name = f"plan-{row.id}-unassigned.csv"
    return Response(
        body,
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
