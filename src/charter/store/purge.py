"""Emptying the trash: deleted projects and tasks are restorable for a while, then gone for good.

:func:`purge` removes, in one transaction, every project, task and project record (time entry,
comment, attachment …) that went to the trash before a cut-off (by default :data:`RETENTION`
before the store's clock), and records what it removed in the audit log: one entry per project
it touched. Rows that belong to a purged project or task
(members, sub-tasks and whatever else refers to them with ``ON DELETE CASCADE``) go with it.

Several server processes may purge at the same moment: the rows are locked before they are
counted (``SELECT … FOR UPDATE`` on PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite), so each row is
purged, and audited, once.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session

from charter.errors import CharterError
from charter.store.models import AuditRow, Base, ProjectRow, TaskRow
from charter.store.repository import Store

RETENTION = dt.timedelta(days=30)
"""How long a deleted project or task stays restorable."""
PURGE_ACTOR = "system"
CHUNK = 500


@dataclass(frozen=True, slots=True)
class PurgeResult:
    """What one purge removed."""

    cutoff: dt.datetime
    """Trash deleted before this instant was purged."""
    projects: tuple[str, ...]
    """Keys of the projects removed, with everything in them."""
    items: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    """What was removed from the projects that stay: by project key, then by table (``tasks``,
    ``comments`` …), the task keys or record numbers."""

    @property
    def task_count(self) -> int:
        return sum(len(tables.get("tasks", ())) for tables in self.items.values())

    @property
    def record_count(self) -> int:
        return sum(len(v) for tables in self.items.values() for k, v in tables.items() if k != "tasks")

    @property
    def empty(self) -> bool:
        return not self.projects and not self.items


def purge(store: Store, older_than: dt.timedelta = RETENTION, *, actor: str = PURGE_ACTOR) -> PurgeResult:
    """Delete for good the projects, tasks and records in the trash for longer than ``older_than``.

    Records are the rows of every other table that has ``project_id`` and ``deleted_at``
    columns (time entries, comments, attachments …). An attachment's file stays on disk: other
    rows may share it.
    """
    if older_than < dt.timedelta(0):
        raise CharterError(
            f"the trash cannot be purged of things deleted in the future ({older_than} ago)",
            fix="give a positive age, e.g. 30d",
        )
    now = store.now()
    cutoff = now - older_than
    with store.transaction(write=True) as session:
        projects = _purge_projects(session, now, cutoff, actor)
        items: dict[int, dict[str, tuple[str, ...]]] = defaultdict(dict)
        for project_id, keys in _purge_tasks(session, cutoff).items():
            items[project_id]["tasks"] = keys
        for table in _record_tables():
            for project_id, numbers in _purge_records(session, table, cutoff).items():
                items[project_id][table.name] = numbers
        purged = _audit_items(session, now, actor, items)
    return PurgeResult(cutoff, projects, purged)


def _purge_projects(session: Session, now: dt.datetime, cutoff: dt.datetime, actor: str) -> tuple[str, ...]:
    rows = session.execute(
        sa.select(ProjectRow.id, ProjectRow.key, ProjectRow.name, ProjectRow.deleted_at)
        .where(ProjectRow.deleted_at.is_not(None), ProjectRow.deleted_at < cutoff)
        .order_by(ProjectRow.key)
        .with_for_update()
    ).all()
    if not rows:
        return ()
    counted = session.execute(
        sa.select(TaskRow.project_id, sa.func.count())
        .where(TaskRow.project_id.in_([row.id for row in rows]))
        .group_by(TaskRow.project_id)
    )
    tasks: dict[int, int] = dict(counted.all())
    session.execute(sa.delete(ProjectRow).where(ProjectRow.id.in_([row.id for row in rows])))
    for row in rows:
        assert row.deleted_at is not None
        session.add(
            AuditRow(
                at=now,
                actor=actor,
                project_id=None,  # the project is gone; the entry keeps its key
                entity="project",
                entity_key=row.key,
                action="purge",
                before={
                    "name": row.name,
                    "deleted_at": row.deleted_at.isoformat(),
                    "tasks": tasks.get(row.id, 0),
                },
                after=None,
            )
        )
    return tuple(row.key for row in rows)


def _purge_tasks(session: Session, cutoff: dt.datetime) -> dict[int, tuple[str, ...]]:
    """Purge old trashed tasks of the projects that stay; their keys by project id.

    Deleting a task deletes its sub-tasks (``ON DELETE CASCADE``). A task is only purged when
    everything below it is purged too, so that no live or recently deleted sub-task can go with
    it, whatever path led there.
    """
    candidates = session.execute(
        sa.select(TaskRow.id, TaskRow.parent_id, TaskRow.project_id, TaskRow.key)
        .where(TaskRow.deleted_at.is_not(None), TaskRow.deleted_at < cutoff)
        .with_for_update()
    ).all()
    if not candidates:
        return {}
    by_id = {row.id: row for row in candidates}
    kept_children = {
        parent
        for chunk in _chunks(list(by_id))
        for parent in session.scalars(
            sa.select(TaskRow.parent_id).where(
                TaskRow.parent_id.in_(chunk),
                sa.or_(TaskRow.deleted_at.is_(None), TaskRow.deleted_at >= cutoff),
            )
        )
    }
    for parent in kept_children:
        current: int | None = parent
        while current is not None and current in by_id:
            current = by_id.pop(current).parent_id
    for chunk in _chunks(sorted(by_id)):
        session.execute(sa.delete(TaskRow).where(TaskRow.id.in_(chunk)))
    keys: dict[int, list[str]] = defaultdict(list)
    for row in by_id.values():
        keys[row.project_id].append(row.key)
    return {project_id: tuple(sorted(found)) for project_id, found in keys.items()}


def _record_tables() -> list[sa.Table]:
    """Every table besides projects and tasks whose rows go to a project's trash."""
    return [
        table
        for table in Base.metadata.sorted_tables
        if table.name not in (ProjectRow.__tablename__, TaskRow.__tablename__)
        and {"project_id", "deleted_at"} <= set(table.c.keys())
    ]


