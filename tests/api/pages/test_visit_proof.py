"""Proof of visit (issue 22, item 5), on SQLite and PostgreSQL with a solved demo plan.

Tablets post outcomes with the device's position at the stop (about 22 m off), far from it
(420 m east) and with none. The API must give each outcome's distance to the stop the plan put
the resident at, within a metre of the haversine written below (the independent check: the
server uses planner/geo.py's), flag only the far one, and never give back or log the position;
the board must mark the far resident's chip with the distance in words and count the team's
flagged outcomes; the report page, its downloads and ``GET /reports/daily`` must count them per
team and ward.
"""

from __future__ import annotations

import csv
import io
import logging
import math
from typing import Any

import openpyxl
import pytest
from fastapi.testclient import TestClient

from api.models import VisitRow
from api.visit_proof import FAR_FROM_STOP_M, StopFinder, proof_of, stop_positions
from tests.api.pages.conftest import make_user, signed_in
from tests.api.pages.test_board import AT, Marked, _cells, _route

R = 6_371_000.0  # metres; the server's radius differs by 9 m, under a millimetre here


def haversine(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle metres, written out here as the independent check of the server's."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * R * math.asin(math.sqrt(a))


def _east(lat: float, lon: float, metres: float) -> tuple[float, float]:
    return lat, lon + math.degrees(metres / (R * math.cos(math.radians(lat))))


@pytest.fixture(scope="module")
def proved(client: TestClient, tokens, loaded, caplog_module) -> dict[str, Any]:
    """DX: one outcome at its stop, one 420 m away, one without a position; SC: one far."""
    plan = loaded["plan"]
    dx, sc = _route(plan, "DX")["stops"], _route(plan, "SC")["stops"]
    near_lat, near_lon = dx[0]["lat"] + 0.0002, dx[0]["lon"]
    posts = [
        ("DX", dx[0], (near_lat, near_lon), "vaccinated", "08:00"),
        ("DX", dx[1], _east(dx[1]["lat"], dx[1]["lon"], 420), "refused", "08:30"),
        ("DX", dx[2], None, "not_at_home", "09:00"),
        ("SC", sc[0], _east(sc[0]["lat"], sc[0]["lon"], 420), "vaccinated", "09:10"),
    ]
    answers = []
    for k, (team, stop, where, outcome, at) in enumerate(posts):
        body = {
            "resident_id": stop["resident_ids"][0],
            "plan_id": loaded["id"],
            "outcome": outcome,
            "at": AT.format(at),
            "idempotency_key": f"proof-{k:04d}",
        }
        if where is not None:
            body.update(lat=where[0], lon=where[1])
        answer = client.post("/visits", headers=tokens[team], json=body)
        assert answer.status_code == 201, answer.text
        answers.append((body, stop, where, answer.json()))
    make_user(client, "Lê Thị Chứng")
    signed_in(client, "Lê Thị Chứng")
    return {"answers": answers, "logs": caplog_module}


@pytest.fixture(scope="module")
def caplog_module() -> Any:
    """Every log record while the outcomes are posted (the module's caplog)."""
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler, root = Keep(logging.DEBUG), logging.getLogger()
    old = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield records
    root.removeHandler(handler)
    root.setLevel(old)


def test_the_api_gives_the_distance_to_the_stop_and_flags_far_ones(
    client: TestClient, tokens, proved
) -> None:
    flags = []
    for _, stop, where, answer in proved["answers"]:
        assert "lat" not in answer and "lon" not in answer
        if where is None:
            assert answer["distance_m"] is None and answer["far_from_stop"] is None
        else:
            expected = haversine(where[0], where[1], stop["lat"], stop["lon"])
            assert abs(answer["distance_m"] - expected) < 1.0, (answer, expected)
            assert answer["far_from_stop"] is (expected > FAR_FROM_STOP_M)
        flags.append(answer["far_from_stop"])
    assert flags == [False, True, None, True]
    assert 15 < proved["answers"][0][3]["distance_m"] < 30
    assert abs(proved["answers"][1][3]["distance_m"] - 420) < 1.0
    # a retry answers the first record, with the same distance
    body, _, _, first = proved["answers"][1]
    again = client.post("/visits", headers=tokens["DX"], json=body)
    assert again.status_code == 200 and again.json()["duplicate"] is True
    assert again.json()["distance_m"] == first["distance_m"]
    # the list computes it on read, from the stored position and the visit's own plan
    listed = {v["id"]: v for v in client.get("/visits", headers=tokens["planner"]).json()}
    for _, _, _, answer in proved["answers"]:
        shown = listed[answer["id"]]
        assert (shown["distance_m"], shown["far_from_stop"]) == (
            answer["distance_m"],
            answer["far_from_stop"],
        )
        assert "lat" not in shown and "lon" not in shown


def test_half_a_position_is_refused_with_a_message(
    client: TestClient, tokens, loaded, proved
) -> None:
    stop = _route(loaded["plan"], "DX")["stops"][3]
    body = {
        "resident_id": stop["resident_ids"][0],
        "plan_id": loaded["id"],
        "outcome": "vaccinated",
        "at": AT.format("10:00"),
        "idempotency_key": "proof-half",
    }
    for half in ({"lat": stop["lat"]}, {"lon": stop["lon"]}):
        answer = client.post("/visits", headers=tokens["DX"], json={**body, **half})
        assert answer.status_code == 422, answer.text
        assert "lat and lon go together" in answer.text  # (a 422 echoes the sender's body)


def test_positions_never_reach_the_logs(proved) -> None:
    assert any(r.name == "vaxroute.access" for r in proved["logs"])  # the posts were logged
    for body, _, where, _ in proved["answers"]:
        if where is None:
            continue
        for record in proved["logs"]:
            text = record.getMessage() + repr(record.args)
            assert repr(body["lat"])[:9] not in text and repr(body["lon"])[:9] not in text


def test_no_distance_for_a_resident_the_plan_does_not_route(client: TestClient, loaded) -> None:
    stops = stop_positions(loaded["plan"])
    assert stops and proof_of(None, None, next(iter(stops.values()))).distance_m is None
    assert proof_of(21.0, 105.8, None).far_from_stop is None
    with client.app.state.db.session() as s:  # type: ignore[attr-defined]
        finder = StopFinder(s)
        stranger = VisitRow(resident_id="NOT-IN-PLAN", plan_id=loaded["id"], lat=21.0, lon=105.8)
        assert finder.proof(stranger).distance_m is None
        missing = VisitRow(resident_id="NOT-IN-PLAN", plan_id=2_000_000_000, lat=21.0, lon=105.8)
        assert finder.proof(missing).far_from_stop is None


def test_the_board_marks_far_chips_and_counts_them(client: TestClient, proved) -> None:
    page = client.get("/today", params={"day": "2026-11-23"})
    assert page.status_code == 200
    marked = Marked(page.text)
    far = {a["data-resident"]: text for a, text in marked.all("data-resident")}
    near_rid, far_rid, none_rid, sc_rid = (b["resident_id"] for b, *_ in proved["answers"])
    metres = round(proved["answers"][1][3]["distance_m"])
    assert f"⚠ cách điểm {metres} m" in far[far_rid]
    assert "cách điểm" not in far[near_rid] and "cách điểm" not in far[none_rid]
    assert f"cách điểm {metres} m" in far[sc_rid]  # SC's, also 420 m off
    assert [a["data-far-m"] for a, _ in marked.all("data-far-m")] == [str(metres)] * 2
    assert sum("cách điểm" in text for text in far.values()) == 2
    counts = {a["data-far"] for a, _ in marked.all("data-far")}
    assert counts == {"1"}  # DX and SC: one each
    dx = page.text.split('data-team="DX"', 1)[1].split("</section>", 1)[0]
    assert "Ghi xa điểm (hơn 150 m): 1" in dx and 'data-far="1"' in dx
    for body, _, where, _ in proved["answers"]:  # the distance, never the position
        if where is not None:
            assert repr(body["lat"])[:9] not in page.text
            assert repr(body["lon"])[:9] not in page.text
    client.cookies.set("lang", "en")
    try:
        english = client.get("/today/board", params={"day": "2026-11-23"}).text
        assert f"{metres} m from the stop" in english
        assert "Recorded far from the stop (over 150 m): 1" in english
    finally:
        client.cookies.set("lang", "vi")


def test_the_report_and_its_downloads_count_far_outcomes(
    client: TestClient, tokens, proved
) -> None:
    page = client.get("/report", params={"day": "2026-11-23"})
    assert page.status_code == 200 and "Xa điểm (&gt;\u00a0150\u00a0m)" in page.text
    teams, wards = _cells(page.text, "team"), _cells(page.text, "ward")
    assert teams["DX"]["far_from_stop"] == 1 and teams["SC"]["far_from_stop"] == 1
    assert teams["total"]["far_from_stop"] == 2
    assert sum(v["far_from_stop"] for g, v in wards.items() if g != "total") == 2
    report = client.get(
        "/reports/daily", headers=tokens["planner"], params={"date": "2026-11-23"}
    ).json()
    assert report["totals"]["far_from_stop"] == 2
    assert {r["group"]: r["far_from_stop"] for r in report["by_team"] if r["far_from_stop"]} == {
        "DX": 1,
        "SC": 1,
    }
    text = client.get("/report/download?day=2026-11-23&format=csv")
    rows = list(csv.reader(io.StringIO(text.content.decode("utf-8-sig"))))
    assert rows[0][-1] == "far_from_stop"
    assert next(r for r in rows if r[0] == "DX")[-2:] == ["team", "1"]
    assert sum(int(r[-1]) for r in rows[1:] if r[-2] == "ward") == 2
    xlsx = client.get("/report/download?day=2026-11-23&format=xlsx")
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content), read_only=True)
    for sheet in ("by_team", "by_ward"):
        table = list(book[sheet].iter_rows(values_only=True))
        assert table[0][-1] == "far_from_stop"
        assert sum(row[-1] for row in table[1:]) == 2, sheet
