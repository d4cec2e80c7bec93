"""The browser the tests drive: Debian's Chromium (installed by .ci/run) through Playwright's
``executable_path``, so Playwright downloads no browser. Screenshots go to ``ARTIFACTS`` for a
person to look at. The ``browser`` fixture (tests/conftest.py) launches it."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
CHROMIUM = (
    os.environ.get("VAXROUTE_CHROMIUM")
    or shutil.which("chromium")
    or shutil.which("chromium-browser")
)
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def require_chromium() -> None:
    """Without Chromium: fail in CI (which must test the browser), skip loudly elsewhere.

    Callable at a module's top (skips the module) or in a fixture (skips its tests)."""
    if CHROMIUM:
        return
    if os.environ.get("CI"):
        pytest.fail("CI must have Chromium: .ci/run installs Debian's chromium", pytrace=False)
    pytest.skip(
        "SKIPPED LOUDLY: no chromium on this machine (apt-get install chromium)",
        allow_module_level=True,
    )
