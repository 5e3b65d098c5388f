"""Attachments: files attached to a project or to one of its tasks.

A row names the file by its SHA-256; the bytes are in :class:`~charter.store.blobs.Blobs`, put
there (durably) before the row is written. Deleting an attachment moves the row to the trash
and keeps the file, so that it can be restored.
"""

from __future__ import annotations

import datetime as dt
import mimetypes
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from charter.errors import InvalidChangeError, Location
from charter.store import project_records as records
from charter.store import rows as steps
from charter.store.blobs import Blob
from charter.store.models import AttachmentRow, ProjectRow

if TYPE_CHECKING:
    from charter.store.repository import Store

MAX_FILENAME = 255
DEFAULT_TYPE = "application/octet-stream"
MEDIA_TYPE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$")
AttachmentCheck = Callable[["Attachment"], None]
"""Called with the attachment as stored, inside the writing transaction, before it is changed."""
ALL_TASKS = "*"
"""The ``task`` filter that lists every attachment of the project, its tasks' included."""


@dataclass(frozen=True, slots=True)
class Attachment:
    project: str
    id: int
    """The attachment's number in its project."""
    task: str | None
    """The task it is attached to; None when it is attached to the project."""
    filename: str
    content_type: str
    size: int
    sha256: str
    author: str
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime
    deleted_at: dt.datetime | None = None

    def audit(self) -> dict[str, Any]:
        return {
            "task": self.task,
            "filename": self.filename,
            "content_type": self.content_type,
            "size": self.size,
            "sha256": self.sha256,
            "version": self.version,
        }


@dataclass(frozen=True, slots=True)
class AttachmentPage:
    items: list[Attachment]
    total: int


def check_filename(filename: str) -> str:
    """A file name to keep and offer for download: no directories, no control characters."""
    name = unicodedata.normalize("NFC", filename.strip())
    bad = (
        not name
        or name in (".", "..")
        or len(name) > MAX_FILENAME
        or any(c in "/\\" or unicodedata.category(c).startswith("C") for c in name)
    )
    if bad:
        raise InvalidChangeError(
            f"{filename!r} is not a usable file name",
            where=Location(path="filename"),
            fix="give the file's own name (1-255 characters, no '/', '\\' or control characters)",
        )
    return name


def media_type(content_type: str | None, filename: str) -> str:
    """The ``type/subtype`` of a Content-Type header (parameters dropped); when none is given
    (or only ``application/octet-stream``), the one the file name's extension suggests."""
    essence = (content_type or "").split(";")[0].strip().lower()
    if MEDIA_TYPE.match(essence) and essence != DEFAULT_TYPE:
        return essence
    guessed = mimetypes.guess_type(filename, strict=False)[0]
    return guessed if guessed is not None and MEDIA_TYPE.match(guessed) else DEFAULT_TYPE


