"""`vaxroute backup`: a consistent, owner-only copy of a live SQLite database."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

from fastapi.testclient import TestClient

from api.main import create_app
from api.security import create_token
from api.settings import Settings


def _backup(database_url: str, destination: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.run(
        [sys.executable, "-m", "vaxroute", "backup", str(destination)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_backup_of_a_live_database_has_the_data_and_is_owner_only(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'live.sqlite'}"
    with TestClient(create_app(Settings(database_url=url))) as client:  # the server stays up
        with client.app.state.db.session() as s:  # type: ignore[attr-defined]
            headers = {"Authorization": f"Bearer {create_token(s, 'planner', None)}"}
        csv = b"resident_id,lat,lon\nR1,21.0,105.8\nR2,21.1,105.9\n"
        assert (
            client.post(
                "/residents/imports", headers=headers, files={"file": ("l.csv", csv, "text/csv")}
            ).status_code
            == 201
        )
        copy = tmp_path / "copies" / "monday.sqlite"
        run = _backup(url, copy)
    assert run.returncode == 0, run.stderr
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    with sqlite3.connect(copy) as db:
        ids = sorted(r[0] for r in db.execute("SELECT resident_id FROM residents"))
    assert ids == ["R1", "R2"]
    again = _backup(url, copy)  # never overwrites an earlier backup
    assert again.returncode == 2 and "already exists" in again.stderr


def test_postgresql_is_pointed_to_pg_dump(tmp_path: Path) -> None:
    run = _backup("postgresql://u:p@127.0.0.1:1/x", tmp_path / "x.sqlite")
    assert run.returncode == 2
    assert "pg_dump" in run.stderr and "Traceback" not in run.stderr
