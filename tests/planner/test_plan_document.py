"""The typed plan document (planner/plan_document.py): the same JSON out as in, keys in the
same order; older documents read; the summary counted once; the pipeline refuses a plan
whose document does not read back.

Every plan the other tests make passes through the same check: ``tests.helpers.plan_and_check``
asserts the round trip, and the pipeline (plans from lists, re-plans, the API's, the CLI's)
checks it before it returns a plan."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from planner.errors import InternalError
from planner.plan_document import Plan, PlanRoute, PlanStop, PlanSummary, resident_ids
from planner.replan import Outcome, replan
from planner.settings import RoadParams, Settings, VialParams
from planner.travel.roads import road_travel
from tests.helpers import START, around, plan_and_check, resident, round_trip, team
from tests.osm_builder import at, write_osm

PEOPLE = [
    resident(f"R{k:02d}", around(k, 12, 900), household_id=f"H{k // 2}", needs_doctor=k == 3)
    for k in range(12)
]
OUT = [
    resident("NO", around(0, 4, 300), status="refused"),
    resident(
        "LATER", around(1, 4, 300), doses_received=1, last_dose_date=START - dt.timedelta(days=3)
    ),
]
TEAMS = [
    team("T1", break_start_s=11 * 3600 + 1800, break_minutes=60, max_doses=3),
    team("T2", around(6, 12, 300), has_doctor=False, max_doses=2),
]


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    """Two days, households, a doctor's visit, lunch breaks, vials, residents left out for
    capacity and not due, one excluded (refused)."""
    plan, _ = plan_and_check(PEOPLE + OUT, TEAMS, days=2, time_limit=3)
    return plan


def key_orders(doc: dict[str, Any]) -> set[tuple[str, ...]]:
    return {tuple(r) for r in doc["routes"]}


def test_the_document_reads_back_and_writes_out_the_same(document: dict[str, Any]) -> None:
    plan = Plan.from_json(document)
    assert json.dumps(plan.to_json()) == json.dumps(document)  # values and key order
    assert plan.unassigned and plan.excluded and any(r.lunch for r in plan.routes)
    assert all(r.vials for r in plan.routes) and plan.summary.vials_opened
    assert {u.reason_code for u in plan.unassigned} >= {"no_capacity", "not_due_in_horizon"}
    assert plan.excluded[0].resident_id == "NO" and plan.excluded[0].status == "refused"


def test_resident_ids_in_visit_order(document: dict[str, Any]) -> None:
    plan = Plan.from_json(document)
    expected = [rid for r in document["routes"] for s in r["stops"] for rid in s["resident_ids"]]
    assert plan.resident_ids() == expected == resident_ids(plan.routes)
    for route in plan.routes:
        assert plan.routes_of(route.team_id, route.date) == [route]


def test_the_summary_is_counted_from_the_routes(document: dict[str, Any]) -> None:
    plan = Plan.from_json(document)
    assert plan.recounted() == plan  # the builder's summary is the count itself
    s = plan.summary
    assert s.residents == s.planned + s.unassigned + s.excluded == len(PEOPLE + OUT)
    shorter = replace(
        plan.routes[0],
        stops=plan.routes[0].stops[:-1],
        doses=plan.routes[0].dose_count() - plan.routes[0].stops[-1].doses,
    )
    counted = replace(plan, routes=(shorter, *plan.routes[1:])).recounted().summary
    assert counted.planned == s.planned - len(plan.routes[0].stops[-1].resident_ids)
    assert counted.doses == s.doses - plan.routes[0].stops[-1].doses
    assert counted.coverage_by_priority == s.coverage_by_priority  # the solve's, kept
    again = PlanSummary.of(
        plan.routes,
        plan.unassigned,
        plan.excluded,
        s.coverage_by_priority,
        s.solve_s,
        s.solutions_found,
    )
    assert again == s


def test_an_older_document_without_the_added_fields_reads() -> None:
    """A plan stored before depots, breaks, vials and legs were written: the spec's fields."""
    old = {
        "plan_id": "p1",
        "created_at": "2025-01-01T00:00:00+07:00",
        "start_date": "2025-01-02",
        "days": 1,
        "travel_model": {"kind": "haversine"},
        "routes": [
            {
                "team_id": "T1",
                "date": "2025-01-02",
                "start": "2025-01-02T07:30:00",
                "end": "2025-01-02T09:00:00",
                "distance_m": 900,
                "travel_s": 300,
                "stops": [
                    {
                        "seq": 1,
                        "resident_ids": ["A", "B"],
                        "lat": 22.1,
                        "lon": 105.8,
                        "arrival": "2025-01-02T07:40:00",
                        "service_start": "2025-01-02T07:40:00",
                        "departure": "2025-01-02T08:10:00",
                        "doses": 2,
                    }
                ],
            }
        ],
        "unassigned": [],
        "excluded": [],
        "parameters": {},
        "summary": {
            "residents": 2,
            "planned": 2,
            "unassigned": 0,
            "excluded": 0,
            "routes": 1,
            "doses": 2,
            "distance_m": 900,
            "travel_s": 300,
            "unassigned_by_reason": {},
            "coverage_by_priority": {},
            "solve_s": 1.0,
            "solutions_found": 3,
        },
    }
    plan = Plan.from_json(old)
    (route,) = plan.routes
    assert route.depot is None and route.vials is None and route.dose_count() == 2
    assert plan.summary.doses_wasted is None and plan.replanned_from is None
    out = plan.to_json()  # what it lacked stays out, but for the break, always written
    assert out["routes"][0].pop("break") is None
    assert json.dumps(out) == json.dumps(old)


