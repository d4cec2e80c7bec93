"""The independent checker's planner rules (issue 24): a team's hours on a date (days off,
weekday shifts), its lunch break, its wards, residents' pins, limits per team-day, locked routes.

Like planner/checker.py it shares no code with the solver or the build (planner/controls.py,
planner/io/parse.py): every rule is re-derived here from the teams and residents as read. Each
function returns the violations it finds as messages naming the rule.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from planner.model import Resident, Team

#: what a ward's name may start with and still be the same ward
_WARD_PREFIXES = ("phuong ", "xa ", "thi tran ")


def day_hours(team: Team, date: dt.date) -> tuple[int, int] | None:
    """(start, end) seconds of the team's working hours on ``date``; None on a day off (a
    listed date, or a weekday whose shift is 'off', written as an empty shift)."""
    if date in set(team.days_off):
        return None
    weekday = {w: (a, b) for w, a, b in team.weekday_shifts}.get(date.weekday())
    if weekday is None:
        return team.shift_start_s, team.shift_end_s
    return weekday if weekday[1] > weekday[0] else None


def _clock(value: str) -> int:
    t = dt.datetime.fromisoformat(value)
    return t.hour * 3600 + t.minute * 60 + t.second


def same_ward(a: str, b: str) -> bool:
    """Ward names compared without case, accents, spacing and a 'phường'/'xã' prefix."""
    return _ward(a) == _ward(b)


def _ward(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text.replace("Đ", "D").replace("đ", "d"))
    plain = "".join(c for c in plain if not unicodedata.combining(c)).casefold()
    plain = " ".join(re.sub(r"[^0-9a-z]+", " ", plain).split())
    for prefix in _WARD_PREFIXES:
        if plain.startswith(prefix) and len(plain) > len(prefix):
            return plain[len(prefix) :]
    return plain


def check_hours(route: dict[str, Any], team: Team, date: dt.date, where: str) -> list[str]:
    """Days off and the day's shift: the route lies inside the team's hours that date."""
    hours = day_hours(team, date)
    if hours is None:
        return [f"{where}: days off: team {team.team_id} does not work on {date:%d/%m/%Y}"]
    start, end = _clock(route["start"]), _clock(route["end"])
    if start < hours[0] or end > hours[1]:
        return [f"{where}: runs {route['start']}..{route['end']}, outside the shift"]
    return []


def expected_break(team: Team, hours: tuple[int, int] | None) -> bool:
    """Whether the team takes its lunch break on a day of these hours: it has one and the
    whole break lies inside them."""
    if hours is None or team.break_start_s is None or team.break_minutes <= 0:
        return False
    return (
        hours[0] <= team.break_start_s and team.break_start_s + team.break_minutes * 60 <= hours[1]
    )


def check_break(
    route: dict[str, Any], team: Team, date: dt.date, slack_minutes: int, where: str
) -> tuple[tuple[int, int] | None, list[str]]:
    """The route's lunch break, as the team takes it that day: ((start, end) or None, problems)."""
    hours = day_hours(team, date)
    if not expected_break(team, hours):
        return None, []
    assert hours is not None and team.break_start_s is not None  # expected_break
    if not route.get("break"):
        return None, [f"{where}: the team's lunch break is missing"]
    b0, b1 = _clock(route["break"]["start"]), _clock(route["break"]["end"])
    out = []
    if b1 - b0 != team.break_minutes * 60:
        out.append(f"{where}: break lasts {(b1 - b0) // 60} min, not {team.break_minutes}")
    if not team.break_start_s <= b0 <= team.break_start_s + slack_minutes * 60:
        out.append(f"{where}: break starts at {route['break']['start']}, outside its window")
    if b0 < hours[0] or b1 > hours[1]:
        out.append(f"{where}: break outside the shift")
    for stop in route["stops"]:
        s0, s1 = _clock(stop["service_start"]), _clock(stop["departure"])
        if b0 < s1 and s0 < b1:
            out.append(f"{where} stop {stop['seq']}: the break overlaps the visit")
    return (b0, b1), out


def check_controls(
    route: dict[str, Any], team: Team, date: dt.date, people: Mapping[str, Resident], where: str
) -> list[str]:
    """Ward binding, pins, max_stops and max_hours on one route."""
    out = []
    for stop in route["stops"]:
        at = f"{where} stop {stop['seq']}"
        for rid in stop["resident_ids"]:
            r = people.get(rid)
            if r is None:
                continue
            if team.wards and not any(same_ward(r.ward, w) for w in team.wards):
                out.append(
                    f"{at}: ward binding: resident {rid}'s ward {r.ward!r} is not among team "
                    f"{team.team_id}'s wards"
                )
            if r.pin_team and r.pin_team != team.team_id:
                out.append(f"{at}: pin: resident {rid} is pinned to team {r.pin_team}")
            if r.pin_date is not None and r.pin_date != date:
                out.append(f"{at}: pin: resident {rid} is pinned to {r.pin_date:%d/%m/%Y}")
    if team.max_stops is not None and len(route["stops"]) > team.max_stops:
        out.append(
            f"{where}: max_stops: {len(route['stops'])} stops, more than the team's "
            f"{team.max_stops}"
        )
    if team.max_hours is not None:
        span = _clock(route["end"]) - _clock(route["start"])
        if span > team.max_hours * 3600 + 1:
            out.append(
                f"{where}: max_hours: out {span / 3600:.2f} h (lunch included), more than "
                f"the team's {team.max_hours:g}"
            )
    return out


def check_locks(
    plan: dict[str, Any],
    locked: Mapping[tuple[str, str], Sequence[Sequence[str]]],
    people: Mapping[str, Resident],
    open_locks: Collection[tuple[str, str]] = (),
) -> list[str]:
    """Locked routes: (team id, ISO date) -> its stops in order, each as its resident ids (as
    ``Continuation.locked`` holds them). The plan's route that team-day visits exactly those
    residents in that order (residents no longer in the input are not asked for); an open lock
    (``open_locks``: a move's, the day going on after the moved stop) is the route's start."""
    routes = {(r["team_id"], r["date"]): r for r in plan.get("routes", [])}
    out = []
    for (team_id, date), stops in sorted(locked.items()):
        route = routes.get((team_id, date))
        visited = [rid for s in route["stops"] for rid in s["resident_ids"]] if route else []
        order = [rid for stop in stops for rid in stop if rid in people]
        if (team_id, date) in open_locks:
            if visited[: len(order)] != order:
                out.append(
                    f"{team_id} {date}: route locked up to a moved stop: starts {visited}, "
                    f"the lock says {order} first"
                )
        elif visited != order:
            out.append(f"{team_id} {date}: locked route: visits {visited}, the lock says {order}")
    return out
