"""The plan file's JSON Schema, for editors (completion, hover help, validation).

Built from the same key tables as the reader, so the two cannot drift apart. Point your
editor at the output of ``charter schema`` (e.g. ``# yaml-language-server: $schema=…``).
"""

from __future__ import annotations

from typing import Any

from charter.formats.planfile import keys as K  # noqa: N812

_DURATION = r"^\s*[+-]?\s*(\d+(\.\d+)?|\.\d+)\s*(emo|em|eh|ed|ew|mo|m|h|d|w)\s*$"
_DATE = r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2})?)?$"
_PERCENT = r"^\s*\d+(\.\d+)?\s*%\s*$"
_RANGES = r"^\s*(\d{1,2}:\d{2}\s*-\s*\d{1,2}:\d{2}\s*(,\s*|$))*$"
_LINK = r"^\s*[a-z0-9][a-z0-9_.-]*(\s+[+-]\s*(\d+(\.\d+)?|\.\d+)\s*(%|emo|em|eh|ed|ew|mo|m|h|d|w))?\s*$"
_AMOUNT = r"^\s*(\d+(\.\d+)?|\.\d+)\s*(emo|em|eh|ed|ew|mo|m|h|d|w)\s*$"  # a duration, no sign
_WORKING = r"^\s*(\d+(\.\d+)?|\.\d+)\s*(mo|m|h|d|w)\s*$"  # working time, no sign
_DAY = r"(mon|tue|wed|thu|fri|sat|sun)"
_DAYS = rf"{_DAY}(\s*-\s*{_DAY})?"
_WEEKDAYS = rf"^\s*{_DAYS}(\s*,\s*{_DAYS})*\s*$"


def _str(pattern: str | None = None) -> dict[str, Any]:
    return {"type": "string", "pattern": pattern} if pattern else {"type": "string"}


def _date() -> dict[str, Any]:
    return {"anyOf": [_str(_DATE), {"type": "string", "format": "date"}]}


def _fraction() -> dict[str, Any]:
    return {"anyOf": [_str(_PERCENT), {"type": "number", "minimum": 0}]}


def _object(
    table: dict[str, str], properties: dict[str, Any], required: list[str] | None = None
) -> dict[str, Any]:
    missing = set(table) - set(properties)
    if missing:
        raise AssertionError(f"schema lacks {sorted(missing)}")
    return {
        "type": "object",
        "additionalProperties": False,
        "required": required or [],
        "properties": {key: {**properties[key], "description": table[key]} for key in table},
    }


def _list(item: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [{"type": "array", "items": item}, item]}


