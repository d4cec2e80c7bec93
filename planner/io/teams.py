"""Read and validate a teams list (spec section 2)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from planner.io import parse
from planner.io.cells import is_blank
from planner.io.checks import RowChecker, canonical_table, empty_message
from planner.io.columns import TEAM_ALIASES
from planner.io.problems import InputProblem
from planner.io.tables import RawTable, read_table
from planner.model import Team
from planner.settings import InputParams

DEFAULTS = Team(team_id="", depot_lat=0.0, depot_lon=0.0)


@dataclass
class TeamsRead:
    teams: list[Team] = field(default_factory=list)
    problems: list[InputProblem] = field(default_factory=list)


def read_teams(
    path: Path | str | RawTable, sheet: str | None = None, params: InputParams | None = None
) -> TeamsRead:
    """Read a teams file; ``params`` gives the size limits it is read within (``[input]``)."""
    limits = params or InputParams()
    table = path if isinstance(path, RawTable) else read_table(path, sheet, limits=limits)
    table, original = canonical_table(table, TEAM_ALIASES, ["team_id", "depot_lat", "depot_lon"])
    c = RowChecker(table, "team_id", original)
    c.check_ids()
    c.check_text()
    v = _parse(c)
    out = TeamsRead(problems=c.problems)
    for i in range(len(c.frame)):
        if i not in c.fatal_rows:
            out.teams.append(_team(c, v, i))
    return out


def _parse(c: RowChecker) -> dict[str, pd.Series]:
    v = {
        "depot_lat": c.parse("depot_lat", parse.parse_number, "a latitude"),
        "depot_lon": c.parse("depot_lon", parse.parse_number, "a longitude"),
        "shift_start": c.parse("shift_start", parse.parse_clock, "a time (HH:MM)"),
        "shift_end": c.parse("shift_end", parse.parse_clock, "a time (HH:MM)"),
        "break_start": c.parse("break_start", parse.parse_clock, "a time (HH:MM)"),
        "break_minutes": c.parse("break_minutes", parse.parse_integer, "whole minutes"),
        "travel_mode": c.parse(
            "travel_mode", parse.parse_travel_mode, "a travel mode (motorbike, car, foot)"
        ),
        "has_doctor": c.parse("has_doctor", parse.parse_boolean, "true/false (có/không)"),
        "max_doses": c.parse("max_doses", parse.parse_integer, "a whole number of doses"),
    }
    for col in ("depot_lat", "depot_lon"):
        c.flag(c.frame[col] == "", col, empty_message(col))
    lat, lon = v["depot_lat"], v["depot_lon"]
    assert lat is not None and lon is not None
    c.flag(
        lat.abs() > 90,
        "depot_lat",
        lambda i: (
            f"{lat.iloc[i]:g} is outside [-90, 90]"
            + (" (depot_lat and depot_lon look swapped)" if abs(lon.iloc[i]) <= 90 else "")
        ),
    )
    c.flag(lon.abs() > 180, "depot_lon", lambda i: f"{lon.iloc[i]:g} is outside [-180, 180]")
    doses = v["max_doses"]
    if doses is not None:
        c.flag(
            doses.notna() & ((doses < 1) | (doses > 10_000)),
            "max_doses",
            lambda i: f"{doses.iloc[i]:g} is not a plausible number of doses (1..10000)",
        )
    minutes = v["break_minutes"]
    if minutes is not None:
        c.flag(
            minutes.notna() & ((minutes < 0) | (minutes > 240)),
            "break_minutes",
            lambda i: f"{minutes.iloc[i]:g} is not a plausible break (0..240 minutes)",
        )
    _check_shift(c, v)
    return {k: s for k, s in v.items() if s is not None}


def _check_shift(c: RowChecker, v: dict[str, pd.Series | None]) -> None:
    n = len(c.frame)
    start = v["shift_start"] if v["shift_start"] is not None else pd.Series([math.nan] * n)
    end = v["shift_end"] if v["shift_end"] is not None else pd.Series([math.nan] * n)
    start = start.fillna(DEFAULTS.shift_start_s)
    end = end.fillna(DEFAULTS.shift_end_s)
    c.flag(end <= start, "shift_end", lambda i: "the shift ends before it starts")
    brk = v["break_start"]
    if brk is not None:
        minutes = v["break_minutes"] if v["break_minutes"] is not None else pd.Series([60] * n)
        ends = brk + minutes.fillna(DEFAULTS.break_minutes) * 60
        outside = brk.notna() & ((brk < start) | (ends > end))
        c.flag(outside, "break_start", lambda i: "the break does not fit inside the shift")


def _num(v: dict[str, pd.Series], col: str, i: int) -> Any:
    if col not in v:
        return None
    value = v[col].iloc[i]
    return None if is_blank(value) else value


def _team(c: RowChecker, v: dict[str, pd.Series], i: int) -> Team:
    def pick(col: str, default: Any) -> Any:
        """The row's number in ``col``, or ``default`` when blank or absent."""
        value = _num(v, col, i)
        return default if value is None else value

    break_minutes = int(pick("break_minutes", DEFAULTS.break_minutes))
    shift_start = int(pick("shift_start", DEFAULTS.shift_start_s))
    shift_end = int(pick("shift_end", DEFAULTS.shift_end_s))
    break_start = int(pick("break_start", DEFAULTS.break_start_s))
    if _num(v, "break_start", i) is None and not shift_start <= break_start < shift_end:
        break_minutes = 0  # a morning-only shift has no default lunch break
    return Team(
        team_id=str(c.ident(i)),
        depot_lat=float(v["depot_lat"].iloc[i]),
        depot_lon=float(v["depot_lon"].iloc[i]),
        name=str(c.frame.at[i, "name"]).strip() if c.has("name") else "",
        shift_start_s=shift_start,
        shift_end_s=shift_end,
        break_start_s=None if break_minutes == 0 else break_start,
        break_minutes=break_minutes,
        travel_mode=str(pick("travel_mode", DEFAULTS.travel_mode)),
        has_doctor=bool(pick("has_doctor", DEFAULTS.has_doctor)),
        max_doses=int(pick("max_doses", DEFAULTS.max_doses)),
        source_row=c.table.row_numbers[i],
        vaccine=str(c.frame.at[i, "vaccine"]).strip().lower() if c.has("vaccine") else "",
    )
