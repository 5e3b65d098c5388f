"""The plan file's money and progress: rates, fixed and material costs, budgets, cost accounts,
time entries, expenses and progress reports — read with the reader's checks and written back
in canonical form."""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING, Any

import yaml

from charter.domain import Plan, Project, Resource, Task
from charter.domain.cost import (
    MAX_ENTRY_MINUTES,
    CostAccount,
    Expense,
    ProgressReport,
    TaskProgress,
    TimeEntry,
    WeightedMilestone,
)
from charter.domain.resource import Assignment, RateChange
from charter.domain.values import format_number, format_percent
from charter.errors import PlanFileError, UnknownReferenceError, did_you_mean
from charter.formats.planfile import keys as K  # noqa: N812

if TYPE_CHECKING:
    from charter.formats.planfile.reader import _Reader

MAX_ENTRY_HOURS = MAX_ENTRY_MINUTES / 60
_SUMMARY_REFUSES = ("fixed_cost", "fixed_cost_accrual", "ev_method", "ev_milestones", "physical_complete")


def _day(r: _Reader, node: yaml.Node, path: str) -> dt.date:
    value = r.date(node, path)
    if isinstance(value, dt.datetime):
        raise r.fail(node, f"{path} is a day, not a time", fix=f"write {value.date().isoformat()}", path=path)
    return value


def _required(
    r: _Reader, m: dict[str, yaml.Node], node: yaml.Node, path: str, names: tuple[str, ...]
) -> None:
    for name in names:
        if name not in m:
            raise PlanFileError(f"{path} has no {name}", where=r.at(node, path), fix=f"add {name}: ...")


def _money(r: _Reader, node: yaml.Node, path: str) -> float:
    value = r.number(node, path)
    if not math.isfinite(value) or value < 0:
        raise r.fail(node, f"{path} is {r.text(node, path)}; an amount must be 0 or more", path=path)
    return value


def read_project(r: _Reader, m: dict[str, yaml.Node], values: dict[str, object]) -> None:
    for field in ("budget", "management_reserve", "contingency"):
        if field in m:
            values[field] = _money(r, m[field], f"project.{field}")
    if "ev_method" in m:
        values["ev_method"] = r.choice(m["ev_method"], "project.ev_method", K.EV_METHODS)


def read_rates(r: _Reader, node: yaml.Node, path: str) -> list[RateChange]:
    result: list[RateChange] = []
    for i, item in enumerate(r.listing(node, path)):
        where = f"{path}[{i}]"
        m = r.mapping(item, where, K.RATE_CHANGE)
        _required(r, m, item, where, ("from",))
        change = RateChange(
            effective=_day(r, m["from"], f"{where}.from"),
            rate=r.rate(m["rate"], f"{where}.rate") if "rate" in m else None,
            overtime_rate=r.rate(m["overtime_rate"], f"{where}.overtime_rate")
            if "overtime_rate" in m
            else None,
            cost_per_use=_money(r, m["cost_per_use"], f"{where}.cost_per_use")
            if "cost_per_use" in m
            else None,
        )
        if result and change.effective <= result[-1].effective:
            raise r.fail(
                m["from"],
                f"{where}.from {change.effective} is not after the row before it",
                fix="list the rate table's rows in date order, one row per date",
                path=where,
            )
        result.append(change)
    return result


def read_task(r: _Reader, m: dict[str, yaml.Node], task: Task, tp: str) -> None:
    if "physical_complete" in m:
        task.physical_complete = r.fraction(m["physical_complete"], f"{tp} physical_complete")
    if "ev_method" in m:
        task.ev_method = r.choice(m["ev_method"], f"{tp} ev_method", K.EV_METHODS)  # type: ignore[assignment]
    if "ev_milestones" in m:
        task.ev_milestones = _milestones(r, m["ev_milestones"], f"{tp} ev_milestones")
    if "fixed_cost" in m:
        task.fixed_cost = _money(r, m["fixed_cost"], f"{tp} fixed_cost")
    if "fixed_cost_accrual" in m:
        task.fixed_cost_accrual = r.choice(m["fixed_cost_accrual"], f"{tp} fixed_cost_accrual", K.ACCRUALS)  # type: ignore[assignment]
    if "cost_account" in m:
        task.cost_account = r.text(m["cost_account"], f"{tp} cost_account")
        r.locations[f"task:{task.key}.cost_account"] = r.at(m["cost_account"], f"{tp} cost_account")
    if "budget" in m:
        task.budget = _money(r, m["budget"], f"{tp} budget")
    if task.ev_method == "milestones" and not task.ev_milestones and "ev_method" in m:
        raise r.fail(
            m["ev_method"],
            f"{tp} earns value by milestones but lists none",
            fix="add ev_milestones: [{name: ..., weight: 50%}, ...] or choose another ev_method",
            path=tp,
        )


