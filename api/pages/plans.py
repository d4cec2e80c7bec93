"""The plan form, its live progress and the plan page, under ``/planning`` (``/plans`` is the
JSON API's).

``GET /planning``: the form (start date, days, time limit, an optional settings file) and the
latest plans. ``POST /planning`` checks the form (a settings file is checked at once, its
problem named by section, key and line: api/plan_settings.py), queues the plan through
``api.plan_requests.queue_plan`` and redirects to ``/planning/{id}``. That page shows, while the
plan waits or is solved, its progress (``GET /planning/{id}/progress``, polled by console.js:
time spent, residents planned and priority-weighted coverage of the best plan so far, which the
solver writes on the plan's row) and a cancel button; when it is done, the plan itself
(api/pages/plan_page.py); when it failed or was cancelled, why.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session, defer
from starlette.datastructures import FormData, UploadFile

from api import plan_requests, plan_states
from api.i18n import number, translator
from api.models import PlanRow, ResidentRow, TeamRow
from api.pages import plan_page
from api.pages.common import FormDep, LoginDep, lang_of, render
from api.pages.plan_page import plan_row
from api.plan_settings import MAX_BYTES, SettingsProblem, apply_plan_settings, decode
from api.schemas import EARLIEST, LATEST
from api.security import SessionDep
from api.store import VN, as_local
from api.web_sessions import WebLogin

router = APIRouter(include_in_schema=False)
#: plans listed under the form
RECENT = 20
#: the form's time limit, as the JSON API allows it (api/schemas.PlanCreate)
MAX_LIMIT_S = 600


def tomorrow() -> dt.date:
    return (dt.datetime.now(VN) + dt.timedelta(days=1)).date()


def not_found(request: Request, login: WebLogin) -> HTMLResponse:
    return render(request, "error.html", login, status_code=404, message_key="planning_gone")


def _recent(session: Session) -> list[PlanRow]:
    query = (
        select(PlanRow)
        .options(defer(PlanRow.document), defer(PlanRow.settings_toml))
        .order_by(PlanRow.version.desc())
        .limit(RECENT)
    )
    return list(session.scalars(query))


def _ready(session: Session) -> bool:
    """Both lists are there: otherwise the solver would only fail."""
    residents = session.scalar(
        select(func.count()).select_from(ResidentRow).where(ResidentRow.deleted_at.is_(None))
    )
    return bool(residents) and bool(session.scalar(select(func.count()).select_from(TeamRow)))


def _form_page(
    request: Request,
    session: Session,
    login: WebLogin,
    values: dict[str, str] | None = None,
    errors: list[dict[str, str]] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    default_limit = request.app.state.settings.default_time_limit_s
    values = values or {"start_date": f"{tomorrow():%d/%m/%Y}", "days": "2", "time_limit_s": ""}
    return render(
        request,
        "plan_form.html",
        login,
        status_code=status_code,
        values=values,
        errors=errors or [],
        bad={e["field"] for e in errors or []},
        plans=_recent(session),
        ready=_ready(session),
        default_limit=f"{default_limit:g}",
        max_limit=MAX_LIMIT_S,
        max_kb=MAX_BYTES // 1024,
        end_of=lambda p: p.start_date + dt.timedelta(days=p.days - 1),
    )


@router.get("/planning")
def form(request: Request, session: SessionDep, login: LoginDep) -> HTMLResponse:
    return _form_page(request, session, login)


def parse_date(text: str) -> dt.date | None:
    """DD/MM/YYYY (as typed) or YYYY-MM-DD (as a date picker sends it), 2000 to 2099."""
    try:
        if "/" in text:
            day, month, year = (int(x) for x in text.split("/"))
            value = dt.date(year, month, day)
        else:
            value = dt.date.fromisoformat(text)
    except ValueError:
        return None
    return value if EARLIEST <= value <= LATEST else None


def parse_days(text: str) -> int | None:
    return int(text) if text.isdigit() and 1 <= int(text) <= 31 else None


def parse_limit(text: str) -> float | None:
    """Seconds from 1 to MAX_LIMIT_S (a decimal comma allowed); NaN for anything else."""
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        return math.nan
    return value if 1 <= value <= MAX_LIMIT_S else math.nan


def settings_message(problem: SettingsProblem, t: Callable[..., str]) -> str:
    """A settings file's problem in the user's language, naming section, key and line."""
    if problem.kind == "too_large":
        return t("settings_too_large", kb=MAX_BYTES // 1024)
    if problem.kind == "not_utf8":
        return t("settings_not_utf8")
    where = t("planning_at_line", line=problem.line) if problem.line else ""
    if problem.kind in ("server_only", "bad_value") and not problem.key:  # a whole section
        return t(f"settings_{problem.kind}_section", section=problem.section, where=where)
    return t(f"settings_{problem.kind}", section=problem.section, name=problem.key, where=where)


def _settings_file(
    request: Request, form: FormData, t: Callable[..., str]
) -> tuple[str | None, dict[str, str] | None]:
    """(the uploaded settings text, or None; the error for the form, or None)."""
    upload = form.get("settings")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return None, None
    data = upload.file.read(MAX_BYTES + 1)
    try:
        text = decode(data)
        apply_plan_settings(request.app.state.planner_settings, text)
    except SettingsProblem as problem:
        return None, {
            "field": "settings",
            "text": settings_message(problem, t),
            "original": problem.detail,
        }
    return text, None


def _check(
    request: Request, form: FormData, t: Callable[..., str]
) -> tuple[dict[str, str], dict[str, Any], list[dict[str, str]]]:
    """(the values as typed, the parsed ones, the errors: field, text, original)."""
    typed = {k: str(form.get(k) or "").strip()[:40] for k in ("start_date", "days", "time_limit_s")}
    errors: list[dict[str, str]] = []
    start, days = parse_date(typed["start_date"]), parse_days(typed["days"])
    limit = parse_limit(typed["time_limit_s"]) if typed["time_limit_s"] else None
    if start is None:
        errors.append({"field": "start_date", "text": t("planning_bad_date")})
    if days is None:
        errors.append({"field": "days", "text": t("planning_bad_days")})
    if limit is not None and math.isnan(limit):
        errors.append({"field": "time_limit_s", "text": t("planning_bad_limit", max=MAX_LIMIT_S)})
    text, problem = _settings_file(request, form, t)
    if problem:
        errors.append(problem)
    return (
        typed,
        {"start_date": start, "days": days, "time_limit_s": limit, "settings_toml": text},
        errors,
    )


@router.post("/planning", response_model=None)
def create(
    request: Request, session: SessionDep, login: LoginDep, form: FormDep
) -> HTMLResponse | RedirectResponse:
    """Queue a plan and go to its page; a bad form comes back with every problem named."""
    t = translator(lang_of(request))
    typed, values, errors = _check(request, form, t)
    if not _ready(session):
        errors.insert(0, {"field": "", "text": t("planning_not_ready")})
    if errors:
        return _form_page(request, session, login, typed, errors, 422)
    state = request.app.state
    try:
        row = plan_requests.queue_plan(
            session, state.settings, state.jobs, requested_by=login.user_name, **values
        )
    except plan_requests.QueueFull as exc:
        refusal, code = t("planning_queue_full", n=exc.limit), 429
    except plan_requests.ReplanRunning:
        refusal, code = t("planning_replan_running"), 409
    except plan_requests.Busy:
        refusal, code = t("planning_busy"), 503
    else:
        return RedirectResponse(f"/planning/{row.id}", status_code=303)
    return _form_page(request, session, login, typed, [{"field": "", "text": refusal}], code)


def _elapsed(row: PlanRow) -> float:
    if row.status != "solving" or row.started_at is None:
        return 0.0
    started = as_local(row.started_at)
    return max(0.0, min(row.time_limit_s, (dt.datetime.now(VN) - started).total_seconds()))


def _state(row: PlanRow, elapsed: float, ahead: int, t: Callable[..., str]) -> str:
    """Waiting (behind ``ahead`` plans), searching, or past the time limit: the plan is being
    finished (a second pass for whole vials, the plan written and checked)."""
    if row.status == "queued":
        return t("planning_waiting", n=ahead)
    if row.status == "solving":
        return t("planning_finishing") if elapsed >= row.time_limit_s else t("planning_solving")
    return t(f"planning_status_{row.status}")


def progress_of(session: Session, row: PlanRow, lang: str) -> dict[str, Any]:
    """What the progress view shows, as numbers and as text in ``lang``."""
    t = translator(lang)
    ahead = 0
    if row.status == "queued":
        ahead = int(
            session.scalar(
                select(func.count())
                .select_from(PlanRow)
                .where(PlanRow.status.in_(plan_states.ACTIVE), PlanRow.id < row.id)
            )
            or 0
        )
    elapsed = _elapsed(row)
    planned, coverage = row.best_planned, row.best_coverage
    none_yet = t("planning_no_solution_yet")
    return {
        "status": row.status,
        "active": row.status in plan_states.ACTIVE,
        "elapsed_s": round(elapsed, 1),
        "limit_s": row.time_limit_s,
        "ahead": ahead,
        "planned": planned,
        "coverage": coverage,
        "areas_done": row.areas_done,
        "areas_total": row.areas_total,
        "text": {
            "status": t(f"planning_status_{row.status}"),
            "state": _state(row, elapsed, ahead, t),
            "elapsed": t(
                "planning_seconds_of", n=number(elapsed, lang), limit=number(row.time_limit_s, lang)
            ),
            "planned": none_yet if planned is None else number(planned, lang),
            "coverage": none_yet if coverage is None else f"{number(100 * coverage, lang, 1)} %",
            "areas": (
                ""
                if row.areas_total is None
                else t("planning_areas_of", n=row.areas_done or 0, total=row.areas_total)
            ),
        },
    }


@router.get("/planning/{plan_id}", response_model=None)
def plan(
    plan_id: str,
    request: Request,
    session: SessionDep,
    login: LoginDep,
    reason: str | None = None,
    published: str | None = None,
) -> HTMLResponse:
    """Progress while queued or solving; the plan when done; why, when failed or cancelled."""
    row = plan_row(session, plan_id)
    if row is None:
        return not_found(request, login)
    if row.status == "done" and row.document is not None:
        just_published = published == "1" and row.published_at is not None
        return plan_page.page(request, session, login, row, reason, just_published)
    end = row.start_date + dt.timedelta(days=row.days - 1)
    if row.status in plan_states.ACTIVE:
        return render(
            request,
            "plan_progress.html",
            login,
            row=row,
            end=end,
            progress=progress_of(session, row, lang_of(request)),
        )
    return render(request, "plan_failed.html", login, row=row, end=end, why=why_key(row))


def why_key(row: PlanRow) -> str | None:
    """The catalogue key explaining a failed plan's error (None: show the error itself)."""
    error = row.error or ""
    if error.startswith("input"):
        return "planning_why_input"
    if error.startswith("infeasible"):
        return "planning_why_infeasible"
    if error.startswith("the solver stopped"):
        return "planning_why_restarts"
    if error.startswith("internal"):
        return "planning_why_internal"
    return None


@router.get("/planning/{plan_id}/progress", response_model=None)
def progress(plan_id: str, request: Request, session: SessionDep, login: LoginDep) -> Response:
    """The progress view's numbers (polled by console.js with the session cookie)."""
    row = plan_row(session, plan_id)
    if row is None:
        return JSONResponse({"detail": "no such plan"}, status_code=404)
    return JSONResponse(
        progress_of(session, row, lang_of(request)), headers={"Cache-Control": "no-store"}
    )


@router.post("/planning/{plan_id}/cancel", response_model=None)
def cancel(
    plan_id: str, request: Request, session: SessionDep, login: LoginDep, form: FormDep
) -> Response:
    """Cancel a queued or solving plan (its solver stops within a second), then its page."""
    row = plan_row(session, plan_id)
    if row is None:
        return not_found(request, login)
    plan_states.cancel(session, row.id)
    return RedirectResponse(f"/planning/{row.id}", status_code=303)


router.include_router(plan_page.router)
