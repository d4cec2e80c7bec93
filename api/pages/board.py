"""Today's board (``/today``): for the day being worked, per team, the stops done and
remaining, each resident's outcome in the colours field teams know, and each team's last
contact. ``/today/board`` is the same board alone (an HTML fragment): /static/board.js fetches
it every 30 s and swaps it in, so the page refreshes itself; without script it is a page like
any other (reload it).

The day follows the newest published plan covering it (``api.plan_requests.current_plan``) and
the visits dated that day in Viet Nam time, the latest of each resident winning, as the 16:30
report counts them (api/daily_report.py). Residents show as the other pages show them: id and
initials, never a name. An outcome recorded more than 150 m from its stop (proof of visit,
api/visit_proof.py) marks its chip with the distance, never the position, and each team says
how many of its outcomes are so marked. Opening the board writes an audit row
(``read_board``); its refreshes do not (the same user, the same screen, every 30 s).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.audit import record
from api.models import ResidentRow, VisitRow
from api.pages.common import LoginDep, principal_of, render
from api.pages.days import DayChoice, nearest_planned_day, pick_day
from api.plan_requests import current_plan
from api.security import SessionDep
from api.store import as_local, resident_from_row, today_vn
from api.visit_proof import FAR_FROM_STOP_M, StopFinder
from planner.constants import VN_TZ
from planner.outcomes import BOARD_STATES, NOT_VISITED

router = APIRouter(include_in_schema=False)
#: how often the page fetches the board again (seconds; board.js reads it from the page)
REFRESH_S = 30


@dataclass(frozen=True)
class Chip:
    """One planned resident on a team's board: the stop's number, who, and what became of
    the visit (``state``: ``not_visited`` or an outcome code)."""

    seq: int
    resident_id: str
    initials: str
    state: str
    postponed_to: dt.date | None = None
    #: metres from the stop when the outcome was recorded far from it (else None)
    far_m: int | None = None
    #: the team leader's note with the outcome
    note: str = ""


@dataclass
class TeamBoard:
    team_id: str
    team_name: str
    chips: list[Chip] = field(default_factory=list)
    stops: int = 0
    stops_done: int = 0
    #: outcomes this team recorded that day for residents not on its route (a re-plan moved
    #: them, or a neighbour was seen): counted in the report under the team, shown apart here
    elsewhere: int = 0
    #: the team's outcomes of the day (the latest of each resident) recorded far from the stop
    far: int = 0
    last_contact: dt.datetime | None = None

    @property
    def remaining(self) -> int:
        return self.stops - self.stops_done

    @property
    def tally(self) -> dict[str, int]:
        """state -> residents, in the board's order, states with none left out."""
        counts = Counter(chip.state for chip in self.chips)
        return {state: counts[state] for state in BOARD_STATES if counts[state]}


def day_visits(session: Session, day: dt.date) -> list[VisitRow]:
    """The visits dated ``day`` in Viet Nam time, oldest first (of equal times, the first
    recorded first), so that the last one of a resident is the resident's outcome."""
    start = dt.datetime.combine(day, dt.time(), VN_TZ)
    # a day's margin each side: SQLite keeps naive times; the exact test is as_local's
    window = (start - dt.timedelta(days=1), start + dt.timedelta(days=2))
    query = (
        select(VisitRow)
        .where(
            VisitRow.at >= window[0].astimezone(dt.UTC), VisitRow.at < window[1].astimezone(dt.UTC)
        )
        .order_by(VisitRow.at, VisitRow.id)
    )
    return [v for v in session.scalars(query) if as_local(v.at).date() == day]


def _initials(session: Session, ids: Iterable[str]) -> dict[str, str]:
    """resident id -> initials (a deleted resident has none left: empty)."""
    wanted = list(set(ids))
    out: dict[str, str] = {}
    for k in range(0, len(wanted), 500):
        query = select(ResidentRow).where(ResidentRow.resident_id.in_(wanted[k : k + 500]))
        for row in session.scalars(query):
            out[row.resident_id] = (
                "" if row.deleted_at is not None else resident_from_row(row).initials
            )
    return out


