"""The dashboard at ``/``: how many residents and teams are stored, and the latest plans.

Minimal on purpose: the plan pages (issue #21) will link each plan to its own screen.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import func, select
from sqlalchemy.orm import defer

from api.models import PlanRow, ResidentRow, TeamRow
from api.pages.common import LoginDep, render
from api.security import SessionDep

router = APIRouter(include_in_schema=False)
LATEST = 10


@router.get("/")
def dashboard(request: Request, session: SessionDep, login: LoginDep) -> HTMLResponse:
    residents = (
        session.scalar(
            select(func.count()).select_from(ResidentRow).where(ResidentRow.deleted_at.is_(None))
        )
        or 0
    )
    teams = session.scalar(select(func.count()).select_from(TeamRow)) or 0
    plans = list(
        session.scalars(
            select(PlanRow)
            .options(defer(PlanRow.document))
            .order_by(PlanRow.version.desc())
            .limit(LATEST)
        )
    )
    return render(request, "dashboard.html", login, residents=residents, teams=teams, plans=plans)
