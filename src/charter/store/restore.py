"""Restoring a backup (see :mod:`charter.store.backup` for the archive), on SQLite or PostgreSQL.

A restore is one transaction: it drops whatever the target holds, creates the schema at the
archive's revision with the migrations, loads the rows, then migrates to the newest revision.
If anything fails, the database is left as it was. Attachment files are unpacked (and checked)
into a staging directory first and swapped in only after the database has committed.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import tempfile
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any

import sqlalchemy as sa
from alembic import command
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy.engine import Connection, make_url

from charter.store.backup import (
    BATCH,
    COPY_CHUNK,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    VERSION_TABLE,
    BackupError,
    FileEntry,
    Manifest,
    Progress,
    Silent,
    TableEntry,
    checksum,
    codec,
    reflect_tables,
)
from charter.store.database import WRITE, make_engine, refresh_statistics
from charter.store.migrate import alembic_config


@dataclass(frozen=True, slots=True)
class RestoreResult:
    manifest: Manifest
    revision: str | None
    """The schema revision the database is at now (the newest this Charter knows)."""


@contextmanager
def open_archive(path: Path) -> Iterator[tuple[zipfile.ZipFile, Manifest]]:
    """The archive at ``path`` and its manifest, checked for format, version and checksum."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"there is no backup file '{path}'", fix="check the path")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise BackupError(
            f"'{path}' is not a Charter backup: {exc}", fix="name a file written by `charter backup`"
        ) from None
    with archive:
        yield archive, _read_manifest(archive, path)


