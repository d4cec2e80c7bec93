"""``team_map``: one team's rounds for the tablet: numbered stops, route, times, stop list."""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from typing import Any

import folium

from maps.assets import (
    HtmlPopup,
    MapScript,
    TextTooltip,
    add_html,
    layer_name,
    offline_map,
    script_json,
)
from maps.i18n import day_label, labels, t
from maps.streets import Streets, add_streets
from maps.style import DEFAULT_TILES, TileSpec, add_tiles, depot_icon, stop_icon
from planner.model import Resident
from planner.plan import route_legs, route_line
from planner.plan_document import Plan, PlanRoute, PlanStop

ROUTE_COLOUR = "#1f4e79"


def team_map(
    plan: Plan,
    team_id: str,
    day: str | None = None,
    *,
    residents: Mapping[str, Resident] | None = None,
    lang: str = "vi",
    tiles: TileSpec | None = DEFAULT_TILES,
    asset_base: str | None = None,
    streets: Streets | None = None,
) -> folium.Map:
    """The team's map: each day of the plan a layer, ``day`` (ISO date) shown first.

    Popups and the stop list show initials, address, phone, people, doses and flags, never a
    full name or a condition. Without ``residents`` only resident ids are shown. With
    ``streets`` (a road plan's extract, maps/streets.py) the streets around the routes are a
    layer under them, shown by default when there are no background tiles.
    """
    routes = plan.routes_of(team_id)
    shown = day or (routes[0].date if routes else plan.start_date)
    people = residents or {}
    visible = next((r for r in routes if r.date == shown), None)
    centre = _centre(visible or (routes[0] if routes else None))
    page_title = f"{t('team', lang)} {team_id} · {day_label(shown)}"
    m = offline_map(
        asset_base, title=page_title, lang=lang, location=centre, zoom_start=15, control_scale=True
    )
    add_tiles(m, tiles)
    if streets is not None:
        add_streets(m, streets, routes, lang, show=tiles is None, asset_base=asset_base)
    panel: list[str] = []
    for route in routes:
        layer = folium.FeatureGroup(
            name=layer_name(f"{t('day', lang)} {day_label(route.date)}"), show=route.date == shown
        )
        markers = _draw_route(layer, route, people, lang)
        layer.add_to(m)
        if route.date == shown:
            panel.insert(0, _panel_day(route, markers, people, lang))
        else:
            panel.append(_panel_day(route, markers, people, lang))
    folium.LayerControl(collapsed=True).add_to(m)
    title = f"{t('team', lang)} {html.escape(team_id)}"
    _add_panel(m, title, panel or [f"<p>{t('no_stops', lang)}</p>"], lang)
    if visible and visible.stops:
        m.add_child(MapScript(f"vaxrouteFit({m.get_name()}, {script_json(_bounds(visible))});"))
    return m


def _centre(route: PlanRoute | None) -> list[float]:
    if route is None:
        return [21.0285, 105.8542]
    if route.depot:
        return [route.depot.lat, route.depot.lon]
    return [route.stops[0].lat, route.stops[0].lon]


def _bounds(route: PlanRoute) -> list[list[float]]:
    pts = [(s.lat, s.lon) for s in route.stops]
    if route.depot:
        pts.append((route.depot.lat, route.depot.lon))
    return [
        [min(p[0] for p in pts), min(p[1] for p in pts)],
        [max(p[0] for p in pts), max(p[1] for p in pts)],
    ]


def _draw_route(
    layer: folium.FeatureGroup, route: PlanRoute, people: Mapping[str, Resident], lang: str
) -> list[folium.Marker]:
    path = route_line(route)  # along the roads when the plan used a road network
    if len(path) >= 2:
        # A white casing under the line keeps it readable on any background, or none.
        folium.PolyLine(path, color="#ffffff", weight=10, opacity=0.9).add_to(layer)
        folium.PolyLine(
            path, color=ROUTE_COLOUR, weight=5, opacity=0.95, class_name="vr-route"
        ).add_to(layer)
        for leg in route_legs(route):  # one arrow per leg, on its middle stretch
            middle = len(leg) // 2
            a, b = (leg[middle - 1], leg[middle]) if len(leg) > 2 else (leg[0], leg[-1])
            _arrow(layer, a, b)
    if route.depot:
        depot = folium.Marker([route.depot.lat, route.depot.lon], icon=depot_icon())
        depot.add_child(TextTooltip(t("depot", lang)))
        depot.add_to(layer)
    markers = []
    for stop in route.stops:
        marker = folium.Marker(
            [stop.lat, stop.lon], icon=stop_icon(stop.seq, bool(stop.needs_doctor))
        )
        marker.add_child(HtmlPopup(stop_popup(stop, people, lang)))
        marker.add_to(layer)
        markers.append(marker)
    return markers


