"""Time entries: who worked how long on which task on which day.

``person`` is a user name or a resource key of the project's plan; the time is kept in whole
minutes (at most a day's 24 hours per entry). Entries are numbered per project and versioned;
deleting one moves it to the trash.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from charter.domain.cost import MAX_ENTRY_MINUTES
from charter.errors import InvalidChangeError, Location
from charter.store import project_records as records
from charter.store import rows as steps
from charter.store.models import AuditRow, ProjectRow, TaskRow, TimeEntryRow, UserRow

if TYPE_CHECKING:
    from charter.store.repository import Store

MAX_PERSON = 64
FIELDS = ("person", "task", "date", "minutes", "note")
SORTS: Mapping[str, tuple[sa.ColumnElement[Any], ...]] = {
    "date": (TimeEntryRow.work_date.asc(), TimeEntryRow.number.asc()),
    "-date": (TimeEntryRow.work_date.desc(), TimeEntryRow.number.desc()),
    "hours": (TimeEntryRow.minutes.asc(), TimeEntryRow.number.asc()),
    "-hours": (TimeEntryRow.minutes.desc(), TimeEntryRow.number.desc()),
    "person": (TimeEntryRow.person.asc(), TimeEntryRow.work_date.asc(), TimeEntryRow.number.asc()),
    "-person": (TimeEntryRow.person.desc(), TimeEntryRow.work_date.desc(), TimeEntryRow.number.desc()),
    "id": (TimeEntryRow.number.asc(),),
}
"""The orders a listing can take (``-`` for descending); ties keep the order of entry."""

Locate = Callable[[int, str], Location]
"""(index of the entry in a batch, field name) -> where an error about it is."""
EntryCheck = Callable[["TimeEntry", "TimeEntry"], None]
"""Called with (the entry as stored, the entry as it would be) inside the writing transaction."""


@dataclass(frozen=True, slots=True)
class TimeEntry:
    project: str
    id: int
    """The entry's number in its project."""
    person: str
    task: str
    date: dt.date
    minutes: int
    note: str
    author: str
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime
    deleted_at: dt.datetime | None = None

    @property
    def hours(self) -> float:
        return self.minutes / 60

    def audit(self) -> dict[str, Any]:
        return {
            "person": self.person,
            "task": self.task,
            "date": self.date.isoformat(),
            "minutes": self.minutes,
            "note": self.note,
            "version": self.version,
        }


@dataclass(frozen=True, slots=True)
class NewTimeEntry:
    person: str
    task: str
    date: dt.date
    minutes: int
    note: str = ""


@dataclass(frozen=True, slots=True)
class TimeEntryQuery:
    """Which entries to list: every filter is optional; dates are inclusive."""

    task: str | None = None
    person: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    sort: str = "date"
    limit: int = 50
    offset: int = 0


@dataclass(frozen=True, slots=True)
class TimeEntryPage:
    items: list[TimeEntry]
    total: int
    """How many entries match, over all pages."""
    minutes: int
    """Their time, over all pages."""


def _locate(index: int, field: str) -> Location:
    return Location(path=field if index == 0 else f"entries[{index}].{field}")


def _entry(project: ProjectRow, row: TimeEntryRow, task: str) -> TimeEntry:
    return TimeEntry(
        project=project.key,
        id=row.number,
        person=row.person,
        task=task,
        date=row.work_date,
        minutes=row.minutes,
        note=row.note,
        author=row.author,
        version=row.version,
        created_at=row.created_at,
        updated_at=row.updated_at,
        deleted_at=row.deleted_at,
    )


