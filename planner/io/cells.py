"""Cells as text: typed values back to what a user typed, and the characters a cell may hold.

Every reader turns its cells into text here, so that a blank cell is ``""`` whatever the
format (an empty string, ``None``, NaN, or the NaT of a date column typed by pandas or GDAL),
and every checker finds control characters and echoes values the same way.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from typing import Any

import pandas as pd

#: tabs and line breaks inside a cell (Alt+Enter in Excel) become one space
LINE_BREAKS = re.compile(r"[\t\r\n]+")
#: C0 and C1 control characters and DEL: a database cannot hold NUL (PostgreSQL), an XLSX
#: export cannot hold most of them, and none has a meaning in a list of residents
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
#: spaces around a cell (no-break and wide ones too), but not control characters, which
#: str.strip() would take as spaces (U+001C-U+001F, U+0085) and hide from the checks
EDGE_SPACES = re.compile(r"^[^\S\x00-\x1f\x7f-\x9f]+|[^\S\x00-\x1f\x7f-\x9f]+$")
#: a problem shows at most this many characters of the value it is about
SHOWN_CHARS = 40


def is_blank(value: Any) -> bool:
    """None, NaN, NaT and pandas' NA: the ways a missing cell arrives from pandas or GDAL."""
    if value is None:
        return True
    if isinstance(value, str | bytes | bool | int):
        return False
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # not a scalar: never a blank cell
        return False


def cell_text(value: Any) -> str:
    """Typed cells (XLSX, geodata) back into the text a user typed; blanks are ``""``."""
    if is_blank(value):
        return ""
    if isinstance(value, float):
        if not math.isfinite(value):
            return repr(value)
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, pd.Timestamp | dt.datetime):
        if (value.hour, value.minute, value.second) == (0, 0, 0):
            return value.strftime("%Y-%m-%d")
        if (value.year, value.month, value.day) in ((1899, 12, 30), (1899, 12, 31), (1900, 1, 1)):
            return value.strftime("%H:%M")
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, bool):
        return "true" if value else "false"
    return strip_spaces(unicodedata.normalize("NFC", str(value)))


def strip_spaces(text: str) -> str:
    """``text`` without the spaces around it; control characters stay, to be reported."""
    return EDGE_SPACES.sub("", text)


def tidy(series: pd.Series) -> pd.Series:
    """Line breaks and tabs inside cells become one space; cells are stripped."""
    return pd.Series([tidy_cell(str(x)) for x in series.tolist()], index=series.index, dtype=object)


def tidy_cell(text: str) -> str:
    """One cell of :func:`tidy`: str.strip() unless it would hide a control character."""
    if "\n" in text or "\r" in text or "\t" in text:
        text = LINE_BREAKS.sub(" ", text)
    stripped = text.strip()
    if len(stripped) != len(text) and CONTROL.search(text):
        return strip_spaces(text)
    return stripped


def control_character(text: str) -> str | None:
    """The first control character in ``text`` as ``U+0000``, or None."""
    found = CONTROL.search(text)
    return f"U+{ord(found.group()):04X}" if found else None


def shown(value: Any) -> str:
    """A value as a problem may echo it: quoted, escaped, at most 40 characters of it."""
    text = str(value)
    return repr(text[:SHOWN_CHARS]) + ("…" if len(text) > SHOWN_CHARS else "")


def unique_headers(cells: list[str]) -> list[str]:
    """Header cells as column names, as pandas names them: a blank one is 'Unnamed: 3', a
    repeated one 'lat.1' (an extra column, so the first one is the one read)."""
    names: list[str] = []
    seen: set[str] = set()
    for j, cell in enumerate(cells):
        base = strip_spaces(LINE_BREAKS.sub(" ", cell)) or f"Unnamed: {j}"
        name, k = base, 0
        while name in seen:
            k += 1
            name = f"{base}.{k}"
        seen.add(name)
        names.append(name)
    return names
