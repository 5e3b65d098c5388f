"""Earned value of a plan: each earned-value method, roll-ups, periods, accounts, budget layers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from charter.engine.evm_plan import PlanEvm, evaluate_plan
from charter.errors import CharterError
from charter.formats.planfile import load_plan, parse_plan
from tests.conftest import ROOT

PLAN = """\
charter: 1
project: {name: Methods, start: 2027-01-04, status_date: 2027-01-13, currency: EUR, budget: 30000, contingency: 1000, management_reserve: 2000}
cost_accounts: {x: {}, y: {}}
resources:
  pm: {rate: 100/h}
tasks:
  - {key: a, duration: 5d, resources: [pm], actual_start: 2027-01-04, actual_finish: 2027-01-08}
  - key: s
    cost_account: x
    tasks:
      - {key: b, duration: 5d, resources: [pm], after: [a], actual_start: 2027-01-11, percent_complete: 40%, remaining: 2d}
      - {key: c, duration: 4d, resources: [pm], ev_method: 0/100, actual_start: 2027-01-05, percent_complete: 50%}
  - {key: d, duration: 2d, resources: [pm], ev_method: 50/50, actual_start: 2027-01-12}
  - {key: e, duration: 5d, resources: [pm], ev_method: milestones, ev_milestones: [{name: one, weight: 40%, done: 2027-01-12}, {name: two, weight: 60%}]}
  - {key: f, duration: 5d, resources: [pm], ev_method: physical, physical_complete: 30%, percent_complete: 60%, actual_start: 2027-01-04}
time_entries:
  - {person: pm, task: a, date: 2027-01-04, hours: 8}
  - {person: pm, task: a, date: 2027-01-05, hours: 8}
  - {person: pm, task: a, date: 2027-01-06, hours: 8}
  - {person: pm, task: a, date: 2027-01-07, hours: 8}
  - {person: pm, task: a, date: 2027-01-08, hours: 8}
  - {person: pm, task: b, date: 2027-01-11, hours: 8}
  - {person: pm, task: b, date: 2027-01-12, hours: 8}
  - {person: pm, task: b, date: 2027-01-14, hours: 8}
expenses:
  - {task: c, date: 2027-01-12, amount: 300, account: y}
"""


def result(**options: object) -> PlanEvm:
    return evaluate_plan(parse_plan(PLAN), **options)  # type: ignore[arg-type]


def rows(evm: PlanEvm) -> dict[str, tuple[float, float, float, float]]:
    return {n.key: (n.indicators.bac, n.indicators.pv, n.indicators.ev, n.indicators.ac) for n in evm.nodes}


def test_each_method_earns_what_it_should() -> None:
    by_task = rows(result())
    assert by_task["a"] == (4000, 4000, 4000, 4000)
    assert by_task["b"] == (
        4000,
        pytest.approx(2400),
        pytest.approx(1600),
        1600,
    )  # % complete; the 14th is after the status
    assert by_task["c"][2] == 0  # 0/100: nothing until it finishes
    assert by_task["d"][2] == 800  # 50/50: half once started
    assert by_task["e"][2] == pytest.approx(1600)  # milestones: 40% reached
    assert by_task["f"][2] == pytest.approx(1200)  # physical 30%, whatever its 60% complete says


def test_the_project_adds_up_its_tasks() -> None:
    evm = result()
    p = evm.project
    assert (p.bac, p.pv, p.ev, p.ac) == (20800, pytest.approx(19200), pytest.approx(9200), 5900)
    assert p.spi == pytest.approx(9200 / 19200) and p.cpi == pytest.approx(9200 / 5900)
    assert rows(evm)["s"] == (7200, pytest.approx(5600), pytest.approx(1600), 1900)
    # bottom-up: b's 2 remaining days at 100/h, the others' unearned budget
    assert p.eac.bottom_up == pytest.approx(5900 + 1600 + 3200 + 800 + 2400 + 2800)
    assert p.at == pytest.approx(1 + 3 / 7)
    assert evm.status_day == dt.date(2027, 1, 13)


def test_periods_use_the_progress_known_then() -> None:
    evm = result()
    first, second, *later = evm.by_period
    assert (first.label, first.pv, first.ev, first.ac) == ("2027-01-10", pytest.approx(16800), 4000, 4000)
    assert (second.ev, second.ac) == (pytest.approx(9200), 5900)
    assert (
        first.indicators is not None
        and first.indicators.at == 1
        and first.indicators.spi == pytest.approx(4000 / 16800)
    )
    # the period holding the status date reports the status itself: AT and PV at the 13th
    assert second.indicators == evm.project and second.indicators.at == pytest.approx(1 + 3 / 7)
    assert all(row.ev is None and row.indicators is None for row in later)


def test_progress_reports_give_the_history() -> None:
    text = PLAN + "progress:\n  - date: 2027-01-08\n    tasks: {f: {physical_complete: 10%}, c: 25%}\n"
    first = evaluate_plan(parse_plan(text)).by_period[0]
    assert first.ev == pytest.approx(4000 + 400)  # a done; f physically 10%; c 0/100 still nothing


def test_accounts_and_budget_layers() -> None:
    evm = result()
    assert evm.accounts == {"x": (7200, 1600), "y": (0, 300), "": (13600, 4000)}
    b = evm.budget
    assert (b.bac, b.cost_baseline, b.total, b.authorised, b.headroom) == (20800, 21800, 23800, 30000, 6200)


def test_an_earlier_status_date_ignores_later_facts() -> None:
    evm = result(status_date=dt.date(2027, 1, 8))
    p = evm.project
    assert p.ev == 4000 and p.ac == 4000  # a finished on the 8th; the task fields are as of the 13th


@dataclass(frozen=True)
class StoredEntry:
    """The shape of the team server's time entries (charter.store.time_entries.TimeEntry)."""

    person: str
    task: str
    date: dt.date
    minutes: int
    note: str = ""