def _far_m(stops: StopFinder, v: VisitRow | None) -> int | None:
    """The distance (whole metres) of an outcome recorded far from its stop, else None."""
    proof = stops.proof(v) if v is not None else None
    if proof is None or not proof.far_from_stop or proof.distance_m is None:
        return None
    return round(proof.distance_m)


def _team_board(
    route: dict[str, Any], latest: dict[str, VisitRow], initials: dict[str, str], stops: StopFinder
) -> TeamBoard:
    board = TeamBoard(str(route["team_id"]), str(route.get("team_name") or ""))
    for stop in route["stops"]:
        visits = [latest.get(rid) for rid in stop["resident_ids"]]
        board.stops += 1
        board.stops_done += all(v is not None for v in visits)
        for rid, v in zip(stop["resident_ids"], visits, strict=True):
            chip = Chip(
                int(stop["seq"]),
                rid,
                initials.get(rid, ""),
                v.outcome if v is not None else NOT_VISITED,
                v.postponed_to if v is not None else None,
                _far_m(stops, v),
                (v.note or "") if v is not None else "",
            )
            board.chips.append(chip)
            board.far += chip.far_m is not None
    return board


@dataclass(frozen=True)
class Board:
    """The day's board: the plan version it follows and each team's part, by team id."""

    version: int
    teams: list[TeamBoard]


def build_board(session: Session, day: dt.date) -> Board | None:
    """The board of ``day``, or None when no published plan covers it."""
    plan = current_plan(session, day)
    if plan is None or not plan.document:
        return None
    routes = [r for r in plan.document["routes"] if r["date"] == day.isoformat()]
    visits = day_visits(session, day)
    latest = {v.resident_id: v for v in visits}
    planned = {rid for r in routes for s in r["stops"] for rid in s["resident_ids"]}
    names = _initials(session, planned)
    stops = StopFinder(session)
    boards = {str(r["team_id"]): _team_board(r, latest, names, stops) for r in routes}
    for v in visits:
        board = boards.setdefault(v.team_id, TeamBoard(v.team_id, ""))
        at = as_local(v.at)
        if board.last_contact is None or at >= board.last_contact:
            board.last_contact = at
    for rid, v in latest.items():
        if rid not in planned:
            boards[v.team_id].elsewhere += 1
            boards[v.team_id].far += _far_m(stops, v) is not None
    return Board(plan.version, [boards[k] for k in sorted(boards)])


def _minutes_ago(moment: dt.datetime) -> int:
    return max(0, int((dt.datetime.now(dt.UTC) - moment).total_seconds() // 60))


def _context(session: Session, choice: DayChoice) -> dict[str, Any]:
    board = build_board(session, choice.day)
    teams = board.teams if board else None
    return {
        "day": choice.day,
        "invalid": choice.invalid,
        "teams": teams,
        "version": board.version if board else None,
        "nearest": nearest_planned_day(session, choice.day) if board is None else None,
        "is_today": choice.day == today_vn(),
        "ago": _minutes_ago,
        "stops_total": sum(t.stops for t in teams or ()),
        "stops_done": sum(t.stops_done for t in teams or ()),
        "states": BOARD_STATES,
        "refresh_s": REFRESH_S,
        "now": dt.datetime.now(dt.UTC),
        "action": "/today",
        "fragment": False,
        "far_limit_m": int(FAR_FROM_STOP_M),
    }


@router.get("/today")
def today_page(
    request: Request, session: SessionDep, login: LoginDep, day: str | None = None
) -> HTMLResponse:
    choice = pick_day(day)
    context = _context(session, choice)
    if context["teams"]:  # residents' ids, initials and outcomes were read
        record(session, principal_of(login), "read_board", detail=f"console: {choice.day}")
    return render(
        request, "board.html", login, status_code=400 if choice.invalid else 200, **context
    )


@router.get("/today/board")
def today_fragment(
    request: Request, session: SessionDep, login: LoginDep, day: str | None = None
) -> HTMLResponse:
    """The board alone, for the page's script to swap in."""
    choice = pick_day(day)
    context = {**_context(session, choice), "fragment": True}
    return render(
        request, "board_teams.html", login, status_code=400 if choice.invalid else 200, **context
    )
