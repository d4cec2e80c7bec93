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


#: weekday words of a ``weekday_shifts`` cell (folded): 0 = Monday ... 6 = Sunday
WEEKDAY_WORDS = {
    **{f"t{n}": n - 2 for n in range(2, 8)},
    **{f"thu_{n}": n - 2 for n in range(2, 8)},
    **{f"thu{n}": n - 2 for n in range(2, 8)},
    "cn": 6,
    "chu_nhat": 6,
    **{w: i for i, w in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))},
    **{
        w: i
        for i, w in enumerate(
            ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
        )
    },
}
#: a weekday's shift that says the team does not work that weekday
OFF_WORDS = {"off", "nghi", "x", "0"}


def split_list(text: object) -> list[str]:
    """A ``;``-separated cell as its non-blank items, stripped ('A; B;' -> ['A', 'B'])."""
    return [x.strip() for x in str(text).split(";") if x.strip()]


def parse_text_list(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """A ``;``-separated list of names (a team's wards) as tuples; never unreadable."""
    values = pd.Series([tuple(split_list(x)) for x in s.tolist()], index=s.index, dtype=object)
    return values, pd.Series(False, index=s.index)


def parse_date_list(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """A ``;``-separated list of dates (ISO or DD/MM/YYYY, as :func:`parse_date`) as a tuple;
    the whole cell is unreadable when one of its dates is."""
    out: list[tuple | None] = []
    for cell in s.tolist():
        items = split_list(cell)
        dates, bad = parse_date(pd.Series(items, dtype=object))
        out.append(None if bool(bad.any()) else tuple(sorted(set(dates.tolist()))))
    values = pd.Series(out, index=s.index, dtype=object)
    return values, values.isna() & ~_blank(s)


def _one_shift(item: str) -> tuple[int, int, int] | None:
    """'T7=07:30-11:30' -> (5, 27000, 41400); 'CN=off' -> (6, 0, 0); unreadable -> None."""
    day, sep, hours = item.partition("=")
    weekday = WEEKDAY_WORDS.get(fold(day))
    if not sep or weekday is None:
        return None
    if fold(hours) in OFF_WORDS:
        return weekday, 0, 0
    clock = hours.replace("–", "-").split("-")
    if len(clock) != 2:
        return None
    times, bad = parse_clock(pd.Series([c.strip() for c in clock]))
    if bool(bad.any()) or times.isna().any() or times.iloc[1] <= times.iloc[0]:
        return None
    return weekday, int(times.iloc[0]), int(times.iloc[1])


def parse_weekday_shifts(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Per-weekday shifts, 'T7=07:30-11:30;CN=off', as a tuple of (weekday, start_s, end_s)
    (0 = Monday; 'off' is (weekday, 0, 0)); a cell naming a weekday twice, a weekday or a time
    it cannot read, or a shift ending before it starts is unreadable as a whole."""
    out: list[tuple | None] = []
    for cell in s.tolist():
        shifts = [_one_shift(x) for x in split_list(cell)]
        days = [x[0] for x in shifts if x is not None]
        ok = None not in shifts and len(days) == len(set(days))
        out.append(tuple(sorted(x for x in shifts if x is not None)) if ok else None)
    values = pd.Series(out, index=s.index, dtype=object)
    return values, values.isna() & ~_blank(s)


def ward_key(text: str) -> str:
    """A ward's name as wards are matched: case, spacing, accents and a leading 'phường',
    'xã' or 'thị trấn' do not count ('Phường Đức  Xuân' and 'duc xuan' are one ward)."""
    key = fold(text)
    for prefix in ("phuong_", "xa_", "thi_tran_"):
        if key.startswith(prefix) and len(key) > len(prefix):
            return key[len(prefix) :]
    return key
