"""``python -m vaxroute``: the same command as the installed ``vaxroute``."""

from vaxroute.cli import app

app(prog_name="vaxroute")
