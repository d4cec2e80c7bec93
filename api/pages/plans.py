"""The plan form, its live progress and the plan page."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
