"""Security headers on every response, a Content-Security-Policy that lets the maps run and
nothing else, and /docs served without a CDN.

Header checks use the TestClient (SQLite and PostgreSQL). The browser checks run a real
uvicorn server on loopback (in a thread of this process, stopped at the end) and Debian's
Chromium with every request to another host aborted.
"""

from __future__ import annotations

import base64
import hashlib
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.security import create_token
from api.settings import Settings
from tests.api.conftest import upload
from tests.api.live import free_port
from tests.api.solved import solved_plan
from tests.chromium import ARTIFACTS
from tests.helpers import START, write_csv
from tests.hostile import (
    XSS_NOT_DUE,
    XSS_PLANNED,
    XSS_TEAM,
    XSS_TEAM_NAME,
    residents_rows,
    teams_rows,
)
from tests.maps.test_escaping import Elements


def directives(response: Any) -> dict[str, list[str]]:
    policy = response.headers.get("content-security-policy", "")
    out = {}
    for part in filter(None, (p.strip() for p in policy.split(";"))):
        name, *values = part.split()
        out[name] = values
    return out


def assert_secure_headers(response: Any) -> dict[str, list[str]]:
    assert response.headers.get("x-content-type-options") == "nosniff", response.url
    assert response.headers.get("referrer-policy") in ("no-referrer", "same-origin")
    csp = directives(response)
    assert csp.get("frame-ancestors") == ["'none'"], (response.url, csp)
    assert csp.get("object-src") == ["'none'"] and csp.get("base-uri") == ["'none'"]
    assert "'unsafe-inline'" not in csp.get("script-src", []), csp
    assert "'unsafe-eval'" not in csp.get("script-src", []), csp
    assert csp.get("default-src") == ["'none'"], csp
    return csp


def inline_script_hashes(page: str) -> set[str]:
    """What the browser hashes: each inline script's text, UTF-8."""
    return {
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
        for s in re.findall(r"<script>(.*?)</script>", page, re.S)
    }


def xss_lists(folder: Path) -> tuple[Path, Path]:
    teams = write_csv(folder / "teams.csv", teams_rows([XSS_TEAM], name=XSS_TEAM_NAME))
    people = write_csv(folder / "residents.csv", residents_rows(XSS_PLANNED, XSS_NOT_DUE))
    return teams, people


