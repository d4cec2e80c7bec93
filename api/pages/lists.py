"""The lists screen: upload residents and teams, and the import report.

Uploads go through the same functions as ``POST /residents/imports`` and ``POST
/teams/imports`` (api/store.py: one transaction, all or nothing unless the good rows are
asked for), parsed and imported in the threadpool so that the server keeps answering. A file
the importer refuses is kept in memory (api/pages/stash.py) under a random key that only the
form carries; "import the good rows" posts that key back, never a file path. The report shows
every problem with its row and column, in Vietnamese when api/import_messages.py knows the
message (the English original beside it), else in English.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import PurePath
from typing import Any, cast

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from api.audit import record
from api.i18n import translate
from api.import_messages import file_error_lines, problem_vi
from api.models import ImportRow
from api.pages.common import FormDep, LoginDep, lang_of, principal_of, render
from api.pages.stash import Stash
from api.security import SessionDep
from api.store import ImportRefused, import_residents, import_teams
from api.web_sessions import WebLogin
from planner.errors import InputError
from planner.io.tables import read_table_bytes

router = APIRouter(include_in_schema=False)
#: how long a refused upload waits for "import the good rows", and how many are kept at most
UPLOAD_TTL_S = 600
UPLOADS_KEPT = 8
RECENT = 10


class Kind(StrEnum):
    residents = "residents"
    teams = "teams"


def uploads(request: Request) -> Stash:
    return cast(Stash, request.app.state.console_uploads)


def _recent(session: Session) -> list[ImportRow]:
    return list(session.scalars(select(ImportRow).order_by(ImportRow.id.desc()).limit(RECENT)))


def _lists_page(
    request: Request,
    session: Session,
    login: WebLogin,
    status_code: int = 200,
    error: str | None = None,
) -> HTMLResponse:
    mb = request.app.state.settings.max_upload_mb
    return render(
        request,
        "lists.html",
        login,
        status_code=status_code,
        error=error,
        imports=_recent(session),
        max_mb=f"{mb:g}",
        kinds=list(Kind),
    )


@router.get("/lists")
def lists(request: Request, session: SessionDep, login: LoginDep) -> HTMLResponse:
    return _lists_page(request, session, login)


def _file_name(upload: UploadFile) -> str:
    """The upload's own name, without any folder a browser may send, at most 200 characters."""
    name = PurePath(str(upload.filename or "").replace("\\", "/")).name.strip()
    return (name or "upload.csv")[-200:]


def _problems(report: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    """The report's problems as the page shows them: text in the user's language and the
    English original when it was translated."""
    out = []
    for p in report.get("problems", []):
        vi = problem_vi(p["reason"]) if lang == "vi" else None
        out.append({**p, "text": vi or p["reason"], "original": p["reason"] if vi else None})
    return out


async def _import(
    request: Request,
    session: Session,
    login: WebLogin,
    kind: Kind,
    data: bytes,
    filename: str,
    allow_rejects: bool,
) -> HTMLResponse:
    settings = request.app.state.planner_settings

    def work() -> dict[str, Any]:
        table = read_table_bytes(data, filename)
        if kind is Kind.residents:
            return import_residents(session, table, filename, settings, allow_rejects)
        return import_teams(session, table, filename, allow_rejects)

    lang = lang_of(request)
    try:
        report = await run_in_threadpool(work)
    except ImportRefused as exc:
        key = uploads(request).put(login.user_id, (kind.value, filename, data))
        return render(
            request,
            "import_report.html",
            login,
            status_code=422,
            kind=kind.value,
            report=exc.report,
            problems=_problems(exc.report, lang),
            upload_key=key,
            file_errors=[],
            filename=filename,
        )
    except InputError as exc:
        return render(
            request,
            "import_report.html",
            login,
            status_code=422,
            kind=kind.value,
            report=None,
            problems=[],
            upload_key=None,
            filename=filename,
            file_errors=file_error_lines(str(exc), filename, lang),
        )
    if kind is Kind.residents:  # personal data changed: the audit trail says by whom
        record(
            session,
            principal_of(login),
            "import_residents",
            detail=f"import {report['import_id']}: {report['added']} added, "
            f"{report['updated']} updated",
        )
    return render(
        request,
        "import_report.html",
        login,
        kind=kind.value,
        report=report,
        problems=_problems(report, lang),
        upload_key=None,
        file_errors=[],
        filename=filename,
    )


@router.post("/lists/{kind}/upload")
async def upload(
    kind: Kind, request: Request, session: SessionDep, login: LoginDep, form: FormDep
) -> HTMLResponse:
    file = form.get("file")
    t_lang = lang_of(request)
    if not isinstance(file, UploadFile) or not file.filename:
        return _lists_page(request, session, login, 400, translate("no_file", t_lang))
    limit = request.app.state.settings.max_upload_bytes
    data = await file.read(limit + 1)
    if len(data) > limit:
        mb = f"{request.app.state.settings.max_upload_mb:g}"
        return _lists_page(request, session, login, 413, translate("file_too_large", t_lang, mb=mb))
    return await _import(request, session, login, kind, data, _file_name(file), False)


@router.post("/lists/{kind}/accept")
async def accept(
    kind: Kind, request: Request, session: SessionDep, login: LoginDep, form: FormDep
) -> HTMLResponse:
    """Import the good rows of a refused upload (its key came in the report's form)."""
    key = form.get("upload")
    kept = uploads(request).pop(login.user_id, key if isinstance(key, str) else None)
    if kept is None or kept[0] != kind.value:
        message = translate("upload_expired", lang_of(request), minutes=UPLOAD_TTL_S // 60)
        return _lists_page(request, session, login, 410, message)
    _, filename, data = kept
    return await _import(request, session, login, kind, data, filename, True)
