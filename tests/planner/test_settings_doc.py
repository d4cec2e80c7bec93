"""docs/settings.md documents every settings key with its default, and nothing that is gone."""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

from planner.settings import _SECTIONS

DOC = Path(__file__).resolve().parents[2] / "docs" / "settings.md"
ROW = re.compile(r"^\| `(\w+)\.(\w+)` \| (.+?) \| (.+) \|$")
#: keys whose default is a table: the doc describes it instead of printing it
DESCRIBED = {"vials.products", "roads.speed_kmh"}


def _documented() -> dict[str, str]:
    rows = (ROW.match(line) for line in DOC.read_text(encoding="utf-8").splitlines())
    return {f"{m[1]}.{m[2]}": m[3] for m in rows if m}


def _literal(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, tuple):
        return "[" + ", ".join(f'"{v}"' for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_literal(v)[0:]}" for k, v in value.items()) + " }"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e6:
        return repr(value)
    return repr(value)


def _code_keys() -> dict[str, object]:
    return {
        f"{section}.{f.name}": getattr(cls(), f.name)
        for section, cls in _SECTIONS.items()
        for f in fields(cls)
    }


def test_every_key_in_the_code_is_documented_with_its_default() -> None:
    documented = _documented()
    missing = sorted(set(_code_keys()) - set(documented))
    assert not missing, f"docs/settings.md lacks {missing}"
    wrong = {}
    for key, value in _code_keys().items():
        if key in DESCRIBED:
            continue
        shown = documented[key].strip("`")
        if shown not in (_literal(value), str(value)) and not _same_number(shown, value):
            wrong[key] = (shown, _literal(value))
    assert not wrong, f"defaults differ from the code: {wrong}"


def _same_number(shown: str, value: object) -> bool:
    if isinstance(value, dict):
        numbers = re.findall(r"(\w+) = ([\d.]+)", shown)
        return {str(k): float(v) for k, v in numbers} == {
            str(k): float(v)  # type: ignore[arg-type]
            for k, v in value.items()
        }
    try:
        return float(shown) == float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


def test_every_documented_key_exists() -> None:
    stale = sorted(set(_documented()) - set(_code_keys()))
    assert not stale, f"docs/settings.md documents keys the code does not have: {stale}"
