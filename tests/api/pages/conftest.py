"""The console's tests: an app per module on SQLite and PostgreSQL (``database_url`` from
tests/api/conftest.py), a planner who signs in, and helpers to read forms and cookies."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.settings import Settings
from api.users import add_user

PASSWORD = "mật khẩu đủ dài 2026"
#: a short delay and a low limit so that the lockout is quick to reach in a test
MAX_FAILURES = 3
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def console_settings(database_url: str, **changes: object) -> Settings:
    values: dict[str, object] = {
        "database_url": database_url,
        "default_time_limit_s": 2,
        "max_upload_mb": 2,
        "login_delay_s": 0.05,
        "login_max_failures": MAX_FAILURES,
        "login_lock_minutes": 5,
        **changes,
    }
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def console(database_url: str) -> Iterator[TestClient]:
    app = create_app(console_settings(database_url))
    with TestClient(app) as c:
        yield c


def make_user(client: TestClient, name: str, password: str = PASSWORD) -> None:
    with client.app.state.db.session() as s:  # type: ignore[attr-defined]
        add_user(s, name, password)


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "no csrf_token field on the page"
    return found.group(1)


def sign_in(client: TestClient, name: str, password: str = PASSWORD) -> httpx.Response:
    """Open the sign-in form and post it (the form's own CSRF value included)."""
    form = client.get("/login")
    assert form.status_code == 200
    return client.post(
        "/login",
        data={"name": name, "password": password, "csrf_token": csrf_of(form.text)},
        follow_redirects=False,
    )


@dataclass
class Browser:
    """A TestClient's cookie jar signed in as one user, with the session's CSRF token."""

    client: TestClient
    csrf: str
    cookie: str


def signed_in(client: TestClient, name: str, password: str = PASSWORD) -> Browser:
    client.cookies.clear()
    response = sign_in(client, name, password)
    assert response.status_code == 303 and response.headers["location"] == "/"
    page = client.get("/")
    assert page.status_code == 200
    return Browser(client, csrf_of(page.text), client.cookies["vaxroute_session"])


def set_cookies(response: httpx.Response) -> dict[str, dict[str, str]]:
    """The response's Set-Cookie headers: name -> {"value": ..., attribute: value}."""
    out: dict[str, dict[str, str]] = {}
    for header in response.headers.get_list("set-cookie"):
        first, *attrs = [part.strip() for part in header.split(";")]
        name, _, value = first.partition("=")
        out[name] = {
            "value": value,
            **{a.partition("=")[0].lower(): a.partition("=")[2] for a in attrs},
        }
    return out
