"""The plan-level items of a project — calendars, resources, risks, baselines — and its settings.

They live in the project's plan document (``ProjectRow.plan_data``). Each item's version is a
digest of its content, so two people editing two different calendars never collide, while one
who edits a calendar someone changed since they read it is refused (412). Every write checks
the whole plan as it would be (:mod:`charter.store.plan_check`) with the project row locked, so
that a calendar in use cannot disappear and a reference cannot dangle; it bumps the project's
version and is audited with before and after. A deleted item can be restored from its last
audit entry for as long as the audit log keeps it.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from pydantic import BaseModel, ValidationError
from pydantic_core import to_jsonable_python
from sqlalchemy.orm import Session

from charter.domain import Baseline, Calendar, Project, Resource, Risk
from charter.errors import ConflictError, InvalidChangeError, Location, NotFoundError, StaleVersionError
from charter.store import rows as steps
from charter.store.models import AuditRow, ProjectRow
from charter.store.plan_check import check_plan, would_be_plan
from charter.store.records import ProjectInfo

if TYPE_CHECKING:
    from charter.store.repository import Store

CREATE_ONLY = ""
"""``expected`` for a write that must create the item (``If-None-Match: *``)."""
ANY_VERSION = "*"
"""``expected`` for a write that accepts whatever version is there (``If-Match: *``)."""


@dataclass(frozen=True, slots=True)
class Section:
    """One collection of a plan: where it lives in the plan document and how items are keyed."""

    field: str
    """The ``Plan`` field: ``calendars``, ``resources``, ``risks``, ``baselines``."""
    entity: str
    """Its items' name in messages and in the audit log."""
    model: type[BaseModel]
    key_field: str
    mapping: bool
    """Stored as a mapping from key to item (else as a list of items)."""

    def item_key(self, item: Mapping[str, Any]) -> str:
        return str(item[self.key_field])


SECTIONS: Mapping[str, Section] = {
    "calendars": Section("calendars", "calendar", Calendar, "key", mapping=True),
    "resources": Section("resources", "resource", Resource, "key", mapping=True),
    "risks": Section("risks", "risk", Risk, "key", mapping=False),
    "baselines": Section("baselines", "baseline", Baseline, "index", mapping=False),
}
PROJECT_FIELDS = frozenset(Project.model_fields)


@dataclass(frozen=True, slots=True)
class StoredItem:
    project: str
    section: str
    key: str
    data: dict[str, Any]
    """The item as JSON values, as ``charter schema`` describes it."""
    version: str
    """A digest of ``data``: the item's ETag."""


@dataclass(frozen=True, slots=True)
class ProjectSettings:
    info: ProjectInfo
    data: dict[str, Any]
    """The ``project:`` section of the plan, as JSON values."""


def digest(data: Mapping[str, Any]) -> str:
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def _items(section: Section, plan_data: Mapping[str, Any]) -> list[dict[str, Any]]:
    raw: Any = plan_data.get(section.field) or ({} if section.mapping else [])
    return list(raw.values()) if section.mapping else list(raw)


def _find(section: Section, plan_data: Mapping[str, Any], key: str) -> dict[str, Any] | None:
    return next((item for item in _items(section, plan_data) if section.item_key(item) == key), None)


def _with_item(
    section: Section, plan_data: Mapping[str, Any], key: str, item: dict[str, Any] | None
) -> dict[str, Any]:
    """A copy of ``plan_data`` with the item ``key`` replaced, added (at the end) or removed."""
    data = copy.deepcopy(dict(plan_data))
    items = [i for i in _items(section, data) if section.item_key(i) != key]
    if item is not None:
        old = [section.item_key(i) for i in _items(section, data)]
        at = old.index(key) if key in old else len(items)
        items.insert(at, item)
    if section.field == "baselines":
        items.sort(key=lambda i: int(i["index"]))
    data[section.field] = {section.item_key(i): i for i in items} if section.mapping else items
    return data


def _check_or_conflict(
    session: Session,
    project: ProjectRow,
    plan_data: dict[str, Any],
    part: Section,
    item_key: str,
    problem: str,
    fix: str,
) -> None:
    """Check the plan as it would be; a failure is a conflict with the rest of the plan (409)."""
    try:
        check_plan(would_be_plan(session, project, plan_data=plan_data))
    except InvalidChangeError as error:
        raise ConflictError(
            f"{part.entity} '{item_key}' {problem}: {error.what}",
            where=Location(path=f"{part.entity}:{item_key}"),
            fix=fix,
        ) from None


