"""Shared row-checking machinery for the residents and teams readers.

The checks that keep a row storable are here, one for every reader, so that SQLite and
PostgreSQL accept and refuse exactly the same rows: ids and texts no longer than their
columns (:data:`TEXT_LIMITS`), no control character in any cell, ids unique.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from planner.errors import InputError
from planner.io import parse
from planner.io.cells import CONTROL, control_character, shown
from planner.io.columns import map_headers
from planner.io.problems import InputProblem
from planner.io.tables import GEOMETRY_COLUMNS, RawTable

Parser = Callable[[pd.Series], tuple[pd.Series, pd.Series]]

#: most characters a text column may hold. Ids and wards are database columns of that size
#: (resident_id, team_id: 100; ward: 200); the others are sane bounds for what they are
#: (two phone numbers and a word fit in 50). Every other cell, notes included, is bounded by
#: ``input.max_cell_chars`` (1,000 by default) while the file is read.
TEXT_LIMITS = {
    "resident_id": 100,
    "team_id": 100,
    "household_id": 100,
    "ward": 200,
    "full_name": 200,
    "name": 200,
    "address": 500,
    "phone": 50,
    "conditions": 500,
    "vaccine": 50,
}
#: over this many rows sharing an id, the problem lists the first ones and counts the others
ROWS_LISTED = 5
NUMBER_PARSERS = (parse.parse_number, parse.parse_integer)


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
        """The table's cells, columns under their canonical names."""
        return self.table.frame

    def has(self, column: str) -> bool:
        """Whether the file has ``column`` (an optional column may be absent)."""
        return column in self.frame.columns

    def header(self, column: str) -> str:
        """``column`` as its header is written in the user's file, for the problems."""
        return self.original.get(column, column)

    def ident(self, i: int) -> str | None:
        """The row's id, or None if it is blank or could not be stored (too long, control
        characters): such an id is never echoed in a problem or a rejection."""
        return self._idents[i] if self.has(self.id_column) else None

    @cached_property
    def _idents(self) -> list[str | None]:
        limit = TEXT_LIMITS[self.id_column]
        return [
            None if len(v) > limit or CONTROL.search(v) else (v or None)
            for v in (str(x).strip() for x in self.frame[self.id_column].tolist())
        ]

    def add(self, i: int | None, column: str | None, message: str, fatal: bool = True) -> None:
        """Record a problem at row ``i`` (None: the whole file); a fatal one leaves the row out."""
        row = self.table.row_numbers[i] if i is not None else None
        header = self.header(column) if column else None
        ident = self.ident(i) if i is not None else None
        self.problems.append(InputProblem(self.table.source, row, header, message, fatal, ident))
        if fatal and i is not None:
            self.fatal_rows.add(i)

    def flag(
        self, mask: pd.Series, column: str, message: Callable[[int], str], fatal: bool = True
    ) -> None:
        """Record ``message(i)`` for every row where ``mask`` is true."""
        for i in mask[mask.fillna(False).astype(bool)].index:
            self.add(int(i), column, message(int(i)), fatal)

    def parse(
        self, column: str, parser: Parser, what: str, show_value: bool = True
    ) -> pd.Series | None:
        """Parse a column; every unreadable cell becomes a fatal problem naming its value."""
        if not self.has(column):
            return None
        raw = self.frame[column]
        values, bad = parser(raw)

        def message(i: int) -> str:
            """The problem for unreadable row ``i``, naming its value unless told not to."""
            text = str(raw.iloc[i])
            value = f" {shown(text)}" if show_value else ""
            nan = parser in NUMBER_PARSERS and parse.not_a_number(text)
            return f"cannot read{value} as {what}" + (": not a number" if nan else "")

        self.flag(bad, column, message)
        return values

    def value_rows(self, column: str) -> pd.Series:
        """The column's cells, or blanks when the file does not have it."""
        return self.frame[column] if self.has(column) else pd.Series([""] * len(self.frame))

    def check_ids(self) -> None:
        """Blank ids, and ids on several rows: one problem per id, on its first row, naming
        the first few rows; every row of the id is left out."""
        ids = self.frame[self.id_column].astype(str).str.strip()
        self.flag(ids == "", self.id_column, lambda i: f"{self.id_column} is empty")
        dup = ids.duplicated(keep=False) & (ids != "")
        if not dup.any():
            return
        groups = pd.Series(np.flatnonzero(dup.to_numpy())).groupby(ids[dup].to_numpy(), sort=False)
        for ident, where in groups:
            positions = where.to_list()
            self.add(positions[0], self.id_column, self._duplicate_message(str(ident), positions))
            self.fatal_rows.update(positions)

    def _duplicate_message(self, ident: str, positions: list[int]) -> str:
        rows = ", ".join(str(self.table.row_numbers[j]) for j in positions[:ROWS_LISTED])
        more = len(positions) - ROWS_LISTED
        if more > 0:
            rows += f" and {more:,} more"
        return (
            f"{self.id_column} {shown(ident)} appears in rows {rows} "
            "(all are left out: fix the list so that each id appears once)"
        )

    def check_text(self) -> None:
        """Every cell: no control character; text columns: no longer than they may be."""
        for column in self.frame.columns:
            if not str(column).startswith("__geom"):
                self._check_cells(str(column), [str(x) for x in self.frame[column].tolist()])

    def _check_cells(self, column: str, cells: list[str]) -> None:
        limit = TEXT_LIMITS.get(column)
        if limit is not None and cells and max(map(len, cells)) > limit:
            for i, cell in enumerate(cells):
                if len(cell) > limit:
                    self.add(
                        i,
                        column,
                        f"{len(cell)} characters, more than the {limit} allowed for {column}",
                    )
        if any(CONTROL.search(cell) for cell in cells):
            for i, cell in enumerate(cells):
                found = control_character(cell)
                if found:
                    self.add(i, column, f"contains a control character ({found}); remove it")


def empty_message(column: str) -> Callable[[int], str]:
    """The problem text for a required cell left empty in ``column``."""
    return lambda i: f"{column} is empty"


def canonical_table(
    table: RawTable, aliases: dict[str, str], required: list[str]
) -> tuple[RawTable, dict[str, str]]:
    """Rename headers to canonical names; a missing required column is a file-level error."""
    headers = [str(c) for c in table.frame.columns if c not in (*GEOMETRY_COLUMNS, "__geom_type")]
    _check_headers(table.source, headers)
    mapping, clashes = map_headers(headers, aliases)
    missing = [c for c in required if c not in mapping.values()]
    messages = [f"{table.source}: {m}" for m in clashes]
    messages += [f"{table.source}: missing required column {c!r}" for c in missing]
    if messages:
        found = ", ".join(shown(h) for h in headers[:50]) or "none"
        more = f" and {len(headers) - 50} more" if len(headers) > 50 else ""
        raise InputError("\n".join(messages) + f"\n{table.source}: columns found: {found}" + more)
    table.frame = table.frame.rename(columns=mapping)
    return table, {v: k for k, v in mapping.items()}


def _check_headers(source: str, headers: list[str]) -> None:
    """A control character in a header is a file error: the header names the column in every
    problem and cannot name it so."""
    for j, header in enumerate(headers, start=1):
        found = control_character(header)
        if found:
            raise InputError(
                f"{source}: the header of column {j} contains a control character "
                f"({found}); remove it"
            )
