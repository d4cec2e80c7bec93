"""Property: any small random scenario yields a plan the checker accepts, accounting for all."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.model import Resident, Team
from planner.settings import Settings
from tests.helpers import DEPOT, START, plan_and_check

ONE_WORKER = Settings().with_solver(workers=1)

offsets = st.floats(min_value=-0.04, max_value=0.04, allow_nan=False)


@st.composite
def residents(draw: st.DrawFn, k: int) -> Resident:
    window = draw(st.one_of(st.none(), st.tuples(st.integers(7, 15), st.integers(1, 4))))
    doses = draw(st.integers(0, 3))
    return Resident(
        f"R{k}",
        DEPOT[0] + draw(offsets),
        DEPOT[1] + draw(offsets),
        household_id=draw(st.sampled_from(["", "", "", "H1", "H2"])),
        age=draw(st.integers(40, 100)),
        conditions=tuple(draw(st.lists(st.sampled_from(["a", "b", "c"]), max_size=2))),
        doses_received=doses,
        last_dose_date=START - dt.timedelta(days=draw(st.integers(1, 200))) if doses else None,
        status=draw(st.sampled_from(["eligible"] * 6 + ["refused", "postponed"])),
        available_from_s=None if window is None else window[0] * 3600,
        available_to_s=None if window is None else (window[0] + window[1]) * 3600,
        needs_doctor=draw(st.booleans()),
        service_minutes=draw(st.one_of(st.none(), st.integers(10, 90))),
    )


@st.composite
def teams(draw: st.DrawFn, k: int) -> Team:
    start = draw(st.integers(6, 9)) * 3600
    lunch = draw(st.booleans())
    return Team(
        f"T{k}",
        DEPOT[0] + draw(offsets),
        DEPOT[1] + draw(offsets),
        shift_start_s=start,
        shift_end_s=start + draw(st.integers(4, 9)) * 3600,
        break_start_s=start + 3 * 3600 if lunch else None,
        break_minutes=draw(st.sampled_from([30, 60])) if lunch else 0,
        travel_mode=draw(st.sampled_from(["motorbike", "car", "foot"])),
        has_doctor=draw(st.booleans()),
        max_doses=draw(st.integers(1, 8)),
    )


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[list[Resident], list[Team], int]:
    n = draw(st.integers(1, 10))
    m = draw(st.integers(1, 3))
    return (
        [draw(residents(k)) for k in range(n)],
        [draw(teams(k)) for k in range(m)],
        draw(st.integers(1, 3)),
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_random_scenarios_give_checked_plans_that_account_for_everyone(scenario) -> None:
    people, crews, days = scenario
    # one search process: each example spawning a portfolio worker cost ~4 s of start-up,
    # most of the test's time (202 s -> 32 s); the portfolio is tested in
    # test_search_phases.py and test_solve_outline.py
    plan, _ = plan_and_check(people, crews, days=days, settings=ONE_WORKER, time_limit=0.3)
    placed = [rid for r in plan["routes"] for s in r["stops"] for rid in s["resident_ids"]]
    placed += [u["resident_id"] for u in plan["unassigned"]]
    placed += [e["resident_id"] for e in plan["excluded"]]
    assert sorted(placed) == sorted(r.resident_id for r in people)
