"""Hand edits: locked routes kept exactly by the real solver, moves kept where the planner put
them, the rest re-solved around them and checked by the independent checker."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from planner.build import build_problem
from planner.checker import check_plan
from planner.edits import EditError, Lock, Move, Pin, apply_edits
from planner.errors import InputError
from planner.plan import build_plan
from planner.plan_document import Plan
from planner.settings import Settings
from planner.solver import solve, vehicle_index
from planner.solver.locks import search_data, time_locked_routes
from planner.travel import StraightLineTravel
from tests.helpers import START, around, plan_and_check, resident, team

PEOPLE = [
    resident(f"R{k:02d}", around(k, 16, 900), priority_override=float(1 + k % 5)) for k in range(16)
]
TEAMS = [team("T1"), team("T2", around(8, 16, 400))]
DAY2 = START + dt.timedelta(days=1)
SETTINGS = Settings().with_solver(time_limit_s=1, workers=1)


@pytest.fixture(scope="module")
def base() -> Plan:
    document, _ = plan_and_check(PEOPLE, TEAMS, days=2, settings=SETTINGS, time_limit=1)
    return Plan.from_json(document)


def stops_of(plan: Plan, team_id: str, date: dt.date) -> list[tuple[str, ...]]:
    """The route's stops as resident-id tuples ([] when the team has no route that day)."""
    return [s.resident_ids for r in plan.routes_of(team_id, date.isoformat()) for s in r.stops]


def test_a_locked_route_is_kept_in_its_order_with_times_from_the_model() -> None:
    """A locked chain in reverse order (not what the search would choose) comes back exactly,
    timed consistently; no other stop lands on the locked vehicle; the checker accepts it."""
    settings = SETTINGS
    data = build_problem(PEOPLE, TEAMS, START, 2, settings)
    chain = (5, 3, 1, 0)
    v = vehicle_index(0, 0, len(TEAMS))
    travel = StraightLineTravel.from_params(settings.travel)
    locked = replace(data, locked_routes={v: chain})
    result = solve(locked, travel, settings.solver)
    route = next(r for r in result.routes if (r.team_index, r.day) == (0, 0))
    assert tuple(x.stop_index for x in route.visits) == chain
    for a, b in zip(route.visits, route.visits[1:], strict=False):
        assert a.departure_s <= b.arrival_s <= b.service_start_s
    others = [x.stop_index for r in result.routes if r is not route for x in r.visits]
    assert not set(others) & set(chain)
    assert result.stats["locked_routes"] == 1
    document = build_plan(locked, result, travel, settings).to_json()
    assert check_plan(document, PEOPLE, TEAMS).ok


def test_a_lock_on_a_short_weekday_closes_the_team_at_that_days_end() -> None:
    """Monday 07:30-10:00 for T1 (a weekday shift): its locked Monday route is kept and the
    team closes at 10:00, not at its usual 16:30 (which lies outside that day's hours)."""
    teams = [team("T1", weekday_shifts=((0, 27_000, 36_000),)), TEAMS[1]]
    data = build_problem(PEOPLE, teams, START, 2, SETTINGS)
    v = vehicle_index(0, 0, len(teams))
    locked = replace(data, locked_routes={v: (2, 1)})
    travel = StraightLineTravel.from_params(SETTINGS.travel)
    searched = search_data(locked, {v: (2, 1)}, [k for k in range(len(data.stops)) if k > 2], {})
    assert searched.starts[(0, 0)].time_s == 36_000
    result = solve(locked, travel, SETTINGS.solver)
    route = next(r for r in result.routes if (r.team_index, r.day) == (0, 0))
    assert tuple(x.stop_index for x in route.visits) == (2, 1)
    assert route.visits[-1].departure_s <= 36_000
    document = build_plan(locked, result, travel, SETTINGS).to_json()
    assert check_plan(document, PEOPLE, teams).ok


def test_a_lock_that_cannot_be_kept_names_the_stop() -> None:
    """A stop whose window closes before the team can reach it at that position: the error
    names the route and the stop, instead of a search with no solution."""
    people = [*PEOPLE[:4], resident("LATE", around(4, 16, 900), available_to_s=7 * 3600 + 40 * 60)]
    data = build_problem(people, TEAMS, START, 1, SETTINGS)
    late = next(k for k, s in enumerate(data.stops) if "LATE" in s.resident_ids)
    chain = [k for k in range(len(data.stops)) if k != late] + [late]
    travel = StraightLineTravel.from_params(SETTINGS.travel)
    with pytest.raises(InputError, match=r"team T1 on 23/11/2026 cannot be kept: stop 5"):
        time_locked_routes(data, travel, SETTINGS.solver, {0: chain})


