"""Bearer tokens with roles, an expiry and revocation. Only a SHA-256 of each token is stored.

Expiry: a team leader's token lasts 90 days by default (tablets get lost and staff rotate: a
short life bounds the harm of a token nobody revoked); a planner's 365 days (the planner is
the account that issues and revokes tokens, and a lapse would stop the campaign's office).
``vaxroute token create --days N`` sets another life, 1 to 3,650 days: there are no tokens that
never expire. Tokens made before migration 0002 have no expiry; revoke and re-create them.
An expired or revoked token gets 401 with a message saying which, so the holder knows to ask
for a new one. Revoking keeps the row: visits recorded with the token still name it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.devices import DEVICE_COOKIE, request_device
from api.devices import require_csrf as require_device_csrf
from api.models import TeamRow, TokenRow, now
from api.web_sessions import COOKIE, request_login, require_csrf_header

ROLES = ("planner", "team_leader")
#: default life of a new token, by role (see the module docstring for why)
DEFAULT_DAYS = {"planner": 365, "team_leader": 90}
MAX_DAYS = 3650


@dataclass(frozen=True)
class Principal:
    """Who makes a request: a bearer token (``token_id``) or a person signed in to the console
    (``token_id`` None, ``user`` their name; see api/web_sessions.py)."""

    token_id: int | None
    role: str
    team_id: str | None
    user: str | None = None
    #: an enrolled tablet (api/devices.py): a team leader of ``team_id``
    device_id: int | None = None

    @property
    def is_planner(self) -> bool:
        return self.role == "planner"

    @property
    def who(self) -> str:
        """A user's name, "device N" or "token N": what plans.requested_by records."""
        if self.user is not None:
            return self.user
        return (
            f"device {self.device_id}" if self.device_id is not None else f"token {self.token_id}"
        )

    def may_see_team(self, team_id: str) -> bool:
        return self.is_planner or self.team_id == team_id


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def utc(value: dt.datetime) -> dt.datetime:
    """Stored times are UTC; SQLite hands them back naive."""
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _check_team(session: Session, team_id: str) -> None:
    """A team leader's token must name a team the database knows (a typo would lock them out
    of every route without saying why)."""
    if session.scalar(select(TeamRow.id).where(TeamRow.team_id == team_id)) is not None:
        return
    known = session.scalars(select(TeamRow.team_id).order_by(TeamRow.team_id).limit(20)).all()
    found = f"teams in the database: {', '.join(known)}" if known else "no teams are imported yet"
    raise ValueError(
        f"no team {team_id!r} in the database ({found}): import the teams list "
        "first (POST /teams/imports with a planner token), then create the team "
        "leader's token"
    )


def issue_token(
    session: Session, role: str, team_id: str | None, label: str = "", days: int | None = None
) -> tuple[TokenRow, str]:
    """Store a new token's hash; return the row and the token (shown once, never stored)."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    if role == "team_leader" and not team_id:
        raise ValueError("a team leader token needs --team")
    days = DEFAULT_DAYS[role] if days is None else days
    if not 1 <= days <= MAX_DAYS:
        raise ValueError(f"a token lasts 1 to {MAX_DAYS} days, not {days}")
    if role == "team_leader":
        _check_team(session, str(team_id))
    token = "vx_" + secrets.token_urlsafe(32)
    created = now()
    row = TokenRow(
        token_hash=hash_token(token),
        role=role,
        team_id=team_id if role == "team_leader" else None,
        label=label,
        created_at=created,
        expires_at=created + dt.timedelta(days=days),
    )
    session.add(row)
    session.commit()
    return row, token


def create_token(
    session: Session, role: str, team_id: str | None, label: str = "", days: int | None = None
) -> str:
    """A new token (see :func:`issue_token`)."""
    return issue_token(session, role, team_id, label, days)[1]


def list_tokens(session: Session) -> list[TokenRow]:
    return list(session.scalars(select(TokenRow).order_by(TokenRow.id)))


def revoke_token(session: Session, token_id: int) -> tuple[TokenRow, bool]:
    """Revoke a token; idempotent. Returns the row and whether this call revoked it.
    The row stays, so the visits it recorded keep naming it."""
    row = session.get(TokenRow, token_id)
    if row is None:
        raise LookupError(f"no token with id {token_id} (vaxroute token list shows them)")
    if row.revoked_at is not None:
        return row, False
    row.revoked_at = now()
    session.commit()
    return row, True


def get_session(request: Request) -> Iterator[Session]:
    with request.app.state.db.session() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def _refuse(message: str) -> HTTPException:
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED, message, headers={"WWW-Authenticate": "Bearer"}
    )


def _usable(row: TokenRow) -> None:
    """401 for a revoked or expired token, saying which and what to do."""
    if row.revoked_at is not None:
        raise _refuse(
            f"token revoked on {utc(row.revoked_at):%Y-%m-%d}: ask a planner for a "
            "new one (vaxroute token create)"
        )
    if row.expires_at is not None and utc(row.expires_at) <= now():
        raise _refuse(
            f"token expired on {utc(row.expires_at):%Y-%m-%d}: ask a planner for a "
            "new one (vaxroute token create)"
        )


def current_principal(request: Request, session: SessionDep) -> Principal:
    """A bearer token, or else the console's session cookie (whose data-changing requests
    must carry the session's CSRF token: api/web_sessions.py), or else an enrolled tablet's
    cookie: a team leader of its team, with its own CSRF token (api/devices.py)."""
    if "authorization" not in request.headers and COOKIE in request.cookies:
        login = request_login(request, session)
        if login is None:
            raise _refuse("session expired or signed out: sign in again")
        require_csrf_header(request, login)
        return Principal(None, login.role, None, user=login.user_name)
    if "authorization" not in request.headers and DEVICE_COOKIE in request.cookies:
        device = request_device(request, session)  # a revoked one: 401, signed out
        assert device is not None
        require_device_csrf(request, device)
        return Principal(None, "team_leader", device.team_id, device_id=device.id)
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise _refuse("missing bearer token")
    row = session.scalar(select(TokenRow).where(TokenRow.token_hash == hash_token(token.strip())))
    if row is None:
        raise _refuse("unknown token")
    _usable(row)
    return Principal(row.id, row.role, row.team_id)


PrincipalDep = Annotated[Principal, Depends(current_principal)]


def require_planner(principal: PrincipalDep) -> Principal:
    if not principal.is_planner:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "planner role required")
    return principal


PlannerDep = Annotated[Principal, Depends(require_planner)]
