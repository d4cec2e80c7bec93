"""A plan's maps, route sheets, GPX and exports. Team leaders get only their own team's, and
only of a published plan (a draft re-plan is a 404 to them: api/deps.visible_plan)."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from api.audit import record
from api.cache import residents_stamp
from api.deps import (
    PagesDep,
    PlanId,
    SettingsDep,
    done_plan,
    get_plan,
    page_cache,
    residents_of,
    server_settings,
    team_route,
    visible_part,
    visible_plan,
    ward_polygons,
)
from api.headers import html_page
from api.schemas import RoutePublic
from api.security import PlannerDep, PrincipalDep, SessionDep
from api.settings import Settings as ServerSettings
from api.store import load_teams
from maps.assets import render
from maps.gpx import route_gpx
from maps.overview import overview_map
from maps.sheet import route_sheet_html
from maps.streets import Streets, load_streets
from maps.style import DEFAULT_TILES, TileSpec
from maps.team import team_map
from planner.cells import XLSX_TYPE, csv_bytes, xlsx_bytes
from planner.errors import InputError
from planner.output import SHEET_COLUMNS, sheet_rows
from planner.plan_document import Plan, resident_ids
from planner.workload import workload

router = APIRouter(prefix="/plans/{plan_id}", tags=["maps and sheets"])
ASSETS = "/assets"


def _tiles(s: ServerSettings) -> TileSpec | None:
    """The map background the server's settings ask for (OpenStreetMap unless told)."""
    if not s.tiles_url:
        return DEFAULT_TILES
    return None if s.tiles_url == "none" else TileSpec(s.tiles_url, s.tiles_attribution or "")


def _streets(s: ServerSettings, plan: Plan) -> Streets | None:
    """The streets around all the plan's routes (one read of the extract serves every team's
    map; each map clips them to its own routes). Only for a plan made on the road network
    the server still has (the same extract by name); else the map as before."""
    used = plan.travel_model.get("extract") if plan.travel_model.get("kind") == "road" else None
    if s.roads is None or used != s.roads.name or not s.roads.is_file():
        return None
    try:
        return load_streets(s.roads, plan)
    except InputError:  # the file changed into something unreadable: the map without it
        return None


def _lang(settings: ServerSettings, lang: str | None) -> str:
    """The language asked for, else the server's."""
    return lang if lang in ("vi", "en") else settings.lang


LangQuery = Annotated[Literal["vi", "en"] | None, Query()]


@router.get("/teams/{team_id}/route", response_model=list[RoutePublic])
def team_route_json(
    plan_id: PlanId,
    team_id: str,
    session: SessionDep,
    principal: PrincipalDep,
    date: str | None = None,
) -> list[dict[str, Any]]:
    """The team's routes (all days, or one ``date``) as in plan.json."""
    plan = done_plan(visible_plan(session, plan_id, principal))
    return [r.to_json() for r in team_route(plan, principal, team_id, date)]


@router.get("/teams/{team_id}/map", response_class=HTMLResponse)
def team_map_page(
    plan_id: PlanId,
    team_id: str,
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
    settings: SettingsDep,
    pages: PagesDep,
    date: str | None = None,
    lang: LangQuery = None,
) -> HTMLResponse:
    plan = done_plan(visible_plan(session, plan_id, principal))
    routes = team_route(plan, principal, team_id)
    record(session, principal, "read_map", detail=f"plan {plan_id} team {team_id}")
    language = _lang(settings, lang)

    def draw() -> str:
        people = residents_of(session, resident_ids(routes))
        own = replace(plan, routes=tuple(routes))
        return render(
            team_map(
                own,
                team_id,
                date,
                residents=people,
                lang=language,
                tiles=_tiles(settings),
                asset_base=ASSETS,
                streets=_streets(settings, plan),
            ),
            ASSETS,
        )

    key = ("team", plan_id, team_id, date, language, residents_stamp(session))
    return html_page(request, pages.get(key, draw))  # CSP: its scripts


