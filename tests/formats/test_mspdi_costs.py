"""Money in MSPDI files: rates, rate tables, per-use and fixed costs, material and cost resources."""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from charter.cli.app import main
from charter.domain import Rate
from charter.domain.resource import RateChange
from charter.engine.cost import compile_costs
from charter.formats.mspdi import load_mspdi, parse_mspdi
from charter.formats.mspdi.writer import dump_mspdi
from tests.conftest import DATA

COSTS = DATA / "mspdi" / "costs.xml"
NS = "{http://schemas.microsoft.com/project}"


def test_rates_come_in_the_unit_project_shows_them_in() -> None:
    plan = load_mspdi(COSTS)
    developer, architect = plan.resources["developer"], plan.resources["architect"]
    assert (developer.rate, developer.overtime_rate, developer.cost_per_use) == (
        Rate(amount=100, per="h"),
        Rate(amount=150, per="h"),
        50.0,  # stored in hundredths: 5000
    )
    assert architect.rate == Rate(amount=1000, per="d")  # 125 an hour, shown per 8-hour day
    assert architect.rates == [RateChange(effective=dt.date(2027, 1, 11), rate=Rate(amount=1200, per="d"))]
    assert plan.resources["cables"].rate == Rate(amount=4, per="h")  # per unit of material
    notes = plan.project.extensions["mspdi"]["notes"]
    assert any("resource UID 2" in note and "rate tables B" in note for note in notes)


def test_fixed_costs_materials_and_cost_resources() -> None:
    tasks = load_mspdi(COSTS).task_map()
    assert (tasks["1"].fixed_cost, tasks["1"].fixed_cost_accrual) == (1000.0, "start")
    assert (tasks["4"].fixed_cost, tasks["4"].fixed_cost_accrual) == (200.0, "end")
    assert tasks["2"].fixed_cost is None
    assert [(a.resource, a.quantity, a.units) for a in tasks["3"].resources] == [("cables", 250.0, None)]
    assert [(a.resource, a.cost) for a in tasks["4"].resources] == [("travel", 750.0)]


def test_budget_of_an_imported_file() -> None:
    model = compile_costs(load_mspdi(COSTS), baseline=None)
    budget = {key: float(model.bac()[i]) for key, i in model.leaf_of.items()}
    assert budget == pytest.approx(
        {
            "1": 40 * 100 + 50 + 1000,  # 40 h at 100/h, 50 per use, fixed 1,000
            "2": 5 * 1000 + 5 * 1200,  # a week at 1,000/d, from 2027-01-11 a week at 1,200/d
            "3": 250 * 4,
            "4": 750 + 200,
        }
    )


def test_money_is_written_back_as_project_keeps_it() -> None:
    plan = load_mspdi(COSTS)
    root = ET.fromstring(dump_mspdi(plan).xml)
    resources = {r.findtext(f"{NS}Name"): r for r in root.iter(f"{NS}Resource")}
    architect = resources["Architect"]
    assert (architect.findtext(f"{NS}StandardRate"), architect.findtext(f"{NS}StandardRateFormat")) == (
        "125",
        "3",
    )
    table = [
        (row.findtext(f"{NS}RatesFrom"), row.findtext(f"{NS}RatesTo"), row.findtext(f"{NS}StandardRate"))
        for row in architect.iter(f"{NS}Rate")
    ]
    assert table == [
        ("1984-01-01T00:00:00", "2027-01-10T23:59:00", "125"),
        ("2027-01-11T00:00:00", "2049-12-31T23:59:00", "150"),
    ]
    assert resources["Developer"].findtext(f"{NS}CostPerUse") == "5000"
    assert resources["Cables"].findtext(f"{NS}StandardRateFormat") == "8"
    tasks = {t.findtext(f"{NS}UID"): t for t in root.iter(f"{NS}Task")}
    assert (tasks["1"].findtext(f"{NS}FixedCost"), tasks["1"].findtext(f"{NS}FixedCostAccrual")) == (
        "100000",
        "1",
    )
    assert tasks["2"].findtext(f"{NS}FixedCost") is None
    assignments = {a.findtext(f"{NS}TaskUID"): a for a in root.iter(f"{NS}Assignment")}
    assert assignments["3"].findtext(f"{NS}Units") == "250"
    assert assignments["4"].findtext(f"{NS}Cost") == "75000"
    again = parse_mspdi(dump_mspdi(plan).xml, "again.xml")
    assert again.resources == plan.resources
    assert [(t.fixed_cost, t.fixed_cost_accrual, t.resources) for t in again.walk()] == [
        (t.fixed_cost, t.fixed_cost_accrual, t.resources) for t in plan.walk()
    ]


