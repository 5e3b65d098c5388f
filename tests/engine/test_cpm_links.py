"""Hand-checked link semantics: every link type with every kind of lag.

Calendar: the built-in standard one (Mon-Fri 08:00-12:00, 13:00-17:00); Fri 2027-01-01 is a
working day there. Predecessor A is 5 days from Mon 2027-01-04 08:00 to Fri 01-08 17:00;
successor B is 3 days.
"""

from __future__ import annotations

import pytest

from tests.conftest import scheduled

CASES = [
    # (link field, entry, expected B start, expected B finish)
    ("after", "a", "2027-01-11T08:00", "2027-01-13T17:00"),
    ("after", "a +2d", "2027-01-13T08:00", "2027-01-15T17:00"),
    ("after", "a -1d", "2027-01-08T08:00", "2027-01-12T17:00"),
    ("after", "a +50%", "2027-01-13T13:00", "2027-01-18T12:00"),
    ("after", "a +3ed", "2027-01-12T08:00", "2027-01-14T17:00"),
    ("after", "a +4h", "2027-01-11T13:00", "2027-01-14T12:00"),
    ("starts_with", "a", "2027-01-04T08:00", "2027-01-06T17:00"),
    ("starts_with", "a +2d", "2027-01-06T08:00", "2027-01-08T17:00"),
    ("starts_with", "a -1d", "2027-01-01T08:00", "2027-01-05T17:00"),
    ("starts_with", "a +20%", "2027-01-05T08:00", "2027-01-07T17:00"),
    ("starts_with", "a +1ed", "2027-01-05T08:00", "2027-01-07T17:00"),
    ("finishes_with", "a", "2027-01-06T08:00", "2027-01-08T17:00"),
    ("finishes_with", "a +1d", "2027-01-07T08:00", "2027-01-11T17:00"),
    ("finishes_with", "a -1d", "2027-01-05T08:00", "2027-01-07T17:00"),
    ("finishes_with", "a +40%", "2027-01-08T08:00", "2027-01-12T17:00"),
    # Fri 17:00 + 48 elapsed hours is Sun 17:00, no later in working time than Fri 17:00.
    ("finishes_with", "a +2ed", "2027-01-06T08:00", "2027-01-08T17:00"),
    ("finishes_with", "a +3ed", "2027-01-07T08:00", "2027-01-11T17:00"),
    ("finishes_after_start", "a", "2026-12-30T08:00", "2027-01-01T17:00"),
    ("finishes_after_start", "a +5d", "2027-01-06T08:00", "2027-01-08T17:00"),
    ("finishes_after_start", "a -1d", "2026-12-29T08:00", "2026-12-31T17:00"),
    ("finishes_after_start", "a +100%", "2027-01-06T08:00", "2027-01-08T17:00"),
    ("finishes_after_start", "a +7ed", "2027-01-06T08:00", "2027-01-08T17:00"),
]


@pytest.mark.parametrize(("field", "entry", "start", "finish"), CASES)
def test_link_type_and_lag(field: str, entry: str, start: str, finish: str) -> None:
    rows = scheduled(
        f"""
        tasks:
          - {{key: a, duration: 5d}}
          - {{key: b, duration: 3d, {field}: ["{entry}"]}}
        """
    )
    assert rows["a"]["start"] == "2027-01-04T08:00"
    assert rows["a"]["finish"] == "2027-01-08T17:00"
    assert (rows["b"]["start"], rows["b"]["finish"]) == (start, finish)


def test_the_latest_predecessor_drives_the_start() -> None:
    rows = scheduled(
        """
        tasks:
          - {key: a, duration: 2d}
          - {key: b, duration: 4d}
          - {key: c, duration: 1d, after: [a, b]}
        """
    )
    assert rows["c"]["start"] == "2027-01-08T08:00"
    assert rows["a"]["total_slack"] == 2 * 480
    assert rows["a"]["free_slack"] == 2 * 480
    assert rows["b"]["critical"] and rows["c"]["critical"] and not rows["a"]["critical"]


def test_milestone_after_a_finish_sits_at_that_finish() -> None:
    rows = scheduled(
        """
        tasks:
          - {key: a, duration: 5d}
          - {key: done, milestone: true, after: [a]}
          - {key: next, duration: 1d, after: [done]}
        """
    )
    assert rows["done"]["start"] == rows["done"]["finish"] == "2027-01-08T17:00"
    assert rows["next"]["start"] == "2027-01-11T08:00"


def test_lag_counts_on_the_successor_calendar() -> None:
    rows = scheduled(
        """
        calendars:
          standard: {week: {mon-fri: "08:00-12:00, 13:00-17:00"}}
          six-days: {based_on: standard, week: {sat: "08:00-12:00, 13:00-17:00"}}
        tasks:
          - {key: a, duration: 5d}
          - {key: b, duration: 1d, calendar: six-days, after: ["a +1d"]}
        """
    )
    # Fri 17:00 + 1 working day on b's six-day calendar is Sat 17:00; b starts Mon 08:00.
    assert rows["b"]["start"] == "2027-01-11T08:00"


def test_summary_links_bind_all_leaves() -> None:
    rows = scheduled(
        """
        tasks:
          - {key: w, duration: 2d}
          - key: s
            after: [w]
            tasks:
              - {key: c1, duration: 2d}
              - {key: c2, duration: 3d, after: [c1]}
              - {key: c3, duration: 1d}
          - {key: x, duration: 1d, after: [s]}
          - {key: y, duration: 1d, starts_with: ["s +1d"]}
        """
    )
    assert rows["c1"]["start"] == "2027-01-06T08:00"
    assert rows["c3"]["start"] == "2027-01-06T08:00"
    assert rows["s"]["start"] == "2027-01-06T08:00"
    assert rows["s"]["finish"] == "2027-01-12T17:00"
    assert rows["s"]["is_summary"]
    assert rows["x"]["start"] == "2027-01-13T08:00"
    assert rows["y"]["start"] == "2027-01-07T08:00"
    assert rows["c3"]["total_slack"] == 4 * 480
