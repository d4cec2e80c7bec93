"""The team leader's field app on an enrolled tablet (issue 22): today's route, a stop with
one-tap outcomes, offline first.

``/field`` (``?day=`` for the plan's other days): the team map of the day (framed from
``/field/map``, the JSON API's team map made framable by this site's pages only), the day's
stops with arrival, initials, count and done/remaining in the outcome colours. The page
carries the plan's id and version (data attributes): /static/field.js keeps the version the
tablet saw in localStorage and, when it changes, asks ``/field/changes`` what changed for the
team and shows "Lộ trình đã cập nhật".

``/field/stop/{seq}``: the stop's residents (initials, age, dose due, needs-doctor, phone as a
``tel:`` link, address, team notes; never names or conditions) with one-tap outcome buttons;
field.js posts them to ``POST /visits`` with the device's CSRF token, through an IndexedDB
queue that keeps them while offline. Another team's stop is a 404: the page is built from the
device's own team's route only.

``/field/sw.js`` (the service worker, scope ``/field``) and ``/field/manifest.webmanifest``
make the app installable and let it open without network. Every page answers ``no-store`` to
the browser's HTTP cache (the service worker keeps its own copy, which revoking clears).
"""

from __future__ import annotations

import datetime as dt
from importlib import resources
from typing import Any, Literal

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from api import i18n
from api.audit import record
from api.devices import request_device
from api.headers import frameable
from api.models import DeviceRow
from api.pages.common import lang_of, render
from api.pages.field_data import TeamDay, changes_since, team_day
from api.routes import plan_files
from api.security import Principal, SessionDep
from api.store import today_vn
from planner.outcomes import BOARD_STATES, OUTCOME_CODES, outcome_label

router = APIRouter(include_in_schema=False)
NO_STORE = {"Cache-Control": "no-store"}
STATIC = resources.files("api") / "static"


def _signed_out(request: Request, refused: HTTPException | None = None) -> HTMLResponse:
    """The 401 page; for a revoked or unknown device with the headers that sign it out."""
    out = render(request, "devices_field_out.html", None, status_code=401)
    if refused is not None:
        headers = refused.headers or {}
        out.headers.update({k: v for k, v in headers.items() if k != "Set-Cookie"})
        out.headers.append("Set-Cookie", headers["Set-Cookie"])
    return out


def _device(request: Request, session: SessionDep) -> DeviceRow | HTMLResponse:
    """The live device of the request, or the signed-out page."""
    try:
        device = request_device(request, session)
    except HTTPException as refused:  # revoked or unknown: signed out, stored data cleared
        return _signed_out(request, refused)
    return device if device is not None else _signed_out(request)


def _principal(device: DeviceRow) -> Principal:
    return Principal(None, "team_leader", device.team_id, device_id=device.id)


def _day(value: str | None) -> dt.date | None:
    """``?day=`` as a date (today in Viet Nam without it); None when it is not a date."""
    if value is None:
        return today_vn()
    try:
        return dt.date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        return None


