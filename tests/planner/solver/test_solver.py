"""The real OR-Tools model on crafted scenarios whose right answer is known."""

from __future__ import annotations

import datetime as dt

from planner.model import Resident
from planner.plan import parse_iso_time
from planner.settings import Settings, VisitParams
from tests.helpers import DEPOT, START, around, plan_and_check, reasons, resident, served, team


def ring(n: int, metres: float = 600, **kw) -> list[Resident]:
    return [resident(f"R{k:02d}", around(k, n, metres), **kw) for k in range(n)]


def test_capacity_short_serves_the_highest_priorities() -> None:
    people = [
        resident(f"P{k}", around(k, 8, 500), priority_override=float(k + 1)) for k in range(8)
    ]
    plan, _ = plan_and_check(people, [team(max_doses=3)])
    assert set(served(plan)) == {"P5", "P6", "P7"}
    assert set(reasons(plan).values()) == {"no_capacity"}


def test_time_short_never_leaves_a_higher_priority_out_for_a_lower_one() -> None:
    # Ten residents on a ring: every swap is feasible, the shift holds about five visits.
    people = [
        resident(f"P{k}", around(k, 10, 700), priority_override=float(1 + (k * 7) % 10))
        for k in range(10)
    ]
    plan, _ = plan_and_check(
        people,
        [team(shift_start_s=8 * 3600, shift_end_s=12 * 3600, break_start_s=None, break_minutes=0)],
    )
    prio = {r.resident_id: r.priority_override for r in people}
    done, left = set(served(plan)), set(reasons(plan))
    assert done and left
    assert min(prio[r] for r in done) > max(prio[r] for r in left)


def test_needs_doctor_goes_only_to_a_team_with_a_doctor() -> None:
    people = [*ring(6), resident("DOC", around(1, 6, 650), needs_doctor=True)]
    teams = [team("NURSE", has_doctor=False), team("DOCTOR", around(3, 6, 900), has_doctor=True)]
    plan, _ = plan_and_check(people, teams)
    assert served(plan)["DOC"][0] == "DOCTOR"


def test_no_team_with_doctor_is_a_reason() -> None:
    plan, _ = plan_and_check(
        [*ring(3), resident("DOC", around(1, 3, 650), needs_doctor=True)], [team(has_doctor=False)]
    )
    assert reasons(plan) == {"DOC": "no_team_with_doctor"}


def test_lunch_break_is_taken_and_never_during_a_visit() -> None:
    plan, _ = plan_and_check(ring(9), [team()])
    (route,) = plan["routes"]
    b0, b1 = (parse_iso_time(route["break"][k])[1] for k in ("start", "end"))
    assert b1 - b0 == 3600 and 11.5 * 3600 <= b0 <= 12.5 * 3600
    for stop in route["stops"]:
        s0, s1 = parse_iso_time(stop["service_start"])[1], parse_iso_time(stop["departure"])[1]
        assert s1 <= b0 or s0 >= b1


def test_availability_windows_are_met() -> None:
    people = [
        *ring(6),
        resident("PM", around(2, 6, 650), available_from_s=14 * 3600, available_to_s=15 * 3600),
    ]
    plan, _ = plan_and_check(people, [team()])
    route = plan["routes"][0]
    stop = next(s for s in route["stops"] if "PM" in s["resident_ids"])
    assert 14 * 3600 <= parse_iso_time(stop["service_start"])[1] <= 15 * 3600


def test_window_no_team_can_meet_is_a_reason() -> None:
    people = [
        *ring(3),
        resident("NIGHT", around(1, 3, 650), available_from_s=19 * 3600, available_to_s=21 * 3600),
    ]
    plan, _ = plan_and_check(people, [team()])
    assert reasons(plan) == {"NIGHT": "window_unreachable"}


def test_too_far_for_any_shift_is_a_reason() -> None:
    far = (DEPOT[0] + 0.9, DEPOT[1])  # 130 km by road on a motorbike: 5 h each way
    plan, _ = plan_and_check([*ring(3), resident("FAR", far)], [team()])
    assert reasons(plan) == {"FAR": "outside_shift_reach"}


