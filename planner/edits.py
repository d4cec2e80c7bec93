"""Hand edits of a plan: pin or unpin a resident, move a stop, lock or unlock a route; the plan
re-solved around what the planner fixed, and what else moved because of it.

An edit is a re-plan of the same days (the plan's own start date and days):

* a **pin** sets the resident's ``pin_team`` / ``pin_date`` (both empty: no pin): the solver
  visits the resident by that team / on that date, or not at all with the pin as reason;
* a **move** takes a stop (every resident of the plan's stop that holds the named resident)
  out of its route and puts it into the route of another team and/or day at a position; the
  residents are pinned there and the target route is locked as it now stands, so the stop is
  exactly where the planner put it;
* a **lock** keeps a route (team, date) exactly as it stands (its stops in order, none added
  or removed; planner/solver/locks.py); **unlock** frees it again.

The rest is planned again from the previous routes (the warm start) with the re-plan's change
cost (``solver.change_cost`` per resident moved to another team-day), so it stays as it was
unless the edit makes moving pay. :class:`Edited` lists the others who moved, were dropped or
newly planned (planner/plan_changes.py), and the locks now in force for the next edit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from planner.continuation import Continuation
from planner.errors import InputError, InternalError
from planner.model import Resident, Team
from planner.pipeline import PlanRequest, TravelChoice, make_plan
from planner.plan_changes import PlanChanges, plan_changes
from planner.plan_document import Plan
from planner.replan import count_changes
from planner.settings import Settings
from planner.solver import Progress
from planner.travel import TravelModel

#: a route's key: (team id, ISO date)
RouteKey = tuple[str, str]
#: a route as edits see it: its stops in order, each as its resident ids
Stops = list[tuple[str, ...]]


@dataclass(frozen=True)
class Pin:
    """Visit ``resident_id`` by ``team_id`` ("" = any team) on ``date`` (None = any day);
    both empty: unpin."""

    resident_id: str
    team_id: str = ""
    date: dt.date | None = None


@dataclass(frozen=True)
class Move:
    """Move the stop holding ``resident_id`` to ``team_id`` on ``date``, at ``position``
    (1 = first; None = last) of that route."""

    resident_id: str
    team_id: str
    date: dt.date
    position: int | None = None


@dataclass(frozen=True)
class Lock:
    """Keep the route of ``team_id`` on ``date`` as it stands (``locked`` False: free it)."""

    team_id: str
    date: dt.date
    locked: bool = True


Edit = Pin | Move | Lock


class EditError(InputError):
    """An edit that cannot be applied as given (unknown resident or team, a date outside the
    plan, a position out of range): the message says which edit and why."""


@dataclass(frozen=True)
class Edited:
    """The new plan; the residents the edits named; what else changed against the base plan
    (``others_moved``: residents not named by the edits whose team or day changed, or who were
    dropped or newly planned); the locked routes now in force (for the next edit)."""

    plan: Plan
    edited: frozenset[str]
    changes: PlanChanges
    others_moved: tuple[str, ...]
    locked: Mapping[RouteKey, tuple[tuple[str, ...], ...]]


def apply_edits(
    base: Plan,
    residents: Sequence[Resident],
    teams: Sequence[Team],
    edits: Sequence[Edit],
    settings: Settings,
    locked: Iterable[RouteKey] = (),
    travel: TravelModel | None = None,
    progress: Callable[[Progress], None] | None = None,
    plan_id: str | None = None,
) -> Edited:
    """Apply ``edits`` to ``base`` (``locked``: the routes already locked in it) and re-solve
    its days around them (see the module's docstring). :class:`EditError` for a bad edit, or a
    locked route the model cannot keep (InputError naming the stop)."""
    routes = {(r.team_id, r.date): [tuple(s.resident_ids) for s in r.stops] for r in base.routes}
    locks = set(locked)
    pins = _check(base, residents, teams, edits)
    for edit in edits:
        if isinstance(edit, Move):
            pins.update(_move(routes, edit))
            locks.add((edit.team_id, edit.date.isoformat()))
        elif isinstance(edit, Lock):
            key = (edit.team_id, edit.date.isoformat())
            (locks.add if edit.locked else locks.discard)(key)
    kept = {key: tuple(routes.get(key, [])) for key in sorted(locks)}
    pinned = [_pinned(r, pins.get(r.resident_id)) for r in residents]
    start = dt.date.fromisoformat(base.start_date)
    done = make_plan(
        PlanRequest(
            pinned,
            teams,
            start,
            base.days,
            settings,
            continuation=Continuation(base.routes, locked=kept),
            plan_id=plan_id,
        ),
        TravelChoice(travel, progress=progress),
    )
    edited = frozenset(pins)
    changed, _ = count_changes(base, done.plan, exclude=set())
    plan = replace(
        done.plan,
        replanned_from=base.plan_id,
        summary=replace(done.plan.summary, changed_assignments=changed),
    )
    _assert_kept(plan, edits, kept)
    changes = plan_changes(base.to_json(), plan.to_json())
    others = sorted(
        {m.resident_id for m in changes.moved}
        | {d.resident_id for d in changes.dropped}
        | {n.resident_id for n in changes.newly_planned}
    )
    return Edited(plan, edited, changes, tuple(r for r in others if r not in edited), kept)


def _check(
    base: Plan, residents: Sequence[Resident], teams: Sequence[Team], edits: Sequence[Edit]
) -> dict[str, tuple[str, dt.date | None]]:
    """Every edit names a known resident, team and a date of the plan: EditError otherwise.
    Returns the pins the Pin edits set (resident id -> (team, date))."""
    known = {r.resident_id for r in residents}
    team_ids = {t.team_id for t in teams}
    first = dt.date.fromisoformat(base.start_date)
    last = first + dt.timedelta(days=base.days - 1)
    pins: dict[str, tuple[str, dt.date | None]] = {}
    for n, edit in enumerate(edits, start=1):
        where = f"edit {n}"
        if not isinstance(edit, Lock) and edit.resident_id not in known:
            raise EditError(f"{where}: resident {edit.resident_id!r} is not on the list")
        if edit.team_id and edit.team_id not in team_ids:
            raise EditError(f"{where}: team {edit.team_id!r} is not on the list")
        if edit.date is not None and not first <= edit.date <= last:
            raise EditError(
                f"{where}: {edit.date:%d/%m/%Y} is outside the plan's days "
                f"({first:%d/%m/%Y} to {last:%d/%m/%Y})"
            )
        if isinstance(edit, Pin):
            pins[edit.resident_id] = (edit.team_id, edit.date)
    return pins


def _move(routes: dict[RouteKey, Stops], edit: Move) -> dict[str, tuple[str, dt.date | None]]:
    """Take the stop holding the resident out of its route and put it into the target route
    at the position (``routes`` changes in place); the pins of its residents."""
    source = next(
        (
            (key, k)
            for key, stops in routes.items()
            for k, s in enumerate(stops)
            if edit.resident_id in s
        ),
        None,
    )
    if source is None:
        raise EditError(
            f"resident {edit.resident_id!r} is not on a route of this plan: pin them instead"
        )
    stop = routes[source[0]].pop(source[1])
    target = routes.setdefault((edit.team_id, edit.date.isoformat()), [])
    position = len(target) + 1 if edit.position is None else edit.position
    if not 1 <= position <= len(target) + 1:
        routes[source[0]].insert(source[1], stop)
        raise EditError(
            f"position {position} is out of range for team {edit.team_id} on "
            f"{edit.date:%d/%m/%Y} (1 to {len(target) + 1})"
        )
    target.insert(position - 1, stop)
    return {rid: (edit.team_id, edit.date) for rid in stop}


def _pinned(r: Resident, pin: tuple[str, dt.date | None] | None) -> Resident:
    """The resident with the edit's pin (an edit's pin replaces the list's)."""
    return r if pin is None else replace(r, pin_team=pin[0], pin_date=pin[1])


def _assert_kept(plan: Plan, edits: Sequence[Edit], kept: Mapping[RouteKey, Sequence]) -> None:
    """The plan keeps every locked route exactly and every moved stop where it was put (the
    solver promises it; a plan that breaks it is a bug, never returned)."""
    routes = {(r.team_id, r.date): [tuple(s.resident_ids) for s in r.stops] for r in plan.routes}
    planned = set(plan.resident_ids())
    for key, stops in kept.items():
        expected = [s for s in (tuple(r for r in s if r in planned) for s in stops) if s]
        if routes.get(key, []) != expected:
            raise InternalError(f"the locked route of team {key[0]} on {key[1]} was not kept")
    for edit in edits:
        if isinstance(edit, Move):
            key = (edit.team_id, edit.date.isoformat())
            if edit.resident_id in planned and not any(
                edit.resident_id in s for s in routes.get(key, [])
            ):
                raise InternalError(f"the moved stop of {edit.resident_id} was not kept")
