"""Read one XLSX sheet as rows of text, streaming, within the size limits of ``[input]``.

A workbook is a zip of XML parts, and 61 KB of zip can hold hundreds of MB of sheet. So:

1. the unzipped size is summed from the zip directory before anything is inflated
   (``input.max_xlsx_mb``); :mod:`zipfile` never inflates a part beyond its declared size;
2. every worksheet part (found from the workbook's relations, as openpyxl finds them) is
   scanned as bytes, in 1 MB pieces, counting its rows with a value,
   the markup in each row and its size (``input.max_rows``, ``input.max_columns``,
   ``input.max_cell_chars``) -- openpyxl parses a whole sheet when the workbook is opened if
   the sheet does not state its dimensions, so a row of a million empty cells holds it for
   tens of seconds: this happens before openpyxl sees the file;
3. the sheet is then streamed with openpyxl ``read_only`` (``iter_rows(values_only=True)``),
   each typed cell turned back into text (:func:`planner.io.cells.cell_text`), stopping at
   the last row the scan found.

The first row that is not blank is the header, blank rows are left out and rows keep the
numbers the spreadsheet shows. A formula error (``#N/A``) arrives as its text, so a number or
date column reports it instead of taking it for a blank cell.
"""

from __future__ import annotations

import itertools
import posixpath
import re
import warnings
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from xml.etree import ElementTree

import numpy as np

from planner.errors import InputError
from planner.io.cells import cell_text, unique_headers
from planner.io.limits import (
    check_cells,
    check_width,
    too_big_unzipped,
    too_many_columns,
    too_many_rows,
    where,
)
from planner.settings import InputParams

