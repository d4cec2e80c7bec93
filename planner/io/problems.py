"""Input problems: every one names the file, the row and the column."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from planner.cells import NeutralWriter


@dataclass(frozen=True)
class InputProblem:
    """One thing wrong with one cell, row or file.

    ``row`` is the row as the user sees it: the spreadsheet row for CSV/XLSX (the header is row 1,
    so the first resident is row 2) and the 1-based feature number for GeoJSON/GPKG/Shapefile.
    ``fatal`` problems leave the row out of the plan (its resident is reported as unassigned with
    ``invalid_input``); the others are warnings.
    """

    file: str
    row: int | None
    column: str | None
    message: str
    fatal: bool = True
    resident_id: str | None = None

    def where(self) -> str:
        """'file, row N, column C', as much of it as is known."""
        parts = [self.file]
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column}")
        return ", ".join(parts)

    def __str__(self) -> str:
        level = "error" if self.fatal else "warning"
        return f"{self.where()}: {level}: {self.message}"


def write_problems_csv(problems: list[InputProblem], path: Path) -> None:
    """``input_problems.csv``: one line per problem, cells neutralised (they come from the file)."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = NeutralWriter(fh)  # ids, headers and cell values come from the user's file
        writer.writerow(["file", "row", "column", "level", "resident_id", "message"])
        for p in problems:
            level = "error" if p.fatal else "warning"
            writer.writerow(
                [p.file, p.row or "", p.column or "", level, p.resident_id or "", p.message]
            )
