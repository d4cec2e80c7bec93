"""The table of hand edits (migration 0007): the edits that made a plan version. Apart from
api/models.py so that the edits stay one feature's files."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from api.models import Base, now


class PlanEditRow(Base):
    """The hand edits that made plan version ``plan_id`` from ``parent_id``: the edits as the
    API received them, the routes locked in the new version ([team id, ISO date, [[resident
    ids] per stop]]), and the residents the edits named."""

    __tablename__ = "plan_edits"
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), primary_key=True)
    parent_id: Mapped[int] = mapped_column(ForeignKey("plans.id"))
    edits: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    locked: Mapped[list[Any]] = mapped_column(JSON)
    edited: Mapped[list[str]] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)
