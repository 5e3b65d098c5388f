"""Plan ↔ stored JSON, losslessly.

Values go to JSON with Pydantic's JSON mode and come back through ``model_validate_json``, never
``model_validate`` on the decoded dict: only JSON-mode validation tells ``2027-01-04`` (a day)
from ``2027-01-04T00:00:00`` (a midnight), which ``PlanDate`` keeps apart.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from charter.domain import Plan, Task

TASK_COLUMNS = frozenset({"key", "tasks"})
"""``Task`` fields kept outside a task row's JSON: the key is a column, children are rows."""


@dataclass(frozen=True, slots=True)
class TaskRecord:
    """One task as stored: its key, its parent's key, its WBS position and its own fields."""

    key: str
    parent: str | None
    position: int
    data: dict[str, Any]


def plan_data(plan: Plan) -> dict[str, Any]:
    """Everything in the plan except its tasks, as JSON values."""
    return plan.model_dump(mode="json", exclude={"tasks"})


def task_data(task: Task) -> dict[str, Any]:
    return task.model_dump(mode="json", exclude=set(TASK_COLUMNS))


def task_records(plan: Plan) -> Iterator[TaskRecord]:
    """Every task in WBS (pre-)order, parents before their children."""
    position = 0

    def visit(tasks: list[Task], parent: str | None) -> Iterator[TaskRecord]:
        nonlocal position
        for task in tasks:
            yield TaskRecord(task.key, parent, position, task_data(task))
            position += 1
            yield from visit(task.tasks, task.key)

    yield from visit(plan.tasks, None)


def decode_task(key: str, data: dict[str, Any]) -> Task:
    """A task from its row (without children)."""
    return Task.model_validate_json(json.dumps({**data, "key": key}))


def assemble_plan(data: dict[str, Any], rows: Iterable[tuple[int, int | None, str, dict[str, Any]]]) -> Plan:
    """The plan from its plan-level data and its task rows ``(id, parent_id, key, data)``.

    ``rows`` must come in WBS order, so every parent precedes its children.
    """
    nodes: dict[int, dict[str, Any]] = {}
    top: list[dict[str, Any]] = []
    for row_id, parent_id, key, fields in rows:
        node = {**fields, "key": key, "tasks": []}
        nodes[row_id] = node
        if parent_id is None:
            top.append(node)
        else:
            nodes[parent_id]["tasks"].append(node)
    return Plan.model_validate_json(json.dumps({**data, "tasks": top}))


def plan_of_tasks(data: dict[str, Any], rows: Iterable[tuple[int, int | None, Task]]) -> Plan:
    """The plan from its plan-level data and its decoded task rows ``(id, parent_id, task)``.

    The tasks are already valid (each was validated when it was decoded), so only the
    plan-level data is validated here; each task is copied with its children, never changed.
    ``rows`` must come in WBS order, so every parent precedes its children.
    """
    ordered = list(rows)
    children: dict[int | None, list[Task]] = {}
    for row_id, parent_id, task in reversed(ordered):
        own = children.pop(row_id, [])
        own.reverse()
        children.setdefault(parent_id, []).append(task.model_copy(update={"tasks": own}))
    top = children.get(None, [])
    top.reverse()
    shell = Plan.model_validate_json(json.dumps({**data, "tasks": []}))
    return shell.model_copy(update={"tasks": top})
