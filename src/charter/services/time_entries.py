"""Time entries: log, list, change, delete to the trash, restore, import from CSV.

Members and up log time; a member changes only their own entries (whose person they are),
managers and owners everybody's — the rule is ``record_action`` of the permission module.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from charter.errors import ForbiddenError, ImportFileError, InvalidChangeError, Location
from charter.formats.timesheet_csv import minutes_of, read_timesheet
from charter.services.access import authorize
from charter.services.actor import Actor
from charter.services.permissions import Action, Role, check_project, record_action
from charter.store import (
    NewTimeEntry,
    ProjectInfo,
    Store,
    TimeEntries,
    TimeEntry,
    TimeEntryPage,
    TimeEntryQuery,
)
from charter.store.time_entries import EntryCheck

CHANGEABLE = ("person", "task", "date", "hours", "note")


def _minutes(hours: float | int | str) -> int:
    try:
        return minutes_of(hours)
    except ValueError as exc:
        raise InvalidChangeError(
            str(exc), where=Location(path="hours"), fix="give the hours as a number like 1.5 (at most 24)"
        ) from None


@dataclass(frozen=True, slots=True)
class TimeToLog:
    """Time to log, as a person gives it (hours, the person left out for oneself)."""

    task: str
    date: dt.date
    hours: float
    note: str = ""
    person: str | None = None


class TimeEntryService:
    def __init__(self, store: Store) -> None:
        self._store = store
        self._entries = TimeEntries(store)

    # -- reads ---------------------------------------------------------------------------------

    def page(self, actor: Actor, key: str, query: TimeEntryQuery) -> TimeEntryPage:
        authorize(self._store, actor, key, Action.VIEW_PLAN)
        if query.date_from and query.date_to and query.date_from > query.date_to:
            raise InvalidChangeError(
                f"the period from {query.date_from} to {query.date_to} is empty",
                where=Location(path="from"),
                fix="give a 'from' date on or before the 'to' date",
            )
        return self._entries.page(key, query)

    def get(self, actor: Actor, key: str, number: int) -> TimeEntry:
        authorize(self._store, actor, key, Action.VIEW_PLAN)
        return self._entries.get(key, number)

    def trash(self, actor: Actor, key: str) -> list[TimeEntry]:
        authorize(self._store, actor, key, Action.VIEW_PLAN)
        return self._entries.trash(key)

    # -- writes --------------------------------------------------------------------------------

    def log(
        self,
        actor: Actor,
        key: str,
        *,
        task: str,
        date: dt.date,
        hours: float,
        note: str = "",
        person: str | None = None,
    ) -> TimeEntry:
        """Log time; ``person`` defaults to the actor (logging for someone else takes a manager)."""
        return self.log_many(actor, key, [TimeToLog(task, date, hours, note, person)], single=True)[0]

    def log_many(
        self, actor: Actor, key: str, entries: Sequence[TimeToLog], *, single: bool = False
    ) -> list[TimeEntry]:
        """Log several entries in one transaction, all or none; errors name ``[index].field``
        (just ``field`` with ``single``)."""

        def locate(index: int, field: str) -> Location:
            name = "hours" if field == "minutes" else field
            return Location(path=name if single else f"[{index}].{name}")

        info, role = authorize(self._store, actor, key, Action.LOG_TIME)
        new: list[NewTimeEntry] = []
        for index, entry in enumerate(entries):
            person = entry.person if entry.person is not None else actor.name
            if person is None:
                raise InvalidChangeError(
                    "a time entry needs a person",
                    where=locate(index, "person"),
                    fix="name the user or resource",
                )
            check_project(actor, record_action(actor, person, Action.LOG_TIME), key, role, info.visibility)
            try:
                minutes = minutes_of(entry.hours)
            except ValueError as exc:
                raise InvalidChangeError(
                    str(exc),
                    where=locate(index, "hours"),
                    fix="give the hours as a number like 1.5 (at most 24)",
                ) from None
            new.append(
                NewTimeEntry(
                    person=person, task=entry.task, date=entry.date, minutes=minutes, note=entry.note
                )
            )
        if not new:
            raise InvalidChangeError("there are no time entries to log", fix="send at least one entry")
        return self._entries.add(
            key, new, actor=actor.audit_name, locate=locate, action="create" if single else "import"
        )

    def import_csv(
        self, actor: Actor, key: str, data: bytes, source: str = "request body"
    ) -> list[TimeEntry]:
        """Log every line of a CSV file (see :mod:`charter.formats.timesheet_csv`), or none of them."""
        info, role = authorize(self._store, actor, key, Action.LOG_TIME)
        table = read_timesheet(data, source, default_person=actor.name)
        if not table.lines:
            raise ImportFileError(
                "the CSV file holds no time entries, only its header",
                where=Location(file=source, line=1),
                fix="add one line per entry below the header",
            )
        for index, line in enumerate(table.lines):
            try:
                check_project(
                    actor,
                    record_action(actor, line.entry.person, Action.LOG_TIME),
                    key,
                    role,
                    info.visibility,
                )
            except ForbiddenError as refused:
                refused.what = f"line {line.line}: {refused.what} (the time of '{line.entry.person}')"
                refused.where = table.locate(index, "person")
                raise
        return self._entries.add(
            key,
            [NewTimeEntry(e.person, e.task, e.date, e.minutes, e.note) for e in table.entries],
            actor=actor.audit_name,
            locate=table.locate,
            action="import",
        )

    def patch(
        self, actor: Actor, key: str, number: int, changes: Mapping[str, Any], expected_version: int
    ) -> TimeEntry:
        """Change some of person, task, date, hours and note, if the entry is still as read."""
        unknown = sorted(set(changes) - set(CHANGEABLE))
        if unknown:
            raise InvalidChangeError(
                f"'{unknown[0]}' is not a field of a time entry that can be changed",
                where=Location(path=unknown[0]),
                fix=f"change {', '.join(CHANGEABLE)}",
            )
        empty = sorted(name for name, value in changes.items() if value is None)
        if empty:
            raise InvalidChangeError(
                f"'{empty[0]}' of a time entry cannot be null",
                where=Location(path=empty[0]),
                fix='leave the field out to keep it, or give a value (an empty note is "")',
            )
        fields = {name: value for name, value in changes.items() if name != "hours"}
        if "hours" in changes:
            fields["minutes"] = _minutes(changes["hours"])
        info, role = authorize(self._store, actor, key, Action.LOG_TIME)
        return self._entries.update(
            key,
            number,
            fields,
            expected_version,
            actor=actor.audit_name,
            check=self._owners(actor, info, role),
        )

    def delete(self, actor: Actor, key: str, number: int, expected_version: int) -> None:
        info, role = authorize(self._store, actor, key, Action.LOG_TIME)
        self._entries.delete(
            key, number, expected_version, actor=actor.audit_name, check=self._owners(actor, info, role)
        )

    def restore(self, actor: Actor, key: str, number: int) -> TimeEntry:
        info, role = authorize(self._store, actor, key, Action.LOG_TIME)
        return self._entries.restore(
            key, number, actor=actor.audit_name, check=self._owners(actor, info, role)
        )

    @staticmethod
    def _owners(actor: Actor, info: ProjectInfo, role: Role | None) -> EntryCheck:
        """The check, run in the writing transaction, that the actor may touch the entry's time
        as it is and as it would be (a member may not hand their entry to someone else)."""

        def check(current: TimeEntry, wanted: TimeEntry) -> None:
            for person in dict.fromkeys((current.person, wanted.person)):
                action = record_action(actor, person, Action.LOG_TIME)
                check_project(actor, action, info.key, role, info.visibility)

        return check
