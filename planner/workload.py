"""How evenly a plan loads its team-days: min / mean / max (and spread) of hours and stops.

One function, :func:`workload`, counts it from a :class:`~planner.plan_document.Plan`; the
terminal summary (planner/report.py), the printable route sheets (maps/sheet.py) and the
console's plan page (api/pages/plan_data.py) all call it, so the three show the same figures.

A team-day's *hours* run from leaving the station to coming back (the lunch break and any
wait included: that is the day the team works), its *stops* are the households it visits.
Only team-days with a route count (a team-day without a stop has no route in the plan).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from planner.plan import parse_iso_time
from planner.plan_document import Plan, PlanRoute


@dataclass(frozen=True)
class Spread:
    """Min, mean and max of one figure over the team-days, its range and standard deviation."""

    low: float
    mean: float
    high: float
    std: float

    @property
    def range(self) -> float:
        """``high - low``: the spread the balance setting narrows."""
        return self.high - self.low

    @classmethod
    def of(cls, values: Sequence[float]) -> Spread:
        """The spread of ``values`` (all zero when there are none); population deviation."""
        if not values:
            return cls(0.0, 0.0, 0.0, 0.0)
        mean = sum(values) / len(values)
        var = sum((v - mean) ** 2 for v in values) / len(values)
        return cls(float(min(values)), mean, float(max(values)), math.sqrt(var))


@dataclass(frozen=True)
class Workload:
    """A plan's team-day load: how many team-days work, their hours and their stops."""

    team_days: int
    hours: Spread
    stops: Spread

    def line(self, hours_label: str = "hours", stops_label: str = "stops") -> str:
        """One line, e.g. ``hours 5.2 / 6.8 / 8.0 · stops 9 / 11.4 / 14`` (min / mean / max)."""
        h, s = self.hours, self.stops
        return (
            f"{hours_label} {h.low:.1f} / {h.mean:.1f} / {h.high:.1f} · "
            f"{stops_label} {s.low:.0f} / {s.mean:.1f} / {s.high:.0f}"
        )


def route_hours(route: PlanRoute) -> float:
    """The team-day's hours out: from leaving the station to coming back."""
    start_day, start_s = parse_iso_time(route.start)
    end_day, end_s = parse_iso_time(route.end)
    return ((end_day - start_day).days * 86400 + end_s - start_s) / 3600


def workload(plan: Plan) -> Workload:
    """Min / mean / max hours and stops over the plan's worked team-days."""
    routes = [r for r in plan.routes if r.stops]
    return Workload(
        len(routes),
        Spread.of([route_hours(r) for r in routes]),
        Spread.of([float(len(r.stops)) for r in routes]),
    )
