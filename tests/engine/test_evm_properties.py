"""Properties of earned value that hold for any plan or curve."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from charter.domain import Plan
from charter.engine.evm import earned_schedule, evaluate_series, indicators, planned_duration
from charter.engine.evm_plan import evaluate_plan
from charter.formats.planfile import parse_plan
from tests.strategies import START, costed_plans

increments = st.lists(st.integers(1, 10_000).map(float), min_size=1, max_size=30)
steps = st.lists(st.integers(0, 10_000).map(float), min_size=1, max_size=30).filter(lambda xs: sum(xs) > 0)
status_days = st.integers(0, 80).map(lambda d: START + dt.timedelta(days=d))


@settings(max_examples=60, deadline=None)
@given(costed_plans(), status_days)
def test_totals_equal_the_sum_of_their_parts(plan: Plan, status: dt.date) -> None:
    evm = evaluate_plan(plan, status_date=status)
    nodes = {node.key: node.indicators for node in evm.nodes}
    fields = ("bac", "pv", "ev", "ac")
    for task in plan.walk():
        if task.is_summary and task.key in nodes:
            for name in fields:
                parts = sum(getattr(nodes[c.key], name) for c in task.tasks if c.key in nodes)
                assert getattr(nodes[task.key], name) == pytest.approx(parts, abs=1e-6)
    for name in fields:
        top = sum(getattr(nodes[t.key], name) for t in plan.tasks if t.key in nodes)
        assert getattr(evm.project, name) == pytest.approx(top, abs=1e-6)
    assert evm.project.bac == pytest.approx(evm.by_period[-1].pv, abs=1e-6)
    assert sum(ac for _, ac in evm.accounts.values()) == pytest.approx(evm.project.ac, abs=1e-6)
    assert sum(bac for bac, _ in evm.accounts.values()) == pytest.approx(evm.project.bac, abs=1e-6)


@settings(max_examples=60, deadline=None)
@given(costed_plans(), status_days)
def test_earned_value_never_exceeds_the_budget(plan: Plan, status: dt.date) -> None:
    evm = evaluate_plan(plan, status_date=status)
    for node in evm.nodes:
        assert 0 <= node.indicators.ev <= node.indicators.bac + 1e-9
    for row in evm.by_period:
        assert row.ev is None or row.ev <= evm.project.bac + 1e-9


@given(increments, st.data())
def test_spi_t_is_one_on_a_project_exactly_on_plan(steps_: list[float], data: st.DataObject) -> None:
    curve = np.cumsum(steps_)
    at = data.draw(st.integers(1, len(curve)))
    status = indicators(
        float(curve[-1]), float(curve[at - 1]), float(curve[at - 1]), 1.0, at=at, pv_cum=curve
    )
    assert (
        status.es == pytest.approx(at)
        and status.spi_t == pytest.approx(1.0)
        and status.sv_t == pytest.approx(0)
    )
    series = evaluate_series(
        [str(t) for t in range(len(curve))],
        curve,
        list(curve[:at]) + [None] * (len(curve) - at),
        list(curve[:at]) + [None] * (len(curve) - at),
    )
    assert all(point.spi_t == pytest.approx(1.0) for point in series.points)


@given(steps, st.floats(0, 1e6, allow_nan=False))
def test_earned_schedule_never_exceeds_the_planned_duration(steps_: list[float], ev: float) -> None:
    curve = np.cumsum(steps_)
    es = earned_schedule(curve, ev)
    assert 0 <= es <= planned_duration(curve) <= len(curve)
    if ev >= curve[-1]:
        assert es == planned_duration(curve)


def test_a_plan_exactly_on_plan_has_spi_t_one() -> None:
    plan = parse_plan(
        """\
charter: 1
project: {name: On plan, start: 2027-01-04, status_date: 2027-01-17}
resources: {pm: {rate: 100/h}}
tasks:
  - {key: a, duration: 5d, resources: [pm], actual_start: 2027-01-04, actual_finish: 2027-01-08}
  - {key: b, duration: 10d, resources: [pm], after: [a], actual_start: 2027-01-11, percent_complete: 50%}
  - {key: c, duration: 5d, resources: [pm], after: [b]}
time_entries:
"""
        + "".join(
            f"  - {{person: pm, task: {'a' if d < 5 else 'b'}, date: {START + dt.timedelta(days=d + 2 * (d // 5))}, hours: 8}}\n"
            for d in range(10)
        )
    )
    p = evaluate_plan(plan).project
    assert (
        p.at == 2 and p.es == pytest.approx(2) and p.spi_t == pytest.approx(1) and p.spi == pytest.approx(1)
    )
    assert p.cpi == pytest.approx(1) and p.ieac_t == pytest.approx(4)
