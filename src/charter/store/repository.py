"""The store's API: projects and tasks in, plans out, every write one audited transaction.

Concurrency is optimistic: each task row has a version, a write quotes the version it read, and
the UPDATE only matches that version (``WHERE version = :expected``), so of two writers who read
the same version exactly one succeeds and the other gets :class:`~charter.errors.StaleVersionError`
— on SQLite (where writers also queue on ``BEGIN IMMEDIATE``) and on PostgreSQL alike.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import sqlalchemy as sa
from pydantic_core import to_jsonable_python
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from charter.domain import Plan
from charter.errors import ConflictError, InvalidChangeError, Location, NotFoundError
from charter.store import codec, keys
from charter.store import members as membership
from charter.store import rows as steps
from charter.store.accounts import Accounts
from charter.store.database import BULK_ROWS, ONE_READ, WRITE, make_engine, refresh_statistics
from charter.store.members import Members
from charter.store.migrate import check_schema
from charter.store.models import AuditRow, ProjectRow, TaskRow
from charter.store.plan_check import check_plan, check_task_alone, would_be_plan
from charter.store.plan_items import PlanItems
from charter.store.records import AuditEntry, ProjectInfo, StoredTask
from charter.store.task_cache import TaskCache
from charter.store.wbs import Wbs

Clock = Callable[[], dt.datetime]
KEY_ATTEMPTS = 5
FETCH_CHUNK = 900
"""Row ids per ``IN (…)`` query: well under every backend's limit on bound parameters."""


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def open_store(url: str, *, check: bool = True, clock: Clock = utc_now) -> Store:
    """A store on the database at ``url``; refuses a database whose schema is not current."""
    engine = make_engine(url)
    if check:
        try:
            check_schema(engine)
        except BaseException:
            engine.dispose()
            raise
    return Store(engine, clock=clock)


