"""Comments on tasks: markdown text, who wrote it and when, versioned, deleted to the trash."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from charter.errors import InvalidChangeError, Location
from charter.store import project_records as records
from charter.store import rows as steps
from charter.store.models import CommentRow, ProjectRow, TaskRow

if TYPE_CHECKING:
    from charter.store.repository import Store

MAX_TEXT = 65_536
CommentCheck = Callable[["Comment"], None]
"""Called with the comment as stored, inside the writing transaction, before it is changed."""


@dataclass(frozen=True, slots=True)
class Comment:
    project: str
    task: str
    id: int
    """The comment's number in its project."""
    author: str
    text: str
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime
    deleted_at: dt.datetime | None = None

    def audit(self) -> dict[str, Any]:
        return {"task": self.task, "author": self.author, "text": self.text, "version": self.version}


@dataclass(frozen=True, slots=True)
class CommentPage:
    items: list[Comment]
    total: int


def check_text(text: str) -> str:
    if not text.strip():
        raise InvalidChangeError(
            "a comment needs some text", where=Location(path="text"), fix="write the comment (markdown)"
        )
    if len(text) > MAX_TEXT:
        raise InvalidChangeError(
            f"the comment is {len(text)} characters long, more than the {MAX_TEXT} a comment may hold",
            where=Location(path="text"),
            fix="shorten it, or attach a file to the task instead",
        )
    return text


def _comment(project: ProjectRow, task: str, row: CommentRow) -> Comment:
    return Comment(
        project=project.key,
        task=task,
        id=row.number,
        author=row.author,
        text=row.text,
        version=row.version,
        created_at=row.created_at,
        updated_at=row.updated_at,
        deleted_at=row.deleted_at,
    )


class Comments:
    """The comments of one :class:`~charter.store.repository.Store`."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def page(self, key: str, task_key: str, *, limit: int = 50, offset: int = 0) -> CommentPage:
        """The task's live comments, oldest first."""
        with self._store.transaction(write=False) as session:
            project = steps.project(session, key)
            task = steps.task(session, project, task_key)
            where = (CommentRow.task_id == task.id, CommentRow.deleted_at.is_(None))
            total = session.scalar(sa.select(sa.func.count()).select_from(CommentRow).where(*where)) or 0
            rows = session.scalars(
                sa.select(CommentRow).where(*where).order_by(CommentRow.number).limit(limit).offset(offset)
            ).all()
            return CommentPage([_comment(project, task_key, row) for row in rows], total)

    def get(self, key: str, task_key: str, number: int) -> Comment:
        with self._store.transaction(write=False) as session:
            project = steps.project(session, key)
            task = steps.task(session, project, task_key)
            return _comment(project, task_key, self._of_task(session, project, task, number))

    def trash(self, key: str) -> list[Comment]:
        """Comments in the project's trash, most recently deleted first."""
        with self._store.transaction(write=False) as session:
            project = steps.project(session, key)
            rows = session.execute(
                sa.select(CommentRow, TaskRow.key)
                .join(TaskRow, TaskRow.id == CommentRow.task_id)
                .where(CommentRow.project_id == project.id, CommentRow.deleted_at.is_not(None))
                .order_by(CommentRow.deleted_at.desc(), CommentRow.number.desc())
            )
            return [_comment(project, task, row) for row, task in rows]

    def add(self, key: str, task_key: str, text: str, *, actor: str) -> Comment:
        check_text(text)
        now = self._store.now()
        with self._store.transaction(write=True) as session:
            project = records.locked_project(session, key)
            task = steps.task(session, project, task_key)
            row = CommentRow(
                project_id=project.id,
                number=records.next_number(session, CommentRow, project),
                task_id=task.id,
                text=text,
                author=actor,
                version=1,
                created_at=now,
                updated_at=now,
            )
            session.add(row)
            session.flush()
            added = _comment(project, task_key, row)
            records.audit(
                session, now, project, CommentRow, added.id, "create", actor=actor, after=added.audit()
            )
            return added

    def update(
        self,
        key: str,
        task_key: str,
        number: int,
        text: str,
        expected_version: int,
        *,
        actor: str,
        check: CommentCheck | None = None,
    ) -> Comment:
        """Replace the comment's text, if it is still at ``expected_version``."""
        check_text(text)
        now = self._store.now()
        with self._store.transaction(write=True) as session:
            project = records.locked_project(session, key)
            row = self._of_task(session, project, steps.task(session, project, task_key), number)
            records.check_version(CommentRow, row, expected_version)
            current = _comment(project, task_key, row)
            if check is not None:
                check(current)
            if text == current.text:
                return current
            return records.change(
                session, CommentRow, project, row, expected_version, action="update", actor=actor, at=now,
                before=current, show=lambda r: _comment(project, task_key, r), text=text,
            )  # fmt: skip

    def delete(
        self,
        key: str,
        task_key: str,
        number: int,
        expected_version: int,
        *,
        actor: str,
        check: CommentCheck | None = None,
    ) -> None:
        now = self._store.now()
        with self._store.transaction(write=True) as session:
            project = records.locked_project(session, key)
            row = self._of_task(session, project, steps.task(session, project, task_key), number)
            records.check_version(CommentRow, row, expected_version)
            current = _comment(project, task_key, row)
            if check is not None:
                check(current)
            records.change(
                session, CommentRow, project, row, expected_version, action="delete", actor=actor, at=now,
                before=current, show=lambda r: _comment(project, task_key, r), deleted_at=now,
            )  # fmt: skip

    def restore(self, key: str, number: int, *, actor: str, check: CommentCheck | None = None) -> Comment:
        """Bring a comment back from the trash (its task must not be in the trash)."""
        now = self._store.now()
        with self._store.transaction(write=True) as session:
            project = records.locked_project(session, key)
            row = records.find(session, CommentRow, project, number, trashed=True)
            task = session.get_one(TaskRow, row.task_id)
            steps.task(session, project, task.key)  # NotFoundError while the task is in the trash
            current = _comment(project, task.key, row)
            if check is not None:
                check(current)
            return records.change(
                session, CommentRow, project, row, row.version, action="restore", actor=actor, at=now,
                before=current, show=lambda r: _comment(project, task.key, r), deleted_at=None,
            )  # fmt: skip

    @staticmethod
    def _of_task(session: Session, project: ProjectRow, task: TaskRow, number: int) -> CommentRow:
        row = records.find(session, CommentRow, project, number)
        if row.task_id != task.id:
            raise records.not_found(CommentRow, project, number, f"on task '{task.key}'")
        return row
