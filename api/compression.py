"""gzip for the responses that carry no secret: scripts, styles and the field app's team map.

A team leader's tablet on a weak signal (400 kbit/s) pays for every byte of its day: Leaflet,
the styles and the team map page shrink three to five times when compressed, which brings a
25-stop day under the field app's 300 KB budget (benchmarks/RESULTS.md, "Field app under a slow
network"). Pages that carry a CSRF token (the console's and the field app's) stay uncompressed:
a compressed secret beside text a requester chooses (the language links repeat the address)
leaks through the response's length (BREACH). The team map carries none and repeats nothing of
the request but a checked date.
"""

from __future__ import annotations

from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

#: paths compressed: static files and the field app's framed team map
PREFIXES = ("/static/", "/assets/")
PATHS = frozenset({"/field/map"})


class SafeGZip:
    """Starlette's GZipMiddleware for :data:`PREFIXES` and :data:`PATHS` only."""

    def __init__(self, app: ASGIApp, minimum_size: int = 1000) -> None:
        self.app = app
        self.gzip = GZipMiddleware(app, minimum_size=minimum_size, compresslevel=6)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if path.startswith(PREFIXES) or path in PATHS:
            await self.gzip(scope, receive, send)
        else:
            await self.app(scope, receive, send)
