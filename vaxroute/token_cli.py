"""``vaxroute token create | list | revoke``: the API's access tokens, managed on the server.

The database is ``--database`` or else DATABASE_URL (as ``vaxroute serve`` uses); the schema is
brought up to date first. A token is printed once, on stdout alone (scripts read it from
there); everything else goes to stderr. A new token lasts 90 days for a team leader and 365 for
a planner unless ``--days`` says otherwise (api/security.py says why). Input errors exit 2.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.text import Text

from planner.constants import VN_TZ

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from api.models import TokenRow

token_app = typer.Typer(help="API access tokens: create, list, revoke.", no_args_is_help=True)
err = Console(stderr=True)
VN = VN_TZ
COLUMNS = ("id", "role", "team", "label", "created", "expires", "revoked")

DatabaseOption = Annotated[
    str | None,
    typer.Option(
        "--database", help="Database URL (default: DATABASE_URL, else sqlite:///vaxroute.sqlite)"
    ),
]


class Role(StrEnum):
    planner = "planner"
    team_leader = "team_leader"


def _input_error(message: str) -> typer.Exit:
    err.print(Text(f"error (input): {message}"), soft_wrap=True)
    return typer.Exit(2)


@contextmanager
def _session(database: str | None) -> Iterator[Session]:
    """A session on the migrated database; the engine is closed afterwards."""
    from api.db import Database, migrate
    from api.settings import get_settings

    db = Database(database or get_settings().database_url)
    try:
        migrate(db.engine)
        with db.session() as session:
            yield session
    finally:
        db.engine.dispose()


def _aware(value: dt.datetime) -> dt.datetime:
    """Stored times are UTC; SQLite hands them back naive."""
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _local(value: dt.datetime | None) -> str:
    return "-" if value is None else _aware(value).astimezone(VN).strftime("%Y-%m-%d %H:%M")


@token_app.command("create")
def token_create(
    role: Annotated[Role, typer.Option(help="planner or team_leader")],
    team: Annotated[
        str | None, typer.Option(help="Team id (team leaders); the team must be imported already")
    ] = None,
    label: Annotated[str, typer.Option(help="Who holds it (for your records)")] = "",
    days: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=3650,
            help="Days until it expires (default: 90 for a team leader, 365 for a planner)",
        ),
    ] = None,
    database: DatabaseOption = None,
) -> None:
    """Create an API token and print it once (only its hash is stored)."""
    from api.security import DEFAULT_DAYS, issue_token

    try:
        with _session(database) as session:
            row, token = issue_token(session, role.value, team, label, days)
            whose = f"{row.role}, team {row.team_id}" if row.team_id else row.role
            err.print(
                f"token {row.id} ({whose}) expires {_local(row.expires_at)} "
                f"({days or DEFAULT_DAYS[row.role]} days); it is shown only once",
                soft_wrap=True,
                highlight=False,
            )
    except ValueError as exc:
        raise _input_error(str(exc)) from None
    print(token)


def _print_table(header: tuple[str, ...], rows: list[list[str]]) -> None:
    """Columns padded to their widest cell, two spaces apart (`token list`, `user list`)."""
    table = [list(header), *rows]
    widths = [max(len(r[k]) for r in table) for k in range(len(header))]
    for cells in table:
        print("  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip())


def _cells(row: TokenRow, moment: dt.datetime) -> list[str]:
    expires = _local(row.expires_at)
    if row.expires_at is not None and _aware(row.expires_at) <= moment:
        expires += " (expired)"
    return [
        str(row.id),
        row.role,
        row.team_id or "-",
        row.label or "-",
        _local(row.created_at),
        expires if row.expires_at else "never",
        _local(row.revoked_at),
    ]


@token_app.command("list")
def token_list(database: DatabaseOption = None) -> None:
    """List tokens: id, role, team, label, created, expires, revoked (never a token or hash)."""
    from api.security import list_tokens

    with _session(database) as session:
        moment = dt.datetime.now(dt.UTC)
        rows = [_cells(r, moment) for r in list_tokens(session)]
    _print_table(COLUMNS, rows)


@token_app.command("revoke")
def token_revoke(
    token_id: Annotated[int, typer.Argument(metavar="ID", help="The id `token list` shows")],
    database: DatabaseOption = None,
) -> None:
    """Revoke a token: it gets 401 from now on. Visits it recorded keep naming it.
    Revoking a revoked token changes nothing."""
    from api.security import revoke_token

    try:
        with _session(database) as session:
            row, now_revoked = revoke_token(session, token_id)
            stamp = _local(row.revoked_at)
    except LookupError as exc:
        raise _input_error(str(exc)) from None
    print(
        f"token {token_id} revoked at {stamp}"
        if now_revoked
        else f"token {token_id} was already revoked at {stamp}"
    )