def test_entries_from_elsewhere_replace_the_plans() -> None:
    plan = parse_plan(PLAN)
    evm = evaluate_plan(
        plan,
        [StoredEntry("pm", "f", dt.date(2027, 1, 4), 90), StoredEntry("ann", "f", dt.date(2027, 1, 4), 60)],
    )
    assert rows(evm)["f"][3] == 150 and rows(evm)["a"][3] == 0 and evm.unpriced_hours == 1
    with pytest.raises(CharterError, match="names task 'zz'"):
        evaluate_plan(plan, [StoredEntry("pm", "zz", dt.date(2027, 1, 4), 60)])


def test_a_status_date_is_needed() -> None:
    plan = parse_plan(PLAN.replace(" status_date: 2027-01-13,", ""))
    with pytest.raises(CharterError, match="needs a status date") as caught:
        evaluate_plan(plan)
    assert caught.value.fix is not None and "--status-date" in caught.value.fix


def test_the_example_project() -> None:
    evm = evaluate_plan(load_plan(ROOT / "examples" / "crm-upgrade.yaml"))
    p = evm.project
    assert evm.baseline == 0 and evm.currency == "EUR"
    assert round(p.bac) == 116648 and round(p.pv) == 91448 and round(p.ev) == 73071 and round(p.ac) == 90038
    assert p.es == pytest.approx(5.0, abs=0.01) and p.pd == 12
    assert evm.forecast_finish is not None and evm.forecast_finish > evm.planned_finish
    assert sum(n.indicators.bac for n in evm.nodes if n.depth == 0) == pytest.approx(p.bac)


def test_bottom_up_prices_the_remaining_estimate_and_the_costs_to_come() -> None:
    plan = parse_plan(
        """\
charter: 1
project: {name: ETC, start: 2027-01-04, status_date: 2027-01-05}
resources: {pm: {rate: 100/h, rates: [{from: 2027-01-05, rate: 110/h}]}, kit: {kind: material, rate: 20/use}}
tasks:
  - {key: a, duration: 5d, resources: [pm, {resource: kit, quantity: 10}], fixed_cost: 500, fixed_cost_accrual: start, remaining: 3d}
"""
    )
    p = evaluate_plan(plan).project
    # not started: 3 days at the rate in force on the status date, the material and the fixed cost
    assert p.eac.bottom_up == pytest.approx(3 * 8 * 110 + 10 * 20 + 500)
    assert p.ac == 0 and p.ev == 0