class TimeEntries:
    """The time entries of one :class:`~charter.store.repository.Store`."""

    def __init__(self, store: Store) -> None:
        self._store = store

    # -- reads ---------------------------------------------------------------------------------

    def page(self, key: str, query: TimeEntryQuery) -> TimeEntryPage:
        order = SORTS.get(query.sort)
        if order is None:
            raise InvalidChangeError(
                f"time entries cannot be sorted by '{query.sort}'",
                where=Location(path="sort"),
                fix=f"use one of {', '.join(SORTS)}",
            )
        with self._store.transaction(write=False) as session:
            project = steps.project(session, key)
            where: list[sa.ColumnElement[bool]] = [
                TimeEntryRow.project_id == project.id,
                TimeEntryRow.deleted_at.is_(None),
            ]
            if query.task is not None:
                where.append(TaskRow.key == query.task)
            if query.person is not None:
                where.append(TimeEntryRow.person == query.person)
            if query.date_from is not None:
                where.append(TimeEntryRow.work_date >= query.date_from)
            if query.date_to is not None:
                where.append(TimeEntryRow.work_date <= query.date_to)
            joined = sa.join(TimeEntryRow, TaskRow, TaskRow.id == TimeEntryRow.task_id)
            total, minutes = session.execute(
                sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(TimeEntryRow.minutes), 0))
                .select_from(joined)
                .where(*where)
            ).one()
            rows = session.execute(
                sa.select(TimeEntryRow, TaskRow.key)
                .select_from(joined)
                .where(*where)
                .order_by(*order)
                .limit(query.limit)
                .offset(query.offset)
            )
            items = [_entry(project, row, task) for row, task in rows]
            return TimeEntryPage(items, int(total), int(minutes))

    def live(self, key: str) -> list[TimeEntry]:
        """Every live entry of the project, by date then number: what the project's actual
        cost is computed from."""
        with self._store.transaction(write=False) as session:
            project = steps.project(session, key, plan=False)
            rows = session.execute(
                sa.select(TimeEntryRow, TaskRow.key)
                .join(TaskRow, TaskRow.id == TimeEntryRow.task_id)
                .where(TimeEntryRow.project_id == project.id, TimeEntryRow.deleted_at.is_(None))
                .order_by(TimeEntryRow.work_date, TimeEntryRow.number)
            )
            return [_entry(project, row, task) for row, task in rows]

    def get(self, key: str, number: int) -> TimeEntry:
        with self._store.transaction(write=False) as session:
            project = steps.project(session, key)
            return self._read(session, project, records.find(session, TimeEntryRow, project, number))

    def trash(self, key: str) -> list[TimeEntry]:
        """Entries in the project's trash, most recently deleted first."""
        with self._store.transaction(write=False) as session:
            project = steps.project(session, key)
            rows = session.execute(
                sa.select(TimeEntryRow, TaskRow.key)
                .join(TaskRow, TaskRow.id == TimeEntryRow.task_id)
                .where(TimeEntryRow.project_id == project.id, TimeEntryRow.deleted_at.is_not(None))
                .order_by(TimeEntryRow.deleted_at.desc(), TimeEntryRow.number.desc())
            )
            return [_entry(project, row, task) for row, task in rows]

    # -- writes --------------------------------------------------------------------------------

    def add(
        self,
        key: str,
        entries: Sequence[NewTimeEntry],
        *,
        actor: str,
        locate: Locate = _locate,
        action: str = "create",
    ) -> list[TimeEntry]:
        """Store ``entries`` in one transaction: all of them, or (on any error) none.

        Errors name the entry and field through ``locate`` (a CSV import names line and column).
        """
        now = self._store.now()
        with self._store.transaction(write=True) as session:
            project = records.locked_project(session, key)
            tasks = self._task_ids(session, project, entries, locate)
            self._check_people(session, project, [(i, e.person) for i, e in enumerate(entries)], locate)
            for index, entry in enumerate(entries):
                _check_minutes(entry.minutes, locate(index, "hours"))
            first = records.next_number(session, TimeEntryRow, project)
            added = [
                TimeEntry(
                    project=project.key,
                    id=first + index,
                    person=entry.person,
                    task=entry.task,
                    date=entry.date,
                    minutes=entry.minutes,
                    note=entry.note,
                    author=actor,
                    version=1,
                    created_at=now,
                    updated_at=now,
                )
                for index, entry in enumerate(entries)
            ]
            # Core executemany, not ORM objects: an import of thousands of lines stays fast.
            session.execute(
                sa.insert(TimeEntryRow),
                [
                    {
                        "project_id": project.id,
                        "number": e.id,
                        "task_id": tasks[e.task],
                        "person": e.person,
                        "work_date": e.date,
                        "minutes": e.minutes,
                        "note": e.note,
                        "author": actor,
                        "version": 1,
                        "created_at": now,
                        "updated_at": now,
                    }
                    for e in added
                ],
            )
            session.execute(
                sa.insert(AuditRow),
                [
                    {
                        "at": now,
                        "actor": actor,
                        "project_id": project.id,
                        "entity": "time_entry",
                        "entity_key": str(e.id),
                        "action": action,
                        "before": None,
                        "after": e.audit(),
                    }
                    for e in added
                ],
            )
            return added

    def update(
        self,
        key: str,
        number: int,
        changes: Mapping[str, Any],
        expected_version: int,
        *,
        actor: str,
        check: EntryCheck | None = None,
    ) -> TimeEntry:
        """Change some of ``person``, ``task``, ``date``, ``minutes``, ``note``, if the entry is
        still at ``expected_version``."""
        unknown = sorted(set(changes) - set(FIELDS))
        if unknown:
            raise InvalidChangeError(
                f"'{unknown[0]}' is not a field of a time entry that can be changed",
                where=Location(path=unknown[0]),
                fix="change person, task, date, hours or note",
            )
        now = self._store.now()
        with self._store.transaction(write=True) as session:
            project = records.locked_project(session, key)
            row = records.find(session, TimeEntryRow, project, number)
            records.check_version(TimeEntryRow, row, expected_version)
            current = self._read(session, project, row)
            wanted = replace(current, **changes)
            if check is not None:
                check(current, wanted)
            if wanted == current:
                return current
            values: dict[str, Any] = {
                "person": wanted.person,
                "work_date": wanted.date,
                "minutes": wanted.minutes,
                "note": wanted.note,
            }
            if wanted.person != current.person:
                self._check_people(session, project, [(0, wanted.person)], _locate)
            if wanted.task != current.task:
                values["task_id"] = self._task_ids(session, project, [wanted], _locate)[wanted.task]
            _check_minutes(wanted.minutes, Location(path="hours"))
            return records.change(
                session, TimeEntryRow, project, row, expected_version, action="update", actor=actor, at=now,
                before=current, show=lambda r: self._read(session, project, r), **values,
            )  # fmt: skip

    def delete(
        self, key: str, number: int, expected_version: int, *, actor: str, check: EntryCheck | None = None
    ) -> None:
        """Move the entry to the trash, if it is still at ``expected_version``."""
        now = self._store.now()
        with self._store.transaction(write=True) as session:
            project = records.locked_project(session, key)
            row = records.find(session, TimeEntryRow, project, number)
            records.check_version(TimeEntryRow, row, expected_version)
            current = self._read(session, project, row)
            if check is not None:
                check(current, current)
            records.change(
                session, TimeEntryRow, project, row, expected_version, action="delete", actor=actor, at=now,
                before=current, show=lambda r: self._read(session, project, r), deleted_at=now,
            )  # fmt: skip

    def restore(self, key: str, number: int, *, actor: str, check: EntryCheck | None = None) -> TimeEntry:
        """Bring the entry back from the trash."""
        now = self._store.now()
        with self._store.transaction(write=True) as session:
            project = records.locked_project(session, key)
            row = records.find(session, TimeEntryRow, project, number, trashed=True)
            current = self._read(session, project, row)
            if check is not None:
                check(current, current)
            return records.change(
                session, TimeEntryRow, project, row, row.version, action="restore", actor=actor, at=now,
                before=current, show=lambda r: self._read(session, project, r), deleted_at=None,
            )  # fmt: skip

    # -- steps ---------------------------------------------------------------------------------

    @staticmethod
    def _read(session: Session, project: ProjectRow, row: TimeEntryRow) -> TimeEntry:
        return _entry(project, row, session.get_one(TaskRow, row.task_id).key)

    @staticmethod
    def _task_ids(
        session: Session, project: ProjectRow, entries: Sequence[NewTimeEntry | TimeEntry], locate: Locate
    ) -> dict[str, int]:
        wanted = {entry.task for entry in entries}
        found = dict(
            session.execute(
                sa.select(TaskRow.key, TaskRow.id).where(
                    TaskRow.project_id == project.id, TaskRow.deleted_at.is_(None), TaskRow.key.in_(wanted)
                )
            ).all()
        )
        for index, entry in enumerate(entries):
            if entry.task not in found:
                raise InvalidChangeError(
                    f"project '{project.key}' has no task '{entry.task}'",
                    where=locate(index, "task"),
                    fix="use the key of a task of the project (a task in the trash cannot take time)",
                )
        return found

    @staticmethod
    def _check_people(
        session: Session, project: ProjectRow, people: Sequence[tuple[int, str]], locate: Locate
    ) -> None:
        """Every person must be a user or one of the plan's resources."""
        resources = set(project.plan_data.get("resources", {}))
        names = {person for _, person in people} - resources
        users = (
            set(session.scalars(sa.select(UserRow.name).where(UserRow.name.in_(names))).all())
            if names
            else set()
        )
        for index, person in people:
            if not person or len(person) > MAX_PERSON:
                raise InvalidChangeError(
                    "the person of a time entry must be 1-64 characters long",
                    where=locate(index, "person"),
                    fix="give a user name or a resource key of the plan",
                )
            if person not in resources and person not in users:
                raise InvalidChangeError(
                    f"'{person}' is neither a user nor a resource of project '{project.key}'",
                    where=locate(index, "person"),
                    fix="give a user name or a resource key of the plan",
                )


def _check_minutes(minutes: int, where: Location) -> None:
    if not 0 < minutes <= MAX_ENTRY_MINUTES:
        raise InvalidChangeError(
            f"a time entry takes more than 0 and at most 24 hours, not {minutes / 60:g}",
            where=where,
            fix="split longer work into one entry per day",
        )
