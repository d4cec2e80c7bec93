"""Plan the rest from the console, on SQLite and PostgreSQL: the form and its refusals as
messages, a re-plan from outcomes a tablet posted, its preview against the pure function, and
publishing it (teams then receive it; nobody vaccinated is planned again; routes under way
are kept)."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.main import create_app
from api.models import JobLock, PlanRow
from api.plan_requests import current_plan
from api.security import create_token
from api.store import VN
from planner.demo import demo_files
from planner.plan_changes import plan_changes
from tests.api.conftest import upload, wait_done
from tests.api.pages.conftest import Browser, console_settings, make_user, signed_in

DAY = dt.date(2026, 11, 23)
AS_OF = "2026-11-23T10:00"


@dataclass
class Campaign:
    client: TestClient
    planner: dict[str, str]  # a planner's bearer header
    leader: dict[str, str]  # team DX's tablet
    plan: dict[str, Any]  # GET /plans/{id} of the first plan, done
    browser: Browser


@pytest.fixture(scope="module")
def app_client(database_url: str) -> Iterator[TestClient]:
    # outcomes on the demo's dated days stay recordable whenever the suite runs
    app = create_app(
        console_settings(database_url, visit_max_age_days=3650, default_time_limit_s=3)
    )
    with TestClient(app) as c:
        yield c


@pytest.fixture(scope="module")
def campaign(app_client: TestClient) -> Campaign:
    """The demo lists and a 2-day plan from 23/11/2026, made through the JSON API; a planner
    signed in to the console."""
    files = demo_files()
    with app_client.app.state.db.session() as s:  # type: ignore[attr-defined]
        planner = {"Authorization": f"Bearer {create_token(s, 'planner', None)}"}
    assert upload(app_client, planner, "teams", files.teams).status_code == 201
    assert upload(app_client, planner, "residents", files.residents).status_code == 201
    with app_client.app.state.db.session() as s:  # type: ignore[attr-defined]
        leader = {"Authorization": f"Bearer {create_token(s, 'team_leader', 'DX')}"}
    created = app_client.post(
        "/plans",
        headers=planner,
        json={"start_date": DAY.isoformat(), "days": 2, "time_limit_s": 3},
    )
    plan = wait_done(app_client, planner, created.json()["id"])
    assert plan["status"] == "done", plan
    make_user(app_client, "Trần Văn Bình")
    return Campaign(app_client, planner, leader, plan, signed_in(app_client, "Trần Văn Bình"))


def plans_count(client: TestClient) -> int:
    with client.app.state.db.session() as s:  # type: ignore[attr-defined]
        return int(s.scalar(select(func.count()).select_from(PlanRow)) or 0)


def post_form(c: Campaign, plan_id: int, **values: str):
    form = {"csrf_token": c.browser.csrf, "as_of": AS_OF, "days": "", "time_limit": "5", **values}
    return c.client.post(f"/planning/{plan_id}/replan", data=form, follow_redirects=False)


def alerts(page: str) -> list[str]:
    found = re.findall(
        r'class="(?:alert|field-error)"[^>]*>(.*?)</(?:p|span|div)>', page, re.DOTALL
    )
    return [html.unescape(re.sub(r"<[^>]+>", " ", a)).strip() for a in found]


def test_the_form_says_what_it_will_do_with_defaults(campaign: Campaign) -> None:
    plan = campaign.plan
    page = campaign.client.get(f"/planning/{plan['id']}/replan")
    assert page.status_code == 200
    assert "Lập kế hoạch phần còn lại" in page.text
    assert f"Từ kế hoạch phiên bản {plan['version']}: 23/11/2026 – 24/11/2026" in page.text
    now = dt.datetime.now(VN)
    shown = re.search(r'name="as_of" type="text" value="([^"]+)"', page.text)
    assert shown and abs(  # DD/MM/YYYY HH:MM, as the console writes dates
        dt.datetime.strptime(shown[1], "%d/%m/%Y %H:%M").replace(tzinfo=VN) - now
    ) < dt.timedelta(minutes=2)
    assert re.search(r'name="days" type="number" value=""', page.text)
    assert re.search(r'name="time_limit" type="number" value="3"', page.text)
    assert "đến hết ngày cuối của kế hoạch (24/11/2026)" in page.text
    campaign.client.cookies.set("lang", "en")
    try:
        english = html.unescape(campaign.client.get(f"/planning/{plan['id']}/replan").text)
    finally:
        campaign.client.cookies.delete("lang")
    assert "Plan the rest" in english and "up to the plan's last day (24/11/2026)" in english


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"as_of": "hôm qua"}, "Hãy nhập một ngày giờ hợp lệ, từ năm 2000 đến năm 2099."),
        ({"as_of": "1812-10-18T09:00"}, "Hãy nhập một ngày giờ hợp lệ"),
        ({"as_of": "31/02/2026 09:00"}, "Hãy nhập một ngày giờ hợp lệ"),
        ({"as_of": "20/11/2026 09:00"}, "Thời điểm phải từ ngày đầu của kế hoạch (23/11/2026)"),
        ({"as_of": "2026-11-20T09:00"}, "Thời điểm phải từ ngày đầu của kế hoạch (23/11/2026)"),
        ({"days": "0"}, "Số ngày phải là số nguyên từ 1 đến 31."),
        ({"days": "40"}, "Số ngày phải là số nguyên từ 1 đến 31."),
        ({"days": "hai"}, "Số ngày phải là số nguyên từ 1 đến 31."),
        ({"time_limit": "0"}, "Thời gian tính phải từ 1 đến 600 giây."),
        ({"time_limit": "9999"}, "Thời gian tính phải từ 1 đến 600 giây."),
    ],
)
def test_bad_values_are_messages_and_nothing_is_queued(
    campaign: Campaign, values: dict[str, str], message: str
) -> None:
    before = plans_count(campaign.client)
    page = post_form(campaign, campaign.plan["id"], **values)
    assert page.status_code == 422
    assert "Hãy sửa các ô được đánh dấu." in page.text
    assert any(message in a for a in alerts(page.text)), alerts(page.text)
    assert 'aria-invalid="true"' in page.text
    for name, value in values.items():  # what was typed is kept
        assert f'name="{name}"' in page.text and html.escape(value) in page.text
    assert plans_count(campaign.client) == before


def test_a_full_queue_and_a_running_re_plan_are_messages(campaign: Campaign) -> None:
    app, plan_id = campaign.client.app, campaign.plan["id"]
    before = plans_count(campaign.client)
    settings = app.state.settings  # type: ignore[attr-defined]
    app.state.settings = settings.model_copy(update={"max_queued": 0})  # type: ignore[attr-defined]
    try:
        full = post_form(campaign, plan_id)
    finally:
        app.state.settings = settings  # type: ignore[attr-defined]
    assert full.status_code == 429
    assert any("Hàng chờ tính toán đã đầy" in a for a in alerts(full.text))
    with app.state.db.session() as s:  # type: ignore[attr-defined]
        s.add(JobLock(name="replan", plan_id=999_999))  # a re-plan "running" elsewhere
        s.commit()
    try:
        running = post_form(campaign, plan_id)
    finally:
        with app.state.db.session() as s:  # type: ignore[attr-defined]
            s.delete(s.get(JobLock, "replan"))
            s.commit()
    assert running.status_code == 409
    assert any("Đang có một lần lập lại kế hoạch khác" in a for a in alerts(running.text))
    assert 'href="/planning/999999"' in running.text
    assert plans_count(campaign.client) == before


def test_no_plan_or_a_plan_not_done_says_so(campaign: Campaign) -> None:
    client = campaign.client
    for path in (
        "/planning/999999/replan",
        "/planning/abc/replan",
        "/planning/0/changes",
        "/planning/99999999999999999999/changes",
    ):
        page = client.get(path)
        assert page.status_code == 404 and "Không có kế hoạch này." in page.text, path
    queued = client.post(
        "/plans",
        headers=campaign.planner,
        json={"start_date": "2026-11-26", "days": 1, "time_limit_s": 3},
    )
    plan_id = queued.json()["id"]
    assert client.post(f"/plans/{plan_id}/cancel", headers=campaign.planner).status_code == 200
    page = client.get(f"/planning/{plan_id}/replan")
    assert page.status_code == 409
    assert "Chỉ lập lại được từ một kế hoạch đã xong. Kế hoạch này: Đã huỷ." in page.text
    assert f'action="/planning/{plan_id}/replan"' not in page.text
    refused = post_form(campaign, plan_id)
    assert refused.status_code == 409
    changes = client.get(f"/planning/{plan_id}/changes")
    assert changes.status_code == 200 and "Kế hoạch này không phải bản lập lại" in changes.text
    published = client.post(
        f"/planning/{plan_id}/publish",
        data={"csrf_token": campaign.browser.csrf},
        follow_redirects=False,
    )
    assert published.status_code == 409


def first_stops(plan: dict[str, Any], team: str, n: int) -> list[dict[str, Any]]:
    route = next(r for r in plan["routes"] if r["team_id"] == team and r["date"] == "2026-11-23")
    return route["stops"][:n]


def post_outcome(
    c: Campaign, headers: dict[str, str], resident: str, outcome: str, at: str, key: str
) -> None:
    r = c.client.post(
        "/visits",
        headers=headers,
        json={
            "resident_id": resident,
            "plan_id": c.plan["id"],
            "outcome": outcome,
            "at": f"2026-11-23T{at}:00+07:00",
            "idempotency_key": key,
        },
    )
    assert r.status_code == 201, r.text


def counts(page: str) -> dict[str, int]:
    return {
        k: int(v.replace(".", "")) for k, v in re.findall(r'data-count="(\w+)">([\d.]+)<', page)
    }


def table_ids(page: str, name: str) -> list[str]:
    body = re.search(rf'<table class="{name}">.*?<tbody>(.*?)</tbody>', page, re.DOTALL)
    return re.findall(r"<tr>\s*<td>([^<]+)</td>", body[1]) if body else []


@pytest.fixture(scope="module")
def replanned(campaign: Campaign) -> dict[str, Any]:
    """Outcomes posted as the DX tablet would (two stops of day 1, and a day-2 resident met
    early), then "plan the rest" from the console as of 10:00 on day 1, solved."""
    plan, leader = campaign.plan["plan"], campaign.leader
    done = first_stops(plan, "DX", 2)
    vaccinated = [done[0]["resident_ids"][0]]
    post_outcome(campaign, leader, vaccinated[0], "vaccinated", "08:10", "tab-DX-r1")
    post_outcome(campaign, leader, done[1]["resident_ids"][0], "not_at_home", "08:50", "tab-DX-r2")
    later = next(
        s["resident_ids"][0]
        for r in plan["routes"]
        if r["team_id"] == "DX" and r["date"] == "2026-11-24"
        for s in r["stops"]
    )
    post_outcome(campaign, leader, later, "vaccinated", "09:30", "tab-DX-r3")
    vaccinated.append(later)
    response = post_form(campaign, campaign.plan["id"], as_of=AS_OF, time_limit="5")
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert re.fullmatch(r"/planning/\d+", location)
    new_id = int(location.rsplit("/", 1)[1])
    body = wait_done(campaign.client, campaign.planner, new_id)
    assert body["status"] == "done", body["error"]
    return {"body": body, "done": done, "vaccinated": vaccinated}


def test_the_re_plan_records_who_asked_and_is_a_draft(campaign: Campaign, replanned) -> None:
    body = replanned["body"]
    assert body["parent_id"] == campaign.plan["id"] and body["requested_by"] == "Trần Văn Bình"
    assert body["published_at"] is None and body["start_date"] == "2026-11-23"
    assert body["days"] == 2  # empty days: up to the parent's last day
    with campaign.client.app.state.db.session() as s:  # type: ignore[attr-defined]
        row = s.get(PlanRow, body["id"])
        assert row.as_of is not None and row.time_limit_s == 5
        as_of = row.as_of if row.as_of.tzinfo else row.as_of.replace(tzinfo=dt.UTC)
        assert as_of == dt.datetime(2026, 11, 23, 10, 0, tzinfo=VN)
    assert campaign.client.get(f"/plans/{body['id']}", headers=campaign.leader).status_code == 404


def test_the_preview_shows_the_pure_functions_numbers_and_lists(
    campaign: Campaign, replanned
) -> None:
    body = replanned["body"]
    page = campaign.client.get(f"/planning/{body['id']}/changes")
    assert page.status_code == 200
    expected = plan_changes(campaign.plan["plan"], body["plan"])
    assert counts(page.text) == {
        "changes_moved": len(expected.moved),
        "changes_new": len(expected.newly_planned),
        "changes_dropped": len(expected.dropped),
        "changes_unchanged": expected.unchanged,
    }
    assert table_ids(page.text, "changes-moved") == [m.resident_id for m in expected.moved]
    assert table_ids(page.text, "changes-new") == [n.resident_id for n in expected.newly_planned]
    assert table_ids(page.text, "changes-dropped") == [d.resident_id for d in expected.dropped]
    later = replanned["vaccinated"][1]  # met early: dropped from day 2 as vaccinated
    row = re.search(
        rf"<td>{re.escape(later)}</td>\s*<td>Đội DX, 24/11/2026</td>\s*"
        r"<td>([^<]+)</td>",
        page.text,
    )
    assert row and row[1] == "Đã tiêm"
    assert f"Điểm đã đi được giữ nguyên: {body['plan']['summary']['fixed_stops']}" in page.text
    assert f'action="/planning/{body["id"]}/publish"' in page.text
    assert "Công bố cho các đội" in page.text


def test_publishing_hands_the_version_to_the_teams(campaign: Campaign, replanned) -> None:
    body, client = replanned["body"], campaign.client
    published = client.post(
        f"/planning/{body['id']}/publish",
        data={"csrf_token": campaign.browser.csrf},
        follow_redirects=False,
    )
    assert published.status_code == 303
    assert published.headers["location"] == f"/planning/{body['id']}?published=1"
    shown = client.get(published.headers["location"]).text
    assert f"Đã công bố phiên bản {body['version']}" in shown
    assert "Bản nháp: xem thay đổi" not in shown
    assert "Đã công bố phiên bản" not in client.get(f"/planning/{body['id']}").text
    with client.app.state.db.session() as s:  # type: ignore[attr-defined]
        assert current_plan(s, DAY).id == body["id"]
        assert current_plan(s, DAY + dt.timedelta(days=1)).id == body["id"]
    mine = client.get(f"/plans/{body['id']}", headers=campaign.leader)
    assert mine.status_code == 200 and mine.json()["published_at"]
    again = client.post(
        f"/planning/{body['id']}/publish",
        data={"csrf_token": campaign.browser.csrf},
        follow_redirects=False,
    )
    assert again.status_code == 303  # idempotent
    assert (
        client.get(f"/plans/{body['id']}", headers=campaign.planner).json()["published_at"]
        == mine.json()["published_at"]
    )
    page = client.get(f"/planning/{body['id']}/changes")
    assert "Đã công bố lúc" in page.text and "/publish" not in page.text


def test_the_published_plan_keeps_visits_and_plans_nobody_vaccinated_again(
    campaign: Campaign, replanned
) -> None:
    body = replanned["body"]
    document = campaign.client.get(f"/plans/{body['id']}", headers=campaign.planner).json()["plan"]
    assert document["summary"]["fixed_stops"] >= 2
    kept = first_stops(document, "DX", 2)
    done = replanned["done"]
    assert [s["resident_ids"] for s in kept] == [s["resident_ids"] for s in done]
    assert [s["arrival"] for s in kept] == [s["arrival"] for s in done]
    places = {
        rid: (r["team_id"], r["date"], s["seq"])
        for r in document["routes"]
        for s in r["stops"]
        for rid in s["resident_ids"]
    }
    first, later = replanned["vaccinated"]
    assert places[first] == ("DX", "2026-11-23", 1)  # only the visit itself, kept as done
    assert later not in places
    assert {"resident_id": later, "status": "vaccinated"} in document["excluded"]
    for route in document["routes"]:  # after the kept stops, nothing before 10:00
        if route["date"] == "2026-11-23":
            fixed = len(done) if route["team_id"] == "DX" else 0
            assert all(s["arrival"][11:16] >= "10:00" for s in route["stops"][fixed:]), route
