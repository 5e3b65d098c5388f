"""Row-level steps shared by the records kept per project: time entries, comments, attachments.

Each runs inside the caller's transaction. Records are numbered per project (see
``models.ProjectRecord``); a new number is the project's highest plus one, taken while the
project row is locked (PostgreSQL) or the database is (SQLite's ``BEGIN IMMEDIATE``), so two
writers never take the same one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Literal, Protocol, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session

from charter.errors import Location, NotFoundError, StaleVersionError
from charter.store import rows as steps
from charter.store.models import AttachmentRow, AuditRow, CommentRow, ProjectRow, TaskRow, TimeEntryRow

R = TypeVar("R", TimeEntryRow, CommentRow, AttachmentRow)

LABELS: dict[type[Any], tuple[str, str]] = {
    TimeEntryRow: ("time entry", "time_entry"),
    CommentRow: ("comment", "comment"),
    AttachmentRow: ("attachment", "attachment"),
}
"""Row class -> (how messages name it, the audit log's entity name)."""


def label(model: type[Any], number: int) -> str:
    return f"{LABELS[model][0]} {number}"


def locked_project(session: Session, key: str) -> ProjectRow:
    """The live project, its row locked until the transaction ends (a no-op on SQLite)."""
    project = session.scalar(
        sa.select(ProjectRow).where(ProjectRow.key == key, ProjectRow.deleted_at.is_(None)).with_for_update()
    )
    if project is None:
        return steps.project(session, key)  # raises NotFoundError
    return project


def next_number(session: Session, model: type[R], project: ProjectRow) -> int:
    highest = session.scalar(sa.select(sa.func.max(model.number)).where(model.project_id == project.id))
    return 1 if highest is None else int(highest) + 1


def find(session: Session, model: type[R], project: ProjectRow, number: int, *, trashed: bool = False) -> R:
    """The project's record ``number``: a live one, or with ``trashed`` one in the trash."""
    deleted = model.deleted_at.is_not(None) if trashed else model.deleted_at.is_(None)
    row = session.scalar(
        sa.select(model).where(model.project_id == project.id, model.number == number, deleted)
    )
    if row is None:
        raise not_found(model, project, number, trashed=trashed)
    return row


def not_found(
    model: type[Any], project: ProjectRow, number: int, on: str = "", *, trashed: bool = False
) -> NotFoundError:
    """The error for a record that is not there (``on``: where it was looked for, e.g. a task)."""
    what = label(model, number)
    if trashed:
        return NotFoundError(
            f"{what} is not in the trash of project '{project.key}'",
            where=Location(path=f"{LABELS[model][1]}:{number}"),
        )
    return NotFoundError(
        f"project '{project.key}' has no {what}{f' {on}' if on else ''}",
        where=Location(path=f"{LABELS[model][1]}:{number}"),
        fix="check the number; a deleted record is in the trash and can be restored",
    )


def check_version(model: type[Any], row: TimeEntryRow | CommentRow | AttachmentRow, expected: int) -> None:
    if row.version != expected:
        raise StaleVersionError(
            f"{label(model, row.number)} has changed since you read it (it is at version "
            f"{row.version}, you had version {expected})",
            where=Location(path=f"{LABELS[model][1]}:{row.number}"),
            fix="read it again, then re-apply your change",
        )


def bump(session: Session, model: type[R], row: R, expected: int, **values: Any) -> None:
    """UPDATE the record to its next version, only if it is still at ``expected`` (no lost update)."""
    steps.bump_row(
        session, model, row, expected, label(model, row.number), f"{LABELS[model][1]}:{row.number}", **values
    )


def audit(
    session: Session,
    at: dt.datetime,
    project: ProjectRow,
    model: type[Any],
    number: int,
    action: str,
    *,
    actor: str | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    session.add(
        AuditRow(
            at=at,
            actor=actor,
            project_id=project.id,
            entity=LABELS[model][1],
            entity_key=str(number),
            action=action,
            before=before,
            after=after,
        )
    )


class Record(Protocol):
    """What the store hands out for a record: its trash time and its audit-log form."""

    @property
    def deleted_at(self) -> dt.datetime | None: ...

    def audit(self) -> dict[str, Any]: ...


V = TypeVar("V", bound=Record)


def change(
    session: Session,
    model: type[R],
    project: ProjectRow,
    row: R,
    expected: int,
    *,
    action: Literal["update", "delete", "restore"],
    actor: str | None,
    at: dt.datetime,
    before: V,
    show: Callable[[R], V],
    **values: Any,
) -> V:
    """Write ``values`` to the record as its next version (if it is still at ``expected``) and
    audit the change: ``before`` and the record as ``show`` makes it after, as each action
    records them (a delete keeps when it went to the trash, a restore when it came from there)."""
    bump(session, model, row, expected, updated_at=at, **values)
    after = show(row)
    deleted = before.deleted_at
    audit(
        session,
        at,
        project,
        model,
        row.number,
        action,
        actor=actor,
        before={"deleted_at": deleted and deleted.isoformat()} if action == "restore" else before.audit(),
        after={"deleted_at": at.isoformat(), "version": row.version} if action == "delete" else after.audit(),
    )
    return after


def task_keys(session: Session, ids: set[int]) -> dict[int, str]:
    """Task id -> key (trashed tasks included: a record outlives its task's stay in the trash)."""
    if not ids:
        return {}
    return dict(session.execute(sa.select(TaskRow.id, TaskRow.key).where(TaskRow.id.in_(ids))).all())