def test_what_charter_does_not_model_of_a_resource_is_kept_and_written_back() -> None:
    plan = load_mspdi(COSTS)
    kept = plan.resources["developer"].extensions["mspdi"]
    assert kept == {
        "Initials": "D",
        "Group": "Engineering",
        "Notes": "On loan from the platform team",
        "ExtendedAttribute": [{"FieldID": "205520904", "Value": "Team A"}],
    }  # Work and Cost are Project's roll-ups of the tasks: recomputed, not kept
    root = ET.fromstring(dump_mspdi(plan).xml)
    developer = next(r for r in root.iter(f"{NS}Resource") if r.findtext(f"{NS}Name") == "Developer")
    names = [child.tag.removeprefix(NS) for child in developer]
    assert names == [
        "UID", "ID", "Name", "Type", "IsNull", "Initials", "Group", "MaxUnits", "StandardRate",
        "StandardRateFormat", "OvertimeRate", "OvertimeRateFormat", "CostPerUse", "Notes", "ExtendedAttribute",
    ]  # fmt: skip
    assert developer.find(f"{NS}ExtendedAttribute/{NS}Value").text == "Team A"  # type: ignore[union-attr]


def test_task_costs_are_written_as_charter_prices_them() -> None:
    root = ET.fromstring(dump_mspdi(load_mspdi(COSTS)).xml)
    costs = {t.findtext(f"{NS}UID"): t.findtext(f"{NS}Cost") for t in root.iter(f"{NS}Task")}
    assert costs == {"0": "1800000", "1": "505000", "2": "1100000", "3": "100000", "4": "95000"}
    plain = ET.fromstring(dump_mspdi(load_mspdi(DATA / "mspdi" / "progress.xml")).xml)
    assert all(t.find(f"{NS}Cost") is None for t in plain.iter(f"{NS}Task"))  # no money, no costs


def test_a_summary_tasks_assignments_and_fixed_cost_are_reported_left_out() -> None:
    text = """<Project xmlns="http://schemas.microsoft.com/project"><StartDate>2027-01-04T08:00:00</StartDate>
      <Tasks>
        <Task><UID>1</UID><Name>Phase</Name><OutlineLevel>1</OutlineLevel><FixedCost>50000</FixedCost></Task>
        <Task><UID>2</UID><Name>Work</Name><OutlineLevel>2</OutlineLevel><Duration>PT8H0M0S</Duration></Task>
      </Tasks>
      <Resources><Resource><UID>1</UID><Name>Developer</Name><StandardRate>100</StandardRate></Resource></Resources>
      <Assignments><Assignment><UID>1</UID><TaskUID>1</TaskUID><ResourceUID>1</ResourceUID><Units>1</Units>
      </Assignment></Assignments></Project>"""
    plan = parse_mspdi(text, "summary.xml")
    phase = plan.task_map()["1"]
    assert (phase.resources, phase.fixed_cost) == ([], None)
    notes = plan.project.extensions["mspdi"]["notes"]
    assert any(n.startswith("task UID 1: its assignments (developer) are left out") for n in notes)
    assert any(n.startswith("task UID 1: its fixed cost (500) is left out") for n in notes)


ACTUALS = """<Project xmlns="http://schemas.microsoft.com/project"><StartDate>2027-01-04T08:00:00</StartDate>
  <Tasks>
    <Task><UID>1</UID><Name>Started</Name><OutlineLevel>1</OutlineLevel><Duration>PT16H0M0S</Duration>
      <ActualStart>2027-01-04T08:00:00</ActualStart><PercentComplete>75</PercentComplete>
      <ActualWork>PT12H0M0S</ActualWork><ActualCost>90000</ActualCost></Task>
    <Task><UID>2</UID><Name>Done</Name><OutlineLevel>1</OutlineLevel><Duration>PT8H0M0S</Duration>
      <ActualWork>PT8H30M0S</ActualWork><ActualCost>60000</ActualCost></Task>
  </Tasks></Project>"""


