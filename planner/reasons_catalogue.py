"""Why a resident is not planned: every reason code, once, in English and Vietnamese.

The plan, the checker, the terminal summary, the maps and the console all read this catalogue;
``tests/planner/test_catalogues.py`` checks that each code has its texts in both languages.
"""

from __future__ import annotations

from typing import NamedTuple


class Reason(NamedTuple):
    explanation: str  # the English sentence of plans, reports and docs
    label_en: str  # a short label for maps and pages
    label_vi: str


REASONS: dict[str, Reason] = {
    "invalid_input": Reason(
        "the row could not be read or failed validation (see the input problems)",
        "Invalid input row",
        "Dữ liệu không hợp lệ",
    ),
    "not_due_in_horizon": Reason(
        "the next dose is not due before the plan's last day", "Not due yet", "Chưa đến hạn tiêm"
    ),
    "no_team_with_doctor": Reason(
        "a doctor must screen, and no team with a doctor works on a due day",
        "No team with a doctor",
        "Không có đội có bác sĩ",
    ),
    "no_team_with_vaccine": Reason(
        "no team carries the vaccine product this resident needs",
        "No team carries this vaccine",
        "Không đội nào mang loại vắc xin này",
    ),
    "exceeds_team_doses": Reason(
        "the household needs more doses than any team carries in a day",
        "Household too large",
        "Hộ cần nhiều liều hơn đội mang",
    ),
    "outside_shift_reach": Reason(
        "no team can go there, vaccinate and return within its shift",
        "Too far for any shift",
        "Quá xa, không kịp trong ca",
    ),
    "window_unreachable": Reason(
        "no team can be there inside the resident's availability window",
        "Availability hours unreachable",
        "Không khớp giờ có mặt",
    ),
    "no_road_nearby": Reason(
        "road network: no road the team's travel mode may use comes within the snapping "
        "limit of the address",
        "No usable road near the address",
        "Không có đường đi được gần địa chỉ",
    ),
    "road_unreachable": Reason(
        "road network: no road path joins the address and any team's station (a cut-off "
        "part of the map, or one-way streets with no way back)",
        "No road from any station",
        "Không có đường từ trạm nào tới",
    ),
    "outside_team_wards": Reason(
        "no team that may otherwise serve this household has its ward among the team's wards",
        "No team serves this ward",
        "Không đội nào phụ trách phường/xã này",
    ),
    "team_off": Reason(
        "the resident is pinned to a team or a date on which that team (or every team) is off",
        "Pinned team is off that day",
        "Đội được hẹn nghỉ ngày đó",
    ),
    "pin_impossible": Reason(
        "the resident's pin (team and/or date) could not be kept; the text says which pin",
        "Pinned visit not possible",
        "Không thực hiện được lịch hẹn",
    ),
    "team_day_limit": Reason(
        "reachable, but the team-days that could take it are at their limit of stops or hours "
        "(max_stops, max_hours)",
        "Team-day limit reached",
        "Đội đã đủ số điểm/giờ trong ngày",
    ),
    "no_capacity": Reason(
        "reachable, but the teams' days are full (time or doses); higher-priority residents "
        "were served first",
        "Teams' days are full",
        "Hết năng lực trong các ngày",
    ),
}

#: code -> the English explanation (what plan.json's readers and the checker know)
REASON_CODES: dict[str, str] = {code: r.explanation for code, r in REASONS.items()}


def reason_label(code: str, lang: str) -> str:
    """The short label of ``code`` in ``lang`` (``vi`` or ``en``); an unknown code as is."""
    reason = REASONS.get(code)
    if reason is None:
        return code
    return reason.label_vi if lang == "vi" else reason.label_en
