"""The console's plan screens on SQLite and PostgreSQL with the real solver: the form and its
errors, a plan's progress (the page and its JSON), cancel, and the done plan's page.

The app reads a planner settings file with one portfolio worker, so that a plan costs one
core on the shared test machine; the solver is otherwise the real one.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api import plan_requests, plan_states
from api.main import create_app
from api.models import AuditRow, PlanRow
from api.security import create_token
from api.store import VN, import_residents, import_teams
from planner.demo import demo_files
from planner.io.tables import read_table
from planner.reasons_catalogue import reason_label
from planner.settings import Settings as PlannerSettings
from tests.api.pages.conftest import Browser, console_settings, make_user, signed_in

#: a plan the solver may finish at its time limit (3 s: shorter is flaky on a loaded machine)
LIMIT = "3"
WAIT_S = 300


@pytest.fixture(scope="module")
def console(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    folder = tmp_path_factory.mktemp("planner-settings")
    (folder / "settings.toml").write_text("[solver]\nworkers = 1\n", encoding="utf-8")
    settings = console_settings(database_url, planner_settings=folder / "settings.toml")
    with TestClient(create_app(settings)) as client:
        yield client


@pytest.fixture(scope="module")
def planner(console: TestClient) -> Browser:
    """Signed in, with the demo lists imported."""
    files = demo_files()
    with console.app.state.db.session() as s:  # type: ignore[attr-defined]
        import_teams(s, read_table(files.teams), "teams.csv", False)
        import_residents(s, read_table(files.residents), "residents.csv", PlannerSettings(), False)
    make_user(console, "Trần Thị Mai")
    return signed_in(console, "Trần Thị Mai")


def plans_count(client: TestClient) -> int:
    with client.app.state.db.session() as s:  # type: ignore[attr-defined]
        return int(s.scalar(select(func.count()).select_from(PlanRow)) or 0)


def submit(b: Browser, values: dict[str, str] | None = None, settings: bytes | None = None) -> Any:
    form = {
        "csrf_token": b.csrf,
        "start_date": "23/11/2026",
        "days": "2",
        "time_limit_s": LIMIT,
        **(values or {}),
    }
    files = {"settings": ("settings.toml", settings, "text/plain")} if settings else None
    return b.client.post("/planning", data=form, files=files, follow_redirects=False)


def alert(page: str) -> str:
    found = re.search(r'<div class="alert" role="alert" id="form-errors">(.*?)</div>', page, re.S)
    assert found, "no error list on the page"
    return html.unescape(re.sub(r"<[^>]+>", " ", found.group(1)))


def watch(
    client: TestClient, plan_id: int, until: Callable[[dict[str, Any]], bool]
) -> list[dict[str, Any]]:
    """The progress JSON every 0.2 s until ``until`` says so: every answer seen."""
    seen: list[dict[str, Any]] = []
    end = time.monotonic() + WAIT_S
    while time.monotonic() < end:
        answer = client.get(f"/planning/{plan_id}/progress")
        assert answer.status_code == 200, answer.text
        seen.append(answer.json())
        if until(seen[-1]):
            return seen
        time.sleep(0.2)
    raise AssertionError(f"plan {plan_id}: {seen[-1]}")


def test_without_lists_the_form_says_to_upload_them_first(console: TestClient) -> None:
    make_user(console, "Vũ Văn Nam")
    b = signed_in(console, "Vũ Văn Nam")
    page = console.get("/planning")
    assert page.status_code == 200 and "Chưa có danh sách người dân hoặc đội tiêm." in page.text
    refused = submit(b)
    assert refused.status_code == 422 and "Chưa có danh sách" in alert(refused.text)
    assert plans_count(console) == 0


def test_the_form_has_its_defaults(planner: Browser) -> None:
    page = planner.client.get("/planning")
    assert page.status_code == 200
    tomorrow = f"{(dt.datetime.now(VN) + dt.timedelta(days=1)).date():%d/%m/%Y}"
    assert re.search(rf'name="start_date" type="text"[^>]*value="{tomorrow}"', page.text, re.S)
    assert re.search(r'name="days" type="number"[^>]*value="2"', page.text, re.S)
    assert re.search(r'name="time_limit_s"[^>]*placeholder="2"', page.text, re.S)  # server's
    assert 'name="settings" accept=".toml' in page.text
    assert "<h1>Lập kế hoạch</h1>" in page.text and "Chưa có kế hoạch nào." in page.text


@pytest.mark.parametrize(
    ("lang", "values", "messages"),
    [
        (
            "vi",
            {"start_date": "31/02/2026", "days": "0", "time_limit_s": "abc"},
            [
                "Ngày bắt đầu không hợp lệ",
                "Số ngày phải là số nguyên từ 1 đến 31.",
                "Thời gian tính phải là số giây từ 1 đến 600.",
            ],
        ),
        (
            "vi",
            {"start_date": "1999-12-31", "days": "32", "time_limit_s": "601"},
            ["Ngày bắt đầu không hợp lệ", "Số ngày phải", "Thời gian tính phải"],
        ),
        (
            "vi",
            {"start_date": "", "days": "2.5", "time_limit_s": "-3"},
            ["Ngày bắt đầu không hợp lệ", "Số ngày phải", "Thời gian tính phải"],
        ),
        (
            "en",
            {"start_date": "<script>x</script>", "days": "many", "time_limit_s": "nan"},
            [
                "The start date is not valid: enter it as DD/MM/YYYY",
                "Days must be a whole number from 1 to 31.",
                "The time limit must be a number of seconds from 1 to 600.",
            ],
        ),
    ],
)
def test_bad_values_are_named_and_nothing_is_queued(
    planner: Browser, lang: str, values: dict[str, str], messages: list[str]
) -> None:
    before = plans_count(planner.client)
    planner.client.cookies.set("lang", lang)
    try:
        page = submit(planner, values)
    finally:
        planner.client.cookies.delete("lang")
    assert page.status_code == 422
    text = alert(page.text)
    assert all(m in text for m in messages), text
    assert page.text.count('aria-invalid="true"') == 3
    assert "<script>x</script>" not in page.text  # what was typed comes back escaped
    assert plans_count(planner.client) == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b"[solver]\nseed = 3\nworkers = 8\n",
            "[solver] workers (dòng 3) do máy chủ quyết định, không đặt riêng cho một kế hoạch.",
        ),
        (
            b"# visits\n[visit]\nsetup_minutes = 5\nper_person_minutes = -1\n",
            "Giá trị không hợp lệ: [visit] per_person_minutes (dòng 4).",
        ),
        (b"[visit]\nsetup = 5\n", "Khoá không tồn tại trong mục [visit]: setup (dòng 2)."),
        (b"[vehicles]\nn = 1\n", "Tệp cài đặt có mục không tồn tại: [vehicles] (dòng 1)."),
        (b"[solver]\nseed =\n", "Tệp cài đặt không đúng cú pháp TOML (dòng 2)."),
        (b"[input]\nmax_rows = 10\n", "Mục [input] (dòng 1) do máy chủ quyết định"),
        (b'[solver]\nseed = "three"\n', "Giá trị không hợp lệ: [solver] seed (dòng 2)."),
        (b"\xff\xfe[solver]\n", "Tệp cài đặt phải là văn bản UTF-8."),
        (b"#" * 70_000, "Tệp cài đặt quá lớn (tối đa 64 KB)."),
    ],
)
def test_a_bad_settings_file_is_named_by_key_and_line(
    planner: Browser, content: bytes, message: str
) -> None:
    before = plans_count(planner.client)
    page = submit(planner, settings=content)
    assert page.status_code == 422
    assert message in alert(page.text), alert(page.text)
    assert 'id="settings"' in page.text and 'aria-invalid="true"' in page.text
    assert plans_count(planner.client) == before


def test_a_settings_problem_in_english(planner: Browser) -> None:
    planner.client.cookies.set("lang", "en")
    try:
        page = submit(planner, settings=b"[visit]\nsetup = 5\n")
    finally:
        planner.client.cookies.delete("lang")
    assert "Unknown key in [visit]: setup (line 2)." in alert(page.text)


def test_a_full_queue_is_a_message(planner: Browser) -> None:
    app = planner.client.app
    before = plans_count(planner.client)
    settings = app.state.settings  # type: ignore[attr-defined]
    app.state.settings = settings.model_copy(update={"max_queued": 0})  # type: ignore[attr-defined]
    try:
        page = submit(planner)
    finally:
        app.state.settings = settings  # type: ignore[attr-defined]
    assert page.status_code == 429
    assert "Hàng đợi đã đầy (0 kế hoạch đang chờ)." in alert(page.text)
    assert plans_count(planner.client) == before


@pytest.fixture(scope="module")
def done_plan(planner: Browser) -> dict[str, Any]:
    """A 2-day plan from the form, with a settings file, watched until done."""
    created = submit(planner, settings=b"[visit]\nobservation_minutes = 15\n")
    assert created.status_code == 303, created.text
    plan_id = int(created.headers["location"].rsplit("/", 1)[1])
    first = planner.client.get(created.headers["location"])
    seen = watch(planner.client, plan_id, lambda p: not p["active"])
    with planner.client.app.state.db.session() as s:  # type: ignore[attr-defined]
        row = s.get(PlanRow, plan_id)
        assert row is not None and row.status == "done", (row.status, row.error)
        return {"id": plan_id, "first_page": first.text, "seen": seen, "row": row}


def test_the_progress_view_then_the_plan(done_plan: dict[str, Any]) -> None:
    first, seen = done_plan["first_page"], done_plan["seen"]
    if 'data-progress-url="/planning/' in first:  # the plan had not finished yet: the view
        assert "Tiến độ tính toán" in first and 'action="/planning/' in first
        assert "Huỷ kế hoạch này" in first and "<progress" in first
    solving = [p for p in seen if p["status"] == "solving" and p["planned"] is not None]
    assert solving, [p["status"] for p in seen]  # the best plan so far, while solving
    best = solving[-1]
    assert 0 < best["planned"] <= 386 and 0 < best["coverage"] <= 1
    assert best["text"]["planned"] == f"{best['planned']:,}".replace(",", ".")
    assert best["text"]["coverage"].endswith(" %") and "," in best["text"]["coverage"]
    assert 0 <= best["elapsed_s"] <= best["limit_s"] == 3
    last = seen[-1]
    assert last["status"] == "done" and last["text"]["status"] == "Xong"
    row = done_plan["row"]
    assert row.best_planned == row.document["summary"]["planned"]  # the plan's own, at the end
    assert 0 < row.best_coverage <= 1


def test_the_settings_file_is_stored_and_used(done_plan: dict[str, Any]) -> None:
    row = done_plan["row"]
    assert row.settings_toml == "[visit]\nobservation_minutes = 15\n"
    assert row.requested_by == "Trần Thị Mai"
    visit = row.document["parameters"]["visit"]
    assert visit["observation_minutes"] == 15 and visit["setup_minutes"] == 5  # over defaults


def test_a_re_plan_keeps_its_parents_settings_file(
    planner: Browser, done_plan: dict[str, Any]
) -> None:
    state = planner.client.app.state  # type: ignore[attr-defined]
    with state.db.session() as s:
        parent = s.get(PlanRow, done_plan["id"])
        assert parent is not None
        row = plan_requests.queue_replan(
            s,
            state.settings,
            state.jobs,
            parent,
            as_of=None,
            days=1,
            time_limit_s=3,
            requested_by="x",
        )
        assert row.settings_toml == parent.settings_toml == "[visit]\nobservation_minutes = 15\n"
        plan_states.cancel(s, row.id)


def _cells(page: str, table: str) -> list[list[str]]:
    body = re.search(rf'<table class="{table}">.*?<tbody>(.*?)</tbody>', page, re.S)
    assert body, table
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body.group(1), re.S)
    return [
        [
            html.unescape(re.sub(r"<[^>]+>", "", c)).strip()
            for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", r, re.S)
        ]
        for r in rows
    ]


def _int(text: str) -> int:
    return int(text.replace(".", "").replace(",", ""))


def test_the_plan_page_shows_what_the_document_says(
    planner: Browser, done_plan: dict[str, Any]
) -> None:
    plan_id, document = done_plan["id"], done_plan["row"].document
    page = planner.client.get(f"/planning/{plan_id}")
    assert page.status_code == 200
    text = page.text
    summary = document["summary"]
    assert f'data-total="planned">{summary["planned"]}<' in text
    assert f'data-total="team-days">{len(document["routes"])}<' in text
    bands = {"Cao": "high", "Trung bình": "medium", "Thấp": "low"}
    for band, planned, total, _ in _cells(text, "coverage by-band"):
        expected = summary["coverage_by_priority"][bands[band]]
        assert (_int(planned), _int(total)) == (expected["planned"], expected["eligible"])
    wards = _cells(text, "coverage by-ward")
    assert sum(_int(w[1]) for w in wards) == summary["planned"]
    assert sum(_int(w[2]) for w in wards) == summary["planned"] + len(document["unassigned"])
    days = _cells(text, "team-days")
    assert len(days) == len(document["routes"])
    assert sum(_int(d[2]) for d in days) == sum(len(r["stops"]) for r in document["routes"])
    assert sum(_int(d[3]) for d in days) == summary["doses"]
    listed = {row[0]: row[2] for row in _cells(text, "unassigned")}
    assert len(listed) == len(document["unassigned"]) > 0
    for u in document["unassigned"]:  # every resident not planned, with the reason's label
        assert listed[u["resident_id"]] == reason_label(u["reason_code"], "vi")
    for link in (
        f"/planning/{plan_id}/replan",
        f"/plans/{plan_id}/export?format=xlsx",
        f"/plans/{plan_id}/export?format=csv",
        f'src="/planning/{plan_id}/map"',
        f"/plans/{plan_id}/teams/",
    ):
        assert link in text, link
    assert "Bản nháp" not in text  # a new plan is published when done
    with planner.client.app.state.db.session() as s:  # type: ignore[attr-defined]
        audit = s.scalars(select(AuditRow).where(AuditRow.action == "read_plan")).all()
        assert any(a.detail == f"user Trần Thị Mai: plan {plan_id}" for a in audit)


def test_the_residents_not_planned_filter_and_download(
    planner: Browser, done_plan: dict[str, Any]
) -> None:
    plan_id, document = done_plan["id"], done_plan["row"].document
    code = document["unassigned"][0]["reason_code"]
    wanted = sorted(u["resident_id"] for u in document["unassigned"] if u["reason_code"] == code)
    page = planner.client.get(f"/planning/{plan_id}", params={"reason": code})
    assert sorted(r[0] for r in _cells(page.text, "unassigned")) == wanted
    assert f'<option value="{code}" selected>' in page.text
    junk = planner.client.get(f"/planning/{plan_id}", params={"reason": "<b>x</b>"})
    assert len(_cells(junk.text, "unassigned")) == len(document["unassigned"])  # no filter
    csv = planner.client.get(f"/planning/{plan_id}/unassigned.csv", params={"reason": code})
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "resident_id,ward,reason_code,reason"
    assert sorted(line.split(",")[0] for line in lines[1:]) == wanted
    names = [n for n in read_table(demo_files().residents).frame["full_name"] if n]
    assert names and not any(n in csv.text for n in names)  # ids, never names


def test_the_plan_page_in_english(planner: Browser, done_plan: dict[str, Any]) -> None:
    planner.client.cookies.set("lang", "en")
    try:
        page = planner.client.get(f"/planning/{done_plan['id']}")
    finally:
        planner.client.cookies.delete("lang")
    assert f"<h1>Plan version {done_plan['row'].version}</h1>" in page.text
    assert "Coverage by priority band" in page.text and "Residents not planned" in page.text
    code = done_plan["row"].document["unassigned"][0]["reason_code"]
    assert reason_label(code, "en") in page.text


def test_only_the_consoles_copy_of_the_map_may_be_framed_and_only_here(
    planner: Browser, done_plan: dict[str, Any]
) -> None:
    plan_id = done_plan["id"]
    framed = planner.client.get(f"/planning/{plan_id}/map")
    assert framed.status_code == 200 and framed.headers["x-frame-options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in framed.headers["content-security-policy"]
    api = planner.client.get(f"/plans/{plan_id}/map")
    assert api.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in api.headers["content-security-policy"]
    page = planner.client.get(f"/planning/{plan_id}")
    csp = page.headers["content-security-policy"]
    assert "frame-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert page.headers["x-frame-options"] == "DENY"


def test_cancel_stops_a_plan_and_its_page_says_so(planner: Browser) -> None:
    created = submit(planner, {"time_limit_s": "60"})
    assert created.status_code == 303
    plan_id = int(created.headers["location"].rsplit("/", 1)[1])
    watch(planner.client, plan_id, lambda p: p["status"] == "solving")
    stopped = planner.client.post(
        f"/planning/{plan_id}/cancel", data={"csrf_token": planner.csrf}, follow_redirects=False
    )
    assert stopped.status_code == 303 and stopped.headers["location"] == f"/planning/{plan_id}"
    page = planner.client.get(f"/planning/{plan_id}")
    assert "Kế hoạch đã bị huỷ lúc" in page.text and "Đã huỷ" in page.text
    with planner.client.app.state.db.session() as s:  # type: ignore[attr-defined]
        row = s.get(PlanRow, plan_id)
        assert row is not None and row.status == "cancelled" and row.document is None
    again = planner.client.post(
        f"/planning/{plan_id}/cancel", data={"csrf_token": planner.csrf}, follow_redirects=False
    )
    assert again.status_code == 303  # already over: nothing changes, its page says what it is
    dashboard = planner.client.get("/").text  # the dashboard names the status and links the plan
    assert f'<a href="/planning/{plan_id}">' in dashboard and "[plan_cancelled]" not in dashboard


def _add_plan(client: TestClient, **values: Any) -> int:
    with client.app.state.db.session() as s:  # type: ignore[attr-defined]
        version = (s.scalar(select(func.max(PlanRow.version))) or 0) + 1
        row = PlanRow(
            version=version,
            start_date=dt.date(2026, 11, 23),
            days=2,
            time_limit_s=30,
            progress=0.0,
            **values,
        )
        s.add(row)
        s.commit()
        return row.id


def test_progress_numbers_as_the_row_has_them(planner: Browser) -> None:
    started = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=12)
    plan_id = _add_plan(
        planner.client,
        status="solving",
        started_at=started,
        heartbeat_at=dt.datetime.now(dt.UTC),
        best_planned=1234,
        best_coverage=0.5678,
        areas_done=3,
        areas_total=11,
        attempts=1,
    )
    try:
        vi = planner.client.get(f"/planning/{plan_id}/progress").json()
        planner.client.cookies.set("lang", "en")
        en = planner.client.get(f"/planning/{plan_id}/progress").json()
        planner.client.cookies.delete("lang")
        page = planner.client.get(f"/planning/{plan_id}")
    finally:
        with planner.client.app.state.db.session() as s:  # type: ignore[attr-defined]
            row = s.get(PlanRow, plan_id)
            row.status, row.error = "failed", "internal error (see the server log)"
            s.commit()
    assert vi["active"] and 11 <= vi["elapsed_s"] <= 30 and vi["limit_s"] == 30
    assert vi["text"]["planned"] == "1.234" and vi["text"]["coverage"] == "56,8 %"
    assert en["text"]["planned"] == "1,234" and en["text"]["coverage"] == "56.8 %"
    assert en["text"]["elapsed"].endswith("/ 30 s") and vi["text"]["elapsed"].endswith("giây")
    assert 'data-progress="planned">1.234<' in page.text
    # a plan solved as areas on a cluster: the areas finished and in all (issue 25, item 4)
    assert (vi["areas_done"], vi["areas_total"], vi["text"]["areas"]) == (3, 11, "3 / 11")
    assert 'data-progress="areas">3 / 11<' in page.text and "Khu vực đã xong" in page.text
    assert "data-progress-areas hidden" not in page.text
    with planner.client.app.state.db.session() as s:  # type: ignore[attr-defined]
        bearer = {"Authorization": f"Bearer {create_token(s, 'planner', None)}"}
    json_api = planner.client.get(f"/plans/{plan_id}", headers=bearer).json()
    assert (json_api["areas_done"], json_api["areas_total"]) == (3, 11)
    assert (json_api["best_planned"], json_api["best_coverage"]) == (1234, 0.5678)
    ended = planner.client.get(f"/planning/{plan_id}")
    assert "Không lập được kế hoạch" in ended.text
    assert "Lỗi nội bộ của máy chủ; xem nhật ký máy chủ." in ended.text


def test_a_failed_plan_says_why_and_a_draft_links_its_changes(
    planner: Browser, done_plan: dict[str, Any]
) -> None:
    failed = _add_plan(
        planner.client,
        status="failed",
        finished_at=dt.datetime.now(dt.UTC),
        error="input: settings file: bad value [visit] setup_minutes (line 2)",
    )
    page = planner.client.get(f"/planning/{failed}")
    assert "Dữ liệu hoặc tệp cài đặt không dùng được." in page.text
    assert "Nguyên văn: input: settings file: bad value" in html.unescape(page.text)
    draft = _add_plan(
        planner.client,
        status="done",
        parent_id=done_plan["id"],
        document=done_plan["row"].document,
        finished_at=dt.datetime.now(dt.UTC),
    )
    page = planner.client.get(f"/planning/{draft}")
    assert f'<a href="/planning/{draft}/changes">Bản nháp: xem thay đổi và công bố</a>' in page.text
    listing = planner.client.get("/planning")
    assert f'href="/planning/{draft}"' in listing.text and "bản nháp" in listing.text


@pytest.mark.parametrize(
    "path",
    [
        "/planning/999999",
        "/planning/abc",
        "/planning/-1",
        "/planning/99999999999999999999",
        "/planning/999999/map",
        "/planning/1x/unassigned.csv",
    ],
)
def test_no_such_plan_is_a_page(planner: Browser, path: str) -> None:
    page = planner.client.get(path)
    assert page.status_code == 404 and "Không có kế hoạch này" in page.text
    assert planner.client.get("/planning/999999/progress").status_code == 404
