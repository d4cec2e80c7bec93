"""A solver that dies, a server that dies, a plan cancelled, a queue that is full (issue #19.4).

Real processes throughout: the solver is killed with SIGKILL in a TestClient app, a real
``vaxroute serve`` is killed with SIGKILL and restarted on the same SQLite file. The API-level
tests (cancel, the bounded queue, lock expiry) run on SQLite and PostgreSQL (conftest).

What is decided (api/jobs.py): a solver that dies under a live server fails its plan at once
with the reason (no second try: such deaths usually come from the plan, e.g. memory); a plan
whose server died is re-queued once by the next server (heartbeat gone stale), failed at the
second loss. A cancelled plan being solved stops its solver, which is replaced.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.main import create_app
from api.models import JobLock, PlanRow
from api.security import create_token
from api.settings import Settings
from planner.demo import demo_files
from tests.api.conftest import demo_plan, upload, wait_done
from tests.api.live import LiveServer, make_token, start_server

LONG = 300  # seconds: a time limit no test waits for


# ---- processes (Linux /proc: psutil is not a dependency) ----


def _stat(pid: int) -> tuple[str, int] | None:
    """(state, parent pid) of a process, None when it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = text[text.rindex(")") + 2 :].split()
    return fields[0], int(fields[1])


def alive(pid: int) -> bool:
    """Running or sleeping; a zombie (dead, waiting for a parent to reap it) counts as gone."""
    stat = _stat(pid)
    return stat is not None and stat[0] not in ("Z", "X")


def descendants(root: int) -> dict[int, int]:
    """Every live process under ``root``: {pid: depth} (1 = child, 2 = grandchild...)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := _stat(int(entry.name))) and stat[0] != "Z":
            parents[int(entry.name)] = stat[1]
    found: dict[int, int] = {}
    frontier = {root: 0}
    while frontier:
        pid, depth = frontier.popitem()
        for child, parent in parents.items():
            if parent == pid and child not in found:
                found[child] = depth + 1
                frontier[child] = depth + 1
    return found


def eventually(check: Callable[[], Any], timeout: float, what: str | Callable[[], str]) -> Any:
    """``check()``'s first true value within ``timeout`` seconds; else fail saying ``what``."""
    end = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > end:
            said = what if isinstance(what, str) else what()
            raise AssertionError(f"not within {timeout} s: {said}")
        time.sleep(0.1)


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def survivors(pids: Iterator[int] | list[int]) -> dict[int, str]:
    """The processes among ``pids`` still alive, with their command lines (for messages)."""
    return {pid: cmdline(pid) for pid in pids if alive(pid)}


def with_workers(root: int, depth: int) -> dict[int, int]:
    """``root``'s live descendants once a multiprocessing child (not a resource tracker) runs
    ``depth`` levels below it: a solver's portfolio worker; empty until then."""
    found = descendants(root)
    return found if any(d == depth and "spawn_main" in cmdline(p) for p, d in found.items()) else {}


def reap(pids: Iterator[int] | list[int]) -> None:
    """Test cleanup: SIGKILL processes this test started (old code left solvers behind)."""
    for pid in pids:
        if alive(pid):
            os.kill(pid, signal.SIGKILL)


# ---- API helpers ----


def status_of(client: TestClient, headers: dict[str, str], plan_id: int) -> dict[str, Any]:
    return client.get(f"/plans/{plan_id}", headers=headers).json()


def wait_status(
    client: TestClient, headers: dict[str, str], plan_id: int, wanted: str, timeout: float = 30
) -> dict[str, Any]:
    return eventually(
        lambda: (b := status_of(client, headers, plan_id))["status"] == wanted and b,
        timeout,
        f"plan {plan_id} {wanted}",
    )


def plan_row(client: TestClient, plan_id: int) -> PlanRow:
    with client.app.state.db.session() as s:  # type: ignore[attr-defined]
        row = s.get(PlanRow, plan_id)
        assert row is not None
        return row


def new_plan(client: TestClient, headers: dict[str, str], limit: float) -> Any:
    return client.post(
        "/plans",
        headers=headers,
        json={"start_date": "2026-11-23", "days": 1, "time_limit_s": limit},
    )


def cancel_all(client: TestClient, headers: dict[str, str], ids: list[int]) -> None:
    for plan_id in ids:
        client.post(f"/plans/{plan_id}/cancel", headers=headers)


# ---- API level, SQLite and PostgreSQL ----


@pytest.fixture(scope="module")
def loaded(client: TestClient, tokens) -> dict[str, Any]:
    """Solved here, not copied: these tests time the solver process, which this solve starts
    (a copied plan would leave it to start, slowly on a loaded machine, inside a test)."""
    return demo_plan(client, tokens, real=True)


