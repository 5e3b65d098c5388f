"""What the store hands out: plain frozen records, detached from any database session."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from charter.domain import Task


@dataclass(frozen=True, slots=True)
class ProjectInfo:
    key: str
    name: str
    visibility: str
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


@dataclass(frozen=True, slots=True)
class StoredTask:
    """One task with what the store knows about it.

    ``task`` carries the task's own fields only (``task.tasks`` is empty); ``children`` names
    its live sub-tasks, so ``is_summary`` is read from here. ``version`` is what a later write
    must quote (the REST API's ``ETag``).
    """

    project: str
    task: Task
    parent: str | None
    children: tuple[str, ...]
    position: int
    version: int
    updated_at: dt.datetime
    deleted_at: dt.datetime | None = None

    @property
    def key(self) -> str:
        return self.task.key

    @property
    def is_summary(self) -> bool:
        return bool(self.children)


@dataclass(frozen=True, slots=True)
class AuditEntry:
    at: dt.datetime
    actor: str | None
    project: str | None
    entity: str
    entity_key: str
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class UserInfo:
    name: str
    is_admin: bool
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class TokenInfo:
    """An API token as the store knows it; the secret itself is never stored, only its hash."""

    id: int
    user: str
    name: str
    scope: str
    created_at: dt.datetime
    expires_at: dt.datetime | None
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class SessionInfo:
    user: str
    created_at: dt.datetime
    expires_at: dt.datetime
    revoked_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class MemberInfo:
    user: str
    role: str
