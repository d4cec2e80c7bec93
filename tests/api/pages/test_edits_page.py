"""Hand edits on the console (/planning/{id}/edit), SQLite and PostgreSQL, the real solver
process: the page in Vietnamese with dates DD/MM/YYYY and a lock button per team-day; a lock
posted as a plain form (no script) makes a draft whose changes page opens; bad values are the
form again with the message in Vietnamese; no CSRF token, a 403."""

from __future__ import annotations

import html
import re
from typing import Any

from fastapi.testclient import TestClient

from api.models import UserRow
from api.plan_edits import locks_of
from tests.api.pages.conftest import Browser, make_user, signed_in


def browser(client: TestClient) -> Browser:
    with client.app.state.db.session() as s:  # type: ignore[attr-defined]
        if s.query(UserRow).filter_by(name="Lê Thu Hà").first() is None:
            make_user(client, "Lê Thu Hà")
    return signed_in(client, "Lê Thu Hà")


def test_the_page_lists_team_days_with_lock_buttons(
    client: TestClient, loaded: dict[str, Any]
) -> None:
    b = browser(client)
    page = b.client.get(f"/planning/{loaded['id']}/edit")
    assert page.status_code == 200
    text = html.unescape(page.text)
    assert "Sửa kế hoạch bằng tay" in text and "23/11/2026" in text
    assert text.count('name="kind" value="lock"') == len(loaded["plan"]["routes"])
    assert 'name="resident_id"' in text and "Vị trí trong lộ trình" in text
    assert f'href="/planning/{loaded["id"]}/edit"' in b.client.get(f"/planning/{loaded['id']}").text
    # the resident field offers every resident of the plan: planned ones with where they are
    # (team, date, position), left-out ones with their reason; the form posts the id only
    plan = loaded["plan"]
    offered = re.findall(r'<option value="([^"]+)" label="([^"]*)">', page.text)
    planned = {rid for r in plan["routes"] for st in r["stops"] for rid in st["resident_ids"]}
    left = {u["resident_id"] for u in plan["unassigned"]}
    assert {rid for rid, _ in offered} == planned | left and len(offered) == len(planned | left)
    route = plan["routes"][0]
    first = route["stops"][0]["resident_ids"][0]
    day = route["date"][8:10] + "/" + route["date"][5:7]
    label = dict(offered)[first]
    assert label.endswith(f" · {route['team_id']} {day} #1") and len(label) > 12  # a name first


def test_a_lock_posted_as_a_form_makes_a_draft_and_opens_its_changes(
    client: TestClient, loaded: dict[str, Any]
) -> None:
    b = browser(client)
    route = loaded["plan"]["routes"][0]
    form = {
        "csrf_token": b.csrf,
        "kind": "lock",
        "team_id": route["team_id"],
        "date": route["date"],
    }
    answer = b.client.post(f"/planning/{loaded['id']}/edit", data=form, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    found = re.fullmatch(r"/planning/(\d+)/changes", answer.headers["location"])
    assert found
    new = int(found.group(1))
    changes = b.client.get(answer.headers["location"])
    assert changes.status_code == 200 and "(sửa tay) so với phiên bản" in changes.text
    with client.app.state.db.session() as s:  # type: ignore[attr-defined]
        assert locks_of(s, new) == {(route["team_id"], route["date"]): None}
    page = html.unescape(b.client.get(f"/planning/{new}/edit").text)
    assert f"Mở khoá {route['team_id']}" in page  # the toggle now unlocks


def test_bad_values_are_the_form_again_in_vietnamese(
    client: TestClient, loaded: dict[str, Any]
) -> None:
    b = browser(client)
    url = f"/planning/{loaded['id']}/edit"
    cases = [
        ({"kind": "move", "resident_id": "DX-001"}, "Hãy chọn cả đội và ngày."),
        ({"kind": "pin", "resident_id": ""}, "Hãy nhập mã người dân."),
        ({"kind": "pin", "resident_id": "DX-001"}, "Ghim cần một đội, một ngày hoặc cả hai."),
        ({"kind": "lock", "team_id": "DX", "date": "2026-12-31"}, "Ngày phải là một ngày"),
        (
            {"kind": "pin", "resident_id": "KHONG-CO", "team_id": "DX"},
            "Không sửa được kế hoạch",
        ),
    ]
    for values, message in cases:
        answer = b.client.post(url, data={"csrf_token": b.csrf, **values})
        assert answer.status_code == 422, values
        assert message in html.unescape(answer.text), values
    no_token = b.client.post(url, data={"kind": "lock", "team_id": "DX", "date": "2026-11-23"})
    assert no_token.status_code == 403
