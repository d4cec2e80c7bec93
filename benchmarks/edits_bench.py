"""Hand edits (issue 24 item 3): a hand edit on a 200-resident plan re-solved in <= 5 s, the
edit kept, and how many other residents moved because of it.

    python benchmarks/edits_bench.py                        # 200 residents, 4 teams, 3 days
    python benchmarks/edits_bench.py --spec 200x4x3 --base-limit 20 --edit-limit 3

The base plan is the scenario of ``benchmarks/scenarios.py`` (seed 1, straight-line travel)
solved for ``--base-limit`` seconds. Then, each from that base plan, timed from the call to
the checked plan (problem built, locked routes timed, search, plan document, the independent
checker, the changes against the base):

* **move**: the last stop of the first day's first route to the second place of another
  team's second day;
* **lock + pin**: a second-day route locked, a first-day resident pinned to the third day;
* **move, change cost 0**: the move again with ``solver.change_cost = 0``, to show what the
  re-plan's change cost keeps in place.

Every edited plan passes the independent checker (planner.pipeline) and planner.edits'
own check that the locks and moves were kept (it raises otherwise).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    from benchmarks.scenarios import START, scenario
    from planner.edits import Edit, Lock, Move, Pin, apply_edits
    from planner.pipeline import PlanRequest, TravelChoice, make_plan
    from planner.settings import Settings
    from planner.travel import StraightLineTravel

    args = _args()
    residents, teams, days = (int(x) for x in args.spec.split("x"))
    people, crews = scenario(residents, teams, seed=1)
    settings = Settings().with_solver(time_limit_s=args.base_limit)
    travel = StraightLineTravel.from_params(settings.travel)
    started = time.monotonic()
    base = make_plan(PlanRequest(people, crews, START, days, settings), TravelChoice(travel)).plan
    print(
        f"base plan: {base.summary.planned}/{residents} planned, {len(base.routes)} routes, "
        f"{time.monotonic() - started:.1f} s"
    )
    day1, day2, day3 = (START + dt.timedelta(days=d) for d in range(3))
    first = base.routes_of(base.routes[0].team_id, day1.isoformat())[0]
    target = next(
        r for r in base.routes if r.date == day2.isoformat() and r.team_id != first.team_id
    )
    rid = first.stops[-1].resident_ids[0]
    locked = next(r for r in base.routes if r.date == day2.isoformat() and r is not target)
    pinned = next(
        x
        for r in base.routes
        if r.date == day1.isoformat() and r is not first
        for s in r.stops
        for x in s.resident_ids
    )
    cases: list[tuple[str, list[Edit], int | None]] = [
        ("move", [Move(rid, target.team_id, day2, 2)], None),
        ("lock + pin", [Lock(locked.team_id, day2), Pin(pinned, "", day3)], None),
        ("move, change cost 0", [Move(rid, target.team_id, day2, 2)], 0),
    ]
    rows = []
    for name, edits, change_cost in cases:
        changes: dict[str, Any] = {"time_limit_s": args.edit_limit}
        if change_cost is not None:
            changes["change_cost"] = change_cost
        edit_settings = settings.with_solver(**changes)
        t0 = time.monotonic()
        done = apply_edits(base, people, crews, edits, edit_settings, travel=travel)
        seconds = time.monotonic() - t0
        c = done.changes
        others = set(done.others_moved)
        row = {
            "edit": name,
            "seconds": round(seconds, 2),
            "kept": True,  # apply_edits raises when a lock or a move was not kept
            "others_moved": len([m for m in c.moved if m.resident_id in others]),
            "others_dropped": len([d for d in c.dropped if d.resident_id in others]),
            "others_newly_planned": len([n for n in c.newly_planned if n.resident_id in others]),
            "planned": done.plan.summary.planned,
        }
        rows.append(row)
        print(json.dumps(row))
    limit = f"{args.edit_limit:g}"
    print(
        f"\n| edit | s (limit {limit} s) | kept | others moved | dropped | newly planned"
        " | planned |"
    )
    print("|---|---:|---|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['edit']} | {r['seconds']} | yes | {r['others_moved']} | "
            f"{r['others_dropped']} | {r['others_newly_planned']} | {r['planned']} |"
        )


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--spec", default="200x4x3", help="residents x teams x days")
    parser.add_argument("--base-limit", type=float, default=20.0)
    parser.add_argument("--edit-limit", type=float, default=3.0)
    return parser.parse_args()


if __name__ == "__main__":
    main()
