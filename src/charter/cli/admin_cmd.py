"""`charter db`, `charter user` and `charter token`: running a Charter database.

The database is found from ``--data-dir`` or ``--database-url``, else ``CHARTER_DATABASE_URL``,
else ``CHARTER_DATA_DIR``, else ``./.charter-data``. These commands act with full rights (whoever
can run them can read the database anyway).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
from pathlib import Path
from typing import Annotated

import typer

from charter.cli.render import err
from charter.errors import CharterError
from charter.services import SYSTEM, Services
from charter.store import database_url, open_store, upgrade
from charter.store.purge import RETENTION, purge

DEFAULT_DATA_DIR = Path(".charter-data")
ATTACHMENTS = "attachments"

DataDirOpt = Annotated[
    Path | None,
    typer.Option(
        "--data-dir",
        metavar="DIR",
        help="Where the SQLite database lives. Default: $CHARTER_DATABASE_URL, "
        "else $CHARTER_DATA_DIR, else ./.charter-data.",
        show_default=False,
    ),
]

DatabaseUrlOpt = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        metavar="URL",
        help="The database, e.g. postgresql://charter@db.example.org/charter "
        "(instead of --data-dir). Default: $CHARTER_DATABASE_URL.",
        show_default=False,
    ),
]

db_app = typer.Typer(name="db", help="Set up and migrate the database.", no_args_is_help=True)
user_app = typer.Typer(name="user", help="Manage user accounts.", no_args_is_help=True)
token_app = typer.Typer(name="token", help="Manage API tokens.", no_args_is_help=True)


def resolve_url(data_dir: Path | None, *, create: bool = False, url: str | None = None) -> str:
    """The database URL from the options or the environment; makes the directory if ``create``."""
    if data_dir is not None and url:
        raise CharterError("--data-dir and --database-url both name a database", fix="give only one of them")
    if url:
        return url
    if data_dir is None:
        url = os.environ.get("CHARTER_DATABASE_URL")
        if url:
            return url
        data_dir = default_data_dir()
    if create:
        data_dir.mkdir(parents=True, exist_ok=True)
    elif not data_dir.is_dir():
        raise CharterError(
            f"there is no data directory '{data_dir}'",
            fix="run `charter db upgrade` first, or point --data-dir / CHARTER_DATA_DIR at it",
        )
    return database_url(data_dir)


def default_data_dir() -> Path:
    return Path(os.environ.get("CHARTER_DATA_DIR") or DEFAULT_DATA_DIR)


def resolve_attachments(data_dir: Path | None, url: str | None) -> Path | None:
    """Where the attachment files are: ``CHARTER_ATTACHMENTS_DIR``, else in the data directory.

    A database named by URL (PostgreSQL) has no data directory: its files are wherever
    ``CHARTER_ATTACHMENTS_DIR`` says, and there are none without it.
    """
    configured = os.environ.get("CHARTER_ATTACHMENTS_DIR")
    if configured:
        return Path(configured)
    if data_dir is not None:
        return data_dir / ATTACHMENTS
    if url or os.environ.get("CHARTER_DATABASE_URL"):
        return None
    return default_data_dir() / ATTACHMENTS


@db_app.command("upgrade")
def db_upgrade_command(data_dir: DataDirOpt = None, database_url: DatabaseUrlOpt = None) -> None:
    """Create the database, or bring its schema up to date (take a backup first)."""
    url = resolve_url(data_dir, create=True, url=database_url)
    upgrade(url)
    err.print("the database is up to date")


@db_app.command("purge")
def db_purge_command(
    older_than: Annotated[
        str,
        typer.Option(
            "--older-than",
            metavar="AGE",
            help="Purge what was deleted longer ago than this: 12h, 30d, 8w.",
        ),
    ] = f"{RETENTION.days}d",
    data_dir: DataDirOpt = None,
    database_url: DatabaseUrlOpt = None,
) -> None:
    """Empty the trash: delete for good the projects and tasks deleted longer ago than --older-than.

    The server does this by itself at start-up and then daily, for trash older than 30 days.

    Example: `charter db purge --older-than 30d`
    """
    age = parse_age(older_than, option="--older-than", noun="duration")
    if age is None:
        raise CharterError(
            "--older-than: 'never' purges nothing", fix="give an age like 30d, or do not run the purge"
        )
    with open_store(resolve_url(data_dir, url=database_url)) as store:
        result = purge(store, age)
    if result.empty:
        err.print(f"the trash holds nothing deleted before {result.cutoff:%Y-%m-%d %H:%M} UTC")
        return
    err.print(
        f"purged {len(result.projects)} project(s), {result.task_count} task(s) and "
        f"{result.record_count} other record(s) deleted before {result.cutoff:%Y-%m-%d %H:%M} UTC"
    )
    for key in result.projects:
        err.print(f"  project {key}")
    for key, tables in result.items.items():
        counts = ", ".join(f"{len(found)} {table.replace('_', ' ')}" for table, found in tables.items())
        err.print(f"  from project {key}: {counts}")


@user_app.command("add")
def user_add_command(
    name: Annotated[str, typer.Argument(help="The user name.", show_default=False)],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
    admin: Annotated[bool, typer.Option("--admin", help="Make the user an administrator.")] = False,
    data_dir: DataDirOpt = None,
    database_url: DatabaseUrlOpt = None,
) -> None:
    """Add a user; the password comes on standard input (never on the command line).

    Example: `printf '%s' "$PASSWORD" | charter user add alice --password-stdin`
    """
    if not password_stdin:
        raise CharterError(
            "the password must come on standard input",
            fix="add --password-stdin and pipe the password in",
        )
    password = sys.stdin.readline().rstrip("\r\n")
    with open_store(resolve_url(data_dir, url=database_url)) as store:
        user = Services(store).accounts.add_user(SYSTEM, name, password, is_admin=admin)
    err.print(f"added user '{user.name}'{' (administrator)' if user.is_admin else ''}")


@token_app.command("create")
def token_create_command(
    name: Annotated[str, typer.Argument(help="A name for the token, e.g. 'ci'.", show_default=False)],
    user: Annotated[str, typer.Option("--user", help="Whose token it is.", show_default=False)],
    scope: Annotated[str, typer.Option("--scope", help="read or write.")] = "read",
    expires: Annotated[
        str, typer.Option("--expires", metavar="AGE", help="Lifetime: 12h, 30d, 8w, or never.")
    ] = "90d",
    data_dir: DataDirOpt = None,
    database_url: DatabaseUrlOpt = None,
) -> None:
    """Create an API token and print its secret, once: it cannot be shown again.

    Example: `charter token create ci --user alice --scope write --expires 30d`
    """
    if scope not in ("read", "write"):
        raise CharterError(f"--scope: '{scope}' is not a scope", fix="use read or write")
    lifetime = parse_age(expires)
    with open_store(resolve_url(data_dir, url=database_url)) as store:
        token = Services(store).tokens.create(
            SYSTEM, user, name, "write" if scope == "write" else "read", lifetime
        )
    expiry = (
        "never expires"
        if token.info.expires_at is None
        else f"expires {token.info.expires_at:%Y-%m-%d %H:%M} UTC"
    )
    err.print(f"token '{name}' for '{user}' ({scope}, {expiry}); it is shown only this once:")
    sys.stdout.write(token.secret + "\n")


AGE = re.compile(r"^(\d{1,5})([hdw])$")


def parse_age(text: str, *, option: str = "--expires", noun: str = "lifetime") -> dt.timedelta | None:
    """``30d`` → 30 days; ``never`` → None."""
    if text == "never":
        return None
    match = AGE.match(text.strip())
    if not match or int(match[1]) == 0:
        raise CharterError(f"{option}: '{text}' is not a {noun}", fix="write it like 12h, 30d, 8w or never")
    unit = {"h": "hours", "d": "days", "w": "weeks"}[match[2]]
    return dt.timedelta(**{unit: int(match[1])})
