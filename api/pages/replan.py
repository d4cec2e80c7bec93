"""Plan the rest: a re-plan of a done plan from the console, the preview of what it changes,
and publishing it (docs/console.md, issue #21 item 7).

``GET /planning/{id}/replan`` is the form: the moment to plan from (``as_of``, now in Viet Nam
time by default), the days to cover (empty: up to the plan's last day) and the time limit.
``POST`` queues the re-plan through api/plan_requests.queue_replan, as ``POST
/plans/{id}/replan`` does, and redirects to ``/planning/{new id}`` (its progress). A bad value,
a full queue or another re-plan running is the form again with the message.

``GET /planning/{id}/changes`` shows, for a done re-plan, what it changes against its parent
(planner/plan_changes.py) and a Publish button; a plan that is not a re-plan, not done yet or
already published says so. ``POST /planning/{id}/publish`` publishes (teams receive the
version from then on) and goes back to the plan page with a notice (``?published=1``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from api import plan_requests
from api.i18n import TEXTS, translate, vn_date
from api.models import PlanRow
from api.pages.common import FormDep, LoginDep, lang_of, render
from api.schemas import EARLIEST, LATEST
from api.security import SessionDep
from api.store import VN, as_local
from api.web_sessions import WebLogin
from planner.plan_changes import (
    EARLIER_DAY,
    EXCLUDED,
    UNASSIGNED,
    PlanChanges,
    Standing,
    plan_changes,
)
from planner.reasons_catalogue import reason_label

router = APIRouter(include_in_schema=False)
#: the JSON API's bounds (api/schemas.ReplanCreate)
MAX_DAYS = 31
MAX_TIME_LIMIT_S = 600
MAX_PLAN_ID = 2_147_483_647  # database ids are 32-bit
#: a list of changes this long or shorter shows open; a longer one opens on a click
OPEN_UP_TO = 30
#: how the form shows and reads the moment to plan from (Viet Nam time)
MOMENT_FORMAT = "%d/%m/%Y %H:%M"


def last_day(row: PlanRow) -> dt.date:
    return row.start_date + dt.timedelta(days=row.days - 1)


@dataclass
class ReplanForm:
    """The form's values as typed (shown again on an error), what they mean once read, and
    the message key of each field that is wrong (with its values)."""

    as_of: str
    days: str
    time_limit: str
    moment: dt.datetime | None = None
    day_count: int | None = None
    limit_s: float | None = None
    errors: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)


def default_form(request: Request) -> ReplanForm:
    now = dt.datetime.now(VN)
    limit = request.app.state.settings.default_time_limit_s
    return ReplanForm(now.strftime(MOMENT_FORMAT), "", f"{limit:g}")


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip()[:40] if isinstance(value, str) else ""


def parse_moment(text: str) -> dt.datetime | None:
    """A moment typed as ``DD/MM/YYYY HH:MM`` (what the form shows) or ISO 8601."""
    try:
        return dt.datetime.strptime(" ".join(text.split()), MOMENT_FORMAT)
    except ValueError:
        pass
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        return None


def _moment(text: str, parent: PlanRow, form: ReplanForm) -> None:
    moment = parse_moment(text)
    if moment is None:
        form.errors["as_of"] = ("replan_bad_as_of", {})
        return
    moment = moment if moment.tzinfo else moment.replace(tzinfo=VN)
    local = moment.astimezone(VN)
    if not EARLIEST <= local.date() <= LATEST:
        form.errors["as_of"] = ("replan_bad_as_of", {})
    elif local.date() < parent.start_date:
        form.errors["as_of"] = ("replan_as_of_before", {"start": vn_date(parent.start_date)})
    else:
        form.moment = local


def read_form(form: FormData, parent: PlanRow) -> ReplanForm:
    """The posted form, checked as the JSON API checks a re-plan's body, with the messages
    a planner reads instead of a 422."""
    out = ReplanForm(_text(form, "as_of"), _text(form, "days"), _text(form, "time_limit"))
    _moment(out.as_of, parent, out)
    if out.days:
        try:
            out.day_count = int(out.days)
        except ValueError:
            out.day_count = None
        if out.day_count is None or not 1 <= out.day_count <= MAX_DAYS:
            out.errors["days"] = ("replan_bad_days", {"max": MAX_DAYS})
    if out.time_limit:
        try:
            out.limit_s = float(out.time_limit.replace(",", "."))
        except ValueError:
            out.limit_s = None
        if out.limit_s is None or not 1 <= out.limit_s <= MAX_TIME_LIMIT_S:
            out.errors["time_limit"] = ("replan_bad_time_limit", {"max": MAX_TIME_LIMIT_S})
    return out


def _plan_or_404(
    request: Request, session: Session, login: WebLogin, plan_id: str
) -> PlanRow | HTMLResponse:
    """The plan of the path, or the "no such plan" page (a path that is not a plan's id
    included: a page answers in words, never with the API's 422)."""
    number = int(plan_id) if plan_id.isascii() and plan_id.isdigit() and len(plan_id) <= 10 else 0
    row = session.get(PlanRow, number) if 1 <= number <= MAX_PLAN_ID else None
    if row is None:
        return render(request, "error.html", login, status_code=404, message_key="replan_no_plan")
    return row


def _form_page(
    request: Request,
    login: WebLogin,
    parent: PlanRow,
    form: ReplanForm,
    status_code: int = 200,
    refusal: tuple[str, dict[str, Any]] | None = None,
    running: int | None = None,
) -> HTMLResponse:
    return render(
        request,
        "replan.html",
        login,
        status_code=status_code,
        parent=parent,
        end=last_day(parent),
        form=form,
        refusal=refusal,
        running=running,
        max_days=MAX_DAYS,
        max_time_limit=MAX_TIME_LIMIT_S,
    )


@router.get("/planning/{plan_id}/replan")
def replan_form(
    plan_id: str, request: Request, session: SessionDep, login: LoginDep
) -> HTMLResponse:
    parent = _plan_or_404(request, session, login, plan_id)
    if isinstance(parent, HTMLResponse):
        return parent
    return _form_page(
        request,
        login,
        parent,
        default_form(request),
        status_code=200 if parent.status == "done" else 409,
    )


@router.post("/planning/{plan_id}/replan")
def replan_submit(
    plan_id: str, request: Request, session: SessionDep, login: LoginDep, form: FormDep
) -> Response:
    parent = _plan_or_404(request, session, login, plan_id)
    if isinstance(parent, HTMLResponse):
        return parent
    if parent.status != "done" or parent.document is None:
        return _form_page(request, login, parent, default_form(request), 409)
    values = read_form(form, parent)
    if values.errors:
        return _form_page(request, login, parent, values, 422)
    try:
        row = plan_requests.queue_replan(
            session,
            request.app.state.settings,
            request.app.state.jobs,
            parent,
            as_of=values.moment,
            days=values.day_count,
            time_limit_s=values.limit_s,
            requested_by=login.user_name,
        )
    except plan_requests.QueueFull as exc:
        return _form_page(
            request, login, parent, values, 429, ("replan_queue_full", {"n": exc.limit})
        )
    except plan_requests.ReplanRunning as exc:
        return _form_page(
            request, login, parent, values, 409, ("replan_running", {}), running=exc.plan_id
        )
    except plan_requests.Busy:
        return _form_page(request, login, parent, values, 503, ("replan_busy", {}))
    return RedirectResponse(f"/planning/{row.id}", status_code=303)


def changes_of(session: Session, row: PlanRow) -> PlanChanges | None:
    """The re-plan's changes against its parent; None unless both plans are done."""
    if row.parent_id is None or row.document is None or row.status != "done":
        return None
    parent = session.get(PlanRow, row.parent_id)
    if parent is None or parent.document is None:
        return None
    return plan_changes(parent.document, row.document)


def standing_text(lang: str) -> Callable[..., str]:
    """Where a plan has a resident who is off the compared routes, in ``lang``: an earlier
    day's team, not planned with the reason's label, a status (vaccinated, refused...), or not
    on the list. ``bare``: a reason alone (the dropped list's column says it is the reason)."""

    def text(standing: Standing, bare: bool = False) -> str:
        if standing.kind == EARLIER_DAY and standing.slot is not None:
            return translate(
                "changes_earlier_day",
                lang,
                team=standing.slot.team_id,
                day=vn_date(standing.slot.date),
            )
        if standing.kind == UNASSIGNED:
            reason = reason_label(standing.code, lang)
            return reason if bare else translate("changes_unassigned", lang, reason=reason)
        if standing.kind == EXCLUDED:
            key = f"status_{standing.code}"
            return translate(key, lang) if key in TEXTS else standing.code
        return translate("changes_absent", lang)

    return text


def _changes_page(
    request: Request, session: Session, login: WebLogin, row: PlanRow, status_code: int = 200
) -> HTMLResponse:
    parent = session.get(PlanRow, row.parent_id) if row.parent_id else None
    summary = (row.document or {}).get("summary", {})
    return render(
        request,
        "replan_changes.html",
        login,
        status_code=status_code,
        plan=row,
        parent=parent,
        changes=changes_of(session, row),
        end=last_day(row),
        as_of=as_local(row.as_of) if row.as_of else None,
        kept_stops=summary.get("fixed_stops", 0),
        standing=standing_text(lang_of(request)),
        open_up_to=OPEN_UP_TO,
    )


@router.get("/planning/{plan_id}/changes")
def changes_page(
    plan_id: str, request: Request, session: SessionDep, login: LoginDep
) -> HTMLResponse:
    row = _plan_or_404(request, session, login, plan_id)
    if isinstance(row, HTMLResponse):
        return row
    return _changes_page(request, session, login, row)


@router.post("/planning/{plan_id}/publish")
def publish(
    plan_id: str, request: Request, session: SessionDep, login: LoginDep, form: FormDep
) -> Response:
    """Publish a done plan (idempotent) and go back to its page; anything else: the changes
    page, which says why not."""
    row = _plan_or_404(request, session, login, plan_id)
    if isinstance(row, HTMLResponse):
        return row
    if not plan_requests.publish(session, row):
        return _changes_page(request, session, login, row, status_code=409)
    return RedirectResponse(f"/planning/{row.id}?published=1", status_code=303)
