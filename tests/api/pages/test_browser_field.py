"""The field app in a real headless Chromium against a real ``vaxroute serve`` (issue 22).

A tablet (800×1280) is enrolled for team DX (a code made with api/devices.py in the server's
database, opened as the QR link) and lands on /field. It records two outcomes online; the
network goes (``context.set_offline``); the route still shows after a reload (the service
worker's copy); three more outcomes (vaccinated, refused, postponed to a date) wait in the
tablet's IndexedDB ("3 đang chờ gửi"); the network comes back and all five reach the server
exactly once (the database says so), "Đã gửi hết" shows and the console's board has them. A
sixth posted twice with the same key (a retried sync) is stored once. A phone (390×844) shows
the same route and records one outcome. axe-core on the route and stop screens; screenshots
in test-artifacts/ (field-*).
"""

from __future__ import annotations

import copy
import datetime as dt
import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select

from api.db import Database
from api.devices import create_code, revoke_device
from api.models import DeviceRow, PlanRow, VisitRow
from planner.constants import VN_TZ
from tests.api.live import LiveServer, console_server
from tests.api.pages.test_browser import AXE, PASSWORD, chromium  # noqa: F401  (fixture)
from tests.api.pages.test_browser_day import _signed_in, planned  # noqa: F401  (fixture)
from tests.maps.test_browser import ARTIFACTS, CHROMIUM

TABLET = {"width": 800, "height": 1280}
PHONE = {"width": 390, "height": 844}

if not CHROMIUM:  # tests.maps.test_browser fails in CI and skips loudly elsewhere
    pytest.skip("SKIPPED LOUDLY: no chromium on this machine", allow_module_level=True)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server of our own without a tile server (nothing leaves the machine)."""
    folder = tmp_path_factory.mktemp("field")
    with console_server(
        folder, "Nguyễn Thị Lan", PASSWORD, VAXROUTE_LOGIN_DELAY_S="0.2", VAXROUTE_TILES_URL="none"
    ) as live:
        yield live


@pytest.fixture(scope="module")
def db(server: LiveServer) -> Database:
    return Database(server.env["DATABASE_URL"])


def shot(page: Any, name: str, size: str) -> None:
    """axe-core on the screen (no serious or critical violation) and its screenshot."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    bad = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == [], f"{name}: {bad}"
    ARTIFACTS.mkdir(exist_ok=True)
    page.evaluate("() => window.scrollTo(0, 0)")  # the sticky header at the top of the shot
    page.screenshot(path=str(ARTIFACTS / f"field-{name}-{size}.png"), full_page=True)


def _device(
    chromium: Any,
    server: LiveServer,
    db: Database,
    size: dict[str, int],
    bypass_csp: bool = True,
) -> tuple[Any, Any, list[str], list[str]]:
    """A fresh context enrolled for DX (the QR link opened), on /field; its outside requests,
    page errors and CSP complaints."""
    with db.session() as s:
        _, code = create_code(s, "DX", "test")
    context = chromium.new_context(
        viewport=size, locale="vi-VN", bypass_csp=bypass_csp, has_touch=True
    )
    outside: list[str] = []
    problems: list[str] = []
    context.on("request", lambda r: None if r.url.startswith(server.url) else outside.append(r.url))
    page = context.new_page()
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on(
        "console",
        lambda m: (
            problems.append(f"console: {m.text}") if "Content Security Policy" in m.text else None
        ),
    )
    page.goto(f"{server.url}/enrol/{code}")
    page.wait_for_url(server.url + "/field")
    return context, page, outside, problems


def _kept(page: Any, path: str, timeout: float = 60) -> None:
    """Wait until the service worker has kept ``path`` (its precache of the day)."""
    deadline = time.monotonic() + timeout
    script = """async (p) => { const c = await caches.open('vaxroute-field-v1');
                 return Boolean(await c.match(p)); }"""
    while not page.evaluate(script, path):
        if time.monotonic() > deadline:
            kept = page.evaluate("""async () => (await (await caches.open('vaxroute-field-v1'))
                .keys()).map(r => new URL(r.url).pathname + new URL(r.url).search)""")
            raise AssertionError(f"not kept: {path}; kept: {kept}")
        time.sleep(0.3)


