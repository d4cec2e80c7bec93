"""Residents' rights (Decree 13/2023, issue #19 item 13): correction, deletion, and the audit of
who read or changed personal data. On SQLite and PostgreSQL, with the real solver."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.models import ResidentRow, TokenRow, VisitRow
from api.security import hash_token
from api.store import load_residents
from planner.demo import demo_files
from tests.api.conftest import upload, wait_done

PERSONAL = {
    "full_name",
    "phone",
    "address",
    "notes",
    "conditions",
    "age",
    "lat",
    "lon",
    "household_id",
    "last_dose_date",
    "doses_received",
}


def token_id(client: TestClient, headers: dict[str, str]) -> int:
    secret = headers["Authorization"].split(" ", 1)[1]
    with client.app.state.db.session() as s:  # type: ignore[attr-defined]
        found = s.scalar(select(TokenRow.id).where(TokenRow.token_hash == hash_token(secret)))
    assert found is not None
    return found


def audit(client: TestClient, headers: dict[str, str], **params: Any) -> list[dict[str, Any]]:
    got = client.get("/audit", headers=headers, params=params)
    assert got.status_code == 200, got.text
    return got.json()


def stored(client: TestClient, resident_id: str) -> ResidentRow:
    with client.app.state.db.session() as s:  # type: ignore[attr-defined]
        row = s.scalar(select(ResidentRow).where(ResidentRow.resident_id == resident_id))
    assert row is not None
    return row


def first_resident(client: TestClient, headers: dict[str, str], offset: int) -> dict[str, Any]:
    got = client.get("/residents", headers=headers, params={"limit": 1, "offset": offset})
    assert got.status_code == 200
    return got.json()[0]


# --- correction ----------------------------------------------------------------------------


def test_a_correction_is_stored_reread_and_audited(client: TestClient, tokens, loaded) -> None:
    planner = tokens["planner"]
    before = first_resident(client, planner, 0)
    rid = before["resident_id"]
    fixed = client.patch(
        f"/residents/{rid}",
        headers=planner,
        json={
            "address": "Tổ 9, phường Đức Xuân",
            "phone": "0912 345 678",
            "needs_doctor": True,
            "birth_year": 1950,
            "conditions": ["diabetes", "copd"],
        },
    )
    assert fixed.status_code == 200, fixed.text
    assert set(fixed.json()["changed"]) >= {"address", "phone", "needs_doctor", "age", "conditions"}
    again = client.get(f"/residents/{rid}", headers=planner).json()
    assert again["address"] == "Tổ 9, phường Đức Xuân" and again["phone"] == "0912 345 678"
    assert again["needs_doctor"] is True and again["conditions"] == ["diabetes", "copd"]
    assert again["age"] == dt.date.today().year - 1950
    assert again["full_name"] == before["full_name"] and again["lat"] == before["lat"]
    (entry,) = audit(client, planner, resident_id=rid, action="correct_resident")
    assert entry["token_id"] == token_id(client, planner)
    assert "address" in entry["detail"] and "phone" in entry["detail"]
    assert "Tổ 9" not in entry["detail"] and "0912" not in entry["detail"]  # names, never values


def test_a_bad_correction_is_refused_with_the_import_rules(
    client: TestClient, tokens, loaded
) -> None:
    planner = tokens["planner"]
    before = first_resident(client, planner, 1)
    rid = before["resident_id"]
    bad_status = client.patch(f"/residents/{rid}", headers=planner, json={"status": "maybe"})
    assert bad_status.status_code == 422
    (problem,) = bad_status.json()["detail"]["problems"]
    assert problem["column"] == "status" and problem["level"] == "error"
    swapped = client.patch(
        f"/residents/{rid}", headers=planner, json={"lat": before["lon"], "lon": before["lat"]}
    )
    assert swapped.status_code == 422 and "swapped" in swapped.text  # the reader's own rule
    too_old = client.patch(f"/residents/{rid}", headers=planner, json={"birth_year": 1500})
    assert too_old.status_code == 422 and "birth year" in too_old.text
    no_lat = client.patch(f"/residents/{rid}", headers=planner, json={"lat": None})
    assert no_lat.status_code == 422 and "lat is empty" in no_lat.text
    for body in ({}, {"resident_id": "X-1"}, {"lat": "abc"}, {"favourite": 1}):
        assert client.patch(f"/residents/{rid}", headers=planner, json=body).status_code == 422
    assert client.get(f"/residents/{rid}", headers=planner).json() == before
    missing = client.patch("/residents/NO-SUCH", headers=planner, json={"phone": "1"})
    assert missing.status_code == 404
    assert audit(client, planner, resident_id=rid, action="correct_resident") == []


# --- deletion ------------------------------------------------------------------------------


def _day_report(client: TestClient, headers: dict[str, str], day: str) -> dict[str, Any]:
    got = client.get("/reports/daily", headers=headers, params={"date": day})
    assert got.status_code == 200
    return got.json()


@pytest.fixture(scope="module")
def deleted(client: TestClient, tokens, loaded) -> dict[str, Any]:
    """A resident on team DX's first stop: vaccinated, then deleted on request."""
    route = next(r for r in loaded["plan"]["routes"] if r["team_id"] == "DX" and r["stops"])
    rid, day = route["stops"][0]["resident_ids"][0], route["date"]
    planner = tokens["planner"]
    person = client.get(f"/residents/{rid}", headers=planner).json()
    visit = client.post(
        "/visits",
        headers=tokens["DX"],
        json={
            "resident_id": rid,
            "plan_id": loaded["id"],
            "outcome": "vaccinated",
            "at": f"{day}T09:00:00+07:00",
            "idempotency_key": f"rights-{rid}",
            "lat": person["lat"],
            "lon": person["lon"],
        },
    )
    assert visit.status_code == 201, visit.text
    report = _day_report(client, planner, day)
    gone = client.delete(f"/residents/{rid}", headers=planner)
    assert gone.status_code == 200, gone.text
    return {
        "rid": rid,
        "day": day,
        "person": person,
        "report": report,
        "response": gone.json(),
        "visit_id": visit.json()["id"],
    }


