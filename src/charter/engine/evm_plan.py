"""Earned value of a plan at a status date: per task, per WBS node, for the project and per period.

``evaluate_plan(plan, entries, status_date=…)`` is the one entry point (the CLI and the web app
call it): it prices the plan (``charter.engine.cost``), reads progress as of each date, and
computes the indicators (``charter.engine.evm``).

Progress as of a day comes from the latest ``progress:`` report on or before it; the tasks' own
fields (``percent_complete``, ``physical_complete``, ``remaining``) are the progress at the
project's status date (at the evaluated status date when the project has none), and actual
start and finish dates count from the day they name. Actual cost is the priced time entries and
the expenses dated on or before the day, plus the non-labour costs accrued by the progress.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from charter.domain import Plan, PlanDate, Task
from charter.domain.cost import EvMethod, TaskProgress
from charter.engine.cost import (
    CostModel,
    PricedEntries,
    TimeEntryLike,
    check_entries,
    compile_costs,
    price_entries,
)
from charter.engine.evm import Indicators, indicators, planned_duration
from charter.engine.periods import PeriodKind, Periods
from charter.errors import CharterError


@dataclass(frozen=True, slots=True)
class Progress:
    """A leaf's progress as of one day."""

    percent: float
    physical: float | None
    remaining_minutes: int | None
    started: bool
    finished: bool


@dataclass(frozen=True, slots=True)
class NodeResult:
    """One WBS node (a task or summary) at the status date."""

    key: str
    name: str
    depth: int
    is_summary: bool
    method: EvMethod | None
    budget: float | None
    """The node's authorised budget, when the plan gives one."""
    indicators: Indicators


@dataclass(frozen=True, slots=True)
class PeriodResult:
    """One reporting period: cumulative figures at its end (EV and AC up to the status date)."""

    label: str
    end: dt.date
    pv: float
    ev: float | None
    ac: float | None
    indicators: Indicators | None
    """At the period's end, with AT = its number (the status's own for the period holding the
    status date); None after the status date."""


@dataclass(frozen=True, slots=True)
class BudgetSummary:
    """The budget's layers: work packages (BAC), the cost baseline, the whole budget."""

    bac: float
    contingency: float
    cost_baseline: float
    management_reserve: float
    total: float
    authorised: float | None

    @property
    def headroom(self) -> float | None:
        """Authorised budget minus the total needed; negative when the plan costs more."""
        return None if self.authorised is None else self.authorised - self.total


@dataclass(frozen=True, slots=True)
class PlanEvm:
    status: dt.datetime
    """The moment of the status: the end of the status day, unless a time was given."""
    status_day: dt.date
    currency: str | None
    periods: Periods
    project: Indicators
    nodes: list[NodeResult]
    by_period: list[PeriodResult]
    budget: BudgetSummary
    accounts: dict[str, tuple[float, float]]
    """Cost account -> (BAC, AC at the status date); tasks without one are under ``""``."""
    forecast_finish: dt.datetime | None
    """Project start plus IEAC(t) periods."""
    planned_finish: dt.datetime
    unpriced_hours: float
    baseline: int | None


