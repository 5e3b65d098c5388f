"""Costs: every task's budget at completion, time-phased over its baseline dates (planned value),
and the actual cost of time entries priced with the resources' rate tables.

The plan is compiled once into per-task arrays; time entries are priced and summed with NumPy
(grouping by person and day for overtime, by task and period for the curves), so 100,000
entries take a few dozen milliseconds.

Pricing rules:
- Labour: an assignment's work times the resource's standard rate in force on each day (the rate
  table row with the latest ``effective`` date on or before it); ``d``/``w``/``mo`` rates are per
  the project's working day, week and month. Planned work follows the assignment's contour.
- Time entries: a person's hours on one day beyond the project's ``hours_per_day`` are overtime,
  priced at the overtime rate (the standard rate when there is none), shared across that day's
  entries in proportion to their hours. A person who is not a resource has no rate: their hours
  are counted as unpriced.
- Per-use costs and a rate ``…/use`` are incurred when the task starts, once per full unit of
  the assignment (half a person pays half, as Microsoft Project prices it); material (quantity ×
  rate) and cost resources (their amount) as the task progresses; a fixed cost at the start,
  as it progresses (default) or at the finish.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from charter.domain import Plan, Rate, Resource, Task
from charter.domain.cost import Accrual
from charter.engine.baseline import planned_work
from charter.engine.calendar import WorkingTime
from charter.engine.cpm import Schedule, schedule
from charter.engine.network import _CONTOUR_TENTHS
from charter.errors import CharterError

_DAY_KEY = 10_000_000  # > any date ordinal: person * _DAY_KEY + ordinal is a unique (person, day) key


class TimeEntryLike(Protocol):
    """What pricing reads of a time entry: the plan file's, or the team server's stored ones."""

    @property
    def person(self) -> str: ...
    @property
    def task(self) -> str: ...
    @property
    def date(self) -> dt.date: ...
    @property
    def minutes(self) -> int: ...


@dataclass(frozen=True, slots=True)
class RateTable:
    """A resource's rates over time: from ``days[k]`` (an ordinal) on, ``standard[k]`` and
    ``overtime[k]`` per working hour and ``per_use[k]`` per use. Row 0 starts at day 0."""

    days: NDArray[np.int64]
    standard: NDArray[np.float64]
    overtime: NDArray[np.float64]
    per_use: NDArray[np.float64]

    def at(self, day: dt.date) -> int:
        return int(np.searchsorted(self.days, day.toordinal(), side="right")) - 1


def _hourly(rate: Rate | None, hours_per_day: float, hours_per_week: float, days_per_month: float) -> float:
    if rate is None or rate.per == "use":
        return 0.0
    per_hour = {"h": 1.0, "d": hours_per_day, "w": hours_per_week, "mo": hours_per_day * days_per_month}
    return rate.amount / per_hour[rate.per]


def rate_table(plan: Plan, resource: Resource) -> RateTable:
    p = plan.project
    units = (p.hours_per_day, p.hours_per_week, p.days_per_month)
    days, rows = [], []
    for effective, standard, overtime, use in resource.rate_rows():
        hourly = _hourly(standard, *units)
        over = _hourly(overtime, *units) if overtime is not None else hourly
        per_use = (use or 0.0) + (standard.amount if standard is not None and standard.per == "use" else 0.0)
        days.append(effective.toordinal() if effective is not None else 0)
        rows.append((hourly, over, per_use))
    values = np.array(rows, dtype=np.float64)
    return RateTable(np.array(days, dtype=np.int64), values[:, 0], values[:, 1], values[:, 2])


@dataclass(frozen=True, slots=True)
class Labour:
    """One work assignment of a leaf: planned work in minutes, its rates, its contour, and the
    instants (local midnight) at which the rate table's rows after the first begin."""

    minutes: float
    table: RateTable
    contour: str | None
    changes: NDArray[np.int64]


@dataclass(slots=True)
class LeafCost:
    """One task's costs, compiled: its planned span and what it costs when."""

    task: Task
    index: int
    """Position in ``Plan.walk()`` order (the schedule's task index)."""
    start: int
    finish: int
    """Planned (baseline) span: instants on the schedule's time axis."""
    calendar: WorkingTime
    labour: list[Labour] = field(default_factory=list)
    at_start: float = 0.0
    prorated: float = 0.0
    at_end: float = 0.0
    scale: float = 1.0
    """A baseline cost, when the baseline holds one, over the cost computed from rates."""
    knots: tuple[NDArray[np.int64], NDArray[np.float64]] | None = None
    """The share of the span's working time done, as a piecewise-linear function of the instant."""


