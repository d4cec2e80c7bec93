"""Solving in the background, in a solver process; status and progress in the plans table.

The server runs one solver process (``api.solver_process``) and a watchdog thread that keeps
it honest:

* the watchdog starts the solver (from its own long-lived thread: the solver's death signal,
  ``planner.lifeline``, is tied to the thread that started it) and restarts it when it dies;
* a solver that dies while this server lives (SIGKILL, the out-of-memory killer, a crash in
  native code) fails the plan it held at once, with the reason. It is *not* solved again: such
  a death usually comes from the plan itself (too big for the memory) and would repeat;
* a plan whose heartbeat went silent for ``stale_s`` lost its solver with its server (a
  restart, a crash, another server on the same PostgreSQL): it is re-queued once, then failed
  (``plan_states.sweep_stale``);
* on shutdown the solver is stopped and its plan re-queued without counting the attempt.

A plan is claimed with a conditional UPDATE, so it is never solved by two solvers at once.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import multiprocessing as mp
import os
import signal
import threading
import time
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from api import plan_states
from api.db import Database
from planner.lifeline import tied_call

log = logging.getLogger("vaxroute.jobs")
REPLAN_LOCK = "replan"
#: the solver process's main loop, imported in the child once it is tied to this process
#: (inside a Dask cluster session: api/solver_cluster.py, VAXROUTE_DASK_SCHEDULER)
SOLVER_MAIN = "api.solver_cluster:worker_main"
#: how often the watchdog looks at the solver process
WATCH_S = 0.25
#: how often it looks for plans whose solver went silent, and for plans queued elsewhere
SWEEP_S = 2.0


def stopped_reason(exitcode: int | None) -> str:
    """Why a plan failed when its solver died, in words a planner can act on."""
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = "unknown signal"
        why = f"signal {-exitcode}, {name}"
        if -exitcode == signal.SIGKILL:
            why += ": killed by an operator or the out-of-memory killer"
    else:
        why = f"exit status {exitcode}"
    return f"the solver process stopped ({why}); plan again"


def end_group(pid: int) -> None:
    """SIGKILL what is left of a dead solver's process group (its own, ``os.setpgid``): a
    portfolio worker still importing has no death signal yet. Nothing when the group is gone
    (or the solver died before it made one)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


class JobRunner:
    """Queues plans for a solver *process*: OR-Tools holds the GIL while it searches, so a
    solver thread would freeze the server; a separate process keeps every request fast."""

    def __init__(
        self,
        database_url: str,
        settings_path: str | None,
        travel: dict[str, str | None] | None = None,
        stale_s: float = 30.0,
    ) -> None:
        self.database_url = database_url
        self.settings_path = settings_path
        self.travel = travel or {}  # {"roads": extract path, "osrm_url": server}
        self.stale_s = stale_s
        self.context = mp.get_context("spawn")
        #: [attempt, plan id] the solver holds (0: none), shared memory without a lock: the
        #: solver writes it, the watchdog reads it once the solver is dead
        self.current: Any = self.context.Array("i", 2, lock=False)
        self.process: Any = None
        self._db: Database | None = None
        self._wanted = False
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        # runs before multiprocessing's own exit hook, which would wait for a live worker
        atexit.register(self.shutdown)

    def resume_pending(self) -> None:
        """At startup: the watchdog begins with a sweep (plans that lost their solver are
        re-queued once or failed) and starts the solver when plans are queued."""
        self._ensure_watchdog()

    def submit(self, plan_id: int) -> None:
        """A plan was queued in the database: make sure a solver is running to claim it."""
        self._wanted = True
        self._ensure_watchdog()
        self._wake.set()

    def shutdown(self) -> None:
        """Stop the watchdog, which stops the solver and re-queues the plan it held."""
        self._stop.set()
        self._wake.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=30)

    def _ensure_watchdog(self) -> None:
        with self._start_lock:
            if self._thread is None and not self._stop.is_set():
                self._db = Database(self.database_url)
                self._thread = threading.Thread(
                    target=self._watch, name="vaxroute-watchdog", daemon=True
                )
                self._thread.start()

    def _watch(self) -> None:
        next_sweep = 0.0
        while not self._stop.is_set():
            try:
                self._check_solver()
                if time.monotonic() >= next_sweep:
                    next_sweep = time.monotonic() + SWEEP_S
                    self._sweep()
            except SQLAlchemyError as exc:  # the database away for a moment
                log.warning("watchdog: database error: %s", exc)
            except Exception:  # a bug: log it, keep watching
                log.exception("watchdog")
            self._wake.wait(WATCH_S)
            self._wake.clear()
        self._stop_solver()

    @property
    def db(self) -> Database:
        assert self._db is not None
        return self._db

    def _check_solver(self) -> None:
        process = self.process
        if process is not None and not process.is_alive():
            self.process = None
            end_group(process.pid)
            self._bury(process.exitcode)
        if self.process is None and self._wanted and not self._stop.is_set():
            self.current[0] = self.current[1] = 0
            self.process = self.context.Process(
                target=tied_call,
                args=(
                    os.getpid(),
                    SOLVER_MAIN,
                    self.database_url,
                    self.settings_path,
                    self.travel,
                    os.getpid(),
                    self.current,
                ),
                # not a daemon: the solver runs its portfolio workers as child processes
                # (a daemon may not have children); it dies with this process (lifeline)
                name="vaxroute-solver",
                daemon=False,
            )
            self.process.start()

    def _bury(self, exitcode: int | None) -> None:
        """The solver died: fail the plan it held, if that plan is still its own."""
        attempt, plan_id = int(self.current[0]), int(self.current[1])
        self.current[1] = 0
        if not plan_id:
            log.warning("the solver process stopped (exit %s) while idle", exitcode)
            return
        reason = stopped_reason(exitcode)
        with self.db.session() as s:
            if plan_states.fail(s, plan_id, attempt, reason):
                log.warning("plan %s failed: %s", plan_id, reason)

    def _sweep(self) -> None:
        alive = self.process is not None and self.process.is_alive()
        with self.db.session() as s:
            changed = plan_states.sweep_stale(
                s, self.stale_s, int(self.current[1]) if alive else None
            )
            if plan_states.queued(s):
                self._wanted = True
        for plan_id, status in changed:
            log.warning(
                "plan %s: its solver went silent for %.0f s: %s",
                plan_id,
                self.stale_s,
                "queued again" if status == "queued" else status,
            )

    def _stop_solver(self) -> None:
        process = self.process
        if process is not None and process.is_alive():
            process.terminate()
            process.join(timeout=10)
            if process.is_alive():
                process.kill()
                process.join(timeout=10)
            end_group(process.pid)
            attempt, plan_id = int(self.current[0]), int(self.current[1])
            try:
                if plan_id:
                    with self.db.session() as s:
                        plan_states.requeue(s, plan_id, attempt)
            except SQLAlchemyError as exc:  # the heartbeat sweep re-queues it later
                log.warning("plan %s not re-queued at shutdown: %s", plan_id, exc)
        self.process = None
        if self._db is not None:
            self._db.engine.dispose()
