"""The 16:30 report as a page (``/report``): for a chosen day (default today in Viet Nam), per
ward and per team, planned, each outcome, remaining, and totals; one bar chart (inline SVG
drawn here, coloured from planner/outcomes.py); printable on one A4 page (console.css's print
rules); and the same numbers as XLSX or CSV (``/report/download``).

The numbers are ``api.daily_report.daily_report``'s and the files ``report_file``'s, exactly
what the JSON route ``GET /reports/daily`` gives: nothing is recomputed here. The report holds
counts per ward and team, no resident, so reading it writes no audit row.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from api.daily_report import OUTCOMES, daily_report, report_file
from api.models import PlanRow
from api.pages.common import LoginDep, render
from api.pages.days import nearest_planned_day, pick_day
from api.security import SessionDep
from api.visit_proof import FAR_FROM_STOP_M
from planner.outcomes import BOARD_STATES, NOT_VISITED

router = APIRouter(include_in_schema=False)
FORMATS = ("xlsx", "csv")
#: the chart's geometry in SVG units (the picture scales to the page's width)
WIDTH, LABEL_W, VALUE_W, BAR_H, GAP = 720, 120, 64, 22, 10


@dataclass(frozen=True)
class Segment:
    state: str  # an outcome code, or not_visited for the residents remaining
    n: int
    x: float
    width: float
    fill: str


@dataclass(frozen=True)
class Bar:
    team: str
    y: float
    segments: list[Segment]
    done: int  # residents with an outcome
    planned: int
    end: float  # where the bar ends (its numbers are written after it)


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    height: float
    ticks: list[tuple[float, int]]  # (x, value) of the vertical grid lines


def _step(top: int) -> int:
    """A round step (1, 2 or 5 times a power of ten) giving at most five grid lines."""
    magnitude = 10 ** max(0, int(math.log10(max(top, 1))))
    for factor in (0.1, 0.2, 0.5, 1, 2, 5, 10):
        step = max(1, int(magnitude * factor))
        if top / step <= 5:
            return step
    return magnitude * 10


def bar_chart(rows: list[dict[str, Any]]) -> Chart:
    """One stacked bar per team: its outcomes in the report's order, then the remaining."""
    states = [*OUTCOMES, "remaining"]
    top = max([sum(row[s] for s in states) for row in rows] + [1])
    scale = (WIDTH - LABEL_W - VALUE_W) / top
    bars = []
    for k, row in enumerate(rows):
        y, x, segments = GAP + k * (BAR_H + GAP), float(LABEL_W), []
        for state in states:
            if row[state]:
                code = NOT_VISITED if state == "remaining" else state
                width = row[state] * scale
                segments.append(Segment(code, row[state], x, width, BOARD_STATES[code].colour))
                x += width
        done = sum(row[s] for s in OUTCOMES)
        bars.append(Bar(str(row["group"]), y, segments, done, row["planned"], x))
    step = _step(top)
    ticks = [(LABEL_W + v * scale, v) for v in range(0, top + 1, step)]
    return Chart(bars, GAP + len(rows) * (BAR_H + GAP) + 18, ticks)


def _version(session: SessionDep, plan_id: int | None) -> int | None:
    if plan_id is None:
        return None
    return session.scalar(select(PlanRow.version).where(PlanRow.id == plan_id))


@router.get("/report")
def report_page(
    request: Request, session: SessionDep, login: LoginDep, day: str | None = None
) -> HTMLResponse:
    choice = pick_day(day)
    report = daily_report(session, choice.day)
    no_plan = report["plan_id"] is None
    return render(
        request,
        "report.html",
        login,
        status_code=400 if choice.invalid else 200,
        day=choice.day,
        invalid=choice.invalid,
        report=report,
        version=_version(session, report["plan_id"]),
        nearest=nearest_planned_day(session, choice.day) if no_plan else None,
        anything=any(report["totals"][k] for k in ("planned", *OUTCOMES)),
        chart=bar_chart(report["by_team"]),
        outcomes=OUTCOMES,
        states=BOARD_STATES,
        chart_size=(WIDTH, LABEL_W, BAR_H),
        action="/report",
        made_at=dt.datetime.now(dt.UTC),
        far_limit_m=int(FAR_FROM_STOP_M),
    )


@router.get("/report/download", response_model=None)
def report_download(
    request: Request,
    session: SessionDep,
    login: LoginDep,
    day: str | None = None,
    format: str = "xlsx",
) -> Response:
    """The day's report as an XLSX or CSV file (daily_report's numbers, report_file's cells);
    a day or format that is not one: the error page, in the user's language."""
    choice = pick_day(day)
    if choice.invalid or not day or format not in FORMATS:
        return render(
            request, "error.html", login, status_code=400, message_key="daily_download_invalid"
        )
    content, media_type, name = report_file(
        daily_report(session, choice.day), "csv" if format == "csv" else "xlsx"
    )
    return Response(
        content,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
