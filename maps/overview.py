"""``overview_map``: the planner's map: all teams, ward coverage, who is not planned and why."""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from typing import Any

import folium
import numpy as np

from maps.assets import (
    HtmlPopup,
    MapScript,
    TextTooltip,
    add_html,
    layer_name,
    offline_map,
    script_json,
)
from maps.i18n import labels, reason_text, t
from maps.style import (
    DEFAULT_TILES,
    TEAM_COLOURS,
    TileSpec,
    add_tiles,
    depot_icon,
    unassigned_icon,
)
from maps.territories import add_territories, stop_marker
from planner.model import Resident, Team
from planner.plan import route_line
from planner.plan_document import Plan

# Coverage classes for the choropleth (share of eligible residents planned).
COVERAGE_BINS = [
    (0.0, "#d7191c"),
    (0.25, "#fdae61"),
    (0.5, "#ffffbf"),
    (0.75, "#a6d96a"),
    (0.9, "#1a9641"),
]


def overview_map(
    plan: Plan,
    *,
    residents: Mapping[str, Resident] | None = None,
    teams: Iterable[Team] = (),
    wards: Any = None,
    wards_approximate: bool = False,
    lang: str = "vi",
    tiles: TileSpec | None = DEFAULT_TILES,
    asset_base: str | None = None,
) -> folium.Map:
    """One layer per team, ward coverage (planned / eligible) from ``wards`` polygons
    (a GeoDataFrame with a ``ward`` column), unassigned residents with their reason, depots;
    territories (maps/territories.py): a layer per day, the first shown (the team layers, all
    days at once, start hidden), and the wards by the team serving most of them."""
    people = residents or {}
    team_ids = sorted({r.team_id for r in plan.routes} | {t.team_id for t in teams})
    colour = {tid: TEAM_COLOURS[i % len(TEAM_COLOURS)] for i, tid in enumerate(team_ids)}
    points = [(s.lat, s.lon) for _, s in plan.stops()]
    points += [(p.lat, p.lon) for p in people.values()]
    centre = list(np.mean(points, axis=0)) if points else [21.0285, 105.8542]
    m = offline_map(
        asset_base,
        title=t("overview", lang),
        lang=lang,
        location=centre,
        zoom_start=13,
        control_scale=True,
    )
    add_tiles(m, tiles)
    if wards is not None:
        _ward_layer(m, plan, people, wards, wards_approximate, lang)
    add_territories(m, plan, people, list(teams), colour, lang)
    for tid in team_ids:  # all days of a team: one tap away (the day layers show one day)
        _team_layer(m, plan, tid, colour[tid], lang)
    _unassigned_layer(m, plan, people, lang)
    _depot_layer(m, plan, teams, lang)
    folium.LayerControl(collapsed=True).add_to(m)
    m.add_child(MapScript(f"vaxrouteControls({m.get_name()}, {script_json(labels(lang))});"))
    if points:
        lat, lon = zip(*points, strict=True)
        m.fit_bounds([[min(lat), min(lon)], [max(lat), max(lon)]])
    return m


def ward_coverage(
    plan: Plan, people: Mapping[str, Resident], wards: Any
) -> dict[str, tuple[int, int]]:
    """{ward: (planned, eligible)}: eligible = planned + unassigned, located by polygon."""
    from planner.io.boundaries import locate_wards

    planned = set(plan.resident_ids())
    eligible = [rid for rid in planned | {u.resident_id for u in plan.unassigned} if rid in people]
    lat = np.array([people[r].lat for r in eligible])
    lon = np.array([people[r].lon for r in eligible])
    names = locate_wards(wards, lat, lon, np.ones(len(eligible), dtype=bool))
    out = {str(w): (0, 0) for w in wards["ward"]}
    for rid, ward in zip(eligible, names, strict=True):
        if ward is None:
            continue
        done, total = out[ward]
        out[ward] = (done + (rid in planned), total + 1)
    return out