def test_deletion_removes_personal_fields_and_keeps_the_visits(client: TestClient, deleted) -> None:
    row = stored(client, deleted["rid"])
    assert row.deleted_at is not None
    assert not PERSONAL & set(row.data)
    assert row.data["ward"] == deleted["person"]["ward"] == row.ward
    assert deleted["person"]["full_name"] not in str(row.data)
    assert deleted["response"]["resident_id"] == deleted["rid"]
    with client.app.state.db.session() as s:  # type: ignore[attr-defined]
        visit = s.get(VisitRow, deleted["visit_id"])
        assert visit is not None and visit.resident_id == deleted["rid"]
        assert visit.outcome == "vaccinated" and (visit.lat, visit.lon) == (None, None)


def test_a_deleted_resident_is_neither_listed_nor_readable(
    client: TestClient, tokens, deleted
) -> None:
    rid = deleted["rid"]
    for headers in (tokens["planner"], tokens["DX"]):
        assert client.get(f"/residents/{rid}", headers=headers).status_code == 404
        listed = client.get("/residents", headers=headers, params={"limit": 10_000}).json()
        assert rid not in {r["resident_id"] for r in listed} and listed
    assert (
        client.patch(
            f"/residents/{rid}", headers=tokens["planner"], json={"phone": "0900"}
        ).status_code
        == 404
    )
    again = client.delete(f"/residents/{rid}", headers=tokens["planner"])
    assert again.status_code == 200 and again.json() == deleted["response"]  # idempotent
    with client.app.state.db.session() as s:  # type: ignore[attr-defined]
        assert rid not in {r.resident_id for r in load_residents(s)}


