"""Hand edits on the console (``/planning/{id}/edit``, issue 24 item 3): move or pin a
resident, lift a pin, lock or unlock a team's day; server-rendered forms that work without
JavaScript, CSRF-checked like every form.

``POST`` applies one edit through api/plan_edits.queue_edit (as ``POST /plans/{id}/edits``
does), waits for the re-solve (a few seconds) and goes to the new draft's changes page
(``/planning/{new}/changes``: who moved, publish). A bad value is the form again with the
message in the page's language; an edit the solver cannot keep (a locked day that no longer
fits) is the form with the reason. Planners only: another role gets a 403 page.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from api import plan_requests
from api.models import PlanRow
from api.pages.common import FormDep, LoginDep, lang_of, principal_of, render
from api.pages.replan import _plan_or_404
from api.plan_edits import locks_of, queue_edit
from api.routes.edits import WAIT_EXTRA_S, wait_for
from api.security import SessionDep
from api.store import load_residents, load_teams
from api.web_sessions import WebLogin
from planner.errors import InputError
from planner.reasons_catalogue import reason_label

router = APIRouter(include_in_schema=False)
KINDS = ("move", "pin", "unpin", "lock", "unlock")


def _days(row: PlanRow) -> list[dt.date]:
    return [row.start_date + dt.timedelta(days=d) for d in range(row.days)]


def _routes(row: PlanRow, locks: dict[tuple[str, str], int | None]) -> list[dict[str, Any]]:
    """The plan's team-days with their stop count and lock (none, whole, or the first n)."""
    document = row.document or {}
    out = []
    for r in document.get("routes", []):
        key = (r["team_id"], r["date"])
        out.append(
            {
                "team_id": r["team_id"],
                "date": dt.date.fromisoformat(r["date"]),
                "iso": r["date"],
                "stops": len(r["stops"]),
                "locked": key in locks,
                "prefix": locks.get(key),
            }
        )
    return out


def _choices(session: Session, row: PlanRow, lang: str) -> list[dict[str, str]]:
    """The residents an edit may name, for the form's list: each planned one with where the
    plan has them (team, date, position), then those left out with why (in ``lang``); the
    planner sees names here as on the lists page, and the form posts only the id."""
    names = {r.resident_id: r.full_name for r in load_residents(session)}
    document = row.document or {}
    out = []
    for r in document.get("routes", []):
        day = dt.date.fromisoformat(r["date"]).strftime("%d/%m")
        for k, stop in enumerate(r["stops"], start=1):
            for rid in stop["resident_ids"]:
                where = f"{r['team_id']} {day} #{k}"
                out.append({"id": rid, "label": f"{names.get(rid, '')} · {where}"})
    for u in document.get("unassigned", []):
        rid, why = u["resident_id"], reason_label(u["reason_code"], lang)
        out.append({"id": rid, "label": f"{names.get(rid, '')} · {why}"})
    return out


def _page(
    request: Request,
    session: Session,
    login: WebLogin,
    row: PlanRow,
    status_code: int = 200,
    error: tuple[str, dict[str, Any]] | None = None,
    values: dict[str, str] | None = None,
) -> HTMLResponse:
    locks = locks_of(session, row.id)
    return render(
        request,
        "plan_edit.html",
        login,
        status_code=status_code,
        row=row,
        routes=_routes(row, locks),
        teams=[t.team_id for t in load_teams(session)],
        choices=_choices(session, row, lang_of(request)),
        days=_days(row),
        error=error,
        values=values or {},
    )


def _text(form: FormData, name: str, size: int = 100) -> str:
    value = form.get(name)
    return value.strip()[:size] if isinstance(value, str) else ""


def read_edit(form: FormData, row: PlanRow) -> tuple[dict[str, Any] | None, tuple[str, dict]]:
    """The posted edit as the JSON API's body item, or the message key (and values) of what
    is wrong with it, in the page's words."""
    kind = _text(form, "kind")
    if kind not in KINDS:
        return None, ("edits_bad_kind", {})
    edit: dict[str, Any] = {"kind": kind}
    rid, team, day = _text(form, "resident_id"), _text(form, "team_id"), _text(form, "date")
    if kind in ("move", "pin", "unpin"):
        if not rid:
            return None, ("edits_need_resident", {})
        edit["resident_id"] = rid
    if day:
        if day not in {d.isoformat() for d in _days(row)}:
            return None, ("edits_bad_date", {})
        edit["date"] = day
    if team:
        edit["team_id"] = team
    if kind in ("move", "lock", "unlock") and not (team and day):
        return None, ("edits_need_team_day", {})
    if kind == "pin" and not (team or day):
        return None, ("edits_need_pin", {})
    position = _text(form, "position", 5)
    if kind == "move" and position:
        if not position.isdigit() or not 1 <= int(position) <= 1000:
            return None, ("edits_bad_position", {})
        edit["position"] = int(position)
    return edit, ("", {})


@router.get("/planning/{plan_id}/edit")
def edit_form(plan_id: str, request: Request, session: SessionDep, login: LoginDep) -> Response:
    row = _plan_or_404(request, session, login, plan_id)
    if isinstance(row, HTMLResponse):
        return row
    if login.role != "planner":
        return render(request, "error.html", login, status_code=403, message_key="edits_denied")
    if row.status != "done":
        return _page(request, session, login, row, 409, ("edits_not_done", {}))
    return _page(request, session, login, row)


@router.post("/planning/{plan_id}/edit")
def edit_submit(
    plan_id: str, request: Request, session: SessionDep, login: LoginDep, form: FormDep
) -> Response:
    """One edit: queued, waited for, then the new draft's changes page (or the form again)."""
    row = _plan_or_404(request, session, login, plan_id)
    if isinstance(row, HTMLResponse):
        return row
    if login.role != "planner":
        return render(request, "error.html", login, status_code=403, message_key="edits_denied")
    if row.status != "done" or row.document is None:
        return _page(request, session, login, row, 409, ("edits_not_done", {}))
    values = {k: _text(form, k) for k in ("kind", "resident_id", "team_id", "date", "position")}
    edit, problem = read_edit(form, row)
    if edit is None:
        return _page(request, session, login, row, 422, problem, values)
    settings, jobs = request.app.state.settings, request.app.state.jobs
    try:
        new = queue_edit(session, settings, jobs, row, [edit], None, principal_of(login))
    except InputError as exc:
        return _page(
            request, session, login, row, 422, ("edits_refused", {"why": str(exc)}), values
        )
    except (plan_requests.QueueFull, plan_requests.Busy):
        return _page(request, session, login, row, 429, ("edits_busy", {}), values)
    wait_for(session, new, new.time_limit_s + WAIT_EXTRA_S)
    if new.status == "failed":
        why = (new.error or "").split(": ", 1)[-1]
        return _page(request, session, login, row, 422, ("edits_refused", {"why": why}), values)
    if new.status != "done":
        return RedirectResponse(f"/planning/{new.id}", status_code=303)
    return RedirectResponse(f"/planning/{new.id}/changes", status_code=303)
