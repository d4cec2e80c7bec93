"""Territories on the overview map (issue 24 item 5): where each team works, day by day, and
which team serves each ward, so that crossing routes and shared wards show.

* **A layer per day** (the first shown, the others one tap away on the day switch,
  ``vaxrouteDays`` in maps/static/vaxroute.js, or in the layer control): each team-day's
  served area, the convex hull of its station and its stops (shapely) padded a little, in the
  team's colour, with that day's routes and stops.
* **Wards by team**: the product has no ward polygons, so a ward's area is the hull of its
  residents' positions (planned or not); it is filled with the colour of the team that serves
  most of its planned residents, outlined dashed when other teams serve some too (a shared
  ward); its tooltip lists the teams and the teams the teams list assigns it to
  (``Team.wards``).

Nothing here names a resident or a condition: tooltips carry team ids, ward names, dates and
counts, every one escaped (Leaflet writes tooltips as HTML).
"""

from __future__ import annotations

import html
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import folium
from shapely.geometry import MultiPoint, Polygon

from maps.assets import HtmlPopup, MapScript, TextTooltip, layer_name, script_json
from maps.i18n import day_label, t
from maps.style import small_stop_icon
from planner.model import Resident, Team
from planner.plan import route_line
from planner.plan_document import Plan, PlanRoute, PlanStop

#: padding around a hull, degrees (about 40 m): a lone stop or a straight street still shows
PAD_DEG = 0.00035


@dataclass(frozen=True)
class WardShare:
    """Who serves a ward: its residents' positions and the planned residents per team."""

    ward: str
    points: tuple[tuple[float, float], ...]  # (lat, lon) of its residents
    by_team: Mapping[str, int]

    @property
    def main_team(self) -> str | None:
        """The team serving most of its planned residents (ties: the first team id)."""
        if not self.by_team:
            return None
        return min(self.by_team, key=lambda tid: (-self.by_team[tid], tid))

    @property
    def shared(self) -> bool:
        """More than one team serves it."""
        return len(self.by_team) > 1


def hull(points: Iterable[tuple[float, float]]) -> list[list[float]]:
    """The padded convex hull of (lat, lon) points as a Leaflet ring of [lat, lon]."""
    shape = MultiPoint([(lon, lat) for lat, lon in points]).convex_hull.buffer(PAD_DEG, 4)
    assert isinstance(shape, Polygon)
    return [[lat, lon] for lon, lat in shape.exterior.coords]


def route_points(route: PlanRoute) -> list[tuple[float, float]]:
    """The team-day's station and stops, (lat, lon)."""
    points = [(s.lat, s.lon) for s in route.stops]
    if route.depot is not None:
        points.append((route.depot.lat, route.depot.lon))
    return points


def ward_shares(plan: Plan, people: Mapping[str, Resident]) -> list[WardShare]:
    """Every ward the plan's residents live in: its positions and planned residents per team.
    A stop's ward comes from the plan, else from the residents list."""
    points: dict[str, list[tuple[float, float]]] = defaultdict(list)
    teams: dict[str, Counter[str]] = defaultdict(Counter)
    for route, stop in plan.stops():
        for rid in stop.resident_ids:
            ward = stop.ward or (people[rid].ward if rid in people else "")
            if ward:
                teams[ward][route.team_id] += 1
                points[ward].append((stop.lat, stop.lon))
    for u in plan.unassigned:
        person = people.get(u.resident_id)
        if person is not None and person.ward:
            points[person.ward].append((person.lat, person.lon))
    return [WardShare(w, tuple(points[w]), dict(teams[w])) for w in sorted(points)]


def add_territories(
    m: folium.Map,
    plan: Plan,
    people: Mapping[str, Resident],
    teams: Sequence[Team],
    colour: Mapping[str, str],
    lang: str,
) -> None:
    """The wards-by-team layer and one layer per day with the day switch (the first day
    shown). Nothing when the plan has no route."""
    days = sorted({r.date for r in plan.routes if r.stops})
    if not days:
        return
    _ward_layer(m, plan, people, teams, colour, lang)
    layers = [_day_layer(m, plan, day, colour, lang, show=k == 0) for k, day in enumerate(days)]
    switch = {
        "title": t("day", lang),
        "days": [
            {"label": day_label(day)[:5], "full": day_label(day), "layer": name}
            for day, name in zip(days, layers, strict=True)
        ],
    }
    m.add_child(MapScript(f"vaxrouteDays({m.get_name()}, {script_json(switch)});"))


