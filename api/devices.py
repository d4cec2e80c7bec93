"""Enrolled tablets: a team leader's principal for one team, signed in by a one-time code.

A planner makes an enrolment code on the console (api/pages/devices.py): 144 random bits,
stored only as a SHA-256, for one team, usable once within ``ENROL_MINUTES``. Opening
``/enrol/<code>`` on the tablet redeems it: the code is marked used (one conditional UPDATE,
so two openings at once cannot both win), a ``devices`` row is made and the tablet gets the
``vaxroute_device`` cookie, 32 random bytes of which again only the SHA-256 is stored.

The cookie is HttpOnly and SameSite=Lax, not Strict like the console's: the tablet opens the
link from a QR scanner, another app, and the redirect to /field that follows belongs to that
cross-site navigation, on which a Strict cookie would not be sent (the tablet would look signed
out on its first page). Lax cookies go with top-level GETs only; data-changing calls need the
device's CSRF token (double submit, like the console's: ``X-CSRF-Token``), which the device's
pages carry. A device is signed in until a planner revokes it; its next request is then a 401
that clears its cookie and, with ``Clear-Site-Data``, what the browser stored for the site.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import cast

from fastapi import HTTPException, Request, Response, status
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from api.models import DeviceRow, EnrolmentRow, TeamRow, now
from api.users import utc
from api.web_sessions import CSRF_HEADER, SAFE_METHODS, secure_cookie

DEVICE_COOKIE = "vaxroute_device"
ENROL_MINUTES = 15
#: the cookie's life in the browser (Chrome caps cookies at 400 days); the server's row decides
COOKIE_DAYS = 400
#: last_seen_at is written at most this often (every request would be a write)
TOUCH_EVERY = dt.timedelta(seconds=60)
#: what a revoked or unknown device's response asks the browser to drop
CLEAR_SITE_DATA = '"storage", "cache"'
#: a code is 24 characters (token_urlsafe(18)); anything much longer is not a code
MAX_CODE = 100
LABEL_MAX = 100


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def team_exists(session: Session, team_id: str) -> bool:
    return session.scalar(select(TeamRow.id).where(TeamRow.team_id == team_id)) is not None


def create_code(
    session: Session, team_id: str, created_by: str, label: str = ""
) -> tuple[EnrolmentRow, str]:
    """A new one-time code for ``team_id``; returns the row and the code (shown once)."""
    if not team_exists(session, team_id):
        raise LookupError(f"no team {team_id!r}")
    code = secrets.token_urlsafe(18)
    moment = now()
    row = EnrolmentRow(
        code_hash=_digest(code),
        team_id=team_id,
        label=label[:LABEL_MAX],
        created_by=created_by[:100],
        created_at=moment,
        expires_at=moment + dt.timedelta(minutes=ENROL_MINUTES),
    )
    session.add(row)
    session.commit()
    return row, code


@dataclass(frozen=True)
class Enrolled:
    """A redeemed code: the new device and its cookie value (never stored)."""

    device: DeviceRow
    secret: str


def redeem(session: Session, code: str) -> Enrolled | str:
    """Use ``code`` once: the new device, or why not ("unknown", "used" or "expired")."""
    if not code or len(code) > MAX_CODE:
        return "unknown"
    row = session.scalar(select(EnrolmentRow).where(EnrolmentRow.code_hash == _digest(code)))
    if row is None:
        return "unknown"
    moment = now()
    if row.used_at is not None:
        return "used"
    if utc(row.expires_at) <= moment:
        return "expired"
    taken = session.execute(
        update(EnrolmentRow)
        .where(EnrolmentRow.id == row.id, EnrolmentRow.used_at.is_(None))
        .values(used_at=moment)
    )
    if getattr(taken, "rowcount", 0) != 1:  # another opening of the link won the race
        session.rollback()
        return "used"
    secret = secrets.token_urlsafe(32)
    device = DeviceRow(
        team_id=row.team_id,
        label=row.label,
        created_by=row.created_by,
        created_at=moment,
        last_seen_at=moment,
        secret_hash=_digest(secret),
        csrf_token=secrets.token_urlsafe(32),
    )
    session.add(device)
    session.flush()
    session.execute(
        update(EnrolmentRow).where(EnrolmentRow.id == row.id).values(device_id=device.id)
    )
    session.commit()
    return Enrolled(device, secret)


def find_device(session: Session, cookie: str | None) -> DeviceRow | None:
    """The device a cookie value names (revoked ones too), or None."""
    if not cookie or len(cookie) > 200:
        return None
    return session.scalar(select(DeviceRow).where(DeviceRow.secret_hash == _digest(cookie)))


def touch(session: Session, device: DeviceRow) -> None:
    """Record the device's contact, at most once a minute."""
    moment = now()
    if moment - utc(device.last_seen_at) >= TOUCH_EVERY:
        device.last_seen_at = moment
        session.commit()


