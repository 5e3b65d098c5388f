"""Lossless round trip (load, save, load gives an equal plan) and the published JSON Schema."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import yaml
from hypothesis import given, settings

from charter.domain import Plan
from charter.formats.planfile import dump_plan, load_plan, parse_plan
from charter.formats.planfile import keys as plan_keys
from charter.formats.planfile.schema import plan_schema
from charter.formats.planfile.writer import dump_baselines, replace_section
from tests.conftest import plan_text
from tests.strategies import HARD, SOFT, plans


def test_examples_round_trip(example_path: Path) -> None:
    plan = load_plan(example_path)
    again = parse_plan(dump_plan(plan))
    assert again == plan
    assert dump_plan(again) == dump_plan(plan)  # the canonical form is a fixed point


@settings(max_examples=60, deadline=None)
@given(plans(constraints=SOFT + HARD, deadlines=True))
def test_random_plans_round_trip(plan: Plan) -> None:
    assert parse_plan(dump_plan(plan)) == plan


def test_every_field_survives() -> None:
    text = plan_text(
        """
        calendars:
          standard:
            week: {mon-fri: "08:00-12:00, 13:00-17:00", sat: "09:00-13:00"}
            holidays: [2027-01-01]
            exceptions:
              - {date: 2027-12-24, hours: "08:00-12:00", name: Christmas Eve}
              - {date: 2027-12-27, until: 2027-12-31, hours: ""}
          nights: {based_on: standard, week: {mon-fri: "22:00-24:00"}}
        resources:
          alice: {name: Alice, units: 50%, calendar: nights, rate: 95/h, overtime_rate: 120/h, skills: [dba], email: a@example.org}
          crane: {kind: material, cost_per_use: 500}
        tasks:
          - key: build
            name: Build it
            work: 80h
            resources: ["alice 50%", {resource: crane, units: 200%, work: 4h}]
            priority: 700
            constraint: {type: SNET, date: 2027-01-11T13:00}
            deadline: 2027-02-01
            notes: "Two\\nlines"
            tags: [core, phase-1]
            percent_complete: 25%
            actual_start: 2027-01-11
          - {key: test, estimate: 4d/5d/9d, distribution: triangular, after: ["build -1d"], starts_with: ["build +50%"]}
          - {key: ship, milestone: true, finishes_with: ["test +3ed"], finishes_after_start: [build], constraint: ALAP}
        risks:
          - {key: late, title: Vendor late, probability: 30%, delay: {tasks: [build], amount: 5d/10d/20d},
             cost: 10000/20000/50000, owner: alice, response: mitigate, category: supplier}
        """
    )
    plan = parse_plan(text)
    assert parse_plan(dump_plan(plan)) == plan
    assert plan.resources["alice"].units == 0.5
    assert plan.tasks[0].resources[1].units == 2.0
    assert plan.calendars["standard"].exceptions[1].until is not None


def test_schema_accepts_the_examples(example_path: Path) -> None:
    document = yaml.safe_load(example_path.read_text(encoding="utf-8"))
    jsonschema.validate(json.loads(json.dumps(document, default=str)), plan_schema())


def test_schema_rejects_an_unknown_key() -> None:
    document = {
        "charter": 1,
        "project": {"name": "x", "start": "2027-01-04"},
        "tasks": [{"key": "a", "duraton": "5d"}],
    }
    validator = jsonschema.Draft202012Validator(plan_schema())
    assert list(validator.iter_errors(document))


def test_schema_and_reader_know_the_same_keys() -> None:
    schema = plan_schema()
    assert set(schema["properties"]) == set(plan_keys.TOP)
    assert set(schema["$defs"]["task"]["properties"]) == set(plan_keys.TASK)
    assert set(schema["properties"]["project"]["properties"]) == set(plan_keys.PROJECT)


def test_replacing_a_section_keeps_comments() -> None:
    text = "# my plan\ncharter: 1  # version\nproject: {name: P, start: 2027-01-04}\ntasks:\n  - {key: a, duration: 1d}\n"
    plan = parse_plan(text)
    import datetime as dt

    from charter.engine.baseline import snapshot
    from charter.engine.cpm import schedule

    baseline = snapshot(schedule(plan), 0, dt.datetime(2027, 1, 1, 9, 0), "first")
    once = replace_section(text, "baselines", dump_baselines([baseline]))
    assert once.startswith(text)
    twice = replace_section(once, "baselines", dump_baselines([baseline]))
    assert twice == once
    assert parse_plan(twice).baselines == [baseline]
