"""The console's catalogue, formats and the importer's messages in Vietnamese (no database)."""

from __future__ import annotations

import datetime as dt
import re
import string
from pathlib import Path

from api import i18n
from api.import_messages import file_error_lines, problem_vi
from api.store import VN
from planner.io.residents import read_residents
from planner.io.tables import read_table_bytes
from planner.io.teams import read_teams

TEMPLATES = Path(__file__).resolve().parents[3] / "api" / "templates"
PAGES = Path(__file__).resolve().parents[3] / "api" / "pages"


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def test_every_key_has_both_languages_with_the_same_placeholders() -> None:
    for key, entry in i18n.TEXTS.items():
        assert set(entry) == set(i18n.LANGS), key
        assert all(entry.values()), key
        assert _fields(entry["vi"]) == _fields(entry["en"]), key


def test_every_key_the_templates_and_pages_use_exists() -> None:
    used: set[str] = set()
    for path in [*TEMPLATES.glob("*.html"), *PAGES.glob("*.py")]:
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r"""\bt(?:ranslate)?\(\s*["']([a-z_]+)["']\s*[,)]""", text))
        used |= set(re.findall(r"""message_key=["']([a-z_]+)["']""", text))
    assert len(used) > 60  # the scan found the templates' calls
    assert sorted(used - set(i18n.TEXTS)) == []
    # keys built in templates as prefix ~ value: every value the pages can pass exists
    for prefix, values in {
        "status_": ("eligible", "contraindicated", "refused", "postponed", "vaccinated"),
        "band_": ("high", "medium", "low"),
        "due_": ("now", "later"),
        "plan_": ("queued", "solving", "done", "failed"),
        "travel_": ("motorbike", "car", "foot"),
        "level_": ("error", "warning"),
        "kind_": ("residents", "teams"),
        "upload_": ("residents", "teams"),
        "view_": ("residents", "teams"),
        "lang_": i18n.LANGS,
    }.items():
        assert [v for v in values if prefix + v not in i18n.TEXTS] == [], prefix


def test_an_unknown_key_shows_itself() -> None:
    assert i18n.translate("no_such_key", "vi") == "[no_such_key]"
    assert i18n.translate("results", "vi", n="1.234") == "1.234 người"
    assert i18n.translate("results", "xx", n=2) == "2 người"  # unknown language: Vietnamese


def test_dates_times_and_numbers_in_viet_nam() -> None:
    evening_utc = dt.datetime(2026, 11, 23, 20, 5, tzinfo=dt.UTC)  # 03:05 next day in VN
    assert i18n.vn_date(evening_utc) == "24/11/2026"
    assert i18n.vn_time(evening_utc) == "03:05"
    assert i18n.vn_datetime(evening_utc.replace(tzinfo=None)) == "03:05 24/11/2026"  # SQLite
    assert i18n.vn_date(dt.date(2026, 1, 2)) == "02/01/2026"
    assert i18n.vn_date("2026-11-24") == "24/11/2026"
    assert i18n.vn_time(dt.datetime(2026, 11, 24, 9, 30, tzinfo=VN)) == "09:30"
    assert i18n.number(1234.5, "vi", 1) == "1.234,5"
    assert i18n.number(1234567, "vi") == "1.234.567"
    assert i18n.number(1234.5, "en", 1) == "1,234.5"
    assert i18n.clock(7 * 3600 + 30 * 60) == "07:30" and i18n.clock(None) == ""


def _residents_problems() -> list[str]:
    csv = (
        "\n".join(
            [
                "resident_id,lat,lon,birth_year,age,doses_received,last_dose_date,status,"
                "available_from,available_to,needs_doctor,priority,service_minutes",
                "A1,22.14,105.84,1950,40,1,2030-01-01,eligible,09:00,08:00,có,1,10",
                "A2,abc,105.84,1800,,25,,nobody,9h,,maybe,-1,0",
                "A2,22.15,105.85,,,,,,,,,,",
                ",22.15,105.85,,,,,,,,,,",
                "A4,105.84,22.14,,,,,,,,,,",
                "A5,95,105.84,,,,,,,,,,",
                "A6,21.0,100.0,,,,,,,,,,",
                "A7,,105.84,,,,,,,,,,",
            ]
        )
        + "\n"
    )
    read = read_residents(
        read_table_bytes(csv.encode(), "r.csv"), reference_date=dt.date(2026, 11, 23)
    )
    geo = (
        '{"type":"FeatureCollection","features":[{"type":"Feature","properties":'
        '{"resident_id":"G1"},"geometry":{"type":"LineString","coordinates":'
        '[[105.8,22.1],[105.9,22.2]]}},{"type":"Feature","properties":{"resident_id":"G2"},'
        '"geometry":null}]}'
    )
    read_geo = read_residents(
        read_table_bytes(geo.encode(), "r.geojson"), reference_date=dt.date(2026, 11, 23)
    )
    return [p.message for p in [*read.problems, *read_geo.problems]]


def _teams_problems() -> list[str]:
    csv = (
        "\n".join(
            [
                "team_id,depot_lat,depot_lon,shift_start,shift_end,break_start,break_minutes,"
                "travel_mode,has_doctor,max_doses",
                "T1,105.8,22.1,16:00,08:00,20:00,500,plane,maybe,0",
                "T2,22.1,200,07:00,16:00,,,,,",
                "T3,,105.8,07:00,16:00,,,,,",
            ]
        )
        + "\n"
    )
    return [p.message for p in read_teams(read_table_bytes(csv.encode(), "t.csv")).problems]


def test_every_problem_the_readers_write_has_a_vietnamese_sentence() -> None:
    messages = _residents_problems() + _teams_problems()
    assert len(messages) >= 25  # the hostile rows above do produce many kinds
    untranslated = [m for m in messages if problem_vi(m) is None]
    assert untranslated == []
    for message in messages:
        text = problem_vi(message)
        assert text and not re.search(r"\b(cannot|is not|outside|empty|appears)\b", text), (
            message,
            text,
        )
    assert problem_vi("cannot read 'x y' as a latitude") == "không đọc được 'x y' thành vĩ độ"
    assert problem_vi("something nobody wrote yet") is None


def test_file_level_errors_line_by_line() -> None:
    message = (
        "l.csv: missing required column 'lat'\nl.csv: columns found: 'resident_id', "
        "'x'\nl.csv: a sentence no rule knows"
    )
    lines = file_error_lines(message, "l.csv", "vi")
    assert lines[0] == ("thiếu cột bắt buộc 'lat'", "missing required column 'lat'")
    assert lines[1][0] == "các cột có trong tệp: 'resident_id', 'x'"
    assert lines[2] == ("a sentence no rule knows", None)
    assert file_error_lines(message, "l.csv", "en")[0] == ("missing required column 'lat'", None)