def test_a_road_plan_keeps_its_paths_and_walks(tmp_path: Path) -> None:
    osm = write_osm(
        tmp_path / "line.osm", [([(0, 0), (1500, 0), (1500, 900)], {"highway": "residential"})]
    )
    station, people = at(0, 5), [resident("A", at(1500, 450)), resident("B", at(700, 60))]
    settings = Settings(roads=RoadParams(cache_dir=str(tmp_path / "cache")))
    travel = road_travel(osm, settings, [team("T1", station)], [(p.lat, p.lon) for p in people])
    document, _ = plan_and_check(
        people, [team("T1", station)], settings=settings, travel=travel, time_limit=3
    )
    route = Plan.from_json(document).routes[0]
    assert route.return_path and all(s.path_from_previous for s in route.stops)
    assert {s.resident_ids[0]: s.offroad_m for s in route.stops}["B"] == pytest.approx(60, abs=2)
    assert json.dumps(Plan.from_json(document).to_json()) == json.dumps(document)


def test_a_replan_whose_team_is_done_writes_its_route_like_any_other() -> None:
    """A team whose whole day is done and that gets nothing more today keeps a route made of
    its kept stops; its keys come in the document's one order (a dict built by hand once
    listed them in another)."""
    base, _ = plan_and_check(PEOPLE, TEAMS, days=2, time_limit=3)
    first = next(r for r in base["routes"] if r["date"] == START.isoformat() and r["stops"])
    done = [
        Outcome(rid, "vaccinated", dt.datetime.combine(START, dt.time(8)))
        for s in first["stops"]
        for rid in s["resident_ids"]
    ]
    result = replan(
        Plan.from_json(base),
        PEOPLE,
        TEAMS,
        done,
        dt.datetime.combine(START, dt.time(16, 0)),
        2,
        Settings(vials=VialParams(wastage_aware=False)).with_solver(time_limit_s=3),
    )
    new = round_trip(result.plan)
    kept = next(
        r for r in new["routes"] if r["team_id"] == first["team_id"] and r["date"] == first["date"]
    )
    assert [s["resident_ids"] for s in kept["stops"]] == [s["resident_ids"] for s in first["stops"]]
    assert len(key_orders(new)) == 1 and new["replanned_from"] == base["plan_id"]
    assert new["summary"]["fixed_stops"] == len(first["stops"])


def test_the_pipeline_refuses_a_plan_that_does_not_read_back(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A reader that loses a field (here: each stop's ward) fails the plan, as the checker
    would, instead of handing out a document the rest of VaxRoute reads differently."""
    from planner.pipeline import PlanRequest, make_plan

    def lossy(cls: type[PlanStop], d: dict[str, Any]) -> PlanStop:
        return replace(original(d), ward=None)

    original = PlanStop.from_json
    monkeypatch.setattr(PlanStop, "from_json", classmethod(lossy))
    people = [resident(f"W{k}", around(k, 3, 500), ward="Đức Xuân") for k in range(3)]
    request = PlanRequest(people, [team()], START, 1, Settings().with_solver(time_limit_s=3))
    with pytest.raises(InternalError, match="does not read back"):
        make_plan(request)


def test_stops_and_routes_are_frozen(document: dict[str, Any]) -> None:
    route = PlanRoute.from_json(document["routes"][0])
    with pytest.raises(AttributeError):
        route.stops[0].seq = 9  # type: ignore[misc]
    assert isinstance(route.stops, tuple) and isinstance(route.stops[0].resident_ids, tuple)
