"""How readable the product's code is, in numbers: the before/after table of issue #20.

For the product packages (planner, maps, api and vaxroute when present) of a source tree:
the longest functions (code lines: neither blank nor comment nor docstring), the largest
modules, the widest signatures, the share of public functions of ``planner`` with a
docstring, and the count of ``dict[str, Any]`` annotations. Reads files only (ast), so it can
measure any checkout:

    python benchmarks/code_metrics.py                 # this tree
    git worktree add /tmp/before 8474ce6 && python benchmarks/code_metrics.py /tmp/before
"""

from __future__ import annotations

import argparse
import ast
import io
import tokenize
from dataclasses import dataclass
from pathlib import Path

PACKAGES = ("planner", "maps", "api", "vaxroute")
TOP = 10


@dataclass(frozen=True)
class Function:
    where: str
    code_lines: int
    parameters: int
    public: bool
    documented: bool


def _code_lines(source: str) -> set[int]:
    """Line numbers holding code: not blank, not only a comment, not a docstring."""
    lines: set[int] = set()
    docstrings = _docstring_lines(source)
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type in (
            tokenize.COMMENT,
            tokenize.NL,
            tokenize.NEWLINE,
            tokenize.INDENT,
            tokenize.DEDENT,
            tokenize.ENDMARKER,
        ):
            continue
        lines.update(range(tok.start[0], tok.end[0] + 1))
    return lines - docstrings


def _docstring_lines(source: str) -> set[int]:
    out: set[int] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if (
                body
                and isinstance(body[0], ast.Expr)
                and isinstance(body[0].value, ast.Constant)
                and isinstance(body[0].value.value, str)
            ):
                out.update(range(body[0].lineno, (body[0].end_lineno or body[0].lineno) + 1))
    return out


def _functions(path: Path, root: Path) -> list[Function]:
    source = path.read_text(encoding="utf-8")
    code = _code_lines(source)
    out = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            span = range(node.lineno, (node.end_lineno or node.lineno) + 1)
            args = node.args
            count = (
                len(args.posonlyargs)
                + len(args.args)
                + len(args.kwonlyargs)
                + bool(args.vararg)
                + bool(args.kwarg)
            )
            if args.args and args.args[0].arg in ("self", "cls"):
                count -= 1
            out.append(
                Function(
                    f"{path.relative_to(root)}:{node.name}",
                    sum(1 for n in span if n in code),
                    count,
                    not node.name.startswith("_"),
                    ast.get_docstring(node) is not None,
                )
            )
    return out


def measure(root: Path) -> dict[str, object]:
    files = [
        p for pkg in PACKAGES if (root / pkg).is_dir() for p in sorted((root / pkg).rglob("*.py"))
    ]
    functions = [f for p in files for f in _functions(p, root)]
    modules = sorted(
        (
            (len(_code_lines(p.read_text(encoding="utf-8"))), str(p.relative_to(root)))
            for p in files
        ),
        reverse=True,
    )
    public = [f for f in functions if f.public and f.where.startswith("planner")]
    any_dicts = sum(p.read_text(encoding="utf-8").count("dict[str, Any]") for p in files)
    return {
        "longest": sorted(functions, key=lambda f: -f.code_lines)[:TOP],
        "widest": sorted(functions, key=lambda f: -f.parameters)[:TOP],
        "modules": modules[:TOP],
        "files": len(files),
        "over_400": sum(1 for n, _ in modules if n > 400),
        "docstrings": (sum(f.documented for f in public), len(public)),
        "any_dicts": any_dicts,
    }


def report(root: Path) -> str:
    m = measure(root)
    documented, public = m["docstrings"]  # type: ignore[misc]
    lines = [
        f"# {root}",
        "",
        f"files {m['files']}, modules over 400 code lines {m['over_400']}, "
        f"planner public functions with a docstring {documented}/{public} "
        f"({100 * documented / max(public, 1):.0f} %), `dict[str, Any]` {m['any_dicts']}",
        "",
        "longest functions (code lines):",
    ]
    lines += [f"  {f.code_lines:4d}  {f.where}" for f in m["longest"]]  # type: ignore[attr-defined]
    lines += ["", "widest signatures (parameters):"]
    lines += [f"  {f.parameters:4d}  {f.where}" for f in m["widest"]]  # type: ignore[attr-defined]
    lines += ["", "largest modules (code lines):"]
    lines += [f"  {n:4d}  {name}" for n, name in m["modules"]]  # type: ignore[attr-defined]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", nargs="?", default=str(Path(__file__).resolve().parents[1]))
    print(report(Path(parser.parse_args().root)))


if __name__ == "__main__":
    main()
