"""Re-plan from today's state: keep what is done, keep routes under way, move as little as possible.

Given the previous plan, the residents (as imported, outcomes not yet applied), the outcomes
recorded since, and the moment of re-planning:

* a team whose route today already has outcomes keeps its route up to its *current stop* (the
  last stop with an outcome) exactly as planned; the solver plans the rest of its day from that
  stop, at that time, with the doses it has left;
* residents with a final outcome (vaccinated, refused, contraindicated) are no longer planned;
  ``not_at_home`` residents are planned again; ``postponed`` ones from their new date on;
* the previous routes warm-start the search, and moving a resident to another team or day costs
  ``solver.change_cost``, so assignments change only where that pays;
* the result counts the residents whose team or day changed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from planner.continuation import Continuation
from planner.controls import team_shift
from planner.model import Resident, Team, VehicleStart
from planner.outcomes import OutcomeCode
from planner.pipeline import PlanRequest, TravelChoice, make_plan
from planner.plan import parse_iso_time
from planner.plan_document import Plan, PlanStop
from planner.settings import Settings
from planner.solver import Progress
from planner.travel import TravelModel

#: outcomes after which a resident is not planned again, and the status each one leaves
FINAL_OUTCOMES: dict[str, str] = {
    "vaccinated": "vaccinated",
    "refused": "refused",
    "contraindicated": "contraindicated",
}


@dataclass(frozen=True)
class Outcome:
    resident_id: str
    outcome: OutcomeCode  # the catalogue's codes (planner/outcomes.py)
    at: dt.datetime
    postponed_to: dt.date | None = None


@dataclass(frozen=True)
class Replan:
    """The new plan; residents whose team or day changed, or not; stops kept under way."""

    plan: Plan
    changed: int
    kept: int
    fixed_stops: int


def apply_outcomes(residents: Iterable[Resident], outcomes: Iterable[Outcome]) -> list[Resident]:
    """Residents as the next plan must see them: the latest outcome of each wins."""
    latest: dict[str, Outcome] = {}
    for o in sorted(outcomes, key=lambda o: o.at):
        latest[o.resident_id] = o
    return [_after(r, latest.get(r.resident_id)) for r in residents]


def _after(r: Resident, o: Outcome | None) -> Resident:
    if o is None or o.outcome == "not_at_home":
        return r  # planned again
    if o.outcome == "vaccinated":
        return replace(
            r, status="vaccinated", doses_received=r.doses_received + 1, last_dose_date=o.at.date()
        )
    if o.outcome in FINAL_OUTCOMES:
        return replace(r, status=FINAL_OUTCOMES[o.outcome])
    if o.outcome == "postponed":
        if o.postponed_to:
            return replace(r, status="eligible", not_before=o.postponed_to)
        return replace(r, status="postponed")
    return r


def _prefixes(base: Plan, today: dt.date, visited: set[str]) -> dict[str, tuple[PlanStop, ...]]:
    """team id -> today's stops up to and including the last one with an outcome."""
    out = {}
    for route in base.routes:
        if route.date != today.isoformat():
            continue
        done = [k for k, s in enumerate(route.stops) if visited & set(s.resident_ids)]
        if done:
            out[route.team_id] = route.stops[: done[-1] + 1]
    return out


def _starts(
    base: Plan,
    teams: Sequence[Team],
    prefixes: Mapping[str, tuple[PlanStop, ...]],
    today: dt.date,
    now_s: int,
    break_slack_s: int,
) -> dict[tuple[int, int], VehicleStart]:
    """Where each team resumes today: its current stop, or its station from now on."""
    lunches = {r.team_id: r.lunch for r in base.routes if r.date == today.isoformat()}
    out = {}
    for t, team in enumerate(teams):
        prefix = prefixes.get(team.team_id)
        if prefix:
            at = max(parse_iso_time(prefix[-1].departure)[1], now_s)
            lunch = lunches.get(team.team_id)
            taken = lunch is not None and parse_iso_time(lunch.end)[1] <= at
            out[(t, 0)] = VehicleStart(
                prefix[-1].lat, prefix[-1].lon, at, sum(s.doses for s in prefix), taken
            )
        elif (shift := team_shift(team, today)) is None:
            continue  # the team does not work today: the model keeps it home
        elif now_s > shift[0]:  # today's hours (a weekday's shift), not the usual ones
            late = team.break_start_s is None or now_s > team.break_start_s + break_slack_s
            out[(t, 0)] = VehicleStart(team.depot_lat, team.depot_lon, now_s, 0, late)
    return out


