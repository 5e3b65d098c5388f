"""The work breakdown structure: listing tasks, adding a task, moving a task with its sub-tasks.

Task rows keep their place in a ``position`` column: the pre-order of the whole WBS, gaps
allowed. Adding a task shifts the rows after it by one; moving renumbers the project. Both are
structural changes: they lock the project row and check the whole plan as it would be.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import sqlalchemy as sa
from pydantic_core import to_jsonable_python
from sqlalchemy.orm import Session

from charter.domain import Plan, Task
from charter.errors import ConflictError, InvalidChangeError, Location, NotFoundError
from charter.store import codec, keys
from charter.store import rows as steps
from charter.store.models import ProjectRow, TaskRow
from charter.store.plan_check import check_plan, would_be_plan
from charter.store.records import StoredTask
from charter.store.task_cache import TaskCache

if TYPE_CHECKING:
    from charter.store.repository import Store

TaskSort = Literal["wbs", "key", "name", "updated"]
TOP = ""
"""``parent`` filter value for the top-level tasks."""


@dataclass(frozen=True, slots=True)
class TaskFilter:
    """Which tasks a listing returns; every condition given must hold."""

    parent: str | None = None
    """Only the direct sub-tasks of this task (``TOP``: the top level); None: every task."""
    text: str | None = None
    """A part of the key or name, in any case."""
    tag: str | None = None
    resource: str | None = None
    milestone: bool | None = None
    summary: bool | None = None


@dataclass(frozen=True, slots=True)
class TaskPage:
    items: list[StoredTask]
    total: int


@dataclass(frozen=True, slots=True)
class _Row:
    id: int
    parent_id: int | None
    key: str
    position: int
    data: dict[str, Any]
    version: int
    updated_at: Any


class Wbs:
    """Task listing and WBS edits on the projects of one store."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def page(
        self,
        key: str,
        where: TaskFilter = TaskFilter(),
        *,
        sort: TaskSort = "wbs",
        descending: bool = False,
        limit: int = 100,
        offset: int = 0,
    ) -> TaskPage:
        """One page of the live tasks that match ``where``, in WBS order or by ``sort``.

        In WBS order with at most a ``parent`` condition, the database does the paging and only
        the page's rows are read; otherwise every task of the project is looked at.
        """
        with self._store.transaction(write=False) as session:
            project = steps.project(session, key, plan=False)
            live = sa.and_(TaskRow.project_id == project.id, TaskRow.deleted_at.is_(None))
            plain = TaskFilter(parent=where.parent)
            if where == plain and sort == "wbs" and not descending:
                condition = live
                if where.parent is not None:
                    parent_id = None if where.parent == TOP else steps.task(session, project, where.parent).id
                    condition = sa.and_(live, TaskRow.parent_id.is_(None) if parent_id is None
                                        else TaskRow.parent_id == parent_id)  # fmt: skip
                total = session.scalar(sa.select(sa.func.count()).select_from(TaskRow).where(condition)) or 0
                rows = self._rows(session, condition, limit=limit, offset=offset)
                return TaskPage(self._stored(session, key, rows, self._store.decoded), total)
            rows = self._rows(session, live)
            key_of = {r.id: r.key for r in rows}
            children: dict[int | None, list[str]] = {}
            for r in rows:
                children.setdefault(r.parent_id, []).append(r.key)
            chosen = [r for r in rows if _matches(r, where, key_of, children)]
            if sort != "wbs":
                chosen.sort(key=_sort_key(sort))
            if descending:
                chosen.reverse()
            page = chosen[offset : offset + limit]
            return TaskPage(
                [_stored_task(key, r, key_of, children, self._store.decoded) for r in page],
                len(chosen),
            )

    @staticmethod
    def _rows(session: Session, condition: Any, *, limit: int | None = None, offset: int = 0) -> list[_Row]:
        query = (
            sa.select(
                TaskRow.id, TaskRow.parent_id, TaskRow.key, TaskRow.position, TaskRow.data,
                TaskRow.version, TaskRow.updated_at,
            )
            .where(condition)
            .order_by(TaskRow.position, TaskRow.id)
            .offset(offset)
        )  # fmt: skip
        if limit is not None:
            query = query.limit(limit)
        return [_Row(*r) for r in session.execute(query)]

    @staticmethod
    def _stored(session: Session, key: str, rows: list[_Row], tasks: TaskCache) -> list[StoredTask]:
        """The page's tasks, with their parents' and children's keys read for them alone."""
        ids = [r.id for r in rows]
        parent_ids = {r.parent_id for r in rows if r.parent_id is not None}
        key_of: dict[int, str] = dict(
            session.execute(sa.select(TaskRow.id, TaskRow.key).where(TaskRow.id.in_(parent_ids))).all()
        ) if parent_ids else {}  # fmt: skip
        children: dict[int | None, list[str]] = {}
        if ids:
            for parent_id, child in session.execute(
                sa.select(TaskRow.parent_id, TaskRow.key)
                .where(TaskRow.parent_id.in_(ids), TaskRow.deleted_at.is_(None))
                .order_by(TaskRow.position, TaskRow.id)
            ):
                children.setdefault(parent_id, []).append(child)
        return [_stored_task(key, r, key_of, children, tasks) for r in rows]

    def create(
        self,
        key: str,
        fields: Mapping[str, Any],
        *,
        task_key: str | None = None,
        parent: str | None = None,
        before: str | None = None,
        actor: str | None = None,
    ) -> StoredTask:
        """Add a task under ``parent`` (the top level if None), before its sibling ``before`` or last.

        Without ``task_key`` one is derived from the name. Refused if the key is taken, by a live
        task or one in the trash (restore or purge that one first).
        """
        if "tasks" in fields or "key" in fields:
            raise InvalidChangeError(
                "a new task's key is given apart from its fields, and its sub-tasks are added one by one",
                where=Location(path="task"),
                fix="send `key` next to `fields`, then add each sub-task with its parent",
            )
        if task_key is not None:
            keys.check_task_key(task_key)
        now = self._store.now()
        with self._store.transaction(write=True) as session:
            project = steps.project(session, key, lock=True)
            taken = set(session.scalars(sa.select(TaskRow.key).where(TaskRow.project_id == project.id)))
            if task_key is None:
                task_key = keys.first_free(keys.slug(str(fields.get("name") or "task")), taken)
            elif task_key in taken:
                raise ConflictError(
                    f"project '{key}' already has a task '{task_key}' (perhaps in the trash)",
                    where=Location(path=f"task:{task_key}"),
                    fix="choose another key, or restore the deleted task",
                )
            task = steps.validated(task_key, to_jsonable_python(dict(fields)))
            steps.check_references(session, project, task)
            data = codec.task_data(task)
            parent_row = None if parent is None else steps.task(session, project, parent)
            position = self._insertion_point(session, project, parent_row, before)
            check_plan(_with_new_task(would_be_plan(session, project), task, parent))
            session.execute(
                sa.update(TaskRow)
                .where(TaskRow.project_id == project.id, TaskRow.position >= position)
                .values(position=TaskRow.position + 1)
                .execution_options(synchronize_session=False)
            )
            row = TaskRow(
                project_id=project.id,
                key=task_key,
                parent_id=None if parent_row is None else parent_row.id,
                position=position,
                data=data,
                version=1,
                created_at=now,
                updated_at=now,
            )
            session.add(row)
            session.flush()
            steps.touch(session, project, now)
            steps.audit(session, now, project, "task", task_key, "create", actor=actor,
                        after={**data, "key": task_key, "parent": parent, "version": 1})  # fmt: skip
            return steps.stored(session, project, row)

    def move(
        self,
        key: str,
        task_key: str,
        expected_version: int,
        *,
        parent: str | None,
        before: str | None = None,
        actor: str | None = None,
    ) -> StoredTask:
        """Move a task, with its sub-tasks, under ``parent`` (None: top level), before ``before``."""
        now = self._store.now()
        with self._store.transaction(write=True) as session:
            project = steps.project(session, key, lock=True)
            row = steps.task(session, project, task_key)
            steps.check_version(row, expected_version)
            rows = list(
                session.scalars(
                    sa.select(TaskRow).where(TaskRow.project_id == project.id).order_by(TaskRow.position)
                )
            )
            live = [r for r in rows if r.deleted_at is None]
            block = steps.subtree(row, live)
            moving = {r.id for r in block}
            parent_row = None if parent is None else steps.task(session, project, parent)
            if parent_row is not None and parent_row.id in moving:
                raise InvalidChangeError(
                    f"task '{task_key}' cannot move under '{parent}', which is part of it",
                    where=Location(path=f"task:{task_key}"),
                    fix="choose a parent outside the task and its sub-tasks",
                )
            old_parent = None if row.parent_id is None else session.get_one(TaskRow, row.parent_id).key
            if before == task_key:
                raise InvalidChangeError(
                    f"task '{task_key}' cannot move before itself", where=Location(path=f"task:{task_key}")
                )
            block_ids = [r.id for r in sorted(block, key=lambda r: r.position)]
            remaining = [r for r in rows if r.id not in moving]
            anchor = self._anchor(session, project, remaining, parent_row, before)
            order = [r.id for r in remaining]
            order[anchor:anchor] = block_ids
            overrides = {row.key: (None if parent_row is None else parent_row.id, row.data)}
            live_ids = {r.id for r in live}
            check_plan(
                would_be_plan(session, project, tasks=overrides, order=[i for i in order if i in live_ids])
            )
            new_parent_id = None if parent_row is None else parent_row.id
            if new_parent_id == row.parent_id and order == [r.id for r in rows]:
                return steps.stored(session, project, row)
            by_id = {r.id: r for r in rows}
            for position, row_id in enumerate(order):
                if by_id[row_id].position != position:
                    session.execute(
                        sa.update(TaskRow)
                        .where(TaskRow.id == row_id)
                        .values(position=position)
                        .execution_options(synchronize_session=False)
                    )
            steps.bump(session, row, expected_version, parent_id=new_parent_id, updated_at=now)
            steps.touch(session, project, now)
            session.refresh(row)
            steps.audit(
                session, now, project, "task", task_key, "move", actor=actor,
                before={"parent": old_parent, "version": expected_version},
                after={"parent": parent, "before": before, "version": row.version},
            )  # fmt: skip
            return steps.stored(session, project, row)

    # -- where a task goes ---------------------------------------------------------------------

    def _insertion_point(
        self, session: Session, project: ProjectRow, parent: TaskRow | None, before: str | None
    ) -> int:
        rows = list(
            session.scalars(
                sa.select(TaskRow).where(TaskRow.project_id == project.id).order_by(TaskRow.position)
            )
        )
        index = self._anchor(session, project, rows, parent, before)
        if index < len(rows):
            return rows[index].position
        return rows[-1].position + 1 if rows else 0

    @staticmethod
    def _anchor(
        session: Session,
        project: ProjectRow,
        rows: Sequence[TaskRow],
        parent: TaskRow | None,
        before: str | None,
    ) -> int:
        """The index in ``rows`` (WBS order) where a task goes: at ``before``, or after the
        last row below ``parent`` (the end, for the top level)."""
        parent_id = None if parent is None else parent.id
        if before is not None:
            for index, r in enumerate(rows):
                if r.key == before and r.deleted_at is None:
                    if r.parent_id != parent_id:
                        raise InvalidChangeError(
                            f"'{before}' is not directly under "
                            f"{'the top level' if parent is None else repr(parent.key)}",
                            where=Location(path=f"task:{before}"),
                            fix="name a sibling in the new place as `before`, or leave it out",
                        )
                    return index
            raise NotFoundError(
                f"project '{project.key}' has no task '{before}'", where=Location(path=f"task:{before}")
            )
        if parent is None:
            return len(rows)
        inside = {parent.id}
        last = next(i for i, r in enumerate(rows) if r.id == parent.id)
        for index in range(last + 1, len(rows)):
            if rows[index].parent_id in inside:
                inside.add(rows[index].id)
                last = index
            else:
                break
        return last + 1