def _coverage_colour(share: float | None) -> str:
    if share is None:
        return "#cccccc"
    return [c for lo, c in COVERAGE_BINS if share >= lo][-1]


def _ward_layer(
    m: folium.Map,
    plan: Plan,
    people: Mapping[str, Resident],
    wards: Any,
    approximate: bool,
    lang: str,
) -> None:
    coverage = ward_coverage(plan, people, wards)
    features = []
    for ward, geom in zip(wards["ward"], wards.geometry, strict=True):
        done, total = coverage.get(str(ward), (0, 0))
        share = done / total if total else None
        label = f"{ward}: {done}/{total}" + (f" ({100 * share:.0f}%)" if share is not None else "")
        # GeoJsonTooltip puts the label into innerHTML: escaped; the raw name is not embedded
        features.append(
            {
                "type": "Feature",
                "geometry": geom.__geo_interface__,
                "properties": {"label": html.escape(label), "fill": _coverage_colour(share)},
            }
        )
    name = t("wards", lang) + (f" ({t('approximate', lang)})" if approximate else "")
    folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name=name,
        style_function=lambda f: {
            "fillColor": f["properties"]["fill"],
            "color": "#555",
            "weight": 1.5,
            "fillOpacity": 0.45,
        },
        tooltip=folium.GeoJsonTooltip(fields=["label"], labels=False),
        class_name="vr-wards",
    ).add_to(m)
    legend = "".join(
        f'<i style="background:{c}"></i>&ge; {100 * lo:.0f}%<br>' for lo, c in COVERAGE_BINS
    )
    add_html(
        m,
        f'<div class="vr-legend" style="position:absolute;z-index:1000;left:10px;'
        f'bottom:40px"><b>{t("coverage", lang)}</b><br>{legend}</div>',
    )


def _team_layer(m: folium.Map, plan: Plan, team_id: str, colour: str, lang: str) -> None:
    layer = folium.FeatureGroup(name=layer_name(f"{t('team', lang)} {team_id}"), show=False)
    for route in plan.routes_of(team_id):
        path = route_line(route)
        folium.PolyLine(path, color=colour, weight=4, opacity=0.85, class_name="vr-route").add_to(
            layer
        )
        for stop in route.stops:
            stop_marker(route, stop, colour, lang).add_to(layer)
    layer.add_to(m)


def _unassigned_layer(m: folium.Map, plan: Plan, people: Mapping[str, Resident], lang: str) -> None:
    layer = folium.FeatureGroup(name=f"{t('unassigned', lang)} ({len(plan.unassigned)})")
    for u in plan.unassigned:
        person = people.get(u.resident_id)
        if person is None:  # rejected rows may have no usable position
            continue
        marker = folium.Marker([person.lat, person.lon], icon=unassigned_icon())
        marker.add_child(
            HtmlPopup(
                f'<div class="vr-popup vr-unassigned-popup"><b>{html.escape(u.resident_id)}</b>'
                f"<br>{t('reason', lang)}: {html.escape(reason_text(u.reason_code, lang))}"
                f" <code>{html.escape(u.reason_code)}</code></div>"
            )
        )
        marker.add_to(layer)
    layer.add_to(m)


def _depot_layer(m: folium.Map, plan: Plan, teams: Iterable[Team], lang: str) -> None:
    depots = {r.team_id: (r.depot.lat, r.depot.lon) for r in plan.routes if r.depot}
    depots.update({t.team_id: (t.depot_lat, t.depot_lon) for t in teams})
    layer = folium.FeatureGroup(name=t("depots", lang))
    for tid, (lat, lon) in sorted(depots.items()):
        marker = folium.Marker([lat, lon], icon=depot_icon())
        marker.add_child(TextTooltip(f"{t('depot', lang)} · {t('team', lang)} {tid}"))
        marker.add_to(layer)
    layer.add_to(m)
