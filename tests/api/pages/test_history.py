"""The history screen on SQLite and PostgreSQL: plan versions with who asked for them, and the
audit trail — the same entries as ``GET /audit`` — paged and filtered, with only page numbers
and filters in its URLs."""

from __future__ import annotations

import datetime as dt
import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

from api.audit import record
from api.models import PlanRow
from api.security import Principal
from tests.api.pages.conftest import Browser, make_user, signed_in

T0 = dt.datetime(2026, 11, 23, 1, 0, tzinfo=dt.UTC)  # 08:00 in Viet Nam


@pytest.fixture(scope="module")
def planner(console: TestClient) -> Browser:
    make_user(console, "Lê Thị Hoa")
    return signed_in(console, "Lê Thị Hoa")


@pytest.fixture(scope="module")
def versions(console: TestClient, planner: Browser) -> list[int]:
    """25 plan versions as the solver leaves them: new plans published when done, re-plans of
    version 1 (one of them a draft), a failed and a cancelled one; ids by version."""
    ids = []
    with console.app.state.db.session() as s:  # type: ignore[attr-defined]
        for version in range(1, 26):
            created = T0 + dt.timedelta(hours=version)
            finished = created + dt.timedelta(seconds=30)
            status = {24: "failed", 25: "cancelled"}.get(version, "done")
            replan = version in (2, 23)
            row = PlanRow(
                version=version,
                status=status,
                progress=1.0,
                days=2,
                time_limit_s=30,
                start_date=dt.date(2026, 11, 23),
                created_at=created,
                finished_at=finished,
                requested_by={1: "token 1", 2: "Lê Thị Hoa", 22: None, 23: "<b>Hoa</b>"}.get(
                    version, "token 7"
                ),
                parent_id=ids[0] if replan else None,
                changed_assignments=4 if replan else None,
                published_at=finished if status == "done" and version != 23 else None,
            )
            s.add(row)
            s.flush()
            ids.append(row.id)
        s.commit()
    return ids


@pytest.fixture(scope="module")
def audited(console: TestClient, planner: Browser) -> None:
    """60 audit rows: a console user's and two tokens', several actions."""
    with console.app.state.db.session() as s:  # type: ignore[attr-defined]
        for k in range(60):
            who = (
                Principal(None, "planner", None, user="Lê Thị Hoa")
                if k % 3 == 0
                else Principal(k % 2 + 1, "planner", None)
            )
            action = ("read_map", "list_residents", "read_resident", "export_plan")[k % 4]
            record(
                s,
                who,
                action,
                resident_id=f"DX-{k:03d}" if action == "read_resident" else None,
                detail=f"entry {k}",
                commit=False,
            )
        s.commit()


def rows(page: str, table: str) -> list[str]:
    body = re.search(rf'<table class="{table}">.*?<tbody>(.*?)</tbody>', page, re.DOTALL)
    return re.findall(r"<tr[^>]*>.*?</tr>", body[1], re.DOTALL) if body else []


def cells(row: str) -> list[str]:
    found = re.findall(r"<td[^>]*>(.*?)</td>", row, re.DOTALL)
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", c)).split()) for c in found]


def audit_ids(page: str) -> list[int]:
    return [int(i) for i in re.findall(r'<tr data-id="(\d+)">', page)]