def check_summary(r: _Reader, m: dict[str, yaml.Node], task: Task) -> None:
    if not task.tasks:
        return
    for field in _SUMMARY_REFUSES:
        if field in m:
            raise PlanFileError(
                f"summary task '{task.key}' has {field}, but its value comes from its sub-tasks",
                where=r.at(m[field]),
                fix=f"move {field} to one of its sub-tasks (a summary may have a budget)",
            )


def _milestones(r: _Reader, node: yaml.Node, path: str) -> list[WeightedMilestone]:
    result: list[WeightedMilestone] = []
    for i, item in enumerate(r.listing(node, path)):
        where = f"{path}[{i}]"
        m = r.mapping(item, where, K.EV_MILESTONE)
        _required(r, m, item, where, ("name", "weight"))
        result.append(
            WeightedMilestone(
                name=r.text(m["name"], f"{where}.name"),
                weight=r.fraction(m["weight"], f"{where}.weight"),
                done=_day(r, m["done"], f"{where}.done") if "done" in m else None,
            )
        )
    total = sum(item.weight for item in result)
    if result and abs(total - 1.0) > 1e-6:
        raise r.fail(
            node,
            f"{path}: the weights add up to {format_percent(total)}, not 100%",
            fix="give the milestones weights that add up to 100%",
            path=path,
        )
    return result


def read_assignment(r: _Reader, m: dict[str, yaml.Node], assignment: Assignment, path: str) -> None:
    if "quantity" in m:
        assignment.quantity = _money(r, m["quantity"], f"{path} quantity")
    if "cost" in m:
        assignment.cost = _money(r, m["cost"], f"{path} cost")


def read_cost_accounts(r: _Reader, node: yaml.Node) -> dict[str, CostAccount]:
    if not isinstance(node, yaml.MappingNode):
        raise r.fail(node, "cost_accounts should map account keys to {name, owner}")
    result: dict[str, CostAccount] = {}
    for key_node, value in node.value:
        key = r.key(key_node, "cost_accounts", "cost account")
        path = f"cost_accounts.{key}"
        r.locations[f"cost_account:{key}"] = r.at(key_node, path)
        m = r.mapping(value, path, K.COST_ACCOUNT) if not r.is_null(value) else {}
        result[key] = CostAccount(
            key=key,
            name=r.text(m["name"], f"{path}.name") if "name" in m else None,
            owner=r.text(m["owner"], f"{path}.owner") if "owner" in m else None,
        )
    return result


def read_time_entries(r: _Reader, node: yaml.Node) -> list[TimeEntry]:
    result: list[TimeEntry] = []
    for i, item in enumerate(r.listing(node, "time_entries")):
        path = f"time_entries[{i}]"
        m = r.mapping(item, path, K.TIME_ENTRY)
        _required(r, m, item, path, ("person", "task", "date", "hours"))
        hours = r.number(m["hours"], f"{path}.hours")
        if not 0 < hours <= MAX_ENTRY_HOURS:
            raise r.fail(
                m["hours"],
                f"{path}.hours is {format_number(hours)}; a day's entry is more than 0 and at most 24 hours",
                fix="split longer work into one entry per day",
                path=path,
            )
        r.locations[f"time_entry:{i}.task"] = r.at(m["task"], f"{path}.task")
        result.append(
            TimeEntry(
                person=r.text(m["person"], f"{path}.person"),
                task=r.text(m["task"], f"{path}.task"),
                date=_day(r, m["date"], f"{path}.date"),
                minutes=round(hours * 60),
                note=r.text(m["note"], f"{path}.note") if "note" in m else "",
            )
        )
    return result


