"""``OsrmTravel``: travel times from an OSRM routing server's ``table`` service.

For health centres that run a server (``osrm-routed``) on their own network. Requests go in
blocks of at most ``max_table`` points (OSRM's default ``--max-table-size`` is 100), with a
timeout; an unreachable server or a refused request is an input error naming the server, never
a hang or a traceback. Durations and distances are rounded up to whole seconds and metres.
"""

from __future__ import annotations

import json
import math
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from planner.constants import UNREACHABLE_M, UNREACHABLE_S
from planner.errors import InputError
from planner.travel.base import TravelMatrix, TravelModel


@dataclass(frozen=True)
class OsrmTravel(TravelModel):
    """Durations and distances from the server's table service for the given profile."""

    url: str
    profile: str = "driving"
    timeout_s: float = 30.0
    max_table: int = 100
    kind: str = "osrm"

    def matrix(self, lat: npt.ArrayLike, lon: npt.ArrayLike, mode: str) -> TravelMatrix:
        """The table in blocks of at most ``max_table`` points; no route: unreachable."""
        la, lo = np.asarray(lat, dtype=float), np.asarray(lon, dtype=float)
        n = len(la)
        seconds = np.zeros((n, n), dtype=np.int64)
        metres = np.zeros((n, n), dtype=np.int64)
        half = max(self.max_table // 2, 1)
        blocks = [np.arange(s, min(s + half, n)) for s in range(0, n, half)]
        for src in blocks:
            for dst in blocks:
                secs, mets = self._table(la, lo, src, dst)
                seconds[np.ix_(src, dst)] = secs
                metres[np.ix_(src, dst)] = mets
        np.fill_diagonal(seconds, 0)
        np.fill_diagonal(metres, 0)
        return TravelMatrix(seconds, metres)

    def _table(
        self,
        la: npt.NDArray[np.float64],
        lo: npt.NDArray[np.float64],
        src: npt.NDArray[np.int64],
        dst: npt.NDArray[np.int64],
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        points = list(dict.fromkeys([*src.tolist(), *dst.tolist()]))
        where = {p: i for i, p in enumerate(points)}
        coords = ";".join(f"{lo[p]:.6f},{la[p]:.6f}" for p in points)
        query = (
            f"sources={';'.join(str(where[p]) for p in src.tolist())}"
            f"&destinations={';'.join(str(where[p]) for p in dst.tolist())}"
            "&annotations=duration,distance"
        )
        body = self._get(f"{self.url.rstrip('/')}/table/v1/{self.profile}/{coords}?{query}")
        return (
            _whole(body.get("durations"), UNREACHABLE_S, len(src), len(dst), self.url),
            _whole(body.get("distances"), UNREACHABLE_M, len(src), len(dst), self.url),
        )

    def _get(self, address: str) -> dict[str, Any]:
        try:
            with urllib.request.urlopen(address, timeout=self.timeout_s) as response:
                body = json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as exc:  # OSRM answers 400 with a JSON reason
            try:
                body = json.loads(exc.read().decode("utf-8"))
            except (ValueError, UnicodeDecodeError):
                raise InputError(f"routing server {self.url} answered HTTP {exc.code}") from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise InputError(
                f"routing server {self.url} unreachable ({reason}; timeout "
                f"{self.timeout_s:g} s): start it, or plan with --roads FILE or "
                "straight lines"
            ) from exc
        except ValueError as exc:
            raise InputError(f"routing server {self.url} sent a reply that is not JSON") from exc
        if body.get("code") != "Ok":
            raise InputError(
                f"routing server {self.url} refused the request: "
                f"{body.get('code')}: {body.get('message', '')}"
            )
        return body

    def describe(self) -> dict[str, Any]:
        """The server and profile, for plan.json."""
        return {"kind": self.kind, "url": self.url, "profile": self.profile}


def _whole(rows: Any, missing: int, n: int, m: int, url: str) -> npt.NDArray[np.int64]:
    if not isinstance(rows, list) or len(rows) != n or any(len(r) != m for r in rows):
        raise InputError(
            f"routing server {url}: the table reply has the wrong shape "
            "(does it serve durations and distances?)"
        )
    return np.array(
        [[missing if v is None else math.ceil(float(v) - 1e-9) for v in r] for r in rows],
        dtype=np.int64,
    ).reshape(n, m)
