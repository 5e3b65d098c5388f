"""Baselines: take a snapshot of a schedule, and measure today's schedule against one."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from charter.domain import Baseline, BaselineTask
from charter.engine.cpm import Schedule


def planned_work(schedule: Schedule, i: int) -> int:
    """Work in minutes: the task's work, else duration × assigned units; summaries add up."""
    net = schedule.network
    task = net.tasks[i]
    if task.is_summary:
        return sum(planned_work(schedule, c) for c in net.children[i])
    if task.work is not None:
        return task.work.minutes(net.plan.project.work_units)
    units = 0.0
    for assignment in task.resources:
        resource = net.plan.resources.get(assignment.resource)
        if resource is not None and resource.kind == "work":
            units += assignment.units if assignment.units is not None else resource.units
    return round(schedule.duration[i] * units)


def snapshot(schedule: Schedule, index: int, saved: dt.datetime, name: str | None = None) -> Baseline:
    """Baseline ``index`` holding every task's dates, duration and work as scheduled now."""
    net = schedule.network
    local = net.axis.local
    tasks = {
        task.key: BaselineTask(
            start=local(schedule.start[i]),
            finish=local(schedule.finish[i]),
            duration_minutes=schedule.duration[i],
            work_minutes=planned_work(schedule, i),
        )
        for i, task in enumerate(net.tasks)
    }
    return Baseline(index=index, name=name, saved=saved, tasks=tasks)


@dataclass(frozen=True, slots=True)
class Variance:
    """Current minus baseline for one task; minutes of working time on the task's calendar."""

    key: str
    name: str
    baseline_start: dt.datetime | None
    baseline_finish: dt.datetime | None
    start: dt.datetime
    finish: dt.datetime
    start_variance: int | None
    finish_variance: int | None
    duration_variance: int | None
    work_variance: int | None
    status: str  # "same" | "later" | "earlier" | "new"


def compare(schedule: Schedule, baseline: Baseline) -> list[Variance]:
    """Every task's variance against ``baseline`` (tasks added since show as ``new``)."""
    net = schedule.network
    axis = net.axis
    rows: list[Variance] = []
    project_calendar = net.calendars[net.plan.project.calendar]
    for i, task in enumerate(net.tasks):
        leaf = net.leaf_of_task[i]
        calendar = net.leaf_calendar[leaf] if leaf >= 0 else project_calendar
        start, finish = schedule.start[i], schedule.finish[i]
        base = baseline.tasks.get(task.key)
        if base is None:
            rows.append(
                Variance(
                    task.key,
                    task.label,
                    None,
                    None,
                    axis.local(start),
                    axis.local(finish),
                    None,
                    None,
                    None,
                    None,
                    "new",
                )
            )
            continue
        start_var = calendar.between(axis.instant(base.start), start)
        finish_var = calendar.between(axis.instant(base.finish), finish)
        status = "same" if finish_var == 0 else ("later" if finish_var > 0 else "earlier")
        rows.append(
            Variance(
                task.key,
                task.label,
                base.start,
                base.finish,
                axis.local(start),
                axis.local(finish),
                start_var,
                finish_var,
                schedule.duration[i] - base.duration_minutes,
                planned_work(schedule, i) - base.work_minutes,
                status,
            )
        )
    return rows
