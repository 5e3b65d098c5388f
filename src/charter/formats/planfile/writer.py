"""Write a :class:`~charter.domain.Plan` as a canonical plan file.

The output reads back into an equal plan (lossless round trip). Small tasks are written on
one line in flow style, as people write them by hand; anything long gets a block of its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from charter.domain import (
    WEEKDAYS,
    Assignment,
    Baseline,
    Calendar,
    Plan,
    PlanDate,
    Project,
    Resource,
    Risk,
    Task,
    TimeRange,
)
from charter.domain.calendar import Weekday
from charter.domain.risk import Correlation, Distribution, DistributionSpec, RiskMatrix, ThreePoint
from charter.domain.values import format_number, format_percent, format_time_ranges
from charter.formats.planfile import costs as money
from charter.formats.planfile.keys import LINK_KEYS
from charter.gcpause import paused_gc

_FLOW_WIDTH = 100
_LINK_FIELD = {v: k for k, v in LINK_KEYS.items()}


class _Flow(dict[str, Any]):
    """A mapping to be written on one line: ``{key: a, duration: 5d}``."""


class _FlowList(list[Any]):
    """A list to be written on one line: ``[a, b]``."""


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)  # indent list items under their key


def _represent_flow(dumper: yaml.SafeDumper, data: _Flow) -> yaml.Node:
    return dumper.represent_mapping("tag:yaml.org,2002:map", data, flow_style=True)


def _represent_flow_list(dumper: yaml.SafeDumper, data: _FlowList) -> yaml.Node:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True)


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(_Flow, _represent_flow)
_Dumper.add_representer(_FlowList, _represent_flow_list)
_Dumper.add_representer(str, _represent_str)


def format_date(value: PlanDate) -> str:
    if isinstance(value, dt.datetime):
        if value.second:
            return value.strftime("%Y-%m-%dT%H:%M:%S")
        return value.strftime("%Y-%m-%dT%H:%M")
    return value.isoformat()


def _date(value: PlanDate) -> PlanDate | str:
    """A day is written as a YAML date (unquoted); a time as ``YYYY-MM-DDTHH:MM`` text."""
    return value if not isinstance(value, dt.datetime) else format_date(value)


def format_minutes(minutes: int) -> str:
    """Exact text for a number of minutes, independent of the project's day length."""
    return f"{minutes // 60}h" if minutes % 60 == 0 else f"{minutes}m"


def dump_plan(plan: Plan) -> str:
    """The plan as plan-file text (canonical order and layout)."""
    doc: dict[str, Any] = {"charter": plan.charter, "project": _project(plan.project)}
    if plan.calendars:
        doc["calendars"] = {key: _calendar(c) for key, c in plan.calendars.items()}
    if plan.resources:
        doc["resources"] = {key: _flow_if_short(_resource(r)) for key, r in plan.resources.items()}
    if plan.tasks:
        doc["tasks"] = [_task(t) for t in plan.tasks]
    if plan.risks:
        doc["risks"] = [_risk(r) for r in plan.risks]
    if plan.correlation:
        doc["correlation"] = [_correlation(c) for c in plan.correlation]
    if plan.risk_matrix is not None:
        doc["risk_matrix"] = _risk_matrix(plan.risk_matrix)
    if plan.baselines:
        doc["baselines"] = [_baseline(b) for b in plan.baselines]
    money.write_sections(plan, doc, _Flow)
    with paused_gc():
        return yaml.dump(doc, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=_FLOW_WIDTH + 20)


def save_plan(plan: Plan, path: str | Path) -> None:
    """Write the plan to ``path`` atomically (a crash never leaves half a file)."""
    target = Path(path)
    temporary = target.with_name(f".{target.name}.tmp")
    temporary.write_text(dump_plan(plan), encoding="utf-8")
    temporary.replace(target)


