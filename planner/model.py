"""Domain structures: residents, teams, stops (households) and the frozen problem data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

STATUSES = ("eligible", "contraindicated", "refused", "postponed", "vaccinated")
NOT_ROUTED_STATUSES = ("contraindicated", "refused", "postponed", "vaccinated")


@dataclass(frozen=True)
class Resident:
    resident_id: str
    lat: float
    lon: float
    source_row: int | None = None
    full_name: str = ""
    address: str = ""
    ward: str = ""
    household_id: str = ""
    age: int | None = None
    conditions: tuple[str, ...] = ()
    doses_received: int = 0
    last_dose_date: dt.date | None = None
    status: str = "eligible"
    available_from_s: int | None = None
    available_to_s: int | None = None
    needs_doctor: bool = False
    priority_override: float | None = None
    service_minutes: float | None = None
    phone: str = ""
    notes: str = ""
    #: not to be visited before this date (a visit postponed to a later day)
    not_before: dt.date | None = None
    #: the vaccine product this resident must get ("" = whatever the team carries)
    vaccine: str = ""
    #: the planner's promise: visited by this team ("" = any) and/or on this date (None = any),
    #: or not at all (reported with the pin that could not be kept)
    pin_team: str = ""
    pin_date: dt.date | None = None

    @property
    def initials(self) -> str:
        """'Nguyễn Văn An' -> 'N.V.A.': what a shared map or sheet may show of a name."""
        return "".join(f"{w[0].upper()}." for w in self.full_name.split() if w)


@dataclass(frozen=True)
class Team:
    team_id: str
    depot_lat: float
    depot_lon: float
    name: str = ""
    shift_start_s: int = 7 * 3600 + 30 * 60
    shift_end_s: int = 16 * 3600 + 30 * 60
    break_start_s: int | None = 11 * 3600 + 30 * 60
    break_minutes: int = 60
    travel_mode: str = "motorbike"
    has_doctor: bool = True
    max_doses: int = 60
    source_row: int | None = None
    #: the vaccine product the team carries ("" = the plan's default product)
    vaccine: str = ""
    #: the wards the team may serve (empty = anywhere: e.g. the city centre's teams)
    wards: tuple[str, ...] = ()
    #: dates the team does not work
    days_off: tuple[dt.date, ...] = ()
    #: per-weekday shifts: (weekday 0 = Monday, start_s, end_s); a weekday not here keeps the
    #: shift; an empty one (end_s <= start_s, read from 'CN=off') is a weekday off
    weekday_shifts: tuple[tuple[int, int, int], ...] = ()
    #: limits per team-day (None = no limit)
    max_stops: int | None = None
    max_hours: float | None = None

    @property
    def break_s(self) -> int:
        """Seconds of lunch break in a day (0 when the team takes none)."""
        return 60 * self.break_minutes if self.break_start_s is not None else 0


@dataclass(frozen=True)
class Rejected:
    """A resident the input left out of the plan, with why (reported as ``invalid_input``)."""

    resident_id: str
    reason: str


@dataclass(frozen=True)
class Stop:
    """Residents visited together: one household (or one spot) with the same days and window."""

    stop_id: str
    resident_ids: tuple[str, ...]
    lat: float
    lon: float
    service_s: int
    doses: int
    priority: float
    needs_doctor: bool
    earliest_day: int  # first day index of the horizon on which all members are due
    window_start_s: int | None
    window_end_s: int | None
    ward: str = ""
    vaccine: str = ""
    #: its residents' pins: this team id ("" = any) and this day index (None = any)
    pin_team: str = ""
    pin_day: int | None = None


@dataclass(frozen=True)
class VehicleStart:
    """Where and when a team's day resumes in a re-plan: its current stop, or its station now."""

    lat: float
    lon: float
    time_s: int
    doses_used: int = 0
    break_taken: bool = False


@dataclass(frozen=True)
class ProblemData:
    """Everything the solver needs, frozen: built by :mod:`planner.build`, never mutated."""

    start_date: dt.date
    days: int
    teams: tuple[Team, ...]
    stops: tuple[Stop, ...]
    residents: dict[str, Resident] = field(repr=False)
    priorities: dict[str, float] = field(repr=False)
    # resident ids not routed: status (excluded) and reason (unassigned before solving)
    excluded: dict[str, str] = field(repr=False)
    pre_unassigned: dict[str, tuple[str, str]] = field(repr=False)
    #: re-plans: (team index, day) -> where the team resumes; stop index -> previous vehicle
    starts: dict[tuple[int, int], VehicleStart] = field(default_factory=dict, repr=False)
    previous_vehicle: dict[int, int] = field(default_factory=dict, repr=False)
    #: hand edits: vehicle -> its stops in this order, kept as they are (a locked route)
    locked_routes: dict[int, tuple[int, ...]] = field(default_factory=dict, repr=False)
    #: locked routes whose day goes on after their stops (a move keeps the route up to the
    #: moved stop; the solver may add stops after it)
    locked_open: frozenset[int] = field(default_factory=frozenset, repr=False)

    @property
    def dates(self) -> list[dt.date]:
        """The plan's days, first to last."""
        return [self.start_date + dt.timedelta(days=d) for d in range(self.days)]
