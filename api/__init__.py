"""VaxRoute HTTP API: lists, plans, maps, visit outcomes, re-plans, daily reports."""
