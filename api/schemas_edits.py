"""Bodies of hand edits (``POST /plans/{id}/edits``): the EditCreate family and its answer.

Apart from api/schemas.py (which is long enough). An edit names residents and teams by their
ids and days by ISO date; names never appear, in the body or the answer."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from api.limits import Id
from api.schemas import CampaignDate


class PinEdit(BaseModel):
    """Visit the resident by this team and/or on this date (one of them at least)."""

    model_config = ConfigDict(extra="forbid")
    kind: Literal["pin"]
    resident_id: Id
    team_id: Id | None = None
    date: CampaignDate | None = None


class UnpinEdit(BaseModel):
    """Lift the resident's pin (the planner's, and the residents list's)."""

    model_config = ConfigDict(extra="forbid")
    kind: Literal["unpin"]
    resident_id: Id


class MoveEdit(BaseModel):
    """Move the stop holding the resident (its whole household stop) to this team and day, at
    this position of that route (1 = first; none: after its last stop). Its residents are
    pinned there and the route is locked up to the moved stop; the solver plans the rest of
    that day after it."""

    model_config = ConfigDict(extra="forbid")
    kind: Literal["move"]
    resident_id: Id
    team_id: Id
    date: CampaignDate
    position: int | None = Field(None, ge=1, le=1000)


class LockEdit(BaseModel):
    """Keep the team's route of this day exactly as it stands (``unlock``: free it)."""

    model_config = ConfigDict(extra="forbid")
    kind: Literal["lock", "unlock"]
    team_id: Id
    date: CampaignDate


Edit = Annotated[PinEdit | UnpinEdit | MoveEdit | LockEdit, Field(discriminator="kind")]


class EditCreate(BaseModel):
    """Hand edits of a done plan, applied together; the plan is re-solved around them."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "edits": [
                        {
                            "kind": "move",
                            "resident_id": "DX-0042",
                            "team_id": "SC",
                            "date": "2026-11-24",
                            "position": 2,
                        },
                        {"kind": "lock", "team_id": "DX", "date": "2026-11-23"},
                        {"kind": "pin", "resident_id": "DX-0007", "date": "2026-11-24"},
                    ],
                    "time_limit_s": 5,
                }
            ]
        },
    )

    edits: list[Edit] = Field(min_length=1, max_length=50)
    time_limit_s: float | None = Field(
        None, gt=0, le=60, description="the re-solve's time limit (default: 5 s at most)"
    )


class LockedRoute(BaseModel):
    """A lock in force in the version: the whole route, or its first ``stops`` stops (a
    move's lock: the day goes on after them)."""

    team_id: str
    date: str
    stops: int
    whole_route: bool


class EditResult(BaseModel):
    """The new draft version and what else moved because of the edits: residents not named
    by them whose team or day changed, who were dropped or newly planned (ids only). While
    the version is still being solved (``status`` queued or solving), the lists are empty:
    ``GET /plans/{id}/edits`` gives them once it is done."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 12,
                    "version": 12,
                    "parent_id": 11,
                    "status": "done",
                    "edited": ["DX-0042", "DX-0007"],
                    "locked": [
                        {"team_id": "DX", "date": "2026-11-23", "stops": 9, "whole_route": True},
                        {"team_id": "SC", "date": "2026-11-24", "stops": 2, "whole_route": False},
                    ],
                    "moved_count": 2,
                    "moved": ["DX-0013", "DX-0051"],
                    "dropped": [],
                    "newly_planned": [],
                    "error": None,
                }
            ]
        }
    )

    id: int
    version: int
    parent_id: int
    status: str
    edited: list[str]
    locked: list[LockedRoute]
    moved_count: int
    moved: list[str]
    dropped: list[str]
    newly_planned: list[str]
    error: str | None = None
