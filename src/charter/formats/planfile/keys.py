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
    "correlation": "groups of tasks whose durations move together: [{tasks: [a, b], rho: 0.6}]",
    "risk_matrix": "the 5x5 probability-impact matrix: thresholds between bands and ratings",
    "baselines": "saved snapshots of the schedule (written by `charter baseline save`)",
    "cost_accounts": "control accounts costs are booked to, by key: {name, owner}",
    "time_entries": "time sheets: [{person, task, date, hours, note}], the server's time-entry columns",
    "expenses": "money spent outside time sheets: [{task, date, amount, account, note}]",
    "progress": "progress history: [{date, tasks: {KEY: 40% or {percent_complete, remaining …}}}]",
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
    "budget": "authorised project budget, reserves included",
    "management_reserve": "budget held back for unknown unknowns, outside the cost baseline",
    "contingency": "budget for known risks: in the cost baseline, in no task",
    "ev_method": "default earned-value method: percent_complete, 0/100, 50/50, milestones or physical",
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
    "rates": "rate table: [{from: 2027-07-01, rate: 105/h, overtime_rate: 150/h, cost_per_use: 0}]",
    "skills": "skills the resource has",
    "email": "where notifications go",
    "extensions": "data Charter keeps but does not model (e.g. from an imported Project file), by source",
}

TASK = {
    "key": "unique key: lower-case letters, digits, '_', '.', '-'",
    "name": "task name",
    "duration": "working time like 5d, 4h, 2w, 1mo, or elapsed like 3ed",
    "work": "effort like 80h; with resources, the duration follows from their units",
    "estimate": "three-point estimate optimistic/likely/pessimistic, e.g. 8d/10d/15d",
    "distribution": "distribution of the estimate: pert (default), triangular, uniform, lognormal, "
    "discrete, normal; or {type: pert, lambda: 3} / {type: discrete, weights: [0.2, 0.5, 0.3]}",
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
    "physical_complete": "measured output done, e.g. 30% (earned-value method physical)",
    "ev_method": "how the task earns value: percent_complete, 0/100, 50/50, milestones or physical",
    "ev_milestones": "weighted milestones: [{name, weight: 40%, done: DATE}]; weights add up to 100%",
    "fixed_cost": "a cost independent of work, e.g. 12000",
    "fixed_cost_accrual": "when the fixed cost is incurred: start, prorated (default) or end",
    "cost_account": "the cost account the task's costs are booked to",
    "budget": "authorised budget of this WBS node (compared with its planned cost)",
    "leveling_delay": "levelling delay, e.g. 2d or 3ed: postpones the early dates only, using up slack",
    "splits": "pauses of a split task: [{after: 1d, pause: 2d}], in the order they happen",
    "level": "false: levelling never moves this task (default true)",
    "needs": "skills asked for instead of people: [{skill: dba, units: 1}]; levelling picks the people",
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

NEED = {
    "skill": "a skill some resources list under skills",
    "units": "how many people's worth, e.g. 1 or 50%",
}

ASSIGNMENT = {
    "resource": "resource key",
    "units": "share of the resource, e.g. 50%",
    "work": "effort",
    "remaining": "effort still to do (default: all of it)",
    "contour": "how the work is spread (Microsoft Project's work contour; default: flat)",
    "quantity": "of a material resource: how much is used (its rate is per unit)",
    "cost": "of a cost resource: the amount spent on it",
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
    "cause": "what could make it happen",
    "event": "what would happen",
    "effect": "what it would do to the project",
    "proximity": "the date by which it could occur",
    "trigger": "the warning sign that it is about to occur",
    "status": "open, occurred or closed",
    "mitigation": "{action, cost, probability, delay, cost_impact}: the response's cost and the "
    "residual risk",
    "history": "what happened to the risk: [{date, note, status}]",
}

MITIGATION = {
    "action": "what will be done",
    "cost": "what the response costs",
    "probability": "residual chance once the response is in place, e.g. 10%",
    "delay": "residual delay amount, e.g. 2d or 1d/2d/5d (default: unchanged)",
    "cost_impact": "residual cost impact, e.g. 5000 (default: unchanged)",
}

RISK_NOTE = {"date": "when", "note": "what happened", "status": "the status it left: open, occurred, closed"}

DISTRIBUTION = {
    "type": "pert, triangular, uniform, lognormal, discrete or normal",
    "lambda": "PERT's weight of the most likely value (default 4)",
    "weights": "discrete: probabilities of the optimistic, likely and pessimistic values",
}

CORRELATION = {"tasks": "keys of tasks with estimates", "rho": "rank correlation between each pair, -1..1"}

RISK_MATRIX = {
    "probability": "four rising thresholds between the five probability bands: [10%, 30%, 50%, 70%]",
    "delay": "four rising thresholds between the five delay bands: [2d, 5d, 10d, 20d]",
    "cost": "four rising thresholds between the five cost bands: [5000, 20000, 50000, 100000]",
    "ratings": "least score (probability band x impact band, 1-25) of each rating: {low: 1, high: 10}",
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
DISTRIBUTIONS = ("pert", "triangular", "uniform", "lognormal", "discrete", "normal")
RISK_STATUSES = ("open", "occurred", "closed")
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

RATE_CHANGE = {
    "from": "the first day these rates apply",
    "rate": "standard rate from then on",
    "overtime_rate": "overtime rate from then on",
    "cost_per_use": "cost per use from then on",
}

COST_ACCOUNT = {"name": "what is booked here", "owner": "who answers for it"}

EV_MILESTONE = {
    "name": "what is reached",
    "weight": "share of the task's budget it earns, e.g. 40%",
    "done": "the day it was reached",
}

TIME_ENTRY = {
    "person": "resource key (its rates price the time) or user name",
    "task": "task key",
    "date": "the day worked",
    "hours": "hours worked that day, more than 0 and at most 24",
    "note": "what was done",
}

EXPENSE = {
    "task": "task key",
    "date": "the day the cost was incurred",
    "amount": "amount in the project currency",
    "account": "cost account (default: the task's)",
    "note": "what it was for",
}

PROGRESS = {"date": "status date of this report", "tasks": "per task key: 40% or a mapping"}

TASK_PROGRESS = {
    "percent_complete": "% complete at that date",
    "physical_complete": "physical % complete at that date",
    "remaining": "remaining estimate at that date, e.g. 3d",
}

EV_METHODS = ("percent_complete", "0/100", "50/50", "milestones", "physical")
ACCRUALS = ("start", "prorated", "end")
