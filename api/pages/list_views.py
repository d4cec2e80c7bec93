"""The residents list (search, filters, pages) and the teams list.

Filters (ward, status, priority band, due) travel in the query string: none of them is about
one person. A search (an id or initials) does not: the form is a POST whose words are kept in
the stash (api/pages/stash.py) and the redirect carries only a random key, ``s``, so the words
never reach a URL, a proxy's log or the browser's history. The band and the due date are
computed as the planner computes them (planner/priority.py) on today's date in Viet Nam.
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from dataclasses import dataclass
from typing import Annotated, Any, cast
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import select

from api.audit import record
from api.models import ResidentRow, TeamRow
from api.pages.common import FormDep, LoginDep, principal_of, render
from api.pages.stash import Stash
from api.security import SessionDep
from api.store import resident_from_row, team_from_row, today_vn
from planner.model import STATUSES, Resident
from planner.priority import earliest_date, priority_band, priority_score
from planner.settings import Settings as PlannerSettings

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50
BANDS = ("high", "medium", "low")
DUES = ("now", "later")
SEARCH_TTL_S = 1800
SEARCHES_KEPT = 500
FILTERS = ("ward", "status", "band", "due")


def searches(request: Request) -> Stash:
    return cast(Stash, request.app.state.console_searches)


def fold(text: str) -> str:
    """Lower case without accents, dots or spaces: 'Đ.T.H.' and 'dth' are alike."""
    text = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
    return "".join(c for c in text if c.isalnum() and not unicodedata.combining(c))


@dataclass(frozen=True)
class ResidentLine:
    resident_id: str
    initials: str
    ward: str
    age: int | None
    doses: int
    status: str
    band: str
    due: dt.date | None  # None: due now (no earlier dose)
    due_now: bool


def _line(r: Resident, settings: PlannerSettings, today: dt.date) -> ResidentLine:
    score = priority_score(r, settings.priority, settings.doses, today)
    first = earliest_date(r, settings.doses, settings.vials.products)
    return ResidentLine(
        r.resident_id,
        r.initials,
        r.ward,
        r.age,
        r.doses_received,
        r.status,
        priority_band(score, settings.priority),
        first,
        first is None or first <= today,
    )


def _matches(line: ResidentLine, filters: dict[str, str], query: str) -> bool:
    if filters.get("status") and line.status != filters["status"]:
        return False
    if filters.get("band") and line.band != filters["band"]:
        return False
    if filters.get("due") and line.due_now != (filters["due"] == "now"):
        return False
    return not query or query in fold(line.resident_id) or query in fold(line.initials)


def _clean(
    ward: str | None, status: str | None, band: str | None, due: str | None
) -> dict[str, str]:
    """The filters that name a known value (anything else is ignored, not an error)."""
    out = {
        "ward": (ward or "")[:200],
        "status": status if status in STATUSES else "",
        "band": band if band in BANDS else "",
        "due": due if due in DUES else "",
    }
    return {k: v for k, v in out.items() if v}


@router.get("/lists/residents")
def residents_page(
    request: Request,
    session: SessionDep,
    login: LoginDep,
    ward: str | None = None,
    status: str | None = None,
    band: str | None = None,
    due: str | None = None,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    s: Annotated[str | None, Query(max_length=64)] = None,
) -> HTMLResponse:
    filters = _clean(ward, status, band, due)
    words = searches(request).get(login.user_id, s) if s else None
    query = fold(words or "")
    statement = select(ResidentRow).where(ResidentRow.deleted_at.is_(None))
    if filters.get("ward"):
        statement = statement.where(ResidentRow.ward == filters["ward"])
    settings, today = request.app.state.planner_settings, today_vn()
    lines = [
        line
        for row in session.scalars(statement.order_by(ResidentRow.resident_id))
        if _matches(line := _line(resident_from_row(row), settings, today), filters, query)
    ]
    pages = max(1, math.ceil(len(lines) / PAGE_SIZE))
    page = min(page, pages)
    wards = session.scalars(
        select(ResidentRow.ward)
        .where(ResidentRow.deleted_at.is_(None))
        .distinct()
        .order_by(ResidentRow.ward)
    ).all()
    keep: dict[str, Any] = {**filters, **({"s": s} if words else {})}
    shown = lines[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    record(
        session,
        principal_of(login),
        "list_residents",
        detail=f"console: {len(shown)} of {len(lines)}, page {page}",
    )
    return render(
        request,
        "residents.html",
        login,
        lines=shown,
        total=len(lines),
        page=page,
        pages=pages,
        filters=filters,
        words=words,
        search_expired=bool(s) and words is None,
        wards=[w for w in wards if w],
        statuses=STATUSES,
        bands=BANDS,
        dues=DUES,
        page_url=lambda n: "/lists/residents?" + urlencode({**keep, "page": n}),
    )


@router.post("/lists/residents")
def residents_search(request: Request, login: LoginDep, form: FormDep) -> RedirectResponse:
    """Keep the search words server-side; redirect to the list with their key and filters."""
    values = {k: form.get(k) for k in ("q", *FILTERS)}
    text = {k: v.strip() if isinstance(v, str) else "" for k, v in values.items()}
    filters = _clean(text["ward"], text["status"], text["band"], text["due"])
    query: dict[str, str] = dict(filters)
    if text["q"]:
        query["s"] = searches(request).put(login.user_id, text["q"][:100])
    suffix = f"?{urlencode(query)}" if query else ""
    return RedirectResponse(f"/lists/residents{suffix}", status_code=303)


@router.get("/lists/teams")
def teams_page(request: Request, session: SessionDep, login: LoginDep) -> HTMLResponse:
    teams = [team_from_row(r) for r in session.scalars(select(TeamRow).order_by(TeamRow.team_id))]
    return render(request, "teams.html", login, teams=teams)
