"""History (``/history``): the plan versions (who asked, when, published, from which version,
how many assignments changed) and the audit of who read or changed residents' data — the same
entries as ``GET /audit`` (api/audit.py), newest first.

Both lists are paged; the audit can be filtered by action and by a first day. Only those
filters and the page numbers travel in the query string: no name, resident id or search word
is ever put in a URL (resident ids show in the table's cells, for planners only). A bad filter
is a message on the page, never a 422.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import func, select
from sqlalchemy.orm import Session, defer

from api.audit import ACTIONS, entries
from api.i18n import TEXTS, translate
from api.models import AuditRow, PlanRow
from api.pages.common import LoginDep, lang_of, render
from api.pages.days import parse_day
from api.pages.replan import last_day
from api.schemas import EARLIEST, LATEST
from api.security import SessionDep
from api.store import VN

router = APIRouter(include_in_schema=False)
VERSIONS_PER_PAGE = 20
AUDIT_PER_PAGE = 50
MAX_PAGE = 1_000_000
TOKEN = re.compile(r"token (\d+)")  # plans.requested_by of a bearer token (Principal.who)


def page_number(value: str | None) -> int:
    """A page number from the query (anything else is page 1)."""
    if value and value.isascii() and value.isdigit() and len(value) <= 7:
        return max(1, min(int(value), MAX_PAGE))
    return 1


@dataclass(frozen=True)
class AuditLine:
    id: int
    at: dt.datetime
    who: str | None  # a console user's name (None: a token, see token_id)
    token_id: int | None
    action: str
    resident_id: str | None
    detail: str


def audit_line(row: AuditRow) -> AuditLine:
    """An audit row for the table: a console user's name comes out of the detail, where
    api/audit.record put it ("user NAME: detail")."""
    who, detail = None, row.detail
    if row.token_id is None and detail.startswith("user "):
        who, _, detail = detail.removeprefix("user ").partition(": ")
    return AuditLine(row.id, row.at, who, row.token_id, row.action, row.resident_id, detail)


def action_label(lang: str) -> Any:
    """An audit action's words in ``lang`` (an action without words yet: its code)."""

    def label(code: str) -> str:
        key = f"history_action_{code}"
        return translate(key, lang) if key in TEXTS else code

    return label


def asker(lang: str) -> Any:
    """Who asked for a plan, as the page says it: a user's name, "Token N" in ``lang`` for
    a bearer token (stored as "token N"), or unknown (plans from before migration 0003)."""

    def text(value: str | None) -> str:
        if value is None:
            return translate("history_unknown", lang)
        token = TOKEN.fullmatch(value)
        return translate("history_token", lang, n=token[1]) if token else value

    return text


def _versions(session: Session, page: int) -> tuple[list[PlanRow], dict[int, int], int]:
    """A page of plans, newest version first; the version of each one's parent; pages."""
    total = session.scalar(select(func.count()).select_from(PlanRow)) or 0
    pages = max(1, math.ceil(total / VERSIONS_PER_PAGE))
    page = min(page, pages)
    rows = list(
        session.scalars(
            select(PlanRow)
            .options(defer(PlanRow.document))
            .order_by(PlanRow.version.desc())
            .offset((page - 1) * VERSIONS_PER_PAGE)
            .limit(VERSIONS_PER_PAGE)
        )
    )
    parent_ids = {r.parent_id for r in rows if r.parent_id is not None}
    parents = {
        plan_id: version
        for plan_id, version in session.execute(
            select(PlanRow.id, PlanRow.version).where(PlanRow.id.in_(parent_ids))
        )
    }
    return rows, parents, pages


def _since(value: str | None) -> tuple[dt.date | None, bool]:
    """The audit's first day from the query: (day, whether the value was bad)."""
    if not value:
        return None, False
    day = parse_day(value.strip()[:10])
    if day is None:
        return None, True
    return (day, False) if EARLIEST <= day <= LATEST else (None, True)


@router.get("/history")
def history(
    request: Request,
    session: SessionDep,
    login: LoginDep,
    page: str | None = None,
    audit_page: str | None = None,
    action: str | None = None,
    since: str | None = None,
) -> HTMLResponse:
    versions_page, log_page = page_number(page), page_number(audit_page)
    rows, parents, pages = _versions(session, versions_page)
    versions_page = min(versions_page, pages)
    bad_action = bool(action) and action not in ACTIONS
    chosen = action if action in ACTIONS else None
    day, bad_since = _since(since)
    start = dt.datetime.combine(day, dt.time(0, 0), tzinfo=VN) if day else None
    found = entries(
        session,
        action=chosen,
        since=start,
        limit=AUDIT_PER_PAGE + 1,
        offset=(log_page - 1) * AUDIT_PER_PAGE,
    )
    filters: dict[str, Any] = {k: v for k, v in (("action", chosen), ("since", day)) if v}

    def url(**changes: Any) -> str:
        query = {"page": versions_page, "audit_page": log_page, **filters, **changes}
        return "/history?" + urlencode({k: v for k, v in query.items() if v and v != 1})

    return render(
        request,
        "history.html",
        login,
        plans=rows,
        parents=parents,
        page=versions_page,
        pages=pages,
        audit=[audit_line(r) for r in found[:AUDIT_PER_PAGE]],
        audit_page=log_page,
        audit_more=len(found) > AUDIT_PER_PAGE,
        actions=ACTIONS,
        action=chosen,
        since=day,
        bad_action=bad_action,
        bad_since=bad_since,
        url=url,
        last_day=last_day,
        action_label=action_label(lang_of(request)),
        asker=asker(lang_of(request)),
        status_code=422 if bad_action or bad_since else 200,
    )
