"""Today's board (api/pages/board.py), the day picker it shares with the report, and the
outcome labels (from the one catalogue, planner/outcomes.py: ``outcome_<code>``)."""

from planner.outcomes import BOARD_STATES

TEXTS: dict[str, dict[str, str]] = {
    # the day picker (board and report)
    "day_label": {"vi": "Ngày", "en": "Day"},
    "day_show": {"vi": "Xem", "en": "Show"},
    "day_today": {"vi": "Hôm nay", "en": "Today"},
    "day_picker": {"vi": "Chọn ngày", "en": "Pick a day"},
    "day_invalid": {
        "vi": "Ngày không hợp lệ. Hãy chọn một ngày dạng DD/MM/YYYY, từ năm 2000 "
        "đến 2099. Đang hiện hôm nay.",
        "en": "That is not a valid day. Pick a day as DD/MM/YYYY, from 2000 to "
        "2099. Showing today.",
    },
    "day_no_plan": {
        "vi": "Chưa có kế hoạch đã công bố nào cho ngày {date}.",
        "en": "No published plan covers {date}.",
    },
    "day_nearest": {
        "vi": "Ngày gần nhất có kế hoạch: {date}",
        "en": "The nearest day with a plan: {date}",
    },
    "day_no_plans": {
        "vi": "Chưa có kế hoạch nào được công bố.",
        "en": "No plan has been published yet.",
    },
    "day_go_plan": {"vi": "Lập kế hoạch", "en": "Make a plan"},
    "plan_followed": {
        "vi": "Theo kế hoạch phiên bản {version}",
        "en": "Following plan version {version}",
    },
    # the board
    "board_title": {"vi": "Tiến độ trong ngày", "en": "Today's board"},
    "board_heading": {"vi": "Tiến độ ngày {date}", "en": "Progress on {date}"},
    "board_all_teams": {
        "vi": "Tất cả các đội: {done}/{total} điểm đã xong",
        "en": "All teams: {done} of {total} stops done",
    },
    "board_legend": {"vi": "Chú thích màu", "en": "Colour key"},
    "board_stops": {
        "vi": "{done}/{total} điểm đã xong · còn {remaining}",
        "en": "{done} of {total} stops done · {remaining} remaining",
    },
    "board_progress": {"vi": "Tiến độ của đội {team}", "en": "Progress of team {team}"},
    "board_last_contact": {"vi": "Liên lạc gần nhất: {time}", "en": "Last contact: {time}"},
    "board_ago": {"vi": "{minutes} phút trước", "en": "{minutes} min ago"},
    "board_no_contact": {"vi": "Chưa gửi kết quả nào", "en": "No outcome sent yet"},
    "board_elsewhere": {"vi": "Ngoài lộ trình: {n} người", "en": "Off its route: {n}"},
    "board_note": {"vi": "Ghi chú của tổ", "en": "Team's note"},
    "board_far": {"vi": "cách điểm {metres} m", "en": "{metres} m from the stop"},
    "board_far_count": {
        "vi": "Ghi xa điểm (hơn {limit} m): {n}",
        "en": "Recorded far from the stop (over {limit} m): {n}",
    },
    "board_no_stops": {
        "vi": "Đội không có điểm nào trong ngày này.",
        "en": "The team has no stop on this day.",
    },
    "board_stop": {"vi": "Điểm {seq}", "en": "Stop {seq}"},
    "board_postponed_to": {"vi": "đến {date}", "en": "to {date}"},
    "board_stop_list": {"vi": "Các điểm của đội {team}", "en": "Stops of team {team}"},
    "board_updated": {
        "vi": "Cập nhật lúc {time}. Trang tự làm mới mỗi {seconds} giây.",
        "en": "Updated at {time}. The page refreshes itself every {seconds} s.",
    },
    "board_reload": {"vi": "Tải lại", "en": "Reload"},
    "board_refresh_failed": {
        "vi": "Không làm mới được (mất kết nối?). Sẽ thử lại.",
        "en": "Could not refresh (offline?). Trying again.",
    },
    # the outcomes, and a planned resident without one yet
    **{
        f"outcome_{code}": {"vi": kind.label_vi, "en": kind.label_en}
        for code, kind in BOARD_STATES.items()
    },
}
