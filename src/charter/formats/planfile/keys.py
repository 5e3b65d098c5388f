"""The plan file's vocabulary: which keys each section knows, and what each means.

The reader, the writer and the JSON Schema are all driven from these tables, so a key added
here is accepted, written back and offered by editors in one step.
"""

from __future__ import annotations

import re

KEY_PATTERN = r"^[a-z0-9][a-z0-9_.-]*$"
KEY_RE = re.compile(KEY_PATTERN)

TOP = {
    "charter": "format version of this file; always 1",
    "project": "the project: name, start (or finish), time zone, calendar, working-time units",
    "calendars": "working-time calendars by key",
    "resources": "people, equipment, material and cost resources by key",
    "tasks": "the work breakdown structure: a list of tasks, each possibly with sub-tasks",
    "risks": "the risk register",
    "baselines": "saved snapshots of the schedule (written by `charter baseline save`)",
}

PROJECT = {
    "name": "project name",
    "start": "start date (schedule forward from it)",
    "finish": "finish date (schedule backward from it, instead of start)",
    "timezone": "IANA time zone of all plan dates, e.g. Europe/Berlin (default UTC)",
    "calendar": "default calendar for tasks and resources (default: standard)",
    "hours_per_day": "working hours in a day for converting durations (default 8)",
    "hours_per_week": "working hours in a week (default 40)",
    "days_per_month": "working days in a month (default 20)",
    "status_date": "progress is as of this date",
    "currency": "currency of costs, e.g. EUR",
    "description": "what the project is for",
    "extensions": "data Charter keeps but does not model (e.g. from an imported Project file), by source",
}

CALENDAR = {
    "based_on": "inherit the week and exceptions of this calendar, then override",
    "week": 'working hours per weekday, e.g. mon-fri: "08:00-12:00, 13:00-17:00"',
    "holidays": "non-working dates",
    "exceptions": "part days or extra working days: {date, hours} (and optionally until, name)",
}

EXCEPTION = {
    "date": "the day (or first day) the exception applies to",
    "until": "last day of a run of days with the same hours",
    "hours": "working hours that day; empty for a day off",
    "name": "what the exception is",
}

RESOURCE = {
    "name": "full name",
    "kind": "work (people, equipment), material or cost",
    "units": "maximum units, e.g. 100% or 50%",
    "calendar": "the resource's working calendar",
    "rate": "standard rate, e.g. 95/h or 600/d",
    "overtime_rate": "overtime rate, e.g. 140/h",
    "cost_per_use": "cost each time the resource is used",
    "skills": "skills the resource has",
    "email": "where notifications go",
}

TASK = {
    "key": "unique key: lower-case letters, digits, '_', '.', '-'",
    "name": "task name",
    "duration": "working time like 5d, 4h, 2w, 1mo, or elapsed like 3ed",
    "work": "effort like 80h; with resources, the duration follows from their units",
    "estimate": "three-point estimate optimistic/likely/pessimistic, e.g. 8d/10d/15d",
    "distribution": "distribution of the estimate: pert (default), triangular, uniform, lognormal",
    "milestone": "true for a milestone",
    "type": "fixed_units, fixed_work or fixed_duration (as in Microsoft Project); unless "
    "fixed_duration, a task with work assignments takes its dates from their work",
    "priority": "0-1000 (default 500); higher is levelled first",
    "constraint": "{type: ASAP|ALAP|SNET|SNLT|FNET|FNLT|MSO|MFO, date: D}",
    "deadline": "date the task should finish by; it pulls late dates, never pushes the task",
    "calendar": "calendar for this task (default: the project's)",
    "percent_complete": "progress, e.g. 40%",
    "actual_start": "when work really started",
    "actual_finish": "when work really finished",
    "remaining": "remaining duration, in place of percent_complete",
    "leveling_delay": "levelling delay, e.g. 2d or 3ed: postpones the early dates only, using up slack",
    "splits": "pauses of a split task: [{after: 1d, pause: 2d}], in the order they happen",
    "resources": 'assigned resources: [alice, "bob 50%"] or {resource, units, work}',
    "after": 'finish-to-start links: ["KEY", "KEY +2d", "KEY -1d", "KEY +50%"]',
    "starts_with": "start-to-start links",
    "finishes_with": "finish-to-finish links",
    "finishes_after_start": "start-to-finish links",
    "notes": "free text",
    "tags": "labels",
    "manual": "true for a manually scheduled task: it keeps scheduled_start and scheduled_finish",
    "active": "false to keep the task in the plan but leave it out of scheduling (default true)",
    "scheduled_start": "the start a manually scheduled task keeps",
    "scheduled_finish": "the finish a manually scheduled task keeps",
    "extensions": "data Charter keeps but does not model (e.g. from an imported Project file), by source",
    "tasks": "sub-tasks (makes this a summary task)",
}

LINK_KEYS = {"after": "FS", "starts_with": "SS", "finishes_with": "FF", "finishes_after_start": "SF"}

CONSTRAINT = {"type": "constraint type", "date": "constraint date"}

ASSIGNMENT = {
    "resource": "resource key",
    "units": "share of the resource, e.g. 50%",
    "work": "effort",
    "remaining": "effort still to do (default: all of it)",
    "contour": "how the work is spread (Microsoft Project's work contour; default: flat)",
}

SPLIT = {
    "after": "how much of the task's duration is done before the pause (more than 0)",
    "pause": "how long work stops, in working time on the task's calendar (more than 0)",
}

RISK = {
    "key": "unique risk key",
    "title": "short title",
    "probability": "chance it happens, e.g. 30%",
    "delay": "{tasks: [KEY…], amount: 5d/10d/20d}: added to each task's duration when it occurs",
    "cost": "cost impact when it occurs: 20000 or 10000/20000/50000",
    "owner": "who watches it",
    "response": "avoid, mitigate, transfer, accept or escalate",
    "category": "category",
    "description": "cause, event and effect",
    "tags": "labels",
}

RISK_DELAY = {"tasks": "keys of the delayed tasks", "amount": "delay: 10d or 5d/10d/20d"}

BASELINE = {
    "index": "baseline number 0-10 (0 is 'the' baseline)",
    "name": "label",
    "saved": "when it was saved",
    "tasks": "per task key: {start, finish, duration, work, cost}",
}

BASELINE_TASK = {
    "start": "baseline start",
    "finish": "baseline finish",
    "duration": "baseline duration",
    "work": "baseline work",
    "cost": "baseline cost",
}

WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DISTRIBUTIONS = ("pert", "triangular", "uniform", "lognormal")
TASK_TYPES = ("fixed_units", "fixed_work", "fixed_duration")
RESPONSES = ("avoid", "mitigate", "transfer", "accept", "escalate")
RESOURCE_KINDS = ("work", "material", "cost")
CONTOURS = (
    "flat",
    "back_loaded",
    "front_loaded",
    "double_peak",
    "early_peak",
    "late_peak",
    "bell",
    "turtle",
    "contoured",
)
CONSTRAINT_TYPES = ("ASAP", "ALAP", "SNET", "SNLT", "FNET", "FNLT", "MSO", "MFO")
