"""The 16:30 report page (api/pages/report.py)."""

TEXTS: dict[str, dict[str, str]] = {
}
