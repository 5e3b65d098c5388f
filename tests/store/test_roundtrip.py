"""Lossless: a plan stored and read back is equal to the plan, for examples and random plans."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from charter.domain import Constraint, ConstraintType, Plan, Project, Task
from charter.errors import ConflictError, InvalidChangeError, NotFoundError
from charter.formats.planfile import dump_plan, load_plan, parse_plan
from charter.store import Store
from tests.store.conftest import SMALL
from tests.strategies import HARD, SOFT, plans


def test_examples_round_trip(store: Store, example_path: Path) -> None:
    plan = load_plan(example_path)
    key = store.import_plan(plan)
    again = store.export_plan(key)
    assert again == plan
    assert dump_plan(again) == dump_plan(plan)  # even the written file is the same


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=plans(constraints=SOFT + HARD, deadlines=True))
def test_random_plans_round_trip(store: Store, plan: Plan) -> None:
    assert store.export_plan(store.import_plan(plan)) == plan


def test_a_midnight_stays_a_time_and_a_day_stays_a_day(store: Store) -> None:
    midnight, day = dt.datetime(2027, 1, 4), dt.date(2027, 1, 4)
    plan = Plan(
        project=Project(name="Dates", start=day, status_date=midnight),
        tasks=[Task(key="a", deadline=midnight, constraint=Constraint(type=ConstraintType.SNET, date=day))],
    )
    again = store.export_plan(store.import_plan(plan))
    assert again == plan
    assert type(again.tasks[0].deadline) is dt.datetime
    assert type(again.project.start) is dt.date


def test_keys_come_from_the_name_and_are_unique(store: Store) -> None:
    plan = parse_plan(SMALL.replace("name: Test", "name: Größe & Co. — ERP!"))
    assert store.import_plan(plan) == "grosse-co-erp"
    assert store.import_plan(plan) == "grosse-co-erp-2"
    assert store.import_plan(plan, key="erp") == "erp"
    with pytest.raises(ConflictError, match="'erp' is already taken"):
        store.import_plan(plan, key="erp")
    with pytest.raises(InvalidChangeError, match="not a valid project key"):
        store.import_plan(plan, key="Not OK")
    listed = store.list_projects()
    assert [p.key for p in listed] == ["erp", "grosse-co-erp", "grosse-co-erp-2"]
    assert {p.visibility for p in listed} == {"private"}
    assert all(p.version == 1 and p.created_at.tzinfo == dt.UTC for p in listed)


def test_duplicate_task_keys_are_refused_before_writing(store: Store) -> None:
    plan = Plan(project=Project(name="dup"), tasks=[Task(key="a"), Task(key="b", tasks=[Task(key="a")])])
    with pytest.raises(InvalidChangeError, match="two tasks have the key 'a'"):
        store.import_plan(plan)
    assert store.list_projects() == []


def test_unknown_project(store: Store) -> None:
    with pytest.raises(NotFoundError, match="no project 'nope'"):
        store.export_plan("nope")
