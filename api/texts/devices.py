"""Enrolled tablets: the console's devices page, the enrolment link and the tablet's first page
(api/pages/devices.py). Keys start with ``devices_``, ``enrol_`` or ``field_``."""

TEXTS: dict[str, dict[str, str]] = {
    # the console's page
    "devices_title": {"vi": "Máy tính bảng của các đội", "en": "Team tablets"},
    "devices_link": {"vi": "Máy tính bảng", "en": "Tablets"},
    "devices_explain": {
        "vi": "Đăng ký máy tính bảng cho một đội: VaxRoute tạo mã QR dùng một lần trong "
        "{minutes} phút. Trưởng nhóm quét mã bằng máy tính bảng; máy chỉ xem được lộ trình và "
        "người dân của đội mình cho đến khi bạn thu hồi.",
        "en": "Enrol a tablet for a team: VaxRoute makes a QR code usable once within "
        "{minutes} minutes. The team leader scans it with the tablet; the tablet sees only "
        "its own team's routes and residents until you revoke it.",
    },
    "devices_enrol": {"vi": "Đăng ký máy cho đội {team}", "en": "Enrol a tablet for team {team}"},
    "devices_label": {"vi": "Tên máy (không bắt buộc)", "en": "Tablet name (optional)"},
    "devices_label_hint": {
        "vi": "Ví dụ: máy số 2. Đừng ghi tên người dân.",
        "en": "For example: tablet 2. No residents' names.",
    },
    "devices_none": {"vi": "Chưa có máy nào.", "en": "No tablets yet."},
    "devices_no_teams": {
        "vi": "Chưa có đội nào: hãy tải danh sách đội lên trước.",
        "en": "No teams yet: upload the teams list first.",
    },
    "devices_col_label": {"vi": "Máy", "en": "Tablet"},
    "devices_col_enrolled": {"vi": "Đăng ký lúc", "en": "Enrolled"},
    "devices_col_by": {"vi": "Người đăng ký", "en": "Enrolled by"},
    "devices_col_seen": {"vi": "Liên lạc gần nhất", "en": "Last contact"},
    "devices_col_state": {"vi": "Trạng thái", "en": "State"},
    "devices_active": {"vi": "Đang dùng", "en": "Active"},
    "devices_revoked_on": {"vi": "Đã thu hồi {time}", "en": "Revoked {time}"},
    "devices_revoke": {"vi": "Thu hồi", "en": "Revoke"},
    "devices_revoke_label": {
        "vi": "Thu hồi máy {label} của đội {team}",
        "en": "Revoke tablet {label} of team {team}",
    },
    "devices_revoked": {
        "vi": "Đã thu hồi máy. Lần kết nối tới, máy sẽ bị đăng xuất và xoá dữ liệu đã lưu.",
        "en": "Tablet revoked. At its next request it is signed out and its stored data cleared.",
    },
    "devices_unnamed": {"vi": "máy {n}", "en": "tablet {n}"},
    "devices_bad_team": {
        "vi": "Không có đội này. Hãy chọn một đội trong danh sách.",
        "en": "There is no such team. Choose a team from the list.",
    },
    "devices_bad_label": {
        "vi": "Tên máy dài quá {n} ký tự.",
        "en": "The tablet name is longer than {n} characters.",
    },
    "devices_planners_only": {
        "vi": "Chỉ người lập kế hoạch mới đăng ký hoặc thu hồi máy.",
        "en": "Only planners enrol or revoke tablets.",
    },
    "devices_no_such": {"vi": "Không có máy này.", "en": "There is no such tablet."},
    # the code
    "devices_code_title": {
        "vi": "Mã đăng ký cho đội {team}",
        "en": "Enrolment code for team {team}",
    },
    "devices_code_scan": {
        "vi": "Quét mã QR bằng máy tính bảng của đội, hoặc mở liên kết:",
        "en": "Scan the QR code with the team's tablet, or open the link:",
    },
    "devices_code_qr": {
        "vi": "Mã QR để đăng ký máy cho đội {team}",
        "en": "QR code to enrol a tablet for team {team}",
    },
    "devices_code_expires": {
        "vi": "Dùng được một lần, đến {time}.",
        "en": "Usable once, until {time}.",
    },
    "devices_code_secret": {
        "vi": "Ai có mã này cũng xem được dữ liệu của đội: đừng chụp hay gửi đi.",
        "en": "Anyone with this code can see the team's data: do not photograph or send it.",
    },
    "devices_back": {"vi": "Về danh sách máy", "en": "Back to the tablets"},
    # opening the link
    "enrol_failed_title": {"vi": "Không đăng ký được máy", "en": "Could not enrol the tablet"},
    "enrol_unknown": {
        "vi": "Mã đăng ký không đúng. Hãy nhờ người lập kế hoạch tạo mã mới.",
        "en": "The enrolment code is not valid. Ask a planner for a new one.",
    },
    "enrol_used": {
        "vi": "Mã đăng ký này đã được dùng. Mỗi mã chỉ dùng được một lần: hãy nhờ "
        "người lập kế hoạch tạo mã mới.",
        "en": "This enrolment code was already used. A code works once: ask a "
        "planner for a new one.",
    },
    "enrol_expired": {
        "vi": "Mã đăng ký đã hết hạn ({minutes} phút). Hãy nhờ người lập kế hoạch tạo mã mới.",
        "en": "The enrolment code expired ({minutes} minutes). Ask a planner for a new one.",
    },
    "enrol_console": {
        "vi": "Trình duyệt này đang đăng nhập trang quản lý. Hãy mở liên kết "
        "trên máy tính bảng của đội; mã vẫn dùng được.",
        "en": "This browser is signed in to the console. Open the link on the "
        "team's tablet; the code still works.",
    },
    # the tablet's page
    "field_title": {"vi": "Đội {team}", "en": "Team {team}"},
    "field_today": {"vi": "Hôm nay {date}: {n} điểm dừng", "en": "Today {date}: {n} stops"},
    "field_no_route": {
        "vi": "Hôm nay đội không có lộ trình trong kế hoạch đã công bố.",
        "en": "The team has no route today in the published plan.",
    },
    "field_stops": {"vi": "Các điểm dừng", "en": "Stops"},
    "field_stop": {"vi": "Điểm {seq}", "en": "Stop {seq}"},
    "field_out_title": {"vi": "Máy tính bảng đã đăng xuất", "en": "Tablet signed out"},
    "field_signed_out": {
        "vi": "Máy tính bảng này chưa đăng ký hoặc đã bị thu hồi. Hãy nhờ "
        "người lập kế hoạch đăng ký lại.",
        "en": "This tablet is not enrolled or was revoked. Ask a planner to enrol it again.",
    },
}
