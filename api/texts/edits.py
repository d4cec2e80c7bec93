"""Hand edits of a plan (api/pages/edits_page.py)."""

TEXTS: dict[str, dict[str, str]] = {
    "edits_link": {"vi": "Sửa tay", "en": "Edit by hand"},
    "edits_changes_of": {
        "vi": "Phiên bản {version} (sửa tay) so với phiên bản {parent}",
        "en": "Version {version} (edited by hand) against version {parent}",
    },
    "edits_title": {"vi": "Sửa kế hoạch bằng tay", "en": "Edit the plan by hand"},
    "edits_of": {
        "vi": "Kế hoạch phiên bản {version}, {start} – {end}.",
        "en": "Plan version {version}, {start} – {end}.",
    },
    "edits_explain": {
        "vi": "Mỗi lần sửa tạo một bản nháp mới: phần còn lại được tính lại quanh điều bạn cố "
        "định và giữ nguyên nếu có thể. Bạn xem những gì thay đổi rồi mới công bố.",
        "en": "Each edit makes a new draft: the rest is planned again around what you fixed "
        "and kept as it was where possible. You see what changed before publishing.",
    },
    "edits_resident_title": {"vi": "Chuyển hoặc ghim người dân", "en": "Move or pin a resident"},
    "edits_kind": {"vi": "Việc cần làm", "en": "Action"},
    "edits_kind_move": {
        "vi": "Chuyển điểm thăm sang đội, ngày, vị trí",
        "en": "Move the stop to a team, day, position",
    },
    "edits_kind_pin": {"vi": "Ghim vào đội và/hoặc ngày", "en": "Pin to a team and/or day"},
    "edits_kind_unpin": {"vi": "Bỏ ghim", "en": "Remove the pin"},
    "edits_resident": {"vi": "Mã người dân", "en": "Resident id"},
    "edits_resident_hint": {
        "vi": "Gõ mã hoặc tên rồi chọn trong danh sách (ví dụ DX-042). Chuyển: cả hộ ở điểm "
        "thăm đó đi cùng.",
        "en": "Type an id or a name and pick from the list (e.g. DX-042). A move takes the "
        "whole household stop.",
    },
    "edits_team": {"vi": "Đội", "en": "Team"},
    "edits_any_team": {"vi": "(đội nào cũng được)", "en": "(any team)"},
    "edits_date": {"vi": "Ngày", "en": "Day"},
    "edits_any_date": {"vi": "(ngày nào cũng được)", "en": "(any day)"},
    "edits_position": {"vi": "Vị trí trong lộ trình", "en": "Position in the route"},
    "edits_position_hint": {
        "vi": "1 = điểm đầu tiên; để trống = sau điểm cuối. Lộ trình được khoá đến điểm này.",
        "en": "1 = first stop; empty = after the last. The route is locked up to this stop.",
    },
    "edits_submit": {"vi": "Áp dụng và tính lại", "en": "Apply and re-plan"},
    "edits_routes_title": {"vi": "Khoá lộ trình", "en": "Lock routes"},
    "edits_routes_hint": {
        "vi": "Lộ trình bị khoá được giữ nguyên từng điểm, theo đúng thứ tự.",
        "en": "A locked route is kept stop for stop, in its order.",
    },
    "edits_col_date": {"vi": "Ngày", "en": "Day"},
    "edits_col_team": {"vi": "Đội", "en": "Team"},
    "edits_col_stops": {"vi": "Điểm thăm", "en": "Stops"},
    "edits_col_lock": {"vi": "Khoá", "en": "Lock"},
    "edits_state_free": {"vi": "Không khoá", "en": "Not locked"},
    "edits_state_whole": {"vi": "Khoá cả ngày", "en": "Whole day locked"},
    "edits_state_prefix": {"vi": "Khoá {n} điểm đầu", "en": "First {n} stops locked"},
    "edits_lock": {"vi": "Khoá {team} {date}", "en": "Lock {team} {date}"},
    "edits_unlock": {"vi": "Mở khoá {team} {date}", "en": "Unlock {team} {date}"},
    "edits_back": {"vi": "Quay lại kế hoạch", "en": "Back to the plan"},
    "edits_bad_kind": {"vi": "Hãy chọn việc cần làm.", "en": "Choose an action."},
    "edits_need_resident": {"vi": "Hãy nhập mã người dân.", "en": "Enter a resident id."},
    "edits_bad_date": {
        "vi": "Ngày phải là một ngày của kế hoạch.",
        "en": "The day must be one of the plan's days.",
    },
    "edits_need_team_day": {
        "vi": "Hãy chọn cả đội và ngày.",
        "en": "Choose both a team and a day.",
    },
    "edits_need_pin": {
        "vi": "Ghim cần một đội, một ngày hoặc cả hai.",
        "en": "A pin needs a team, a day or both.",
    },
    "edits_bad_position": {
        "vi": "Vị trí là một số từ 1 trở lên.",
        "en": "The position is a number from 1.",
    },
    "edits_refused": {
        "vi": "Không sửa được kế hoạch (chi tiết bằng tiếng Anh): {why}",
        "en": "The plan could not be edited: {why}",
    },
    "edits_busy": {
        "vi": "Hàng đợi tính toán đang đầy, hãy thử lại sau ít phút.",
        "en": "The solver queue is full: try again in a few minutes.",
    },
    "edits_not_done": {
        "vi": "Kế hoạch này chưa tính xong nên chưa sửa được.",
        "en": "This plan is not done, so it cannot be edited.",
    },
    "edits_denied": {
        "vi": "Chỉ người lập kế hoạch mới sửa được kế hoạch.",
        "en": "Only planners may edit a plan.",
    },
}
