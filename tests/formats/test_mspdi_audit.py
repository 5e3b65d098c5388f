"""Reasons for differing late dates found in the stored dates alone (the file against itself)."""

from __future__ import annotations

import datetime as dt

from charter.engine.calendar import TimeAxis
from charter.engine.cpm import schedule
from charter.formats.mspdi import load_mspdi
from charter.formats.mspdi.audit import stored_instant
from charter.formats.mspdi.compare import file_differences
from tests.conftest import DATA

STALE = DATA / "mspdi" / "stale-late-dates.xml"


def differences() -> dict[str, tuple[list[str], str | None, bool]]:
    plan = load_mspdi(STALE)
    return {
        d.key: ([f.field for f in d.differences], d.reason, d.file_contradicts_itself)
        for d in file_differences(plan, schedule(plan))
    }


def test_each_stale_late_date_is_traced_to_the_file_contradicting_itself() -> None:
    found = differences()
    assert sorted(found) == ["1", "3", "4", "6"]
    assert found["1"] == (
        ["late_start", "late_finish"],
        "the file contradicts itself: late finish 2027-01-08T17:00, before its own project finish "
        "2027-01-15T17:00, though no successor, constraint or deadline holds the task there",
        True,
    )
    assert found["4"] == (
        ["late_start", "late_finish"],
        "the file contradicts itself: late finish 2027-01-15T17:00 here, "
        "but late start 2027-01-15T08:00 for its FS successor Last (task 5)",
        True,
    )
    assert found["3"] == (
        ["late_start", "late_finish"],
        "follows its FS successor Second (task 4), whose stored dates differ",
        True,
    )


def test_an_early_date_that_differs_gets_no_stored_date_reason() -> None:
    assert differences()["6"] == (["start"], None, False)


def test_stored_seconds_round_to_the_nearest_minute() -> None:
    axis = TimeAxis()
    minute = axis.instant(dt.datetime(2027, 1, 4, 8, 0))
    assert stored_instant(axis, "2027-01-04T07:59:40") == minute
    assert stored_instant(axis, "2027-01-04T08:00:29") == minute
    assert stored_instant(axis, "2027-01-04T08:00:30") == minute + 1
    found = differences()
    assert "7" not in found  # 07:59:40 and 17:00:20 are the computed 08:00 and 17:00
    assert "8" not in found  # 08:00:40 lies between 08:00 and 08:01: not a difference