class PlanItems:
    """The plan-level items and settings of the projects of one store."""

    def __init__(self, store: Store) -> None:
        self._store = store

    # -- items ---------------------------------------------------------------------------------

    def list_items(self, key: str, section: str) -> list[StoredItem]:
        part = SECTIONS[section]
        with self._store.transaction(write=False) as session:
            project = steps.project(session, key)
            return [self._stored(project, part, item) for item in _items(part, project.plan_data)]

    def get(self, key: str, section: str, item_key: str) -> StoredItem:
        part = SECTIONS[section]
        with self._store.transaction(write=False) as session:
            project = steps.project(session, key)
            return self._stored(project, part, self._existing(project, part, item_key))

    def put(
        self,
        key: str,
        section: str,
        item_key: str,
        data: Mapping[str, Any],
        expected: str,
        *,
        actor: str | None,
    ) -> tuple[StoredItem, bool]:
        """Create or replace an item; ``expected`` is its version, CREATE_ONLY or ANY_VERSION.

        Returns the stored item and whether it was created.
        """
        part = SECTIONS[section]
        item = self.validated(part, item_key, data)
        now = self._store.now()
        with self._store.transaction(write=True) as session:
            project = steps.project(session, key, lock=True)
            old = _find(part, project.plan_data, item_key)
            self._check_expected(part, item_key, old, expected)
            if old == item:
                return self._stored(project, part, item), False
            plan_data = _with_item(part, project.plan_data, item_key, item)
            check_plan(would_be_plan(session, project, plan_data=plan_data))
            self._write(session, project, plan_data, now)
            steps.audit(
                session, now, project, part.entity, item_key, "update" if old else "create",
                actor=actor, before=old, after=item,
            )  # fmt: skip
            return self._stored(project, part, item), old is None

    def delete(self, key: str, section: str, item_key: str, expected: str, *, actor: str | None) -> None:
        """Remove an item, if nothing in the plan still refers to it."""
        part = SECTIONS[section]
        now = self._store.now()
        with self._store.transaction(write=True) as session:
            project = steps.project(session, key, lock=True)
            old = self._existing(project, part, item_key)
            self._check_expected(part, item_key, old, expected)
            plan_data = _with_item(part, project.plan_data, item_key, None)
            _check_or_conflict(
                session, project, plan_data, part, item_key,
                "is still in use", "change what refers to it first",
            )  # fmt: skip
            self._write(session, project, plan_data, now)
            steps.audit(session, now, project, part.entity, item_key, "delete", actor=actor, before=old)

    def restore(self, key: str, section: str, item_key: str, *, actor: str | None) -> StoredItem:
        """Bring back a deleted item as it was when it was deleted."""
        part = SECTIONS[section]
        now = self._store.now()
        with self._store.transaction(write=True) as session:
            project = steps.project(session, key, lock=True)
            if _find(part, project.plan_data, item_key) is not None:
                raise ConflictError(
                    f"project '{key}' already has a {part.entity} '{item_key}'",
                    where=Location(path=f"{part.entity}:{item_key}"),
                    fix="delete or rename it first",
                )
            deleted = session.scalar(
                sa.select(AuditRow)
                .where(
                    AuditRow.project_id == project.id,
                    AuditRow.entity == part.entity,
                    AuditRow.entity_key == item_key,
                    AuditRow.action == "delete",
                )
                .order_by(AuditRow.id.desc())
                .limit(1)
            )
            if deleted is None or deleted.before is None:
                raise NotFoundError(
                    f"no deleted {part.entity} '{item_key}' is on record in project '{key}'",
                    where=Location(path=f"{part.entity}:{item_key}"),
                )
            item = deleted.before
            plan_data = _with_item(part, project.plan_data, item_key, item)
            _check_or_conflict(
                session, project, plan_data, part, item_key,
                "cannot come back", "restore or create what it refers to first",
            )  # fmt: skip
            self._write(session, project, plan_data, now)
            steps.audit(session, now, project, part.entity, item_key, "restore", actor=actor, after=item)
            return self._stored(project, part, item)

    # -- settings ------------------------------------------------------------------------------

    def settings(self, key: str) -> ProjectSettings:
        with self._store.transaction(write=False) as session:
            project = steps.project(session, key)
            return ProjectSettings(steps.info(project), dict(project.plan_data["project"]))

    def update_settings(
        self,
        key: str,
        changes: Mapping[str, Any],
        expected_version: int | None,
        *,
        visibility: str | None = None,
        actor: str | None,
    ) -> ProjectSettings:
        """Change fields of the ``project:`` section (name, start, calendar …) and the visibility,
        in one transaction, if the project is still at ``expected_version`` (None: any)."""
        unknown = sorted(set(changes) - PROJECT_FIELDS)
        if unknown:
            raise InvalidChangeError(
                f"'{unknown[0]}' is not a project setting",
                where=Location(path=f"project.{unknown[0]}"),
                fix=f"use one of {', '.join(sorted(PROJECT_FIELDS))}",
            )
        if visibility not in (None, "private", "public"):
            raise InvalidChangeError(
                f"'{visibility}' is not a visibility",
                where=Location(path="visibility"),
                fix="use 'private' or 'public'",
            )
        now = self._store.now()
        with self._store.transaction(write=True) as session:
            project = steps.project(session, key, lock=True)
            steps.check_project_version(project, expected_version)
            before = dict(project.plan_data["project"])
            after = self._validated_settings({**before, **to_jsonable_python(dict(changes))})
            if after != before:
                plan_data = {**project.plan_data, "project": after}
                check_plan(would_be_plan(session, project, plan_data=plan_data))
                self._write(session, project, plan_data, now, name=str(after["name"]))
                steps.audit(
                    session, now, project, "project", key, "update", actor=actor, before=before, after=after
                )
            if visibility is not None and visibility != project.visibility:
                old = project.visibility
                session.execute(
                    sa.update(ProjectRow)
                    .where(ProjectRow.id == project.id)
                    .values(visibility=visibility)
                    .execution_options(synchronize_session=False)
                )
                steps.touch(session, project, now)
                steps.audit(
                    session, now, project, "project", key, "visibility", actor=actor,
                    before={"visibility": old}, after={"visibility": visibility},
                )  # fmt: skip
            session.flush()
            session.refresh(project)
            return ProjectSettings(steps.info(project), after)

    # -- helpers -------------------------------------------------------------------------------

    @staticmethod
    def validated(section: Section, item_key: str, data: Mapping[str, Any]) -> dict[str, Any]:
        """The item as stored: checked against its model, with its key filled in from the URL."""
        given = data.get(section.key_field)
        key_value: Any = int(item_key) if section.key_field == "index" and item_key.isdigit() else item_key
        if given is not None and str(given) != item_key:
            raise InvalidChangeError(
                f"the body names {section.entity} '{given}' but the address names '{item_key}'",
                where=Location(path=f"{section.entity}:{item_key}.{section.key_field}"),
                fix=f"leave '{section.key_field}' out of the body, or make it match",
            )
        try:
            model = section.model.model_validate_json(
                json.dumps({**to_jsonable_python(dict(data)), section.key_field: key_value})
            )
        except ValidationError as error:
            field, message = steps.first_error(error)
            raise InvalidChangeError(
                f"{section.entity} '{item_key}': {field}: {message}",
                where=Location(path=f"{section.entity}:{item_key}.{field}"),
                fix="send a value of the field's type (see `charter schema`), or only known fields",
            ) from None
        dumped: dict[str, Any] = model.model_dump(mode="json")
        return dumped

    @staticmethod
    def _validated_settings(data: dict[str, Any]) -> dict[str, Any]:
        try:
            model = Project.model_validate_json(json.dumps(data))
        except ValidationError as error:
            field, message = steps.first_error(error)
            raise InvalidChangeError(
                f"project.{field}: {message}",
                where=Location(path=f"project.{field}"),
                fix="send a value of the field's type (see `charter schema`)",
            ) from None
        dumped: dict[str, Any] = model.model_dump(mode="json")
        return dumped

    @staticmethod
    def _existing(project: ProjectRow, section: Section, item_key: str) -> dict[str, Any]:
        item = _find(section, project.plan_data, item_key)
        if item is None:
            raise NotFoundError(
                f"project '{project.key}' has no {section.entity} '{item_key}'",
                where=Location(path=f"{section.entity}:{item_key}"),
            )
        return item

    @staticmethod
    def _check_expected(section: Section, item_key: str, old: dict[str, Any] | None, expected: str) -> None:
        where = Location(path=f"{section.entity}:{item_key}")
        if expected == CREATE_ONLY:
            if old is not None:
                raise StaleVersionError(
                    f"{section.entity} '{item_key}' exists already",
                    where=where,
                    fix="read it and send its ETag as If-Match to replace it",
                )
            return
        if old is None:
            if expected == ANY_VERSION:
                return
            raise StaleVersionError(
                f"{section.entity} '{item_key}' is gone since you read it",
                where=where,
                fix="send If-None-Match: * to create it again",
            )
        if expected not in (ANY_VERSION, digest(old)):
            raise StaleVersionError(
                f"{section.entity} '{item_key}' has changed since you read it",
                where=where,
                fix="read it again, then re-apply your change",
            )

    @staticmethod
    def _stored(project: ProjectRow, section: Section, item: dict[str, Any]) -> StoredItem:
        return StoredItem(project.key, section.field, section.item_key(item), item, digest(item))

    @staticmethod
    def _write(
        session: Session, project: ProjectRow, plan_data: dict[str, Any], now: Any, *, name: str | None = None
    ) -> None:
        values: dict[str, Any] = {"plan_data": plan_data}
        if name is not None:
            values["name"] = name
        session.execute(
            sa.update(ProjectRow)
            .where(ProjectRow.id == project.id)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        steps.touch(session, project, now)
