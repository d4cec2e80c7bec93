"""The solver process: claims queued plans from the database and solves them one at a time.

It takes its work from the plans table, not from a queue the server fills: a plan queued by
another server, re-queued after a restart, or cancelled while it waited is seen as it is in the
database, and the claim (``plan_states.claim_next``) makes sure one solver takes it. It dies
with the server that started it (``planner.lifeline``), and its portfolio workers die with it.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from api import plan_states
from api.db import Database
from api.models import PlanRow
from api.plan_edits import edit_job, hand_pins, solve_edit, with_pins
from api.plan_settings import apply_plan_settings
from api.store import as_local, load_outcomes, load_residents, load_teams
from planner.errors import VaxRouteError
from planner.io.residents import ResidentsRead
from planner.io.teams import TeamsRead
from planner.lifeline import parent_alive
from planner.pipeline import Inputs, plan_from_inputs
from planner.plan_document import Plan
from planner.replan import apply_outcomes, replan
from planner.settings import Settings as PlannerSettings
from planner.settings import load_settings
from planner.solver import Progress

log = logging.getLogger("vaxroute.jobs")
#: how often an idle solver looks for queued plans
POLL_S = 0.5
#: how often a busy solver writes its heartbeat (and learns of a cancel)
HEARTBEAT_S = 1.0
#: exit status of a solver whose plan was cancelled or taken over (sysexits' EX_TEMPFAIL)
PLAN_LOST = 75


def figures(p: Progress) -> dict[str, Any]:
    """A progress report's figures for the plan's row: the best plan so far, and the areas
    finished and in all when the horizon is solved as areas on a cluster (else None)."""
    split = p.areas_total > 0
    return {
        "best_planned": p.planned,
        "best_coverage": round(p.coverage, 4),
        "areas_done": p.areas_done if split else None,
        "areas_total": p.areas_total if split else None,
    }


def worker_main(
    database_url: str,
    settings_path: str | None,
    travel: dict[str, str | None] | None,
    parent_pid: int,
    current: Any,
) -> None:
    """The process's main loop, entered through ``planner.lifeline.tied_call`` (tied to the
    server before this module's heavy imports). ``current``: a shared [attempt, plan id] the
    server's watchdog reads when this process dies, to fail the plan it held."""
    # a process group of its own: when it dies, the server ends the group, which also takes
    # the portfolio workers still starting up (their death signal is set once their imports
    # are done)
    os.setpgid(0, 0)
    logging.basicConfig(level=logging.INFO)
    worker = Worker(
        Database(database_url),
        load_settings(Path(settings_path) if settings_path else None),
        travel,
        current,
    )
    while parent_alive(parent_pid):
        try:
            busy = worker.run_next()
        except SQLAlchemyError as exc:  # the database away for a moment: try again
            log.warning("solver: database error, retrying: %s", exc)
            busy = False
        if not busy:
            time.sleep(POLL_S)


class Heartbeat:
    """While a plan is solved: ``heartbeat_at`` every ``HEARTBEAT_S`` from a thread. When the
    row is no longer this solver's (a planner cancelled it, or a watchdog took the solver for
    dead and re-queued it), the whole process exits: its portfolio workers die with it, and
    the server's watchdog starts a fresh solver for the next plan."""

    def __init__(self, db: Database, plan_id: int, attempt: int) -> None:
        self.db, self.plan_id, self.attempt = db, plan_id, attempt
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name="heartbeat", daemon=True)

    def __enter__(self) -> Heartbeat:
        self.thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop.set()
        self.thread.join()

    def _run(self) -> None:
        while not self.stop.wait(HEARTBEAT_S):
            try:
                with self.db.session() as s:
                    ours = plan_states.beat(s, self.plan_id, self.attempt)
            except SQLAlchemyError as exc:  # transient: the next beat may pass
                log.warning("plan %s: heartbeat not written: %s", self.plan_id, exc)
                continue
            if not ours and not self.stop.is_set():
                log.info("plan %s: cancelled or taken over: the solver stops", self.plan_id)
                os._exit(PLAN_LOST)