def _arrow(layer: folium.FeatureGroup, a: tuple[float, float], b: tuple[float, float]) -> None:
    if abs(a[0] - b[0]) + abs(a[1] - b[1]) < 1e-5:
        return
    dx = (b[1] - a[1]) * math.cos(math.radians(a[0]))
    angle = math.degrees(math.atan2(b[0] - a[0], dx))
    mid = ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)
    icon = folium.DivIcon(
        html=f'<div class="vr-arrow" style="transform: rotate({-angle:.0f}deg)">&#10148;</div>',
        icon_size=(24, 24),
        icon_anchor=(12, 12),
    )
    folium.Marker(mid, icon=icon, interactive=False).add_to(layer)


def stop_details(
    stop: PlanStop | Mapping[str, Any], people: Mapping[str, Resident]
) -> dict[str, str]:
    """What may be shown of a stop: initials, address, phones. Never names or conditions.
    (The GPX writer, maps/gpx.py, still hands a stop as plan.json's mapping.)"""
    ids = stop.resident_ids if isinstance(stop, PlanStop) else stop["resident_ids"]
    members = [people[rid] for rid in ids if rid in people]
    return {
        "initials": ", ".join(m.initials or m.resident_id for m in members) or ", ".join(ids),
        "address": members[0].address if members else "",
        "phones": " / ".join(sorted({m.phone for m in members if m.phone})),
    }


def stop_popup(stop: PlanStop, people: Mapping[str, Resident], lang: str) -> str:
    """A stop's popup on the team's map: number, times, initials, address, people, doses,
    phones to call ahead, the doctor flag."""
    d = stop_details(stop, people)
    e = html.escape
    rows = [
        f"<b>{t('stop', lang)} {stop.seq}</b> · {t('arrival', lang)} "
        f"<b>{e(stop.arrival[11:16])}</b> – {t('departure', lang)} "
        f"{e(stop.departure[11:16])}",
        f"{t('who', lang)}: {e(d['initials'])}",
    ]
    if d["address"]:
        rows.append(f"{t('address', lang)}: {e(d['address'])}")
    rows.append(f"{t('people', lang)}: {len(stop.resident_ids)} · {t('doses', lang)}: {stop.doses}")
    if d["phones"]:
        links = " / ".join(f'<a href="tel:{e(p)}">{e(p)}</a>' for p in d["phones"].split(" / "))
        rows.append(f"{t('call_ahead', lang)}: {links}")
    if stop.needs_doctor:
        rows.append(f'<span class="vr-flag">{t("doctor", lang)}</span>')
    return '<div class="vr-popup">' + "<br>".join(rows) + "</div>"


def _panel_day(
    route: PlanRoute, markers: list[folium.Marker], people: Mapping[str, Resident], lang: str
) -> str:
    """One day of the stop list. A tap on a stop centres it and opens its popup: vaxroute.js
    listens on the panel and reads the data attributes (no inline ``onclick``: the pages'
    Content-Security-Policy allows no inline event handlers)."""
    e = html.escape
    head = (
        f"<h3>{t('day', lang)} {e(day_label(route.date))} · {len(route.stops)} "
        f"{t('stops', lang)} · {t('carry', lang)} {route.dose_count()} "
        f"{t('dose_unit', lang)} · {e(route.start[11:16])}–{e(route.end[11:16])}"
        "</h3>"
    )
    items = []
    for stop, marker in zip(route.stops, markers, strict=True):
        d = stop_details(stop, people)
        flag = f' <span class="vr-flag">{t("doctor", lang)}</span>' if stop.needs_doctor else ""
        disc = stop_icon(stop.seq, bool(stop.needs_doctor), html_only=True)
        items.append(
            f'<li data-lat="{float(stop.lat)}" data-lon="{float(stop.lon)}" '
            f'data-marker="{e(marker.get_name())}">{disc}'
            f"<div><b>{e(stop.arrival[11:16])}</b> · {e(d['initials'])} · "
            f"{stop.doses} {t('dose_unit', lang)}{flag}"
            f'<div class="vr-meta">{e(d["address"])}'
            f"{' · ☎ ' + e(d['phones']) if d['phones'] else ''}</div></div></li>"
        )
    return head + "<ol>" + "".join(items) + "</ol>"


def _add_panel(m: folium.Map, title: str, days: list[str], lang: str) -> None:
    panel = (
        f'<div id="vr-panel" role="complementary" tabindex="0" aria-label="{t("stop_list", lang)}">'
        f"<h2>{title}</h2>{''.join(days)}</div>"
        f'<button id="vr-toggle" type="button">{t("hide_list", lang)}</button>'
    )
    add_html(m, panel)
    m.add_child(MapScript(f"vaxrouteControls({m.get_name()}, {script_json(labels(lang))});"))
