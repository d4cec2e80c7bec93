"""Eligibility, dose due dates and the priority score.

Priority score (higher is served first; the ``priority`` column, when given, replaces it)::

    score = base
          + per_decade        * max(0, age - age_from) / 10
          + per_condition     * number of chronic conditions
          + per_missing_dose  * max(0, series_doses - doses_received)
          + per_overdue_month * min(overdue_days, overdue_cap_days) / 30

with the defaults base 1, age_from 50, per_decade 1, per_condition 1.5, per_missing_dose 0.5,
per_overdue_month 0.5, overdue_cap_days 180. ``overdue_days`` counts from the date the next
dose became due (last dose + minimum interval) to the plan's start date. A resident aged 75 with
diabetes and hypertension, two of three doses and 60 days overdue scores
1 + 2.5 + 3 + 0.5 + 1 = 8.0.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from planner.model import Resident
from planner.settings import DoseParams, PriorityParams, Product


def due_date(
    r: Resident, doses: DoseParams, products: Mapping[str, Product] | None = None
) -> dt.date | None:
    """The first day the next dose may be given (None: no previous dose, due now). A resident
    whose product has its own interval table uses it; everyone else the [doses] table."""
    if r.last_dose_date is None or r.doses_received <= 0:
        return None
    product = (products or {}).get(r.vaccine)
    if product is not None and product.min_interval_days:
        doses = DoseParams(min_interval_days=product.min_interval_days)
    return r.last_dose_date + dt.timedelta(days=doses.interval_after(r.doses_received))


def overdue_days(r: Resident, doses: DoseParams, on: dt.date) -> int:
    """Days past the next dose's due date on ``on`` (0 when not due yet or never dosed)."""
    due = due_date(r, doses)
    return 0 if due is None else max(0, (on - due).days)


def earliest_date(
    r: Resident, doses: DoseParams, products: Mapping[str, Product] | None = None
) -> dt.date | None:
    """The first day the resident may be visited: dose due date or a postponement, the later."""
    dates = [d for d in (due_date(r, doses, products), r.not_before) if d is not None]
    return max(dates) if dates else None


def earliest_day(
    r: Resident, doses: DoseParams, start: dt.date, products: Mapping[str, Product] | None = None
) -> int:
    """Index of the first plan day (0 = start date) on which the resident may be visited."""
    first = earliest_date(r, doses, products)
    return 0 if first is None else max(0, (first - start).days)


def priority_score(r: Resident, p: PriorityParams, doses: DoseParams, on: dt.date) -> float:
    """The resident's priority: the override if given, else base + age + conditions + missing
    doses + overdue months, weighted by ``p`` (docs/solver.md)."""
    if r.priority_override is not None:
        return float(r.priority_override)
    age_term = 0.0 if r.age is None else max(0, r.age - p.age_from) / 10
    missing = max(0, doses.series_doses - r.doses_received)
    overdue = min(overdue_days(r, doses, on), p.overdue_cap_days) / 30
    return round(
        p.base
        + p.per_decade * age_term
        + p.per_condition * len(r.conditions)
        + p.per_missing_dose * missing
        + p.per_overdue_month * overdue,
        2,
    )


def priority_band(score: float, p: PriorityParams) -> str:
    """'high', 'medium' or 'low' by ``p``'s thresholds: the bands of the coverage report."""
    if score >= p.high_from:
        return "high"
    return "medium" if score >= p.medium_from else "low"
