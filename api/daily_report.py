"""The 16:30 report's numbers: per ward and per team, planned and what became of them, for
one day, from the newest published plan covering it and the visits recorded that day. Used by
the JSON route (api/routes/reports.py) and the console's report page."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.models import ResidentRow, VisitRow
from api.plan_requests import current_plan
from api.store import as_local
from api.visit_proof import StopFinder
from planner.cells import XLSX_TYPE, csv_bytes, xlsx_bytes
from planner.outcomes import OUTCOME_CODES
from planner.plan_document import Plan

#: the report's outcome columns, in order (the catalogue's: planner/outcomes.py)
OUTCOMES = OUTCOME_CODES


def daily_report(session: Session, day: dt.date) -> dict[str, Any]:
    plan = current_plan(session, day)
    planned: dict[str, str] = {}  # resident -> team
    if plan is not None and plan.document:
        for r in Plan.from_json(plan.document).routes:
            if r.date == day.isoformat():
                planned.update(dict.fromkeys(r.resident_ids(), r.team_id))
    latest: dict[str, VisitRow] = {}
    for v in session.scalars(select(VisitRow).order_by(VisitRow.at, VisitRow.id)):
        if as_local(v.at).date() == day:
            latest[v.resident_id] = v
    people = set(planned) | set(latest)
    wards = (
        {
            r.resident_id: r.ward or "?"
            for r in session.scalars(
                select(ResidentRow).where(ResidentRow.resident_id.in_(list(people)))
            )
        }
        if people
        else {}
    )
    by_ward: dict[str, Counter[str]] = defaultdict(Counter)
    by_team: dict[str, Counter[str]] = defaultdict(Counter)
    stops = StopFinder(session)
    for rid in people:
        team = planned.get(rid) or latest[rid].team_id
        for bucket in (by_ward[wards.get(rid, "?")], by_team[team]):
            if rid in planned:
                bucket["planned"] += 1
            if rid in latest:
                bucket[latest[rid].outcome] += 1
                bucket["far_from_stop"] += bool(stops.proof(latest[rid]).far_from_stop)
            elif rid in planned:
                bucket["remaining"] += 1
    return {
        "date": day,
        "plan_id": plan.id if plan else None,
        "by_ward": [_row(k, c) for k, c in sorted(by_ward.items())],
        "by_team": [_row(k, c) for k, c in sorted(by_team.items())],
        "totals": _row("total", sum(by_team.values(), Counter())),
    }


def _row(group: str, c: Counter[str]) -> dict[str, Any]:
    return {
        "group": group,
        "planned": c["planned"],
        **{o: c[o] for o in OUTCOMES},
        "remaining": c["remaining"],
        "far_from_stop": c["far_from_stop"],
    }


def report_file(report: dict[str, Any], format: Literal["csv", "xlsx"]) -> tuple[bytes, str, str]:
    """The report as a download: (content, media type, file name). Wards and team ids come
    from uploaded lists: every cell goes through planner/cells.py. far_from_stop (proof of
    visit) is the last column, after the CSV's level too, so columns read by position stay."""
    columns = ["group", "planned", *OUTCOMES, "remaining"]
    tables = {k: [[row[c] for c in columns] for row in report[k]] for k in ("by_ward", "by_team")}
    far = {k: [row["far_from_stop"] for row in report[k]] for k in tables}
    name = f"report-{report['date'].isoformat()}"
    if format == "csv":
        rows = [
            [*row, k[3:], n]
            for k, table in tables.items()
            for row, n in zip(table, far[k], strict=True)
        ]
        return (
            csv_bytes([*columns, "level", "far_from_stop"], rows, lineterminator="\n"),
            "text/csv",
            f"{name}.csv",
        )
    sheets = {
        k: ([*columns, "far_from_stop"], [[*row, n] for row, n in zip(table, far[k], strict=True)])
        for k, table in tables.items()
    }
    return xlsx_bytes(sheets), XLSX_TYPE, f"{name}.xlsx"