@dataclass(slots=True)
class CostModel:
    """The plan compiled for costing: leaves with their spans, costs and rates."""

    plan: Plan
    schedule: Schedule
    leaves: list[LeafCost]
    leaf_of: dict[str, int]
    """Task key -> position in ``leaves``."""
    rates: dict[str, RateTable]
    baseline_index: int | None
    """The baseline the spans come from, or None (the plan as scheduled)."""

    def day_start(self, day: dt.date) -> int:
        return self.schedule.network.axis.day_start(day)

    def bac(self) -> NDArray[np.float64]:
        far = np.array([np.iinfo(np.int64).max // 4], dtype=np.int64)
        return self.planned_value(far)[:, 0]

    def task_budgets(self) -> dict[str, float]:
        """Every task's budget at completion by key; a summary's is the sum of its tasks'."""
        net = self.schedule.network
        totals = [0.0] * len(net.tasks)
        for leaf, budget in zip(self.leaves, self.bac(), strict=True):
            i = leaf.index
            while i >= 0:
                totals[i] += float(budget)
                i = net.parent[i]
        return {task.key: total for task, total in zip(net.tasks, totals, strict=True)}

    def planned_value(self, instants: NDArray[np.int64]) -> NDArray[np.float64]:
        """Cumulative planned cost of every leaf at each instant: shape (leaves, instants)."""
        out = np.zeros((len(self.leaves), len(instants)), dtype=np.float64)
        for n, leaf in enumerate(self.leaves):
            out[n] = leaf_curve(leaf, instants) * leaf.scale
        return out


def compile_costs(plan: Plan, *, baseline: int | None = 0) -> CostModel:
    """Price the plan: spans from baseline ``baseline`` (or, when the plan has none or with
    ``baseline=None``, from the plan scheduled as if no work had started), rates from the resources."""
    result = schedule(as_planned(plan))
    net = result.network
    chosen = plan.baseline(baseline) if baseline is not None else None
    rates = {key: rate_table(plan, resource) for key, resource in plan.resources.items()}
    changes = {
        key: (
            table,
            np.array(
                [net.axis.day_start(dt.date.fromordinal(int(d))) for d in table.days[1:]], dtype=np.int64
            ),
        )
        for key, table in rates.items()
    }
    leaves: list[LeafCost] = []
    original = plan.task_map()  # with its progress, which the schedule above leaves out
    for i, task in enumerate(net.tasks):
        leaf_node = net.leaf_of_task[i]
        if task.is_summary or leaf_node < 0 or leaf_node in net.inactive:
            continue
        base = chosen.tasks.get(task.key) if chosen is not None else None
        if base is not None:
            start, finish = net.axis.instant(base.start), net.axis.instant(base.finish)
            work = base.work_minutes or planned_work(result, i)
        else:
            start, finish, work = result.start[i], result.finish[i], planned_work(result, i)
        leaf = LeafCost(original[task.key], i, start, finish, net.leaf_calendar[leaf_node])
        _price(plan, leaf, work, net.axis.local(start).date(), changes)
        if base is not None and base.cost is not None:
            computed = leaf.at_start + leaf.prorated + leaf.at_end + sum(_labour_total(leaf))
            leaf.scale = base.cost / computed if computed else 1.0
            if not computed:
                leaf.prorated = base.cost
        leaves.append(leaf)
    return CostModel(
        plan,
        result,
        leaves,
        {leaf.task.key: n for n, leaf in enumerate(leaves)},
        rates,
        baseline if chosen is not None else None,
    )


def as_planned(plan: Plan) -> Plan:
    """A copy of ``plan`` without progress: the schedule it had before work began."""
    if plan.project.status_date is None and not any(
        t.actual_start or t.actual_finish or t.percent_complete or t.remaining for t in plan.walk()
    ):
        return plan

    def unstarted(task: Task) -> Task:
        return task.model_copy(
            update={
                "actual_start": None,
                "actual_finish": None,
                "remaining": None,
                "percent_complete": 0.0,
                "tasks": [unstarted(child) for child in task.tasks],
            }
        )

    return plan.model_copy(
        update={
            "project": plan.project.model_copy(update={"status_date": None}),
            "tasks": [unstarted(task) for task in plan.tasks],
        }
    )


def _price(
    plan: Plan,
    leaf: LeafCost,
    work: int,
    start_day: dt.date,
    rates: dict[str, tuple[RateTable, NDArray[np.int64]]],
) -> None:
    task = leaf.task
    working = [a for a in task.resources if plan.resources[a.resource].kind == "work"]
    shares = [a.units if a.units is not None else plan.resources[a.resource].units for a in working]
    explicit = {id(a): a.work.minutes(plan.project.work_units) for a in working if a.work is not None}
    total_share = sum(share for a, share in zip(working, shares, strict=True) if id(a) not in explicit)
    rest = max(work - sum(explicit.values()), 0)
    for assignment, share in zip(working, shares, strict=True):
        table, changes = rates[assignment.resource]
        if id(assignment) in explicit:
            minutes = float(explicit[id(assignment)])
        else:
            minutes = rest * share / total_share if total_share else 0.0
        leaf.labour.append(Labour(minutes, table, assignment.contour, changes))
        leaf.at_start += float(table.per_use[table.at(start_day)]) * share
    for assignment in task.resources:
        resource = plan.resources[assignment.resource]
        if resource.kind == "material":
            price = resource.rate.amount if resource.rate is not None else 0.0
            leaf.prorated += (assignment.quantity or 0.0) * price
            leaf.at_start += resource.cost_per_use or 0.0
        elif resource.kind == "cost":
            leaf.prorated += assignment.cost or 0.0
    if task.fixed_cost:
        accrual: Accrual = task.fixed_cost_accrual or "prorated"
        if accrual == "start":
            leaf.at_start += task.fixed_cost
        elif accrual == "end":
            leaf.at_end += task.fixed_cost
        else:
            leaf.prorated += task.fixed_cost


def _labour_total(leaf: LeafCost) -> list[float]:
    far = np.array([np.iinfo(np.int64).max // 4], dtype=np.int64)
    return [float(_labour_curve(leaf, labour, far)[0]) for labour in leaf.labour]


def work_fraction(leaf: LeafCost, instants: NDArray[np.int64]) -> NDArray[np.float64]:
    """Share of the planned span's working time passed at each instant (0 before, 1 after)."""
    if leaf.knots is None:
        leaf.knots = _knots(leaf)
    xs, shares = leaf.knots
    if len(xs) < 2:
        return (instants >= leaf.finish).astype(np.float64)
    fraction: NDArray[np.float64] = np.interp(instants, xs, shares)
    return fraction


def _knots(leaf: LeafCost) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """The span's working periods as (instant, work done) corners, read once from the calendar."""
    if leaf.finish <= leaf.start:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
    xs, done = [leaf.start], [0]
    for lo, hi in leaf.calendar.intervals(leaf.start, leaf.finish):
        if lo > xs[-1]:
            xs.append(lo)
            done.append(done[-1])
        xs.append(hi)
        done.append(done[-1] + hi - lo)
    if done[-1] <= 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
    return np.array(xs, dtype=np.int64), np.array(done, dtype=np.float64) / done[-1]


def _contoured(fraction: NDArray[np.float64], contour: str | None) -> NDArray[np.float64]:
    tenths = _CONTOUR_TENTHS.get(contour or "flat")
    if tenths is None:
        return fraction
    cumulative = np.concatenate(([0.0], np.cumsum(tenths, dtype=np.float64)))
    shaped: NDArray[np.float64] = np.interp(fraction, np.linspace(0.0, 1.0, 11), cumulative / cumulative[-1])
    return shaped


def _labour_curve(leaf: LeafCost, labour: Labour, instants: NDArray[np.int64]) -> NDArray[np.float64]:
    table = labour.table

    def worked(at: NDArray[np.int64]) -> NDArray[np.float64]:
        return labour.minutes * _contoured(work_fraction(leaf, at), labour.contour)

    if len(table.days) == 1:
        flat: NDArray[np.float64] = worked(instants) * (float(table.standard[0]) / 60.0)
        return flat
    total = np.zeros(len(instants), dtype=np.float64)
    bounds = [np.iinfo(np.int64).min // 4, np.iinfo(np.int64).max // 4]
    edges = np.concatenate(([bounds[0]], labour.changes, [bounds[1]]))
    for k in range(len(table.days)):
        upper = worked(np.minimum(instants, edges[k + 1]))
        lower = worked(np.minimum(instants, edges[k]))
        total += (upper - lower) * table.standard[k] / 60.0
    return total


def leaf_curve(leaf: LeafCost, instants: NDArray[np.int64]) -> NDArray[np.float64]:
    """Cumulative planned cost of one leaf at each instant, before any baseline scaling."""
    fraction = work_fraction(leaf, instants)
    curve: NDArray[np.float64] = leaf.prorated * fraction
    curve = curve + leaf.at_start * (instants >= leaf.start) + leaf.at_end * (instants >= leaf.finish)
    for labour in leaf.labour:
        curve = curve + _labour_curve(leaf, labour, instants)
    return curve


@dataclass(frozen=True, slots=True)
class PricedEntries:
    """Time entries priced: per entry its leaf (-1: not a costed task), day and cost."""

    leaf: NDArray[np.int64]
    day: NDArray[np.int64]
    cost: NDArray[np.float64]
    minutes: NDArray[np.int64]
    unpriced_minutes: int


def price_entries(model: CostModel, entries: Sequence[TimeEntryLike]) -> PricedEntries:
    """The cost of every entry: standard and overtime hours at the rates of its day."""
    n = len(entries)
    persons: dict[str, int] = {}
    leaf_of = model.leaf_of
    leaf = np.fromiter((leaf_of.get(e.task, -1) for e in entries), dtype=np.int64, count=n)
    person = np.fromiter(
        (persons.setdefault(e.person, len(persons)) for e in entries), dtype=np.int64, count=n
    )
    day = np.fromiter((e.date.toordinal() for e in entries), dtype=np.int64, count=n)
    minutes = np.fromiter((e.minutes for e in entries), dtype=np.int64, count=n)
    if n == 0:
        return PricedEntries(leaf, day, np.zeros(0), minutes, 0)
    day_key = person * _DAY_KEY + day
    groups, inverse = np.unique(day_key, return_inverse=True)
    per_day = np.bincount(inverse, weights=minutes, minlength=len(groups))
    limit = model.plan.project.hours_per_day * 60
    over_day = np.maximum(per_day - limit, 0.0)
    share = np.divide(over_day, per_day, out=np.zeros_like(per_day), where=per_day > 0)
    overtime = minutes * share[inverse]
    standard = minutes - overtime
    # One table of all priced persons' rate rows, searched once for every entry.
    keys, std_rates, ot_rates = [], [], []
    priced = np.zeros(len(persons), dtype=bool)
    for name, p in persons.items():
        table = model.rates.get(name)
        if table is None:
            continue
        priced[p] = True
        keys.append(p * _DAY_KEY + table.days)
        std_rates.append(table.standard)
        ot_rates.append(table.overtime)
    cost = np.zeros(n, dtype=np.float64)
    has_rate = priced[person]
    if keys:
        all_keys = np.concatenate(keys)
        row = np.searchsorted(all_keys, day_key[has_rate], side="right") - 1
        std = np.concatenate(std_rates)[row]
        ot = np.concatenate(ot_rates)[row]
        cost[has_rate] = (standard[has_rate] * std + overtime[has_rate] * ot) / 60.0
    unpriced = int(minutes[~has_rate].sum())
    return PricedEntries(leaf, day, cost, minutes, unpriced)


def check_entries(model: CostModel, entries: Sequence[TimeEntryLike]) -> None:
    """Refuse entries on tasks the plan does not have (the plan file checks its own)."""
    tasks = model.plan.task_map()
    seen: set[str] = set()
    for entry in entries:
        if entry.task in seen:
            continue
        seen.add(entry.task)
        task = tasks.get(entry.task)
        if task is None:
            raise CharterError(
                f"a time entry of {entry.person} on {entry.date} names task '{entry.task}', "
                "which is not in the plan",
                fix="correct the task key in the time entries, or add the task to the plan",
            )
        if task.is_summary:
            raise CharterError(
                f"a time entry of {entry.person} on {entry.date} books time to summary task '{entry.task}'",
                fix="book time to one of its sub-tasks",
            )