def evaluate_plan(
    plan: Plan,
    entries: Sequence[TimeEntryLike] | None = None,
    *,
    status_date: PlanDate | None = None,
    period: PeriodKind = "week",
    baseline: int | None = 0,
) -> PlanEvm:
    """EVM of ``plan`` at ``status_date`` (default: the project's), with ``entries`` as time
    sheets (default: the plan's own ``time_entries``)."""
    status = status_date if status_date is not None else plan.project.status_date
    if status is None:
        raise CharterError(
            "earned value needs a status date",
            fix="pass --status-date YYYY-MM-DD, or set project.status_date in the plan",
        )
    moment = status if isinstance(status, dt.datetime) else _midnight(status) + dt.timedelta(days=1)
    last_day = (moment - dt.timedelta(microseconds=1)).date()
    rows = plan.time_entries if entries is None else entries
    model = compile_costs(plan, baseline=baseline)
    if entries is not None:
        check_entries(model, rows)
    priced = price_entries(model, rows)
    axis = model.schedule.network.axis
    starts = [axis.local(leaf.start) for leaf in model.leaves] or [axis.local(model.schedule.project_start)]
    finishes = [axis.local(leaf.finish) for leaf in model.leaves] or [
        axis.local(model.schedule.project_finish)
    ]
    first = min(starts).date()
    if len(priced.day):
        first = min(first, dt.date.fromordinal(int(priced.day.min())))
    periods = Periods.covering(first, max(max(finishes).date(), last_day), period)
    ends = np.array([axis.day_start(b) for b in periods.bounds[1:]], dtype=np.int64)
    pv_matrix = model.planned_value(ends)
    status_instant = np.array([axis.instant(moment)], dtype=np.int64)
    pv_now = model.planned_value(status_instant)[:, 0]
    bac = model.bac()
    current_from = plan.project.status_date or status
    current_day = current_from if not isinstance(current_from, dt.datetime) else current_from.date()
    progress_now = [_progress(plan, leaf.task, last_day, current_day) for leaf in model.leaves]
    ev_now = np.array(
        [
            _earned(plan, leaf.task, b, p, last_day)
            for leaf, b, p in zip(model.leaves, bac, progress_now, strict=True)
        ]
    )
    ac_now = _actual(model, priced, progress_now, last_day)
    etc_now = np.array(
        [
            _etc(model, n, b, e, p, last_day)
            for n, (b, e, p) in enumerate(zip(bac, ev_now, progress_now, strict=True))
        ]
    )
    at = max(periods.elapsed(moment), 0.0)
    nodes = _nodes(model, bac, pv_now, ev_now, ac_now, etc_now, pv_matrix, at)
    project = indicators(
        float(bac.sum()),
        float(pv_now.sum()),
        float(ev_now.sum()),
        float(ac_now.sum()),
        at=at,
        pv_cum=pv_matrix.sum(axis=0),
        etc_bottom_up=float(etc_now.sum()),
    )
    by_period = _by_period(plan, model, priced, bac, periods, pv_matrix, last_day, current_day, project)
    budget = _budget(plan, float(bac.sum()))
    forecast = None if project.ieac_t is None else periods.moment(project.ieac_t)
    pd = planned_duration(pv_matrix.sum(axis=0))
    return PlanEvm(
        status=moment,
        status_day=last_day,
        currency=plan.project.currency,
        periods=periods,
        project=project,
        nodes=nodes,
        by_period=by_period,
        budget=budget,
        accounts=_accounts(model, bac, ac_now, last_day),
        forecast_finish=forecast,
        planned_finish=max(finishes) if model.leaves else _planned_end(periods, pd),
        unpriced_hours=priced.unpriced_minutes / 60,
        baseline=model.baseline_index,
    )


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day)


def _progress(plan: Plan, task: Task, day: dt.date, current_from: dt.date) -> Progress:
    report: TaskProgress | None = None
    for entry in plan.progress:
        if entry.date > day:
            break
        report = entry.tasks.get(task.key, report)
    units = plan.project.work_units
    percent, physical, remaining = 0.0, None, None
    if report is not None:
        percent = report.percent_complete if report.percent_complete is not None else 0.0
        physical = report.physical_complete
        remaining = report.remaining.minutes(units) if report.remaining is not None else None
    if day >= current_from:
        percent = task.percent_complete or percent
        physical = task.physical_complete if task.physical_complete is not None else physical
        remaining = task.remaining.minutes(units) if task.remaining is not None else remaining
    finished = _on_or_before(task.actual_finish, day) or percent >= 1.0
    if finished:
        percent = 1.0
    started = finished or percent > 0 or _on_or_before(task.actual_start, day)
    return Progress(percent, physical, remaining, started, finished)


def _on_or_before(value: PlanDate | None, day: dt.date) -> bool:
    if value is None:
        return False
    return (value.date() if isinstance(value, dt.datetime) else value) <= day


