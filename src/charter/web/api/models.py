"""What the API takes and answers (the OpenAPI document is built from these)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field

from charter.services import ProjectSummary, Role
from charter.store import AuditEntry, ProjectInfo, StoredTask
from charter.store.codec import task_data
from charter.store.records import MemberInfo


class LoginBody(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)


class Me(BaseModel):
    user: str | None
    is_admin: bool
    scope: str | None = None
    expires_at: dt.datetime | None = None


class Created(BaseModel):
    key: str


class ProjectItem(BaseModel):
    key: str
    name: str
    visibility: str
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def of(cls, info: ProjectInfo) -> ProjectItem:
        return cls(
            key=info.key,
            name=info.name,
            visibility=info.visibility,
            version=info.version,
            created_at=info.created_at,
            updated_at=info.updated_at,
        )


class ProjectPage(BaseModel):
    items: list[ProjectItem]
    total: int
    limit: int
    offset: int


class ProjectOut(BaseModel):
    """A project's summary: what every role that sees the project may see."""

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
    schedule_version: int = Field(
        description="The project version the schedule figures are for: `version`, or an earlier "
        "one while the newest schedule is being computed."
    )

    @classmethod
    def of(cls, summary: ProjectSummary) -> ProjectOut:
        return cls(
            key=summary.key,
            name=summary.name,
            visibility=summary.visibility,
            version=summary.version,
            start=summary.start,
            finish=summary.finish,
            tasks=summary.tasks,
            critical_tasks=summary.critical_tasks,
            conflicts=summary.conflicts,
            role=summary.role,
            schedule_version=summary.schedule_version,
        )


class ScheduleProject(BaseModel):
    name: str
    start: str
    finish: str
    timezone: str
    status_date: str | None = None


class ScheduleTask(BaseModel):
    key: str
    name: str
    wbs: str
    parent: str | None
    start: str
    finish: str
    early_start: str
    early_finish: str
    late_start: str
    late_finish: str
    duration: int
    total_slack: int
    free_slack: int
    critical: bool
    is_summary: bool
    is_milestone: bool


class ScheduleConflict(BaseModel):
    task: str
    message: str


class ScheduleOut(BaseModel):
    """The JSON of `charter schedule --json` (dates local ``YYYY-MM-DDTHH:MM``, minutes)."""

    project: ScheduleProject
    tasks: list[ScheduleTask]
    conflicts: list[ScheduleConflict]


class TaskOut(BaseModel):
    """One task: its own fields (as in `charter schema`, without ``key`` and ``tasks``) and
    where it sits. ``version`` is also its ETag."""

    project: str
    key: str
    parent: str | None
    children: list[str]
    is_summary: bool
    position: int
    version: int
    updated_at: dt.datetime
    deleted_at: dt.datetime | None = None
    fields: dict[str, Any]

    @classmethod
    def of(cls, stored: StoredTask) -> TaskOut:
        return cls(
            project=stored.project,
            key=stored.key,
            parent=stored.parent,
            children=list(stored.children),
            is_summary=stored.is_summary,
            position=stored.position,
            version=stored.version,
            updated_at=stored.updated_at,
            deleted_at=stored.deleted_at,
            fields=task_data(stored.task),
        )


class MemberOut(BaseModel):
    user: str
    role: Role

    @classmethod
    def of(cls, member: MemberInfo) -> MemberOut:
        return cls(user=member.user, role=Role(member.role))


class RoleBody(BaseModel):
    role: Role


class AuditOut(BaseModel):
    at: dt.datetime
    actor: str | None
    entity: str
    entity_key: str
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None

    @classmethod
    def of(cls, entry: AuditEntry) -> AuditOut:
        return cls(
            at=entry.at,
            actor=entry.actor,
            entity=entry.entity,
            entity_key=entry.entity_key,
            action=entry.action,
            before=entry.before,
            after=entry.after,
        )


class AuditPage(BaseModel):
    items: list[AuditOut]
    total: int
    limit: int
    offset: int
