"""The plan form, its progress and the plan page (api/pages/plans.py)."""

TEXTS: dict[str, dict[str, str]] = {
    # the form
    "planning_title": {"vi": "Lập kế hoạch", "en": "Plan"},
    "planning_new": {"vi": "Kế hoạch mới", "en": "New plan"},
    "planning_start": {"vi": "Ngày bắt đầu", "en": "Start date"},
    "planning_start_hint": {
        "vi": "Dạng NN/TT/NNNN. Mặc định: ngày mai.",
        "en": "As DD/MM/YYYY. Default: tomorrow.",
    },
    "planning_days": {"vi": "Số ngày (1–31)", "en": "Days (1–31)"},
    "planning_limit": {"vi": "Thời gian tính tối đa (giây)", "en": "Time limit (seconds)"},
    "planning_limit_hint": {
        "vi": "Càng lâu, kế hoạch càng tốt. Mặc định của máy chủ: {s} giây; tối đa {max} giây.",
        "en": "Longer usually finds a better plan. The server's default: {s} s; at most {max} s.",
    },
    "planning_settings": {"vi": "Tệp cài đặt (không bắt buộc)", "en": "Settings file (optional)"},
    "planning_settings_hint": {
        "vi": "Tệp settings.toml chỉ dùng cho kế hoạch này, ghi đè cài đặt của máy chủ.",
        "en": "A settings.toml for this plan only, over the server's settings.",
    },
    "planning_submit": {"vi": "Lập kế hoạch", "en": "Make the plan"},
    "planning_not_ready": {
        "vi": "Chưa có danh sách người dân hoặc đội tiêm. Hãy tải danh sách trước.",
        "en": "There is no residents or teams list yet. Upload the lists first.",
    },
    "planning_errors": {"vi": "Chưa lập được kế hoạch:", "en": "The plan was not made:"},
    "planning_bad_date": {
        "vi": "Ngày bắt đầu không hợp lệ: nhập theo dạng NN/TT/NNNN (từ 2000 đến 2099).",
        "en": "The start date is not valid: enter it as DD/MM/YYYY (2000 to 2099).",
    },
    "planning_bad_days": {
        "vi": "Số ngày phải là số nguyên từ 1 đến 31.",
        "en": "Days must be a whole number from 1 to 31.",
    },
    "planning_bad_limit": {
        "vi": "Thời gian tính phải là số giây từ 1 đến {max}.",
        "en": "The time limit must be a number of seconds from 1 to {max}.",
    },
    "planning_queue_full": {
        "vi": "Hàng đợi đã đầy ({n} kế hoạch đang chờ). Hãy đợi một kế hoạch bắt đầu, hoặc "
        "huỷ một kế hoạch đang chờ.",
        "en": "The queue is full ({n} plans waiting). Wait for one to start, or cancel one "
        "that waits.",
    },
    "planning_replan_running": {
        "vi": "Một lần lập lại kế hoạch đang chạy; hãy đợi nó xong.",
        "en": "A re-plan is running; wait for it to finish.",
    },
    "planning_busy": {
        "vi": "Máy chủ đang bận; hãy thử lại sau giây lát.",
        "en": "The server is busy; try again in a moment.",
    },
    # the settings file's problems ({where}: " (dòng 4)" or nothing)
    "planning_at_line": {"vi": " (dòng {line})", "en": " (line {line})"},
    "settings_too_large": {
        "vi": "Tệp cài đặt quá lớn (tối đa {kb} KB).",
        "en": "The settings file is too large (at most {kb} KB).",
    },
    "settings_not_utf8": {
        "vi": "Tệp cài đặt phải là văn bản UTF-8.",
        "en": "The settings file must be UTF-8 text.",
    },
    "settings_syntax": {
        "vi": "Tệp cài đặt không đúng cú pháp TOML{where}.",
        "en": "The settings file is not valid TOML{where}.",
    },
    "settings_unknown_section": {
        "vi": "Tệp cài đặt có mục không tồn tại: [{section}]{where}.",
        "en": "The settings file has an unknown section: [{section}]{where}.",
    },
    "settings_not_a_table": {
        "vi": "{section}{where} phải là một mục [{section}].",
        "en": "{section}{where} must be a section [{section}].",
    },
    "settings_server_only": {
        "vi": "[{section}] {name}{where} do máy chủ quyết định, không đặt riêng cho một kế hoạch.",
        "en": "[{section}] {name}{where} is the server's to set, not a plan's.",
    },
    "settings_server_only_section": {
        "vi": "Mục [{section}]{where} do máy chủ quyết định, không đặt riêng cho một kế hoạch.",
        "en": "The section [{section}]{where} is the server's to set, not a plan's.",
    },
    "settings_bad_value_section": {
        "vi": "Các giá trị trong mục [{section}]{where} không hợp lệ khi đặt cùng nhau.",
        "en": "The values in [{section}]{where} are not valid together.",
    },
    "settings_unknown_key": {
        "vi": "Khoá không tồn tại trong mục [{section}]: {name}{where}.",
        "en": "Unknown key in [{section}]: {name}{where}.",
    },
    "settings_bad_value": {
        "vi": "Giá trị không hợp lệ: [{section}] {name}{where}.",
        "en": "Value not valid: [{section}] {name}{where}.",
    },
    # the latest plans
    "planning_latest": {"vi": "Các kế hoạch gần đây", "en": "Latest plans"},
    "planning_dates": {"vi": "Các ngày", "en": "Dates"},
    "planning_by": {"vi": "Người yêu cầu", "en": "Asked by"},
    "planning_open": {"vi": "Mở kế hoạch {v}", "en": "Open plan {v}"},
    "planning_none": {"vi": "Chưa có kế hoạch nào.", "en": "No plans yet."},
    "planning_status_queued": {"vi": "Đang chờ", "en": "Queued"},
    "planning_status_solving": {"vi": "Đang tính", "en": "Solving"},
    "planning_status_done": {"vi": "Xong", "en": "Done"},
    "planning_status_failed": {"vi": "Lỗi", "en": "Failed"},
    "planning_status_cancelled": {"vi": "Đã huỷ", "en": "Cancelled"},
    "planning_draft": {"vi": "bản nháp", "en": "draft"},
    "planning_range": {"vi": "{start} – {end}", "en": "{start} – {end}"},
    # progress
    "planning_version": {"vi": "Kế hoạch phiên bản {v}", "en": "Plan version {v}"},
    "planning_progress": {"vi": "Tiến độ tính toán", "en": "Progress"},
    "planning_waiting": {
        "vi": "Đang chờ bộ giải ({n} kế hoạch xếp trước).",
        "en": "Waiting for the solver ({n} plan(s) ahead).",
    },
    "planning_solving": {
        "vi": "Đang tìm kế hoạch tốt nhất. Trang tự cập nhật.",
        "en": "Searching for the best plan. This page updates itself.",
    },
    "planning_finishing": {
        "vi": "Hết thời gian tìm kiếm: đang hoàn tất và kiểm tra kế hoạch…",
        "en": "Search time is up: finishing and checking the plan…",
    },
    "planning_elapsed": {"vi": "Thời gian đã tính", "en": "Time spent"},
    "planning_seconds_of": {"vi": "{n} / {limit} giây", "en": "{n} / {limit} s"},
    "planning_best_planned": {
        "vi": "Số người đã xếp lịch (kế hoạch tốt nhất đến giờ)",
        "en": "Residents planned (best plan so far)",
    },
    "planning_best_coverage": {
        "vi": "Độ bao phủ theo mức ưu tiên",
        "en": "Priority-weighted coverage",
    },
    "planning_areas": {"vi": "Khu vực đã xong (trên cụm máy)", "en": "Areas done (on the cluster)"},
    "planning_areas_of": {"vi": "{n} / {total}", "en": "{n} / {total}"},
    "planning_no_solution_yet": {"vi": "chưa có", "en": "none yet"},
    "planning_cancel": {"vi": "Huỷ kế hoạch này", "en": "Cancel this plan"},
    "planning_refresh": {"vi": "Cập nhật", "en": "Refresh"},
    "planning_cancel_late": {
        "vi": "Kế hoạch đã kết thúc trước khi huỷ.",
        "en": "The plan had already finished.",
    },
    # failed or cancelled
    "planning_failed_title": {"vi": "Không lập được kế hoạch", "en": "The plan was not made"},
    "planning_cancelled_text": {
        "vi": "Kế hoạch đã bị huỷ lúc {time}.",
        "en": "The plan was cancelled at {time}.",
    },
    "planning_why_input": {
        "vi": "Dữ liệu hoặc tệp cài đặt không dùng được.",
        "en": "The lists or the settings file cannot be used as given.",
    },
    "planning_why_infeasible": {
        "vi": "Không có ai để lập kế hoạch (không người dân nào đủ điều kiện).",
        "en": "Nobody to plan: no eligible resident.",
    },
    "planning_why_restarts": {
        "vi": "Bộ giải đã dừng nhiều lần (máy chủ khởi động lại). Hãy lập kế hoạch lại.",
        "en": "The solver stopped several times (server restarts). Plan again.",
    },
    "planning_why_internal": {
        "vi": "Lỗi nội bộ của máy chủ; xem nhật ký máy chủ.",
        "en": "An internal error; see the server's log.",
    },
    "planning_why_other": {"vi": "Lý do:", "en": "Why:"},
    "planning_try_again": {"vi": "Lập kế hoạch mới", "en": "Make a new plan"},
    # the plan page
    "planning_done_title": {"vi": "Kế hoạch phiên bản {v}", "en": "Plan version {v}"},
    "planning_meta": {
        "vi": "{start} – {end} · {days} ngày · yêu cầu bởi {who} · xong lúc {time}",
        "en": "{start} – {end} · {days} day(s) · asked by {who} · done at {time}",
    },
    "planning_nobody": {"vi": "không rõ", "en": "unknown"},
    "planning_draft_banner": {
        "vi": "Bản nháp: xem thay đổi và công bố",
        "en": "Draft: review the changes and publish",
    },
    "planning_replan": {"vi": "Lập kế hoạch phần còn lại", "en": "Plan the rest"},
    "planning_export_csv": {"vi": "Tải CSV", "en": "Download CSV"},
    "planning_export_xlsx": {"vi": "Tải Excel (XLSX)", "en": "Download Excel (XLSX)"},
    "planning_tile_planned": {"vi": "người được xếp lịch", "en": "residents planned"},
    "planning_tile_unassigned": {"vi": "người chưa xếp được", "en": "residents not planned"},
    "planning_tile_coverage": {
        "vi": "bao phủ theo mức ưu tiên",
        "en": "priority-weighted coverage",
    },
    "planning_tile_team_days": {"vi": "lượt đội-ngày", "en": "team-days"},
    "planning_tile_km": {"vi": "km di chuyển", "en": "km of travel"},
    "planning_map": {"vi": "Bản đồ tổng quan", "en": "Overview map"},
    "planning_map_open": {"vi": "Mở bản đồ toàn màn hình", "en": "Open the map full screen"},
    "planning_by_band": {"vi": "Bao phủ theo mức ưu tiên", "en": "Coverage by priority band"},
    "planning_by_ward": {"vi": "Bao phủ theo phường/xã", "en": "Coverage by ward"},
    "planning_band": {"vi": "Mức ưu tiên", "en": "Priority band"},
    "planning_ward": {"vi": "Phường/Xã", "en": "Ward"},
    "planning_ward_unknown": {"vi": "(không rõ)", "en": "(unknown)"},
    "planning_planned": {"vi": "Đã xếp lịch", "en": "Planned"},
    "planning_total": {"vi": "Tổng số", "en": "Total"},
    "planning_share": {"vi": "Tỉ lệ", "en": "Share"},
    "planning_team_days": {"vi": "Lịch từng đội theo ngày", "en": "Each team's day"},
    "planning_team": {"vi": "Đội", "en": "Team"},
    "planning_date": {"vi": "Ngày", "en": "Date"},
    "planning_stops": {"vi": "Điểm dừng", "en": "Stops"},
    "planning_doses": {"vi": "Liều", "en": "Doses"},
    "planning_vials": {"vi": "Lọ", "en": "Vials"},
    "planning_hours": {"vi": "Giờ", "en": "Hours"},
    "planning_km": {"vi": "Km", "en": "Km"},
    "planning_workload": {
        "vi": "Độ cân bằng giữa {n} đội-ngày: giờ làm và số điểm dừng",
        "en": "Balance across the {n} team-days: hours and stops",
    },
    "planning_workload_min": {"vi": "Thấp nhất", "en": "Min"},
    "planning_workload_mean": {"vi": "Trung bình", "en": "Mean"},
    "planning_workload_max": {"vi": "Cao nhất", "en": "Max"},
    "planning_files": {"vi": "Tài liệu", "en": "Files"},
    "planning_team_map": {"vi": "Bản đồ", "en": "Map"},
    "planning_team_sheet": {"vi": "Phiếu in", "en": "Sheet"},
    "planning_team_gpx": {"vi": "GPX", "en": "GPX"},
    "planning_team_label": {
        "vi": "{what} của đội {team} ngày {date}",
        "en": "{what} of team {team} on {date}",
    },
    "planning_unassigned": {"vi": "Người chưa xếp được lịch", "en": "Residents not planned"},
    "planning_reason": {"vi": "Lý do", "en": "Reason"},
    "planning_filter_reason": {"vi": "Lọc theo lý do", "en": "Filter by reason"},
    "planning_all_reasons": {"vi": "Tất cả lý do", "en": "All reasons"},
    "planning_filter": {"vi": "Lọc", "en": "Filter"},
    "planning_download_unassigned": {
        "vi": "Tải danh sách (CSV)",
        "en": "Download the list (CSV)",
    },
    "planning_unassigned_count": {"vi": "{n} người", "en": "{n} resident(s)"},
    "planning_show_list": {"vi": "xem danh sách", "en": "show the list"},
    "planning_all_planned": {
        "vi": "Mọi người đủ điều kiện đều đã được xếp lịch.",
        "en": "Every eligible resident is planned.",
    },
    "planning_no_routes": {"vi": "Không có lộ trình nào.", "en": "No routes."},
    "planning_gone": {
        "vi": "Không có kế hoạch này, hoặc kế hoạch chưa xong.",
        "en": "There is no such plan, or it is not done.",
    },
}
