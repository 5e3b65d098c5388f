"""The database tables, as typed SQLAlchemy ORM classes.

A project's plan-level data (settings, calendars, resources, risks, baselines and whatever the
``Plan`` gains later) is one JSON document; tasks are rows, so that a single task can be read and
changed on its own, with its own version. A task row holds the ``Task``'s own fields as JSON
(everything but ``key`` and ``tasks``), so new domain fields need no schema change.

Plain ``JSON`` is used on every backend (not PostgreSQL's JSONB, which reorders keys): key
order is part of what makes an exported plan file read the same as the imported one.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from charter.domain.cost import MAX_ENTRY_MINUTES

VISIBILITIES = ("private", "public")
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[dt.datetime]):
    """An instant in UTC: aware datetimes in, aware UTC datetimes out, on every backend.

    SQLite has no time zones, so the value is stored as naive UTC there.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"{value!r} has no time zone; the store keeps instants in UTC")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING)
    type_annotation_map = {  # noqa: RUF012 — SQLAlchemy's declared class attribute
        dict[str, Any]: sa.JSON(),
        dt.datetime: UTCDateTime(),
    }


class ProjectRow(Base):
    __tablename__ = "projects"
    __table_args__ = (sa.CheckConstraint(sa.column("visibility").in_(VISIBILITIES), name="visibility"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.Text)
    """A copy of ``plan_data["project"]["name"]`` for listing without reading the JSON."""
    visibility: Mapped[str] = mapped_column(sa.String(16))
    plan_data: Mapped[dict[str, Any]]
    """The plan without its tasks: ``Plan.model_dump(mode="json", exclude={"tasks"})``."""
    version: Mapped[int]
    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]
    deleted_at: Mapped[dt.datetime | None]


class TaskRow(Base):
    __tablename__ = "tasks"
    __table_args__ = (
        sa.UniqueConstraint("project_id", "key"),
        sa.Index("ix_tasks_project_position", "project_id", "position"),
        sa.Index("ix_tasks_live", "project_id", "deleted_at", "position", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(sa.Text)
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    """Place in the WBS (pre-order over the whole project); ordering only, gaps allowed."""
    data: Mapped[dict[str, Any]]
    version: Mapped[int]
    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]
    deleted_at: Mapped[dt.datetime | None]
    """Set when the task went to the trash; the rows deleted together share the instant."""


class AuditRow(Base):
    __tablename__ = "audit_log"
    __table_args__ = (sa.Index("ix_audit_log_project_at", "project_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime]
    actor: Mapped[str | None] = mapped_column(sa.Text)
    project_id: Mapped[int | None] = mapped_column(sa.ForeignKey("projects.id", ondelete="SET NULL"))
    entity: Mapped[str] = mapped_column(sa.String(32))
    entity_key: Mapped[str] = mapped_column(sa.Text)
    action: Mapped[str] = mapped_column(sa.String(32))
    before: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON(none_as_null=True))
    after: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON(none_as_null=True))


# -- accounts -------------------------------------------------------------------------------------

ROLES = ("owner", "manager", "member", "viewer", "stakeholder")
SCOPES = ("read", "write")


class UserRow(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.Text)
    """An argon2 hash (``$argon2id$…``); the password itself is never stored."""
    is_admin: Mapped[bool]
    created_at: Mapped[dt.datetime]


class TokenRow(Base):
    __tablename__ = "api_tokens"
    __table_args__ = (
        sa.CheckConstraint(sa.column("scope").in_(SCOPES), name="scope"),
        sa.UniqueConstraint("user_id", "name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(sa.String(64))
    scope: Mapped[str] = mapped_column(sa.String(8))
    secret_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    """SHA-256 (hex) of the secret, which is random and shown once; enough for 256-bit secrets."""
    created_at: Mapped[dt.datetime]
    expires_at: Mapped[dt.datetime | None]
    last_used_at: Mapped[dt.datetime | None]
    revoked_at: Mapped[dt.datetime | None]


class SessionRow(Base):
    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    id_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    """SHA-256 (hex) of the session id in the cookie; a stolen database holds no live cookie."""
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime]
    expires_at: Mapped[dt.datetime]
    revoked_at: Mapped[dt.datetime | None]


class MemberRow(Base):
    __tablename__ = "project_members"
    __table_args__ = (sa.CheckConstraint(sa.column("role").in_(ROLES), name="role"),)

    project_id: Mapped[int] = mapped_column(
        sa.ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(sa.String(16))
    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]


# -- records people add to a project: time entries, comments, attachments -------------------------


class ProjectRecord:
    """Columns every record kept per project shares.

    ``number`` is the record's id as users see it (``/time-entries/3``): counted per project and
    per kind of record, so that a project's URLs do not depend on what other projects hold.
    ``author`` is who added the record (the audit log's name for them).
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id", ondelete="CASCADE"))
    number: Mapped[int]
    author: Mapped[str] = mapped_column(sa.Text)
    version: Mapped[int]
    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]
    deleted_at: Mapped[dt.datetime | None]
    """Set when the record went to the trash."""


class TimeEntryRow(ProjectRecord, Base):
    __tablename__ = "time_entries"
    __table_args__ = (
        sa.UniqueConstraint("project_id", "number"),
        sa.CheckConstraint(
            sa.and_(sa.column("minutes") > 0, sa.column("minutes") <= MAX_ENTRY_MINUTES), name="minutes"
        ),
        sa.Index("ix_time_entries_project_date", "project_id", "work_date"),
    )

    task_id: Mapped[int] = mapped_column(sa.ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    person: Mapped[str] = mapped_column(sa.String(64))
    """A user name or a resource key of the project's plan."""
    work_date: Mapped[dt.date]
    minutes: Mapped[int]
    note: Mapped[str] = mapped_column(sa.Text)


class CommentRow(ProjectRecord, Base):
    __tablename__ = "comments"
    __table_args__ = (sa.UniqueConstraint("project_id", "number"),)

    task_id: Mapped[int] = mapped_column(sa.ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(sa.Text)
    """Markdown, as written; rendering is the presenter's business."""


class AttachmentRow(ProjectRecord, Base):
    __tablename__ = "attachments"
    __table_args__ = (sa.UniqueConstraint("project_id", "number"),)

    task_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    """The task the file is attached to; None for a file attached to the project itself."""
    filename: Mapped[str] = mapped_column(sa.Text)
    content_type: Mapped[str] = mapped_column(sa.String(255))
    size: Mapped[int] = mapped_column(sa.BigInteger)
    sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    """The content's SHA-256 (hex), which is also where the file is: see :mod:`charter.store.blobs`."""
