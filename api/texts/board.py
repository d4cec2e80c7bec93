"""Today's board (api/pages/board.py)."""

TEXTS: dict[str, dict[str, str]] = {
}
