"""POST /plans/{id}/edits on both databases with the real solver process: a move kept where it
was put, a locked route kept stop for stop, pins kept for later plans, what else moved
reported, bad edits refused with a message naming them, team leaders refused, edits audited."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.plan_edits import hand_pins, with_pins

DAY1, DAY2 = "2026-11-23", "2026-11-24"


def document(client: TestClient, headers: dict[str, str], plan_id: int) -> dict[str, Any]:
    body = client.get(f"/plans/{plan_id}", headers=headers).json()
    assert body["status"] == "done", body
    return body["plan"]


def route(plan: dict[str, Any], team_id: str, date: str) -> list[list[str]]:
    """The route's stops as resident-id lists ([] when the team has none that day)."""
    return [
        s["resident_ids"]
        for r in plan["routes"]
        if (r["team_id"], r["date"]) == (team_id, date)
        for s in r["stops"]
    ]


@dataclass
class Moved:
    base: dict[str, Any]
    rid: str
    target: str
    answer: Any


@pytest.fixture(scope="module")
def moved(client: TestClient, tokens: dict[str, dict[str, str]], loaded: dict[str, Any]) -> Moved:
    """The last stop of a first-day route moved to the second place of another team's second
    day (a full day: the rest of it is planned again after the moved stop)."""
    base = loaded["plan"]
    first = next(r for r in base["routes"] if r["date"] == DAY1)
    target = next(
        r["team_id"]
        for r in base["routes"]
        if r["date"] == DAY2 and r["team_id"] != first["team_id"]
    )
    rid = first["stops"][-1]["resident_ids"][0]
    edit = {"kind": "move", "resident_id": rid, "team_id": target, "date": DAY2, "position": 2}
    answer = client.post(
        f"/plans/{loaded['id']}/edits", headers=tokens["planner"], json={"edits": [edit]}
    )
    return Moved(base, rid, target, answer)


def places(plan: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """resident id -> (team, date) of the plan's routes."""
    return {
        x: (r["team_id"], r["date"])
        for r in plan["routes"]
        for s in r["stops"]
        for x in s["resident_ids"]
    }


def test_move_makes_a_draft_version_with_the_stop_where_it_was_put(
    client: TestClient, tokens: dict[str, dict[str, str]], moved: Moved
) -> None:
    assert moved.answer.status_code == 201, moved.answer.text
    result = moved.answer.json()
    assert result["status"] == "done" and result["parent_id"] != result["id"]
    assert moved.rid in result["edited"] and moved.rid not in result["moved"]
    lock = {"team_id": moved.target, "date": DAY2, "stops": 2, "whole_route": False}
    assert lock in result["locked"]
    assert result["moved_count"] == len(result["moved"])
    new = document(client, tokens["planner"], result["id"])
    stops = route(new, moved.target, DAY2)
    assert moved.rid in stops[1]
    assert stops[0] == route(moved.base, moved.target, DAY2)[0]  # locked up to the moved stop
    assert new["replanned_from"] == moved.base["plan_id"]
    # the residents reported as moved are exactly those whose team or day changed
    before, now = places(moved.base), places(new)
    changed = {x for x in before if x in now and now[x] != before[x]} - set(result["edited"])
    assert set(result["moved"]) == changed
    dropped = {x for x in before if x not in now} - set(result["edited"])
    assert set(result["dropped"]) == dropped
    again = client.get(f"/plans/{result['id']}/edits", headers=tokens["planner"])
    assert again.status_code == 200 and again.json() == result
    listed = client.get(f"/plans/{result['id']}", headers=tokens["planner"]).json()
    assert listed["published_at"] is None  # a draft until a planner publishes it


def test_lock_keeps_a_route_and_pins_stay_for_later_plans(
    client: TestClient, tokens: dict[str, dict[str, str]], moved: Moved
) -> None:
    rid, target = moved.rid, moved.target
    parent = moved.answer.json()["id"]
    plan = document(client, tokens["planner"], parent)
    kept = plan["routes"][0]
    other = next(
        s["resident_ids"][0] for r in plan["routes"][1:] for s in r["stops"] if r is not kept
    )
    body = {
        "edits": [
            {"kind": "lock", "team_id": kept["team_id"], "date": kept["date"]},
            {"kind": "pin", "resident_id": other, "date": DAY2},
        ]
    }
    answer = client.post(f"/plans/{parent}/edits", headers=tokens["planner"], json=body)
    assert answer.status_code == 201, answer.text
    result = answer.json()
    new = document(client, tokens["planner"], result["id"])
    assert route(new, kept["team_id"], kept["date"]) == [s["resident_ids"] for s in kept["stops"]]
    assert route(new, target, DAY2)[:2] == route(plan, target, DAY2)[:2]  # the move's lock
    assert {"team_id": target, "date": DAY2, "stops": 2, "whole_route": False} in result["locked"]
    dates = [
        r["date"]
        for r in new["routes"]
        if any(other in s for s in route(new, r["team_id"], r["date"]))
    ]
    unassigned = [u["resident_id"] for u in new["unassigned"]]
    assert dates == [DAY2] or other in unassigned
    with client.app.state.db.session() as s:  # type: ignore[attr-defined]
        pins = hand_pins(s)
    assert pins[other] == ("", dt.date(2026, 11, 24))
    assert pins[rid][0] == target


def test_unlock_frees_the_route(
    client: TestClient, tokens: dict[str, dict[str, str]], moved: Moved
) -> None:
    target = moved.target
    parent = moved.answer.json()["id"]
    body = {"edits": [{"kind": "unlock", "team_id": target, "date": DAY2}]}
    answer = client.post(f"/plans/{parent}/edits", headers=tokens["planner"], json=body)
    assert answer.status_code == 201, answer.text
    assert all(
        lock["team_id"] != target or lock["date"] != DAY2 for lock in answer.json()["locked"]
    )


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        ({"kind": "pin", "resident_id": "NOBODY", "team_id": "DX"}, "edit 1: resident 'NOBODY'"),
        ({"kind": "lock", "team_id": "NOTEAM", "date": DAY1}, "team 'NOTEAM' is not on the list"),
        ({"kind": "lock", "team_id": "DX", "date": "2026-12-25"}, "25/12/2026 is outside"),
        ({"kind": "pin", "resident_id": "x"}, "a pin names a team, a date or both"),
        ({"kind": "jump", "resident_id": "x"}, "kind"),
        ({"kind": "lock", "team_id": "DX", "date": "2026-13-01"}, "date"),
    ],
)
def test_bad_edits_are_422_naming_them(
    client: TestClient,
    tokens: dict[str, dict[str, str]],
    loaded: dict[str, Any],
    edit: dict[str, Any],
    message: str,
) -> None:
    before = client.get("/plans", headers=tokens["planner"]).json()
    answer = client.post(
        f"/plans/{loaded['id']}/edits", headers=tokens["planner"], json={"edits": [edit]}
    )
    assert answer.status_code == 422, answer.text
    assert message in answer.text
    assert len(client.get("/plans", headers=tokens["planner"]).json()) == len(before)


