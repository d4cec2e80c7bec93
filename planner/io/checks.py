"""Shared row-checking machinery for the residents and teams readers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from planner.errors import InputError
from planner.io.columns import map_headers
from planner.io.problems import InputProblem
from planner.io.tables import GEOMETRY_COLUMNS, RawTable

Parser = Callable[[pd.Series], tuple[pd.Series, pd.Series]]


@dataclass
class RowChecker:
    """Collects problems for a table whose columns carry canonical names."""

    table: RawTable
    id_column: str
    original: dict[str, str]  # canonical -> header as written in the file
    problems: list[InputProblem] = field(default_factory=list)
    fatal_rows: set[int] = field(default_factory=set)

    @property
    def frame(self) -> pd.DataFrame:
        return self.table.frame

    def has(self, column: str) -> bool:
        return column in self.frame.columns

    def header(self, column: str) -> str:
        return self.original.get(column, column)

    def ident(self, i: int) -> str | None:
        if not self.has(self.id_column):
            return None
        value = str(self.frame.at[i, self.id_column]).strip()
        return value or None

    def add(self, i: int | None, column: str | None, message: str, fatal: bool = True) -> None:
        row = self.table.row_numbers[i] if i is not None else None
        header = self.header(column) if column else None
        ident = self.ident(i) if i is not None else None
        self.problems.append(InputProblem(self.table.source, row, header, message, fatal, ident))
        if fatal and i is not None:
            self.fatal_rows.add(i)

    def flag(self, mask: pd.Series, column: str, message: Callable[[int], str],
             fatal: bool = True) -> None:
        for i in mask[mask.fillna(False).astype(bool)].index:
            self.add(int(i), column, message(int(i)), fatal)

    def parse(self, column: str, parser: Parser, what: str, show_value: bool = True
              ) -> pd.Series | None:
        """Parse a column; every unreadable cell becomes a fatal problem naming its value."""
        if not self.has(column):
            return None
        raw = self.frame[column]
        values, bad = parser(raw)

        def message(i: int) -> str:
            shown = f" {str(raw.iloc[i])[:40]!r}" if show_value else ""
            return f"cannot read{shown} as {what}"

        self.flag(bad, column, message)
        return values

    def value_rows(self, column: str) -> pd.Series:
        return self.frame[column] if self.has(column) else pd.Series([""] * len(self.frame))

    def check_ids(self) -> None:
        ids = self.frame[self.id_column].astype(str).str.strip()
        self.flag(ids == "", self.id_column, lambda i: f"{self.id_column} is empty")
        dup = ids.duplicated(keep=False) & (ids != "")
        rows_of = ids[dup].groupby(ids[dup]).groups
        self.flag(dup, self.id_column, lambda i: (
            f"{self.id_column} {ids.iloc[i]!r} appears in rows "
            + ", ".join(str(self.table.row_numbers[j]) for j in rows_of[ids.iloc[i]])
            + " (all are left out: fix the list so that each id appears once)"))


def empty_message(column: str) -> Callable[[int], str]:
    return lambda i: f"{column} is empty"


def canonical_table(table: RawTable, aliases: dict[str, str], required: list[str]
                    ) -> tuple[RawTable, dict[str, str]]:
    """Rename headers to canonical names; a missing required column is a file-level error."""
    headers = [str(c) for c in table.frame.columns if c not in (*GEOMETRY_COLUMNS, "__geom_type")]
    mapping, clashes = map_headers(headers, aliases)
    missing = [c for c in required if c not in mapping.values()]
    messages = [f"{table.source}: {m}" for m in clashes]
    messages += [f"{table.source}: missing required column {c!r}" for c in missing]
    if messages:
        found = ", ".join(repr(h) for h in headers) or "none"
        raise InputError("\n".join(messages) + f"\n{table.source}: columns found: {found}")
    table.frame = table.frame.rename(columns=mapping)
    return table, {v: k for k, v in mapping.items()}
