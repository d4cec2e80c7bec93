"""The FastAPI application: ``create_app(settings)``; ``vaxroute serve`` runs it with uvicorn."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from api.access_log import AccessLog, route_template
from api.cache import PageCache
from api.compression import SafeGZip
from api.db import Database, migrate
from api.docs import install as install_docs
from api.headers import install as install_headers
from api.jobs import JobRunner
from api.limits import install as install_limits
from api.pages import register as register_pages
from api.routes import audit, edits, plan_files, plans, reports, residents, teams, visits
from api.settings import Settings, get_settings
from api.store import ImportRefused
from planner.errors import InputError, VaxRouteError
from planner.files import private_files
from planner.settings import load_settings

log = logging.getLogger("vaxroute.api")

DESCRIPTION = """Plan home-visit vaccination rounds. Authenticate with
`Authorization: Bearer <token>` (tokens: `vaxroute token create`). Planners may do everything;
team leaders see only their own team's routes, maps, sheets and outcomes."""


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    private_files()  # the database, caches and anything else written: owner-only

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        db = Database(settings.database_url)
        migrate(db.engine)
        app.state.db = db
        path = str(settings.planner_settings) if settings.planner_settings else None
        app.state.jobs = JobRunner(
            settings.database_url,
            path,
            {
                "roads": str(settings.roads) if settings.roads else None,
                "osrm_url": settings.osrm_url,
                "dask_scheduler": settings.dask_scheduler,
            },
            stale_s=settings.solver_stale_s,
        )
        app.state.jobs.resume_pending()
        yield
        app.state.jobs.shutdown()
        db.engine.dispose()

    app = FastAPI(
        title="VaxRoute",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )  # /docs: api/docs.py, no CDN
    app.state.settings = settings
    app.state.planner_settings = load_settings(settings.planner_settings)
    if settings.roads is not None and not settings.roads.is_file():
        raise InputError(f"VAXROUTE_ROADS: {settings.roads}: road network file not found")
    app.state.wards = _wards(settings)
    app.state.pages = PageCache()
    for module in (residents, teams, plans, edits, plan_files, visits, reports, audit):
        app.include_router(module.router)
    install_docs(app)  # before /assets: it mounts /assets/swagger
    static = resources.files("maps") / "static"
    app.mount("/assets", StaticFiles(directory=str(static)), name="assets")
    register_pages(app)  # the console's HTML pages and /static (api/pages/, docs/console.md)
    _handlers(app)
    install_limits(app, settings.max_upload_bytes)  # body size, 422s that can be written
    install_headers(app, settings)  # nosniff, Referrer-Policy, CSP on every response
    app.add_middleware(SafeGZip)  # scripts, styles, the field map: not pages with tokens
    app.add_middleware(AccessLog)  # one line a request, by route template
    return app


def _wards(settings: Settings) -> Any:
    if settings.boundaries is None:
        return None
    from planner.io.boundaries import load_boundaries

    return load_boundaries(settings.boundaries)


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(VaxRouteError)
    async def vaxroute_error(_: Request, exc: VaxRouteError) -> JSONResponse:
        return JSONResponse({"error": exc.code, "detail": str(exc)}, status_code=exc.http_status)

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception) -> JSONResponse:
        # logged through SafeFormatter (vaxroute serve): frames and types, never the message
        log.error(
            "internal error in %s %s", request.method, route_template(request.scope), exc_info=exc
        )
        return JSONResponse({"error": "internal", "detail": "internal error"}, status_code=500)

    @app.exception_handler(ImportRefused)
    async def import_refused(_: Request, exc: ImportRefused) -> JSONResponse:
        return JSONResponse({"error": "input", "detail": exc.report}, status_code=422)

    @app.middleware("http")
    async def no_store(request: Request, call_next: Any) -> Any:
        response = await call_next(request)
        if request.url.path.startswith(("/assets/", "/static/")):
            response.headers["Cache-Control"] = "public, max-age=86400"
        else:  # plans, maps, sheets carry health data: never cache them
            response.headers["Cache-Control"] = "no-store"
        return response
