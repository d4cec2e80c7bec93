"""The console's pages against a real ``vaxroute serve`` and a real Chromium: time to the first
usable plan page, and the weight of each main screen.

    python benchmarks/console_pages.py [--time-limit 30] [--days 2] [--residents 1000]

For two lists, each on a fresh server and SQLite file: the demo (planner/demo, 386 residents,
7 teams) and ``--residents`` residents made by the demo's own generator (scripts/make_demo.py,
its wards scaled up, the same 7 teams). A planner signs in, uploads the lists on /lists, plans
``--days`` days from /planning and the script measures

* server time to done: from the form's POST to the progress JSON saying done (the search
  takes the time limit; the rest is queueing, the second pass, writing and checking the plan);
* browser load of the plan page: a fresh tab opening /planning/{id} until its load event
  (the framed overview map included) and the map's Leaflet container drawn;
* the page weight of each main screen: bytes on the wire (Chrome's encodedDataLength: headers
  and bodies, compressed as sent) of the page and everything it loads, in a fresh context
  with a cold cache; screens that answer 404 (not built yet) are skipped.

The server draws no background tiles (``VAXROUTE_TILES_URL=none``): the figures are the
console's own, nothing leaves loopback.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))

from planner.demo import demo_files
from tests.api.live import LiveServer, console_server
from tests.chromium import ARGS, CHROMIUM

USER, PASSWORD = "Benchmark Planner", "a benchmark password 2026"
SCREENS = [
    "/",
    "/lists",
    "/lists/residents",
    "/planning",
    "/planning/{id}",
    "/today?day=2026-11-23",  # the plan's first day: the board with every team's stops
    "/report?day=2026-11-23",
    "/history",
]


def scaled_demo(folder: Path, residents: int) -> Path:
    """The demo generator's residents with every ward scaled to ``residents`` in total."""
    import make_demo

    total = sum(u[4] for u in make_demo.UNITS)
    units = [(*u[:4], round(u[4] * residents / total)) for u in make_demo.UNITS]
    units[0] = (*units[0][:4], units[0][4] + residents - sum(u[4] for u in units))
    make_demo.UNITS = units
    rows = make_demo.residents(random.Random(make_demo.SEED))
    path = folder / f"residents-{residents}.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(dict.fromkeys(k for r in rows for k in r)))
        writer.writeheader()
        writer.writerows(rows)
    return path


@contextmanager
def server(folder: Path) -> Iterator[LiveServer]:
    """A fresh server in ``folder`` with the benchmark's planner, no tiles, no login delay."""
    with console_server(
        folder, USER, PASSWORD, VAXROUTE_TILES_URL="none", VAXROUTE_LOGIN_DELAY_S="0"
    ) as live:
        yield live


def sign_in(tab: Any, url: str) -> None:
    tab.goto(url + "/login")
    tab.fill("#name", USER)
    tab.fill("#password", PASSWORD)
    tab.click("button[type=submit]")
    tab.wait_for_url(url + "/")


def upload(tab: Any, url: str, kind: str, path: Path) -> None:
    tab.goto(url + "/lists")
    tab.set_input_files(f"#file-{kind}", str(path))
    tab.locator(f"form[action='/lists/{kind}/upload'] button[type=submit]").click()
    tab.wait_for_url(url + f"/lists/{kind}/upload", timeout=600_000)
    assert tab.locator(".success").count() == 1, tab.content()[:2000]


def plan(tab: Any, url: str, days: int, limit: float) -> tuple[int, float]:
    """(plan id, seconds from the form's POST to done)."""
    tab.goto(url + "/planning")
    tab.fill("#start_date", "23/11/2026")
    tab.fill("#days", str(days))
    tab.fill("#time_limit_s", f"{limit:g}")
    began = time.perf_counter()
    tab.locator("form.plan-form button[type=submit]").click()
    tab.wait_for_url(lambda u: u.rsplit("/", 1)[-1].isdigit())
    plan_id = int(tab.url.rsplit("/", 1)[1])
    while True:
        state = tab.request.get(f"{url}/planning/{plan_id}/progress").json()
        if not state["active"]:
            assert state["status"] == "done", state
            return plan_id, time.perf_counter() - began
        time.sleep(0.1)


