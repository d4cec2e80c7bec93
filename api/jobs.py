"""Solving in the background, in a solver process; status and progress in the plans table."""

from __future__ import annotations

import atexit
import datetime as dt
import logging
import multiprocessing as mp
import threading
import time
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select, update

from api.db import Database
from api.models import JobLock, PlanRow, now
from api.store import as_local, load_outcomes, load_residents, load_teams
from planner.errors import VaxRouteError
from planner.io.residents import ResidentsRead
from planner.io.teams import TeamsRead
from planner.pipeline import Inputs, plan_from_inputs
from planner.replan import apply_outcomes, replan
from planner.settings import Settings as PlannerSettings
from planner.settings import load_settings
from planner.solver import Progress

log = logging.getLogger("vaxroute.jobs")
REPLAN_LOCK = "replan"


class JobRunner:
    """Queues plans for a solver *process*: OR-Tools holds the GIL while it searches, so a
    solver thread would freeze the server; a separate process keeps every request fast."""

    def __init__(self, database_url: str, settings_path: str | None,
                 travel: dict[str, str | None] | None = None) -> None:
        self.database_url = database_url
        self.settings_path = settings_path
        self.travel = travel or {}  # {"roads": extract path, "osrm_url": server}
        self.context = mp.get_context("spawn")
        self.queue: Any = self.context.Queue()
        self.process: Any = None
        self.lock = threading.Lock()
        # runs before multiprocessing's own exit hook, which would wait for a live worker
        atexit.register(self.shutdown)

    def _ensure_worker(self) -> None:
        with self.lock:
            if self.process is None or not self.process.is_alive():
                self.process = self.context.Process(
                    target=worker_main, args=(self.queue, self.database_url, self.settings_path,
                                             self.travel),
                    # not a daemon: the solver runs its portfolio workers as child processes
                    # (a daemon may not have children); shutdown() and a closed queue end it
                    name="vaxroute-solver", daemon=False)
                self.process.start()

    def submit(self, plan_id: int) -> None:
        self._ensure_worker()
        self.queue.put(plan_id)

    def resume_pending(self) -> None:
        """After a restart: re-queue plans that were waiting or solving, drop stale locks."""
        db = Database(self.database_url)
        with db.session() as s:
            s.execute(delete(JobLock))
            pending = s.scalars(select(PlanRow.id).where(
                PlanRow.status.in_(("queued", "solving"))).order_by(PlanRow.id)).all()
            s.execute(update(PlanRow).where(PlanRow.id.in_(pending)).values(status="queued",
                                                                             progress=0.0))
            s.commit()
        db.engine.dispose()
        for plan_id in pending:
            self.submit(plan_id)

    def shutdown(self) -> None:
        if self.process is not None and self.process.is_alive():
            self.process.terminate()
            self.process.join(timeout=10)


def worker_main(queue: Any, database_url: str, settings_path: str | None,
                travel: dict[str, str | None] | None = None) -> None:
    """The solver process: take plan ids from the queue and solve them one at a time."""
    logging.basicConfig(level=logging.INFO)
    worker = Worker(Database(database_url),
                    load_settings(Path(settings_path) if settings_path else None), travel)
    while True:
        try:
            plan_id = queue.get()
        except (EOFError, OSError):  # the server is gone: so are we
            return
        worker.run(plan_id)


class Worker:
    def __init__(self, db: Database, planner_settings: PlannerSettings,
                 travel: dict[str, str | None] | None = None) -> None:
        self.db = db
        self.settings = planner_settings
        travel = travel or {}
        roads = travel.get("roads")
        self.roads = Path(roads) if roads else None
        self.osrm_url = travel.get("osrm_url")

    def _set(self, plan_id: int, **values: Any) -> None:
        with self.db.session() as s:
            s.execute(update(PlanRow).where(PlanRow.id == plan_id, PlanRow.status != "done")
                      .values(**values))
            s.commit()

    def run(self, plan_id: int) -> None:
        self._set(plan_id, status="solving", started_at=now(), progress=0.0)
        try:
            document, changed = self._solve(plan_id)
        except VaxRouteError as exc:
            self._set(plan_id, status="failed", error=f"{exc.code}: {exc}", finished_at=now())
        except Exception:  # a bug: keep the server up, record it, log the traceback
            log.exception("plan %s failed", plan_id)
            self._set(plan_id, status="failed", error="internal error (see the server log)",
                      finished_at=now())
        else:
            self._set(plan_id, status="done", document=document, progress=1.0,
                      changed_assignments=changed, finished_at=now())
        finally:
            with self.db.session() as s:
                s.execute(delete(JobLock).where(JobLock.plan_id == plan_id))
                s.commit()

    def _progress(self, plan_id: int) -> Any:
        last = [0.0]

        def report(p: Progress) -> None:
            if time.monotonic() - last[0] >= 1.0:
                last[0] = time.monotonic()
                self._set(plan_id, progress=round(min(0.99, p.elapsed_s / p.time_limit_s), 3))

        return report

    def _solve(self, plan_id: int) -> tuple[dict[str, Any], int | None]:
        with self.db.session() as s:
            row = s.get(PlanRow, plan_id)
            assert row is not None
            parent = s.get(PlanRow, row.parent_id) if row.parent_id else None
            residents, teams = load_residents(s), load_teams(s)
            as_of = row.as_of
            outcomes = load_outcomes(s)
            start, days, limit = row.start_date, row.days, row.time_limit_s
        settings = self.settings.with_solver(time_limit_s=limit)
        if parent is not None and parent.document is not None:
            local = as_local(as_of) if as_of else None  # SQLite hands back naive UTC
            moment = (local.replace(tzinfo=None) if local else
                      dt.datetime.combine(start, dt.time(0, 0)))
            result = replan(parent.document, residents, teams, outcomes, moment, days,
                            settings, progress=self._progress(plan_id), roads=self.roads,
                            osrm_url=self.osrm_url)
            result.plan["plan_id"] = f"plan-{plan_id}"
            return result.plan, result.changed
        current = apply_outcomes(residents, outcomes)
        inputs = Inputs(ResidentsRead(residents=current), TeamsRead(teams=teams))
        run = plan_from_inputs(inputs, start, days, settings, progress=self._progress(plan_id),
                               roads=self.roads, osrm_url=self.osrm_url)
        run.plan["plan_id"] = f"plan-{plan_id}"
        return run.plan, None
