"""Team tablets: enrol one with a QR code, list and revoke them; the tablet's side of the link.

``/devices`` (planners): each team with an "enrol a tablet" button and its devices (label,
enrolled by, last contact, a Revoke button). Enrolling makes a one-time code
(api/devices.py) and shows it as a QR code (segno, a PNG data URI: the CSP allows ``img-src
data:``) and as the link ``/enrol/<code>``; that page is never cached.

``/enrol/<code>`` (no session): redeems the code, sets the device cookie and redirects (303)
to ``/field``, so the code does not stay in the address bar or the history; a used, expired
or unknown code is a page that says so (410/404). A browser signed in to the console is
refused (409) without using the code: the planner clicking the link would otherwise spend it
and mix a device into the console's browser. The access log shows ``/enrol/{code}``, never
the code (api/access_log.py logs route templates).

The tablet's own pages (``/field``: the route, the stops, the offline app) are in
api/pages/field.py.
"""

from __future__ import annotations

import segno
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from api import audit, i18n
from api.devices import (
    DEVICE_COOKIE,
    ENROL_MINUTES,
    LABEL_MAX,
    create_code,
    find_device,
    list_devices,
    redeem,
    revoke_device,
    set_device_cookie,
    team_exists,
)
from api.models import DeviceRow
from api.pages.common import FormDep, LoginDep, lang_of, principal_of, render
from api.security import Principal, SessionDep
from api.store import as_local, load_teams
from api.web_sessions import WebLogin, request_login

router = APIRouter(include_in_schema=False)
NO_STORE = {"Cache-Control": "no-store"}


def _planner(request: Request, login: WebLogin) -> HTMLResponse | None:
    """A 403 page unless the signed-in user is a planner."""
    if login.role == "planner":
        return None
    return render(
        request, "error.html", login, status_code=403, message_key="devices_planners_only"
    )


def _devices_page(
    request: Request,
    session: Session,
    login: WebLogin,
    status_code: int = 200,
    error: str | None = None,
    notice: str | None = None,
) -> HTMLResponse:
    by_team: dict[str, list[DeviceRow]] = {}
    for device in list_devices(session):
        by_team.setdefault(device.team_id, []).append(device)
    return render(
        request,
        "devices.html",
        login,
        status_code=status_code,
        teams=load_teams(session),
        by_team=by_team,
        error=error,
        notice=notice,
        minutes=ENROL_MINUTES,
        label_max=LABEL_MAX,
        local=as_local,
    )


@router.get("/devices")
def devices(
    request: Request, session: SessionDep, login: LoginDep, revoked: bool = False
) -> HTMLResponse:
    refused = _planner(request, login)
    if refused is not None:
        return refused
    notice = i18n.translate("devices_revoked", lang_of(request)) if revoked else None
    return _devices_page(request, session, login, notice=notice)


def public_base(request: Request) -> str:
    """The server's address as a tablet reaches it: ``VAXROUTE_PUBLIC_URL`` when set (behind a
    proxy that rewrites Host, the request's own address is the proxy's view), else the
    request's."""
    configured = request.app.state.settings.public_url
    return (configured or str(request.base_url)).rstrip("/")


def _qr(link: str) -> str:
    """The link as a QR code, a PNG data URI (error correction M: survives a scuffed screen)."""
    return str(segno.make(link, error="m", micro=False).png_data_uri(scale=8, border=4))


@router.post("/devices/enrol")
def enrol(request: Request, session: SessionDep, login: LoginDep, form: FormDep) -> Response:
    refused = _planner(request, login)
    if refused is not None:
        return refused
    lang = lang_of(request)
    team = form.get("team")
    label = form.get("label") or ""
    if not isinstance(team, str) or not team_exists(session, team):
        return _devices_page(request, session, login, 400, i18n.translate("devices_bad_team", lang))
    if not isinstance(label, str) or len(label.strip()) > LABEL_MAX:
        return _devices_page(
            request, session, login, 400, i18n.translate("devices_bad_label", lang, n=LABEL_MAX)
        )
    row, code = create_code(session, team, login.user_name, label.strip())
    audit.record(session, principal_of(login), "enrol_device", detail=f"team {team}: code {row.id}")
    link = public_base(request) + f"/enrol/{code}"
    response = render(
        request,
        "devices_code.html",
        login,
        team=team,
        link=link,
        qr=_qr(link),
        expires=as_local(row.expires_at),
    )
    response.headers.update(NO_STORE)
    return response


@router.post("/devices/{device_id}/revoke")
def revoke(
    device_id: int, request: Request, session: SessionDep, login: LoginDep, _: FormDep
) -> Response:
    refused = _planner(request, login)
    if refused is not None:
        return refused
    if not 1 <= device_id <= 2_147_483_647 or not revoke_device(session, device_id):
        return _devices_page(
            request, session, login, 404, i18n.translate("devices_no_such", lang_of(request))
        )
    audit.record(session, principal_of(login), "revoke_device", detail=f"device {device_id}")
    return RedirectResponse("/devices?revoked=1", status_code=303)


def _enrol_failed(request: Request, key: str, status_code: int) -> HTMLResponse:
    response = render(
        request,
        "devices_enrol_failed.html",
        None,
        status_code=status_code,
        message_key=key,
        minutes=ENROL_MINUTES,
    )
    response.headers.update(NO_STORE)
    return response


@router.get("/enrol/{code}")
def open_link(code: str, request: Request, session: SessionDep) -> Response:
    """Redeem the code on the tablet (see the module docstring)."""
    if request_login(request, session) is not None:
        return _enrol_failed(request, "enrol_console", 409)
    outcome = redeem(session, code)
    if isinstance(outcome, str):
        return _enrol_failed(request, f"enrol_{outcome}", 404 if outcome == "unknown" else 410)
    earlier = find_device(session, request.cookies.get(DEVICE_COOKIE))
    if earlier is not None:  # enrolled again: the cookie it had is replaced, so revoke it
        revoke_device(session, earlier.id)
    device = outcome.device
    tablet = Principal(None, "team_leader", device.team_id, device_id=device.id)
    audit.record(session, tablet, "device_enrolled", detail=f"team {device.team_id}")
    response = RedirectResponse("/field", status_code=303, headers=NO_STORE)
    set_device_cookie(response, request, outcome.secret)
    return response
