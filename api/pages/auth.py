"""Sign-in, sign-out and the language switch.

The sign-in form has its own CSRF defence, since there is no session yet: a random value in a
``vaxroute_login`` cookie (SameSite=Strict, HttpOnly, Path=/login) that the form must echo
(double submit), so another site cannot sign a browser in to an account of its choosing.
A wrong name, a wrong password and a disabled account get the same message after the same
delay (``login_delay_s``, awaited: the server goes on serving others meanwhile); a locked
account says until when. Nothing here logs a name, a password or a cookie value.
"""

from __future__ import annotations

import asyncio
import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api import i18n
from api.pages.common import FormDep, LoginDep, lang_of, local_path, render
from api.security import SessionDep
from api.users import MAX_PASSWORD, authenticate
from api.web_sessions import (
    CSRF_FIELD,
    clear_session_cookie,
    end_session,
    request_login,
    secure_cookie,
    set_session_cookie,
    start_session,
)

router = APIRouter(include_in_schema=False)
LOGIN_COOKIE = "vaxroute_login"
LANG_COOKIE_DAYS = 365


def _login_page(
    request: Request, error: str | None = None, status_code: int = 200, notice: str | None = None
) -> HTMLResponse:
    """The form with a fresh double-submit value in its cookie and hidden field."""
    value = secrets.token_urlsafe(32)
    settings = request.app.state.settings
    response = render(
        request,
        "login.html",
        None,
        status_code=status_code,
        error=error,
        notice=notice,
        login_csrf=value,
        idle_minutes=int(settings.session_idle_minutes),
    )
    response.set_cookie(
        LOGIN_COOKIE,
        value,
        max_age=3600,
        path="/login",
        httponly=True,
        samesite="strict",
        secure=secure_cookie(request, settings),
    )
    return response


@router.get("/login")
def login_form(request: Request, session: SessionDep, out: bool = False) -> Response:
    if request_login(request, session) is not None:
        return RedirectResponse("/", status_code=303)
    t = i18n.translator(lang_of(request))
    return _login_page(request, notice=t("signed_out") if out else None)


@router.post("/login")
async def login_submit(
    request: Request,
    session: SessionDep,
    name: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=MAX_PASSWORD)] = "",
    csrf_token: Annotated[str, Form(alias=CSRF_FIELD, max_length=200)] = "",
) -> Response:
    settings = request.app.state.settings
    t = i18n.translator(lang_of(request))
    expected = request.cookies.get(LOGIN_COOKIE, "")
    if not expected or not secrets.compare_digest(expected.encode(), csrf_token.encode()):
        return _login_page(request, t("login_form_expired"), 403)
    result = await run_in_threadpool(
        authenticate,
        session,
        name,
        password,
        settings.login_max_failures,
        settings.login_lock_minutes,
    )
    if result.outcome == "locked" and result.locked_until is not None:
        await asyncio.sleep(settings.login_delay_s)
        response = _login_page(
            request, t("login_locked", time=i18n.vn_datetime(result.locked_until)), 429
        )
        seconds = (result.locked_until - i18n.now_vn()).total_seconds()
        response.headers["Retry-After"] = str(max(1, int(seconds)))
        return response
    if result.outcome != "ok" or result.user is None:
        await asyncio.sleep(settings.login_delay_s)
        return _login_page(request, t("login_refused"), 401)
    value = await run_in_threadpool(start_session, session, result.user, settings)
    home = RedirectResponse("/", status_code=303)
    set_session_cookie(home, request, value)
    home.delete_cookie(LOGIN_COOKIE, path="/login")
    return home


@router.post("/logout")
def logout(request: Request, session: SessionDep, login: LoginDep, _: FormDep) -> Response:
    end_session(session, login)
    response = RedirectResponse("/login?out=1", status_code=303)
    clear_session_cookie(response, request)
    return response


@router.get("/lang/{code}")
def switch_language(code: str, request: Request, next: str = "/") -> Response:
    """Set the ``lang`` cookie and go back to the page (a path on this site only)."""
    response = RedirectResponse(local_path(next), status_code=303)
    response.set_cookie(
        i18n.LANG_COOKIE,
        i18n.pick_lang(code),
        max_age=LANG_COOKIE_DAYS * 86400,
        path="/",
        samesite="lax",
        httponly=True,
        secure=secure_cookie(request, request.app.state.settings),
    )
    return response
