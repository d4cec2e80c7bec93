"""The console in a real headless Chromium at 1366×768 against a real ``vaxroute serve``.

Sign in (a wrong password first), upload the demo teams with the file picker and a residents
list with bad rows by drag and drop, read the report, import the good rows, filter and search
the residents, see the teams, switch to English, sign out. axe-core (tests/vendor, MPL-2.0)
checks every screen for serious or critical violations; a screenshot of each is kept in
test-artifacts/ for a person to look at. Only loopback is reached: any other request fails
the test.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from planner.demo import demo_files
from tests.api.live import LiveServer, console_server
from tests.api.pages.test_lists import bad_residents
from tests.maps.test_browser import ARGS, ARTIFACTS, CHROMIUM

AXE = Path(__file__).resolve().parents[2] / "vendor" / "axe.min.js"
PASSWORD = "một mật khẩu đủ dài"
SIZE = {"width": 1366, "height": 768}

if not CHROMIUM:  # tests.maps.test_browser fails in CI and skips loudly elsewhere
    pytest.skip("SKIPPED LOUDLY: no chromium on this machine", allow_module_level=True)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("console")
    with console_server(folder, "Nguyễn Thị Lan", PASSWORD, VAXROUTE_LOGIN_DELAY_S="0.2") as live:
        yield live


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


def _tab(
    chromium: Any, server: LiveServer, bypass_csp: bool
) -> tuple[Any, Any, list[str], list[str]]:
    """A page at 1366×768 that may reach the server only; its errors and outside requests."""
    context = chromium.new_context(viewport=SIZE, locale="vi-VN", bypass_csp=bypass_csp)
    outside: list[str] = []

    def loopback_only(route: Any) -> None:
        if route.request.url.startswith(server.url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", loopback_only)
    tab = context.new_page()
    problems: list[str] = []
    tab.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    tab.on(
        "console",
        lambda m: (
            problems.append(f"console {m.type}: {m.text}")
            if m.type == "error" and "status of 4" not in m.text
            else None
        ),
    )
    return context, tab, outside, problems


@pytest.fixture(scope="module")
def page(chromium: Any, server: LiveServer) -> Iterator[Any]:
    # bypass_csp: axe is injected as an inline script, which the console's CSP forbids
    # (test_the_console_runs_under_its_csp checks the pages without the bypass)
    context, tab, outside, problems = _tab(chromium, server, bypass_csp=True)
    yield tab
    assert outside == [] and problems == []
    context.close()


def check(page: Any, name: str) -> None:
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
    page.screenshot(path=str(ARTIFACTS / f"console-{name}-1366x768.png"), full_page=True)


def test_sign_in_refuses_a_wrong_password_then_opens_the_dashboard(
    page: Any, server: LiveServer
) -> None:
    page.goto(server.url + "/")
    assert page.url == server.url + "/login"
    assert page.locator("h1").inner_text() == "Đăng nhập VaxRoute"
    check(page, "login")
    page.fill("#name", "Nguyễn Thị Lan")
    page.fill("#password", "không phải mật khẩu")
    page.click("button[type=submit]")
    assert page.locator(".alert").inner_text() == "Tên đăng nhập hoặc mật khẩu không đúng."
    check(page, "login-refused")
    page.fill("#name", "Nguyễn Thị Lan")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(server.url + "/")
    assert page.locator("h1").inner_text() == "Tổng quan"
    assert "Nguyễn Thị Lan" in page.locator(".who").inner_text()
    nav = [" ".join(text.split()) for text in page.locator(".nav li").all_inner_texts()]
    assert nav == ["Danh sách", "Kế hoạch", "Hôm nay", "Báo cáo", "Lịch sử"]
    check(page, "dashboard")


def test_upload_the_teams_with_the_picker(page: Any, server: LiveServer) -> None:
    page.click(".nav a[href='/lists']")
    page.wait_for_url(server.url + "/lists")
    check(page, "lists")
    assert page.locator("#chosen-teams").inner_text() == "Chưa chọn tệp"
    page.set_input_files("#file-teams", str(demo_files().teams))
    assert page.locator("#chosen-teams").inner_text() == "teams.csv"
    page.locator("form[action='/lists/teams/upload'] button[type=submit]").click()
    page.wait_for_url(server.url + "/lists/teams/upload")
    assert page.locator(".success").inner_text() == "Đã lưu danh sách."
    assert page.locator("[data-count=added]").inner_text() == "7"
    check(page, "report-teams")


def test_drop_a_residents_list_with_bad_rows_then_import_the_good_ones(
    page: Any, server: LiveServer
) -> None:
    page.goto(server.url + "/lists")
    content = bad_residents().decode()
    zone = page.locator("form[action='/lists/residents/upload'] [data-dropzone]")
    page.evaluate(
        """([selector, text]) => {
        const zone = document.querySelector(selector);
        const data = new DataTransfer();
        data.items.add(new File([text], "danh-sach-phuong.csv", {type: "text/csv"}));
        for (const type of ["dragenter", "dragover", "drop"]) {
            zone.dispatchEvent(new DragEvent(type, {dataTransfer: data, bubbles: true,
                                                    cancelable: true}));
        }
    }""",
        ["form[action='/lists/residents/upload'] [data-dropzone]", content],
    )
    assert zone.locator("input[type=file]").evaluate("i => i.files[0].name") == (
        "danh-sach-phuong.csv"
    )
    assert zone.locator("[data-file-name]").inner_text() == "danh-sach-phuong.csv"
    check(page, "lists-dropped")
    page.locator("form[action='/lists/residents/upload'] button[type=submit]").click()
    page.wait_for_url(server.url + "/lists/residents/upload")
    assert "Chưa lưu gì: 2 dòng có lỗi." in page.locator(".alert").inner_text()
    rows = page.locator("table.problems tbody tr")
    cells = [rows.nth(k).locator("td").all_inner_texts() for k in range(rows.count())]
    by_row = {c[1]: c for c in cells}
    assert by_row["3"][2] == "lat" and by_row["3"][5].startswith("không đọc được")
    assert by_row["5"][2] == "resident_id" and "bị trống" in by_row["5"][5]
    check(page, "report-refused")
    page.get_by_role("button", name="Chỉ nhập các dòng hợp lệ").click()
    page.wait_for_url(server.url + "/lists/residents/accept")
    assert page.locator(".success").inner_text() == "Đã lưu danh sách."
    assert page.locator("[data-count=rejected]").inner_text() == "2"
    assert int(page.locator("[data-count=added]").inner_text()) > 300
    check(page, "report-good-rows")


def test_the_residents_list_filters_and_searches(page: Any, server: LiveServer) -> None:
    page.goto(server.url + "/lists/residents")
    assert page.locator("table.residents tbody tr").count() == 50
    check(page, "residents")
    page.select_option("#ward", "Đức Xuân")
    page.select_option("#band", "high")
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state()
    wards = page.locator("table.residents tbody td:nth-child(3)").all_inner_texts()
    bands = page.locator("table.residents tbody td:nth-child(7)").all_inner_texts()
    assert wards and set(wards) == {"Đức Xuân"} and set(bands) == {"Cao"}
    page.fill("#q", "DX-00")
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state()
    assert "DX" not in page.url and "q=" not in page.url
    ids = page.locator("table.residents tbody td:nth-child(1)").all_inner_texts()
    assert ids and all(i.startswith("DX-00") for i in ids)
    check(page, "residents-search")


def test_the_teams_list_english_and_sign_out(page: Any, server: LiveServer) -> None:
    page.goto(server.url + "/lists/teams")
    stations = page.locator("table.teams tbody td:nth-child(2)").all_inner_texts()
    assert "Trạm Y tế phường Đức Xuân" in stations and len(stations) == 7
    check(page, "teams")
    page.click(".langs a[lang=en]")
    page.wait_for_url(server.url + "/lists/teams")
    assert page.locator("h1").inner_text() == "Teams"
    assert page.locator("html").get_attribute("lang") == "en"
    check(page, "teams-en")
    page.click(".langs a[lang=vi]")
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url(server.url + "/login?out=1")
    assert page.locator(".notice").inner_text() == "Bạn đã đăng xuất."
    page.goto(server.url + "/lists")
    assert page.url == server.url + "/login"


def test_the_console_runs_under_its_csp(chromium: Any, server: LiveServer) -> None:
    """Without the bypass: the pages' script and styles load under the server's CSP (no
    violation reported), and the drop zone's script runs."""
    context, tab, outside, problems = _tab(chromium, server, bypass_csp=False)
    response = tab.goto(server.url + "/login")
    assert "script-src 'self'" in response.headers.get("content-security-policy", "")
    tab.fill("#name", "Nguyễn Thị Lan")
    tab.fill("#password", PASSWORD)
    tab.click("button[type=submit]")
    tab.wait_for_url(server.url + "/")
    tab.goto(server.url + "/lists")
    assert tab.locator(".top").evaluate("e => getComputedStyle(e).display") == "flex"  # CSS
    tab.set_input_files("#file-teams", str(demo_files().teams))
    assert tab.locator("#chosen-teams").inner_text() == "teams.csv"  # console.js ran
    for path in ("/lists/residents", "/lists/teams", "/"):
        tab.goto(server.url + path)
    assert outside == [] and problems == [], problems
    context.close()
