"""Child processes that die with their parent: no solver outlives the server that started it.

Without this, a solver whose server is killed (SIGKILL, the OOM killer, a crash) goes on
searching, then waits for work for good, holding its memory, and after a restart a second
solver takes the same plan. Two mechanisms, because neither alone is enough:

* on Linux, ``prctl(PR_SET_PDEATHSIG, SIGKILL)``: the kernel kills the child the moment its
  parent goes. It is tied to the parent *thread* that started the child, so start children
  from a thread that lives as long as the process (a request thread would kill them when it
  idles out);
* everywhere, a parent-alive check: ``os.getppid()`` changes when the parent dies (the child is
  re-parented), which also closes the race of a parent that died before ``prctl`` ran.

Both must run *before* the child's heavy imports: a spawned child can spend many seconds
importing (Numba compiles the solver's kernel when its disk cache is stale), and would outlive a
parent killed meanwhile. This module imports nothing heavy, so a child whose entry point is
``tied_call`` (or a pool initializer ``tie_to_parent``) is tied within a fraction of a second.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import importlib
import os
import signal
import sys
import threading
import time
from typing import Any

#: linux/prctl.h
PR_SET_PDEATHSIG = 1
#: exit status of a child that found its parent gone (sysexits' EX_UNAVAILABLE)
ORPHANED = 69


def set_death_signal(sig: int = signal.SIGKILL) -> bool:
    """Linux: have the kernel send ``sig`` to this process when its parent thread exits.
    False where it is not available (other systems; then only the parent checks protect)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return int(libc.prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


def parent_alive(parent_pid: int) -> bool:
    """Is the process that started this one still its parent? (A dead parent's children are
    re-parented to init or a subreaper, so the pid changes; a pid is never re-parented back.)"""
    return os.getppid() == parent_pid


def die_with_parent(parent_pid: int, sig: int = signal.SIGKILL) -> None:
    """Call first thing in a child: the death signal, then the check that the parent did not
    already die before it was set (after it, the kernel covers every later death)."""
    set_death_signal(sig)
    if not parent_alive(parent_pid):
        os._exit(ORPHANED)


def watch_parent(parent_pid: int, interval_s: float = 0.5) -> threading.Thread:
    """A daemon thread that ends this process once its parent is gone: the check for systems
    without ``PR_SET_PDEATHSIG`` (it needs the GIL now and then, which Python code gives)."""

    def watch() -> None:
        """Poll the parent; end this process at once when it is gone."""
        while parent_alive(parent_pid):
            time.sleep(interval_s)
        os._exit(ORPHANED)

    thread = threading.Thread(target=watch, name="parent-watch", daemon=True)
    thread.start()
    return thread


def tie_to_parent(parent_pid: int) -> None:
    """Both at once: the death signal (and the check it was not too late), then the watch
    thread. A process pool's ``initializer``: it runs before the pool's work is unpickled."""
    die_with_parent(parent_pid)
    watch_parent(parent_pid)


def tied_call(parent_pid: int, target: str, *args: Any) -> None:
    """Entry point of a child process tied to its parent: ``tie_to_parent`` first, *then*
    import ``target`` ("package.module:function") and call it with ``args``."""
    tie_to_parent(parent_pid)
    module, name = target.split(":")
    getattr(importlib.import_module(module), name)(*args)
