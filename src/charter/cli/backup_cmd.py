"""`charter backup` and `charter restore`: the whole database and its attachment files, in one file.

The archive is the same whatever the database: a backup of a SQLite data directory restores into
PostgreSQL and the other way round (see :mod:`charter.store.backup`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from charter.cli.admin_cmd import DatabaseUrlOpt, DataDirOpt, resolve_attachments, resolve_url
from charter.cli.render import err
from charter.store.backup import backup
from charter.store.restore import restore

ArchiveArg = Annotated[Path, typer.Argument(metavar="FILE", help="The backup archive.", show_default=False)]
AttachmentsOpt = Annotated[
    Path | None,
    typer.Option(
        "--attachments-dir",
        metavar="DIR",
        help="Where the attachment files are. Default: $CHARTER_ATTACHMENTS_DIR, else "
        "DATA_DIR/attachments (none for a database given by URL).",
        show_default=False,
    ),
]


class RichProgress:
    """Shows each step of a backup or restore as a bar on standard error."""

    def __init__(self, progress: Progress) -> None:
        self._progress = progress
        self._task: TaskID | None = None

    def start(self, label: str, total: int | None) -> None:
        self._task = self._progress.add_task(label, total=total)

    def advance(self, amount: int) -> None:
        if self._task is not None:
            self._progress.advance(self._task, amount)


@contextmanager
def progress_bars() -> Iterator[RichProgress]:
    with Progress(
        TextColumn("{task.description:<32}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=not err.is_terminal,
    ) as progress:
        yield RichProgress(progress)


def backup_command(
    file: ArchiveArg,
    data_dir: DataDirOpt = None,
    database_url: DatabaseUrlOpt = None,
    attachments_dir: AttachmentsOpt = None,
) -> None:
    """Back up the database and its attachment files into FILE, while the server keeps running.

    The backup is one consistent snapshot, and it restores on SQLite and PostgreSQL alike.

    Example: `charter backup /srv/backups/charter-2027-03-01.zip --data-dir /srv/charter`
    """
    url = resolve_url(data_dir, url=database_url)
    attachments = attachments_dir or resolve_attachments(data_dir, database_url)
    with progress_bars() as progress:
        manifest = backup(url, file, attachments=attachments, progress=progress)
    err.print(
        f"backed up {manifest.rows} rows in {len(manifest.tables)} tables and "
        f"{len(manifest.files)} attachment files (schema revision {manifest.revision}) to {file}"
    )


def restore_command(
    file: ArchiveArg,
    force: Annotated[
        bool,
        typer.Option("--force", help="Replace whatever the database and attachments directory hold."),
    ] = False,
    data_dir: DataDirOpt = None,
    database_url: DatabaseUrlOpt = None,
    attachments_dir: AttachmentsOpt = None,
) -> None:
    """Restore a backup into an empty database (or, with --force, over the one there).

    All or nothing: if anything goes wrong, the database is left as it was. A backup from an
    older Charter is brought up to the current schema. Stop the server first.

    Example: `charter restore charter-2027-03-01.zip --database-url postgresql://charter@db/charter`
    """
    url = resolve_url(data_dir, create=True, url=database_url)
    attachments = attachments_dir or resolve_attachments(data_dir, database_url)
    with progress_bars() as progress:
        result = restore(url, file, attachments=attachments, force=force, progress=progress)
    manifest = result.manifest
    upgraded = (
        f", upgraded to schema revision {result.revision}" if result.revision != manifest.revision else ""
    )
    err.print(
        f"restored {manifest.rows} rows in {len(manifest.tables)} tables and {len(manifest.files)} "
        f"attachment files from {file} (made {manifest.created_at} from {manifest.source}){upgraded}"
    )
