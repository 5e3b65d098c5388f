"""Benchmark: 100,000 time entries aggregated into per-period earned value.

A generated, deterministic project (``--seed``): 20 work packages of 20 tasks each over about a
year, 60 people with hourly or daily rates (a third of them with a rate change mid-year), a
baseline saved from the plan, and progress on every task that has started by the status date.
``--entries`` time entries (default 100,000) are spread over the people, the started tasks and
the working days up to the status date, 15 to 60 minutes each (as a time tracker books them;
some people's days run past 8 hours, so overtime is priced too).

Timed, best of ``--repeat`` runs (``time.perf_counter``, ``gc.collect()`` before each):

* **evm** — ``charter.engine.evm_plan.evaluate_plan(plan, entries, status_date=…)``: pricing the
  plan, the planned-value curve, pricing every entry (overtime per person and day, rate tables),
  and the indicators per task, WBS node, project and week. This is the acceptance figure (<= 1 s).
* **price** — ``charter.engine.cost.price_entries`` alone (the part that grows with the entries).
* **naive** — the same weekly actual cost done the obvious way in plain Python: a dict of hours
  per person and day for overtime, a linear scan of the rate table per entry, and for each
  period a pass over all entries. Its figures are checked against Charter's.

Run from the repository root::

    .venv/bin/python benchmarks/evm.py
    .venv/bin/python benchmarks/evm.py --entries 200000 --seed 3
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import random
import time
from collections.abc import Callable
from typing import TypeVar

from charter.domain import Assignment, Duration, Link, Plan, Project, Rate, Resource, Task
from charter.domain.cost import TimeEntry
from charter.domain.resource import RateChange
from charter.engine.baseline import snapshot
from charter.engine.cost import compile_costs, price_entries
from charter.engine.cpm import schedule
from charter.engine.evm_plan import PlanEvm, evaluate_plan

T = TypeVar("T")
START = dt.date(2027, 1, 4)
STATUS = dt.date(2027, 9, 30)


def build(seed: int) -> Plan:
    rng = random.Random(seed)
    people: dict[str, Resource] = {}
    for n in range(60):
        daily = n % 4 == 0
        rate = (
            Rate(amount=float(rng.randrange(500, 1100, 20)), per="d")
            if daily
            else Rate(amount=float(rng.randrange(60, 140, 5)))
        )
        person = Resource(
            key=f"p{n:02d}", rate=rate, overtime_rate=Rate(amount=rate.amount * 1.5, per=rate.per)
        )
        if n % 3 == 0:
            person.rates = [
                RateChange(effective=dt.date(2027, 7, 1), rate=Rate(amount=rate.amount * 1.05, per=rate.per))
            ]
        people[person.key] = person
    packages = []
    for w in range(20):
        tasks = []
        for i in range(20):
            task = Task(
                key=f"w{w:02d}.t{i:02d}",
                duration=Duration(value=rng.randint(5, 20), unit="d"),
                resources=[
                    Assignment(resource=f"p{n:02d}") for n in rng.sample(range(60), rng.randint(2, 3))
                ],
            )
            if i:
                task.links = [Link(predecessor=f"w{w:02d}.t{rng.randrange(max(0, i - 3), i):02d}")]
            tasks.append(task)
        package = Task(key=f"w{w:02d}", tasks=tasks)
        if w >= 10:
            package.links = [Link(predecessor=f"w{w - 10:02d}")]
        packages.append(package)
    plan = Plan(
        project=Project(name="EVM benchmark", start=START, currency="EUR"), resources=people, tasks=packages
    )
    plan.baselines = [snapshot(schedule(plan), 0, dt.datetime(2026, 12, 20, 9, 0))]
    result = schedule(plan)
    local = result.network.axis.local
    for i, task in enumerate(result.network.tasks):
        if task.is_summary:
            continue
        start, finish = local(result.start[i]).date(), local(result.finish[i]).date()
        if start <= STATUS:
            task.actual_start = start
            if finish <= STATUS - dt.timedelta(days=rng.randint(0, 20)):
                task.actual_finish = finish
                task.percent_complete = 1.0
            else:
                task.percent_complete = rng.choice((0.1, 0.3, 0.5, 0.7))
    plan.project.status_date = STATUS
    return plan


def entries_for(plan: Plan, count: int, seed: int) -> list[TimeEntry]:
    rng = random.Random(seed + 1)
    started = [t.key for t in plan.walk() if not t.is_summary and t.actual_start is not None]
    days = [START + dt.timedelta(days=d) for d in range((STATUS - START).days + 1)]
    days = [d for d in days if d.weekday() < 5]
    people = sorted(plan.resources)
    return [
        TimeEntry(
            person=rng.choice(people),
            task=rng.choice(started),
            date=rng.choice(days),
            minutes=rng.randint(1, 4) * 15,
        )
        for _ in range(count)
    ]


def naive_weekly_cost(plan: Plan, entries: list[TimeEntry], ends: list[dt.date]) -> list[float]:
    """Cumulative actual cost of the time entries at each period end, in plain Python."""
    units = plan.project

    def hourly(rate: Rate | None) -> float:
        if rate is None:
            return 0.0
        return rate.amount / {"h": 1.0, "d": units.hours_per_day, "w": units.hours_per_week}.get(
            rate.per, 1.0
        )

    def rates_on(person: str, day: dt.date) -> tuple[float, float]:
        resource = plan.resources[person]
        standard, overtime = resource.rate, resource.overtime_rate
        for change in resource.rates:
            if change.effective <= day:
                standard = change.rate or standard
                overtime = change.overtime_rate or overtime
        return hourly(standard), hourly(overtime if overtime is not None else standard)

    per_day: dict[tuple[str, dt.date], int] = {}
    for e in entries:
        per_day[(e.person, e.date)] = per_day.get((e.person, e.date), 0) + e.minutes
    limit = units.hours_per_day * 60
    costs = []
    for e in entries:
        total = per_day[(e.person, e.date)]
        over = e.minutes * max(total - limit, 0) / total
        standard, overtime = rates_on(e.person, e.date)
        costs.append(((e.minutes - over) * standard + over * overtime) / 60)
    return [sum(c for e, c in zip(entries, costs, strict=True) if e.date <= end) for end in ends]


def best(repeat: int, work: Callable[[], T]) -> tuple[float, T]:
    times, result = [], None
    for _ in range(repeat):
        gc.collect()
        began = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - began)
    assert result is not None
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    plan = build(args.seed)
    entries = entries_for(plan, args.entries, args.seed)
    leaves = sum(1 for t in plan.walk() if not t.is_summary)
    print(
        f"plan: {leaves} tasks, {len(plan.resources)} people; {len(entries):,} time entries; status {STATUS}"
    )

    evm_time, result = best(args.repeat, lambda: evaluate_plan(plan, entries, status_date=STATUS))
    model = compile_costs(plan)
    price_time, _ = best(args.repeat, lambda: price_entries(model, entries))
    reported = [row for row in result.by_period if row.ac is not None and row.end <= STATUS]
    naive_time, naive = best(1, lambda: naive_weekly_cost(plan, entries, [row.end for row in reported]))
    check(result, reported, naive, plan, entries)

    weeks, rows = len(result.by_period), len(result.nodes)
    print(f"evm   (whole EVM: {weeks} weeks, {rows} WBS rows, project): {evm_time * 1000:8.1f} ms")
    print(f"price (pricing the entries alone):                      {price_time * 1000:8.1f} ms")
    print(f"naive (plain Python, weekly actual cost only):          {naive_time * 1000:8.1f} ms")
    verdict = "PASS" if evm_time <= 1.0 else "FAIL"
    print(f"naive / evm: {naive_time / evm_time:.1f}x   naive / price: {naive_time / price_time:.1f}x")
    print(f"acceptance: {len(entries):,} entries into per-period EVM in {evm_time:.3f} s (<= 1 s): {verdict}")
    p = result.project
    print(
        f"project: BAC {p.bac:,.0f}  PV {p.pv:,.0f}  EV {p.ev:,.0f}  AC {p.ac:,.0f}  "
        f"SPI {p.spi:.3f}  CPI {p.cpi:.3f}  SPI(t) {p.spi_t:.3f}"
    )


def check(
    result: PlanEvm, reported: list[object], naive: list[float], plan: Plan, entries: list[TimeEntry]
) -> None:
    """Charter's weekly AC minus the accrued non-labour costs (none here) equals the naive sum."""
    for row, expected in zip(result.by_period, naive, strict=False):
        assert row.ac is not None and abs(row.ac - expected) <= 1e-6 * max(1.0, expected), (
            row.label,
            row.ac,
            expected,
        )
    del reported, plan, entries


if __name__ == "__main__":
    main()
