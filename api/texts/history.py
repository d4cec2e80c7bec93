"""Re-plan preview and publication, plan versions and the audit (api/pages/replan.py,
api/pages/history.py)."""

TEXTS: dict[str, dict[str, str]] = {
}