def replan(
    base: Plan,
    residents: Sequence[Resident],
    teams: Sequence[Team],
    outcomes: Sequence[Outcome],
    as_of: dt.datetime,
    days: int,
    settings: Settings,
    travel: TravelModel | None = None,
    progress: Callable[[Progress], None] | None = None,
    roads: Path | None = None,
    osrm_url: str | None = None,
    plan_id: str | None = None,
) -> Replan:
    """Plan ``days`` days from ``as_of`` after ``base``, given the outcomes recorded since:
    the residents as the outcomes leave them, the routes under way kept up to each team's
    current stop, the previous routes as warm start (see the module's docstring)."""
    today, now_s = as_of.date(), as_of.hour * 3600 + as_of.minute * 60 + as_of.second
    prefixes = _prefixes(base, today, {o.resident_id for o in outcomes})
    fixed = {rid for stops in prefixes.values() for s in stops for rid in s.resident_ids}
    carried = Continuation(
        base.routes,
        prefixes,
        _starts(base, teams, prefixes, today, now_s, settings.solver.break_slack_minutes * 60),
        [r for r in residents if r.resident_id in fixed] + _stand_ins(prefixes, residents),
    )
    routable = [r for r in apply_outcomes(residents, outcomes) if r.resident_id not in fixed]
    done = make_plan(
        PlanRequest(routable, teams, today, days, settings, continuation=carried, plan_id=plan_id),
        TravelChoice(travel, roads, osrm_url, progress),
    )
    changed, kept = count_changes(base, done.plan, exclude=fixed)
    fixed_stops = sum(len(p) for p in prefixes.values())
    plan = replace(
        done.plan,
        replanned_from=base.plan_id,
        summary=replace(done.plan.summary, changed_assignments=changed, fixed_stops=fixed_stops),
    )
    return Replan(plan, changed, kept, fixed_stops)


def _stand_ins(
    prefixes: Mapping[str, tuple[PlanStop, ...]], residents: Sequence[Resident]
) -> list[Resident]:
    """Residents on a kept stop who are no longer on the list (a planner deleted them after
    the visit): the stop stays as it was done, so the checker sees a bare resident there."""
    known = {r.resident_id for r in residents}
    return [
        Resident(
            rid, stop.lat, stop.lon, household_id=stop.household_id or "", ward=stop.ward or ""
        )
        for stops in prefixes.values()
        for stop in stops
        for rid in stop.resident_ids
        if rid not in known
    ]


def assignments(plan: Plan) -> dict[str, tuple[str, str] | None]:
    """resident id -> (team, date), or None when not planned."""
    out: dict[str, tuple[str, str] | None] = {u.resident_id: None for u in plan.unassigned}
    for r in plan.routes:
        for rid in r.resident_ids():
            out[rid] = (r.team_id, r.date)
    return out


def count_changes(base: Plan, new: Plan, exclude: set[str]) -> tuple[int, int]:
    """(changed, kept): residents planned in both plans whose team or day differs or not."""
    old, now = assignments(base), assignments(new)
    common = [
        rid
        for rid, a in old.items()
        if rid in now and rid not in exclude and a is not None and a[1] >= new.start_date
    ]
    changed = sum(1 for rid in common if now[rid] != old[rid])
    return changed, len(common) - changed
