"""A small in-memory cache of rendered pages. Done plans never change, so a page is valid for
as long as the residents it shows have not been re-imported (the key carries that stamp)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.models import ResidentRow


def residents_stamp(session: Session) -> tuple[str, int]:
    latest, count = session.execute(
        select(func.max(ResidentRow.updated_at), func.count(ResidentRow.id))
    ).one()
    return str(latest), int(count)


class PageCache:
    def __init__(self, size: int = 256) -> None:
        self.size = size
        self.pages: OrderedDict[Hashable, str] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: Hashable, render: Callable[[], str]) -> str:
        with self.lock:
            if key in self.pages:
                self.pages.move_to_end(key)
                return self.pages[key]
        page = render()  # outside the lock: other pages are served meanwhile
        with self.lock:
            self.pages[key] = page
            while len(self.pages) > self.size:
                self.pages.popitem(last=False)
        return page
