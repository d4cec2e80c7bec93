"""Pins the build can already tell are impossible, before any search.

A resident pinned to a team no list names, to a date outside the plan's days or before the
dose is due cannot be visited as promised (``pin_impossible``); one pinned to a team on a day
that team does not work, or to a date no team works, is ``team_off``. Either way the promise is
never broken silently: the resident is left out with the pin in the reason's text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from planner.controls import team_shift
from planner.model import Resident, Team


def shown(date: dt.date) -> str:
    """DD/MM/YYYY, as the lists write dates."""
    return date.strftime("%d/%m/%Y")


def describe(pin_team: str, pin_date: dt.date | None) -> str:
    """'pinned to team DX on 25/11/2026', 'pinned to team DX', 'pinned to 25/11/2026'."""
    parts = (["team " + pin_team] if pin_team else []) + (
        ["on " + shown(pin_date)] if pin_date else []
    )
    return "pinned to " + " ".join(parts)


def pin_reason(
    r: Resident, teams: Sequence[Team], start: dt.date, days: int, due: dt.date | None
) -> tuple[str, str] | None:
    """(reason code, text) when the resident's pin certainly cannot be kept, else None."""
    if not r.pin_team and r.pin_date is None:
        return None
    pin = describe(r.pin_team, r.pin_date)
    end = start + dt.timedelta(days=days - 1)
    named = [t for t in teams if t.team_id == r.pin_team]
    if r.pin_team and not named:
        return "pin_impossible", f"{pin}: no team {r.pin_team!r} in the teams list"
    if r.pin_date is not None and not start <= r.pin_date <= end:
        return "pin_impossible", f"{pin}: outside the plan's days ({shown(start)}-{shown(end)})"
    if r.pin_date is not None and due is not None and r.pin_date < due:
        return "pin_impossible", f"{pin}: the visit is not possible before {shown(due)}"
    candidates = named or list(teams)
    dates = (
        [r.pin_date]
        if r.pin_date is not None
        else [start + dt.timedelta(days=d) for d in range(days)]
    )
    dates = [d for d in dates if due is None or d >= due]
    if not any(team_shift(t, d) for t in candidates for d in dates):
        who = f"team {r.pin_team} does" if r.pin_team else "no team does"
        return "team_off", f"{pin}: {who} not work then (a day off)"
    return None
