"""The team leader's field app (api/pages/field.py, api/static/field.js): today's route, a
stop with one-tap outcomes, the offline queue. Keys start with ``fa_`` (the tablet's first
words, ``field_*``, are in api/texts/devices.py)."""

TEXTS: dict[str, dict[str, str]] = {
    "fa_app_name": {"vi": "VaxRoute – Đội tiêm", "en": "VaxRoute – Field team"},
    "fa_day": {"vi": "Ngày {date}: {n} điểm dừng", "en": "{date}: {n} stops"},
    "fa_days": {"vi": "Các ngày của kế hoạch", "en": "The plan's days"},
    "fa_yesterday": {"vi": "Hôm qua", "en": "Yesterday"},
    "fa_tomorrow": {"vi": "Ngày mai", "en": "Tomorrow"},
    "fa_today_short": {"vi": "Hôm nay", "en": "Today"},
    "fa_no_route_day": {
        "vi": "Ngày {date} đội không có lộ trình trong kế hoạch đã công bố.",
        "en": "On {date} the team has no route in the published plan.",
    },
    "fa_bad_day": {
        "vi": "Ngày không hợp lệ. Hãy chọn một ngày của kế hoạch.",
        "en": "That is not a valid day. Choose one of the plan's days.",
    },
    "fa_map": {"vi": "Bản đồ lộ trình của đội", "en": "The team's route map"},
    "fa_done": {"vi": "Xong {done}/{total} điểm", "en": "{done} of {total} stops done"},
    "fa_stop_people": {"vi": "{n} người", "en": "{n} people"},
    "fa_eta": {"vi": "Đến lúc {time}", "en": "Arrive {time}"},
    "fa_back_route": {"vi": "← Lộ trình", "en": "← Route"},
    "fa_stop_title": {"vi": "Điểm {seq} · đến {time}", "en": "Stop {seq} · arrive {time}"},
    "fa_no_stop": {
        "vi": "Không có điểm dừng này trong lộ trình của đội.",
        "en": "There is no such stop on the team's route.",
    },
    "fa_age": {"vi": "{n} tuổi", "en": "age {n}"},
    "fa_dose_due": {"vi": "Mũi {n}", "en": "Dose {n}"},
    "fa_needs_doctor": {"vi": "Cần bác sĩ", "en": "Needs a doctor"},
    "fa_call": {"vi": "Gọi {phone}", "en": "Call {phone}"},
    "fa_notes": {"vi": "Ghi chú của đội", "en": "Team notes"},
    "fa_product": {"vi": "Vắc xin: {product}", "en": "Vaccine: {product}"},
    "fa_vial": {"vi": "lọ {n} mở tại điểm {seq}", "en": "vial {n} opened at stop {seq}"},
    "fa_outcomes_for": {"vi": "Kết quả cho {who}", "en": "Outcome for {who}"},
    "fa_postpone_to": {"vi": "Hoãn đến ngày", "en": "Postpone to"},
    "fa_postpone_needs_date": {
        "vi": "Hãy chọn ngày hoãn đến.",
        "en": "Choose the date to postpone to.",
    },
    "fa_recorded": {"vi": "Đã ghi: {what}", "en": "Recorded: {what}"},
    "fa_now_status": {"vi": "Hiện tại: {what}", "en": "Now: {what}"},
    "fa_next_stop": {
        "vi": "Điểm tiếp theo: {seq} · đến {time}",
        "en": "Next stop: {seq} · arrive {time}",
    },
    "fa_last_stop": {"vi": "Đây là điểm cuối của ngày.", "en": "This is the day's last stop."},
    "fa_locate": {"vi": "Gửi kèm vị trí khi ghi kết quả", "en": "Send my position with outcomes"},
    "fa_pending": {"vi": "{n} đang chờ gửi", "en": "{n} waiting to send"},
    "fa_all_sent": {"vi": "Đã gửi hết", "en": "All sent"},
    "fa_last_sync": {"vi": "Gửi lần cuối {time}", "en": "Last sent {time}"},
    "fa_never_synced": {"vi": "Chưa gửi lần nào", "en": "Nothing sent yet"},
    "fa_offline": {
        "vi": "Không có mạng: kết quả được lưu trên máy",
        "en": "Offline: outcomes are kept on the tablet",
    },
    "fa_refused_title": {"vi": "Máy chủ không nhận", "en": "Not accepted by the server"},
    "fa_refused_item": {
        "vi": "Điểm {seq} · {who}: {what} ({status})",
        "en": "Stop {seq} · {who}: {what} ({status})",
    },
    "fa_refused_dismiss": {"vi": "Đã xem, bỏ khỏi danh sách", "en": "Seen, remove from the list"},
    "fa_updated": {"vi": "Lộ trình đã cập nhật", "en": "Route updated"},
    "fa_updated_added": {"vi": "Thêm {n}: {who}", "en": "Added {n}: {who}"},
    "fa_updated_removed": {"vi": "Bớt {n}: {who}", "en": "Removed {n}: {who}"},
    "fa_updated_moved": {"vi": "Đổi thứ tự {n}: {who}", "en": "Reordered {n}: {who}"},
    "fa_updated_none": {
        "vi": "Lộ trình của đội không đổi.",
        "en": "The team's route did not change.",
    },
    "fa_updated_ok": {"vi": "Đã hiểu", "en": "Got it"},
}
