"""Plan the rest: a re-plan's preview of what changes, and publishing it."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
