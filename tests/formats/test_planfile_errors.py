"""Every mistake a person can make in a plan file: where, what, and how to fix it."""

from __future__ import annotations

import pytest

from charter.engine.cpm import schedule
from charter.errors import (
    CharterError,
    ConstraintConflictError,
    DependencyCycleError,
    DuplicateKeyError,
    PlanFileError,
    UnknownKeyError,
    UnknownReferenceError,
    ValueFormatError,
)
from charter.formats.planfile import parse_plan

HEAD = "charter: 1\nproject: {name: P, start: 2027-01-04}\n"


def error_for(text: str) -> CharterError:
    with pytest.raises(CharterError) as info:
        schedule(parse_plan(text, "plan.yaml"))
    return info.value


def test_unknown_key_says_did_you_mean_with_position() -> None:
    error = error_for(HEAD + "tasks:\n  - {key: a, duraton: 5d}\n")
    assert isinstance(error, UnknownKeyError)
    assert (error.where.file, error.where.line, error.where.column) == ("plan.yaml", 4, 14)  # type: ignore[union-attr]
    assert "duraton" in error.what
    assert error.fix == "did you mean 'duration'? "


def test_bad_duration() -> None:
    error = error_for(HEAD + "tasks:\n  - {key: a, duration: 5 days}\n")
    assert isinstance(error, ValueFormatError)
    assert error.where is not None and error.where.line == 4
    assert "not a duration" in error.what


def test_number_without_unit_suggests_one() -> None:
    error = error_for(HEAD + "tasks:\n  - {key: a, duration: 5}\n")
    assert "no unit" in error.what
    assert error.fix == "write 5d for days or 5h for hours"


def test_bad_date() -> None:
    error = error_for("charter: 1\nproject: {name: P, start: 2027-13-04}\n")
    assert isinstance(error, ValueFormatError)
    assert error.where is not None and (error.where.line, error.where.column) == (2, 27)
    assert "not a real date" in error.what


def test_unknown_reference_suggests_the_closest_key() -> None:
    error = error_for(
        HEAD + "tasks:\n  - {key: design, duration: 5d}\n  - {key: b, duration: 1d, after: [desing]}\n"
    )
    assert isinstance(error, UnknownReferenceError)
    assert error.where is not None and error.where.line == 5
    assert error.fix == "did you mean 'design'?"


def test_duplicate_task_key() -> None:
    error = error_for(HEAD + "tasks:\n  - {key: a, duration: 5d}\n  - {key: a, duration: 1d}\n")
    assert isinstance(error, DuplicateKeyError)
    assert "line 4" in error.what


def test_duplicate_mapping_key() -> None:
    error = error_for(HEAD + "tasks:\n  - {key: a, duration: 5d, duration: 2d}\n")
    assert isinstance(error, DuplicateKeyError)
    assert error.where is not None and error.where.line == 4


def test_dependency_cycle_prints_the_cycle() -> None:
    error = error_for(
        HEAD
        + "tasks:\n  - {key: a, duration: 1d, after: [c]}\n  - {key: b, duration: 1d, after: [a]}\n"
        + "  - {key: c, duration: 1d, after: [b]}\n  - {key: d, duration: 1d}\n"
    )
    assert isinstance(error, DependencyCycleError)
    assert sorted(error.cycle) == ["a", "b", "c"]
    text = str(error)
    assert "->" in text and error.where is not None and error.where.file == "plan.yaml"


def test_cycle_through_a_summary() -> None:
    error = error_for(
        HEAD
        + "tasks:\n  - key: s\n    after: [x]\n    tasks:\n      - {key: a, duration: 1d}\n"
        + "  - {key: x, duration: 1d, starts_with: [a]}\n"
    )
    assert isinstance(error, DependencyCycleError)
    assert set(error.cycle) == {"a", "x"}


def test_link_to_own_summary() -> None:
    error = error_for(HEAD + "tasks:\n  - key: s\n    tasks:\n      - {key: a, duration: 1d, after: [s]}\n")
    assert isinstance(error, UnknownReferenceError)
    assert "own summary" in error.what


def test_contradictory_constraint_and_deadline() -> None:
    error = error_for(
        HEAD
        + "tasks:\n  - {key: a, duration: 1d, constraint: {type: MSO, date: 2027-02-10}, deadline: 2027-02-01}\n"
    )
    assert isinstance(error, ConstraintConflictError)
    assert error.fix is not None and "deadline" in error.fix


def test_constraint_needs_its_date() -> None:
    error = error_for(HEAD + "tasks:\n  - {key: a, duration: 1d, constraint: {type: SNET}}\n")
    assert "needs a date" in error.what


def test_summary_with_its_own_duration() -> None:
    error = error_for(
        HEAD + "tasks:\n  - key: s\n    duration: 3d\n    tasks:\n      - {key: a, duration: 1d}\n"
    )
    assert "summary task 's' has duration" in error.what


def test_task_without_duration() -> None:
    error = error_for(HEAD + "tasks:\n  - {key: a, name: Something}\n")
    assert "has no duration" in error.what
    assert error.where is not None and error.where.line == 4


def test_bad_key() -> None:
    error = error_for(HEAD + "tasks:\n  - {key: Design Phase, duration: 1d}\n")
    assert error.fix == "use 'design-phase'"


def test_invalid_yaml() -> None:
    error = error_for(HEAD + "tasks:\n  - {key: a, duration: 1d\n")
    assert isinstance(error, PlanFileError)
    assert "not valid YAML" in error.what


def test_missing_version_and_project() -> None:
    assert "format version" in error_for("project: {name: P, start: 2027-01-04}\n").what
    assert "no project" in error_for("charter: 1\n").what
    assert "empty" in error_for("").what


def test_unknown_calendar_and_resource() -> None:
    error = error_for(HEAD + "tasks:\n  - {key: a, duration: 1d, calendar: nights}\n")
    assert "unknown calendar 'nights'" in error.what
    error = error_for(
        HEAD + "resources:\n  alice: {}\ntasks:\n  - {key: a, duration: 1d, resources: [alcie]}\n"
    )
    assert error.fix == "did you mean 'alice'?"


def test_bad_time_range_explains_midnight() -> None:
    error = error_for(HEAD + "calendars:\n  night: {week: {mon: '22:00-06:00'}}\n")
    assert "cross midnight" in error.what


def test_lag_without_space() -> None:
    error = error_for(
        HEAD + "tasks:\n  - {key: a, duration: 1d}\n  - {key: b, duration: 1d, after: [a+2d]}\n"
    )
    assert "needs a space" in error.what
    assert error.fix == "a +2d"


def test_unknown_time_zone() -> None:
    error = error_for("charter: 1\nproject: {name: P, start: 2027-01-04, timezone: Europe/Berln}\n")
    assert "unknown time zone" in error.what


def test_percent_complete_without_actual_start() -> None:
    error = error_for(HEAD + "tasks:\n  - {key: a, duration: 2d, percent_complete: 50%}\n")
    assert "no actual_start" in error.what


def test_errors_render_where_what_and_fix() -> None:
    error = error_for(HEAD + "tasks:\n  - {key: a, duraton: 5d}\n")
    assert str(error).splitlines()[0].startswith("plan.yaml:4:14: unknown key 'duraton' in task 'a'")
    assert "fix:" in str(error)
