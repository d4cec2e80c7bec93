"""Short-lived things a page needs again, kept in this process's memory under a random key.

An upload the importer refused is kept here so that "import the good rows" can post it again
without the browser sending the file twice and without a file path ever reaching a URL; a
residents search is kept here so that its words (an id, initials) never travel in a URL or a
log line, only the random key does. Each entry belongs to the user who made it (another user's
key finds nothing), lives ``ttl_s`` seconds, and the stash holds at most ``capacity`` entries
(the oldest go first), so memory stays bounded. ``vaxroute serve`` runs one process: a stash
is per process, and an entry is lost on restart (the page then asks to upload or search again).
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class _Entry:
    owner: int
    value: Any
    expires: float


class Stash:
    def __init__(self, ttl_s: float, capacity: int) -> None:
        self.ttl_s = ttl_s
        self.capacity = capacity
        self._items: OrderedDict[str, _Entry] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, owner: int, value: Any) -> str:
        """Keep ``value`` for ``owner``; returns its random key."""
        key = secrets.token_urlsafe(16)
        with self._lock:
            self._sweep()
            self._items[key] = _Entry(owner, value, time.monotonic() + self.ttl_s)
            while len(self._items) > self.capacity:
                self._items.popitem(last=False)
        return key

    def get(self, owner: int, key: str | None) -> Any | None:
        """The value kept under ``key`` for ``owner``, or None (unknown, expired, another's)."""
        if not key:
            return None
        with self._lock:
            self._sweep()
            entry = self._items.get(key)
        return entry.value if entry is not None and entry.owner == owner else None

    def pop(self, owner: int, key: str | None) -> Any | None:
        value = self.get(owner, key)
        if value is not None:
            with self._lock:
                self._items.pop(str(key), None)
        return value

    def _sweep(self) -> None:
        moment = time.monotonic()
        for key in [k for k, e in self._items.items() if e.expires <= moment]:
            del self._items[key]