def test_cancel_queued_and_solving_plans(client: TestClient, tokens, loaded) -> None:
    planner = tokens["planner"]
    busy = new_plan(client, planner, LONG).json()["id"]
    waiting = new_plan(client, planner, 1).json()["id"]
    try:
        wait_status(client, planner, busy, "solving")
        solver = client.app.state.jobs.process.pid  # type: ignore[attr-defined]
        assert status_of(client, planner, waiting)["status"] == "queued"
        assert client.post(f"/plans/{waiting}/cancel", headers=tokens["DX"]).status_code == 403
        r = client.post(f"/plans/{waiting}/cancel", headers=planner)
        assert r.status_code == 200 and r.json()["status"] == "cancelled", r.text
        r = client.post(f"/plans/{busy}/cancel", headers=planner)
        assert r.status_code == 200 and r.json()["status"] == "cancelled", r.text
        # the solver stops (a fresh one takes over) and goes on with the next plan: a later
        # plan is solved long before the cancelled one's time limit, the cancelled never
        after = new_plan(client, planner, 1).json()["id"]
        assert wait_done(client, planner, after, timeout=90)["status"] == "done"
        assert client.app.state.jobs.process.pid != solver  # type: ignore[attr-defined]
    finally:
        cancel_all(client, planner, [busy, waiting])
    never = plan_row(client, waiting)
    assert (never.status, never.attempts, never.started_at, never.document) == (
        "cancelled",
        0,
        None,
        None,
    )
    stopped = plan_row(client, busy)
    assert stopped.status == "cancelled" and stopped.document is None
    done = client.post(f"/plans/{loaded['id']}/cancel", headers=planner)
    assert done.status_code == 409 and "done" in done.json()["detail"], done.text
    assert client.post("/plans/999999/cancel", headers=planner).status_code == 404


def test_a_full_queue_answers_429(client: TestClient, tokens, loaded) -> None:
    planner = tokens["planner"]
    busy = new_plan(client, planner, LONG).json()["id"]
    ids = [busy]
    try:
        wait_status(client, planner, busy, "solving")
        for _ in range(5):  # VAXROUTE_MAX_QUEUED defaults to 5
            r = new_plan(client, planner, 1)
            assert r.status_code == 202, r.text
            ids.append(r.json()["id"])
        with client.app.state.db.session() as s:  # type: ignore[attr-defined]
            before = s.scalar(select(func.count()).select_from(PlanRow))
        sixth = new_plan(client, planner, 1)
        assert sixth.status_code == 429 and "queue" in sixth.json()["detail"], sixth.text
        replan = client.post(
            f"/plans/{loaded['id']}/replan", headers=planner, json={"time_limit_s": 1}
        )
        assert replan.status_code == 429, replan.text
        with client.app.state.db.session() as s:  # type: ignore[attr-defined]
            assert s.scalar(select(func.count()).select_from(PlanRow)) == before
            assert s.get(JobLock, "replan") is None  # the refused re-plan holds no lock
    finally:
        cancel_all(client, planner, ids)


def test_a_lock_expires_with_its_plan(client: TestClient, tokens, loaded) -> None:
    planner, parent = tokens["planner"], loaded["id"]
    body = {"as_of": "2026-11-23T12:00:00+07:00", "time_limit_s": LONG}
    first = client.post(f"/plans/{parent}/replan", headers=planner, json=body)
    assert first.status_code == 202, first.text
    try:
        second = client.post(f"/plans/{parent}/replan", headers=planner, json=body)
        assert second.status_code == 409  # the lock holds while its plan waits or solves
    finally:
        assert (
            client.post(f"/plans/{first.json()['id']}/cancel", headers=planner).status_code == 200
        )
    after = client.post(
        f"/plans/{parent}/replan", headers=planner, json={**body, "time_limit_s": 1}
    )
    assert after.status_code == 202, after.text  # the cancelled plan's lock is gone
    assert wait_done(client, planner, after.json()["id"], timeout=60)["status"] == "done"

    # a solver elsewhere stopped an hour ago, its plan still 'solving' and holding the lock
    hour_ago = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    with client.app.state.db.session() as s:  # type: ignore[attr-defined]
        version = (s.scalar(select(func.max(PlanRow.version))) or 0) + 1
        stale = PlanRow(
            version=version,
            status="solving",
            progress=0.3,
            attempts=2,
            start_date=dt.date(2026, 11, 23),
            days=1,
            time_limit_s=1,
            started_at=hour_ago,
            heartbeat_at=hour_ago,
        )
        s.add(stale)
        s.flush()
        s.add(JobLock(name="replan", plan_id=stale.id))
        s.commit()
        stale_id = stale.id
    unlocked = client.post(
        f"/plans/{parent}/replan", headers=planner, json={**body, "time_limit_s": 1}
    )
    assert unlocked.status_code == 202, unlocked.text
    assert wait_done(client, planner, unlocked.json()["id"], timeout=60)["status"] == "done"
    gone = wait_status(client, planner, stale_id, "failed", timeout=15)
    assert "solver" in gone["error"], gone  # two solvers lost it: failed, with the reason


# ---- real processes killed, SQLite ----


