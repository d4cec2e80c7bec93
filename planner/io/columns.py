"""Header aliases (English and Vietnamese), matched case- and accent-insensitively."""

from __future__ import annotations

import re
import unicodedata

from planner.io.cells import shown


def fold(text: str) -> str:
    """Lower-case, strip Vietnamese accents (đ -> d) and punctuation: 'Phường/Xã' -> 'phuong_xa'."""
    text = unicodedata.normalize("NFD", str(text).strip().lower())
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    text = text.replace("đ", "d").replace("ð", "d")
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


def _aliases(table: dict[str, list[str]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for canonical, names in table.items():
        for name in [canonical, *names]:
            out[fold(name)] = canonical
    return out


RESIDENT_ALIASES = _aliases(
    {
        # Shapefiles cut column names to 10 characters: "resident_i", "household_", ...
        "resident_id": ["resident_i", "id", "Mã", "Mã đối tượng", "Mã người dân", "Mã số", "Mã NĐ"],
        "lat": ["latitude", "Vĩ độ"],
        "lon": ["lng", "long", "longitude", "Kinh độ"],
        "full_name": ["name", "Họ và tên", "Họ tên"],
        "address": ["Địa chỉ"],
        "ward": ["Phường/Xã", "Phường", "Xã", "Phường xã"],
        "household_id": ["household_", "household", "Mã hộ", "Mã hộ gia đình"],
        "birth_year": ["Năm sinh", "year_of_birth"],
        "age": ["Tuổi"],
        "conditions": ["Bệnh nền", "chronic_conditions"],
        "doses_received": ["doses_rece", "doses", "Số mũi đã tiêm", "Số mũi"],
        "last_dose_date": ["last_dose_", "Ngày tiêm gần nhất", "last_dose"],
        "status": ["Trạng thái"],
        "available_from": ["Có mặt từ", "Từ giờ"],
        "available_to": ["Có mặt đến", "Đến giờ"],
        "needs_doctor": ["needs_doct", "Cần bác sĩ khám", "Cần bác sĩ"],
        "priority": ["Ưu tiên"],
        "service_minutes": ["service_mi", "Thời gian khám", "Số phút"],
        "phone": ["Số điện thoại", "Điện thoại", "SĐT", "telephone"],
        "notes": ["Ghi chú", "note"],
        "vaccine": ["Vắc xin", "Vaccine", "Loại vắc xin", "product"],
    }
)

TEAM_ALIASES = _aliases(
    {
        "team_id": ["id", "Mã đội", "Đội"],
        "name": ["Tên đội", "Tên"],
        "depot_lat": ["Vĩ độ", "lat", "Vĩ độ trạm"],
        "depot_lon": ["Kinh độ", "lon", "Kinh độ trạm"],
        "shift_start": ["Giờ bắt đầu", "Bắt đầu"],
        "shift_end": ["Giờ kết thúc", "Kết thúc"],
        "break_start": ["Nghỉ trưa", "Giờ nghỉ"],
        "break_minutes": ["Số phút nghỉ", "Phút nghỉ"],
        "travel_mode": ["Phương tiện"],
        "has_doctor": ["Có bác sĩ"],
        "max_doses": ["Số liều", "Số liều tối đa"],
        "vaccine": ["Vắc xin", "Loại vắc xin", "product"],
    }
)


def map_headers(headers: list[str], aliases: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """Return {original header: canonical name} and messages for headers that clash.

    Unknown headers are kept under their own name (extra columns are allowed by the spec).
    """
    mapping: dict[str, str] = {}
    seen: dict[str, str] = {}
    clashes: list[str] = []
    for header in headers:
        canonical = aliases.get(fold(header))
        if canonical is None:
            continue
        if canonical in seen:
            clashes.append(
                f"columns {shown(seen[canonical])} and {shown(header)} both mean {canonical}"
            )
            continue
        seen[canonical] = header
        mapping[header] = canonical
    return mapping, clashes
