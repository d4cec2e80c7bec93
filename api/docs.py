"""``/docs``: Swagger UI from the copy vendored in api/static/swagger (no CDN), under the CSP.

FastAPI's own ``/docs`` loads Swagger UI and a favicon from jsdelivr.net and fastapi.tiangolo.com;
on a health centre's closed network it stays blank, and the CSP forbids other hosts anyway.
ReDoc is off (``redoc_url=None`` in api/main.py): it would need another CDN bundle.
"""

from __future__ import annotations

from importlib import resources

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from api.headers import html_page

#: mounted before the maps' /assets so that /assets/swagger/... is found here, and cached
#: like the other assets (api/main.py's Cache-Control middleware)
SWAGGER = "/assets/swagger"


def install(app: FastAPI) -> None:
    """Mount the Swagger UI files and add ``GET /docs`` (the app needs ``docs_url=None``)."""
    folder = resources.files("api") / "static" / "swagger"
    app.mount(SWAGGER, StaticFiles(directory=str(folder)), name="swagger")

    @app.get("/docs", include_in_schema=False)
    def docs(request: Request) -> HTMLResponse:
        page = get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} – API",
            swagger_js_url=f"{SWAGGER}/swagger-ui-bundle.js",
            swagger_css_url=f"{SWAGGER}/swagger-ui.css",
            swagger_favicon_url="data:,",  # no request to fastapi.tiangolo.com
            swagger_ui_parameters={"validatorUrl": None},
        )  # no badge from validator.swagger.io
        # the page holds no data: its one inline script (in the body) is ours
        return html_page(request, bytes(page.body).decode("utf-8"), trusted_body=True)
