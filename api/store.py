"""Storage of residents, teams and outcomes; imports as single all-or-nothing transactions."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import logging
import os
import time
from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.models import ImportRow, ResidentRow, TeamRow, VisitRow, now
from planner.constants import UTC_OFFSET, VN_TZ
from planner.io.problems import InputProblem
from planner.io.residents import read_residents
from planner.io.tables import RawTable
from planner.io.teams import read_teams
from planner.model import Resident, Team
from planner.outcomes import OutcomeCode
from planner.replan import Outcome
from planner.settings import Settings as PlannerSettings

VN = VN_TZ  # the name the API modules import
log = logging.getLogger("vaxroute.store")
_DATE_FIELDS = {"last_dose_date", "not_before", "pin_date"}


class ImportRefused(Exception):
    """The file has rows that cannot be imported and partial imports were not asked for."""

    def __init__(self, report: dict[str, Any]) -> None:
        super().__init__("import refused")
        self.report = report


def today_vn() -> dt.date:
    return dt.datetime.now(VN).date()


def as_local(value: dt.datetime) -> dt.datetime:
    """Stored times are UTC (SQLite returns them naive); show them in Viet Nam time."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(VN)


def _record(obj: Any) -> dict[str, Any]:
    out = {}
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if isinstance(value, dt.date):
            value = value.isoformat()
        elif isinstance(value, tuple):  # a team's days off are dates: stored as ISO text
            value = [v.isoformat() if isinstance(v, dt.date) else v for v in value]
        out[f.name] = value
    out.pop("source_row", None)
    return out