def read_expenses(r: _Reader, node: yaml.Node) -> list[Expense]:
    result: list[Expense] = []
    for i, item in enumerate(r.listing(node, "expenses")):
        path = f"expenses[{i}]"
        m = r.mapping(item, path, K.EXPENSE)
        _required(r, m, item, path, ("task", "date", "amount"))
        r.locations[f"expense:{i}.task"] = r.at(m["task"], f"{path}.task")
        expense = Expense(
            task=r.text(m["task"], f"{path}.task"),
            date=_day(r, m["date"], f"{path}.date"),
            amount=r.number(m["amount"], f"{path}.amount"),
            note=r.text(m["note"], f"{path}.note") if "note" in m else "",
        )
        if "account" in m:
            expense.account = r.text(m["account"], f"{path}.account")
            r.locations[f"expense:{i}.account"] = r.at(m["account"], f"{path}.account")
        result.append(expense)
    return result


def read_progress(r: _Reader, node: yaml.Node) -> list[ProgressReport]:
    result: list[ProgressReport] = []
    for i, item in enumerate(r.listing(node, "progress")):
        path = f"progress[{i}]"
        m = r.mapping(item, path, K.PROGRESS)
        _required(r, m, item, path, ("date",))
        report = ProgressReport(date=_day(r, m["date"], f"{path}.date"))
        if result and report.date <= result[-1].date:
            raise r.fail(
                m["date"], f"{path}.date is not after the report before it", fix="list reports in date order"
            )
        tasks = m.get("tasks")
        if tasks is not None and not r.is_null(tasks):
            if not isinstance(tasks, yaml.MappingNode):
                raise r.fail(tasks, f"{path}.tasks should map task keys to progress", path=path)
            for key_node, value in tasks.value:
                key = r.scalar_text(key_node)
                where = f"{path}.tasks.{key}"
                r.locations[f"progress:{i}.{key}"] = r.at(key_node, where)
                if isinstance(value, yaml.ScalarNode):
                    report.tasks[key] = TaskProgress(percent_complete=r.fraction(value, where))
                    continue
                p = r.mapping(value, where, K.TASK_PROGRESS)
                report.tasks[key] = TaskProgress(
                    percent_complete=r.fraction(p["percent_complete"], f"{where}.percent_complete")
                    if "percent_complete" in p
                    else None,
                    physical_complete=r.fraction(p["physical_complete"], f"{where}.physical_complete")
                    if "physical_complete" in p
                    else None,
                    remaining=r.duration(p["remaining"], f"{where}.remaining") if "remaining" in p else None,
                )
        result.append(report)
    return result


def check_references(plan: Plan) -> None:
    """Time entries, expenses and progress name tasks; tasks and expenses name cost accounts."""
    tasks = plan.task_map()
    accounts = plan.cost_accounts

    def task_exists(key: str, what: str, where_key: str) -> None:
        if key not in tasks:
            raise UnknownReferenceError(
                f"{what} names task '{key}', which is not a task in this plan",
                where=plan.locate(where_key),
                fix=did_you_mean(key, tasks) or "check the spelling, or add the task",
            )

    def account_exists(key: str | None, what: str, where_key: str) -> None:
        if key is not None and key not in accounts:
            raise UnknownReferenceError(
                f"{what} is booked to cost account '{key}', which is not defined",
                where=plan.locate(where_key),
                fix=did_you_mean(key, accounts) or "define it under cost_accounts:",
            )

    for task in plan.walk():
        account_exists(task.cost_account, f"task '{task.key}'", f"task:{task.key}.cost_account")
    for i, entry in enumerate(plan.time_entries):
        task_exists(entry.task, f"time entry {i + 1}", f"time_entry:{i}.task")
        if tasks[entry.task].tasks:
            raise UnknownReferenceError(
                f"time entry {i + 1} books time to summary task '{entry.task}'",
                where=plan.locate(f"time_entry:{i}.task"),
                fix="book time to one of its sub-tasks",
            )
    for i, expense in enumerate(plan.expenses):
        task_exists(expense.task, f"expense {i + 1}", f"expense:{i}.task")
        if tasks[expense.task].tasks:
            raise UnknownReferenceError(
                f"expense {i + 1} is booked to summary task '{expense.task}'",
                where=plan.locate(f"expense:{i}.task"),
                fix="book it to one of its sub-tasks (a summary's costs are its sub-tasks' costs)",
            )
        account_exists(expense.account, f"expense {i + 1}", f"expense:{i}.account")
    for i, report in enumerate(plan.progress):
        for key in report.tasks:
            task_exists(key, f"progress report {i + 1} ({report.date})", f"progress:{i}.{key}")