def _read_manifest(archive: zipfile.ZipFile, path: Path) -> Manifest:
    damaged = f"'{path}' is damaged"
    try:
        document = json.loads(archive.read(MANIFEST))
    except KeyError:
        raise BackupError(
            f"'{path}' is not a Charter backup (it has no {MANIFEST})",
            fix="name a file written by `charter backup`",
        ) from None
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise BackupError(f"{damaged}: its {MANIFEST} cannot be read ({exc})", fix=_DAMAGED_FIX) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise BackupError(f"'{path}' is not a Charter backup", fix="name a file written by `charter backup`")
    version = document.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise BackupError(
            f"'{path}' is in backup format {version}, newer than this Charter reads ({FORMAT_VERSION})",
            fix="restore it with the Charter version that wrote it, or a newer one",
        )
    recorded = document.pop("checksum", None)
    if recorded != checksum(document):
        raise BackupError(f"{damaged}: its manifest does not match its checksum", fix=_DAMAGED_FIX)
    try:
        return Manifest(
            revision=str(document["schema_revision"]),
            created_at=str(document["created_at"]),
            source=str(document["source"]),
            charter_version=str(document["charter_version"]),
            tables=tuple(
                TableEntry(t["name"], tuple(t["columns"]), int(t["rows"]), t["sha256"], int(t["bytes"]))
                for t in document["tables"]
            ),
            files=tuple(
                FileEntry(_safe_path(f["path"], path), f["sha256"], int(f["bytes"]))
                for f in document["attachments"]
            ),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise BackupError(f"{damaged}: its manifest lacks {exc}", fix=_DAMAGED_FIX) from None


_DAMAGED_FIX = "take the backup again, or use another copy of it"


def _safe_path(text: str, archive: Path) -> str:
    """An attachment's path, refused if it would land outside the attachments directory."""
    path = PurePosixPath(text)
    if path.is_absolute() or ".." in path.parts or not path.parts or "\\" in text:
        raise BackupError(
            f"'{archive}' names an attachment outside the attachments directory: '{text}'",
            fix="restore only backups written by `charter backup`",
        )
    return path.as_posix()


def _verify(archive: zipfile.ZipFile, name: str, sha256: str, size: int, path: Path) -> None:
    with _checked(archive, name, sha256, size, path) as stream:
        while stream.read(COPY_CHUNK):
            pass


@contextmanager
def _checked(
    archive: zipfile.ZipFile, name: str, sha256: str, size: int, path: Path
) -> Iterator[_HashingReader]:
    """Read a member; fail (once the reader is done) if its bytes are not the ones recorded."""
    try:
        raw = archive.open(name)
    except KeyError:
        raise BackupError(f"'{path}' is damaged: '{name}' is missing", fix=_DAMAGED_FIX) from None
    reader = _HashingReader(raw, f"'{path}' is damaged: '{name}' cannot be read")
    with raw:
        yield reader
    if reader.hexdigest() != sha256 or reader.size != size:
        raise BackupError(f"'{path}' is damaged: '{name}' does not match its checksum", fix=_DAMAGED_FIX)


class _HashingReader(io.RawIOBase):
    def __init__(self, raw: IO[bytes], damaged: str) -> None:
        super().__init__()
        self._raw = raw
        self._damaged = damaged
        self._hash = hashlib.sha256()
        self.size = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        try:
            data = self._raw.read(len(buffer))
        except (zipfile.BadZipFile, EOFError, zlib.error) as exc:
            raise BackupError(f"{self._damaged} ({exc})", fix=_DAMAGED_FIX) from None
        buffer[: len(data)] = data
        self._hash.update(data)
        self.size += len(data)
        return len(data)

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


# -- restore -----------------------------------------------------------------------------------


def restore(
    url: str,
    source: Path,
    *,
    attachments: Path | None = None,
    force: bool = False,
    progress: Progress | None = None,
) -> RestoreResult:
    """Replace the database at ``url`` (and the ``attachments`` files) with the backup ``source``.

    Refuses a database or attachments directory that holds anything unless ``force``; refuses
    an archive from a newer schema than this Charter knows. All or nothing.
    """
    progress = progress or Silent()
    source = Path(source)
    with open_archive(source) as (archive, manifest):
        _check_revision(manifest, source)
        if manifest.files and attachments is None:
            raise BackupError(
                f"'{source}' holds {len(manifest.files)} attachment files, but there is no attachments "
                "directory to restore them into",
                fix="set CHARTER_ATTACHMENTS_DIR (or --attachments-dir) for a PostgreSQL database",
            )
        if attachments is not None and not force and _has_files(attachments):
            raise BackupError(
                f"the attachments directory '{attachments}' is not empty",
                fix="restore into a new data directory, or add --force to replace everything",
            )
        progress.start("checking the backup", len(manifest.tables))
        for table in manifest.tables:
            _verify(archive, table.member, table.sha256, table.size, source)
            progress.advance(1)
        staging = _stage_files(archive, manifest, attachments, source, progress)
        try:
            revision = _load(url, archive, manifest, source, force=force, progress=progress)
            if staging is not None and attachments is not None:
                _swap(staging, attachments)
                staging = None
        finally:
            if staging is not None:
                shutil.rmtree(staging, ignore_errors=True)
    return RestoreResult(manifest, revision)


def _check_revision(manifest: Manifest, source: Path) -> None:
    scripts = ScriptDirectory.from_config(alembic_config())
    try:
        known = scripts.get_revision(manifest.revision)
    except CommandError:
        known = None
    if known is None:
        raise BackupError(
            f"'{source}' comes from a newer Charter (schema revision {manifest.revision}, "
            f"Charter {manifest.charter_version}); this one knows up to revision "
            f"{scripts.get_current_head()}",
            fix=f"upgrade Charter to {manifest.charter_version} or later, then restore",
        )


def _has_files(directory: Path) -> bool:
    return directory.is_dir() and any(p.is_file() for p in directory.rglob("*"))


def _stage_files(
    archive: zipfile.ZipFile, manifest: Manifest, attachments: Path | None, source: Path, progress: Progress
) -> Path | None:
    """Unpack the attachment files next to ``attachments``, checked, for :func:`_swap`."""
    if attachments is None:
        return None
    attachments.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{attachments.name}.restoring-", dir=attachments.parent))
    try:
        progress.start("restoring attachments", len(manifest.files))
        for entry in manifest.files:
            target = staging / entry.path
            target.parent.mkdir(parents=True, exist_ok=True)
            with (
                _checked(archive, entry.member, entry.sha256, entry.size, source) as stream,
                target.open("wb") as out,
            ):
                shutil.copyfileobj(stream, out, COPY_CHUNK)
            progress.advance(1)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return staging


def _swap(staging: Path, attachments: Path) -> None:
    old: Path | None = None
    if attachments.exists():
        old = attachments.with_name(f".{attachments.name}.replaced-{os.getpid()}")
        os.replace(attachments, old)
    os.replace(staging, attachments)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _load(
    url: str,
    archive: zipfile.ZipFile,
    manifest: Manifest,
    source: Path,
    *,
    force: bool,
    progress: Progress,
) -> str | None:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            connection.execution_options(**{WRITE: True})
            with connection.begin():
                sqlite = engine.dialect.name == "sqlite"
                if sqlite:  # rows and tables are loaded in any order; checked at commit
                    connection.exec_driver_sql("PRAGMA defer_foreign_keys=ON")
                existing = sa.MetaData()
                existing.reflect(connection)
                if not force:
                    _refuse_if_not_empty(connection, existing, url)
                existing.drop_all(connection)
                _migrate(connection, manifest.revision)
                tables = {t.name: t for t in reflect_tables(connection)}
                expected = {t.name for t in manifest.tables}
                if set(tables) != expected:
                    raise BackupError(
                        f"'{source}' does not match schema revision {manifest.revision}: it holds "
                        f"tables {sorted(expected - set(tables)) or 'none'} the schema lacks, and "
                        f"lacks {sorted(set(tables) - expected) or 'none'}",
                        fix=_DAMAGED_FIX,
                    )
                try:
                    for entry in manifest.tables:
                        _load_table(connection, archive, tables[entry.name], entry, source, progress)
                    if sqlite:
                        _check_references(connection, source)
                    else:
                        _reset_sequences(connection, tables.values())
                except sa.exc.DBAPIError as exc:
                    raise BackupError(
                        f"'{source}' cannot be restored: the database refused its rows ({exc.orig})",
                        fix=_DAMAGED_FIX,
                    ) from None
                _migrate(connection, "head")
                revision = MigrationContext.configure(connection).get_current_revision()
        refresh_statistics(engine)
    finally:
        engine.dispose()
    return revision


def _check_references(connection: Connection, source: Path) -> None:
    """SQLite checks deferred foreign keys only at commit, with a terse message: check them here."""
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:
        table, rowid, parent, _ = broken[0]
        raise BackupError(
            f"'{source}' cannot be restored: {len(broken)} row(s) refer to rows that are not there "
            f"(the first: row {rowid} of table '{table}' refers to table '{parent}')",
            fix=_DAMAGED_FIX,
        )


def _refuse_if_not_empty(connection: Connection, metadata: sa.MetaData, url: str) -> None:
    for table in metadata.sorted_tables:
        if table.name != VERSION_TABLE and connection.scalar(
            sa.select(sa.literal(1)).select_from(table).limit(1)
        ):
            shown = make_url(url).render_as_string(hide_password=True)
            raise BackupError(
                f"the database {shown} is not empty (table '{table.name}' has rows)",
                fix="restore into a new data directory or an empty database, or add --force to "
                "replace everything in it",
            )


def _migrate(connection: Connection, revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


def _load_table(
    connection: Connection,
    archive: zipfile.ZipFile,
    table: sa.Table,
    entry: TableEntry,
    source: Path,
    progress: Progress,
) -> None:
    """Insert a table's rows; a reference to a row of the same table is set once all rows are in."""
    unknown = [name for name in entry.columns if name not in table.c]
    if unknown:
        raise BackupError(
            f"'{source}' has columns {unknown} in table '{table.name}' that schema revision has not",
            fix=_DAMAGED_FIX,
        )
    columns = [table.c[name] for name in entry.columns]
    for column in columns:
        if isinstance(column.type, sa.JSON):
            column.type.none_as_null = True  # SQL NULL stays NULL, not the JSON text 'null'
    decoders = [codec(column)[1] for column in columns]
    keys = list(table.primary_key.columns)
    key = keys[0] if len(keys) == 1 else None
    later = {
        fk.parent.name
        for fk in table.foreign_keys
        if key is not None and fk.column.table is table and fk.parent.nullable and fk.parent is not key
    }
    pending: dict[str, list[dict[str, Any]]] = {name: [] for name in later}
    progress.start(f"restoring {table.name}", entry.rows)
    rows = 0
    insert = sa.insert(table)
    with _checked(archive, entry.member, entry.sha256, entry.size, source) as raw:
        text = io.TextIOWrapper(io.BufferedReader(raw), encoding="utf-8")
        for batch in _batches(text):
            values = []
            for line in batch:
                row = dict(
                    zip(
                        entry.columns,
                        (decode(v) for decode, v in zip(decoders, json.loads(line), strict=True)),
                        strict=True,
                    )
                )
                for name in later:
                    if row[name] is not None and key is not None:
                        pending[name].append({"_key": row[key.name], "_value": row[name]})
                        row[name] = None
                values.append(row)
            connection.execute(insert, values)
            rows += len(values)
            progress.advance(len(values))
    if rows != entry.rows:
        raise BackupError(
            f"'{source}' is damaged: table '{table.name}' has {rows} rows, the manifest says {entry.rows}",
            fix=_DAMAGED_FIX,
        )
    for name, updates in pending.items():
        assert key is not None
        statement = sa.update(table).where(key == sa.bindparam("_key")).values({name: sa.bindparam("_value")})
        for start in range(0, len(updates), BATCH):
            connection.execute(statement, updates[start : start + BATCH])


def _batches(lines: Iterable[str]) -> Iterator[list[str]]:
    batch: list[str] = []
    for line in lines:
        if line.strip():
            batch.append(line)
            if len(batch) == BATCH:
                yield batch
                batch = []
    if batch:
        yield batch


def _reset_sequences(connection: Connection, tables: Iterable[sa.Table]) -> None:
    """Point PostgreSQL's id sequences past the restored ids, so new rows get fresh ones."""
    preparer = connection.dialect.identifier_preparer
    for table in tables:
        keys = list(table.primary_key.columns)
        if len(keys) != 1 or not isinstance(keys[0].type, sa.Integer):
            continue
        sequence = connection.scalar(
            sa.text("SELECT pg_get_serial_sequence(:table, :column)"),
            {"table": preparer.format_table(table), "column": keys[0].name},
        )
        if sequence is None:
            continue
        highest = connection.scalar(sa.select(sa.func.coalesce(sa.func.max(keys[0]), 0)))
        connection.execute(
            sa.text("SELECT setval(:sequence, :next, false)"),
            {"sequence": sequence, "next": int(highest or 0) + 1},
        )


__all__ = ["RestoreResult", "open_archive", "restore"]
