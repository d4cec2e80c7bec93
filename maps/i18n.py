"""All map and sheet texts, in Vietnamese and English, in one place."""

from __future__ import annotations

from planner.reasons_catalogue import reason_label

LANGS = ("vi", "en")

TEXTS: dict[str, dict[str, str]] = {
    "stop": {"vi": "Điểm", "en": "Stop"},
    "arrival": {"vi": "Đến", "en": "Arrive"},
    "service": {"vi": "Bắt đầu tiêm", "en": "Start"},
    "departure": {"vi": "Rời đi", "en": "Leave"},
    "address": {"vi": "Địa chỉ", "en": "Address"},
    "ward": {"vi": "Phường/Xã", "en": "Ward"},
    "people": {"vi": "Số người", "en": "People"},
    "doses": {"vi": "Số liều", "en": "Doses"},
    "dose_unit": {"vi": "liều", "en": "doses"},  # after a number: "10 liều"
    "phone": {"vi": "Điện thoại", "en": "Phone"},
    "call_ahead": {"vi": "Gọi trước", "en": "Call ahead"},
    "who": {"vi": "Người được tiêm", "en": "Residents"},
    "doctor": {"vi": "Cần bác sĩ khám", "en": "Doctor must screen"},
    "depot": {"vi": "Trạm y tế", "en": "Health station"},
    "team": {"vi": "Đội", "en": "Team"},
    "day": {"vi": "Ngày", "en": "Day"},
    "streets": {"vi": "Đường phố", "en": "Streets"},
    "start": {"vi": "Xuất phát", "en": "Leave station"},
    "end": {"vi": "Về trạm", "en": "Back at station"},
    "break": {"vi": "Nghỉ trưa", "en": "Lunch break"},
    "carry": {"vi": "Mang theo", "en": "Carry"},
    "stops": {"vi": "điểm", "en": "stops"},
    "km": {"vi": "km", "en": "km"},
    "no_stops": {"vi": "Không có điểm nào", "en": "No stops"},
    "fullscreen": {"vi": "Toàn màn hình", "en": "Full screen"},
    "locate": {"vi": "Vị trí của tôi", "en": "Where am I"},
    "locate_failed": {"vi": "Không xác định được vị trí", "en": "Position not available"},
    "show_list": {"vi": "Danh sách", "en": "List"},
    "hide_list": {"vi": "Ẩn danh sách", "en": "Hide list"},
    "stop_list": {"vi": "Danh sách điểm dừng", "en": "Stop list"},
    "overview": {"vi": "Tổng quan kế hoạch", "en": "Plan overview"},
    "unassigned": {"vi": "Chưa xếp lịch", "en": "Not planned"},
    "reason": {"vi": "Lý do", "en": "Reason"},
    "coverage": {"vi": "Độ bao phủ (đã xếp / đủ điều kiện)", "en": "Coverage (planned / eligible)"},
    "wards": {"vi": "Phường/Xã", "en": "Wards"},
    "approximate": {"vi": "ranh giới gần đúng", "en": "approximate boundaries"},
    "depots": {"vi": "Trạm y tế", "en": "Health stations"},
    "route_sheet": {"vi": "Phiếu lộ trình", "en": "Route sheet"},
    "resident_ids": {"vi": "Mã", "en": "IDs"},
    "total": {"vi": "Tổng", "en": "Total"},
    "outcome": {"vi": "Kết quả", "en": "Outcome"},
    "printed": {"vi": "In lúc", "en": "Printed"},
    "distance": {"vi": "Quãng đường", "en": "Distance"},
    "travel_model": {"vi": "Mô hình di chuyển", "en": "Travel model"},
    "vials": {"vi": "Lọ vắc xin", "en": "Vials"},
    "open_vial": {"vi": "Mở lọ", "en": "Open vial"},
    "wasted": {"vi": "liều bỏ", "en": "doses wasted"},
    "this_day": {"vi": "Ngày này", "en": "This day"},
    "hours_unit": {"vi": "giờ", "en": "h"},
    "hours_label": {"vi": "Giờ làm", "en": "Hours"},
    "stops_label": {"vi": "Số điểm", "en": "Stops"},
    "all_team_days": {"vi": "Mọi ngày làm của các đội", "en": "All team-days"},
    "min_mean_max": {"vi": "thấp nhất / trung bình / cao nhất", "en": "min / mean / max"},
    "territory": {"vi": "Vùng phục vụ", "en": "Served areas"},
    "wards_by_team": {"vi": "Phường/Xã theo đội phục vụ", "en": "Wards by serving team"},
    "not_served": {"vi": "chưa đội nào phục vụ", "en": "served by no team"},
    "shared": {"vi": "nhiều đội cùng phục vụ", "en": "shared"},
    "assigned_to": {"vi": "giao cho", "en": "assigned to"},
}


def day_label(iso: str) -> str:
    """'2026-11-23' -> '23/11/2026', the way dates are read in Viet Nam (as the console shows)."""
    year, month, day = iso[:10].split("-")
    return f"{day}/{month}/{year}"


def t(key: str, lang: str) -> str:
    return TEXTS[key][lang if lang in LANGS else "en"]


def reason_text(code: str, lang: str) -> str:
    return reason_label(code, lang)


def labels(lang: str) -> dict[str, str]:
    """The texts the page's JavaScript needs."""
    return {
        k: t(k, lang) for k in ("fullscreen", "locate", "locate_failed", "show_list", "hide_list")
    }
