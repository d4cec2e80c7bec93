"""Teams bound to their wards (issue 24): the demo planned with its teams list as shipped
(every team anywhere) and with ``planner/demo/data/teams_wards.csv`` (each station's team its
own ward; Nguyễn Thị Minh Khai, which has no station, goes to Huyền Tụng's, the nearest).

    python benchmarks/wards_bench.py                       # 3 days @ 20 s, as `vaxroute demo`
    python benchmarks/wards_bench.py --days 3 --time-limit 20 --out /tmp/wards
    python benchmarks/wards_bench.py --out /tmp/wards --shots docs/images   # + screenshots

Each variant is a fresh process running the product's pipeline (read, build, solve, plan, the
independent checker) with the demo's settings (straight-line travel, seed 0) and the same
time limit, one after the other. Coverage is priority-weighted over the eligible residents;
'outside' counts stops served by a team whose ward list does not hold the stop's ward under
the bound list (the crossings binding removes). With ``--out`` each plan and its overview
map (overview.html) are written there, in ``free/`` and ``bound/``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BOUND = ROOT / "planner" / "demo" / "data" / "teams_wards.csv"


def one(variant: str, days: int, time_limit: float, out: str | None) -> dict[str, object]:
    """Plan the demo with one teams list and measure it."""
    from planner.checker_rules import same_ward
    from planner.demo import DEMO_START, demo_files
    from planner.io.teams import read_teams
    from planner.pipeline import plan_from_inputs, read_inputs
    from planner.settings import load_settings

    files = demo_files()
    settings = load_settings(None).with_solver(time_limit_s=time_limit)
    teams = BOUND if variant == "bound" else files.teams
    inputs = read_inputs(files.residents, teams, DEMO_START, settings, files.wards)
    run = plan_from_inputs(inputs, DEMO_START, days, settings)
    doc = run.plan.to_json()
    wards = {t.team_id: t.wards for t in read_teams(BOUND).teams}
    people = {r.resident_id: r for r in inputs.residents.residents}
    outside = sum(
        1
        for r in doc["routes"]
        for s in r["stops"]
        if not any(same_ward(people[s["resident_ids"][0]].ward, w) for w in wards[r["team_id"]])
    )
    planned = {rid for r in doc["routes"] for s in r["stops"] for rid in s["resident_ids"]}
    eligible = [rid for rid in run.data.priorities if rid not in run.data.excluded]
    total = sum(run.data.priorities[r] for r in eligible)
    if out:
        _write(Path(out) / variant, run, inputs, files.wards)
    return {
        "variant": variant,
        "coverage": sum(run.data.priorities[r] for r in planned) / total,
        "planned": len(planned),
        "eligible": len(eligible),
        "travel_km": sum(r["distance_m"] for r in doc["routes"]) / 1000,
        "travel_h": sum(r["travel_s"] for r in doc["routes"]) / 3600,
        "team_days": len(doc["routes"]),
        "outside": outside,
        "stops": sum(len(r["stops"]) for r in doc["routes"]),
        "checked": run.check.ok,
        "reasons": dict(Counter(u["reason_code"] for u in doc["unassigned"])),
    }


def _write(out: Path, run, inputs, wards_file: Path) -> None:
    """The plan's plan.json and overview map (the map the screenshots are taken of)."""
    from maps.assets import render
    from maps.overview import overview_map
    from planner.io.boundaries import load_boundaries

    out.mkdir(parents=True, exist_ok=True)
    (out / "plan.json").write_text(json.dumps(run.plan.to_json()), encoding="utf-8")
    people = {r.resident_id: r for r in inputs.residents.residents}
    html = render(
        overview_map(
            run.plan,
            residents=people,
            teams=inputs.teams.teams,
            wards=load_boundaries(wards_file),
            wards_approximate=True,
            tiles=None,
        )
    )
    (out / "overview.html").write_text(html, encoding="utf-8")


def screenshot(html: Path, png: Path) -> None:
    """The overview in headless Chromium (Debian's, through Playwright) at 1280x900."""
    from playwright.sync_api import sync_playwright

    from tests.chromium import ARGS, CHROMIUM

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(html.resolve().as_uri())
        page.wait_for_timeout(1500)
        png.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(png))
        browser.close()


def table(rows: list[dict]) -> str:
    """The Markdown table of both runs and the bound run against the free one."""
    out = [
        "| teams | coverage (priority-weighted) | planned / eligible | travel km | travel h | "
        "team-days | stops | stops outside the team's wards | checked | left out by reason |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        reasons = ", ".join(f"{k} {v}" for k, v in sorted(r["reasons"].items()))
        out.append(
            f"| {r['variant']} | {100 * r['coverage']:.2f} % | {r['planned']} / {r['eligible']} "
            f"| {r['travel_km']:.1f} | {r['travel_h']:.2f} | {r['team_days']} | {r['stops']} | "
            f"{r['outside']} | {r['checked']} | {reasons} |"
        )
    free, bound = rows[0], rows[-1]
    out.append(
        f"\nbound against free: coverage {100 * (bound['coverage'] - free['coverage']):+.2f} "
        f"points, travel x {bound['travel_km'] / max(1e-9, free['travel_km']):.2f} "
        f"({bound['travel_km'] - free['travel_km']:+.1f} km)"
    )
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--days", type=int, default=3)
    ap.add_argument("--time-limit", type=float, default=20.0)
    ap.add_argument("--out", default=None, help="folder for the plans and their overviews")
    ap.add_argument("--shots", default=None, help="folder for the overviews' screenshots")
    ap.add_argument("--one", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one(args.one, args.days, args.time_limit, args.out)))
        return
    rows = []
    for variant in ("free", "bound"):
        command = [sys.executable, __file__, "--one", variant, "--days", str(args.days)]
        command += ["--time-limit", str(args.time_limit)]
        command += ["--out", args.out] if args.out else []
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
        print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    print(table(rows))
    if args.shots and args.out:
        for variant in ("free", "bound"):
            html = Path(args.out) / variant / "overview.html"
            screenshot(html, Path(args.shots) / f"overview-wards-{variant}.png")


if __name__ == "__main__":
    main()
