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
from planner.io.columns import TEAM_ALIASES, _aliases
from planner.io.problems import InputProblem
from planner.io.tables import RawTable, read_table
from planner.model import Team
from planner.settings import InputParams

DEFAULTS = Team(team_id="", depot_lat=0.0, depot_lon=0.0)

#: the planner's controls (docs/input.md, "Team rules"): optional columns and their aliases
CONTROL_ALIASES = _aliases(
    {
        "wards": ["Phường/Xã phụ trách", "Địa bàn", "Địa bàn phụ trách", "team_wards"],
        "days_off": ["Ngày nghỉ", "days off"],
        "weekday_shifts": ["Ca theo thứ", "Ca từng thứ", "weekday shifts"],
        "max_stops": ["Số điểm tối đa", "Số hộ tối đa", "max stops"],
        "max_hours": ["Số giờ tối đa", "max hours"],
    }
)
ALIASES = {**TEAM_ALIASES, **CONTROL_ALIASES}
WEEKDAY_SHIFTS_FORMAT = "weekday shifts (e.g. T7=07:30-11:30;CN=off)"


@dataclass
class TeamsRead:
    teams: list[Team] = field(default_factory=list)
    problems: list[InputProblem] = field(default_factory=list)
    #: the file's name and its ``wards`` header as written, for :func:`ward_warnings`
    source: str = "teams"
    wards_header: str = "wards"


def read_teams(
    path: Path | str | RawTable, sheet: str | None = None, params: InputParams | None = None
) -> TeamsRead:
    """Read a teams file; ``params`` gives the size limits it is read within (``[input]``)."""
    limits = params or InputParams()
    table = path if isinstance(path, RawTable) else read_table(path, sheet, limits=limits)
    table, original = canonical_table(table, ALIASES, ["team_id", "depot_lat", "depot_lon"])
    c = RowChecker(table, "team_id", original)
    c.check_ids()
    c.check_text()
    v = _parse(c)
    out = TeamsRead(problems=c.problems, source=table.source, wards_header=c.header("wards"))
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
    v.update(_parse_controls(c))
    return {k: s for k, s in v.items() if s is not None}


def _parse_controls(c: RowChecker) -> dict[str, pd.Series | None]:
    """The optional rule columns: wards, days off, weekday shifts, limits per team-day."""
    v = {
        "wards": c.parse("wards", parse.parse_text_list, "a list of wards"),
        "days_off": c.parse(
            "days_off", parse.parse_date_list, "dates separated by ';' (DD/MM/YYYY or YYYY-MM-DD)"
        ),
        "weekday_shifts": c.parse(
            "weekday_shifts", parse.parse_weekday_shifts, WEEKDAY_SHIFTS_FORMAT
        ),
        "max_stops": c.parse("max_stops", parse.parse_integer, "a whole number of stops"),
        "max_hours": c.parse("max_hours", parse.parse_number, "a number of hours"),
    }
    stops, hours = v["max_stops"], v["max_hours"]
    if stops is not None:
        c.flag(
            stops.notna() & ((stops < 1) | (stops > 1000)),
            "max_stops",
            lambda i: f"{stops.iloc[i]:g} is not a plausible number of stops a day (1..1000)",
        )
    if hours is not None:
        c.flag(
            hours.notna() & ((hours <= 0) | (hours > 24)),
            "max_hours",
            lambda i: f"{hours.iloc[i]:g} is not a plausible number of hours a day (0..24)",
        )
    return v


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
        wards=tuple(v["wards"].iloc[i]) if "wards" in v else (),
        days_off=tuple(v["days_off"].iloc[i] or ()) if "days_off" in v else (),
        weekday_shifts=tuple(v["weekday_shifts"].iloc[i] or ()) if "weekday_shifts" in v else (),
        max_stops=None if _num(v, "max_stops", i) is None else int(v["max_stops"].iloc[i]),
        max_hours=None if _num(v, "max_hours", i) is None else float(v["max_hours"].iloc[i]),
    )


def ward_warnings(teams: TeamsRead, wards: list[str]) -> list[InputProblem]:
    """A warning for each ward a team is bound to that no resident lives in (a misspelling
    leaves the team nobody to visit there; the plan is still made)."""
    known = {parse.ward_key(w) for w in wards if w}
    out = []
    for team in teams.teams:
        for ward in team.wards:
            if parse.ward_key(ward) not in known:
                out.append(
                    InputProblem(
                        teams.source,
                        team.source_row,
                        teams.wards_header,
                        f"no resident lives in ward {ward!r}: team {team.team_id} "
                        "has nobody to visit there (check the spelling)",
                        fatal=False,
                    )
                )
    return out