def _record(
    page: Any, server: LiveServer, seq: int, resident: str, outcome: str, date: str | None = None
) -> None:
    """Open the stop from the route, tap the outcome for ``resident``."""
    page.goto(f"{server.url}/field")
    page.click(f".field-stops a[href^='/field/stop/{seq}?']")
    page.wait_for_selector("#stop")
    form = page.locator(f"form.outcome[data-resident='{resident}']")
    if date:
        form.locator("input[type=date]").fill(date)
    form.locator(f"button[value='{outcome}']").click()
    form.locator(".recorded").filter(has_text="Đã ghi").wait_for()


def _state(page: Any) -> str:
    return str(page.locator("#sync-state").inner_text())


def _wait_state(page: Any, text: str) -> None:
    page.locator("#sync-state").filter(has_text=text).wait_for(timeout=60_000)


def _stored(db: Database, residents: list[str]) -> dict[str, int]:
    with db.session() as s:
        rows = s.execute(
            select(VisitRow.resident_id, func.count())
            .where(VisitRow.resident_id.in_(residents))
            .group_by(VisitRow.resident_id)
        ).all()
    return {rid: n for rid, n in rows}


def _residents(planned: dict[str, Any]) -> list[tuple[int, str]]:
    return [(s["seq"], rid) for s in planned["stops"] for rid in s["resident_ids"]]


def test_a_day_online_then_offline_then_synced(
    chromium: Any, server: LiveServer, db: Database, planned: dict[str, Any]
) -> None:
    context, tablet, outside, problems = _device(chromium, server, db, TABLET)
    people = _residents(planned)
    assert len(people) >= 7
    assert tablet.locator("h1").inner_text() == "Đội DX"
    assert tablet.locator(".field-stops li").count() == len(planned["stops"])
    last = planned["stops"][-1]["seq"]
    day = dt.datetime.now(VN_TZ).date().isoformat()
    _kept(tablet, f"/field/stop/{last}?day={day}")
    _kept(tablet, f"/field/map?day={day}")
    tablet.frame_locator("iframe").locator(".leaflet-container").wait_for()
    kept = tablet.evaluate("""async () => {
        const c = await caches.open('vaxroute-field-v1'), out = {pages: 0, assets: 0, n: 0};
        for (const r of await c.keys()) {
          const size = (await (await c.match(r)).arrayBuffer()).byteLength;
          out[new URL(r.url).pathname.startsWith('/field') ? 'pages' : 'assets'] += size;
          out.n += 1; }
        return out; }""")
    print(f"kept for offline: {kept}")  # the day's pages and map, then scripts and styles
    assert kept["pages"] < 300_000, kept  # issue 22: a day's data within 300 KB (no streets)
    shot(tablet, "route", "800x1280")

    _record(tablet, server, *people[0], "vaccinated")
    _record(tablet, server, *people[1], "not_at_home")
    _wait_state(tablet, "Đã gửi hết")
    shot(tablet, "stop", "800x1280")
    assert _stored(db, [people[0][1], people[1][1]]) == {people[0][1]: 1, people[1][1]: 1}

    context.set_offline(True)
    tablet.goto(f"{server.url}/field")
    tablet.reload()
    assert tablet.locator("h1").inner_text() == "Đội DX"
    assert tablet.locator(".field-stops li").count() == len(planned["stops"])
    later = (dt.datetime.now(VN_TZ).date() + dt.timedelta(days=3)).isoformat()
    _record(tablet, server, *people[2], "vaccinated")
    _record(tablet, server, *people[3], "refused")
    _record(tablet, server, *people[4], "postponed", date=later)
    _wait_state(tablet, "3 đang chờ gửi")
    assert "Không có mạng" in tablet.locator("#sync-time").inner_text()
    shot(tablet, "offline-waiting", "800x1280")
    five = [rid for _, rid in people[:5]]
    assert _stored(db, five) == {rid: 1 for rid in five[:2]}

    context.set_offline(False)
    _wait_state(tablet, "Đã gửi hết")
    assert "Gửi lần cuối" in tablet.locator("#sync-time").inner_text()
    shot(tablet, "all-sent", "800x1280")
    assert _stored(db, five) == {rid: 1 for rid in five}
    with db.session() as s:
        postponed = s.scalar(select(VisitRow).where(VisitRow.resident_id == five[4]))
    assert postponed is not None and postponed.outcome == "postponed"
    assert postponed.postponed_to is not None and postponed.postponed_to.isoformat() == later

    statuses = tablet.evaluate(
        """async ([plan, resident]) => {
        const body = JSON.stringify({plan_id: plan, resident_id: resident, outcome: 'refused',
          at: new Date().toISOString(), idempotency_key: 'fa-retried-sync-0001'});
        const csrf = document.body.dataset.csrf, out = [];
        for (let k = 0; k < 2; k++) out.push((await fetch('/visits', {method: 'POST', body,
          headers: {'Content-Type': 'application/json', 'X-CSRF-Token': csrf}})).status);
        return out; }""",
        [planned["plan"]["id"], people[5][1]],
    )
    assert statuses == [201, 200]
    assert _stored(db, [people[5][1]]) == {people[5][1]: 1}

    desk_context, desk, _, _ = _signed_in(chromium, server, True)
    desk.goto(server.url + "/today")
    board = desk.locator(".team-board[data-team='DX']")
    expected = ["vaccinated", "not_at_home", "vaccinated", "refused", "postponed", "refused"]
    for (_, rid), state in zip(people[:6], expected, strict=True):
        assert board.locator(f".chip[data-resident='{rid}']").get_attribute("data-state") == state
    desk_context.close()
    assert outside == [] and problems == [], (outside, problems)
    context.close()