def request_device(request: Request, session: Session) -> DeviceRow | None:
    """The request's live (not revoked) device, touched; None without a device cookie.
    A cookie of a revoked or unknown device raises :func:`refusal` (401, data cleared).
    Cached on the request: pages and the API ask once."""
    if hasattr(request.state, "device"):
        return cast(DeviceRow | None, request.state.device)
    cookie = request.cookies.get(DEVICE_COOKIE)
    if cookie is None:
        request.state.device = None
        return None
    device = find_device(session, cookie)
    if device is None or device.revoked_at is not None:
        raise refusal(request, "this tablet was signed out: ask a planner to enrol it again")
    touch(session, device)
    request.state.device = device
    return device


def csrf_ok(device: DeviceRow, supplied: str | None) -> bool:
    return bool(supplied) and secrets.compare_digest(
        str(supplied).encode(), device.csrf_token.encode()
    )


def require_csrf(request: Request, device: DeviceRow) -> None:
    """A data-changing call with the device cookie must carry the device's CSRF token."""
    if request.method not in SAFE_METHODS and not csrf_ok(device, request.headers.get(CSRF_HEADER)):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "missing or wrong CSRF token")


def _cookie_flags(request: Request) -> str:
    secure = "; Secure" if secure_cookie(request, request.app.state.settings) else ""
    return f"Path=/; HttpOnly; SameSite=Lax{secure}"


def signed_out_headers(request: Request) -> dict[str, str]:
    """The headers that sign a device out: its cookie expired and the site's data cleared."""
    return {
        "Set-Cookie": f'{DEVICE_COOKIE}=""; Max-Age=0; {_cookie_flags(request)}',
        "Clear-Site-Data": CLEAR_SITE_DATA,
        "Cache-Control": "no-store",
    }


def refusal(request: Request, message: str) -> HTTPException:
    """A 401 for a revoked or unknown device that also signs it out."""
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED,
        message,
        headers={"WWW-Authenticate": "Bearer", **signed_out_headers(request)},
    )


def set_device_cookie(response: Response, request: Request, secret: str) -> None:
    response.set_cookie(
        DEVICE_COOKIE,
        secret,
        max_age=COOKIE_DAYS * 86400,
        path="/",
        httponly=True,
        samesite="lax",
        secure=secure_cookie(request, request.app.state.settings),
    )


def list_devices(session: Session) -> list[DeviceRow]:
    """Every device, live ones first, by team and enrolment."""
    rows = session.scalars(select(DeviceRow).order_by(DeviceRow.team_id, DeviceRow.id))
    return sorted(rows, key=lambda d: d.revoked_at is not None)


def revoke_device(session: Session, device_id: int) -> bool:
    """Revoke a device (idempotent); False when there is no such device. The row stays."""
    row = session.get(DeviceRow, device_id)
    if row is None:
        return False
    if row.revoked_at is None:
        row.revoked_at = now()
        session.commit()
    return True