def _earned(plan: Plan, task: Task, bac: float, progress: Progress, day: dt.date) -> float:
    method = task.ev_method or plan.project.ev_method or "percent_complete"
    if method == "0/100":
        return bac if progress.finished else 0.0
    if method == "50/50":
        return bac if progress.finished else (bac / 2 if progress.started else 0.0)
    if method == "milestones":
        reached = sum(m.weight for m in task.ev_milestones if m.done is not None and m.done <= day)
        return bac if progress.finished else bac * min(reached, 1.0)
    if method == "physical":
        return bac if progress.finished else bac * (progress.physical or 0.0)
    return bac * min(progress.percent, 1.0)


def _accrued(model: CostModel, n: int, progress: Progress) -> float:
    """Non-labour cost incurred so far by a leaf's progress (baseline scale applied)."""
    leaf = model.leaves[n]
    value = leaf.prorated * progress.percent
    value += leaf.at_start if progress.started else 0.0
    value += leaf.at_end if progress.finished else 0.0
    return value * leaf.scale


def _actual(
    model: CostModel, priced: PricedEntries, progress: list[Progress], day: dt.date
) -> NDArray[np.float64]:
    n = len(model.leaves)
    keep = (priced.day <= day.toordinal()) & (priced.leaf >= 0)
    labour = np.bincount(priced.leaf[keep], weights=priced.cost[keep], minlength=n)[:n]
    accrued = np.array([_accrued(model, i, progress[i]) for i in range(n)], dtype=np.float64)
    spent = np.zeros(n, dtype=np.float64)
    for expense in model.plan.expenses:
        i = model.leaf_of.get(expense.task)
        if i is not None and expense.date <= day:
            spent[i] += expense.amount
    total: NDArray[np.float64] = labour + accrued + spent
    return total


def _etc(model: CostModel, n: int, bac: float, ev: float, progress: Progress, day: dt.date) -> float:
    """Bottom-up estimate to complete: the remaining estimate priced at the rates of the status
    date, plus the non-labour costs still to come; without a remaining estimate, the rest of the
    budget."""
    if progress.finished:
        return 0.0
    if progress.remaining_minutes is None:
        return bac - ev
    leaf = model.leaves[n]
    plan = model.plan
    hourly = 0.0
    for assignment in leaf.task.resources:
        resource = plan.resources[assignment.resource]
        if resource.kind != "work":
            continue
        table = model.rates[assignment.resource]
        units = assignment.units if assignment.units is not None else resource.units
        hourly += units * float(table.standard[table.at(day)])
    still_to_come = leaf.prorated * (1 - progress.percent) + leaf.at_end
    if not progress.started:
        still_to_come += leaf.at_start
    non_labour = still_to_come * leaf.scale
    return progress.remaining_minutes / 60 * hourly + non_labour


def _nodes(
    model: CostModel,
    bac: NDArray[np.float64],
    pv: NDArray[np.float64],
    ev: NDArray[np.float64],
    ac: NDArray[np.float64],
    etc: NDArray[np.float64],
    pv_matrix: NDArray[np.float64],
    at: float,
) -> list[NodeResult]:
    """Every task in WBS order; a summary adds up the leaves under it."""
    net = model.schedule.network
    n_tasks = len(net.tasks)
    columns = np.zeros((n_tasks, 5), dtype=np.float64)
    curves = np.zeros((n_tasks, pv_matrix.shape[1]), dtype=np.float64)
    has_leaf = np.zeros(n_tasks, dtype=bool)
    for n, leaf in enumerate(model.leaves):
        i = leaf.index
        while i >= 0:
            columns[i] += (bac[n], pv[n], ev[n], ac[n], etc[n])
            curves[i] += pv_matrix[n]
            has_leaf[i] = True
            i = net.parent[i]
    plan = model.plan
    results = []
    for i, task in enumerate(net.tasks):
        if not has_leaf[i]:
            continue
        b, p, e, a, rest = (float(x) for x in columns[i])
        results.append(
            NodeResult(
                key=task.key,
                name=task.label,
                depth=net.depth(i),
                is_summary=task.is_summary,
                method=None
                if task.is_summary
                else (task.ev_method or plan.project.ev_method or "percent_complete"),
                budget=task.budget,
                indicators=indicators(b, p, e, a, at=at, pv_cum=curves[i], etc_bottom_up=rest),
            )
        )
    return results


