"""The 16:30 report page (api/pages/report.py). The outcome labels are the catalogue's
(``outcome_<code>``, api/texts/board.py)."""

TEXTS: dict[str, dict[str, str]] = {
    "daily_title": {"vi": "Báo cáo", "en": "Report"},
    "daily_heading": {"vi": "Báo cáo ngày {date}", "en": "Report for {date}"},
    "daily_made_at": {"vi": "Lập lúc {time}", "en": "Made at {time}"},
    "daily_by_ward": {"vi": "Theo phường/xã", "en": "By ward"},
    "daily_by_team": {"vi": "Theo đội", "en": "By team"},
    "daily_ward": {"vi": "Phường/Xã", "en": "Ward"},
    "daily_team": {"vi": "Đội", "en": "Team"},
    "daily_planned": {"vi": "Theo kế hoạch", "en": "Planned"},
    "daily_remaining": {"vi": "Còn lại", "en": "Remaining"},
    # no break inside "(> 150 m)" when the narrow column wraps its heading
    "daily_far": {
        "vi": "Xa điểm (>\u00a0{limit}\u00a0m)",
        "en": "Far from the stop (>\u00a0{limit}\u00a0m)",
    },
    "daily_total": {"vi": "Tổng", "en": "Total"},
    "daily_ward_unknown": {"vi": "Không rõ", "en": "Unknown"},
    "daily_chart": {"vi": "Kết quả theo đội", "en": "Outcomes by team"},
    "daily_chart_desc": {
        "vi": "Mỗi thanh là một đội, chia theo kết quả; phần màu vàng là số người còn lại. "
        "Số liệu đầy đủ ở bảng bên dưới.",
        "en": "One bar per team, split by outcome; the yellow part is the residents "
        "remaining. The tables below hold every number.",
    },
    "daily_bar": {"vi": "{team}: {what} {n}", "en": "{team}: {what} {n}"},
    "daily_bar_total": {"vi": "{done}/{planned}", "en": "{done}/{planned}"},
    "daily_nothing": {
        "vi": "Chưa có ai trong kế hoạch hay kết quả nào cho ngày này.",
        "en": "Nobody planned and no outcome recorded on this day.",
    },
    "daily_download": {"vi": "Tải về", "en": "Download"},
    "daily_xlsx": {"vi": "Tải Excel (XLSX)", "en": "Download Excel (XLSX)"},
    "daily_csv": {"vi": "Tải CSV", "en": "Download CSV"},
    "daily_print": {"vi": "In báo cáo", "en": "Print the report"},
    "daily_download_invalid": {
        "vi": "Không tải được: cần một ngày (DD/MM/YYYY, từ năm 2000 đến 2099) và định dạng "
        "XLSX hoặc CSV. Hãy tải từ trang Báo cáo.",
        "en": "Nothing to download: a day (DD/MM/YYYY, from 2000 to 2099) and the format XLSX "
        "or CSV are needed. Download from the Report page.",
    },
}
