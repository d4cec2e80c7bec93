"""People who sign in to the console: accounts, Argon2 passwords, and lockout after failures.

Programs keep using bearer tokens (api/security.py); people get a name and a password here and
a browser session (api/web_sessions.py). Only an Argon2id hash of a password is stored
(argon2-cffi's defaults, RFC 9106's second recommendation). Guessing is slowed two ways: every
failed sign-in waits ``login_delay_s`` (the caller sleeps, see api/pages/auth.py), and
``login_max_failures`` failures in a row lock the account for ``login_lock_minutes``: the
correct password is refused too until then. A disabled account keeps its row (visits and
plans may name it) and its sessions are deleted.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from api.models import UserRow, WebSessionRow, now

log = logging.getLogger("vaxroute.users")

#: roles a console user may have; "planner" is the only one today (the column is generic)
USER_ROLES = ("planner",)
MIN_PASSWORD = 10
MAX_PASSWORD = 1024  # Argon2 takes any length; a megabyte "password" only wastes a core
MAX_NAME = 100
_hasher = PasswordHasher()
#: verified against when the name is unknown, so that a wrong name takes as long as a wrong
#: password (the time would otherwise tell which names exist)
_DUMMY_HASH = _hasher.hash("not a password of anyone")


def utc(value: dt.datetime) -> dt.datetime:
    """Stored times are UTC; SQLite hands them back naive."""
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def check_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > MAX_NAME or any(c.isspace() and c != " " for c in name):
        raise ValueError(f"a user name has 1 to {MAX_NAME} characters and no tabs or newlines")
    return name


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"a password has at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise ValueError(f"a password has at most {MAX_PASSWORD} characters")


def add_user(session: Session, name: str, password: str, role: str = "planner") -> UserRow:
    """Store a new account with the hash of its first password."""
    name = check_name(name)
    if role not in USER_ROLES:
        raise ValueError(f"role must be one of {', '.join(USER_ROLES)}")
    check_password(password)
    if session.scalar(select(UserRow.id).where(UserRow.name == name)) is not None:
        raise ValueError(f"a user named {name!r} exists already")
    row = UserRow(
        name=name,
        password_hash=_hasher.hash(password),
        role=role,
        created_at=now(),
        failed_attempts=0,
    )
    session.add(row)
    session.commit()
    return row


def list_users(session: Session) -> list[UserRow]:
    return list(session.scalars(select(UserRow).order_by(UserRow.name)))


def disable_user(session: Session, name: str) -> tuple[UserRow, bool]:
    """Disable an account and delete its sessions (its browsers are signed out at their next
    request). Idempotent: returns the row and whether this call disabled it."""
    row = session.scalar(select(UserRow).where(UserRow.name == name.strip()))
    if row is None:
        raise LookupError(f"no user named {name!r} (vaxroute user list shows them)")
    session.execute(delete(WebSessionRow).where(WebSessionRow.user_id == row.id))
    changed = row.disabled_at is None
    if changed:
        row.disabled_at = now()
    session.commit()
    return row, changed


@dataclass(frozen=True)
class SignIn:
    """What a sign-in attempt came to. ``user`` is set only when ``outcome`` is "ok"."""

    outcome: Literal["ok", "refused", "locked"]
    user: UserRow | None = None
    locked_until: dt.datetime | None = None


def _verify(hash_: str, password: str) -> bool:
    try:
        return _hasher.verify(hash_, password)
    except (VerificationError, InvalidHashError):
        return False


def authenticate(
    session: Session, name: str, password: str, max_failures: int, lock_minutes: float
) -> SignIn:
    """Check a name and password. A wrong name, a wrong password and a disabled account are
    all "refused" (the page says the same for each); a locked account is "locked", whatever
    the password. Failures are counted per account and reset by a success."""
    row = session.scalar(select(UserRow).where(UserRow.name == name.strip()[:MAX_NAME]))
    password = password[:MAX_PASSWORD]
    if row is None:
        _verify(_DUMMY_HASH, password)
        return SignIn("refused")
    moment = now()
    if row.locked_until is not None and utc(row.locked_until) > moment:
        return SignIn("locked", locked_until=utc(row.locked_until))
    if not _verify(row.password_hash, password) or row.disabled_at is not None:
        row.failed_attempts = (row.failed_attempts or 0) + 1
        if row.failed_attempts >= max_failures:
            row.locked_until = moment + dt.timedelta(minutes=lock_minutes)
            row.failed_attempts = 0
            session.commit()
            log.warning(
                "user %s locked for %g min after %d failed sign-ins",
                row.id,
                lock_minutes,
                max_failures,
            )
            return SignIn("locked", locked_until=utc(row.locked_until))
        session.commit()
        log.info(
            "sign-in refused for user %s (%d failure(s) in a row)", row.id, row.failed_attempts
        )
        return SignIn("refused")
    row.failed_attempts, row.locked_until = 0, None
    if _hasher.check_needs_rehash(row.password_hash):
        row.password_hash = _hasher.hash(password)
    session.commit()
    return SignIn("ok", user=row)