def _by_period(
    plan: Plan,
    model: CostModel,
    priced: PricedEntries,
    bac: NDArray[np.float64],
    periods: Periods,
    pv_matrix: NDArray[np.float64],
    last_day: dt.date,
    current_from: dt.date,
    current: Indicators,
) -> list[PeriodResult]:
    """Cumulative PV for every period; EV and AC up to the one holding the status date, whose
    indicators are those of the status itself (AT and PV at the status date, not the period's end)."""
    n, count = len(model.leaves), len(periods)
    bounds = np.array([b.toordinal() for b in periods.bounds], dtype=np.int64)
    slot = np.clip(np.searchsorted(bounds, priced.day, side="right") - 1, 0, count - 1)
    keep = priced.leaf >= 0
    labour = np.bincount(slot[keep], weights=priced.cost[keep], minlength=count)[:count]
    spent = np.zeros(count, dtype=np.float64)
    for expense in plan.expenses:
        k = int(np.searchsorted(bounds, expense.date.toordinal(), side="right")) - 1
        spent[min(max(k, 0), count - 1)] += expense.amount
    labour_cum, spent_cum = np.cumsum(labour), np.cumsum(spent)
    pv_cum = pv_matrix.sum(axis=0)
    total = float(bac.sum())
    out = []
    for t, end in enumerate(periods.ends):
        day = min(end, last_day)
        reported = periods.bounds[t] <= last_day
        ev = ac = None
        if reported:
            progress = [_progress(plan, leaf.task, day, current_from) for leaf in model.leaves]
            ev = sum(
                _earned(plan, leaf.task, float(b), p, day)
                for leaf, b, p in zip(model.leaves, bac, progress, strict=True)
            )
            accrued = sum(_accrued(model, i, progress[i]) for i in range(n))
            if end > last_day:  # the status falls inside this period: count up to the status day only
                keep_now = keep & (priced.day <= last_day.toordinal())
                labour_now = float(priced.cost[keep_now].sum())
                spent_now = sum(e.amount for e in plan.expenses if e.date <= last_day)
                ac = labour_now + spent_now + accrued
            else:
                ac = float(labour_cum[t] + spent_cum[t]) + accrued
        status = None
        if ev is not None and ac is not None:
            partial = current.at is not None and current.at < t + 1
            status = (
                current if partial else indicators(total, float(pv_cum[t]), ev, ac, at=t + 1.0, pv_cum=pv_cum)
            )
        out.append(PeriodResult(periods.labels[t], end, float(pv_cum[t]), ev, ac, status))
    return out


def _budget(plan: Plan, bac: float) -> BudgetSummary:
    p = plan.project
    contingency, reserve = p.contingency or 0.0, p.management_reserve or 0.0
    return BudgetSummary(bac, contingency, bac + contingency, reserve, bac + contingency + reserve, p.budget)


def _accounts(
    model: CostModel, bac: NDArray[np.float64], ac: NDArray[np.float64], day: dt.date
) -> dict[str, tuple[float, float]]:
    """BAC and AC per cost account: a task's account is its own or its nearest summary's; an
    expense with an account of its own is booked there instead."""
    net = model.schedule.network
    account_of: dict[str, str] = {}
    out: dict[str, list[float]] = {}
    for n, leaf in enumerate(model.leaves):
        i, account = leaf.index, None
        while i >= 0 and account is None:
            account = net.tasks[i].cost_account
            i = net.parent[i]
        account_of[leaf.task.key] = account or ""
        row = out.setdefault(account or "", [0.0, 0.0])
        row[0] += float(bac[n])
        row[1] += float(ac[n])
    for expense in model.plan.expenses:
        task_account = account_of.get(expense.task)
        if expense.date > day or task_account is None or expense.account in (None, task_account):
            continue
        out[task_account][1] -= expense.amount
        out.setdefault(expense.account or "", [0.0, 0.0])[1] += expense.amount
    return {key: (v[0], v[1]) for key, v in out.items()}


def _planned_end(periods: Periods, planned_duration: float) -> dt.datetime:
    """Where the planned duration ends; it lies within the plan's own periods."""
    end = periods.moment(planned_duration)
    return end if end is not None else dt.datetime.combine(periods.bounds[-1], dt.time())
