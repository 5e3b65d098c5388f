"""Money and progress in the plan file: every field round-trips; every mistake says where and how to fix it."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings

from charter.domain import Plan
from charter.errors import PlanFileError, UnknownReferenceError
from charter.formats.planfile import dump_plan, parse_plan
from tests.conftest import plan_text
from tests.strategies import costed_plans

FULL = """
cost_accounts:
  labour: {name: Labour, owner: pm}
  capex: {}
resources:
  pm: {rate: 95/h, overtime_rate: 120/h, rates: [{from: 2027-02-01, rate: 100/h}, {from: 2027-06-01, overtime_rate: 130/h, cost_per_use: 10}]}
  dev: {rate: 700/d, cost_per_use: 25}
  disks: {kind: material, rate: 80/use}
  travel: {kind: cost}
tasks:
  - key: phase
    budget: 50000
    cost_account: labour
    tasks:
      - {key: a, duration: 5d, resources: [pm, {resource: disks, quantity: 12.5}, {resource: travel, cost: 900}], fixed_cost: 1200, fixed_cost_accrual: end, percent_complete: 40%, actual_start: 2027-01-04, remaining: 3d}
      - key: b
        duration: 4d
        after: [a]
        resources: [dev]
        ev_method: milestones
        ev_milestones: [{name: One, weight: 25%, done: 2027-01-12}, {name: Two, weight: 75%}]
        physical_complete: 10%
        cost_account: capex
time_entries:
  - {person: pm, task: a, date: 2027-01-04, hours: 7.5, note: "kick-off, then scoping"}
  - {person: guest, task: a, date: 2027-01-05, hours: 0.25}
expenses:
  - {task: a, date: 2027-01-06, amount: 99.9, account: capex, note: cables}
  - {task: b, date: 2027-01-07, amount: 10}
progress:
  - date: 2027-01-05
    tasks: {a: 20%, b: {physical_complete: 0%, remaining: 4d}}
"""

HEADER = """\
charter: 1
project: {name: Costs, start: 2027-01-04, currency: EUR, budget: 80000, contingency: 5000, management_reserve: 7500, ev_method: 50/50}
"""


def test_every_cost_field_is_read_and_survives() -> None:
    plan = parse_plan(plan_text(FULL, HEADER))
    assert parse_plan(dump_plan(plan)) == plan
    p = plan.project
    assert (p.currency, p.budget, p.contingency, p.management_reserve, p.ev_method) == (
        "EUR",
        80000,
        5000,
        7500,
        "50/50",
    )
    pm = plan.resources["pm"]
    assert [r.effective for r in pm.rates] == [dt.date(2027, 2, 1), dt.date(2027, 6, 1)]
    assert pm.rates[0].rate is not None and pm.rates[0].rate.amount == 100
    assert pm.rates[1].rate is None and pm.rates[1].cost_per_use == 10
    tasks = plan.task_map()
    a, b = tasks["a"], tasks["b"]
    assert (a.fixed_cost, a.fixed_cost_accrual) == (1200, "end")
    assert a.resources[1].quantity == 12.5 and a.resources[2].cost == 900
    assert tasks["phase"].budget == 50000 and tasks["phase"].cost_account == "labour"
    assert b.ev_method == "milestones" and [m.weight for m in b.ev_milestones] == [0.25, 0.75]
    assert b.ev_milestones[0].done == dt.date(2027, 1, 12) and b.physical_complete == pytest.approx(0.1)
    assert [(e.person, e.minutes, e.note) for e in plan.time_entries] == [
        ("pm", 450, "kick-off, then scoping"),
        ("guest", 15, ""),
    ]
    assert plan.expenses[0].account == "capex" and plan.expenses[1].task == "b"
    report = plan.progress[0]
    assert report.tasks["a"].percent_complete == pytest.approx(0.2)
    assert report.tasks["b"].remaining is not None and str(report.tasks["b"].remaining) == "4d"


def test_an_old_plan_without_costs_reads_as_before() -> None:
    plan = parse_plan(plan_text("tasks:\n  - {key: a, duration: 1d}\n"))
    assert plan.time_entries == [] and plan.cost_accounts == {} and plan.project.budget is None
    assert "time_entries" not in dump_plan(plan)


@settings(max_examples=40, deadline=None)
@given(costed_plans())
def test_random_costed_plans_round_trip(plan: Plan) -> None:
    assert parse_plan(dump_plan(plan)) == plan


def error_of(body: str, header: str = HEADER) -> PlanFileError:
    with pytest.raises(PlanFileError) as caught:
        parse_plan(plan_text(body, header), "plan.yaml")
    return caught.value


def test_milestone_weights_must_add_up() -> None:
    error = error_of(
        "tasks:\n  - {key: a, duration: 2d, ev_method: milestones, ev_milestones: [{name: x, weight: 30%}, {name: y, weight: 30%}]}\n"
    )
    assert "add up to 60%" in error.what and error.where is not None and error.where.line == 4
    assert error.fix is not None and "100%" in error.fix


def test_a_time_entry_on_an_unknown_task_is_placed() -> None:
    error = error_of(
        "tasks:\n  - {key: build, duration: 2d}\ntime_entries:\n  - {person: pm, task: biuld, date: 2027-01-04, hours: 8}\n"
    )
    assert isinstance(error, UnknownReferenceError)
    assert "biuld" in error.what and error.fix == "did you mean 'build'?"
    assert error.where is not None and (error.where.line, error.where.column) == (6, 24)


def test_an_entry_of_more_than_a_day_is_refused() -> None:
    error = error_of(
        "tasks:\n  - {key: a, duration: 2d}\ntime_entries:\n  - {person: pm, task: a, date: 2027-01-04, hours: 25}\n"
    )
    assert "at most 24 hours" in error.what and error.where is not None and error.where.line == 6


def test_an_unknown_cost_account_is_refused() -> None:
    error = error_of("tasks:\n  - {key: a, duration: 2d, cost_account: capx}\ncost_accounts: {capex: {}}\n")
    assert "capx" in error.what and error.fix == "did you mean 'capex'?"


def test_rate_table_rows_go_in_date_order() -> None:
    error = error_of(
        "resources:\n  pm: {rate: 90/h, rates: [{from: 2027-05-01, rate: 95/h}, {from: 2027-02-01, rate: 99/h}]}\n"
    )
    assert "not after the row before it" in error.what and error.where is not None and error.where.line == 4


def test_a_summary_cannot_earn_value_itself() -> None:
    error = error_of("tasks:\n  - key: s\n    fixed_cost: 100\n    tasks: [{key: a, duration: 1d}]\n")
    assert (
        "summary task 's' has fixed_cost" in error.what and error.where is not None and error.where.line == 5
    )


def test_time_is_booked_on_leaves_only() -> None:
    error = error_of(
        "tasks:\n  - key: s\n    tasks: [{key: a, duration: 1d}]\ntime_entries:\n  - {person: pm, task: s, date: 2027-01-04, hours: 1}\n"
    )
    assert "summary task 's'" in error.what and error.fix == "book time to one of its sub-tasks"


def test_an_unknown_method_is_refused_with_a_hint() -> None:
    error = error_of("tasks:\n  - {key: a, duration: 1d, ev_method: 50-50}\n")
    assert "'50-50' is not one of" in error.what and error.fix == "did you mean '50/50'?"
