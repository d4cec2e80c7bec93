"""A finished plan solved once per test session and copied into each module's database.

Most API modules read a done demo plan (its routes, stops, teams and dates) to post outcomes,
fetch maps, check who sees what; they are not about solving. Solving it again in every module's
database, on SQLite and on PostgreSQL, cost 8-10 s a module (the suite's largest share). So the
first module that asks for a plan has it solved for real, through ``POST /plans`` and the
server's solver process; its document and the numbers the solver left on its row are kept for
the session, and later modules insert that same finished plan through the plan table's own state
functions (``api.plan_states``: created, claimed, finished - a done plan for new dates is
published at once, as the solver leaves it). The copy's ``plan_id`` is its own row's, as the
solver would have written it.

A copy stands only for the same solve: same start date, days and time limit, the same day
(residents' due doses depend on it), the same teams, residents and outcomes in the database
(a digest of their rows), the server's default planner settings and no road network (anything
else is refused loudly). Modules about solving (test_api's plan tests, the console's plan pages,
re-plans, publication) keep their own real solve.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from api import plan_states
from api.models import PlanRow, TokenRow
from api.plan_requests import _new_plan
from api.security import hash_token
from api.store import load_outcomes, load_residents, load_teams, today_vn


@dataclass(frozen=True)
class Solved:
    """What the solver left on a done plan's row, for copies."""

    document: dict[str, Any]
    best_planned: int | None
    best_coverage: float | None
    changed_assignments: int | None


#: (start date, days, time limit, today, the lists' digest) -> the real solve's result
_KEPT: dict[tuple[dt.date, int, float, dt.date, str], Solved] = {}


def _standard(client: TestClient) -> None:
    """A copy stands for a solve with the server's default planner settings only."""
    settings = client.app.state.settings  # type: ignore[attr-defined]
    odd = {
        "planner_settings": settings.planner_settings,
        "roads": settings.roads,
        "osrm_url": settings.osrm_url,
    }
    assert not any(odd.values()), f"a copied plan would not match these settings: {odd}"


def _lists(client: TestClient) -> str:
    """A digest of what a new plan is solved from, read as the solver reads it: the residents
    (not deleted), the teams and the outcomes recorded (the solver applies them). A kept plan is
    copied only into a database where these are the same."""
    with client.app.state.db.session() as s:  # type: ignore[attr-defined]
        residents = sorted(load_residents(s), key=lambda r: r.resident_id)
        teams, outcomes = load_teams(s), load_outcomes(s)
    return hashlib.sha256(repr((residents, teams, outcomes)).encode()).hexdigest()


def _who(client: TestClient, headers: dict[str, str]) -> str:
    """What ``POST /plans`` with these headers records as ``requested_by`` ("token N")."""
    secret = headers["Authorization"].split(" ", 1)[1]
    with client.app.state.db.session() as s:  # type: ignore[attr-defined]
        found = s.scalar(select(TokenRow.id).where(TokenRow.token_hash == hash_token(secret)))
    assert found is not None, "the headers' token is not in this database"
    return f"token {found}"


def _solve(
    client: TestClient, headers: dict[str, str], start: dt.date, days: int, limit: float
) -> dict[str, Any]:
    """The real thing: ``POST /plans`` and wait for the server's solver."""
    from tests.api.conftest import wait_done

    body = {"start_date": start.isoformat(), "days": days, "time_limit_s": limit}
    created = client.post("/plans", headers=headers, json=body)
    assert created.status_code == 202, created.text
    done = wait_done(client, headers, created.json()["id"])
    assert done["status"] == "done", done
    return done


def _keep(client: TestClient, plan_id: int) -> Solved:
    with client.app.state.db.session() as s:  # type: ignore[attr-defined]
        row = s.get(PlanRow, plan_id)
        assert row is not None and row.document is not None
        return Solved(
            copy.deepcopy(row.document),
            row.best_planned,
            row.best_coverage,
            row.changed_assignments,
        )


def _insert(
    client: TestClient, kept: Solved, who: str, start: dt.date, days: int, limit: float
) -> int:
    """The kept plan as a new done plan of this database, as the solver leaves one. It is
    claimed in the transaction that creates it, so no solver here ever sees it queued."""
    app = client.app
    with app.state.db.session() as s:  # type: ignore[attr-defined]
        row = _new_plan(
            s,
            app.state.settings,  # type: ignore[attr-defined]
            start_date=start,
            days=days,
            time_limit_s=limit,
            requested_by=who,
        )
        plan_id = row.id
        claim = plan_states.claim_next(s)
        assert claim == (plan_id, 1), f"another plan was queued in this database: {claim}"
        document = {**copy.deepcopy(kept.document), "plan_id": f"plan-{plan_id}"}
        finished = plan_states.finish(
            s,
            plan_id,
            1,
            status="done",
            document=document,
            progress=1.0,
            changed_assignments=kept.changed_assignments,
            best_planned=kept.best_planned,
            best_coverage=kept.best_coverage,
        )
        assert finished, f"plan {plan_id} was taken by someone else"
    return plan_id


def solved_plan(
    client: TestClient,
    headers: dict[str, str],
    start_date: str | dt.date,
    days: int,
    time_limit_s: float = 3,
    *,
    real: bool = False,
) -> dict[str, Any]:
    """A done, published demo plan in ``client``'s database, whose demo lists the caller has
    already imported: solved for real the first time these settings are asked for in the
    session (or always, ``real``: modules about solving), a copy of that solve otherwise.
    Returns ``GET /plans/{id}``'s body."""
    _standard(client)
    start = dt.date.fromisoformat(start_date) if isinstance(start_date, str) else start_date
    key = (start, days, float(time_limit_s), today_vn(), _lists(client))
    kept = _KEPT.get(key)
    if kept is None or real:
        done = _solve(client, headers, start, days, time_limit_s)
        _KEPT.setdefault(key, _keep(client, done["id"]))
        return done
    plan_id = _insert(client, kept, _who(client, headers), start, days, time_limit_s)
    body = client.get(f"/plans/{plan_id}", headers=headers).json()
    assert body["status"] == "done" and body["published_at"], body
    return dict(body)
