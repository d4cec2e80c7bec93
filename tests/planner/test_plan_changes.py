"""The difference of a re-plan against its parent (planner/plan_changes.py): hand-made
documents for each group, and a real re-plan whose groups must add up and agree with the
plan's own ``changed_assignments``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from planner.plan_changes import (
    ABSENT,
    EARLIER_DAY,
    EXCLUDED,
    UNASSIGNED,
    Moved,
    Slot,
    Standing,
    plan_changes,
)
from planner.plan_document import Plan
from planner.replan import Outcome, replan
from planner.settings import Settings
from tests.helpers import START, around, plan_and_check, resident, team


def document(
    start: str,
    routes: dict[tuple[str, str], list[list[str]]],
    unassigned: dict[str, str] | None = None,
    excluded: dict[str, str] | None = None,
) -> dict[str, Any]:
    """A plan document with just what the comparison reads: routes of stops of ids."""
    return {
        "start_date": start,
        "routes": [
            {"team_id": team_id, "date": day, "stops": [{"resident_ids": ids} for ids in stops]}
            for (team_id, day), stops in routes.items()
        ],
        "unassigned": [
            {"resident_id": rid, "reason_code": code, "reason": code}
            for rid, code in (unassigned or {}).items()
        ],
        "excluded": [
            {"resident_id": rid, "status": status} for rid, status in (excluded or {}).items()
        ],
    }


D1, D2, D3 = "2026-11-23", "2026-11-24", "2026-11-25"
PARENT = document(
    D1,
    {
        ("A", D1): [["R01", "R02"], ["R03"]],  # a day before the re-plan: not compared
        ("A", D2): [["R04"], ["R05", "R06"]],
        ("B", D2): [["R07"]],
        ("B", D3): [["R08"], ["R09"]],
    },
    unassigned={"R10": "no_capacity", "R11": "not_due_in_horizon"},
    excluded={"R12": "refused"},
)
REPLAN = document(
    D2,
    {
        ("A", D2): [["R04"], ["R07"]],  # R04 stays, R07 moves team (B -> A)
        ("B", D2): [["R10"], ["R02"]],  # R10 was unassigned, R02 was on an earlier day
        ("B", D3): [["R05", "R06"], ["R09"], ["R13"]],  # R05/R06 move day, R13 is new
    },
    unassigned={"R08": "no_capacity", "R11": "not_due_in_horizon"},
    excluded={"R01": "vaccinated", "R03": "vaccinated"},
)


def test_every_group_of_a_hand_made_re_plan() -> None:
    changes = plan_changes(PARENT, REPLAN)
    assert changes.start_date == D2
    assert changes.moved == [
        Moved("R05", Slot("A", D2), Slot("B", D3)),
        Moved("R06", Slot("A", D2), Slot("B", D3)),
        Moved("R07", Slot("B", D2), Slot("A", D2)),
    ]
    assert changes.unchanged == 2  # R04 and R09
    assert [(d.resident_id, d.before, d.why) for d in changes.dropped] == [
        ("R08", Slot("B", D3), Standing(UNASSIGNED, "no_capacity"))
    ]
    assert [(n.resident_id, n.after, n.before) for n in changes.newly_planned] == [
        ("R02", Slot("B", D2), Standing(EARLIER_DAY, slot=Slot("A", D1))),
        ("R10", Slot("B", D2), Standing(UNASSIGNED, "no_capacity")),
        ("R13", Slot("B", D3), Standing(ABSENT)),
    ]
    assert changes.dropped_unassigned == 1


def test_dropped_for_an_outcome_or_a_deletion_and_new_after_a_refusal() -> None:
    parent = document(D1, {("A", D1): [["R1"], ["R2"], ["R3"]]}, excluded={"R4": "refused"})
    new = document(D1, {("A", D1): [["R1"], ["R4"]]}, excluded={"R2": "vaccinated"})
    changes = plan_changes(parent, new)
    assert [(d.resident_id, d.why) for d in changes.dropped] == [
        ("R2", Standing(EXCLUDED, "vaccinated")),
        ("R3", Standing(ABSENT)),
    ]
    assert [(n.resident_id, n.before) for n in changes.newly_planned] == [
        ("R4", Standing(EXCLUDED, "refused"))
    ]
    assert changes.unchanged == 1 and changes.moved == [] and changes.dropped_unassigned == 0


def test_the_same_plan_changes_nothing() -> None:
    changes = plan_changes(PARENT, PARENT)
    assert (changes.moved, changes.dropped, changes.newly_planned) == ([], [], [])
    assert changes.unchanged == 9  # every resident on a route


def test_a_real_re_plan_adds_up_and_agrees_with_changed_assignments() -> None:
    people = [
        resident(f"R{k:02d}", around(k, 24, 1200), priority_override=float(1 + k % 5))
        for k in range(24)
    ]
    teams = [team("T1"), team("T2", around(6, 24, 500))]
    parent, _ = plan_and_check(people, teams, days=2, time_limit=3)
    route = next(
        r for r in parent["routes"] if r["date"] == START.isoformat() and len(r["stops"]) >= 3
    )
    done = [s["resident_ids"][0] for s in route["stops"][:2]]
    moment = dt.datetime.combine(START, dt.time(10, 0))
    outcomes = [
        Outcome(done[0], "vaccinated", moment - dt.timedelta(hours=2)),
        Outcome(done[1], "not_at_home", moment - dt.timedelta(hours=1)),
    ]
    result = replan(
        Plan.from_json(parent),
        people,
        teams,
        outcomes,
        moment,
        2,
        Settings().with_solver(time_limit_s=3),
    )
    changes = plan_changes(parent, result.plan.to_json())
    assert result.changed == len(changes.moved) + changes.dropped_unassigned
    on_routes = set(result.plan.resident_ids())
    groups = [m.resident_id for m in changes.moved] + [n.resident_id for n in changes.newly_planned]
    assert len(groups) == len(set(groups)) and set(groups) <= on_routes
    assert changes.unchanged + len(groups) == len(on_routes)
    parent_routes = sum(len(s["resident_ids"]) for r in parent["routes"] for s in r["stops"])
    assert changes.unchanged + len(changes.moved) + len(changes.dropped) == parent_routes
    # the visited stops are kept as they were: unchanged, never moved or dropped
    assert not {m.resident_id for m in changes.moved} & set(done)
    assert not {d.resident_id for d in changes.dropped} & set(done)
