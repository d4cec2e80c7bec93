"""A second ``Database`` on a SQLite file this process already uses must not lose commits.

The server opens the same file twice (the app's engine, the job runner's). Creating the file
owner-only used to open and close it again, which drops every POSIX lock this process's SQLite
connections hold on it; the next process that closed its connection then took itself for the
last one and deleted the -wal this process kept writing to: commits vanished, and the solver
process read a database without the plans the server had queued.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy import text

from api.db import Database


def _other_process(path: Path, sql: str) -> str:
    code = (
        "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
        "print(c.execute(sys.argv[2]).fetchall()); c.close()"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(path), sql],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return out.stdout.strip()


def test_a_second_engine_keeps_the_first_ones_commits(tmp_path: Path) -> None:
    path = tmp_path / "twice.sqlite"
    first = Database(f"sqlite:///{path}")
    with first.engine.begin() as c:
        c.execute(text("CREATE TABLE t (x INTEGER)"))
        c.execute(text("INSERT INTO t VALUES (1)"))
    second = Database(f"sqlite:///{path}")  # as the job runner does, in the same process
    assert _other_process(path, "SELECT count(*) FROM t") == "[(1,)]"  # opens, closes
    with first.engine.begin() as c:
        c.execute(text("INSERT INTO t VALUES (2)"))
    assert _other_process(path, "SELECT count(*) FROM t") == "[(2,)]"
    with second.engine.connect() as c:
        assert c.scalar(text("SELECT count(*) FROM t")) == 2
    first.engine.dispose()
    second.engine.dispose()
    assert oct(path.stat().st_mode & 0o777) == "0o600"  # still created owner-only