def test_household_bigger_than_any_team_load() -> None:
    people = [resident(f"H{k}", DEPOT, household_id="BIG") for k in range(4)] + ring(2)
    plan, _ = plan_and_check(people, [team(max_doses=3)])
    assert {reasons(plan).get(f"H{k}") for k in range(4)} == {"exceeds_team_doses"}


def test_residents_are_planned_only_on_days_they_are_due() -> None:
    people = [
        *ring(4),
        resident(
            "LATE",
            around(1, 4, 650),
            doses_received=1,
            last_dose_date=START - dt.timedelta(days=27),
        ),
    ]
    plan, _ = plan_and_check(people, [team()], days=2)
    assert served(plan)["LATE"][1] == (START + dt.timedelta(days=1)).isoformat()


def test_high_priority_residents_are_pushed_to_the_first_day() -> None:
    # Two days, room for about half the residents per day: the high ones go first.
    people = [
        resident(f"P{k}", around(k, 12, 700), priority_override=10.0 if k % 2 else 1.0)
        for k in range(12)
    ]
    plan, _ = plan_and_check(
        people,
        [team(shift_start_s=8 * 3600, shift_end_s=13 * 3600, break_start_s=None, break_minutes=0)],
        days=2,
    )
    days = served(plan)
    first_day = {rid for rid, (_, d, _) in days.items() if d == START.isoformat()}
    high = {f"P{k}" for k in range(12) if k % 2}
    assert first_day and first_day <= high


def test_every_resident_accounted_and_summary_consistent() -> None:
    people = [*ring(10), resident("NO", DEPOT, status="refused")]
    settings = Settings(visit=VisitParams(observation_minutes=15))
    plan, result = plan_and_check(
        people, [team(), team("T2", around(5, 10, 900))], settings=settings
    )
    ids = set(served(plan)) | set(reasons(plan)) | {e["resident_id"] for e in plan["excluded"]}
    assert ids == {r.resident_id for r in people}
    assert result.is_feasible() and "stops" in result.summary()
    assert plan["summary"]["residents"] == 11 and plan["excluded"] == [
        {"resident_id": "NO", "status": "refused"}
    ]


def test_warm_start_from_previous_routes_keeps_them() -> None:
    from planner.build import build_problem
    from planner.checker import check_plan
    from planner.plan import build_plan
    from planner.solver import solve
    from planner.travel import StraightLineTravel

    settings = Settings().with_solver(time_limit_s=1)
    people = ring(8)
    data = build_problem(people, [team(), team("T2", around(4, 8, 900))], START, 1, settings)
    travel = StraightLineTravel.from_params(settings.travel)
    first = solve(data, travel, settings.solver)
    routes = [[] for _ in range(2)]
    for r in first.routes:
        routes[r.team_index] = [v.stop_index for v in r.visits]
    again = solve(data, travel, settings.solver, initial_routes=routes)
    assert again.objective <= first.objective
    plan = build_plan(data, again, travel, settings).to_json()
    assert check_plan(plan, people, [team(), team("T2", around(4, 8, 900))]).ok


def test_rounds_start_in_the_morning_without_idle_time() -> None:
    plan, _ = plan_and_check(ring(3), [team()])
    (route,) = plan["routes"]
    first = route["stops"][0]
    assert route["start"][11:16] == "07:30"
    assert first["arrival"] == first["service_start"]  # nobody waits at the first door


def test_wall_clock_guard_cancels_a_search_that_runs_on() -> None:
    from planner.build import build_problem
    from planner.checker import check_plan
    from planner.plan import build_plan
    from planner.solver import solve
    from planner.travel import StraightLineTravel

    settings = Settings().with_solver(time_limit_s=60, guard_factor=0.02, guard_grace_s=0)
    people = ring(12)
    data = build_problem(people, [team()], START, 2, settings)
    travel = StraightLineTravel.from_params(settings.travel)
    result = solve(data, travel, settings.solver)  # the guard fires at 1.2 s, not 60 s
    # cancelled by the guard, yet a plan: what the search found by then
    assert result.stopped_by_guard and result.is_feasible() and result.runtime_s < 30
    assert check_plan(build_plan(data, result, travel, settings).to_json(), people, [team()]).ok