def weigh(browser: Any, storage: dict[str, Any], url: str) -> tuple[int, int, int, float]:
    """(status, bytes on the wire, of which the framed map and its assets, seconds to load)
    of ``url`` in a cold context."""
    context = browser.new_context(viewport={"width": 1366, "height": 768}, storage_state=storage)
    tab = context.new_page()
    cdp = context.new_cdp_session(tab)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    sizes: dict[str, float] = {}
    urls: dict[str, str] = {}
    cdp.on(
        "Network.requestWillBeSent",
        lambda e: urls.__setitem__(e["requestId"], e["request"]["url"]),
    )
    cdp.on(
        "Network.loadingFinished",
        lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]),
    )
    began = time.perf_counter()
    response = tab.goto(url, wait_until="load")
    if tab.locator("iframe.plan-map").count():
        tab.frame_locator("iframe.plan-map").locator(".leaflet-container").wait_for()
    spent = time.perf_counter() - began
    tab.wait_for_timeout(1500)  # late requests (none expected); a refreshing page never idles
    context.close()
    on_map = sum(
        n for r, n in sizes.items() if "/map" in urls.get(r, "") or "/assets/" in urls.get(r, "")
    )
    return response.status, int(sum(sizes.values())), int(on_map), spent


def one(
    browser: Any, folder: Path, residents: Path, name: str, args: argparse.Namespace
) -> dict[str, Any]:
    with server(folder) as live:
        context = browser.new_context(viewport={"width": 1366, "height": 768})
        tab = context.new_page()
        sign_in(tab, live.url)
        upload(tab, live.url, "teams", demo_files().teams)
        upload(tab, live.url, "residents", residents)
        plan_id, solve_s = plan(tab, live.url, args.days, args.time_limit)
        storage = context.storage_state()
        context.close()
        status, _, _, load_s = weigh(browser, storage, f"{live.url}/planning/{plan_id}")
        assert status == 200
        weights = {}
        for screen in SCREENS:
            status, size, on_map, _ = weigh(browser, storage, live.url + screen.format(id=plan_id))
            if status != 404:
                weights[screen] = (size, on_map)
    return {"name": name, "solve_s": solve_s, "load_s": load_s, "weights": weights}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--time-limit", type=float, default=30)
    ap.add_argument("--days", type=int, default=2)
    ap.add_argument("--residents", type=int, default=1000)
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    rows = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        folder = Path(tmp)
        (folder / "demo").mkdir()
        (folder / "big").mkdir()
        rows.append(one(browser, folder / "demo", demo_files().residents, "demo (386)", args))
        big = scaled_demo(folder, args.residents)
        rows.append(one(browser, folder / "big", big, f"{args.residents:,} residents", args))
        browser.close()
    print(
        f"time to the first usable plan page ({args.days} days, time limit "
        f"{args.time_limit:g} s, 7 teams):\n"
    )
    print(
        "| list | server: POST to done (s) | browser: plan page loaded, map drawn (s) | total (s) |"
    )
    print("|---|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['name']} | {r['solve_s']:.1f} | {r['load_s']:.2f} | "
            f"{r['solve_s'] + r['load_s']:.1f} |"
        )
    print("\npage weight, bytes on the wire incl. assets, cold cache (KB):\n")
    print("| screen | " + " | ".join(r["name"] for r in rows) + " |")
    print("|---|" + "---:|" * len(rows))
    for screen in SCREENS:
        cells = []
        for r in rows:
            size, on_map = r["weights"].get(screen, (None, 0))
            map_part = f" (map {on_map / 1024:.0f})" if on_map else ""
            cells.append("404" if size is None else f"{size / 1024:.0f}{map_part}")
        print(f"| `{screen}` | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