class Worker:
    def __init__(
        self,
        db: Database,
        planner_settings: PlannerSettings,
        travel: dict[str, str | None] | None = None,
        current: Any = None,
    ) -> None:
        self.db = db
        self.settings = planner_settings
        travel = travel or {}
        roads = travel.get("roads")
        self.roads = Path(roads) if roads else None
        self.osrm_url = travel.get("osrm_url")
        self.current = current if current is not None else [0, 0]
        #: the last progress report of the plan being solved (its numbers end on the row)
        self.latest: Progress | None = None

    def run_next(self) -> bool:
        """Claim and solve the oldest queued plan; False when none is queued."""
        with self.db.session() as s:
            claim = plan_states.claim_next(s)
        if claim is None:
            return False
        plan_id, attempt = claim
        self.current[0], self.current[1] = attempt, plan_id  # the id last: read as a pair
        log.info("plan %s: attempt %s started", plan_id, attempt)
        with Heartbeat(self.db, plan_id, attempt):
            values = self._outcome(plan_id, attempt)
        with self.db.session() as s:
            kept = plan_states.finish(s, plan_id, attempt, **values)
        self.current[1] = 0
        if kept:
            log.info("plan %s: %s", plan_id, values["status"])
        else:
            log.info("plan %s: result dropped: cancelled or taken over meanwhile", plan_id)
        return True

    def _outcome(self, plan_id: int, attempt: int) -> dict[str, Any]:
        """The values the plan's row ends with: done with the plan, or failed with why."""
        try:
            document, changed = self._solve(plan_id, attempt)
        except VaxRouteError as exc:
            return {"status": "failed", "error": f"{exc.code}: {exc}"}
        except Exception:  # a bug: keep the server up, record it, log the traceback
            log.exception("plan %s failed", plan_id)
            return {"status": "failed", "error": "internal error (see the server log)"}
        values: dict[str, Any] = {
            "status": "done",
            "document": document,
            "progress": 1.0,
            "changed_assignments": changed,
        }
        if self.latest is not None:  # the solve's last report: the plan's own numbers
            values.update(figures(self.latest))
        return values

    def _progress(self, plan_id: int, attempt: int) -> Any:
        """The solver's progress callback: at most once a second, the share of the time limit
        spent and the best plan so far (residents planned, priority-weighted coverage) onto
        the plan's row, which the console's progress view polls."""
        last = [0.0]
        self.latest = None

        def report(p: Progress) -> None:
            self.latest = p
            if time.monotonic() - last[0] >= 1.0:
                last[0] = time.monotonic()
                try:
                    with self.db.session() as s:
                        plan_states.beat(
                            s,
                            plan_id,
                            attempt,
                            progress=round(min(0.99, p.elapsed_s / p.time_limit_s), 3),
                            **figures(p),
                        )
                except SQLAlchemyError as exc:  # progress is a nicety: never fail the search
                    log.warning("plan %s: progress not written: %s", plan_id, exc)

        return report

    def _solve(self, plan_id: int, attempt: int) -> tuple[dict[str, Any], int | None]:
        with self.db.session() as s:
            row = s.get(PlanRow, plan_id)
            assert row is not None
            parent = s.get(PlanRow, row.parent_id) if row.parent_id else None
            pins = hand_pins(s)  # the planner's pins (api/plan_edits.py)
            residents = with_pins(load_residents(s), pins, row.start_date, row.days)
            teams = load_teams(s)
            edit = edit_job(s, row)  # hand edits (api/plan_edits.py)
            as_of = row.as_of
            outcomes = load_outcomes(s)
            start, days, limit = row.start_date, row.days, row.time_limit_s
            own = row.settings_toml
        # a settings file uploaded with the plan goes over the server's (api/plan_settings.py)
        base = apply_plan_settings(self.settings, own) if own else self.settings
        settings = base.with_solver(time_limit_s=limit)
        progress = self._progress(plan_id, attempt)
        if edit is not None:
            current = apply_outcomes(residents, outcomes)
            travel = (self.roads, self.osrm_url)
            return solve_edit(edit, current, teams, settings, progress, travel, f"plan-{plan_id}")
        if parent is not None and parent.document is not None:
            local = as_local(as_of) if as_of else None  # SQLite hands back naive UTC
            moment = (
                local.replace(tzinfo=None) if local else dt.datetime.combine(start, dt.time(0, 0))
            )
            result = replan(
                Plan.from_json(parent.document),
                residents,
                teams,
                outcomes,
                moment,
                days,
                settings,
                progress=progress,
                roads=self.roads,
                osrm_url=self.osrm_url,
                plan_id=f"plan-{plan_id}",
            )
            return result.plan.to_json(), result.changed
        current = apply_outcomes(residents, outcomes)
        inputs = Inputs(ResidentsRead(residents=current), TeamsRead(teams=teams))
        run = plan_from_inputs(
            inputs,
            start,
            days,
            settings,
            progress=progress,
            roads=self.roads,
            osrm_url=self.osrm_url,
            plan_id=f"plan-{plan_id}",
        )
        return run.plan.to_json(), None
