"""Access log by route template: ``GET /residents/{resident_id} 200 12 ms``.

A request path can carry a resident id (``/residents/DX-014``) and a query string anything a
client typed, so neither is logged: the matched route's template is, or ``<unmatched>``.
uvicorn's own access log is off (``vaxroute serve`` passes ``access_log=False``).
"""

from __future__ import annotations

import logging
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("vaxroute.access")


def route_template(scope: Scope) -> str:
    """The template of the route that served the request (Starlette puts it in the scope)."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else "<unmatched>"


class AccessLog:
    """Pure ASGI middleware: one log line per HTTP request, after the response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status: dict[str, Any] = {"code": 500}

        async def remember(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, remember)
        finally:
            log.info(
                "%s %s %s %.0f ms",
                scope.get("method", "?"),
                route_template(scope),
                status["code"],
                (time.perf_counter() - started) * 1000,
            )
