"""Actual work from an MSPDI file's timephased data, as Charter's time entries.

Project keeps the work each resource did, day by day, as timephased actual work
(``TimephasedData`` of ``Type`` 2) on the assignments. Charter counts actual cost from time
entries, so each period becomes a time entry of that resource on that task; a period longer
than a day is spread over its days by the resource's working time.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from charter.domain import Plan
from charter.domain.cost import MAX_ENTRY_MINUTES, TimeEntry
from charter.engine.calendar import TimeAxis, WorkingTime, compile_calendar

Period = tuple[dt.datetime, dt.datetime, float]  # start, finish, minutes of work
ActualWork = tuple[str, str, list[Period]]  # task key, resource key, periods


def time_entries(plan: Plan, actual: list[ActualWork]) -> tuple[list[TimeEntry], float]:
    """One entry per resource, task and day, in date order, and the hours left out: those on
    summary tasks (their assignments are left out too) or on tasks the file does not have.

    Each resource's minutes on a task are rounded to whole minutes along its days so that
    their sum keeps the total the file records; a day's work beyond 24 hours (a pool of people)
    takes several entries, as a time entry is at most a day."""
    axis = TimeAxis(plan.project.timezone)
    anchor_value = plan.project.start or plan.project.finish
    anchor = anchor_value.date() if isinstance(anchor_value, dt.datetime) else anchor_value
    compiled: dict[str, WorkingTime] = {}
    minutes: dict[tuple[str, str, dt.date], float] = defaultdict(float)
    tasks = plan.task_map()
    left_out = 0.0
    for task_key, resource_key, periods in actual:
        task = tasks.get(task_key)
        if task is None or task.tasks:
            left_out += sum(work for _, _, work in periods) / 60
            continue
        resource = plan.resources[resource_key]
        key = resource.calendar or task.calendar or plan.project.calendar
        calendar = compiled.get(key)
        if calendar is None and anchor is not None:
            calendar = compiled[key] = compile_calendar(plan, key, axis, anchor)
        for start, finish, work in periods:
            for day, share in _days(start, finish, calendar, axis):
                minutes[(resource_key, task_key, day)] += work * share
    entries: list[TimeEntry] = []
    running: dict[tuple[str, str], tuple[float, int]] = {}  # exact and rounded minutes so far
    for (person, task_key, day), total in sorted(minutes.items(), key=lambda item: item[0][2]):
        exact, rounded = running.get((person, task_key), (0.0, 0))
        exact += total
        share = round(exact) - rounded
        running[(person, task_key)] = (exact, rounded + share)
        while share > 0:  # a pool of several people can book more than a day's 24 hours
            part = min(share, MAX_ENTRY_MINUTES)
            entries.append(TimeEntry(person=person, task=task_key, date=day, minutes=part))
            share -= part
    return sorted(entries, key=lambda e: (e.date, e.task, e.person)), left_out


def _days(
    start: dt.datetime, finish: dt.datetime, calendar: WorkingTime | None, axis: TimeAxis
) -> list[tuple[dt.date, float]]:
    """The days of a period and the share of its working time on each (all on the first day
    when it has no working time, or lies within one day)."""
    last = (finish - dt.timedelta(microseconds=1)).date() if finish > start else start.date()
    if calendar is None or last == start.date():
        return [(start.date(), 1.0)]
    spans: list[tuple[dt.date, int]] = []
    day = start.date()
    while day <= last:
        begin = max(start, dt.datetime.combine(day, dt.time()))
        end = min(finish, dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))
        spans.append((day, calendar.between(axis.instant(begin), axis.instant(end))))
        day += dt.timedelta(days=1)
    total = sum(working for _, working in spans)
    if total <= 0:
        return [(start.date(), 1.0)]
    return [(day, working / total) for day, working in spans if working > 0]
