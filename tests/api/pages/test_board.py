"""Today's board and the 16:30 report page, on SQLite and PostgreSQL, with a solved demo plan.

Outcomes are posted as a tablet posts them (``POST /visits`` with a team leader's token); the
board must show each on its resident's chip with the outcome's colour class, count the stops
done per team and say when each team last sent something; the report page must show exactly
``daily_report``'s numbers, and its downloads must open with openpyxl and csv. A day no plan
covers, and a day that is not a day, get a plain message in the user's language.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from html.parser import HTMLParser
from typing import Any

import openpyxl
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.daily_report import OUTCOMES, daily_report
from api.models import AuditRow
from api.store import today_vn
from tests.api.pages.conftest import make_user, signed_in

DAY = dt.date(2026, 11, 23)
AT = "2026-11-23T{}:00+07:00"


class Marked(HTMLParser):
    """Every element with a data-* attribute: (tag, attributes, its text)."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str], list[str]]] = []
        self.open: list[tuple[str, list[str] | None]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        text: list[str] | None = None
        if any(k.startswith("data-") for k in values):
            text = []
            self.found.append((tag, values, text))
        if tag not in ("input", "br", "meta", "link", "line", "rect"):
            self.open.append((tag, text))

    def handle_endtag(self, tag: str) -> None:
        while self.open:
            if self.open.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        for _, text in self.open:
            if text is not None:
                text.append(data)

    def all(self, attr: str, value: str | None = None) -> list[tuple[dict[str, str], str]]:
        return [
            (a, " ".join("".join(t).split()))
            for _, a, t in self.found
            if attr in a and (value is None or a[attr] == value)
        ]


def _route(plan: dict[str, Any], team: str) -> dict[str, Any]:
    return next(r for r in plan["routes"] if r["team_id"] == team and r["date"] == "2026-11-23")


@pytest.fixture(scope="module")
def posted(client: TestClient, tokens, loaded) -> dict[str, Any]:
    """Outcomes on 23/11/2026 from the DX and SC tablets; what the board must then show."""
    plan = loaded["plan"]
    dx, sc = _route(plan, "DX")["stops"], _route(plan, "SC")["stops"]
    first_dx = dx[0]["resident_ids"]
    posts: list[tuple[str, str, str, str, str | None]] = [
        ("DX", rid, "refused", "08:00", None) for rid in first_dx[:1]
    ]  # corrected below
    posts += [("DX", rid, "vaccinated", "08:05", None) for rid in first_dx]
    posts += [
        ("DX", dx[1]["resident_ids"][0], "refused", "08:30", None),
        ("SC", sc[0]["resident_ids"][0], "not_at_home", "09:10", None),
        ("SC", sc[1]["resident_ids"][0], "contraindicated", "09:40", None),
        ("SC", sc[2]["resident_ids"][0], "postponed", "10:15", "2026-11-25"),
    ]
    for k, (team, rid, outcome, at, later) in enumerate(posts):
        body = {
            "resident_id": rid,
            "plan_id": loaded["id"],
            "outcome": outcome,
            "at": AT.format(at),
            "idempotency_key": f"board-{team}-{k:04d}",
            "postponed_to": later,
        }
        answer = client.post("/visits", headers=tokens[team], json=body)
        assert answer.status_code == 201, answer.text
    # the next day's visit is not today's
    tomorrow = next(r for r in plan["routes"] if r["team_id"] == "DX" and r["date"] == "2026-11-24")
    rid = tomorrow["stops"][0]["resident_ids"][0]
    assert (
        client.post(
            "/visits",
            headers=tokens["DX"],
            json={
                "resident_id": rid,
                "plan_id": loaded["id"],
                "outcome": "vaccinated",
                "at": "2026-11-24T08:00:00+07:00",
                "idempotency_key": "board-DX-next",
            },
        ).status_code
        == 201
    )
    states = {rid: outcome for _, rid, outcome, _, _ in posts}
    make_user(client, "Trần Văn Bảng")
    signed_in(client, "Trần Văn Bảng")
    return {"states": states, "dx": dx, "sc": sc, "tomorrow": rid}


def _done(stops: list[dict[str, Any]], states: dict[str, str]) -> int:
    return sum(all(rid in states for rid in s["resident_ids"]) for s in stops)


def test_outcomes_posted_by_tablets_appear_on_the_board(client: TestClient, posted) -> None:
    page = client.get("/today", params={"day": "2026-11-23"})
    assert page.status_code == 200
    assert "Tiến độ ngày 23/11/2026" in page.text
    marked = Marked(page.text)
    chips = {a["data-resident"]: a for a, _ in marked.all("data-resident")}
    for rid, outcome in posted["states"].items():
        assert chips[rid]["data-state"] == outcome, rid
        assert f"state-{outcome}" in chips[rid]["class"].split(), rid
    others = [a for r, a in chips.items() if r not in posted["states"]]
    assert others and {a["data-state"] for a in others} == {"not_visited"}
    assert posted["tomorrow"] not in posted["states"]
    texts = {a["data-resident"]: text for a, text in marked.all("data-resident")}
    first = posted["dx"][0]["resident_ids"][0]
    assert "Đã tiêm" in texts[first] and re.search(r"DX-\d+ · (\w\.)+", texts[first])
    postponed = posted["sc"][2]["resident_ids"][0]
    assert "Hoãn đến 25/11/2026" in texts[postponed]
    for team, stops in (("DX", posted["dx"]), ("SC", posted["sc"])):
        section = page.text.split(f'data-team="{team}"', 1)[1].split("</section>", 1)[0]
        done = _done(stops, posted["states"])
        assert f'data-done="{done}" data-remaining="{len(stops) - done}"' in section, team
        assert f'<progress class="team-progress" max="{len(stops)}" value="{done}"' in section
    dx = page.text.split('data-team="DX"', 1)[1].split("</section>", 1)[0]
    sc = page.text.split('data-team="SC"', 1)[1].split("</section>", 1)[0]
    assert "Liên lạc gần nhất: 08:30" in dx and "Liên lạc gần nhất: 10:15" in sc
    quiet = [
        a["data-team"] for a, _ in marked.all("data-team") if a["data-team"] not in ("DX", "SC")
    ]
    other = page.text.split(f'data-team="{quiet[0]}"', 1)[1].split("</section>", 1)[0]
    assert "Chưa gửi kết quả nào" in other


def test_the_board_fragment_is_the_board_alone(client: TestClient, posted) -> None:
    part = client.get("/today/board", params={"day": "2026-11-23"})
    assert part.status_code == 200 and "<html" not in part.text and "<nav" not in part.text
    chips = {a["data-resident"]: a["data-state"] for a, _ in Marked(part.text).all("data-resident")}
    assert {r: chips[r] for r in posted["states"]} == posted["states"]
    page = client.get("/today?day=2026-11-23").text
    assert 'data-refresh="/today/board?day=2026-11-23"' in page
    typed = client.get("/today?day=23/11/2026").text  # the field shows and takes DD/MM/YYYY
    assert 'value="23/11/2026"' in typed and 'data-refresh="/today/board?day=2026-11-23"' in typed
    assert '<script type="module" src="/static/board.js"></script>' in page


def test_opening_the_board_is_audited_without_the_residents(client: TestClient, posted) -> None:
    client.get("/today?day=2026-11-23")
    with client.app.state.db.session() as s:  # type: ignore[attr-defined]
        row = s.scalars(
            select(AuditRow).where(AuditRow.action == "read_board").order_by(AuditRow.id.desc())
        ).first()
    assert row is not None and row.resident_id is None
    assert row.detail == "user Trần Văn Bảng: console: 2026-11-23"


def _cells(html: str, level: str) -> dict[str, dict[str, int]]:
    table = html.split(f'class="daily daily-{level}"', 1)[1].split("</table>", 1)[0]
    rows: dict[str, dict[str, int]] = {}
    for block in re.findall(r'<tr data-group="([^"]*)">(.*?)</tr>', table, re.S):
        group, body = block
        rows[group] = {
            c: int(v.replace(".", ""))
            for c, v in re.findall(r'data-col="(\w+)">([\d.]+)</td>', body)
        }
    return rows


def test_the_report_page_shows_daily_reports_numbers(client: TestClient, posted) -> None:
    page = client.get("/report", params={"day": "2026-11-23"})
    assert page.status_code == 200 and "Báo cáo ngày 23/11/2026" in page.text
    with client.app.state.db.session() as s:  # type: ignore[attr-defined]
        report = daily_report(s, DAY)
    columns = ["planned", *OUTCOMES, "remaining", "far_from_stop"]
    for level in ("team", "ward"):
        shown = _cells(page.text, level)
        expected = {r["group"]: {c: r[c] for c in columns} for r in report[f"by_{level}"]}
        assert {g: v for g, v in shown.items() if g != "total"} == expected, level
        assert shown["total"] == {c: report["totals"][c] for c in columns}
    assert report["totals"]["vaccinated"] == len(posted["dx"][0]["resident_ids"])
    assert report["totals"]["refused"] == 1 and report["totals"]["postponed"] == 1
    # the chart: one bar per team, its segments the team's numbers
    bars = re.findall(r'<g class="bar" data-team="([^"]+)">(.*?)</g>', page.text, re.S)
    assert [team for team, _ in bars] == [r["group"] for r in report["by_team"]]
    dx = dict(bars)["DX"]
    assert re.findall(r'data-state="(\w+)" data-n="(\d+)"', dx)[0] == (
        "vaccinated",
        str(len(posted["dx"][0]["resident_ids"])),
    )
    assert 'fill="#68BB0C"' in dx and "style=" not in page.text


def test_the_downloads_open_with_openpyxl_and_csv(client: TestClient, posted) -> None:
    with client.app.state.db.session() as s:  # type: ignore[attr-defined]
        report = daily_report(s, DAY)
    xlsx = client.get("/report/download", params={"day": "2026-11-23", "format": "xlsx"})
    assert xlsx.status_code == 200
    assert xlsx.headers["content-disposition"] == 'attachment; filename="report-2026-11-23.xlsx"'
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content), read_only=True)
    teams = list(book["by_team"].iter_rows(values_only=True))
    assert teams[0] == ("group", "planned", *OUTCOMES, "remaining", "far_from_stop")
    assert [row[0] for row in teams[1:]] == [r["group"] for r in report["by_team"]]
    dx = next(row for row in teams if row[0] == "DX")
    dx_report = next(r for r in report["by_team"] if r["group"] == "DX")
    assert list(dx[1:]) == [
        dx_report[c] for c in ("planned", *OUTCOMES, "remaining", "far_from_stop")
    ]
    text = client.get("/report/download?day=2026-11-23&format=csv")
    assert text.status_code == 200 and text.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(text.content.decode("utf-8-sig"))))
    assert rows[0] == ["group", "planned", *OUTCOMES, "remaining", "level", "far_from_stop"]
    assert len(rows) == 1 + len(report["by_ward"]) + len(report["by_team"])
    assert ["DX", *map(str, list(dx[1:-1])), "team", str(dx[-1])] in rows


