"""Levelling delays and split tasks in the plan file: read, checked, written back, scheduled."""

from __future__ import annotations

import json

import jsonschema
import pytest
import yaml

from charter.domain import Duration
from charter.domain.task import Split
from charter.engine.cpm import schedule
from charter.errors import PlanFileError, ValueFormatError
from charter.formats.mspdi import load_mspdi
from charter.formats.planfile import dump_plan, parse_plan
from charter.formats.planfile.schema import plan_schema
from charter.views.schedule import schedule_document
from tests.conftest import DATA

HEAD = "charter: 1\nproject: {name: P, start: 2027-01-04}\n"
FIXTURE = DATA / "mspdi" / "levelling-splits.xml"

CANONICAL = """\
charter: 1
project:
  name: P
  start: 2027-01-04
  timezone: UTC
  calendar: standard
tasks:
  - key: build
    duration: 5d
    leveling_delay: 3ed
    splits: [{after: 1d, pause: 2d}, {after: 3d, pause: 4h}]
  - {key: test, duration: 2d, leveling_delay: 2d, after: [build]}
"""


def test_the_keys_are_read() -> None:
    tasks = parse_plan(CANONICAL).task_map()
    assert tasks["build"].leveling_delay == Duration(value=3, unit="ed")
    assert tasks["build"].splits == [
        Split(after=Duration(value=1, unit="d"), pause=Duration(value=2, unit="d")),
        Split(after=Duration(value=3, unit="d"), pause=Duration(value=4, unit="h")),
    ]
    assert tasks["test"].leveling_delay == Duration(value=2, unit="d")
    assert tasks["test"].splits == []


def test_plan_file_to_plan_to_plan_file_is_identical() -> None:
    assert dump_plan(parse_plan(CANONICAL)) == CANONICAL


def test_the_keys_move_the_dates() -> None:
    rows = {row["key"]: row for row in schedule_document(schedule(parse_plan(CANONICAL)))["tasks"]}
    # 3 elapsed days from Mon 08:00 is Thu 08:00; 1d of work, 2d of pause, 2d of work, 4h of
    # pause, then the last day: 5d of work over 7.5 working days.
    assert rows["build"]["start"] == "2027-01-07T08:00"
    assert rows["build"]["finish"] == "2027-01-18T12:00"
    # test waits 2 working days after build (Mon 12:00): Wed 12:00, then 2 days of work.
    assert rows["test"]["start"] == "2027-01-20T13:00"
    assert rows["test"]["finish"] == "2027-01-22T12:00"
    plain = parse_plan(CANONICAL.replace("    leveling_delay: 3ed\n", "").replace("leveling_delay: 2d, ", ""))
    rows = {row["key"]: row for row in schedule_document(schedule(plain))["tasks"]}
    assert rows["build"]["start"] == "2027-01-04T08:00"


def test_the_schema_knows_the_keys() -> None:
    document = json.loads(json.dumps(yaml.safe_load(CANONICAL), default=str))
    validator = jsonschema.Draft202012Validator(plan_schema())
    assert not list(validator.iter_errors(document))
    document["tasks"][0]["splits"][0]["pause"] = "2ed"
    assert list(validator.iter_errors(document))
    document["tasks"][0]["splits"][0] = {"after": "1d"}
    assert list(validator.iter_errors(document))
    document["tasks"][0]["splits"] = [{"after": "1d", "pause": "1d"}]
    document["tasks"][0]["leveling_delay"] = "-1d"
    assert list(validator.iter_errors(document))


def test_mspdi_to_plan_file_to_plan_schedules_like_the_mspdi() -> None:
    direct = load_mspdi(FIXTURE)
    text = dump_plan(direct)
    assert "leveling_delay: 3ed" in text and "splits: [{after: 960m, pause: 480m}]" in text
    again = parse_plan(text)
    assert again == direct
    assert dump_plan(again) == text
    expected = schedule_document(schedule(direct))["tasks"]
    assert schedule_document(schedule(again))["tasks"] == expected
    rows = {row["key"]: row for row in expected}
    assert (rows["6"]["start"], rows["6"]["finish"]) == ("2027-01-04T08:00", "2027-01-08T17:00")
    assert rows["3"]["start"] == "2027-01-11T08:00"  # 3 elapsed days after Wed 08:00 is Sat: Mon