def test_the_same_route_and_an_outcome_on_a_phone(
    chromium: Any, server: LiveServer, db: Database, planned: dict[str, Any]
) -> None:
    context, phone, outside, problems = _device(chromium, server, db, PHONE)
    assert phone.locator("h1").inner_text() == "Đội DX"
    assert phone.locator(".field-stops li").count() == len(planned["stops"])
    shot(phone, "route", "390x844")
    seq, rid = _residents(planned)[6]
    _record(phone, server, seq, rid, "contraindicated")
    _wait_state(phone, "Đã gửi hết")
    width = phone.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, f"the stop page scrolls sideways: {width}px"
    small = phone.evaluate("""() => [
        ...document.querySelectorAll('main a, main button, main input')]
        .filter(e => e.offsetParent
                && (e.closest('label') || e).getBoundingClientRect().height < 44)
        .map(e => e.outerHTML.slice(0, 80))""")
    assert small == [], small
    shot(phone, "stop", "390x844")
    assert _stored(db, [rid]) == {rid: 1}

    phone.goto(f"{server.url}/field")
    who = phone.locator(".field-stops li .who")
    before = [who.nth(0).inner_text(), who.nth(1).inner_text()]
    _publish_swapped(db, planned["plan"]["id"])  # the planner publishes a new order
    phone.goto(f"{server.url}/field")
    notice = phone.locator("#updated")
    notice.wait_for()
    assert "Lộ trình đã cập nhật" in notice.inner_text() and "Đổi thứ tự" in notice.inner_text()
    assert [who.nth(0).inner_text(), who.nth(1).inner_text()] == before[::-1]  # the new order
    shot(phone, "updated", "390x844")
    phone.click("#updated-ok")
    notice.wait_for(state="hidden")
    phone.reload()
    assert phone.locator("#updated").is_hidden()  # said once
    assert _stored(db, [rid]) == {rid: 1}  # nothing recorded is lost
    assert outside == [] and problems == [], (outside, problems)
    context.close()


