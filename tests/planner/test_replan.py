"""Re-planning: done visits kept, routes under way fixed, few assignments changed."""

from __future__ import annotations

import datetime as dt

from planner.plan_document import Plan
from planner.replan import Outcome, apply_outcomes, assignments, replan
from planner.settings import Settings
from tests.helpers import START, around, plan_and_check, resident, team

PEOPLE = [
    resident(f"R{k:02d}", around(k, 16, 900), priority_override=float(1 + k % 5)) for k in range(16)
]
TEAMS = [team("T1"), team("T2", around(8, 16, 400))]


def at(hour: int, minute: int = 0, day: int = 0) -> dt.datetime:
    return dt.datetime.combine(START + dt.timedelta(days=day), dt.time(hour, minute))


def base_plan():
    plan, _ = plan_and_check(PEOPLE, TEAMS, days=2, time_limit=1)
    return plan


def test_apply_outcomes_latest_wins_and_not_at_home_stays() -> None:
    people = apply_outcomes(
        PEOPLE[:4],
        [
            Outcome("R00", "refused", at(8)),
            Outcome("R00", "vaccinated", at(9)),
            Outcome("R01", "not_at_home", at(9)),
            Outcome("R02", "postponed", at(9), postponed_to=START + dt.timedelta(days=3)),
            Outcome("R03", "contraindicated", at(10)),
        ],
    )
    r0, r1, r2, r3 = people
    assert (r0.status, r0.doses_received, r0.last_dose_date) == ("vaccinated", 1, START)
    assert r1.status == "eligible" and r3.status == "contraindicated"
    assert r2.status == "eligible" and r2.not_before == START + dt.timedelta(days=3)


def test_replan_keeps_the_route_under_way_and_changes_little() -> None:
    base = base_plan()
    route = next(
        r for r in base["routes"] if r["date"] == START.isoformat() and len(r["stops"]) >= 3
    )
    done = route["stops"][:2]
    outcomes = [
        Outcome(done[0]["resident_ids"][0], "vaccinated", at(8, 15)),
        Outcome(done[1]["resident_ids"][0], "not_at_home", at(9)),
    ]
    settings = Settings().with_solver(time_limit_s=1)
    result = replan(Plan.from_json(base), PEOPLE, TEAMS, outcomes, at(10), 2, settings)
    new = result.plan.to_json()
    kept = next(
        r
        for r in new["routes"]
        if r["team_id"] == route["team_id"] and r["date"] == START.isoformat()
    )
    assert kept["stops"][:2] == [dict(s, seq=k + 1) for k, s in enumerate(done)]
    assert result.fixed_stops == 2
    for stop in kept["stops"][2:]:  # the rest of the day starts after the current stop
        assert stop["arrival"] >= done[-1]["departure"]
        assert stop["service_start"][11:16] >= "10:00"
    old, now = assignments(Plan.from_json(base)), assignments(result.plan)
    assert result.changed == sum(
        1
        for rid in old
        if rid in now
        and old[rid]
        and now[rid]
        and old[rid] != now[rid]
        and rid not in {d["resident_ids"][0] for d in done}
    )
    assert result.changed <= 4  # little moves when nothing forces it
    assert new["summary"]["changed_assignments"] == result.changed


def test_replan_without_news_changes_nothing() -> None:
    base = base_plan()
    result = replan(
        Plan.from_json(base), PEOPLE, TEAMS, [], at(6), 2, Settings().with_solver(time_limit_s=1)
    )
    assert result.changed == 0 and result.kept > 0


def test_replan_the_next_morning_drops_the_vaccinated() -> None:
    base = base_plan()
    first_day = [
        rid
        for r in base["routes"]
        if r["date"] == START.isoformat()
        for s in r["stops"]
        for rid in s["resident_ids"]
    ]
    outcomes = [Outcome(rid, "vaccinated", at(9)) for rid in first_day]
    result = replan(
        Plan.from_json(base),
        PEOPLE,
        TEAMS,
        outcomes,
        at(6, day=1),
        1,
        Settings().with_solver(time_limit_s=1),
    )
    excluded = {e["resident_id"]: e["status"] for e in result.plan.to_json()["excluded"]}
    assert all(excluded[rid] == "vaccinated" for rid in first_day)
    assert result.plan.start_date == (START + dt.timedelta(days=1)).isoformat()


def test_a_resident_deleted_after_the_visit_stays_on_the_kept_stop() -> None:
    base = base_plan()
    route = next(
        r for r in base["routes"] if r["date"] == START.isoformat() and len(r["stops"]) >= 2
    )
    done = route["stops"][0]
    gone = done["resident_ids"][0]
    outcomes = [Outcome(gone, "vaccinated", at(8, 15))]
    left = [p for p in PEOPLE if p.resident_id != gone]  # erased on request after the visit
    result = replan(
        Plan.from_json(base),
        left,
        TEAMS,
        outcomes,
        at(10),
        2,
        Settings().with_solver(time_limit_s=1),
    )
    kept = next(
        r
        for r in result.plan.to_json()["routes"]
        if r["team_id"] == route["team_id"] and r["date"] == START.isoformat()
    )
    assert kept["stops"][0]["resident_ids"] == done["resident_ids"]
