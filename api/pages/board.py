"""Today's board: per team, stops done and remaining, refreshed by itself."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
