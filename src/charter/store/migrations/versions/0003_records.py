"""Records people add to a project: time entries, comments on tasks, attachments.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.schema import SchemaItem

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _record_columns(table: str) -> list[SchemaItem]:
    """The columns and constraints every per-project record has (``models.ProjectRecord``)."""
    return [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("author", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f(f"fk_{table}_project_id_projects"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
        sa.UniqueConstraint("project_id", "number", name=op.f(f"uq_{table}_project_id_number")),
    ]


def _task_key(table: str, *, nullable: bool) -> list[SchemaItem]:
    return [
        sa.Column("task_id", sa.Integer(), nullable=nullable),
        sa.ForeignKeyConstraint(
            ["task_id"], ["tasks.id"], name=op.f(f"fk_{table}_task_id_tasks"), ondelete="CASCADE"
        ),
    ]


def upgrade() -> None:
    op.create_table(
        "time_entries",
        *_record_columns("time_entries"),
        *_task_key("time_entries", nullable=False),
        sa.Column("person", sa.String(length=64), nullable=False),
        sa.Column("work_date", sa.Date(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.CheckConstraint("minutes > 0 AND minutes <= 1440", name=op.f("ck_time_entries_minutes")),
    )
    with op.batch_alter_table("time_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_time_entries_task_id"), ["task_id"], unique=False)
        batch_op.create_index("ix_time_entries_project_date", ["project_id", "work_date"], unique=False)

    op.create_table(
        "comments",
        *_record_columns("comments"),
        *_task_key("comments", nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
    )
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_comments_task_id"), ["task_id"], unique=False)

    op.create_table(
        "attachments",
        *_record_columns("attachments"),
        *_task_key("attachments", nullable=True),
        sa.Column("filename", sa.Text(), nullable=False),
        sa.Column("content_type", sa.String(length=255), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
    )
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attachments_task_id"), ["task_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_attachments_sha256"), ["sha256"], unique=False)


def downgrade() -> None:
    for table, indexes in (
        ("attachments", ("ix_attachments_sha256", "ix_attachments_task_id")),
        ("comments", ("ix_comments_task_id",)),
        ("time_entries", ("ix_time_entries_project_date", "ix_time_entries_task_id")),
    ):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for index in indexes:
                batch_op.drop_index(index)
        op.drop_table(table)
