"""Which day the board (/today) and the report (/report) show, shared by both pages.

The day travels in the query string, ``?day=YYYY-MM-DD`` (a date is nothing personal); the
date field sends that form, and a day typed the Vietnamese way (``DD/MM/YYYY``) in a browser
without a date picker is read too. No day: today in Viet Nam. A value that is not a date in
the campaign's range is not an error page: the page says so in the user's language. When no
published plan covers the day, :func:`nearest_planned_day` finds the closest day that has one,
for the page to link.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.models import PlanRow
from api.schemas import EARLIEST, LATEST
from api.store import today_vn


@dataclass(frozen=True)
class DayChoice:
    """The day to show, and whether the request asked for something that is not a day (then
    ``day`` is today and the page shows the message ``day_invalid``)."""

    day: dt.date
    invalid: bool = False


def parse_day(text: str) -> dt.date | None:
    """A day typed as ``DD/MM/YYYY`` (what the console shows) or ``YYYY-MM-DD``; None if not."""
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def pick_day(value: str | None) -> DayChoice:
    """The day asked for in ``value`` (``YYYY-MM-DD`` or ``DD/MM/YYYY``), today if none."""
    text = (value or "").strip()[:20]
    if not text:
        return DayChoice(today_vn())
    day = parse_day(text)
    if day is None or not EARLIEST <= day <= LATEST:
        return DayChoice(today_vn(), invalid=True)
    return DayChoice(day)


def nearest_planned_day(session: Session, day: dt.date) -> dt.date | None:
    """The day closest to ``day`` that a published, done plan covers (the earlier of two
    equally close), or None when no plan is published at all."""
    best: tuple[int, dt.date] | None = None
    query = select(PlanRow.start_date, PlanRow.days).where(
        PlanRow.status == "done", PlanRow.published_at.is_not(None)
    )
    for start, days in session.execute(query):
        end = start + dt.timedelta(days=max(days, 1) - 1)
        candidate = min(max(day, start), end)
        key = (abs((candidate - day).days), candidate)
        if best is None or key < best:
            best = key
    return best[1] if best else None