def _flow_if_short(mapping: dict[str, Any]) -> dict[str, Any]:
    """One line (``{key: a, duration: 5d}``) when it fits, else a block of its own."""
    if _flow_length(mapping) <= _FLOW_WIDTH:
        return _Flow(mapping)
    return mapping


def _flow_length(value: Any) -> int:
    """About how wide ``value`` is written in flow style (quotes included); multi-line is huge."""
    if isinstance(value, dict):
        return 2 + sum(len(k) + 2 + _flow_length(v) + 2 for k, v in value.items())
    if isinstance(value, list):
        return 2 + sum(_flow_length(v) + 2 for v in value)
    text = str(value)
    if "\n" in text:
        return 10 * _FLOW_WIDTH
    return len(text) + 2


def _project(project: Project) -> dict[str, Any]:
    out: dict[str, Any] = {"name": project.name}
    for field in ("start", "finish"):
        value = getattr(project, field)
        if value is not None:
            out[field] = _date(value)
    defaults = Project(name="-", start=dt.date(2000, 1, 1))
    for field in ("timezone", "calendar"):
        out[field] = getattr(project, field)
    for field in ("hours_per_day", "hours_per_week", "days_per_month"):
        value = getattr(project, field)
        if value != getattr(defaults, field):
            out[field] = float(value) if value != int(value) else int(value)
    if project.status_date is not None:
        out["status_date"] = _date(project.status_date)
    for field in ("currency", "description"):
        value = getattr(project, field)
        if value is not None:
            out[field] = value
    money.write_project(project, out)
    if project.extensions:
        out["extensions"] = project.extensions
    return out


def _week(week: Mapping[Weekday, list[TimeRange]]) -> dict[str, str]:
    """Group consecutive weekdays with equal hours: ``mon-fri: 08:00-12:00, 13:00-17:00``."""
    out: dict[str, str] = {}
    days = [d for d in WEEKDAYS if d in week]
    i = 0
    while i < len(days):
        j = i
        while (
            j + 1 < len(days)
            and WEEKDAYS.index(days[j + 1]) == WEEKDAYS.index(days[j]) + 1
            and week[days[j + 1]] == week[days[i]]
        ):
            j += 1
        label = days[i] if i == j else f"{days[i]}-{days[j]}"
        out[label] = format_time_ranges(week[days[i]])
        i = j + 1
    return out


def _calendar(calendar: Calendar) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if calendar.based_on:
        out["based_on"] = calendar.based_on
    if calendar.week:
        out["week"] = _week(calendar.week)
    if calendar.holidays:
        out["holidays"] = _FlowList(_date(d) for d in calendar.holidays)
    if calendar.exceptions:
        items = []
        for exception in calendar.exceptions:
            item: dict[str, Any] = {"date": _date(exception.date)}
            if exception.until:
                item["until"] = _date(exception.until)
            item["hours"] = format_time_ranges(exception.hours)
            if exception.name:
                item["name"] = exception.name
            items.append(_Flow(item))
        out["exceptions"] = items
    return out


def _resource(resource: Resource) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if resource.name is not None:
        out["name"] = resource.name
    if resource.kind != "work":
        out["kind"] = resource.kind
    if resource.units != 1.0:
        out["units"] = format_percent(resource.units)
    if resource.calendar:
        out["calendar"] = resource.calendar
    for field in ("rate", "overtime_rate"):
        value = getattr(resource, field)
        if value is not None:
            out[field] = str(value)
    if resource.cost_per_use is not None:
        out["cost_per_use"] = resource.cost_per_use
    if resource.skills:
        out["skills"] = _FlowList(resource.skills)
    if resource.email:
        out["email"] = resource.email
    money.write_resource(resource, out, _Flow)
    if resource.extensions:
        out["extensions"] = resource.extensions
    return out


