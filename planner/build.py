"""From validated residents and teams to frozen :class:`ProblemData` (stops, priorities, reasons).

A *stop* is what a team visits in one go: the residents of one household (same ``household_id``,
or, without one, the same spot within ``input.same_spot_m`` metres) who are due from the same day
and can open the door in the same window. Service time at a stop is::

    setup + per_person x people + observation        (observation is shared by the household)

and at least the longest ``service_minutes`` override of its members (e.g. a bedridden person).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace

import numpy as np

from planner.constants import EARTH_RADIUS_M
from planner.errors import InputError
from planner.model import NOT_ROUTED_STATUSES, ProblemData, Rejected, Resident, Stop, Team
from planner.pins import pin_reason
from planner.priority import earliest_date, earliest_day, priority_score
from planner.settings import Settings


def build_problem(
    residents: Iterable[Resident],
    teams: Iterable[Team],
    start_date: dt.date,
    days: int,
    settings: Settings,
    rejected: Iterable[Rejected] = (),
) -> ProblemData:
    """The problem the solver sees: residents grouped into stops with priorities and service
    times, and a reason for everyone who cannot be routed (excluded, invalid, not due)."""
    residents, teams = list(residents), tuple(teams)
    if days < 1 or days > 31:
        raise InputError(f"days must be between 1 and 31 (got {days})")
    if not teams:
        raise InputError("no usable team: the teams list has no valid row")
    products = settings.vials.products
    teams = tuple(_with_product(t, settings) for t in teams)
    excluded = {r.resident_id: r.status for r in residents if r.status in NOT_ROUTED_STATUSES}
    pre: dict[str, tuple[str, str]] = {x.resident_id: ("invalid_input", x.reason) for x in rejected}
    for r in residents:
        if r.vaccine and r.vaccine not in products and r.resident_id not in excluded:
            pre[r.resident_id] = (
                "invalid_input",
                f"unknown vaccine product {r.vaccine!r} (known: {', '.join(sorted(products))})",
            )
    horizon_end = start_date + dt.timedelta(days=days - 1)
    routable: list[Resident] = []
    for r in residents:
        if r.resident_id in excluded or r.resident_id in pre:
            continue
        due = earliest_date(r, settings.doses, products)
        if due is not None and due > horizon_end:
            why = "visit postponed to" if due == r.not_before else "next dose due on"
            pre[r.resident_id] = (
                "not_due_in_horizon",
                f"{why} {due.isoformat()}, after the plan's last day {horizon_end.isoformat()}",
            )
            continue
        pinned = pin_reason(r, teams, start_date, days, due)
        if pinned is not None:
            pre[r.resident_id] = pinned
            continue
        routable.append(r)
    priorities = {
        r.resident_id: priority_score(r, settings.priority, settings.doses, start_date)
        for r in residents
    }
    stops = _make_stops(routable, priorities, start_date, settings)
    return ProblemData(
        start_date=start_date,
        days=days,
        teams=teams,
        stops=tuple(stops),
        residents={r.resident_id: r for r in residents},
        priorities=priorities,
        excluded=excluded,
        pre_unassigned=pre,
    )


def _with_product(team: Team, settings: Settings) -> Team:
    product = team.vaccine or settings.vials.product
    if product not in settings.vials.products:
        raise InputError(
            f"team {team.team_id}: unknown vaccine product {product!r} (known: "
            f"{', '.join(sorted(settings.vials.products))})"
        )
    return replace(team, vaccine=product)


def household_keys(residents: list[Resident], same_spot_m: float) -> list[str]:
    """A household key per resident: its household_id, else a cluster of residents at one spot."""
    keys = [f"H:{r.household_id}" if r.household_id else "" for r in residents]
    loose = [i for i, k in enumerate(keys) if not k]
    if not loose:
        return keys
    parent = list(range(len(loose)))

    def find(a: int) -> int:
        """The cluster's root (union-find with path halving)."""
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for a, b in _close_pairs([residents[i] for i in loose], same_spot_m):
        parent[find(a)] = find(b)
    for k, i in enumerate(loose):
        keys[i] = f"P:{residents[loose[find(k)]].resident_id}"
    return keys


def _close_pairs(residents: list[Resident], metres: float) -> list[tuple[int, int]]:
    """Pairs of residents within ``metres``, through an STRtree in a local metric projection."""
    import shapely

    if metres <= 0 or len(residents) < 2:
        return []
    lat = np.array([r.lat for r in residents])
    lon = np.array([r.lon for r in residents])
    lat0 = math.radians(float(np.mean(lat)))
    x = np.radians(lon) * math.cos(lat0) * EARTH_RADIUS_M
    y = np.radians(lat) * EARTH_RADIUS_M
    points = shapely.points(x, y)
    tree = shapely.STRtree(points)
    left, right = tree.query(points, predicate="dwithin", distance=metres)
    return [(int(a), int(b)) for a, b in zip(left, right, strict=True) if a < b]


def service_seconds(members: list[Resident], settings: Settings) -> int:
    """Minutes at a household's stop (setup, each person, one shared observation), at least the
    longest override of its members, in whole seconds."""
    v = settings.visit
    computed = v.setup_minutes + v.per_person_minutes * len(members) + v.observation_minutes
    overrides = [m.service_minutes for m in members if m.service_minutes is not None]
    return math.ceil(60 * max([computed, *overrides]))


def _make_stops(
    routable: list[Resident], priorities: dict[str, float], start: dt.date, settings: Settings
) -> list[Stop]:
    keys = household_keys(routable, settings.input.same_spot_m)
    groups: dict[tuple, list[Resident]] = defaultdict(list)
    for r, key in zip(routable, keys, strict=True):
        day = earliest_day(r, settings.doses, start, settings.vials.products)
        # members pinned differently are separate stops at one spot: each promise is kept
        pin = (r.pin_team, -1 if r.pin_date is None else (r.pin_date - start).days)
        groups[(key, day, r.available_from_s, r.available_to_s, r.vaccine, pin)].append(r)
    stops = []
    for n, ((_key, day, w0, w1, vaccine, pin), members) in enumerate(
        sorted(groups.items(), key=_group_order)
    ):
        first = members[0]
        stops.append(
            Stop(
                stop_id=f"S{n + 1:05d}",
                resident_ids=tuple(m.resident_id for m in members),
                lat=first.lat,
                lon=first.lon,
                service_s=service_seconds(members, settings),
                doses=len(members),
                priority=round(sum(priorities[m.resident_id] for m in members), 2),
                needs_doctor=any(m.needs_doctor for m in members),
                earliest_day=day,
                window_start_s=w0,
                window_end_s=w1,
                ward=first.ward,
                vaccine=vaccine,
                pin_team=pin[0],
                pin_day=None if pin[1] < 0 else pin[1],
            )
        )
    return stops


def _group_order(item: tuple[tuple, list[Resident]]) -> tuple:
    (key, day, w0, w1, vaccine, pin), members = item
    return (members[0].ward, key, day, w0 or -1, w1 or -1, vaccine, pin)
