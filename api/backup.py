"""A consistent copy of a running SQLite database (SQLite's online backup), owner-only.

PostgreSQL has its own tool for this (``pg_dump``); see docs/operations.md.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import make_url

from api.db import normalise_url
from planner.errors import InputError
from planner.files import create_private


def backup_database(database_url: str, destination: Path) -> int:
    """Copy the database at ``database_url`` to ``destination`` (a new file); its size."""
    url = make_url(normalise_url(database_url))
    if url.get_backend_name() != "sqlite":
        raise InputError(
            f"{url.get_backend_name()}: back up PostgreSQL with pg_dump "
            "(see docs/operations.md); vaxroute backup copies SQLite files"
        )
    source = Path(url.database or "")
    if not source.is_file():
        raise InputError(f"{source}: no database file to back up")
    if destination.exists():
        raise InputError(f"{destination}: already exists; choose a new file name")
    create_private(destination)
    with (
        sqlite3.connect(f"file:{source}?mode=ro", uri=True) as src,
        sqlite3.connect(destination) as dst,
    ):
        src.backup(dst)  # pages copied while the server keeps writing: a consistent snapshot
    dst.close()
    src.close()
    return destination.stat().st_size
