"""A child tied with ``planner.lifeline.tied_call`` dies with its parent, even mid-import.

A solver process can spend many seconds importing (Numba recompiling a stale cache); a server
killed meanwhile used to leave it running. Real processes: a parent script spawns the child,
the test SIGKILLs the parent while the child is inside a slow import.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

PARENT = """
import multiprocessing as mp, os, sys, time
from planner.lifeline import tied_call

if __name__ == "__main__":
    child = mp.get_context("spawn").Process(target=tied_call,
                                            args=(os.getpid(), "slow_module:main"))
    child.start()
    print(child.pid, flush=True)
    time.sleep(120)
"""

SLOW = """
import pathlib, sys, time
pathlib.Path(sys.argv[0]).parent.joinpath("importing").touch()  # the test waits for this
time.sleep(120)  # a long import: the child must not outlive its parent meanwhile

def main():
    time.sleep(120)
"""


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return True
    return state in ("Z", "X")  # a zombie is dead, waiting for init to reap it


def test_a_child_dies_with_its_parent_during_a_slow_import(tmp_path: Path) -> None:
    (tmp_path / "parent.py").write_text(PARENT, encoding="utf-8")
    (tmp_path / "slow_module.py").write_text(SLOW, encoding="utf-8")
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(root)])}
    parent = subprocess.Popen(
        [sys.executable, str(tmp_path / "parent.py")],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    child = 0
    try:
        assert parent.stdout is not None
        child = int(parent.stdout.readline())
        end = time.monotonic() + 60
        while not (tmp_path / "importing").exists():
            assert time.monotonic() < end, "the child never started its import"
            time.sleep(0.05)
        parent.kill()
        parent.wait(timeout=30)
        end = time.monotonic() + 3
        while not _gone(child):
            assert time.monotonic() < end, "the child outlived its parent"
            time.sleep(0.05)
    finally:
        parent.kill()
        parent.wait(timeout=30)
        if child and not _gone(child):
            os.kill(child, signal.SIGKILL)
