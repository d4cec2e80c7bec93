"""Residents' rights (Decree 13/2023): a planner corrects a resident's data or deletes it.

A correction is checked exactly as an imported row is: the stored record is written back into
the list's canonical columns, the changed cells replace their columns, and the one-row table
goes through ``planner.io.residents.read_residents`` with the teams' depots and the other
residents as the reference points an import would have. A later import of a list that still
holds the old values overwrites the correction (the list is the source): correct the list too.

A deletion keeps the row, because visits name it (a foreign key) and the daily report counts
it by ward, but empties it of everything personal: what stays is the id, the ward and the
status. The visits keep their outcome and lose the GPS point (the person's home). A deleted
resident is no longer listed, read, planned or re-imported (api/store.py).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from api.models import ResidentRow, VisitRow, now
from api.store import _digest, _problem_rows, _record, load_teams, today_vn
from planner.io.residents import read_residents
from planner.io.tables import RawTable
from planner.settings import Settings as PlannerSettings

#: what a deleted resident keeps: enough to count, nothing to identify
KEPT_ON_DELETE = ("resident_id", "ward", "status")
SOURCE = "correction"
#: stored fields no list column holds (a postponement's date): a correction keeps them
NOT_IN_LISTS = ("not_before",)


class CorrectionRefused(Exception):
    """The corrected row breaks a rule of the import; nothing was changed."""

    def __init__(self, problems: list[dict[str, Any]]) -> None:
        super().__init__("correction refused")
        self.problems = problems


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _number(value: Any) -> str:
    return "" if value is None else repr(float(value))


def _clock(seconds: Any) -> str:
    return "" if seconds is None else f"{int(seconds) // 3600:02d}:{int(seconds) % 3600 // 60:02d}"


def _cells(data: dict[str, Any]) -> dict[str, str]:
    """A stored record as the cells of an import row, in the list's canonical columns."""
    cells = {
        k: _text(data.get(k))
        for k in (
            "resident_id",
            "full_name",
            "address",
            "ward",
            "household_id",
            "age",
            "doses_received",
            "last_dose_date",
            "status",
            "phone",
            "notes",
            "vaccine",
        )
    }
    cells.update(
        lat=_number(data.get("lat")),
        lon=_number(data.get("lon")),
        conditions="; ".join(data.get("conditions") or ()),
        available_from=_clock(data.get("available_from_s")),
        available_to=_clock(data.get("available_to_s")),
        needs_doctor="true" if data.get("needs_doctor") else "false",
        priority=_number(data.get("priority_override")),
        service_minutes=_number(data.get("service_minutes")),
    )
    return cells


def _cell(value: Any) -> str:
    """A value of the request body as the text a list's cell would hold."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return _text(value)


def _references(session: Session, resident_id: str) -> list[tuple[float, float]]:
    """The points an import would check coordinates against: depots and other residents."""
    points = [(t.depot_lat, t.depot_lon) for t in load_teams(session)]
    query = select(ResidentRow.data).where(
        ResidentRow.deleted_at.is_(None), ResidentRow.resident_id != resident_id
    )
    points += [
        (d["lat"], d["lon"])
        for d in session.scalars(query)
        if d.get("lat") is not None and d.get("lon") is not None
    ]
    return points


def _read_one(
    session: Session, cells: dict[str, str], settings: PlannerSettings
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Read one row with the import's rules: (the record, warnings) or CorrectionRefused."""
    table = RawTable(SOURCE, pd.DataFrame([cells], dtype=str), [1])
    read = read_residents(
        table,
        reference_date=today_vn(),
        params=settings.input,
        depots=_references(session, cells["resident_id"]),
    )
    problems = [dict(p, row=None) for p in _problem_rows(read.problems)]
    if not read.residents:
        raise CorrectionRefused(problems)
    return _record(read.residents[0]), problems


def correct_resident(
    session: Session, row: ResidentRow, changes: dict[str, Any], settings: PlannerSettings
) -> dict[str, Any]:
    """Apply a correction to a live resident (not committed: the caller adds the audit row)."""
    cells = _cells(row.data)
    cells.update({k: _cell(v) for k, v in changes.items()})
    if "birth_year" in changes and "age" not in changes:
        cells["age"] = ""  # the reader derives the age from the new birth year
    record, problems = _read_one(session, cells, settings)
    old = dict(row.data)
    for key in NOT_IN_LISTS:
        record[key] = old.get(key)
    changed = sorted(k for k in record if record[k] != old.get(k))
    if changed:
        row.data, row.content_hash, row.ward = record, _digest(record), record["ward"]
        row.updated_at = now()
    return {"resident": dict(record), "changed": changed, "problems": problems}


def delete_resident(session: Session, row: ResidentRow) -> int:
    """Empty a resident of personal data (not committed); returns the visits that stay."""
    if row.deleted_at is None:
        row.data = {k: row.data.get(k) for k in KEPT_ON_DELETE}
        row.content_hash = _digest(row.data)
        row.deleted_at = row.updated_at = now()
        session.execute(
            update(VisitRow)
            .where(VisitRow.resident_id == row.resident_id)
            .values(lat=None, lon=None)
        )
    return int(
        session.scalar(
            select(func.count(VisitRow.id)).where(VisitRow.resident_id == row.resident_id)
        )
        or 0
    )
