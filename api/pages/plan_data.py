"""What the plan page shows, worked out from a done plan's document (plan.json as stored).

Pure functions of the document and the residents' wards, so that the page and its tests read
the same numbers: coverage by priority band (the document's own summary), coverage by ward,
each team-day's summary and the residents not planned with their reasons.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from planner.plan import parse_iso_time
from planner.plan_document import Plan
from planner.reasons_catalogue import REASONS, reason_label
from planner.workload import Workload, workload

BANDS = ("high", "medium", "low")


@dataclass(frozen=True)
class Share:
    """A row of a coverage table: ``planned`` of ``total``, and the percentage."""

    key: str
    planned: int
    total: int

    @property
    def percent(self) -> float:
        return 100.0 * self.planned / self.total if self.total else 100.0


@dataclass(frozen=True)
class TeamDay:
    """One route: a team's day."""

    team_id: str
    team_name: str
    date: str
    stops: int
    residents: int
    doses: int
    vials: int
    hours: float
    km: float


def by_band(document: dict[str, Any]) -> list[Share]:
    """Planned / eligible per priority band, as the plan's summary counts them."""
    bands = document.get("summary", {}).get("coverage_by_priority", {})
    return [
        Share(b, int(bands[b]["planned"]), int(bands[b]["eligible"])) for b in BANDS if b in bands
    ]


def planned_ids(document: dict[str, Any]) -> list[str]:
    return [rid for r in document["routes"] for s in r["stops"] for rid in s["resident_ids"]]


def by_ward(document: dict[str, Any], wards: dict[str, str]) -> list[Share]:
    """Planned / (planned + not planned) per ward: a planned resident's ward is the stop's, a
    resident not planned has the ward the residents list gives (``wards``: id -> ward; ``""``
    when unknown, e.g. deleted since)."""
    planned: Counter[str] = Counter()
    for r in document["routes"]:
        for s in r["stops"]:
            planned[s.get("ward", "")] += len(s["resident_ids"])
    left = Counter(wards.get(u["resident_id"], "") for u in document["unassigned"])
    names = sorted(set(planned) | set(left), key=lambda w: (w == "", w))
    return [Share(w, planned[w], planned[w] + left[w]) for w in names]


def team_days(document: dict[str, Any]) -> list[TeamDay]:
    """Each route's stops, residents, doses, vials opened, hours (leaving the station to
    coming back) and km, in date then team order."""
    out = []
    for r in sorted(document["routes"], key=lambda r: (r["date"], r["team_id"])):
        start, end = parse_iso_time(r["start"])[1], parse_iso_time(r["end"])[1]
        out.append(
            TeamDay(
                team_id=r["team_id"],
                team_name=r.get("team_name") or r["team_id"],
                date=r["date"],
                stops=len(r["stops"]),
                residents=sum(len(s["resident_ids"]) for s in r["stops"]),
                doses=int(r.get("doses", 0)),
                vials=len(r.get("vials", [])),
                hours=(end - start) / 3600,
                km=r.get("distance_m", 0) / 1000,
            )
        )
    return out


def load(document: dict[str, Any]) -> Workload:
    """Min / mean / max hours and stops over the plan's team-days (planner.workload: the same
    figures as the terminal summary and the route sheets)."""
    return workload(Plan.from_json(document))


def unassigned(
    document: dict[str, Any], wards: dict[str, str], lang: str, reason: str | None = None
) -> list[dict[str, str]]:
    """The residents not planned (only those with ``reason`` when given): id, ward, reason
    code and its label in ``lang``."""
    return [
        {
            "resident_id": u["resident_id"],
            "ward": wards.get(u["resident_id"], ""),
            "code": u["reason_code"],
            "label": reason_label(u["reason_code"], lang),
        }
        for u in document["unassigned"]
        if reason is None or u["reason_code"] == reason
    ]


def reasons_present(document: dict[str, Any], lang: str) -> list[tuple[str, str, int]]:
    """(code, label, count) of every reason the plan gives, the commonest first."""
    counts = Counter(u["reason_code"] for u in document["unassigned"])
    return [(c, reason_label(c, lang), n) for c, n in counts.most_common()]


def known_reason(code: str | None) -> str | None:
    """A reason filter from a query string: a catalogued code, else no filter."""
    return code if code in REASONS else None


def totals(document: dict[str, Any]) -> dict[str, float]:
    s = document.get("summary", {})
    return {
        "planned": s.get("planned", len(planned_ids(document))),
        "unassigned": s.get("unassigned", len(document["unassigned"])),
        "team_days": len(document["routes"]),
        "km": s.get("distance_m", 0) / 1000,
        "doses": s.get("doses", 0),
    }