class Store:
    """Charter's database, behind methods that speak the domain (``Plan``, ``Task``)."""

    def __init__(self, engine: Engine, *, clock: Clock = utc_now) -> None:
        self.engine = engine
        self._clock = clock
        self.accounts = Accounts(self)
        self.members = Members(self)
        self.items = PlanItems(self)
        self._decoded = TaskCache()
        """Decoded tasks by (row, version), for the exports and reads of this store's database."""
        self.wbs = Wbs(self)

    @property
    def decoded(self) -> TaskCache:
        return self._decoded

    def now(self) -> dt.datetime:
        """The store's clock (replaceable in tests): the instant a write records."""
        return self._clock()

    def transaction(self, *, write: bool, snapshot: bool = False) -> AbstractContextManager[Session]:
        """One transaction for the store's own modules (accounts, members)."""
        return self._transaction(write=write, snapshot=snapshot)

    def one_read(self) -> AbstractContextManager[Session]:
        """A session for a single SELECT, run without a transaction around it (see ``ONE_READ``)."""
        return self._transaction(write=False, one_read=True)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # -- transactions --------------------------------------------------------------------------

    @contextmanager
    def _transaction(
        self, *, write: bool, snapshot: bool = False, one_read: bool = False
    ) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back entirely if it raises.

        A ``snapshot`` read on PostgreSQL runs at REPEATABLE READ, so that a plan read with
        several queries is exported from one state (SQLite transactions always see one); other
        reads keep READ COMMITTED, which spares each small read two round trips.
        """
        options: dict[str, Any] = {WRITE: write}
        postgres = self.engine.dialect.name == "postgresql"
        if one_read:
            options[ONE_READ] = True
            if postgres:
                options["isolation_level"] = "AUTOCOMMIT"
        elif not write and snapshot and postgres:
            options["isolation_level"] = "REPEATABLE READ"
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            session.connection(execution_options=options)
            yield session

    _audit = staticmethod(steps.audit)

    # -- projects ------------------------------------------------------------------------------

    def import_plan(
        self,
        plan: Plan,
        key: str | None = None,
        *,
        visibility: str = "private",
        actor: str | None = None,
        owner: str | None = None,
    ) -> str:
        """Store ``plan`` as a new project in one transaction; return its key.

        With ``owner`` (a user name), that user becomes the project's first owner in the same
        transaction.

        Without ``key`` one is derived from the project name and made unique (``erp``, ``erp-2`` …).
        """
        if key is not None:
            keys.check_project_key(key)
        if visibility not in ("private", "public"):
            raise InvalidChangeError(f"'{visibility}' is not a visibility", fix="use 'private' or 'public'")
        records = list(codec.task_records(plan))
        seen: set[str] = set()
        for record in records:
            if record.key in seen:
                raise InvalidChangeError(
                    f"two tasks have the key '{record.key}'",
                    where=Location(path=f"task:{record.key}"),
                    fix="give every task a key of its own",
                )
            seen.add(record.key)
        for attempt in range(KEY_ATTEMPTS):
            try:
                stored_key = self._insert_plan(plan, records, key, visibility, actor, owner)
                if len(records) >= BULK_ROWS:
                    refresh_statistics(self.engine, TaskRow.__tablename__)
                return stored_key
            except IntegrityError:
                # Another writer took the same derived key between our check and our insert
                # (possible on PostgreSQL); derive again. A given key is simply taken.
                if key is not None or attempt == KEY_ATTEMPTS - 1:
                    raise ConflictError(
                        f"the project key '{key}' is already taken",
                        fix="choose another key, or leave it out to have one derived from the name",
                    ) from None
        raise AssertionError("unreachable")

    def _insert_plan(
        self,
        plan: Plan,
        records: list[codec.TaskRecord],
        key: str | None,
        visibility: str,
        actor: str | None,
        owner: str | None = None,
    ) -> str:
        now = self._clock()
        with self._transaction(write=True) as session:
            if key is None:
                base = keys.slug(plan.project.name)
                taken = session.scalars(
                    sa.select(ProjectRow.key).where(ProjectRow.key.startswith(base, autoescape=True))
                ).all()
                key = keys.first_free(base, set(taken))
            elif session.scalar(sa.select(ProjectRow.id).where(ProjectRow.key == key)) is not None:
                raise ConflictError(
                    f"the project key '{key}' is already taken",
                    fix="choose another key, or leave it out to have one derived from the name",
                )
            project = ProjectRow(
                key=key,
                name=plan.project.name,
                visibility=visibility,
                plan_data=codec.plan_data(plan),
                version=1,
                created_at=now,
                updated_at=now,
            )
            session.add(project)
            session.flush()
            if owner is not None:
                membership.add_owner(session, project, owner, now)
            ids: dict[str, int] = {}
            # Parents precede children in WBS order; insert one depth level per flush so each
            # child row can name its parent's id.
            levels: dict[int, list[codec.TaskRecord]] = {}
            depth: dict[str, int] = {}
            for record in records:
                depth[record.key] = 0 if record.parent is None else depth[record.parent] + 1
                levels.setdefault(depth[record.key], []).append(record)
            for level in sorted(levels):
                rows = [
                    TaskRow(
                        project_id=project.id,
                        key=record.key,
                        parent_id=None if record.parent is None else ids[record.parent],
                        position=record.position,
                        data=record.data,
                        version=1,
                        created_at=now,
                        updated_at=now,
                    )
                    for record in levels[level]
                ]
                session.add_all(rows)
                session.flush()
                ids.update((row.key, row.id) for row in rows)
            self._audit(
                session,
                now,
                project,
                "project",
                key,
                "import",
                actor=actor,
                after={"name": plan.project.name, "visibility": visibility, "tasks": len(records)},
            )
            return key

    def list_projects(self, *, deleted: bool = False) -> list[ProjectInfo]:
        """The live projects by key, or (``deleted``) those in the trash."""
        gone = ProjectRow.deleted_at.is_not(None) if deleted else ProjectRow.deleted_at.is_(None)
        with self._transaction(write=False) as session:
            rows = session.scalars(sa.select(ProjectRow).where(gone).order_by(ProjectRow.key)).all()
            return [steps.info(r) for r in rows]

    def delete_project(self, key: str, expected_version: int | None, *, actor: str | None = None) -> None:
        """Move a project to the trash, if it is still at ``expected_version`` (None: any)."""
        now = self._clock()
        with self._transaction(write=True) as session:
            project = steps.project(session, key, lock=True)
            steps.check_project_version(project, expected_version)
            project.deleted_at = now
            session.flush()
            steps.touch(session, project, now)
            self._audit(session, now, project, "project", key, "delete", actor=actor,
                        after={"deleted_at": now.isoformat(), "version": project.version})  # fmt: skip

    def restore_project(self, key: str, *, actor: str | None = None) -> ProjectInfo:
        """Bring a project back from the trash (a live project is left as it is)."""
        now = self._clock()
        with self._transaction(write=True) as session:
            project = steps.project(session, key, deleted=None, lock=True)
            if project.deleted_at is None:
                return steps.info(project)
            deleted_at = project.deleted_at
            project.deleted_at = None
            session.flush()
            steps.touch(session, project, now)
            self._audit(
                session, now, project, "project", key, "restore", actor=actor,
                before={"deleted_at": deleted_at.isoformat()}, after={"version": project.version},
            )  # fmt: skip
            return steps.info(project)

    def export_plan(self, key: str) -> Plan:
        """The project as a ``Plan``, equal to the one imported plus every change since."""
        return self.export_versioned(key)[0]

    def export_versioned(self, key: str) -> tuple[Plan, int]:
        """The project's ``Plan`` and the project version it is, read from one snapshot.

        Decoded tasks are kept by (row, version) — a row's version changes with every write to
        it — so exporting a large project again decodes only the tasks changed since.
        """
        with self._transaction(write=False, snapshot=True) as session:
            project = steps.project(session, key)
            rows = session.execute(
                sa.select(TaskRow.id, TaskRow.parent_id, TaskRow.key, TaskRow.version)
                .where(TaskRow.project_id == project.id, TaskRow.deleted_at.is_(None))
                .order_by(TaskRow.position, TaskRow.id)
            ).all()
            tasks = self._decoded.get_many((row_id, version) for row_id, _, _, version in rows)
            missing = [row_id for row_id, _, _, version in rows if (row_id, version) not in tasks]
            for start in range(0, len(missing), FETCH_CHUNK):
                chunk = missing[start : start + FETCH_CHUNK]
                for row_id, task_key, version, data in session.execute(
                    sa.select(TaskRow.id, TaskRow.key, TaskRow.version, TaskRow.data).where(
                        TaskRow.id.in_(chunk)
                    )
                ):
                    tasks[(row_id, version)] = self._decoded.put(
                        (row_id, version), codec.decode_task(task_key, data)
                    )
            plan = codec.plan_of_tasks(
                project.plan_data,
                ((row_id, parent_id, tasks[(row_id, version)]) for row_id, parent_id, _, version in rows),
            )
            return plan, project.version

    def audit_log(self, key: str) -> list[AuditEntry]:
        """The project's audit entries, oldest first."""
        with self._transaction(write=False) as session:
            project = steps.project(session, key, deleted=None)
            rows = session.scalars(
                sa.select(AuditRow).where(AuditRow.project_id == project.id).order_by(AuditRow.id)
            ).all()
            return [
                AuditEntry(r.at, r.actor, key, r.entity, r.entity_key, r.action, r.before, r.after)
                for r in rows
            ]

    # -- tasks ---------------------------------------------------------------------------------

    def get_task(self, key: str, task_key: str) -> StoredTask:
        with self._transaction(write=False) as session:
            project, row, parent_key = steps.project_task(session, key, task_key, plan=False)
            return steps.stored(session, project, row, self._decoded, parent_key=parent_key)

    def trash(self, key: str) -> list[StoredTask]:
        """Tasks in the project's trash, most recently deleted first."""
        with self._transaction(write=False) as session:
            project = steps.project(session, key)
            rows = session.scalars(
                sa.select(TaskRow)
                .where(TaskRow.project_id == project.id, TaskRow.deleted_at.is_not(None))
                .order_by(TaskRow.deleted_at.desc(), TaskRow.position)
            ).all()
            return [steps.stored(session, project, row) for row in rows]

    def update_task(
        self,
        key: str,
        task_key: str,
        changes: Mapping[str, Any],
        expected_version: int,
        *,
        actor: str | None = None,
    ) -> StoredTask:
        """Change some of a task's own fields, if it is still at ``expected_version``.

        ``changes`` maps ``Task`` field names to new values, as JSON values (what a PATCH body
        holds) or domain objects. ``key`` and ``tasks`` cannot be changed here.
        """
        fixed = sorted(codec.TASK_COLUMNS & changes.keys())
        if fixed:
            raise InvalidChangeError(
                f"'{fixed[0]}' of a task cannot be changed by an update",
                where=Location(path=f"task:{task_key}.{fixed[0]}"),
                fix="change the task's own fields; the WBS is edited by moving tasks",
            )
        now = self._clock()
        # The validation, which is CPU work, runs before the write lock is taken, on the
        # version the writer quotes; the write then only checks that nothing moved meanwhile.
        with self._transaction(write=False) as session:
            project, row, parent_key = steps.project_task(session, key, task_key, plan=True)
            steps.check_version(row, expected_version)
            task = steps.validated(task_key, {**row.data, **to_jsonable_python(changes)})
            data = codec.task_data(task)
            if data == row.data:
                steps.check_references(session, project, task)
                return steps.stored(session, project, row, self._decoded, parent_key=parent_key)
            structural = data["links"] != row.data["links"]
            settings = _scheduling_settings(project.plan_data)
            if not structural:
                has_children = session.scalar(
                    sa.select(TaskRow.id)
                    .where(TaskRow.parent_id == row.id, TaskRow.deleted_at.is_(None))
                    .limit(1)
                )
                check_task_alone(project.plan_data, task, is_summary=has_children is not None)
        with self._transaction(write=True) as session:
            project = steps.project(session, key, lock=structural)
            row = steps.task(session, project, task_key)
            steps.check_version(row, expected_version)
            steps.check_references(session, project, task)
            if structural or _scheduling_settings(project.plan_data) != settings:
                check_plan(would_be_plan(session, project, tasks={task_key: (row.parent_id, data)}))
            before = {**row.data, "key": task_key, "version": row.version}
            steps.bump(session, row, expected_version, data=data, updated_at=now)
            steps.touch(session, project, now)
            self._audit(
                session, now, project, "task", task_key, "update", actor=actor,
                before=before, after={**data, "key": task_key, "version": row.version},
            )  # fmt: skip
            # The parent read before still holds: a move would have changed the version checked.
            return steps.stored(session, project, row, self._decoded, parent_key=parent_key)

    def delete_task(
        self, key: str, task_key: str, expected_version: int, *, actor: str | None = None
    ) -> None:
        """Move a task and its sub-tasks to the trash, if it is still at ``expected_version``.

        Refused while a task outside them links to one of them, or a risk delays one of them:
        the exported plan would otherwise refer to tasks that are not there.
        """
        now = self._clock()
        with self._transaction(write=True) as session:
            project = steps.project(session, key)
            row = steps.task(session, project, task_key)
            steps.check_version(row, expected_version)
            live = steps.live_rows(session, project)
            subtree = steps.subtree(row, live)
            gone = {r.key for r in subtree}
            users = sorted(
                r.key
                for r in live
                if r.key not in gone and any(link["predecessor"] in gone for link in r.data["links"])
            )
            users += sorted(
                f"risk '{risk['key']}'"
                for risk in project.plan_data.get("risks", [])
                if set((risk.get("delay") or {}).get("tasks", [])) & gone
            )
            if users:
                raise ConflictError(
                    f"task '{task_key}' cannot be deleted: {', '.join(users[:5])}"
                    f"{' …' if len(users) > 5 else ''} depend on it or its sub-tasks",
                    where=Location(path=f"task:{task_key}"),
                    fix="remove those links (or risk delays) first, or delete those tasks too",
                )
            for r in subtree:
                before = {**r.data, "key": r.key, "version": r.version}
                steps.bump(session, r, r.version, deleted_at=now, updated_at=now)
                self._audit(
                    session, now, project, "task", r.key, "delete", actor=actor,
                    before=before, after={"deleted_at": now.isoformat(), "version": r.version},
                )  # fmt: skip
            steps.touch(session, project, now)

    def restore_task(self, key: str, task_key: str, *, actor: str | None = None) -> StoredTask:
        """Bring a task back from the trash, with the sub-tasks that were deleted along with it."""
        now = self._clock()
        with self._transaction(write=True) as session:
            project = steps.project(session, key)
            row = session.scalar(
                sa.select(TaskRow).where(
                    TaskRow.project_id == project.id,
                    TaskRow.key == task_key,
                    TaskRow.deleted_at.is_not(None),
                )
            )
            if row is None:
                raise NotFoundError(
                    f"task '{task_key}' is not in the trash of project '{key}'",
                    where=Location(path=f"task:{task_key}"),
                )
            if row.parent_id is not None:
                parent = session.get_one(TaskRow, row.parent_id)
                if parent.deleted_at is not None:
                    raise ConflictError(
                        f"task '{task_key}' belongs to '{parent.key}', which is in the trash too",
                        where=Location(path=f"task:{task_key}"),
                        fix=f"restore '{parent.key}' first",
                    )
            deleted = session.scalars(
                sa.select(TaskRow).where(
                    TaskRow.project_id == project.id, TaskRow.deleted_at == row.deleted_at
                )
            ).all()
            batch = steps.subtree(row, deleted)
            live_keys = {r.key for r in steps.live_rows(session, project)} | {r.key for r in batch}
            missing = sorted({link["predecessor"] for r in batch for link in r.data["links"]} - live_keys)
            if missing:
                raise ConflictError(
                    f"task '{task_key}' links to {', '.join(missing)}, which no longer exist",
                    where=Location(path=f"task:{task_key}"),
                    fix="restore those tasks first",
                )
            for r in batch:
                before = {"deleted_at": r.deleted_at.isoformat() if r.deleted_at else None}
                steps.bump(session, r, r.version, deleted_at=None, updated_at=now)
                self._audit(
                    session, now, project, "task", r.key, "restore", actor=actor,
                    before=before, after={**r.data, "key": r.key, "version": r.version},
                )  # fmt: skip
            steps.touch(session, project, now)
            return steps.stored(session, project, row)


def _scheduling_settings(plan_data: Mapping[str, Any]) -> tuple[Any, ...]:
    """What a task's own check depends on besides the task: project settings, calendars, resources."""
    return plan_data.get("project"), plan_data.get("calendars"), plan_data.get("resources")


__all__ = ["Store", "open_store", "utc_now"]