@pytest.fixture(scope="module")
def hostile_plan(
    client: TestClient, tokens, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    teams, people = xss_lists(tmp_path_factory.mktemp("lists"))
    planner = tokens["planner"]
    assert upload(client, planner, "teams", teams).status_code == 201
    assert upload(client, planner, "residents", people).status_code == 201
    # the page and export code is under test, not the solver: the session's solve of these
    # lists, copied after the first (tests/api/solved.py)
    return solved_plan(client, planner, START, 1, 2)


def page_paths(plan_id: int) -> list[str]:
    team = quote(XSS_TEAM, safe="")
    return [
        f"/plans/{plan_id}/map",
        f"/plans/{plan_id}/teams/{team}/map",
        f"/plans/{plan_id}/teams/{team}/sheet",
    ]


def test_json_assets_errors_and_docs_carry_the_headers(client: TestClient, tokens) -> None:
    planner = tokens["planner"]
    for response in (
        client.get("/plans", headers=planner),
        client.get("/plans"),
        client.get("/openapi.json"),
        client.get("/assets/vaxroute.js"),
        client.get("/plans/999999/map", headers=planner),
        client.get("/docs"),
    ):
        assert_secure_headers(response)
    assert client.get("/redoc").status_code == 404


def test_pages_allow_exactly_their_own_inline_scripts(
    client: TestClient, tokens, hostile_plan
) -> None:
    planner = tokens["planner"]
    for path in page_paths(hostile_plan["id"]):
        response = client.get(path, headers=planner)
        assert response.status_code == 200, (path, response.text[:300])
        assert response.headers["content-type"].startswith("text/html")
        csp = assert_secure_headers(response)
        hashes = {v for v in csp["script-src"] if v.startswith("'sha256-")}
        assert hashes == inline_script_hashes(response.text), path
        assert "https://tile.openstreetmap.org" in csp["img-src"], csp  # the default tiles
        if path.endswith("/map"):
            assert len(hashes) >= 2  # folium's header script and the map's script
        assert "window.__xss=1;" in response.text  # the hostile team id is on the page
        parsed = Elements(response.text)
        assert [t for t, _ in parsed.tags if t in ("img", "svg")] == [], path
        assert [(t, a) for t, a, _ in parsed.attrs if a.startswith("on")] == [], path
        again = client.get(path, headers=planner)  # cached page, same policy
        assert (
            again.headers["content-security-policy"] == response.headers["content-security-policy"]
        )


def test_tile_server_setting_decides_img_src() -> None:
    from api.headers import policy

    def img(tiles: str | None) -> str:
        return re.search(r"img-src ([^;]*)", policy(Settings(tiles_url=tiles))).group(1)

    assert img(None) == "'self' data: https://tile.openstreetmap.org"
    assert img("none") == "'self' data:"
    assert img("https://{s}.tiles.example.org/{z}/{x}/{y}.png") == (
        "'self' data: https://*.tiles.example.org"
    )
    assert img("http://127.0.0.1:8089/{z}/{x}/{y}.png") == "'self' data: http://127.0.0.1:8089"
    assert img("/tiles/{z}/{x}/{y}.png") == "'self' data:"  # same server
    assert img("https://evil.example; script-src *") == "'self' data:"  # not a host: dropped


def test_a_script_inside_the_body_is_never_allowed() -> None:
    """Renderers put their scripts in <head> or after </body>; an inline script inside the body
    could only have come from data, so it gets no hash (defence in depth behind escaping)."""
    from api.headers import inline_script_hashes as hashes

    page = (
        "<html><head><script>var a = 1;</script></head><body><div>x</div>"
        "<script>window.__xss=1</script></body><script>var b = 2;</script></html>"
    )
    injected = inline_script_hashes("<script>window.__xss=1</script>")
    allowed = {f"'{h}'" for h in hashes(page)}
    assert len(allowed) == 2 and allowed == inline_script_hashes(page) - injected
    assert {f"'{h}'" for h in hashes(page, body=True)} == inline_script_hashes(page)


# --- a real server and a real browser -------------------------------------------------------


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    import uvicorn

    folder = tmp_path_factory.mktemp("live")
    app = create_app(
        Settings(database_url=f"sqlite:///{folder / 'vaxroute.sqlite'}", default_time_limit_s=2)
    )
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, name="live-uvicorn")
    thread.start()
    try:
        deadline = time.monotonic() + 60
        while not server.started:
            assert time.monotonic() < deadline and thread.is_alive(), "server did not start"
            time.sleep(0.1)
        url = f"http://127.0.0.1:{port}"
        with app.state.db.session() as s:
            auth = {"Authorization": f"Bearer {create_token(s, 'planner', None)}"}
        yield {"url": url, "auth": auth, "plan": _solve_live(app, url, auth, folder)}
    finally:
        server.should_exit = True
        thread.join(timeout=60)
    assert not thread.is_alive()


def _solve_live(app: Any, url: str, auth: dict[str, str], folder: Path) -> int:
    """The XSS lists uploaded to the live server, and their plan: the session's solve of them
    (the same one ``hostile_plan`` reads), copied into the live server's database."""
    teams, people = xss_lists(folder)
    with httpx.Client(base_url=url, headers=auth, timeout=60) as http:
        for kind, path in (("teams", teams), ("residents", people)):
            sent = http.post(
                f"/{kind}/imports", files={"file": (path.name, path.read_bytes(), "text/csv")}
            )
            assert sent.status_code == 201, sent.text
    # the app the server runs, called in-process (its lifespan is the server's)
    body = solved_plan(TestClient(app), auth, START, 1, 2)
    with httpx.Client(base_url=url, headers=auth, timeout=60) as http:
        assert http.get(f"/plans/{body['id']}").json()["status"] == "done"
    return int(body["id"])


