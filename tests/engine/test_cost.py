"""Costs: budgets from rates and rate tables, time-phased planned value, priced time entries."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from charter.domain.cost import TimeEntry
from charter.engine.cost import CostModel, as_planned, compile_costs, price_entries
from charter.formats.planfile import parse_plan
from tests.conftest import plan_text

BODY = """
resources:
  pm: {rate: 100/h, overtime_rate: 150/h, rates: [{from: 2027-01-11, rate: 120/h}]}
  dev: {rate: 800/d, cost_per_use: 50}
  disks: {kind: material, rate: 80/use}
  travel: {kind: cost}
tasks:
  - {key: a, duration: 10d, resources: [pm]}
  - {key: b, duration: 5d, resources: [dev, {resource: disks, quantity: 10}, {resource: travel, cost: 500}], fixed_cost: 1000, fixed_cost_accrual: end}
  - {key: c, duration: 10d, resources: [{resource: dev, contour: back_loaded}], fixed_cost: 300, fixed_cost_accrual: start}
  - {key: m, milestone: true, after: [a], fixed_cost: 200}
"""


def model(body: str = BODY) -> CostModel:
    return compile_costs(parse_plan(plan_text(body)))


def at(costs: CostModel, *days: dt.date) -> dict[str, list[float]]:
    instants = np.array([costs.day_start(d) for d in days], dtype=np.int64)
    values = costs.planned_value(instants)
    return {leaf.task.key: [round(float(v), 6) for v in values[n]] for n, leaf in enumerate(costs.leaves)}


def test_budget_at_completion_prices_every_kind_of_cost() -> None:
    costs = model()
    bac = dict(zip((leaf.task.key for leaf in costs.leaves), costs.bac(), strict=True))
    assert bac["a"] == pytest.approx(40 * 100 + 40 * 120)  # the rate table's row from 2027-01-11
    assert bac["b"] == pytest.approx(5 * 800 + 50 + 10 * 80 + 500 + 1000)
    assert bac["c"] == pytest.approx(10 * 800 + 50 + 300)
    assert bac["m"] == pytest.approx(200)


def test_planned_value_is_time_phased() -> None:
    costs = model()
    curve = at(costs, dt.date(2027, 1, 4), dt.date(2027, 1, 7), dt.date(2027, 1, 9), dt.date(2027, 1, 20))
    assert curve["a"] == [0.0, 2400.0, 4000.0, 8800.0]
    # per use at the start; labour, material and the cost resource as it goes; the fixed cost at the end
    assert curve["b"] == [0.0, 50 + 0.6 * (4000 + 800 + 500), 6350.0, 6350.0]
    assert curve["m"][-1] == 200.0 and curve["m"][0] == 0.0


def test_a_contour_shapes_the_curve() -> None:
    costs = model()
    halfway = at(costs, dt.date(2027, 1, 11))["c"][0]  # 5 of its 10 days
    back_loaded_share = (10 + 15 + 25 + 50 + 50) / 600
    assert halfway == pytest.approx(300 + 50 + back_loaded_share * 8000)


def test_a_baseline_cost_sets_the_budget_and_its_dates_the_phasing() -> None:
    body = (
        BODY
        + """
baselines:
  - index: 0
    saved: 2026-12-20T10:00
    tasks:
      a: {start: 2027-01-11T08:00, finish: 2027-01-15T17:00, duration: 40h, work: 40h, cost: 6000}
"""
    )
    costs = model(body)
    assert costs.baseline_index == 0
    curve = at(costs, dt.date(2027, 1, 11), dt.date(2027, 1, 13), dt.date(2027, 1, 18))["a"]
    assert curve == [0.0, pytest.approx(2400.0), pytest.approx(6000.0)]


def test_progress_does_not_move_the_planned_dates() -> None:
    plan = parse_plan(
        plan_text(
            "resources: {pm: {rate: 100/h}}\ntasks:\n  - {key: a, duration: 5d, resources: [pm]}\n"
            "  - {key: b, duration: 5d, resources: [pm], after: [a]}\n",
            "charter: 1\nproject: {name: T, start: 2027-01-04, status_date: 2027-01-20}\n",
        )
    )
    costs = compile_costs(plan)
    assert at(costs, dt.date(2027, 1, 16))["b"] == [4000.0]  # b planned for 11-15, not after the status date
    assert as_planned(plan).project.status_date is None and plan.project.status_date is not None


def test_time_entries_are_priced_with_overtime_and_rate_tables() -> None:
    costs = model()
    entries = [
        TimeEntry(person="pm", task="a", date=dt.date(2027, 1, 5), minutes=600),
        TimeEntry(person="pm", task="a", date=dt.date(2027, 1, 12), minutes=240),
        TimeEntry(person="pm", task="b", date=dt.date(2027, 1, 12), minutes=360),
        TimeEntry(person="guest", task="a", date=dt.date(2027, 1, 12), minutes=180),
        TimeEntry(person="dev", task="b", date=dt.date(2027, 1, 6), minutes=480),
    ]
    priced = price_entries(costs, entries)
    assert list(np.round(priced.cost, 6)) == [
        8 * 100 + 2 * 150,  # two hours beyond the 8-hour day at the overtime rate
        3.2 * 120 + 0.8 * 150,  # the day's 2 overtime hours shared 4:6 between the two entries
        4.8 * 120 + 1.2 * 150,
        0.0,
        8 * 100,  # 800/d is 100 per hour
    ]
    assert priced.unpriced_minutes == 180
    assert list(priced.leaf) == [0, 0, 1, 0, 1]


def test_many_entries_price_like_one_at_a_time() -> None:
    costs = model()
    rng = np.random.default_rng(7)
    entries = [
        TimeEntry(
            person=str(rng.choice(["pm", "dev"])),
            task=str(rng.choice(["a", "b", "c"])),
            date=dt.date(2027, 1, 4) + dt.timedelta(days=int(rng.integers(0, 20))),
            minutes=int(rng.integers(30, 600)),
        )
        for _ in range(300)
    ]
    together = price_entries(costs, entries).cost.sum()
    by_day: dict[tuple[str, dt.date], list[TimeEntry]] = {}
    for entry in entries:
        by_day.setdefault((entry.person, entry.date), []).append(entry)
    separately = sum(float(price_entries(costs, group).cost.sum()) for group in by_day.values())
    assert together == pytest.approx(separately)


def test_cost_per_use_follows_the_assignment_units() -> None:
    costs = model(
        """
resources:
  dev: {rate: 100/h, cost_per_use: 30}
  crew: {units: 300%, rate: 50/h, cost_per_use: 10}
tasks:
  - {key: half, duration: 2d, resources: ["dev 50%"]}
  - {key: three, duration: 1d, resources: ["crew 300%"]}
"""
    )
    bac = dict(zip((leaf.task.key for leaf in costs.leaves), costs.bac(), strict=True))
    assert bac["half"] == pytest.approx(8 * 100 + 30 * 0.5)  # 16 h at 50 %, half the per-use cost
    assert bac["three"] == pytest.approx(24 * 50 + 10 * 3)  # three of the crew, each paid per use