def _assignment(assignment: Assignment) -> Any:
    if (
        assignment.work is None
        and assignment.remaining is None
        and assignment.contour is None
        and money.assignment_is_plain(assignment)
    ):
        if assignment.units is None:
            return assignment.resource
        return f"{assignment.resource} {format_percent(assignment.units)}"
    out: dict[str, Any] = {"resource": assignment.resource}
    if assignment.units is not None:
        out["units"] = format_percent(assignment.units)
    if assignment.work is not None:
        out["work"] = str(assignment.work)
    if assignment.remaining is not None:
        out["remaining"] = str(assignment.remaining)
    if assignment.contour is not None:
        out["contour"] = assignment.contour
    money.write_assignment(assignment, out)
    return _Flow(out)


def _task(task: Task) -> dict[str, Any]:
    out: dict[str, Any] = {"key": task.key}
    if task.name is not None:
        out["name"] = task.name
    for field in ("duration", "work"):
        value = getattr(task, field)
        if value is not None:
            out[field] = str(value)
    if task.estimate is not None:
        out["estimate"] = str(task.estimate)
    if task.distribution is not None:
        out["distribution"] = _distribution(task.distribution)
    if task.milestone:
        out["milestone"] = True
    if task.type is not None:
        out["type"] = task.type
    if task.priority != 500:
        out["priority"] = task.priority
    if task.constraint is not None:
        c: dict[str, Any] = {"type": task.constraint.type.value}
        if task.constraint.date is not None:
            c["date"] = _date(task.constraint.date)
        out["constraint"] = _Flow(c)
    if task.deadline is not None:
        out["deadline"] = _date(task.deadline)
    if task.calendar:
        out["calendar"] = task.calendar
    if task.percent_complete:
        out["percent_complete"] = format_percent(task.percent_complete)
    for field in ("actual_start", "actual_finish"):
        value = getattr(task, field)
        if value is not None:
            out[field] = _date(value)
    if task.remaining is not None:
        out["remaining"] = str(task.remaining)
    if task.leveling_delay is not None:
        out["leveling_delay"] = str(task.leveling_delay)
    if not task.level:
        out["level"] = False
    if task.needs:
        out["needs"] = _FlowList(
            _Flow({"skill": n.skill, "units": n.units} if n.units != 1 else {"skill": n.skill})
            for n in task.needs
        )
    if task.splits:
        out["splits"] = _FlowList(_Flow({"after": str(s.after), "pause": str(s.pause)}) for s in task.splits)
    if task.resources:
        out["resources"] = _FlowList(_assignment(a) for a in task.resources)
    for link_type, field in _LINK_FIELD.items():
        links = [link for link in task.links if link.type.value == link_type]
        if links:
            out[field] = _FlowList(
                f"{link.predecessor} {link.lag}" if not link.lag.is_zero else link.predecessor
                for link in links
            )
    if task.notes is not None:
        out["notes"] = task.notes
    if task.tags:
        out["tags"] = _FlowList(task.tags)
    if task.manual:
        out["manual"] = True
    if not task.active:
        out["active"] = False
    for field in ("scheduled_start", "scheduled_finish"):
        value = getattr(task, field)
        if value is not None:
            out[field] = _date(value)
    money.write_task(task, out, _Flow)
    if task.extensions:
        out["extensions"] = task.extensions
    if task.tasks:
        out["tasks"] = [_task(child) for child in task.tasks]
        return out
    return _flow_if_short(out)


def _risk(risk: Risk) -> dict[str, Any]:
    out: dict[str, Any] = {
        "key": risk.key,
        "title": risk.title,
        "probability": format_percent(risk.probability),
    }
    if risk.delay is not None:
        amount = risk.delay.amount
        text = str(amount.likely) if amount.optimistic == amount.likely == amount.pessimistic else str(amount)
        out["delay"] = _Flow({"tasks": _FlowList(risk.delay.tasks), "amount": text})
    if risk.cost is not None:
        out["cost"] = str(risk.cost)
    for field in ("owner", "response", "category", "description"):
        value = getattr(risk, field)
        if value is not None:
            out[field] = value
    if risk.tags:
        out["tags"] = _FlowList(risk.tags)
    _risk_register(risk, out)
    return out


