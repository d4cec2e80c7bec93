"""Size limits of the files read (``[input]`` settings), and the refusal each one gives.

The readers check them while reading, so that a hostile file (a zip bomb, 200,000 columns,
a million rows) is refused as soon as it passes one, before it is held in memory. Every
refusal is a :class:`TooLargeError` naming the file, the limit and the setting that raises it.
"""

from __future__ import annotations

from planner.errors import TooLargeError
from planner.settings import InputParams

DEFAULT_LIMITS = InputParams()


def where(name: str, row: int | None = None, column: str | None = None) -> str:
    """'list.csv, row 5, column notes' as the problems say it."""
    parts = [name]
    if row is not None:
        parts.append(f"row {row}")
    if column is not None:
        parts.append(f"column {column}")
    return ", ".join(parts)


def too_many_rows(name: str, limits: InputParams, unit: str = "rows") -> TooLargeError:
    """The refusal of a file over ``input.max_rows``."""
    return TooLargeError(f"{name}: more than {limits.max_rows:,} {unit} (input.max_rows)")


def too_many_columns(name: str, limits: InputParams, row: int | None = None) -> TooLargeError:
    """The refusal of a file (or a row) over ``input.max_columns``."""
    return TooLargeError(
        f"{where(name, row)}: more than {limits.max_columns:,} columns (input.max_columns)"
    )


def cell_too_long(
    name: str, limits: InputParams, row: int | None, column: str | None
) -> TooLargeError:
    """The refusal of a cell over ``input.max_cell_chars``."""
    return TooLargeError(
        f"{where(name, row, column)}: more than {limits.max_cell_chars:,} "
        "characters in a cell (input.max_cell_chars)"
    )


def too_big_unzipped(name: str, limits: InputParams) -> TooLargeError:
    """The refusal of an XLSX over ``input.max_xlsx_mb`` once unzipped."""
    return TooLargeError(
        f"{name}: more than {limits.max_xlsx_mb:g} MB once unzipped (input.max_xlsx_mb)"
    )


def check_width(name: str, limits: InputParams, cells: int, row: int | None = None) -> None:
    """Refuse a row of more than ``input.max_columns`` cells."""
    if cells > limits.max_columns:
        raise too_many_columns(name, limits, row)


def check_cells(
    name: str, limits: InputParams, cells: list[str], row: int, headers: list[str] | None = None
) -> None:
    """Refuse the file if one of ``cells`` (of ``row``) is longer than the setting allows."""
    if cells and max(map(len, cells)) > limits.max_cell_chars:
        j = next(k for k, c in enumerate(cells) if len(c) > limits.max_cell_chars)
        column = headers[j] if headers is not None and j < len(headers) else f"{j + 1}"
        raise cell_too_long(name, limits, row, column)
