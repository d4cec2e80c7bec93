"""Hand edits of a plan, server side: checked and queued as a new draft version (the solver
process re-solves it: planner/edits.py), the planner's pins kept for later plans, and what
else moved.

* ``queue_edit``: the edits are checked against the plan and the lists at once (a bad edit is
  a 422 naming it, nothing stored), then a new version is queued with its ``plan_edits`` row
  (the edits, the routes locked in it, the residents named) and an audit row per edit;
* the solver process calls ``solve_edit`` for a version that has a ``plan_edits`` row;
* ``hand_pins``: the pins of every edit whose version was solved, the newest winning: every
  later plan (new plans and re-plans too) applies them over the residents list's pins;
* ``edit_result``: the version, the residents the edits named and the others who moved, were
  dropped or newly planned (planner/plan_changes.py on the two documents).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api import audit, plan_requests
from api.edit_models import PlanEditRow
from api.jobs import JobRunner
from api.models import PlanRow
from api.security import Principal
from api.settings import Settings
from api.store import load_residents, load_teams
from planner.edits import RouteKey, apply_edits, edit_from_json, others_changed, prepare
from planner.model import Resident
from planner.plan_changes import plan_changes
from planner.plan_document import Plan
from planner.settings import Settings as PlannerSettings
from planner.solver import Progress

#: an edit's re-solve takes at most this long unless the request says otherwise
EDIT_TIME_LIMIT_S = 5.0

Pins = dict[str, tuple[str, dt.date | None]]


def _pins_of(edits: Sequence[Mapping[str, Any]]) -> Pins:
    """The pins a list of edits (JSON) sets: pin, unpin (no pin) and move (team and day)."""
    out: Pins = {}
    for e in edits:
        date = dt.date.fromisoformat(e["date"]) if e.get("date") else None
        if e["kind"] == "unpin":
            out[e["resident_id"]] = ("", None)
        elif e["kind"] in ("pin", "move"):
            out[e["resident_id"]] = (e.get("team_id") or "", date)
    return out


def hand_pins(session: Session) -> Pins:
    """The planner's pins: those of every edit whose version was solved, oldest first, so the
    newest edit's pin of a resident wins. A move pins its whole stop (``edited``)."""
    query = (
        select(PlanEditRow)
        .join(PlanRow, PlanRow.id == PlanEditRow.plan_id)
        .where(PlanRow.status == "done")
        .order_by(PlanEditRow.plan_id)
    )
    out: Pins = {}
    for row in session.scalars(query):
        out.update(_pins_of(row.edits))
        for e in row.edits:  # a move pins every resident of the stop it moved
            if e["kind"] == "move":
                pin = out[e["resident_id"]]
                out.update({rid: pin for rid in _stop_mates(row, e["resident_id"])})
    return out


def _stop_mates(row: PlanEditRow, resident_id: str) -> list[str]:
    """The residents locked in the same stop as ``resident_id`` in the edit's version."""
    for _team, _date, stops, _open in row.locked:
        for stop in stops:
            if resident_id in stop:
                return list(stop)
    return [resident_id]


def with_pins(
    residents: Sequence[Resident],
    pins: Mapping[str, tuple[str, dt.date | None]],
    start: dt.date,
    days: int,
) -> list[Resident]:
    """The residents with the planner's pins over the list's, for a plan of ``days`` days from
    ``start``: a pin's date outside them is dropped (a promise for 24/11 says nothing of a
    December campaign, and would otherwise leave the resident out of it); a pin left with
    neither team nor date (an unpin, or a date dropped) lifts the list's pin only when the
    planner unpinned."""
    end = start + dt.timedelta(days=days - 1)
    out = []
    for r in residents:
        pin = pins.get(r.resident_id)
        if pin is not None:
            team, date = pin
            if date is not None and not start <= date <= end:
                date = None
                if not team:
                    out.append(r)
                    continue
            r = replace(r, pin_team=team, pin_date=date)
        out.append(r)
    return out


def locks_of(session: Session, plan_id: int) -> dict[RouteKey, int | None]:
    """The locks in force in a plan version (none unless edits made it): route -> None (the
    whole route) or n (its first n stops: a move's lock)."""
    row = session.get(PlanEditRow, plan_id)
    if row is None:
        return {}
    return {
        (team, date): len(stops) if is_open else None for team, date, stops, is_open in row.locked
    }