def _three_point(amount: ThreePoint) -> str:
    return str(amount.likely) if amount.optimistic == amount.likely == amount.pessimistic else str(amount)


def _risk_register(risk: Risk, out: dict[str, Any]) -> None:
    for field in ("cause", "event", "effect", "trigger", "status"):
        value = getattr(risk, field)
        if value is not None:
            out[field] = value
    if risk.proximity is not None:
        out["proximity"] = risk.proximity
    m = risk.mitigation
    if m is not None:
        mitigation: dict[str, Any] = {}
        if m.action is not None:
            mitigation["action"] = m.action
        if m.cost:
            mitigation["cost"] = format_number(m.cost)
        if m.probability is not None:
            mitigation["probability"] = format_percent(m.probability)
        if m.delay is not None:
            mitigation["delay"] = _three_point(m.delay)
        if m.cost_impact is not None:
            mitigation["cost_impact"] = str(m.cost_impact)
        out["mitigation"] = _Flow(mitigation)
    if risk.history:
        out["history"] = [
            _Flow({"date": h.date, "note": h.note} | ({"status": h.status} if h.status else {}))
            for h in risk.history
        ]


def _distribution(spec: Distribution | DistributionSpec) -> Any:
    if not isinstance(spec, DistributionSpec):
        return spec
    out: dict[str, Any] = {"type": spec.type}
    if spec.lam is not None:
        out["lambda"] = spec.lam
    if spec.weights is not None:
        out["weights"] = _FlowList(list(spec.weights))
    return _Flow(out)


def _risk_matrix(matrix: RiskMatrix) -> dict[str, Any]:
    return {
        "probability": _FlowList([format_percent(p) for p in matrix.probability]),
        "delay": _FlowList([f"{format_number(d)}d" for d in matrix.delay_days]),
        "cost": _FlowList([int(c) if c.is_integer() else c for c in matrix.cost]),
        "ratings": _Flow(dict(matrix.ratings)),
    }


def _correlation(group: Correlation) -> Any:
    return _Flow({"tasks": _FlowList(group.tasks), "rho": group.rho})


def _baseline(baseline: Baseline) -> dict[str, Any]:
    out: dict[str, Any] = {"index": baseline.index}
    if baseline.name:
        out["name"] = baseline.name
    out["saved"] = _date(baseline.saved)
    tasks: dict[str, Any] = {}
    for key, item in baseline.tasks.items():
        entry: dict[str, Any] = {
            "start": _date(item.start),
            "finish": _date(item.finish),
            "duration": format_minutes(item.duration_minutes),
        }
        if item.work_minutes:
            entry["work"] = format_minutes(item.work_minutes)
        if item.cost is not None:
            entry["cost"] = format_number(item.cost)
        tasks[key] = _Flow(entry)
    out["tasks"] = tasks
    return out


def dump_baselines(baselines: list[Baseline]) -> str:
    """The ``baselines:`` section alone, as plan-file text."""
    section = {"baselines": [_baseline(b) for b in sorted(baselines, key=lambda b: b.index)]}
    return yaml.dump(section, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=_FLOW_WIDTH + 20)


def replace_section(text: str, key: str, section: str) -> str:
    """``text`` with its top-level ``key:`` section replaced by ``section`` (or appended).

    Everything else — comments, order, layout — is kept byte for byte, so saving a baseline
    never rewrites what the user wrote.
    """
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    lines = text.splitlines(keepends=True)
    if isinstance(root, yaml.MappingNode):
        for key_node, value_node in root.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                first = key_node.start_mark.line
                last = value_node.end_mark.line + (1 if value_node.end_mark.column > 0 else 0)
                return "".join(lines[:first]) + section + "".join(lines[last:])
    prefix = text if text.endswith("\n") or not text else text + "\n"
    return prefix + ("\n" if prefix.strip() else "") + section
