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
(a digest of what the solver reads), the server's default planner settings and no road network
(anything else is refused loudly). ``solved_plan`` serves a TestClient's app,
``solved_plan_live`` a `vaxroute serve` process (tests/api/live.py). Modules about solving
(test_api's plan tests, the console's plan pages, re-plans, publication) keep their own real
solve.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import time
from dataclasses import dataclass
from typing import Any

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import select

from api import plan_states
from api.db import Database
from api.models import PlanRow, TokenRow
from api.plan_requests import _new_plan
from api.security import hash_token
from api.settings import Settings
from api.store import load_outcomes, load_residents, load_teams, today_vn
from tests.api.live import LiveServer


@dataclass(frozen=True)
class Solved:
    """What the solver left on a done plan's row, for copies."""

    document: dict[str, Any]
    best_planned: int | None
    best_coverage: float | None
    changed_assignments: int | None


@dataclass(frozen=True)
class Server:
    """A server that plans: its HTTP API, its database, its settings (the queue bound)."""

    http: httpx.Client
    db: Database
    settings: Settings


#: (start date, days, time limit, today, the lists' digest) -> the real solve's result
_KEPT: dict[tuple[dt.date, int, float, dt.date, str], Solved] = {}
#: what a server's planner settings must be for a copy to stand for its solve
ODD_SETTINGS = ("planner_settings", "roads", "osrm_url")


def _lists(db: Database) -> str:
    """A digest of what a new plan is solved from, read as the solver reads it: the residents
    (not deleted), the teams and the outcomes recorded (the solver applies them). A kept plan is
    copied only into a database where these are the same."""
    with db.session() as s:
        residents = sorted(load_residents(s), key=lambda r: r.resident_id)
        teams, outcomes = load_teams(s), load_outcomes(s)
    return hashlib.sha256(repr((residents, teams, outcomes)).encode()).hexdigest()


def _who(db: Database, headers: dict[str, str]) -> str:
    """What ``POST /plans`` with these headers records as ``requested_by`` ("token N")."""
    secret = headers["Authorization"].split(" ", 1)[1]
    with db.session() as s:
        found = s.scalar(select(TokenRow.id).where(TokenRow.token_hash == hash_token(secret)))
    assert found is not None, "the headers' token is not in this database"
    return f"token {found}"


def _solve(
    http: httpx.Client, headers: dict[str, str], start: dt.date, days: int, limit: float
) -> dict[str, Any]:
    """The real thing: ``POST /plans`` and wait for the server's solver."""
    body = {"start_date": start.isoformat(), "days": days, "time_limit_s": limit}
    created = http.post("/plans", headers=headers, json=body)
    assert created.status_code == 202, created.text
    end = time.monotonic() + 180
    while (done := http.get(f"/plans/{created.json()['id']}", headers=headers).json())[
        "status"
    ] not in ("done", "failed"):
        assert time.monotonic() < end, f"plan {done['id']} not done in 180 s"
        time.sleep(0.2)
    assert done["status"] == "done", done
    return dict(done)


def _keep(db: Database, plan_id: int) -> Solved:
    with db.session() as s:
        row = s.get(PlanRow, plan_id)
        assert row is not None and row.document is not None
        return Solved(
            copy.deepcopy(row.document),
            row.best_planned,
            row.best_coverage,
            row.changed_assignments,
        )


def _insert(server: Server, kept: Solved, who: str, start: dt.date, days: int, limit: float) -> int:
    """The kept plan as a new done plan of this database, as the solver leaves one. It is
    claimed in the transaction that creates it, so no solver here ever sees it queued."""
    with server.db.session() as s:
        row = _new_plan(
            s, server.settings, start_date=start, days=days, time_limit_s=limit, requested_by=who
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


def _plan(
    server: Server,
    headers: dict[str, str],
    start_date: str | dt.date,
    days: int,
    time_limit_s: float,
    real: bool,
) -> dict[str, Any]:
    start = dt.date.fromisoformat(start_date) if isinstance(start_date, str) else start_date
    key = (start, days, float(time_limit_s), today_vn(), _lists(server.db))
    kept = _KEPT.get(key)
    if kept is None or real:
        done = _solve(server.http, headers, start, days, time_limit_s)
        _KEPT.setdefault(key, _keep(server.db, done["id"]))
        return done
    who = _who(server.db, headers)
    plan_id = _insert(server, kept, who, start, days, time_limit_s)
    body = server.http.get(f"/plans/{plan_id}", headers=headers).json()
    assert body["status"] == "done" and body["published_at"], body
    return dict(body)


def solved_plan(
    client: TestClient,
    headers: dict[str, str],
    start_date: str | dt.date,
    days: int,
    time_limit_s: float = 3,
    *,
    real: bool = False,
) -> dict[str, Any]:
    """A done, published plan in ``client``'s database for the lists the caller has already
    imported: solved for real the first time this solve is asked for in the session (or
    always, ``real``: modules about solving), a copy of that solve otherwise. Returns
    ``GET /plans/{id}``'s body; ``headers``: a planner's token."""
    app = client.app
    settings: Settings = app.state.settings  # type: ignore[attr-defined]
    odd = {name: getattr(settings, name) for name in ODD_SETTINGS}
    assert not any(odd.values()), f"a copied plan would not match these settings: {odd}"
    server = Server(client, app.state.db, settings)  # type: ignore[attr-defined]
    return _plan(server, headers, start_date, days, time_limit_s, real)


def solved_plan_live(
    live: LiveServer,
    headers: dict[str, str],
    start_date: str | dt.date,
    days: int,
    time_limit_s: float = 3,
) -> dict[str, Any]:
    """``solved_plan`` for a `vaxroute serve` process: its database is opened here too."""
    odd = {name: live.env.get(f"VAXROUTE_{name.upper()}") for name in ODD_SETTINGS}
    assert not any(odd.values()), f"a copied plan would not match this server: {odd}"
    url = live.env["DATABASE_URL"]
    db = Database(url)
    try:
        with httpx.Client(base_url=live.url, timeout=60) as http:
            server = Server(http, db, Settings(database_url=url))
            return _plan(server, headers, start_date, days, time_limit_s, False)
    finally:
        db.engine.dispose()