def test_a_deleted_resident_takes_no_new_outcome(
    client: TestClient, tokens, loaded, deleted
) -> None:
    late = client.post(
        "/visits",
        headers=tokens["DX"],
        json={
            "resident_id": deleted["rid"],
            "plan_id": loaded["id"],
            "outcome": "refused",
            "at": f"{deleted['day']}T10:00:00+07:00",
            "idempotency_key": "rights-after-delete",
            "lat": 22.14,
            "lon": 105.83,
        },
    )
    assert late.status_code == 404
    with client.app.state.db.session() as s:  # type: ignore[attr-defined]
        keys = {v.idempotency_key for v in s.scalars(select(VisitRow))}
    assert "rights-after-delete" not in keys


def test_a_deleted_resident_still_counts_in_the_daily_report(
    client: TestClient, tokens, deleted
) -> None:
    after = _day_report(client, tokens["planner"], deleted["day"])
    before = deleted["report"]
    assert after["totals"] == before["totals"] and after["totals"]["vaccinated"] >= 1
    assert after["by_ward"] == before["by_ward"] and after["by_team"] == before["by_team"]


def test_a_deleted_resident_is_not_planned_again(client: TestClient, tokens, deleted) -> None:
    planner = tokens["planner"]
    created = client.post(
        "/plans", headers=planner, json={"start_date": deleted["day"], "days": 2, "time_limit_s": 3}
    )
    assert created.status_code == 202
    plan = wait_done(client, planner, created.json()["id"])
    assert plan["status"] == "done", plan
    named = {rid for r in plan["plan"]["routes"] for s in r["stops"] for rid in s["resident_ids"]}
    named |= {u["resident_id"] for u in plan["plan"]["unassigned"] + plan["plan"]["excluded"]}
    assert deleted["rid"] not in named and len(named) > 300


def test_old_sheets_and_maps_still_work_without_the_person(
    client: TestClient, tokens, loaded, deleted
) -> None:
    base = f"/plans/{loaded['id']}/teams/DX"
    sheet = client.get(
        f"{base}/sheet", headers=tokens["DX"], params={"date": deleted["day"], "format": "csv"}
    )
    page = client.get(f"{base}/map", headers=tokens["DX"])
    gpx = client.get(f"{base}/gpx", headers=tokens["DX"], params={"date": deleted["day"]})
    overview = client.get(f"/plans/{loaded['id']}/map", headers=tokens["planner"])
    remaining = client.get("/residents", headers=tokens["planner"], params={"limit": 10_000}).json()
    shared = {v for r in remaining for v in (r["phone"], r["address"])}  # household members
    private = {deleted["person"][k] for k in ("phone", "address", "full_name")} - shared - {""}
    for got in (sheet, page, gpx, overview):
        assert got.status_code == 200
        assert not any(value in got.text for value in private)


def test_a_reimport_does_not_bring_a_deleted_resident_back(
    client: TestClient, tokens, deleted
) -> None:
    report = upload(client, tokens["planner"], "residents", demo_files().residents)
    assert report.status_code == 201, report.text
    warned = [p for p in report.json()["problems"] if p["resident_id"] == deleted["rid"]]
    assert len(warned) == 1 and warned[0]["level"] == "warning"
    assert "deleted" in warned[0]["reason"]
    row = stored(client, deleted["rid"])
    assert row.deleted_at is not None and not PERSONAL & set(row.data)


# --- the audit -----------------------------------------------------------------------------