WATCH_CSP = """window.__violations = [];
document.addEventListener('securitypolicyviolation',
  e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));"""


def open_page(browser: Any, live: dict[str, Any], path: str, auth: bool = True) -> dict[str, Any]:
    """Load ``path`` with only the server reachable; what was requested, blocked and logged."""
    context = browser.new_context(
        viewport={"width": 1100, "height": 800}, extra_http_headers=live["auth"] if auth else {}
    )
    requested: list[str] = []
    blocked: list[str] = []

    def gate(route: Any) -> None:
        requested.append(route.request.url)
        if route.request.url.startswith(live["url"] + "/"):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context.route("**/*", gate)
    page = context.new_page()
    page.add_init_script(WATCH_CSP)
    console: list[tuple[str, str]] = []
    dialogs: list[str] = []
    errors: list[str] = []
    page.on("console", lambda m: console.append((m.type, m.text)))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(live["url"] + path)
    return {
        "context": context,
        "page": page,
        "requested": requested,
        "blocked": blocked,
        "console": console,
        "dialogs": dialogs,
        "errors": errors,
    }


def close(seen: dict[str, Any]) -> list[str]:
    violations = seen["page"].evaluate("window.__violations")
    seen["context"].close()
    return list(violations)


def test_hostile_maps_work_under_the_csp_in_chromium(live, browser) -> None:
    from tests.maps.test_escaping import LIVE_MARKUP, OPEN_EVERYTHING

    team = quote(XSS_TEAM, safe="")
    for kind, path, shown in (
        ("overview", f"/plans/{live['plan']}/map", XSS_TEAM),
        ("team", f"/plans/{live['plan']}/teams/{team}/map", XSS_PLANNED[0]["address"]),
    ):
        seen = open_page(browser, live, path)
        page = seen["page"]
        page.wait_for_timeout(600)
        assert page.locator(".leaflet-marker-pane .vr-stop").count() >= len(XSS_PLANNED), kind
        opened = page.evaluate(OPEN_EVERYTHING)
        page.wait_for_timeout(800)
        if kind == "overview":
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "hostile-overview-map-api-csp.png"))
        markup = page.evaluate(LIVE_MARKUP)
        violations = close(seen)
        assert opened["opened"] >= len(XSS_PLANNED) and shown in opened["text"], kind
        assert violations == [], (kind, violations)
        assert [c for c in seen["console"] if "Content Security Policy" in c[1]] == []
        assert seen["dialogs"] == [] and seen["errors"] == [] and markup["xss"] is None, seen
        assert markup["imgs"] == 0 and markup["handlers"] == [], markup
        # tiles were allowed by the policy and reached the network gate (aborted there)
        assert seen["blocked"] and all("tile.openstreetmap.org" in u for u in seen["blocked"])
        bad = [
            c
            for c in seen["console"]
            if c[0] == "error" and not c[1].startswith("Failed to load resource")
        ]
        assert bad == [], (kind, bad)


def test_docs_render_from_vendored_swagger_ui(live, browser) -> None:
    seen = open_page(browser, live, "/docs", auth=False)
    page = seen["page"]
    page.locator(".opblock").first.wait_for(state="visible", timeout=15000)
    operations = page.locator(".opblock").count()
    title = page.locator(".info .title").first.inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "docs-swagger-ui.png"))
    violations = close(seen)
    assert operations >= 10 and "VaxRoute" in title
    assert seen["blocked"] == [] and all(
        u.startswith(live["url"] + "/") for u in seen["requested"]
    ), seen["requested"]
    assert violations == [] and seen["errors"] == [], (violations, seen["errors"])
    assert [c for c in seen["console"] if c[0] == "error"] == [], seen["console"]
