"""The 16:30 report as a page, printable and downloadable."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
