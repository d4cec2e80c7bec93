"""Tables. Residents and teams keep the canonical fields of the spec as JSON, keyed by their id."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    pass


class ResidentRow(Base):
    __tablename__ = "residents"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    resident_id: Mapped[str] = mapped_column(String(100), unique=True, index=True)
    ward: Mapped[str] = mapped_column(String(200), default="", index=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)
    #: set when a planner deletes the resident: personal fields are gone, counts remain
    deleted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class TeamRow(Base):
    __tablename__ = "teams"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(100), unique=True, index=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)


class ImportRow(Base):
    __tablename__ = "imports"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    filename: Mapped[str] = mapped_column(String(300))
    report: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)


class PlanRow(Base):
    __tablename__ = "plans"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, unique=True)
    status: Mapped[str] = mapped_column(String(20), default="queued", index=True)
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    start_date: Mapped[dt.date] = mapped_column(Date)
    days: Mapped[int] = mapped_column(Integer)
    time_limit_s: Mapped[float] = mapped_column(Float)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id"), nullable=True)
    as_of: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    document: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    changed_assignments: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    #: the solver touches it while it works: a stale one means the solver died
    heartbeat_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    #: how many times a solver took the plan (a restart re-queues it at most once)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: a re-plan is a draft until a planner publishes it (migration 0003 stamps older plans)
    published_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    #: who asked for the plan: a console user's name or "token N" (None: before 0003)
    requested_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    #: while solving: residents planned and priority-weighted coverage (0..1) of the best plan
    #: so far (migration 0004; None before the first solution)
    best_planned: Mapped[int | None] = mapped_column(Integer, nullable=True)
    best_coverage: Mapped[float | None] = mapped_column(Float, nullable=True)
    #: while solving on a cluster: areas finished and areas in all (migration 0008; None when
    #: the plan is solved in one piece)
    areas_done: Mapped[int | None] = mapped_column(Integer, nullable=True)
    areas_total: Mapped[int | None] = mapped_column(Integer, nullable=True)
    #: the settings file a planner uploaded with this plan (TOML, applied over the server's)
    settings_toml: Mapped[str | None] = mapped_column(Text, nullable=True)


class TokenRow(Base):
    __tablename__ = "tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    role: Mapped[str] = mapped_column(String(20))
    team_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    label: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)
    expires_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class VisitRow(Base):
    """An outcome. Append-only: a correction is a new row; the latest ``at`` wins."""

    __tablename__ = "visits"
    #: a key is the device's own: another team reusing it is another visit, never this one
    __table_args__ = (UniqueConstraint("team_id", "idempotency_key", name="uq_visits_team_key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(100))
    resident_id: Mapped[str] = mapped_column(ForeignKey("residents.resident_id"), index=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    team_id: Mapped[str] = mapped_column(String(100), index=True)
    outcome: Mapped[str] = mapped_column(String(30))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    postponed_to: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    lat: Mapped[float | None] = mapped_column(Float, nullable=True)
    lon: Mapped[float | None] = mapped_column(Float, nullable=True)
    token_id: Mapped[int | None] = mapped_column(ForeignKey("tokens.id"), nullable=True)
    #: the team leader's optional note (migration 0006): shown on the board, never logged
    note: Mapped[str | None] = mapped_column(String(500), nullable=True)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)


class JobLock(Base):
    """One row per running exclusive job (a re-plan): a second one fails on the primary key."""

    __tablename__ = "job_locks"
    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    plan_id: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)


class AuditRow(Base):
    """Who read or changed personal data (Decree 13/2023): append-only."""

    __tablename__ = "audit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now, index=True)
    token_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    action: Mapped[str] = mapped_column(String(30))
    resident_id: Mapped[str | None] = mapped_column(String(100), nullable=True, index=True)
    detail: Mapped[str] = mapped_column(String(200), default="")


class UserRow(Base):
    """A person who signs in to the console. Only an Argon2 hash of the password is stored;
    ``failed_attempts`` and ``locked_until`` slow down guessing (api/users.py)."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True, index=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)
    disabled_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class WebSessionRow(Base):
    """A signed-in browser. The cookie holds a random value; only its SHA-256 is stored, so a
    copy of the database signs nobody in (api/web_sessions.py)."""

    __tablename__ = "web_sessions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class DeviceRow(Base):
    """An enrolled tablet: a team leader's principal for one team until it is revoked. The
    cookie holds a random value; only its SHA-256 is stored (api/devices.py)."""

    __tablename__ = "devices"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(100), index=True)
    label: Mapped[str] = mapped_column(String(100), default="")
    #: the console user who enrolled it
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    #: the double-submit token its pages send with data-changing calls (X-CSRF-Token)
    csrf_token: Mapped[str] = mapped_column(String(64))


class EnrolmentRow(Base):
    """A one-time enrolment code: its SHA-256, the team, the expiry and when it was used."""

    __tablename__ = "device_enrolments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    team_id: Mapped[str] = mapped_column(String(100))
    label: Mapped[str] = mapped_column(String(100), default="")
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    #: the device the code made (None until used)
    device_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id"), nullable=True)
