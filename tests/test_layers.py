"""The packages depend downwards only: vaxroute -> api -> maps -> planner.

The planner is the core: it must not import the maps, the API, the command or the benchmarks;
the maps must not import the API or the command; the API must not import the command. Every
import counts, at the top of a module or inside a function, under TYPE_CHECKING or not.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = {
    "planner": {"api", "maps", "vaxroute", "benchmarks", "tests"},
    "maps": {"api", "vaxroute", "benchmarks", "tests"},
    "api": {"vaxroute", "benchmarks", "tests"},
    "vaxroute": {"benchmarks", "tests"},
}


def imported(path: Path) -> list[tuple[int, str]]:
    """(line, top-level package) of every absolute import in the module."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name.split(".")[0]) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module.split(".")[0]))
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_no_package_imports_one_above_it(package: str) -> None:
    files = sorted((ROOT / package).rglob("*.py"))
    assert len(files) > 2, f"{package}: no modules found"
    wrong = [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for path in files
        for line, name in imported(path)
        if name in FORBIDDEN[package]
    ]
    assert wrong == []


def test_the_check_sees_imports_inside_functions(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import api.x\n"
        "def f():\n    from maps.team import t\n    from . import near\n",
        encoding="utf-8",
    )
    assert imported(module) == [(1, "typing"), (3, "api"), (5, "maps")]
