"""Fixtures shared by the whole suite. Data files live in tests/data (``tests.data`` names
them); scenario builders in tests/helpers.py; the API's database fixtures in
tests/api/conftest.py."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.chromium import ARGS, CHROMIUM, require_chromium


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """A headless Chromium for one test module (skipped loudly, or failed in CI, without it)."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()
