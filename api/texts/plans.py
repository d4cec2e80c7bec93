"""The plan form, its progress and the plan page (api/pages/plans.py)."""

TEXTS: dict[str, dict[str, str]] = {
}