def _digest(record: dict[str, Any]) -> str:
    return hashlib.sha256(
        json.dumps(record, sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()


def resident_from_row(row: ResidentRow) -> Resident:
    data = dict(row.data)
    for key in _DATE_FIELDS:
        if data.get(key):
            data[key] = dt.date.fromisoformat(data[key])
    data["conditions"] = tuple(data.get("conditions", ()))
    return Resident(**data)


def team_from_row(row: TeamRow) -> Team:
    """The stored team; its rule fields (issue 24) back as the tuples and dates Team holds."""
    data = dict(row.data)
    data["wards"] = tuple(data.get("wards", ()))
    data["days_off"] = tuple(dt.date.fromisoformat(d) for d in data.get("days_off", ()))
    data["weekday_shifts"] = tuple(tuple(x) for x in data.get("weekday_shifts", ()))
    return Team(**data)


def load_residents(session: Session) -> list[Resident]:
    """The residents to plan: deleted ones are not (their rows only keep counts)."""
    return [
        resident_from_row(r)
        for r in session.scalars(select(ResidentRow).where(ResidentRow.deleted_at.is_(None)))
    ]


def load_teams(session: Session) -> list[Team]:
    return [team_from_row(r) for r in session.scalars(select(TeamRow).order_by(TeamRow.team_id))]


def load_outcomes(session: Session, until: dt.datetime | None = None) -> list[Outcome]:
    rows = session.scalars(select(VisitRow).order_by(VisitRow.at, VisitRow.id))
    out = []
    for v in rows:
        at = as_local(v.at)
        if until is None or at <= until:
            code = cast(OutcomeCode, v.outcome)  # POST /visits accepts only the catalogue's
            out.append(Outcome(v.resident_id, code, at.replace(tzinfo=None), v.postponed_to))
    return out


def _problem_rows(problems: Sequence[InputProblem]) -> list[dict[str, Any]]:
    return [
        {
            "row": p.row,
            "column": p.column,
            "resident_id": p.resident_id,
            "level": "error" if p.fatal else "warning",
            "reason": p.message,
        }
        for p in problems
    ]


def _pause_for_tests() -> None:
    """VAXROUTE_DEBUG_IMPORT_PAUSE_S holds an import open before commit (durability test)."""
    pause = float(os.environ.get("VAXROUTE_DEBUG_IMPORT_PAUSE_S", "0") or 0)
    if pause > 0:
        log.warning("debug pause: holding the import open for %s s before commit", pause)
        time.sleep(pause)


def _upsert(
    session: Session, model: Any, key: str, records: dict[str, dict[str, Any]], ward: bool
) -> dict[str, int]:
    counts = {"added": 0, "updated": 0, "unchanged": 0}
    ids = list(records)
    existing: dict[str, Any] = {}
    for k in range(0, len(ids), 500):
        column = getattr(model, key)
        for row in session.scalars(select(model).where(column.in_(ids[k : k + 500]))):
            existing[getattr(row, key)] = row
    for ident, record in records.items():
        digest = _digest(record)
        row = existing.get(ident)
        extra = {"ward": record.get("ward", "")} if ward else {}
        if row is None:
            session.add(model(**{key: ident}, data=record, content_hash=digest, **extra))
            counts["added"] += 1
        elif row.content_hash != digest:
            row.data, row.content_hash, row.updated_at = record, digest, now()
            for name, value in extra.items():
                setattr(row, name, value)
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
    return counts


def _finish(
    session: Session,
    kind: str,
    filename: str,
    counts: dict[str, int],
    problems: Sequence[InputProblem],
    allow_rejects: bool,
) -> dict[str, Any]:
    rejected = [p for p in problems if p.fatal]
    report: dict[str, Any] = {
        "kind": kind,
        "file": filename,
        **counts,
        "rejected": len(rejected),
        "problems": _problem_rows(problems),
        "committed": True,
    }
    if rejected and not allow_rejects:
        session.rollback()
        report.update({"added": 0, "updated": 0, "unchanged": 0, "committed": False})
        raise ImportRefused(report)
    row = ImportRow(kind=kind, filename=filename[:300], report=report)
    session.add(row)
    session.flush()
    report["import_id"] = row.id
    row.report = dict(report)
    _pause_for_tests()
    session.commit()
    return report


def import_residents(
    session: Session, table: RawTable, filename: str, settings: PlannerSettings, allow_rejects: bool
) -> dict[str, Any]:
    depots = [(t.depot_lat, t.depot_lon) for t in load_teams(session)]
    read = read_residents(table, reference_date=today_vn(), params=settings.input, depots=depots)
    records = {r.resident_id: _record(r) for r in read.residents}
    kept_out = _deleted_rows(session, read.residents, filename)
    for problem in kept_out:
        records.pop(str(problem.resident_id))
    counts = _upsert(session, ResidentRow, "resident_id", records, ward=True)
    counts["unchanged"] += len(kept_out)
    return _finish(
        session, "residents", filename, counts, [*read.problems, *kept_out], allow_rejects
    )


def _deleted_rows(
    session: Session, residents: Sequence[Resident], filename: str
) -> list[InputProblem]:
    """A warning for each row of a resident deleted on request: the row is not imported, so
    a list that still holds the person does not bring the data back."""
    ids = [r.resident_id for r in residents]
    deleted: set[str] = set()
    for k in range(0, len(ids), 500):
        deleted.update(
            session.scalars(
                select(ResidentRow.resident_id).where(
                    ResidentRow.resident_id.in_(ids[k : k + 500]),
                    ResidentRow.deleted_at.is_not(None),
                )
            )
        )
    return [
        InputProblem(
            filename,
            r.source_row,
            "resident_id",
            "this resident was deleted on request; the row is not imported "
            "(a new resident_id adds the person again)",
            fatal=False,
            resident_id=r.resident_id,
        )
        for r in residents
        if r.resident_id in deleted
    ]


def import_teams(
    session: Session, table: RawTable, filename: str, allow_rejects: bool
) -> dict[str, Any]:
    read = read_teams(table)
    records = {t.team_id: _record(t) for t in read.teams}
    counts = _upsert(session, TeamRow, "team_id", records, ward=False)
    return _finish(session, "teams", filename, counts, read.problems, allow_rejects)


def iso_local(value: dt.datetime) -> str:
    return as_local(value).isoformat(timespec="seconds").replace("+07:00", UTC_OFFSET)
