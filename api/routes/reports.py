"""The 16:30 report: per ward and per team, planned and what became of them."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from fastapi import APIRouter
from fastapi.responses import Response

from api.daily_report import daily_report, report_file
from api.schemas import DailyReport
from api.security import PlannerDep, SessionDep

router = APIRouter(prefix="/reports", tags=["reports"])


@router.get(
    "/daily",
    response_model=DailyReport,
    responses={
        200: {
            "content": {
                "text/csv": {},
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {},
            }
        }
    },
)
def daily(
    session: SessionDep,
    _: PlannerDep,
    date: dt.date,
    format: Literal["json", "csv", "xlsx"] = "json",
) -> Any:
    """Per ward and per team: planned, vaccinated, refused, not at home, contraindicated,
    postponed, remaining (planned with no outcome yet)."""
    report = daily_report(session, date)
    if format == "json":
        return report
    content, media_type, name = report_file(report, format)
    return Response(
        content,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
