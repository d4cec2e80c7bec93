"""Sign-in, sessions and CSRF, through the real app on SQLite and PostgreSQL.

Every page and every data-changing route is found from the app's own route table, so a page
or route added later is covered without touching this file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from api.models import UserRow, WebSessionRow
from api.security import create_token
from api.users import disable_user
from planner.demo import demo_files
from tests.api.pages.conftest import (
    MAX_FAILURES,
    PASSWORD,
    csrf_of,
    make_user,
    set_cookies,
    sign_in,
    signed_in,
)

CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
PUBLIC_PAGES = {"/login", "/lang/{code}"}
#: a tablet's pages (api/pages/devices.py): no console session, tests/api/pages/test_devices.py
DEVICE_PAGES = ("/enrol/", "/field")
#: a value for every path parameter the routes have (the route itself does not matter here)
PARAMS = {
    "plan_id": "1",
    "kind": "residents",
    "resident_id": "R1",
    "team_id": "DX",
    "date": "2026-11-23",
    "code": "en",
    "visit_id": "1",
    "token_id": "1",
}


def _routes(client: TestClient, pages: bool) -> list[tuple[str, str]]:
    """(method, concrete path) of the console's pages (pages=True: the routes of api/pages/)
    or of every other route (the JSON API, and whatever else the app serves)."""
    out = []
    for route in iter_route_contexts(client.app.routes):  # type: ignore[attr-defined]
        if not isinstance(route.original_route, APIRoute):
            continue
        if route.endpoint.__module__.startswith("api.pages.") != pages:
            continue
        path = re.sub(r"{(\w+)(:\w+)?}", lambda m: PARAMS.get(m[1], "x"), str(route.path))
        out.extend((method, path) for method in sorted(route.methods or ()))
    return out


def _db(client: TestClient):
    return client.app.state.db.session()  # type: ignore[attr-defined]


def test_every_page_without_a_session_goes_to_the_sign_in(console: TestClient) -> None:
    console.cookies.clear()
    pages = [
        (m, p)
        for m, p in _routes(console, pages=True)
        if p not in PUBLIC_PAGES and not p.startswith(("/lang/", *DEVICE_PAGES))
    ]
    assert ("GET", "/") in pages and ("POST", "/lists/residents/upload") in pages
    for method, path in pages:
        response = console.request(method, path, follow_redirects=False)
        assert response.status_code == 303, (method, path, response.status_code)
        assert response.headers["location"] == "/login", (method, path)
    assert "Đăng nhập" in console.get("/").text  # followed: the Vietnamese sign-in form


def test_every_data_changing_json_route_without_credentials_is_401(console: TestClient) -> None:
    console.cookies.clear()
    changing = [(m, p) for m, p in _routes(console, pages=False) if m in CHANGING]
    assert ("POST", "/residents/imports") in changing and ("POST", "/plans") in changing
    for method, path in changing:
        response = console.request(method, path)
        assert response.status_code == 401, (method, path, response.status_code, response.text)


def test_a_session_without_the_csrf_token_is_refused_everywhere(console: TestClient) -> None:
    make_user(console, "csrf")
    browser = signed_in(console, "csrf")
    pages = [(m, p) for m, p in _routes(console, pages=True) if m in CHANGING and p != "/login"]
    assert ("POST", "/logout") in pages
    for method, path in pages:
        response = console.request(
            method, path, data={"csrf_token": "wrong"}, follow_redirects=False
        )
        assert response.status_code == 403, (method, path, response.status_code)
        assert "Biểu mẫu đã hết hạn" in response.text
    for method, path in [(m, p) for m, p in _routes(console, pages=False) if m in CHANGING]:
        response = console.request(method, path)  # the cookie, no X-CSRF-Token header
        assert response.status_code == 403, (method, path, response.status_code)
    assert console.get("/").status_code == 200  # still signed in: nothing above logged out
    # with the token, the same session may change data through the JSON API
    teams = demo_files().teams.read_bytes()
    ok = console.post(
        "/teams/imports",
        headers={"X-CSRF-Token": browser.csrf},
        files={"file": ("teams.csv", teams, "text/csv")},
    )
    assert ok.status_code == 201, ok.text


def test_bearer_tokens_are_not_subject_to_csrf(console: TestClient) -> None:
    with _db(console) as s:
        planner = {"Authorization": f"Bearer {create_token(s, 'planner', None)}"}
    console.cookies.clear()
    teams = demo_files().teams.read_bytes()
    response = console.post(
        "/teams/imports", headers=planner, files={"file": ("teams.csv", teams, "text/csv")}
    )
    assert response.status_code == 201, response.text
    # a bearer header decides even when a session cookie rides along
    make_user(console, "bearer")
    signed_in(console, "bearer")
    response = console.post(
        "/teams/imports", headers=planner, files={"file": ("teams.csv", teams, "text/csv")}
    )
    assert response.status_code == 201, response.text
    bad = console.post(
        "/teams/imports",
        headers={"Authorization": "Bearer nope"},
        files={"file": ("teams.csv", teams, "text/csv")},
    )
    assert bad.status_code == 401  # not the cookie's user: the header is what is checked


def test_a_wrong_password_or_name_is_refused_with_one_message(console: TestClient) -> None:
    make_user(console, "lan")
    console.cookies.clear()
    for name, password in (("lan", "not the password"), ("nobody", PASSWORD)):
        response = sign_in(console, name, password)
        assert response.status_code == 401
        assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.text
        assert "vaxroute_session" not in set_cookies(response)
    assert console.get("/", follow_redirects=False).status_code == 303
    assert sign_in(console, "lan").status_code == 303


def test_the_sign_in_form_needs_its_own_csrf_value(console: TestClient) -> None:
    make_user(console, "mai")
    console.cookies.clear()
    response = console.post(
        "/login",
        data={"name": "mai", "password": PASSWORD, "csrf_token": "made-up"},
        follow_redirects=False,
    )
    assert response.status_code == 403 and "vaxroute_session" not in set_cookies(response)


def test_an_account_locks_after_repeated_failures_then_opens_again(console: TestClient) -> None:
    make_user(console, "hoa")
    console.cookies.clear()
    for _ in range(MAX_FAILURES - 1):
        assert sign_in(console, "hoa", "wrong wrong wrong").status_code == 401
    locked = sign_in(console, "hoa", "wrong wrong wrong")
    assert locked.status_code == 429 and "Tài khoản tạm khoá" in locked.text
    assert int(locked.headers["retry-after"]) > 60
    right = sign_in(console, "hoa")  # the right password does not open a locked account
    assert right.status_code == 429 and "vaxroute_session" not in set_cookies(right)
    with _db(console) as s:
        s.execute(
            update(UserRow)
            .where(UserRow.name == "hoa")
            .values(locked_until=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1))
        )
        s.commit()
    assert sign_in(console, "hoa").status_code == 303
    with _db(console) as s:
        assert s.scalar(select(UserRow.failed_attempts).where(UserRow.name == "hoa")) == 0


def test_a_disabled_users_session_stops_at_the_next_request(console: TestClient) -> None:
    make_user(console, "binh")
    signed_in(console, "binh")
    assert console.get("/residents").status_code == 200  # JSON API by cookie, GET: no CSRF
    with _db(console) as s:  # disabled in the database only: the session row is still there
        s.execute(
            update(UserRow)
            .where(UserRow.name == "binh")
            .values(disabled_at=dt.datetime.now(dt.UTC))
        )
        s.commit()
    assert console.get("/", follow_redirects=False).headers["location"] == "/login"
    assert console.get("/residents").status_code == 401
    make_user(console, "cuc")
    signed_in(console, "cuc")
    with _db(console) as s:
        disable_user(s, "cuc")  # as `vaxroute user disable` does: its sessions are deleted
        assert (
            s.scalar(
                select(func.count())
                .select_from(WebSessionRow)
                .join(UserRow, UserRow.id == WebSessionRow.user_id)
                .where(UserRow.name == "cuc")
            )
            == 0
        )
    assert console.get("/lists", follow_redirects=False).status_code == 303
    assert sign_in(console, "cuc").status_code == 401  # and cannot sign in again


@pytest.mark.parametrize("column", ["last_seen_at", "expires_at"])
def test_idle_and_absolute_expiry_end_a_session(console: TestClient, column: str) -> None:
    make_user(console, f"exp-{column}")
    browser = signed_in(console, f"exp-{column}")
    digest = hashlib.sha256(browser.cookie.encode()).hexdigest()
    past = dt.datetime.now(dt.UTC) - dt.timedelta(hours=13)
    with _db(console) as s:
        s.execute(
            update(WebSessionRow).where(WebSessionRow.token_hash == digest).values({column: past})
        )
        s.commit()
    assert console.get("/", follow_redirects=False).status_code == 303
    with _db(console) as s:  # the expired row is gone
        assert s.scalar(select(WebSessionRow.id).where(WebSessionRow.token_hash == digest)) is None


def test_sign_out_deletes_the_session_and_the_cookie(console: TestClient) -> None:
    make_user(console, "dung")
    browser = signed_in(console, "dung")
    digest = hashlib.sha256(browser.cookie.encode()).hexdigest()
    with _db(console) as s:
        row = s.scalar(select(WebSessionRow).where(WebSessionRow.token_hash == digest))
        assert row is not None and browser.cookie not in (row.token_hash, row.csrf_token)
    out = console.post("/logout", data={"csrf_token": browser.csrf}, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/login?out=1"
    assert set_cookies(out)["vaxroute_session"]["max-age"] == "0"
    with _db(console) as s:
        assert s.scalar(select(WebSessionRow.id).where(WebSessionRow.token_hash == digest)) is None
    console.cookies.set("vaxroute_session", browser.cookie)  # a copy kept by someone
    assert console.get("/", follow_redirects=False).status_code == 303
    assert "Bạn đã đăng xuất." in console.get("/login?out=1").text


def test_the_session_cookie_flags(console: TestClient, database_url: str) -> None:
    make_user(console, "em")
    console.cookies.clear()
    cookie = set_cookies(sign_in(console, "em"))["vaxroute_session"]
    assert {"httponly", "path", "samesite", "max-age"} <= set(cookie)
    assert cookie["path"] == "/" and cookie["samesite"].lower() == "strict"
    assert "secure" not in cookie  # plain http on loopback: a Secure cookie would be lost
    assert int(cookie["max-age"]) == 12 * 3600
    https = TestClient(console.app, base_url="https://testserver")
    form = https.get("/login")
    response = https.post(
        "/login",
        data={"name": "em", "password": PASSWORD, "csrf_token": csrf_of(form.text)},
        follow_redirects=False,
    )
    assert "secure" in set_cookies(response)["vaxroute_session"]


def test_the_language_switch_stays_on_this_site(console: TestClient) -> None:
    for target, expected in (
        ("/lists", "/lists"),
        ("//evil.example/x", "/"),
        ("https://evil.example/", "/"),
        ("/\\evil.example", "/"),
    ):
        response = console.get("/lang/en", params={"next": target}, follow_redirects=False)
        assert response.headers["location"] == expected, target
    console.cookies.clear()
    console.get("/lang/en")
    assert "Sign in to VaxRoute" in console.get("/login").text
    console.get("/lang/vi")
    assert "Đăng nhập VaxRoute" in console.get("/login").text
