"""The solver process's main loop inside a Dask cluster session (issue 25).

``VAXROUTE_DASK_SCHEDULER`` (api/settings.py) names a running Dask scheduler,
``tcp://HOST:8786``: plans whose horizon splits into areas send the areas there
(planner/solver/areas_dask.py). Without it the server's planner settings decide
(``[compute] cluster``), except that ``auto`` means ``none`` here: a web server does not start
a LocalCluster of its own unless told to (``local``/``local:N`` in the settings). The session
connects on the first plan that splits and is closed when the solver process ends; a scheduler
that cannot be reached fails that plan with a message naming the address, and the next plan
tries again.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from planner.settings import load_settings
from planner.solver.cluster import cluster_session

log = logging.getLogger("vaxroute.jobs")


def cluster_for_api(scheduler: str | None, configured: str) -> str:
    """The cluster a server's solver uses: the scheduler's address when one is set, else the
    planner settings' cluster with ``auto`` read as ``none``."""
    if scheduler:
        return scheduler
    return "none" if configured == "auto" else configured


def worker_main(
    database_url: str,
    settings_path: str | None,
    travel: dict[str, str | None] | None,
    parent_pid: int,
    current: Any,
) -> None:
    """``api.solver_process.worker_main`` with the cluster session open around it."""
    from api.solver_process import worker_main as solver_main

    travel = travel or {}
    compute = load_settings(Path(settings_path) if settings_path else None).compute
    cluster = cluster_for_api(travel.get("dask_scheduler"), compute.cluster)
    roads = travel.get("roads")
    with cluster_session(
        cluster, compute.connect_timeout_s, Path(roads) if roads else None
    ) as session:
        log.info("solver: split plans go to cluster %s", session.spec.label())
        solver_main(database_url, settings_path, travel, parent_pid, current)