@router.get("/teams/{team_id}/sheet")
def team_sheet(
    plan_id: PlanId,
    team_id: str,
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
    settings: SettingsDep,
    date: str | None = None,
    format: Literal["html", "csv"] = "html",
    lang: LangQuery = None,
) -> Response:
    plan = done_plan(visible_plan(session, plan_id, principal))
    routes = team_route(plan, principal, team_id, date)
    people = residents_of(session, resident_ids(routes))
    record(session, principal, "read_sheet", detail=f"plan {plan_id} team {team_id} {format}")
    if format == "csv":
        rows = [[route.date, *row] for route in routes for row in sheet_rows(route, people)]
        return Response(
            csv_bytes(["date", *SHEET_COLUMNS], rows),
            media_type="text/csv",
            headers={"Content-Disposition": f'attachment; filename="team-{team_id}.csv"'},
        )
    load = workload(plan)  # the footer: this day against all team-days (min / mean / max)
    sheets = [route_sheet_html(r, people, _lang(settings, lang), load=load) for r in routes]
    return html_page(request, "\n".join(sheets))


@router.get("/teams/{team_id}/gpx")
def team_gpx(
    plan_id: PlanId,
    team_id: str,
    session: SessionDep,
    principal: PrincipalDep,
    date: str | None = None,
    lang: LangQuery = None,
) -> Response:
    routes = team_route(
        done_plan(visible_plan(session, plan_id, principal)), principal, team_id, date
    )
    people = residents_of(session, routes[0].resident_ids())
    record(session, principal, "read_sheet", detail=f"plan {plan_id} team {team_id} gpx")
    return Response(
        route_gpx(routes[0].to_json(), people, lang or "vi"),
        media_type="application/gpx+xml",
        headers={
            "Content-Disposition": f'attachment; filename="team-{team_id}-{routes[0].date}.gpx"'
        },
    )


@router.get("/map", response_class=HTMLResponse)
def overview_page(
    plan_id: PlanId,
    request: Request,
    session: SessionDep,
    planner: PlannerDep,
    lang: LangQuery = None,
) -> HTMLResponse:
    """The overview map of every route, for planners."""
    # the console's plan page (api/pages/plan_page.py) calls this with these arguments: the
    # app's settings and caches come from the request here rather than as dependencies
    settings, pages = server_settings(request), page_cache(request)
    plan = done_plan(get_plan(session, plan_id))
    record(session, planner, "read_map", detail=f"plan {plan_id} overview")
    language = _lang(settings, lang)

    def draw() -> str:
        ids = plan.resident_ids() + [u.resident_id for u in plan.unassigned]
        return render(
            overview_map(
                plan,
                residents=residents_of(session, ids),
                teams=load_teams(session),
                wards=ward_polygons(request),
                lang=language,
                tiles=_tiles(settings),
                asset_base=ASSETS,
            ),
            ASSETS,
        )

    key = ("overview", plan_id, language, residents_stamp(session))
    return html_page(request, pages.get(key, draw))  # CSP: its scripts


EXPORT_COLUMNS = ["team_id", "date", "seq", "arrival", "resident_id", "ward", "status", "reason"]


def export_rows(plan: Plan) -> list[dict[str, Any]]:
    """One row per planned resident (team, day, stop, arrival) and per resident left out (the
    reason): EXPORT_COLUMNS, no names."""
    rows: list[dict[str, Any]] = []
    for r, s in plan.stops():
        for rid in s.resident_ids:
            rows.append(
                {
                    "team_id": r.team_id,
                    "date": r.date,
                    "seq": s.seq,
                    "arrival": s.arrival[11:16],
                    "resident_id": rid,
                    "ward": s.ward or "",
                    "status": "planned",
                    "reason": "",
                }
            )
    for u in plan.unassigned:
        rows.append(
            {
                "team_id": "",
                "date": "",
                "seq": "",
                "arrival": "",
                "resident_id": u.resident_id,
                "ward": "",
                "status": u.reason_code,
                "reason": u.reason,
            }
        )
    return rows


@router.get("/export")
def export(
    plan_id: PlanId,
    session: SessionDep,
    principal: PrincipalDep,
    format: Literal["csv", "xlsx"] = "csv",
) -> Response:
    """Every planned and unassigned resident, one row each (no names)."""
    plan = visible_part(done_plan(visible_plan(session, plan_id, principal)), principal)
    record(session, principal, "export_plan", detail=f"plan {plan_id} {format}")
    rows = [[row[c] for c in EXPORT_COLUMNS] for row in export_rows(plan)]
    if format == "xlsx":  # cells through planner/cells.py: ids and wards are never formulas
        return Response(
            xlsx_bytes({"plan": (EXPORT_COLUMNS, rows)}),
            media_type=XLSX_TYPE,
            headers={"Content-Disposition": f'attachment; filename="plan-{plan_id}.xlsx"'},
        )
    return Response(
        csv_bytes(EXPORT_COLUMNS, rows, lineterminator="\n"),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="plan-{plan_id}.csv"'},
    )
