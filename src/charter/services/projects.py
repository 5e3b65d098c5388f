"""Projects: create from a plan, list what the actor may see, summary, plan, schedule, delete."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from charter.domain import Plan, PlanDate
from charter.engine.cpm import schedule
from charter.errors import ForbiddenError
from charter.services.access import authorize
from charter.services.actor import Actor
from charter.services.computed import ComputedViews
from charter.services.offload import ComputedSchedule, ScheduleWorkers, schedule_of
from charter.services.permissions import Action, Role, check_global, check_project
from charter.store import AuditEntry, ProjectInfo, Store
from charter.store.plan_items import ProjectSettings
from charter.views.critical import critical_document
from charter.views.schedule import schedule_document


@dataclass(frozen=True, slots=True)
class ProjectSummary:
    """What every role that may see a project sees, stakeholders included."""

    key: str
    name: str
    visibility: str
    version: int
    start: str
    finish: str
    tasks: int
    critical_tasks: int
    conflicts: int
    role: str | None
    schedule_version: int
    """The project version the schedule figures were computed for (``version`` or earlier)."""


class ProjectService:
    def __init__(
        self, store: Store, views: ComputedViews | None = None, workers: ScheduleWorkers | None = None
    ) -> None:
        self._store = store
        self._views = views if views is not None else ComputedViews()
        self._critical = ComputedViews()
        self._workers = workers

    def close(self) -> None:
        """Wait for the schedules being computed in the background; call before the store closes."""
        self._views.close()
        self._critical.close()

    def create(self, actor: Actor, plan: Plan, key: str | None = None, *, visibility: str = "private") -> str:
        """Store ``plan`` as a new project; the creator becomes its owner."""
        check_global(actor, Action.CREATE_PROJECT)
        if actor.name is None:
            raise ForbiddenError("a project needs an owner: create it as a user", fix="use a user's token")
        return self._store.import_plan(
            plan, key, visibility=visibility, actor=actor.audit_name, owner=actor.name
        )

    def visible(self, actor: Actor) -> list[ProjectInfo]:
        """The live projects the actor may see: all for an admin, else theirs and the public ones."""
        projects = self._store.list_projects()
        if actor.is_admin:
            return projects
        mine = self._store.members.roles_of(actor.name) if actor.name is not None else {}
        return [p for p in projects if p.visibility == "public" or p.key in mine]

    def summary(self, actor: Actor, key: str) -> ProjectSummary:
        """The overview; its figures come from the newest schedule at hand (``schedule_version``
        says for which project version), so that it answers at once while the team writes."""
        info, role = authorize(self._store, actor, key, Action.VIEW_SUMMARY)
        computed_for, computed = self._views.latest(key, info.version, lambda: self._compute(key))
        return ProjectSummary(
            key=key,
            name=info.name,
            visibility=info.visibility,
            version=info.version,
            start=computed.start,
            finish=computed.finish,
            tasks=computed.tasks,
            critical_tasks=computed.critical_tasks,
            conflicts=computed.conflicts,
            role=None if role is None else role.value,
            schedule_version=computed_for,
        )

    def export_plan(self, actor: Actor, key: str) -> Plan:
        authorize(self._store, actor, key, Action.VIEW_PLAN)
        return self._store.export_plan(key)

    def schedule(self, actor: Actor, key: str, status_date: PlanDate | None = None) -> dict[str, Any]:
        """The same document as ``charter schedule --json``, from the engine and the shared view,
        for the project as it is now."""
        document: dict[str, Any] = json.loads(self.schedule_json(actor, key, status_date))
        return document

    def schedule_json(self, actor: Actor, key: str, status_date: PlanDate | None = None) -> bytes:
        """:meth:`schedule` encoded as compact UTF-8 JSON, as a server sends it."""
        info, _ = authorize(self._store, actor, key, Action.VIEW_PLAN)
        if status_date is not None:
            document = schedule_document(schedule(self._store.export_plan(key), status_date=status_date))
            return ComputedSchedule.of(document).json
        computed: ComputedSchedule = self._views.current(key, info.version, lambda: self._compute(key))[1]
        return computed.json

    def critical(self, actor: Actor, key: str) -> dict[str, Any]:
        """The same document as ``charter critical --json``: each critical task and why."""
        info, _ = authorize(self._store, actor, key, Action.VIEW_PLAN)

        def compute() -> tuple[int, dict[str, Any]]:
            plan, version = self._store.export_versioned(key)
            return version, critical_document(schedule(plan))

        document: dict[str, Any] = self._critical.current(key, info.version, compute)[1]
        return document

    def _compute(self, key: str) -> tuple[int, ComputedSchedule]:
        if self._workers is not None:
            return self._workers.schedule(key)
        return schedule_of(self._store, key)

    def audit_log(self, actor: Actor, key: str) -> list[AuditEntry]:
        authorize(self._store, actor, key, Action.VIEW_AUDIT)
        return self._store.audit_log(key)

    def delete(self, actor: Actor, key: str, expected_version: int | None) -> None:
        """Move the project to the trash; ``expected_version`` None: whatever version it is at."""
        authorize(self._store, actor, key, Action.DELETE_PROJECT)
        self._store.delete_project(key, expected_version, actor=actor.audit_name)

    def trash(self, actor: Actor) -> list[ProjectInfo]:
        """The deleted projects the actor could restore: all for an admin, else those they own."""
        deleted = self._store.list_projects(deleted=True)
        if actor.is_admin:
            return deleted
        if actor.name is None:
            return []
        return [
            p
            for p in deleted
            if self._store.members.access(p.key, actor.name, deleted=True)[1] == Role.OWNER.value
        ]

    def restore(self, actor: Actor, key: str) -> ProjectInfo:
        """Bring the project back from the trash (owners); a live project is left as it is."""
        info, role = self._store.members.access(key, actor.name, deleted=None)
        check_project(
            actor, Action.DELETE_PROJECT, key, None if role is None else Role(role), info.visibility
        )
        return self._store.restore_project(key, actor=actor.audit_name)

    def settings(self, actor: Actor, key: str) -> ProjectSettings:
        authorize(self._store, actor, key, Action.VIEW_PLAN)
        return self._store.items.settings(key)

    def update(
        self,
        actor: Actor,
        key: str,
        changes: Mapping[str, Any],
        expected_version: int | None,
        visibility: str | None = None,
    ) -> ProjectSettings:
        """Change project settings (managers) and the visibility (owners), at one project version."""
        if visibility is not None:
            authorize(self._store, actor, key, Action.SET_VISIBILITY)
        if changes or visibility is None:
            authorize(self._store, actor, key, Action.EDIT_PLAN)
        return self._store.items.update_settings(
            key, changes, expected_version, visibility=visibility, actor=actor.audit_name
        )