def _day_layer(
    m: folium.Map, plan: Plan, day: str, colour: Mapping[str, str], lang: str, show: bool
) -> str:
    """One day's served areas, routes and stops; returns the layer's JavaScript name."""
    layer = folium.FeatureGroup(
        name=layer_name(f"{t('territory', lang)} · {day_label(day)}"), show=show
    )
    for route in (r for r in plan.routes if r.date == day and r.stops):
        c = colour.get(route.team_id, "#555")
        area = folium.Polygon(
            hull(route_points(route)),
            color=c,
            weight=2,
            fill=True,
            fill_color=c,
            fill_opacity=0.2,
            class_name="vr-territory",
        )
        area.add_child(
            TextTooltip(
                f"{t('team', lang)} {route.team_id} · {day_label(day)} · "
                f"{len(route.stops)} {t('stops', lang)}"
            )
        )
        area.add_to(layer)
        folium.PolyLine(
            route_line(route), color=c, weight=3, opacity=0.9, class_name="vr-day-route"
        ).add_to(layer)
        for stop in route.stops:
            stop_marker(route, stop, c, lang).add_to(layer)
    layer.add_to(m)
    return layer.get_name()


def stop_marker(route: PlanRoute, stop: PlanStop, colour: str, lang: str) -> folium.Marker:
    """A stop's numbered marker in the team's colour, its popup: team, date, order, arrival,
    people (no name; every value escaped: Leaflet writes popups as HTML)."""
    marker = folium.Marker([stop.lat, stop.lon], icon=small_stop_icon(stop.seq, colour))
    marker.add_child(
        HtmlPopup(
            f'<div class="vr-popup"><b>{t("team", lang)} {html.escape(route.team_id)} · '
            f"{html.escape(day_label(route.date))} · #{stop.seq}</b><br>{t('arrival', lang)} "
            f"{html.escape(stop.arrival[11:16])} · {t('people', lang)} "
            f"{len(stop.resident_ids)}"
            f"</div>"
        )
    )
    return marker


def _ward_layer(
    m: folium.Map,
    plan: Plan,
    people: Mapping[str, Resident],
    teams: Sequence[Team],
    colour: Mapping[str, str],
    lang: str,
) -> None:
    """Wards (their residents' hull) filled with the colour of the team serving most of them."""
    assigned: dict[str, list[str]] = defaultdict(list)
    for team in teams:
        for ward in team.wards:
            assigned[ward].append(team.team_id)
    layer = folium.FeatureGroup(name=layer_name(t("wards_by_team", lang)))
    for share in ward_shares(plan, people):
        main = share.main_team
        c = colour.get(main, "#999") if main else "#999"
        area = folium.Polygon(
            hull(share.points),
            color=c,
            weight=3 if share.shared else 1.5,
            dash_array="8 6" if share.shared else None,
            fill=True,
            fill_color=c,
            fill_opacity=0.12,
            class_name="vr-ward-team vr-ward-shared" if share.shared else "vr-ward-team",
        )
        area.add_child(TextTooltip(_ward_label(share, assigned.get(share.ward, []), lang)))
        area.add_to(layer)
    layer.add_to(m)


def _ward_label(share: WardShare, assigned: list[str], lang: str) -> str:
    """'Ward W1 · team T1 12, team T2 3 (shared) · assigned: T1' (plain text, escaped later)."""
    served = ", ".join(
        f"{t('team', lang)} {tid} {n}"
        for tid, n in sorted(share.by_team.items(), key=lambda kv: (-kv[1], kv[0]))
    )
    parts = [f"{t('ward', lang)} {share.ward}", served or t("not_served", lang)]
    if share.shared:
        parts[-1] += f" ({t('shared', lang)})"
    if assigned:
        parts.append(f"{t('assigned_to', lang)}: {', '.join(sorted(assigned))}")
    return " · ".join(parts)
