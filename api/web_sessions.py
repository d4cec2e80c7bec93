"""Browser sessions of the console: the ``vaxroute_session`` cookie and its CSRF token.

The cookie holds 32 random bytes; the database keeps only their SHA-256 (``web_sessions``), so
a copy of the database or a backup signs nobody in. The cookie is HttpOnly (no script reads
it), SameSite=Strict (no other site's page sends it), Path=/, and Secure on HTTPS requests or
when ``VAXROUTE_COOKIE_SECURE`` says so (behind a proxy that ends TLS without telling).
A session ends after ``session_idle_minutes`` without a request, after ``session_hours`` in
any case, at sign-out (the row is deleted), and at the next request once its user is disabled.

CSRF: every data-changing request (POST, PUT, PATCH, DELETE) that a session cookie
authenticates must carry the session's CSRF token, in the form field ``csrf_token`` or the
``X-CSRF-Token`` header; bearer-token requests are not subject to it (a browser never adds an
Authorization header by itself). The comparison is constant-time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import cast

from fastapi import HTTPException, Request, Response, status
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from api.models import UserRow, WebSessionRow, now
from api.settings import Settings
from api.users import utc

COOKIE = "vaxroute_session"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
#: last_seen_at is written at most this often (every request would be a write)
TOUCH_EVERY = dt.timedelta(seconds=60)


@dataclass(frozen=True)
class WebLogin:
    """A signed-in browser: the user and the session's id and CSRF token."""

    user_id: int
    user_name: str
    role: str
    session_id: int
    csrf_token: str


def hash_cookie(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def start_session(session: Session, user: UserRow, settings: Settings) -> str:
    """A new session for ``user``; returns the cookie value (never stored). Expired sessions
    of everyone are swept out on the way."""
    moment = now()
    session.execute(delete(WebSessionRow).where(WebSessionRow.expires_at < moment))
    value = secrets.token_urlsafe(32)
    session.add(
        WebSessionRow(
            token_hash=hash_cookie(value),
            user_id=user.id,
            csrf_token=secrets.token_urlsafe(32),
            created_at=moment,
            last_seen_at=moment,
            expires_at=moment + dt.timedelta(hours=settings.session_hours),
        )
    )
    session.commit()
    return value


def _expired(row: WebSessionRow, settings: Settings, moment: dt.datetime) -> bool:
    idle = dt.timedelta(minutes=settings.session_idle_minutes)
    return utc(row.expires_at) <= moment or utc(row.last_seen_at) + idle <= moment


def load_session(session: Session, cookie: str | None, settings: Settings) -> WebLogin | None:
    """The signed-in user of a cookie value, or None: unknown, expired (idle or absolute) or a
    disabled user. An expired or disabled user's session row is deleted."""
    if not cookie or len(cookie) > 200:
        return None
    row = session.scalar(
        select(WebSessionRow).where(WebSessionRow.token_hash == hash_cookie(cookie))
    )
    if row is None:
        return None
    user = session.get(UserRow, row.user_id)
    moment = now()
    if user is None or user.disabled_at is not None or _expired(row, settings, moment):
        session.delete(row)
        session.commit()
        return None
    if moment - utc(row.last_seen_at) >= TOUCH_EVERY:
        row.last_seen_at = moment
        session.commit()
    return WebLogin(user.id, user.name, user.role, row.id, row.csrf_token)


def end_session(session: Session, login: WebLogin) -> None:
    session.execute(delete(WebSessionRow).where(WebSessionRow.id == login.session_id))
    session.commit()


def request_login(request: Request, session: Session) -> WebLogin | None:
    """The request's signed-in user (cached on the request: pages and the API ask once)."""
    if hasattr(request.state, "web_login"):
        return cast(WebLogin | None, request.state.web_login)
    login = load_session(session, request.cookies.get(COOKIE), request.app.state.settings)
    request.state.web_login = login
    return login


def csrf_ok(login: WebLogin, supplied: str | None) -> bool:
    return bool(supplied) and secrets.compare_digest(
        str(supplied).encode(), login.csrf_token.encode()
    )


def require_csrf_header(request: Request, login: WebLogin) -> None:
    """For JSON calls a session cookie authenticates: a data-changing method needs the
    ``X-CSRF-Token`` header (scripts send it; see api/static/console.js)."""
    if request.method not in SAFE_METHODS and not csrf_ok(login, request.headers.get(CSRF_HEADER)):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "missing or wrong CSRF token")


def secure_cookie(request: Request, settings: Settings) -> bool:
    return settings.cookie_secure or request.url.scheme == "https"


def set_session_cookie(response: Response, request: Request, value: str) -> None:
    settings = request.app.state.settings
    response.set_cookie(
        COOKIE,
        value,
        max_age=int(settings.session_hours * 3600),
        path="/",
        httponly=True,
        samesite="strict",
        secure=secure_cookie(request, settings),
    )


def clear_session_cookie(response: Response, request: Request) -> None:
    response.delete_cookie(
        COOKIE,
        path="/",
        httponly=True,
        samesite="strict",
        secure=secure_cookie(request, request.app.state.settings),
    )
