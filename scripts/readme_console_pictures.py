"""Pictures of the console for the README: the plan page and today's board, in Debian's
headless Chromium against a real ``vaxroute serve``.

    python scripts/readme_console_pictures.py [--time-limit 10]

A planner signs in, uploads the demo lists, plans two days from 23/11/2026; two teams' tablets
then send a few outcomes of the first day through the JSON API (as a tablet does); the plan
page and the first day's board are photographed at 1366 px wide into ``docs/images/``. The
server draws no background tiles, so nothing leaves loopback.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from console_pages import plan, server, sign_in, upload  # noqa: E402

from planner.demo import demo_files  # noqa: E402
from tests.api.live import make_token  # noqa: E402
from tests.chromium import ARGS, CHROMIUM  # noqa: E402

IMAGES = ROOT / "docs" / "images"
DAY = "2026-11-23"
#: what the first stops of two teams' first day became, in visit order
OUTCOMES = {
    "DX": ["vaccinated", "vaccinated", "not_at_home", "vaccinated", "refused"],
    "SC": ["vaccinated", "contraindicated", "vaccinated"],
}


def send_outcomes(tab: Any, url: str, env: dict[str, str], plan_id: int) -> None:
    """The outcomes of ``OUTCOMES`` posted with each team's own token, one per resident."""
    document = tab.request.get(
        f"{url}/plans/{plan_id}", headers={"Authorization": f"Bearer {make_token(env, 'planner')}"}
    )
    routes = {r["team_id"]: r for r in document.json()["plan"]["routes"] if r["date"] == DAY}
    for team, outcomes in OUTCOMES.items():
        token = make_token(env, "team_leader", team)
        residents = [rid for s in routes[team]["stops"] for rid in s["resident_ids"]]
        for k, (rid, outcome) in enumerate(zip(residents, outcomes, strict=False)):
            at = f"{DAY}T08:{10 + 12 * k}:00+07:00"
            sent = tab.request.post(
                f"{url}/visits",
                headers={"Authorization": f"Bearer {token}"},
                data={
                    "resident_id": rid,
                    "plan_id": plan_id,
                    "outcome": outcome,
                    "at": at,
                    "idempotency_key": f"readme-{team}-{k}",
                },
            )
            assert sent.status == 201, sent.text()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-limit", type=float, default=10.0)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    IMAGES.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, server(Path(tmp)) as live, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="vi-VN")
        tab = context.new_page()
        sign_in(tab, live.url)
        upload(tab, live.url, "teams", demo_files().teams)
        upload(tab, live.url, "residents", demo_files().residents)
        plan_id, _ = plan(tab, live.url, 2, args.time_limit)
        send_outcomes(tab, live.url, live.env, plan_id)
        tab.goto(f"{live.url}/planning/{plan_id}", wait_until="load")
        tab.frame_locator("iframe.plan-map").locator(".leaflet-container").wait_for()
        tab.wait_for_timeout(1000)
        tab.screenshot(path=str(IMAGES / "console-plan.png"))
        tab.goto(f"{live.url}/today?day={DAY}", wait_until="load")
        tab.screenshot(path=str(IMAGES / "console-board.png"))
        browser.close()
    print(f"wrote {IMAGES / 'console-plan.png'} and {IMAGES / 'console-board.png'}")


if __name__ == "__main__":
    main()
