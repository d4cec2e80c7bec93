"""The lists screen through the real app on SQLite and PostgreSQL: uploads, the import
report in Vietnamese, "import the good rows", the residents list's search and filters, and
the teams list."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.audit import entries
from api.models import ImportRow, ResidentRow
from planner.demo import demo_files
from tests.api.pages.conftest import Browser, csrf_of, make_user, signed_in


@pytest.fixture(scope="module")
def planner(console: TestClient) -> Browser:
    make_user(console, "lists")
    return signed_in(console, "lists")


def counts(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-count="(\w+)">([^<]*)<', html))


def post_file(browser: Browser, kind: str, name: str, content: bytes):
    return browser.client.post(
        f"/lists/{kind}/upload",
        data={"csrf_token": browser.csrf},
        files={"file": (name, content, "application/octet-stream")},
    )


def bad_residents() -> bytes:
    """The demo residents with two bad rows: row 3 an unreadable latitude, row 5 an empty
    id (rows count as a spreadsheet does: the header is row 1)."""
    lines = demo_files().residents.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace("22.149075", "hai mươi hai", 1)
    lines[4] = "," + lines[4].split(",", 1)[1]
    return ("\n".join(lines) + "\n").encode()


def test_the_lists_page_has_both_upload_forms(planner: Browser) -> None:
    page = planner.client.get("/lists")
    assert page.status_code == 200
    for kind in ("residents", "teams"):
        assert f'action="/lists/{kind}/upload"' in page.text
    assert page.text.count("data-dropzone") == 2 and 'enctype="multipart/form-data"' in page.text
    assert "Danh sách người dân" in page.text and "Chưa nhập danh sách nào." in page.text


def test_teams_then_residents_with_bad_rows_then_the_good_rows(planner: Browser) -> None:
    teams = post_file(planner, "teams", "teams.csv", demo_files().teams.read_bytes())
    assert teams.status_code == 200 and "Đã lưu danh sách." in teams.text
    assert counts(teams.text) == {"added": "7", "updated": "0", "unchanged": "0", "rejected": "0"}
    refused = post_file(planner, "residents", "ward-list.csv", bad_residents())
    assert refused.status_code == 422
    assert counts(refused.text)["rejected"] == "2" and counts(refused.text)["added"] == "0"
    assert "Chưa lưu gì: 2 dòng có lỗi." in refused.text
    rows = re.findall(r'<tr class="level-error">(.*?)</tr>', refused.text, re.DOTALL)
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", r, re.DOTALL) for r in rows]
    by_row = {c[1]: c for c in cells}
    assert by_row["3"][2] == "lat" and "không đọc được" in by_row["3"][5]
    assert "vĩ độ" in by_row["3"][5] and "cannot read" in by_row["3"][5]  # the original too
    assert by_row["5"][2] == "resident_id" and "ô resident_id bị trống" in by_row["5"][5]
    assert all(c[0] == "ward-list.csv" for c in cells)
    with planner.client.app.state.db.session() as s:  # type: ignore[attr-defined]
        assert s.scalar(select(func.count()).select_from(ResidentRow)) == 0  # refused
    key = re.search(r'name="upload" value="([^"]+)"', refused.text)
    assert key and "ward-list" not in key.group(1)
    good = planner.client.post(
        "/lists/residents/accept", data={"csrf_token": planner.csrf, "upload": key.group(1)}
    )
    assert good.status_code == 200 and "Đã lưu danh sách." in good.text
    demo_rows = len(demo_files().residents.read_text(encoding="utf-8").splitlines()) - 1
    assert counts(good.text) == {
        "added": str(demo_rows - 2),
        "updated": "0",
        "unchanged": "0",
        "rejected": "2",
    }
    again = planner.client.post(
        "/lists/residents/accept", data={"csrf_token": planner.csrf, "upload": key.group(1)}
    )
    assert again.status_code == 410 and "hết hạn" in again.text  # used once
    recent = planner.client.get("/lists").text
    assert "ward-list.csv" in recent and "teams.csv" in recent
    with planner.client.app.state.db.session() as s:  # type: ignore[attr-defined]
        newest = s.scalar(select(func.max(ImportRow.id)))
        audit = entries(s, action="import_residents")
    assert [a.detail for a in audit] == [
        f"user lists: import {newest}: {demo_rows - 2} added, 0 updated"
    ]
    assert audit[0].token_id is None  # the console user, named in the detail


def test_a_refused_upload_belongs_to_its_user(console: TestClient, planner: Browser) -> None:
    refused = post_file(planner, "residents", "again.csv", bad_residents())
    key = re.search(r'name="upload" value="([^"]+)"', refused.text).group(1)  # type: ignore[union-attr]
    make_user(console, "other")
    other = signed_in(console, "other")
    taken = console.post("/lists/residents/accept", data={"csrf_token": other.csrf, "upload": key})
    assert taken.status_code == 410
    wrong_kind = console.post("/lists/teams/accept", data={"csrf_token": other.csrf, "upload": key})
    assert wrong_kind.status_code == 410
    signed_in(console, "lists")
    planner.csrf = csrf_of(console.get("/lists").text)
    planner.cookie = console.cookies["vaxroute_session"]


def test_a_file_the_reader_cannot_use_is_explained(planner: Browser) -> None:
    missing = post_file(planner, "residents", "no-coords.csv", b"resident_id,name\nA1,x\n")
    assert missing.status_code == 422
    assert "thiếu cột bắt buộc &#39;lat&#39;" in missing.text
    assert "các cột có trong tệp" in missing.text
    empty = planner.client.post("/lists/teams/upload", data={"csrf_token": planner.csrf})
    assert empty.status_code == 400 and "Hãy chọn một tệp." in empty.text
    big = post_file(planner, "teams", "big.csv", b"team_id\n" + b"x" * (2 * 1024 * 1024 + 10))
    assert big.status_code == 413 and "2 MB" in big.text


def test_the_residents_list_filters_and_pages(planner: Browser) -> None:
    page = planner.client.get("/lists/residents")
    assert page.status_code == 200
    total = int(re.search(r"(\d+) người", page.text).group(1))  # type: ignore[union-attr]
    assert total > 50 and len(re.findall(r"<td>[A-Z]+-\d+</td>", page.text)) == 50
    assert "Trang 1/" in page.text and 'rel="next"' in page.text
    second = planner.client.get("/lists/residents", params={"page": 2})
    assert "Trang 2/" in second.text
    ward = planner.client.get("/lists/residents", params={"ward": "Đức Xuân"})
    wards = re.findall(r"<td>[A-Z]+-\d+</td>\s*<td>[^<]*</td>\s*<td>([^<]*)</td>", ward.text)
    assert wards and set(wards) == {"Đức Xuân"}
    done = planner.client.get("/lists/residents", params={"status": "vaccinated"})
    statuses = re.findall(r"<td>(Đã tiêm|Đủ điều kiện|Từ chối|Hoãn|Chống chỉ định)</td>", done.text)
    assert statuses == ["Đã tiêm"] * 6  # the demo's six vaccinated residents
    high = planner.client.get("/lists/residents", params={"band": "high", "due": "now"})
    bands = re.findall(r'class="band band-(\w+)"', high.text)
    assert bands and set(bands) == {"high"} and "Đã đến hạn" in high.text
    later = planner.client.get("/lists/residents", params={"due": "later"})
    assert "Đã đến hạn</td>" not in later.text
    with planner.client.app.state.db.session() as s:  # type: ignore[attr-defined]
        listed = entries(s, action="list_residents", limit=1)
    assert listed[0].detail.startswith("user lists: console: ")
    odd = planner.client.get("/lists/residents", params={"status": "<script>", "band": "x"})
    assert odd.status_code == 200 and "<script>" not in odd.text  # unknown filters: ignored


def test_a_search_keeps_its_words_out_of_the_url(planner: Browser) -> None:
    response = planner.client.post(
        "/lists/residents",
        data={"csrf_token": planner.csrf, "q": "DX-00", "ward": "Đức Xuân"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    location = response.headers["location"]
    assert "DX" not in location and "q=" not in location
    query = parse_qs(urlsplit(location).query)
    assert set(query) == {"ward", "s"}
    found = planner.client.get(location)
    ids = re.findall(r"<td>([A-Z]+-\d+)</td>", found.text)
    assert ids and all(i.startswith("DX-00") for i in ids), ids
    assert "Đang tìm: DX-00" in found.text
    initials = re.search(r"<td>DX-001</td>\s*<td>([^<]+)</td>", found.text).group(1)  # type: ignore[union-attr]
    by_initials = planner.client.post(
        "/lists/residents",
        data={"csrf_token": planner.csrf, "q": initials.replace(".", "").lower()},
    )
    assert "DX-001" in by_initials.text
    stale = planner.client.get("/lists/residents", params={"s": "not-a-key"})
    assert "Lượt tìm đã hết hạn" in stale.text


def test_the_teams_list_shows_stations_shifts_doctors_and_vaccines(planner: Browser) -> None:
    page = planner.client.get("/lists/teams")
    assert page.status_code == 200
    assert "Trạm Y tế phường Đức Xuân" in page.text and "07:30–16:30" in page.text
    assert "11:30 · 60 phút" in page.text and "<td>Có</td>" in page.text
    assert "<td>Không</td>" in page.text and "mặc định" in page.text and "Xe máy" in page.text
    hostile = b"team_id,name,depot_lat,depot_lon\nZ1,<script>alert(1)</script>,22.14,105.84\n"
    assert post_file(planner, "teams", "t.csv", hostile).status_code == 200
    page = planner.client.get("/lists/teams")
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


def test_the_dashboard_counts_and_english(planner: Browser) -> None:
    page = planner.client.get("/")
    assert "Chưa có kế hoạch nào." in page.text and "Người dân" in page.text
    tiles = re.findall(r'class="tile-number">([^<]+)<', page.text)
    assert tiles[1] == "8"  # seven demo teams and Z1
    planner.client.get("/lang/en")
    english = planner.client.get("/lists/teams")
    assert "Health station" in english.text and 'lang="en"' in english.text
    assert "Motorbike" in english.text
    planner.client.get("/lang/vi")
