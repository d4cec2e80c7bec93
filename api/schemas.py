"""Request and response bodies (Create / Public families), with OpenAPI examples."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from api.limits import Finite, Id
from planner.outcomes import OutcomeCode as Outcome  # the one catalogue: planner/outcomes.py

#: what the API accepts as a date: a campaign is planned and recorded in this century, and an
#: instant near year 1 or 9999 overflows the time-zone arithmetic (a 422 here, never a 500 later)
EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2099, 12, 31)


def _in_campaign_range(value: dt.date) -> dt.date:
    day = value.date() if isinstance(value, dt.datetime) else value
    if not EARLIEST <= day <= LATEST:
        raise ValueError(f"must be between {EARLIEST} and {LATEST}")
    return value


CampaignDate = Annotated[dt.date, AfterValidator(_in_campaign_range)]
CampaignTime = Annotated[dt.datetime, AfterValidator(_in_campaign_range)]


class ImportProblem(BaseModel):
    row: int | None = None
    column: str | None = None
    resident_id: str | None = None
    level: Literal["error", "warning"]
    reason: str


class ImportReport(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "import_id": 3,
                    "kind": "residents",
                    "file": "phuong-duc-xuan.xlsx",
                    "added": 120,
                    "updated": 4,
                    "unchanged": 310,
                    "rejected": 0,
                    "problems": [],
                    "committed": True,
                }
            ]
        }
    )

    import_id: int | None = None
    kind: Literal["residents", "teams"]
    file: str
    added: int
    updated: int
    unchanged: int
    rejected: int
    problems: list[ImportProblem]
    committed: bool


class PlanCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"start_date": "2026-11-24", "days": 3, "time_limit_s": 30}]
        },
    )

    start_date: CampaignDate
    days: int = Field(1, ge=1, le=31)
    time_limit_s: float | None = Field(None, gt=0, le=600)


class ReplanCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"as_of": "2026-11-24T11:00:00+07:00", "days": 2, "time_limit_s": 20}]
        },
    )

    as_of: CampaignTime | None = Field(None, description="the moment of re-planning (default: now)")
    days: int | None = Field(None, ge=1, le=31)
    time_limit_s: float | None = Field(None, gt=0, le=600)


class PlanPublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 7,
                    "version": 7,
                    "status": "done",
                    "progress": 1.0,
                    "start_date": "2026-11-24",
                    "days": 3,
                    "parent_id": None,
                    "changed_assignments": None,
                    "error": None,
                    "created_at": "2026-11-23T16:40:00+07:00",
                    "finished_at": "2026-11-23T16:40:31+07:00",
                    "published_at": "2026-11-23T16:40:31+07:00",
                    "requested_by": "Nguyễn Thị Lan",
                    "plan": {
                        "plan_id": "plan-7",
                        "routes": [],
                        "unassigned": [],
                        "excluded": [],
                        "summary": {},
                    },
                }
            ]
        }
    )

    id: int
    version: int
    status: Literal["queued", "solving", "done", "failed", "cancelled"]
    progress: float
    best_planned: int | None = Field(
        None, description="residents in the best plan found so far (null: no solution yet)"
    )
    best_coverage: float | None = Field(
        None, description="priority-weighted coverage (0..1) of the best plan found so far"
    )
    areas_done: int | None = Field(
        None, description="areas finished, when the horizon is solved as areas on a cluster"
    )
    areas_total: int | None = Field(None, description="areas in all (null: solved in one piece)")
    start_date: dt.date
    days: int
    parent_id: int | None = None
    changed_assignments: int | None = None
    error: str | None = None
    created_at: str
    finished_at: str | None = None
    published_at: str | None = Field(
        None,
        description=(
            "when a planner published it (a plan for new dates: when it was done); null: a draft "
            "re-plan, or not done yet. Team leaders receive published plans only"
        ),
    )
    requested_by: str | None = Field(
        None, description=('who asked for it: a console user\'s name or "token N"')
    )
    plan: dict[str, Any] | None = None


class PlanCreated(BaseModel):
    id: int
    status: str
    version: int


class VisitCreate(BaseModel):
    """An outcome as a tablet posts it. The resident's outcome is the one with the latest
    ``at``; of outcomes with the same ``at``, the one recorded last."""

    model_config = ConfigDict(
        extra="forbid",
        allow_inf_nan=False,
        json_schema_extra={
            "examples": [
                {
                    "resident_id": "DX-014",
                    "plan_id": 7,
                    "outcome": "vaccinated",
                    "at": "2026-11-24T09:12:00+07:00",
                    "idempotency_key": "tablet-DX-5f2c1a9e",
                    "lat": 22.1431,
                    "lon": 105.8427,
                }
            ]
        },
    )

    resident_id: Id
    plan_id: int = Field(ge=1, le=2_147_483_647)
    outcome: Outcome
    at: CampaignTime = Field(
        description=(
            "When the visit happened (without an offset: Viet Nam time). At most 10 minutes "
            "ahead of the server's clock and at most VAXROUTE_VISIT_MAX_AGE_DAYS (60) days "
            "behind it, else 422. The latest `at` wins: it is the resident's outcome for reports "
            "and re-plans; of equal `at`s, the one recorded last. A correction is a new post "
            "with a new key and a later `at`."
        )
    )
    idempotency_key: str = Field(
        min_length=8,
        max_length=100,
        pattern=r"^[A-Za-z0-9_.:-]+$",
        description="The device's key for this post, unique within the visit's team: a retry "
        "with the same key and body returns the first record (200), the same key "
        "with another outcome is a 409. Another team's keys are not looked at.",
    )
    lat: Finite | None = Field(
        None,
        ge=-90,
        le=90,
        description=(
            "The device's position when the outcome was recorded (with the user's permission), "
            "sent with `lon` or not at all: the answer gives the distance to the stop, never the "
            "position."
        ),
    )
    lon: Finite | None = Field(None, ge=-180, le=180)
    postponed_to: CampaignDate | None = None
    note: str | None = Field(
        None,
        max_length=500,
        description="The team leader's note on the visit (at most 500 characters, no control "
        "characters; blank = none). Shown to the planner; never logged.",
    )

    @field_validator("note")
    @classmethod
    def _note_text(cls, value: str | None) -> str | None:
        """A blank note is none; control characters (but line breaks) are refused."""
        if value is None or not value.strip():
            return None
        return _no_control_characters(value.strip())

    @model_validator(mode="after")
    def _position_whole(self) -> VisitCreate:
        """A position is both coordinates: half of one cannot be checked against the stop."""
        if (self.lat is None) != (self.lon is None):
            raise ValueError("lat and lon go together: send both or neither")
        return self


class VisitPublic(BaseModel):
    id: int
    resident_id: str
    plan_id: int
    team_id: str
    outcome: Outcome
    at: str
    postponed_to: dt.date | None = None
    note: str | None = None
    recorded_at: str
    distance_m: float | None = Field(
        None,
        description=(
            "Metres from the position the outcome was recorded at to the stop the plan put the "
            "resident at (one decimal); null when no position was sent or the resident is not in "
            "the plan's routes. The position itself is never returned."
        ),
    )
    far_from_stop: bool | None = Field(
        None,
        description=(
            "distance_m is beyond 150 m (api/visit_proof.py's FAR_FROM_STOP_M); null with it."
        ),
    )
    duplicate: bool = False


class ReportRow(BaseModel):
    group: str
    planned: int
    vaccinated: int
    refused: int
    not_at_home: int
    contraindicated: int
    postponed: int
    remaining: int
    far_from_stop: int = Field(
        0,
        description=(
            "Residents whose outcome of the day was recorded more than 150 m from their stop "
            "(VisitPublic.far_from_stop)."
        ),
    )


class DailyReport(BaseModel):
    date: dt.date
    plan_id: int | None
    by_ward: list[ReportRow]
    by_team: list[ReportRow]
    totals: ReportRow


class ErrorBody(BaseModel):
    error: str
    detail: Any


def _no_control_characters(value: str) -> str:
    """Text a list's cell could hold: no control characters but tabs and line breaks."""
    if any(ord(ch) < 32 and ch not in "\t\n\r" for ch in value):
        raise ValueError("control characters are not allowed")
    return value


