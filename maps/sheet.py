"""Printable route sheet (HTML with print CSS), per team and day (GPX: maps/gpx.py).

Same order and times as the map. Initials, address and phone only: no names, no conditions.
"""

from __future__ import annotations

import html
from collections.abc import Mapping

from maps.i18n import t
from maps.team import stop_details
from planner.model import Resident
from planner.output import vials_opened_at
from planner.plan_document import PlanRoute
from planner.workload import Workload, route_hours

SHEET_CSS = """
body { font-family: system-ui, Arial, sans-serif; margin: 16px; color: #111; }
h1 { font-size: 20px; margin: 0 0 4px; } .meta { margin: 0 0 12px; font-size: 14px; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th, td { border: 1px solid #444; padding: 5px 6px; text-align: left; vertical-align: top; }
th { background: #e8eef5; } td.n { text-align: right; }
td.seq { font-size: 18px; font-weight: 700; }
.flag { color: #c00000; font-weight: 700; } tr.break td { background: #f4f4f4; font-style: italic; }
@media print { @page { size: A4 portrait; margin: 12mm; } body { margin: 0; }
  th { background: #ddd !important; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  tr { page-break-inside: avoid; } }
"""


def route_sheet_html(
    route: PlanRoute,
    residents: Mapping[str, Resident] | None = None,
    lang: str = "vi",
    team_name: str = "",
    load: Workload | None = None,
) -> str:
    """The printable A4 route sheet of a team's day: one row per stop, the lunch break where
    it falls, a column for the outcome; initials, address and phone only. With ``load`` (the
    plan's planner.workload), a footer sets this day's hours and stops against the min /
    mean / max of all team-days, so a team sees whether its day is a long one."""
    people = residents or {}
    e = html.escape
    head = [
        t("stop", lang),
        t("arrival", lang),
        t("service", lang),
        t("departure", lang),
        t("who", lang),
        t("address", lang),
        t("people", lang),
        t("doses", lang),
        t("phone", lang),
        t("doctor", lang),
        t("open_vial", lang),
        t("outcome", lang),
    ]
    opened = vials_opened_at(route)
    rows = []
    lunch = route.lunch
    lunch_row = (
        ""
        if not lunch
        else (
            f'<tr class="break"><td></td><td colspan="11">'
            f"{t('break', lang)} {lunch.start[11:16]}–"
            f"{lunch.end[11:16]}</td></tr>"
        )
    )
    for stop in route.stops:
        if lunch and lunch_row and stop.service_start >= lunch.end:
            rows.append(lunch_row)
            lunch_row = ""
        d = stop_details(stop, people)
        rows.append(
            f'<tr><td class="seq">{stop.seq}</td><td>{stop.arrival[11:16]}</td>'
            f"<td>{stop.service_start[11:16]}</td><td>{stop.departure[11:16]}</td>"
            f"<td>{e(d['initials'])}<br><small>{e(' '.join(stop.resident_ids))}</small></td>"
            f'<td>{e(d["address"])}</td><td class="n">{len(stop.resident_ids)}</td>'
            f'<td class="n">{stop.doses}</td><td>{e(d["phones"])}</td>'
            f'<td class="flag">{"✔" if stop.needs_doctor else ""}</td>'
            f"<td>{e(opened.get(stop.seq, ''))}</td><td></td></tr>"
        )
    if lunch_row and route.stops:
        rows.append(lunch_row)
    title = (
        f"{t('route_sheet', lang)} · {t('team', lang)} {e(route.team_id)}"
        f"{' · ' + e(team_name) if team_name else ''} · {e(route.date)}"
    )
    meta = (
        f"{t('start', lang)} {route.start[11:16]} · {t('end', lang)} "
        f"{route.end[11:16]} · {len(route.stops)} {t('stops', lang)} · "
        f"{t('carry', lang)} <b>{route.dose_count()}</b> {t('dose_unit', lang)} · "
        f"{t('distance', lang)} {route.distance_m / 1000:.1f} km"
        + (
            f" · {t('vials', lang)}: {len(route.vials)} × {e(route.vaccine or '')} "
            f"({route.doses_wasted} {t('wasted', lang)})"
            if route.vials
            else ""
        )
    )
    return (
        f'<!DOCTYPE html><html lang="{e(lang)}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title><style>{SHEET_CSS}</style></head><body>"
        f'<h1>{title}</h1><p class="meta">{meta}</p><table><thead><tr>'
        + "".join(f"<th>{h}</th>" for h in head)
        + "</tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>"
        + workload_footer(route, load, lang)
        + "</body></html>"
    )


def workload_footer(route: PlanRoute, load: Workload | None, lang: str) -> str:
    """This team-day's hours and stops, and the plan's min / mean / max over all team-days."""
    if load is None or not load.team_days:
        return ""
    mine = (
        f"{t('this_day', lang)}: {_num(route_hours(route), 1, lang)} {t('hours_unit', lang)} · "
        f"{len(route.stops)} {t('stops', lang)}"
    )
    h, n = load.hours, load.stops
    spread = (
        f"{t('hours_label', lang)} {_num(h.low, 1, lang)} / {_num(h.mean, 1, lang)} / "
        f"{_num(h.high, 1, lang)} · {t('stops_label', lang)} {_num(n.low, 0, lang)} / "
        f"{_num(n.mean, 1, lang)} / {_num(n.high, 0, lang)}"
    )
    return (
        f'<p class="meta vr-workload">{mine}. {t("all_team_days", lang)} '
        f"({load.team_days}, {t('min_mean_max', lang)}): {html.escape(spread)}</p>"
    )


def _num(value: float, decimals: int, lang: str) -> str:
    """A number as the sheet's reader writes it: 8,5 in Vietnamese, 8.5 in English."""
    text = f"{value:.{decimals}f}"
    return text.replace(".", ",") if lang == "vi" else text
