"""The planner's web console: server-rendered pages, one module per screen (docs/console.md).

``register(app)`` adds the pages' routers, the console's static files at ``/static``, the
in-memory stashes and the two page-only exceptions: no session (a redirect to /login) and a
form without its CSRF token (a 403 page). JSON routes stay in api/routes/.
"""

from __future__ import annotations

from importlib import resources

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

from api.pages import (
    auth,
    board,
    dashboard,
    devices,
    edits_page,
    field,
    history,
    list_views,
    lists,
    plans,
    replan,
    report,
)
from api.pages.common import CsrfRejected, LoginRequired, render
from api.pages.stash import Stash

ROUTERS = (
    auth.router,
    dashboard.router,
    lists.router,
    list_views.router,
    plans.router,
    replan.router,
    edits_page.router,
    board.router,
    report.router,
    history.router,
    devices.router,
    field.router,
)


def register(app: FastAPI) -> None:
    for router in ROUTERS:
        app.include_router(router)
    static = resources.files("api") / "static"
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    app.state.console_uploads = Stash(lists.UPLOAD_TTL_S, lists.UPLOADS_KEPT)
    app.state.console_searches = Stash(list_views.SEARCH_TTL_S, list_views.SEARCHES_KEPT)

    @app.exception_handler(LoginRequired)
    async def login_required(_: Request, __: LoginRequired) -> RedirectResponse:
        return RedirectResponse("/login", status_code=303)

    @app.exception_handler(CsrfRejected)
    async def csrf_rejected(request: Request, _: CsrfRejected) -> HTMLResponse:
        login = getattr(request.state, "web_login", None)  # set when the session was read
        return render(
            request, "error.html", login or None, status_code=403, message_key="csrf_failed"
        )