def _page(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    response = render(request, name, None, status_code=status_code, **context)
    response.headers.update(NO_STORE)
    return response


def _problem(
    request: Request, device: DeviceRow, key: str, status_code: int, **values: Any
) -> HTMLResponse:
    message = i18n.translate(key, lang_of(request), **values)
    return _page(
        request,
        "field_message.html",
        status_code,
        team=device.team_id,
        message=message,
        device_csrf=device.csrf_token,
    )


def _labels(lang: str) -> dict[str, str]:
    return {code: outcome_label(code, lang) for code in BOARD_STATES}


@router.get("/field")
def field(request: Request, session: SessionDep, day: str | None = None) -> Response:
    """The team's route on ``day`` (see the module docstring)."""
    device = _device(request, session)
    if isinstance(device, Response):
        return device
    when = _day(day)
    if when is None:
        return _problem(request, device, "fa_bad_day", 400)
    record(
        session, _principal(device), "read_sheet", detail=f"field page {when} team {device.team_id}"
    )
    plan = team_day(session, device.team_id, when)
    return _page(
        request,
        "field.html",
        team=device.team_id,
        day=when,
        today=today_vn(),
        plan=plan,
        device_csrf=device.csrf_token,
        labels=_labels(lang_of(request)),
    )


@router.get("/field/stop/{number}")
def stop_page(
    number: str, request: Request, session: SessionDep, day: str | None = None
) -> Response:
    """One stop of the team's day with its residents and the outcome buttons. The number is
    the stop's place in the team's own route: another team's stops are not in it (404)."""
    device = _device(request, session)
    if isinstance(device, Response):
        return device
    when = _day(day)
    if when is None:
        return _problem(request, device, "fa_bad_day", 400)
    seq = int(number) if number.isdigit() and len(number) < 6 else -1
    plan = team_day(session, device.team_id, when)
    stop = plan.stop(seq) if plan is not None else None
    if plan is None or stop is None:
        return _problem(request, device, "fa_no_stop", 404)
    record(
        session,
        _principal(device),
        "read_sheet",
        detail=f"field stop {seq} {when} team {device.team_id}",
    )
    product, vial, opened_at = plan.product_at(seq)
    return _page(
        request,
        "field_stop.html",
        team=device.team_id,
        day=when,
        plan=plan,
        stop=stop,
        next_stop=plan.after(seq),
        product=product,
        vial=vial,
        opened_at=opened_at,
        outcomes=OUTCOME_CODES,
        device_csrf=device.csrf_token,
        labels=_labels(lang_of(request)),
        tomorrow=today_vn() + dt.timedelta(days=1),
    )


def _plan_or_404(
    request: Request, session: SessionDep, day: str | None
) -> tuple[DeviceRow, TeamDay] | Response:
    device = _device(request, session)
    if isinstance(device, Response):
        return device
    when = _day(day)
    plan = team_day(session, device.team_id, when) if when is not None else None
    if plan is None:
        return _problem(request, device, "fa_no_stop", 404)
    return device, plan


@router.get("/field/map", response_model=None)
def field_map(request: Request, session: SessionDep, day: str | None = None) -> Response:
    """The team's map of the day, framable by the field pages (the JSON API's team map)."""
    found = _plan_or_404(request, session, day)
    if isinstance(found, Response):
        return found
    device, plan = found
    lang: Literal["vi", "en"] = "en" if lang_of(request) == "en" else "vi"
    page = plan_files.team_map_page(
        plan.plan.id,
        device.team_id,
        request,
        session,
        _principal(device),
        request.app.state.settings,
        request.app.state.pages,
        date=plan.day.isoformat(),
        lang=lang,
    )
    page.headers.update(NO_STORE)
    return frameable(page)


@router.get("/field/changes", response_model=None)
def field_changes(
    request: Request, session: SessionDep, since: int, day: str | None = None
) -> Response:
    """What changed in the team's day since plan version ``since`` (initials only)."""
    found = _plan_or_404(request, session, day)
    if isinstance(found, Response):
        return found
    device, plan = found
    changes = changes_since(session, plan, device.team_id, since) if since > 0 else None
    if changes is None:
        return JSONResponse({"detail": "no such plan version"}, 404, headers=NO_STORE)
    return JSONResponse({"version": plan.plan.version, **changes.to_json()}, headers=NO_STORE)


@router.get("/field/sw.js")
def service_worker() -> Response:
    """The service worker, served under /field so that its scope can be /field."""
    body = (STATIC / "field-sw.js").read_bytes()
    return Response(
        body,
        media_type="text/javascript",
        headers={"Service-Worker-Allowed": "/field", "Cache-Control": "no-cache"},
    )


@router.get("/field/manifest.webmanifest")
def manifest(request: Request) -> Response:
    """The web manifest that makes the field app installable (name in the user's language)."""
    lang = lang_of(request)
    name = i18n.translate("fa_app_name", lang)
    body = {
        "name": name,
        "short_name": "VaxRoute",
        "lang": lang,
        "start_url": "/field",
        "scope": "/field",
        "display": "standalone",
        "background_color": "#f3f5f7",
        "theme_color": "#1f4e79",
        "icons": [
            {
                "src": f"/static/field-icon-{n}.png",
                "sizes": f"{n}x{n}",
                "type": "image/png",
                "purpose": "any",
            }
            for n in (192, 512)
        ],
    }
    return JSONResponse(
        body, media_type="application/manifest+json", headers={"Cache-Control": "no-cache"}
    )
