"""Files the product writes hold health data (Decree 13/2023): owner-only, always.

Every entry point (the ``vaxroute`` command, the server's app factory) calls
:func:`private_files` once, so whatever it creates afterwards — plan outputs, sheets, maps,
exports, caches — is 0600 and its new folders 0700, without each writer remembering to.
"""

from __future__ import annotations

import os
from pathlib import Path

#: the permission bits a new file or folder may not have: nothing for group and others
PRIVATE_UMASK = 0o077


def private_files() -> None:
    """Make every file and folder this process creates from now on owner-only."""
    os.umask(PRIVATE_UMASK)


def create_private(path: Path) -> None:
    """Create ``path`` empty and owner-only if it does not exist (its new folders 0700).

    For files another library creates (SQLite's database): SQLite gives its ``-wal`` and
    ``-shm`` files the database file's own permissions, so they follow.
    """
    missing = [p for p in reversed(path.parents) if not p.exists()]
    for folder in missing:
        folder.mkdir(mode=0o700, exist_ok=True)
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)
