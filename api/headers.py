"""Security headers on every response, and a Content-Security-Policy for the pages.

Every response (JSON, files, pages, errors the app answers) carries ``X-Content-Type-Options:
nosniff``, ``Referrer-Policy: no-referrer``, ``X-Frame-Options: DENY`` and a CSP that allows
scripts only from this server (``'self'``), never inline ones, no plugins, no ``<base>``, no
framing (one exception: :func:`frameable`, the console's copy of the overview map, which this
site's own pages may frame; pages may frame only this site), and images from this server,
``data:`` URIs and the configured tile server.

The maps inline their scripts (folium writes one after ``</body>`` and one in ``<head>``).
:func:`html_page` adds the SHA-256 hash of each of those to ``script-src``. Hashes, unlike
nonces, are a property of the page text, so the rendered pages in api/cache.py stay valid as
they are. Only scripts in ``<head>`` or after ``</body>`` are hashed: data ends up inside
``<body>`` (stop lists, titles), so an inline script there could only have come from data
that escaping missed, and the browser refuses it.
"""

from __future__ import annotations

import base64
import hashlib
import re
from functools import lru_cache
from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.settings import Settings
from maps.style import DEFAULT_TILES

CSP = "Content-Security-Policy"
SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.I | re.S)
HOST = re.compile(r"^(\*\.)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*(:\d{1,5})?$")


def tile_source(tiles_url: str | None) -> str | None:
    """The CSP source for the background tiles: ``None`` without tiles or when they come from
    this server; ``https://*.example.org`` for a ``{s}`` subdomain template."""
    url = tiles_url or DEFAULT_TILES.url
    if url == "none":
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None  # a path on this server: 'self' covers it
    first, _, rest = parts.netloc.partition(".")
    host = f"*.{rest}" if "{" in first and "{" not in rest else parts.netloc
    return f"{parts.scheme}://{host}" if HOST.match(host) else None


def policy(settings: Settings, script_hashes: tuple[str, ...] = ()) -> str:
    """The Content-Security-Policy, with ``script_hashes`` ('sha256-...') allowed inline."""
    tiles = tile_source(settings.tiles_url)
    sources = {
        "default-src": "'none'",
        "script-src": " ".join(["'self'", *(f"'{h}'" for h in script_hashes)]),
        "style-src": "'self' 'unsafe-inline'",  # folium and Leaflet style elements inline
        "img-src": "'self' data:" + (f" {tiles}" if tiles else ""),
        "font-src": "'self' data:",
        "connect-src": "'self'",
        "form-action": "'self'",
        "frame-src": "'self'",  # the plan page frames the overview map (``frameable``)
        "frame-ancestors": "'none'",
        "base-uri": "'none'",
        "object-src": "'none'",
    }
    return "; ".join(f"{k} {v}" for k, v in sources.items())


@lru_cache(maxsize=64)
def inline_script_hashes(page: str, body: bool = False) -> tuple[str, ...]:
    """'sha256-...' of each inline script in ``<head>`` or after ``</body>`` (or anywhere, with
    ``body=True``, for pages with no data in them). Cached by page text: cached pages are the
    same string object each time."""
    start, end = page.find("<body"), page.rfind("</body>")
    found = []
    for match in SCRIPT.finditer(page):
        if re.search(r"\bsrc\s*=", match.group(1), re.I):
            continue
        if not body and start != -1 and start < match.start() < end:
            continue
        text = match.group(2).replace("\r\n", "\n").replace("\r", "\n")  # as the parser does
        digest = hashlib.sha256(text.encode("utf-8")).digest()
        found.append("sha256-" + base64.b64encode(digest).decode("ascii"))
    return tuple(found)


def html_page(
    request: Request, page: str, *, trusted_body: bool = False, status_code: int = 200
) -> HTMLResponse:
    """``page`` as a response whose CSP allows exactly its own inline scripts."""
    hashes = inline_script_hashes(page, trusted_body)
    return HTMLResponse(
        page, status_code=status_code, headers={CSP: policy(request.app.state.settings, hashes)}
    )


def frameable(response: Response) -> Response:
    """``response`` (a page with its own CSP) made embeddable in this site's own pages, and
    only there: ``frame-ancestors 'self'`` and ``X-Frame-Options: SAMEORIGIN``. For the
    console's copy of the overview map (api/pages/plan_page.py); the JSON API's map and every
    other response keep refusing to be framed."""
    csp = response.headers.get(CSP, "")
    response.headers[CSP] = csp.replace("frame-ancestors 'none'", "frame-ancestors 'self'")
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


class SecurityHeaders:
    """ASGI middleware: the headers on every response; a route's own CSP is kept."""

    def __init__(self, app: ASGIApp, csp: str) -> None:
        self.app = app
        self.headers = {
            CSP: csp,
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
            "X-Frame-Options": "DENY",
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def install(app: FastAPI, settings: Settings) -> None:
    """Add the middleware; call once in ``create_app``."""
    app.add_middleware(SecurityHeaders, csp=policy(settings))
