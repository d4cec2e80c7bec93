"""The importer's problem messages in Vietnamese, for the console's import report.

planner/io writes its problems in English (the CLI, the API and input_problems.csv keep them
so). The console shows each problem in the user's language: every message kind the readers
write (planner/io/checks.py, residents.py, teams.py, api/store.py) has a pattern here with a
Vietnamese sentence; values found in the message (a cell, a row list, a number) are carried
over as they are. A message no pattern knows is shown in English, marked as such, so a new
kind is never hidden (tests/api/pages/test_i18n.py lists the kinds).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: what a cell could not be read as (RowChecker.parse's ``what``)
WHAT = {
    "a latitude": "vĩ độ",
    "a longitude": "kinh độ",
    "a year": "năm",
    "a whole number of years": "số tuổi (số nguyên)",
    "a whole number": "số nguyên",
    "a date (YYYY-MM-DD or DD/MM/YYYY)": "ngày (YYYY-MM-DD hoặc DD/MM/YYYY)",
    "a status (eligible, contraindicated, refused, postponed, vaccinated)": (
        "tình trạng (eligible, contraindicated, refused, postponed, vaccinated)"
    ),
    "a time (HH:MM)": "giờ (HH:MM)",
    "true/false (có/không)": "có/không (true/false)",
    "a number": "số",
    "minutes": "số phút",
    "whole minutes": "số phút nguyên",
    "a travel mode (motorbike, car, foot)": "phương tiện (motorbike, car, foot)",
    "a whole number of doses": "số liều (số nguyên)",
    # _range's "plausible ..." kinds
    "a birth year": "năm sinh",
    "an age": "tuổi",
    "a number of doses": "số liều",
    "a priority (must be > 0)": "mức ưu tiên (phải lớn hơn 0)",
    "service minutes (1-600)": "số phút tiêm (1-600)",
    "number of doses": "số liều",
    "break": "thời gian nghỉ",
}


def _what(text: str) -> str:
    return WHAT.get(text, text)


@dataclass(frozen=True)
class Rule:
    pattern: re.Pattern[str]
    vi: str

    def apply(self, message: str) -> str | None:
        m = self.pattern.fullmatch(message)
        if m is None:
            return None
        groups = {k: _what(v) if k == "what" else (v or "") for k, v in m.groupdict().items()}
        if "range" in groups:
            groups["range"] = groups["range"].replace(" minutes", " phút")
        return self.vi.format(**groups)


def _rule(pattern: str, vi: str) -> Rule:
    return Rule(re.compile(pattern, re.DOTALL), vi)


RULES = (
    _rule(r"(?P<col>\S+) is empty", "ô {col} bị trống"),
    _rule(
        r"(?P<col>\S+) (?P<value>'.*') appears in rows (?P<rows>[\d, ]+) \(all are left out: "
        r"fix the list so that each id appears once\)",
        "mã {value} xuất hiện ở các dòng {rows} (tất cả các dòng này đều bị loại: sửa danh "
        "sách để mỗi mã chỉ xuất hiện một lần)",
    ),
    _rule(r"cannot read (?P<value>.+) as (?P<what>.+)", "không đọc được {value} thành {what}"),
    _rule(r"cannot read as (?P<what>.+)", "không đọc được ô này thành {what}"),
    _rule(r"the feature has no geometry", "đối tượng không có hình học (không có toạ độ)"),
    _rule(
        r"the geometry is a (?P<kind>\w+), not a point", "hình học là {kind}, không phải một điểm"
    ),
    _rule(
        r"(?P<value>\S+) is not a plausible (?P<what>.+?) \((?P<range>[^()]*)\)",
        "{value} không phải {what} hợp lý ({range})",
    ),
    _rule(r"(?P<value>\S+) is not a plausible (?P<what>.+?)", "{value} không phải {what} hợp lý"),
    _rule(
        r"the last dose date (?P<last>\S+) is after the plan's start date (?P<start>\S+)",
        "ngày tiêm mũi gần nhất {last} sau ngày bắt đầu kế hoạch {start}",
    ),
    _rule(
        r"available_to is not after available_from",
        "giờ kết thúc (available_to) không sau giờ bắt đầu (available_from)",
    ),
    _rule(
        r"age and birth_year disagree; the age is used",
        "tuổi và năm sinh không khớp nhau; dùng tuổi",
    ),
    _rule(
        r"lat (?P<lat>\S+) and lon (?P<lon>\S+) look swapped \(the point makes sense the "
        r"other way round\); fix the columns",
        "vĩ độ {lat} và kinh độ {lon} có vẻ bị đảo ngược (đảo lại thì điểm hợp lý); hãy sửa "
        "các cột",
    ),
    _rule(
        r"(?P<col>lat|lon) (?P<value>\S+) is outside (?P<range>\[.*\])",
        "{col} {value} nằm ngoài khoảng {range}",
    ),
    _rule(
        r"(?P<value>\S+) is outside (?P<range>\[[^\]]*\]) \(depot_lat and depot_lon look "
        r"swapped\)",
        "{value} nằm ngoài khoảng {range} (vĩ độ và kinh độ của trạm có vẻ bị đảo ngược)",
    ),
    _rule(r"(?P<value>\S+) is outside (?P<range>\[[^\]]*\])", "{value} nằm ngoài khoảng {range}"),
    _rule(
        r"the point (?P<point>\(.*?\)) is (?P<km>\S+) km from every other resident and team "
        r"depot \(limit (?P<limit>\S+) km\): check the coordinates",
        "điểm {point} cách mọi người dân và trạm y tế khác {km} km (giới hạn {limit} km): "
        "hãy kiểm tra toạ độ",
    ),
    _rule(
        r"the point (?P<point>\(.*?\)) is outside every area of the boundary file",
        "điểm {point} nằm ngoài mọi khu vực của tệp ranh giới",
    ),
    _rule(r"the shift ends before it starts", "ca làm việc kết thúc trước khi bắt đầu"),
    _rule(r"the break does not fit inside the shift", "giờ nghỉ trưa không nằm trong ca làm việc"),
    _rule(
        r"this resident was deleted on request; the row is not imported \(a new resident_id "
        r"adds the person again\)",
        "người này đã bị xoá theo yêu cầu; dòng này không được nhập (dùng mã mới để thêm lại "
        "người này)",
    ),
)

#: file-level messages (InputError text, one line each, usually "file: message")
FILE_RULES = (
    _rule(r"missing required column (?P<col>'.*')", "thiếu cột bắt buộc {col}"),
    _rule(r"columns found: (?P<cols>.*)", "các cột có trong tệp: {cols}"),
    _rule(
        r"columns (?P<a>'.*?') and (?P<b>'.*?') both mean (?P<col>\S+)",
        "hai cột {a} và {b} cùng có nghĩa là {col}",
    ),
    _rule(r"the file is empty", "tệp trống"),
    _rule(r"not a readable CSV table: .*", "không phải bảng CSV đọc được"),
    _rule(r"not a readable XLSX workbook .*", "không phải tệp XLSX đọc được"),
    _rule(r"not a readable geodata file .*", "không phải tệp dữ liệu địa lý đọc được"),
    _rule(
        r"cannot read the text: .*",
        "không đọc được nội dung: không phải UTF-8, UTF-16 hay Windows-1258",
    ),
)


def problem_vi(message: str) -> str | None:
    """The Vietnamese sentence for one problem message, or None when no rule knows it."""
    for rule in RULES:
        text = rule.apply(message)
        if text is not None:
            return text
    return None


def file_error_lines(message: str, filename: str, lang: str) -> list[tuple[str, str | None]]:
    """A file-level error (several lines) as (text shown, original English or None) pairs:
    in Vietnamese when a rule knows the line, else the English line as it is."""
    out: list[tuple[str, str | None]] = []
    for line in message.splitlines():
        rest = line.removeprefix(f"{filename}: ").strip()
        if lang != "vi":
            out.append((rest, None))
            continue
        text = next((t for r in FILE_RULES if (t := r.apply(rest)) is not None), None)
        out.append((text, rest) if text is not None else (rest, None))
    return out