def test_without_the_keys_the_mspdi_schedules_differently() -> None:
    """The keys matter: dropping them from the plan file changes the dates (the old loss)."""
    direct = load_mspdi(FIXTURE)
    lossy = direct.model_copy(deep=True)
    for task in lossy.walk():
        task.leveling_delay, task.splits = None, []
    before = {row["key"]: row for row in schedule_document(schedule(direct))["tasks"]}
    after = {row["key"]: row for row in schedule_document(schedule(lossy))["tasks"]}
    assert before["6"]["finish"] != after["6"]["finish"]
    assert before["3"]["start"] != after["3"]["start"]


@pytest.mark.parametrize(
    ("body", "what", "fix"),
    [
        ("{key: a, duration: 5d, leveling_delay: -2d}", "negative", None),
        ("{key: a, duration: 5d, leveling_delay: 2}", "has no unit", "write 2d for days or 2h for hours"),
        ("{key: a, duration: 5d, splits: [{after: 1d, pause: 0d}]}", "a pause of 0d is no pause", "remove"),
        ("{key: a, duration: 5d, splits: [{after: 1d, pause: -1d}]}", "negative", None),
        ("{key: a, duration: 5d, splits: [{after: 0d, pause: 1d}]}", "before any work", "leveling_delay: 1d"),
        (
            "{key: a, duration: 5d, splits: [{after: 5d, pause: 1d}]}",
            "not within the task's duration 5d",
            "less than 5d",
        ),
        ("{key: a, estimate: 2d/3d/4d, splits: [{after: 24h, pause: 1d}]}", "duration 3d", None),
        (
            "{key: a, duration: 5d, splits: [{after: 2d, pause: 1d}, {after: 1d, pause: 1d}]}",
            "not later",
            "in the order",
        ),
        ("{key: a, duration: 5d, splits: [{after: 2d, pause: 1ed}]}", "not elapsed time", "like 1d"),
        ("{key: a, duration: 5d, splits: [{after: 2d}]}", "has no pause", "{after: 1d, pause: 2d}"),
        ("{key: a, duration: 5d, splits: [{after: 2d, pause: 1d, for: x}]}", "unknown key 'for'", None),
        ("{key: a, duration: 5d, splits: {after: 2d, pause: 1d}}", "should be a list", None),
    ],
)
def test_bad_values_are_explained(body: str, what: str, fix: str | None) -> None:
    with pytest.raises(PlanFileError) as info:
        parse_plan(f"{HEAD}tasks:\n  - {body}\n", "plan.yaml")
    error = info.value
    assert what in error.what
    assert error.where is not None and (error.where.file, error.where.line) == ("plan.yaml", 4)
    if fix is not None:
        assert error.fix is not None and fix in error.fix


def test_a_summary_cannot_be_split() -> None:
    text = (
        HEAD
        + "tasks:\n  - key: s\n    splits: [{after: 1d, pause: 1d}]\n    tasks:\n      - {key: a, duration: 2d}\n"
    )
    with pytest.raises(PlanFileError, match="summary task 's' has splits"):
        parse_plan(text)


def test_pauses_compare_in_the_projects_day_length() -> None:
    header = "charter: 1\nproject: {name: P, start: 2027-01-04, hours_per_day: 6}\n"
    # 1d is 6h here, so a pause after 7h comes after the first day's work.
    text = (
        header
        + "tasks:\n  - {key: a, duration: 2d, splits: [{after: 1d, pause: 1h}, {after: 7h, pause: 1h}]}\n"
    )
    assert len(parse_plan(text).task_map()["a"].splits) == 2
    with pytest.raises(ValueFormatError, match="not within the task's duration 2d"):
        parse_plan(header + "tasks:\n  - {key: a, duration: 2d, splits: [{after: 12h, pause: 1h}]}\n")
