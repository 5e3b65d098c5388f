"""The plan's cross-references: every key that names a task, calendar or resource must exist.

Shared by everything that builds or changes a plan (the plan-file reader, the MSPDI reader, the
store), so that a plan is held to the same rules whichever way it arrives.
"""

from __future__ import annotations

from charter.domain.plan import Plan
from charter.domain.task import Task
from charter.errors import DuplicateKeyError, Location, UnknownReferenceError, did_you_mean


def validate_references(plan: Plan) -> None:
    """Check every key that refers to something: tasks, calendars, resources; and the WBS."""
    seen: dict[str, Task] = {}
    ancestors: dict[str, list[str]] = {}

    def visit(task: Task, chain: list[str]) -> None:
        if task.key in seen:
            first = plan.locate(f"task:{task.key}")
            raise DuplicateKeyError(
                f"two tasks have the key '{task.key}'"
                + (f" (the first is on line {first.line})" if first and first.line else ""),
                where=_second_location(plan, task.key),
                fix="task keys are unique across the whole plan; rename one of them",
            )
        seen[task.key] = task
        ancestors[task.key] = chain
        for child in task.tasks:
            visit(child, [*chain, task.key])

    for task in plan.tasks:
        visit(task, [])

    calendars = set(plan.calendars) | {"standard"}

    def check_calendar(name: str | None, where_key: str) -> None:
        if name is not None and name not in calendars:
            hint = did_you_mean(name, calendars)
            raise UnknownReferenceError(
                f"unknown calendar '{name}'",
                where=plan.locate(where_key),
                fix=hint or f"define it under calendars:, or use one of: {', '.join(sorted(calendars))}",
            )

    check_calendar(plan.project.calendar, "project.calendar")
    for calendar in plan.calendars.values():
        check_calendar(calendar.based_on, f"calendar:{calendar.key}.based_on")
    for resource in plan.resources.values():
        check_calendar(resource.calendar, f"resource:{resource.key}.calendar")

    for task in plan.walk():
        check_calendar(task.calendar, f"task:{task.key}.calendar")
        for n, link in enumerate(task.links):
            where = plan.locate(f"task:{task.key}.links[{n}]")
            if link.predecessor not in seen:
                hint = did_you_mean(link.predecessor, seen)
                raise UnknownReferenceError(
                    f"task '{task.key}' depends on '{link.predecessor}', which is not a task in this plan",
                    where=where,
                    fix=hint or "check the spelling, or add a task with that key",
                )
            if link.predecessor == task.key:
                raise UnknownReferenceError(
                    f"task '{task.key}' is linked to itself", where=where, fix="remove this link"
                )
            if link.predecessor in ancestors[task.key] or task.key in ancestors[link.predecessor]:
                outer, inner = (
                    (link.predecessor, task.key)
                    if link.predecessor in ancestors[task.key]
                    else (task.key, link.predecessor)
                )
                raise UnknownReferenceError(
                    f"task '{inner}' is linked to its own summary task '{outer}'",
                    where=where,
                    fix="a summary already spans its sub-tasks; link to a sibling of the summary instead",
                )
        for n, assignment in enumerate(task.resources):
            if assignment.resource not in plan.resources:
                hint = did_you_mean(assignment.resource, plan.resources)
                raise UnknownReferenceError(
                    f"task '{task.key}' is assigned to '{assignment.resource}', which is not a resource",
                    where=plan.locate(f"task:{task.key}.resources[{n}]"),
                    fix=hint or "define it under resources:",
                )
    risk_keys: set[str] = set()
    for risk in plan.risks:
        if risk.key in risk_keys:
            raise DuplicateKeyError(
                f"two risks have the key '{risk.key}'",
                where=plan.locate(f"risk:{risk.key}"),
                fix="rename one",
            )
        risk_keys.add(risk.key)
        for name in risk.delay.tasks if risk.delay else []:
            if name not in seen:
                hint = did_you_mean(name, seen)
                raise UnknownReferenceError(
                    f"risk '{risk.key}' delays '{name}', which is not a task in this plan",
                    where=plan.locate(f"risk:{risk.key}.delay"),
                    fix=hint or "check the spelling",
                )


def _second_location(plan: Plan, key: str) -> Location | None:
    return plan.locate(f"task:{key}#2") or plan.locate(f"task:{key}")
