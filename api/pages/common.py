"""What every console page uses: the signed-in user, CSRF on forms, rendering, navigation.

A page handler takes ``login: LoginDep`` (no session: a redirect to /login, see
:class:`LoginRequired`) and, if it changes anything, ``form: FormDep`` (the parsed form after
the CSRF check: a POST without the session's token is a 403 page). It returns
``render(request, "name.html", login, key=value, ...)``. Templates are Jinja2 with autoescape
always on; ``t(key)`` is the catalogue (api/i18n.py) in the request's language. docs/console.md
walks through adding a page.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context
from jinja2.runtime import Context
from starlette.datastructures import FormData

from api import i18n
from api.security import Principal, SessionDep
from api.web_sessions import CSRF_FIELD, CSRF_HEADER, WebLogin, csrf_ok, request_login

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@dataclass(frozen=True)
class NavItem:
    """A screen in the header's navigation. ``path`` None: not built yet (shown, not linked)."""

    key: str
    path: str | None


#: the console's screens, in the header's order; a new screen sets its path here
NAV = (
    NavItem("nav_lists", "/lists"),
    NavItem("nav_plans", "/planning"),
    NavItem("nav_today", "/today"),
    NavItem("nav_report", "/report"),
    NavItem("nav_history", "/history"),
)


class LoginRequired(Exception):
    """No valid session: pages answer with a redirect to /login (api/pages/__init__.py)."""


class CsrfRejected(Exception):
    """A data-changing form without the session's CSRF token: a 403 page."""


def lang_of(request: Request) -> str:
    return i18n.pick_lang(request.cookies.get(i18n.LANG_COOKIE))


def page_login(request: Request, session: SessionDep) -> WebLogin:
    login = request_login(request, session)
    if login is None:
        raise LoginRequired()
    return login


LoginDep = Annotated[WebLogin, Depends(page_login)]


def principal_of(login: WebLogin) -> Principal:
    """The signed-in user as the API's Principal (for api/audit.py's ``record`` and the
    functions the JSON routes share)."""
    return Principal(None, login.role, None, user=login.user_name)


async def checked_form(request: Request, login: LoginDep) -> FormData:
    """The request's form, once its CSRF token (field or header) matches the session's."""
    form = await request.form()
    supplied = form.get(CSRF_FIELD)
    if not isinstance(supplied, str):
        supplied = request.headers.get(CSRF_HEADER)
    if not csrf_ok(login, supplied):
        raise CsrfRejected()
    return form


FormDep = Annotated[FormData, Depends(checked_form)]


def local_path(value: str | None, default: str = "/") -> str:
    """``value`` if it is a path on this site (never another host: no open redirect)."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return default
    return value


@pass_context
def _number(context: Context, value: float | int | None, decimals: int = 0) -> str:
    return i18n.number(value, context.get("lang", i18n.DEFAULT_LANG), decimals)


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        date=i18n.vn_date,
        time=i18n.vn_time,
        datetime=i18n.vn_datetime,
        clock=i18n.clock,
        number=_number,
    )
    env.globals.update(nav=NAV, langs=i18n.LANGS, csrf_field=CSRF_FIELD)
    return env


ENV = _environment()


def _here(request: Request) -> str:
    """Where the language switch comes back to: this page, or for a page that answers a
    form (a POST), the screen the form belongs to (its first path segment)."""
    if request.method == "GET":
        query = request.url.query
        return request.url.path + (f"?{query}" if query else "")
    return "/" + request.url.path.strip("/").split("/")[0]


def render(
    request: Request, name: str, login: WebLogin | None, status_code: int = 200, **context: Any
) -> HTMLResponse:
    """A template as a response, with the page's language, user, CSRF token and path."""
    lang = lang_of(request)
    html = ENV.get_template(name).render(
        request=request,
        lang=lang,
        t=i18n.translator(lang),
        login=login,
        csrf_token=login.csrf_token if login else "",
        current_path=request.url.path,
        here=_here(request),
        **context,
    )
    return HTMLResponse(html, status_code=status_code)