class Attachments:
    """The attachment rows of one :class:`~charter.store.repository.Store`."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def page(
        self, key: str, task: str | None = ALL_TASKS, *, limit: int = 50, offset: int = 0
    ) -> AttachmentPage:
        """The live attachments, oldest first: of one task, of the project itself (``task=None``)
        or all of them (``ALL_TASKS``)."""
        with self._store.transaction(write=False) as session:
            project = steps.project(session, key)
            where: list[sa.ColumnElement[bool]] = [
                AttachmentRow.project_id == project.id,
                AttachmentRow.deleted_at.is_(None),
            ]
            if task is None:
                where.append(AttachmentRow.task_id.is_(None))
            elif task != ALL_TASKS:
                where.append(AttachmentRow.task_id == steps.task(session, project, task).id)
            total = session.scalar(sa.select(sa.func.count()).select_from(AttachmentRow).where(*where)) or 0
            rows = session.scalars(
                sa.select(AttachmentRow)
                .where(*where)
                .order_by(AttachmentRow.number)
                .limit(limit)
                .offset(offset)
            ).all()
            return AttachmentPage(self._all(session, project, rows), total)

    def get(self, key: str, number: int) -> Attachment:
        with self._store.transaction(write=False) as session:
            project = steps.project(session, key)
            row = records.find(session, AttachmentRow, project, number)
            return self._all(session, project, [row])[0]

    def trash(self, key: str) -> list[Attachment]:
        """Attachments in the project's trash, most recently deleted first."""
        with self._store.transaction(write=False) as session:
            project = steps.project(session, key)
            rows = session.scalars(
                sa.select(AttachmentRow)
                .where(AttachmentRow.project_id == project.id, AttachmentRow.deleted_at.is_not(None))
                .order_by(AttachmentRow.deleted_at.desc(), AttachmentRow.number.desc())
            ).all()
            return self._all(session, project, rows)

    def add(
        self, key: str, task: str | None, filename: str, content_type: str, blob: Blob, *, actor: str
    ) -> Attachment:
        """Record a file already put in the blob store as an attachment of the project or task."""
        name = check_filename(filename)
        now = self._store.now()
        with self._store.transaction(write=True) as session:
            project = records.locked_project(session, key)
            task_id = None if task is None else steps.task(session, project, task).id
            row = AttachmentRow(
                project_id=project.id,
                number=records.next_number(session, AttachmentRow, project),
                task_id=task_id,
                filename=name,
                content_type=media_type(content_type, name),
                size=blob.size,
                sha256=blob.sha256,
                author=actor,
                version=1,
                created_at=now,
                updated_at=now,
            )
            session.add(row)
            session.flush()
            added = self._all(session, project, [row])[0]
            records.audit(
                session, now, project, AttachmentRow, added.id, "create", actor=actor, after=added.audit()
            )
            return added

    def delete(
        self,
        key: str,
        number: int,
        expected_version: int,
        *,
        actor: str,
        check: AttachmentCheck | None = None,
    ) -> None:
        now = self._store.now()
        with self._store.transaction(write=True) as session:
            project = records.locked_project(session, key)
            row = records.find(session, AttachmentRow, project, number)
            records.check_version(AttachmentRow, row, expected_version)
            current = self._all(session, project, [row])[0]
            if check is not None:
                check(current)
            records.change(
                session, AttachmentRow, project, row, expected_version, action="delete", actor=actor, at=now,
                before=current, show=lambda r: self._all(session, project, [r])[0], deleted_at=now,
            )  # fmt: skip

    def restore(
        self, key: str, number: int, *, actor: str, check: AttachmentCheck | None = None
    ) -> Attachment:
        """Bring an attachment back from the trash (its task must not be in the trash)."""
        now = self._store.now()
        with self._store.transaction(write=True) as session:
            project = records.locked_project(session, key)
            row = records.find(session, AttachmentRow, project, number, trashed=True)
            current = self._all(session, project, [row])[0]
            if current.task is not None:
                steps.task(session, project, current.task)  # NotFoundError while the task is in the trash
            if check is not None:
                check(current)
            return records.change(
                session, AttachmentRow, project, row, row.version, action="restore", actor=actor, at=now,
                before=current, show=lambda r: self._all(session, project, [r])[0], deleted_at=None,
            )  # fmt: skip

    @staticmethod
    def _all(session: Session, project: ProjectRow, rows: Sequence[AttachmentRow]) -> list[Attachment]:
        tasks = records.task_keys(session, {r.task_id for r in rows if r.task_id is not None})
        return [
            Attachment(
                project=project.key,
                id=row.number,
                task=None if row.task_id is None else tasks[row.task_id],
                filename=row.filename,
                content_type=row.content_type,
                size=row.size,
                sha256=row.sha256,
                author=row.author,
                version=row.version,
                created_at=row.created_at,
                updated_at=row.updated_at,
                deleted_at=row.deleted_at,
            )
            for row in rows
        ]
