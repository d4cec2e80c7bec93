"""No password, session cookie, CSRF token, bearer token or search word in a URL or a log line
while a person signs in (wrongly, rightly, until locked) and uses the console."""

from __future__ import annotations

import logging
import re

import httpx
import pytest
from fastapi.testclient import TestClient

from api.security import create_token
from planner.demo import demo_files
from planner.logs import SafeFormatter
from tests.api.pages.conftest import MAX_FAILURES, PASSWORD, make_user, sign_in, signed_in

NAME = "Trần Thị Thu"
WRONG = "sai-mat-khau-rat-dai"
SEARCH = "zqsecretzq"


def _urls(response: httpx.Response) -> list[str]:
    """Every URL a response and its redirects went through, and where it pointed next."""
    hops = [*response.history, response]
    return [str(r.url) for r in hops] + [r.headers.get("location", "") for r in hops]


def test_secrets_stay_out_of_urls_and_logs(
    console: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    make_user(console, NAME)
    make_user(console, "khoa")
    with console.app.state.db.session() as s:  # type: ignore[attr-defined]
        bearer = create_token(s, "planner", None)
    urls: list[str] = []
    caplog.set_level(logging.DEBUG)
    console.cookies.clear()
    urls += _urls(sign_in(console, NAME, WRONG))
    browser = signed_in(console, NAME)
    secrets = {
        "password": PASSWORD,
        "wrong password": WRONG,
        "cookie": browser.cookie,
        "csrf token": browser.csrf,
        "bearer token": bearer,
        "search": SEARCH,
        "user name": NAME,
    }
    steps = [
        console.get("/"),
        console.get("/lists"),
        console.post(
            "/lists/teams/upload",
            data={"csrf_token": browser.csrf},
            files={"file": ("teams.csv", demo_files().teams.read_bytes())},
        ),
        console.post("/lists/residents", data={"csrf_token": browser.csrf, "q": SEARCH}),
        console.get("/lists/teams"),
        console.get("/residents"),  # the JSON API by cookie
        console.post(
            "/teams/imports",
            headers={"X-CSRF-Token": browser.csrf},
            files={"file": ("teams.csv", demo_files().teams.read_bytes())},
        ),
        console.get("/plans", headers={"Authorization": f"Bearer {bearer}"}),
        console.post("/logout", data={"csrf_token": browser.csrf}),
    ]
    for response in steps:
        assert response.status_code < 400, (response.url, response.status_code)
        urls += _urls(response)
    login_form = console.get("/login")
    login_csrf = re.search(r'name="csrf_token" value="([^"]+)"', login_form.text).group(1)  # type: ignore[union-attr]
    secrets["sign-in form token"] = login_csrf
    for _ in range(MAX_FAILURES):
        urls += _urls(sign_in(console, "khoa", WRONG))
    assert "Tài khoản tạm khoá" in sign_in(console, "khoa", PASSWORD).text
    formatter = SafeFormatter("%(levelname)s %(name)s %(message)s")
    lines = [formatter.format(r) for r in caplog.records]
    assert any("/lists/{kind}/upload" in line for line in lines)  # the access log did run
    assert any("locked" in line for line in lines)  # and the lockout was logged
    for what, value in secrets.items():
        assert not [u for u in urls if value in u], f"{what} in a URL"
        assert not [line for line in lines if value in line], f"{what} in a log line"
