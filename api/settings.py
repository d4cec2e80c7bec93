"""Server settings from the environment: ``VAXROUTE_*``, and ``DATABASE_URL`` for the database."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="VAXROUTE_", extra="ignore")

    database_url: str = Field("sqlite:///vaxroute.sqlite",
                              validation_alias=AliasChoices("DATABASE_URL",
                                                            "VAXROUTE_DATABASE_URL"))
    max_upload_mb: float = Field(10.0, gt=0, le=200)
    planner_settings: Path | None = None  # a settings.toml for the planner
    boundaries: Path | None = None  # ward polygons for the overview map
    roads: Path | None = None  # an OpenStreetMap extract (.osm.pbf/.osm): road travel times
    osrm_url: str | None = None  # or a routing server's base URL (OSRM table service)
    default_time_limit_s: float = Field(30.0, gt=0, le=3600)
    lang: str = "vi"
    tiles_url: str | None = None
    tiles_attribution: str | None = None

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 1024 * 1024)


@cache
def get_settings() -> Settings:
    return Settings()