@pytest.fixture
def crash_client(tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, str]]]:
    app = create_app(
        Settings(database_url=f"sqlite:///{tmp_path / 'crash.sqlite'}", default_time_limit_s=2)
    )
    with TestClient(app) as c:
        with app.state.db.session() as s:
            headers = {"Authorization": f"Bearer {create_token(s, 'planner', None)}"}
        files = demo_files()
        assert upload(c, headers, "teams", files.teams).status_code == 201
        assert upload(c, headers, "residents", files.residents).status_code == 201
        yield c, headers


@pytest.mark.slow
def test_a_killed_solver_fails_its_plan_and_frees_the_lock(crash_client) -> None:
    client, planner = crash_client
    parent = new_plan(client, planner, 2).json()["id"]
    assert wait_done(client, planner, parent, timeout=60)["status"] == "done"
    body = {"as_of": "2026-11-23T12:00:00+07:00", "time_limit_s": LONG}
    doomed = client.post(f"/plans/{parent}/replan", headers=planner, json=body).json()["id"]
    wait_status(client, planner, doomed, "solving")
    solver = client.app.state.jobs.process.pid  # type: ignore[attr-defined]
    workers = eventually(lambda: with_workers(solver, 1), 30, "a portfolio worker")
    try:
        os.kill(solver, signal.SIGKILL)
        failed = wait_status(client, planner, doomed, "failed", timeout=5)
        assert "solver process stopped" in failed["error"] and "SIGKILL" in failed["error"]
        assert plan_row(client, doomed).attempts == 1  # failed, not solved again
        eventually(
            lambda: not survivors(workers),
            5,
            lambda: f"portfolio workers exit: {survivors(workers)}",
        )
    finally:
        reap([solver, *workers])
    again = client.post(
        f"/plans/{parent}/replan", headers=planner, json={**body, "time_limit_s": 1}
    )
    assert again.status_code == 202, again.text  # not 409: the lock died with its plan
    assert wait_done(client, planner, again.json()["id"], timeout=60)["status"] == "done"


def _http_status(server: LiveServer, headers: dict[str, str], plan_id: int) -> str:
    return str(
        httpx.get(f"{server.url}/plans/{plan_id}", headers=headers, timeout=30).json()["status"]
    )


@pytest.mark.slow
def test_a_killed_server_leaves_no_solver_and_recovers_the_plan_once(tmp_path: Path) -> None:
    url, log = f"sqlite:///{tmp_path / 'live.sqlite'}", tmp_path / "server.log"
    server = start_server(url, log, VAXROUTE_SOLVER_STALE_S="3")
    started: dict[int, int] = {}
    try:
        headers = {"Authorization": f"Bearer {make_token(server.env, 'planner')}"}
        files = demo_files()
        for kind, path in (("teams", files.teams), ("residents", files.residents)):
            assert (
                httpx.post(
                    f"{server.url}/{kind}/imports",
                    headers=headers,
                    timeout=60,
                    files={"file": (path.name, path.read_bytes(), "text/csv")},
                ).status_code
                == 201
            )
        plan_id = httpx.post(
            f"{server.url}/plans",
            headers=headers,
            timeout=30,
            json={"start_date": "2026-11-23", "days": 1, "time_limit_s": 5},
        ).json()["id"]
        # generous: a solver process can take long to start (Numba recompiles a stale cache)
        eventually(
            lambda: _http_status(server, headers, plan_id) == "solving",
            90,
            lambda: f"solving: {log.read_text(errors='replace')[-2000:]}",
        )
        # the solver and its portfolio worker (a grandchild of the server) are running
        started = eventually(lambda: with_workers(server.process.pid, 2), 30, "a portfolio worker")
        server.stop(kill=True)  # SIGKILL
        eventually(
            lambda: not survivors(started),
            5,
            lambda: f"every process of the killed server exits: {survivors(started)}",
        )
    finally:
        server.stop(kill=True)
        reap(list(started))
    one = tmp_path / "one_worker.toml"  # the restart only has to finish the plan: faster
    one.write_text("[solver]\nworkers = 1\n", encoding="utf-8")
    server = start_server(url, log, VAXROUTE_SOLVER_STALE_S="3", VAXROUTE_PLANNER_SETTINGS=str(one))
    try:
        final = eventually(
            lambda: _http_status(server, headers, plan_id) in ("done", "failed"),
            90,
            "the restarted server finishes the plan",
        )
        assert final
        body = httpx.get(f"{server.url}/plans/{plan_id}", headers=headers, timeout=30).json()
    finally:
        server.stop()
    text = log.read_text(errors="replace")
    assert body["status"] == "done", (body, text[-3000:])  # re-queued once after the restart
    claims = re.findall(rf"plan {plan_id}: attempt (\d) started", text)
    finishes = re.findall(rf"plan {plan_id}: done", text)
    assert claims == ["1", "2"] and len(finishes) == 1, text[-3000:]