def _publish_swapped(db: Database, plan_id: int) -> None:
    """A newer published plan: DX's first two stops swapped (what a re-plan would publish)."""
    with db.session() as s:
        old = s.get(PlanRow, plan_id)
        assert old is not None and old.document is not None
        document = copy.deepcopy(old.document)
        route = next(r for r in document["routes"] if r["team_id"] == "DX")
        one, two = route["stops"][0], route["stops"][1]
        one["resident_ids"], two["resident_ids"] = two["resident_ids"], one["resident_ids"]
        moment = dt.datetime.now(dt.UTC)
        s.add(
            PlanRow(
                version=old.version + 100,
                status="done",
                start_date=old.start_date,
                days=old.days,
                time_limit_s=3,
                document=document,
                published_at=moment,
                finished_at=moment,
            )
        )
        s.commit()


def test_a_refused_outcome_is_listed_and_a_revoked_tablet_forgets_everything(
    chromium: Any, server: LiveServer, db: Database, planned: dict[str, Any]
) -> None:
    """Under the server's real CSP (no bypass: no axe here). An outcome for a resident the
    plan no longer has (the form's resident changed: the server answers 404) stays on the
    tablet in the "not accepted" list; an outcome queued offline on a tablet revoked meanwhile
    meets a 401 when the network returns: the queue, the caches and the page are gone."""
    context, tablet, outside, problems = _device(chromium, server, db, TABLET, bypass_csp=False)
    day = dt.datetime.now(VN_TZ).date().isoformat()
    _kept(tablet, f"/field/stop/{planned['stops'][-1]['seq']}?day={day}")
    seq, rid = _residents(planned)[7]
    tablet.goto(f"{server.url}/field/stop/{seq}")
    form = tablet.locator(f"form.outcome[data-resident='{rid}']")
    form.evaluate("f => { f.dataset.resident = 'GONE-0001'; }")
    tablet.locator("form.outcome[data-resident='GONE-0001'] button[value='refused']").click()
    refused = tablet.locator("#refused")
    refused.wait_for()
    assert "Máy chủ không nhận" in refused.inner_text() and "(404)" in refused.inner_text()
    assert _state(tablet) == "Đã gửi hết"
    tablet.reload()
    tablet.locator("#refused-list li").filter(has_text="(404)").wait_for()  # kept across reloads
    ARTIFACTS.mkdir(exist_ok=True)
    tablet.evaluate("() => window.scrollTo(0, 0)")
    tablet.screenshot(path=str(ARTIFACTS / "field-refused-800x1280.png"))  # no axe: real CSP
    tablet.click("#refused-clear")
    tablet.locator("#refused").wait_for(state="hidden")

    context.set_offline(True)
    tablet.reload()
    _record(tablet, server, seq, rid, "vaccinated")
    _wait_state(tablet, "1 đang chờ gửi")
    with db.session() as s:
        device = s.scalars(select(DeviceRow).order_by(DeviceRow.id.desc())).first()
        assert device is not None
        revoke_device(s, device.id)
    context.set_offline(False)
    tablet.locator("h1").filter(has_text="Máy tính bảng đã đăng xuất").wait_for(timeout=60_000)
    left = tablet.evaluate("""async () => {
        const names = (await indexedDB.databases()).map(d => d.name);
        return {names, caches: await caches.keys()}; }""")
    assert left["caches"] == []
    if "vaxroute-field" in left["names"]:  # emptied, or gone with Clear-Site-Data
        queued = tablet.evaluate("""() => new Promise(ok => {
            const r = indexedDB.open('vaxroute-field', 1);
            r.onsuccess = () => { const q = r.result.transaction('queue').objectStore('queue')
              .count(); q.onsuccess = () => ok(q.result); }; })""")
        assert queued == 0
    assert _stored(db, [rid]) == {}
    assert outside == [] and problems == [], (outside, problems)
    context.close()