MB = 1024 * 1024
#: the most rows a worksheet can have in Excel
EXCEL_ROWS = 1_048_576
#: markup allowed before the first row (sheet views, column widths: Excel has 16,384 columns)
PREAMBLE_TAGS = 100_000
_CHUNK = 1 << 20
_OVERLAP = 64
#: relations in one .rels part (a workbook has one a sheet, image or link)
RELATION_TAGS = 100_000
#: tags in a part that is not a worksheet, however few cells the sheets have
OTHER_PART_TAGS = 1_000_000
#: the bytes that end a tag's name
_NAME_END = np.zeros(256, dtype=bool)
_NAME_END[list(b" \t\r\n/>")] = True
#: the bytes a namespace prefix is made of
_NAME_CHAR = np.zeros(256, dtype=bool)
_NAME_CHAR[list(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")] = True
_ROW_NUMBER = re.compile(rb"\sr\s*=\s*[\"'](\d{1,9})[\"']")


@dataclass
class SheetRows:
    """Header and data rows of text, with the row numbers the spreadsheet shows."""

    headers: list[str]
    rows: list[list[str]] = field(default_factory=list)
    row_numbers: list[int] = field(default_factory=list)


def read_sheet(path: Path, name: str, sheet: str | None, limits: InputParams) -> SheetRows:
    """The named sheet (else the first) of the workbook at ``path``, as text rows."""
    last_rows = _check_workbook(path, name, limits)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns of styles and extensions it ignores
        try:
            import openpyxl

            book = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
        except Exception as exc:  # a damaged workbook can fail in many ways inside openpyxl
            raise InputError(
                f"{name}: not a readable XLSX workbook ({type(exc).__name__})"
            ) from exc
        try:
            ws = _worksheet(book, name, sheet)
            last_row = last_rows.get(getattr(ws, "_worksheet_path", ""), EXCEL_ROWS)
            return _stream(ws, name, limits, last_row)
        except InputError:
            raise
        except Exception as exc:
            raise InputError(
                f"{name}: not a readable XLSX workbook ({type(exc).__name__})"
            ) from exc
        finally:
            book.close()


def _worksheet(book: Any, name: str, sheet: str | None) -> Any:
    if sheet:
        if sheet not in book.sheetnames:
            listed = ", ".join(repr(s[:40]) for s in book.sheetnames[:20])
            raise InputError(f"{name}: no sheet named {sheet[:40]!r} (sheets: {listed})")
        return book[sheet]
    if not book.worksheets:
        raise InputError(f"{name}: the workbook has no worksheet")
    return book.worksheets[0]


# --- before openpyxl: the zip directory and a byte scan of each worksheet -------------------


def _check_workbook(path: Path, name: str, limits: InputParams) -> dict[str, int]:
    """Refuse a workbook over the limits; return the last row of each worksheet part."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
            if sum(p.file_size for p in parts) > limits.max_xlsx_mb * MB:
                raise too_big_unzipped(name, limits)
            sheets = _worksheet_parts(archive, name) & {p.filename for p in parts}
            last_rows, cells = {}, 0
            for part in sorted(sheets):
                with archive.open(part) as stream:
                    scan = _scan_part(stream, name, limits)
                last_rows[part], cells = scan.last_row, cells + scan.cells
            budget = max(OTHER_PART_TAGS, 30 * cells)
            for info in parts:
                if info.filename not in sheets:
                    _check_other_part(archive, info, name, budget)
            return last_rows
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        NotImplementedError,
        RuntimeError,
        OSError,
        EOFError,
        zlib.error,
        ElementTree.ParseError,
    ) as exc:
        raise InputError(f"{name}: not a readable XLSX workbook ({type(exc).__name__})") from exc


def _worksheet_parts(archive: zipfile.ZipFile, name: str) -> set[str]:
    """The parts openpyxl will read as worksheets: the targets of the worksheet relations
    (found as openpyxl finds them: relative to the folder the .rels folder is in)."""
    found: set[str] = set()
    for info in archive.infolist():
        if not info.filename.endswith(".rels"):
            continue
        parent = posixpath.split(posixpath.dirname(info.filename))[0]
        with archive.open(info) as stream:
            for count, (_, element) in enumerate(ElementTree.iterparse(stream)):
                if count > RELATION_TAGS:
                    raise InputError(
                        f"{name}: not a readable XLSX workbook (more than "
                        f"{RELATION_TAGS:,} relations)"
                    )
                target = element.get("Target", "")
                if (
                    element.get("Type", "").endswith("/worksheet")
                    and target
                    and element.get("TargetMode") != "External"
                ):
                    found.add(
                        target[1:]
                        if target.startswith("/")
                        else posixpath.normpath(posixpath.join(parent, target))
                    )
                element.clear()
    return found


def _check_other_part(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, budget: int
) -> None:
    """Shared strings, styles, the workbook itself: openpyxl parses them whole when it opens
    the workbook (a few hundred KB of zip can hold millions of shared strings), so
    none may hold more tags than ``budget`` (30 a cell with a value, at least a million)."""
    tags = 0
    with archive.open(info) as stream:
        for chunk in iter(lambda: stream.read(_CHUNK), b""):
            tags += chunk.count(b"<")
            if tags > budget:
                raise InputError(
                    f"{name}: not a readable XLSX workbook (more than "
                    f"{budget:,} tags in {info.filename[:40]}, for "
                    "the cells it has)"
                )


def _scan_part(stream: IO[bytes], name: str, limits: InputParams) -> _RowScan:
    """Scan one worksheet part in pieces of 1 MB."""
    scan = _RowScan(name, limits)
    carry = b""
    while True:
        chunk = stream.read(_CHUNK)
        buf = carry + chunk
        end = len(buf) if not chunk else max(len(buf) - _OVERLAP, 0)
        if not scan.feed(buf, end) or not chunk:
            scan.close()
            return scan
        carry = buf[end:]


def _tags(buf: bytes, limit: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Where the tags start before ``limit``: all of them, the ``<row`` ones and the value
    ones (``<v>``, ``<is>``), with or without a namespace prefix (``<x:row``). numpy finds
    them all at once, where a regular expression tried at each '<' is far slower."""
    data = np.frombuffer(buf + b"    ", dtype=np.uint8)  # spaces end a name at the very end
    at = np.flatnonzero(data[:limit] == 60)
    rows = at[_named(data, at + 1, b"row")]
    values = at[_named(data, at + 1, b"v") | _named(data, at + 1, b"is")]
    colons = np.flatnonzero(data[:limit] == 58)
    prefixed_rows = _prefixed(data, at, colons[_named(data, colons + 1, b"row")])
    prefixed_values = _prefixed(
        data, at, colons[_named(data, colons + 1, b"v") | _named(data, colons + 1, b"is")]
    )
    if len(prefixed_rows):
        rows = np.union1d(rows, prefixed_rows)
    if len(prefixed_values):
        values = np.union1d(values, prefixed_values)
    return at, rows, values


def _named(data: np.ndarray, start: np.ndarray, name: bytes) -> np.ndarray:
    """Whether the tag name at each ``start`` is ``name`` (and ends there)."""
    found = _NAME_END[data[start + len(name)]]
    for k, char in enumerate(name):
        found &= data[start + k] == char
    return found


def _prefixed(data: np.ndarray, at: np.ndarray, colons: np.ndarray) -> np.ndarray:
    """The '<' of each opening tag whose prefix ends at one of ``colons`` ('<x:row')."""
    if not len(colons) or not len(at):
        return np.empty(0, dtype=np.int64)
    before = np.searchsorted(at, colons) - 1
    colons, tag = colons[before >= 0], at[before[before >= 0]]
    odd = np.cumsum(~_NAME_CHAR[data])  # characters that cannot be in a prefix, counted
    ok = (data[tag + 1] != 47) & (colons - tag <= 40) & (odd[colons - 1] == odd[tag])
    return tag[ok]


def _sheet_end(buf: bytes) -> int | None:
    """Where ``</sheetData>`` (or ``</x:sheetData>``) starts in ``buf``, if it does."""
    at = buf.find(b"sheetData")
    while at != -1:
        tag = buf.rfind(b"<", max(0, at - 40), at)
        if (
            tag != -1
            and buf[tag + 1 : tag + 2] == b"/"
            and (tag + 2 == at or re.fullmatch(rb"[A-Za-z_][\w.-]*:", buf[tag + 2 : at]))
        ):
            return tag
        at = buf.find(b"sheetData", at + 9)
    return None


@dataclass
class _RowScan:
    """Rows of one worksheet counted from its bytes: constant memory, no XML tree, and no
    Python work per cell (numpy finds and counts the tags; :mod:`re` reads row numbers).

    A row is the markup from one ``<row`` to the next (or to ``</sheetData>``); it holds a
    value if it has a ``<v>`` or an inline string. Its tags and bytes are bounded by what
    ``max_columns`` cells of ``max_cell_chars`` characters can take.
    """

    name: str
    limits: InputParams
    row: int = 0  # the number of the row being scanned (0: before the first row)
    tags: int = 0  # of the row being scanned (before the first row: of the preamble)
    size: int = 0
    values: int = 0
    header_seen: bool = False
    data_rows: int = 0
    last_row: int = 0
    cells: int = 0  # with a value, in all rows

    @property
    def tag_budget(self) -> int:
        """Most tags a row may hold: ten a column (a cell and its parts), at least a thousand."""
        return max(10 * self.limits.max_columns, 1_000)

    @property
    def size_budget(self) -> int:
        """Most bytes a row may hold: every column's cell at its longest, with room for markup."""
        return self.limits.max_columns * (8 * self.limits.max_cell_chars + 256)

    def feed(self, buf: bytes, end: int) -> bool:
        """Scan ``buf[:end]`` (a match may look into the bytes after ``end``); False once the
        sheet data has ended."""
        stop = _sheet_end(buf)
        limit = stop if stop is not None and stop < end else end
        tag_at, row_at, value_at = _tags(buf, limit)
        starts = row_at.tolist()
        bounds = np.array([0, *starts, limit], dtype=np.int64)
        tags = np.diff(np.searchsorted(tag_at, bounds))
        values = np.diff(np.searchsorted(value_at, bounds))
        sizes = np.diff(bounds)
        self.cells += int(values.sum())
        self.tags, self.size = self.tags + int(tags[0]), self.size + int(sizes[0])
        self.values += int(values[0])
        if starts:
            self._rows_ended(buf, starts, tags, sizes, values)
        self._check_current()
        return limit == end

    def close(self) -> int:
        """The last row of the sheet, after the checks of the row scanned last."""
        if self.row:
            self._count_valued(np.array([self.values]))
        return self.last_row

    def _rows_ended(
        self, buf: bytes, starts: list[int], tags: np.ndarray, sizes: np.ndarray, values: np.ndarray
    ) -> None:
        """The rows that ended in this piece: the one being scanned, then all but the last
        that started in it, which is now the one being scanned."""
        if self.row == 0:
            self._check_preamble()
            ended_tags, ended_sizes, ended_values = tags[1:-1], sizes[1:-1], values[1:-1]
            first = 0
        else:
            ended_tags = np.r_[self.tags, tags[1:-1]]
            ended_sizes = np.r_[self.size, sizes[1:-1]]
            ended_values = np.r_[self.values, values[1:-1]]
            first = 1
        over = np.flatnonzero((ended_tags > self.tag_budget) | (ended_sizes > self.size_budget))
        if len(over):
            k = int(over[0])
            number = self._number(buf, starts[k - first], k - first + 1) if k >= first else self.row
            header = self.header_seen or bool((ended_values[:k] > 0).any())
            self._refuse_row(number if header else None, ended_sizes[k] > self.size_budget)
        self._count_valued(ended_values)
        self.row = self._number(buf, starts[-1], len(starts))
        self.last_row = max(self.last_row, self.row)
        self.tags, self.size, self.values = int(tags[-1]), int(sizes[-1]), int(values[-1])

    def _count_valued(self, values: np.ndarray) -> None:
        valued = int((values > 0).sum())
        if valued and not self.header_seen:
            self.header_seen, valued = True, valued - 1
        self.data_rows += valued
        if self.data_rows > self.limits.max_rows:
            raise too_many_rows(self.name, self.limits)

    def _check_preamble(self) -> None:
        if self.tags > PREAMBLE_TAGS:
            raise InputError(
                f"{self.name}: not a readable XLSX workbook (more than "
                f"{PREAMBLE_TAGS:,} tags before the first row)"
            )

    def _check_current(self) -> None:
        if self.row == 0:
            self._check_preamble()
        elif self.tags > self.tag_budget or self.size > self.size_budget:
            self._refuse_row(self.row if self.header_seen else None, self.size > self.size_budget)

    def _refuse_row(self, number: int | None, by_size: bool) -> None:
        limits = self.limits
        if by_size:
            raise InputError(
                f"{where(self.name, number)}: more than {limits.max_columns:,} "
                f"cells of {limits.max_cell_chars:,} characters "
                "(input.max_columns, input.max_cell_chars)"
            )
        raise too_many_columns(self.name, limits, number)

    def _number(self, buf: bytes, start: int, rows_since: int = 1) -> int:
        """The number of the row starting at ``start``: its ``r``, else counted on."""
        close = buf.find(b">", start, start + 512)
        found = _ROW_NUMBER.search(buf, start, close) if close != -1 else None
        number = int(found.group(1)) if found else self.row + rows_since
        if number > EXCEL_ROWS:
            raise InputError(
                f"{self.name}: not a readable XLSX workbook (a row numbered "
                f"beyond Excel's {EXCEL_ROWS:,})"
            )
        return number


# --- openpyxl, streaming ---------------------------------------------------------------------


def _stream(ws: Any, name: str, limits: InputParams, last_row: int) -> SheetRows:
    """Rows as text from openpyxl, one at a time, up to the last row the scan found (the
    markup after it is never parsed). Cells right of column ``max_columns + 1`` are not read:
    a value in that column already refuses the file."""
    if hasattr(ws, "reset_dimensions"):
        ws.reset_dimensions()  # the sheet's stated dimensions may be anything
    values = ws.iter_rows(values_only=True, max_row=last_row, max_col=limits.max_columns + 1)
    sheet: SheetRows | None = None
    for number, raw in enumerate(itertools.islice(values, last_row), start=1):
        used = _width(raw, len(sheet.headers) if sheet else 0)
        cells = _trimmed([cell_text(v) for v in raw[:used]])
        if not cells:
            continue
        check_width(name, limits, len(cells), number if sheet is not None else None)
        check_cells(name, limits, cells, number, sheet.headers if sheet else None)
        if sheet is None:
            sheet = SheetRows(cells)
            continue
        if len(sheet.row_numbers) >= limits.max_rows:
            raise too_many_rows(name, limits)
        sheet.rows.append(cells)
        sheet.row_numbers.append(number)
    return _widened(sheet or SheetRows([]))


def _width(raw: tuple[Any, ...], hint: int) -> int:
    """How many cells of ``raw`` come before the empty ones at its end; most rows are as wide
    as the header (``hint``), which spares a loop over the empty cells of a wide tuple."""
    if raw.count(None) == len(raw):
        return 0
    width = len(raw)
    if 0 < hint < width and raw[hint:].count(None) == width - hint:
        width = hint
    while raw[width - 1] is None:
        width -= 1
    return width


def _trimmed(cells: list[str]) -> list[str]:
    """Without the blank cells at the end."""
    while cells and not cells[-1]:
        cells.pop()
    return cells


def _widened(sheet: SheetRows) -> SheetRows:
    """Header names for every column a row uses, as pandas named them ('Unnamed: 5')."""
    width = max([len(sheet.headers), *map(len, sheet.rows)])
    sheet.headers = unique_headers(sheet.headers + [""] * (width - len(sheet.headers)))
    return sheet
