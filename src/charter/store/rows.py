"""Row-level steps of the store's operations; each runs inside the caller's transaction."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from typing import Any, Literal, TypeVar, cast

import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.orm import Session, aliased, defer
from sqlalchemy.orm.attributes import set_committed_value

from charter.domain import Task
from charter.errors import InvalidChangeError, Location, NotFoundError, StaleVersionError
from charter.store import codec
from charter.store.models import AuditRow, ProjectRow, TaskRow
from charter.store.records import ProjectInfo, StoredTask
from charter.store.task_cache import TaskCache

INFO_COLUMNS = (
    ProjectRow.key, ProjectRow.name, ProjectRow.visibility, ProjectRow.version,
    ProjectRow.created_at, ProjectRow.updated_at,
)  # fmt: skip
"""The columns of a :class:`ProjectInfo`, in its order."""

Query = TypeVar("Query", bound=sa.Select[Any])


def live(query: Query, deleted: bool | None) -> Query:
    """``query`` (over projects) narrowed: ``deleted`` False: live only, True: in the trash only,
    None: either."""
    if deleted is False:
        return query.where(ProjectRow.deleted_at.is_(None))
    if deleted is True:
        return query.where(ProjectRow.deleted_at.is_not(None))
    return query


def no_project(key: str) -> NotFoundError:
    return NotFoundError(f"there is no project '{key}'", where=Location(path=f"project:{key}"))


def project(
    session: Session, key: str, *, deleted: bool | None = False, lock: bool = False, plan: bool = True
) -> ProjectRow:
    """The project row; ``deleted`` False: live only, True: in the trash only, None: either.

    ``lock`` takes the row lock (PostgreSQL; SQLite writers queue anyway) so that structural
    changes to one project, each checked against the whole plan, happen one after another.
    Without ``plan`` the plan document is not read (reading it raises), for the many requests
    that need only the project's identity.
    """
    query = live(sa.select(ProjectRow).where(ProjectRow.key == key), deleted)
    if not plan:
        query = query.options(defer(ProjectRow.plan_data, raiseload=True))
    if lock:
        query = query.with_for_update()
    project = session.scalar(query)
    if project is None:
        raise no_project(key)
    return project


def info(project: ProjectRow) -> ProjectInfo:
    return ProjectInfo(
        project.key, project.name, project.visibility, project.version, project.created_at, project.updated_at
    )


def touch(session: Session, project: ProjectRow, now: dt.datetime) -> None:
    """Count a change to anything in the project: its version is the ETag of the whole project.

    The increment is done by the database (``version = version + 1``), so concurrent writers to
    different tasks of one project never lose a count.
    """
    version = session.scalar(
        sa.update(ProjectRow)
        .where(ProjectRow.id == project.id)
        .values(version=ProjectRow.version + 1, updated_at=now)
        .returning(ProjectRow.version)
        .execution_options(synchronize_session=False)
    )
    set_committed_value(project, "version", version)  # as written, without reading the row again
    set_committed_value(project, "updated_at", now)


def check_project_version(project: ProjectRow, expected: int | None) -> None:
    """Refuse a write quoting another version of the project (None: any version will do)."""
    if expected is not None and project.version != expected:
        raise StaleVersionError(
            f"project '{project.key}' has changed since you read it (it is at version "
            f"{project.version}, you had version {expected})",
            where=Location(path=f"project:{project.key}"),
            fix="read the project again, then re-apply your change",
        )


def task(session: Session, project: ProjectRow, task_key: str) -> TaskRow:
    row = session.scalar(
        sa.select(TaskRow).where(
            TaskRow.project_id == project.id, TaskRow.key == task_key, TaskRow.deleted_at.is_(None)
        )
    )
    if row is None:
        raise NotFoundError(
            f"project '{project.key}' has no task '{task_key}'",
            where=Location(path=f"task:{task_key}"),
            fix="check the key; a deleted task is in the trash and can be restored",
        )
    return row


def project_task(
    session: Session, key: str, task_key: str, *, plan: bool
) -> tuple[ProjectRow, TaskRow, str | None]:
    """The live project, its live task and the task's parent's key, in one query; NotFoundError
    saying which is missing. Without ``plan`` the plan document is not read (as in :func:`project`)."""
    parent = aliased(TaskRow)
    query = (
        sa.select(ProjectRow, TaskRow, parent.key)
        .join(TaskRow, sa.and_(TaskRow.project_id == ProjectRow.id, TaskRow.key == task_key))
        .outerjoin(parent, parent.id == TaskRow.parent_id)
        .where(ProjectRow.key == key, ProjectRow.deleted_at.is_(None), TaskRow.deleted_at.is_(None))
    )
    if not plan:
        query = query.options(defer(ProjectRow.plan_data, raiseload=True))
    found = session.execute(query).one_or_none()
    if found is None:
        task(session, project(session, key, plan=False), task_key)  # raises for what is missing
        raise AssertionError("unreachable: the task was found on the second look")
    return found[0], found[1], found[2]


def live_rows(session: Session, project: ProjectRow) -> list[TaskRow]:
    return list(
        session.scalars(
            sa.select(TaskRow)
            .where(TaskRow.project_id == project.id, TaskRow.deleted_at.is_(None))
            .order_by(TaskRow.position)
        ).all()
    )


def subtree(root: TaskRow, rows: Sequence[TaskRow]) -> list[TaskRow]:
    """``root`` and those of ``rows`` below it, parents first."""
    children: dict[int, list[TaskRow]] = {}
    for r in rows:
        if r.parent_id is not None:
            children.setdefault(r.parent_id, []).append(r)
    found = [root]
    for r in found:  # grows while iterating: a breadth-first walk
        found.extend(children.get(r.id, []))
    return found


class _Unread(enum.Enum):
    UNREAD = enum.auto()


UNREAD = _Unread.UNREAD
"""A parent key not read yet (``None`` is a task at the top of the WBS)."""


def stored(
    session: Session,
    project: ProjectRow,
    row: TaskRow,
    tasks: TaskCache | None = None,
    *,
    parent_key: str | Literal[_Unread.UNREAD] | None = UNREAD,
) -> StoredTask:
    """The task as a caller sees it, with its parent's key (read unless given) and its children's."""
    parent = (
        parent_key if parent_key is not UNREAD
        else None if row.parent_id is None
        else session.scalar(sa.select(TaskRow.key).where(TaskRow.id == row.parent_id))
    )  # fmt: skip
    children = session.scalars(
        sa.select(TaskRow.key)
        .where(TaskRow.parent_id == row.id, TaskRow.deleted_at.is_(None))
        .order_by(TaskRow.position)
    ).all()
    return StoredTask(
        project=project.key,
        task=(
            codec.decode_task(row.key, row.data)
            if tasks is None
            else tasks.decode(row.id, row.version, row.key, row.data)
        ),
        parent=parent,
        children=tuple(children),
        position=row.position,
        version=row.version,
        updated_at=row.updated_at,
        deleted_at=row.deleted_at,
    )


def check_version(row: TaskRow, expected: int) -> None:
    if row.version != expected:
        raise StaleVersionError(
            f"task '{row.key}' has changed since you read it (it is at version {row.version}, "
            f"you had version {expected})",
            where=Location(path=f"task:{row.key}"),
            fix="read the task again, then re-apply your change",
        )


def bump(session: Session, row: TaskRow, expected: int, **values: Any) -> None:
    """UPDATE the task to its next version, only if it is still at ``expected``."""
    bump_row(session, TaskRow, row, expected, f"task '{row.key}'", f"task:{row.key}", **values)


M = TypeVar("M", bound=Any)


def bump_row(
    session: Session, model: type[M], row: M, expected: int, what: str, path: str, **values: Any
) -> None:
    """UPDATE ``row`` (of a versioned table) to its next version, only if it is still at
    ``expected``; ``what`` and ``path`` name it in the error.

    The version condition is what makes a lost update impossible under concurrency: a writer
    that read the same version but commits second matches no row.
    """
    result = session.execute(
        sa.update(model)
        .where(model.id == row.id, model.version == expected)
        .values(version=expected + 1, **values)
        .execution_options(synchronize_session=False)
    )
    if cast("sa.CursorResult[Any]", result).rowcount != 1:
        raise StaleVersionError(
            f"{what} was changed by someone else at the same moment",
            where=Location(path=path),
            fix="read it again, then re-apply your change",
        )
    for name, value in {"version": expected + 1, **values}.items():
        set_committed_value(row, name, value)  # what the UPDATE wrote, without reading it back


def validated(task_key: str, data: dict[str, Any]) -> Task:
    try:
        return codec.decode_task(task_key, data)
    except ValidationError as error:
        field, message = first_error(error)
        raise InvalidChangeError(
            f"task '{task_key}': {field}: {message}",
            where=Location(path=f"task:{task_key}.{field}"),
            fix="send a value of the field's type (see `charter schema`), or only known fields",
        ) from None


def check_references(session: Session, project: ProjectRow, task: Task) -> None:
    """A changed task may only name tasks, calendars and resources the project has."""
    predecessors = {link.predecessor for link in task.links}
    if task.key in predecessors:
        raise InvalidChangeError(
            f"task '{task.key}' cannot link to itself", where=Location(path=f"task:{task.key}.links")
        )
    if predecessors:
        # Filtering deleted rows here rather than in SQL keeps the lookup on the unique
        # (project, key) index: SQLite would otherwise walk every live task of the project.
        found = {
            key
            for key, deleted_at in session.execute(
                sa.select(TaskRow.key, TaskRow.deleted_at).where(
                    TaskRow.project_id == project.id, TaskRow.key.in_(predecessors)
                )
            )
            if deleted_at is None
        }
        for missing in sorted(predecessors - found):
            raise InvalidChangeError(
                f"task '{task.key}' links to '{missing}', which is not a task in this project",
                where=Location(path=f"task:{task.key}.links"),
            )
    calendars = project.plan_data.get("calendars", {})
    if task.calendar is not None and task.calendar not in calendars and task.calendar != "standard":
        raise InvalidChangeError(
            f"task '{task.key}' uses calendar '{task.calendar}', which this project does not have",
            where=Location(path=f"task:{task.key}.calendar"),
        )
    resources = project.plan_data.get("resources", {})
    for assignment in task.resources:
        if assignment.resource not in resources:
            raise InvalidChangeError(
                f"task '{task.key}' assigns '{assignment.resource}', which is not a resource here",
                where=Location(path=f"task:{task.key}.resources"),
            )


def audit(
    session: Session,
    at: dt.datetime,
    project: ProjectRow,
    entity: str,
    entity_key: str,
    action: str,
    *,
    actor: str | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """Record who changed what in ``project``, when, before and after, in the change's transaction."""
    session.add(
        AuditRow(
            at=at, actor=actor, project_id=project.id, entity=entity, entity_key=entity_key,
            action=action, before=before, after=after,
        )
    )  # fmt: skip


def first_error(error: ValidationError) -> tuple[str, str]:
    """The field path and message of a validation error's first problem."""
    first = error.errors()[0]
    return ".".join(str(part) for part in first["loc"]), first["msg"]
