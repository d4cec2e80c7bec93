"""Vectorised value parsers for text columns.

Each parser takes a Series of text and returns ``(values, bad)``: the parsed values (missing
where the cell is blank or unreadable) and a boolean mask of cells that were *not blank but
could not be read*. Blank cells are never errors here; required columns are checked elsewhere.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from planner.io.columns import fold

BOOLEAN_WORDS = {
    "true": True,
    "false": False,
    "yes": True,
    "no": False,
    "y": True,
    "n": False,
    "1": True,
    "0": False,
    "x": True,
    "co": True,
    "khong": False,
    "dung": True,
    "sai": False,
    "t": True,
    "f": False,
}

STATUS_WORDS = {
    "eligible": "eligible",
    "du_dieu_kien": "eligible",
    "cho_tiem": "eligible",
    "contraindicated": "contraindicated",
    "chong_chi_dinh": "contraindicated",
    "refused": "refused",
    "tu_choi": "refused",
    "postponed": "postponed",
    "hoan": "postponed",
    "tam_hoan": "postponed",
    "vaccinated": "vaccinated",
    "da_tiem": "vaccinated",
}

TRAVEL_MODE_WORDS = {
    "motorbike": "motorbike",
    "xe_may": "motorbike",
    "motorcycle": "motorbike",
    "scooter": "motorbike",
    "car": "car",
    "o_to": "car",
    "oto": "car",
    "xe_o_to": "car",
    "foot": "foot",
    "walk": "foot",
    "di_bo": "foot",
}


def _blank(s: pd.Series) -> pd.Series:
    return s.astype(str).str.strip() == ""


def parse_number(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Decimal numbers; a lone decimal comma ('22,1467', as Vietnamese Excel writes) is accepted.

    Only finite numbers: 'inf', 'nan' and '1e999' (which overflows to infinity) are cells that
    cannot be read (:func:`not_a_number` tells them apart for the message).
    """
    text = s.astype(str).str.strip()
    comma_decimal = text.str.fullmatch(r"[+-]?\d+,\d+")
    text = text.where(~comma_decimal, text.str.replace(",", ".", regex=False))
    values = pd.to_numeric(text.where(text != "", None), errors="coerce").astype("float64")
    values = values.where(np.isfinite(values.to_numpy()))
    bad = values.isna() & ~_blank(s)
    return values, bad


def not_a_number(text: str) -> bool:
    """'inf', '-Infinity', 'NaN', '1e999': text that reads as a float but not a finite one."""
    try:
        return not math.isfinite(float(text.strip().replace(",", ".")))
    except ValueError:
        return False


def parse_integer(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Whole numbers: :func:`parse_number`, a fraction unreadable (a count of doses is whole)."""
    values, bad = parse_number(s)
    fractional = values.notna() & (values.round() != values)
    values = values.where(~fractional)
    return values, bad | fractional


def parse_date(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """ISO dates, or DD/MM/YYYY (also D/M/YYYY and DD-MM-YYYY) as Vietnamese lists write them."""
    text = s.astype(str).str.strip().str.replace(r"\s+00:00(:00)?$", "", regex=True)
    iso = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    dmy = pd.to_datetime(
        text.str.replace(".", "/", regex=False).str.replace("-", "/", regex=False),
        format="%d/%m/%Y",
        errors="coerce",
    )
    # dates or None, never NaT: NaT passes isinstance(date) and would be stored as "NaT"
    values = pd.Series(
        [None if pd.isna(d) else d.date() for d in iso.fillna(dmy)], index=s.index, dtype=object
    )
    bad = values.isna() & ~_blank(s)
    return values, bad


def parse_clock(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Clock times to seconds after midnight: '07:30', '7:30:00', '7h30', '7h' (Vietnamese)."""
    text = s.astype(str).str.strip().str.lower()
    parts = text.str.extract(r"^(\d{1,2})\s*[:hg]\s*(\d{2})?(?::(\d{2}))?\s*$")
    hours = pd.to_numeric(parts[0], errors="coerce")
    minutes = pd.to_numeric(parts[1], errors="coerce").fillna(0)
    ok = hours.notna() & (hours <= 24) & (minutes < 60) & ~((hours == 24) & (minutes > 0))
    values = (hours * 3600 + minutes * 60).where(ok)
    bad = values.isna() & ~_blank(s)
    return values, bad


def _parse_words(s: pd.Series, words: dict[str, object]) -> tuple[pd.Series, pd.Series]:
    folded = s.astype(str).map(fold)
    values = folded.map(lambda v: words.get(v))
    bad = values.isna() & (folded != "")
    return values, bad


def parse_boolean(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Yes/no words in Vietnamese or English (``có``, ``không``, ``x``...); others unreadable."""
    return _parse_words(s, BOOLEAN_WORDS)  # type: ignore[arg-type]


def parse_status(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """A resident's status from its Vietnamese or English words; others unreadable."""
    return _parse_words(s, STATUS_WORDS)  # type: ignore[arg-type]


def parse_travel_mode(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """A team's travel mode from its Vietnamese or English words; others unreadable."""
    return _parse_words(s, TRAVEL_MODE_WORDS)  # type: ignore[arg-type]
