"""Pictures of the field app for the README: a team's route on a tablet and a stop's outcome
screen, in Debian's headless Chromium against a real ``vaxroute serve``.

    python scripts/readme_field_pictures.py [--time-limit 10]

A planner signs in, uploads the demo lists and asks for a two-day plan from today through the
JSON API (the field app shows today's route); on **Máy tính bảng** she enrols a tablet for DX
and the tablet (800×1280) opens the QR code's link. The team leader taps outcomes on the first
stops (all of the first two; they go to the server at once), opens the next stop and taps
"Đã tiêm" for its first resident. The route and that stop are photographed into
``docs/images/field-route.png`` and ``docs/images/field-stop.png``. The server draws no
background tiles, so nothing leaves loopback; the demo residents are invented.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from console_pages import server, sign_in, upload  # noqa: E402

from planner.constants import VN_TZ  # noqa: E402
from planner.demo import demo_files  # noqa: E402
from tests.api.live import make_token  # noqa: E402
from tests.chromium import ARGS, CHROMIUM  # noqa: E402

IMAGES = ROOT / "docs" / "images"
TABLET = {"width": 800, "height": 1280}
#: what the residents of DX's first stops became, stop by stop (tapped on the tablet)
OUTCOMES = [["vaccinated", "vaccinated", "refused"], ["vaccinated", "vaccinated"], ["not_at_home"]]


def plan_today(tab: Any, url: str, env: dict[str, str], limit: float) -> None:
    """A two-day plan from today (Viet Nam), asked through the JSON API, done and published."""
    planner = {"Authorization": f"Bearer {make_token(env, 'planner')}"}
    today = dt.datetime.now(VN_TZ).date().isoformat()
    asked = tab.request.post(
        f"{url}/plans",
        headers=planner,
        data={"start_date": today, "days": 2, "time_limit_s": limit},
    )
    assert asked.status == 202, asked.text()
    plan_id = asked.json()["id"]
    while (body := tab.request.get(f"{url}/plans/{plan_id}", headers=planner).json())[
        "status"
    ] not in ("done", "failed"):
        time.sleep(1)
    assert body["status"] == "done" and body["published_at"], body.get("error")


def enrol(desk: Any, url: str) -> str:
    """The one-time link of a tablet enrolled for DX on the tablets page (the QR's link)."""
    desk.goto(url + "/devices")
    desk.fill("form:has(input[name=team][value=DX]) input[name=label]", "Máy tính bảng 1")
    desk.click("button:has-text('Đăng ký máy cho đội DX')")
    return str(desk.locator(".enrol-link a").get_attribute("href"))


def tap(tablet: Any, url: str, stop_href: str, outcomes: list[str]) -> None:
    """Open a stop from the route and tap the outcomes for its first residents, in order."""
    tablet.goto(url + "/field")
    tablet.click(f".field-stops a[href='{stop_href}']")
    forms = tablet.locator("form.outcome")
    forms.first.wait_for()
    for k, outcome in enumerate(outcomes[: forms.count()]):
        forms.nth(k).locator(f"button[value='{outcome}']").click()
        forms.nth(k).locator(".recorded").filter(has_text="Đã ghi").wait_for()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-limit", type=float, default=10.0)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    IMAGES.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, server(Path(tmp)) as live, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        desk = browser.new_context(viewport={"width": 1366, "height": 900}, locale="vi-VN")
        tab = desk.new_page()
        sign_in(tab, live.url)
        upload(tab, live.url, "teams", demo_files().teams)
        upload(tab, live.url, "residents", demo_files().residents)
        plan_today(tab, live.url, live.env, args.time_limit)
        link = enrol(tab, live.url)

        device = browser.new_context(viewport=TABLET, locale="vi-VN", has_touch=True)
        tablet = device.new_page()
        tablet.goto(link)
        tablet.wait_for_url(live.url + "/field")
        stops = tablet.locator(".field-stops a").evaluate_all(
            "links => links.map(a => a.getAttribute('href'))"
        )
        for href, outcomes in zip(stops, OUTCOMES, strict=False):
            tap(tablet, live.url, href, outcomes)
        tablet.goto(live.url + "/field")
        tablet.locator("#sync-state").filter(has_text="Đã gửi hết").wait_for()
        tablet.frame_locator("iframe").locator(".leaflet-marker-icon").first.wait_for()
        tablet.wait_for_timeout(1000)
        tablet.screenshot(path=str(IMAGES / "field-route.png"))

        tap(tablet, live.url, stops[len(OUTCOMES)], ["vaccinated"])
        tablet.locator("#sync-state").filter(has_text="Đã gửi hết").wait_for()
        tablet.evaluate("() => window.scrollTo(0, 0)")
        tablet.screenshot(path=str(IMAGES / "field-stop.png"))
        browser.close()
    print(f"wrote {IMAGES / 'field-route.png'} and {IMAGES / 'field-stop.png'}")


if __name__ == "__main__":
    main()
