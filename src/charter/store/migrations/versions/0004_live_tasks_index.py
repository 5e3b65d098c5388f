"""An index on a project's live tasks in WBS order, so that counting and paging them reads the
index alone instead of every task row.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 16:00:00.000000
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_tasks_live", "tasks", ["project_id", "deleted_at", "position", "id"])


def downgrade() -> None:
    op.drop_index("ix_tasks_live", table_name="tasks")
