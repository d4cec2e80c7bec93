"""Hand edits of a plan: pin or unpin a resident, move a stop, lock or unlock a route; the plan
re-solved around what the planner fixed, and what else moved because of it.

An edit is a re-plan of the same days (the plan's own start date and days):

* a **pin** sets the resident's ``pin_team`` / ``pin_date`` (both empty: no pin): the solver
  visits the resident by that team / on that date, or not at all with the pin as reason;
* a **move** takes a stop (every resident of the plan's stop that holds the named resident)
  out of its route and puts it into the route of another team and/or day at a position; the
  residents are pinned there and the target route is locked *up to the moved stop* (an open
  lock): the stop is exactly where the planner put it, after the same stops, and the solver may
  plan the rest of that day after it (a whole-route lock would make a move into a full day
  impossible: a day of the demo has no room for one more stop);
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
from pathlib import Path
from typing import Any

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
    dropped or newly planned); the edits as prepared, with the locks now in force (for the
    next edit: ``ready.locks``)."""

    plan: Plan
    edited: frozenset[str]
    changes: PlanChanges
    others_moved: tuple[str, ...]
    ready: Prepared


@dataclass(frozen=True)
class Prepared:
    """Edits checked and applied to the routes, before solving: the residents' pins the edits
    set (resident id -> (team, date)); the locks in force (route -> None: the whole route, or
    n: its first n stops, the day going on after them: a move's lock); the stops each lock
    keeps, in order."""

    pins: Mapping[str, tuple[str, dt.date | None]]
    locks: Mapping[RouteKey, int | None]
    locked: Mapping[RouteKey, tuple[tuple[str, ...], ...]]

    @property
    def open(self) -> frozenset[RouteKey]:
        """The locks whose day goes on after their stops."""
        return frozenset(key for key, n in self.locks.items() if n is not None)


def prepare(
    base: Plan,
    residents: Sequence[Resident],
    teams: Sequence[Team],
    edits: Sequence[Edit],
    locked: Mapping[RouteKey, int | None] | None = None,
) -> Prepared:
    """Check ``edits`` against ``base`` and the lists (:class:`EditError` naming the edit) and
    apply them to its routes: moves taken out and put in, locks set or freed (``locked``: the
    locks already in ``base``, as :attr:`Prepared.locks`). A move locks its target route up to
    the moved stop (the day may go on after it); a lock keeps the whole route. Cheap: the API
    calls it before queueing the solve."""
    routes = {(r.team_id, r.date): [tuple(s.resident_ids) for s in r.stops] for r in base.routes}
    locks: dict[RouteKey, int | None] = dict(locked or {})
    pins = _check(base, residents, teams, edits)
    for n, edit in enumerate(edits, start=1):
        if isinstance(edit, Move):
            pins.update(_move(routes, locks, edit, n))
        elif isinstance(edit, Lock):
            key = (edit.team_id, edit.date.isoformat())
            if edit.locked:
                locks[key] = None
            else:
                locks.pop(key, None)
    kept = {
        key: tuple(routes.get(key, [])[:n] if n is not None else routes.get(key, []))
        for key, n in sorted(locks.items())
    }
    return Prepared(pins, locks, kept)


def apply_edits(
    base: Plan,
    residents: Sequence[Resident],
    teams: Sequence[Team],
    edits: Sequence[Edit],
    settings: Settings,
    locked: Mapping[RouteKey, int | None] | None = None,
    travel: TravelModel | None = None,
    progress: Callable[[Progress], None] | None = None,
    plan_id: str | None = None,
    roads: Path | None = None,
    osrm_url: str | None = None,
) -> Edited:
    """Apply ``edits`` to ``base`` (``locked``: the routes already locked in it) and re-solve
    its days around them (see the module's docstring). :class:`EditError` for a bad edit, or a
    locked route the model cannot keep (InputError naming the stop)."""
    ready = prepare(base, residents, teams, edits, locked)
    pinned = [_pinned(r, ready.pins.get(r.resident_id)) for r in residents]
    # one search from the previous plan: a portfolio's second process costs seconds to start
    # and its other strategies wander from the plan (a move: 24 others moved instead of 6)
    settings = settings.with_solver(workers=1)
    done = make_plan(
        PlanRequest(
            pinned,
            teams,
            dt.date.fromisoformat(base.start_date),
            base.days,
            settings,
            continuation=Continuation(base.routes, locked=ready.locked, locked_open=ready.open),
            plan_id=plan_id,
        ),
        TravelChoice(travel, roads, osrm_url, progress),
    )
    changed, _ = count_changes(base, done.plan, exclude=set())
    plan = replace(
        done.plan,
        replanned_from=base.plan_id,
        summary=replace(done.plan.summary, changed_assignments=changed),
    )
    _assert_kept(plan, edits, ready)
    edited = frozenset(ready.pins)
    changes = plan_changes(base.to_json(), plan.to_json())
    return Edited(plan, edited, changes, others_changed(changes, edited), ready)


