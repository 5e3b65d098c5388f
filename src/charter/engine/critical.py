"""Why each critical task is where it is: the link, constraint or date that drives it."""

from __future__ import annotations

from dataclasses import dataclass

from charter.engine.cpm import Driver, Schedule, driver

_TYPES = ("FS", "SS", "FF", "SF")


@dataclass(frozen=True, slots=True)
class Reason:
    """One cause: ``kind`` is link, project, constraint, deadline, status or actual."""

    kind: str
    task: str | None = None  # the other task of a link
    link: str | None = None  # "FS +2d"
    detail: str | None = None  # constraint type and date, etc.


@dataclass(frozen=True, slots=True)
class CriticalTask:
    key: str
    name: str
    start: int
    finish: int
    total_slack: int
    pushed_by: Reason  # what sets its early start
    held_by: Reason  # what sets its late finish


def _reason(schedule: Schedule, leaf: int, cause: Driver, *, early: bool) -> Reason:
    net = schedule.network
    task = net.tasks[net.task_of_leaf[leaf]]
    if cause.kind == "link":
        edge = net.edge(cause.edge)
        successor_key, index = edge.source
        link = _link_of(schedule, successor_key, index)
        other = net.key_of_node(edge.pred) if early else net.key_of_node(edge.succ)
        return Reason("link", task=other, link=link)
    if cause.kind == "constraint" and task.constraint is not None:
        return Reason("constraint", detail=f"{task.constraint.type.value} {task.constraint.date}")
    if cause.kind == "deadline":
        return Reason("deadline", detail=str(task.deadline))
    return Reason(cause.kind)


def _link_of(schedule: Schedule, successor_key: str, index: int) -> str:
    net = schedule.network
    link = net.tasks[net.index[successor_key]].links[index]
    return f"{link.type.value} {link.lag}".strip()


def critical_tasks(schedule: Schedule) -> list[CriticalTask]:
    """Critical leaf tasks in order of start, each with what pushes and what holds it."""
    net = schedule.network
    result: list[CriticalTask] = []
    for leaf, i in enumerate(net.task_of_leaf):
        if not schedule.critical[i]:
            continue
        task = net.tasks[i]
        result.append(
            CriticalTask(
                key=task.key,
                name=task.label,
                start=schedule.start[i],
                finish=schedule.finish[i],
                total_slack=schedule.total_slack[i],
                pushed_by=_reason(schedule, leaf, driver(schedule.early_driver[leaf]), early=True),
                held_by=_reason(schedule, leaf, driver(schedule.late_driver[leaf]), early=False),
            )
        )
    result.sort(key=lambda c: (c.start, c.finish))
    return result
