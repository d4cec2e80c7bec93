"""A real `vaxroute serve` process on loopback, for tests that need one (fuzzing, SIGKILL)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class LiveServer:
    url: str
    process: subprocess.Popen[bytes]
    env: dict[str, str]

    def stop(self, kill: bool = False) -> None:
        if self.process.poll() is None:
            self.process.kill() if kill else self.process.terminate()
            self.process.wait(timeout=30)


def server_env(database_url: str, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "VAXROUTE_DEFAULT_TIME_LIMIT_S": "1",
        "VAXROUTE_VISIT_MAX_AGE_DAYS": "3650",  # the demo campaign is dated 23/11/2026
        **extra,
    }
    return env


def start_server(database_url: str, log: Path, **extra: str) -> LiveServer:
    env = server_env(database_url, **extra)
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "vaxroute", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/openapi.json", timeout=2).status_code == 200:
                return LiveServer(url, process, env)
        except httpx.HTTPError:
            time.sleep(0.2)
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {log.read_text()[-2000:]}")
    process.kill()
    raise RuntimeError("server did not start")


def make_token(env: dict[str, str], role: str, team: str | None = None) -> str:
    args = [sys.executable, "-m", "vaxroute", "token", "create", "--role", role]
    if team:
        args += ["--team", team]
    out = subprocess.run(args, env=env, capture_output=True, text=True, check=True, timeout=60)
    return out.stdout.strip().splitlines()[-1]


@contextmanager
def console_server(folder: Path, user: str, password: str, **extra: str) -> Iterator[LiveServer]:
    """A live server on a fresh SQLite file in ``folder`` (its log: ``folder/server.log``) with
    one planner account, added by ``vaxroute user add --password-stdin`` as an operator would."""
    live = start_server(f"sqlite:///{folder / 'vaxroute.sqlite'}", folder / "server.log", **extra)
    try:
        added = subprocess.run(
            [sys.executable, "-m", "vaxroute", "user", "add", user, "--password-stdin"],
            env=live.env,
            input=password + "\n",
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert added.returncode == 0, added.stderr
        yield live
    finally:
        live.stop()