def others_changed(changes: PlanChanges, edited: Iterable[str]) -> tuple[str, ...]:
    """Residents the edits did not name who moved, were dropped or newly planned."""
    named = set(edited)
    everyone = (
        {m.resident_id for m in changes.moved}
        | {d.resident_id for d in changes.dropped}
        | {n.resident_id for n in changes.newly_planned}
    )
    return tuple(sorted(everyone - named))


def edit_from_json(d: Mapping[str, Any]) -> Edit:
    """An edit from its JSON form (the API's body, stored with the plan version it made):
    ``kind`` pin / unpin / move / lock / unlock."""
    kind, date = d["kind"], d.get("date")
    day = dt.date.fromisoformat(date) if date else None
    if kind in ("pin", "unpin"):
        if kind == "unpin":
            return Pin(d["resident_id"])
        return Pin(d["resident_id"], d.get("team_id") or "", day)
    if kind == "move":
        assert day is not None
        return Move(d["resident_id"], d["team_id"], day, d.get("position"))
    assert day is not None and kind in ("lock", "unlock")
    return Lock(d["team_id"], day, kind == "lock")


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


def _move(
    routes: dict[RouteKey, Stops], locks: dict[RouteKey, int | None], edit: Move, n: int
) -> dict[str, tuple[str, dt.date | None]]:
    """Take the stop holding the resident out of its route and put it into the target route
    at the position, the target locked up to it (``routes`` and ``locks`` change in place);
    the pins of its residents."""
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
            f"edit {n}: resident {edit.resident_id!r} is not on a route of this plan: pin "
            "the resident instead"
        )
    key = (edit.team_id, edit.date.isoformat())
    size = len(routes.get(key, [])) + (0 if source[0] == key else 1)
    position = size if edit.position is None else edit.position
    if not 1 <= position <= size:
        raise EditError(
            f"edit {n}: position {position} is out of range for team {edit.team_id} on "
            f"{edit.date:%d/%m/%Y} (1 to {size})"
        )
    stop = routes[source[0]].pop(source[1])
    before = locks.get(source[0])
    if before is not None and source[1] < before:
        locks[source[0]] = before - 1
    routes.setdefault(key, []).insert(position - 1, stop)
    if key not in locks or locks[key] is not None:
        prefix = locks.get(key) or 0
        locks[key] = max(prefix + (1 if position <= prefix else 0), position)
    return {rid: (edit.team_id, edit.date) for rid in stop}


def _pinned(r: Resident, pin: tuple[str, dt.date | None] | None) -> Resident:
    """The resident with the edit's pin (an edit's pin replaces the list's)."""
    return r if pin is None else replace(r, pin_team=pin[0], pin_date=pin[1])


def _assert_kept(plan: Plan, edits: Sequence[Edit], ready: Prepared) -> None:
    """The plan keeps every lock (a whole route exactly, an open one's stops as its first
    ones) and every moved stop on its route (the solver promises it; a plan that breaks it is
    a bug, never returned)."""
    routes = {(r.team_id, r.date): [tuple(s.resident_ids) for s in r.stops] for r in plan.routes}
    planned = set(plan.resident_ids())
    for key, stops in ready.locked.items():
        expected = [s for s in (tuple(r for r in s if r in planned) for s in stops) if s]
        got = routes.get(key, [])
        if (got[: len(expected)] if key in ready.open else got) != expected:
            raise InternalError(f"the locked route of team {key[0]} on {key[1]} was not kept")
    for edit in edits:
        if isinstance(edit, Move):
            key = (edit.team_id, edit.date.isoformat())
            excluded = {e.resident_id for e in plan.excluded}  # e.g. vaccinated meanwhile
            if edit.resident_id not in excluded and not any(
                edit.resident_id in s for s in routes.get(key, [])
            ):
                raise InternalError(f"the moved stop of {edit.resident_id} was not kept")