def test_move_keeps_the_stop_where_it_was_put_and_reports_the_others(base: Plan) -> None:
    """A move locks the target route up to the moved stop (the day may go on after it)."""
    source = base.routes[0]
    moved = source.stops[-1].resident_ids[0]
    target_team = "T2" if source.team_id == "T1" else "T1"
    before = stops_of(base, target_team, DAY2)
    position = min(2, len(before) + 1)
    edits = [Move(moved, target_team, DAY2, position)]
    edited = apply_edits(base, PEOPLE, TEAMS, edits, SETTINGS)
    after = stops_of(edited.plan, target_team, DAY2)
    assert after[:position] == [*before[: position - 1], (moved,)]
    key = (target_team, DAY2.isoformat())
    assert edited.ready.locks[key] == position and key in edited.ready.open
    assert edited.ready.locked[key] == (*before[: position - 1], (moved,))
    assert moved in edited.edited and moved not in edited.others_moved
    changed = {m.resident_id for m in edited.changes.moved} - {moved}
    assert set(edited.others_moved) >= changed
    assert edited.plan.replanned_from == base.plan_id


def test_a_move_to_the_front_of_the_longest_day_plans_the_rest_after_it(base: Plan) -> None:
    """Moved to the front of the longest day: that stop first, the rest of the day re-planned
    after it (what no longer fits goes elsewhere or out with a reason); the pipeline's
    independent checker accepted the plan (make_plan raises otherwise)."""
    route = max(base.routes, key=lambda r: len(r.stops))
    other = next(r for r in base.routes if r is not route)
    rid = other.stops[-1].resident_ids[0]
    date = dt.date.fromisoformat(route.date)
    edited = apply_edits(base, PEOPLE, TEAMS, [Move(rid, route.team_id, date, 1)], SETTINGS)
    assert stops_of(edited.plan, route.team_id, date)[0] == other.stops[-1].resident_ids
    assert edited.plan.summary.planned + edited.plan.summary.unassigned == len(PEOPLE)


def test_lock_keeps_a_route_while_an_edit_elsewhere_moves_things(base: Plan) -> None:
    """A locked route stays stop for stop while a move elsewhere re-solves the plan; an unlock
    frees it again and the earlier move's lock stays in force."""
    locked = base.routes_of("T1", START.isoformat())[0]
    other = next(r for r in base.routes if r.team_id == "T2" or r.date != START.isoformat())
    rid = other.stops[0].resident_ids[0]
    prefix = [s for s in stops_of(base, "T2", DAY2) if rid not in s] + [(rid,)]
    edits = [Lock("T1", START), Move(rid, "T2", DAY2, None)]
    edited = apply_edits(base, PEOPLE, TEAMS, edits, SETTINGS)
    assert stops_of(edited.plan, "T1", START) == [s.resident_ids for s in locked.stops]
    assert stops_of(edited.plan, "T2", DAY2)[: len(prefix)] == prefix
    assert edited.ready.locks[("T1", START.isoformat())] is None
    freed = apply_edits(
        edited.plan, PEOPLE, TEAMS, [Lock("T1", START, False)], SETTINGS, edited.ready.locks
    )
    assert ("T1", START.isoformat()) not in freed.ready.locks
    assert ("T2", DAY2.isoformat()) in freed.ready.locks  # the earlier move's lock stays


def test_pin_edit_sets_the_pin_for_the_solver(base: Plan) -> None:
    """A pin edit reaches the solver as the resident's pin; the resident is then visited by
    that team on that day (pins in the solver: allowed_vehicles) or left out with a reason."""
    rid = base.routes_of("T1", START.isoformat())[0].stops[0].resident_ids[0]
    edited = apply_edits(base, PEOPLE, TEAMS, [Pin(rid, "T2", DAY2)], SETTINGS)
    assert rid in edited.edited
    where = [(r.team_id, r.date) for r in edited.plan.routes if rid in r.resident_ids()]
    unassigned = [u.resident_id for u in edited.plan.unassigned]
    assert where == [("T2", DAY2.isoformat())] or rid in unassigned


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (Pin("NOBODY", "T1"), "resident 'NOBODY' is not on the list"),
        (Move("R01", "T9", START), "team 'T9' is not on the list"),
        (Lock("T1", START + dt.timedelta(days=5)), "28/11/2026 is outside the plan's days"),
        (Move("R01", "T2", DAY2, 99), "position 99 is out of range"),
    ],
)
def test_bad_edits_say_which_and_why(base: Plan, edit: object, message: str) -> None:
    with pytest.raises(EditError, match=message):
        apply_edits(base, PEOPLE, TEAMS, [edit], SETTINGS)  # type: ignore[list-item]


def test_a_lock_on_a_team_that_may_not_serve_the_stop_names_it() -> None:
    """A stop that needs a doctor locked on a team without one: OR-Tools fails at once on the
    fixed chain (no search); the error says the team may not serve that stop."""
    people = [*PEOPLE[:3], resident("DOC", around(3, 16, 900), needs_doctor=True)]
    teams = [team("T1"), team("T2", around(8, 16, 400), has_doctor=False)]
    data = build_problem(people, teams, START, 1, SETTINGS)
    doc = next(k for k, s in enumerate(data.stops) if "DOC" in s.resident_ids)
    travel = StraightLineTravel.from_params(SETTINGS.travel)
    with pytest.raises(
        InputError, match=r"team T2 on 23/11/2026 cannot be kept: stop 2 .* may not"
    ):
        time_locked_routes(data, travel, SETTINGS.solver, {1: [0 if doc else 1, doc]})
