"""``vaxroute user add | list | disable``: the people who sign in to the web console.

Accounts live in the server's database (``--database`` or DATABASE_URL, as for tokens; the
schema is brought up to date first). ``user add`` asks for the first password twice at the
terminal, hidden; ``--password-stdin`` reads it from standard input instead (one line), for
scripts, so that it never appears in a command line, the shell history or ``ps``. A password
has at least 10 characters; only its Argon2 hash is stored (api/users.py). ``user disable``
signs the person out everywhere at their next request and keeps the row. Input errors exit 2.
"""

from __future__ import annotations

import datetime as dt
import sys
from enum import StrEnum
from typing import Annotated

import typer
from rich.console import Console

from vaxroute.token_cli import DatabaseOption, _input_error, _local, _print_table, _session

user_app = typer.Typer(help="Console users: add, list, disable.", no_args_is_help=True)
err = Console(stderr=True)
COLUMNS = ("name", "role", "created", "disabled", "locked until")


class UserRole(StrEnum):
    planner = "planner"


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        return line[:-1] if line.endswith("\n") else line
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True, err=True))


@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(help="The name the person signs in with")],
    role: Annotated[UserRole, typer.Option(help="What the person may do")] = UserRole.planner,
    password_stdin: Annotated[
        bool,
        typer.Option(
            "--password-stdin",
            help="Read the password from standard input (one line) instead "
            "of asking twice at the terminal",
        ),
    ] = False,
    database: DatabaseOption = None,
) -> None:
    """Add a person who signs in to the console, with a first password."""
    from api.users import add_user, check_name, check_password

    try:
        check_name(name)
        password = _read_password(password_stdin)
        check_password(password)
        with _session(database) as session:
            row = add_user(session, name, password, role.value)
            print(f"user {row.name!r} added ({row.role})")
    except ValueError as exc:
        raise _input_error(str(exc)) from None


@user_app.command("list")
def user_list(database: DatabaseOption = None) -> None:
    """List the console's users: name, role, created, disabled, locked until (never a hash)."""
    from api.users import list_users, utc

    with _session(database) as session:
        moment = dt.datetime.now(dt.UTC)
        rows = [
            [
                u.name,
                u.role,
                _local(u.created_at),
                _local(u.disabled_at),
                _local(u.locked_until) if u.locked_until and utc(u.locked_until) > moment else "-",
            ]
            for u in list_users(session)
        ]
    _print_table(COLUMNS, rows)


@user_app.command("disable")
def user_disable(
    name: Annotated[str, typer.Argument(help="The user's name (`user list` shows them)")],
    database: DatabaseOption = None,
) -> None:
    """Disable a user: their sessions end at their next request; the row stays.

    Disabling a disabled user changes nothing."""
    from api.users import disable_user

    try:
        with _session(database) as session:
            row, changed = disable_user(session, name)
            stamp = _local(row.disabled_at)
    except LookupError as exc:
        raise _input_error(str(exc)) from None
    print(
        f"user {row.name!r} disabled at {stamp}"
        if changed
        else f"user {row.name!r} was already disabled at {stamp}"
    )
