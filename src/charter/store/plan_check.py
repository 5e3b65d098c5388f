"""The whole-plan check that guards structural writes: references, WBS and dependency cycles.

A change to one task's links, to the WBS or to a calendar can make the plan as a whole
unschedulable even though each piece is valid on its own (a cycle through three tasks, a link to
one's own summary, a calendar based on itself). Such writes assemble the plan as it would be
after the change, inside their transaction, and run the same checks a plan file gets.
"""

from __future__ import annotations

import functools
import json
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from charter.domain import Plan, Task
from charter.domain.references import validate_references
from charter.engine.network import compile_network
from charter.errors import CharterError, InvalidChangeError
from charter.store import codec
from charter.store.models import ProjectRow, TaskRow

TaskOverride = dict[str, tuple[int | None, dict[str, Any]]]
"""Task key -> (parent row id, own fields) as they will be once the change is written."""


def would_be_plan(
    session: Session,
    project: ProjectRow,
    *,
    plan_data: dict[str, Any] | None = None,
    tasks: TaskOverride | None = None,
    order: list[int] | None = None,
) -> Plan:
    """The project's plan with ``plan_data`` and the task ``tasks`` replaced, read in ``session``.

    ``order`` (row ids) replaces the stored WBS order when the change moves tasks.
    """
    rows = session.execute(
        sa.select(TaskRow.id, TaskRow.parent_id, TaskRow.key, TaskRow.data)
        .where(TaskRow.project_id == project.id, TaskRow.deleted_at.is_(None))
        .order_by(TaskRow.position, TaskRow.id)
    ).all()
    changed = tasks or {}
    records = []
    for row_id, parent_id, key, data in rows:
        parent_id, data = changed.get(key, (parent_id, data))
        records.append((row_id, parent_id, key, data))
    if order is not None:
        rank = {row_id: n for n, row_id in enumerate(order)}
        records.sort(key=lambda record: rank[record[0]])
    return codec.assemble_plan(project.plan_data if plan_data is None else plan_data, records)


def check_plan(plan: Plan) -> None:
    """Refuse (InvalidChangeError) a plan with a dangling reference, a cycle or no working time."""
    try:
        validate_references(plan)
        compile_network(plan)
    except InvalidChangeError:
        raise
    except CharterError as error:
        raise InvalidChangeError(error.what, where=error.where, fix=error.fix) from None


def check_task_alone(plan_data: dict[str, Any], task: Task, *, is_summary: bool) -> None:
    """Refuse a task the engine could not schedule whatever its neighbours: no duration,
    progress without an actual start, a calendar without working time …

    The task is scheduled on its own, in a plan with the project's settings, calendars and
    resources but without its links (checked by :func:`check_plan` when they change), so the
    check costs the same in a project of ten tasks or of ten thousand.
    """
    alone = task.model_copy(update={"links": [], "tasks": []})
    if is_summary:
        alone = alone.model_copy(
            update={"tasks": [Task(key=f"{task.key}.part", name="part", milestone=True)]}
        )
    settings = {k: plan_data[k] for k in ("charter", "project", "calendars", "resources") if k in plan_data}
    check_plan(_shell(json.dumps({**settings, "tasks": []})).model_copy(update={"tasks": [alone]}))


@functools.lru_cache(maxsize=64)
def _shell(document: str) -> Plan:
    """A plan without tasks, validated once per distinct settings (a project's rarely change)."""
    return Plan.model_validate_json(document)