def test_versions_with_who_asked_newest_first_and_paged(
    planner: Browser, versions: list[int]
) -> None:
    first = planner.client.get("/history")
    assert first.status_code == 200 and "Các phiên bản kế hoạch" in first.text
    shown = {cells(r)[0]: cells(r) for r in rows(first.text, "versions")}
    assert list(shown) == [str(v) for v in range(25, 5, -1)]  # 20 a page, newest first
    assert shown["25"][2] == "Đã huỷ" and shown["24"][2] == "Lỗi"
    assert shown["23"][3] == "<b>Hoa</b>" and "&lt;b&gt;Hoa&lt;/b&gt;" in first.text  # escaped
    assert shown["23"][6] == "Bản nháp" and shown["23"][7] == "1"  # a draft re-plan of v1
    assert shown["23"][8].startswith("4 Xem thay đổi")
    assert f'href="/planning/{versions[22]}/changes"' in first.text
    assert shown["22"][3] == "không rõ"  # a plan from before requested_by existed
    assert shown["21"][3] == "Mã truy cập 7" and shown["21"][1] == "23/11/2026 – 24/11/2026"
    assert shown["21"][4] == "05:00 24/11/2026" and shown["21"][6] == "05:00 24/11/2026"
    assert "Trang 1/2" in first.text and 'href="/history?page=2"' in first.text
    second = planner.client.get("/history?page=2")
    older = {cells(r)[0]: cells(r) for r in rows(second.text, "versions")}
    assert list(older) == ["5", "4", "3", "2", "1"]
    assert older["2"][3] == "Lê Thị Hoa" and older["2"][7] == "1"
    assert older["1"][3] == "Mã truy cập 1" and older["1"][7] == ""
    for bad in ("abc", "-3", "0", "9" * 30):  # any page number: a page, never a 422
        again = planner.client.get(f"/history?page={bad}")
        assert again.status_code == 200, bad


def test_the_audit_is_the_same_as_get_audit_paged_and_filtered(
    planner: Browser, audited: None
) -> None:
    client = planner.client
    page = client.get("/history")
    api = client.get("/audit", params={"limit": 50}).json()  # the cookie works for GETs
    assert audit_ids(page.text) == [e["id"] for e in api] and len(api) == 50
    assert 'href="/history?audit_page=2"' in page.text
    nxt = client.get("/history?audit_page=2")
    more = client.get("/audit", params={"limit": 50, "offset": 50}).json()
    assert audit_ids(nxt.text) == [e["id"] for e in more] and more
    maps = client.get("/history?action=read_map")
    assert audit_ids(maps.text) == [
        e["id"] for e in client.get("/audit", params={"action": "read_map"}).json()
    ]
    assert re.search(r'<option value="read_map" selected>Xem bản đồ</option>', maps.text)
    reads = {
        cells(r)[3]: cells(r)
        for r in rows(client.get("/history?action=read_resident").text, "audit")
    }
    assert len(reads) == 15 and all(k.startswith("DX-") for k in reads)
    by_user = next(c for c in reads.values() if c[4] == "entry 30")
    assert by_user[1] == "Lê Thị Hoa" and by_user[2] == "Xem một người dân"
    by_token = next(c for c in reads.values() if c[4] == "entry 2")
    assert by_token[1] == "Mã truy cập 1"
    future = client.get("/history?since=2099-01-01")
    assert audit_ids(future.text) == [] and "Không có mục nào." in future.text
    typed = client.get("/history?since=01/01/2099")  # as the field shows dates: DD/MM/YYYY
    assert audit_ids(typed.text) == [] and 'value="01/01/2099"' in typed.text


def test_bad_filters_are_messages_and_every_entry_is_shown(planner: Browser, audited: None) -> None:
    everything = audit_ids(planner.client.get("/history").text)
    for query, message in (
        ("action=drop_table", "Không có hành động này"),
        ("since=2026-13-45", "Ngày không hợp lệ"),
        ("since=1812-10-18", "Ngày không hợp lệ"),
    ):
        page = planner.client.get(f"/history?{query}")
        assert page.status_code == 422 and message in page.text, query
        assert audit_ids(page.text) == everything, query


def test_the_pages_urls_carry_only_pages_and_filters(
    planner: Browser, versions: list[int], audited: None
) -> None:
    page = planner.client.get("/history?action=read_resident&since=2026-01-01&page=2")
    links = [html.unescape(h) for h in re.findall(r'href="(/history\?[^"]*)"', page.text)]
    assert links
    for link in links:
        query = parse_qs(urlsplit(link).query)
        assert set(query) <= {"page", "audit_page", "action", "since"}, link
        assert query.get("action", ["read_resident"]) == ["read_resident"], link
    assert not re.search(r'href="[^"]*DX-\d', page.text)  # resident ids only in cells
    planner.client.cookies.set("lang", "en")
    try:
        english = html.unescape(planner.client.get("/history").text)
    finally:
        planner.client.cookies.delete("lang")
    assert "Plan versions" in english and "Who read or changed residents' data" in english
