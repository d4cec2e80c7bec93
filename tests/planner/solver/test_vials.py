"""Vials: the bookkeeping rule, the checker's recount, and wastage-aware planning."""

from __future__ import annotations

import copy
from dataclasses import replace

from planner.checker import check_plan
from planner.settings import Product, Settings, VialParams
from planner.vials import simulate
from tests.helpers import DEPOT, around, plan_and_check, resident, team

TEN_SIX = Product(doses_per_vial=10, hours_after_opening=6)


def test_vials_open_when_needed_and_waste_the_rest() -> None:
    vials = simulate(
        [(1, 8 * 3600, 3), (2, 9 * 3600, 3), (3, 10 * 3600, 3), (4, 11 * 3600, 3)], TEN_SIX
    )
    assert [(v.opened_at_seq, v.drawn, v.wasted, v.stops) for v in vials] == [
        (1, 10, 0, [1, 2, 3, 4]),
        (4, 2, 8, [4]),
    ]


def test_an_expired_vial_is_discarded() -> None:
    vials = simulate([(1, 8 * 3600, 2), (2, 14 * 3600 + 60, 2)], TEN_SIX)  # 6 h 1 min later
    assert [(v.opened_at_seq, v.drawn, v.wasted) for v in vials] == [(1, 2, 8), (2, 2, 8)]
    assert simulate([(1, 8 * 3600, 2), (2, 14 * 3600, 2)], TEN_SIX)[0].drawn == 4


def two_households_scenario():
    """Two households of five, 3 km apart, a team next to each: one 10-dose vial can serve
    all ten if one team visits both; a team each opens two vials and wastes ten doses."""
    far = around(0, 4, 3000)
    people = [resident(f"A{k}", around(1, 4, 300), household_id="A") for k in range(5)] + [
        resident(f"B{k}", around(1, 4, 300, far), household_id="B") for k in range(5)
    ]
    teams = [team("T1", DEPOT), team("T2", far)]
    return people, teams


def settings(aware: bool) -> Settings:
    return Settings(vials=VialParams(wastage_aware=aware, product="astrazeneca"))


def test_careless_plan_wastes_a_vial_and_a_good_one_none() -> None:
    people, teams = two_households_scenario()
    blind, _ = plan_and_check(people, teams, settings=settings(False), time_limit=2)
    aware, result = plan_and_check(people, teams, settings=settings(True), time_limit=4)
    assert blind["summary"]["planned"] == aware["summary"]["planned"] == 10
    assert blind["summary"]["doses_wasted"] == 10 and blind["summary"]["vials_opened"] == 2
    assert aware["summary"]["doses_wasted"] == 0 and aware["summary"]["vials_opened"] == 1
    (route,) = aware["routes"]
    assert route["vials"][0]["opened_at_stop"] == 1 and route["vials"][0]["doses_drawn"] == 10
    assert result.stats["second_pass_kept"] is True


def test_checker_rejects_vials_that_disagree() -> None:
    people, teams = two_households_scenario()
    plan, _ = plan_and_check(people, teams, settings=settings(True), time_limit=2)
    bad = copy.deepcopy(plan)
    bad["routes"][0]["vials"][0]["doses_wasted"] += 1
    bad["routes"][0]["doses_wasted"] += 1
    found = " ".join(check_plan(bad, people, teams).violations)
    assert "disagree with the recomputed" in found and "summary.doses_wasted" in found


def test_residents_get_only_their_product() -> None:
    people = [
        resident("P", around(0, 3, 500), vaccine="pfizer"),
        resident("M", around(1, 3, 500), vaccine="moderna"),
        resident("X", around(2, 3, 500)),
    ]
    teams = [team("TP", vaccine="pfizer"), team("TA", around(1, 3, 900))]
    plan, _ = plan_and_check(people, teams, settings=settings(True), time_limit=1)
    where = {
        rid: r["team_id"] for r in plan["routes"] for s in r["stops"] for rid in s["resident_ids"]
    }
    assert where["P"] == "TP" and "X" in where
    assert {u["resident_id"]: u["reason_code"] for u in plan["unassigned"]} == {
        "M": "no_team_with_vaccine"
    }
    assert {r["team_id"]: r["vaccine"] for r in plan["routes"]}.get("TA", "astrazeneca") == (
        "astrazeneca"
    )
    assert replace(teams[1], vaccine="").vaccine == ""