#: a text cell of a correction, as a list's cell would hold it
CellText = Annotated[str, Field(max_length=500), AfterValidator(_no_control_characters)]
_SMALL = 1_000_000  # whole numbers are bounded here; the reader then checks plausibility


class ResidentCorrection(BaseModel):
    """A planner's correction of one resident: the import's canonical columns, checked by the
    same reader as an imported row. A field left out keeps its value; null empties it."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"address": "Tổ 9, phường Đức Xuân", "phone": "0912 345 678"},
                {"lat": 22.1491, "lon": 105.8533, "needs_doctor": True},
            ]
        },
    )

    lat: float | None = Field(None, allow_inf_nan=False)
    lon: float | None = Field(None, allow_inf_nan=False)
    full_name: CellText | None = None
    address: CellText | None = None
    ward: CellText | None = None
    household_id: CellText | None = None
    birth_year: int | None = Field(None, ge=-_SMALL, le=_SMALL)
    age: int | None = Field(None, ge=-_SMALL, le=_SMALL)
    conditions: list[CellText] | None = Field(None, max_length=50)
    doses_received: int | None = Field(None, ge=-_SMALL, le=_SMALL)
    last_dose_date: CellText | None = Field(None, description="YYYY-MM-DD or DD/MM/YYYY")
    status: CellText | None = Field(
        None,
        description="eligible, contraindicated, refused, postponed, vaccinated (or Vietnamese)",
    )
    available_from: CellText | None = Field(None, description="HH:MM")
    available_to: CellText | None = Field(None, description="HH:MM")
    needs_doctor: bool | None = None
    priority: float | None = Field(None, allow_inf_nan=False)
    service_minutes: float | None = Field(None, allow_inf_nan=False)
    phone: CellText | None = None
    notes: CellText | None = None
    vaccine: CellText | None = None

    @model_validator(mode="after")
    def _not_empty(self) -> ResidentCorrection:
        if not self.model_fields_set:
            raise ValueError("give at least one field to correct")
        return self


class ResidentCorrected(BaseModel):
    resident: dict[str, Any]
    changed: list[str] = Field(description="stored fields whose value changed")
    problems: list[ImportProblem] = Field(description="warnings the reader gave")


class ResidentDeleted(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "resident_id": "DX-014",
                    "deleted_at": "2026-11-25T10:02:11+07:00",
                    "visits_kept": 2,
                }
            ]
        }
    )

    resident_id: str
    deleted_at: str
    visits_kept: int = Field(description="visits that still name the resident (for counts)")


class AuditEntry(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 812,
                    "at": "2026-11-24T09:15:02+07:00",
                    "token_id": 3,
                    "action": "read_resident",
                    "resident_id": "DX-014",
                    "detail": "",
                }
            ]
        }
    )

    id: int
    at: str
    token_id: int | None
    action: str
    resident_id: str | None = None
    detail: str


# -- residents, teams and routes as the API returns them ---------------------------------------
class ResidentPublic(BaseModel):
    """A resident as stored from the lists (a planner's view: everything, names included)."""

    resident_id: str
    lat: float
    lon: float
    full_name: str = ""
    address: str = ""
    ward: str = ""
    household_id: str = ""
    age: int | None = None
    conditions: list[str] = []
    doses_received: int = 0
    last_dose_date: str | None = Field(None, description="YYYY-MM-DD")
    status: str = "eligible"
    available_from_s: int | None = Field(None, description="seconds after midnight")
    available_to_s: int | None = Field(None, description="seconds after midnight")
    needs_doctor: bool = False
    priority_override: float | None = None
    service_minutes: float | None = None
    phone: str = ""
    notes: str = ""
    not_before: str | None = Field(None, description="YYYY-MM-DD: not to be visited earlier")
    vaccine: str = ""


class ResidentForTeam(BaseModel):
    """What a team leader may see of a resident on the own team's routes: initials, never the
    name, conditions or notes."""

    model_config = ConfigDict(extra="forbid")  # tells it apart from ResidentPublic

    resident_id: str
    initials: str
    address: str
    ward: str
    household_id: str
    phone: str
    needs_doctor: bool
    lat: float
    lon: float


#: a resident as GET /residents returns it: in full to a planner, the minimum to a team leader
ResidentView = Annotated[ResidentForTeam | ResidentPublic, Field(union_mode="left_to_right")]


class TeamPublic(BaseModel):
    """A team as stored from the teams list (times in seconds after midnight)."""

    team_id: str
    depot_lat: float
    depot_lon: float
    name: str = ""
    shift_start_s: int
    shift_end_s: int
    break_start_s: int | None = None
    break_minutes: int = 0
    travel_mode: str = "motorbike"
    has_doctor: bool = True
    max_doses: int
    vaccine: str = ""


class RouteStopPublic(BaseModel):
    """A stop of a route as in plan.json (docs/outputs.md lists every field)."""

    model_config = ConfigDict(extra="allow")

    seq: int
    resident_ids: list[str]
    lat: float
    lon: float
    arrival: str
    service_start: str
    departure: str
    doses: int


class Place(BaseModel):
    lat: float
    lon: float


class RoutePublic(BaseModel):
    """A team's route for a day as in plan.json (docs/outputs.md lists every field)."""

    model_config = ConfigDict(extra="allow")

    team_id: str
    date: str = Field(description="YYYY-MM-DD")
    start: str
    end: str
    travel_mode: str
    depot: Place
    doses: int
    distance_m: int
    stops: list[RouteStopPublic]