# -- writing ---------------------------------------------------------------------------------


def write_project(project: Project, out: dict[str, Any]) -> None:
    for field in ("budget", "management_reserve", "contingency"):
        value = getattr(project, field)
        if value is not None:
            out[field] = _number(value)
    if project.ev_method is not None:
        out["ev_method"] = project.ev_method


def write_resource(resource: Resource, out: dict[str, Any], flow: type[dict[str, Any]]) -> None:
    if not resource.rates:
        return
    rows = []
    for change in resource.rates:
        row: dict[str, Any] = {"from": change.effective}
        if change.rate is not None:
            row["rate"] = str(change.rate)
        if change.overtime_rate is not None:
            row["overtime_rate"] = str(change.overtime_rate)
        if change.cost_per_use is not None:
            row["cost_per_use"] = _number(change.cost_per_use)
        rows.append(flow(row))
    out["rates"] = rows


def write_task(task: Task, out: dict[str, Any], flow: type[dict[str, Any]]) -> None:
    if task.physical_complete is not None:
        out["physical_complete"] = format_percent(task.physical_complete)
    if task.ev_method is not None:
        out["ev_method"] = task.ev_method
    if task.ev_milestones:
        items = []
        for milestone in task.ev_milestones:
            item: dict[str, Any] = {"name": milestone.name, "weight": format_percent(milestone.weight)}
            if milestone.done is not None:
                item["done"] = milestone.done
            items.append(flow(item))
        out["ev_milestones"] = items
    if task.fixed_cost is not None:
        out["fixed_cost"] = _number(task.fixed_cost)
    if task.fixed_cost_accrual is not None:
        out["fixed_cost_accrual"] = task.fixed_cost_accrual
    if task.cost_account is not None:
        out["cost_account"] = task.cost_account
    if task.budget is not None:
        out["budget"] = _number(task.budget)


def assignment_is_plain(assignment: Assignment) -> bool:
    return assignment.quantity is None and assignment.cost is None


def write_assignment(assignment: Assignment, out: dict[str, Any]) -> None:
    if assignment.quantity is not None:
        out["quantity"] = _number(assignment.quantity)
    if assignment.cost is not None:
        out["cost"] = _number(assignment.cost)


def write_sections(plan: Plan, doc: dict[str, Any], flow: type[dict[str, Any]]) -> None:
    if plan.cost_accounts:
        doc["cost_accounts"] = {
            key: flow({k: v for k, v in (("name", a.name), ("owner", a.owner)) if v is not None})
            for key, a in plan.cost_accounts.items()
        }
    if plan.time_entries:
        doc["time_entries"] = [flow(_entry(e)) for e in plan.time_entries]
    if plan.expenses:
        doc["expenses"] = [flow(_expense(e)) for e in plan.expenses]
    if plan.progress:
        doc["progress"] = [
            {"date": report.date, "tasks": {key: _progress(p, flow) for key, p in report.tasks.items()}}
            for report in plan.progress
        ]


def _entry(entry: TimeEntry) -> dict[str, Any]:
    out: dict[str, Any] = {"person": entry.person, "task": entry.task, "date": entry.date}
    out["hours"] = _number(entry.minutes / 60)
    if entry.note:
        out["note"] = entry.note
    return out


def _expense(expense: Expense) -> dict[str, Any]:
    out: dict[str, Any] = {"task": expense.task, "date": expense.date, "amount": _number(expense.amount)}
    if expense.account is not None:
        out["account"] = expense.account
    if expense.note:
        out["note"] = expense.note
    return out


def _progress(progress: TaskProgress, flow: type[dict[str, Any]]) -> Any:
    if (
        progress.physical_complete is None
        and progress.remaining is None
        and progress.percent_complete is not None
    ):
        return format_percent(progress.percent_complete)
    out: dict[str, Any] = {}
    if progress.percent_complete is not None:
        out["percent_complete"] = format_percent(progress.percent_complete)
    if progress.physical_complete is not None:
        out["physical_complete"] = format_percent(progress.physical_complete)
    if progress.remaining is not None:
        out["remaining"] = str(progress.remaining)
    return flow(out)


def _number(value: float) -> int | float:
    """An amount as YAML writes it best: ``12000`` rather than ``12000.0``; no float noise."""
    if value == int(value):
        return int(value)
    return float(format_number(value))
