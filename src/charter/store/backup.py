"""Backups that any Charter database can restore: SQLite to PostgreSQL and back.

A backup is a ZIP archive::

    manifest.json            format, schema revision, tables, files, checksums
    tables/<table>.jsonl     one JSON array per row, columns in the manifest's order
    attachments/<path>       the attachment files, as they are on disk

Every table the database holds is dumped (found by reflection, not from a fixed list), inside
one read transaction: on SQLite a WAL read transaction sees one snapshot for its whole life, on
PostgreSQL a ``REPEATABLE READ READ ONLY`` transaction does; the server keeps running and
writing meanwhile. Values are written in a backend-neutral form (instants as UTC ISO 8601, JSON
columns as JSON, bytes as base64), so an archive restores on either backend.

The manifest's ``checksum`` is the SHA-256 of the rest of the manifest as canonical JSON (sorted
keys, no spaces); it covers every part's SHA-256 in turn. :mod:`charter.store.restore` reads
archives back.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import hashlib
import json
import os
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import sqlalchemy as sa
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Connection, Engine

from charter import __version__
from charter.errors import CharterError, Location
from charter.store.database import make_engine

FORMAT = "charter-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
TABLES = "tables/"
ATTACHMENTS = "attachments/"
VERSION_TABLE = "alembic_version"
BATCH = 1000
IN_PROGRESS = "tmp"
"""The attachments' directory of files being written (see :mod:`charter.store.blobs`): skipped."""
COPY_CHUNK = 1 << 20


class BackupError(CharterError):
    """A backup cannot be made or restored: unreadable or damaged archive, wrong target."""


class Progress(Protocol):
    """Told about long work: a step with a known (or unknown) size, then how far it got."""

    def start(self, label: str, total: int | None) -> None: ...

    def advance(self, amount: int) -> None: ...


class Silent:
    def start(self, label: str, total: int | None) -> None:
        pass

    def advance(self, amount: int) -> None:
        pass


@dataclass(frozen=True, slots=True)
class TableEntry:
    name: str
    columns: tuple[str, ...]
    rows: int
    sha256: str
    size: int

    @property
    def member(self) -> str:
        return f"{TABLES}{self.name}.jsonl"


@dataclass(frozen=True, slots=True)
class FileEntry:
    path: str
    """Relative to the attachments directory, with ``/`` separators."""
    sha256: str
    size: int

    @property
    def member(self) -> str:
        return f"{ATTACHMENTS}{self.path}"


@dataclass(frozen=True, slots=True)
class Manifest:
    """What an archive holds, read from its ``manifest.json`` and checked."""

    revision: str
    created_at: str
    source: str
    charter_version: str
    tables: tuple[TableEntry, ...]
    files: tuple[FileEntry, ...]

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables)


# -- backup ------------------------------------------------------------------------------------


def backup(
    url: str, target: Path, *, attachments: Path | None = None, progress: Progress | None = None
) -> Manifest:
    """Write a consistent backup of the database at ``url`` (and the ``attachments`` files) to ``target``.

    The archive is written under a temporary name and renamed when complete, so ``target`` is
    never a half-written file.
    """
    progress = progress or Silent()
    target = Path(target)
    if target.is_dir():
        raise BackupError(
            f"'{target}' is a directory", fix="name the archive file to write, e.g. charter-backup.zip"
        )
    if not target.parent.is_dir():
        raise BackupError(
            f"there is no directory '{target.parent}' to write the backup into",
            fix="create it first, or name a file in an existing directory",
        )
    partial = target.with_name(f".{target.name}.partial")
    engine = make_engine(url)
    try:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
            with _snapshot(engine) as connection:
                revision = MigrationContext.configure(connection).get_current_revision()
                if revision is None:
                    raise BackupError(
                        "the database has no Charter tables: there is nothing to back up",
                        fix="check --data-dir / --database-url (CHARTER_DATA_DIR, CHARTER_DATABASE_URL)",
                    )
                tables = tuple(
                    _dump_table(archive, connection, table, progress) for table in reflect_tables(connection)
                )
            files: tuple[FileEntry, ...] = ()
            if attachments is not None and attachments.is_dir():
                files = _dump_files(archive, attachments, progress)
            manifest = Manifest(
                revision=revision,
                created_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                source=engine.dialect.name,
                charter_version=__version__,
                tables=tables,
                files=files,
            )
            archive.writestr(MANIFEST, _manifest_json(manifest))
        _fsync(partial)
        os.replace(partial, target)
        _fsync(target.parent)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        engine.dispose()
    return manifest


@contextmanager
def _snapshot(engine: Engine) -> Iterator[Connection]:
    """One read-only transaction that sees a single snapshot of the whole database."""
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            if engine.dialect.name == "postgresql":
                connection.exec_driver_sql("SET TRANSACTION READ ONLY")
            yield connection


def reflect_tables(connection: Connection) -> list[sa.Table]:
    metadata = sa.MetaData()
    metadata.reflect(connection)
    return [t for t in metadata.sorted_tables if t.name != VERSION_TABLE]


