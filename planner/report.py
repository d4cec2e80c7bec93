"""The terminal summary: per team stops, km, hours and doses; coverage by priority band."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from planner.io.problems import InputProblem
from planner.plan import parse_iso_time
from planner.plan_document import Plan
from planner.reasons_catalogue import REASON_CODES
from planner.workload import workload


def team_totals(plan: Plan) -> dict[str, dict[str, float]]:
    """Per team over the plan's days: days, stops, residents, doses, km, hours, vials."""
    totals: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for r in plan.routes:
        t = totals[r.team_id]
        t["days"] += 1
        t["stops"] += len(r.stops)
        t["residents"] += len(r.resident_ids())
        t["doses"] += r.dose_count()
        t["km"] += r.distance_m / 1000
        t["travel_h"] += r.travel_s / 3600
        t["hours"] += (parse_iso_time(r.end)[1] - parse_iso_time(r.start)[1]) / 3600
        t["vials"] += len(r.vials or ())
        t["wasted"] += r.doses_wasted or 0
    return totals


def print_summary(plan: Plan, console: Console) -> None:
    """The plan's summary on the terminal: per team, coverage by band, the reasons."""
    table = Table(title=f"Plan {plan.plan_id}: {plan.start_date}, {plan.days} day(s)")
    for col in (
        "team",
        "days",
        "stops",
        "residents",
        "doses",
        "vials",
        "wasted",
        "km",
        "hours",
        "travel h",
    ):
        table.add_column(col, justify="left" if col == "team" else "right")
    for team_id, t in sorted(team_totals(plan).items()):
        table.add_row(
            team_id,
            f"{t['days']:.0f}",
            f"{t['stops']:.0f}",
            f"{t['residents']:.0f}",
            f"{t['doses']:.0f}",
            f"{t['vials']:.0f}",
            f"{t['wasted']:.0f}",
            f"{t['km']:.1f}",
            f"{t['hours']:.1f}",
            f"{t['travel_h']:.1f}",
        )
    console.print(table)
    s = plan.summary
    cov = Table(title="Coverage by priority band")
    for col in ("band", "eligible", "planned", "%"):
        cov.add_column(col, justify="right")
    for band, c in s.coverage_by_priority.items():
        pct = 100 * c["planned"] / c["eligible"] if c["eligible"] else 100.0
        cov.add_row(band, str(c["eligible"]), str(c["planned"]), f"{pct:.0f}")
    console.print(cov)
    console.print(
        f"residents {s.residents}: planned {s.planned}, unassigned "
        f"{s.unassigned}, excluded {s.excluded} · solved in {s.solve_s} s"
    )
    load = workload(plan)
    if load.team_days:
        console.print(
            f"team-days {load.team_days} (min / mean / max): {load.line()}", highlight=False
        )
    if s.doses_wasted is not None:
        console.print(
            f"vials opened {s.vials_opened}, doses wasted {s.doses_wasted} "
            f"({100 * (s.waste_per_dose_given or 0):.1f} % of doses given)"
        )
    for code, n in sorted(s.unassigned_by_reason.items(), key=lambda kv: -kv[1]):
        console.print(
            f"  unassigned {code}: {n} — {REASON_CODES.get(code, '')}",
            soft_wrap=True,
            highlight=False,
        )


def print_problems(problems: list[InputProblem], console: Console, limit: int = 30) -> None:
    """The input problems as the terminal shows them: counts, then the first ``limit``."""
    if not problems:
        return
    errors = sum(p.fatal for p in problems)
    console.print(
        f"[bold]{errors} input error(s), {len(problems) - errors} warning(s)[/bold] "
        "(rows with errors are left out of the plan and listed as invalid_input):"
    )
    for p in problems[:limit]:
        console.print(Text(f"  {p}", style="red" if p.fatal else "yellow"), soft_wrap=True)
    if len(problems) > limit:
        console.print(f"  … {len(problems) - limit} more in input_problems.csv")


def describe_travel(model: Mapping[str, Any]) -> str:
    """One line saying which travel model a plan used."""
    kind = model.get("kind")
    if kind == "road":
        g = model.get("graph", {})
        return (
            f"road network from {model.get('extract')} ({g.get('nodes', 0):,} nodes, "
            f"{g.get('segments', 0):,} road segments)"
        )
    if kind == "osrm":
        return f"OSRM routing server {model.get('url')} (profile {model.get('profile')})"
    return (
        f"straight lines x {model.get('detour_factor')} (no road network given: "
        "--roads FILE uses an OpenStreetMap extract)"
    )
