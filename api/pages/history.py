"""Plan versions (who asked, when, published) and the audit of personal data."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
