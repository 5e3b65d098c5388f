"""Projects: create from a plan, list what the actor may see, summary, plan, schedule, delete."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from charter.domain import Plan, PlanDate
from charter.engine.cpm import schedule
from charter.errors import ForbiddenError
from charter.services.access import authorize
from charter.services.actor import Actor
from charter.services.permissions import Action, check_global
from charter.store import AuditEntry, ProjectInfo, Store
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


class ProjectService:
    def __init__(self, store: Store) -> None:
        self._store = store

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
        info, role = authorize(self._store, actor, key, Action.VIEW_SUMMARY)
        document = schedule_document(schedule(self._store.export_plan(key)))
        tasks = [t for t in document["tasks"] if not t["is_summary"]]
        return ProjectSummary(
            key=key,
            name=info.name,
            visibility=info.visibility,
            version=info.version,
            start=document["project"]["start"],
            finish=document["project"]["finish"],
            tasks=len(tasks),
            critical_tasks=sum(1 for t in tasks if t["critical"]),
            conflicts=len(document["conflicts"]),
            role=None if role is None else role.value,
        )

    def export_plan(self, actor: Actor, key: str) -> Plan:
        authorize(self._store, actor, key, Action.VIEW_PLAN)
        return self._store.export_plan(key)

    def schedule(self, actor: Actor, key: str, status_date: PlanDate | None = None) -> dict[str, Any]:
        """The same document as ``charter schedule --json``, from the engine and the shared view."""
        authorize(self._store, actor, key, Action.VIEW_PLAN)
        return schedule_document(schedule(self._store.export_plan(key), status_date=status_date))

    def audit_log(self, actor: Actor, key: str) -> list[AuditEntry]:
        authorize(self._store, actor, key, Action.VIEW_AUDIT)
        return self._store.audit_log(key)

    def delete(self, actor: Actor, key: str, expected_version: int) -> None:
        authorize(self._store, actor, key, Action.DELETE_PROJECT)
        self._store.delete_project(key, expected_version, actor=actor.audit_name)