def test_position_out_of_range_is_422(
    client: TestClient,
    tokens: dict[str, dict[str, str]],
    loaded: dict[str, Any],
) -> None:
    rid = loaded["plan"]["routes"][0]["stops"][0]["resident_ids"][0]
    edit = {"kind": "move", "resident_id": rid, "team_id": "SC", "date": DAY1, "position": 999}
    answer = client.post(
        f"/plans/{loaded['id']}/edits", headers=tokens["planner"], json={"edits": [edit]}
    )
    assert answer.status_code == 422
    assert "position 999 is out of range" in answer.json()["detail"]


def test_team_leader_is_refused_and_unknown_plan_is_404(
    client: TestClient,
    tokens: dict[str, dict[str, str]],
    loaded: dict[str, Any],
) -> None:
    body = {"edits": [{"kind": "lock", "team_id": "DX", "date": DAY1}]}
    assert (
        client.post(f"/plans/{loaded['id']}/edits", headers=tokens["DX"], json=body).status_code
        == 403
    )
    assert (
        client.post("/plans/999999/edits", headers=tokens["planner"], json=body).status_code == 404
    )
    assert client.get(f"/plans/{loaded['id']}/edits", headers=tokens["planner"]).status_code == 404


def test_edits_are_audited_without_names(
    client: TestClient, tokens: dict[str, dict[str, str]], moved: Moved
) -> None:
    rid, target = moved.rid, moved.target
    rows = client.get("/audit", headers=tokens["planner"], params={"action": "edit_plan"}).json()
    mine = [r for r in rows if r["resident_id"] == rid]
    assert mine and f"move team_id {target} date {DAY2} position" in mine[-1]["detail"]


def test_a_whole_locked_full_day_cannot_take_one_more_stop_422(
    client: TestClient, tokens: dict[str, dict[str, str]], loaded: dict[str, Any]
) -> None:
    """The latest-ending second day locked whole, and a stop moved into it: the day has less
    slack than one visit, so the lock cannot be kept; the answer names the route and stop."""
    base = loaded["plan"]
    full = max((r for r in base["routes"] if r["date"] == DAY2), key=lambda r: r["end"])
    other = next(r for r in base["routes"] if r["date"] == DAY1 and r["team_id"] != full["team_id"])
    edits = [
        {"kind": "lock", "team_id": full["team_id"], "date": DAY2},
        {
            "kind": "move",
            "resident_id": other["stops"][0]["resident_ids"][0],
            "team_id": full["team_id"],
            "date": DAY2,
            "position": 1,
        },
    ]
    answer = client.post(
        f"/plans/{loaded['id']}/edits", headers=tokens["planner"], json={"edits": edits}
    )
    assert answer.status_code == 422, answer.text
    detail = answer.json()["detail"]
    assert f"the locked route of team {full['team_id']} on 24/11/2026 cannot be kept" in detail


def test_a_pins_date_applies_only_to_plans_of_that_day() -> None:
    """A hand pin's date outside a later plan's days is dropped (the team part stays); an
    unpin lifts the list's own pin; a resident without a hand pin keeps the list's."""
    from planner.model import Resident

    people = [
        Resident("R1", 22.1, 105.8, pin_team="SC"),
        Resident("R2", 22.1, 105.8),
        Resident("R3", 22.1, 105.8),
        Resident("R4", 22.1, 105.8, pin_team="DX"),
    ]
    pins = {
        "R1": ("", None),  # unpinned by hand
        "R2": ("DX", dt.date(2026, 11, 24)),
        "R3": ("", dt.date(2026, 11, 24)),
    }
    december = with_pins(people, pins, dt.date(2026, 12, 1), 5)
    assert [(r.pin_team, r.pin_date) for r in december] == [
        ("", None),
        ("DX", None),
        ("", None),
        ("DX", None),
    ]
    november = with_pins(people, pins, dt.date(2026, 11, 23), 2)
    assert (november[1].pin_team, november[1].pin_date) == ("DX", dt.date(2026, 11, 24))
    assert november[2].pin_date == dt.date(2026, 11, 24)