def test_actual_work_and_cost_the_file_records_are_named_not_dropped_silently(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    plan = parse_mspdi(ACTUALS, "actuals.xml")
    assert plan.project.extensions["mspdi"]["actuals"] == {"hours": 20.5, "cost": 1500.0}
    notes = plan.project.extensions["mspdi"]["notes"]
    assert any("20.5 h of actual work and an actual cost of 1500" in n for n in notes)
    assert ET.fromstring(dump_mspdi(plan).xml).find(f"{NS}actuals") is None  # Charter's own entry
    source = tmp_path / "actuals.xml"
    source.write_text(ACTUALS, encoding="utf-8")
    assert main(["evm", str(source), "--status-date", "2027-01-05"]) == 0
    assert "recorded 20.5 h of actual work costing 1,500" in " ".join(capsys.readouterr().out.split())


def test_a_currency_symbol_stands_in_for_a_missing_code() -> None:
    text = ACTUALS.replace("<StartDate>", "<CurrencySymbol>€</CurrencySymbol><StartDate>")
    plan = parse_mspdi(text, "symbol.xml")
    assert plan.project.currency == "€"
    root = ET.fromstring(dump_mspdi(plan).xml)
    assert (root.findtext(f"{NS}CurrencySymbol"), root.findtext(f"{NS}CurrencyCode")) == ("€", None)
    plan.project.currency = "EUR"
    assert ET.fromstring(dump_mspdi(plan).xml).findtext(f"{NS}CurrencyCode") == "EUR"


TIMEPHASED_ACTUALS = """<Project xmlns="http://schemas.microsoft.com/project"><StartDate>2027-01-04T08:00:00</StartDate>
  <Tasks>
    <Task><UID>1</UID><Name>Build</Name><OutlineLevel>1</OutlineLevel><Duration>PT32H0M0S</Duration>
      <ActualStart>2027-01-04T08:00:00</ActualStart><PercentComplete>37</PercentComplete>
      <ActualWork>PT12H0M0S</ActualWork><ActualCost>120000</ActualCost></Task>
  </Tasks>
  <Resources><Resource><UID>1</UID><Name>Developer</Name><StandardRate>100</StandardRate></Resource></Resources>
  <Assignments><Assignment><UID>1</UID><TaskUID>1</TaskUID><ResourceUID>1</ResourceUID><Units>1</Units>
    <Work>PT32H0M0S</Work><ActualWork>PT12H0M0S</ActualWork>
    <TimephasedData><Type>2</Type><UID>1</UID><Start>2027-01-04T08:00:00</Start>
      <Finish>2027-01-04T12:00:00</Finish><Unit>1</Unit><Value>PT4H0M0S</Value></TimephasedData>
    <TimephasedData><Type>2</Type><UID>1</UID><Start>2027-01-05T13:00:00</Start>
      <Finish>2027-01-06T12:00:00</Finish><Unit>2</Unit><Value>PT8H0M0S</Value></TimephasedData>
  </Assignment></Assignments></Project>"""


def test_actual_work_by_day_becomes_time_entries_priced_by_evm(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    plan = parse_mspdi(TIMEPHASED_ACTUALS, "timephased.xml")
    assert [(e.person, e.task, e.date, e.minutes) for e in plan.time_entries] == [
        ("developer", "1", dt.date(2027, 1, 4), 240),
        ("developer", "1", dt.date(2027, 1, 5), 240),  # 13:00-17:00 of the two-day period
        ("developer", "1", dt.date(2027, 1, 6), 240),  # 08:00-12:00
    ]
    notes = plan.project.extensions["mspdi"]["notes"]
    assert any("day by day (12 h of 12 h in all) came in as time entries" in n for n in notes)
    source = tmp_path / "timephased.xml"
    source.write_text(TIMEPHASED_ACTUALS, encoding="utf-8")
    assert main(["evm", str(source), "--status-date", "2027-01-08", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["ac"] == 1200.0  # Project's ActualCost, 12 h at 100/h


def _project(tasks: str, resources: str = "", assignments: str = "", header: str = "") -> str:
    return (
        f'<Project xmlns="http://schemas.microsoft.com/project">{header}<StartDate>2027-01-04T08:00:00</StartDate>'
        f"<Tasks>{tasks}</Tasks><Resources>{resources}</Resources><Assignments>{assignments}</Assignments></Project>"
    )


def _actual(task: str, resource: str, start: str, finish: str, value: str) -> str:
    return (
        f"<Assignment><UID>{task}{resource}</UID><TaskUID>{task}</TaskUID><ResourceUID>{resource}</ResourceUID>"
        f"<Units>1</Units><TimephasedData><Type>2</Type><UID>1</UID><Start>{start}</Start><Finish>{finish}</Finish>"
        f"<Unit>2</Unit><Value>{value}</Value></TimephasedData></Assignment>"
    )


DEV = "<Resource><UID>1</UID><Name>Developer</Name><StandardRate>100</StandardRate></Resource>"


def test_actual_work_on_a_summary_or_a_missing_task_is_left_out_with_a_note() -> None:
    text = _project(
        "<Task><UID>1</UID><Name>Phase</Name><OutlineLevel>1</OutlineLevel></Task>"
        "<Task><UID>2</UID><Name>Work</Name><OutlineLevel>2</OutlineLevel><Duration>PT8H0M0S</Duration></Task>",
        DEV,
        _actual("1", "1", "2027-01-04T08:00:00", "2027-01-04T12:00:00", "PT4H0M0S")
        + _actual("99", "1", "2027-01-04T13:00:00", "2027-01-04T15:00:00", "PT2H0M0S"),
    )
    plan = parse_mspdi(text, "summary-actuals.xml")
    assert plan.time_entries == []
    assert any(
        n.startswith("6 h of actual work on summary tasks") for n in plan.project.extensions["mspdi"]["notes"]
    )


def test_whole_minutes_along_the_days_keep_the_recorded_total() -> None:
    text = _project(
        "<Task><UID>1</UID><Name>Work</Name><OutlineLevel>1</OutlineLevel><Duration>PT16H0M0S</Duration></Task>",
        DEV,
        _actual("1", "1", "2027-01-04T08:00:00", "2027-01-04T09:00:20", "PT1H0M20S")
        + _actual("1", "1", "2027-01-05T08:00:00", "2027-01-05T09:00:20", "PT1H0M20S"),
    )
    entries = parse_mspdi(text, "seconds.xml").time_entries
    assert [e.minutes for e in entries] == [60, 61]  # 120.67 minutes in all: 121, not 120


def test_an_imported_plan_file_with_recorded_actuals_prices_in_evm(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    source, target = tmp_path / "actuals.xml", tmp_path / "actuals.yaml"
    source.write_text(ACTUALS, encoding="utf-8")
    assert main(["import", str(source), "-o", str(target)]) == 0
    assert main(["evm", str(target), "--status-date", "2027-01-05"]) == 0  # the kept figures are text
    assert "recorded 20.5 h of actual work" in " ".join(capsys.readouterr().out.split())


def test_a_rate_that_drops_to_zero_in_the_rate_table_is_a_change() -> None:
    rows = (
        "<Rates><Rate><RatesFrom>1984-01-01T00:00:00</RatesFrom><RatesTo>2027-01-10T23:59:00</RatesTo>"
        "<RateTable>0</RateTable><StandardRate>100</StandardRate><CostPerUse>5000</CostPerUse></Rate>"
        "<Rate><RatesFrom>2027-01-11T00:00:00</RatesFrom><RatesTo>2049-12-31T23:59:00</RatesTo>"
        "<RateTable>0</RateTable><StandardRate>0</StandardRate><CostPerUse>0</CostPerUse></Rate></Rates>"
    )
    text = _project(
        "<Task><UID>1</UID><Name>Work</Name><OutlineLevel>1</OutlineLevel><Duration>PT80H0M0S</Duration></Task>",
        f"<Resource><UID>1</UID><Name>Developer</Name><StandardRate>0</StandardRate>{rows}</Resource>",
        "<Assignment><UID>1</UID><TaskUID>1</TaskUID><ResourceUID>1</ResourceUID><Units>1</Units>"
        "<Work>PT80H0M0S</Work></Assignment>",
    )
    plan = parse_mspdi(text, "zero.xml")
    assert plan.resources["developer"].rates == [
        RateChange(effective=dt.date(2027, 1, 11), rate=Rate(amount=0, per="h"), cost_per_use=0.0)
    ]
    model = compile_costs(plan, baseline=None)
    assert float(model.bac()[0]) == pytest.approx(40 * 100 + 50)  # nothing from 2027-01-11 on


def test_a_material_keeps_the_rate_project_shows_now() -> None:
    rows = (
        "<Rates><Rate><RatesFrom>1984-01-01T00:00:00</RatesFrom><RatesTo>2025-12-31T23:59:00</RatesTo>"
        "<RateTable>0</RateTable><StandardRate>4</StandardRate></Rate>"
        "<Rate><RatesFrom>2026-01-01T00:00:00</RatesFrom><RatesTo>2049-12-31T23:59:00</RatesTo>"
        "<RateTable>0</RateTable><StandardRate>8</StandardRate></Rate></Rates>"
    )
    text = _project(
        "<Task><UID>1</UID><Name>Cabling</Name><OutlineLevel>1</OutlineLevel><Duration>PT8H0M0S</Duration></Task>",
        f"<Resource><UID>1</UID><Name>Cables</Name><Type>0</Type><StandardRate>8</StandardRate>{rows}</Resource>",
        "<Assignment><UID>1</UID><TaskUID>1</TaskUID><ResourceUID>1</ResourceUID><Units>100</Units></Assignment>",
    )
    plan = parse_mspdi(text, "material.xml")
    assert (plan.resources["cables"].rate, plan.resources["cables"].rates) == (Rate(amount=8, per="h"), [])
    assert float(compile_costs(plan, baseline=None).bac()[0]) == pytest.approx(800)
    assert any("rate changes of a material resource" in n for n in plan.project.extensions["mspdi"]["notes"])


def test_day_and_month_rates_survive_a_round_trip_with_short_days() -> None:
    text = _project(
        "<Task><UID>1</UID><Name>Work</Name><OutlineLevel>1</OutlineLevel><Duration>PT8H0M0S</Duration></Task>",
        "<Resource><UID>1</UID><Name>Lead</Name><StandardRate>6.666667</StandardRate><StandardRateFormat>5"
        "</StandardRateFormat><OvertimeRate>9.333333</OvertimeRate><OvertimeRateFormat>3</OvertimeRateFormat>"
        "</Resource><Resource><UID>2</UID><Name>Travel</Name><Type>2</Type><IsCostResource>1</IsCostResource>"
        "</Resource>",
        header="<MinutesPerDay>450</MinutesPerDay><MinutesPerWeek>2250</MinutesPerWeek>",
    )
    plan = parse_mspdi(text, "short-days.xml")
    lead = plan.resources["lead"]
    assert (lead.rate, lead.overtime_rate) == (Rate(amount=1000, per="mo"), Rate(amount=70, per="d"))
    assert plan.resources["travel"].kind == "cost"
    again = parse_mspdi(dump_mspdi(plan).xml, "again.xml")
    assert again.resources == plan.resources
    travel = next(
        r
        for r in ET.fromstring(dump_mspdi(plan).xml).iter(f"{NS}Resource")
        if r.findtext(f"{NS}Name") == "Travel"
    )
    assert travel.findtext(f"{NS}IsCostResource") == "1"


def test_a_pool_booking_more_than_a_day_takes_several_entries(tmp_path: Path) -> None:
    text = _project(
        "<Task><UID>1</UID><Name>Work</Name><OutlineLevel>1</OutlineLevel><Duration>PT8H0M0S</Duration></Task>",
        "<Resource><UID>1</UID><Name>Crew</Name><MaxUnits>4</MaxUnits><StandardRate>50</StandardRate></Resource>",
        _actual("1", "1", "2027-01-04T08:00:00", "2027-01-04T17:00:00", "PT32H0M0S"),
    )
    plan = parse_mspdi(text, "pool.xml")
    assert [(e.date, e.minutes) for e in plan.time_entries] == [
        (dt.date(2027, 1, 4), 1440),
        (dt.date(2027, 1, 4), 480),
    ]
    target = tmp_path / "pool.yaml"
    source = tmp_path / "pool.xml"
    source.write_text(text, encoding="utf-8")
    assert main(["import", str(source), "-o", str(target)]) == 0
    assert main(["check", str(target)]) == 0  # the plan file reads back: no entry over 24 hours