def _stored_task(
    key: str,
    row: _Row,
    key_of: Mapping[int, str],
    children: Mapping[int | None, list[str]],
    tasks: TaskCache,
) -> StoredTask:
    return StoredTask(
        project=key,
        task=tasks.decode(row.id, row.version, row.key, row.data),
        parent=None if row.parent_id is None else key_of[row.parent_id],
        children=tuple(children.get(row.id, ())),
        position=row.position,
        version=row.version,
        updated_at=row.updated_at,
    )


def _matches(row: _Row, where: TaskFilter, key_of: Mapping[int, str], children: Mapping[Any, Any]) -> bool:
    if where.parent is not None:
        parent = None if row.parent_id is None else key_of[row.parent_id]
        if parent != (None if where.parent == TOP else where.parent):
            return False
    if where.text is not None:
        needle = where.text.casefold()
        if needle not in row.key.casefold() and needle not in str(row.data.get("name", "")).casefold():
            return False
    if where.tag is not None and where.tag not in row.data.get("tags", []):
        return False
    if where.resource is not None and not any(
        a.get("resource") == where.resource for a in row.data.get("resources", [])
    ):
        return False
    if where.milestone is not None and bool(row.data.get("milestone")) != where.milestone:
        return False
    return where.summary is None or (row.id in children) == where.summary


def _sort_key(sort: TaskSort) -> Any:
    if sort == "key":
        return lambda r: r.key
    if sort == "name":
        return lambda r: (str(r.data.get("name", "")).casefold(), r.key)
    return lambda r: (r.updated_at, r.key)


def _with_new_task(plan: Plan, task: Task, parent: str | None) -> Plan:
    """``plan`` with ``task`` added under ``parent`` (its place among siblings does not matter)."""
    if parent is None:
        return plan.model_copy(update={"tasks": [*plan.tasks, task]})
    for candidate in plan.walk():
        if candidate.key == parent:
            candidate.tasks.append(task)
            break
    return plan
