"""The Dask client side: which cluster the areas of a split horizon run on, opened when needed.

A plan's caller (the CLI, the API's solver process) opens a :func:`cluster_session` around the
solve with the cluster it was told of (``--cluster``, ``[compute] cluster``,
``VAXROUTE_DASK_SCHEDULER``). Nothing is started or connected until a horizon actually splits
into several areas (planner/solver/areas_dask.py asks :meth:`ClusterSession.client`): small
lists run as they always did, in this process, with no cluster at all.

* ``local`` / ``local:N``: a Dask ``LocalCluster`` of N worker *processes* (one thread each:
  OR-Tools' search holds the GIL) on this machine, N = the cores when not given;
* ``tcp://HOST:PORT``: a running Dask scheduler (``dask scheduler`` + ``dask worker``, see
  docs/operations.md). One that cannot be reached within ``connect_timeout_s`` is an input
  error naming the address (exit code 2), raised before anything is written;
* ``auto`` (the default) is ``local`` when the horizon splits; ``none`` keeps the areas in this
  process, one after another.

The session always closes what it opened (client, then LocalCluster and its worker processes),
on success, error or interrupt: no orphan worker processes.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from planner.errors import InputError

if TYPE_CHECKING:
    from distributed import Client

log = logging.getLogger(__name__)

_LOCAL = re.compile(r"^local(?::([1-9][0-9]{0,2}))?$")


class ClusterUnreachable(InputError):
    """The Dask scheduler named by the settings cannot be reached (exit code 2, HTTP 422)."""

    code = "cluster_unreachable"


@dataclass(frozen=True)
class ClusterSpec:
    """A parsed ``[compute] cluster``: ``kind`` none / local / tcp; ``workers`` for local (None:
    one per core); ``address`` for tcp."""

    kind: str
    workers: int | None = None
    address: str | None = None

    @classmethod
    def parse(cls, text: str | None) -> ClusterSpec:
        """``auto`` (or empty) and ``local`` mean a LocalCluster; ``none``; ``local:N``;
        ``tcp://HOST:PORT``. Anything else is an input error that quotes it."""
        value = (text or "auto").strip()
        if value == "none":
            return cls("none")
        if value == "auto":
            return cls("local")
        if m := _LOCAL.match(value):
            return cls("local", int(m.group(1)) if m.group(1) else None)
        if re.match(r"^tcp://[^\s/]+:[0-9]{1,5}$", value):
            return cls("tcp", address=value)
        raise InputError(
            f"cluster {value!r}: use auto, none, local, local:N (N worker processes) or "
            "tcp://HOST:PORT (a Dask scheduler)"
        )

    def label(self) -> str:
        """How plans and logs name the cluster: ``local`` or the scheduler's address."""
        return self.address if self.kind == "tcp" and self.address else self.kind


class ClusterSession:
    """One plan's (or one solver process's) access to a cluster: the client is made on first
    use and kept; :meth:`close` ends it (and the LocalCluster it started)."""

    def __init__(
        self,
        spec: ClusterSpec,
        connect_timeout_s: float = 10.0,
        roads: Path | None = None,
        announce: Callable[[str], None] | None = None,
    ) -> None:
        self.spec = spec
        self.connect_timeout_s = connect_timeout_s
        #: the road network extract the plan's travel comes from: workers read it around their
        #: own area (areas_dask.py) instead of receiving the whole province's graph
        self.roads = roads
        self.announce = announce or (lambda text: log.info("%s", text))
        self._client: Client | None = None
        self._cluster: Any = None

    @property
    def enabled(self) -> bool:
        """Whether split horizons go to the cluster (False for ``none``)."""
        return self.spec.kind != "none"

    def client(self) -> Client:
        """The Dask client, connected (or its LocalCluster started) on first call."""
        if self._client is None:
            self._client = self._connect_tcp() if self.spec.kind == "tcp" else self._start_local()
            # every worker imports the solver (OR-Tools, Numba's kernels) now, not in the first
            # area's share of the time
            from planner.solver.areas_dask import warm_up

            self._client.run(warm_up)
            link = self._client.dashboard_link
            self.announce(
                f"Dask cluster {self.spec.label()}: {self.workers()} worker(s); "
                f"dashboard {link or 'not running'}"
            )
        return self._client

    def workers(self) -> int:
        """Worker threads the cluster has now (each runs one area at a time)."""
        if self._client is None:
            return 0
        info = self._client.scheduler_info()
        return sum(int(w.get("nthreads", 1)) for w in info.get("workers", {}).values())

    def describe(self) -> dict[str, Any]:
        """What the plan records of the cluster: its name and its workers."""
        return {"cluster": self.spec.label(), "workers": self.workers()}

    def _start_local(self) -> Client:
        import dask
        from distributed import Client, LocalCluster

        n = self.spec.workers or max(1, os.cpu_count() or 1)
        # Dask's statistical profiler takes the GIL every 10 ms; the search's Python phases
        # lost up to half their solutions to it (benchmarks/RESULTS.md): off on our workers
        with dask.config.set({"distributed.worker.profile.enabled": False}):
            self._cluster = LocalCluster(
                n_workers=n,
                threads_per_worker=1,
                processes=True,
                dashboard_address="127.0.0.1:0",
                host="127.0.0.1",
            )
        return Client(self._cluster)

    def _connect_tcp(self) -> Client:
        from distributed import Client

        address = self.spec.address or ""
        try:
            return Client(address, timeout=self.connect_timeout_s)
        except (OSError, TimeoutError) as exc:
            raise ClusterUnreachable(
                f"cannot reach the Dask scheduler at {address} within "
                f"{self.connect_timeout_s:g} s ({type(exc).__name__}): start it "
                "(`dask scheduler`, docs/operations.md), check the address, or plan without "
                "it (--cluster none)"
            ) from None

    def close(self) -> None:
        """Close the client, then the LocalCluster this session started (its processes)."""
        client, cluster = self._client, self._cluster
        self._client = self._cluster = None
        if client is not None:
            with contextlib.suppress(Exception):
                client.close(timeout=10)
        if cluster is not None:
            with contextlib.suppress(Exception):
                cluster.close(timeout=10)

    def __enter__(self) -> ClusterSession:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


_ACTIVE: ContextVar[ClusterSession | None] = ContextVar("vaxroute_cluster", default=None)


def active_session() -> ClusterSession | None:
    """The session the caller opened around this solve (None: areas run in this process)."""
    session = _ACTIVE.get()
    return session if session is not None and session.enabled else None


@contextlib.contextmanager
def cluster_session(
    cluster: str | None,
    connect_timeout_s: float = 10.0,
    roads: Path | None = None,
    announce: Callable[[str], None] | None = None,
) -> Iterator[ClusterSession]:
    """Solves inside the block send split horizons to ``cluster`` (see the module's doc);
    whatever was started is closed when the block ends, however it ends."""
    session = ClusterSession(ClusterSpec.parse(cluster), connect_timeout_s, roads, announce)
    token = _ACTIVE.set(session)
    try:
        yield session
    finally:
        _ACTIVE.reset(token)
        session.close()
