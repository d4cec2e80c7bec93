"""The planner's rules on teams and stops, one definition for the build and the solver.

A team works a date unless it is one of its ``days_off`` or its weekday's shift is 'off'; its
hours that day are the weekday's shift when one is given, else its shift. It may serve a stop
when it has a doctor if the stop needs one, carries the stop's vaccine, has the stop's ward
among its ``wards`` (no wards: anywhere) and is the team the stop is pinned to, if any. (The
independent checker, planner/checker_rules.py, re-derives the same rules from the inputs.)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import lru_cache

from planner.model import Stop, Team


def team_shift(team: Team, date: dt.date) -> tuple[int, int] | None:
    """(start_s, end_s) of the team's hours on ``date``, or None on a day it does not work."""
    if date in team.days_off:
        return None
    for weekday, start, end in team.weekday_shifts:
        if weekday == date.weekday():
            return None if end <= start else (start, end)
    return team.shift_start_s, team.shift_end_s


def break_fits(team: Team, shift: tuple[int, int]) -> bool:
    """Whether the team's lunch break is taken on a day of these hours: it has one and it lies
    inside them (a Saturday 07:30-11:30 has no 11:30 lunch)."""
    if team.break_start_s is None or team.break_minutes <= 0:
        return False
    return shift[0] <= team.break_start_s and team.break_start_s + team.break_s <= shift[1]


def working_s(team: Team, date: dt.date) -> int:
    """Seconds the team works on ``date``: its hours that day less a lunch break taken in them
    (0 on a day off)."""
    shift = team_shift(team, date)
    if shift is None:
        return 0
    return shift[1] - shift[0] - (team.break_s if break_fits(team, shift) else 0)


@lru_cache(maxsize=4096)
def _ward_keys(wards: tuple[str, ...]) -> frozenset[str]:
    return frozenset(_key(w) for w in wards)


@lru_cache(maxsize=65536)
def _key(ward: str) -> str:
    # imported here: the input readers bring pandas, which a portfolio worker (it imports the
    # solver, and the solver this module) would otherwise load at start-up, inside its budget
    from planner.io.parse import ward_key

    return ward_key(ward)


def serves_ward(team: Team, ward: str) -> bool:
    """Whether the team may serve a stop in ``ward``: it has no wards, or the ward is one of
    them (matched by :func:`planner.io.parse.ward_key`; both cached: it is asked per stop,
    team and day)."""
    return not team.wards or _key(ward) in _ward_keys(team.wards)


def may_serve(team: Team, stop: Stop) -> bool:
    """The day-free rules: doctor, vaccine, ward, pinned team."""
    return (
        (team.has_doctor or not stop.needs_doctor)
        and (not stop.vaccine or stop.vaccine == team.vaccine)
        and serves_ward(team, stop.ward)
        and (not stop.pin_team or stop.pin_team == team.team_id)
    )


def team_days(teams: Sequence[Team], stop: Stop, dates: Sequence[dt.date]) -> list[tuple[int, int]]:
    """(day, team index) pairs that may serve the stop: :func:`may_serve` for the team, and on
    plan day ``day`` (``dates[day]``) the stop is due, it is the pinned day if any, and the team
    works that date. Ordered day by day, team by team (the routing model's vehicle order)."""
    serving = [t for t, team in enumerate(teams) if may_serve(team, stop)]
    days = range(stop.earliest_day, len(dates))
    if stop.pin_day is not None:
        days = range(stop.pin_day, stop.pin_day + 1) if stop.pin_day in days else range(0)
    return [
        (day, t) for day in days for t in serving if team_shift(teams[t], dates[day]) is not None
    ]
