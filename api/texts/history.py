"""Re-plan preview and publication, plan versions and the audit (api/pages/replan.py,
api/pages/history.py). Keys start with ``replan_``, ``changes_`` or ``history_``."""

TEXTS: dict[str, dict[str, str]] = {
    # plan the rest: the form
    "replan_title": {"vi": "Lập kế hoạch phần còn lại", "en": "Plan the rest"},
    "replan_of": {
        "vi": "Từ kế hoạch phiên bản {version}: {start} – {end}",
        "en": "From plan version {version}: {start} – {end}",
    },
    "replan_explain": {
        "vi": "VaxRoute lập lại kế hoạch từ thời điểm bạn chọn: giữ các lượt đã thăm, giữ "
        "nguyên lộ trình các đội đang đi đến điểm hiện tại, không xếp lại người đã tiêm "
        "và chỉ chuyển người sang đội hoặc ngày khác khi có lợi. Kết quả là bản nháp: "
        "các đội chỉ nhận khi bạn công bố.",
        "en": "VaxRoute plans again from the moment you choose: visits already made are kept, "
        "routes under way stay as they are up to each team's current stop, nobody "
        "vaccinated is planned again, and residents move to another team or day only "
        "where that pays. The result is a draft: teams receive it only once you publish "
        "it.",
    },
    "replan_as_of": {"vi": "Tính từ thời điểm", "en": "As of"},
    "replan_as_of_hint": {
        "vi": "Giờ Việt Nam, dạng NN/TT/NNNN GG:PP. Mặc định: bây giờ.",
        "en": "Viet Nam time, as DD/MM/YYYY HH:MM. Default: now.",
    },
    "replan_days": {"vi": "Số ngày lập kế hoạch", "en": "Days to cover"},
    "replan_days_hint": {
        "vi": "Để trống: đến hết ngày cuối của kế hoạch ({end}). Từ 1 đến {max} ngày.",
        "en": "Leave empty: up to the plan's last day ({end}). 1 to {max} days.",
    },
    "replan_time_limit": {"vi": "Thời gian tính tối đa (giây)", "en": "Time limit (seconds)"},
    "replan_time_limit_hint": {"vi": "Từ 1 đến {max} giây.", "en": "1 to {max} seconds."},
    "replan_submit": {"vi": "Lập kế hoạch phần còn lại", "en": "Plan the rest"},
    "replan_back": {"vi": "Quay lại kế hoạch", "en": "Back to the plan"},
    "replan_fix": {"vi": "Hãy sửa các ô được đánh dấu.", "en": "Correct the marked fields."},
    "replan_bad_as_of": {
        "vi": "Hãy nhập một ngày giờ hợp lệ, từ năm 2000 đến năm 2099.",
        "en": "Enter a date and time between the years 2000 and 2099.",
    },
    "replan_as_of_before": {
        "vi": "Thời điểm phải từ ngày đầu của kế hoạch ({start}) trở đi.",
        "en": "The moment must be on or after the plan's first day ({start}).",
    },
    "replan_bad_days": {
        "vi": "Số ngày phải là số nguyên từ 1 đến {max}.",
        "en": "Days must be a whole number from 1 to {max}.",
    },
    "replan_bad_time_limit": {
        "vi": "Thời gian tính phải từ 1 đến {max} giây.",
        "en": "The time limit must be 1 to {max} seconds.",
    },
    "replan_queue_full": {
        "vi": "Hàng chờ tính toán đã đầy (tối đa {n} kế hoạch chờ). Hãy "
        "đợi một kế hoạch bắt đầu tính, hoặc huỷ một kế hoạch đang chờ.",
        "en": "The solver queue is full (at most {n} plans wait). Wait for "
        "one to start, or cancel one that waits.",
    },
    "replan_running": {
        "vi": "Đang có một lần lập lại kế hoạch khác. Hãy đợi nó xong.",
        "en": "Another re-plan is running. Wait for it to finish.",
    },
    "replan_running_link": {"vi": "Xem kế hoạch đang tính", "en": "See the plan being solved"},
    "replan_busy": {
        "vi": "Máy chủ đang bận. Hãy thử lại sau giây lát.",
        "en": "The server is busy. Try again in a moment.",
    },
    "replan_not_done": {
        "vi": "Chỉ lập lại được từ một kế hoạch đã xong. Kế hoạch này: {status}.",
        "en": "Only a done plan can be re-planned. This plan: {status}.",
    },
    "replan_no_plan": {"vi": "Không có kế hoạch này.", "en": "There is no such plan."},
    "replan_published_notice": {
        "vi": "Đã công bố phiên bản {version}: các đội nhận kế hoạch này từ bây giờ.",
        "en": "Version {version} is published: teams receive this plan from now on.",
    },
    # the changes preview
    "changes_title": {
        "vi": "Thay đổi so với kế hoạch trước",
        "en": "Changes from the previous plan",
    },
    "changes_of": {
        "vi": "Phiên bản {version} (bản lập lại lúc {as_of}) so với phiên bản {parent}",
        "en": "Version {version} (re-planned as of {as_of}) against version {parent}",
    },
    "changes_scope": {
        "vi": "So sánh các ngày từ {start} đến {end}.",
        "en": "Compared on the days from {start} to {end}.",
    },
    "changes_moved": {"vi": "Chuyển đội hoặc ngày", "en": "Moved to another team or day"},
    "changes_new": {"vi": "Mới được xếp lịch", "en": "Newly planned"},
    "changes_dropped": {"vi": "Không còn trong lịch", "en": "No longer planned"},
    "changes_unchanged": {"vi": "Không đổi", "en": "Unchanged"},
    "changes_kept_stops": {
        "vi": "Điểm đã đi được giữ nguyên: {n}",
        "en": "Stops under way kept as they were: {n}",
    },
    "changes_none": {"vi": "Không có ai.", "en": "Nobody."},
    "changes_col_resident": {"vi": "Mã người dân", "en": "Resident id"},
    "changes_col_from": {"vi": "Trước: đội, ngày", "en": "Before: team, day"},
    "changes_col_to": {"vi": "Sau: đội, ngày", "en": "After: team, day"},
    "changes_col_before": {"vi": "Trước đó", "en": "Before"},
    "changes_col_reason": {"vi": "Lý do", "en": "Reason"},
    "changes_slot": {"vi": "Đội {team}, {day}", "en": "Team {team}, {day}"},
    "changes_earlier_day": {
        "vi": "Ngày trước đó: đội {team}, {day}",
        "en": "An earlier day: team {team}, {day}",
    },
    "changes_unassigned": {"vi": "Chưa xếp được: {reason}", "en": "Not planned: {reason}"},
    "changes_absent": {"vi": "Không có trong danh sách", "en": "Not on the list"},
    "changes_publish": {"vi": "Công bố cho các đội", "en": "Publish to the teams"},
    "changes_publish_hint": {
        "vi": "Sau khi công bố, các đội nhận phiên bản này; bảng hôm nay "
        "và báo cáo theo phiên bản này.",
        "en": "Once published, teams receive this version; today's board and the report follow it.",
    },
    "changes_published": {"vi": "Đã công bố lúc {time}.", "en": "Published at {time}."},
    "changes_not_replan": {
        "vi": "Kế hoạch này không phải bản lập lại: nó được công bố khi tính xong.",
        "en": "This plan is not a re-plan: it was published when done.",
    },
    "changes_not_done": {
        "vi": "Bản lập lại này chưa tính xong ({status}). Thay đổi sẽ hiện ở đây khi xong.",
        "en": "This re-plan is not done yet ({status}). Its changes show here when it is.",
    },
    "changes_ended": {
        "vi": "Bản lập lại này kết thúc mà không có kế hoạch ({status}): không có gì để công bố.",
        "en": "This re-plan ended without a plan ({status}): nothing to publish.",
    },
    "changes_see_progress": {"vi": "Xem tiến độ", "en": "See its progress"},
    "changes_open_plan": {"vi": "Mở kế hoạch", "en": "Open the plan"},
    # history
    "history_title": {"vi": "Lịch sử", "en": "History"},
    "history_versions": {"vi": "Các phiên bản kế hoạch", "en": "Plan versions"},
    "history_col_version": {"vi": "Phiên bản", "en": "Version"},
    "history_col_days": {"vi": "Các ngày", "en": "Days"},
    "history_col_status": {"vi": "Trạng thái", "en": "Status"},
    "history_col_by": {"vi": "Người yêu cầu", "en": "Asked by"},
    "history_col_created": {"vi": "Tạo lúc", "en": "Created"},
    "history_col_finished": {"vi": "Xong lúc", "en": "Finished"},
    "history_col_published": {"vi": "Công bố lúc", "en": "Published"},
    "history_col_parent": {"vi": "Từ phiên bản", "en": "From version"},
    "history_col_changed": {"vi": "Số người đổi lịch", "en": "Changed assignments"},
    "history_draft": {"vi": "Bản nháp", "en": "Draft"},
    "history_see_changes": {"vi": "Xem thay đổi", "en": "See the changes"},
    "history_unknown": {"vi": "không rõ", "en": "unknown"},
    "history_no_plans": {"vi": "Chưa có kế hoạch nào.", "en": "No plans yet."},
    "history_state_queued": {"vi": "Đang chờ", "en": "Queued"},
    "history_state_solving": {"vi": "Đang tính", "en": "Solving"},
    "history_state_done": {"vi": "Xong", "en": "Done"},
    "history_state_failed": {"vi": "Lỗi", "en": "Failed"},
    "history_state_cancelled": {"vi": "Đã huỷ", "en": "Cancelled"},
    "history_audit": {
        "vi": "Nhật ký truy cập dữ liệu cá nhân",
        "en": "Who read or changed residents' data",
    },
    "history_audit_hint": {
        "vi": "Mỗi lần xem, xuất, nhập, sửa hoặc xoá dữ liệu người dân "
        "được ghi lại (Nghị định 13/2023).",
        "en": "Every read, export, import, correction or deletion of "
        "residents' data is recorded (Decree 13/2023).",
    },
    "history_filter_action": {"vi": "Hành động", "en": "Action"},
    "history_filter_since": {"vi": "Từ ngày", "en": "Since"},
    "history_filter": {"vi": "Lọc", "en": "Filter"},
    "history_bad_since": {
        "vi": "Ngày không hợp lệ: hãy chọn một ngày từ năm 2000 đến 2099. Đang hiện mọi ngày.",
        "en": "Not a valid date: choose a day between 2000 and 2099. Every day is shown.",
    },
    "history_bad_action": {
        "vi": "Không có hành động này: đang hiện mọi hành động.",
        "en": "There is no such action: every action is shown.",
    },
    "history_col_at": {"vi": "Thời điểm", "en": "When"},
    "history_col_who": {"vi": "Ai", "en": "Who"},
    "history_col_action": {"vi": "Hành động", "en": "Action"},
    "history_col_resident": {"vi": "Mã người dân", "en": "Resident id"},
    "history_col_detail": {"vi": "Chi tiết", "en": "Detail"},
    "history_token": {"vi": "Mã truy cập {n}", "en": "Token {n}"},
    "history_console": {"vi": "Bảng điều khiển", "en": "Console"},
    "history_no_audit": {"vi": "Không có mục nào.", "en": "No entries."},
    "history_versions_pages": {"vi": "Các trang phiên bản", "en": "Plan version pages"},
    "history_audit_pages": {"vi": "Các trang nhật ký", "en": "Audit pages"},
    "history_page": {"vi": "Trang {page}", "en": "Page {page}"},
    "history_action_list_residents": {"vi": "Xem danh sách người dân", "en": "Listed residents"},
    "history_action_read_resident": {"vi": "Xem một người dân", "en": "Read a resident"},
    "history_action_import_residents": {
        "vi": "Nhập danh sách người dân",
        "en": "Imported residents",
    },
    "history_action_correct_resident": {
        "vi": "Sửa thông tin người dân",
        "en": "Corrected a resident",
    },
    "history_action_delete_resident": {"vi": "Xoá người dân", "en": "Deleted a resident"},
    "history_action_export_plan": {"vi": "Xuất kế hoạch", "en": "Exported a plan"},
    "history_action_read_sheet": {"vi": "Xem phiếu lộ trình", "en": "Read a route sheet"},
    "history_action_read_map": {"vi": "Xem bản đồ", "en": "Read a map"},
    "history_action_read_board": {"vi": "Xem bảng hôm nay", "en": "Read today's board"},
    "history_action_read_plan": {"vi": "Xem kế hoạch", "en": "Read a plan"},
    "history_action_enrol_device": {
        "vi": "Tạo mã đăng ký máy tính bảng",
        "en": "Made a tablet's enrolment code",
    },
    "history_action_device_enrolled": {"vi": "Máy tính bảng đã đăng ký", "en": "Tablet enrolled"},
    "history_action_revoke_device": {"vi": "Thu hồi máy tính bảng", "en": "Revoked a tablet"},
}
