"""One catalogue of reason codes: every code has its English explanation and its vi/en labels,
and every code the planner can write is in it (the maps once showed raw road codes)."""

from __future__ import annotations

import re
from pathlib import Path

from maps.i18n import reason_text
from planner.reasons_catalogue import REASON_CODES, REASONS, reason_label

ROOT = Path(__file__).resolve().parents[2]


def test_every_reason_has_an_explanation_and_both_labels() -> None:
    for code, reason in REASONS.items():
        assert reason.explanation and reason.label_en and reason.label_vi, code
        assert reason.label_vi != reason.label_en, code  # translated, not copied
        assert REASON_CODES[code] == reason.explanation


def test_every_code_the_planner_writes_is_in_the_catalogue() -> None:
    written: set[str] = set()
    for path in (ROOT / "planner").rglob("*.py"):
        written |= set(
            re.findall(
                r"[\"']((?:no|not|invalid|exceeds|outside|window|road)_"
                r"[a-z_]+)[\"']",
                path.read_text(encoding="utf-8"),
            )
        )
    codes = {
        c
        for c in written
        if c in REASON_CODES
        or c.endswith(("_nearby", "_unreachable", "_capacity", "_horizon", "_doctor", "_vaccine"))
    }
    assert codes and codes <= set(REASON_CODES), codes - set(REASON_CODES)


def test_maps_show_the_road_reasons_in_vietnamese() -> None:
    assert reason_text("no_road_nearby", "vi") == "Không có đường đi được gần địa chỉ"
    assert reason_text("road_unreachable", "en") == "No road from any station"
    assert reason_label("something_new", "vi") == "something_new"


def test_the_docs_list_every_code() -> None:
    doc = (ROOT / "docs" / "solver.md").read_text(encoding="utf-8")
    assert all(f"`{code}`" in doc for code in REASON_CODES)