def queue_edit(
    session: Session,
    settings: Settings,
    jobs: JobRunner,
    parent: PlanRow,
    edits: list[dict[str, Any]],
    time_limit_s: float | None,
    principal: Principal,
) -> PlanRow:
    """Check ``edits`` (planner.edits.EditError, a 422, names a bad one), then queue a new
    draft version of the parent's days with its ``plan_edits`` row and audit rows, committed
    together, and submit it to the solver."""
    assert parent.document is not None
    residents = with_pins(
        load_residents(session), hand_pins(session), parent.start_date, parent.days
    )
    ready = prepare(
        Plan.from_json(parent.document),
        residents,
        load_teams(session),
        [edit_from_json(e) for e in edits],
        locks_of(session, parent.id),
    )
    row = plan_requests._new_plan(
        session,
        settings,
        start_date=parent.start_date,
        days=parent.days,
        time_limit_s=time_limit_s or min(EDIT_TIME_LIMIT_S, settings.default_time_limit_s),
        parent_id=parent.id,
        requested_by=principal.who,
        settings_toml=parent.settings_toml,
    )
    session.add(
        PlanEditRow(
            plan_id=row.id,
            parent_id=parent.id,
            edits=edits,
            locked=[
                [t, d, [list(s) for s in stops], (t, d) in ready.open]
                for (t, d), stops in ready.locked.items()
            ],
            edited=sorted(ready.pins),
            created_by=principal.who,
        )
    )
    for e in edits:
        audit.record(
            session, principal, "edit_plan", e.get("resident_id"), _detail(parent, row, e), False
        )
    session.commit()
    jobs.submit(row.id)
    return row


def _detail(parent: PlanRow, row: PlanRow, e: Mapping[str, Any]) -> str:
    """The audit detail of one edit: plans, kind, team, date, position (ids, never names)."""
    parts = [f"plan {parent.id} -> {row.id}: {e['kind']}"]
    parts += [f"{k} {e[k]}" for k in ("team_id", "date", "position") if e.get(k) is not None]
    return " ".join(parts)


@dataclass(frozen=True)
class EditJob:
    """What the solver process needs of an edited version beyond its row."""

    parent_document: dict[str, Any]
    edits: list[dict[str, Any]]
    locked: dict[RouteKey, int | None]


def edit_job(session: Session, row: PlanRow) -> EditJob | None:
    """The edit that a queued version carries (None: not an edit)."""
    edit = session.get(PlanEditRow, row.id)
    parent = session.get(PlanRow, edit.parent_id) if edit else None
    if edit is None or parent is None or parent.document is None:
        return None
    return EditJob(parent.document, list(edit.edits), locks_of(session, parent.id))


def solve_edit(
    job: EditJob,
    residents: Sequence[Resident],
    session_teams: Sequence[Any],
    settings: PlannerSettings,
    progress: Callable[[Progress], None] | None,
    travel: tuple[Path | None, str | None],
    plan_id: str,
) -> tuple[dict[str, Any], int | None]:
    """The solver process's work for an edited version: the edits applied to the parent and
    re-solved (planner.edits.apply_edits); the document and its changed assignments."""
    done = apply_edits(
        Plan.from_json(job.parent_document),
        residents,
        session_teams,
        [edit_from_json(e) for e in job.edits],
        settings,
        job.locked,
        progress=progress,
        plan_id=plan_id,
        roads=travel[0],
        osrm_url=travel[1],
    )
    return done.plan.to_json(), done.plan.summary.changed_assignments


def edit_result(session: Session, row: PlanRow) -> dict[str, Any] | None:
    """The answer about an edited version: the residents named, the locks, and (once done)
    the others who moved, were dropped or newly planned. None: the version is not an edit."""
    edit = session.get(PlanEditRow, row.id)
    if edit is None:
        return None
    out: dict[str, Any] = {
        "id": row.id,
        "version": row.version,
        "parent_id": edit.parent_id,
        "status": row.status,
        "edited": list(edit.edited),
        "locked": [
            {"team_id": t, "date": d, "stops": len(stops), "whole_route": not is_open}
            for t, d, stops, is_open in edit.locked
        ],
        "moved_count": 0,
        "moved": [],
        "dropped": [],
        "newly_planned": [],
        "error": row.error,
    }
    parent = session.get(PlanRow, edit.parent_id)
    if row.status == "done" and row.document and parent is not None and parent.document:
        changes = plan_changes(parent.document, row.document)
        others = set(others_changed(changes, edit.edited))
        out["moved"] = [m.resident_id for m in changes.moved if m.resident_id in others]
        out["dropped"] = [d.resident_id for d in changes.dropped if d.resident_id in others]
        out["newly_planned"] = [
            n.resident_id for n in changes.newly_planned if n.resident_id in others
        ]
        out["moved_count"] = len(out["moved"])
    return out
