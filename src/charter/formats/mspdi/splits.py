"""Split tasks from an MSPDI file's timephased work.

Project keeps a split task's pauses only in its assignments' timephased data: periods of work
with stretches of working time between them in which nothing is done. Charter reads each
pause as the work done before it and its length in working time on the assignment's calendar
(:class:`~charter.domain.task.Split`), so the pauses move with the task when it is rescheduled;
the dates of the periods themselves are not kept.
"""

from __future__ import annotations

import datetime as dt

from charter.domain import Plan
from charter.domain.task import Split
from charter.domain.values import Duration
from charter.engine.calendar import TimeAxis, WorkingTime, compile_calendar

_ROUNDING = 1  # minutes: times with seconds, cut to the minute, leave gaps this short
Period = tuple[dt.datetime, dt.datetime, float]  # start, finish, minutes of work


def pauses(periods: list[Period], calendar: WorkingTime, axis: TimeAxis, units: float) -> list[Split]:
    """The pauses between the periods that carry work: working time with no work in it.

    ``units`` turns work into duration (half-time work of 8h is 16h of duration)."""
    splits: list[Split] = []
    done = 0.0
    last_finish: int | None = None
    for start, finish, minutes in periods:
        if minutes <= 0:
            continue
        begin = axis.instant(start)
        if last_finish is not None:
            gap = calendar.between(last_finish, begin)
            if gap > _ROUNDING:
                splits.append(
                    Split(after=Duration.of_minutes(round(done / units, 4)), pause=Duration.of_minutes(gap))
                )
        done += minutes
        last_finish = axis.instant(finish)
    return splits


def read_splits(plan: Plan, work: dict[str, tuple[str | None, float, list[Period]]]) -> list[str]:
    """Set ``splits`` on the leaf tasks whose timephased work (by task key) has pauses.

    Returns notes for the report: a task whose timephased work runs past its own duration
    (the file disagrees with itself) keeps no pauses, as a plan file would refuse them."""
    notes: list[str] = []
    axis = TimeAxis(plan.project.timezone)
    anchor_value = plan.project.start or plan.project.finish
    if anchor_value is None:
        return notes
    anchor = anchor_value if not isinstance(anchor_value, dt.datetime) else anchor_value.date()
    compiled: dict[str, WorkingTime] = {}
    for task in plan.walk():
        found = work.get(task.key)
        if found is None or task.is_summary or task.manual:
            continue
        resource_key, units, periods = found
        resource = plan.resources.get(resource_key) if resource_key is not None else None
        key = (resource.calendar if resource is not None else None) or task.calendar or plan.project.calendar
        calendar = compiled.get(key)
        if calendar is None:
            calendar = compiled[key] = compile_calendar(plan, key, axis, anchor)
        found_splits = pauses(periods, calendar, axis, units)
        duration = task.duration
        if (
            found_splits
            and duration is not None
            and not duration.elapsed
            and found_splits[-1].after.minutes(plan.project.work_units)
            >= duration.minutes(plan.project.work_units)
        ):
            notes.append(
                f"task UID {task.key}: its timephased work runs past its duration {duration}; "
                "its split pauses are not read"
            )
            continue
        task.splits = found_splits
    return notes
