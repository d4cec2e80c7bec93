"""``vaxroute plan --cluster``: a scheduler that cannot be reached is exit code 2 with its
address, and nothing is written (issue 25). A real process, a real socket refused."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

from planner.demo import DEMO_START, demo_files


def _free_port() -> int:
    """A port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _plan(tmp_path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    files = demo_files()
    settings = tmp_path / "settings.toml"
    # the demo's households split into areas at 50 stops: the cluster is needed
    settings.write_text("[solver]\nsplit_stops = 50\n[compute]\nconnect_timeout_s = 2\n")
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "vaxroute",
            "plan",
            "--residents",
            str(files.residents),
            "--teams",
            str(files.teams),
            "--start-date",
            DEMO_START.isoformat(),
            "--settings",
            str(settings),
            "--time-limit",
            "5",
            "--out",
            str(tmp_path / "out"),
            *extra,
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_an_unreachable_scheduler_exits_2_naming_it_and_writes_nothing(tmp_path: Path) -> None:
    address = f"tcp://127.0.0.1:{_free_port()}"
    run = _plan(tmp_path, "--cluster", address)
    assert run.returncode == 2, run.stdout + run.stderr
    assert address in run.stderr and "Dask scheduler" in run.stderr
    assert "Traceback" not in run.stderr + run.stdout
    assert not (tmp_path / "out").exists()


def test_a_bad_cluster_name_exits_2(tmp_path: Path) -> None:
    run = _plan(tmp_path, "--cluster", "udp://somewhere")
    assert run.returncode == 2 and "udp://somewhere" in run.stderr
    assert not (tmp_path / "out").exists()