def test_a_day_without_a_plan_says_so_and_links_the_nearest(client: TestClient, posted) -> None:
    today = today_vn()  # the demo plan covers 23 and 24/11/2026 only
    page = client.get("/today")
    assert page.status_code == 200
    assert f"Chưa có kế hoạch đã công bố nào cho ngày {today:%d/%m/%Y}." in page.text
    assert 'href="/today?day=2026-11-24"' in page.text  # the last planned day, before today
    before = client.get("/today?day=2026-11-01")
    assert 'href="/today?day=2026-11-23"' in before.text and "data-resident" not in before.text
    report = client.get("/report?day=2026-11-01")
    assert report.status_code == 200
    assert "Chưa có kế hoạch đã công bố nào cho ngày 01/11/2026." in report.text
    assert 'href="/report?day=2026-11-23"' in report.text and "<table" not in report.text


def test_bad_days_and_formats_get_a_message_in_the_users_language(
    client: TestClient, posted
) -> None:
    for path in ("/today?day=hôm-qua", "/report?day=2026-13-45", "/today/board?day=1999-12-31"):
        page = client.get(path)
        assert page.status_code == 400, path
        assert "Ngày không hợp lệ." in page.text and "Traceback" not in page.text
    assert client.get("/today?day=23/11/2026").status_code == 200  # typed the Vietnamese way
    for query in ("day=xyz&format=xlsx", "day=2026-11-23&format=pdf", "format=csv"):
        page = client.get(f"/report/download?{query}")
        assert page.status_code == 400 and "Không tải được" in page.text, query
    client.cookies.set("lang", "en")
    try:
        page = client.get("/report?day=not-a-day")
        assert page.status_code == 400 and "That is not a valid day." in page.text
        board = client.get("/today?day=2026-11-23").text
        assert "Vaccinated" in board and "Not visited" in board
        assert "Progress on 23/11/2026" in board
    finally:
        client.cookies.set("lang", "vi")


def test_a_tablets_note_shows_on_its_chip_escaped(
    client: TestClient, tokens, loaded, posted
) -> None:
    """A note sent with an outcome is on the resident's chip, as text (markup escaped)."""
    rid = posted["sc"][3]["resident_ids"][0]
    body = {
        "resident_id": rid,
        "plan_id": loaded["id"],
        "outcome": "not_at_home",
        "at": AT.format("11:00"),
        "idempotency_key": "board-SC-note",
        "note": "Cổng khóa <b>hẹn</b> 15h",
    }
    assert client.post("/visits", headers=tokens["SC"], json=body).status_code == 201
    page = client.get("/today", params={"day": "2026-11-23"}).text
    chip = page.split(f'data-resident="{rid}"', 1)[1].split("</li>", 1)[0]
    assert "Cổng khóa &lt;b&gt;hẹn&lt;/b&gt; 15h" in chip and "<b>hẹn" not in chip
    assert "Ghi chú của tổ" in chip
