"""Pictures for the README: the demo's team map on a tablet, in Debian's headless Chromium.

    python scripts/readme_pictures.py [--time-limit 20]

Runs ``vaxroute demo`` into a temporary folder and photographs the first day's map of the team
with the most stops at 800x1280 (no network: background tiles are not fetched) into
``docs/images/team-map.png``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def team_map_file(out: Path) -> Path:
    plan = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    first = min(r["date"] for r in plan["routes"])
    route = max((r for r in plan["routes"] if r["date"] == first), key=lambda r: len(r["stops"]))
    return out / "maps" / f"team-{route['team_id']}-{route['date']}.html"


def photograph(page_file: Path, target: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=ARGS)
        context = browser.new_context(
            viewport={"width": 800, "height": 1280},
            device_scale_factor=1,
            is_mobile=True,
            has_touch=True,
        )
        context.route(
            "**/*", lambda r: r.continue_() if r.request.url.startswith("file://") else r.abort()
        )
        page = context.new_page()
        page.goto(page_file.as_uri())
        page.wait_for_timeout(1500)
        target.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(target))
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-limit", default="20")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "demo"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "vaxroute",
                "demo",
                "--out",
                str(out),
                "--time-limit",
                args.time_limit,
            ],
            check=True,
            capture_output=True,
        )
        photograph(team_map_file(out), ROOT / "docs" / "images" / "team-map.png")
    print("wrote docs/images/team-map.png")


if __name__ == "__main__":
    main()