def test_the_audit_lists_reads_newest_first(client: TestClient, tokens, loaded) -> None:
    planner, leader = tokens["planner"], tokens["DX"]
    rid = first_resident(client, planner, 5)["resident_id"]
    assert client.get(f"/residents/{rid}", headers=planner).status_code == 200
    assert client.get("/residents", headers=leader).status_code == 200
    assert client.get(f"/plans/{loaded['id']}/export", headers=planner).status_code == 200
    assert client.get(f"/plans/{loaded['id']}/teams/DX/sheet", headers=leader).status_code == 200
    entries = audit(client, planner, limit=1000)
    assert [e["id"] for e in entries] == sorted((e["id"] for e in entries), reverse=True)
    assert [e["action"] for e in entries[:4]] == [
        "read_sheet",
        "export_plan",
        "list_residents",
        "read_resident",
    ]
    assert entries[3]["resident_id"] == rid
    assert entries[3]["token_id"] == token_id(client, planner)
    assert entries[2]["token_id"] == entries[0]["token_id"] == token_id(client, leader)
    assert "import_residents" in {e["action"] for e in entries}  # the fixture's import
    assert audit(client, planner, limit=2, offset=1) == entries[1:3]
    reads = audit(client, planner, action="read_resident")
    assert reads and {e["action"] for e in reads} == {"read_resident"}
    assert [e["id"] for e in audit(client, planner, resident_id=rid)] == [entries[3]["id"]]
    later = (dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1)).isoformat()
    assert audit(client, planner, since=later) == []
    recent = audit(
        client, planner, since=(dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)).isoformat()
    )
    assert entries[0] in recent
    assert client.get("/audit", headers=planner, params={"action": "nope"}).status_code == 422
    people = client.get("/residents", headers=planner, params={"limit": 10_000}).json()
    values = {r[k] for r in people for k in ("full_name", "phone", "address") if r[k]}
    assert not [e for e in entries if any(v in e["detail"] for v in values)]


def test_team_leaders_may_not_audit_correct_or_delete(client: TestClient, tokens, loaded) -> None:
    leader, planner = tokens["DX"], tokens["planner"]
    rid = first_resident(client, planner, 7)["resident_id"]
    before = client.get(f"/residents/{rid}", headers=planner).json()
    assert client.get("/audit", headers=leader).status_code == 403
    assert (
        client.patch(f"/residents/{rid}", headers=leader, json={"phone": "0900"}).status_code == 403
    )
    assert client.delete(f"/residents/{rid}", headers=leader).status_code == 403
    assert client.get(f"/residents/{rid}", headers=planner).json() == before
    assert client.get("/audit").status_code == 401


HOSTILE = [
    b'{"full_name": "a\\u0000b"}',
    b'{"lat": 1e308}',
    b'{"age": 99999999999999999999999}',
    b'{"priority": -1}',
    b'{"last_dose_date": "9999-12-31"}',
    b'{"available_from": "25:00"}',
    b'{"available_from": "15:00", "available_to": "09:00"}',
    b'{"conditions": "x"}',
    b'{"service_minutes": 0}',
    b'{"doses_received": -4}',
    b"[]",
    b"null",
    b"{",
    '{"notes": "=HYPERLINK(\\"x\\")", "address": "Tổ 1 🏠"}'.encode(),
    b'{"address": "' + b"x" * 501 + b'"}',
    b'{"vaccine": "VNVC"}',
]


def test_hostile_corrections_are_refused_or_stored_never_a_500(
    client: TestClient, tokens, loaded
) -> None:
    planner = tokens["planner"]
    rid = first_resident(client, planner, 9)["resident_id"]
    codes = []
    for body in HOSTILE:
        got = client.patch(
            f"/residents/{rid}",
            content=body,
            headers={**planner, "content-type": "application/json"},
        )
        codes.append(got.status_code)
        assert got.status_code in (200, 422), (body, got.status_code, got.text)
        assert client.get(f"/residents/{rid}", headers=planner).status_code == 200
    assert codes.count(200) == 2, codes  # the spreadsheet formula (stored as text) and VNVC
    assert client.get(f"/residents/{rid}", headers=planner).json()["vaccine"] == "vnvc"
    assert client.get("/residents/a%00b", headers=planner).status_code == 422