def _purge_records(session: Session, table: sa.Table, cutoff: dt.datetime) -> dict[int, tuple[str, ...]]:
    label = table.c.number if "number" in table.c else table.c.id
    old = sa.and_(table.c.deleted_at.is_not(None), table.c.deleted_at < cutoff)
    rows = session.execute(
        sa.select(table.c.id, table.c.project_id, label).where(old).with_for_update()
    ).all()
    for chunk in _chunks(sorted(row[0] for row in rows)):
        session.execute(sa.delete(table).where(table.c.id.in_(chunk)))
    found: dict[int, list[int]] = defaultdict(list)
    for _, project_id, number in rows:
        found[project_id].append(number)
    return {project_id: tuple(str(n) for n in sorted(numbers)) for project_id, numbers in found.items()}


def _audit_items(
    session: Session, now: dt.datetime, actor: str, items: dict[int, dict[str, tuple[str, ...]]]
) -> dict[str, dict[str, tuple[str, ...]]]:
    """One audit entry per project that lost trash; what was removed, by project key."""
    if not items:
        return {}
    projects = session.scalars(sa.select(ProjectRow).where(ProjectRow.id.in_(list(items)))).all()
    purged: dict[str, dict[str, tuple[str, ...]]] = {}
    for project in sorted(projects, key=lambda p: p.key):
        purged[project.key] = dict(sorted(items[project.id].items()))
        session.add(
            AuditRow(
                at=now,
                actor=actor,
                project_id=project.id,
                entity="trash",
                entity_key=project.key,
                action="purge",
                before={kind: list(keys) for kind, keys in purged[project.key].items()},
                after=None,
            )
        )
    return purged


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    """``ids`` in slices small enough for any backend's limit on bound parameters."""
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


__all__ = ["RETENTION", "PurgeResult", "purge"]
