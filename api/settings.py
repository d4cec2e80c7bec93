"""Server settings from the environment: ``VAXROUTE_*``, and ``DATABASE_URL`` for the database."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="VAXROUTE_", extra="ignore")

    database_url: str = Field(
        "sqlite:///vaxroute.sqlite",
        validation_alias=AliasChoices("DATABASE_URL", "VAXROUTE_DATABASE_URL"),
    )
    max_upload_mb: float = Field(10.0, gt=0, le=200)
    planner_settings: Path | None = None  # a settings.toml for the planner
    boundaries: Path | None = None  # ward polygons for the overview map
    roads: Path | None = None  # an OpenStreetMap extract (.osm.pbf/.osm): road travel times
    osrm_url: str | None = None  # or a routing server's base URL (OSRM table service)
    #: a Dask scheduler (tcp://HOST:8786) for plans that split into areas (docs/operations.md)
    dask_scheduler: str | None = Field(None, pattern=r"^tcp://[^\s/]+:[0-9]{1,5}$")
    default_time_limit_s: float = Field(30.0, gt=0, le=3600)
    #: an outcome's ``at`` may be this many days old (a tablet syncing late), no older
    visit_max_age_days: int = Field(60, ge=1, le=3660)
    max_queued: int = Field(5, ge=1, le=1000)  # plans waiting for the solver; then 429
    solver_stale_s: float = Field(30.0, ge=2, le=3600)  # a silent solver is dead
    lang: str = "vi"
    #: the address tablets use to reach the server (e.g. https://vaxroute.ttyt.vn): the enrolment
    #: link and its QR code are built on it; unset = the address the planner's browser used
    public_url: str | None = Field(None, pattern=r"^https?://[^\s/?#]+(/[^\s?#]*)?$")
    tiles_url: str | None = None
    tiles_attribution: str | None = None
    # the web console's sign-in (api/users.py, api/web_sessions.py; docs/console.md)
    session_idle_minutes: float = Field(30.0, gt=0, le=24 * 60)  # signed out after this idle
    session_hours: float = Field(12.0, gt=0, le=24 * 30)  # and after this long in any case
    cookie_secure: bool = False  # always mark the cookie Secure (it is on HTTPS requests)
    login_delay_s: float = Field(1.0, ge=0, le=30)  # each wrong password waits this long
    login_max_failures: int = Field(5, ge=1, le=100)  # wrong passwords in a row, then locked
    login_lock_minutes: float = Field(15.0, gt=0, le=24 * 60)  # for this long

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 1024 * 1024)


@cache
def get_settings() -> Settings:
    return Settings()
