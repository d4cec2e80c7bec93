"""What a re-plan changes against the plan it was made from: a pure function of the two plan
documents (plan.json), for the preview a planner reads before publishing a re-plan.

The comparison covers the re-plan's days: a resident the parent planned on a day before the
re-plan's ``start_date`` was due in the past (visited, or not), so it is neither moved nor
dropped. Every resident lands in exactly one group:

* **moved**: planned by both on the re-plan's days, with another team or another day;
* **unchanged**: planned by both, same team and day (routes under way are kept, so their stops
  are here);
* **dropped**: planned by the parent on the re-plan's days, not planned by the re-plan; the
  reason is the re-plan's (an ``unassigned`` reason code, an ``excluded`` status such as
  ``vaccinated``, or ``absent`` when the resident is no longer on the list at all);
* **newly planned**: planned by the re-plan, not by the parent on these days; ``before`` says
  where the parent had the resident (an earlier day, unassigned with a reason, excluded with a
  status, or absent).

``planner.replan.count_changes`` (the plan's ``changed_assignments``) counts a resident whose
team or day changed or who became unassigned, leaving out the stops kept under way: that is
``len(moved) + dropped_unassigned`` here (kept stops never move).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

#: how a resident stands in a plan when not on a route
ABSENT = "absent"
UNASSIGNED = "unassigned"
EXCLUDED = "excluded"
EARLIER_DAY = "earlier_day"


@dataclass(frozen=True)
class Slot:
    """A team on a day (ISO date)."""

    team_id: str
    date: str


@dataclass(frozen=True)
class Standing:
    """Where a plan has a resident when not on one of the compared routes: ``kind`` is
    ``earlier_day`` (with ``slot``), ``unassigned`` (``code``: its reason code), ``excluded``
    (``code``: the status) or ``absent``."""

    kind: str
    code: str = ""
    slot: Slot | None = None


@dataclass(frozen=True)
class Moved:
    resident_id: str
    before: Slot
    after: Slot


@dataclass(frozen=True)
class Dropped:
    resident_id: str
    before: Slot
    why: Standing  # unassigned / excluded / absent in the re-plan


@dataclass(frozen=True)
class NewlyPlanned:
    resident_id: str
    after: Slot
    before: Standing  # earlier_day / unassigned / excluded / absent in the parent


@dataclass(frozen=True)
class PlanChanges:
    start_date: str
    moved: list[Moved] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)
    newly_planned: list[NewlyPlanned] = field(default_factory=list)
    unchanged: int = 0

    @property
    def dropped_unassigned(self) -> int:
        """Dropped with an unassigned reason (what ``changed_assignments`` also counts)."""
        return sum(1 for d in self.dropped if d.why.kind == UNASSIGNED)


def _slots(plan: Mapping[str, Any]) -> dict[str, Slot]:
    """resident id -> the team and day a plan visits the resident."""
    return {
        rid: Slot(route["team_id"], route["date"])
        for route in plan.get("routes", [])
        for stop in route["stops"]
        for rid in stop["resident_ids"]
    }


def _standing(
    resident_id: str,
    slots: Mapping[str, Slot],
    unassigned: Mapping[str, str],
    excluded: Mapping[str, str],
) -> Standing:
    """Where a plan has a resident who is not on the compared routes."""
    if resident_id in slots:
        return Standing(EARLIER_DAY, slot=slots[resident_id])
    if resident_id in unassigned:
        return Standing(UNASSIGNED, unassigned[resident_id])
    if resident_id in excluded:
        return Standing(EXCLUDED, excluded[resident_id])
    return Standing(ABSENT)


def _reasons(plan: Mapping[str, Any]) -> tuple[dict[str, str], dict[str, str]]:
    """(resident id -> unassigned reason code, resident id -> excluded status)."""
    return (
        {u["resident_id"]: u["reason_code"] for u in plan.get("unassigned", [])},
        {e["resident_id"]: e["status"] for e in plan.get("excluded", [])},
    )


def plan_changes(parent: Mapping[str, Any], replan: Mapping[str, Any]) -> PlanChanges:
    """The difference of ``replan`` against ``parent`` on the re-plan's days (see the module's
    docstring); every list sorted by resident id."""
    start = str(replan["start_date"])
    before_all, after = _slots(parent), _slots(replan)
    before = {rid: s for rid, s in before_all.items() if s.date >= start}
    earlier = {rid: s for rid, s in before_all.items() if s.date < start}
    old_unassigned, old_excluded = _reasons(parent)
    new_unassigned, new_excluded = _reasons(replan)
    moved, dropped, unchanged = [], [], 0
    for rid in sorted(before):
        if rid not in after:
            why = _standing(rid, {}, new_unassigned, new_excluded)
            dropped.append(Dropped(rid, before[rid], why))
        elif after[rid] != before[rid]:
            moved.append(Moved(rid, before[rid], after[rid]))
        else:
            unchanged += 1
    newly = [
        NewlyPlanned(rid, after[rid], _standing(rid, earlier, old_unassigned, old_excluded))
        for rid in sorted(set(after) - set(before))
    ]
    return PlanChanges(start, moved, dropped, newly, unchanged)
