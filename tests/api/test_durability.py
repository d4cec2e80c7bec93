"""A server killed with SIGKILL in the middle of an import leaves the old state or the new."""

from __future__ import annotations

import csv
import io
import threading
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, func, select

from api.db import normalise_url
from api.models import ImportRow, ResidentRow
from planner.demo import demo_files
from tests.api.conftest import BACKENDS, _postgres_database
from tests.api.live import make_token, start_server


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'durable.sqlite'}"
    else:
        yield from _postgres_database()


def big_list(n: int) -> bytes:
    """The demo list with every address changed, plus new residents: n rows in all."""
    rows = list(csv.DictReader(io.StringIO(demo_files().residents.read_text(encoding="utf-8"))))
    out = [dict(r, address=r["address"] + " (mới)") for r in rows]
    base = rows[0]
    for k in range(n - len(rows)):
        out.append(
            dict(
                base,
                resident_id=f"NEW-{k:05d}",
                household_id=f"NEW-H{k:05d}",
                lat=f"{float(base['lat']) + (k % 97) * 1e-4:.6f}",
                lon=f"{float(base['lon']) + (k // 97) * 1e-4:.6f}",
            )
        )
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(out)
    return buffer.getvalue().encode()


def state(url: str) -> tuple[int, int, int]:
    """(residents, residents with the new address, imports)."""
    engine = create_engine(normalise_url(url))
    with engine.connect() as c:
        total = c.scalar(select(func.count()).select_from(ResidentRow))
        changed = sum(
            1 for d in c.scalars(select(ResidentRow.data)) if d["address"].endswith("(mới)")
        )
        imports = c.scalar(select(func.count()).select_from(ImportRow))
    engine.dispose()
    return int(total or 0), changed, int(imports or 0)


def post(url: str, headers: dict[str, str], kind: str, name: str, data: bytes) -> int:
    try:
        return httpx.post(
            f"{url}/{kind}/imports",
            headers=headers,
            timeout=120,
            files={"file": (name, data, "text/csv")},
        ).status_code
    except httpx.HTTPError:
        return -1  # the server died under the request


@pytest.mark.slow
def test_sigkill_during_import_keeps_old_or_new_state(database_url: str, tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    files = demo_files()
    server = start_server(database_url, log)
    headers = {"Authorization": f"Bearer {make_token(server.env, 'planner')}"}
    assert post(server.url, headers, "teams", "teams.csv", files.teams.read_bytes()) == 201
    assert post(server.url, headers, "residents", "ds.csv", files.residents.read_bytes()) == 201
    server.stop()
    before = state(database_url)
    assert before == (386, 0, 2)

    data = big_list(5000)
    server = start_server(database_url, log, VAXROUTE_DEBUG_IMPORT_PAUSE_S="30")
    codes: list[int] = []
    worker = threading.Thread(
        target=lambda: codes.append(post(server.url, headers, "residents", "big.csv", data))
    )
    worker.start()
    deadline = time.monotonic() + 120
    while "debug pause" not in log.read_text(errors="replace"):  # rows written, not committed
        assert time.monotonic() < deadline, "the import never reached its commit"
        time.sleep(0.1)
    server.stop(kill=True)  # SIGKILL
    worker.join(timeout=60)
    assert codes == [-1]
    assert state(database_url) == before  # the old state, whole

    server = start_server(database_url, log)  # restarts cleanly on the same database
    assert post(server.url, headers, "residents", "big.csv", data) == 201
    server.stop(kill=True)  # killed after the commit: the new state, whole
    assert state(database_url) == (5000, 386, 3)