def _dump_table(
    archive: zipfile.ZipFile, connection: Connection, table: sa.Table, progress: Progress
) -> TableEntry:
    columns = list(table.columns)
    encoders = [codec(column)[0] for column in columns]
    total = connection.scalar(sa.select(sa.func.count()).select_from(table))
    progress.start(f"backing up {table.name}", total)
    query = sa.select(*columns).order_by(*table.primary_key.columns)
    result = connection.execute(query, execution_options={"yield_per": BATCH})
    rows = 0
    with _HashingWriter(archive, f"{TABLES}{table.name}.jsonl") as member:
        for partition in result.partitions():
            lines = []
            for row in partition:
                try:
                    values = [encode(value) for encode, value in zip(encoders, row, strict=True)]
                except (TypeError, ValueError) as exc:
                    raise BackupError(
                        f"a value in table '{table.name}' cannot be written to a backup: {exc}",
                        where=Location(path=f"{table.name}[{rows}]"),
                    ) from None
                lines.append(json.dumps(values, ensure_ascii=False, separators=(",", ":")))
                rows += 1
            member.write(("\n".join(lines) + "\n").encode())
            progress.advance(len(partition))
    return TableEntry(table.name, tuple(c.name for c in columns), rows, member.sha256, member.size)


def _dump_files(archive: zipfile.ZipFile, root: Path, progress: Progress) -> tuple[FileEntry, ...]:
    paths = sorted(
        p
        for p in root.rglob("*")
        if p.is_file() and not p.is_symlink() and p.relative_to(root).parts[0] != IN_PROGRESS
    )
    progress.start("backing up attachments", len(paths))
    entries = []
    for path in paths:
        relative = path.relative_to(root).as_posix()
        with path.open("rb") as source, _HashingWriter(archive, f"{ATTACHMENTS}{relative}") as member:
            while chunk := source.read(COPY_CHUNK):
                member.write(chunk)
        entries.append(FileEntry(relative, member.sha256, member.size))
        progress.advance(1)
    return tuple(entries)


class _HashingWriter:
    """A member of the archive being written, whose SHA-256 and size are kept."""

    def __init__(self, archive: zipfile.ZipFile, name: str) -> None:
        self._stream = archive.open(name, "w", force_zip64=True)
        self._hash = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> None:
        self._stream.write(data)
        self._hash.update(data)
        self.size += len(data)

    @property
    def sha256(self) -> str:
        return self._hash.hexdigest()

    def __enter__(self) -> _HashingWriter:
        return self

    def __exit__(self, *_: object) -> None:
        self._stream.close()


def _manifest_json(manifest: Manifest) -> str:
    body = _manifest_body(manifest)
    return json.dumps({**body, "checksum": checksum(body)}, indent=2, ensure_ascii=False) + "\n"


def _manifest_body(manifest: Manifest) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "charter_version": manifest.charter_version,
        "created_at": manifest.created_at,
        "source": manifest.source,
        "schema_revision": manifest.revision,
        "tables": [
            {"name": t.name, "columns": list(t.columns), "rows": t.rows, "sha256": t.sha256, "bytes": t.size}
            for t in manifest.tables
        ],
        "attachments": [{"path": f.path, "sha256": f.sha256, "bytes": f.size} for f in manifest.files],
    }


def checksum(body: dict[str, Any]) -> str:
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


# -- values ------------------------------------------------------------------------------------

Encoder = Callable[[Any], Any]
Decoder = Callable[[Any], Any]


def codec(column: sa.Column[Any]) -> tuple[Encoder, Decoder]:
    """How a column's values are written to the archive, and read back for this column."""
    kind = column.type
    if isinstance(kind, sa.JSON):
        return _same, _same
    if isinstance(kind, sa.DateTime):
        aware = bool(kind.timezone)
        return _none_or(_encode_instant), _none_or(lambda text: _decode_instant(text, aware=aware))
    if isinstance(kind, sa.Date):
        return _none_or(dt.date.isoformat), _none_or(dt.date.fromisoformat)
    if isinstance(kind, sa.Time):
        return _none_or(dt.time.isoformat), _none_or(dt.time.fromisoformat)
    if isinstance(kind, sa.Interval):
        return _none_or(dt.timedelta.total_seconds), _none_or(lambda s: dt.timedelta(seconds=s))
    if isinstance(kind, sa.LargeBinary):
        return _none_or(lambda b: base64.b64encode(bytes(b)).decode("ascii")), _none_or(base64.b64decode)
    if isinstance(kind, sa.Numeric) and not isinstance(kind, sa.Float):
        return _none_or(str), _none_or(decimal.Decimal)
    return _plain, _same


def _same(value: Any) -> Any:
    return value


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    raise TypeError(f"{type(value).__name__} values are not supported")


def _none_or(convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda value: None if value is None else convert(value)


def _encode_instant(value: dt.datetime) -> str:
    """SQLite keeps instants as naive UTC, PostgreSQL as aware ones: both become UTC ISO 8601."""
    value = value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)
    return value.isoformat()


def _decode_instant(text: str, *, aware: bool) -> dt.datetime:
    value = dt.datetime.fromisoformat(text)
    value = value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)
    return value if aware else value.replace(tzinfo=None)


__all__ = [
    "BackupError",
    "FileEntry",
    "Manifest",
    "Progress",
    "TableEntry",
    "backup",
]
