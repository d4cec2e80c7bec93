"""One catalogue of visit outcomes (planner/outcomes.py): every outcome has both labels, a
colour and an ink that can be read on it; the API accepts exactly these codes; the report,
the re-planner, the console's words and its stylesheet all follow the catalogue (no database).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from api import i18n
from api.daily_report import OUTCOMES as REPORT_COLUMNS
from api.main import create_app
from api.schemas import VisitCreate
from api.settings import Settings
from planner.outcomes import (
    BOARD_STATES,
    NOT_VISITED,
    OUTCOME_CODES,
    OUTCOMES,
    outcome_label,
)
from planner.replan import FINAL_OUTCOMES

ROOT = Path(__file__).resolve().parents[3]
HEX = re.compile(r"^#[0-9A-F]{6}$")


def _luminance(colour: str) -> float:
    def channel(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[k : k + 2], 16) for k in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_every_outcome_has_both_labels_a_colour_and_a_readable_ink() -> None:
    assert set(OUTCOMES) == set(OUTCOME_CODES) and len(OUTCOME_CODES) == 5
    assert list(BOARD_STATES) == [NOT_VISITED, *OUTCOME_CODES]
    for code, kind in BOARD_STATES.items():
        assert kind.label_vi and kind.label_en and kind.label_vi != kind.label_en, code
        assert HEX.match(kind.colour) and HEX.match(kind.ink), code
        assert contrast(kind.colour, kind.ink) >= 4.5, (code, contrast(kind.colour, kind.ink))
        assert outcome_label(code, "vi") == kind.label_vi
        assert outcome_label(code, "en") == kind.label_en
        assert i18n.translate(f"outcome_{code}", "vi") == kind.label_vi
        assert i18n.translate(f"outcome_{code}", "en") == kind.label_en
    assert outcome_label("something_new", "vi") == "something_new"
    # the board's three groups, as Reveal shows them: not visited, done, not done
    assert BOARD_STATES[NOT_VISITED].colour == "#FFCA16"
    assert OUTCOMES["vaccinated"].colour == "#68BB0C"
    assert OUTCOMES["refused"].colour == "#F12525"


@pytest.mark.parametrize("code", OUTCOME_CODES)
def test_the_api_accepts_each_code(code: str) -> None:
    body = VisitCreate(
        resident_id="DX-014",
        plan_id=1,
        outcome=code,
        at="2026-11-24T09:12:00+07:00",
        idempotency_key="tablet-DX-0001",
    )
    assert body.outcome == code


@pytest.mark.parametrize("code", ["not_visited", "Vaccinated", "vaccinated ", "done", ""])
def test_the_api_refuses_anything_else(code: str) -> None:
    with pytest.raises(ValidationError):
        VisitCreate(
            resident_id="DX-014",
            plan_id=1,
            outcome=code,
            at="2026-11-24T09:12:00+07:00",
            idempotency_key="tablet-DX-0001",
        )


def test_the_openapi_document_lists_exactly_the_catalogue(tmp_path: Path) -> None:
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'v.sqlite'}"))
    schemas = app.openapi()["components"]["schemas"]
    for name in ("VisitCreate", "VisitPublic"):
        assert schemas[name]["properties"]["outcome"]["enum"] == list(OUTCOME_CODES), name


def test_the_report_and_the_replanner_use_the_catalogues_codes() -> None:
    assert REPORT_COLUMNS == OUTCOME_CODES
    assert set(FINAL_OUTCOMES) <= set(OUTCOME_CODES)


def test_the_stylesheet_paints_each_state_in_its_catalogue_colours() -> None:
    css = (ROOT / "api" / "static" / "console.css").read_text(encoding="utf-8")
    for code, kind in BOARD_STATES.items():
        rule = re.search(
            rf"\.state-{code} \{{ background: (#[0-9A-F]{{6}}); "
            rf"color: (#[0-9A-F]{{6}}); \}}",
            css,
        )
        assert rule, code
        assert rule.groups() == (kind.colour, kind.ink), code


def test_the_docs_name_the_colours_and_their_source() -> None:
    doc = (ROOT / "docs" / "console.md").read_text(encoding="utf-8")
    assert "Reveal" in doc and "structureColorMaps" in doc
    for kind in BOARD_STATES.values():
        assert kind.colour in doc and kind.label_vi in doc