def plan_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of plan-file format version 1."""
    key = _str(K.KEY_PATTERN)
    duration = _str(_DURATION)
    amount = _str(_AMOUNT)
    three_point = _str(r"^[^/]+/[^/]+/[^/]+$")
    links = {"type": "array", "items": _str(_LINK)}
    rate = {"anyOf": [_str(r"^\d+(\.\d+)?\s*(/\s*(h|d|w|mo|use))?$"), {"type": "number"}]}
    money = {"type": "number", "minimum": 0}
    ev_method = {"enum": list(K.EV_METHODS)}
    calendar = _object(
        K.CALENDAR,
        {
            "based_on": key,
            "week": {
                "type": "object",
                "propertyNames": {"pattern": _WEEKDAYS},
                "additionalProperties": {"anyOf": [_str(_RANGES), {"type": "null"}]},
            },
            "holidays": {"type": "array", "items": _date()},
            "exceptions": {
                "type": "array",
                "items": {
                    "anyOf": [
                        _date(),
                        _object(
                            K.EXCEPTION,
                            {"date": _date(), "until": _date(), "hours": _str(_RANGES), "name": _str()},
                            ["date"],
                        ),
                    ]
                },
            },
        },
    )
    resource = _object(
        K.RESOURCE,
        {
            "name": _str(),
            "kind": {"enum": list(K.RESOURCE_KINDS)},
            "units": _fraction(),
            "calendar": key,
            "rate": {"anyOf": [_str(r"^\d+(\.\d+)?\s*(/\s*(h|d|w|mo|use))?$"), {"type": "number"}]},
            "overtime_rate": {"anyOf": [_str(r"^\d+(\.\d+)?\s*(/\s*(h|d|w|mo|use))?$"), {"type": "number"}]},
            "cost_per_use": {"type": "number", "minimum": 0},
            "rates": {
                "type": "array",
                "items": _object(
                    K.RATE_CHANGE,
                    {"from": _date(), "rate": rate, "overtime_rate": rate, "cost_per_use": money},
                    ["from"],
                ),
            },
            "skills": {"type": "array", "items": _str()},
            "email": _str(),
            "extensions": {"type": "object"},
        },
    )
    assignment = {
        "anyOf": [
            _str(r"^\s*[a-z0-9][a-z0-9_.-]*(\s+\d+(\.\d+)?%)?\s*$"),
            _object(
                K.ASSIGNMENT,
                {
                    "resource": key,
                    "units": _fraction(),
                    "work": duration,
                    "remaining": duration,
                    "contour": {"enum": list(K.CONTOURS)},
                    "quantity": money,
                    "cost": money,
                },
                ["resource"],
            ),
        ]
    }
    task: dict[str, Any] = _object(
        K.TASK,
        {
            "key": key,
            "name": _str(),
            "duration": duration,
            "work": duration,
            "estimate": three_point,
            "distribution": {
                "anyOf": [
                    {"enum": list(K.DISTRIBUTIONS)},
                    _object(
                        K.DISTRIBUTION,
                        {
                            "type": {"enum": list(K.DISTRIBUTIONS)},
                            "lambda": {"type": "number", "minimum": 0},
                            "weights": {"type": "array", "items": _fraction(), "minItems": 3, "maxItems": 3},
                        },
                        ["type"],
                    ),
                ]
            },
            "milestone": {"type": "boolean"},
            "type": {"enum": list(K.TASK_TYPES)},
            "priority": {"type": "integer", "minimum": 0, "maximum": 1000},
            "constraint": {
                "anyOf": [
                    {"enum": ["ASAP", "ALAP"]},
                    _object(
                        K.CONSTRAINT, {"type": {"enum": list(K.CONSTRAINT_TYPES)}, "date": _date()}, ["type"]
                    ),
                ]
            },
            "deadline": _date(),
            "calendar": key,
            "percent_complete": _fraction(),
            "actual_start": _date(),
            "actual_finish": _date(),
            "remaining": duration,
            "physical_complete": _fraction(),
            "ev_method": ev_method,
            "ev_milestones": {
                "type": "array",
                "items": _object(
                    K.EV_MILESTONE,
                    {"name": _str(), "weight": _fraction(), "done": _date()},
                    ["name", "weight"],
                ),
            },
            "fixed_cost": money,
            "fixed_cost_accrual": {"enum": list(K.ACCRUALS)},
            "cost_account": key,
            "budget": money,
            "leveling_delay": amount,
            "level": {"type": "boolean"},
            "needs": {
                "type": "array",
                "items": _object(K.NEED, {"skill": _str(), "units": _fraction()}, ["skill"]),
            },
            "splits": {
                "type": "array",
                "items": _object(K.SPLIT, {"after": amount, "pause": _str(_WORKING)}, ["after", "pause"]),
            },
            "resources": _list(assignment),
            "after": links,
            "starts_with": links,
            "finishes_with": links,
            "finishes_after_start": links,
            "notes": _str(),
            "tags": {"type": "array", "items": _str()},
            "manual": {"type": "boolean"},
            "active": {"type": "boolean"},
            "scheduled_start": _date(),
            "scheduled_finish": _date(),
            "extensions": {"type": "object"},
            "tasks": {"type": "array", "items": {"$ref": "#/$defs/task"}},
        },
        ["key"],
    )
    risk = _object(
        K.RISK,
        {
            "key": key,
            "title": _str(),
            "probability": _fraction(),
            "delay": _object(
                K.RISK_DELAY,
                {"tasks": {"type": "array", "items": key}, "amount": {"anyOf": [duration, three_point]}},
                ["tasks", "amount"],
            ),
            "cost": {"anyOf": [{"type": "number"}, _str(r"^[\d.,_]+(/[\d.,_]+/[\d.,_]+)?$")]},
            "owner": _str(),
            "response": {"enum": list(K.RESPONSES)},
            "category": _str(),
            "description": _str(),
            "tags": {"type": "array", "items": _str()},
            "cause": _str(),
            "event": _str(),
            "effect": _str(),
            "proximity": _date(),
            "trigger": _str(),
            "status": {"enum": list(K.RISK_STATUSES)},
            "mitigation": _object(
                K.MITIGATION,
                {
                    "action": _str(),
                    "cost": {"anyOf": [{"type": "number"}, _str(r"^[\d.,_]+$")]},
                    "probability": _fraction(),
                    "delay": {"anyOf": [duration, three_point]},
                    "cost_impact": {"anyOf": [{"type": "number"}, _str(r"^[\d.,_]+(/[\d.,_]+/[\d.,_]+)?$")]},
                },
            ),
            "history": {
                "type": "array",
                "items": _object(
                    K.RISK_NOTE,
                    {"date": _date(), "note": _str(), "status": {"enum": list(K.RISK_STATUSES)}},
                    ["date", "note"],
                ),
            },
        },
        ["key", "title", "probability"],
    )
    baseline_task = _object(
        K.BASELINE_TASK,
        {
            "start": _date(),
            "finish": _date(),
            "duration": duration,
            "work": duration,
            "cost": {"anyOf": [{"type": "number"}, _str()]},
        },
        ["start", "finish"],
    )
    baseline = _object(
        K.BASELINE,
        {
            "index": {"type": "integer", "minimum": 0, "maximum": 10},
            "name": _str(),
            "saved": _date(),
            "tasks": {"type": "object", "additionalProperties": baseline_task},
        },
        ["index", "saved"],
    )
    project = _object(
        K.PROJECT,
        {
            "name": _str(),
            "start": _date(),
            "finish": _date(),
            "timezone": _str(),
            "calendar": key,
            "hours_per_day": {"type": "number", "minimum": 0.5, "maximum": 24},
            "hours_per_week": {"type": "number", "minimum": 0.5, "maximum": 168},
            "days_per_month": {"type": "number", "minimum": 1, "maximum": 31},
            "status_date": _date(),
            "currency": _str(),
            "budget": money,
            "management_reserve": money,
            "contingency": money,
            "ev_method": ev_method,
            "description": _str(),
            "extensions": {"type": "object"},
        },
        ["name"],
    )
    schema = _object(
        K.TOP,
        {
            "charter": {"const": 1},
            "project": project,
            "calendars": {
                "type": "object",
                "propertyNames": {"pattern": K.KEY_PATTERN},
                "additionalProperties": calendar,
            },
            "resources": {
                "type": "object",
                "propertyNames": {"pattern": K.KEY_PATTERN},
                "additionalProperties": resource,
            },
            "tasks": {"type": "array", "items": {"$ref": "#/$defs/task"}},
            "risks": {"type": "array", "items": risk},
            "correlation": {
                "type": "array",
                "items": _object(
                    K.CORRELATION,
                    {"tasks": {"type": "array", "items": key, "minItems": 2}, "rho": {"type": "number"}},
                    ["tasks", "rho"],
                ),
            },
            "risk_matrix": _object(
                K.RISK_MATRIX,
                {
                    "probability": {"type": "array", "items": _fraction(), "minItems": 4, "maxItems": 4},
                    "delay": {"type": "array", "items": duration, "minItems": 4, "maxItems": 4},
                    "cost": {"type": "array", "items": {"type": "number"}, "minItems": 4, "maxItems": 4},
                    "ratings": {
                        "type": "object",
                        "additionalProperties": {"type": "integer", "minimum": 1, "maximum": 25},
                    },
                },
                [],
            ),
            "baselines": {"type": "array", "items": baseline},
            "cost_accounts": {
                "type": "object",
                "propertyNames": {"pattern": K.KEY_PATTERN},
                "additionalProperties": _object(K.COST_ACCOUNT, {"name": _str(), "owner": _str()}),
            },
            "time_entries": {
                "type": "array",
                "items": _object(
                    K.TIME_ENTRY,
                    {
                        "person": _str(),
                        "task": key,
                        "date": _date(),
                        "hours": {"type": "number", "exclusiveMinimum": 0, "maximum": 24},
                        "note": _str(),
                    },
                    ["person", "task", "date", "hours"],
                ),
            },
            "expenses": {
                "type": "array",
                "items": _object(
                    K.EXPENSE,
                    {
                        "task": key,
                        "date": _date(),
                        "amount": {"type": "number"},
                        "account": key,
                        "note": _str(),
                    },
                    ["task", "date", "amount"],
                ),
            },
            "progress": {
                "type": "array",
                "items": _object(
                    K.PROGRESS,
                    {
                        "date": _date(),
                        "tasks": {
                            "type": "object",
                            "additionalProperties": {
                                "anyOf": [
                                    _fraction(),
                                    _object(
                                        K.TASK_PROGRESS,
                                        {
                                            "percent_complete": _fraction(),
                                            "physical_complete": _fraction(),
                                            "remaining": duration,
                                        },
                                    ),
                                ]
                            },
                        },
                    },
                    ["date"],
                ),
            },
        },
        ["charter", "project"],
    )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "urn:charter:plan-file:1",
        "title": "Charter plan file, version 1",
        **schema,
        "$defs": {"task": task},
    }
