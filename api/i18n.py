"""The console's words in Vietnamese and English, and how dates, times and numbers are shown.

One catalogue, ``TEXTS``: key -> {"vi": ..., "en": ...} (the chrome's words here, each
screen's in api/texts/); a test checks that every key has both
languages and that every ``t("...")`` in the templates exists here. Templates call ``t(key)``
(api/pages/common.py binds it to the request's language: the ``lang`` cookie, Vietnamese by
default); ``t(key, n=3)`` fills ``{n}`` placeholders. Dates are DD/MM/YYYY and times HH:MM in
Viet Nam time (UTC+7, ``api.store.VN``) in both languages; numbers are 1.234,5 in Vietnamese
and 1,234.5 in English.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from api.store import VN, as_local
from api.texts import board, devices, edits, field, history, plans, report

LANGS = ("vi", "en")
DEFAULT_LANG = "vi"
LANG_COOKIE = "lang"

_CHROME: dict[str, dict[str, str]] = {
    # chrome
    "app_name": {"vi": "VaxRoute", "en": "VaxRoute"},
    "app_tagline": {
        "vi": "Lập kế hoạch tiêm chủng tại nhà",
        "en": "Home-visit vaccination planning",
    },
    "skip_to_content": {"vi": "Bỏ qua, tới nội dung chính", "en": "Skip to main content"},
    "nav_label": {"vi": "Điều hướng chính", "en": "Main navigation"},
    "nav_home": {"vi": "Tổng quan", "en": "Overview"},
    "nav_lists": {"vi": "Danh sách", "en": "Lists"},
    "nav_plans": {"vi": "Kế hoạch", "en": "Plans"},
    "nav_today": {"vi": "Hôm nay", "en": "Today"},
    "nav_report": {"vi": "Báo cáo", "en": "Report"},
    "nav_history": {"vi": "Lịch sử", "en": "History"},
    "nav_soon": {"vi": "sắp có", "en": "coming soon"},
    "language": {"vi": "Ngôn ngữ", "en": "Language"},
    "lang_vi": {"vi": "Tiếng Việt", "en": "Tiếng Việt"},
    "lang_en": {"vi": "English", "en": "English"},
    "signed_in_as": {"vi": "Đang đăng nhập: {name}", "en": "Signed in as {name}"},
    "sign_out": {"vi": "Đăng xuất", "en": "Sign out"},
    # sign-in
    "sign_in": {"vi": "Đăng nhập", "en": "Sign in"},
    "sign_in_title": {"vi": "Đăng nhập VaxRoute", "en": "Sign in to VaxRoute"},
    "user_name": {"vi": "Tên đăng nhập", "en": "User name"},
    "password": {"vi": "Mật khẩu", "en": "Password"},
    "login_refused": {
        "vi": "Tên đăng nhập hoặc mật khẩu không đúng.",
        "en": "Wrong user name or password.",
    },
    "login_locked": {
        "vi": "Tài khoản tạm khoá do nhập sai nhiều lần. Thử lại sau {time}.",
        "en": "Account locked after too many failed attempts. Try again after {time}.",
    },
    "login_form_expired": {
        "vi": "Biểu mẫu đã hết hạn. Vui lòng nhập lại.",
        "en": "The form expired. Please try again.",
    },
    "signed_out": {"vi": "Bạn đã đăng xuất.", "en": "You are signed out."},
    "session_hint": {
        "vi": "Phiên tự kết thúc sau {idle} phút không hoạt động.",
        "en": "The session ends after {idle} minutes without activity.",
    },
    # errors
    "error_title": {"vi": "Không thực hiện được", "en": "Could not do that"},
    "csrf_failed": {
        "vi": "Biểu mẫu đã hết hạn hoặc không hợp lệ. Hãy tải lại trang rồi thử lại.",
        "en": "The form expired or is not valid. Reload the page and try again.",
    },
    "back_home": {"vi": "Về trang tổng quan", "en": "Back to the overview"},
    # dashboard
    "dashboard_title": {"vi": "Tổng quan", "en": "Overview"},
    "residents_count": {"vi": "Người dân", "en": "Residents"},
    "teams_count": {"vi": "Đội tiêm", "en": "Teams"},
    "latest_plans": {"vi": "Kế hoạch gần đây", "en": "Latest plans"},
    "no_plans": {"vi": "Chưa có kế hoạch nào.", "en": "No plans yet."},
    "plan_version": {"vi": "Phiên bản", "en": "Version"},
    "plan_status": {"vi": "Trạng thái", "en": "Status"},
    "plan_start": {"vi": "Ngày bắt đầu", "en": "Start date"},
    "plan_days": {"vi": "Số ngày", "en": "Days"},
    "plan_created": {"vi": "Tạo lúc", "en": "Created"},
    "plan_progress": {"vi": "Tiến độ", "en": "Progress"},
    "plan_queued": {"vi": "Đang chờ", "en": "Queued"},
    "plan_solving": {"vi": "Đang tính", "en": "Solving"},
    "plan_done": {"vi": "Xong", "en": "Done"},
    "plan_failed": {"vi": "Lỗi", "en": "Failed"},
    "plan_cancelled": {"vi": "Đã huỷ", "en": "Cancelled"},
    "date_placeholder": {"vi": "NN/TT/NNNN", "en": "DD/MM/YYYY"},
    "plan_draft": {"vi": "bản nháp", "en": "draft"},
    "go_lists": {
        "vi": "Tải danh sách người dân và đội tiêm",
        "en": "Upload the residents and teams lists",
    },
    "view_residents": {"vi": "Xem danh sách người dân", "en": "See the residents"},
    "view_teams": {"vi": "Xem danh sách đội tiêm", "en": "See the teams"},
    # lists: upload
    "lists_title": {"vi": "Danh sách", "en": "Lists"},
    "upload_residents": {"vi": "Danh sách người dân", "en": "Residents list"},
    "upload_teams": {"vi": "Danh sách đội tiêm", "en": "Teams list"},
    "upload_formats": {
        "vi": "CSV, XLSX, GeoJSON, GPKG hoặc Shapefile (.zip), tối đa {mb} MB.",
        "en": "CSV, XLSX, GeoJSON, GPKG or Shapefile (.zip), up to {mb} MB.",
    },
    "choose_file": {"vi": "Chọn tệp", "en": "Choose a file"},
    "drop_here": {"vi": "hoặc kéo thả tệp vào đây", "en": "or drop a file here"},
    "no_file_chosen": {"vi": "Chưa chọn tệp", "en": "No file chosen"},
    "upload": {"vi": "Tải lên", "en": "Upload"},
    "recent_imports": {"vi": "Lần nhập gần đây", "en": "Recent imports"},
    "no_imports": {"vi": "Chưa nhập danh sách nào.", "en": "Nothing imported yet."},
    "kind_residents": {"vi": "Người dân", "en": "Residents"},
    "kind_teams": {"vi": "Đội tiêm", "en": "Teams"},
    "import_when": {"vi": "Thời điểm", "en": "When"},
    "import_kind": {"vi": "Loại", "en": "Kind"},
    "import_file": {"vi": "Tệp", "en": "File"},
    # lists: report
    "report_title": {"vi": "Kết quả nhập danh sách", "en": "Import report"},
    "added": {"vi": "Thêm mới", "en": "Added"},
    "updated": {"vi": "Cập nhật", "en": "Updated"},
    "unchanged": {"vi": "Không đổi", "en": "Unchanged"},
    "rejected": {"vi": "Bị loại", "en": "Rejected"},
    "import_saved": {"vi": "Đã lưu danh sách.", "en": "The list is saved."},
    "import_refused": {
        "vi": "Chưa lưu gì: {n} dòng có lỗi. Sửa tệp rồi tải lên lại, hoặc chỉ "
        "nhập các dòng hợp lệ.",
        "en": "Nothing was saved: {n} row(s) have errors. Fix the file and upload "
        "it again, or import only the good rows.",
    },
    "import_good_rows": {"vi": "Chỉ nhập các dòng hợp lệ", "en": "Import the good rows"},
    "upload_expired": {
        "vi": "Tệp tải lên đã hết hạn (sau {minutes} phút). Hãy tải lên lại.",
        "en": "The upload expired (after {minutes} minutes). Upload it again.",
    },
    "file_problem": {"vi": "Không đọc được tệp", "en": "The file could not be read"},
    "file_too_large": {"vi": "Tệp lớn hơn {mb} MB.", "en": "The file is larger than {mb} MB."},
    "no_file": {"vi": "Hãy chọn một tệp.", "en": "Choose a file."},
    "problems": {"vi": "Các vấn đề", "en": "Problems"},
    "no_problems": {"vi": "Không có vấn đề nào.", "en": "No problems."},
    "col_row": {"vi": "Dòng", "en": "Row"},
    "col_column": {"vi": "Cột", "en": "Column"},
    "col_level": {"vi": "Mức", "en": "Level"},
    "col_message": {"vi": "Nội dung", "en": "Message"},
    "level_error": {"vi": "Lỗi", "en": "Error"},
    "level_warning": {"vi": "Cảnh báo", "en": "Warning"},
    "original_message": {"vi": "Nguyên văn", "en": "Original"},
    "upload_another": {"vi": "Tải tệp khác", "en": "Upload another file"},
    # residents list
    "residents_title": {"vi": "Người dân", "en": "Residents"},
    "search": {"vi": "Tìm theo mã hoặc tên viết tắt", "en": "Search by id or initials"},
    "search_button": {"vi": "Tìm", "en": "Search"},
    "clear_filters": {"vi": "Bỏ lọc", "en": "Clear"},
    "filter_ward": {"vi": "Phường/Xã", "en": "Ward"},
    "filter_status": {"vi": "Tình trạng", "en": "Status"},
    "filter_band": {"vi": "Mức ưu tiên", "en": "Priority"},
    "filter_due": {"vi": "Đến hạn", "en": "Due"},
    "any": {"vi": "Tất cả", "en": "Any"},
    "due_now": {"vi": "Đã đến hạn", "en": "Due now"},
    "due_later": {"vi": "Chưa đến hạn", "en": "Not yet due"},
    "band_high": {"vi": "Cao", "en": "High"},
    "band_medium": {"vi": "Trung bình", "en": "Medium"},
    "band_low": {"vi": "Thấp", "en": "Low"},
    "status_eligible": {"vi": "Đủ điều kiện", "en": "Eligible"},
    "status_contraindicated": {"vi": "Chống chỉ định", "en": "Contraindicated"},
    "status_refused": {"vi": "Từ chối", "en": "Refused"},
    "status_postponed": {"vi": "Hoãn", "en": "Postponed"},
    "status_vaccinated": {"vi": "Đã tiêm", "en": "Vaccinated"},
    "col_id": {"vi": "Mã", "en": "Id"},
    "col_initials": {"vi": "Tên viết tắt", "en": "Initials"},
    "col_ward": {"vi": "Phường/Xã", "en": "Ward"},
    "col_age": {"vi": "Tuổi", "en": "Age"},
    "col_doses": {"vi": "Số mũi đã tiêm", "en": "Doses received"},
    "col_status": {"vi": "Tình trạng", "en": "Status"},
    "col_band": {"vi": "Ưu tiên", "en": "Priority"},
    "col_due": {"vi": "Đến hạn từ", "en": "Due from"},
    "searching_for": {"vi": "Đang tìm: {q}", "en": "Searching for: {q}"},
    "results": {"vi": "{n} người", "en": "{n} resident(s)"},
    "no_results": {"vi": "Không có ai khớp.", "en": "Nobody matches."},
    "page_of": {"vi": "Trang {page}/{pages}", "en": "Page {page} of {pages}"},
    "previous": {"vi": "Trang trước", "en": "Previous"},
    "next": {"vi": "Trang sau", "en": "Next"},
    "pagination": {"vi": "Phân trang", "en": "Pages"},
    "search_expired": {
        "vi": "Lượt tìm đã hết hạn; hãy tìm lại.",
        "en": "The search expired; search again.",
    },
    # teams list
    "teams_title": {"vi": "Đội tiêm", "en": "Teams"},
    "col_team": {"vi": "Đội", "en": "Team"},
    "col_station": {"vi": "Trạm y tế", "en": "Health station"},
    "col_shift": {"vi": "Ca làm việc", "en": "Shift"},
    "col_break": {"vi": "Nghỉ trưa", "en": "Lunch break"},
    "col_doctor": {"vi": "Bác sĩ", "en": "Doctor"},
    "col_vaccine": {"vi": "Vắc xin", "en": "Vaccine"},
    "col_max_doses": {"vi": "Số liều tối đa/ngày", "en": "Max doses a day"},
    "col_travel": {"vi": "Phương tiện", "en": "Travel"},
    "yes": {"vi": "Có", "en": "Yes"},
    "no": {"vi": "Không", "en": "No"},
    "default_vaccine": {"vi": "mặc định", "en": "default"},
    "no_break": {"vi": "không nghỉ", "en": "none"},
    "travel_motorbike": {"vi": "Xe máy", "en": "Motorbike"},
    "travel_car": {"vi": "Ô tô", "en": "Car"},
    "travel_foot": {"vi": "Đi bộ", "en": "On foot"},
    "no_teams": {
        "vi": "Chưa có đội nào. Hãy tải danh sách đội tiêm.",
        "en": "No teams yet. Upload the teams list.",
    },
    "no_residents": {
        "vi": "Chưa có người dân nào. Hãy tải danh sách người dân.",
        "en": "No residents yet. Upload the residents list.",
    },
    "minutes": {"vi": "{n} phút", "en": "{n} min"},
}


def _merge(*catalogues: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    merged: dict[str, dict[str, str]] = {}
    for catalogue in catalogues:
        twice = sorted(set(merged) & set(catalogue))
        if twice:
            raise ValueError(f"console words defined twice: {twice}")
        merged.update(catalogue)
    return merged


TEXTS = _merge(
    _CHROME,
    board.TEXTS,
    devices.TEXTS,
    edits.TEXTS,
    field.TEXTS,
    history.TEXTS,
    plans.TEXTS,
    report.TEXTS,
)


def pick_lang(value: str | None) -> str:
    return value if value in LANGS else DEFAULT_LANG


def translate(key: str, lang: str, **values: Any) -> str:
    """The text of ``key`` in ``lang`` with ``{placeholders}`` filled. An unknown key is a
    bug: it shows as ``[key]`` (visible on the page, and the catalogue test fails)."""
    entry = TEXTS.get(key)
    if entry is None:
        return f"[{key}]"
    text = entry.get(lang) or entry[DEFAULT_LANG]
    return text.format(**values) if values else text


def translator(lang: str) -> Callable[..., str]:
    def t(key: str, **values: Any) -> str:
        return translate(key, lang, **values)

    return t


def _local(value: dt.date | dt.datetime) -> dt.date | dt.datetime:
    return as_local(value) if isinstance(value, dt.datetime) else value


def vn_date(value: dt.date | dt.datetime | str | None) -> str:
    """DD/MM/YYYY (a datetime in Viet Nam time; an ISO string is read first)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    return f"{_local(value):%d/%m/%Y}"


def vn_time(value: dt.datetime | None) -> str:
    """HH:MM in Viet Nam time."""
    return "" if value is None else f"{as_local(value):%H:%M}"


def vn_datetime(value: dt.datetime | None) -> str:
    return "" if value is None else f"{as_local(value):%H:%M %d/%m/%Y}"


def clock(seconds: int | None) -> str:
    """Seconds after midnight as HH:MM (shift and break times)."""
    if seconds is None:
        return ""
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


def number(value: float | int | None, lang: str = DEFAULT_LANG, decimals: int = 0) -> str:
    """1.234,5 in Vietnamese, 1,234.5 in English."""
    if value is None:
        return ""
    text = f"{value:,.{decimals}f}"
    if lang == "vi":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def now_vn() -> dt.datetime:
    return dt.datetime.now(VN)
